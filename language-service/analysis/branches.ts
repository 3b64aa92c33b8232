import type { Expr, Range } from '../../grammar/ast.js';
import { ANTI_INJECTION_ENTITLEMENTS, OID, oidInfo, TEAM_ID_RE } from '../knowledge.js';

/**
 * A requirement is as strong as its weakest disjunct: Apple accepts the code
 * as soon as one branch of an `or` holds. So the lint rules look at the
 * requirement in disjunctive normal form, one conjunction ("branch") at a
 * time, with negations pushed down to the atoms.
 */

export interface Literal {
  expr: Expr;
  negated: boolean;
}

export interface Branch {
  literals: Literal[];
  /** Smallest source range covering every literal of the branch. */
  range: Range;
}

/** Beyond this many branches the expansion is abandoned (it grows exponentially with nested `or`s). */
export const MAX_BRANCHES = 256;

/** Most literal copies the expansion may make: long `and` chains would otherwise cost O(n²). */
export const MAX_WORK = 200_000;

export function disjuncts(expr: Expr, limit = MAX_BRANCHES): Branch[] | undefined {
  const budget = { left: MAX_WORK };
  let conj: Literal[][] | undefined;
  try {
    conj = dnf(expr, false, limit, budget);
  } catch (err) {
    // Nesting deeper than the stack: treat as too complex to judge.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
  if (!conj) return undefined;
  // A loop rather than map: the arrays map makes when optimised have another shape than when not, and
  // lintRequirement, which reads this one, would be compiled again (it runs for every entry of a large set).
  const out: Branch[] = [];
  for (const literals of conj) out.push({ literals, range: cover(literals.map((l) => l.expr.range)) });
  return out;
}

/** Operands of a chain of the same operator, in order, without recursion (chains nest as deep as they are long). */
function chainOperands(e: Expr & { kind: 'and' | 'or' }): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.kind === e.kind) stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}

function dnf(e: Expr, neg: boolean, limit: number, budget: { left: number }): Literal[][] | undefined {
  switch (e.kind) {
    case 'not':
      return dnf(e.operand, !neg, limit, budget);
    case 'and':
    case 'or': {
      const conjunctive = (e.kind === 'and') !== neg;
      let acc: Literal[][] | undefined;
      for (const op of chainOperands(e)) {
        const next = dnf(op, neg, limit, budget);
        if (!next) return undefined;
        acc = acc ? combine(acc, next, conjunctive, limit, budget) : next;
        if (!acc) return undefined;
      }
      return acc;
    }
    default:
      return [[{ expr: e, negated: neg }]];
  }
}

function combine(l: Literal[][], r: Literal[][], conjunctive: boolean, limit: number, budget: { left: number }): Literal[][] | undefined {
  if (!conjunctive) return l.length + r.length > limit ? undefined : [...l, ...r];
  if (l.length * r.length > limit) return undefined;
  if (l.length === 1 && r.length === 1) {
    // A plain conjunction: extend in place (the arrays belong to this expansion), so a long
    // `and` chain costs linear, not quadratic, work.
    budget.left -= r[0]!.length;
    if (budget.left < 0) return undefined;
    for (const x of r[0]!) l[0]!.push(x);
    return l;
  }
  const out: Literal[][] = [];
  for (const a of l) {
    for (const b of r) {
      budget.left -= a.length + b.length;
      if (budget.left < 0) return undefined;
      out.push([...a, ...b]);
    }
  }
  return out;
}

export function cover(ranges: Range[]): Range {
  let best = ranges[0]!;
  let start = best.start;
  let end = best.end;
  for (const r of ranges) {
    if (r.start.offset < start.offset) start = r.start;
    if (r.end.offset > end.offset) end = r.end;
  }
  best = { start, end };
  return best;
}

export interface Marker {
  oid: string;
  slot: number;
  literal: Literal;
}

