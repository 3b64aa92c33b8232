/**
 * Operand printers shared by the Apple-style and canonical printers:
 * Apple's value classification (reqdumper.cpp `Dumper::data`, spec §4.2) and
 * the rules for what text re-lexes as the same bytes (spec §1.4–1.6).
 */
import type { Value } from '../ast.js';
import { toHex, utf8Strict } from '../bytes.js';
import { isDotKeyForm } from '../words.js';

/** The 29 reserved words (spec §1.5); the dumper's table also holds "" so an empty value prints quoted. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'guest', 'host', 'designated', 'library', 'plugin', 'or', 'and', 'always', 'true', 'never', 'false',
  'identifier', 'cdhash', 'platform', 'notarized', 'legacy', 'anchor', 'apple', 'generic', 'certificate',
  'cert', 'trusted', 'info', 'entitlement', 'exists', 'absent', 'leaf', 'root', 'timestamp',
]);

export type AppleValueClass = 'simple' | 'printable' | 'binary';

// C-locale ctype; every byte >= 0x80 is in no class (spec §4.2).
const isAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isGraph = (c: number) => c >= 0x21 && c <= 0x7e;
const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

function latin(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** How Apple's dumper classifies a data operand. `dotOk` holds for info/entitlement keys, subject keys and opInfoKeyValue keys. */
export function classifyAppleValue(bytes: Uint8Array, dotOk: boolean): AppleValueClass {
  let cls: AppleValueClass = 'simple';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (isAlnum(c) || (c === 0x2e && dotOk)) {
      if (i === 0 && isDigit(c)) cls = 'printable';
    } else if (isGraph(c) || isSpace(c)) {
      cls = 'printable';
    } else {
      return 'binary';
    }
  }
  if (cls === 'simple' && (bytes.length === 0 || KEYWORDS.has(latin(bytes)))) cls = 'printable';
  return cls;
}

/** Apple's `Dumper::data`: bare, quoted with `\` before `"` and `\`, or `0x` + hex. */
export function appleValue(bytes: Uint8Array, dotOk: boolean): string {
  const cls = classifyAppleValue(bytes, dotOk);
  if (cls === 'binary') return '0x' + toHex(bytes);
  if (cls === 'simple') return latin(bytes);
  let s = '"';
  for (const b of bytes) s += b === 0x22 || b === 0x5c ? '\\' + String.fromCharCode(b) : String.fromCharCode(b);
  return s + '"';
}

/** Apple's hash printer: `H"` + lower-case hex + `"`. */
export function appleHash(bytes: Uint8Array): string {
  return `H"${toHex(bytes)}"`;
}

/** True when `text` lexes as one DOTKEY token that is not a keyword, i.e. it may be written bare. */
export function isBareWord(text: string): boolean {
  return isDotKeyForm(text) && !KEYWORDS.has(text);
}

/** Where a string operand sits decides which token kinds the grammar accepts there (spec §2). */
export type ValueContext =
  /** `info[…]`, `entitlement[…]`, `[subject.…]`: DOTKEY or STRING. */
  | 'key'
  /** `identifier X`, `anchor apple X`, `(X)`: DOTKEY or STRING. */
  | 'name'
  /** match values: DOTKEY, STRING or HEXCONSTANT. */
  | 'match';

export interface CanonicalValue {
  text: string;
  /** False when no token can spell these bytes (a backslash, a NUL, non-UTF-8 outside a match value). */
  exact: boolean;
}

/**
 * Text that re-lexes to exactly `bytes` where it is used. A quoted string
 * stays quoted and a hex constant stays hex (the writer chose them, and they
 * are never wrong); anything else takes Apple's dumper's spelling when that
 * re-lexes (so `identifier com.foo` becomes `identifier "com.foo"`, as
 * `codesign -d -r-` shows it), else quoted (also non-ASCII UTF-8, which
 * Apple shows as hex); a match value no string can hold (non-UTF-8 bytes,
 * NUL, backslash) becomes `0x…` hex, which stores the same bytes.
 * `forceQuote` is for file paths.
 */
export function canonicalValue(bytes: Uint8Array, form: Value['form'], context: ValueContext, dotOk: boolean, forceQuote = false): CanonicalValue {
  const text = utf8Strict(bytes);
  if (form === 'hex' && context === 'match' && bytes.length > 0) return { text: '0x' + toHex(bytes), exact: true };
  if (text !== undefined && !text.includes('\\') && !text.includes('\0')) {
    const bare = !forceQuote && form !== 'quoted' && isBareWord(text) && classifyAppleValue(bytes, dotOk) === 'simple';
    return { text: bare ? text : '"' + text.replace(/"/g, '\\"') + '"', exact: true };
  }
  if (context === 'match' && bytes.length > 0) return { text: '0x' + toHex(bytes), exact: true };
  // Nothing can spell this: show Apple's escaped form so a reader sees the bytes.
  return { text: appleValue(bytes, dotOk), exact: false };
}
