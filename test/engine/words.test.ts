/**
 * The words every door shows, pinned: the results headline says one verdict
 * (the overall one), a process that cannot be checked is one grammatical
 * sentence, the designated comparison says what differs, the summary of a
 * team-bound requirement reads as English, and text that does not compile is
 * never described as admitting anything.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { designatedComparisonWords } from '../../engine/designated-words.js';
import { failureLine, resultHeadline } from '../../engine/render.js';
import type { CheckResult } from '../../engine/result.js';
import { analyzeRequirement } from '../../language-service/analysis/analyze.js';
import { DOES_NOT_COMPILE, summarizeIfCompiles, summarizeRequirement } from '../../language-service/analysis/summary.js';
import { hoverAt } from '../../language-service/hover.js';
import { requirementRefs } from '../../language-service/locate.js';

const leaf = (clause: string, verdict: 'true' | 'false') => ({ kind: 'certField', clause, verdict, explanation: '', children: [], range: { start: { offset: 0 }, end: { offset: 0 } } });
const slice = (arch: string, verdict: string, extra: Record<string, unknown> = {}) => ({ arch, verdict, problems: [], posture: [], ...extra });
const result = (verdict: string, slices: unknown[], extra: Record<string, unknown> = {}) => ({ verdict, requirement: 'r', path: '/x/sentry-cli', slices, ...extra }) as unknown as CheckResult;

describe('results headline: one verdict, the overall one', () => {
  it('one slice not satisfied and one that cannot be checked: the headline says "cannot be checked", never "fails"', () => {
    const r = result('invalid', [slice('x86_64', 'unsatisfied', { tree: leaf('leaf[subject.OU]', 'false') }), slice('arm64', 'invalid', { invalidReason: 'the slice is not signed' })]);
    const h = resultHeadline(r, 'sentry-cli');
    assert.equal(h, '✘ sentry-cli (arm64) cannot be checked: the slice is not signed');
    assert.doesNotMatch(h, /fails/);
  });

  it('not satisfied: names the first failing clause', () => {
    const r = result('unsatisfied', [slice('x86_64', 'satisfied'), slice('arm64', 'unsatisfied', { tree: leaf('certificate leaf[subject.OU] = "X"', 'false') })]);
    assert.equal(resultHeadline(r, 'sentry-cli'), '✘ fails for sentry-cli (arm64): certificate leaf[subject.OU] = "X"');
  });

  it('satisfied and undetermined', () => {
    assert.equal(resultHeadline(result('satisfied', [slice('x86_64', 'satisfied'), slice('arm64', 'satisfied')]), 'sentry-cli'), '✔ satisfied by sentry-cli (x86_64, arm64)');
    assert.match(resultHeadline(result('undetermined', [slice('arm64', 'undetermined')]), 'sentry-cli'), /^\? undetermined for sentry-cli/);
  });

  it('a name from inspected code cannot break the line', () => {
    assert.doesNotMatch(resultHeadline(result('satisfied', [slice('arm64', 'satisfied')]), 'evil\nline'), /\n/);
  });
});

describe('a process that cannot be checked: one grammatical sentence', () => {
  const target = { pid: 4242, executablePath: '/usr/bin/node' };
  it('an ELF program: the file, whose executable it is, and why', () => {
    const r = result('invalid', [], { path: '/usr/bin/node', target, error: { code: 'not-macho', message: '/proc/4242/exe: a Linux (ELF) executable or library; it carries no Apple code signature (magic 0x7f454c46)' } });
    assert.equal(failureLine(r), '/usr/bin/node, the executable of process 4242, cannot be checked: a Linux (ELF) executable or library; it carries no Apple code signature (magic 0x7f454c46)');
  });

  it('a reader sentence about the process (deleted executable) is the whole message, capitalised, with no second subject', () => {
    const message = 'process 4242 runs /tmp/sleeper, which was deleted after it started; the file the process runs is no longer at that path, so nothing was checked';
    const r = result('invalid', [], { path: '/tmp/sleeper', target, error: { code: 'not-found', message } });
    assert.equal(failureLine(r), `P${message.slice(1)}`);
    assert.doesNotMatch(failureLine(r), /runs \S+ cannot be checked|cannot be checked: process/);
  });

  it('a file (no process) is named once: the reader\'s own "FILE:" is dropped when it is the same file', () => {
    const r = result('invalid', [], { path: '/x/notes.txt', error: { code: 'not-macho', message: '/x/notes.txt: 0x6c6c6568 is neither Mach-O nor universal (fat)' } });
    assert.equal(failureLine(r), '/x/notes.txt: cannot be checked: 0x6c6c6568 is neither Mach-O nor universal (fat)');
    const relative = result('invalid', [], { path: 'notes.txt', error: { code: 'not-macho', message: '/x/notes.txt: 0x6c6c6568 is neither Mach-O nor universal (fat)' } });
    assert.equal(failureLine(relative), 'notes.txt: cannot be checked: 0x6c6c6568 is neither Mach-O nor universal (fat)');
  });

  it('a path given through a link is named as given; the resolved path is not repeated', () => {
    const r = result('invalid', [], { path: '/bin/ls', error: { code: 'not-macho', message: '/usr/bin/ls: a Linux (ELF) executable or library; it carries no Apple code signature (magic 0x7f454c46)' } });
    assert.equal(failureLine(r), '/bin/ls: cannot be checked: a Linux (ELF) executable or library; it carries no Apple code signature (magic 0x7f454c46)');
  });

  it('a file inside a bundle stays named: it is not the file the line names', () => {
    const r = result('invalid', [], { path: 'Tool.app', error: { code: 'not-signed', message: 'Tool.app/Contents/MacOS/Tool: the slice is not signed' } });
    assert.equal(failureLine(r), 'Tool.app: cannot be checked: Tool.app/Contents/MacOS/Tool: the slice is not signed');
  });
});

describe('compare with the designated requirement, in words', () => {
  it('says what is the same and what differs, never "different, different bytes"', () => {
    assert.equal(designatedComparisonWords({ designated: 'x', sameText: true, sameBytes: true }), 'the same as ours');
    assert.match(designatedComparisonWords({ designated: 'x', sameText: true, sameBytes: false }), /^the same text as ours, but it compiles to other bytes/);
    assert.equal(designatedComparisonWords({ designated: 'x', sameText: false, sameBytes: true }), 'written differently from ours, but it compiles to the same bytes');
    assert.equal(designatedComparisonWords({ designated: 'x', sameText: false, sameBytes: false }), 'differs from ours');
    assert.equal(designatedComparisonWords({ note: 'the requirement set has no designated entry' }), 'the requirement set has no designated entry');
    for (const sameText of [true, false]) for (const sameBytes of [true, false]) assert.doesNotMatch(designatedComparisonWords({ designated: 'x', sameText, sameBytes }), /different, different/);
  });
});

describe('who a requirement lets in, in words', () => {
  const summary = (text: string) => summarizeRequirement(analyzeRequirement(text).parse.document as never);
  it('a team check with an Apple anchor of no particular kind: "any Apple-issued certificate of team X", not "of any kind of team"', () => {
    const s = summary('anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"');
    assert.equal(s, 'code signed with any Apple-issued certificate of team ABCDE12345');
    assert.doesNotMatch(s, /any kind of team/);
  });

  it('text that does not compile admits nothing: the outline says so, never "any code at all"', () => {
    for (const text of ['anchor apple generic or identifier', 'identifier "a" or )', 'identifier a or (', 'anchor apple or !', 'designated => anchor apple\nhost => identifier']) {
      const a = analyzeRequirement(text);
      const compiles = !a.parse.diagnostics.some((d) => d.severity === 'error');
      assert.equal(compiles, false, text);
      for (const ref of requirementRefs(a.parse, text)) assert.equal(summarizeIfCompiles(ref.requirement, compiles), DOES_NOT_COMPILE, text);
    }
  });

  it('hover anywhere on text with an unparsable `or` branch says it does not compile and never who is allowed', () => {
    for (const text of ['anchor apple generic or identifier', 'identifier "a" or )', 'identifier "a" or anchor', 'identifier a or info[x] =', 'always or (', 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" or identifier']) {
      const a = analyzeRequirement(text);
      let said = 0;
      for (let at = 0; at <= text.length; at++) {
        const h = hoverAt(text, a, at);
        if (!h) continue;
        assert.doesNotMatch(h.markdown, /any code at all|Who is allowed|requirement allows/, `${text} at ${at}`);
        if (/Does not compile/.test(h.markdown)) said++;
      }
      assert.ok(said > 0, `some hover on ${JSON.stringify(text)} says it does not compile`);
    }
  });
});
