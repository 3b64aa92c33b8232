import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspClient, LspClientError } from './lsp-client.js';

/**
 * The test client's own bounds: a server that never answers, exits at once,
 * crashes in the middle of a request or ignores shutdown makes the client
 * reject with a message naming what failed, instead of hanging the test.
 * The "servers" are small scripts written to a temporary folder. The
 * per-test `timeout` only turns a regression back into a failure, not a hang.
 */
const FAKE = String.raw`
const mode = process.argv[2];
const pidFile = process.argv[3];
if (pidFile) require('node:fs').writeFileSync(pidFile, String(process.pid));
if (mode === 'silent') {
  process.stderr.write('fake: up, but answering nothing\n');
  process.stdin.resume();
  setInterval(() => {}, 1 << 30);
} else if (mode === 'exit') {
  process.stderr.write('fake: cannot find ./server-chunk.js\n');
  process.exit(3);
} else {
  // Just enough JSON-RPC over stdio (Content-Length framing) to answer initialize and misbehave later.
  let buf = Buffer.alloc(0);
  const cancelled = [];
  const send = (m) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m }));
    process.stdout.write('Content-Length: ' + body.length + '\r\n\r\n');
    process.stdout.write(body);
  };
  const handle = (m) => {
    switch (m.method) {
      case 'initialize': return send({ id: m.id, result: { capabilities: {} } });
      case 'echo': return send({ id: m.id, result: { params: m.params, cancelled } });
      case '$/cancelRequest': cancelled.push(m.params.id); return;
      case 'crash': throw new Error('fake: null pointer in ' + m.method);
      case 'kill': process.stderr.write('fake: killing myself\n'); process.kill(process.pid, 'SIGKILL'); return;
      case 'shutdown': if (mode !== 'stubborn') send({ id: m.id, result: null }); return;
      case 'exit': if (mode !== 'stubborn') process.exit(0); return;
      default: return; // never answered
    }
  };
  if (mode === 'stubborn') process.on('SIGTERM', () => process.stderr.write('fake: ignoring SIGTERM\n'));
  process.stdin.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, h).toString())[1]);
      if (buf.length < h + 4 + len) return;
      const msg = JSON.parse(buf.subarray(h + 4, h + 4 + len).toString());
      buf = buf.subarray(h + 4 + len);
      handle(msg);
    }
  });
}
`;

let dir: string;
let script: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'csrl-lsp-client-'));
  script = join(dir, 'fake-server.cjs');
  writeFileSync(script, FAKE);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Short bounds only where the fake is meant to exceed them; generous ones elsewhere, so a loaded machine cannot fail the test. */
const SHORT = { startMs: 4000, requestMs: 1500, stopMs: 500 };
const ROOMY = { startMs: 20_000, requestMs: 20_000, stopMs: 5_000 };
const GUARD = { timeout: 60_000 };

function fake(mode: string, pidFile?: string): string[] {
  return [process.execPath, script, mode, ...(pidFile ? [pidFile] : [])];
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Resolves once the process no longer exists (a killed child lingers until it is reaped). */
async function gone(pid: number): Promise<void> {
  while (!isGone(pid)) await new Promise((r) => setTimeout(r, 20));
}

function rejection(p: Promise<unknown>): Promise<LspClientError> {
  return p.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (err: unknown) => {
      assert.ok(err instanceof LspClientError, `not an LspClientError: ${err}`);
      return err;
    },
  );
}

describe('LspClient start-up bounds', () => {
  it('rejects a server that never answers initialize, with its stderr, and kills it', GUARD, async () => {
    const pidFile = join(dir, 'silent.pid');
    const err = await rejection(LspClient.start({ command: fake('silent', pidFile), timeouts: SHORT }));
    assert.match(err.message, /did not start/);
    assert.match(err.message, /initialize: no answer within 4000 ms/);
    assert.match(err.message, /fake: up, but answering nothing/);
    await gone(Number(readFileSync(pidFile, 'utf8')));
  });

  it('rejects a server that exits at once, with its exit code and stderr', GUARD, async () => {
    const err = await rejection(LspClient.start({ command: fake('exit'), timeouts: ROOMY }));
    assert.match(err.message, /initialize: the server exited with code 3/);
    assert.match(err.message, /cannot find \.\/server-chunk\.js/);
    assert.deepEqual(err.exit, { code: 3, signal: null });
  });

  it('rejects when the server script is missing (the bundled server that failed to start)', GUARD, async () => {
    const err = await rejection(LspClient.start({ command: [process.execPath, join(dir, 'no-such-server.cjs'), '--stdio'], timeouts: ROOMY }));
    assert.match(err.message, /exited with code 1/);
    assert.match(err.stderr, /Cannot find module/);
  });

  it('rejects when the program cannot be run at all', GUARD, async () => {
    const err = await rejection(LspClient.start({ command: [join(dir, 'no-such-program')], timeouts: ROOMY }));
    assert.match(err.message, /could not run .*no-such-program.*ENOENT/);
  });
});

