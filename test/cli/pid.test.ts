/**
 * `csrl info --pid` and `csrl check --pid`: argument validation, the real
 * addon on Linux (a child process whose executable is ELF, an exited
 * process), the missing addon, and, with a scripted native validator, the
 * PID-reuse guard, the JSON shape on a real Mach-O fixture, and the macOS
 * side-by-side comparison with Apple's verdict (which cannot run here).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCheck, type CheckResult } from '../../cli/commands/check.js';
import { run as runInfo, type PidNative, type PidTarget } from '../../cli/commands/info.js';
import { memoryIO, UsageError, type CommandIO } from '../../cli/io.js';
import { loadNative, ProcessNotFoundError, type AppleCheck, type AppleStatus, type ProcessIdentity } from '../../native/index.js';
import { readCode } from '../../validator/read.js';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { makeMachO, signMachO } from '../signer/index.js';
import { Sleepers } from '../support/sleepers.js';
import { tempDir } from '../support/tmp.js';

const STATIC_LABEL = /STATIC CHECK OF THE FILE ON DISK \(static-file-check\), point-in-time/;
const SERVICES_NOTE = /services must use setCodeSigningRequirement, xpc_connection_set_peer_code_signing_requirement or audit tokens/;

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

function captureIO(): { io: CommandIO; out: () => { stdout: string; stderr: string } } {
  const m = memoryIO(tmpdir());
  return { io: m.io, out: () => ({ stdout: m.stdout(), stderr: m.stderr() }) };
}

/** Runs a command in-process with an injected native validator, mapping usage errors to 64 as main() does. */
async function withNative(command: 'info' | 'check', args: string[], native: PidNative): Promise<Out> {
  const { io, out } = captureIO();
  let code: number;
  try {
    code = command === 'info' ? await runInfo(args, io, { native }) : await runCheck(args, io, { readCode, native });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    code = 64;
  }
  return { code, ...out() };
}

/** A native validator that reports `exe` for any PID and walks through `startTimes` on successive identity reads. */
function scripted(exe: string, startTimes: string[], apple?: AppleCheck): PidNative & { identityReads: () => number } {
  let reads = 0;
  const identity = (pid: number): ProcessIdentity => ({ pid, startTime: startTimes[Math.min(reads++, startTimes.length - 1)]! });
  return {
    available: true,
    backend: apple ? 'security-framework' : 'linux-proc',
    processIdentity: async (pid) => identity(pid),
    executablePath: async () => exe,
    checkProcess: async (pid) => apple ?? { supported: false, platform: 'linux', reason: `process checks need Security.framework (pid ${pid})` },
    identityReads: () => reads,
  };
}

function status(code: number, name: string): AppleStatus {
  return { status: code, name, message: name };
}

function appleCheck(pid: number, dynamicStatus: AppleStatus, staticStatus: AppleStatus): AppleCheck {
  return { supported: true, kind: 'process', satisfied: dynamicStatus.status === 0, result: dynamicStatus, staticResult: staticStatus, pid };
}

const OK = status(0, 'errSecSuccess');
const REQ_FAILED = status(-67050, 'errSecCSReqFailed');

describe('--pid arguments', () => {
  for (const command of ['info', 'check'] as const) {
    const req = command === 'check' ? ['-e', 'anchor apple'] : [];
    for (const bad of ['0', '-1', 'abc', '1.5', '', '0x10', '2147483648', '99999999999']) {
      it(`${command} --pid '${bad}' is a usage error`, async () => {
        const r = await runCli([command, ...req, '--pid', bad]);
        assert.equal(r.code, 64, r.stderr);
        assert.match(r.stderr, new RegExp(`--pid takes a positive integer process id, not '${bad.replace(/[.]/g, '\\.')}'`));
        assert.equal(r.stdout, '');
      });
    }
    it(`${command} --pid with a PATH is a usage error`, async () => {
      const r = await runCli([command, ...req, '--pid', String(process.pid), 'some/path']);
      assert.equal(r.code, 64);
      assert.match(r.stderr, /give either PATH or --pid PID, not both/);
    });
    it(`${command} --pid without a value is a usage error`, async () => {
      const r = await runCli([command, ...req, '--pid']);
      assert.equal(r.code, 64);
      assert.match(r.stderr, /option '--pid' needs a value/);
    });
  }
});

