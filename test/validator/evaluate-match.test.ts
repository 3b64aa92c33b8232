/**
 * Match semantics of spec §5.5, rule by rule, through `info[…]` and
 * `entitlement[…]` clauses over synthetic facts, and CFStringCompare's
 * numeric ordering directly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Match } from '../../grammar/ast.js';
import { evaluate } from '../../validator/evaluate/evaluate.js';
import { applyMatch, CertDate, CF_NULL, compareNumerically, matchValueString } from '../../validator/evaluate/match.js';
import type { PlistDict, PlistValue } from '../../validator/facts.js';
import { absent, dm, entitlement, exists, facts, info, m } from './evaluate-ast.js';

/** Evaluates `info[K] <match>` with the Info.plist `{ K: value }` (or no key when value is undefined). */
function infoVerdict(value: PlistValue | undefined, match: Match): string {
  const plist: PlistDict = value === undefined ? { Other: 'x' } : { K: value };
  return evaluate(info('K', match), facts({ infoPlist: plist })).verdict;
}

describe('§5.5 step 2: a missing value (kCFNull) matches only absent', () => {
  const cases: [string, Match, string][] = [
    ['exists', exists(), 'false'],
    ['absent', absent(), 'true'],
    ['=', m('equal', 'x'), 'false'],
    ['~', m('contains', 'x'), 'false'],
    ['= v*', m('beginsWith', 'x'), 'false'],
    ['= *v', m('endsWith', 'x'), 'false'],
    ['<', m('lessThan', 'x'), 'false'],
    ['>', m('greaterThan', 'x'), 'false'],
    ['<=', m('lessEqual', 'x'), 'false'],
    ['>=', m('greaterEqual', 'x'), 'false'],
    ['= timestamp', dm('on', '20200101000000Z'), 'false'],
    ['< timestamp', dm('before', '20200101000000Z'), 'false'],
  ];
  for (const [name, match, want] of cases) {
    it(`missing key with ${name} is ${want}`, () => assert.equal(infoVerdict(undefined, match), want));
  }
  it('no Info.plist at all: absent is true, exists is false', () => {
    assert.equal(evaluate(info('K', absent()), facts()).verdict, 'true');
    const n = evaluate(info('K', exists()), facts());
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /there is no Info\.plist/);
  });
  it('no entitlements: entitlement[K] absent is true', () => {
    assert.equal(evaluate(entitlement('com.apple.security.get-task-allow', absent()), facts()).verdict, 'true');
  });
});

describe('§5.5 step 3: arrays try each element, then the array itself', () => {
  const cases: [string, PlistValue, Match, string][] = [
    ['an element equals', ['a', 'b'], m('equal', 'b'), 'true'],
    ['no element equals', ['a', 'b'], m('equal', 'c'), 'false'],
    ['exists on a non-empty array', ['a'], exists(), 'true'],
    ['exists on an empty array (the array itself exists)', [], exists(), 'true'],
    ['exists on [false] (element fails, the array itself exists)', [false], exists(), 'true'],
    ['absent on an existing array', ['a'], absent(), 'false'],
    ['absent on an empty array', [], absent(), 'false'],
    ['nested arrays are searched', [['x', 'y']], m('equal', 'y'), 'true'],
    ['an element begins with', ['com.example.a', 'org.other'], m('beginsWith', 'org.'), 'true'],
    ['an element compares', ['1.2', '3.4'], m('greaterEqual', '3'), 'true'],
    ['the array itself never equals a string', [], m('equal', ''), 'false'],
  ];
  for (const [name, value, match, want] of cases) {
    it(`${name}: ${want}`, () => assert.equal(infoVerdict(value, match), want));
  }
  it('names the element that matched', () => {
    const out = applyMatch(m('equal', 'b'), ['a', 'b']);
    assert.equal(out.matched, true);
    assert.match(out.note ?? '', /element 1/);
  });
});

