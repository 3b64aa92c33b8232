/**
 * client/check-entry.ts testRequirement: what the extension's results view
 * gets as Apple's side (computed by the engine), with the real native addon
 * of this machine. Here (Linux)
 * Apple cannot be asked and the answer says why; on macOS (the macOS
 * workflow) Apple's real verdict on a Developer ID fixture comes back,
 * compared with ours through the same shared code as `csrl check`.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, testRequirement } from '../../client/check-entry.js';
import { loadNative } from '../../native/index.js';
import { fixture } from '../support/fixtures.js';
import { filler, makeBundle, makeMachO, signMachO } from '../signer/index.js';

const SENTRY_TEAM = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "97JCY7859U"';

function requirement(text: string) {
  const r = parse(text, { mode: 'single' });
  assert.ok(r.document && r.document.kind === 'requirement');
  return r.document;
}

describe("the extension's Apple side (testRequirement, csrl.validator = security-framework) with this machine's addon", () => {
  const native = loadNative();
  const macos = process.platform === 'darwin' && native.backend === 'security-framework';

  it(macos ? "macOS: Apple's verdict on the fixture agrees with ours" : `${process.platform}: not asked, saying why`, async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const ours = await testRequirement(requirement(SENTRY_TEAM), SENTRY_TEAM, { path: file }, { verifyPages: false, validator: 'security-framework' });
    assert.equal(ours.verdict, 'satisfied');
    const side = ours.apple;
    assert.ok(side, 'an Apple side, asked for explicitly');
    if (macos) {
      assert.equal(side.verdict, 'satisfied', JSON.stringify(side));
      assert.equal(side.comparison?.outcome, 'agree');
      assert.equal(side.disagreement, undefined);
    } else {
      assert.equal(side.notAsked, true, JSON.stringify(side));
      if (process.platform === 'darwin') assert.match(side.error ?? '', /native addon/);
      else assert.equal(side.error, `Security.framework exists only on macOS (this is ${process.platform})`);
    }
    const auto = await testRequirement(requirement(SENTRY_TEAM), SENTRY_TEAM, { path: file }, { verifyPages: false });
    if (!macos && process.platform !== 'darwin') assert.equal(auto.apple, undefined, 'csrl.validator auto never mentions Apple off the Mac');
  });

  it(macos ? 'macOS: a process check of this Node process (not a Developer ID team) is not satisfied, live and on disk' : `${process.platform}: a process is not asked either`, async () => {
    const text = 'certificate leaf[subject.OU] = "ABCDE12345"';
    if (macos) {
      const result = await testRequirement(requirement(text), text, { pid: process.pid }, { validator: 'security-framework' });
      assert.equal(result.apple?.kind, 'process', JSON.stringify(result.apple));
      assert.equal(result.apple?.verdict, 'not-satisfied');
      assert.equal(result.apple?.comparison?.outcome, 'agree');
    } else {
      // Node here is an ELF: ours cannot check it, and no Apple side is made up for it.
      await assert.rejects(testRequirement(requirement(text), text, { pid: process.pid }, { validator: 'security-framework' }), (err: Error) => err.name === 'UserError' && /a Linux \(ELF\) executable or library; it carries no Apple code signature/.test(err.message));
    }
  });

  // The review's case for kSecCSCheckNestedCode: without it Apple only does a basic check of nested
  // code and would call this bundle valid (status 0 or errSecCSReqFailed), contradicting ours.
  it(macos ? 'macOS: a bundle whose nested helper changed after signing: Apple (--deep) refuses it as ours does' : `${process.platform}: a tampered nested helper is invalid to ours; Apple is not asked`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csrl-ask-apple-'));
    try {
      const bundle = await makeBundle(dir, {
        name: 'Demo',
        identifier: 'com.example.demo',
        sign: { adhoc: true },
        resources: { 'Resources/a.txt': 'a' },
        populate: async (root) => writeFile(join(root, 'MacOS', 'helper'), signMachO(makeMachO({ code: filler(6000, 7) }), { identifier: 'com.example.helper', adhoc: true })),
      });
      const helper = join(bundle.resourceRoot, 'MacOS', 'helper');
      const bytes = await readFile(helper);
      bytes[5000] ^= 0xff;
      await writeFile(helper, bytes);
      const text = 'identifier "com.example.demo"';
      const ours = await testRequirement(requirement(text), text, { path: bundle.path }, { validator: 'security-framework' });
      assert.equal(ours.verdict, 'invalid');
      assert.deepEqual(ours.slices.flatMap((s) => s.problems.map((p) => p.code)), ['resource-nested-invalid']);
      const side = ours.apple;
      assert.ok(side);
      if (macos) {
        assert.equal(side.verdict, 'not-satisfied', JSON.stringify(side));
        const status = side.result?.status;
        assert.ok(status !== undefined && status !== 0 && status !== -67050, `Apple must find the code invalid, not only the requirement failing: ${JSON.stringify(side.result)}`);
        assert.equal(side.comparison?.outcome, 'agree', side.comparison?.sentence);
      } else {
        assert.equal(side.notAsked, true, JSON.stringify(side));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
