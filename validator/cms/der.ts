/**
 * A small BER/DER reader for the few structures code signing uses (CMS
 * SignedData, X.509 certificates, RFC 3161 tokens). It replaces asn1js and
 * pkijs on the check path: their generic schema matching cost 140–220 ms on
 * the first (cold) decode of a 9 KB signature, a walk over known fields costs
 * well under a millisecond. The whole input is read into a tree at once,
 * bounded in depth and node count (the bounds asn1js applied), with lengths
 * checked against their container; indefinite lengths (codesign writes
 * its CMS that way) are accepted for constructed values only.
 */
import { CmsError } from './errors.js';

/** Deeper than any certificate or CMS (about 12 levels); asn1js stopped at 100 too. */
export const MAX_DER_DEPTH = 100;
/** A code-signing CMS with three certificates and a timestamp has about 1,000. */
export const MAX_DER_NODES = 10_000;

export const CLASS_UNIVERSAL = 0;
export const CLASS_CONTEXT = 2;

export const TAG = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  utcTime: 23,
  generalizedTime: 24,
} as const;

export interface Der {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  cls: number;
  constructed: boolean;
  tag: number;
  /** The input all offsets refer to. */
  input: Uint8Array;
  /** Offset of the identifier octet. */
  start: number;
  /** Contents: [contentStart, contentEnd). */
  contentStart: number;
  contentEnd: number;
  /** End of the whole element (after the end-of-contents octets of an indefinite length). */
  end: number;
  /** Constructed values only. */
  children: Der[];
}

interface Budget {
  nodes: number;
}

