/**
 * Lexer for Swift host documents: identifiers, punctuation and string
 * literals (`"…"`, multi-line `"""…"""`, raw `#"…"#` with any number of `#`),
 * with interpolation `\(…)` detected and skipped (nested strings included)
 * and comments skipped (block comments nest). Linear in the input.
 */
import { PieceList } from './mapping.js';
import { codePointText, isDigit, isHex, isIdentPart, isIdentStart, pushNumberOrPunct, type HostToken } from './tokens.js';

/** Beyond this nesting of interpolations inside strings, inner strings are not told apart (input is hostile). */
const MAX_INTERPOLATION_DEPTH = 32;

interface SwiftString {
  end: number;
  contentStart: number;
  contentEnd: number;
  multiline: boolean;
  hashes: number;
  dynamic: boolean;
  unterminated: boolean;
}

export function lexSwift(src: string): HostToken[] {
  const tokens: HostToken[] = [];
  const n = src.length;
  let i = 0;
  let nl = true;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      nl = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0) {
      i++;
      continue;
    }
    if (c === 47) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) {
        const e = src.indexOf('\n', i);
        i = e < 0 ? n : e;
        continue;
      }
      if (d === 42) {
        const e = skipBlockComment(src, i);
        if (src.slice(i, e).includes('\n')) nl = true;
        i = e;
        continue;
      }
    }
    const start = i;
    if (c === 35 /* # */ || c === 34 /* " */) {
      let hashes = 0;
      while (src.charCodeAt(i + hashes) === 35) hashes++;
      if (src.charCodeAt(i + hashes) === 34) {
        const s = scanString(src, i + hashes, hashes, 0);
        tokens.push(stringToken(src, start, s, nl));
        nl = false;
        i = s.end;
        continue;
      }
    }
    if (isIdentStart(c) && c !== 36) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      tokens.push({ kind: 'ident', start, end: j, value: src.slice(i, j), nl });
      nl = false;
      i = j;
      continue;
    }
    if (c === 96 /* ` */) {
      const e = src.indexOf('`', i + 1);
      if (e > i && !src.slice(i + 1, e).includes('\n')) {
        tokens.push({ kind: 'ident', start, end: e + 1, value: src.slice(i + 1, e), nl });
        nl = false;
        i = e + 1;
        continue;
      }
    }
    i = pushNumberOrPunct(src, i, isDigit(c), nl, tokens);
    nl = false;
  }
  return tokens;
}

function skipBlockComment(src: string, i: number): number {
  const n = src.length;
  let depth = 0;
  let j = i;
  while (j < n) {
    const c = src.charCodeAt(j);
    const d = src.charCodeAt(j + 1);
    if (c === 47 && d === 42) {
      depth++;
      j += 2;
    } else if (c === 42 && d === 47) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return n;
}

function stringToken(src: string, start: number, s: SwiftString, nl: boolean): HostToken {
  return {
    kind: 'string',
    start,
    end: s.end,
    value: '',
    nl,
    literal: {
      contentStart: s.contentStart,
      contentEnd: s.contentEnd,
      form: s.hashes > 0 ? 'swift-raw' : s.multiline ? 'swift-multiline' : 'swift',
      ...(s.unterminated ? { unterminated: true } : {}),
      decode: () => (s.multiline ? decodeMultiline(src, s) : decodeRange(src, s.contentStart, s.contentEnd, s.hashes, new PieceList())),
    },
  };
}

function hashesAt(src: string, i: number, count: number): boolean {
  for (let k = 0; k < count; k++) if (src.charCodeAt(i + k) !== 35) return false;
  return true;
}

/** Scans a string whose first quote is at `quote`, preceded by `hashes` `#`. */
function scanString(src: string, quote: number, hashes: number, depth: number): SwiftString {
  const n = src.length;
  const multiline = src.startsWith('"""', quote);
  const contentStart = quote + (multiline ? 3 : 1);
  const closeLen = (multiline ? 3 : 1) + hashes;
  let dynamic = false;
  let j = contentStart;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (c === 92 && hashesAt(src, j + 1, hashes)) {
      const k = j + 1 + hashes;
      const e = src.charCodeAt(k);
      if (e === 40 /* ( */) {
        dynamic = true;
        j = skipInterpolation(src, k, depth + 1);
      } else if (e === 117 /* u */ && src.charCodeAt(k + 1) === 123) {
        const close = src.indexOf('}', k + 2);
        j = close >= 0 && close - k < 12 ? close + 1 : k + 1;
      } else {
        j = k + 1;
      }
      continue;
    }
    if (c === 34) {
      if ((multiline ? src.startsWith('"""', j) : true) && hashesAt(src, j + (multiline ? 3 : 1), hashes)) {
        return { end: j + closeLen, contentStart, contentEnd: j, multiline, hashes, dynamic, unterminated: false };
      }
      j++;
      continue;
    }
    if (c === 10 && !multiline) break;
    j++;
  }
  const end = Math.min(j, n);
  return { end, contentStart, contentEnd: end, multiline, hashes, dynamic, unterminated: true };
}

