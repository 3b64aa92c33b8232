/**
 * The process backends (Linux /proc, macOS libproc) against the real kernel:
 * this process, a child, an exited child, a replaced process, bad arguments.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { checkProcessFile, sameIdentity, withStableIdentity } from '../../native/identity.js';
import { loadNative, ProcessChangedError, ProcessNotFoundError, type ProcessIdentity } from '../../native/index.js';

const native = loadNative();
const inCI = Boolean(process.env.CI) || process.env.CSRL_REQUIRE_NATIVE === '1';
const hasBackend = process.platform === 'linux' || process.platform === 'darwin';

test('the native addon is built and loaded (required in CI)', () => {
  if (inCI && hasBackend) {
    assert.equal(native.available, true, `addon not available in CI: ${native.reason}; tried ${native.tried.join(', ')}`);
  }
  if (native.available) {
    assert.equal(native.backend, process.platform === 'darwin' ? 'security-framework' : process.platform === 'linux' ? 'linux-proc' : 'none');
    if (process.env.CSRL_NATIVE_PATH) assert.equal(native.loadedFrom, path.resolve(process.env.CSRL_NATIVE_PATH));
  } else {
    assert.ok(native.reason && native.tried.length > 0, 'an unavailable addon says why and where it looked');
  }
});

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const SLEEP = '/bin/sleep';

async function startSleeper(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(SLEEP, ['60'], { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  assert.ok(child.pid);
  return child as ChildProcess & { pid: number };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited; // Node has reaped it: the PID no longer exists
}

// The remaining tests need the addon; without it (only outside CI) the test above documents why.
if (native.available && hasBackend) {
  describe('own process', () => {
    test('listProcesses includes this process with correct facts', async () => {
      const list = await native.listProcesses();
      assert.ok(list.length > 1);
      const pids = list.map((p) => p.pid);
      assert.deepEqual(pids, [...pids].sort((a, b) => a - b), 'sorted by pid');
      assert.equal(new Set(pids).size, pids.length, 'no duplicates');
      const me = list.find((p) => p.pid === process.pid);
      assert.ok(me, 'own pid listed');
      assert.equal(me.ppid, process.ppid);
      assert.equal(me.uid, process.geteuid!());
      assert.equal(me.executablePath, realpathSync(process.execPath));
      assert.equal(me.name, path.basename(realpathSync(process.execPath)).slice(0, 15));
      const parent = list.find((p) => p.pid === process.ppid);
      assert.ok(parent, 'parent listed');
      assert.ok(me.startedAtMs !== undefined && parent.startedAtMs !== undefined);
      assert.ok(me.startedAtMs >= parent.startedAtMs - 1000, 'a child does not start before its parent');
    });

    test('identity is stable and matches the listing', async () => {
      const a = await native.processIdentity(process.pid);
      const b = await native.processIdentity(process.pid);
      assert.equal(a.pid, process.pid);
      assert.deepEqual(a, b);
      assert.ok(sameIdentity(a, b));
      const me = (await native.listProcesses()).find((p) => p.pid === process.pid)!;
      assert.equal(a.startTime, me.startTime);
      if (process.platform === 'linux') assert.match(a.startTime, /^linux:[0-9a-f-]{36}:\d+$/);
      if (process.platform === 'darwin') assert.match(a.startTime, /^darwin:\d+\.\d+$/);
    });

    test('executablePath is the running binary', async () => {
      assert.equal(await native.executablePath(process.pid), realpathSync(process.execPath));
    });

    test('many concurrent calls all resolve (work runs off the JS thread)', async () => {
      const ids = await Promise.all(Array.from({ length: 64 }, () => native.processIdentity(process.pid)));
      for (const id of ids) assert.deepEqual(id, ids[0]);
    });
  });

  describe('child processes', () => {
    test('a running child: identity, path, listing', async () => {
      const child = await startSleeper();
      const id = await native.processIdentity(child.pid);
      assert.equal(id.pid, child.pid);
      assert.ok(!sameIdentity(id, await native.processIdentity(process.pid)));
      assert.equal(await native.executablePath(child.pid), realpathSync(SLEEP));
      const row = (await native.listProcesses()).find((p) => p.pid === child.pid);
      assert.ok(row);
      assert.equal(row.ppid, process.pid);
      assert.equal(row.name, 'sleep');
      assert.equal(row.startTime, id.startTime);
      await stop(child);
    });

    test('an exited child: a clear ProcessNotFoundError', async () => {
      const child = await startSleeper();
      const before = await native.processIdentity(child.pid);
      await stop(child);
      const check = async (promise: Promise<unknown>): Promise<void> => {
        try {
          const value = await promise;
          // Only if the PID was already reused: then it must not look like the old process.
          if (typeof value === 'object') assert.ok(!sameIdentity(before, value as ProcessIdentity));
        } catch (err) {
          assert.ok(err instanceof ProcessNotFoundError, String(err));
          assert.equal(err.code, 'ERR_CSRL_NO_SUCH_PROCESS');
          assert.match(err.message, new RegExp(`process ${child.pid} does not exist`));
        }
      };
      await check(native.processIdentity(child.pid));
      await check(native.executablePath(child.pid));
      assert.equal((await native.listProcesses()).find((p) => p.pid === child.pid && p.startTime === before.startTime), undefined);
    });

    test('a PID that was never used by a process', async () => {
      await assert.rejects(native.processIdentity(2147483647), ProcessNotFoundError);
    });
  });

  describe('PID reuse guard (withStableIdentity)', () => {
    test('an unchanged process: the result of fn is returned', async () => {
      const child = await startSleeper();
      const seen: ProcessIdentity[] = [];
      const result = await withStableIdentity(child.pid, async (id) => {
        seen.push(id);
        return native.executablePath(child.pid);
      }, native);
      assert.equal(result, realpathSync(SLEEP));
      assert.equal(seen[0]!.pid, child.pid);
      await stop(child);
    });

    test('the process is replaced while fn runs: the result is discarded', async () => {
      const child = await startSleeper();
      let successor: (ChildProcess & { pid: number }) | undefined;
      await assert.rejects(
        withStableIdentity(child.pid, async () => {
          await stop(child);
          successor = await startSleeper();
          return 'stale result';
        }, native),
        (err: unknown) => {
          assert.ok(err instanceof ProcessChangedError, String(err));
          assert.equal(err.code, 'ERR_CSRL_PROCESS_CHANGED');
          assert.match(err.message, /result was discarded/);
          return true;
        },
      );
      await stop(successor!);
    });

    test('spawn, record, kill, spawn again: the second identity under the first PID trips the guard', async () => {
      // The kernel will not hand out a chosen PID to an unprivileged test, so the
      // reuse itself is simulated: the identity source answers for PID A first with
      // A's real identity, then with B's real identity, as it would after reuse.
      const a = await startSleeper();
      const idA = await native.processIdentity(a.pid);
      await stop(a);
      // Start times have clock-tick resolution (10 ms on Linux): make B start in a later tick.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const b = await startSleeper();
      const idB = await native.processIdentity(b.pid);
      assert.notEqual(idA.startTime + idA.pid, idB.startTime + idB.pid);
      const reused: ProcessIdentity = { ...idB, pid: a.pid };
      const answers = [idA, reused];
      const source = { processIdentity: async (pid: number) => { assert.equal(pid, a.pid); return answers.shift()!; } };
      let ran = false;
      await assert.rejects(
        withStableIdentity(a.pid, async () => { ran = true; return 1; }, source),
        (err: unknown) => err instanceof ProcessChangedError && /was replaced by another process/.test(err.message),
      );
      assert.ok(ran);
      assert.equal(sameIdentity(idA, reused), false);
      assert.equal(sameIdentity(idB, { ...idB }), true);
      await stop(b);
    });

    test('checkProcessFile: the executable is checked inside the guard and labelled a static file check', async () => {
      const child = await startSleeper();
      const checked = await checkProcessFile(child.pid, async (file) => readFileSync(file).subarray(0, 4), native);
      assert.equal(checked.kind, 'static-file-check');
      assert.equal(checked.executablePath, realpathSync(SLEEP));
      assert.deepEqual(checked.result, readFileSync(SLEEP).subarray(0, 4));
      assert.equal(checked.identity.startTime, (await native.processIdentity(child.pid)).startTime);
      assert.match(checked.note, /static check of the file .* was not checked/);
      await assert.rejects(
        checkProcessFile(child.pid, async () => {
          await stop(child);
          return 'stale';
        }, native),
        ProcessChangedError,
      );
    });

    test('a process that does not exist is reported as not found, not as changed', async () => {
      const child = await startSleeper();
      await stop(child);
      await assert.rejects(withStableIdentity(child.pid, async () => 1, native), (err: unknown) =>
        err instanceof ProcessNotFoundError || err instanceof ProcessChangedError /* PID already reused */ ? true : false,
      );
    });
  });

  describe('bad arguments throw synchronously, never crash', () => {
    const badPids: Array<[string, unknown[], typeof TypeError | typeof RangeError]> = [
      ['missing', [], TypeError],
      ['string', ['1'], TypeError],
      ['bigint', [1n], TypeError],
      ['object', [{ pid: 1 }], TypeError],
      ['null', [null], TypeError],
      ['negative', [-1], RangeError],
      ['zero', [0], RangeError],
      ['NaN', [NaN], RangeError],
      ['Infinity', [Infinity], RangeError],
      ['fraction', [1.5], RangeError],
      ['huge', [2 ** 31], RangeError],
      ['very huge', [1e300], RangeError],
    ];
    const pidMethods: Array<[string, (...a: unknown[]) => unknown]> = [
      ['processIdentity', (...a) => (native.processIdentity as (...x: unknown[]) => unknown)(...a)],
      ['executablePath', (...a) => (native.executablePath as (...x: unknown[]) => unknown)(...a)],
      ['checkProcess', (...a) => (native.checkProcess as (...x: unknown[]) => unknown)(a[0], 'anchor apple')],
      ['signingInformation', (...a) => native.signingInformation({ pid: a[0] as number })],
    ];
    for (const [method, call] of pidMethods) {
      for (const [label, args, type] of badPids) {
        if (method !== 'processIdentity' && method !== 'executablePath' && label === 'missing') continue; // pid is always passed
        test(`${method}: ${label} pid → ${type.name}`, () => {
          assert.throws(() => call(...args), type);
        });
      }
    }

    test('string arguments are type- and size-checked', () => {
      const n = native as unknown as Record<string, (...a: unknown[]) => unknown>;
      assert.throws(() => n.checkPath!(123, 'anchor apple'), TypeError);
      assert.throws(() => n.checkPath!('', 'anchor apple'), RangeError);
      assert.throws(() => n.checkPath!('/bin/ls\0x', 'anchor apple'), TypeError);
      assert.throws(() => n.checkPath!('/bin/ls', undefined), TypeError);
      assert.throws(() => n.checkPath!('/' + 'a'.repeat(20000), 'anchor apple'), RangeError);
      assert.throws(() => n.parseRequirement!(undefined), TypeError);
      assert.throws(() => n.parseRequirement!(42), TypeError);
      assert.throws(() => n.parseRequirement!('x'.repeat(70000)), RangeError);
      assert.throws(() => n.checkProcess!(process.pid, { text: 'anchor apple' }), TypeError);
      assert.throws(() => native.signingInformation({ path: 7 as unknown as string }), TypeError);
      assert.throws(() => native.signingInformation(null as unknown as { path: string }), TypeError);
      assert.throws(() => native.signingInformation({} as unknown as { path: string }), TypeError);
    });

    test('audit tokens must be 32-byte Uint8Arrays', () => {
      assert.throws(() => native.checkProcess(process.pid, 'anchor apple', { auditToken: new Uint8Array(31) }), RangeError);
      assert.throws(() => native.checkProcess(process.pid, 'anchor apple', { auditToken: [1, 2] as unknown as Uint8Array }), TypeError);
      assert.throws(() => native.signingInformation({ pid: process.pid, auditToken: new Uint16Array(16) as unknown as Uint8Array }), TypeError);
    });

    test('the addon still works after all of that', async () => {
      assert.equal((await native.processIdentity(process.pid)).pid, process.pid);
    });
  });
}

