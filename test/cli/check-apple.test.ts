/**
 * `csrl check PATH` and Apple's verdict beside ours.
 *
 * With the real CLI: on macOS (the macOS workflow) Apple's real verdict on a
 * Developer ID fixture is shown and agrees with ours; on Linux (here) nothing
 * about Apple appears at all.
 *
 * With a scripted native validator (its AppleCheck answers are inputs built
 * per the documented shape, not Apple's answers): the agreement, the loud
 * disagreement with exit 3, what "not comparable" means with --arch, a
 * failing or missing addon, and what Apple is asked.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { run as runCheckCommand, runCheck, type CheckResult, type PathNative } from '../../cli/commands/check.js';
import { memoryIO, UsageError } from '../../cli/io.js';
import type { AppleCheck, AppleStatus } from '../../native/index.js';
import { readCode } from '../../validator/read.js';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { filler, makeBundle, makeMachO, signMachO, type Bundle } from '../signer/index.js';
import { tempDir } from '../support/tmp.js';

const SENTRY_TEAM = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "97JCY7859U"';
const SENTRY_X64_DR = 'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"';
const OTHER_TEAM = SENTRY_TEAM.replace('97JCY7859U', 'ABCDE12345');

const OK: AppleStatus = { status: 0, name: 'errSecSuccess', message: 'No error.' };
const REQ_FAILED: AppleStatus = { status: -67050, name: 'errSecCSReqFailed', message: 'code failed to satisfy specified code requirement(s)' };
const SIG_FAILED: AppleStatus = { status: -67061, name: 'errSecCSSignatureFailed', message: 'invalid signature (code or signature have been modified)' };
const BAD_NESTED: AppleStatus = { status: -67021, name: 'errSecCSBadNestedCode', message: 'nested code is modified or invalid' };

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function check(args: string[], pathNative?: PathNative, cwd = tmpdir()): Promise<Out> {
  const { io, stdout: out, stderr: err } = memoryIO(cwd);
  let code: number;
  try {
    code = await runCheck(args, io, { readCode, ...(pathNative ? { pathNative: () => pathNative } : {}) });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    code = 64;
  }
  return { code, stdout: out(), stderr: err() };
}

/** A macOS addon whose Security.framework answers `answer` (or throws it), recording what it was asked. */
function scriptedMac(answer: AppleCheck | Error): PathNative & { calls: { path: string; requirement: string }[] } {
  const calls: { path: string; requirement: string }[] = [];
  return {
    available: true,
    backend: 'security-framework',
    platform: 'darwin',
    calls,
    checkPath: async (p, requirement) => {
      calls.push({ path: p, requirement });
      if (answer instanceof Error) throw answer;
      return { ...answer, path: p };
    },
  };
}

function pathAnswer(result: AppleStatus): AppleCheck {
  return { supported: true, kind: 'path', satisfied: result.status === 0, result, flags: 'kSecCSCheckAllArchitectures | kSecCSCheckNestedCode | kSecCSStrictValidate' };
}

