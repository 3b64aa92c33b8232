import type { Expr, Range, Requirement } from '../../grammar/ast.js';
import { DIAGNOSTIC_CODES, type TextFix } from '../../grammar/diagnostics.js';
import { OID } from '../knowledge.js';
import {
  appleAnchored,
  branchFacts,
  channel,
  type Branch,
  disjuncts,
  missingAntiInjection,
  pinned,
  strength,
  teamBound,
  teamIdInCN,
  type BranchFacts,
} from './branches.js';
import { isParenthesised, LineIndex } from './text.js';

export type RuleSeverity = 'off' | 'error' | 'warning' | 'information' | 'hint';

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

export const LINT_RULES: readonly LintRule[] = [
  {
    code: 'CSR101', id: 'identifier-only', title: 'Identifier (or Info.plist) checked without any signature check', defaultSeverity: 'error',
    description: 'Anyone can sign code, even ad hoc, with any identifier: a requirement that checks only the identifier, Info.plist or entitlements accepts impostors.',
    help: 'Add `anchor apple generic and certificate leaf[subject.OU] = "TEAMID"`.',
  },
  {
    code: 'CSR102', id: 'apple-generic-without-team', title: '`anchor apple generic` without a team check', defaultSeverity: 'warning',
    description: 'Every paying Apple developer holds a certificate that satisfies `anchor apple generic`.',
    help: 'Add `certificate leaf[subject.OU] = "TEAMID"`.',
  },
  {
    code: 'CSR103', id: 'subject-without-apple-anchor', title: 'Team or subject checks without an Apple anchor', defaultSeverity: 'error',
    description: 'Subject fields of an unanchored chain are self-asserted: a self-signed certificate can carry any OU or CN.',
    help: 'Conjoin `anchor apple generic` (or `anchor apple` for Apple\'s own code).',
  },
  {
    code: 'CSR104', id: 'anchor-trusted', title: '`anchor trusted` / `certificate N trusted` for third-party code', defaultSeverity: 'warning',
    description: 'Accepts any chain the local trust settings trust; whoever can add a trusted root satisfies it (CVE-2026-24070).',
    help: 'Use `anchor apple generic and certificate leaf[subject.OU] = "TEAMID"`.',
  },
  {
    code: 'CSR105', id: 'team-in-common-name', title: 'Team check on `subject.CN`', defaultSeverity: 'warning',
    description: 'A CN such as "Developer ID Application: Name (TEAMID)" pins one certificate and breaks on renewal; a bare team ID in CN never matches.',
    help: 'Check `certificate leaf[subject.OU] = "TEAMID"` plus the channel\'s OID markers.',
  },
  {
    code: 'CSR106', id: 'team-without-identifier', title: 'Team-only requirement (no identifier)', defaultSeverity: 'warning',
    description: 'Any other program of the same team satisfies it, so any tool of that team can drive a privileged service. Some projects do this on purpose.',
    help: 'Add `identifier "…"`, or an `or` of the exact client identifiers.',
  },
  {
    code: 'CSR107', id: 'no-minimum-version', title: 'No minimum version for clients of a privileged service', defaultSeverity: 'warning',
    description: 'Old, injectable builds of the client keep passing.',
    help: 'Add `info[CFBundleVersion] >= "N"` (needs an Info.plist; compared numerically).',
  },
  {
    code: 'CSR108', id: 'no-anti-injection', title: 'No anti-injection clauses', defaultSeverity: 'warning',
    description: 'A properly signed client with get-task-allow, disable-library-validation or allow-dyld-environment-variables can be injected and still passes. Hardened runtime itself cannot be expressed in the language: check the code-signing flags.',
    help: 'Add `! entitlement["com.apple.security.get-task-allow"] and ! entitlement["com.apple.security.cs.disable-library-validation"] and ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"]`.',
  },
  {
    code: 'CSR109', id: 'development-identity', title: 'Development identities accepted next to production ones', defaultSeverity: 'warning',
    description: 'An `or` branch admits Apple Development builds (…6.2.1 / …6.1.12) where Developer ID or App Store builds are expected; development builds are usually debuggable.',
    help: 'Remove the development branch from production requirements.',
  },
  {
    code: 'CSR110', id: 'trivial-or-dominated', title: 'Trivially true, dominated or ambiguous branch', defaultSeverity: 'warning',
    description: '`always`, `! never`, an `or` branch weaker than the others (the weakest branch decides), wildcard identifiers without a team, and unparenthesised `a and b or c`.',
    help: 'Remove the weak branch, tighten it to match the others, or add parentheses.',
  },
  {
    code: 'CSR111', id: 'anchor-apple-third-party', title: '`anchor apple` used for third-party code', defaultSeverity: 'error',
    description: '`anchor apple` matches only Apple\'s own code; third-party code never satisfies it.',
    help: 'Use `anchor apple generic` with a team check.',
  },
  {
    code: 'CSR112', id: 'xpc-without-requirement', title: 'XPC listener without a code-signing requirement, or a PID-based check', defaultSeverity: 'warning',
    description: 'A listener that accepts every connection, or checks the peer by process ID (which can be reused and raced), lets any local process drive the service.',
    help: 'Use `setCodeSigningRequirement` (macOS 13+), `xpc_connection_set_peer_code_signing_requirement` (macOS 12+), or an audit-token based check.',
  },
  {
    code: 'CSR113', id: 'launch-constraint-signing-identifier', title: 'Launch constraint `signing-identifier` without `team-identifier` or `validation-category`', defaultSeverity: 'warning',
    description: 'A signing identifier alone can be claimed by anyone who signs code.',
    help: 'Add `team-identifier` (or `validation-category`) next to `signing-identifier`.',
  },
];

