import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver/node.js';
import { LspClient, REPO } from './lsp-client.js';
import { FrameDecoder, MAX_BODY_BYTES, scanJson } from '../../server/framing.js';
import { checkMessage } from '../../server/protocol-check.js';
import { requirementsInPlist, MAX_PLIST_DEPTH } from '../../language-service/embedded/plist.js';
import { tempDir } from '../support/tmp.js';

/**
 * Hostile clients (issues 18 and 19): edit floods, cancellation storms,
 * malformed params, deep JSON, broken framing, requests before initialize,
 * odd command arguments, deep plists, long chains, and csrl/decompile outside
 * the workspace. The server answers or refuses each with a protocol error and
 * stays alive and responsive.
 */
let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

async function alive(c: LspClient = client): Promise<void> {
  const u = `file:///w/alive-${Date.now()}-${Math.random()}.csreq`;
  c.open(u, 'csreq', 'anchor apple');
  const d = await c.waitForDiagnostics(u, () => true, 30_000);
  assert.deepEqual(d.diagnostics, []);
  assert.equal(c.exited, undefined);
}

const hover = (c: LspClient, uri: string, line: number, character: number, timeoutMs?: number) =>
  c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } }, timeoutMs);

describe('edit floods and cancellation', () => {
  it('answers a hover after 10,000 rapid incremental edits (within 30 s), with every edit applied, and publishes the final version', async () => {
    const u = 'file:///w/flood.csreq';
    client.open(u, 'csreq', 'identifier "com.example.app" and anchor apple generic\n'.repeat(400));
    await client.waitForDiagnostics(u, () => true, 30_000);
    let version = 1;
    // 7 is invertible modulo 400: each of the 400 lines gets exactly 25 spaces in front.
    for (let i = 0; i < 10_000; i++) {
      const line = (i * 7) % 400;
      client.edit(u, ++version, { start: { line, character: 0 }, end: { line, character: 0 } }, ' ');
    }
    const h = await hover(client, u, 3, 27, 30_000);
    assert.match(h!.contents.value, /signing identifier/i);
    assert.doesNotMatch((await hover(client, u, 3, 24))?.contents.value ?? '', /signing identifier/i);
    const d = await client.waitForDiagnostics(u, (p) => p.version === version, 30_000);
    assert.ok(Array.isArray(d.diagnostics));
    const published = client.published.filter((p) => p.uri === u).length;
    assert.ok(published < 1000, `published ${published} times`);
    await alive();
  });

  it('answers a storm of 2,000 cancelled requests: each gets a result or RequestCancelled (-32800), most are cancelled', async () => {
    const u = 'file:///w/storm.csreq';
    client.open(u, 'csreq', 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\n'.repeat(200));
    await client.waitForDiagnostics(u, () => true, 30_000);
    let answered = 0;
    let cancelled = 0;
    const all = Array.from({ length: 2000 }, () => {
      const source = new CancellationTokenSource();
      const p = client.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 10, character: 3 } }, source.token);
      source.cancel();
      return p.then(() => answered++, (err: { code?: number }) => {
        assert.equal(err.code, -32800);
        cancelled++;
      });
    });
    await Promise.race([Promise.all(all), new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${answered + cancelled} of 2000 answered within 30 s`)), 30_000))]);
    assert.equal(answered + cancelled, 2000);
    // A request read before its cancel (the pipe split them) is answered; how many depends on the machine's load.
    assert.ok(cancelled > 0, `${cancelled} cancelled`);
    await alive();
  });

  it('cancels queued requests at once: 2,000 request/cancel pairs written in one go are nearly all RequestCancelled', async () => {
    const s = new RawServer();
    try {
      await s.init();
      const frame = (msg: object) => {
        const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
        return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      };
      let all = frame({ method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///w/raw-storm.csreq', languageId: 'csreq', version: 1, text: 'anchor apple generic\n'.repeat(500) } } });
      for (let id = 1000; id < 3000; id++) {
        all += frame({ id, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///w/raw-storm.csreq' }, position: { line: 3, character: 2 } } });
        all += frame({ method: '$/cancelRequest', params: { id } });
      }
      s.write(all);
      const t0 = Date.now();
      while (s.messages.filter((m) => typeof m.id === 'number' && m.id >= 1000).length < 2000 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
      const answers = s.messages.filter((m) => typeof m.id === 'number' && m.id >= 1000);
      assert.equal(answers.length, 2000, 'every request answered');
      const cancelled = answers.filter((m) => m.error?.code === -32800).length;
      // Only a pair split across two reads of the pipe (64 KB each) can be answered before its cancel arrives.
      assert.ok(cancelled >= 1900, `${cancelled} of 2000 cancelled`);
      for (const m of answers) assert.ok(m.error === undefined || m.error.code === -32800, JSON.stringify(m.error));
    } finally {
      s.stop();
    }
  });

  it('cancels a read request made stale by a change queued behind it', async () => {
    const u = 'file:///w/stale.csreq';
    client.open(u, 'csreq', 'anchor apple generic\n'.repeat(2000));
    await client.waitForDiagnostics(u, () => true, 30_000);
    // Hover, then a change, sent back to back: by the time the hover runs the document has moved on.
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => {
      const p = hover(client, u, 0, 2);
      client.edit(u, i + 2, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ' ');
      return p;
    }));
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: number }).code, -32800);
    const last = await hover(client, u, 0, 22);
    assert.ok(last);
  });
});

describe('malformed params and messages', () => {
  it('refuses malformed notifications without a TypeError and requests with InvalidParams (-32602)', async () => {
    const bad: [string, unknown][] = [
      ['textDocument/didChange', { textDocument: { uri: 'file:///w/x.csreq', version: 2 }, contentChanges: null }],
      ['textDocument/didChange', null],
      ['textDocument/didChange', { textDocument: null, contentChanges: [] }],
      ['textDocument/didChange', { textDocument: { uri: 'file:///w/x.csreq', version: 2 }, contentChanges: [{ range: { start: {}, end: 1 }, text: 'x' }] }],
      ['textDocument/didOpen', { textDocument: { uri: 7 } }],
      ['textDocument/didClose', 'nope'],
      ['$/cancelRequest', null],
      ['$/cancelRequest', { id: { deep: [1] } }],
      ['workspace/didChangeConfiguration', null],
      ['csrl/setTrust', { trusted: 'yes' }],
    ];
    for (const [method, params] of bad) client.connection.sendNotification(method, params);
    for (const [method, params] of [
      ['textDocument/hover', { textDocument: { uri: 5 }, position: { line: 0, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri: 'file:///w/x.csreq' }, position: { line: -1, character: 0 } }],
      ['textDocument/completion', null],
      ['textDocument/selectionRange', { textDocument: { uri: 'file:///w/x.csreq' }, positions: 'all' }],
      ['textDocument/codeAction', { textDocument: { uri: 'file:///w/x.csreq' }, range: null, context: { diagnostics: [] } }],
      ['workspace/executeCommand', { command: 42 }],
      ['csrl/decompile', { base64: 12 }],
    ] as [string, unknown][]) {
      await assert.rejects(client.request(method, params), (err: { code?: number }) => err.code === -32602, method);
    }
    await alive();
    assert.doesNotMatch(client.stderr, /TypeError/);
    assert.match(client.stderr, /protocol error: textDocument\/didChange: params\.contentChanges must be an array/);
  });

  it('gives InvalidParams with a clear message for entry: "__proto__" and other non-integer indexes', async () => {
    const u = 'file:///w/proto.csreq';
    client.open(u, 'csreq', 'designated => anchor apple\nhost => anchor apple generic\n');
    await client.waitForDiagnostics(u);
    for (const entry of ['__proto__', 'constructor', -1, 1.5, { a: 1 }, 1e12]) {
      await assert.rejects(
        client.request('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: [{ uri: u, entry }] }),
        (err: { code?: number; message?: string }) => err.code === -32602 && /`entry` must be a non-negative integer/.test(err.message ?? ''),
        String(entry),
      );
    }
    await assert.rejects(client.request('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: [{ uri: u, requirement: '__proto__' }] }), (err: { code?: number }) => err.code === -32602);
    const ok = await client.request<{ size: number }>('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: [{ uri: u, entry: 1 }] });
    assert.ok(ok.size > 0);
  });
});

/** A raw stdio server: bytes in, framed messages out, for what a well-behaved client library cannot send. */
class RawServer {
  readonly child = spawn(process.execPath, [resolve(REPO, 'out/server/main.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  stderr = '';
  private out = Buffer.alloc(0);
  readonly messages: { id?: unknown; method?: string; result?: unknown; error?: { code: number; message: string }; params?: { message?: string } }[] = [];
  exitCode: number | null | undefined;
  constructor() {
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdin.on('error', () => undefined);
    this.child.on('exit', (code) => (this.exitCode = code));
    this.child.stdout.on('data', (d: Buffer) => {
      this.out = Buffer.concat([this.out, d]);
      for (;;) {
        const end = this.out.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(this.out.subarray(0, end).toString())![1]);
        if (this.out.length < end + 4 + len) return;
        this.messages.push(JSON.parse(this.out.subarray(end + 4, end + 4 + len).toString()));
        this.out = this.out.subarray(end + 4 + len);
      }
    });
  }
  write(data: string | Buffer): void {
    this.child.stdin.write(data);
  }
  send(msg: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }));
    this.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }
  async waitFor(pred: (m: RawServer['messages'][number]) => boolean, ms = 20_000): Promise<RawServer['messages'][number] | undefined> {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const m = this.messages.find(pred);
      if (m) return m;
      if (this.exitCode !== undefined) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  }
  async init(): Promise<void> {
    this.send({ id: 'init', method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    assert.ok(await this.waitFor((m) => m.id === 'init'), `no initialize answer; stderr: ${this.stderr}`);
    this.send({ method: 'initialized', params: {} });
  }
  /** Answered a valid request after the damage, or exited saying why on stderr: never silent. */
  async answersOrExplains(id: number): Promise<void> {
    this.send({ id, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///nope.csreq' }, position: { line: 0, character: 0 } } });
    const answer = await this.waitFor((m) => m.id === id, 20_000);
    if (answer) return;
    assert.ok(this.exitCode !== undefined && this.stderr.trim().length > 0, `silent: no answer to request ${id}, still running=${this.exitCode === undefined}, stderr=${this.stderr.slice(0, 300)}`);
  }
  stop(): void {
    this.child.kill('SIGKILL');
  }
}

describe('JSON nesting', () => {
  it('refuses deeply nested messages with a short log and stays responsive', async () => {
    const s = new RawServer();
    try {
      await s.init();
      const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
      for (const body of [
        '['.repeat(5000),
        deep(3000),
        `{"jsonrpc":"2.0","id":${deep(5000)},"method":"textDocument/hover"}`,
        `{"jsonrpc":"2.0","method":"textDocument/didChange","params":${deep(2500)}}`,
      ]) {
        s.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
      const deepWithId = `{"jsonrpc":"2.0","id":77,"method":"textDocument/hover","params":{"x":${deep(4000)}}}`;
      s.write(`Content-Length: ${Buffer.byteLength(deepWithId)}\r\n\r\n${deepWithId}`);
      const refused = await s.waitFor((m) => m.id === 77);
      assert.equal(refused?.error?.code, -32600);
      assert.match(refused!.error!.message, /nested \d+ levels deep/);
      await s.answersOrExplains(1);
      assert.equal(s.exitCode, undefined, 'the server died');
      const logs = s.messages.filter((m) => m.method === 'window/logMessage');
      assert.ok(logs.length > 0);
      for (const l of logs) assert.ok(l.params!.message!.length <= 4200, `log of ${l.params!.message!.length} characters`);
    } finally {
      s.stop();
    }
  });

  it('scans nesting in one pass and finds the top-level id', () => {
    assert.deepEqual(scanJson(Buffer.from('{"id":3,"a":[[["}]]]"]]]}')), { depth: 4, id: 3 });
    assert.deepEqual(scanJson(Buffer.from('{"x":{"id":1},"id":"a\\"b"}')), { depth: 2, id: 'a"b' });
    assert.equal(scanJson(Buffer.from('['.repeat(100_000))).depth, 100_000);
  });
});

describe('framing', () => {
  const valid = (id: number) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///nope.csreq' }, position: { line: 0, character: 0 } } });
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const note = '{"jsonrpc":"2.0","method":"initialized","params":{}}';
  const cases: [string, () => (string | Buffer)[]][] = [
    ['Content-Length: abc', () => [`Content-Length: abc\r\n\r\n${note}`]],
    ['Content-Length: -5', () => [`Content-Length: -5\r\n\r\n${note}`]],
    ['missing Content-Length', () => [`Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${note}`]],
    ['LF-only headers', () => [`Content-Length: ${note.length}\n\n${note}`]],
    ['charset=latin1', () => [`Content-Length: ${note.length}\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n${note}`]],
    ['a 100 MB header line', () => [Buffer.from('X-Junk: '), Buffer.alloc(100 * 1024 * 1024, 0x61), Buffer.from('\r\n\r\n')]],
    ['a 100 MB declared body that never comes', () => ['Content-Length: 104857600\r\n\r\n']],
    ['a declared length longer than the body', () => [`Content-Length: 500\r\n\r\n${note}`]],
    ['a declared length shorter than the body', () => [`Content-Length: 10\r\n\r\n${note}`]],
    ['a body that is not JSON', () => ['Content-Length: 5\r\n\r\nhello']],
    ['an empty body', () => ['Content-Length: 0\r\n\r\n']],
    ['a header line without a colon', () => [`Content-Length: ${note.length}\r\ngarbage\r\n\r\n${note}`]],
  ];
  for (const [name, bytes] of cases) {
    it(`${name}: the server answers the next valid request or exits saying why`, async () => {
      const s = new RawServer();
      try {
        await s.init();
        for (const b of bytes()) s.write(b);
        s.write(valid(41));
        const answer = await s.waitFor((m) => m.id === 41, 8_000);
        if (!answer) await s.answersOrExplains(42);
        assert.match(s.stderr, /protocol error/, 'the damage is reported');
      } finally {
        s.stop();
      }
    });
  }

  it('bounds headers and bodies in the decoder itself', () => {
    const d = new FrameDecoder();
    const frames = d.push(Buffer.from(`Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n{}Content-Length: 2\r\n\r\n{}`));
    assert.equal(frames.filter((f) => f.kind === 'error').length >= 1, true);
    assert.deepEqual(frames.filter((f) => f.kind === 'body').map((f) => (f as { body: Buffer }).body.toString()), ['{}']);
  });
});

describe('lifecycle', () => {
  it('answers requests before initialize with ServerNotInitialized (-32002)', async () => {
    const s = new RawServer();
    try {
      s.send({ id: 1, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///a.csreq' }, position: { line: 0, character: 0 } } });
      s.send({ id: 2, method: 'csrl/decompile', params: { base64: 'AAAA' } });
      const a = await s.waitFor((m) => m.id === 1);
      const b = await s.waitFor((m) => m.id === 2);
      assert.equal(a?.error?.code, -32002);
      assert.equal(b?.error?.code, -32002);
      await s.init();
      await s.answersOrExplains(3);
      assert.equal(s.messages.find((m) => m.id === 3)?.error, undefined);
    } finally {
      s.stop();
    }
  });

  it('checks message shapes', () => {
    assert.equal(checkMessage([1]).kind, 'invalid');
    assert.equal(checkMessage({ jsonrpc: '2.0', id: null, method: 'x' }).kind, 'invalid');
    assert.equal(checkMessage({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: { textDocument: { uri: 'u' }, position: { line: 0, character: 0 } } }).kind, 'request');
    assert.equal(checkMessage({ jsonrpc: '2.0', method: 'constructor', params: {} }).kind, 'notification');
  });
});

describe('deep structures', () => {
  it('refuses plists nested past the set limit with a diagnostic, not a stack overflow', async () => {
    const n = 5000;
    const src = '<?xml version="1.0"?>\n<plist version="1.0">\n' + '<dict><key>k</key>'.repeat(n) + '<key>SMPrivilegedExecutables</key><dict><key>com.x</key><string>identifier "com.x"</string></dict>' + '</dict>'.repeat(n) + '\n</plist>\n';
    const found = requirementsInPlist(src);
    assert.equal(found.length, 1);
    assert.match(found[0]!.notAnalysed!, new RegExp(`deeper than ${MAX_PLIST_DEPTH}`));
    const u = 'file:///w/deep.plist';
    client.open(u, 'plist', src);
    const d = await client.waitForDiagnostics(u, () => true, 30_000);
    assert.ok(d.diagnostics.some((x) => /nests deeper than/.test(x.message)), JSON.stringify(d.diagnostics));
  });

  it('answers every request on a chain of 5,000 `and` clauses', async () => {
    const u = 'file:///w/chain.csreq';
    const text = Array.from({ length: 5000 }, (_, i) => `identifier "a${i}"`).join(' and ') + '\n';
    client.open(u, 'csreq', text);
    await client.waitForDiagnostics(u, () => true, 60_000);
    const end = text.length - 5;
    const td = { textDocument: { uri: u } };
    const sel = await client.request<{ range: unknown; parent?: unknown }[]>('textDocument/selectionRange', { ...td, positions: [{ line: 0, character: 5 }, { line: 0, character: end }] }, 30_000);
    assert.equal(sel.length, 2);
    let depth = 0;
    for (let s: { parent?: unknown } | undefined = sel[0]; s; s = s.parent as typeof s) depth++;
    assert.ok(depth > 3 && depth <= 110, `depth ${depth}`);
    assert.ok(await hover(client, u, 0, 5, 30_000));
    assert.ok(await hover(client, u, 0, end, 30_000));
    for (const method of ['textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/codeLens', 'textDocument/semanticTokens/full']) {
      await client.request(method, td, 30_000);
    }
    await client.request('textDocument/codeAction', { ...td, range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } }, context: { diagnostics: [] } }, 30_000);
  });
});

describe('hover on text that does not compile', () => {
  for (const [name, text, at] of [
    ['a requirement that does not parse', 'identifier "a" and', 2],
    ['an unparsable `or` branch', 'anchor apple generic or identifier', 2],
    ['a set with an unparsable entry', 'designated => anchor apple\nhost => identifier', 2],
  ] as const) {
    it(`${name}: says Apple rejects it and never who is allowed`, async () => {
      const u = `file:///w/rejected-${Math.random()}.csreq`;
      client.open(u, 'csreq', text);
      await client.waitForDiagnostics(u);
      const h = await hover(client, u, 0, at);
      assert.match(h!.contents.value, /Does not compile:\*\* Apple rejects/);
      assert.doesNotMatch(h!.contents.value, /Who is allowed|any code at all|requirement allows/);
    });
  }

  it('still describes who is allowed once the text compiles', async () => {
    const u = 'file:///w/compiles.csreq';
    client.open(u, 'csreq', 'anchor apple generic or identifier "x"');
    await client.waitForDiagnostics(u);
    const h = await hover(client, u, 0, 2);
    assert.match(h!.contents.value, /Who is allowed/);
  });
});

