import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CertSlot, Expr, Match, RequirementSet, Value } from '../../grammar/ast.js';
import { NO_RANGE } from '../../grammar/ast.js';
import { fromHex } from '../../grammar/bytes.js';
import { encodeOid } from '../../grammar/oid.js';
import { printApple } from '../../grammar/print/apple.js';
import { canonicalProblems, printCanonical } from '../../grammar/print/canonical.js';
import { appleValue, classifyAppleValue } from '../../grammar/print/values.js';

const R = NO_RANGE;
const enc = new TextEncoder();

function val(text: string | Uint8Array, form: Value['form'] = 'binary'): Value {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  return { range: R, bytes, text: typeof text === 'string' ? text : '', form };
}
const slot = (index: number, spelling: CertSlot['spelling'] = index === 0 ? 'leaf' : index === -1 ? 'root' : 'number'): CertSlot => ({ range: R, index, spelling });
const anchorApple: Expr = { kind: 'anchorApple', range: R };
const always: Expr = { kind: 'const', value: true, range: R };
const never: Expr = { kind: 'const', value: false, range: R };
const and = (left: Expr, right: Expr): Expr => ({ kind: 'and', left, right, range: R });
const or = (left: Expr, right: Expr): Expr => ({ kind: 'or', left, right, range: R });
const not = (operand: Expr): Expr => ({ kind: 'not', operand, range: R });
const info = (key: Value, match: Match): Expr => ({ kind: 'info', key, match, range: R });
const eq = (value: Value): Match => ({ op: 'equal', value, range: R });

describe('Apple value printer (reqdumper Dumper::data)', () => {
  const cases: Array<[string | Uint8Array, boolean, string]> = [
    ['ABCDE12345', false, 'ABCDE12345'],
    ['97JCY7859U', false, '"97JCY7859U"'], // a leading digit forces quotes
    ['com.apple.Safari', false, '"com.apple.Safari"'], // no dots in values
    ['com.apple.Safari', true, 'com.apple.Safari'], // dots fine in keys
    ['.x', true, '.x'], // prints bare although it does not re-lex (spec §8.3)
    ['exists', true, '"exists"'], // keywords are quoted
    ['Exists', true, 'Exists'], // keywords are case-sensitive
    ['', false, '""'],
    ['a"b\\c', false, '"a\\"b\\\\c"'],
    ['tab\there', false, '"tab\there"'],
    ['caf\u00e9', false, '0x636166c3a9'], // any byte >= 0x80 makes it binary
    [Uint8Array.of(0x41, 0x01), false, '0x4101'],
    ['sentry-cli', false, '"sentry-cli"'],
  ];
  for (const [input, dotOk, expected] of cases) {
    it(`${JSON.stringify(typeof input === 'string' ? input : [...input])} (dots ${dotOk ? 'allowed' : 'not allowed'}) → ${expected}`, () => {
      assert.equal(appleValue(typeof input === 'string' ? enc.encode(input) : input, dotOk), expected);
    });
  }

  it('classifies', () => {
    assert.equal(classifyAppleValue(enc.encode('abc'), false), 'simple');
    assert.equal(classifyAppleValue(enc.encode('a b'), false), 'printable');
    assert.equal(classifyAppleValue(Uint8Array.of(0x7f), false), 'binary');
  });
});