export const RULE_BY_CODE = new Map(LINT_RULES.map((r) => [r.code as string, r]));
export const RULE_BY_ID = new Map(LINT_RULES.map((r) => [r.id, r]));

/**
 * Severity of the rules that matter mostly for privileged services, outside
 * that context: R6 stays as a hint, R7 and R8 would flag nearly every
 * designated requirement and are off.
 */
export const DEFAULT_CONTEXT_SEVERITY: Record<string, RuleSeverity> = { CSR106: 'hint', CSR107: 'off', CSR108: 'off' };

export interface CodeInfo {
  code: string;
  id: string;
  title: string;
  defaultSeverity: Exclude<RuleSeverity, 'off'>;
  description: string;
  help: string;
}

const LANGUAGE_SEVERITY: Record<string, Exclude<RuleSeverity, 'off'>> = {
  CSR002: 'warning', CSR021: 'warning', CSR060: 'warning', CSR061: 'warning', CSR062: 'warning', CSR063: 'warning',
  CSR064: 'warning', CSR065: 'warning', CSR066: 'warning', CSR067: 'warning', CSR068: 'warning', CSR069: 'information',
};

/** Not a grammar code: a literal the analysis could not read (concatenated strings, interpolation, …). */
export const NOT_ANALYSED_CODE = 'CSR100';

/** Metadata of the language-level codes (grammar/diagnostics.ts) plus the analysis note CSR100, for SARIF rule lists. */
export const LANGUAGE_CODES: readonly CodeInfo[] = [
  ...Object.entries(DIAGNOSTIC_CODES).map(([code, title]) => ({
    code,
    id: title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase(),
    title,
    defaultSeverity: LANGUAGE_SEVERITY[code] ?? 'error',
    description: title.charAt(0).toUpperCase() + title.slice(1) + '.',
    help: 'See docs/lint-rules.md and the language reference (spec requirement-language.md §1, §2.7, §8).',
  })),
  {
    code: NOT_ANALYSED_CODE, id: 'not-analysed', title: 'requirement text not analysed', defaultSeverity: 'information',
    description: 'The requirement is built at run time (concatenated literals, interpolation, a variable), so it was not checked.',
    help: 'Write the requirement as one literal so it can be checked.',
  },
];

