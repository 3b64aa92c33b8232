/**
 * Runs the registry's checks over one requirement (lintRequirement) or one
 * host document (lintHost). The checks themselves are in the rule modules.
 */
import type { Expr, Range, Requirement } from '../../grammar/ast.js';
import { parse } from '../../grammar/parser.js';
import type { TextFix } from '../../grammar/diagnostics.js';
import { branchFacts, cover, disjuncts, type Branch, type BranchFacts } from '../analysis/branches.js';
import { children } from '../analysis/exprs.js';
import { enclosedInParens, type LineIndex } from '../analysis/text.js';
import { RULES } from './index.js';
import type { BranchContext, BranchesContext, Finding, RequirementContext, RuleDefinition } from './types.js';

export interface RuleContext {
  text: string;
  index: LineIndex;
  privileged: boolean;
  /** See RequirementContext.release. */
  release?: boolean;
  /**
   * Whether findings of a code are reported (its severity is not `off`). The
   * checks of the others are not run (in the default context CSR107 and
   * CSR108 are off, and ran on every branch of every requirement), and
   * nothing of theirs counts against the per-requirement cap (MAX_FINDINGS)
   * or the fix-check budget: both are spent only on what is reported.
   */
  reported?: (code: string) => boolean;
  /** The fix-check state of the analysis this requirement belongs to (newFixCheck); one of its own when absent. */
  fixCheck?: FixCheck;
}

interface Located { node: Expr; parent: Expr | undefined; underNot: boolean }

function findNode(root: Expr, range: Branch['range']): Located | undefined {
  // Iterative: `and`/`or` chains nest as deep as they are long.
  const stack: Located[] = [{ node: root, parent: undefined, underNot: false }];
  while (stack.length) {
    const at = stack.pop()!;
    const r = at.node.range;
    // The outermost node with this range wins: an `and` chain shares its end with its last operand.
    if (r.start.offset === range.start.offset && r.end.offset === range.end.offset) return at;
    if (r.start.offset > range.start.offset || r.end.offset < range.end.offset) continue;
    for (const c of children(at.node)) stack.push({ node: c, parent: at.node, underNot: at.underNot || at.node.kind === 'not' });
  }
  return undefined;
}

/**
 * A fix conjoining `clause` with the source node at `range` (` and X` after
 * it, or `X and ` before it) without changing what the rest means: the node
 * must be one source node that is not an `or` and has no `!` above it. As an operand of `or` the result is parenthesised, so the fix
 * does not itself create an unparenthesised `a and b or c` (CSR110).
 */
function conjoinFix(root: Expr, text: string, range: Branch['range'], index: LineIndex, title: string, clause: string, side: 'append' | 'prepend'): TextFix[] {
  const at = findNode(root, range);
  // Under `!` anywhere above, a stronger clause would make the negation weaker: no fix.
  if (!at || at.node.kind === 'or' || at.underNot) return [];
  const start = range.start.offset;
  // A wildcard's `*` (`identifier com.example.*`) follows the value's range: the clause ends after it.
  const end = text[range.end.offset] === '*' ? range.end.offset + 1 : range.end.offset;
  if (at.parent?.kind === 'or' && !enclosedInParens(text, start, end)) {
    const body = text.slice(start, end);
    return [{ title, range: index.range(start, end), newText: side === 'append' ? `(${body} and ${clause})` : `(${clause} and ${body})` }];
  }
  return side === 'append' ? [{ title, range: index.range(end, end), newText: ` and ${clause}` }] : [{ title, range: index.range(start, start), newText: `${clause} and ` }];
}

/** A fix replacing the source node at `range` by `and`-joined clauses, parenthesised where `or` or `!` would otherwise regroup them. */
function replaceFix(root: Expr, text: string, range: Branch['range'], index: LineIndex, title: string, newText: string): TextFix[] {
  const at = findNode(root, range);
  const start = range.start.offset;
  const end = range.end.offset;
  const wrap = / and /.test(newText) && (at?.parent?.kind === 'or' || at?.parent?.kind === 'not') && !enclosedInParens(text, start, end);
  return [{ title, range: index.range(start, end), newText: wrap ? `(${newText})` : newText }];
}

