/**
 * Runs the registry's checks over one requirement (lintRequirement) or one
 * host document (lintHost). The checks themselves are in the rule modules.
 */
import type { Expr, Range, Requirement } from '../../grammar/ast.js';
import { branchFacts, cover, disjuncts, type Branch, type BranchFacts } from '../analysis/branches.js';
import { children } from '../analysis/exprs.js';
import type { LineIndex } from '../analysis/text.js';
import { RULES } from './index.js';
import type { BranchContext, Finding, RequirementContext } from './types.js';

export interface RuleContext {
  text: string;
  index: LineIndex;
  privileged: boolean;
  /** See RequirementContext.release. */
  release?: boolean;
}

interface Located { node: Expr; parent: Expr | undefined }

function findNode(root: Expr, range: Branch['range']): Located | undefined {
  // Iterative: `and`/`or` chains nest as deep as they are long.
  const stack: Located[] = [{ node: root, parent: undefined }];
  while (stack.length) {
    const at = stack.pop()!;
    const r = at.node.range;
    // The outermost node with this range wins: an `and` chain shares its end with its last operand.
    if (r.start.offset === range.start.offset && r.end.offset === range.end.offset) return at;
    if (r.start.offset > range.start.offset || r.end.offset < range.end.offset) continue;
    for (const c of children(at.node)) stack.push({ node: c, parent: at.node });
  }
  return undefined;
}

/**
 * Whether ` and X` can be appended after the branch (or `X and ` prepended
 * before it) without changing what the rest means: the branch must be one
 * source node that is not an `or` and does not sit directly under `!`.
 */
function extendable(root: Expr, f: BranchFacts): Located | undefined {
  const at = findNode(root, f.branch.range);
  if (!at || at.node.kind === 'or' || at.parent?.kind === 'not') return undefined;
  return at;
}

export function lintRequirement(req: Requirement, rc: RuleContext): Finding[] {
  const root = req.expr;
  if (!root) return [];
  const out: Finding[] = [];
  const range = (start: number, end: number) => rc.index.range(start, end);
  const base: RequirementContext = { text: rc.text, index: rc.index, root, range, release: rc.release ?? rc.privileged };
  for (const rule of RULES) if (rule.requirement) out.push(...rule.requirement(base));

  const branches = disjuncts(root) ?? topLevelDisjuncts(root);
  if (!branches) return out;
  const all = branches.map(branchFacts).filter((f) => !f.dead);
  // Branches holding a parse-error placeholder are not judged: what is missing may be the part
  // that could not be read. Checks that compare branches need them all.
  const complete = !all.some((f) => f.broken);
  const facts = all.filter((f) => !f.broken);
  const teamText = facts.find((f) => f.teamOU)?.teamOU?.value ?? 'TEAMID';
  const ctx: BranchContext = {
    ...base,
    facts,
    teamText,
    teamClause: `certificate leaf[subject.OU] = ${JSON.stringify(teamText)}`,
  };
  const flagged = new Set<BranchFacts>();
  const perBranch: BranchFinding[] = [];
  for (const f of facts) {
    for (const rule of RULES) {
      const check = f.alwaysTrue ? rule.alwaysTrue : rule.branch;
      if (!check) continue;
      const found = check(f, ctx);
      for (const finding of found) perBranch.push({ finding, facts: f });
      if (found.length > 0 && rule.marksBranch) flagged.add(f);
    }
  }
  out.push(...oncePerCause(perBranch, facts.length, root, range));
  if (!complete) return dedupe(out);

  for (const rule of RULES) if (rule.branches) out.push(...rule.branches(facts, { ...ctx, flagged }).map((x) => withClauseFix(x, undefined, root, range)));
  return dedupe(out);
}

interface BranchFinding { finding: Finding; facts: BranchFacts }

/**
 * One finding per cause and range. The branches of `X and (A or B)` share
 * `X`, so a clause missing from `X` (no minimum version, no anti-injection
 * clause) is missing from both: the findings of overlapping branches with the
 * same code and message are merged into one over the branches they cover (the
 * whole requirement when every branch has it), instead of one per branch
 * starting at the same place. Branches side by side (`identifier "a" or
 * identifier "b"`) are separate causes and stay separate.
 */
