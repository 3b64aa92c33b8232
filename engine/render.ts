/**
 * The words a check result is shown in, for every door that shows text (the
 * CLI, the extension's output and hovers): one verdict vocabulary, one way
 * of drawing the clause tree. Values that come from inspected code are shown
 * on one line each, so they cannot fake a line of their own.
 */
import { basename } from 'node:path';
import type { EvalNode, Verdict } from '../validator/evaluate/evaluate.js';
import { flatChildren } from '../validator/evaluate/tree.js';
import { oneLine } from '../validator/printable.js';
import { appleLines, disagreementLine, type AppleSide } from './apple/verdict.js';
import type { PidTarget } from './process-target.js';
import type { CheckResult, OverallVerdict } from './result.js';
import type { LwcrCheckResult, LwcrEvalNode } from './lwcr.js';

export const CLAUSE_MARK: Record<Verdict, string> = { true: '✔', false: '✘', undetermined: '?' };

/** The verdict in words, as every door says it. */
export const VERDICT_WORDS: Record<OverallVerdict, string> = { satisfied: 'satisfied', unsatisfied: 'not satisfied', undetermined: 'undetermined', invalid: 'cannot be checked' };

function renderTree(root: EvalNode, out: string[]): void {
  // Iterative: a requirement of many thousand clauses must not exhaust the stack.
  const stack: { n: EvalNode; indent: string }[] = [{ n: root, indent: '  ' }];
  while (stack.length > 0) {
    const { n, indent } = stack.pop()!;
    const mark = CLAUSE_MARK[n.verdict];
    const reason = n.reason ? ` [${oneLine(n.reason)}]` : '';
    if (n.kind === 'and' || n.kind === 'or') {
      out.push(`${indent}${mark} ${n.kind === 'and' ? 'all of' : 'any of'}: ${oneLine(n.explanation)}${reason}`);
    } else if (n.kind === 'not') {
      out.push(`${indent}${mark} not: ${oneLine(n.explanation)}${reason}`);
    } else {
      out.push(`${indent}${mark} ${oneLine(n.clause)}`);
      out.push(`${indent}    ${oneLine(n.explanation)}${reason}`);
    }
    const children = flatChildren(n);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ n: children[i]!, indent: indent + '  ' });
  }
}

/** The clause-by-clause report of every slice and the overall line (`csrl check` without --json). */
export function renderText(result: CheckResult): string {
  const out: string[] = [];
  const shownPath = oneLine(result.path);
  for (const s of result.slices) {
    sliceHead(shownPath, s, out);
    if (s.tree) renderTree(s.tree, out);
    sliceWarnings(s, out);
    if (s.posture.length > 0) {
      out.push('  posture:');
      for (const p of s.posture) out.push(`    ${p.severity === 'warning' ? '!' : '·'} ${oneLine(p.message)} [${p.code}]`);
    }
  }
  out.push(resultLine(result));
  return out.join('\n') + '\n';
}

/** A slice's first line: where, which architecture, the verdict in words and why it cannot be checked. */
export function sliceHead(shownPath: string, s: { arch: string; verdict: OverallVerdict; invalidReason?: string | undefined }, out: string[]): void {
  out.push(`${shownPath} (${oneLine(s.arch)}): ${VERDICT_WORDS[s.verdict]}${s.invalidReason ? `: ${oneLine(s.invalidReason)}` : ''}`);
}

/** The signature's warnings under a slice. */
export function sliceWarnings(s: { problems: readonly { severity: string; message: string; code: string }[] }, out: string[]): void {
  for (const p of s.problems.filter((p) => p.severity === 'warning')) out.push(`  warning: ${oneLine(p.message)} [${p.code}]`);
}

/** The last line of a check in text: the overall verdict and how many slices said what. */
export function resultLine(result: { verdict: OverallVerdict; slices: readonly { verdict: OverallVerdict }[] }): string {
  const n = result.slices.length;
  const counts = (['satisfied', 'unsatisfied', 'undetermined', 'invalid'] as const)
    .map((v) => [v, result.slices.filter((s) => s.verdict === v).length] as const)
    .filter(([, c]) => c > 0)
    .map(([v, c]) => `${c} ${VERDICT_WORDS[v]}`);
  return `result: ${VERDICT_WORDS[result.verdict]} (${n} slice${n === 1 ? '' : 's'}: ${counts.join(', ')})`;
}

