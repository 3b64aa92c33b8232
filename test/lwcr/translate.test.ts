/** Classic ↔ LWCR translation (spec §6): same meaning or a refusal per clause with a reason. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Requirement } from '../../grammar/ast.js';
import { parse } from '../../grammar/parser.js';
import { analyse, canonical, classicToLwcr, lwcrToClassic, parseLwcrJson, printLwcrJson } from '../../lwcr/index.js';

function req(text: string): Requirement {
  const r = parse(text);
  assert.ok(r.document?.kind === 'requirement' && !r.diagnostics.some((d) => d.severity === 'error'), text);
  return r.document;
}
const toLwcr = (t: string) => {
  const r = classicToLwcr(req(t));
  return { json: r.lwcr ? printLwcrJson(canonical(r.lwcr)).replace(/\n\s*/g, ' ') : undefined, notes: r.notes };
};
const toClassic = (json: string) => lwcrToClassic(analyse(parseLwcrJson(json)).tree!);

const SENTRY_DR = 'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"';

describe('classic → LWCR', () => {
  it('the Developer ID designated requirement of the sentry fixture: identifier, category 6, team (exact, no notes)', () => {
    const r = toLwcr(SENTRY_DR);
    assert.equal(r.json, '{ "signing-identifier": "sentry-cli-Darwin-universal", "team-identifier": "97JCY7859U", "validation-category": 6 }');
    assert.deepEqual(r.notes, []);
  });

  it('identifier/cdhash disjunctions become $in; platform is exact', () => {
    assert.equal(toLwcr('identifier a or identifier b').json, '{ "signing-identifier": { "$in": ["a", "b"] } }');
    assert.equal(toLwcr('cdhash H"0123456789abcdef0123456789abcdef01234567" or cdhash H"89abcdef0123456789abcdef0123456789abcdef"').json, '{ "cdhash": { "$in": [{"$data": "0123456789abcdef0123456789abcdef01234567"}, {"$data": "89abcdef0123456789abcdef0123456789abcdef"}] } }');
    assert.equal(toLwcr('platform 2').json, '{ "platform-identifier": 2 }');
  });

  it('approximate forms are translated with a note: anchor apple, team without markers, entitlement exists', () => {
    const a = toLwcr('anchor apple');
    assert.equal(a.json, '{ "validation-category": 1 }');
    assert.equal(a.notes[0]!.kind, 'approximate');
    const t = toLwcr('anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"');
    assert.equal(t.json, '{ "team-identifier": "ABCDE12345", "validation-category": { "$in": [2, 3, 4, 5, 6] } }');
    assert.equal(toLwcr('entitlement["com.apple.security.app-sandbox"] exists').notes[0]!.kind, 'approximate');
    assert.equal(toLwcr('entitlement["k"] = "v"').json, '{ "entitlements": { "$query": [ [1, "k"], [6, "v"] ] } }');
  });

  it('two entitlement clauses repeat a fact: they go into an $and-array, which validates', () => {
    const r = classicToLwcr(req('entitlement["a"] exists and entitlement["b"] exists'));
    assert.ok(r.lwcr);
    assert.deepEqual(analyse(r.lwcr).diagnostics.filter((d) => d.severity === 'error'), []);
    assert.match(printLwcrJson(r.lwcr), /\$and-array/);
  });

  it('refuses per clause with a reason: info, negation, certificate pins, notarized, always; nothing partial is returned', () => {
    for (const [t, re] of [
      ['identifier a and info[CFBundleVersion] >= "1"', /Info\.plist/],
      ['! identifier a', /negation/],
      ['certificate leaf = H"0123456789abcdef0123456789abcdef01234567"', /certificates/],
      ['identifier a and notarized', /notarized/],
      ['always', /always/],
      ['anchor apple generic and certificate leaf[subject.CN] = "x"', /certificate/],
    ] as const) {
      const r = toLwcr(t);
      assert.equal(r.json, undefined, t);
      assert.match(r.notes.find((n) => n.kind === 'refused')!.reason, re, t);
    }
  });
});

describe('LWCR → classic', () => {
  it('default designated forms read back as classic text that parses', () => {
    const r = toClassic('{"validation-category": 6, "signing-identifier": "com.example.tool", "team-identifier": "ABCDE12345"}');
    assert.ok(r.text);
    assert.match(r.text, /identifier "com\.example\.tool"/);
    assert.match(r.text, /certificate 1\[field\.1\.2\.840\.113635\.100\.6\.2\.6\]/);
    assert.match(r.text, /certificate leaf\[subject\.OU\] = "ABCDE12345"/);
    req(r.text);
  });

  it('classic → LWCR → classic → LWCR is stable for the Developer ID form', () => {
    const once = classicToLwcr(req(SENTRY_DR)).lwcr!;
    const back = lwcrToClassic(analyse(once).tree!).text!;
    assert.equal(printLwcrJson(canonical(classicToLwcr(req(back)).lwcr!)), printLwcrJson(canonical(once)));
  });

  it('$in, cdhash, platform, $or, entitlements $query', () => {
    assert.equal(toClassic('{"signing-identifier": {"$in": ["a", "b"]}}').text, '(identifier "a" or identifier "b")');
    assert.equal(toClassic('{"cdhash": {"$data": "0123456789abcdef0123456789abcdef01234567"}}').text, 'cdhash H"0123456789abcdef0123456789abcdef01234567"');
    assert.equal(toClassic('{"$or": {"platform-identifier": 2, "signing-identifier": "x"}}').text, '(platform 2 or identifier "x")');
    assert.equal(toClassic('{"entitlements": {"$query": [[1, "k"], [6, "v"]]}}').text, 'entitlement["k"] = "v"');
  });

  it('refuses: category 10, runtime facts, $optional, $lt, $flag-check, info-plist-hash, nested $query', () => {
    for (const [t, re] of [
      ['{"validation-category": 10}', /category 10/],
      ['{"launch-type": 3}', /no classic equivalent/],
      ['{"$optional": {"signing-identifier": "a"}}', /\$optional/],
      ['{"platform-identifier": {"$lt": 3}}', /\$lt/],
      ['{"code-signing-flags": {"$flag-check": 2}}', /no classic/],
      ['{"info-plist-hash": {"$data": "00"}}', /no classic/],
      ['{"entitlements": {"$query": [[1, "a"], [1, "b"]]}}', /op 1 has no classic/],
    ] as const) {
      const r = toClassic(t);
      assert.equal(r.text, undefined, t);
      assert.match(r.notes.find((n) => n.kind === 'refused')!.reason, re, t);
    }
  });
});
