/**
 * The one result of "does this code satisfy this requirement?", with one
 * verdict vocabulary, for every door: `csrl check --json` prints it, the
 * language server's test commands return it, the extension shows it.
 */
import type { Requirement } from '../grammar/ast.js';
import { evaluate, type EvalNode, type Verdict } from '../validator/evaluate/evaluate.js';
import { postureReport, type PostureItem } from '../validator/posture.js';
import type { Problem } from '../validator/problems.js';
import type { CodeReport } from '../validator/read.js';
import type { AppleSide } from './apple/verdict.js';
import type { PidTarget } from './process-target.js';
import { instantOf, type CheckTime } from './time.js';

/** The clause tree of a slice, as the evaluator explains it; front ends walk it through these. */
export type { EvalNode, Verdict };
export { flatChildren } from '../validator/evaluate/tree.js';

export type OverallVerdict = 'satisfied' | 'unsatisfied' | 'undetermined' | 'invalid';

export interface SliceResult {
  arch: string;
  verdict: OverallVerdict;
  /** Why the slice cannot be checked (verdict `invalid`). */
  invalidReason?: string;
  status: 'unsigned' | 'adhoc' | 'signed';
  tree: EvalNode | null;
  posture: PostureItem[];
  problems: Problem[];
}

export interface CheckResult {
  verdict: OverallVerdict;
  requirement: string;
  path: string;
  slices: SliceResult[];
  error?: { code: string; message: string };
  /** A process check: the process and the file that was checked. */
  target?: PidTarget | { kind: 'static-file-check'; pid: number };
  /** macOS: Apple's verdict on the same code and requirement, compared with ours. */
  apple?: AppleSide;
}

function sliceVerdict(v: Verdict): OverallVerdict {
  return v === 'true' ? 'satisfied' : v === 'false' ? 'unsatisfied' : 'undetermined';
}

/**
 * Evaluates the requirement on every slice of a read report. An unsigned
 * slice or a signature that does not verify is `invalid`, whatever the
 * clauses say: a tampered binary never satisfies anything. Pure, so tests
 * can drive it with synthetic reports.
 */
export function checkReport(report: CodeReport, requirement: Requirement, text: string, target: string, at: CheckTime = 'signing-time'): CheckResult {
  const slices = report.slices.map((slice): SliceResult => {
    const problems = slice.verification.problems;
    const facts = slice.facts;
    const postureAt = instantOf(at, slice.verification.at ?? facts.secureTimestamp ?? facts.signingTime);
    const base = { arch: slice.arch, status: slice.status, problems, posture: postureReport(facts, undefined, { at: postureAt }) };
    if (slice.status === 'unsigned') {
      return { ...base, verdict: 'invalid', invalidReason: 'the slice is not signed', tree: null };
    }
    const tree = evaluate(requirement, facts);
    if (!slice.verification.ok) {
      const errors = problems.filter((p) => p.severity === 'error');
      const shown = errors.slice(0, 3).map((p) => `${p.message} [${p.code}]`);
      if (errors.length > 3) shown.push(`and ${errors.length - 3} more`);
      const why = shown.length > 0 ? shown.join('; ') : 'the signature did not verify';
      return { ...base, verdict: 'invalid', invalidReason: `invalid signature: ${why}`, tree };
    }
    return { ...base, verdict: sliceVerdict(tree.verdict), tree };
  });
  return { verdict: overall(slices.map((s) => s.verdict)), requirement: text, path: target, slices };
}

/** Every slice must pass: one invalid slice makes the whole invalid, then any failure fails it, then any doubt. */
export function overall(verdicts: OverallVerdict[]): OverallVerdict {
  if (verdicts.length === 0) return 'invalid';
  for (const v of ['invalid', 'unsatisfied', 'undetermined'] as const) if (verdicts.includes(v)) return v;
  return 'satisfied';
}

/** A check that could not start or could not read the code: `invalid`, with why. */
export function failedResult(requirement: string, target: string, error: { code: string; message: string }, extra: Pick<CheckResult, 'target' | 'apple'> = {}): CheckResult {
  return { verdict: 'invalid', requirement, path: target, slices: [], error, ...extra };
}