describe('--pid without the native addon', () => {
  const missing = loadNative({ searchPaths: [tempDir('csrl-no-addon-')] });
  for (const command of ['info', 'check'] as const) {
    it(`${command}: exit 3 with the loader's reason`, async () => {
      assert.equal(missing.available, false);
      const args = command === 'check' ? ['-e', 'anchor apple', '--pid', String(process.pid)] : ['--pid', String(process.pid)];
      const r = await withNative(command, args, missing);
      assert.equal(r.code, 3);
      assert.equal(r.stderr, `csrl ${command}: cannot check process ${process.pid}: native addon not available: ${missing.reason}\n`);
      assert.match(missing.reason!, /native addon not built/);
    });
  }
});

const native = loadNative();
if (native.available && process.platform === 'linux') {
  describe('--pid with the real addon (Linux)', () => {
    const children: ChildProcess[] = [];
    after(() => {
      for (const c of children) c.kill('SIGKILL');
    });
    function sleeper(): ChildProcess {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      children.push(child);
      return child;
    }
    async function exitedPid(): Promise<number> {
      const child = spawn('true', [], { stdio: 'ignore' });
      await new Promise((resolve) => child.on('exit', resolve));
      return child.pid!;
    }

    it('info --pid of a child whose executable is ELF: not Mach-O, labelled a static file check', async () => {
      const child = sleeper();
      const exe = await native.executablePath(child.pid!);
      const r = await runCli(['info', '--pid', String(child.pid)]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, STATIC_LABEL);
      assert.match(r.stderr, SERVICES_NOTE);
      assert.ok(r.stderr.includes(`  executable: ${exe}\n`), r.stderr);
      // The file is read through the process itself (/proc/PID/exe), so the reader's message names that.
      assert.ok(r.stderr.includes(`csrl info: not Mach-O: /proc/${child.pid}/exe: a Linux (ELF) executable or library; it carries no Apple code signature (magic 0x7f454c46)`), r.stderr);
      assert.match(r.stderr, new RegExp(`read through /proc/${child.pid}/exe, the file the process runs`));
      assert.equal(realpathSync(exe), exe, 'the addon reports the resolved executable path');
    });

    it('check --pid of the same kind of child: exit 3, not Mach-O, labelled', async () => {
      const child = sleeper();
      const exe = await native.executablePath(child.pid!);
      const r = await runCli(['check', '-e', 'anchor apple', '--pid', String(child.pid)]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, STATIC_LABEL);
      // One sentence: which file, whose it is, why it cannot be checked (the /proc path it was read through is not repeated).
      assert.ok(r.stderr.includes(`csrl check: ${exe}, the executable of process ${child.pid}, cannot be checked: a Linux (ELF) executable or library; it carries no Apple code signature (magic 0x7f454c46)`), r.stderr);
      assert.ok(r.stderr.includes(exe));
    });

    it('--json carries target { pid, executablePath, identity, kind } with the real identity', async () => {
      const child = sleeper();
      const identity = await native.processIdentity(child.pid!);
      for (const command of ['info', 'check'] as const) {
        const args = command === 'check' ? ['check', '-e', 'anchor apple', '--json', '--pid', String(child.pid)] : ['info', '--json', '--pid', String(child.pid)];
        const r = await runCli(args);
        assert.equal(r.code, 3, r.stderr);
        const j = JSON.parse(r.stdout) as { target: PidTarget; error: { code: string }; verdict: string };
        assert.equal(j.target.kind, 'static-file-check');
        assert.equal(j.target.pid, child.pid);
        assert.equal(j.target.executablePath, await native.executablePath(child.pid!));
        assert.deepEqual(j.target.identity, identity);
        assert.match(j.target.note, SERVICES_NOTE);
        assert.ok(!Number.isNaN(Date.parse(j.target.checkedAt)));
        assert.equal(j.error.code, 'not-macho');
      }
    });

    it('an exited process: exit 3, not found', async () => {
      const pid = await exitedPid();
      await assert.rejects(native.processIdentity(pid), ProcessNotFoundError);
      for (const command of ['info', 'check'] as const) {
        const args = command === 'check' ? ['check', '-e', 'anchor apple', '--pid', String(pid)] : ['info', '--pid', String(pid)];
        const r = await runCli(args);
        assert.equal(r.code, 3);
        assert.equal(r.stderr, `csrl ${command}: process ${pid} not found (no such process; it may have exited)\n`);
        const j = await runCli([...args, '--json']);
        assert.equal(j.code, 3);
        assert.deepEqual(JSON.parse(j.stdout).error, { code: 'process-not-found', message: `process ${pid} not found (no such process; it may have exited)` });
      }
    });
  });
}

