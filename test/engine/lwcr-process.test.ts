/**
 * "Test LWCR against running process": the engine's LWCR check of the file a
 * process runs, inside the same PID-reuse guard as classic process checks
 * (engine/process-target.ts). Needs the native addon and Linux's /proc.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { checkLwcrProcess } from '../../engine/lwcr.js';
import type { PidTarget } from '../../engine/process-target.js';
import { analyse, lw } from '../../lwcr/index.js';
import { loadNative } from '../../native/index.js';
import { readCodeBytes } from '../../validator/read.js';
import { makeMachO, signMachO } from '../signer/index.js';

const native = loadNative();
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

const tree = (entries: Record<string, ReturnType<typeof lw.str>>) => {
  const t = analyse(lw.dict(entries)).tree;
  assert.ok(t);
  return t;
};

async function sleeper(): Promise<number> {
  const child = spawn('/bin/sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

describe('engine: checkLwcrProcess', { skip: !(native.available && process.platform === 'linux') ? 'needs the native addon on Linux' : false }, () => {
  test('reads the executable through /proc/PID/exe inside the guard; a non-Mach-O is invalid with the process named', async () => {
    const pid = await sleeper();
    const seen: string[] = [];
    const { readCode } = await import('../../validator/read.js');
    const r = await checkLwcrProcess(pid, tree({ 'signing-identifier': lw.str('x') }), '{}', native, {
      readCode: (p, o, expect) => {
        seen.push(p);
        return readCode(p, o, expect);
      },
    });
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.error?.code, 'not-macho');
    assert.equal(r.language, 'lwcr');
    assert.deepEqual(seen, [`/proc/${pid}/exe`]);
    assert.equal((r.target as PidTarget).pid, pid);
  });

  test('evaluates the LWCR against what was read there, clause by clause', async () => {
    const pid = await sleeper();
    const bytes = signMachO(makeMachO(), { identifier: 'com.example.tool', adhoc: true });
    const read = (p: string) => readCodeBytes(bytes, { verifyPages: true }, p);
    const yes = await checkLwcrProcess(pid, tree({ 'signing-identifier': lw.str('com.example.tool') }), '{}', native, { readCode: read });
    assert.equal(yes.verdict, 'satisfied');
    assert.equal(yes.slices[0]!.tree?.children[0]?.clause, 'signing-identifier = "com.example.tool"');
    const no = await checkLwcrProcess(pid, tree({ 'signing-identifier': lw.str('com.example.other') }), '{}', native, { readCode: read });
    assert.equal(no.verdict, 'unsatisfied');
    assert.equal((no.target as PidTarget).executable.readVia, 'process');
  });
});