function oncePerCause(found: readonly BranchFinding[], branchCount: number, root: Expr, range: (s: number, e: number) => Range): Finding[] {
  const groups = new Map<string, BranchFinding[]>();
  for (const x of found) {
    const k = `${x.finding.code}\0${x.finding.message}`;
    const g = groups.get(k);
    if (g) g.push(x);
    else groups.set(k, [x]);
  }
  const out: Finding[] = [];
  for (const group of groups.values()) {
    // Only findings over their whole branch are merged; a finding on one literal keeps its range.
    const whole: BranchFinding[] = [];
    for (const x of group) {
      if (sameRange(x.finding.range, x.facts.branch.range)) whole.push(x);
      else out.push(withClauseFix(x.finding, x.facts, root, range));
    }
    whole.sort((a, b) => a.finding.range.start.offset - b.finding.range.start.offset);
    let run: BranchFinding[] = [];
    const flush = () => {
      if (run.length === 0) return;
      if (run.length === 1) out.push(withClauseFix(run[0]!.finding, run[0]!.facts, root, range));
      else {
        const first = run[0]!.finding;
        const everyBranch = new Set(run.map((x) => x.facts)).size === branchCount;
        const merged: Finding = { ...first, range: everyBranch ? root.range : cover(run.map((x) => x.finding.range)) };
        delete merged.fixes;
        out.push(withClauseFix(merged, everyBranch ? 'root' : undefined, root, range));
      }
      run = [];
    };
    let end = -1;
    for (const x of whole) {
      if (x.finding.range.start.offset >= end) flush();
      run.push(x);
      end = Math.max(end, x.finding.range.end.offset);
    }
    flush();
  }
  return out;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.offset === b.start.offset && a.end.offset === b.end.offset;
}

/**
 * The fix of a finding's missing clause: after (or before) its branch when
 * that keeps the rest's meaning, after (or before) the whole requirement when
 * the finding stands for every branch and the requirement is not an `or`.
 */
function withClauseFix(f: Finding, where: BranchFacts | 'root' | undefined, root: Expr, range: (s: number, e: number) => Range): Finding {
  const { clause, ...rest } = f;
  if (!clause) return f;
  let at: Range | undefined;
  if (where === 'root') at = root.kind === 'or' ? undefined : root.range;
  else if (where) at = extendable(root, where) ? where.branch.range : undefined;
  if (!at) return { ...rest, fixes: rest.fixes ?? [] };
  const fix = clause.at === 'end'
    ? { title: clause.title, range: range(at.end.offset, at.end.offset), newText: ` and ${clause.text}` }
    : { title: clause.title, range: range(at.start.offset, at.start.offset), newText: `${clause.text} and ` };
  return { ...rest, fixes: [...(rest.fixes ?? []), fix] };
}

/** Findings of the rules that look at a host document itself (R12, R13), in host coordinates. */
export function lintHost(hostText: string, languageId: string, index: LineIndex): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) if (rule.host) out.push(...rule.host(hostText, languageId, index));
  return out;
}

/** Most top-level `or` operands looked at when the whole expansion is too large. */
const MAX_TOP_LEVEL = 10_000;

/**
 * Fallback for requirements whose full expansion is too large: each operand
 * of the outermost `or` chain is expanded on its own, and operands that are
 * still too large are left out.
 */
function topLevelDisjuncts(root: Expr): Branch[] | undefined {
  const operands: Expr[] = [];
  const stack: Expr[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind === 'or') stack.push(e.right, e.left);
    else operands.push(e);
    if (operands.length > MAX_TOP_LEVEL) return undefined;
  }
  if (operands.length < 2) return undefined;
  const out: Branch[] = [];
  for (const op of operands) out.push(...(disjuncts(op, 16) ?? []));
  return out;
}

/** Most findings reported for one requirement, so a hostile text cannot flood the client. */
export const MAX_FINDINGS = 500;

function dedupe(fs: Finding[]): Finding[] {
  const seen = new Set<string>();
  return fs.slice(0, MAX_FINDINGS * 4).filter((f) => {
    const k = `${f.code}:${f.range.start.offset}:${f.range.end.offset}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return seen.size <= MAX_FINDINGS;
  });
}
