/**
 * Parser frames (parse-frames.ts) → AST (grammar/ast.ts), with the semantic
 * checks of Apple's parser (spec §2.7, errors) and its silent quirks (spec
 * §8.2, warnings). Built top-down, so a node is converted only where its
 * parent is valid, and diagnostics come in text order.
 *
 * Parts the parser could not read become ErrorExpr nodes spanning the tokens
 * they covered, so the valid rest of the document is still available.
 */
import type { IToken } from 'chevrotain';
import type {
  CertSlot, Comment, Expr, Match, Oid, Range, Requirement, RequirementSet,
  RequirementSetEntry, Value,
} from './ast.js';
import { atolInt32, fromHex, utf8Text } from './bytes.js';
import { textToBytes } from './parse-bytes.js';
import { type TokenPayload, STRING, HASHCONSTANT, HEXCONSTANT, PATHNAME, INTEGER } from './lexer.js';
import {
  type AppleAnchorFrame, type CertFrame, type ElementFrame, type EntryFrame, type Frame, type InfoFrame, type KeyFrame, type ListFrame, PrimaryAlt,
  type PrimaryFrame, realToken, type RequirementFrame, type SetFrame, type SlotFrame, type SlotSpecFrame, type SuffixFrame,
} from './parse-frames.js';
import { encodeOid } from './oid.js';
import { closest, type RawDiag } from './parse-diag.js';
import type { LineIndex } from './parse-positions.js';
import { parseTimestamp } from './timestamp.js';
import { isDotKeyForm, isDottedNumber } from './words.js';

/** UTF-8 of a string, without TextEncoder for the common all-ASCII case (it dominated the profile). */
function textBytes(text: string): Uint8Array {
  return asciiBytes(text) ?? textToBytes(text);
}

/** The bytes of an all-ASCII string, else undefined. */
function asciiBytes(text: string): Uint8Array | undefined {
  const n = text.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return undefined;
    out[i] = c;
  }
  return out;
}

/**
 * OIDs repeat across requirements (the Apple markers); encoding them is BigInt
 * work. Shared entries: callers copy `bytes` before putting them in an AST.
 */
const oidCache = new Map<string, ReturnType<typeof encodeOid>>();
function encodeOidCached(text: string): ReturnType<typeof encodeOid> {
  let e = oidCache.get(text);
  if (!e) {
    e = encodeOid(text);
    if (oidCache.size > 4096) oidCache.clear();
    oidCache.set(text, e);
  }
  return e;
}

const SUBJECT_NAMES = ['C', 'CN', 'D', 'L', 'O', 'C-O', 'OU', 'C-OU', 'ST', 'C-ST', 'STREET', 'C-STREET', 'UID'] as const;
const CERT_PREFIXES = ['subject.', 'field.', 'extension.', 'policy.', 'timestamp.'] as const;

function certPrefix(key: string): (typeof CERT_PREFIXES)[number] | undefined {
  for (const p of CERT_PREFIXES) if (key.startsWith(p)) return p;
  return undefined;
}

/** Exclusive end offset (the image is exactly the matched text). */
export function tokEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

