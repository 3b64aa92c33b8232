/**
 * Rules whose severity is off in the current context or settings are not
 * run, and the per-requirement finding cap and the fix-check budget are
 * spent only on findings that are reported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeRequirement, type AnalysisOptions } from '../../language-service/analysis/analyze.js';
import { RULES } from '../../language-service/rules/index.js';
import { MAX_FINDINGS } from '../../language-service/rules/engine.js';

/** A Developer ID client requirement: CSR107 and CSR108 (off outside privileged helpers) fire on it, nothing else does. */
const clientRequirement = (i: number) => `identifier "com.example.app${i}" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"`;
/** The same in parentheses, as an operand of `or` (no CSR110 for `and` under `or`). */
const devId = (i: number) => `(${clientRequirement(i)})`;

function count(text: string, code: string, options: AnalysisOptions = {}): number {
  return analyzeRequirement(text, options).diagnostics.filter((d) => d.code === code).length;
}

describe('rules that are off', () => {
  it('are not run: the anti-injection check (CSR108) is not called outside privileged helpers, and is with the rule on', () => {
    const rule = RULES.find((r) => r.code === 'CSR108')!;
    const original = rule.branch!;
    let calls = 0;
    rule.branch = (f, ctx) => {
      calls++;
      return original(f, ctx);
    };
    try {
      assert.equal(count(devId(1), 'CSR108'), 0);
      assert.equal(calls, 0, 'the check of an off rule does not run');
      assert.equal(count(devId(1), 'CSR108', { context: 'privileged-helper' }), 1);
      assert.ok(calls > 0, 'the same check runs where the rule is reported');
      calls = 0;
      assert.equal(count(devId(1), 'CSR108', { context: 'privileged-helper', severities: { CSR108: 'off' } }), 0);
      assert.equal(calls, 0, 'turned off in the settings, it does not run either');
    } finally {
      rule.branch = original;
    }
  });

  it('still mark their branches: turning CSR101 off does not make CSR110 call the identifier-only branch weaker than its siblings', () => {
    const text = `identifier "com.example.a" or ${devId(1)}`;
    assert.deepEqual(analyzeRequirement(text).diagnostics.map((d) => d.code), ['CSR101']);
    assert.deepEqual(analyzeRequirement(text, { severities: { CSR101: 'off' } }).diagnostics.map((d) => d.code), []);
  });

  it('do not count against the per-requirement finding cap: the cap is spent only on reported findings', () => {
    // 600 branches with off findings (CSR107, CSR108) ahead of 10 identifier-only branches (CSR101, an error).
    const branches = [...Array.from({ length: 600 }, (_, i) => devId(i)), ...Array.from({ length: 10 }, (_, i) => `identifier "com.example.x${i}"`)];
    assert.ok(branches.length > MAX_FINDINGS);
    const text = branches.join(' or ');
    assert.equal(count(text, 'CSR101'), 10, 'every reported finding is kept');
    // With the rules on, the cap applies to what is reported, in evaluation order.
    const all = analyzeRequirement(text, { context: 'privileged-helper' }).diagnostics;
    assert.equal(all.filter((d) => d.code !== 'CSR101').length, MAX_FINDINGS);
  });

  it('do not spend the fix-check budget: the fixes offered are those that fit the budget among reported findings alone', () => {
    // A set padded past 1 MB: the 4 MB budget (less the text) checks only two fixes of it. Each analysis gets
    // its own padding: the budget is shared by the analyses of one text.
    let padding = 0;
    const fixed = (severities: AnalysisOptions['severities']) => {
      const text = `# csrl: set\n// ${'x'.repeat(1_100_000 + padding++)}\n${[1, 2, 3].map((i) => `${i + 5} => ${clientRequirement(i)}`).join('\n')}\n`;
      const withFixes = analyzeRequirement(text, { severities }).diagnostics.filter((d) => d.fixes?.length);
      return { CSR107: withFixes.filter((d) => d.code === 'CSR107').length, CSR108: withFixes.filter((d) => d.code === 'CSR108').length };
    };
    assert.deepEqual(fixed({ CSR107: 'warning', CSR108: 'warning' }), { CSR107: 1, CSR108: 1 }, 'two fixes fit the budget; with both rules on, the first entry\'s findings take them');
    assert.deepEqual(fixed({ CSR107: 'warning' }), { CSR107: 2, CSR108: 0 }, 'with CSR108 off, CSR107 gets them both');
  });
});

describe('the fix-check budget belongs to one analysis', () => {
  it('analysing the same large text again offers the same fixes (the budget is not drawn down across analyses)', () => {
    // 1.5 MB of comment: each fix check parses the whole text, so one analysis can afford one (4 MB budget).
    const text = `identifier "com.example.helper" /* ${'x'.repeat(1_500_000)} */`;
    const fixesOf = () => analyzeRequirement(text).diagnostics.filter((d) => d.code === 'CSR101').flatMap((d) => (d.fixes ?? []).map((f) => f.title));
    const first = fixesOf();
    assert.ok(first.length > 0, 'the first analysis offers a fix');
    for (let i = 0; i < 3; i++) assert.deepEqual(fixesOf(), first, `analysis ${i + 2}`);
  });
});
