/**
 * Resource rules: the POSIX extended-regex matcher and Apple's rule choice.
 * Ground truth for matching is V8's RegExp on patterns where POSIX ERE and
 * JavaScript agree (Apple's own default rules among them); POSIX-only syntax
 * is checked against what the standard says.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PosixRegex, RegexError, MAX_PATTERN_LENGTH } from '../../validator/resources/regex.js';
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
