/**
 * Translation between the classic requirement language and LWCRs where the
 * meaning is the same (spec lwcr.md §6). Every clause is either translated,
 * with a fidelity note where the meaning is only approximately the same,
 * or refused with a reason; one refusal refuses the whole translation,
 * because dropping a clause would weaken the requirement.
 */
import type { Expr, Match, Range, Requirement } from '../grammar/ast.js';
import { decodeOid } from '../grammar/oid.js';
import type { FactTest, LwGroup, LwNode } from './ast.js';
import { bytesToHex, lw, type LwDict, type LwValue } from './value.js';

export interface TranslationNote {
  range: Range;
  clause: string;
  /** 'refused': no translation with the same meaning; 'approximate': translated, meaning close but not equal. */
  kind: 'refused' | 'approximate';
  reason: string;
}

const APPLE = '1.2.840.113635.100.6.';
/** Leaf and intermediate markers per validation category, for both directions (§6.1, §6.2). */
export const CATEGORY_FORMS: Record<number, { classic: string; fidelity: 'equivalent' | 'approximate'; why?: string }> = {
  1: { classic: 'anchor apple', fidelity: 'approximate', why: 'category 1 also covers trust-cache code; `anchor apple` has extra leaf-marker rules' },
  2: { classic: `anchor apple generic and (certificate leaf[field.${APPLE}1.25.1] or certificate leaf[field.${APPLE}1.25.2])`, fidelity: 'approximate', why: 'CoreTrust decides TestFlight; the markers approximate it' },
  3: { classic: `anchor apple generic and certificate 1[field.${APPLE}2.1] and (certificate leaf[field.${APPLE}1.2] or certificate leaf[field.${APPLE}1.12])`, fidelity: 'approximate', why: 'CoreTrust decides development; the markers approximate it' },
  4: { classic: `anchor apple generic and (certificate leaf[field.${APPLE}1.9] or certificate leaf[field.${APPLE}1.3] or certificate leaf[field.${APPLE}1.24])`, fidelity: 'approximate', why: 'CoreTrust decides App Store (visionOS marker unknown)' },
  5: { classic: `anchor apple generic and certificate leaf[field.${APPLE}1.4] exists`, fidelity: 'approximate', why: 'the distribution marker 6.1.4 is uncertain' },
  6: { classic: `anchor apple generic and certificate 1[field.${APPLE}2.6] and certificate leaf[field.${APPLE}1.13]`, fidelity: 'equivalent' },
};

// ---- classic → LWCR ----

export interface ToLwcrResult {
  /** Undefined when any clause was refused. */
  lwcr?: LwDict;
  notes: TranslationNote[];
}

type Entry = [string, LwValue];

const text = (e: Expr) => e.kind;
const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}
function disjuncts(e: Expr): Expr[] {
  return e.kind === 'or' ? [...disjuncts(e.left), ...disjuncts(e.right)] : [e];
}

const isExists = (m: Match) => m.op === 'exists';
/** `certificate N[field.OID]` (exists), as the marker clauses are written. */
function markerOf(e: Expr): { slot: number; oid: string } | undefined {
  if (e.kind === 'certGeneric' && e.prefix === 'field' && isExists(e.match)) return { slot: e.slot.index, oid: decodeOid(e.oid.bytes) };
  return undefined;
}
function teamOf(e: Expr): string | undefined {
  if (e.kind === 'certField' && e.slot.index === 0 && utf8(e.key.bytes) === 'subject.OU' && e.match.op === 'equal') return utf8(e.match.value.bytes);
  return undefined;
}

/** Translates one requirement's expression. */
export function classicToLwcr(req: Requirement | Expr): ToLwcrResult {
  const notes: TranslationNote[] = [];
  const expr = req.kind === 'requirement' ? req.expr : req;
  if (!expr) return { notes: [{ range: req.range, clause: 'requirement', kind: 'refused', reason: 'empty requirement' }] };
  const entries = conj(expr, notes);
  if (notes.some((n) => n.kind === 'refused') || !entries) return { notes };
  return { lwcr: dictOf(entries), notes };
}

/** A dictionary of entries; a key that repeats moves to an `$and-array`, the only way a fact can appear twice (§2.4). */
function dictOf(entries: Entry[]): LwDict {
  const counts = new Map<string, number>();
  for (const [k] of entries) counts.set(k, (counts.get(k) ?? 0) + 1);
  const single = entries.filter(([k]) => counts.get(k) === 1);
  const repeated = entries.filter(([k]) => counts.get(k)! > 1);
  if (repeated.length > 0) single.push(['$and-array', lw.array(repeated.map(([k, v]) => lw.array([lw.str('$and'), lw.dict([[k, v]])])))]);
  return lw.dict(single);
}

