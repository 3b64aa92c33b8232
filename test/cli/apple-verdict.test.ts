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
import { describe, it } from 'node:test';
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
  whyAppleUnavailable,
  withComparison,
  type AppleSide,
  type OurVerdict,
} from '../../native/apple-verdict.js';
import { loadNative, type AppleCheck, type AppleStatus } from '../../native/index.js';

const OK: AppleStatus = { status: 0, name: 'errSecSuccess', message: 'No error.' };
const REQ_FAILED: AppleStatus = { status: -67050, name: 'errSecCSReqFailed', message: 'code failed to satisfy specified code requirement(s)' };
const SIG_FAILED: AppleStatus = { status: -67061, name: 'errSecCSSignatureFailed', message: 'invalid signature (code or signature have been modified)' };
const REQ_INVALID: AppleStatus = { status: -67052, name: 'errSecCSReqInvalid', message: 'invalid or corrupted code requirement(s)', syntaxErrors: "line 1:7: unexpected token: foo" };

function pathCheck(result: AppleStatus): AppleCheck {
  return { supported: true, kind: 'path', satisfied: result.status === 0, result, path: '/Applications/Tool.app', flags: 'kSecCSCheckAllArchitectures | kSecCSStrictValidate' };
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
    'requirement-rejected': appleSideOf({ supported: true, kind: 'path', satisfied: false, requirementError: REQ_INVALID }),
    'not-checked': notChecked('no Mac here'),
  };
  // Rows: ours; columns: Apple satisfied, not satisfied, rejected the text, did not check.
  const table: Record<OurVerdict, [string, string, string, string]> = {
    satisfied: ['agree', 'disagree', 'disagree', 'not-comparable'],
    unsatisfied: ['disagree', 'agree', 'disagree', 'not-comparable'],
    invalid: ['disagree', 'agree', 'disagree', 'not-comparable'],
    undetermined: ['not-comparable', 'not-comparable', 'disagree', 'not-comparable'],
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
  });

  it('a process is compared through the static check of its file, not the live one', () => {
    assert.equal(compareVerdicts('satisfied', appleSideOf(processCheck(OK, REQ_FAILED))).outcome, 'disagree');
    assert.equal(compareVerdicts('unsatisfied', appleSideOf(processCheck(OK, REQ_FAILED))).outcome, 'agree');
    const live = appleSideOf({ supported: true, kind: 'process', satisfied: false, result: REQ_FAILED, pid: 1 });
    assert.match(compareVerdicts('satisfied', live).sentence, /Apple's check of the process says not satisfied/);
  });

  it('ours covering one architecture: only "Apple satisfied, ours not" contradicts', () => {
    const some = { someArchitectures: true };
    assert.equal(compareVerdicts('satisfied', sides['not-satisfied']!, some).outcome, 'not-comparable');
    assert.match(compareVerdicts('satisfied', sides['not-satisfied']!, some).sentence, /only the chosen architecture.*every architecture/);
    assert.equal(compareVerdicts('unsatisfied', sides['satisfied']!, some).outcome, 'disagree');
  });

  it('ours without page hashes: a signature failure Apple found is not a contradiction, a requirement failure is', () => {
    const skipped = { pagesSkipped: true };
    const sigFailed = appleSideOf(pathCheck(SIG_FAILED));
    assert.equal(compareVerdicts('satisfied', sigFailed, skipped).outcome, 'not-comparable');
    assert.match(compareVerdicts('satisfied', sigFailed, skipped).sentence, /did not hash the code pages.*errSecCSSignatureFailed -67061/);
    assert.equal(compareVerdicts('satisfied', sigFailed).outcome, 'disagree');
    assert.equal(compareVerdicts('satisfied', sides['not-satisfied']!, skipped).outcome, 'disagree');
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
