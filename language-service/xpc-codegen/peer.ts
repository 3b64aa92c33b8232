/**
 * What the newer peer-requirement APIs can say about one classic
 * requirement. The LWCR APIs (macOS 14.4, 26) take a lightweight code
 * requirement, not requirement text, so the requirement is translated with
 * the project's one translation (lwcr/translate.ts): a requirement with a
 * clause that has no LWCR equivalent gets no LWCR mechanism at all (dropping
 * the clause would weaken it), and the generated code says why.
 */
import { parse } from '../../grammar/parser.js';
import type { Requirement } from '../../grammar/ast.js';
import { classicToLwcr, type TranslationNote } from '../../lwcr/translate.js';
import type { LwDict, LwValue } from '../../lwcr/value.js';

/** One of Apple's single-purpose peer requirement functions (macOS 14.4), when the LWCR says no more than it. */
export type PeerShortcut =
  | { kind: 'platform-identity'; signingIdentifier: string }
  | { kind: 'entitlement-exists'; entitlement: string }
  | { kind: 'entitlement-matches-value'; entitlement: string; value: string };

/** A constraint of Apple's LightweightCodeRequirements result builder. */
export type BuilderConstraint =
  | { kind: 'TeamIdentifier'; value: string }
  | { kind: 'SigningIdentifier'; value: string }
  | { kind: 'ValidationCategory'; value: string }
  /** `anyOf { ValidationCategory(…) … }`: the free `anyOf` function inside `allOf` (spec lwcr.md, LightweightCodeRequirements). */
  | { kind: 'AnyValidationCategory'; values: string[] };

export interface PeerPlan {
  /** The LWCR with the same meaning (approximations in `notes`), when every clause translates. */
  lwcr?: LwDict;
  notes: TranslationNote[];
  /** Why there is no LWCR (parse errors, a refused clause). */
  noLwcr?: string;
  shortcut?: PeerShortcut;
  /** The team identifier the LWCR requires, if any (for the same-team shorthand's comment). */
  team?: string;
  /** The LWCR as builder constraints, when every entry is one the builder has. */
  builder?: BuilderConstraint[];
}

/** validation-category numbers (spec lwcr.md §2.7) → the Swift enum case of `ValidationCategory`. */
const CATEGORY_CASES: Readonly<Record<string, string>> = { '1': 'platform', '2': 'testflight', '3': 'development', '4': 'appStore', '5': 'enterprise', '6': 'developerID' };

export function planPeerRequirement(text: string): PeerPlan {
  const parsed = parse(text, { mode: 'single' });
  const doc = parsed.document;
  if (!parsed.ok || !doc || doc.kind !== 'requirement') {
    const first = parsed.diagnostics.find((d) => d.severity === 'error');
    return { notes: [], noLwcr: `the requirement does not parse${first ? ` (${first.message})` : ''}` };
  }
  const translated = classicToLwcr(doc as Requirement);
  if (!translated.lwcr) {
    const refused = translated.notes.filter((n) => n.kind === 'refused');
    return { notes: translated.notes, noLwcr: refused.length > 0 ? refused.map((n) => `${n.clause}: ${n.reason}`).join('; ') : 'no LWCR translation' };
  }
  const lwcr = translated.lwcr;
  const plan: PeerPlan = { lwcr, notes: translated.notes };
  const shortcut = shortcutOf(lwcr);
  if (shortcut) plan.shortcut = shortcut;
  const team = lwcr.entries.find((e) => e.key === 'team-identifier')?.value;
  if (team?.kind === 'string') plan.team = team.value;
  const builder = builderOf(lwcr);
  if (builder) plan.builder = builder;
  return plan;
}

const str = (v: LwValue | undefined): string | undefined => (v?.kind === 'string' ? v.value : undefined);

function entryMap(d: LwDict): Map<string, LwValue> | undefined {
  const m = new Map<string, LwValue>();
  for (const e of d.entries) {
    if (m.has(e.key)) return undefined;
    m.set(e.key, e.value);
  }
  return m;
}

/** `{ "$query": [[1, key]] }` or `{ "$query": [[1, key], [6, "value"]] }` (the translation's entitlement forms). */
function entitlementQuery(v: LwValue | undefined): { entitlement: string; value?: string } | undefined {
  if (v?.kind !== 'dict' || v.entries.length !== 1 || v.entries[0]!.key !== '$query') return undefined;
  const q = v.entries[0]!.value;
  if (q.kind !== 'array' || q.items.length < 1 || q.items.length > 2) return undefined;
  const step = (i: number, op: bigint) => {
    const s = q.items[i];
    return s?.kind === 'array' && s.items.length === 2 && s.items[0]!.kind === 'int' && s.items[0]!.value === op ? str(s.items[1]) : undefined;
  };
  const entitlement = step(0, 1n);
  if (entitlement === undefined) return undefined;
  if (q.items.length === 1) return { entitlement };
  const value = step(1, 6n);
  return value === undefined ? undefined : { entitlement, value };
}

function shortcutOf(lwcr: LwDict): PeerShortcut | undefined {
  const m = entryMap(lwcr);
  if (!m) return undefined;
  const keys = [...m.keys()].sort().join(',');
  const category = m.get('validation-category');
  if (keys === 'signing-identifier,validation-category' && category?.kind === 'int' && category.value === 1n) {
    // "an Apple-signed binary with the given signing identifier" (Apple's documentation of the function).
    return { kind: 'platform-identity', signingIdentifier: str(m.get('signing-identifier'))! };
  }
  if (keys === 'entitlements') {
    const q = entitlementQuery(m.get('entitlements'));
    if (q && q.value === undefined) return { kind: 'entitlement-exists', entitlement: q.entitlement };
    if (q && q.value !== undefined) return { kind: 'entitlement-matches-value', entitlement: q.entitlement, value: q.value };
  }
  return undefined;
}

function builderOf(lwcr: LwDict): BuilderConstraint[] | undefined {
  const out: BuilderConstraint[] = [];
  const m = entryMap(lwcr);
  if (!m || m.size === 0) return undefined;
  for (const [key, value] of m) {
    if (key === 'team-identifier' && value.kind === 'string') out.push({ kind: 'TeamIdentifier', value: value.value });
    else if (key === 'signing-identifier' && value.kind === 'string') out.push({ kind: 'SigningIdentifier', value: value.value });
    else if (key === 'validation-category' && value.kind === 'int' && CATEGORY_CASES[value.value.toString()]) out.push({ kind: 'ValidationCategory', value: CATEGORY_CASES[value.value.toString()]! });
    else if (key === 'validation-category' && categorySet(value)) out.push({ kind: 'AnyValidationCategory', values: categorySet(value)! });
    else return undefined;
  }
  return out;
}

/** `{ "$in": [2, 3, …] }` of known categories → their enum cases. */
function categorySet(v: LwValue): string[] | undefined {
  if (v.kind !== 'dict' || v.entries.length !== 1 || v.entries[0]!.key !== '$in') return undefined;
  const list = v.entries[0]!.value;
  if (list.kind !== 'array' || list.items.length === 0) return undefined;
  const out: string[] = [];
  for (const item of list.items) {
    const name = item.kind === 'int' ? CATEGORY_CASES[item.value.toString()] : undefined;
    if (!name) return undefined;
    out.push(name);
  }
  return out;
}
