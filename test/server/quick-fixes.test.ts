/**
 * Quick fixes never make things worse: every fix offered on every example
 * file and on generated requirements is applied, the text is analysed again,
 * and
 * - the result still parses (no new language diagnostic, CSR0xx);
 * - the fix does not itself create a finding from the shape of its edit
 *   (the unparenthesised `a and b or c`, CSR110);
 * - the finding it fixes is gone (one fewer of that code and message);
 * - a menu never lists the same action twice.
 * Choice named here: findings the rules hold back until the rung below is
 * fixed (a team check is asked for once there is an Apple anchor, an
 * identifier once there is a team, branch comparisons once a branch is
 * judged) may appear after a fix: they were weaknesses of the original text,
 * not made by the fix.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CodeAction, Range as LspRange } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { printCanonical } from '../../grammar/print/canonical.js';
import { analyzeDocument, type DocState } from '../../server/documents.js';
import { toLspDiagnostic } from '../../server/lsp-convert.js';
import { codeActions } from '../../server/features.js';
import { arbRequirement } from '../grammar/arbitrary.js';
import { rng } from '../support/random.js';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const EXAMPLES = path.join(REPO, 'examples');

const LANGUAGE: Record<string, string> = { '.csreq': 'csreq', '.rqset': 'csreq', '.swift': 'swift', '.m': 'objective-c', '.c': 'c', '.h': 'c', '.sh': 'shellscript', '.plist': 'plist' };

function exampleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    // samples/ holds fetched macOS binaries (npm run samples), not examples.
    if (e.isDirectory()) {
      if (e.name !== 'samples') out.push(...exampleFiles(full));
    }
    else if (LANGUAGE[path.extname(e.name)]) out.push(full);
  }
  return out.sort();
}

const analyse = (text: string, languageId: string, uri = 'file:///w/doc') => analyzeDocument(uri, 1, languageId, text, {});

const PRECEDENCE = /binds tighter than `or`/;

const parseErrorCount = (s: DocState) => s.views.reduce((n, v) => n + v.analysis.parse.diagnostics.filter((d) => d.severity === 'error').length, 0);

const hasParseError = (s: DocState) => s.views.some((v) => v.analysis.parse.diagnostics.some((d) => d.severity === 'error'));

function codeCounts(s: DocState): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of s.diagnostics) m.set(d.code, (m.get(d.code) ?? 0) + 1);
  return m;
}

function apply(text: string, languageId: string, action: CodeAction): string {
  const edits = Object.values(action.edit?.changes ?? {}).flat();
  return TextDocument.applyEdits(TextDocument.create('file:///w/doc', languageId, 1, text), edits);
}

interface Problem {
  text: string;
  fix: string;
  after: string;
  why: string;
}

/** Every quick fix of every finding of `text`, applied one at a time; what went wrong, if anything. */
function checkFixes(text: string, languageId: string): { problems: Problem[]; applied: number } {
  const state = analyse(text, languageId);
  const problems: Problem[] = [];
  let applied = 0;
  const before = codeCounts(state);
  const parsedBefore = !hasParseError(state);
  for (const d of state.diagnostics) {
    if (!d.fixes?.length) continue;
    const range: LspRange = toLspDiagnostic(d).range;
    const menu = codeActions(state, range, d.range.start.offset, undefined);
    const titles = menu.map((a) => a.title);
    const dup = titles.find((t, i) => titles.indexOf(t) !== i);
    if (dup) problems.push({ text, fix: dup, after: '', why: `the menu at ${d.code} lists "${dup}" twice: ${JSON.stringify(titles)}` });
    // Applied by offsets (as the server computes them), each at its own finding; the menu must offer it.
    for (const fix of d.fixes) {
      const action = { title: fix.title };
      if (!titles.includes(fix.title)) problems.push({ text, fix: fix.title, after: '', why: `the menu at ${d.code} does not offer "${fix.title}": ${JSON.stringify(titles)}` });
      const after = text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset);
      applied++;
      const fixed = analyse(after, languageId);
      if (parsedBefore && hasParseError(fixed)) {
        problems.push({ text, fix: action.title, after, why: 'the result does not parse' });
        continue;
      }
      // Text that does not parse is linted on the parser's recovery: there a fix must only not add parse errors.
      if (!parsedBefore) {
        if (parseErrorCount(fixed) > parseErrorCount(state)) problems.push({ text, fix: action.title, after, why: 'the fix adds a parse error' });
        continue;
      }
      for (const [code, n] of codeCounts(fixed)) {
        if (n > (before.get(code) ?? 0) && /^CSR0/.test(code)) {
          const added = fixed.diagnostics.filter((x) => x.code === code).map((x) => x.message);
          problems.push({ text, fix: action.title, after, why: `new ${code} finding: ${added.join(' | ')}` });
        }
      }
      const precedence = (s: DocState) => s.diagnostics.filter((x) => x.code === 'CSR110' && PRECEDENCE.test(x.message)).length;
      if (precedence(fixed) > precedence(state)) problems.push({ text, fix: action.title, after, why: 'new unparenthesised `and` inside `or` (CSR110)' });
      // Gone from where it was (the same words may stand elsewhere, for another copy of the clause).
      const same = (s: DocState) => s.diagnostics.filter((x) => x.code === d.code && x.message === d.message && x.range.start.offset === d.range.start.offset).length;
      if (same(fixed) >= same(state)) problems.push({ text, fix: action.title, after, why: `the ${d.code} finding it fixes is still there: ${d.message}` });
    }
  }
  return { problems, applied };
}

