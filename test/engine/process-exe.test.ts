/**
 * The engine's process checks (checkProcess, inspectProcess: every door goes
 * through them) against a real process whose executable was deleted and
 * replaced by a signed Mach-O that satisfies the requirement, at its path and
 * at the "<path> (deleted)" name Linux's /proc/PID/exe link gives. Decision:
 * a deleted or replaced executable is not checked at all (invalid, "nothing
 * was checked", the reason names it), even though Linux could still read the
 * deleted file through /proc/PID/exe: the file at the path is never judged,
 * and a present file is read through /proc/PID/exe, never by its name.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { unlinkSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import type { Requirement } from '../../grammar/ast.js';
import { parse } from '../../grammar/parser.js';
import { checkPath, checkProcess } from '../../engine/check.js';
import { inspectProcess } from '../../engine/info.js';
import type { PidTarget } from '../../engine/process-target.js';
import { loadNative } from '../../native/index.js';
import { makeMachO, signMachO } from '../signer/index.js';
import { Sleepers } from '../support/sleepers.js';

const native = loadNative();
const children: ChildProcess[] = [];
const sleepers = new Sleepers();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  sleepers.cleanUp();
});

const TEXT = 'identifier "com.example.decoy"';
function requirement(): Requirement {
  const doc = parse(TEXT, { mode: 'single' }).document;
  assert.ok(doc && doc.kind === 'requirement');
  return doc;
}

async function deletedWithDecoy(): Promise<{ pid: number; exe: string }> {
  const { child, exe } = await sleepers.start({ prefix: 'csrl-engine-exe-' });
  unlinkSync(exe);
  const decoy = signMachO(makeMachO(), { identifier: 'com.example.decoy', adhoc: true });
  writeFileSync(`${exe} (deleted)`, decoy);
  writeFileSync(exe, decoy);
  // The decoy itself satisfies the requirement: judging it would say "satisfied".
  assert.equal((await checkPath(requirement(), TEXT, exe, { verifyPages: true })).verdict, 'satisfied');
  return { pid: child.pid!, exe };
}

if (native.available && process.platform === 'linux') {
  describe('engine: a process whose executable was deleted or replaced is not checked (invalid: cannot be checked), the decoy never judged', () => {
    test('checkProcess: invalid, error names the executable, target.executable says replaced and not read', async () => {
      const { pid, exe } = await deletedWithDecoy();
      const r = await checkProcess(pid, requirement(), TEXT, native);
      assert.equal(r.verdict, 'invalid');
      assert.deepEqual(r.slices, []);
      assert.equal(r.path, exe);
      assert.equal(r.error?.code, 'not-found');
      assert.match(r.error?.message ?? '', new RegExp(`^process ${pid} runs ${exe.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, which was deleted or replaced after it started`));
      const t = r.target as PidTarget;
      assert.equal(t.kind, 'static-file-check');
      assert.equal(t.executablePath, exe);
      assert.equal(t.executable.readVia, 'not-read');
      assert.equal(t.executable.state, 'replaced');
      assert.equal(t.identity.pid, pid);
    });

    test('checkProcess with a readCode that would read anything: never called for the deleted executable', async () => {
      const { pid } = await deletedWithDecoy();
      let reads = 0;
      const r = await checkProcess(pid, requirement(), TEXT, native, {
        readCode: async () => {
          reads++;
          throw new Error('must not read');
        },
      });
      assert.equal(r.verdict, 'invalid');
      assert.equal(reads, 0);
    });

    test('inspectProcess: unreadable, the same words, the target says replaced', async () => {
      const { pid, exe } = await deletedWithDecoy();
      const o = await inspectProcess(pid, native, { read: { verifyPages: true } });
      assert.equal(o.kind, 'unreadable');
      if (o.kind !== 'unreadable') return;
      assert.equal(o.path, exe);
      assert.match(o.error.message, /which was deleted or replaced after it started/);
      assert.equal(o.target?.executable.state, 'replaced');
    });

    test('a running (not deleted) process is read through /proc/PID/exe with its device and inode expected', async () => {
      const child = spawn('/bin/sleep', ['60'], { stdio: 'ignore' });
      children.push(child);
      await once(child, 'spawn');
      const seen: { path: string; expect: unknown }[] = [];
      const { readCode } = await import('../../validator/read.js');
      const r = await checkProcess(child.pid!, requirement(), TEXT, native, {
        readCode: (p, o, expect) => {
          seen.push({ path: p, expect });
          return readCode(p, o, expect);
        },
      });
      assert.equal(r.verdict, 'invalid');
      assert.equal(r.error?.code, 'not-macho');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.path, `/proc/${child.pid}/exe`);
      assert.match(JSON.stringify(seen[0]!.expect), /"direct":true/);
      assert.deepEqual((r.target as PidTarget).executable, { readVia: 'process', readPath: `/proc/${child.pid}/exe`, state: 'present' });
    });
  });
}
