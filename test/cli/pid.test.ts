/**
 * `csrl info --pid` and `csrl check --pid`: argument validation, the real
 * addon on Linux (a child process whose executable is ELF, an exited
 * process), the missing addon, and, with a scripted native validator, the
 * PID-reuse guard, the JSON shape on a real Mach-O fixture, and the macOS
 * side-by-side comparison with Apple's verdict (which cannot run here).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
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
  const missing = loadNative({ searchPaths: [mkdtempSync(path.join(tmpdir(), 'csrl-no-addon-'))] });
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
      assert.ok(r.stderr.includes(`csrl info: not Mach-O: ${exe}: magic 0x7f454c46`), r.stderr);
      assert.equal(realpathSync(exe), exe, 'the addon reports the resolved executable path');
    });

    it('check --pid of the same kind of child: exit 3, not Mach-O, labelled', async () => {
      const child = sleeper();
      const exe = await native.executablePath(child.pid!);
      const r = await runCli(['check', '-e', 'anchor apple', '--pid', String(child.pid)]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, STATIC_LABEL);
      assert.match(r.stderr, new RegExp(`csrl check: .*\\(process ${child.pid}\\): cannot be checked: not Mach-O: `));
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
    assert.deepEqual({ ...parsed.target, checkedAt: '', note: '' }, { kind: 'static-file-check', pid: PID, executablePath: exe, identity: { pid: PID, startTime: 'linux:boot:1' }, checkedAt: '', note: '' });
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
    assert.deepEqual(parsed.target && { ...parsed.target, checkedAt: '', note: '' }, { kind: 'static-file-check', pid: PID, executablePath: exe, identity: { pid: PID, startTime: 't' }, checkedAt: '', note: '' });
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
