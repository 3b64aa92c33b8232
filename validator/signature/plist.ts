import { parse as parseXmlPlist } from 'plist';
import type { PlistDict, PlistValue } from '../facts.js';
import { readXmlPlistDict, XmlPlistUnsupported } from '../resources/xml-plist.js';
import { parseBplist } from './bplist.js';

const MAX_DEPTH = 256;

export class PlistError extends Error {}

function normalise(value: unknown, depth: number): PlistValue {
  if (depth > MAX_DEPTH) throw new PlistError(`property list nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (value instanceof Date) return value;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map((v) => normalise(v, depth + 1));
  if (typeof value === 'object') {
    const out: PlistDict = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = normalise(v, depth + 1);
    return out;
  }
  throw new PlistError(`unsupported property-list value of type ${typeof value}`);
}

/**
 * xmldom reports every recoverable error on the console before throwing;
 * our callers (CLI with --json, language server on stdio) report it
 * themselves. The parse is synchronous, so nothing else runs meanwhile.
 */
function quietly<T>(fn: () => T): T {
  const { error, warn } = console;
  console.error = () => undefined;
  console.warn = () => undefined;
  try {
    return fn();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

/**
 * Reads an XML or binary property list whose top level must be a dictionary;
 * `what` names it in errors. The same answer as parsePlistDict, sooner: the
 * plain XML that codesign and Xcode write (entitlements, Info.plist, the
 * CMS's CDHashes) is read by the fast reader, and only what it does not
 * support goes to the general one, whose XML parser (xmldom) is then loaded
 * for the first time (in the bundles, see scripts/bundle.mjs).
 */
export function readPlistDict(bytes: Uint8Array, what: string): PlistDict {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = buf.indexOf(0);
  const text = end < 0 ? buf : buf.subarray(0, end);
  // The readers differ on one thing: a key named __proto__ is a key to the fast one, an error to the general one (which is kept).
  if (!isBplist(buf) && !text.includes('__proto__')) {
    try {
      return readXmlPlistDict(text);
    } catch (err) {
      if (!(err instanceof XmlPlistUnsupported)) throw err;
    }
  }
  return parsePlistDict(bytes, what);
}

function isBplist(buf: Buffer): boolean {
  return buf.subarray(0, 6).toString('latin1') === 'bplist';
}

/**
 * The general reader: any XML or binary property list whose top level must be a
 * dictionary; `what` names it in errors. readPlistDict gives the same answer faster.
 */
export function parsePlistDict(bytes: Uint8Array, what: string): PlistDict {
  let raw: unknown;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (isBplist(buf)) {
      raw = parseBplist(bytes);
    } else {
      // The embedded __info_plist section is often padded with NULs, and codesign
      // writes entitlements with leading blanks; CoreFoundation accepts both.
      const end = buf.indexOf(0);
      raw = quietly(() => parseXmlPlist(buf.toString('utf8', 0, end < 0 ? buf.length : end).trimStart()));
    }
  } catch (err) {
    throw new PlistError(`${what}: not a valid property list (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const value = normalise(raw, 0);
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) {
    throw new PlistError(`${what}: the top level is not a dictionary`);
  }
  return value as PlistDict;
}
