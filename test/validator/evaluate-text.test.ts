/**
 * The evaluator fed by the parser and the blob decoder: real requirement
 * strings from Apple's sources (spec §6.2, §6.3), source ranges in the
 * result tree, and flagged unknown opcodes decoded from blobs (§5.9).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Requirement } from '../../grammar/ast.js';
import { fromHex } from '../../grammar/bytes.js';
import { decompile } from '../../grammar/codec/decode.js';
import { parse } from '../../grammar/parser.js';
import { evaluate } from '../../validator/evaluate/evaluate.js';
import { cert, developerIdChain, developerIdFacts, DEVID_APP_LEAF, appleRoot, utf8StringDer, WWDR_MARKER, facts } from './evaluate-ast.js';

function req(text: string): Requirement {
  const r = parse(text, { mode: 'single' });
  assert.ok(r.ok && r.document?.kind === 'requirement', `parses: ${text}: ${JSON.stringify(r.diagnostics)}`);
  return r.document;
}

const DATE_OID = '1.2.840.113635.100.6.1.33';
const devIdWithDate = (date: string) => developerIdFacts({ certificates: developerIdChain('ABCDE12345', { extensionValues: { [DATE_OID]: utf8StringDer(date) } }) });

describe('requirement strings from Apple\'s sources (§6.2)', () => {
  const DEVID_POLICY = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.6.1.13] exists';
  const LEGACY_DATE =
    'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.6.1.13] exists and (certificate leaf[timestamp.1.2.840.113635.100.6.1.33] absent or certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z")';
  const NEW_DATE =
    'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.6.1.13] exists and (certificate leaf[timestamp.1.2.840.113635.100.6.1.33] exists and certificate leaf[timestamp.1.2.840.113635.100.6.1.33] >= timestamp "20190408000000Z")';
  const DEVELOPMENT = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and (certificate leaf[field.1.2.840.113635.100.6.1.2] or certificate leaf[field.1.2.840.113635.100.6.1.12])';
  const MAS = 'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] exists';
  const XCODE = 'anchor apple generic and identifier "com.example.app" and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ABCDE12345)';

  const development = facts({
    certificates: [cert({ subject: [['CN', 'Apple Development: J'], ['OU', 'ABCDE12345']], extensions: ['1.2.840.113635.100.6.1.12'] }), cert({ extensions: [WWDR_MARKER] }), appleRoot()],
  });
  const cases: [string, string, ReturnType<typeof facts>, string][] = [
    ['Developer ID policy, Developer ID code', DEVID_POLICY, developerIdFacts(), 'true'],
    ['Developer ID policy, development code', DEVID_POLICY, development, 'false'],
    ['Development policy, development code', DEVELOPMENT, development, 'true'],
    ['Development policy, Developer ID code', DEVELOPMENT, developerIdFacts(), 'false'],
    ['Mac App Store rule, Developer ID code', MAS, developerIdFacts(), 'false'],
    ['legacy-date rule, leaf without a date (absent)', LEGACY_DATE, developerIdFacts(), 'true'],
    ['legacy-date rule, account created 2018', LEGACY_DATE, devIdWithDate('20180101000000Z'), 'true'],
    ['legacy-date rule, account created 2023', LEGACY_DATE, devIdWithDate('20231213000000Z'), 'false'],
    ['new-date rule, account created 2023', NEW_DATE, devIdWithDate('20231213000000Z'), 'true'],
    ['new-date rule, account created exactly at the cutoff', NEW_DATE, devIdWithDate('20190408000000Z'), 'true'],
    ['new-date rule, leaf without a date', NEW_DATE, developerIdFacts(), 'false'],
    ['Xcode-style DR, Developer ID code of that team', XCODE, developerIdFacts(), 'true'],
    ['Xcode-style DR, another team', XCODE, developerIdFacts({ certificates: developerIdChain('ZZZZZ99999') }), 'false'],
    ['Xcode-style DR, another identifier', XCODE, developerIdFacts({ codeDirectories: [{ ...developerIdFacts().codeDirectories[0]!, identifier: 'com.example.other' }] }), 'false'],
  ];
  for (const [name, text, f, want] of cases) {
    it(`${name}: ${want}`, () => assert.equal(evaluate(req(text), f).verdict, want));
  }
  it('Mac App Store leaf satisfies the Xcode-style DR through its first alternative', () => {
    const mas = facts({ certificates: [cert({ extensions: ['1.2.840.113635.100.6.1.9'] }), cert(), appleRoot()] });
    const XCODE_MAS = 'anchor apple generic and identifier "com.example.app" and (certificate leaf[field.1.2.840.113635.100.6.1.9] or certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[subject.OU] = ABCDE12345)';
    const n = evaluate(req(XCODE_MAS), mas);
    assert.equal(n.verdict, 'true');
  });
  it('the Developer ID leaf marker of the brief exists on the leaf', () => {
    assert.equal(evaluate(req(`certificate leaf[field.${DEVID_APP_LEAF}]`), developerIdFacts()).verdict, 'true');
  });
});

describe('source ranges', () => {
  it('each node carries the range of its text', () => {
    const text = 'anchor apple generic and certificate leaf[subject.OU] = "ZZZZZ99999"';
    const n = evaluate(req(text), developerIdFacts());
    const [left, right] = n.children;
    assert.equal(text.slice(left!.range.start.offset, left!.range.end.offset), 'anchor apple generic');
    assert.equal(text.slice(right!.range.start.offset, right!.range.end.offset), 'certificate leaf[subject.OU] = "ZZZZZ99999"');
    assert.equal(right!.range.start.column, 26);
    assert.equal(right!.verdict, 'false');
  });
  it('nodes decoded from a blob point at byte offsets', () => {
    // `identifier "com.apple.Safari" and anchor apple` (spec §7.4)
    const doc = decompile(fromHex('fade0c000000002c00000001000000060000000200000010636f6d2e6170706c652e53616661726900000003'));
    assert.equal(doc.kind, 'requirement');
    const n = evaluate(doc as Requirement, developerIdFacts());
    assert.equal(n.children[1]!.kind, 'anchorApple');
    assert.equal(n.children[1]!.range.start.offset, 40);
    assert.equal(n.verdict, 'false');
  });
});

describe('flagged unknown opcodes decoded from blobs (§5.9)', () => {
  it('opGenericSkip: skips the payload and takes the next expression\'s value', () => {
    // 0x40000063 (op 99, skip), size 2, 2 payload bytes (unaligned), then opTrue.
    const doc = decompile(fromHex('fade0c000000001a00000001' + '40000063' + '00000002' + 'abcd' + '00000001')) as Requirement;
    const n = evaluate(doc, developerIdFacts());
    assert.equal(n.kind, 'unknownOp');
    assert.equal(n.verdict, 'true');
    assert.equal(n.children[0]!.kind, 'const');
  });
  it('opGenericSkip before never is false', () => {
    const doc = decompile(fromHex('fade0c000000001a00000001' + '40000063' + '00000002' + 'abcd' + '00000000')) as Requirement;
    assert.equal(evaluate(doc, developerIdFacts()).verdict, 'false');
  });
  it('opGenericFalse: false, and the program goes on after its payload', () => {
    // or(opGenericFalse op 99 with 1 payload byte, always)
    const doc = decompile(fromHex('fade0c000000001d00000001' + '00000007' + '80000063' + '00000001' + 'ff' + '00000001')) as Requirement;
    const n = evaluate(doc, developerIdFacts());
    assert.deepEqual(n.children.map((c) => c.verdict), ['false', 'true']);
    assert.equal(n.verdict, 'true');
  });
  it('a known opcode with a flag bit runs normally', () => {
    const doc = decompile(fromHex('fade0c00000000100000000180000001')) as Requirement;
    assert.equal(evaluate(doc, developerIdFacts()).verdict, 'true');
  });
});