describe('§5.5 step 4: exists is false only for the boolean false', () => {
  const cases: [string, PlistValue, string][] = [
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['the number 0', 0, 'true'],
    ['a bigint 0', 0n, 'true'],
    ['an empty string', '', 'true'],
    ['a string "false"', 'false', 'true'],
    ['an empty dictionary', {}, 'true'],
    ['data', new Uint8Array([0]), 'true'],
    ['a date', new Date('2020-01-01T00:00:00Z'), 'true'],
  ];
  for (const [name, value, want] of cases) {
    it(`exists on ${name} is ${want}; absent is false`, () => {
      assert.equal(infoVerdict(value, exists()), want);
      assert.equal(infoVerdict(value, absent()), 'false');
    });
  }
  it('entitlement[get-task-allow] exists is false when the entitlement is false', () => {
    const f = facts({ entitlements: { 'com.apple.security.get-task-allow': false } });
    const n = evaluate(entitlement('com.apple.security.get-task-allow', exists()), f);
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /boolean false/);
  });
});

describe('§5.5 step 6: = compares strings only, exactly', () => {
  const cases: [string, PlistValue, Match, string][] = [
    ['equal strings', 'com.example', m('equal', 'com.example'), 'true'],
    ['case differs', 'ABC', m('equal', 'abc'), 'false'],
    ['number 1 vs "1"', 1, m('equal', '1'), 'false'],
    ['boolean true vs "true"', true, m('equal', 'true'), 'false'],
    ['data vs the same bytes as a hex constant', new Uint8Array([0x41, 0x42, 0x43]), m('equal', new Uint8Array([0x41, 0x42, 0x43])), 'false'],
    ['a hex constant is a string: 0x414243 equals "ABC"', 'ABC', m('equal', new Uint8Array([0x41, 0x42, 0x43])), 'true'],
    ['value bytes are cut at the first NUL', 'abc', m('equal', new Uint8Array([0x61, 0x62, 0x63, 0x00, 0x64])), 'true'],
    ['dictionary never equals', { a: 'b' }, m('equal', 'b'), 'false'],
    ['a literal * in the value is no wildcard', 'foo', m('equal', '*foo*'), 'false'],
    ['non-ASCII UTF-8 equal', 'Zürich', m('equal', 'Zürich'), 'true'],
  ];
  for (const [name, value, match, want] of cases) {
    it(`${name}: ${want}`, () => assert.equal(infoVerdict(value, match), want));
  }
  it('a match value that is not UTF-8 never matches (Apple throws)', () => {
    assert.equal(matchValueString(new Uint8Array([0xff, 0x41])), undefined);
    const n = evaluate(info('K', m('equal', new Uint8Array([0xff]))), facts({ infoPlist: { K: '\u00ff' } }));
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /not UTF-8/);
  });
});

describe('§5.5 step 7: contains / beginsWith / endsWith (case-sensitive, strings only)', () => {
  const cases: [string, PlistValue, Match, string][] = [
    ['contains', 'com.example.helper', m('contains', 'example'), 'true'],
    ['contains, case differs', 'com.Example.helper', m('contains', 'example'), 'false'],
    ['contains an empty pattern (CFStringFind never finds "")', 'abc', m('contains', ''), 'false'],
    ['contains the whole string', 'abc', m('contains', 'abc'), 'true'],
    ['beginsWith', 'com.example.helper', m('beginsWith', 'com.example'), 'true'],
    ['beginsWith, not at the start', 'x.com.example', m('beginsWith', 'com.example'), 'false'],
    ['beginsWith a longer pattern', 'com', m('beginsWith', 'com.example'), 'false'],
    ['beginsWith, case differs', 'Com.example', m('beginsWith', 'com'), 'false'],
    ['endsWith', 'com.example.helper', m('endsWith', '.helper'), 'true'],
    ['endsWith, not at the end', 'com.example.helper2', m('endsWith', '.helper'), 'false'],
    ['endsWith a longer pattern', 'per', m('endsWith', '.helper'), 'false'],
    ['endsWith the whole string', 'abc', m('endsWith', 'abc'), 'true'],
    ['contains on a number', 123, m('contains', '2'), 'false'],
    ['beginsWith on data', new Uint8Array([0x61]), m('beginsWith', 'a'), 'false'],
  ];
  for (const [name, value, match, want] of cases) {
    it(`${name}: ${want}`, () => assert.equal(infoVerdict(value, match), want));
  }
});