function conj(e: Expr, notes: TranslationNote[]): Entry[] | undefined {
  const parts = conjuncts(e);
  const out: Entry[] = [];
  const used = new Set<Expr>();
  const generic = parts.find((p) => p.kind === 'anchorAppleGeneric');
  const markers = parts.map((p) => [p, markerOf(p)] as const).filter((x): x is readonly [Expr, { slot: number; oid: string }] => x[1] !== undefined);
  const has = (slot: number, oid: string) => markers.find(([, m]) => m.slot === slot && m.oid === oid)?.[0];
  const approx = (p: Expr, clause: string, reason: string) => notes.push({ range: p.range, clause, kind: 'approximate', reason });
  if (generic) {
    const devIdCa = has(1, APPLE + '2.6');
    const devIdLeaf = has(0, APPLE + '1.13');
    const leafCategory = ([[APPLE + '1.9', 4], [APPLE + '1.3', 4], [APPLE + '1.24', 4], [APPLE + '1.25.1', 2], [APPLE + '1.25.2', 2]] as const).map(([oid, cat]) => [has(0, oid), cat] as const).find(([p]) => p);
    const dev = has(1, APPLE + '2.1');
    const devLeaf = has(0, APPLE + '1.12') ?? has(0, APPLE + '1.2');
    if (devIdCa && devIdLeaf) {
      out.push(['validation-category', lw.int(6)]);
      used.add(generic).add(devIdCa).add(devIdLeaf);
    } else if (leafCategory) {
      out.push(['validation-category', lw.int(leafCategory[1])]);
      used.add(generic).add(leafCategory[0]!);
      approx(leafCategory[0]!, 'certificate marker', `validation category ${leafCategory[1]}: ${CATEGORY_FORMS[leafCategory[1]]!.why}`);
    } else if (dev && devLeaf) {
      out.push(['validation-category', lw.int(3)]);
      used.add(generic).add(dev).add(devLeaf);
      approx(dev, 'certificate marker', `validation category 3: ${CATEGORY_FORMS[3]!.why}`);
    }
    const team = parts.find((p) => teamOf(p) !== undefined);
    if (team) {
      out.push(['team-identifier', lw.str(teamOf(team)!)]);
      used.add(team).add(generic);
      if (!out.some(([k]) => k === 'validation-category')) {
        out.push(['validation-category', lw.dict({ $in: lw.array([2, 3, 4, 5, 6].map((n) => lw.int(n))) })]);
        approx(team, 'certificate leaf[subject.OU]', 'the LWCR reads the CodeDirectory team ID, which is bound to the leaf OU only for Apple developer chains (categories 2–6)');
      }
    }
    if (!used.has(generic)) {
      out.push(['validation-category', lw.dict({ $in: lw.array([1, 2, 3, 4, 5, 6].map((n) => lw.int(n))) })]);
      used.add(generic);
      approx(generic, 'anchor apple generic', 'CoreTrust categories 1–6 stand for "an Apple-issued chain"');
    }
  }
  // `anchor apple generic` written more than once (as LWCR → classic writes it) means it once.
  if (generic) for (const p of parts) if (p.kind === 'anchorAppleGeneric') used.add(p);
  for (const p of parts) {
    if (used.has(p)) continue;
    const one = clause(p, notes);
    if (one) out.push(...one);
  }
  return out;
}

