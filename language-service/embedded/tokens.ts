import type { LiteralForm } from './escape.js';
import type { PieceList } from './mapping.js';

/**
 * A token of a C-family or Swift host document, as much as call finding
 * needs: identifiers, punctuation and string literals. Comments and
 * character literals are skipped by the lexers.
 */
export interface HostToken {
  kind: 'ident' | 'string' | 'punct' | 'number';
  start: number;
  end: number;
  /** Identifier or punctuation text; empty for strings. */
  value: string;
  /** A line break lies between the previous token and this one. */
  nl: boolean;
  /** Strings only. */
  literal?: HostLiteral;
}

export interface HostLiteral {
  /** Decodes the literal into pieces (lazily: most literals of a file are never needed). */
  decode(): PieceList;
  /** Offset just after the opening delimiter. */
  contentStart: number;
  /** Offset of the closing delimiter (or the end of the unterminated literal). */
  contentEnd: number;
  /** Why the value is not known at compile time (Swift interpolation). */
  dynamic?: string;
  unterminated?: boolean;
  /** How text is escaped inside this literal. */
  form: LiteralForm;
}

/** Two-character operators that must not be read as `=` or another single character. */
export const TWO_CHAR_PUNCT = new Set(['==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '->', '::', '&&', '||', '++', '--', '<<', '>>', '??']);

export function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
}

export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Appends a code point to a piece list as one escape. */
export function codePointText(cp: number): string {
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/** Length of the numeric literal starting at `i` (digits, letters, dots, exponent signs, C++14 quotes). */
export function scanNumber(src: string, i: number): number {
  let j = i;
  const n = src.length;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (isIdentPart(c) || c === 46 /* . */ || c === 39 /* ' */) {
      j++;
    } else if ((c === 43 || c === 45) && j > i) {
      const p = src.charCodeAt(j - 1) | 0x20;
      if (p === 101 /* e */ || p === 112 /* p */) j++;
      else break;
    } else break;
  }
  return j - i;
}

/** Pushes the number (when `number`) or punctuation token at `i`; returns the offset after it. */
export function pushNumberOrPunct(src: string, i: number, number: boolean, nl: boolean, tokens: HostToken[]): number {
  const len = number ? scanNumber(src, i) : TWO_CHAR_PUNCT.has(src.slice(i, i + 2)) ? 2 : 1;
  tokens.push({ kind: number ? 'number' : 'punct', start: i, end: i + len, value: src.slice(i, i + len), nl });
  return i + len;
}
