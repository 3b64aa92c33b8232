/**
 * Resource rules: the POSIX extended-regex matcher and Apple's rule choice.
 * Ground truth for matching is V8's RegExp on patterns where POSIX ERE and
 * JavaScript agree (Apple's own default rules among them); POSIX-only syntax
 * is checked against what the standard says.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PosixRegex, RegexError, MAX_PATTERN_LENGTH, MAX_NFA_STATES, MatchBudgetExceeded } from '../../validator/resources/regex.js';
import { printable, quoted } from '../../validator/printable.js';
import { bundleExclusions, escapeRegex, findRule, parseRules, RULE_EXCLUSION, RULE_NESTED, RULE_OMITTED, RULE_OPTIONAL, RuleError } from '../../validator/resources/rules.js';
import { DEFAULT_RULES, DEFAULT_RULES2 } from '../signer/index.js';
import type { PlistValue } from '../../validator/facts.js';

const COMMON = [
  ...Object.keys(DEFAULT_RULES2),
  ...Object.keys(DEFAULT_RULES),
  '^a|b$',
  '(x|yz)+q?$',
  'a{2,3}b',
  '^[a-c]+/[^/]*$',
  '^(Frameworks/[^/]+\\.framework/|PlugIns/[^/]+\\.appex/|())SC_Info/[^/]+\\.sinf$',
  '.a.b.',
  '^$',
  'x{0}y',
  '(ab|a)(bc|c)$',
];

describe('PosixRegex agrees with RegExp where POSIX ERE and JavaScript agree', () => {
  const path = fc.array(fc.constantFrom('a', 'b', 'c', 'x', 'y', 'z', 'q', '/', '.', 'Resources/', 'en.lproj/', 'Base.lproj/', 'MacOS/', 'Frameworks/', '.DS_Store', 'Info.plist', 'locversion.plist', '.dSYM', 'SC_Info/', 'f.sinf', 'Library/Spotlight/'), { maxLength: 12 }).map((parts) => parts.join(''));
  for (const pattern of COMMON) {
    it(pattern, () => {
      const posix = new PosixRegex(pattern);
      const js = new RegExp(pattern);
      fc.assert(fc.property(path, (p) => posix.test(p) === js.test(p)), { numRuns: 400 });
    });
  }
});

describe('POSIX-only syntax', () => {
  it('a backslash is literal inside a bracket expression', () => {
    const re = new PosixRegex('^[\\.]$');
    assert.equal(re.test('\\'), true);
    assert.equal(re.test('.'), true);
    assert.equal(re.test('a'), false);
  });
  it('character classes and a leading ] in brackets', () => {
    assert.equal(new PosixRegex('^[[:digit:]]+$').test('2024'), true);
    assert.equal(new PosixRegex('^[[:digit:]]+$').test('20a4'), false);
    assert.equal(new PosixRegex('^[]a]$').test(']'), true);
    assert.equal(new PosixRegex('^[^]a]$').test(']'), false);
    assert.equal(new PosixRegex('^[^]a]$').test('b'), true);
  });
  it('escapeRegex makes any file name match only itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '.', '(', ')', '[', ']', '{', '}', '+', '*', '?', '\\', '^', '$', '|', '/') }), (name) => {
        const re = new PosixRegex('^' + escapeRegex(name) + '$');
        return re.test(name) && !re.test(name + 'x') && (name === '' || !re.test('x' + name));
      }),
    );
  });
});

describe('PosixRegex refuses what cannot be matched in bounded time or is not POSIX', () => {
  const refused: [string, RegExp][] = [
    ['(a)\\1', /backreference/],
    ['\\d+', /escape \\d/],
    ['a{1,1000}', /repetition/],
    ['(a', /unmatched "\("/],
    ['a)', /unmatched "\)"/],
    ['*a', /nothing to repeat/],
    ['[a', /unmatched "\["/],
    ['[[.a.]]', /collating/],
    ['[[:nope:]]', /unknown character class/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), /longer than/],
    ['((((a{255}){255}){255}){255})', /automaton states/],
  ];
  for (const [pattern, message] of refused) {
    it(pattern.length > 40 ? pattern.slice(0, 40) + '…' : pattern, () => {
      assert.throws(() => new PosixRegex(pattern), (err: Error) => err instanceof RegexError && message.test(err.message));
    });
  }

  it("a rule needing thousands of states per character is refused; Apple's defaults need a few dozen", () => {
    assert.equal(MAX_NFA_STATES, 2000);
    assert.throws(() => new PosixRegex('(.?.?.?.?.?.?.?.?.?.?){255}x'), (err: Error) => err instanceof RegexError && /more than 2000 automaton states/.test(err.message));
    for (const pattern of [...Object.keys(DEFAULT_RULES2), ...Object.keys(DEFAULT_RULES)]) assert.ok(new PosixRegex(pattern).states < 200, pattern);
  });

  it('matching charges a step budget and stops when it runs out', () => {
    const slow = new PosixRegex('(.?.?.?.?.?.?.?.?.?.?){90}x');
    const path = 'Resources/' + 'n'.repeat(200);
    const budget = { steps: Number.MAX_SAFE_INTEGER };
    assert.equal(slow.test(path, budget), false);
    const cost = Number.MAX_SAFE_INTEGER - budget.steps;
    // Hundreds of thousands of steps for one path, where an ordinary rule needs a few per character.
    assert.ok(cost > 100_000, String(cost));
    const cheap = { steps: Number.MAX_SAFE_INTEGER };
    new PosixRegex('.*\\.dSYM($|/)').test(path, cheap);
    assert.ok(Number.MAX_SAFE_INTEGER - cheap.steps < 20 * path.length);
    assert.throws(() => slow.test(path, { steps: cost - 1 }), MatchBudgetExceeded);
    assert.equal(slow.test(path, { steps: cost }), false);
    const rules = parseRules({ [slow.source]: true, '^.*': true }, 'rules2');
    const once = { steps: Number.MAX_SAFE_INTEGER };
    findRule(rules, path, once);
    const shared = { steps: (Number.MAX_SAFE_INTEGER - once.steps) * 3 };
    for (let i = 0; i < 3; i++) findRule(rules, path, shared);
    assert.throws(() => findRule(rules, path, shared), MatchBudgetExceeded);
  });

  it('patterns that are exponential for a backtracking engine run in linear time', () => {
    const text = 'a'.repeat(5000) + '!';
    for (const p of ['^(a*)*$', '^(a|a)*$', '^(a+)+b', '(.*a){20}$']) assert.equal(new PosixRegex(p).test(text), false, p);
    assert.equal(new PosixRegex('^(a|aa)*!$').test(text), true);
  });
});

describe("rule choice (ResourceBuilder::findRule) on Apple's default v2 rules", () => {
  const rules = [...bundleExclusions('MacOS/App'), ...parseRules(DEFAULT_RULES2 as unknown as PlistValue, 'rules2')];
  const flagsOf = (path: string) => findRule(rules, path)?.flags;
  const cases: [string, string, number | undefined][] = [
    ['Resources/icon.png', '^Resources/', 0],
    ['Resources/en.lproj/Main.strings', '^Resources/.*\\.lproj/', RULE_OPTIONAL],
    ['Resources/Base.lproj/Main.nib', '^Resources/Base\\.lproj/', 0],
    ['Resources/en.lproj/locversion.plist', '^Resources/.*\\.lproj/locversion.plist$', RULE_OMITTED],
    ['Resources/deep/.DS_Store', '^(.*/)?\\.DS_Store$', RULE_OMITTED],
    ['Info.plist', '^Info\\.plist$', RULE_OMITTED],
    ['PkgInfo', '^PkgInfo$', RULE_OMITTED],
    ['Frameworks/Kit.framework', '^(Frameworks|SharedFrameworks|PlugIns|Plug-ins|XPCServices|Helpers|MacOS|Library/(Automator|Spotlight|LoginItems))/', RULE_NESTED],
    ['MacOS/helper', '^(Frameworks|SharedFrameworks|PlugIns|Plug-ins|XPCServices|Helpers|MacOS|Library/(Automator|Spotlight|LoginItems))/', RULE_NESTED],
    ['MacOS/App', '^MacOS/App$', RULE_EXCLUSION],
    ['_CodeSignature', '^_CodeSignature$', RULE_EXCLUSION],
    ['Some.dSYM/x', '.*\\.dSYM($|/)', 0],
    ['toplevel.txt', '^[^/]+$', RULE_NESTED],
    ['other/file', '^.*', 0],
  ];
  for (const [path, pattern, flags] of cases) {
    it(`${path} → ${pattern}`, () => {
      assert.equal(findRule(rules, path)?.pattern, pattern);
      assert.equal(flagsOf(path), flags);
    });
  }

  it('equal weights: the first in sorted order wins; an exclusion wins at once', () => {
    const r = parseRules({ '^b': { weight: 5, omit: true }, '^a|^b': { weight: 5 } }, 'rules2');
    assert.equal(findRule(r, 'b')?.pattern, '^a|^b');
    assert.equal(findRule([...bundleExclusions(undefined), ...parseRules({ '^.*': { weight: 99999 } }, 'r')], '_CodeSignature')?.flags, RULE_EXCLUSION);
  });

  it('malformed rule sets are refused with the rule named', () => {
    assert.throws(() => parseRules(undefined, 'rules2'), (e: Error) => e instanceof RuleError && /"rules2" is missing/.test(e.message));
    assert.throws(() => parseRules({ x: 3 }, 'rules2'), /neither a boolean nor a dictionary/);
    assert.throws(() => parseRules({ x: { weight: -1 } }, 'rules2'), /not an unsigned 32-bit integer/);
    assert.throws(() => parseRules({ '(a)\\1': true }, 'rules2'), /rule "\(a\)\\\\1" in "rules2": a backreference/);
    const many: Record<string, PlistValue> = {};
    for (let i = 0; i < 600; i++) many[`^${i}$`] = true;
    assert.throws(() => parseRules(many, 'rules2'), /600 rules, more than the limit of 512/);
  });
});

describe('names in messages', () => {
  it('controls, DEL, C1, reordering characters and the backslash are escaped; everything else is kept', () => {
    assert.equal(printable('Resources/é 😀 a.png'), 'Resources/é 😀 a.png');
    assert.equal(printable('a\x1b[2Kb\rc\nd\x00\x7f\x9b\u202e\u2028\\e'), 'a\\x1b[2Kb\\x0dc\\x0ad\\x00\\x7f\\x9b\\u{202e}\\u{2028}\\\\e');
    assert.equal(printable('\ud800x'), '\\u{d800}x');
    assert.equal(quoted('say "hi"\x07'), '"say \\"hi\\"\\x07"');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(printable(s))));
  });
});
