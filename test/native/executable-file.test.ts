/**
 * executableFile(pid) on Linux against the real kernel: the file a process
 * runs is identified through /proc/PID/exe (device and inode of the mapped
 * file), and its path is trusted only while it still names that file. A
 * deleted, replaced or moved executable; a kernel thread and a zombie, which
 * run no file; and checkProcessFile, which never calls its check for a file
 * that is not there.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { checkProcessFile } from '../../native/identity.js';
import { ExecutableReplacedError, loadNative, NoExecutableError } from '../../native/index.js';
import { Sleepers, type Sleeper } from '../support/sleepers.js';

const native = loadNative();
const sleepers = new Sleepers();
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  sleepers.cleanUp();
});

function sleeperCopy(args: string[] = ['60']): Promise<Sleeper> {
  return sleepers.start({ args, prefix: 'csrl-exefile-' });
}

function kthreadFlags(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]);
  } catch {
    return undefined;
  }
}

if (native.available && process.platform === 'linux') {
  describe('executableFile (Linux)', () => {
    test('this process: its file, read through /proc/PID/exe, present', async () => {
      const f = await native.executableFile(process.pid);
      const st = statSync(process.execPath, { bigint: true });
      assert.deepEqual(
        { ...f, links: undefined },
        { path: realpathSync(process.execPath), readPath: `/proc/${process.pid}/exe`, dev: String(st.dev), ino: String(st.ino), links: undefined, state: 'present' },
      );
      assert.ok(f.links! >= 1);
    });

    test('deleted while running: the path without " (deleted)", the running file\'s device and inode, state deleted, 0 links', async () => {
      const { pid, exe, dev, ino } = await sleeperCopy();
      unlinkSync(exe);
      // A file at the literal name readlink gives is a decoy, not the executable.
      writeFileSync(`${exe} (deleted)`, 'decoy');
      const f = await native.executableFile(pid);
      assert.equal(f.path, exe);
      assert.equal(f.state, 'deleted');
      assert.equal(f.links, 0);
      assert.equal(f.dev, String(dev));
      assert.equal(f.ino, String(ino));
      assert.equal(f.readPath, `/proc/${pid}/exe`);
      // The link still opens the very file the process runs.
      assert.deepEqual(readFileSync(f.readPath!), readFileSync('/bin/sleep'));
      // executablePath keeps the kernel's raw name (what `csrl ps` shows).
      assert.equal(await native.executablePath(pid), `${exe} (deleted)`);
    });

    test('another file put at the path (rename over it): state replaced, naming the file there', async () => {
      const { pid, exe, dir, ino } = await sleeperCopy();
      writeFileSync(path.join(dir, 'new'), 'new');
      renameSync(path.join(dir, 'new'), exe);
      const f = await native.executableFile(pid);
      assert.equal(f.state, 'replaced');
      assert.equal(f.path, exe);
      assert.equal(f.ino, String(ino));
      assert.match(f.detail ?? '', new RegExp(`another file \\(device \\d+, inode ${statSync(exe).ino}\\) is at that path now`));
    });

    test('moved (renamed, not deleted): the new path, present', async () => {
      const { pid, exe, dir, ino } = await sleeperCopy();
      const moved = path.join(dir, 'moved');
      renameSync(exe, moved);
      const f = await native.executableFile(pid);
      assert.equal(f.state, 'present');
      assert.equal(f.path, moved);
      assert.equal(f.ino, String(ino));
    });

    test('a file whose real name ends in " (deleted)" is present, not taken for a deleted one', async () => {
      const { child, exe } = await sleepers.start({ name: 'tool (deleted)', prefix: 'csrl-exefile-' });
      const f = await native.executableFile(child.pid!);
      assert.equal(f.state, 'present');
      assert.equal(f.path, exe);
    });

    const kthread = [2, ...readdirSync('/proc').map(Number).filter((n) => Number.isInteger(n) && n > 2)].find((pid) => ((kthreadFlags(pid) ?? 0) & 0x00200000) !== 0);
    test('a kernel thread: NoExecutableError saying so (not "not found"), from executableFile and executablePath', { skip: kthread === undefined ? 'no kernel thread visible in /proc here' : false }, async () => {
      const name = readFileSync(`/proc/${kthread}/comm`, 'utf8').trim();
      const message = `process ${kthread} (${name}) is a kernel thread: it has no executable file to check`;
      for (const call of [() => native.executableFile(kthread!), () => native.executablePath(kthread!)]) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(err instanceof NoExecutableError, String(err));
          assert.equal(err.code, 'ERR_CSRL_NO_EXECUTABLE');
          assert.equal(err.message, message);
          return true;
        });
      }
    });

    test('a zombie (exited, not reaped): NoExecutableError saying so', async () => {
      // sh starts `true` in the background and execs sleep, which never reaps it.
      const parent = spawn('/bin/sh', ['-c', 'true & exec sleep 60'], { stdio: 'ignore' });
      children.push(parent);
      await once(parent, 'spawn');
      let zombie: number | undefined;
      for (let i = 0; i < 100 && zombie === undefined; i++) {
        const kids = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
        zombie = kids.find((k) => / Z /.test(readFileSync(`/proc/${k}/stat`, 'utf8').slice(readFileSync(`/proc/${k}/stat`, 'utf8').lastIndexOf(')'))));
        if (zombie === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(zombie, 'test set-up: a zombie child of the sleeper');
      await assert.rejects(native.executableFile(zombie), (err: unknown) => err instanceof NoExecutableError && /has exited \(a zombie not yet reaped by its parent\)/.test(err.message));
    });
  });

  describe('checkProcessFile with executableFile', () => {
    test('reads through /proc/PID/exe and labels the path', async () => {
      const { pid, exe, ino } = await sleeperCopy();
      const checked = await checkProcessFile(pid, async (readPath, _id, executable) => ({ readPath, executable }), native);
      assert.equal(checked.executablePath, exe);
      assert.equal(checked.result.readPath, `/proc/${pid}/exe`);
      assert.deepEqual(checked.executable, { path: exe, readVia: 'process', readPath: `/proc/${pid}/exe`, expect: { dev: checked.executable.expect!.dev, ino: String(ino), direct: true }, state: 'present' });
    });

    test('a deleted executable: the check is never called; ExecutableReplacedError names the file and carries the identity', async () => {
      const { pid, exe } = await sleeperCopy();
      unlinkSync(exe);
      writeFileSync(exe, 'decoy');
      let called = false;
      await assert.rejects(
        checkProcessFile(pid, async () => {
          called = true;
        }, native),
        (err: unknown) => {
          assert.ok(err instanceof ExecutableReplacedError, String(err));
          assert.equal(err.executable.state, 'replaced');
          assert.equal(err.executable.path, exe);
          assert.equal(err.identity.pid, pid);
          assert.match(err.message, new RegExp(`^process ${pid} runs .*sleeper, which was deleted or replaced after it started: another file`));
          return true;
        },
      );
      assert.equal(called, false);
    });
  });
}
