/**
 * What a lint rule is: its metadata (code, id, texts for the editor, SARIF
 * and docs/lint-rules.md) and its checks. One module per rule under
 * language-service/rules/ defines both; rules/index.ts lists them.
 */
import type { Expr, Range } from '../../grammar/ast.js';
import type { TextFix } from '../../grammar/diagnostics.js';
import type { BranchFacts } from '../analysis/branches.js';
import type { LineIndex } from '../analysis/text.js';

export type RuleSeverity = 'off' | 'error' | 'warning' | 'information' | 'hint';

/** A rule's metadata: what the editor, `csrl lint`, SARIF and the docs say about it. */
export interface LintRule {
  code: `CSR1${number}`;
  /** Stable kebab-case name, accepted wherever a code is. */
  id: string;
  title: string;
  /** Severity in the context where the rule fully applies (R6–R8: a privileged helper's clients). */
  defaultSeverity: Exclude<RuleSeverity, 'off'>;
  description: string;
  help: string;
}

/** The documentation of a rule: one row of the table in docs/lint-rules.md. */
export interface RuleDocs {
  /** "Fires on": the patterns, with examples. */
  firesOn: string;
  /** "Why it matters". */
  why: string;
  /** "Write instead / quick fix": what to write and what the quick fix does. */
  fix: string;
  /** A real-world shape the rule catches (a test checks that it does). */
  catches: RuleExample;
  /** A real-world shape it deliberately does not flag (not as a warning or error, nor as information), and why (a test checks it). */
  spares: RuleExample & { why: string };
}

/** An example of the rule docs: requirement text, or a host document. */
export interface RuleExample {
  text: string;
  /** Host language id (`swift`, `plist`, `lwcr-json`, …); absent: requirement text. */
  language?: string;
  /** Analysed in the privileged-helper context (R6–R9). */
  privileged?: boolean;
}

/** A lint result before severities are applied. */
export interface Finding {
  code: `CSR1${number}`;
  message: string;
  range: Range;
  fixes?: TextFix[];
  /**
   * A clause the branch lacks (R1, R3, R6–R8): the engine turns it into a fix
   * where adding it keeps the rest's meaning, also when the same finding of
   * several branches is reported once for all of them.
   */
  clause?: { title: string; text: string; at: 'end' | 'start' };
  /**
   * The most this finding is reported as, below the rule's severity: Apple's
   * own generated shapes (an Xcode designated requirement) are at most a hint.
   */
  atMost?: 'information' | 'hint';
}

/** What every check of one requirement sees. */
export interface RequirementContext {
  /** The text the requirement was parsed from (offsets of ranges index into it). */
  text: string;
  index: LineIndex;
  /** The requirement's expression. */
  root: Expr;
  range(start: number, end: number): Range;
  /**
   * The requirement guards shipped code: a privileged helper or XPC service,
   * SMJobBless keys, a configuration profile, an AutoPkg verifier, or the
   * `privileged-helper` context (where development-only identities are wrong).
   */
  release: boolean;
}

/** What a branch check sees, in addition to the requirement. */
export interface BranchContext extends RequirementContext {
  /** Every judged branch of the requirement (branches that parse and can be true). */
  facts: readonly BranchFacts[];
  /** The team ID checked in some branch, or the placeholder `TEAMID`. */
  teamText: string;
  /** `certificate leaf[subject.OU] = "<teamText>"`. */
  teamClause: string;
  /** A fix appending ` and <clause>` after one clause of a branch (the node whose range this is), parenthesised under `or`; none under `!`. */
  appendAt(range: Range, title: string, clause: string): TextFix[];
  /** A fix replacing one clause by `newText`, parenthesised where the clause sits under `or` or `!`. */
  replaceAt(range: Range, title: string, newText: string): TextFix[];
}

/** What the branch-comparing checks see. */
export interface BranchesContext extends BranchContext {
  /** Branches some check with `marksBranch` already reported on. */
  flagged: ReadonlySet<BranchFacts>;
}

export interface RuleChecks {
  /** Once per requirement, before the branches are looked at (e.g. the whole expression's shape). */
  requirement?(ctx: RequirementContext): Finding[];
  /**
   * Once per branch of the requirement's disjunctive normal form (branches with a parse error are
   * not judged). Not called for always-true branches: those go to `alwaysTrue`.
   */
  branch?(f: BranchFacts, ctx: BranchContext): Finding[];
  /** For a branch that is always true; nothing else is judged in such a branch. */
  alwaysTrue?(f: BranchFacts, ctx: BranchContext): Finding[];
  /**
   * Whether a finding of this rule's branch or alwaysTrue checks already says the branch is weak
   * (then "weaker than its siblings" is not repeated for it).
   */
  marksBranch?: boolean;
  /** After every branch was checked, only when all branches parse: checks that compare branches. */
  branches?(facts: readonly BranchFacts[], ctx: BranchesContext): Finding[];
  /** Host documents (source files, property lists), with the host text and language. */
  host?(hostText: string, languageId: string, index: LineIndex): Finding[];
  /**
   * Plain substrings without which `host` cannot fire: a file holding none of them (and no
   * requirement marker) can be skipped by a pre-filter. Required with `host`.
   */
  hostMarkers?: readonly string[];
}

/** A rule: metadata, docs and checks, defined together in one module. */
export interface RuleDefinition extends LintRule, RuleChecks {
  /** Severity outside the privileged-helper context, when it differs ('off': not reported there). */
  outsidePrivileged?: RuleSeverity;
  /**
   * Severity when the privileged context is inferred from the host (a requirement under
   * `SMAuthorizedClients`, passed to an XPC listener) rather than configured, when it differs.
   */
  inferredPrivileged?: RuleSeverity;
  docs: RuleDocs;
}

/** Identity helper that type-checks a rule module's definition. */
export function defineRule(rule: RuleDefinition): RuleDefinition {
  return rule;
}
