/**
 * Runs the registry's checks over one requirement (lintRequirement) or one
 * host document (lintHost). The checks themselves are in the rule modules.
 */
import type { Expr, Requirement } from '../../grammar/ast.js';
import type { TextFix } from '../../grammar/diagnostics.js';
import { branchFacts, disjuncts, type Branch, type BranchFacts } from '../analysis/branches.js';
import { children } from '../analysis/exprs.js';
import type { LineIndex } from '../analysis/text.js';
import { RULES } from './index.js';
import type { BranchContext, Finding, RequirementContext } from './types.js';

export interface RuleContext {
  text: string;
  index: LineIndex;
  privileged: boolean;
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
  const base: RequirementContext = { text: rc.text, index: rc.index, root, range };
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
    append(f, title, clause): TextFix[] {
      if (!extendable(root, f)) return [];
      const end = f.branch.range.end.offset;
      return [{ title, range: range(end, end), newText: ` and ${clause}` }];
    },
    prepend(f, title, clause): TextFix[] {
      if (!extendable(root, f)) return [];
      const start = f.branch.range.start.offset;
      return [{ title, range: range(start, start), newText: `${clause} and ` }];
    },
  };
  const flagged = new Set<BranchFacts>();
  for (const f of facts) {
    for (const rule of RULES) {
      const check = f.alwaysTrue ? rule.alwaysTrue : rule.branch;
      if (!check) continue;
      const found = check(f, ctx);
      out.push(...found);
      if (found.length > 0 && rule.marksBranch) flagged.add(f);
    }
  }
  if (!complete) return dedupe(out);

  for (const rule of RULES) if (rule.branches) out.push(...rule.branches(facts, { ...ctx, flagged }));
  return dedupe(out);
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