describe('LspClient request bounds', () => {
  it('rejects a request that gets no answer, naming the method, cancels it, and keeps working', GUARD, async () => {
    const c = await LspClient.start({ command: fake('speak'), timeouts: { ...ROOMY, requestMs: 1500 } });
    try {
      const err = await rejection(c.request('csrl/neverAnswered', { x: 1 }));
      assert.match(err.message, /^csrl\/neverAnswered: no answer within 1500 ms/);
      // A per-call bound overrides the default.
      const err2 = await rejection(c.request('csrl/neverAnswered', {}, 200));
      assert.match(err2.message, /no answer within 200 ms/);
      const echo = await c.request<{ params: unknown; cancelled: unknown[] }>('echo', { hello: 'world' }, 20_000);
      assert.deepEqual(echo.params, { hello: 'world' });
      assert.equal(echo.cancelled.length, 2, 'both timed-out requests were cancelled');
    } finally {
      c.dispose();
    }
  });

  it('rejects a wait for diagnostics that never come, naming the document', GUARD, async () => {
    const c = await LspClient.start({ command: fake('speak'), timeouts: ROOMY });
    try {
      const err = await rejection(c.waitForDiagnostics('file:///w/a.csreq', () => true, 200));
      assert.match(err.message, /publishDiagnostics for file:\/\/\/w\/a\.csreq: no answer within 200 ms/);
    } finally {
      c.dispose();
    }
  });
});

describe('LspClient when the server dies', () => {
  it('rejects every pending request and wait at once when the server crashes mid-request', GUARD, async () => {
    const c = await LspClient.start({ command: fake('speak'), timeouts: ROOMY });
    try {
      const slow = rejection(c.request('csrl/neverAnswered', {}));
      const diags = rejection(c.nextDiagnostics('file:///w/a.csreq', () => true, 60_000));
      const crash = rejection(c.request('crash', {}));
      const [e1, e2, e3] = await Promise.all([slow, diags, crash]);
      for (const e of [e1, e2, e3]) {
        assert.match(e.message, /the server exited with code 1/);
        assert.match(e.message, /fake: null pointer in crash/);
        assert.deepEqual(e.exit, { code: 1, signal: null });
      }
      assert.match(e1.message, /^csrl\/neverAnswered: /);
      assert.match(e2.message, /^publishDiagnostics for file:\/\/\/w\/a\.csreq: /);
      assert.match(e3.message, /^crash: /);
      // Later requests fail at once with the same reason instead of waiting for their bound.
      const e4 = await rejection(c.request('echo', {}));
      assert.match(e4.message, /^echo: the server exited with code 1/);
    } finally {
      c.dispose();
    }
  });

  it('reports the signal when the server is killed', GUARD, async () => {
    const c = await LspClient.start({ command: fake('speak'), timeouts: ROOMY });
    try {
      const err = await rejection(c.request('kill', {}));
      assert.match(err.message, /^kill: the server was killed by SIGKILL/);
      assert.match(err.message, /fake: killing myself/);
      assert.deepEqual(err.exit, { code: null, signal: 'SIGKILL' });
    } finally {
      c.dispose();
    }
  });
});

describe('LspClient stop and dispose', () => {
  it('stop() ends a server that ignores shutdown and SIGTERM', GUARD, async () => {
    const c = await LspClient.start({ command: fake('stubborn'), timeouts: { ...ROOMY, stopMs: 500 } });
    const pid = c.pid;
    await c.stop();
    await gone(pid);
    const err = await rejection(c.request('echo', {}));
    assert.match(err.message, /echo: /);
  });

  it('dispose() kills a running server and rejects what is pending', GUARD, async () => {
    const c = await LspClient.start({ command: fake('speak'), timeouts: ROOMY });
    const pid = c.pid;
    const pending = rejection(c.request('csrl/neverAnswered', {}));
    c.dispose();
    const err = await pending;
    assert.match(err.message, /^csrl\/neverAnswered: the client was disposed/);
    await gone(pid);
    c.dispose();
  });

  it('stop() shuts a well-behaved server down cleanly', GUARD, async () => {
    const c = await LspClient.start({ command: fake('speak'), timeouts: ROOMY });
    await c.stop();
    assert.equal(c.exited, 0);
  });
});
