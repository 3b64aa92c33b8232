/**
 * The LWCR lint rules (CSR113–CSR116) on the host forms that hold LWCR:
 * launchd `SpawnConstraint`, launch-constraint plists and JSON. Each rule:
 * fires (with its position in the host file) and stays quiet.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeHostDocument } from '../../language-service/analysis/analyze.js';
import { findLwcr, looksLikeRequirements } from '../../language-service/embedded/lwcr.js';

/** 1-based line and column of the first `needle`. */
function at(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not found`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

function codes(text: string, languageId: string, code: string) {
  return analyzeHostDocument(text, languageId).diagnostics.filter((d) => d.code === code);
}

/** A launchd plist with `inner` (plist XML) as its SpawnConstraint. */
const launchd = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>Label</key>\n\t<string>com.example.helper</string>\n\t<key>SpawnConstraint</key>\n\t<dict>\n${inner}\n\t</dict>\n</dict>\n</plist>\n`;
/** A launch-constraint plist (codesign --launch-constraint-* input). */
const constraintPlist = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n${inner}\n</dict>\n</plist>\n`;
const kv = (k: string, v: string) => `\t\t<key>${k}</key>\n\t\t${v}`;
const str = (s: string) => `<string>${s}</string>`;
const int = (n: number) => `<integer>${n}</integer>`;

function assertAt(text: string, languageId: string, code: string, needle: string): void {
  const found = codes(text, languageId, code);
  assert.equal(found.length, 1, `${code} in ${text}: ${JSON.stringify(found)}`);
  const want = at(text, needle);
  assert.deepEqual({ line: found[0]!.range.start.line, column: found[0]!.range.start.column }, want);
}

describe('recognising LWCR in host files', () => {
  it('launchd SpawnConstraint, launch-constraint plists, *.lwcr.json (lwcr-json) and JSON that looks like requirements', () => {
    assert.equal(findLwcr(launchd(kv('launch-type', int(1))), 'plist').found[0]?.source, 'spawn-constraint');
    assert.equal(findLwcr(launchd(kv('launch-type', int(1))), 'plist').found[0]?.context, 'launch');
    assert.equal(findLwcr(constraintPlist(kv('team-identifier', str('ABCDE12345'))), 'plist').found[0]?.source, 'constraint-plist');
    assert.equal(findLwcr('{"signing-identifier": "a", "team-identifer": "T"}', 'json').found.length, 1, 'a typo still counts');
    assert.equal(findLwcr('{"name": "x", "version": "1", "cdhash": 1}', 'json').found.length, 0, 'package.json-like keys do not');
    assert.equal(findLwcr(constraintPlist(kv('CFBundleIdentifier', str('x'))), 'plist').found.length, 0, 'Info.plist does not');
    assert.equal(findLwcr('{"anything": 1}', 'lwcr-json').found.length, 1, '*.lwcr.json always counts');
    assert.ok(findLwcr('{"team-identifier": ', 'lwcr-json').syntaxError);
    assert.equal(findLwcr('{"team-identifier": ', 'json').syntaxError, undefined, 'broken JSON elsewhere is not our business');
    assert.equal(looksLikeRequirements({ kind: 'dict', entries: [], range: undefined as never }), false);
  });

  it('a launchd plist that does not read whole (a <real> elsewhere) still has its SpawnConstraint read in place', () => {
    const text = launchd(kv('signing-identifier', str('com.example.helper'))).replace('<key>Label</key>', '<key>Nice</key><real>1.5</real><key>Label</key>');
    assert.equal(findLwcr(text, 'plist').found.length, 1);
    assertAt(text, 'plist', 'CSR113', '<key>signing-identifier</key>');
  });
});

describe('CSR113 launch-constraint-signing-identifier on LWCR', () => {
  it('fires on signing-identifier alone (SpawnConstraint, constraint plist, JSON), at the key', () => {
    assertAt(launchd(kv('signing-identifier', str('com.example.helper'))), 'plist', 'CSR113', '<key>signing-identifier</key>');
    assertAt(constraintPlist(kv('signing-identifier', str('com.example.helper'))), 'plist', 'CSR113', '<key>signing-identifier</key>');
    const json = '{\n  "signing-identifier": "com.example.helper",\n  "launch-type": 1\n}';
    assertAt(json, 'json', 'CSR113', '"signing-identifier"');
  });

  it('judges $or branches: a team in another branch does not help', () => {
    const json = '{"$or": {"signing-identifier": "com.example.a", "team-identifier": "ABCDE12345"}}';
    assertAt(json, 'json', 'CSR113', '"signing-identifier"');
  });

  it('stays quiet with team-identifier, validation-category or cdhash in the branch', () => {
    assert.equal(codes(launchd(`${kv('signing-identifier', str('a'))}\n${kv('team-identifier', str('ABCDE12345'))}`), 'plist', 'CSR113').length, 0);
    assert.equal(codes('{"signing-identifier": "a", "validation-category": 6}', 'json', 'CSR113').length, 0);
    assert.equal(codes('{"signing-identifier": "a", "cdhash": {"$data": "00112233445566778899aabbccddeeff00112233"}}', 'json', 'CSR113').length, 0);
    assert.equal(codes('{"$and": {"signing-identifier": "a"}, "team-identifier": "T", "validation-category": 6}', 'json', 'CSR113').length, 0);
  });
});

describe('CSR114 lwcr-team-without-category', () => {
  it('fires on team-identifier without an Apple-issued validation-category, at the key', () => {
    assertAt(launchd(`${kv('signing-identifier', str('a'))}\n${kv('team-identifier', str('ABCDE12345'))}`), 'plist', 'CSR114', '<key>team-identifier</key>');
    assertAt('{\n  "team-identifier": "ABCDE12345"\n}', 'json', 'CSR114', '"team-identifier"');
    assertAt('{"team-identifier": "ABCDE12345", "validation-category": {"$in": [6, 10]}}', 'json', 'CSR114', '"team-identifier"');
  });

  it('stays quiet with validation-category 6 or {$in: [4, 6]}, with a cdhash, or without a team', () => {
    assert.equal(codes(constraintPlist(`${kv('team-identifier', str('ABCDE12345'))}\n${kv('validation-category', int(6))}`), 'plist', 'CSR114').length, 0);
    assert.equal(codes('{"team-identifier": "T", "validation-category": {"$in": [4, 6]}}', 'json', 'CSR114').length, 0);
    assert.equal(codes('{"team-identifier": "T", "cdhash": {"$data": "00112233445566778899aabbccddeeff00112233"}}', 'json', 'CSR114').length, 0);
    assert.equal(codes('{"launch-type": 1}', 'json', 'CSR114').length, 0);
  });
});

describe('CSR115 lwcr-vacuous-optional', () => {
  it('fires when every top-level check is an $optional that can be ignored, at the $optional', () => {
    const json = '{\n  "$optional": {"team-identifier": "ABCDE12345"}\n}';
    assertAt(json, 'json', 'CSR115', '"$optional"');
    assertAt(launchd(kv('$optional', `<dict><key>team-identifier</key>${str('ABCDE12345')}</dict>`)), 'plist', 'CSR115', '<key>$optional</key>');
  });

  it('stays quiet with a required fact next to it, for always-defined facts, and under $or', () => {
    assert.equal(codes('{"$optional": {"team-identifier": "T"}, "signing-identifier": "a", "validation-category": 6}', 'json', 'CSR115').length, 0);
    assert.equal(codes('{"$optional": {"signing-identifier": "a"}}', 'json', 'CSR115').length, 0);
    assert.equal(codes('{"$or": {"$optional": {"team-identifier": "T"}, "cdhash": {"$data": "00112233445566778899aabbccddeeff00112233"}}}', 'json', 'CSR115').length, 0);
  });
});

describe('CSR116 lwcr-development-category', () => {
  it('fires on development, TestFlight or category 10, literal, $in or ordering, at the key', () => {
    assertAt(launchd(`${kv('team-identifier', str('T'))}\n${kv('validation-category', int(3))}`), 'plist', 'CSR116', '<key>validation-category</key>');
    assertAt('{"validation-category": {"$in": [6, 10]}}', 'json', 'CSR116', '"validation-category"');
    assertAt('{"validation-category": {"$gte": 6}}', 'json', 'CSR116', '"validation-category"');
    assert.match(codes('{"validation-category": 10}', 'json', 'CSR116')[0]!.message, /ad-hoc/);
  });

  it('stays quiet for production categories', () => {
    assert.equal(codes('{"validation-category": {"$in": [4, 6]}}', 'json', 'CSR116').length, 0);
    assert.equal(codes(constraintPlist(kv('validation-category', int(6))), 'plist', 'CSR116').length, 0);
  });
});

describe('$or over an active fact', () => {
  it('is LW031 (validation), not a lint rule: no CSR finding duplicates it', () => {
    const json = '{"launch-type": {"$or": {"a": 1}}, "team-identifier": "T", "validation-category": 6}';
    const host = analyzeHostDocument(json, 'json').diagnostics;
    assert.deepEqual(host.filter((d) => String(d.code).startsWith('CSR')), []);
    assert.ok(host.some((d) => String(d.code) === 'LW031'), 'the host analysis reports the validation error itself');
    assert.ok(findLwcr(json, 'json').found[0]!.analysis.diagnostics.some((d) => d.code === 'LW031'));
  });
});