/** A kernel thread visible in /proc (PID 2, kthreadd, unless this runs in a PID namespace without them). */
function kernelThread(): number | undefined {
  const isKthread = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const flags = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]);
      return (flags & 0x00200000) !== 0; // PF_KTHREAD
    } catch {
      return false;
    }
  };
  if (isKthread(2)) return 2;
  return readdirSync('/proc').map(Number).filter((n) => Number.isInteger(n) && n > 0).find(isKthread);
}

if (native.available && process.platform === 'linux') {
  describe('--pid of a kernel thread (Linux)', () => {
    const kthread = kernelThread();
    it(`check and info --pid ${kthread ?? '(none visible)'}: "kernel thread, no executable", exit 3, never "not found"`, { skip: kthread === undefined ? 'no kernel thread is visible in /proc here' : false }, async () => {
      const pid = kthread!;
      const name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const message = `process ${pid} (${name}) is a kernel thread: it has no executable file to check`;
      for (const command of ['check', 'info'] as const) {
        const args = command === 'check' ? ['check', '-e', 'anchor apple', '--pid', String(pid)] : ['info', '--pid', String(pid)];
        const r = await runCli(args);
        assert.equal(r.code, 3, r.stderr);
        assert.equal(r.stderr, `csrl ${command}: ${message}\n`);
        assert.doesNotMatch(r.stderr, /not found/);
        const j = await runCli([...args, '--json']);
        assert.equal(j.code, 3);
        assert.deepEqual(JSON.parse(j.stdout).error, { code: 'process-no-executable', message });
      }
    });
  });

  describe('--pid of a process whose executable was deleted or replaced (Linux, real processes): the file now at its path is never judged', () => {
    const children: ChildProcess[] = [];
    const dirs: string[] = [];
    after(() => {
      for (const c of children) c.kill('SIGKILL');
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    const decoy = () => signMachO(makeMachO(), { identifier: 'com.example.decoy', adhoc: true });
    const REQ = 'identifier "com.example.decoy"';

    /** /bin/sleep copied to a temp dir and started from there. */
    const sleepers = new Sleepers();
    after(() => sleepers.cleanUp());
    const sleeperCopy = () => sleepers.start({ prefix: 'csrl-exe-' });

    async function assertDecoyIsSatisfied(file: string): Promise<void> {
      const r = await runCli(['check', '-e', REQ, file]);
      assert.equal(r.code, 0, `test set-up: the decoy ${file} itself satisfies the requirement: ${r.stdout}${r.stderr}`);
    }

    async function assertNotJudged(pid: number, exe: string, state: 'deleted' | 'replaced', words: RegExp): Promise<void> {
      const text = await runCli(['check', '-e', REQ, '--pid', String(pid)]);
      assert.equal(text.code, 3, text.stdout + text.stderr);
      assert.equal(text.stdout, '');
      assert.doesNotMatch(text.stdout + text.stderr, /satisfied/);
      assert.match(text.stderr, STATIC_LABEL);
      // The reader's sentence about the process is the whole message, not glued after a second subject.
      assert.ok(text.stderr.includes(`csrl check: Process ${pid} runs ${exe}, which was `), text.stderr);
      assert.match(text.stderr, words);

      const json = await runCli(['check', '--json', '-e', REQ, '--pid', String(pid)]);
      assert.equal(json.code, 3);
      const j = JSON.parse(json.stdout) as CheckResult;
      assert.equal(j.verdict, 'invalid');
      assert.deepEqual(j.slices, []);
      assert.equal(j.path, exe);
      assert.equal(j.error?.code, 'not-found');
      assert.match(j.error?.message ?? '', words);
      const t = j.target as PidTarget;
      assert.equal(t.executablePath, exe);
      assert.equal(t.executable.readVia, 'not-read');
      assert.equal(t.executable.state, state);
      assert.match(t.note, /nothing was checked/);

      const info = await runCli(['info', '--pid', String(pid)]);
      assert.equal(info.code, 3, info.stdout + info.stderr);
      assert.equal(info.stdout, '');
      assert.ok(info.stderr.includes(`csrl info: process ${pid} runs ${exe}, which was `), info.stderr);
      assert.doesNotMatch(info.stderr, /com\.example\.decoy|Identifier=/);
      const infoJson = await runCli(['info', '--json', '--pid', String(pid)]);
      assert.equal(infoJson.code, 3);
      const ij = JSON.parse(infoJson.stdout) as { verdict: string; target: PidTarget; error: { code: string; message: string } };
      assert.equal(ij.verdict, 'unreadable');
      assert.equal(ij.target.executable.state, state);
      assert.match(ij.error.message, words);
    }

    it('deleted, with a signed Mach-O at "<path> (deleted)" (the name readlink gives): not judged, exit 3, state deleted', async () => {
      const { pid, exe } = await sleeperCopy();
      unlinkSync(exe);
      const literal = `${exe} (deleted)`;
      writeFileSync(literal, decoy());
      await assertDecoyIsSatisfied(literal);
      await assertNotJudged(pid, exe, 'deleted', /which was deleted after it started .*; the file the process runs is no longer at that path, so nothing was checked/);
    });

    it('deleted, with the signed Mach-O at "<path> (deleted)" and at the original path: not judged, exit 3, state replaced', async () => {
      const { pid, exe } = await sleeperCopy();
      unlinkSync(exe);
      writeFileSync(`${exe} (deleted)`, decoy());
      writeFileSync(exe, decoy());
      await assertDecoyIsSatisfied(exe);
      const { dev, ino } = statSync(exe);
      await assertNotJudged(pid, exe, 'replaced', new RegExp(`deleted or replaced after it started: another file \\(device ${dev}, inode ${ino}\\) is at that path now, and it is not the file the process runs`));
    });

    it('replaced by rename(2) over its path while it runs: the new file is not judged, exit 3, state replaced', async () => {
      const { pid, exe, dir } = await sleeperCopy();
      const incoming = path.join(dir, 'incoming');
      writeFileSync(incoming, decoy());
      renameSync(incoming, exe);
      await assertDecoyIsSatisfied(exe);
      await assertNotJudged(pid, exe, 'replaced', /deleted or replaced after it started: another file .* is at that path now/);
    });

    it('moved (renamed, not deleted), with the signed Mach-O put at its old path: the file the process runs is judged (ELF: not Mach-O)', async () => {
      const { pid, exe, dir } = await sleeperCopy();
      const moved = path.join(dir, 'moved');
      renameSync(exe, moved);
      writeFileSync(exe, decoy());
      await assertDecoyIsSatisfied(exe);
      const r = await runCli(['check', '--json', '-e', REQ, '--pid', String(pid)]);
      assert.equal(r.code, 3, r.stderr);
      const j = JSON.parse(r.stdout) as CheckResult;
      assert.equal(j.verdict, 'invalid');
      assert.equal(j.error?.code, 'not-macho');
      assert.equal(j.path, moved);
      const t = j.target as PidTarget;
      assert.deepEqual(t.executable, { readVia: 'process', readPath: `/proc/${pid}/exe`, state: 'present' });
      assert.equal(t.executablePath, moved);
    });
  });
}

describe('--pid with a scripted native validator on a real Mach-O fixture', () => {
  const PID = 4242;

  it('info: label, report and JSON target; the identity is read before and after', async () => {
    const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
    const n = scripted(exe, ['linux:boot:1']);
    const text = await withNative('info', ['--pid', String(PID), '--no-verify-pages'], n);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, STATIC_LABEL);
    assert.ok(text.stdout.includes(`Executable=${exe}\n`));
    assert.equal(n.identityReads(), 2);
    const j = await withNative('info', ['--json', '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['linux:boot:1']));
    const parsed = JSON.parse(j.stdout) as { target: PidTarget; path: string; verdict: string };
    assert.deepEqual({ ...parsed.target, checkedAt: '', note: '' }, {
      kind: 'static-file-check',
      pid: PID,
      executablePath: exe,
      identity: { pid: PID, startTime: 'linux:boot:1' },
      executable: { readVia: 'path', readPath: exe, state: 'not-verified' },
      checkedAt: '',
      note: '',
    });
    assert.equal(parsed.path, exe);
    assert.equal(parsed.verdict, 'valid');
  });

  it('a PID reused during the check discards the result (info and check)', async () => {
    const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
    for (const command of ['info', 'check'] as const) {
      const args = command === 'check' ? ['-e', 'anchor apple', '--pid', String(PID)] : ['--pid', String(PID)];
      const r = await withNative(command, args, scripted(exe, ['linux:boot:1', 'linux:boot:2']));
      assert.equal(r.code, 3);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `csrl ${command}: process ${PID} changed during the check (PID reused); result discarded\n`);
    }
  });

  it('check: clause explanation under the static-file label; JSON has the target', async () => {
    const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
    const r = await withNative('check', ['-e', 'anchor apple generic', '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t']));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, STATIC_LABEL);
    assert.ok(r.stdout.includes(`${exe} (arm64): not satisfied`));
    assert.match(r.stdout, /there is no certificate chain/);
    assert.doesNotMatch(r.stdout, /Apple/);
    const j = await withNative('check', ['--json', '-e', 'anchor apple generic', '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t']));
    const parsed = JSON.parse(j.stdout) as CheckResult;
    assert.equal(parsed.verdict, 'unsatisfied');
    assert.equal(parsed.path, exe);
    assert.equal(parsed.apple, undefined);
    assert.deepEqual(parsed.target && { ...parsed.target, checkedAt: '', note: '' }, {
      kind: 'static-file-check',
      pid: PID,
      executablePath: exe,
      identity: { pid: PID, startTime: 't' },
      executable: { readVia: 'path', readPath: exe, state: 'not-verified' },
      checkedAt: '',
      note: '',
    });
  });

  it('with executableFile: the file is read where the process reader says, and only if it is the file the process runs (device and inode)', async () => {
    const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
    const st = statSync(exe, { bigint: true });
    const withFile = (ino: bigint, readPath: string | undefined): PidNative => ({
      ...scripted(exe, ['t']),
      executableFile: async () => ({ path: '/opt/tool/bin/tool', ...(readPath ? { readPath } : {}), dev: String(st.dev), ino: String(ino), state: 'present' as const }),
    });
    // Read through readPath (as /proc/PID/exe is): the named path is only the label.
    const good = await withNative('check', ['--json', '-e', 'anchor apple generic', '--pid', String(PID), '--no-verify-pages'], withFile(st.ino, exe));
    const g = JSON.parse(good.stdout) as CheckResult;
    assert.equal(g.verdict, 'unsatisfied', good.stderr);
    assert.equal(g.path, '/opt/tool/bin/tool');
    assert.deepEqual((g.target as PidTarget).executable, { readVia: 'process', readPath: exe, state: 'present' });
    // Without readPath (macOS), by the path, verified.
    const byPath = await withNative('info', ['--json', '--pid', String(PID), '--no-verify-pages'], { ...withFile(st.ino, undefined), executableFile: async () => ({ path: exe, dev: String(st.dev), ino: String(st.ino), state: 'present' as const }) });
    assert.equal(byPath.code, 0, byPath.stderr);
    assert.equal((JSON.parse(byPath.stdout) as { target: PidTarget }).target.executable.readVia, 'path-verified');
    // Another file than the one the process runs is opened: refused, never judged.
    for (const command of ['check', 'info'] as const) {
      const args = command === 'check' ? ['-e', 'anchor apple generic', '--pid', String(PID), '--no-verify-pages'] : ['--pid', String(PID), '--no-verify-pages'];
      const bad = await withNative(command, args, withFile(st.ino + 1n, exe));
      assert.equal(bad.code, 3, bad.stdout + bad.stderr);
      assert.match(bad.stderr, /the file opened is not the one the process runs \(it was replaced or deleted\); it is not read/);
    }
  });

  describe("macOS: Apple's verdict beside ours (scripted Security.framework results)", () => {
    async function designated(exe: string): Promise<string> {
      const j = await withNative('info', ['--json', '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t']));
      const text = (JSON.parse(j.stdout) as { slices: { designated: { text: string } }[] }).slices[0]!.designated.text;
      assert.match(text, /^cdhash H"[0-9a-f]{40}"$/);
      return text;
    }

    it('agreement: both satisfied, both verdicts shown, exit 0', async () => {
      const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
      const dr = await designated(exe);
      const r = await withNative('check', ['-e', dr, '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t'], appleCheck(PID, OK, OK)));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /\(arm64\): satisfied/);
      assert.match(r.stdout, /Apple \(Security\.framework\), live process: satisfied \(errSecSuccess 0/);
      assert.match(r.stdout, /Apple \(Security\.framework\), file on disk: satisfied/);
      assert.doesNotMatch(r.stdout + r.stderr, /DISAGREEMENT/);
    });

    it('we say satisfied, Apple says not: flagged loudly, exit 3', async () => {
      const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
      const dr = await designated(exe);
      const r = await withNative('check', ['-e', dr, '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t'], appleCheck(PID, REQ_FAILED, REQ_FAILED)));
      assert.equal(r.code, 3);
      assert.match(r.stdout, /!!! DISAGREEMENT: csrl says satisfied, Apple's static check of the file says not satisfied \(errSecCSReqFailed -67050/);
      assert.match(r.stderr, new RegExp(`DISAGREEMENT WITH APPLE for process ${PID}`));
      const j = await withNative('check', ['--json', '-e', dr, '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t'], appleCheck(PID, REQ_FAILED, REQ_FAILED)));
      const parsed = JSON.parse(j.stdout) as CheckResult;
      assert.equal(parsed.verdict, 'satisfied');
      assert.equal(parsed.apple?.satisfied, false);
      assert.match(parsed.apple?.disagreement ?? '', /csrl says satisfied/);
    });

    it('ours is compared with Apple\'s static result: a dynamic-only failure is shown but is no disagreement', async () => {
      const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
      const r = await withNative('check', ['-e', 'anchor apple generic', '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t'], appleCheck(PID, OK, REQ_FAILED)));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /live process: satisfied/);
      assert.match(r.stdout, /file on disk: not satisfied/);
      assert.doesNotMatch(r.stdout + r.stderr, /DISAGREEMENT/);
      const d = await withNative('check', ['-e', 'anchor apple generic', '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t'], appleCheck(PID, OK, OK)));
      assert.equal(d.code, 3);
      assert.match(d.stdout, /!!! DISAGREEMENT: csrl says not satisfied, Apple's static check of the file says satisfied/);
    });

    it("Apple's compiler rejecting what we accepted is a disagreement", async () => {
      const exe = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
      const rejected: AppleCheck = { supported: true, kind: 'process', satisfied: false, requirementError: status(-67052, 'errSecCSReqInvalid') };
      const r = await withNative('check', ['-e', 'anchor apple generic', '--pid', String(PID), '--no-verify-pages'], scripted(exe, ['t'], rejected));
      assert.equal(r.code, 3);
      assert.match(r.stdout, /requirement rejected \(errSecCSReqInvalid -67052/);
      assert.match(r.stdout, /!!! DISAGREEMENT: csrl accepted the requirement but Apple's compiler rejected it/);
    });
  });
});
