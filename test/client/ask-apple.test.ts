/**
 * client/check-entry.ts askApple: what the extension's results view gets as
 * Apple's side, with the real native addon of this machine. Here (Linux)
 * Apple cannot be asked and the answer says why; on macOS (the macOS
 * workflow) Apple's real verdict on a Developer ID fixture comes back,
 * compared with ours through the same shared code as `csrl check`.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { askApple, checkPath, parse } from '../../client/check-entry.js';
import { loadNative } from '../../native/index.js';
import { fixture } from '../support/fixtures.js';

const SENTRY_TEAM = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "97JCY7859U"';

function requirement(text: string) {
  const r = parse(text, { mode: 'single' });
  assert.ok(r.document && r.document.kind === 'requirement');
  return r.document;
}

describe("the extension's Apple side (askApple) with this machine's addon", () => {
  const native = loadNative();
  const macos = process.platform === 'darwin' && native.backend === 'security-framework';

  it(macos ? "macOS: Apple's verdict on the fixture agrees with ours" : `${process.platform}: not asked, saying why`, async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const ours = await checkPath(requirement(SENTRY_TEAM), SENTRY_TEAM, file, { verifyPages: false });
    assert.equal(ours.verdict, 'satisfied');
    const answer = await askApple({ path: file }, SENTRY_TEAM, ours.verdict, { pagesSkipped: true });
    if (macos) {
      assert.ok('side' in answer, JSON.stringify(answer));
      assert.equal(answer.side.verdict, 'satisfied', JSON.stringify(answer.side));
      assert.equal(answer.side.comparison?.outcome, 'agree');
      assert.equal(answer.side.disagreement, undefined);
    } else {
      assert.ok('notAsked' in answer, JSON.stringify(answer));
      if (process.platform === 'darwin') assert.match(answer.notAsked, /native addon/);
      else assert.equal(answer.notAsked, `Security.framework exists only on macOS (this is ${process.platform})`);
    }
  });

  it(macos ? 'macOS: a process check of this Node process (not a Developer ID team) is not satisfied, live and on disk' : `${process.platform}: a process is not asked either`, async () => {
    const answer = await askApple({ pid: process.pid }, 'certificate leaf[subject.OU] = "ABCDE12345"', 'unsatisfied');
    if (macos) {
      assert.ok('side' in answer, JSON.stringify(answer));
      assert.equal(answer.side.kind, 'process');
      assert.equal(answer.side.verdict, 'not-satisfied');
      assert.equal(answer.side.comparison?.outcome, 'agree');
    } else {
      assert.ok('notAsked' in answer);
    }
  });
});