export class AstBuilder {
  readonly diags: RawDiag[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  // ------------------------------------------------------------ helpers

  private r(start: number, end: number): Range {
    return this.lines.span(start, end);
  }

  private tokRange(t: IToken): Range {
    return this.r(t.startOffset, tokEnd(t));
  }

  private error(n: Frame, fallback: number): Expr {
    return { kind: 'error', range: n.start >= 0 ? this.r(n.start, n.end) : this.r(fallback, fallback) };
  }

  private diag(d: RawDiag): void {
    this.diags.push(d);
  }

  private semanticError(code: RawDiag['code'], message: string, start: number, end: number, appleText: string, fixes?: RawDiag['fixes']): void {
    this.diag({
      code,
      severity: 'error',
      message,
      start,
      end,
      ...(fixes ? { fixes } : {}),
      apple: { message: ` ${appleText}`, offset: start, positional: false, order: start, lexical: false },
    });
  }

  private warn(code: RawDiag['code'], message: string, start: number, end: number, fixes?: RawDiag['fixes']): void {
    this.diag({ code, severity: 'warning', message, start, end, ...(fixes ? { fixes } : {}) });
  }

  // ------------------------------------------------------------ documents

  requirement(f: RequirementFrame | undefined, fallback: number): Requirement {
    return this.requirementElement(f?.element, fallback);
  }

  private requirementElement(el: ElementFrame | undefined, fallback: number): Requirement {
    const ex = el?.expr;
    const expr = ex ? this.expr(ex, fallback) : undefined;
    const range = el && el.start >= 0 ? this.r(el.start, el.end) : expr ? expr.range : this.r(fallback, fallback);
    return { kind: 'requirement', range, expr };
  }

  private readonly entries: RequirementSetEntry[] = [];

  /** One entry of a set, as soon as the parser has read it (entries come in source order). */
  setEntry(e: EntryFrame): void {
    const typeTok = e.type;
    if (!realToken(typeTok)) return;
    let type: number;
    if (typeTok.tokenType === INTEGER) {
      type = atolInt32(typeTok.image) >>> 0;
      this.checkWrap(typeTok, type, 'requirement type');
    } else type = TYPE_NUMBER[typeTok.image] ?? 0;
    const requirement = this.requirementElement(e.element, e.end);
    this.entries.push({ type, typeRange: this.tokRange(typeTok), requirement, range: this.r(e.start, e.end) });
  }

  /** The set, after the parser has handed over every entry (setEntry). */
  requirementSet(f: SetFrame | undefined, fallback: number): RequirementSet {
    const entries = this.entries;
    // Apple's SuperBlob maker replaces an earlier entry of the same type (spec §2.2).
    const last = new Map<number, RequirementSetEntry>();
    for (const e of entries) last.set(e.type, e);
    for (const e of entries) {
      const winner = last.get(e.type)!;
      if (winner !== e) {
        const name = this.text.slice(e.typeRange.start.offset, e.typeRange.end.offset);
        this.warn(
          'CSR066',
          `\`${name}\` appears again on line ${winner.typeRange.start.line}: Apple keeps only the later entry and drops this one`,
          e.range.start.offset,
          e.typeRange.end.offset,
        );
      }
    }
    return { kind: 'set', entries, range: f && f.start >= 0 ? this.r(f.start, f.end) : this.r(fallback, fallback) };
  }

  // ------------------------------------------------------------ expressions

  /** `a or b`, `a and b` as Apple nests them, ((a op b) op c). */
  private expr(n: ListFrame, fallback: number): Expr {
    const items = n.items;
    let left: Expr | undefined;
    for (let i = 0; i < items.length; i++) {
      const term = items[i] as ListFrame;
      if (left === undefined) left = this.term(term, fallback);
      else {
        const right = this.term(term, left.range.end.offset);
        left = { kind: 'or', left, right, range: { start: left.range.start, end: right.range.end } };
      }
    }
    return left ?? this.error(n, fallback);
  }

  private term(n: ListFrame, fallback: number): Expr {
    const items = n.items;
    let left: Expr | undefined;
    for (let i = 0; i < items.length; i++) {
      const p = items[i] as PrimaryFrame;
      if (left === undefined) left = this.primary(p, fallback);
      else {
        const right = this.primary(p, left.range.end.offset);
        left = { kind: 'and', left, right, range: { start: left.range.start, end: right.range.end } };
      }
    }
    return left ?? this.error(n, fallback);
  }

  private primary(n: PrimaryFrame, fallback: number): Expr {
    const built = n.recovered ? undefined : this.primaryInner(n);
    return built ?? this.error(n, fallback);
  }

  private primaryInner(n: PrimaryFrame): Expr | undefined {
    if (n.start < 0) return undefined;
    const range = this.r(n.start, n.end);
    switch (n.alt) {
      case PrimaryAlt.Not: {
        const inner = n.node as PrimaryFrame | undefined;
        if (!inner) return undefined;
        return { kind: 'not', operand: this.primary(inner, tokEnd(n.first!)), range };
      }
      case PrimaryAlt.True:
        return { kind: 'const', value: true, range };
      case PrimaryAlt.False:
        return { kind: 'const', value: false, range };
      case PrimaryAlt.Notarized:
        return { kind: 'notarized', range };
      case PrimaryAlt.Legacy:
        return { kind: 'legacy', range };
      case PrimaryAlt.Cert: {
        const cert = n.node as CertFrame | undefined;
        if (!cert) return undefined;
        return cert.recovered ? undefined : this.certspec(cert, range);
      }
      case PrimaryAlt.Info:
      case PrimaryAlt.Entitlement: {
        const info = n.node as InfoFrame | undefined;
        if (!info || info.recovered) return undefined;
        const key = this.bracketKey(info.key);
        const match = this.matchSuffix(info.suffix, key);
        if (!key || !match) return undefined;
        return { kind: n.alt === PrimaryAlt.Info ? 'info' : 'entitlement', key: key.value, match, range };
      }
      case PrimaryAlt.Identifier: {
        const v = this.identifierString(n.name);
        return v ? { kind: 'identifier', value: v, range } : undefined;
      }
      case PrimaryAlt.Cdhash: {
        const h = n.arg;
        if (!realToken(h)) return undefined;
        const hash = this.hash(h);
        return hash ? { kind: 'cdhash', hash, range } : undefined;
      }
      case PrimaryAlt.Platform: {
        const t = n.arg;
        if (!realToken(t)) return undefined;
        const value = atolInt32(t.image);
        this.checkWrap(t, value, 'platform');
        return { kind: 'platform', value, range };
      }
      case PrimaryAlt.Paren: {
        const inner = n.node as ListFrame | undefined;
        if (!inner || !n.arg) return undefined;
        const e = this.expr(inner, n.start + 1);
        // The node of a parenthesised expression covers its parentheses.
        return { ...e, range } as Expr;
      }
      case PrimaryAlt.Named: {
        const v = this.identifierString(n.name);
        return v ? { kind: 'namedCode', name: v, range } : undefined;
      }
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------ certificates

  private certspec(n: CertFrame, range: Range): Expr | undefined {
    const anchor = n.anchor;
    if (n.generic) return { kind: 'anchorAppleGeneric', range };
    const appleAnchor = n.appleanchor;
    if (appleAnchor) return this.appleanchor(appleAnchor, range);
    const slotNode = n.slot;
    if (!slotNode) {
      if (n.trusted) return { kind: 'trustedCerts', range };
      const spec = n.spec;
      if (!anchor || !spec) return undefined;
      const slot: CertSlot = { index: -1, spelling: 'anchor', range: this.tokRange(anchor) };
      return this.certslotspec(spec, slot, range, true);
    }
    const slot = this.certSlot(slotNode);
    if (!slot) return undefined;
    if (n.trusted) return { kind: 'trustedCert', slot, range };
    const spec = n.spec;
    return spec ? this.certslotspec(spec, slot, range, false) : undefined;
  }

  private appleanchor(a: AppleAnchorFrame, range: Range): Expr | undefined {
    if (a.recovered) return undefined;
    if (a.generic) return { kind: 'anchorAppleGeneric', range };
    if (a.named) {
      const name = this.identifierString(a.name);
      return name ? { kind: 'namedAnchor', name, range } : undefined;
    }
    return { kind: 'anchorApple', range };
  }

  private certSlot(n: SlotFrame): CertSlot | undefined {
    if (n.recovered) return undefined;
    if (n.start < 0) return undefined;
    const range = this.r(n.start, n.end);
    if (n.leaf) return { index: 0, spelling: 'leaf', range };
    if (n.root) return { index: -1, spelling: 'root', range };
    const t = n.integer;
    if (!realToken(t)) return undefined;
    const v = atolInt32(t.image);
    this.checkWrap(t, v, 'certificate slot');
    // Apple negates the int32 (`slot = -slot`); -INT32_MIN stays INT32_MIN.
    return { index: n.neg ? -v | 0 : v, spelling: 'number', range };
  }

  private certslotspec(n: SlotSpecFrame, slot: CertSlot, range: Range, afterAnchor: boolean): Expr | undefined {
    if (n.recovered) return undefined;
    if (n.digested) {
      const digest = n.digest;
      // certificateDigest reads one token or fails before it.
      if (!realToken(digest)) return undefined;
      if (digest.tokenType === HASHCONSTANT) {
        const hash = this.hash(digest);
        return hash ? { kind: 'certHash', slot, hash, range } : undefined;
      }
      const path = this.value(digest);
      if (digest.tokenType !== STRING && digest.tokenType !== PATHNAME && !n.eq) {
        this.warnPathWord(digest, afterAnchor, slot);
      }
      return { kind: 'certHash', slot, hash: undefined, path, range };
    }
    const key = this.bracketKey(n.key);
    if (!key) return undefined;
    const keyText = key.value.text;
    const prefix = certPrefix(keyText);
    if (!prefix) {
      this.unknownCertField(key.value, key.token);
      return undefined;
    }
    const match = this.matchSuffix(n.suffix, key);
    if (!match) return undefined;
    if (prefix === 'subject.') {
      this.checkSubject(key.value, key.token);
      return { kind: 'certField', slot, key: key.value, match, range };
    }
    const oid = this.oid(key.value, key.token, prefix);
    if (prefix === 'timestamp.') return { kind: 'certDate', slot, oid, match, range };
    if (match.op !== 'exists' && match.op !== 'absent') {
      this.warn(
        'CSR064',
        `\`${prefix}\` keys only test whether the certificate has the ${prefix === 'policy.' ? 'policy' : 'extension'}: a comparison on one can never be true for Apple; use \`exists\` (or nothing) or \`absent\``,
        match.range.start.offset,
        match.range.end.offset,
      );
    }
    if (prefix === 'policy.') return { kind: 'certPolicy', slot, oid, match, range };
    return { kind: 'certGeneric', slot, oid, prefix: prefix === 'field.' ? 'field' : 'extension', match, range };
  }

  private warnPathWord(t: IToken, afterAnchor: boolean, slot: CertSlot): void {
    const word = t.image;
    const forms = afterAnchor ? ['apple', 'trusted', 'generic'] : ['trusted'];
    const near = closest(word, forms, 2);
    const lead = afterAnchor ? 'anchor' : this.text.slice(slot.range.start.offset, slot.range.end.offset);
    let message = `\`${word}\` is read as a certificate file path: Apple's compiler hashes the file \`${word}\` from the current directory (and fails if it does not exist)`;
    const fixes: RawDiag['fixes'] = [];
    if (near) {
      const suggestion = near === 'generic' ? 'apple generic' : near;
      message = `\`${word}\` is read as a certificate file path; did you mean \`${afterAnchor ? 'anchor' : `certificate ${lead}`} ${suggestion}\`?`;
      fixes.push({ title: `Replace with \`${suggestion}\``, start: t.startOffset, end: tokEnd(t), newText: suggestion });
    } else {
      message += '; quote it to make the intent clear';
    }
    this.warn('CSR063', message, t.startOffset, tokEnd(t), fixes.length ? fixes : undefined);
  }

  private unknownCertField(key: Value, t: IToken): void {
    const text = key.text;
    const dot = text.indexOf('.');
    const head = dot < 0 ? text : text.slice(0, dot);
    const names = CERT_PREFIXES.map((p) => p.slice(0, -1));
    let message = `\`${text}\` is not a certificate field: a key starts with subject., field., extension., policy. or timestamp. (case-sensitive)`;
    const fixes: RawDiag['fixes'] = [];
    let replacement: string | undefined;
    if (isDottedNumber(text, 2)) replacement = `field.${text}`;
    else {
      const near = dot >= 0 ? closest(head, names, 2) : undefined;
      if (near) replacement = `${near}.${text.slice(dot + 1)}`;
    }
    if (replacement) {
      message += `; did you mean \`${replacement}\`?`;
      const quoted = t.tokenType === STRING || !isDotKeyForm(replacement);
      fixes.push({ title: `Replace with ${replacement}`, start: t.startOffset, end: tokEnd(t), newText: quoted ? `"${replacement}"` : replacement });
    }
    this.semanticError('CSR052', message, t.startOffset, tokEnd(t), `${text}: unrecognized certificate field`, fixes.length ? fixes : undefined);
  }

  private checkSubject(key: Value, t: IToken): void {
    const name = key.text.slice('subject.'.length);
    if ((SUBJECT_NAMES as readonly string[]).includes(name)) return;
    const near = closest(name, SUBJECT_NAMES, 2);
    let message = `\`subject.${name}\` is not a subject field Apple's evaluator knows, so it is always false; known: ${SUBJECT_NAMES.join(', ')}`;
    const fixes: RawDiag['fixes'] = [];
    if (near) {
      message = `\`subject.${name}\` is not a subject field Apple's evaluator knows, so it is always false; did you mean \`subject.${near}\`? (known: ${SUBJECT_NAMES.join(', ')})`;
      const text = `subject.${near}`;
      fixes.push({ title: `Replace with ${text}`, start: t.startOffset, end: tokEnd(t), newText: near.includes('-') || t.tokenType === STRING ? `"${text}"` : text });
    }
    this.warn('CSR065', message, t.startOffset, tokEnd(t), fixes.length ? fixes : undefined);
  }

  private oid(key: Value, t: IToken, prefix: string): Oid {
    const text = key.text.slice(prefix.length);
    const enc = encodeOidCached(text);
    // The OID part of the key token (the key's own range when it holds escapes).
    const contentStart = t.startOffset + (t.tokenType === STRING ? 1 : 0);
    // A bare word's text is its image; only a string's escapes can make it differ from the source.
    const simple = t.tokenType !== STRING || this.text.startsWith(key.text, contentStart);
    const range = simple ? this.r(contentStart + prefix.length, contentStart + key.text.length) : this.tokRange(t);
    const s = range.start.offset;
    const e = range.end.offset;
    if (enc.empty) {
      this.warn(
        'CSR060',
        text === ''
          ? `\`${prefix}\` with no OID compiles to an empty OID`
          : `\`${prefix}${text}\` has a single OID arc: Apple's compiler stores an empty OID for it (it decompiles as \`${prefix === 'policy.' ? 'policy' : prefix === 'timestamp.' ? 'timestamp' : 'field'}.\`)`,
        s,
        e,
      );
    } else if (enc.truncated) {
      const bad = text.split('.').find((p) => !/^[0-9]+$/.test(p)) ?? text;
      this.warn('CSR061', `OID component \`${bad}\` is not a number: Apple's compiler reads it as 0 and ignores the rest of the OID`, s, e);
    }
    return { bytes: enc.bytes.slice(), text, range };
  }

  // ------------------------------------------------------------ keys, values, matches

  private bracketKey(n: KeyFrame | undefined): { value: Value; token: IToken } | undefined {
    if (!n || n.recovered) return undefined;
    const t = n.key;
    if (!realToken(t) || !n.rbrack) return undefined;
    return { value: this.value(t), token: t };
  }

  /** The value of an identifierString (undefined when the rule failed). */
  private identifierString(t: IToken | undefined): Value | undefined {
    return realToken(t) ? this.value(t) : undefined;
  }

  value(t: IToken): Value {
    const range = this.tokRange(t);
    const p = t.payload as TokenPayload | undefined;
    if (t.tokenType === STRING) {
      const raw = p?.value ?? '';
      const ascii = asciiBytes(raw);
      if (ascii !== undefined) return { range, text: raw, bytes: ascii, form: 'quoted' };
      const bytes = textToBytes(raw);
      // Byte escapes (non-UTF-8 bytes from parseBytes) display as U+FFFD.
      const text = /[\udc80-\udcff]/.test(raw) ? utf8Text(bytes) : raw;
      return { range, text, bytes, form: 'quoted' };
    }
    if (t.tokenType === HEXCONSTANT) {
      const digits = p?.value ?? '';
      let bytes: Uint8Array;
      if (digits.length % 2 === 1) {
        this.semanticError('CSR051', `\`0x${digits}\` has an odd number of hex digits (${digits.length}); hex values are whole bytes`, t.startOffset, tokEnd(t), 'odd number of digits');
        bytes = fromHex(digits.slice(0, -1));
      } else bytes = fromHex(digits);
      return { range, text: utf8Text(bytes), bytes, form: 'hex' };
    }
    return { range, text: t.image, bytes: textBytes(t.image), form: t.tokenType === PATHNAME ? 'path' : 'bare' };
  }

  private hash(t: IToken): Uint8Array | undefined {
    const digits = (t.payload as TokenPayload | undefined)?.value ?? '';
    if (!/^[0-9a-fA-F]*$/.test(digits)) return undefined;
    if (digits.length !== 40) {
      this.semanticError(
        'CSR050',
        `a hash constant needs exactly 40 hex digits (a SHA-1); this one has ${digits.length}`,
        t.startOffset,
        tokEnd(t),
        'invalid hash length',
      );
    }
    return fromHex(digits.length % 2 ? digits.slice(0, -1) : digits);
  }

  private checkWrap(t: IToken, stored: number, what: string): void {
    if (t.image.length < 10) return;
    const written = BigInt(t.image);
    if (BigInt(stored) === written) return;
    this.warn(
      'CSR068',
      `${t.image} does not fit in 32 bits: Apple stores this ${what} as ${stored}${what === 'certificate slot' && stored === -1 ? ' (root)' : what === 'certificate slot' && stored === 0 ? ' (leaf)' : ''}`,
      t.startOffset,
      tokEnd(t),
    );
  }

  private matchSuffix(n: SuffixFrame | undefined, key: { token: IToken } | undefined): Match | undefined {
    if (!n || n.recovered) return undefined;
    if (n.start < 0) {
      // Nothing written after the key: an implicit `exists`.
      const at = key ? tokEnd(key.token) : 0;
      const rb = key ? this.text.indexOf(']', at) : -1;
      const pos = rb >= 0 ? rb + 1 : at;
      return { op: 'exists', implicit: true, range: this.r(pos, pos) };
    }
    const range = this.r(n.start, n.end);
    if (n.exists) return { op: 'exists', implicit: false, range };
    if (n.absent) return { op: 'absent', range };
    const opTok = n.op;
    if (!realToken(opTok)) return undefined;
    const ts = n.timestamp;
    if (ts) {
      const st = ts.recovered ? undefined : ts.string;
      if (!realToken(st)) return undefined;
      const text = (st.payload as TokenPayload | undefined)?.value ?? '';
      const parsed = parseTimestamp(text);
      if (!parsed.valid) {
        this.warn(
          'CSR062',
          `\`timestamp "${text}"\` is not a valid time (${parsed.reason}): Apple does not reject it but silently stores 2001-01-01 00:00:00 UTC; write YYYYMMDDhhmmssZ, e.g. "20190408000000Z"`,
          st.startOffset,
          tokEnd(st),
        );
      }
      const op = DATE_OPS[opTok.image]!;
      return { op, seconds: parsed.seconds, text, range };
    }
    if (!n.valued) return undefined;
    const vt = n.value;
    if (!realToken(vt)) return undefined;
    const value = this.value(vt);
    if (opTok.image === '~') return { op: 'contains', value, spelling: 'tilde', range };
    if (opTok.image === '=' || opTok.image === '==') {
      const lead = !!n.leadStar;
      const trail = !!n.trailStar;
      if (value.form === 'quoted' && (value.text.startsWith('*') || value.text.endsWith('*')) && value.text.length > 1) {
        this.quotedStar(vt, value, lead, trail);
      }
      if (lead && trail) return { op: 'contains', value, spelling: 'wildcards', range };
      if (lead) return { op: 'endsWith', value, range };
      if (trail) return { op: 'beginsWith', value, range };
      return { op: 'equal', value, range };
    }
    return { op: VALUE_OPS[opTok.image]!, value, range };
  }

  private quotedStar(t: IToken, value: Value, lead: boolean, trail: boolean): void {
    const text = value.text;
    const core = text.replace(/^\*+/, '').replace(/\*+$/, '');
    const wantLead = lead || text.startsWith('*');
    const wantTrail = trail || text.endsWith('*');
    const fixes: RawDiag['fixes'] = [];
    if (!lead && !trail && core.length > 0 && !core.includes('"')) {
      fixes.push({
        title: 'Make the asterisks wildcards',
        start: t.startOffset,
        end: tokEnd(t),
        newText: `${wantLead ? '*' : ''}"${core}"${wantTrail ? '*' : ''}`,
      });
    }
    this.warn(
      'CSR067',
      `an asterisk inside quotes is an ordinary character: this compares with the literal text \`${text}\`; for a wildcard put the \`*\` outside the quotes: ${wantLead ? '*' : ''}"${core}"${wantTrail ? '*' : ''}`,
      t.startOffset,
      tokEnd(t),
      fixes.length ? fixes : undefined,
    );
  }
}

const TYPE_NUMBER: Record<string, number> = { host: 1, guest: 2, designated: 3, library: 4, plugin: 5 };
const DATE_OPS: Record<string, 'on' | 'before' | 'after' | 'onOrBefore' | 'onOrAfter'> = {
  '=': 'on', '==': 'on', '<': 'before', '>': 'after', '<=': 'onOrBefore', '>=': 'onOrAfter',
};
const VALUE_OPS: Record<string, 'lessThan' | 'greaterThan' | 'lessEqual' | 'greaterEqual'> = {
  '<': 'lessThan', '>': 'greaterThan', '<=': 'lessEqual', '>=': 'greaterEqual',
};

export function toComment(t: IToken, range: Range): Comment {
  const style = t.image.startsWith('#') ? 'hash' : t.image.startsWith('//') ? 'line' : 'block';
  return { range, style, text: t.image };
}

