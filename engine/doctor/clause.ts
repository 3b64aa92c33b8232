/**
 * Which clause broke a requirement, read off the evaluator's tree: follow
 * the children that share the root's verdict down to a leaf (or to a `not`,
 * whose child holds the opposite verdict), and name that clause with the
 * evidence the evaluator gave for it.
 */
import { flatChildren, type CheckResult, type EvalNode, type OverallVerdict, type SliceResult } from '../result.js';
import { oneLine } from '../../validator/printable.js';
import type { RelationshipSlice } from './types.js';

export function failingClause(tree: EvalNode): { clause: string; fact: string } {
  let n = tree;
  // Iterative: a long chain must not exhaust the stack.
  for (;;) {
    if (n.kind === 'not') break;
    const next = flatChildren(n).find((c) => c.verdict === n.verdict);
    if (!next) break;
    n = next;
  }
  const reason = n.reason ? ` [${n.reason}]` : '';
  return { clause: oneLine(n.clause), fact: oneLine(n.explanation) + reason };
}

export function sliceOfCheck(s: SliceResult): RelationshipSlice {
  const out: RelationshipSlice = { arch: s.arch, verdict: s.verdict };
  if (s.verdict === 'satisfied') return out;
  if (s.verdict === 'invalid') {
    out.clause = 'the signature verifies';
    out.fact = oneLine(s.invalidReason ?? 'the signature did not verify');
    return out;
  }
  if (s.tree) Object.assign(out, failingClause(s.tree));
  return out;
}

export function slicesOfCheck(r: CheckResult): RelationshipSlice[] {
  return r.slices.map(sliceOfCheck);
}

export const RANK: Record<OverallVerdict, number> = { satisfied: 0, undetermined: 1, unsatisfied: 2, invalid: 3 };