describe('Apple printer', () => {
  it('trusted slots glue to the slot word (certificate leaftrusted)', () => {
    const t = (index: number) => printApple({ kind: 'trustedCert', slot: slot(index), range: R });
    assert.deepEqual([t(0), t(-1), t(1), t(-2)], ['certificate leaftrusted', 'certificate roottrusted', 'certificate 1trusted', 'certificate -2trusted']);
  });

  it('`anchor = H"…"` prints as certificate root, lower-case', () => {
    const e: Expr = { kind: 'certHash', slot: slot(-1, 'anchor'), hash: fromHex('0123456789ABCDEFFEDCBA98765432100A2BC5DA'), range: R };
    assert.equal(printApple(e), 'certificate root = H"0123456789abcdeffedcba98765432100a2bc5da"');
  });

  it('minimal parentheses: And only under !, Or under ! or And; nesting direction is lost', () => {
    assert.equal(printApple(not(and(anchorApple, always))), '! (anchor apple and always)');
    assert.equal(printApple(not(or(anchorApple, always))), '! (anchor apple or always)');
    assert.equal(printApple(and(anchorApple, or(always, never))), 'anchor apple and (always or never)');
    assert.equal(printApple(and(or(always, never), anchorApple)), '(always or never) and anchor apple');
    assert.equal(printApple(or(and(always, never), anchorApple)), 'always and never or anchor apple');
    assert.equal(printApple(or(always, or(never, anchorApple))), 'always or never or anchor apple');
    assert.equal(printApple(and(always, and(never, anchorApple))), 'always and never and anchor apple');
    assert.equal(printApple(not(not(anchorApple))), '! ! anchor apple');
  });

  it('match suffixes', () => {
    const key = val('K');
    const v = val('v');
    const m = (match: Match) => printApple(info(key, match));
    assert.equal(m({ op: 'exists', implicit: true, range: R }), 'info[K] /* exists */');
    assert.equal(m({ op: 'absent', range: R }), 'info[K] absent ');
    assert.equal(m({ op: 'contains', value: v, spelling: 'wildcards', range: R }), 'info[K] ~ v');
    assert.equal(m({ op: 'beginsWith', value: v, range: R }), 'info[K] = v*');
    assert.equal(m({ op: 'endsWith', value: v, range: R }), 'info[K] = *v');
    assert.equal(m({ op: 'onOrAfter', seconds: 576374400n, range: R }), 'info[K] >= <2019-04-08 00:00:00 +0000>');
  });

  it('empty OID prints as [field.]; extension. prints as field.', () => {
    const e: Expr = { kind: 'certGeneric', slot: slot(2), oid: { range: R, bytes: new Uint8Array(0), text: '42' }, prefix: 'extension', match: eq(val('hello.world')), range: R };
    assert.equal(printApple(e), 'certificate 2[field.] = "hello.world"');
  });

  it('opInfoKeyValue, named anchor/code, platform', () => {
    assert.equal(printApple({ kind: 'infoKeyValue', key: val('Application-Group'), value: val('grp'), range: R }), 'info["Application-Group"] = grp');
    assert.equal(printApple({ kind: 'namedAnchor', name: val('generic'), range: R }), 'anchor apple "generic"');
    assert.equal(printApple({ kind: 'namedCode', name: val('foo'), range: R }), '(foo)');
    assert.equal(printApple({ kind: 'platform', value: -1, range: R }), 'platform = -1');
  });

  it('set lines keep their leading space (no strip) and use typeNames', () => {
    const unknownFalse: Expr = { kind: 'unknownOp', opcode: 40, flags: 0x80, payload: new Uint8Array(0), range: R };
    const set: RequirementSet = {
      kind: 'set',
      range: R,
      entries: [
        { type: 3, typeRange: R, range: R, requirement: { kind: 'requirement', expr: unknownFalse, range: R } },
        { type: 9, typeRange: R, range: R, requirement: { kind: 'requirement', expr: anchorApple, range: R } },
      ],
    };
    assert.equal(printApple(set), 'designated =>  false /* opcode 40 */\n/*unknown type*/ 9 => anchor apple\n');
    assert.equal(printApple({ kind: 'requirement', expr: unknownFalse, range: R }), 'false /* opcode 40 */');
  });
});