describe('csrl check PATH with the real addon loader', () => {
  it(process.platform === 'darwin' ? "macOS: Apple's real verdict on the Developer ID fixture is shown and agrees" : `${process.platform}: no Apple field and no word about Apple`, async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const j = await runCli(['check', '--json', '--no-verify-pages', '-e', SENTRY_TEAM, file]);
    const text = await runCli(['check', '--no-verify-pages', '-e', SENTRY_TEAM, file]);
    const parsed = JSON.parse(j.stdout) as CheckResult;
    assert.equal(parsed.verdict, 'satisfied');
    if (process.platform === 'darwin') {
      // Real Security.framework (macOS workflow): notarized Developer ID code that satisfies its team requirement.
      assert.equal(parsed.apple?.verdict, 'satisfied', JSON.stringify(parsed.apple));
      assert.equal(parsed.apple?.comparison?.outcome, 'agree');
      assert.equal(j.code, 0, j.stderr);
      assert.match(text.stdout, /^Apple \(Security\.framework\): satisfied \(errSecSuccess 0/m);
    } else {
      assert.equal(j.code, 0, j.stderr);
      assert.equal('apple' in parsed, false, 'no apple field');
      assert.equal(text.code, 0);
      assert.doesNotMatch(text.stdout + text.stderr, /Apple \(Security|Security\.framework|DISAGREE|Apple's (static|check|compiler)|Apple did not/);
    }
  });

  it('run() asks Apple on macOS only (here the scripted runner sees no pathNative off the Mac)', async () => {
    // `run` is what main() calls; off the Mac it must not pass an Apple asker at all.
    const { io, stdout } = memoryIO(tmpdir());
    const code = await runCheckCommand(['--json', '--no-verify-pages', '-e', OTHER_TEAM, await fixture('@sentry/cli-darwin@3.8.0')], io);
    const parsed = JSON.parse(stdout()) as CheckResult;
    if (process.platform === 'darwin') {
      assert.equal(parsed.apple?.verdict, 'not-satisfied', JSON.stringify(parsed.apple));
      assert.equal(parsed.apple?.comparison?.outcome, 'agree');
      assert.equal(code, 1);
    } else {
      assert.equal(parsed.apple, undefined);
      assert.equal(code, 1);
    }
  });
});

describe('csrl check PATH with a scripted Security.framework (inputs per the documented AppleCheck shape)', () => {
  it('agreement: both satisfied, Apple asked the canonical text about the absolute path, exit 0', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const mac = scriptedMac(pathAnswer(OK));
    const r = await check(['--no-verify-pages', '-e', SENTRY_TEAM, file], mac);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /result: satisfied/);
    assert.match(r.stdout, /^Apple \(Security\.framework\): satisfied \(errSecSuccess 0: No error\.\)$/m);
    assert.doesNotMatch(r.stdout + r.stderr, /DISAGREEMENT/);
    // SENTRY_TEAM is already in canonical form; a spelling Apple might read differently is asked canonically.
    assert.deepEqual(mac.calls, [{ path: path.resolve(file), requirement: SENTRY_TEAM }]);
    const respelled = scriptedMac(pathAnswer(OK));
    await check(['--no-verify-pages', '-e', SENTRY_TEAM.replace('anchor apple generic', '/* Developer ID */ anchor   apple\n generic').replace('] = "97JCY7859U"', ']="97JCY7859U"'), file], respelled);
    assert.deepEqual(respelled.calls.map((c) => c.requirement), [SENTRY_TEAM]);
    const j = await check(['--json', '--no-verify-pages', '-e', SENTRY_TEAM, file], scriptedMac(pathAnswer(OK)));
    const parsed = JSON.parse(j.stdout) as CheckResult;
    assert.deepEqual(parsed.apple, {
      verdict: 'satisfied',
      satisfied: true,
      kind: 'path',
      result: OK,
      comparison: { outcome: 'agree', sentence: "csrl and Apple agree: csrl says satisfied, Apple's static check of the file says satisfied" },
    });
  });

  it('we say satisfied, Apple says not: loud on stdout and stderr, exit 3, JSON carries the disagreement', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const r = await check(['--no-verify-pages', '-e', SENTRY_TEAM, file], scriptedMac(pathAnswer(REQ_FAILED)));
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^Apple \(Security\.framework\): not satisfied \(errSecCSReqFailed -67050: code failed to satisfy specified code requirement\(s\)\)$/m);
    assert.match(r.stdout, /^!!! DISAGREEMENT: csrl says satisfied, Apple's static check of the file says not satisfied \(errSecCSReqFailed -67050/m);
    assert.equal(r.stderr, `csrl check: DISAGREEMENT WITH APPLE for ${file}: csrl says satisfied, Apple's static check of the file says not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))\n`);
    const j = await check(['--json', '--no-verify-pages', '-e', SENTRY_TEAM, file], scriptedMac(pathAnswer(REQ_FAILED)));
    assert.equal(j.code, 3);
    const parsed = JSON.parse(j.stdout) as CheckResult;
    assert.equal(parsed.verdict, 'satisfied');
    assert.equal(parsed.apple?.verdict, 'not-satisfied');
    assert.equal(parsed.apple?.comparison?.outcome, 'disagree');
    assert.match(parsed.apple?.disagreement ?? '', /^csrl says satisfied, Apple's/);
  });

  it('we say not satisfied, Apple says satisfied: exit 3; both not satisfied: exit 1', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const bad = await check(['--no-verify-pages', '-e', OTHER_TEAM, file], scriptedMac(pathAnswer(OK)));
    assert.equal(bad.code, 3);
    assert.match(bad.stdout, /!!! DISAGREEMENT: csrl says not satisfied, Apple's static check of the file says satisfied/);
    const agree = await check(['--no-verify-pages', '-e', OTHER_TEAM, file], scriptedMac(pathAnswer(REQ_FAILED)));
    assert.equal(agree.code, 1, agree.stderr);
    assert.doesNotMatch(agree.stdout + agree.stderr, /DISAGREEMENT/);
  });

  it('--arch: ours covers one slice, Apple every slice; a failure only Apple sees is shown, not a disagreement', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const r = await check(['--no-verify-pages', '--arch', 'x86_64', '-e', SENTRY_X64_DR, file], scriptedMac(pathAnswer(REQ_FAILED)));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Apple \(Security\.framework\): not satisfied/);
    assert.match(r.stdout, /^ {2}not compared: csrl checked only the chosen architecture and says satisfied; Apple's static check of the file covers every architecture/m);
    assert.doesNotMatch(r.stdout + r.stderr, /DISAGREEMENT/);
  });

  it("Apple's compiler rejecting what we accepted: exit 3", async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const rejected: AppleCheck = { supported: true, kind: 'path', satisfied: false, requirementError: { status: -67052, name: 'errSecCSReqInvalid', message: 'invalid or corrupted code requirement(s)' } };
    const r = await check(['--no-verify-pages', '-e', SENTRY_TEAM, file], scriptedMac(rejected));
    assert.equal(r.code, 3);
    assert.match(r.stdout, /Apple \(Security\.framework\): requirement rejected \(errSecCSReqInvalid -67052/);
    assert.match(r.stdout, /!!! DISAGREEMENT: csrl accepted the requirement but Apple's compiler rejected it/);
  });

  it('a failing Apple check or a missing addon on macOS: no verdict, with why; ours decides the exit status', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const failing = await check(['--json', '--no-verify-pages', '-e', SENTRY_TEAM, file], scriptedMac(new Error('SecStaticCodeCreateWithPath failed')));
    assert.equal(failing.code, 0);
    const parsed = JSON.parse(failing.stdout) as CheckResult;
    assert.deepEqual(parsed.apple, { verdict: 'not-checked', satisfied: null, error: 'SecStaticCodeCreateWithPath failed', comparison: { outcome: 'not-comparable', sentence: 'Apple did not check: SecStaticCodeCreateWithPath failed' } });
    const missing: PathNative = { available: false, reason: 'native addon not built', backend: 'none', platform: 'darwin', checkPath: async () => assert.fail('not called') };
    const text = await check(['--no-verify-pages', '-e', SENTRY_TEAM, file], missing);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^Apple \(Security\.framework\): no verdict \(the native addon is not available: native addon not built\)$/m);
  });

  it('a file that is not Mach-O: ours cannot check it; Apple refusing it too agrees (exit 3, no disagreement)', async () => {
    const dir = tempDir('csrl-check-apple-');
    writeFileSync(path.join(dir, 'notes.txt'), 'not a binary\n');
    const unsigned: AppleStatus = { status: -67062, name: 'errSecCSUnsigned', message: 'code object is not signed at all' };
    const r = await check(['-e', 'anchor apple generic', 'notes.txt'], scriptedMac(pathAnswer(unsigned)), dir);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /notes\.txt: cannot be checked: .*Mach-O/i);
    assert.match(r.stderr, /Apple \(Security\.framework\): not satisfied \(errSecCSUnsigned -67062/);
    assert.doesNotMatch(r.stderr, /DISAGREEMENT/);
    const j = await check(['--json', '-e', 'anchor apple generic', 'notes.txt'], scriptedMac(pathAnswer(OK)), dir);
    assert.equal(j.code, 3);
    assert.equal((JSON.parse(j.stdout) as CheckResult).apple?.comparison?.outcome, 'disagree');
    assert.match(j.stderr, /DISAGREEMENT WITH APPLE for notes\.txt: csrl says cannot be checked, Apple's static check of the file says satisfied/);
  });

  it('off the Mac a scripted addon still gets no question: Security.framework does not exist there', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const linux: PathNative = { available: true, backend: 'linux-proc', platform: 'linux', checkPath: async () => assert.fail('not called') };
    const j = await check(['--json', '--no-verify-pages', '-e', SENTRY_TEAM, file], linux);
    assert.deepEqual((JSON.parse(j.stdout) as CheckResult).apple?.error, 'Security.framework exists only on macOS (this is linux)');
  });
});