/** Reads one element at `pos` of `input`, which must end by `limit`. */
function readElement(input: Uint8Array, pos: number, limit: number, depth: number, budget: Budget): Der {
  if (depth > MAX_DER_DEPTH) throw new CmsError(`nested deeper than ${MAX_DER_DEPTH} levels`);
  if (++budget.nodes > MAX_DER_NODES) throw new CmsError(`more than ${MAX_DER_NODES} elements`);
  const start = pos;
  if (pos >= limit) throw new CmsError(`truncated at byte ${pos}`);
  const id = input[pos++]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let n = 0; ; n++) {
      if (pos >= limit) throw new CmsError(`truncated tag at byte ${start}`);
      if (n >= 4) throw new CmsError(`tag number too large at byte ${start}`);
      const b = input[pos++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= limit) throw new CmsError(`truncated length at byte ${start}`);
  const first = input[pos++]!;
  const children: Der[] = [];
  if (first === 0x80) {
    if (!constructed) throw new CmsError(`indefinite length of a primitive value at byte ${start}`);
    const contentStart = pos;
    for (;;) {
      if (pos + 2 > limit) throw new CmsError(`missing end of contents for the value at byte ${start}`);
      if (input[pos] === 0 && input[pos + 1] === 0) break;
      const child = readElement(input, pos, limit, depth + 1, budget);
      children.push(child);
      pos = child.end;
    }
    return { cls, constructed, tag, input, start, contentStart, contentEnd: pos, end: pos + 2, children };
  }
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count > 4) throw new CmsError(`length of ${count} octets at byte ${start}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      if (pos >= limit) throw new CmsError(`truncated length at byte ${start}`);
      length = length * 256 + input[pos++]!;
    }
  }
  const contentStart = pos;
  const contentEnd = pos + length;
  if (contentEnd > limit) throw new CmsError(`value at byte ${start} claims ${length} bytes, past the end of its container`);
  if (constructed) {
    for (let at = contentStart; at < contentEnd; ) {
      const child = readElement(input, at, contentEnd, depth + 1, budget);
      children.push(child);
      at = child.end;
    }
  }
  return { cls, constructed, tag, input, start, contentStart, contentEnd, end: contentEnd, children };
}

/** Decodes the element at the start of `input`; what follows it is the caller's (see `end`). Throws CmsError. */
export function decodeDer(input: Uint8Array): Der {
  return readElement(input, 0, input.length, 0, { nodes: 0 });
}

export const isUniversal = (d: Der | undefined, tag: number): d is Der => d !== undefined && d.cls === CLASS_UNIVERSAL && d.tag === tag;
export const isContext = (d: Der | undefined, tag: number): d is Der => d !== undefined && d.cls === CLASS_CONTEXT && d.tag === tag;

/** `d` must be the universal `tag` (constructed for SEQUENCE and SET); else CmsError naming `what`. */
export function expect(d: Der | undefined, tag: number, what: string): Der {
  if (!isUniversal(d, tag)) throw new CmsError(`${what} is missing or not of the expected type`);
  if ((tag === TAG.sequence || tag === TAG.set) !== d.constructed) throw new CmsError(`${what} has the wrong form`);
  return d;
}

/** The contents of a primitive value, as a private copy. */
export function contents(d: Der): Uint8Array {
  if (d.constructed) throw new CmsError(`expected a primitive value at byte ${d.start}`);
  return d.input.slice(d.contentStart, d.contentEnd);
}

/** The whole element (identifier, length, contents), as a private copy. */
export function encoded(d: Der): Uint8Array {
  return d.input.slice(d.start, d.end);
}

/** An OCTET STRING's octets (a constructed BER one is joined). */
export function octetsOf(d: Der | undefined, what: string): Uint8Array {
  if (!isUniversal(d, TAG.octetString)) throw new CmsError(`${what} is not an OCTET STRING`);
  if (!d.constructed) return contents(d);
  const parts = d.children.map((c) => octetsOf(c, what));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function oidOf(d: Der | undefined, what: string): string {
  if (!isUniversal(d, TAG.oid) || d.constructed || d.contentEnd === d.contentStart) throw new CmsError(`${what} is not an OBJECT IDENTIFIER`);
  const arcs: string[] = [];
  let value = 0n;
  let first = true;
  for (let i = d.contentStart; i < d.contentEnd; i++) {
    const b = d.input[i]!;
    value = (value << 7n) | BigInt(b & 0x7f);
    if (b & 0x80) {
      if (i === d.contentEnd - 1) throw new CmsError(`${what} ends inside a sub-identifier`);
      continue;
    }
    if (first) {
      const top = value < 40n ? 0n : value < 80n ? 1n : 2n;
      arcs.push(String(top), String(value - top * 40n));
      first = false;
    } else {
      arcs.push(String(value));
    }
    value = 0n;
  }
  return arcs.join('.');
}

/** The contents octets of an INTEGER (two's complement, as encoded). */
export function integerBytes(d: Der | undefined, what: string): Uint8Array {
  if (!isUniversal(d, TAG.integer) || d.constructed || d.contentEnd === d.contentStart) throw new CmsError(`${what} is not an INTEGER`);
  return contents(d);
}

/** A small non-negative INTEGER as a number. */
export function smallInteger(d: Der | undefined, what: string): number {
  const bytes = integerBytes(d, what);
  if (bytes.length > 6 || (bytes[0]! & 0x80) !== 0) throw new CmsError(`${what} is out of range`);
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

export function booleanOf(d: Der | undefined, what: string): boolean {
  if (!isUniversal(d, TAG.boolean) || d.constructed || d.contentEnd - d.contentStart !== 1) throw new CmsError(`${what} is not a BOOLEAN`);
  return d.input[d.contentStart] !== 0;
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?Z$/;

/** UTCTime (years 1950–2049, RFC 5280) or GeneralizedTime, in UTC; CmsError for anything else. */
export function timeOf(d: Der | undefined, what: string): Date {
  const isUtc = isUniversal(d, TAG.utcTime);
  if (!d || d.constructed || (!isUtc && !isUniversal(d, TAG.generalizedTime))) throw new CmsError(`${what} is not a valid UTCTime or GeneralizedTime`);
  const text = latin1(d);
  const m = (isUtc ? UTC_TIME : GENERALIZED_TIME).exec(text);
  if (!m) throw new CmsError(`${what} is not a valid UTCTime or GeneralizedTime`);
  let year = Number(m[1]);
  if (isUtc) year += year >= 50 ? 1900 : 2000;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
  if (year < 100) date.setUTCFullYear(year);
  if (Number.isNaN(date.getTime())) throw new CmsError(`${what} is not a valid UTCTime or GeneralizedTime`);
  return date;
}

function latin1(d: Der): string {
  return Buffer.from(d.input.buffer, d.input.byteOffset + d.contentStart, d.contentEnd - d.contentStart).toString('latin1');
}

/** One-byte-per-character string types, read as asn1js did (a code unit per byte). */
const SIMPLE_STRINGS = new Set([18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);

/**
 * The text of a primitive string value (UTF8String, BMPString,
 * UniversalString, and the one-byte types); undefined for anything else.
 */
export function stringOf(d: Der): string | undefined {
  if (d.cls !== CLASS_UNIVERSAL || d.constructed) return undefined;
  const bytes = Buffer.from(d.input.buffer, d.input.byteOffset + d.contentStart, d.contentEnd - d.contentStart);
  if (d.tag === TAG.utf8String) return bytes.toString('utf8');
  if (SIMPLE_STRINGS.has(d.tag)) return bytes.toString('latin1');
  if (d.tag === 30) {
    // BMPString: UTF-16BE.
    let s = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  if (d.tag === 28) {
    // UniversalString: UTF-32BE.
    let s = '';
    for (let i = 0; i + 3 < bytes.length; i += 4) {
      const cp = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
      s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    return s;
  }
  return undefined;
}

/** An AlgorithmIdentifier: its OID and, when present, the encoded parameters. */
export function algorithmOf(d: Der | undefined, what: string): { oid: string; parameters?: Der } {
  const seq = expect(d, TAG.sequence, what);
  const oid = oidOf(seq.children[0], `${what} algorithm`);
  if (seq.children.length > 2) throw new CmsError(`${what} has ${seq.children.length} fields`);
  const parameters = seq.children[1];
  return parameters ? { oid, parameters } : { oid };
}
