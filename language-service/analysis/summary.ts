import type { Expr, Requirement } from '../../grammar/ast.js';
import { OID } from '../knowledge.js';
import { branchFacts, disjuncts, hasMarker, missingAntiInjection, type BranchFacts } from './branches.js';

/**
 * A plain-English sentence saying who a requirement lets in, e.g. "code
 * signed by Apple-issued Developer ID certificates of team ABCDE12345, with
 * identifier com.example.helper".
 */
export function summarizeRequirement(req: Requirement | undefined): string {
  if (!req?.expr) return 'nothing could be read from this requirement';
  return summarizeExpr(req.expr);
}

/** What is said instead of who is allowed when the text does not compile: Apple rejects the whole requirement (or set). */
export const DOES_NOT_COMPILE = 'nothing: the text does not compile, and Apple rejects the whole requirement';

/**
 * Who a requirement lets in, given whether the text it came from compiles.
 * A recovered parse of text with a syntax error may look like a weaker
 * requirement (an `or` branch with nothing left in it); nothing admits any
 * code then, because Apple refuses the text.
 */
export function summarizeIfCompiles(req: Requirement | undefined, compiles: boolean): string {
  return compiles ? summarizeRequirement(req) : DOES_NOT_COMPILE;
}

export function summarizeExpr(expr: Expr): string {
  const branches = disjuncts(expr, 16);
  if (!branches) return 'code matching one of many alternatives (too many to summarise)';
  const live = branches.map(branchFacts).filter((f) => !f.dead);
  if (live.length === 0) return 'no code at all (the requirement can never be satisfied)';
  const phrases = [...new Set(live.map(describe))];
  if (phrases.length === 1) return phrases[0]!;
  return 'either ' + phrases.map((p, i) => `(${i + 1}) ${p}`).join('; or ');
}

function signer(f: BranchFacts): string {
  if (f.appleAnchor) return 'signed by Apple itself (Apple\'s own software)';
  const parts: string[] = [];
  if (f.appleGeneric || f.namedAnchor) {
    const devId = hasMarker(f, OID.devIdCA) || hasMarker(f, OID.devIdApp);
    const mas = hasMarker(f, OID.masApp);
    const dev = hasMarker(f, OID.wwdrCA) || hasMarker(f, OID.macDeveloper) || hasMarker(f, OID.iphoneDeveloper);
    const kind = devId ? 'Developer ID certificates' : mas ? 'Mac App Store signatures (re-signed by Apple)' : dev ? 'Apple Development certificates' : undefined;
    // Not "certificates of any kind of team X", which reads as a kind of team: "any … certificate of team X".
    parts.push(kind ? `signed by Apple-issued ${kind}` : 'signed with any Apple-issued certificate');
  } else if (f.trusted.length > 0) {
    parts.push('signed by any certificate chain this Mac\'s trust settings trust');
  } else if (f.certHash) {
    parts.push('signed with a certificate pinned by its hash');
  } else if (f.certificateConstraint) {
    parts.push('signed by any certificate (the chain is not anchored, so its fields are self-asserted)');
  } else if (!f.cdhash && !f.platform) {
    parts.push('signed by anyone (no signature check), even ad hoc');
  }
  return parts.join(' ');
}

function describe(f: BranchFacts): string {
  if (f.alwaysTrue) return 'any code at all';
  const bits: string[] = [];
  let head = 'code';
  const s = signer(f);
  if (s) head += ' ' + s;
  if (f.teamOU) head += ` of team ${f.teamOU.value}`;
  bits.push(head);
  const ident = f.identifier?.expr;
  if (ident?.kind === 'identifier') bits.push(`with identifier ${ident.value.text}`);
  if (f.cdhash) bits.push('of exactly one build (pinned by cdhash)');
  if (f.platform?.expr.kind === 'platform') bits.push(`of platform ${f.platform.expr.value}`);
  if (f.minVersion?.expr.kind === 'info' && 'value' in f.minVersion.expr.match) {
    bits.push(`version ${f.minVersion.expr.match.op === 'greaterThan' ? '>' : '>='} ${f.minVersion.expr.match.value.text}`);
  }
  if (f.notarized) bits.push('notarized by Apple');
  if (missingAntiInjection(f).length === 0) bits.push('that cannot be injected (no get-task-allow, library-validation or DYLD exceptions)');
  return bits.join(', ');
}