/** Why a check could not be made, in one line (the result has no slices). */
export function failureLine(result: CheckResult): string {
  const e = result.error;
  if (!e) return `${oneLine(result.path)}: ${VERDICT_WORDS[result.verdict]}`;
  if (e.code === 'requirement-invalid' || e.code.startsWith('process-') || e.code === 'native-unavailable' || e.code === 'access-denied' || e.code === 'native-error') return oneLine(e.message);
  if (result.target && 'executablePath' in result.target) {
    const pid = result.target.pid;
    const reason = oneLine(e.message);
    // The reader's message may already be a sentence about the process ("process N runs X, which was deleted…"):
    // then it is the whole message, capitalised, rather than a second subject glued onto it.
    if (reason.startsWith(`process ${pid} `)) return `P${reason.slice(1)}`;
    // The file was read through the process (/proc/PID/exe): naming that path again adds nothing.
    const why = reason.startsWith(`/proc/${pid}/exe: `) ? reason.slice(`/proc/${pid}/exe: `.length) : reason;
    return `${oneLine(result.path)}, the executable of process ${pid}, cannot be checked: ${e.code === 'not-macho' && !/Mach-O|code signature/.test(why) ? 'not Mach-O: ' : ''}${why}`;
  }
  return `${oneLine(result.path)}: cannot be checked: ${withoutSameFile(oneLine(e.message), result.path)}`;
}

/**
 * The reader's message without its leading "FILE: " when FILE is the file the
 * line already names (the same path, or the path with its links resolved, such
 * as /usr/bin/ls for /bin/ls); a file inside a bundle stays named.
 */
function withoutSameFile(message: string, target: string): string {
  const colon = message.indexOf(': ');
  if (colon <= 0) return message;
  const file = message.slice(0, colon);
  return file === target || (file.includes('/') && basename(file) === basename(target)) ? message.slice(colon + 2) : message;
}

/**
 * The one-line headline of a check, for the editor's code lens, the results
 * view and the notification: one verdict, the overall one ("✘ fails for
 * sentry-cli (arm64): leaf subject.OU", "✘ notes.txt (x86_64) cannot be
 * checked: the slice is not signed"). The part before the first colon is the
 * short form the results view shows as its header.
 */
export function resultHeadline(result: CheckResult | LwcrCheckResult, targetName: string): string {
  const name = oneLine(targetName);
  switch (result.verdict) {
    case 'invalid': {
      const s = result.slices.find((x) => x.verdict === 'invalid');
      return s ? `✘ ${name} (${oneLine(s.arch)}) cannot be checked: ${oneLine(s.invalidReason ?? 'invalid signature')}` : `✘ ${name} cannot be checked`;
    }
    case 'unsatisfied': {
      const s = result.slices.find((x) => x.verdict === 'unsatisfied');
      const bad = !s?.tree ? undefined : 'language' in result ? firstFailingLwcrFact(s.tree as LwcrEvalNode) : firstFailingLeaf(s.tree as EvalNode);
      return `✘ fails for ${name}${s ? ` (${oneLine(s.arch)})` : ''}${bad ? `: ${oneLine(bad.clause)}` : ''}`;
    }
    case 'undetermined':
      return `? undetermined for ${name}: only a Mac can decide some clauses`;
    case 'satisfied':
      return `✔ satisfied by ${name} (${result.slices.map((s) => oneLine(s.arch)).join(', ')})`;
  }
}

function firstFailingLwcrFact(root: LwcrEvalNode): LwcrEvalNode | undefined {
  const stack: LwcrEvalNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.children.length === 0) {
      if (n.verdict === 'false') return n;
      continue;
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return undefined;
}

function firstFailingLeaf(root: EvalNode): EvalNode | undefined {
  const stack: EvalNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const kids = flatChildren(n);
    if (n.kind === 'not' || kids.length === 0) {
      if (n.verdict === 'false') return n;
      continue;
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return undefined;
}

/** Apple's side, shown after ours. */
export function renderApple(a: AppleSide): string {
  const out = appleLines(a);
  if (a.comparison?.outcome === 'not-comparable' && a.verdict !== 'not-checked') out.push(`  not compared: ${a.comparison.sentence}`);
  if (a.disagreement) out.push(disagreementLine(a.disagreement));
  return out.join('\n') + '\n';
}

/** The label printed with every process result, so nobody mistakes it for a check of the live process. */
export function pidLabel(t: PidTarget): string {
  return [
    `Process ${t.pid}: STATIC CHECK OF THE FILE ON DISK (static-file-check), point-in-time at ${t.checkedAt}`,
    `  executable: ${oneLine(t.executablePath)}`,
    `  identity: ${t.identity.startTime}${t.identity.uniqueId !== undefined ? ` unique id ${t.identity.uniqueId}` : ''}`,
    `  note: ${oneLine(t.note)}`,
  ].join('\n') + '\n';
}