describe('csrl/decompile and the workspace', () => {
  it('reads only inside the workspace folders or opened documents, regular files only, without echoing bytes', async () => {
    const ws = tempDir('csrl-ws-');
    const outside = tempDir('csrl-out-');
    mkdirSync(join(ws, 'sub'));
    writeFileSync(join(ws, 'sub', 'req.bin'), Buffer.from('fade0c00000000100000000100000003', 'hex'));
    writeFileSync(join(ws, 'root.txt'), 'root: secret\n');
    writeFileSync(join(outside, 'req.bin'), Buffer.from('fade0c00000000100000000100000003', 'hex'));
    const c = await LspClient.start({ workspaceFolders: [ws] });
    try {
      const inside = await c.request<{ text: string }>('csrl/decompile', { uri: pathToFileURL(join(ws, 'sub', 'req.bin')).href });
      assert.equal(inside.text, 'anchor apple\n');
      for (const p of [join(outside, 'req.bin'), '/etc/passwd', '/proc/self/pagemap', join(ws, '..', 'x.bin')]) {
        await assert.rejects(c.request('csrl/decompile', { uri: pathToFileURL(p).href }), (err: { code?: number; message?: string }) => err.code === -32602 && /workspace folders/.test(err.message ?? ''), p);
      }
      await assert.rejects(c.request('csrl/decompile', { uri: pathToFileURL(join(ws, 'root.txt')).href }), (err: { message?: string }) => /not a requirement blob/.test(err.message!) && !/726f6f74/.test(err.message!));
      await assert.rejects(c.request('csrl/decompile', { uri: pathToFileURL(join(ws, 'sub')).href }), /not a regular file/);
      await alive(c);
    } finally {
      await c.stop();
    }
  });
});