export function lintRequirement(req: Requirement, rc: RuleContext): Finding[] {
  const root = req.expr;
  if (!root) return [];
  const out: Finding[] = [];
  const range = (start: number, end: number) => rc.index.range(start, end);
  const base: RequirementContext = { text: rc.text, index: rc.index, root, range, release: rc.release ?? rc.privileged };
  const { on, branchChecks } = rulesReported(rc.reported);
  for (const rule of on) if (rule.requirement) out.push(...rule.requirement(base));

  const branches = disjuncts(root) ?? topLevelDisjuncts(root);
  if (!branches) return out;
  // Plain loops rather than map and filter: arrays those make when optimised have another shape than
  // when not, and V8 then throws away and compiles again this function, with all it inlines.
  const facts: BranchFacts[] = [];
  // Branches holding a parse-error placeholder are not judged: what is missing may be the part
  // that could not be read. Checks that compare branches need them all.
  let complete = true;
  for (const branch of branches) {
    const f = branchFacts(branch);
    if (f.dead) continue;
    if (f.broken) complete = false;
    else facts.push(f);
  }
  const teamText = facts.find((f) => f.teamOU)?.teamOU?.value ?? 'TEAMID';
  // Written out rather than spread from `base`: V8 builds `{ ...base, more }` in a slow
  // generic way (kilobytes per object), and this runs for each of the thousands of entries of a set.
  const ctx: BranchContext = {
    text: base.text,
    index: base.index,
    root: base.root,
    range: base.range,
    release: base.release,
    facts,
    teamText,
    teamClause: `certificate leaf[subject.OU] = ${JSON.stringify(teamText)}`,
    appendAt: (at, title, clause) => conjoinFix(root, rc.text, at, rc.index, title, clause, 'append'),
    replaceAt: (at, title, newText) => replaceFix(root, rc.text, at, rc.index, title, newText),
  };
  const flagged = new Set<BranchFacts>();
  const perBranch: BranchFinding[] = [];
  for (const f of facts) {
    for (const { rule, reported } of branchChecks) {
      const check = f.alwaysTrue ? rule.alwaysTrue : rule.branch;
      if (!check) continue;
      const found = check(f, ctx);
      if (found.length > 0 && rule.marksBranch) flagged.add(f);
      if (reported) for (const finding of found) perBranch.push({ finding, facts: f });
    }
  }
  out.push(...oncePerCause(perBranch, facts.length, root, rc));
  if (!complete) return onlyFixesThatParse(dedupe(out), rc.text, rc.fixCheck);

  let across: BranchesContext | undefined;
  for (const rule of on) {
    if (!rule.branches) continue;
    across ??= { text: ctx.text, index: ctx.index, root: ctx.root, range: ctx.range, release: ctx.release, facts: ctx.facts, teamText: ctx.teamText, teamClause: ctx.teamClause, appendAt: ctx.appendAt, replaceAt: ctx.replaceAt, flagged };
    out.push(...rule.branches(facts, across).map((x) => withClauseFix(x, undefined, root, rc)));
  }
  return onlyFixesThatParse(dedupe(out), rc.text, rc.fixCheck);
}

interface RulesToRun {
  /** The rules whose findings are reported, in evaluation order. */
  on: readonly RuleDefinition[];
  /**
   * The rules whose branch checks run. A rule that is off still runs to mark
   * its branches when a reported cross-branch check reads the marks: turning
   * one rule off does not make another say what it would have left unsaid.
   */
  branchChecks: readonly { rule: RuleDefinition; reported: boolean }[];
}

/** The last answer of rulesReported: the requirements of one text share their settings (one `reported`). */
let lastRules: { reported: ((code: string) => boolean) | undefined; rules: RulesToRun } | undefined;

function rulesReported(reported: ((code: string) => boolean) | undefined): RulesToRun {
  if (lastRules && lastRules.reported === reported) return lastRules.rules;
  const on = reported ? RULES.filter((rule) => reported(rule.code)) : RULES;
  const marksRead = on.some((rule) => rule.branches);
  const branchChecks = RULES.filter((rule) => on.includes(rule) || (rule.marksBranch && marksRead)).map((rule) => ({ rule, reported: on.includes(rule) }));
  const rules = { on, branchChecks };
  lastRules = { reported, rules };
  return rules;
}

