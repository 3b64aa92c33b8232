/**
 * The value model of lightweight code requirements (spec lwcr.md §2.1):
 * dictionaries, arrays, 64-bit signed integers, UTF-8 strings, booleans and
 * data. Every node carries the source range it was read from (text: line and
 * column; DER and binary plist: byte offsets on line 1), so diagnostics and
 * evaluation results can point at it. Dictionaries keep their entries in
 * source order: the DER writer emits them as stored, so a decoded blob
 * re-encodes byte for byte; `canonical` sorts them the way encoders should.
 */
import { NO_RANGE, type Position, type Range } from '../grammar/ast.js';

export type { Range };

/** The DER tag a dictionary was read with: 0xB0 (CoreEntitlements) or the legacy 0x31 SET. */
export type DictTag = 0xb0 | 0x31;

export interface LwDict { kind: 'dict'; entries: LwEntry[]; range: Range; tag?: DictTag }
export interface LwEntry { key: string; keyRange: Range; value: LwValue }
export interface LwArray { kind: 'array'; items: LwValue[]; range: Range }
export interface LwInt { kind: 'int'; value: bigint; range: Range }
export interface LwString { kind: 'string'; value: string; range: Range }
export interface LwBool { kind: 'bool'; value: boolean; range: Range }
export interface LwData { kind: 'data'; bytes: Uint8Array; range: Range }

export type LwValue = LwDict | LwArray | LwInt | LwString | LwBool | LwData;
export type LwKind = LwValue['kind'];

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** A parse failure of any reader, with where it happened. */
export class LwcrSyntaxError extends Error {
  constructor(message: string, readonly range: Range = NO_RANGE) {
    super(message);
  }
}

/** A position in a binary input: line 1, column = offset + 1. */
export function bytePos(offset: number): Position {
  return { offset, line: 1, column: offset + 1 };
}

export function byteRange(start: number, end: number): Range {
  return { start: bytePos(start), end: bytePos(end) };
}

/** Builders for code and tests (no source: NO_RANGE). */
export const lw = {
  dict: (entries: [string, LwValue][] | Record<string, LwValue>): LwDict => ({
    kind: 'dict',
    entries: (Array.isArray(entries) ? entries : Object.entries(entries)).map(([key, value]) => ({ key, keyRange: NO_RANGE, value })),
    range: NO_RANGE,
  }),
  array: (items: LwValue[]): LwArray => ({ kind: 'array', items, range: NO_RANGE }),
  int: (value: bigint | number): LwInt => ({ kind: 'int', value: BigInt(value), range: NO_RANGE }),
  str: (value: string): LwString => ({ kind: 'string', value, range: NO_RANGE }),
  bool: (value: boolean): LwBool => ({ kind: 'bool', value, range: NO_RANGE }),
  data: (bytes: Uint8Array | string): LwData => ({ kind: 'data', bytes: typeof bytes === 'string' ? hexToBytes(bytes) : bytes, range: NO_RANGE }),
};

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new LwcrSyntaxError(`not hex: ${JSON.stringify(hex.slice(0, 40))}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Bytewise UTF-8 order, shorter first on a common prefix (spec §3.4: how rcodesign sorts, and Apple's one vector agrees). */
export function compareKeys(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The same value with every dictionary sorted by key and tagged 0xB0: what an encoder should emit. */
export function canonical(v: LwValue): LwValue {
  switch (v.kind) {
    case 'dict': {
      const entries = v.entries.map((e) => ({ ...e, value: canonical(e.value) })).sort((a, b) => compareKeys(a.key, b.key));
      const { tag: _tag, ...rest } = v;
      return { ...rest, entries };
    }
    case 'array':
      return { ...v, items: v.items.map(canonical) };
    default:
      return v;
  }
}

/** Structural equality, ignoring ranges (dictionary entry order and tag included). */
export function lwEqual(a: LwValue, b: LwValue): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'dict': {
      const d = b as LwDict;
      return (a.tag ?? 0xb0) === (d.tag ?? 0xb0) && a.entries.length === d.entries.length && a.entries.every((e, i) => e.key === d.entries[i]!.key && lwEqual(e.value, d.entries[i]!.value));
    }
    case 'array': {
      const c = b as LwArray;
      return a.items.length === c.items.length && a.items.every((x, i) => lwEqual(x, c.items[i]!));
    }
    case 'data': {
      const c = (b as LwData).bytes;
      return a.bytes.length === c.length && a.bytes.every((x, i) => x === c[i]);
    }
    default:
      return a.value === (b as typeof a).value;
  }
}

export function entry(d: LwDict, key: string): LwEntry | undefined {
  return d.entries.find((e) => e.key === key);
}

export const KIND_WORDS: Record<LwKind, string> = { dict: 'a dictionary', array: 'an array', int: 'an integer', string: 'a string', bool: 'a boolean', data: 'data' };
