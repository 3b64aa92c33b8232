import * as asn1js from 'asn1js';
import type { PlistDict, PlistValue } from '../facts.js';

/**
 * DER entitlements (special slot 7, CoreEntitlements): an [APPLICATION 16]
 * holding INTEGER version 1 and a dictionary, which is a [CONTEXT 16] SET of
 * SEQUENCE { UTF8String key, value }; values are BOOLEAN, INTEGER,
 * UTF8String, SEQUENCE (array) or another dictionary. The kernel reads these,
 * user space the XML ones, so both are decoded and compared.
 */
export class DerEntitlementsError extends Error {}

const MAX_DEPTH = 64;

function fail(message: string): never {
  throw new DerEntitlementsError(message);
}

function isContext16(node: asn1js.AsnType): boolean {
  return node.idBlock.tagClass === 3 && node.idBlock.tagNumber === 16 && node.idBlock.isConstructed;
}

function children(node: asn1js.AsnType): asn1js.AsnType[] {
  const value = (node.valueBlock as { value?: unknown }).value;
  if (!Array.isArray(value)) fail(`expected a constructed value, found tag ${node.idBlock.tagClass}/${node.idBlock.tagNumber}`);
  return value as asn1js.AsnType[];
}

function dict(node: asn1js.AsnType, depth: number): PlistDict {
  if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
  const out: PlistDict = {};
  for (const entry of children(node)) {
    if (!(entry instanceof asn1js.Sequence)) fail('a dictionary entry is not a SEQUENCE');
    const [key, value, ...rest] = children(entry);
    if (!(key instanceof asn1js.Utf8String) || value === undefined || rest.length > 0) fail('a dictionary entry is not { UTF8String, value }');
    out[key.valueBlock.value] = valueOf(value, depth + 1);
  }
  return out;
}

function valueOf(node: asn1js.AsnType, depth: number): PlistValue {
  if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
  if (node instanceof asn1js.Boolean) return node.valueBlock.value;
  if (node instanceof asn1js.Integer) {
    const v = node.toBigInt();
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (node instanceof asn1js.Utf8String) return node.valueBlock.value;
  if (node instanceof asn1js.Sequence) return children(node).map((c) => valueOf(c, depth + 1));
  if (isContext16(node)) return dict(node, depth);
  return fail(`unsupported value with tag class ${node.idBlock.tagClass}, number ${node.idBlock.tagNumber}`);
}

export function decodeDerEntitlements(der: Uint8Array): PlistDict {
  let parsed;
  try {
    parsed = asn1js.fromBER(new Uint8Array(der));
  } catch (err) {
    fail(`not DER (${err instanceof Error ? err.message : String(err)})`);
  }
  if (parsed.offset === -1) fail(`not DER (${parsed.result.error || 'decoding failed'})`);
  if (parsed.offset !== der.length) fail(`${der.length - parsed.offset} bytes after the DER value`);
  const top = parsed.result;
  if (top.idBlock.tagClass !== 2 || top.idBlock.tagNumber !== 16) fail(`outer tag is ${top.idBlock.tagClass}/${top.idBlock.tagNumber}, expected [APPLICATION 16]`);
  const [version, body, ...rest] = children(top);
  if (!(version instanceof asn1js.Integer) || version.toBigInt() !== 1n) fail('version is not INTEGER 1');
  if (body === undefined || !isContext16(body) || rest.length > 0) fail('the body is not one [CONTEXT 16] dictionary');
  try {
    return dict(body, 0);
  } catch (err) {
    if (err instanceof RangeError) fail('nested too deeply');
    throw err;
  }
}

/** Structural equality of property-list values (dates by time, data by bytes). */
export function plistEqual(a: PlistValue, b: PlistValue): boolean {
  const numeric = (v: PlistValue) => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(a) && numeric(b)) return Number.isInteger(a) || typeof a === 'bigint' ? Number.isInteger(b) || typeof b === 'bigint' ? BigInt(a as number) === BigInt(b as number) : false : a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => plistEqual(x, b[i]!));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && plistEqual(a[k]!, (b as PlistDict)[k]!));
}