function clause(e: Expr, notes: TranslationNote[]): Entry[] | undefined {
  const refuse = (reason: string): undefined => {
    notes.push({ range: e.range, clause: text(e), kind: 'refused', reason });
    return undefined;
  };
  switch (e.kind) {
    case 'identifier':
      return [['signing-identifier', lw.str(utf8(e.value.bytes))]];
    case 'cdhash':
      return [['cdhash', lw.data(e.hash)]];
    case 'platform':
      return [['platform-identifier', lw.int(e.value)]];
    case 'anchorApple':
      notes.push({ range: e.range, clause: 'anchor apple', kind: 'approximate', reason: CATEGORY_FORMS[1]!.why! });
      return [['validation-category', lw.int(1)]];
    case 'entitlement': {
      const key = utf8(e.key.bytes);
      const m = e.match;
      if (m.op === 'exists') {
        notes.push({ range: e.range, clause: 'entitlement exists', kind: 'approximate', reason: 'classic is false when the value is boolean false; $query [1, key] only needs the key' });
        return [['entitlements', lw.dict({ $query: lw.array([lw.array([lw.int(1), lw.str(key)])]) })]];
      }
      if (m.op === 'equal' && m.spelling !== 'wildcards') return [['entitlements', lw.dict({ $query: lw.array([lw.array([lw.int(1), lw.str(key)]), lw.array([lw.int(6), lw.str(utf8(m.value.bytes))])]) })]];
      if (m.op === 'beginsWith') {
        notes.push({ range: e.range, clause: 'entitlement prefix', kind: 'approximate', reason: '$query op 8 on arrays: prefix per CoreEntitlements, equality per Apple\'s doc (uncertain)' });
        return [['entitlements', lw.dict({ $query: lw.array([lw.array([lw.int(1), lw.str(key)]), lw.array([lw.int(8), lw.str(utf8(m.value.bytes))])]) })]];
      }
      return refuse(`entitlement match "${m.op}" has no LWCR equivalent (only exists, equality and prefix)`);
    }
    case 'or': {
      const sides = disjuncts(e).map((d) => conj(d, notes));
      if (sides.some((s) => !s)) return undefined;
      const list = sides as Entry[][];
      // identifier a or identifier b → $in (same fact, literal values).
      const key = list[0]!.length === 1 ? list[0]![0]![0] : undefined;
      if (key && ['signing-identifier', 'cdhash', 'platform-identifier'].includes(key) && list.every((s) => s.length === 1 && s[0]![0] === key && s[0]![1].kind !== 'dict')) {
        return [[key, lw.dict({ $in: lw.array(list.map((s) => s[0]![1])) })]];
      }
      return [['$or-array', lw.array(list.map((s) => lw.array([lw.str('$and'), dictOf(s)])))]];
    }
    case 'and':
      return conj(e, notes);
    case 'not':
      return refuse('LWCRs have no negation');
    case 'const':
      return refuse(`"${e.value ? 'always' : 'never'}" has no LWCR equivalent`);
    case 'info':
    case 'infoKeyValue':
      return refuse('LWCRs cannot read Info.plist keys (only info-plist-hash pins the whole file)');
    case 'notarized':
    case 'legacy':
      return refuse(`"${e.kind}" has no LWCR equivalent`);
    case 'anchorAppleGeneric':
      return refuse('anchor apple generic');
    case 'namedAnchor':
    case 'namedCode':
      return refuse('named anchors and named code have no LWCR equivalent');
    case 'trustedCerts':
    case 'trustedCert':
    case 'certHash':
    case 'certField':
    case 'certGeneric':
    case 'certPolicy':
    case 'certDate':
      return refuse('LWCRs cannot pin certificates or read certificate fields (only the categories of §2.7, from Apple chains)');
    default:
      return refuse(`"${e.kind}" has no LWCR equivalent`);
  }
}

// ---- LWCR → classic ----

export interface ToClassicResult {
  /** Classic requirement text; undefined when any clause was refused. */
  text?: string;
  notes: TranslationNote[];
}

function quote(s: string): string | undefined {
  // Inside a classic string a backslash may only escape a quote (CSR004).
  if (s.includes('\\')) return undefined;
  return `"${s.replace(/"/g, '\\"')}"`;
}

export function lwcrToClassic(tree: LwGroup): ToClassicResult {
  const notes: TranslationNote[] = [];
  const out = node(tree, notes, allowsCategory10(tree));
  if (notes.some((n) => n.kind === 'refused') || out === undefined) return { notes };
  return { text: out, notes };
}

/** Whether some validation-category clause admits 10, so team-identifier should not add `anchor apple generic` (§6.2). */
function allowsCategory10(n: LwNode): boolean {
  if (n.kind === 'and' || n.kind === 'or') return n.children.some(allowsCategory10);
  if (n.kind === 'optional') return n.child ? allowsCategory10(n.child) : false;
  if (n.kind !== 'fact' || n.key !== 'validation-category') return false;
  const vals = n.test.op === 'eq' ? [n.test.value] : n.test.op === '$in' ? n.test.values : [];
  return vals.some((v) => v.kind === 'int' && v.value === 10n);
}