/** From the `(` of an interpolation to just after its matching `)`. */
function skipInterpolation(src: string, open: number, depth: number): number {
  const n = src.length;
  let parens = 0;
  let j = open;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (c === 40) parens++;
    else if (c === 41) {
      parens--;
      if (parens === 0) return j + 1;
    } else if ((c === 34 || c === 35) && depth < MAX_INTERPOLATION_DEPTH) {
      let hashes = 0;
      while (src.charCodeAt(j + hashes) === 35) hashes++;
      if (src.charCodeAt(j + hashes) === 34) {
        j = scanString(src, j + hashes, hashes, depth).end;
        continue;
      }
      j += Math.max(hashes, 1);
      continue;
    }
    j++;
  }
  return n;
}

/** Decodes the escapes of [from, to) (one line or a single-line string) into `list`. */
function decodeRange(src: string, from: number, to: number, hashes: number, list: PieceList): PieceList {
  let runStart = from;
  let i = from;
  while (i < to) {
    if (src.charCodeAt(i) !== 92 || !hashesAt(src, i + 1, hashes) || i + 1 + hashes >= to) {
      i++;
      continue;
    }
    if (i > runStart) list.verbatim(runStart, src.slice(runStart, i));
    const k = i + 1 + hashes;
    const e = src[k]!;
    let end = k + 1;
    switch (e) {
      case '0': list.escape(i, end, '\0'); break;
      case 'n': list.escape(i, end, '\n'); break;
      case 't': list.escape(i, end, '\t'); break;
      case 'r': list.escape(i, end, '\r'); break;
      case '\\': case '"': case "'": list.escape(i, end, e); break;
      case 'u': {
        if (src[k + 1] === '{') {
          let j = k + 2;
          let v = 0;
          while (j < to && isHex(src.charCodeAt(j)) && j < k + 10) {
            v = v * 16 + parseInt(src[j]!, 16);
            j++;
          }
          end = src[j] === '}' ? j + 1 : j;
          list.escape(i, end, codePointText(v));
        } else {
          list.escape(i, end, 'u');
        }
        break;
      }
      case '(': {
        // An interpolated value is unknown until run time: it stays in the text as a hole (analysed as a template).
        end = Math.min(skipInterpolation(src, k, 1), to);
        list.hole(i, src.slice(i, end), 'Swift interpolation');
        break;
      }
      default: {
        const ch = String.fromCodePoint(src.codePointAt(k)!);
        end = k + ch.length;
        list.escape(i, end, ch);
      }
    }
    i = end;
    runStart = i;
  }
  if (to > runStart) list.verbatim(runStart, src.slice(runStart, to));
  return list;
}

function isBlank(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * Multi-line literal: the value starts on the line after the opening `"""`
 * and ends before the line break that precedes the closing one; the closing
 * delimiter's indentation is removed from every line; line breaks become LF;
 * a backslash at the end of a line joins it to the next.
 */
function decodeMultiline(src: string, s: SwiftString): PieceList {
  const list = new PieceList();
  const firstBreak = src.indexOf('\n', s.contentStart);
  if (firstBreak < 0 || firstBreak >= s.contentEnd) return list;
  const first = firstBreak + 1;
  list.gap(s.contentStart, first);
  const closingLineStart = src.lastIndexOf('\n', s.contentEnd - 1) + 1;
  const indent = !s.unterminated && isBlank(src, closingLineStart, s.contentEnd) ? src.slice(closingLineStart, s.contentEnd) : '';
  // The line break before the closing line is not part of the value.
  const lastBreak = closingLineStart - 1;
  if (lastBreak < first) {
    list.gap(first, s.contentEnd);
    return list;
  }
  let a = first;
  while (a <= lastBreak) {
    let b = src.indexOf('\n', a);
    if (b < 0 || b > lastBreak) b = lastBreak;
    const lineEnd = b > a && src.charCodeAt(b - 1) === 13 ? b - 1 : b;
    let contentFrom = a;
    if (src.startsWith(indent, a)) {
      contentFrom = a + indent.length;
    } else {
      while (contentFrom < lineEnd && contentFrom - a < indent.length && (src.charCodeAt(contentFrom) === 32 || src.charCodeAt(contentFrom) === 9)) contentFrom++;
    }
    list.gap(a, contentFrom);
    const isLast = b === lastBreak;
    const cont = continuation(src, contentFrom, lineEnd, s.hashes);
    if (cont >= 0) {
      decodeRange(src, contentFrom, cont, s.hashes, list);
      list.gap(cont, b + 1);
    } else {
      decodeRange(src, contentFrom, lineEnd, s.hashes, list);
      if (isLast) list.gap(lineEnd, b + 1);
      else if (lineEnd < b) list.escape(lineEnd, b + 1, '\n');
      else list.verbatim(b, '\n');
    }
    a = b + 1;
  }
  list.gap(a, s.contentEnd);
  return list;
}

/** Offset of a line-joining backslash (`\` or `\#…`) ending the line, or -1. */
function continuation(src: string, from: number, lineEnd: number, hashes: number): number {
  let e = lineEnd;
  while (e > from && (src.charCodeAt(e - 1) === 32 || src.charCodeAt(e - 1) === 9)) e--;
  const bs = e - 1 - hashes;
  if (bs < from || src.charCodeAt(bs) !== 92 || !hashesAt(src, bs + 1, hashes)) return -1;
  if (hashes === 0) {
    // An escaped backslash (`\\`) does not join lines: count the run.
    let k = bs;
    while (k > from && src.charCodeAt(k - 1) === 92) k--;
    if ((bs - k) % 2 === 1) return -1;
  }
  return bs;
}
