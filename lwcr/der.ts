/**
 * The DER element encoding of LWCRs (spec §3.4, CoreEntitlements form):
 * dictionary 0xB0 (0x31 accepted) of SEQUENCE { UTF8String key, value },
 * array SEQUENCE, UTF8String, INTEGER, BOOLEAN, OCTET STRING.
 *
 * The decoder is strict DER (minimal lengths and integers, booleans 00/FF,
 * valid UTF-8) but accepts any key order and either dictionary tag, and
 * records both, so encode(decode(b)) is b for every b it accepts. Non-DER
 * input is refused rather than normalised: a blob we cannot reproduce is
 * one we would misreport.
 */
import { byteRange, bytesToHex, INT64_MAX, INT64_MIN, LwcrSyntaxError, type DictTag, type LwDict, type LwEntry, type LwValue } from './value.js';

export const TAG = { bool: 0x01, int: 0x02, data: 0x04, string: 0x0c, sequence: 0x30, set: 0x31, dict: 0xb0, envelope: 0x70 } as const;

/** Bound on nesting while decoding, far above the semantic limit (5), so hostile input cannot exhaust the stack. */
export const MAX_DECODE_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const enc = new TextEncoder();

interface Tlv { tag: number; start: number; contentStart: number; end: number }

function readTlv(b: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new LwcrSyntaxError(`truncated element at offset ${at}`, byteRange(at, limit));
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) throw new LwcrSyntaxError(`multi-byte tag 0x${tag.toString(16)} at offset ${at} is not used by LWCRs`, byteRange(at, at + 1));
  let len = b[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new LwcrSyntaxError(`indefinite length at offset ${at + 1} is not DER`, byteRange(at + 1, at + 2));
    if (n > 4) throw new LwcrSyntaxError(`length of ${n} bytes at offset ${at + 1}`, byteRange(at + 1, at + 2));
    if (p + n > limit) throw new LwcrSyntaxError(`truncated length at offset ${at + 1}`, byteRange(at + 1, limit));
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    if (b[p] === 0 || len < 128) throw new LwcrSyntaxError(`non-minimal length at offset ${at + 1} (not DER)`, byteRange(at + 1, p + n));
    p += n;
  }
  if (p + len > limit) throw new LwcrSyntaxError(`element at offset ${at} (tag 0x${tag.toString(16)}, ${len} bytes) runs past its container (offset ${limit})`, byteRange(at, limit));
  return { tag, start: at, contentStart: p, end: p + len };
}

/** Decodes one value element occupying exactly b[start, end). */
export function decodeValue(b: Uint8Array, start = 0, end = b.length): LwValue {
  const t = readTlv(b, start, end);
  if (t.end !== end) throw new LwcrSyntaxError(`${end - t.end} trailing bytes after the value at offset ${t.end}`, byteRange(t.end, end));
  return value(b, t, 0);
}

function value(b: Uint8Array, t: Tlv, depth: number): LwValue {
  if (depth > MAX_DECODE_DEPTH) throw new LwcrSyntaxError(`nested deeper than ${MAX_DECODE_DEPTH} levels`, byteRange(t.start, t.end));
  const range = byteRange(t.start, t.end);
  const content = b.subarray(t.contentStart, t.end);
  switch (t.tag) {
    case TAG.bool:
      if (content.length !== 1 || (content[0] !== 0 && content[0] !== 0xff)) throw new LwcrSyntaxError(`BOOLEAN at offset ${t.start} must be one byte 00 or FF`, range);
      return { kind: 'bool', value: content[0] === 0xff, range };
    case TAG.int:
      return { kind: 'int', value: decodeInt(content, t.start), range };
    case TAG.data:
      return { kind: 'data', bytes: content.slice(), range };
    case TAG.string:
      return { kind: 'string', value: decodeUtf8(content, t.start), range };
    case TAG.sequence: {
      const items: LwValue[] = [];
      for (let p = t.contentStart; p < t.end; ) {
        const c = readTlv(b, p, t.end);
        items.push(value(b, c, depth + 1));
        p = c.end;
      }
      return { kind: 'array', items, range };
    }
    case TAG.dict:
    case TAG.set: {
      const entries: LwEntry[] = [];
      const seen = new Set<string>();
      for (let p = t.contentStart; p < t.end; ) {
        const pair = readTlv(b, p, t.end);
        if (pair.tag !== TAG.sequence) throw new LwcrSyntaxError(`dictionary entry at offset ${p} is tag 0x${pair.tag.toString(16)}, expected a SEQUENCE (0x30)`, byteRange(p, pair.end));
        const k = readTlv(b, pair.contentStart, pair.end);
        if (k.tag !== TAG.string) throw new LwcrSyntaxError(`dictionary key at offset ${k.start} is tag 0x${k.tag.toString(16)}, expected a UTF8String (0x0c)`, byteRange(k.start, k.end));
        const key = decodeUtf8(b.subarray(k.contentStart, k.end), k.start);
        if (k.end >= pair.end) throw new LwcrSyntaxError(`dictionary entry ${JSON.stringify(key)} at offset ${p} has no value`, byteRange(p, pair.end));
        const v = readTlv(b, k.end, pair.end);
        if (v.end !== pair.end) throw new LwcrSyntaxError(`dictionary entry ${JSON.stringify(key)} at offset ${p} has more than a key and a value`, byteRange(v.end, pair.end));
        // Plists cannot express two equal keys, and which one Apple would read is unknown (spec §3.4).
        if (seen.has(key)) throw new LwcrSyntaxError(`duplicate key ${JSON.stringify(key)} at offset ${k.start}`, byteRange(k.start, k.end));
        seen.add(key);
        entries.push({ key, keyRange: byteRange(k.start, k.end), value: value(b, v, depth + 1) });
        p = pair.end;
      }
      const dict: LwDict = { kind: 'dict', entries, range };
      if (t.tag === TAG.set) dict.tag = TAG.set;
      return dict;
    }
    default:
      throw new LwcrSyntaxError(`unsupported DER tag 0x${t.tag.toString(16)} at offset ${t.start} (reals, dates and other types cannot be in an LWCR)`, range);
  }
}