function join(parts: string[], op: 'and' | 'or'): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(` ${op} `)})`;
}

function node(n: LwNode, notes: TranslationNote[], category10: boolean): string | undefined {
  const refuse = (clause: string, reason: string): undefined => {
    notes.push({ range: n.range, clause, kind: 'refused', reason });
    return undefined;
  };
  switch (n.kind) {
    case 'and':
    case 'or': {
      if (n.children.length === 0) return refuse(n.via, 'empty group');
      const parts = n.children.map((c) => node(c, notes, category10));
      if (parts.some((p) => p === undefined)) return undefined;
      return join(parts as string[], n.kind);
    }
    case 'optional':
      return refuse('$optional', '$optional (ignore when undefined) has no classic equivalent');
    case 'unknown-op':
      return refuse(n.op, 'unknown operator');
    case 'fact':
      return fact(n.key, n.test, notes, n.range, category10);
  }
}

function fact(key: string, t: FactTest, notes: TranslationNote[], range: Range, category10: boolean): string | undefined {
  const refuse = (reason: string): undefined => {
    notes.push({ range, clause: key, kind: 'refused', reason });
    return undefined;
  };
  const values = t.op === 'eq' ? [t.value] : t.op === '$in' ? t.values : undefined;
  const each = (f: (v: LwValue) => string | undefined): string | undefined => {
    if (!values) return refuse(`${t.op} on ${key} has no classic equivalent`);
    if (values.length === 0) return refuse('an empty $in never matches; classic has no "never" to translate it to faithfully');
    const parts = values.map(f);
    return parts.some((p) => p === undefined) ? undefined : join(parts as string[], 'or');
  };
  switch (key) {
    case 'signing-identifier':
      return each((v) => (v.kind === 'string' ? (quote(v.value) ? `identifier ${quote(v.value)}` : refuse('a backslash cannot be written in a classic string')) : refuse('not a string')));
    case 'team-identifier':
      return each((v) => {
        if (v.kind !== 'string' || !quote(v.value)) return refuse('not a writable string');
        if (category10) return `certificate leaf[subject.OU] = ${quote(v.value)}`;
        notes.push({ range, clause: key, kind: 'approximate', reason: 'the CodeDirectory team ID becomes the leaf certificate OU under an Apple chain (`anchor apple generic`)' });
        return `(anchor apple generic and certificate leaf[subject.OU] = ${quote(v.value)})`;
      });
    case 'cdhash':
      return each((v) => (v.kind === 'data' && v.bytes.length === 20 ? `cdhash H"${bytesToHex(v.bytes)}"` : refuse('a cdhash must be 20 bytes of data')));
    case 'platform-identifier':
      return each((v) => (v.kind === 'int' && v.value >= 0n && v.value < 2n ** 32n ? `platform ${v.value}` : refuse('platform must be a 32-bit unsigned integer')));
    case 'validation-category':
      return each((v) => {
        const form = v.kind === 'int' ? CATEGORY_FORMS[Number(v.value)] : undefined;
        if (!form) return refuse(v.kind === 'int' && v.value === 10n ? 'category 10 ("none of the above") cannot be expressed in classic' : `validation category ${oneValue(v)} has no classic form`);
        if (form.fidelity === 'approximate') notes.push({ range, clause: `validation-category ${oneValue(v)}`, kind: 'approximate', reason: form.why! });
        return `(${form.classic})`;
      });
    case 'entitlements': {
      if (t.op !== '$query') return refuse('entitlements need $query');
      const [sel, match, ...rest] = t.steps;
      if (!sel || sel.opcode !== 1 || sel.param.kind !== 'string' || rest.length > 0 || !quote(sel.param.value)) return refuse('only [[1, key]] optionally followed by one match (ops 3, 4, 5 true, 6) translates');
      const k = `entitlement[${quote(sel.param.value)}]`;
      if (!match) {
        notes.push({ range, clause: key, kind: 'approximate', reason: 'classic `exists` is false for a boolean false value' });
        return `${k} exists`;
      }
      const p = match.param;
      if ((match.opcode === 3 || match.opcode === 6) && p.kind === 'string' && quote(p.value)) {
        if (match.opcode === 3) notes.push({ range, clause: key, kind: 'approximate', reason: 'classic equality also matches an element of an array value' });
        return `${k} = ${quote(p.value)}`;
      }
      if (match.opcode === 4 && p.kind === 'string' && quote(p.value) && !p.value.includes('*')) {
        notes.push({ range, clause: key, kind: 'approximate', reason: 'classic `= "v*"` also matches array elements' });
        return `${k} = ${quote(p.value + '*')}`;
      }
      if (match.opcode === 5 && p.kind === 'bool' && p.value) {
        notes.push({ range, clause: key, kind: 'approximate', reason: 'classic `exists` is true for any value except boolean false' });
        return `${k} exists`;
      }
      return refuse(`$query op ${match.opcode} has no classic equivalent`);
    }
    default:
      return refuse(`${key} has no classic equivalent (runtime facts, info-plist-hash, is-main-binary, platform type, code-signing flags and unknown facts)`);
  }
}

function oneValue(v: LwValue): string {
  return v.kind === 'int' ? v.value.toString() : v.kind;
}
