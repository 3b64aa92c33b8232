/** Comments and availability chains shared by the emitters. */
import type { PeerPlan } from './peer.js';

export const REQUIREMENT_COMMENT = `// The requirement every client must satisfy. An unparsable requirement makes
// setCodeSigningRequirement raise an exception and the C API return EINVAL,
// at run time: test it with csrl before shipping.`;

/**
 * Text safe inside a `//` comment of C, Objective-C and Swift: printable
 * ASCII only, and no backslash or `?` (a trailing `\` or the trigraph
 * `??/` would continue the comment onto the next line of code).
 */
export function commentSafe(text: string, max = 200): string {
  const s = text.replace(/[\u2013\u2014]/g, '-').replace(/[^\x20-\x7e]|[\\?]/g, '_');
  return s.length > max ? s.slice(0, max - 3) + '...' : s;
}

/** Why the LWCR mechanism is used as it is, or why it is missing. */
export function translationComment(plan: PeerPlan, prefix = '//'): string {
  if (!plan.lwcr) return `${prefix} No lightweight code requirement (macOS 14.4 / 26 APIs): ${commentSafe(plan.noLwcr ?? 'no translation')}.`;
  const lines = [`${prefix} The requirement as a lightweight code requirement (LWCR), translated by csrl.`];
  for (const n of plan.notes.filter((x) => x.kind === 'approximate')) lines.push(`${prefix} Approximate: ${commentSafe(n.clause)}: ${commentSafe(n.reason)}.`);
  return lines.join('\n');
}

export interface Branch {
  /** The availability check (`14.4`), or undefined for the unguarded last branch. */
  since?: string;
  body: string[];
}

/**
 * `if (__builtin_available(macOS A, *)) { … } else if … else { … }` (C,
 * Objective-C: `@available`) or `if #available(macOS A, *) { … } else …`
 * (Swift); a single branch is written without a check.
 */
export function availabilityChain(style: 'c' | 'objc' | 'swift', branches: Branch[], indent: string): string[] {
  if (branches.length === 1) return branches[0]!.body.map((l) => indent + l);
  const check = (v: string) => (style === 'swift' ? `if #available(macOS ${v}, *) {` : style === 'objc' ? `if (@available(macOS ${v}, *)) {` : `if (__builtin_available(macOS ${v}, *)) {`);
  const out: string[] = [];
  branches.forEach((b, i) => {
    const opener = b.since ? check(b.since) : '{';
    out.push(i === 0 ? indent + opener : `${indent}} else ${opener}`);
    out.push(...b.body.map((l) => indent + '    ' + l));
  });
  out.push(indent + '}');
  return out;
}