describe('§5.5 step 8: CFStringCompare with kCFCompareNumerically', () => {
  const table: [string, string, -1 | 0 | 1][] = [
    ['17.4', '7.4', 1],
    ['7.4', '17.4', -1],
    ['1.10', '1.9', 1],
    ['1.9', '1.10', -1],
    ['17.4.2', '17.4.10', -1],
    ['2', '10', -1],
    ['a2', 'a10', -1],
    ['007', '7', 0],
    ['1.0', '1', 1],
    ['1', '1.0', -1],
    ['', '', 0],
    ['', 'a', -1],
    ['abc', 'ab', 1],
    ['abc', 'abd', -1],
    // Case-sensitive, by UTF-16 code unit: 'a' (0x61) sorts after 'B' (0x42).
    ['a', 'B', 1],
    ['B', 'a', -1],
    ['A', 'a', -1],
    // Digits (0x30-0x39) against letters compare as code units when only one side is a digit.
    ['1', 'a', -1],
    ['v2', 'v10', -1],
    ['build9', 'build10', -1],
    ['é', 'f', 1],
    // UTF-16 code units, not code points: U+1F600 is D83D DE00, below U+FFFF.
    ['\u{1F600}', '\uffff', -1],
    // Digit runs are uint64 and wrap like CF's: 2^64 reads as 0.
    ['18446744073709551616', '0', 0],
    ['18446744073709551615', '18446744073709551614', 1],
  ];
  for (const [a, b, want] of table) {
    it(`compare(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${want}`, () => assert.equal(compareNumerically(a, b), want));
  }

  const ops: [string, PlistValue, Match, string][] = [
    ['"17.4" >= "7.4"', '17.4', m('greaterEqual', '7.4'), 'true'],
    ['"17.4" < "7.4"', '17.4', m('lessThan', '7.4'), 'false'],
    ['"1.10" > "1.9"', '1.10', m('greaterThan', '1.9'), 'true'],
    ['"007" < "7" (numerically equal)', '007', m('lessThan', '7'), 'false'],
    ['"007" <= "7"', '007', m('lessEqual', '7'), 'true'],
    ['"007" >= "7"', '007', m('greaterEqual', '7'), 'true'],
    ['"007" > "7"', '007', m('greaterThan', '7'), 'false'],
    ['"007" = "7" (= is exact, not numeric)', '007', m('equal', '7'), 'false'],
    ['"a" > "B"', 'a', m('greaterThan', 'B'), 'true'],
    ['number 20 >= "10" (strings only)', 20, m('greaterEqual', '10'), 'false'],
    ['boolean true >= ""', true, m('greaterEqual', ''), 'false'],
  ];
  for (const [name, value, match, want] of ops) {
    it(`${name}: ${want}`, () => assert.equal(infoVerdict(value, match), want));
  }
});

describe('§5.5 step 9: date matches apply to dates only', () => {
  const when = new Date('2019-04-08T00:00:00Z');
  const cases: [string, PlistValue, Match, string][] = [
    ['on, same instant', when, dm('on', '20190408000000Z'), 'true'],
    ['on, one second later', new Date(when.getTime() + 1000), dm('on', '20190408000000Z'), 'false'],
    ['before', new Date('2019-04-07T23:59:59Z'), dm('before', '20190408000000Z'), 'true'],
    ['before, same instant', when, dm('before', '20190408000000Z'), 'false'],
    ['after', new Date('2019-04-08T00:00:01Z'), dm('after', '20190408000000Z'), 'true'],
    ['onOrBefore, same instant', when, dm('onOrBefore', '20190408000000Z'), 'true'],
    ['onOrAfter, same instant', when, dm('onOrAfter', '20190408000000Z'), 'true'],
    ['onOrAfter, earlier', new Date('2018-01-01T00:00:00Z'), dm('onOrAfter', '20190408000000Z'), 'false'],
    ['zone offsets are applied: 20190408020000+0200 is the same instant', when, dm('on', '20190408020000+0200'), 'true'],
    ['a string that looks like a date is not a date', '20190408000000Z', dm('on', '20190408000000Z'), 'false'],
  ];
  for (const [name, value, match, want] of cases) {
    it(`${name}: ${want}`, () => assert.equal(infoVerdict(value, match), want));
  }
  it('certificate dates (CertDate) compare the same way', () => {
    assert.equal(applyMatch(dm('before', '20190408000000Z'), new CertDate(576374399)).matched, true);
    assert.equal(applyMatch(dm('before', '20190408000000Z'), new CertDate(576374400)).matched, false);
    assert.equal(applyMatch(dm('on', '20190408000000Z'), new CertDate(576374400)).matched, true);
  });
});