/** What one branch checks, as far as the lint rules care. */
export interface BranchFacts {
  branch: Branch;
  /** Contains a literal that can never hold (`never`, `! always`): the branch admits nothing. */
  dead: boolean;
  /** Checks nothing at all. */
  alwaysTrue: boolean;
  /** Contains error placeholders from parser recovery; rules stay quiet. */
  broken: boolean;
  appleAnchor?: Literal;
  appleGeneric?: Literal;
  namedAnchor?: Literal;
  trusted: Literal[];
  certHash?: Literal;
  cdhash?: Literal;
  platform?: Literal;
  identifier?: Literal;
  teamOU?: { literal: Literal; value: string };
  cnChecks: Literal[];
  /** A leaf common name compared for equality with an Apple identity name (`Apple Development: Name (ID)`): one person's or team's certificate. */
  identityCN?: Literal;
  subjectChecks: Literal[];
  markers: Marker[];
  minVersion?: Literal;
  antiInjection: Set<string>;
  wildcardIdentifier?: Literal;
  notarized?: Literal;
  namedCode?: Literal;
  /** Any positive constraint on the certificates (subject, field, policy, date, hash, anchors). */
  certificateConstraint: boolean;
}

function slotIndex(e: { slot: { index: number } }): number {
  return e.slot.index;
}

export function branchFacts(branch: Branch): BranchFacts {
  const f: BranchFacts = {
    branch,
    dead: false,
    alwaysTrue: true,
    broken: false,
    trusted: [],
    cnChecks: [],
    subjectChecks: [],
    markers: [],
    antiInjection: new Set(),
    certificateConstraint: false,
  };
  for (const lit of branch.literals) {
    const e = lit.expr;
    if (e.kind === 'error' || e.kind === 'unknownOp') {
      f.broken = true;
      continue;
    }
    if (e.kind === 'const') {
      if (e.value === lit.negated) f.dead = true;
      continue;
    }
    if (lit.negated) {
      // A negated check constrains the code only in what it excludes; the
      // only negated checks the rules credit are the anti-injection ones.
      if (e.kind === 'entitlement' && (e.match.op === 'exists' || e.match.op === 'equal')) {
        f.antiInjection.add(e.key.text);
      }
      f.alwaysTrue = false;
      continue;
    }
    f.alwaysTrue = false;
    switch (e.kind) {
      case 'anchorApple':
        f.appleAnchor ??= lit;
        f.certificateConstraint = true;
        break;
      case 'anchorAppleGeneric':
        f.appleGeneric ??= lit;
        f.certificateConstraint = true;
        break;
      case 'namedAnchor':
        f.namedAnchor ??= lit;
        f.certificateConstraint = true;
        break;
      case 'trustedCerts':
      case 'trustedCert':
        f.trusted.push(lit);
        f.certificateConstraint = true;
        break;
      case 'certHash':
        f.certHash ??= lit;
        f.certificateConstraint = true;
        break;
      case 'cdhash':
        f.cdhash ??= lit;
        break;
      case 'platform':
        f.platform ??= lit;
        break;
      case 'identifier':
        f.identifier ??= lit;
        if (e.value.text.includes('*')) f.wildcardIdentifier ??= lit;
        break;
      case 'notarized':
        f.notarized ??= lit;
        break;
      case 'namedCode':
        f.namedCode ??= lit;
        break;
      case 'certField': {
        f.certificateConstraint = true;
        f.subjectChecks.push(lit);
        const key = e.key.text;
        if (key === 'subject.OU' && slotIndex(e) === 0 && e.match.op === 'equal') {
          f.teamOU ??= { literal: lit, value: e.match.value.text };
        }
        if (key === 'subject.CN') {
          f.cnChecks.push(lit);
          if (slotIndex(e) === 0 && e.match.op === 'equal' && IDENTITY_NAME.test(e.match.value.text)) f.identityCN ??= lit;
        }
        break;
      }
      case 'certGeneric':
      case 'certPolicy':
      case 'certDate':
        f.certificateConstraint = true;
        f.subjectChecks.push(lit);
        if (e.kind === 'certGeneric' && (e.match.op === 'exists')) {
          f.markers.push({ oid: e.oid.text, slot: slotIndex(e), literal: lit });
        }
        break;
      case 'info': {
        const key = e.key.text;
        if ((key === 'CFBundleVersion' || key === 'CFBundleShortVersionString') && ['greaterThan', 'greaterEqual'].includes(e.match.op)) {
          f.minVersion ??= lit;
        }
        if (key === 'CFBundleIdentifier' && ['beginsWith', 'endsWith', 'contains'].includes(e.match.op)) {
          f.wildcardIdentifier ??= lit;
        }
        break;
      }
      case 'entitlement':
        if (e.match.op === 'absent') f.antiInjection.add(e.key.text);
        break;
      default:
        break;
    }
  }
  return f;
}

