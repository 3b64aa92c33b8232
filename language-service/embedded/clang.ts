/**
 * Lexer for C, C++, Objective-C and Objective-C++ host documents: enough to
 * find calls and decode their string literals (plain, `L`/`u`/`U`/`u8`
 * prefixed, Objective-C `@"…"`, C++ raw `R"d(…)d"`), skipping comments and
 * character literals. Linear in the input.
 */
import { PieceList } from './mapping.js';
import { codePointText, isDigit, isHex, isIdentPart, isIdentStart, pushNumberOrPunct, type HostToken } from './tokens.js';

const STRING_PREFIXES = new Set(['L', 'u', 'U', 'u8']);
const RAW_PREFIXES = new Set(['R', 'LR', 'uR', 'UR', 'u8R']);

export function lexC(src: string): HostToken[] {
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
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 47 /* / */) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) {
        const e = src.indexOf('\n', i);
        i = e < 0 ? n : e;
        continue;
      }
      if (d === 42) {
        const e = src.indexOf('*/', i + 2);
        if (e < 0) {
          i = n;
        } else {
          if (src.lastIndexOf('\n', e) > i) nl = true;
          i = e + 2;
        }
        continue;
      }
    }
    if (c === 92 /* \ */ && (src.charCodeAt(i + 1) === 10 || (src.charCodeAt(i + 1) === 13 && src.charCodeAt(i + 2) === 10))) {
      // A line splice between tokens.
      i += src.charCodeAt(i + 1) === 10 ? 2 : 3;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      const next = src.charCodeAt(j);
      if (next === 34 /* " */ && STRING_PREFIXES.has(word)) {
        const tok = lexQuoted(src, start, j, word !== 'u8');
        tok.nl = nl;
        tokens.push(tok);
        nl = false;
        i = tok.end;
        continue;
      }
      if (next === 34 && RAW_PREFIXES.has(word)) {
        const tok = lexRaw(src, start, j);
        if (tok) {
          tok.nl = nl;
          tokens.push(tok);
          nl = false;
          i = tok.end;
          continue;
        }
      }
      if (next === 39 /* ' */ && STRING_PREFIXES.has(word)) {
        i = skipCharLiteral(src, j);
        nl = false;
        continue;
      }
      tokens.push({ kind: 'ident', start, end: j, value: word, nl });
      nl = false;
      i = j;
      continue;
    }
    if (c === 34) {
      const tok = lexQuoted(src, start, i, false);
      tok.nl = nl;
      tokens.push(tok);
      nl = false;
      i = tok.end;
      continue;
    }
    if (c === 64 /* @ */ && src.charCodeAt(i + 1) === 34) {
      const tok = lexQuoted(src, start, i + 1, false);
      tok.nl = nl;
      tokens.push(tok);
      nl = false;
      i = tok.end;
      continue;
    }
    if (c === 39) {
      i = skipCharLiteral(src, i);
      nl = false;
      continue;
    }
    i = pushNumberOrPunct(src, i, isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1))), nl, tokens);
    nl = false;
  }
  return tokens;
}

function skipCharLiteral(src: string, quote: number): number {
  const n = src.length;
  let j = quote + 1;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === 39) return j + 1;
    else if (c === 10) return j;
    else j++;
  }
  return n;
}

/** A `"…"` literal whose opening quote is at `quote`; `wide` for L/u/U literals, whose `\x` escapes are code units. */
function lexQuoted(src: string, start: number, quote: number, wide: boolean): HostToken {
  const n = src.length;
  let j = quote + 1;
  let unterminated = true;
  while (j < n) {
    const c = src.charCodeAt(j);
    if (c === 92) {
      j += src.charCodeAt(j + 1) === 13 && src.charCodeAt(j + 2) === 10 ? 3 : 2;
      continue;
    }
    if (c === 34) {
      unterminated = false;
      break;
    }
    if (c === 10) break;
    j++;
  }
  if (j > n) j = n;
  const contentStart = quote + 1;
  const contentEnd = j;
  return {
    kind: 'string',
    start,
    end: unterminated ? j : j + 1,
    value: '',
    nl: false,
    literal: {
      contentStart,
      contentEnd,
      form: 'c',
      ...(unterminated ? { unterminated: true } : {}),
      decode: () => decodeC(src, contentStart, contentEnd, wide),
    },
  };
}