const report = (ps: Problem[]) => {
  const groups = new Map<string, Problem>();
  for (const p of ps) {
    const key = `${p.fix} → ${p.why.slice(0, 60)}`;
    if (!groups.has(key)) groups.set(key, p);
  }
  return [...groups.entries()].map(([k, p]) => `${k}\n  on: ${p.text.slice(0, 300)}\n  gives: ${p.after.slice(0, 300)}`).join('\n');
};
describe('quick fixes never produce a new finding', () => {
  it('on every example file: each fix applied parses and adds no finding; no duplicate actions in a menu', () => {
    const files = exampleFiles(EXAMPLES);
    assert.ok(files.length >= 5, `example files found: ${files.join(', ')}`);
    let applied = 0;
    const problems: Problem[] = [];
    for (const f of files) {
      const r = checkFixes(readFileSync(f, 'utf8'), LANGUAGE[path.extname(f)]!);
      applied += r.applied;
      problems.push(...r.problems.map((p) => ({ ...p, text: `${path.relative(REPO, f)}: ${p.text.slice(0, 200)}` })));
    }
    assert.ok(applied >= 5, `quick fixes were offered and applied (${applied})`);
    assert.ok(problems.length === 0, report(problems));
  });

  it('on `identifier … or …`: "Add an Apple anchor and a team check" parenthesises the branch (no CSR110)', () => {
    const text = 'identifier "com.example.a" or identifier "com.example.b"';
    const state = analyse(text, 'csreq');
    const d = state.diagnostics.find((x) => x.code === 'CSR101')!;
    const menu = codeActions(state, toLspDiagnostic(d).range, d.range.start.offset, ['quickfix']);
    const fix = menu.find((a) => a.title === 'Add an Apple anchor and a team check');
    assert.ok(fix, JSON.stringify(menu.map((a) => a.title)));
    assert.equal(apply(text, 'csreq', fix), '(identifier "com.example.a" and anchor apple generic and certificate leaf[subject.OU] = "TEAMID") or identifier "com.example.b"');
    assert.deepEqual(checkFixes(text, 'csreq').problems, []);
  });

  it('examples/insecure.csreq (it also holds an unquoted team ID, a syntax error): "Add an Apple anchor and a team check" is offered and parenthesises', () => {
    const text = readFileSync(path.join(EXAMPLES, 'insecure.csreq'), 'utf8');
    const state = analyse(text, 'csreq');
    const d = state.diagnostics.find((x) => x.code === 'CSR101')!;
    const fix = d.fixes?.find((f) => f.title === 'Add an Apple anchor and a team check');
    assert.ok(fix, JSON.stringify(d.fixes));
    const after = text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset);
    assert.match(after, /^\(identifier "com\.example\.helper" and anchor apple generic and certificate leaf\[subject\.OU\] = "TEAMID"\) or certificate/m);
  });

  it('a quick fix and a refactoring with the same words are listed once (the quick fix)', () => {
    const text = 'certificate leaf[subject.OU] = "ABCDE12345"';
    const state = analyse(text, 'csreq');
    const d = state.diagnostics.find((x) => x.code === 'CSR103')!;
    const menu = codeActions(state, toLspDiagnostic(d).range, d.range.start.offset, undefined);
    const same = menu.filter((a) => a.title === 'Add `anchor apple generic`');
    assert.equal(same.length, 1, JSON.stringify(menu.map((a) => [a.title, a.kind])));
    assert.equal(same[0]!.kind, 'quickfix');
  });

  it('on generated requirements (the grammar tests\' corpus, canonical text): every fix parses and adds no finding', () => {
    let applied = 0;
    const problems: Problem[] = [];
    // A fixed sample (seeded), so a failure names its input and replays.
    for (const req of fc.sample(arbRequirement({ textual: true, maxDepth: 4 }), { numRuns: 300, seed: 17 })) {
      const r = checkFixes(printCanonical(req.expr!), 'csreq');
      applied += r.applied;
      problems.push(...r.problems);
    }
    assert.ok(problems.length === 0, report(problems));
    assert.ok(applied > 0, 'some generated requirements were offered fixes');
  });

  it('on generated `and`/`or` mixes written as people write them (few parentheses): every fix parses and adds no finding', () => {
    const clauses = [
      'identifier "com.example.app"',
      'info[CFBundleIdentifier] = com.example.*',
      'anchor apple generic',
      'anchor apple',
      'anchor trusted',
      'certificate leaf[subject.OU] = "ABCDE12345"',
      'certificate leaf[subject.CN] = "Apple Development: Someone"',
      'certificate 1[field.1.2.840.113635.100.6.2.6] exists',
      'certificate leaf[field.1.2.840.113635.100.6.1.13] exists',
      'info[CFBundleVersion] >= "2"',
      'entitlement["com.apple.security.get-task-allow"] absent',
      '! entitlement["com.apple.security.cs.disable-library-validation"]',
      'notarized',
      'always',
      'cdhash H"0123456789abcdef0123456789abcdef01234567"',
    ];
    const next = rng(17);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const gen = (depth: number): string => {
      if (depth === 0 || next() < 0.35) return pick(clauses);
      const parts = Array.from({ length: 2 + Math.floor(next() * 2) }, () => gen(depth - 1));
      let out = parts[0]!;
      for (const p of parts.slice(1)) out += ` ${next() < 0.5 ? 'and' : 'or'} ${p}`;
      return next() < 0.3 ? `(${out})` : out;
    };
    let applied = 0;
    const problems: Problem[] = [];
    for (let i = 0; i < 250; i++) {
      const r = checkFixes(gen(3), 'csreq');
      applied += r.applied;
      problems.push(...r.problems);
    }
    assert.ok(applied > 100, `fixes applied: ${applied}`);
    assert.ok(problems.length === 0, report(problems));
  });
});