export function hasMarker(f: BranchFacts, oid: string): boolean {
  return f.markers.some((m) => m.oid === oid);
}

export function channel(f: BranchFacts): { production: Marker[]; development: Marker[] } {
  const production: Marker[] = [];
  const development: Marker[] = [];
  for (const m of f.markers) {
    const c = oidInfo(m.oid)?.channel;
    if (c === 'production') production.push(m);
    else if (c === 'development') development.push(m);
  }
  return { production, development };
}

/**
 * The branch is bound to one team: a team OU on the leaf, the Mac App Store marker plus an
 * identifier (App Store identifiers belong to one team), or the leaf's full identity name
 * (Apple issues `Apple Development: Name (ID)` to one member of one team).
 */
export function teamBound(f: BranchFacts): boolean {
  return f.teamOU !== undefined || (hasMarker(f, OID.masApp) && f.identifier !== undefined) || f.identityCN !== undefined;
}

/** The common names Apple gives signing identities: `<kind>: <name> (<ID>)`. */
export const IDENTITY_NAME = /^(Developer ID (Application|Installer)|Apple Development|Apple Distribution|Mac Developer|3rd Party Mac Developer (Application|Installer)|Mac App Distribution|iPhone (Developer|Distribution)): .+ \([A-Z0-9]{10}\)$/;

/** Identity names of development certificates; the ID in their parentheses is the developer's, not the team's. */
export const DEVELOPMENT_NAME = /^(Apple Development|Mac Developer|iPhone Developer): /;

/** Whether a certificate check names a development identity: a development OID marker or a development common name. */
export function developmentOnly(f: BranchFacts): Literal | undefined {
  const { production, development } = channel(f);
  if (production.length > 0) return undefined;
  if (f.cnChecks.some((l) => !isDevelopmentCN(l) && cnValue(l) !== undefined && IDENTITY_NAME.test(cnValue(l)!))) return undefined;
  return development[0]?.literal ?? f.cnChecks.find(isDevelopmentCN);
}

function cnValue(l: Literal): string | undefined {
  const e = l.expr;
  return e.kind === 'certField' && 'value' in e.match ? e.match.value.text : undefined;
}

function isDevelopmentCN(l: Literal): boolean {
  const v = cnValue(l);
  return v !== undefined && DEVELOPMENT_NAME.test(v);
}

export function appleAnchored(f: BranchFacts): boolean {
  return f.appleAnchor !== undefined || f.appleGeneric !== undefined || f.namedAnchor !== undefined;
}

/** Whether the branch is bound to Apple or to a pinned certificate: the level where the privileged-client rules (R6–R8) start to matter. */
export function serviceLevel(f: BranchFacts): boolean {
  return appleAnchored(f) || f.certHash !== undefined;
}

/** Pins exact code or an exact certificate, which stands on its own. */
export function pinned(f: BranchFacts): boolean {
  return f.cdhash !== undefined || f.certHash !== undefined || f.platform !== undefined;
}

/**
 * A rough order of strength, used to find an `or` branch weaker than its
 * siblings: 0 nothing checked, 1 nothing cryptographic, 2 a non-Apple or
 * locally trusted chain, 3 any Apple-issued certificate, 4 one team, Apple's
 * own code, or a pinned hash; doubled, plus one when an identifier is checked.
 */
export function strength(f: BranchFacts): number {
  let base: number;
  if (f.alwaysTrue) base = 0;
  else if (pinned(f) || f.appleAnchor || f.namedAnchor || (f.appleGeneric && teamBound(f))) base = 4;
  else if (f.appleGeneric) base = 3;
  else if (f.certificateConstraint) base = 2;
  else base = 1;
  return base * 2 + (f.identifier || f.cdhash ? 1 : 0);
}

export function missingAntiInjection(f: BranchFacts): string[] {
  return ANTI_INJECTION_ENTITLEMENTS.filter((k) => !f.antiInjection.has(k));
}

/**
 * A team ID written where a CN is expected: a bare team ID, or the team in parentheses of an
 * identity name (not of a development identity: there the ID is the developer's).
 */
export function teamIdInCN(value: string): string | undefined {
  if (TEAM_ID_RE.test(value)) return value;
  if (DEVELOPMENT_NAME.test(value)) return undefined;
  const m = /\(([A-Z0-9]{10})\)\s*$/.exec(value);
  return m?.[1];
}