/** C++ raw string `R"delim(…)delim"`; undefined when the delimiter is malformed (then it is not a raw string). */
function lexRaw(src: string, start: number, quote: number): HostToken | undefined {
  // The delimiter is at most 16 characters: never search further (a search to the end per `R"` would be quadratic).
  const open = src.slice(quote + 1, quote + 18).indexOf('(') + quote + 1;
  if (open <= quote) return undefined;
  const delim = src.slice(quote + 1, open);
  if (/[\s()\\"]/.test(delim)) return undefined;
  const closer = ')' + delim + '"';
  const close = src.indexOf(closer, open + 1);
  const contentStart = open + 1;
  const contentEnd = close < 0 ? src.length : close;
  return {
    kind: 'string',
    start,
    end: close < 0 ? src.length : close + closer.length,
    value: '',
    nl: false,
    literal: {
      contentStart,
      contentEnd,
      form: 'c-raw',
      ...(close < 0 ? { unterminated: true } : {}),
      decode: () => {
        const list = new PieceList();
        list.verbatim(contentStart, src.slice(contentStart, contentEnd));
        return list;
      },
    },
  };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/**
 * Decodes C escapes. Narrow literals are UTF-8 byte strings, so runs of
 * `\x`/octal byte escapes are decoded together as UTF-8; a code point made of
 * several escapes is one escape piece covering all of them.
 */
export function decodeC(src: string, from: number, to: number, wide: boolean): PieceList {
  const list = new PieceList();
  let runStart = from;
  let i = from;
  // Pending UTF-8 bytes from byte escapes: value and host span of each.
  const bytes: { v: number; s: number; e: number }[] = [];
  const flushBytes = () => {
    let k = 0;
    while (k < bytes.length) {
      const b = bytes[k]!;
      const need = b.v < 0x80 ? 0 : b.v >= 0xc2 && b.v <= 0xdf ? 1 : b.v >= 0xe0 && b.v <= 0xef ? 2 : b.v >= 0xf0 && b.v <= 0xf4 ? 3 : -1;
      if (need === 0) {
        list.escape(b.s, b.e, String.fromCharCode(b.v));
        k++;
        continue;
      }
      let ok = need > 0 && k + need < bytes.length;
      let cp = need > 0 ? b.v & (0x3f >> need) : 0;
      for (let m = 1; ok && m <= need; m++) {
        const cb = bytes[k + m];
        if (!cb || (cb.v & 0xc0) !== 0x80) ok = false;
        else cp = (cp << 6) | (cb.v & 0x3f);
      }
      if (ok && cp >= [0, 0x80, 0x800, 0x10000][need]! && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
        list.escape(b.s, bytes[k + need]!.e, String.fromCodePoint(cp));
        k += need + 1;
      } else {
        list.escape(b.s, b.e, '\ufffd');
        k++;
      }
    }
    bytes.length = 0;
  };
  while (i < to) {
    const c = src.charCodeAt(i);
    if (c !== 92) {
      i++;
      continue;
    }
    if (i > runStart) {
      flushBytes();
      list.verbatim(runStart, src.slice(runStart, i));
    }
    const esc = src[i + 1];
    let end = i + 2;
    if (esc === undefined || i + 1 >= to) {
      // A lone backslash at the end of an unterminated literal.
      flushBytes();
      list.verbatim(i, '\\');
      i = end = i + 1;
      runStart = i;
      continue;
    }
    if (esc === '\n' || (esc === '\r' && src[i + 2] === '\n')) {
      flushBytes();
      end = esc === '\n' ? i + 2 : i + 3;
      list.gap(i, end);
    } else if (esc === 'x') {
      let v = 0;
      while (end < to && isHex(src.charCodeAt(end))) {
        v = (v * 16 + parseInt(src[end]!, 16)) % 0x110000;
        end++;
      }
      if (wide) {
        flushBytes();
        list.escape(i, end, codePointText(v));
      } else {
        bytes.push({ v: v & 0xff, s: i, e: end });
      }
    } else if (esc >= '0' && esc <= '7') {
      let v = 0;
      end = i + 1;
      while (end < to && end < i + 4 && src[end]! >= '0' && src[end]! <= '7') {
        v = v * 8 + (src.charCodeAt(end) - 48);
        end++;
      }
      if (wide) {
        flushBytes();
        list.escape(i, end, codePointText(v));
      } else {
        bytes.push({ v: v & 0xff, s: i, e: end });
      }
    } else if (esc === 'u' || esc === 'U') {
      flushBytes();
      const digits = esc === 'u' ? 4 : 8;
      let v = 0;
      while (end < to && end < i + 2 + digits && isHex(src.charCodeAt(end))) {
        v = v * 16 + parseInt(src[end]!, 16);
        end++;
      }
      list.escape(i, end, codePointText(v));
    } else {
      flushBytes();
      // Unknown escapes keep the character (compilers warn and do the same).
      const cp = src.codePointAt(i + 1)!;
      const ch = String.fromCodePoint(cp);
      end = i + 1 + ch.length;
      list.escape(i, end, SIMPLE_ESCAPES[ch] ?? ch);
    }
    i = end;
    runStart = i;
  }
  flushBytes();
  if (to > runStart) list.verbatim(runStart, src.slice(runStart, to));
  return list;
}