/**
 * "Not satisfied" is two claims: invalid code, or valid code failing a clause
 * (Apple: errSecCSReqFailed). A bundle from the test signer, read by the real
 * portable checker; Apple's answers are scripted inputs.
 */
describe('csrl check PATH: Apple and csrl making different claims about validity', () => {
  const dir = tempDir('csrl-check-apple-validity-');

  async function app(): Promise<Bundle> {
    return makeBundle(mkdtempSync(path.join(dir, 'app-')), {
      name: 'Demo',
      identifier: 'com.example.demo',
      sign: { adhoc: true },
      resources: { 'Resources/a.txt': 'a' },
      populate: async (root) => writeFileSync(path.join(root, 'MacOS', 'helper'), signMachO(makeMachO({ code: filler(6000, 7) }), { identifier: 'com.example.helper', adhoc: true })),
    });
  }

  /** The review's case: a bundle whose nested helper was changed after signing. */
  async function tamperedHelper(): Promise<Bundle> {
    const bundle = await app();
    const helper = path.join(bundle.resourceRoot, 'MacOS', 'helper');
    const bytes = readFileSync(helper);
    bytes[5000]! ^= 0xff;
    writeFileSync(helper, bytes);
    return bundle;
  }

  it('a tampered nested helper: ours invalid; Apple checking nested code (--deep) refuses it too: agreement, exit 3', async () => {
    const bundle = await tamperedHelper();
    const r = await check(['-e', 'identifier "com.example.demo"', bundle.path], scriptedMac(pathAnswer(BAD_NESTED)));
    assert.equal(r.code, 3);
    assert.match(r.stdout, /cannot be checked: invalid signature: .*helper: nested code/);
    assert.match(r.stdout, /^Apple \(Security\.framework\): not satisfied \(errSecCSBadNestedCode -67021/m);
    assert.doesNotMatch(r.stdout + r.stderr, /DISAGREEMENT/);
  });

  it('ours invalid, Apple errSecCSReqFailed (Apple found the code valid): disagreement, exit 3', async () => {
    const bundle = await tamperedHelper();
    const j = await check(['--json', '-e', 'identifier "com.example.demo"', bundle.path], scriptedMac(pathAnswer(REQ_FAILED)));
    assert.equal(j.code, 3);
    const parsed = JSON.parse(j.stdout) as CheckResult;
    assert.equal(parsed.verdict, 'invalid');
    assert.equal(parsed.apple?.comparison?.outcome, 'disagree');
    assert.equal(
      parsed.apple?.disagreement,
      "csrl says the code cannot be checked (it is not validly signed), Apple's static check of the file found it validly signed and says only that the requirement is not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))",
    );
    assert.match(j.stderr, /^csrl check: DISAGREEMENT WITH APPLE for .*Demo\.app: csrl says the code cannot be checked/m);
  });

  it('a file that is not Mach-O, Apple errSecCSReqFailed (Apple read a valid signature): disagreement', async () => {
    const d = mkdtempSync(path.join(dir, 'notes-'));
    writeFileSync(path.join(d, 'notes.txt'), 'not a binary\n');
    const r = await check(['-e', 'anchor apple generic', 'notes.txt'], scriptedMac(pathAnswer(REQ_FAILED)), d);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /!!! DISAGREEMENT: csrl says the code cannot be checked .*found it validly signed/);
  });

  it('ours unsatisfied (valid code, a clause fails), Apple a signature failure: disagreement, exit 3', async () => {
    const bundle = await app();
    const r = await check(['-e', 'identifier "com.example.other"', bundle.path], scriptedMac(pathAnswer(SIG_FAILED)));
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /result: not satisfied/);
    assert.match(r.stdout, /^!!! DISAGREEMENT: csrl says not satisfied because a clause fails on validly signed code, Apple's static check of the file says the code is not valid \(errSecCSSignatureFailed -67061/m);
    const agree = await check(['-e', 'identifier "com.example.other"', bundle.path], scriptedMac(pathAnswer(REQ_FAILED)));
    assert.equal(agree.code, 1, agree.stdout + agree.stderr);
    assert.doesNotMatch(agree.stdout + agree.stderr, /DISAGREEMENT/);
  });

  it('ours unsatisfied with --no-verify-pages or --arch, Apple a signature failure: not compared, our exit status stands', async () => {
    const bundle = await app();
    const skipped = await check(['--no-verify-pages', '-e', 'identifier "com.example.other"', bundle.path], scriptedMac(pathAnswer(SIG_FAILED)));
    assert.equal(skipped.code, 1, skipped.stdout + skipped.stderr);
    assert.match(skipped.stdout, /^ {2}not compared: csrl did not hash the code pages or sealed resources: csrl says not satisfied, Apple's static check of the file says not satisfied \(errSecCSSignatureFailed -67061/m);
    const arch = await check(['--arch', 'x86_64', '-e', 'identifier "com.example.other"', bundle.path], scriptedMac(pathAnswer(SIG_FAILED)));
    assert.equal(arch.code, 1, arch.stdout + arch.stderr);
    assert.match(arch.stdout, /^ {2}not compared: csrl checked only the chosen architecture: csrl says not satisfied, Apple's static check of the file says not satisfied \(errSecCSSignatureFailed/m);
    assert.doesNotMatch(skipped.stdout + skipped.stderr + arch.stdout + arch.stderr, /DISAGREEMENT/);
  });
});