function decodeUtf8(bytes: Uint8Array, at: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new LwcrSyntaxError(`UTF8String at offset ${at} is not valid UTF-8`, byteRange(at, at + bytes.length + 2));
  }
}

function decodeInt(c: Uint8Array, at: number): bigint {
  const range = byteRange(at, at + 2 + c.length);
  if (c.length === 0) throw new LwcrSyntaxError(`empty INTEGER at offset ${at}`, range);
  if (c.length > 1 && ((c[0] === 0 && !(c[1]! & 0x80)) || (c[0] === 0xff && c[1]! & 0x80))) throw new LwcrSyntaxError(`non-minimal INTEGER at offset ${at} (not DER)`, range);
  let v = 0n;
  for (const x of c) v = (v << 8n) | BigInt(x);
  if (c[0]! & 0x80) v -= 1n << BigInt(8 * c.length);
  if (v < INT64_MIN || v > INT64_MAX) throw new LwcrSyntaxError(`INTEGER at offset ${at} does not fit 64 bits`, range);
  return v;
}

// ---- writing ----

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) out.unshift(x & 0xff);
  return [0x80 | out.length, ...out];
}

function tlv(tag: number, parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((s, p) => s + p.length, 0);
  const head = [tag, ...lengthBytes(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let p = head.length;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Minimal two's complement (0 → 00, -1 → FF, 128 → 00 80). */
export function intContent(v: bigint): Uint8Array {
  if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`integer ${v} does not fit 64 bits`);
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.unshift(Number(x & 0xffn));
    const rest = x >> 8n;
    const sign = out[0]! & 0x80;
    if ((rest === 0n && !sign) || (rest === -1n && sign)) break;
    x = rest;
  }
  return Uint8Array.from(out);
}

/** Encodes a value as stored: dictionary entries in their order, with their tag. Use `canonical` first for a fresh encoding. */
export function encodeValue(v: LwValue): Uint8Array {
  switch (v.kind) {
    case 'bool':
      return Uint8Array.of(TAG.bool, 1, v.value ? 0xff : 0);
    case 'int':
      return tlv(TAG.int, [intContent(v.value)]);
    case 'data':
      return tlv(TAG.data, [v.bytes]);
    case 'string':
      return tlv(TAG.string, [enc.encode(v.value)]);
    case 'array':
      return tlv(TAG.sequence, v.items.map(encodeValue));
    case 'dict':
      return tlv((v.tag ?? TAG.dict) as DictTag, v.entries.map((e) => tlv(TAG.sequence, [tlv(TAG.string, [enc.encode(e.key)]), encodeValue(e.value)])));
  }
}

/** The CoreEntitlements top level: [APPLICATION 16] { INTEGER version, dict } (spec §3.3). */
export interface DerDocument {
  /** The INTEGER before the dictionary: 1 in every blob examined (meaning uncertain). */
  derVersion: bigint;
  dict: LwDict;
}

export function decodeDocument(b: Uint8Array): DerDocument {
  const t = readTlv(b, 0, b.length);
  if (t.tag !== TAG.envelope) throw new LwcrSyntaxError(`expected [APPLICATION 16] (0x70) at offset 0, found tag 0x${t.tag.toString(16)}`, byteRange(0, 1));
  if (t.end !== b.length) throw new LwcrSyntaxError(`${b.length - t.end} trailing bytes after the DER at offset ${t.end}`, byteRange(t.end, b.length));
  const v = readTlv(b, t.contentStart, t.end);
  if (v.tag !== TAG.int) throw new LwcrSyntaxError(`expected the version INTEGER at offset ${v.start}`, byteRange(v.start, v.end));
  const derVersion = decodeInt(b.subarray(v.contentStart, v.end), v.start);
  const d = readTlv(b, v.end, t.end);
  if (d.tag !== TAG.dict && d.tag !== TAG.set) throw new LwcrSyntaxError(`expected a dictionary (0xb0) at offset ${d.start}, found tag 0x${d.tag.toString(16)}`, byteRange(d.start, d.end));
  if (d.end !== t.end) throw new LwcrSyntaxError(`${t.end - d.end} bytes after the dictionary at offset ${d.end}`, byteRange(d.end, t.end));
  return { derVersion, dict: value(b, d, 0) as LwDict };
}

export function encodeDocument(doc: DerDocument): Uint8Array {
  return tlv(TAG.envelope, [tlv(TAG.int, [intContent(doc.derVersion)]), encodeValue(doc.dict)]);
}

export { bytesToHex };