/** Characters parsed at most to check the fixes of one text (all its requirements); past that, fixes are not offered. */
const FIX_CHECK_BUDGET = 4_000_000;

/**
 * One analysis's fix checking: its text's parse errors (counted when a fix
 * first needs them) and what is left of the budget. The requirements of one
 * set share a text, parsed once, and one budget, so checking fixes stays
 * linear in the text however many entries it has; each analysis starts with a
 * full budget, so analysing the same text again offers the same fixes.
 */
export interface FixCheck {
  readonly text: string;
  errors: number | undefined;
  budget: number;
}

export const newFixCheck = (text: string): FixCheck => ({ text, errors: undefined, budget: FIX_CHECK_BUDGET - text.length });

const parseErrors = (text: string) => parse(text).diagnostics.filter((d) => d.severity === 'error').length;

/**
 * A fix is offered only if the text it makes parses at least as well as
 * before (no more parse errors: none when the text compiled): a fix built on
 * a clause's range must never hand the person text Apple rejects. Past the
 * budget (very large documents) no fix is offered rather than an unchecked one.
 */
function onlyFixesThatParse(findings: Finding[], text: string, check: FixCheck | undefined): Finding[] {
  if (!findings.some((f) => f.fixes?.length)) return findings;
  const state = check?.text === text ? check : newFixCheck(text);
  return findings.map((f) => {
    if (!f.fixes?.length) return f;
    const fixes = f.fixes.filter((fix) => {
      if (state.budget < 0) return false;
      state.budget -= text.length - (fix.range.end.offset - fix.range.start.offset) + fix.newText.length;
      if (state.budget < 0) return false;
      state.errors ??= parseErrors(text);
      const after = text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset);
      return parseErrors(after) <= state.errors;
    });
    return { ...f, fixes };
  });
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
function oncePerCause(found: readonly BranchFinding[], branchCount: number, root: Expr, rc: RuleContext): Finding[] {
  if (found.length === 0) return [];
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
      else out.push(withClauseFix(x.finding, x.facts, root, rc));
    }
    whole.sort((a, b) => a.finding.range.start.offset - b.finding.range.start.offset);
    let run: BranchFinding[] = [];
    const flush = () => {
      if (run.length === 0) return;
      if (run.length === 1) out.push(withClauseFix(run[0]!.finding, run[0]!.facts, root, rc));
      else {
        const first = run[0]!.finding;
        const everyBranch = new Set(run.map((x) => x.facts)).size === branchCount;
        const merged: Finding = { ...first, range: everyBranch ? root.range : cover(run.map((x) => x.finding.range)) };
        delete merged.fixes;
        out.push(withClauseFix(merged, everyBranch ? 'root' : undefined, root, rc));
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
 * The fix of a finding's missing clause: after (or before) its branch, after
 * (or before) the whole requirement when the finding stands for every branch
 * and the requirement is not an `or`; built by conjoinFix, so it is
 * parenthesised under `or` and not offered under `!`.
 */
function withClauseFix(f: Finding, where: BranchFacts | 'root' | undefined, root: Expr, rc: RuleContext): Finding {
  const { clause, ...rest } = f;
  if (!clause) return f;
  let at: Range | undefined;
  if (where === 'root') at = root.kind === 'or' ? undefined : root.range;
  else if (where) at = where.branch.range;
  const fixes = at ? conjoinFix(root, rc.text, at, rc.index, clause.title, clause.text, clause.at === 'end' ? 'append' : 'prepend') : [];
  return { ...rest, fixes: [...(rest.fixes ?? []), ...fixes] };
}

/** Findings of the rules that look at a host document itself (R12, R13), in host coordinates. */
export function lintHost(hostText: string, languageId: string, index: LineIndex, reported?: (code: string) => boolean): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) if (rule.host && (!reported || reported(rule.code))) out.push(...rule.host(hostText, languageId, index));
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
  if (fs.length === 0) return fs;
  const seen = new Set<string>();
  return fs.slice(0, MAX_FINDINGS * 4).filter((f) => {
    const k = `${f.code}:${f.range.start.offset}:${f.range.end.offset}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return seen.size <= MAX_FINDINGS;
  });
}
