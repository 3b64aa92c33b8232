/**
 * The lint rule registry. Each rule is one module in this folder holding its
 * metadata, its documentation (docs/lint-rules.md is generated from it by
 * `node scripts/lint-docs.mjs`) and its checks; adding a rule means adding
 * its module, listing it here, and a test.
 */
import anchorAppleThirdParty from './anchor-apple-third-party.js';
import anchorTrusted from './anchor-trusted.js';
import appleGenericWithoutTeam from './apple-generic-without-team.js';
import developmentIdentity from './development-identity.js';
import identifierOnly from './identifier-only.js';
import launchConstraintSigningIdentifier from './launch-constraint-signing-identifier.js';
import lwcrDevelopmentCategory from './lwcr-development-category.js';
import lwcrTeamWithoutCategory from './lwcr-team-without-category.js';
import lwcrVacuousOptional from './lwcr-vacuous-optional.js';
import noAntiInjection from './no-anti-injection.js';
import noMinimumVersion from './no-minimum-version.js';
import subjectWithoutAppleAnchor from './subject-without-apple-anchor.js';
import teamInCommonName from './team-in-common-name.js';
import teamWithoutIdentifier from './team-without-identifier.js';
import trivialOrDominated from './trivial-or-dominated.js';
import type { LintRule, RuleDefinition, RuleSeverity } from './types.js';
import xpcWithoutRequirement from './xpc-without-requirement.js';

export type { CodeInfo } from './language-codes.js';
export { LANGUAGE_CODES, NOT_ANALYSED_CODE, SIGNED_CONTENT_CODE } from './language-codes.js';
export type { Finding, LintRule, RuleDefinition, RuleSeverity } from './types.js';

/**
 * Every rule, in evaluation order: within a requirement the checks run in
 * this order (per phase: whole requirement, each branch, across branches,
 * host document), which is the order findings are collected in before the
 * per-requirement cap (MAX_FINDINGS) applies.
 */
export const RULES: readonly RuleDefinition[] = [
  identifierOnly,
  anchorTrusted,
  subjectWithoutAppleAnchor,
  appleGenericWithoutTeam,
  teamInCommonName,
  anchorAppleThirdParty,
  teamWithoutIdentifier,
  noMinimumVersion,
  noAntiInjection,
  developmentIdentity,
  trivialOrDominated,
  xpcWithoutRequirement,
  launchConstraintSigningIdentifier,
  lwcrTeamWithoutCategory,
  lwcrVacuousOptional,
  lwcrDevelopmentCategory,
];

/** The rules' metadata, by code. */
export const LINT_RULES: readonly LintRule[] = [...RULES]
  .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  .map(({ code, id, title, defaultSeverity, description, help }) => ({ code, id, title, defaultSeverity, description, help }));

export const RULE_BY_CODE: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((r) => [r.code as string, r]));
export const RULE_BY_ID: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((r) => [r.id, r]));

/**
 * Severity of the rules that matter mostly for privileged services, outside
 * that context (each rule's `outsidePrivileged`): R6 stays as a hint, R7 and
 * R8 would flag nearly every designated requirement and are off.
 */
export const DEFAULT_CONTEXT_SEVERITY: Readonly<Record<string, RuleSeverity>> = Object.fromEntries(
  RULES.filter((r) => r.outsidePrivileged !== undefined).map((r) => [r.code, r.outsidePrivileged!]),
);

/**
 * Severity of R7 and R8 when the privileged context is sensed from the host
 * (a requirement under `SMAuthorizedClients`, passed to an XPC listener)
 * rather than configured: hardening advice (information), not a warning on
 * the designated requirement Xcode generated; `--context privileged-helper`
 * makes them warnings.
 */
export const INFERRED_CONTEXT_SEVERITY: Readonly<Record<string, RuleSeverity>> = Object.fromEntries(
  RULES.filter((r) => r.inferredPrivileged !== undefined).map((r) => [r.code, r.inferredPrivileged!]),
);

/**
 * Plain substrings without which no host rule (R12–R16) can fire: a file
 * holding none of them (and no requirement marker) can be skipped by a pre-filter.
 */
export const HOST_RULE_MARKERS: readonly string[] = RULES.flatMap((r) => r.hostMarkers ?? []);

/** `R1` … for a rule code (`CSR101` …), as the docs and the spec name them. */
export function ruleNumber(code: string): string {
  return `R${Number(code.slice(3)) - 100}`;
}