/** A lint result before severities are applied. */
export interface Finding {
  code: `CSR1${number}`;
  message: string;
  range: Range;
  fixes?: TextFix[];
}

export interface RuleContext {
  text: string;
  index: LineIndex;
  privileged: boolean;
}

interface Located { node: Expr; parent: Expr | undefined }

function findNode(root: Expr, range: Range): Located | undefined {
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

export function children(e: Expr): Expr[] {
  if (e.kind === 'and' || e.kind === 'or') return [e.left, e.right];
  if (e.kind === 'not') return [e.operand];
  return [];
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

function q(s: string): string {
  return JSON.stringify(s);
}

export function lintRequirement(req: Requirement, ctx: RuleContext): Finding[] {
  const root = req.expr;
  if (!root) return [];
  const out: Finding[] = [];
  const r = (start: number, end: number) => ctx.index.range(start, end);
  const append = (f: BranchFacts, title: string, clause: string): TextFix[] => {
    if (!extendable(root, f)) return [];
    const end = f.branch.range.end.offset;
    return [{ title, range: r(end, end), newText: ` and ${clause}` }];
  };
  const prepend = (f: BranchFacts, title: string, clause: string): TextFix[] => {
    if (!extendable(root, f)) return [];
    const start = f.branch.range.start.offset;
    return [{ title, range: r(start, start), newText: `${clause} and ` }];
  };

  // R10: `a and b or c` without parentheses means `(a and b) or c`.
  walk(root, (e) => {
    if (e.kind !== 'or') return;
    for (const side of [e.left, e.right]) {
      if (side.kind !== 'and') continue;
      if (isParenthesised(ctx.text, side.range.start.offset, side.range.end.offset)) continue;
      out.push({
        code: 'CSR110',
        message: '`and` binds tighter than `or`, so Apple groups this as `(' + abbreviate(ctx.text, side.range) + ')` inside the `or`. Add parentheses so readers see what Apple sees.',
        range: side.range,
        fixes: [{ title: 'Add parentheses', range: side.range, newText: `(${ctx.text.slice(side.range.start.offset, side.range.end.offset)})` }],
      });
    }
  });

  const branches = disjuncts(root) ?? topLevelDisjuncts(root);
  if (!branches) return out;
  const all = branches.map(branchFacts).filter((f) => !f.dead);
  // Branches holding a parse-error placeholder are not judged: what is missing may be the part
  // that could not be read. Checks that compare branches need them all.
  const complete = !all.some((f) => f.broken);
  const facts = all.filter((f) => !f.broken);
  const knownTeam = facts.find((f) => f.teamOU)?.teamOU?.value;
  const teamText = knownTeam ?? 'TEAMID';
  const teamClause = `certificate leaf[subject.OU] = ${q(teamText)}`;
  const flagged = new Set<BranchFacts>();

  for (const f of facts) {
    const range = f.branch.range;
    const anchored = appleAnchored(f);
    if (f.alwaysTrue) {
      out.push({
        code: 'CSR110',
        message: facts.length > 1
          ? 'This `or` branch is always true, so the whole requirement accepts any code.'
          : 'This requirement is always true: it accepts any code.',
        range,
      });
      flagged.add(f);
      continue;
    }
    // R1: nothing cryptographic.
    if (!f.certificateConstraint && !pinned(f)) {
      const what = f.identifier ? 'Only the identifier is checked: anyone can sign code with this identifier, even ad hoc, so any code that claims the name passes.'
        : 'Nothing here checks who signed the code: any code, even ad-hoc signed, can satisfy it.';
      out.push({
        code: 'CSR101',
        message: `${what} Add \`anchor apple generic and certificate leaf[subject.OU] = "TEAMID"\`.`,
        range,
        fixes: append(f, 'Add an Apple anchor and a team check', `anchor apple generic and ${teamClause}`),
      });
      flagged.add(f);
    }
    // R4: locally trusted roots.
    for (const t of f.trusted) {
      const fix: TextFix[] = t.expr.kind === 'trustedCerts' || (t.expr.kind === 'trustedCert' && t.expr.slot.index === -1)
        ? [{ title: 'Use `anchor apple generic`', range: t.expr.range, newText: teamBound(f) ? 'anchor apple generic' : `anchor apple generic and ${teamClause}` }]
        : [];
      out.push({
        code: 'CSR104',
        message: '`trusted` accepts any chain the local trust settings trust: whoever can add a trusted root (a user, an installer, an MDM profile) satisfies it, as in CVE-2026-24070. For third-party code use `anchor apple generic` and a team check.',
        range: t.expr.range,
        fixes: fix,
      });
      flagged.add(f);
    }
    // R3: subject checks on an unanchored chain.
    if (f.subjectChecks.length > 0 && !anchored && !f.certHash && f.trusted.length === 0 && !f.cdhash) {
      out.push({
        code: 'CSR103',
        message: 'Certificate fields are checked but nothing says who issued the chain: a self-signed certificate can carry any OU or CN. Add `anchor apple generic` (or `anchor apple` for Apple\'s own code).',
        range: f.subjectChecks[0]!.expr.range,
        fixes: prepend(f, 'Add `anchor apple generic`', 'anchor apple generic'),
      });
      flagged.add(f);
    }
    // R2: any Apple developer.
    if (f.appleGeneric && !teamBound(f) && !pinned(f)) {
      const lit = f.appleGeneric;
      out.push({
        code: 'CSR102',
        message: '`anchor apple generic` without a team check: every paying Apple developer holds a certificate that satisfies it. Add `certificate leaf[subject.OU] = "TEAMID"`.',
        range: lit.expr.range,
        fixes: [{ title: 'Add a team check', range: r(lit.expr.range.end.offset, lit.expr.range.end.offset), newText: ` and ${teamClause}` }],
      });
      flagged.add(f);
    }
    // R5: team in the common name.
    for (const cn of f.cnChecks) {
      const e = cn.expr;
      if (e.kind !== 'certField' || !('value' in e.match)) continue;
      const value = e.match.value.text;
      const team = teamIdInCN(value);
      const identityName = /^(Developer ID|Apple Development|Apple Distribution|Mac Developer|3rd Party Mac Developer|iPhone (Developer|Distribution))/.test(value);
      if (!team && !identityName) continue;
      const bare = team === value;
      out.push({
        code: 'CSR105',
        message: bare
          ? `"${value}" looks like a team ID, but the team ID is in subject.OU, not subject.CN: this never matches. Use \`certificate leaf[subject.OU] = "${value}"\`.`
          : 'Checking the certificate\'s common name pins one certificate: it breaks when the certificate is renewed. Check the team ID in `subject.OU` (plus the channel\'s OID markers) instead.',
        range: e.range,
        fixes: team ? [{ title: `Check the team ID ${team} in subject.OU`, range: e.range, newText: `certificate leaf[subject.OU] = ${q(team)}` }] : [],
      });
    }
    // R11: `anchor apple` with third-party traits.
    if (f.appleAnchor) {
      const ident = f.identifier?.expr.kind === 'identifier' ? f.identifier.expr.value.text : undefined;
      const { production, development } = channel(f);
      const thirdParty = (ident !== undefined && !ident.startsWith('com.apple.')) || f.teamOU !== undefined || production.length + development.length > 0;
      if (thirdParty) {
        out.push({
          code: 'CSR111',
          message: '`anchor apple` matches only Apple\'s own code (a macOS Software Signing leaf); third-party code never satisfies it. Use `anchor apple generic` with a team check.',
          range: f.appleAnchor.expr.range,
          fixes: [{ title: 'Use `anchor apple generic`', range: f.appleAnchor.expr.range, newText: 'anchor apple generic' }],
        });
        flagged.add(f);
      }
    }
    const serviceLevel = anchored || f.certHash !== undefined;
    // R6: team-only.
    if (serviceLevel && teamBound(f) && !f.identifier && !f.cdhash) {
      out.push({
        code: 'CSR106',
        message: `No identifier: any other program signed by team ${teamText} satisfies this, so any tool of that team can drive a privileged service. Add \`identifier "…"\` (or an \`or\` of the exact client identifiers).`,
        range,
        fixes: prepend(f, 'Add an identifier check', 'identifier "com.example.client"'),
      });
    }
    // R7: minimum version.
    if (serviceLevel && !f.minVersion && !f.cdhash) {
      out.push({
        code: 'CSR107',
        message: 'No minimum version: old builds of the client, which may be injectable, keep passing. Add `info[CFBundleVersion] >= "N"` (compared numerically; needs an Info.plist).',
        range,
        fixes: append(f, 'Add a minimum CFBundleVersion', 'info[CFBundleVersion] >= "1"'),
      });
    }
    // R8: anti-injection.
    const missing = missingAntiInjection(f);
    if (serviceLevel && missing.length > 0) {
      out.push({
        code: 'CSR108',
        message: `A properly signed client that has ${missing.map((m) => '`' + m + '`').join(', ')} can be injected and still passes. Add \`! entitlement[…]\` for each. Hardened runtime itself cannot be expressed in the language: check the code-signing flags too (csrl check reports them).`,
        range,
        fixes: append(f, 'Add the anti-injection clauses', missing.map((m) => `! entitlement[${q(m)}]`).join(' and ')),
      });
    }
    // R10: wildcard identifiers without a team.
    if (f.wildcardIdentifier && !teamBound(f)) {
      out.push({
        code: 'CSR110',
        message: 'A wildcard or partial identifier match without a team check admits any code whose name fits the pattern. Add a team check.',
        range: f.wildcardIdentifier.expr.range,
      });
      flagged.add(f);
    }
  }

  if (!complete) return dedupe(out);

  // R9: development next to production.
  const chans = facts.map(channel);
  if (chans.some((c) => c.production.length > 0 && c.development.length === 0)) {
    facts.forEach((_f, i) => {
      const dev = chans[i]!.development;
      if (dev.length === 0 || chans[i]!.production.length > 0) return;
      const m = dev[0]!;
      out.push({
        code: 'CSR109',
        message: `This branch admits development identities (${m.oid === OID.wwdrCA ? 'WWDR CA, Apple Development' : 'Mac/Apple Development'}) next to production ones: development builds, which are usually debuggable, also pass.`,
        range: m.literal.expr.range,
      });
    });
  }

  // R10: a branch weaker than its siblings.
  if (facts.length > 1) {
    const scores = facts.map(strength);
    const max = Math.max(...scores);
    facts.forEach((f, i) => {
      if (scores[i]! >= max || flagged.has(f)) return;
      out.push({
        code: 'CSR110',
        message: 'This `or` branch is weaker than the others' + (scores[i]! + 1 === max ? ' (it checks no identifier)' : '') + ': Apple accepts the code when any branch holds, so the weakest branch decides what the whole requirement allows.',
        range: f.branch.range,
      });
    });
  }
  return dedupe(out);
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

function walk(e: Expr, fn: (e: Expr) => void): void {
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    fn(x);
    stack.push(...children(x));
  }
}

function abbreviate(text: string, range: Range): string {
  const s = text.slice(range.start.offset, range.end.offset).replace(/\s+/g, ' ');
  return s.length > 40 ? s.slice(0, 37) + '…' : s;
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