describe('unknown match opcodes', () => {
  it('never match, not even a missing value', () => {
    const u: Match = { op: 'unknown', range: exists().range, code: 99 };
    assert.equal(applyMatch(u, 'x').matched, false);
    assert.equal(applyMatch(u, CF_NULL).matched, false);
  });
});

describe('explanations of dictionary matches', () => {
  it('name the key, the value and the expectation', () => {
    const n = evaluate(info('CFBundleVersion', m('greaterEqual', '1.10')), facts({ infoPlist: { CFBundleVersion: '1.9' } }));
    assert.equal(n.verdict, 'false');
    assert.equal(n.explanation, 'info[CFBundleVersion] is "1.9", expected >= "1.10"');
    assert.equal(n.clause, 'info[CFBundleVersion] >= "1.10"');
  });
  it('say why a non-string never compares', () => {
    const n = evaluate(entitlement('com.apple.security.app-sandbox', m('equal', 'true')), facts({ entitlements: { 'com.apple.security.app-sandbox': true } }));
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /the boolean true.*only strings can match "="/);
  });
});

describe('compareNumerically properties (fast-check)', () => {
  const alphabet = fc.constantFrom('0', '1', '7', '9', '.', 'a', 'B', 'z', '-', 'é', '\u{1F600}');
  const text = fc.array(alphabet, { maxLength: 12 }).map((a) => a.join(''));
  it('is antisymmetric and reflexive', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        assert.equal(compareNumerically(a, b), -compareNumerically(b, a) || 0);
        assert.equal(compareNumerically(a, a), 0);
      }),
      { numRuns: 2000 },
    );
  });
  it('without digits it is plain UTF-16 code-unit order', () => {
    const noDigits = fc.string({ unit: 'binary', maxLength: 10 }).filter((s) => !/[0-9]/.test(s));
    fc.assert(
      fc.property(noDigits, noDigits, (a, b) => {
        assert.equal(compareNumerically(a, b), a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });
  it('digit runs compare as numbers, wherever they sit', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.constantFrom('', 'v', 'build.'), (x, y, prefix) => {
        assert.equal(compareNumerically(`${prefix}${x}`, `${prefix}${y}`), Math.sign(x - y) || 0);
        assert.equal(compareNumerically(`${prefix}${x}.1`, `${prefix}${y}.2`), Math.sign(x - y) || -1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hostile values stay bounded', () => {
  it('a plist array nested 100,000 deep neither overflows the stack nor matches below the bound', () => {
    let deep: PlistValue = 'needle';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(applyMatch(m('equal', 'needle'), deep).matched, false);
    assert.equal(applyMatch(exists(), deep).matched, true);
    let shallow: PlistValue = 'needle';
    for (let i = 0; i < 10; i++) shallow = [shallow];
    assert.equal(applyMatch(m('equal', 'needle'), shallow).matched, true);
  });
  it('a 200,000-element array is searched element by element', () => {
    const big: PlistValue = Array.from({ length: 200_000 }, (_, i) => `group.${i}`);
    assert.equal(applyMatch(m('equal', 'group.199999'), big).matched, true);
    assert.equal(applyMatch(m('beginsWith', 'team.'), big).matched, false);
  });
  it('digit runs thousands of digits long compare without precision loss (uint64 wrap)', () => {
    const a = '9'.repeat(5000);
    assert.equal(compareNumerically(a, a), 0);
    assert.equal(compareNumerically(`${a}1`, `${a}2`), -1);
  });
});
