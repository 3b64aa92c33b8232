/**
 * native/apple-verdict.ts: the Apple side of a result and its comparison with
 * csrl's verdict, shared by `csrl check` and the extension.
 *
 * The AppleCheck values here are INPUTS TO OUR CODE, built per the shape
 * documented in native/index.ts and native/README.md; they are not Apple's
 * answers. Apple's real answers (Security.framework on real code) are tested
 * only by the macOS workflow (.github/workflows/macos.yml). The one real
 * addon call here is on this OS, where the addon must say it cannot ask Apple.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkReport, type CheckResult } from '../../cli/commands/check.js';
import { parse } from '../../grammar/parser.js';
import type { Requirement } from '../../grammar/ast.js';
import {
  appleLines,
  appleRows,
  appleShort,
  appleSideOf,
  appleSideOfError,
  compareVerdicts,
  disagreementLine,
  notChecked,
  statusText,
  stoppedAtLimit,
  whyAppleUnavailable,
  withComparison,
  type AppleSide,
  type OurVerdict,
} from '../../engine/apple/verdict.js';
import { loadNative, type AppleCheck, type AppleStatus } from '../../native/index.js';
import { CodeReadError } from '../../validator/macho/errors.js';
import { readCode, type ReadOptions } from '../../validator/read.js';
import { filler, makeBundle, makeMachO, signMachO, type Bundle } from '../signer/index.js';

const OK: AppleStatus = { status: 0, name: 'errSecSuccess', message: 'No error.' };
const REQ_FAILED: AppleStatus = { status: -67050, name: 'errSecCSReqFailed', message: 'code failed to satisfy specified code requirement(s)' };
const SIG_FAILED: AppleStatus = { status: -67061, name: 'errSecCSSignatureFailed', message: 'invalid signature (code or signature have been modified)' };
const UNSIGNED: AppleStatus = { status: -67062, name: 'errSecCSUnsigned', message: 'code object is not signed at all' };
const BAD_NESTED: AppleStatus = { status: -67021, name: 'errSecCSBadNestedCode', message: 'nested code is modified or invalid' };
const BAD_RESOURCE: AppleStatus = { status: -67054, name: 'errSecCSBadResource', message: 'a sealed resource is missing or invalid' };
const GUEST_INVALID: AppleStatus = { status: -67063, name: 'errSecCSGuestInvalid', message: 'code object has been invalidated' };
const REQ_INVALID: AppleStatus = { status: -67052, name: 'errSecCSReqInvalid', message: 'invalid or corrupted code requirement(s)', syntaxErrors: "line 1:7: unexpected token: foo" };

function pathCheck(result: AppleStatus): AppleCheck {
  return { supported: true, kind: 'path', satisfied: result.status === 0, result, path: '/Applications/Tool.app', flags: 'kSecCSCheckAllArchitectures | kSecCSCheckNestedCode | kSecCSStrictValidate' };
}

function processCheck(dynamic: AppleStatus, onDisk: AppleStatus): AppleCheck {
  return { supported: true, kind: 'process', satisfied: dynamic.status === 0, result: dynamic, staticResult: onDisk, pid: 4242 };
}

describe('the Apple side of an AppleCheck (documented shape; real answers: macOS workflow only)', () => {
  it('a path check Apple satisfied', () => {
    const side = appleSideOf(pathCheck(OK));
    assert.deepEqual(side, { verdict: 'satisfied', satisfied: true, kind: 'path', result: OK });
    assert.deepEqual(appleLines(side), ['Apple (Security.framework): satisfied (errSecSuccess 0: No error.)']);
    assert.equal(appleShort(side), 'satisfied');
  });

  it('a path check Apple refused: its status name and message are kept and shown', () => {
    const side = appleSideOf(pathCheck(REQ_FAILED));
    assert.equal(side.verdict, 'not-satisfied');
    assert.equal(side.satisfied, false);
    assert.deepEqual(appleLines(side), ['Apple (Security.framework): not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))']);
    assert.equal(appleShort(side), 'not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))');
  });

  it("Apple's compiler rejecting the text: nothing was checked", () => {
    const side = appleSideOf({ supported: true, kind: 'path', satisfied: false, requirementError: REQ_INVALID });
    assert.equal(side.verdict, 'requirement-rejected');
    assert.equal(side.satisfied, null);
    assert.deepEqual(side.requirementError, REQ_INVALID);
    assert.deepEqual(appleRows(side), [{ text: 'Apple (Security.framework): requirement rejected (errSecCSReqInvalid -67052: invalid or corrupted code requirement(s))', verdict: 'requirement-rejected' }]);
    assert.match(appleShort(side), /^requirement rejected by Apple's compiler \(errSecCSReqInvalid -67052/);
  });

  it('the addon saying it cannot check on this OS: not checked, with its reason', () => {
    const side = appleSideOf({ supported: false, platform: 'linux', reason: 'Security.framework is only available on macOS' });
    assert.deepEqual(side, { verdict: 'not-checked', satisfied: null, error: 'Security.framework is only available on macOS' });
    assert.deepEqual(appleLines(side), ['Apple (Security.framework): no verdict (Security.framework is only available on macOS)']);
    assert.equal(appleShort(side), 'not checked (Security.framework is only available on macOS)');
    assert.deepEqual(appleSideOfError(new Error('boom')), notChecked('boom'));
    assert.deepEqual(appleSideOfError('text'), notChecked('text'));
  });

  it('a process: the verdict that meets ours is the static check of its file; both rows are shown', () => {
    const side = appleSideOf(processCheck(OK, REQ_FAILED));
    assert.equal(side.verdict, 'not-satisfied', 'the file on disk decides');
    assert.equal(side.satisfied, true, 'the live process passed');
    assert.deepEqual(appleRows(side), [
      { text: 'Apple (Security.framework), live process: satisfied (errSecSuccess 0: No error.)', verdict: 'satisfied' },
      { text: 'Apple (Security.framework), file on disk: not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))', verdict: 'not-satisfied' },
    ]);
    const dynamicOnly = appleSideOf({ supported: true, kind: 'process', satisfied: false, result: REQ_FAILED, pid: 1 });
    assert.equal(dynamicOnly.verdict, 'not-satisfied');
    assert.deepEqual(appleLines(dynamicOnly), ['Apple (Security.framework), live process: not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))']);
  });

  it("Apple's CFError description is preferred over the generic message", () => {
    assert.equal(statusText({ ...REQ_FAILED, errorText: 'The code does not satisfy: identifier "x"' }), 'errSecCSReqFailed -67050: The code does not satisfy: identifier "x"');
    assert.equal(statusText({ status: -1, name: '', message: '' }), 'OSStatus -1');
    assert.equal(statusText(undefined), 'no status');
  });
});

describe('comparing csrl with Apple', () => {
  const sides: Record<string, AppleSide> = {
    satisfied: appleSideOf(pathCheck(OK)),
    'not-satisfied': appleSideOf(pathCheck(REQ_FAILED)),
    'code-invalid': appleSideOf(pathCheck(SIG_FAILED)),
    'requirement-rejected': appleSideOf({ supported: true, kind: 'path', satisfied: false, requirementError: REQ_INVALID }),
    'not-checked': notChecked('no Mac here'),
  };
  // Rows: ours; columns: Apple satisfied, valid code but the requirement fails (errSecCSReqFailed),
  // invalid code (errSecCSSignatureFailed), rejected the text, did not check.
  const table: Record<OurVerdict, [string, string, string, string, string]> = {
    satisfied: ['agree', 'disagree', 'disagree', 'disagree', 'not-comparable'],
    unsatisfied: ['disagree', 'agree', 'disagree', 'disagree', 'not-comparable'],
    invalid: ['disagree', 'disagree', 'agree', 'disagree', 'not-comparable'],
    undetermined: ['not-comparable', 'not-comparable', 'not-comparable', 'disagree', 'not-comparable'],
  };
  for (const [ours, row] of Object.entries(table) as [OurVerdict, string[]][]) {
    it(`ours ${ours}: ${row.join(' / ')}`, () => {
      assert.deepEqual(Object.values(sides).map((s) => compareVerdicts(ours, s).outcome), row);
    });
  }

  it('the sentence says which one says what', () => {
    assert.equal(compareVerdicts('satisfied', sides['not-satisfied']!).sentence, "csrl says satisfied, Apple's static check of the file says not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))");
    assert.equal(compareVerdicts('unsatisfied', sides['satisfied']!).sentence, "csrl says not satisfied, Apple's static check of the file says satisfied");
    assert.equal(compareVerdicts('invalid', sides['satisfied']!).sentence, "csrl says cannot be checked, Apple's static check of the file says satisfied");
    assert.match(compareVerdicts('satisfied', sides['requirement-rejected']!).sentence, /^csrl accepted the requirement but Apple's compiler rejected it \(errSecCSReqInvalid -67052/);
    assert.match(compareVerdicts('satisfied', sides['satisfied']!).sentence, /^csrl and Apple agree: csrl says satisfied, Apple's static check of the file says satisfied$/);
    assert.match(compareVerdicts('undetermined', sides['satisfied']!).sentence, /undetermined.*Apple's static check of the file says satisfied/);
    assert.equal(compareVerdicts('satisfied', sides['not-checked']!).sentence, 'Apple did not check: no Mac here');
    assert.equal(
      compareVerdicts('invalid', sides['not-satisfied']!).sentence,
      "csrl says the code cannot be checked (it is not validly signed), Apple's static check of the file found it validly signed and says only that the requirement is not satisfied (errSecCSReqFailed -67050: code failed to satisfy specified code requirement(s))",
    );
    assert.equal(
      compareVerdicts('unsatisfied', sides['code-invalid']!).sentence,
      "csrl says not satisfied because a clause fails on validly signed code, Apple's static check of the file says the code is not valid (errSecCSSignatureFailed -67061: invalid signature (code or signature have been modified))",
    );
    assert.match(compareVerdicts('invalid', sides['code-invalid']!).sentence, /^csrl and Apple agree: csrl says cannot be checked, Apple's static check of the file says not satisfied \(errSecCSSignatureFailed -67061/);
  });

  it('any refusal other than errSecCSReqFailed is a claim about validity (unsigned, nested code, resources)', () => {
    for (const status of [UNSIGNED, BAD_NESTED, BAD_RESOURCE]) {
      const side = appleSideOf(pathCheck(status));
      assert.equal(compareVerdicts('invalid', side).outcome, 'agree', status.name);
      assert.equal(compareVerdicts('unsatisfied', side).outcome, 'disagree', status.name);
      assert.equal(compareVerdicts('satisfied', side).outcome, 'disagree', status.name);
    }
  });

  it('Apple refusing without a status: whether it found the code valid is unknown', () => {
    const noStatus = appleSideOf({ supported: true, kind: 'path', satisfied: false });
    assert.equal(noStatus.verdict, 'not-satisfied');
    assert.equal(compareVerdicts('unsatisfied', noStatus).outcome, 'not-comparable');
    assert.equal(compareVerdicts('invalid', noStatus).outcome, 'not-comparable');
    assert.match(compareVerdicts('invalid', noStatus).sentence, /Apple gave no status/);
    assert.equal(compareVerdicts('satisfied', noStatus).outcome, 'disagree', 'not satisfied either way');
  });

  it('a process is compared through the static check of its file, not the live one', () => {
    assert.equal(compareVerdicts('satisfied', appleSideOf(processCheck(OK, REQ_FAILED))).outcome, 'disagree');
    assert.equal(compareVerdicts('unsatisfied', appleSideOf(processCheck(OK, REQ_FAILED))).outcome, 'agree');
    assert.equal(compareVerdicts('invalid', appleSideOf(processCheck(OK, REQ_FAILED))).outcome, 'disagree', 'the file on disk is valid to Apple');
    assert.equal(compareVerdicts('unsatisfied', appleSideOf(processCheck(REQ_FAILED, SIG_FAILED))).outcome, 'disagree', 'the file on disk is invalid to Apple');
    assert.equal(compareVerdicts('invalid', appleSideOf(processCheck(REQ_FAILED, SIG_FAILED))).outcome, 'agree');
    const live = appleSideOf({ supported: true, kind: 'process', satisfied: false, result: REQ_FAILED, pid: 1 });
    assert.match(compareVerdicts('satisfied', live).sentence, /Apple's check of the process says not satisfied/);
    assert.equal(compareVerdicts('satisfied', live).outcome, 'disagree');
  });

  it('only a live check from Apple: its validity verdict is about the process, not the file ours checked', () => {
    const liveInvalid = appleSideOf({ supported: true, kind: 'process', satisfied: false, result: GUEST_INVALID, pid: 1 });
    const liveValid = appleSideOf({ supported: true, kind: 'process', satisfied: false, result: REQ_FAILED, pid: 1 });
    assert.equal(compareVerdicts('unsatisfied', liveInvalid).outcome, 'not-comparable');
    assert.match(compareVerdicts('unsatisfied', liveInvalid).sentence, /Apple checked the live process, not the file csrl checked/);
    assert.equal(compareVerdicts('satisfied', liveInvalid).outcome, 'not-comparable');
    assert.equal(compareVerdicts('invalid', liveValid).outcome, 'not-comparable');
    assert.equal(compareVerdicts('invalid', liveInvalid).outcome, 'agree');
    assert.equal(compareVerdicts('unsatisfied', liveValid).outcome, 'agree');
  });

  it('ours covering one architecture: a failure Apple found elsewhere is not compared; Apple finding valid code ours calls invalid is', () => {
    const some = { someArchitectures: true };
    assert.equal(compareVerdicts('satisfied', sides['not-satisfied']!, some).outcome, 'not-comparable');
    assert.match(compareVerdicts('satisfied', sides['not-satisfied']!, some).sentence, /only the chosen architecture.*every architecture/);
    assert.equal(compareVerdicts('unsatisfied', sides['satisfied']!, some).outcome, 'disagree');
    assert.equal(compareVerdicts('unsatisfied', sides['code-invalid']!, some).outcome, 'not-comparable');
    assert.match(compareVerdicts('unsatisfied', sides['code-invalid']!, some).sentence, /^csrl checked only the chosen architecture: csrl says not satisfied, Apple's static check of the file says not satisfied \(errSecCSSignatureFailed -67061/);
    assert.equal(compareVerdicts('unsatisfied', sides['not-satisfied']!, some).outcome, 'agree');
    // errSecCSReqFailed means every slice Apple checked is valid, the chosen one included.
    assert.equal(compareVerdicts('invalid', sides['not-satisfied']!, some).outcome, 'disagree');
  });

  it('ours without page hashes: a signature failure Apple found is not a contradiction, a requirement failure is', () => {
    const skipped = { pagesSkipped: true };
    const sigFailed = appleSideOf(pathCheck(SIG_FAILED));
    assert.equal(compareVerdicts('satisfied', sigFailed, skipped).outcome, 'not-comparable');
    assert.match(compareVerdicts('satisfied', sigFailed, skipped).sentence, /did not hash the code pages.*errSecCSSignatureFailed -67061/);
    assert.equal(compareVerdicts('satisfied', sigFailed).outcome, 'disagree');
    assert.equal(compareVerdicts('satisfied', sides['not-satisfied']!, skipped).outcome, 'disagree');
    assert.equal(compareVerdicts('unsatisfied', sigFailed, skipped).outcome, 'not-comparable');
    assert.equal(compareVerdicts('unsatisfied', appleSideOf(pathCheck(BAD_NESTED)), skipped).outcome, 'not-comparable', 'nested code is a sealed resource ours did not hash');
    assert.equal(compareVerdicts('unsatisfied', sides['not-satisfied']!, skipped).outcome, 'agree');
    // Ours found the signature bad without even hashing pages; Apple, hashing them, found it valid.
    assert.equal(compareVerdicts('invalid', sides['not-satisfied']!, skipped).outcome, 'disagree');
  });

  it('withComparison attaches the comparison and sets disagreement only for a contradiction', () => {
    const bad = withComparison('satisfied', sides['not-satisfied']!);
    assert.equal(bad.comparison?.outcome, 'disagree');
    assert.equal(bad.disagreement, bad.comparison?.sentence);
    const good = withComparison('unsatisfied', bad);
    assert.equal(good.comparison?.outcome, 'agree');
    assert.equal(good.disagreement, undefined, 'a stale disagreement does not survive a new comparison');
    assert.equal(disagreementLine('x'), "!!! DISAGREEMENT: x. This is a bug in csrl or in Apple's check; do not rely on either verdict.");
  });
});

/**
 * Ours stopping at one of its limits. The CheckResults here are real: bundles
 * made by the test signer, read by the portable checker with small limits,
 * judged by `csrl check`'s checkReport; their slices are what `csrl check`
 * passes as CompareOptions.slices. Apple's side is still an input.
 */