if (native.available && process.platform === 'linux') {
  describe('Linux specifics', () => {
    test('a thread id is not a process', async () => {
      const tids = readdirSync('/proc/self/task').map(Number).filter((t) => t !== process.pid);
      assert.ok(tids.length > 0, 'node runs helper threads');
      await assert.rejects(native.processIdentity(tids[0]!), (err: unknown) => {
        assert.ok(err instanceof ProcessNotFoundError);
        assert.match(err.message, new RegExp(`thread of process ${process.pid}`));
        return true;
      });
      assert.equal((await native.listProcesses()).some((p) => p.pid === tids[0]), false);
    });

    test('a command name with spaces and parentheses is parsed from /proc/PID/stat correctly', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'csrl-comm-'));
      const name = 'x) 1 (y z';
      const link = path.join(dir, name);
      symlinkSync(SLEEP, link);
      const child = spawn(link, ['60'], { stdio: 'ignore' });
      children.push(child);
      try {
        await once(child, 'spawn');
        const row = (await native.listProcesses()).find((p) => p.pid === child.pid);
        assert.ok(row);
        assert.equal(row.name, name);
        assert.equal(row.ppid, process.pid);
        assert.equal(row.executablePath, realpathSync(SLEEP));
        assert.equal((await native.processIdentity(child.pid!)).startTime, row.startTime);
      } finally {
        await stop(child);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('Security.framework operations report unsupported, typed', async () => {
      for (const result of [
        await native.checkProcess(process.pid, 'anchor apple'),
        await native.checkPath(process.execPath, 'anchor apple'),
        await native.signingInformation({ pid: process.pid }),
        await native.signingInformation({ path: process.execPath }),
        await native.parseRequirement('anchor apple'),
      ]) {
        assert.equal(result.supported, false);
        if (!result.supported) {
          assert.equal(result.platform, 'linux');
          assert.match(result.reason, /only available on macOS/);
        }
      }
    });
  });
}