describe('canonical printer', () => {
  it('writes what Apple-style text cannot re-parse', () => {
    assert.equal(printCanonical({ kind: 'trustedCert', slot: slot(0), range: R }), 'certificate leaf trusted');
    assert.equal(printCanonical({ kind: 'trustedCert', slot: slot(-1), range: R }), 'certificate root trusted');
    assert.equal(printCanonical(info(val('K'), { op: 'before', seconds: 576374400n, range: R })), 'info[K] < timestamp "20190408000000Z"');
    assert.equal(printCanonical(info(val('K'), { op: 'absent', range: R })), 'info[K] absent');
    assert.equal(printCanonical(info(val('K'), { op: 'exists', implicit: false, range: R })), 'info[K] exists');
    assert.equal(printCanonical(info(val('K'), { op: 'exists', implicit: true, range: R })), 'info[K]');
    const emptyOid: Expr = { kind: 'certGeneric', slot: slot(2), oid: { range: R, bytes: new Uint8Array(0), text: '' }, prefix: 'field', match: { op: 'exists', implicit: true, range: R }, range: R };
    assert.equal(printCanonical(emptyOid), 'certificate 2[field.0]');
    assert.equal(encodeOid('0').bytes.length, 0);
  });

  it('keeps quoted and hex spellings, otherwise spells strings as Apple does where that re-lexes', () => {
    for (const form of ['bare', 'binary'] as const) {
      assert.equal(printCanonical({ kind: 'identifier', value: val('com.example.app', form), range: R }), 'identifier "com.example.app"');
      assert.equal(printCanonical(info(val('CFBundleVersion', form), eq(val('ABCDE12345', form)))), 'info[CFBundleVersion] = ABCDE12345');
    }
    assert.equal(printCanonical(info(val('CFBundleVersion', 'quoted'), eq(val('ABCDE12345', 'quoted')))), 'info["CFBundleVersion"] = "ABCDE12345"');
    assert.equal(printCanonical(info(val('com.apple.foo'), eq(val('1.0')))), 'info[com.apple.foo] = "1.0"');
    assert.equal(printCanonical({ kind: 'identifier', value: val('legacy', 'bare'), range: R }), 'identifier "legacy"');
    assert.equal(printCanonical({ kind: 'identifier', value: val('9ABC', 'bare'), range: R }), 'identifier "9ABC"');
    assert.equal(printCanonical(info(val('a.1b', 'binary'), eq(val('x')))), 'info["a.1b"] = x');
    assert.equal(printCanonical(info(val('.x', 'binary'), eq(val('x')))), 'info[".x"] = x');
    assert.equal(printCanonical(info(val('K'), eq(val('say "hi"')))), 'info[K] = "say \\"hi\\""');
    assert.equal(printCanonical(info(val('K'), eq(val('caf\u00e9')))), 'info[K] = "caf\u00e9"');
    assert.equal(printCanonical(info(val('K'), eq(val(Uint8Array.of(0xff, 0x00))))), 'info[K] = 0xff00');
    assert.equal(printCanonical(info(val('K'), eq(val('a\\b', 'quoted')))), 'info[K] = 0x615c62');
    assert.equal(printCanonical(info(val('K'), eq(val('AB', 'hex')))), 'info[K] = 0x4142');
  });

  it('slots, platform and hashes', () => {
    const h = fromHex('0123456789abcdeffedcba98765432100a2bc5da');
    assert.equal(printCanonical({ kind: 'certHash', slot: slot(-1, 'anchor'), hash: h, range: R }), 'anchor = H"0123456789abcdeffedcba98765432100a2bc5da"');
    assert.equal(printCanonical({ kind: 'certHash', slot: slot(-1), hash: h, range: R }), 'certificate root = H"0123456789abcdeffedcba98765432100a2bc5da"');
    assert.equal(printCanonical({ kind: 'trustedCert', slot: slot(-2147483648), range: R }), 'certificate 2147483648 trusted');
    assert.equal(printCanonical({ kind: 'trustedCert', slot: slot(-3), range: R }), 'certificate -3 trusted');
    assert.equal(printCanonical({ kind: 'platform', value: -1, range: R }), 'platform = 4294967295');
    const path: Expr = { kind: 'certHash', slot: slot(-1, 'anchor'), hash: undefined, path: val('/tmp/root', 'path'), range: R };
    assert.equal(printCanonical(path), 'anchor = "/tmp/root"');
  });

  it('preserveNesting keeps right-nested chains exact', () => {
    const e = and(always, and(never, anchorApple));
    assert.equal(printCanonical(e), 'always and never and anchor apple');
    assert.equal(printCanonical(e, { preserveNesting: true }), 'always and (never and anchor apple)');
    assert.equal(printCanonical(or(always, or(never, anchorApple)), { preserveNesting: true }), 'always or (never or anchor apple)');
    assert.equal(printCanonical(and(and(always, never), anchorApple), { preserveNesting: true }), 'always and never and anchor apple');
  });

  it('sets: one line per entry, INTEGER types', () => {
    const set: RequirementSet = {
      kind: 'set',
      range: R,
      entries: [
        { type: 3, typeRange: R, range: R, requirement: { kind: 'requirement', expr: anchorApple, range: R } },
        { type: 0, typeRange: R, range: R, requirement: { kind: 'requirement', expr: always, range: R } },
        { type: 0xffffffff, typeRange: R, range: R, requirement: { kind: 'requirement', expr: never, range: R } },
      ],
    };
    assert.equal(printCanonical(set), 'designated => anchor apple\n0 => always\n4294967295 => never\n');
  });

  it('reports what it cannot write, and still prints', () => {
    const bad: Expr = and(
      { kind: 'identifier', value: val('back\\slash'), range: R },
      and({ kind: 'cdhash', hash: new Uint8Array(3), range: R }, info(val('K'), { op: 'on', seconds: 1n << 62n, range: R })),
    );
    const problems = canonicalProblems(bad).map((p) => p.message);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /no token can spell/);
    assert.match(problems[1]!, /3-byte hash/);
    assert.match(problems[2]!, /outside what timestamp/);
    assert.ok(printCanonical(bad).startsWith('identifier "back\\\\slash" and cdhash H"000000"'));
    assert.deepEqual(canonicalProblems(and(anchorApple, always)), []);
  });

  it('unknown opcodes print as their meaning with a comment', () => {
    const skip = { kind: 'unknownOp' as const, opcode: 33, flags: 0x40, payload: new Uint8Array(0), operand: anchorApple, range: R };
    assert.equal(printCanonical(skip), '/* unknown opcode 33 skipped */ anchor apple');
    assert.equal(printCanonical({ kind: 'unknownOp', opcode: 32, flags: 0x80, payload: new Uint8Array(0), range: R }), 'never /* unknown opcode 32: false */');
  });

  it('keeps every comment even when the tree has no source ranges', () => {
    const comments = [
      { range: R, style: 'hash' as const, text: '# one' },
      { range: R, style: 'block' as const, text: '/* two */' },
    ];
    assert.equal(printCanonical(and(anchorApple, always), { comments }), 'anchor apple and always # one\n/* two */');
  });
});