describe('ours stopped at one of its limits: not compared on validity', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csrl-apple-verdict-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const apple = {
    satisfied: appleSideOf(pathCheck(OK)),
    reqFailed: appleSideOf(pathCheck(REQ_FAILED)),
    badNested: appleSideOf(pathCheck(BAD_NESTED)),
  };
  const SAME_ID = 'identifier "com.example.demo"';
  const OTHER_ID = 'identifier "com.example.other"';

  function requirement(text: string): Requirement {
    const r = parse(text, { mode: 'single' });
    assert.ok(r.document?.kind === 'requirement');
    return r.document;
  }

  /** An ad-hoc signed app with a nested helper and a nested framework of 30 small files. */
  async function app(): Promise<Bundle> {
    return makeBundle(await mkdtemp(join(dir, 'app-')), {
      name: 'Demo',
      identifier: 'com.example.demo',
      sign: { adhoc: true },
      resources: { 'Resources/a.txt': 'a', 'Resources/icon.png': filler(2000, 1) },
      populate: async (root) => {
        await writeFile(join(root, 'MacOS', 'helper'), signMachO(makeMachO({ code: filler(6000, 7) }), { identifier: 'com.example.helper', adhoc: true }));
        await makeBundle(join(root, 'Frameworks'), {
          name: 'Kit',
          extension: '.framework',
          layout: 'shallow',
          identifier: 'com.example.kit',
          sign: { adhoc: true },
          resources: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, 'x'.repeat(100)])),
        });
      },
    });
  }

  async function ours(bundle: Bundle, text: string, options: ReadOptions = {}): Promise<CheckResult> {
    return checkReport(await readCode(bundle.path, options), requirement(text), text, bundle.path);
  }

  const codes = (r: CheckResult) => r.slices.flatMap((s) => s.problems.map((p) => p.code));

  it('the pristine bundle within the default limits: satisfied, no limit, compared as usual', async () => {
    const r = await ours(await app(), SAME_ID);
    assert.equal(r.verdict, 'satisfied', JSON.stringify(r.slices));
    assert.equal(stoppedAtLimit(r.verdict, { slices: r.slices }), undefined);
    assert.equal(compareVerdicts(r.verdict, apple.badNested, { slices: r.slices }).outcome, 'disagree');
  });

  for (const [what, limits, code, message] of [
    ['more files than the file limit', { maxFiles: 5 }, 'resources-limit', /more than 5 files/],
    ['more bytes than the byte limit', { maxBytes: 1000 }, 'resources-limit', /more than the 1000-byte limit/],
    ['folders deeper than the depth limit (seal keys deeper than it are also refused)', { maxDepth: 0 }, 'resources-limit', /nested deeper than 0 (levels|folders)/],
  ] as const) {
    it(`${what}: ours invalid only because of the limit, whatever Apple says`, async () => {
      const r = await ours(await app(), SAME_ID, { resourceLimits: limits });
      assert.equal(r.verdict, 'invalid');
      assert.ok(codes(r).includes(code), JSON.stringify(codes(r)));
      const limit = stoppedAtLimit('invalid', { slices: r.slices });
      assert.match(limit ?? '', message);
      for (const side of Object.values(apple)) {
        const c = compareVerdicts('invalid', side, { slices: r.slices });
        assert.equal(c.outcome, 'not-comparable', c.sentence);
        assert.match(c.sentence, /^csrl stopped at one of its limits \(.*\), so it has no verdict on the code's validity; Apple's static check of the file says /);
      }
      // Without our slices the same verdicts are compared as before: the option is what makes the difference.
      assert.equal(compareVerdicts('invalid', apple.satisfied).outcome, 'disagree');
      const attached = withComparison('invalid', apple.satisfied, { slices: r.slices });
      assert.equal(attached.disagreement, undefined);
    });
  }

  it('nested code stopped at the shared byte budget is reported as the limit (resources-limit), quoting the nested problem', async () => {
    const r = await ours(await app(), SAME_ID, { resourceLimits: { maxBytes: 5000 } });
    assert.equal(r.verdict, 'invalid');
    assert.deepEqual(codes(r), ['resources-limit']);
    assert.match(r.slices[0]!.problems[0]!.message, /Kit\.framework: nested code .*was not checked to the end: .*\[resources-limit\]$/);
    assert.equal(compareVerdicts('invalid', apple.satisfied, { slices: r.slices }).outcome, 'not-comparable');
  });

  it("nested code's seal listing more entries than what is left of the shared file budget: reported as the limit", async () => {
    const r = await ours(await app(), SAME_ID, { resourceLimits: { maxFiles: 40 } });
    assert.equal(r.verdict, 'invalid');
    assert.deepEqual(codes(r), ['resources-limit']);
    assert.match(r.slices[0]!.problems[0]!.message, /Kit\.framework: nested code .*(more than the limit of \d+|\(the limit of files to verify\))/);
    assert.equal(compareVerdicts('invalid', apple.reqFailed, { slices: r.slices }).outcome, 'not-comparable');
    assert.equal(compareVerdicts('invalid', apple.satisfied, { slices: r.slices }).outcome, 'not-comparable');
  });

  it('a real error beside the limit: ours invalid stands, and contradicting Apple is a disagreement', async () => {
    const bundle = await app();
    const helper = join(bundle.resourceRoot, 'MacOS', 'helper');
    const bytes = await readFile(helper);
    bytes[5000] ^= 0xff;
    await writeFile(helper, bytes);
    const r = await ours(bundle, SAME_ID, { resourceLimits: { maxBytes: 5000 } });
    assert.equal(r.verdict, 'invalid');
    assert.match(r.slices[0]!.problems.map((p) => `${p.code}: ${p.message}`).join('\n'), /resource-nested-invalid: Contents\/MacOS\/helper: .*page-hash-mismatch/);
    assert.equal(stoppedAtLimit('invalid', { slices: r.slices }), undefined);
    assert.equal(compareVerdicts('invalid', apple.satisfied, { slices: r.slices }).outcome, 'disagree');
    assert.equal(compareVerdicts('invalid', apple.reqFailed, { slices: r.slices }).outcome, 'disagree');
    assert.equal(compareVerdicts('invalid', apple.badNested, { slices: r.slices }).outcome, 'agree');
  });

  it('a tampered nested helper (the --deep case): Apple valid would contradict ours, Apple errSecCSBadNestedCode agrees', async () => {
    const bundle = await app();
    const helper = join(bundle.resourceRoot, 'MacOS', 'helper');
    const bytes = await readFile(helper);
    bytes[5000] ^= 0xff;
    await writeFile(helper, bytes);
    const r = await ours(bundle, SAME_ID);
    assert.equal(r.verdict, 'invalid');
    assert.deepEqual(codes(r), ['resource-nested-invalid']);
    assert.equal(compareVerdicts('invalid', apple.badNested, { slices: r.slices }).outcome, 'agree');
    assert.equal(compareVerdicts('invalid', apple.satisfied, { slices: r.slices }).outcome, 'disagree');
    assert.equal(compareVerdicts('invalid', apple.reqFailed, { slices: r.slices }).outcome, 'disagree');
  });

  it('nested code past the nesting limit: ours stopped there, so Apple finding nested code invalid is not compared', async () => {
    const bundle = await app();
    const r = await ours(bundle, SAME_ID, { resourceLimits: { maxNesting: 0 } });
    assert.match(stoppedAtLimit(r.verdict, { slices: r.slices }) ?? '', /nested code more than 0 levels deep/);
    const c = compareVerdicts(r.verdict, apple.badNested, { slices: r.slices });
    assert.equal(c.outcome, 'not-comparable', c.sentence);
    assert.match(c.sentence, /^csrl stopped at one of its limits \(.*nested code more than 0 levels deep.*\).*[;,] Apple's static check of the file says not satisfied \(errSecCSBadNestedCode -67021/);
    // Within the nesting limit there is nothing to excuse: Apple finding nested code invalid contradicts a valid verdict.
    const full = await ours(bundle, OTHER_ID);
    assert.equal(full.verdict, 'unsatisfied');
    assert.equal(compareVerdicts('unsatisfied', apple.badNested, { slices: full.slices }).outcome, 'disagree');
  });

  it('a warning-level limit (nested code left unverified) beside a valid verdict: only what Apple found invalid is not compared', () => {
    const slices = [{ verdict: 'satisfied' as const, problems: [{ code: 'resource-nested-not-verified', severity: 'warning' as const, message: 'Contents/MacOS/helper: nested code more than 8 levels deep is not verified' }] }];
    const unsat = [{ ...slices[0]!, verdict: 'unsatisfied' as const }];
    const c = compareVerdicts('satisfied', apple.badNested, { slices });
    assert.equal(c.outcome, 'not-comparable');
    assert.match(c.sentence, /^csrl stopped at one of its limits \(Contents\/MacOS\/helper: nested code more than 8 levels deep is not verified\): csrl says satisfied, Apple's static check of the file says not satisfied \(errSecCSBadNestedCode -67021/);
    assert.equal(compareVerdicts('unsatisfied', apple.badNested, { slices: unsat }).outcome, 'not-comparable');
    // Apple finding the code valid is still compared.
    assert.equal(compareVerdicts('satisfied', apple.reqFailed, { slices }).outcome, 'disagree');
    assert.equal(compareVerdicts('unsatisfied', apple.satisfied, { slices: unsat }).outcome, 'disagree');
    assert.equal(compareVerdicts('unsatisfied', apple.reqFailed, { slices: unsat }).outcome, 'agree');
  });

  it('an invalid slice without any limit (unsigned) beside one stopped at a limit: ours invalid stands', () => {
    const slices = [
      { verdict: 'invalid' as const, problems: [] },
      { verdict: 'invalid' as const, problems: [{ code: 'resources-limit', severity: 'error' as const, message: 'the sealed resources were not fully verified: more than 5 files' }] },
    ];
    assert.equal(stoppedAtLimit('invalid', { slices }), undefined);
    assert.equal(compareVerdicts('invalid', apple.satisfied, { slices }).outcome, 'disagree');
    assert.equal(stoppedAtLimit('invalid', { slices: slices.slice(1) }), 'the sealed resources were not fully verified: more than 5 files');
  });

  it('code ours could not read: over a limit or without the --arch slice is not compared; not Mach-O is', async () => {
    const dirFile = join(dir, 'notes.txt');
    await writeFile(dirFile, 'not a binary\n');
    const notMacho = await readCode(dirFile).then(
      () => assert.fail('read'),
      (err: unknown) => err,
    );
    assert.ok(notMacho instanceof CodeReadError);
    assert.equal(notMacho.code, 'not-macho');
    assert.equal(compareVerdicts('invalid', apple.reqFailed, { readError: notMacho }).outcome, 'disagree');
    const bundle = await app();
    const noSlice = await readCode(bundle.path, { arch: 'arm64' }).then(
      () => assert.fail('read'),
      (err: unknown) => err,
    );
    assert.ok(noSlice instanceof CodeReadError);
    assert.equal(noSlice.code, 'arch-not-found');
    assert.equal(compareVerdicts('invalid', apple.satisfied, { someArchitectures: true, readError: noSlice }).outcome, 'not-comparable');
    // 'too-large' is our limit (load commands, Info.plist size); the error is built here, as readCode would throw it.
    const tooLarge = new CodeReadError('too-large', 'Tool: sizeofcmds 20000000 is over the 16777216-byte limit for load commands');
    const c = compareVerdicts('invalid', apple.satisfied, { readError: tooLarge });
    assert.equal(c.outcome, 'not-comparable');
    assert.match(c.sentence, /^csrl stopped at one of its limits \(Tool: sizeofcmds/);
  });
});

describe('when Apple can be asked', () => {
  it('only on macOS with the addon and its Security.framework backend', () => {
    assert.equal(whyAppleUnavailable({ available: true, backend: 'linux-proc', platform: 'linux' }), 'Security.framework exists only on macOS (this is linux)');
    assert.equal(whyAppleUnavailable({ available: false, reason: 'native addon not built', backend: 'none', platform: 'darwin' }), 'the native addon is not available: native addon not built');
    assert.equal(whyAppleUnavailable({ available: true, backend: 'none', platform: 'darwin' }), 'the native addon was built without its Security.framework backend');
    assert.equal(whyAppleUnavailable({ available: true, backend: 'security-framework', platform: 'darwin' }), undefined);
  });

  it('the real loader on this machine agrees with where it runs', async () => {
    const native = loadNative();
    const why = whyAppleUnavailable(native);
    if (process.platform === 'darwin' && native.backend === 'security-framework') {
      assert.equal(why, undefined);
    } else {
      assert.ok(why, 'a reason');
      if (process.platform !== 'darwin') assert.equal(why, `Security.framework exists only on macOS (this is ${process.platform})`);
      // The addon itself refuses Apple's check off the Mac; its reason becomes the side's.
      if (native.available) {
        const side = appleSideOf(await native.checkPath(process.execPath, 'anchor apple'));
        assert.equal(side.verdict, 'not-checked');
        assert.ok(side.error && side.error.length > 0, side.error);
      }
    }
  });
});
