/**
 * The lexer of the Code Signing Requirement Language, exact to Apple's
 * ANTLR 2 lexer (spec §1; [SEC] RequirementLexer.cpp).
 *
 * Apple's lexer decides each token from its first one or two characters and
 * aborts the whole parse at the first bad character. Ours makes the same
 * decisions but keeps going, so a document yields all of its errors: a token
 * that Apple would reject part-way (a string with a bad backslash, `H"xyz"`,
 * `foo.`) is still produced, with the error in its payload, so the parser sees
 * a plausible token stream and does not report cascades.
 *
 * Positions here are offsets into the JavaScript string; grammar/parser.ts
 * turns them into line/column ranges.
 */
import { createToken, EOF, Lexer, type IToken, type TokenType } from 'chevrotain';
import type { DiagnosticCode } from './diagnostics.js';
import { KindCounter, type Dropped } from './diag-cap.js';
import { isDottedNumber } from './words.js';

// ---------------------------------------------------------------- token types

/** Apple's token names (RequirementParser tokenNames), used in its `expecting X` messages. */
export const APPLE_TOKEN_NAME = new Map<TokenType, string>();

function tok(name: string, appleName = name): TokenType {
  // Matched by scan(), never by a pattern: the token type only names the token for the parser.
  const t = createToken({ name, pattern: Lexer.NA });
  APPLE_TOKEN_NAME.set(t, appleName);
  return t;
}

export const KEYWORD_LIST = [
  'guest', 'host', 'designated', 'library', 'plugin', 'or', 'and', 'always', 'true', 'never', 'false',
  'identifier', 'cdhash', 'platform', 'notarized', 'legacy', 'anchor', 'apple', 'generic', 'certificate',
  'cert', 'trusted', 'info', 'entitlement', 'exists', 'absent', 'leaf', 'root', 'timestamp',
] as const;
export type Keyword = (typeof KEYWORD_LIST)[number];

/** Keyword token types: never matched by a pattern, a DOTKEY equal to the keyword is re-typed (spec §1.4). */
export const KW = Object.fromEntries(
  KEYWORD_LIST.map((k) => {
    const t = createToken({ name: `KW_${k}`, pattern: Lexer.NA });
    APPLE_TOKEN_NAME.set(t, `"${k}"`);
    return [k, t];
  }),
) as Record<Keyword, TokenType>;
/** Longer words (bundle IDs, OID keys) are never keywords. */
const KEYWORD_MAX_LENGTH = Math.max(...KEYWORD_LIST.map((k) => k.length));

/**
 * Keywords by length and first character: a word is compared in place with the
 * few keywords it could be, without slicing and hashing its text, and a
 * keyword token's image is the keyword's own string.
 */
const KEYWORD_CANDIDATES: Array<Array<{ image: string; type: TokenType }> | undefined> = [];
for (const k of KEYWORD_LIST) (KEYWORD_CANDIDATES[k.length * 128 + k.charCodeAt(0)] ??= []).push({ image: k, type: KW[k] });

function keywordAt(text: string, at: number, length: number): { image: string; type: TokenType } | undefined {
  const first = text.charCodeAt(at);
  // Keywords start with an ASCII letter; a wider first character would index another length's slot.
  if (!(first < 128)) return undefined;
  const candidates = KEYWORD_CANDIDATES[length * 128 + first];
  if (candidates === undefined) return undefined;
  // Compared char by char (the first is known to match): startsWith was the lexer's largest single cost.
  for (const c of candidates) {
    const k = c.image;
    let i = 1;
    while (i < length && text.charCodeAt(at + i) === k.charCodeAt(i)) i++;
    if (i === length) return c;
  }
  return undefined;
}
export const KEYWORD_TOKENS: ReadonlySet<TokenType> = new Set(Object.values(KW));

export function keywordOf(text: string): Keyword | undefined {
  return keywordAt(text, 0, text.length)?.image as Keyword | undefined;
}

// ------------------------------------------------------------ char classes

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isLetter(c) || isDigit(c);
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** ANTLR's charName(): `'x'` for printable ASCII, else `0xHH` of the (first UTF-8) byte, `EOF` at the end. */
export function appleCharName(text: string, at: number): string {
  if (at >= text.length) return 'EOF';
  const c = text.codePointAt(at)!;
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  // A byte escape from parseBytes stands for the byte itself.
  if (c >= 0xdc80 && c <= 0xdcff) return `0x${(c - 0xdc00).toString(16).toUpperCase()}`;
  const firstByte = c < 0x80 ? c : new TextEncoder().encode(String.fromCodePoint(c))[0]!;
  return `0x${firstByte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Human-readable name of the character at `at`. */
export function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'the end of the input';
  const c = text.codePointAt(at)!;
  if (c === 13) return 'a carriage return (CR)';
  if (c === 0) return 'a NUL character';
  if (c >= 0x21 && c < 0x7f) return `\`${String.fromCharCode(c)}\``;
  if (c >= 0xdc80 && c <= 0xdcff) return `byte 0x${(c - 0xdc00).toString(16).toUpperCase()} (not UTF-8)`;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

// ------------------------------------------------------------ payloads

/** A lexical error found inside a token (Apple would abort there). */
export interface TokenLexError {
  code: DiagnosticCode;
  /** Default error; the star-pair quirk of a comment that does end is a warning. */
  severity?: 'warning';
  /** Part of an unquoted word (a bad character or a bad dot), which mergeBadWords may report as a whole. */
  inWord?: boolean;
  /** Range of the error in the text. */
  start: number;
  end: number;
  message: string;
  /** Where Apple's lexer stops, and its message without the `line L:C: ` prefix. */
  appleOffset: number;
  appleMessage: string;
}

export interface TokenPayload {
  /** STRING: the content with `\"` unescaped. HASH/HEX: the digits. */
  value?: string;
  error?: TokenLexError;
  /** Set on a synthetic token that stands for an unquoted word Apple cannot lex (see mergeBadWords). */
  badWord?: boolean;
}

/** Payload of the token the last matcher found (undefined when it has none): matchers return only the end. */
let foundPayload: TokenPayload | undefined;

function found(end: number, payload?: TokenPayload): number {
  foundPayload = payload;
  return end;
}

/** Apple's `expecting ''"'', found ''x''` (MismatchedCharException with charName wrapped in quotes again). */
function expectingChar(expected: string, text: string, at: number): string {
  const found = appleCharName(text, at);
  return `expecting ''${expected}'', found '${found}'`;
}

// ------------------------------------------------------------ custom patterns

function matchString(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== 34) return -1;
  const n = text.length;
  let i = offset + 1;
  let value = '';
  let chunk = i;
  let error: TokenLexError | undefined;
  for (;;) {
    if (i >= n) {
      // Unterminated: Apple reads to the end of input. For recovery the token ends at the line end.
      const nl = text.indexOf('\n', offset + 1);
      const end = nl < 0 ? n : nl;
      const content = end >= chunk ? value + text.slice(chunk, end) : value;
      return found(end, {
        value: content,
        error: error ?? {
          code: 'CSR005',
          start: offset,
          end,
          message: 'unterminated string: the closing `"` is missing',
          appleOffset: n,
          appleMessage: expectingChar('"', text, n),
        },
      });
    }
    const c = text.charCodeAt(i);
    if (c === 34) {
      value += text.slice(chunk, i);
      return found(i + 1, error ? { value, error } : { value });
    }
    if (c === 92) {
      value += text.slice(chunk, i);
      const next = text.charCodeAt(i + 1);
      if (next === 34) {
        value += '"';
        i += 2;
      } else {
        error ??= {
          code: 'CSR004',
          start: i,
          end: Math.min(i + 2, n),
          message:
            next === 92
              ? 'a string cannot contain a backslash: Apple\'s lexer accepts only `\\"` as an escape, so `\\\\` is an error'
              : `a backslash inside a string can only escape a double quote (\`\\"\`); \`\\${i + 1 < n ? text[i + 1] : ''}\` is an error for Apple`,
          appleOffset: i + 1,
          appleMessage: expectingChar('"', text, i + 1),
        };
        // Recovery: read `\\` as a pair (C style), any other backslash as itself.
        if (next === 92) {
          value += '\\';
          i += 2;
        } else {
          value += '\\';
          i += 1;
        }
      }
      chunk = i;
      continue;
    }
    i++;
  }
}

function matchHash(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== 72 || text.charCodeAt(offset + 1) !== 34) return -1;
  const n = text.length;
  let i = offset + 2;
  while (i < n && isHex(text.charCodeAt(i))) i++;
  if (i < n && text.charCodeAt(i) === 34 && i > offset + 2) {
    return found(i + 1, { value: text.slice(offset + 2, i) });
  }
  const badAt = i;
  const appleMessage = i === offset + 2 ? `unexpected char: ${appleCharName(text, i)}` : expectingChar('"', text, i);
  // Recovery: the constant runs to the next quote on the same line, if any.
  let end = i;
  let close = -1;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) {
      close = j;
      break;
    }
    if (c === 10) break;
  }
  if (close >= 0) end = close + 1;
  const badChar = text.charCodeAt(badAt);
  const message =
    badAt >= n || badChar === 10
      ? 'unterminated hash constant: the closing `"` is missing'
      : badChar === 34
        ? 'empty hash constant: H"…" holds exactly 40 hex digits'
        : `${describeChar(text, badAt)} is not a hex digit: H"…" holds hex digits only (exactly 40)`;
  return found(end, {
    value: text.slice(offset + 2, close >= 0 ? close : end),
    error: { code: 'CSR001', start: offset, end, message, appleOffset: badAt, appleMessage },
  });
}

function matchHex(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== 48 || text.charCodeAt(offset + 1) !== 120) return -1;
  let i = offset + 2;
  while (i < text.length && isHex(text.charCodeAt(i))) i++;
  if (i > offset + 2) return found(i, { value: text.slice(offset + 2, i) });
  return found(i, {
    value: '',
    error: {
      code: 'CSR001',
      start: offset,
      end: i,
      message: '`0x` must be followed by hex digits',
      appleOffset: i,
      appleMessage: `unexpected char: ${appleCharName(text, i)}`,
    },
  });
}

/** ASCII letters and digits by char code: the scanner's innermost loop reads one table entry per character. */
const ALNUM = new Uint8Array(128);
for (let c = 0; c < 128; c++) ALNUM[c] = isAlnum(c) ? 1 : 0;

function scanIdent(text: string, i: number): number {
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || ALNUM[c] === 0) break;
  }
  return i;
}

function matchDotkey(text: string, offset: number): number {
  if (!isLetter(text.charCodeAt(offset))) return -1;
  let i = scanIdent(text, offset + 1);
  while (text.charCodeAt(i) === 46) {
    const c = text.charCodeAt(i + 1);
    if (isLetter(c)) i = scanIdent(text, i + 2);
    else if (isDigit(c)) {
      i += 2;
      while (isDigit(text.charCodeAt(i))) i++;
    } else {
      // Apple consumed the dot and fails on the character after it.
      return found(i + 1, {
        error: {
          code: 'CSR001',
          inWord: true,
          start: i,
          end: i + 1,
          message: `a dot in an unquoted word must be followed by a letter or digit, not ${describeChar(text, i + 1)}`,
          appleOffset: i + 1,
          appleMessage: `unexpected char: ${appleCharName(text, i + 1)}`,
        },
      });
    }
  }
  return found(i);
}

function matchPath(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== 47 || !isLetter(text.charCodeAt(offset + 1))) return -1;
  let i = scanIdent(text, offset + 2);
  let parts = 1;
  while (text.charCodeAt(i) === 47) {
    if (!isLetter(text.charCodeAt(i + 1))) {
      return found(i + 1, {
        error: {
          code: 'CSR001',
          inWord: true,
          start: i,
          end: i + 1,
          message: `each part of an unquoted path must start with a letter, not ${describeChar(text, i + 1)}; quote the path`,
          appleOffset: i + 1,
          appleMessage: `unexpected char: ${appleCharName(text, i + 1)}`,
        },
      });
    }
    i = scanIdent(text, i + 2);
    parts++;
  }
  if (parts < 2) {
    return found(i, {
      error: {
        code: 'CSR001',
        inWord: true,
        start: offset,
        end: i,
        message: 'an unquoted path needs at least two parts (`/dir/file`); quote it',
        appleOffset: i,
        appleMessage: `unexpected char: ${appleCharName(text, i)}`,
      },
    });
  }
  return found(i);
}

/** `/* … *\/` with Apple's loop: a `*` always takes the next character with it unless that is `/` (spec §1.3). */
function matchBlockComment(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== 47 || text.charCodeAt(offset + 1) !== 42) return -1;
  const n = text.length;
  let i = offset + 2;
  while (i < n) {
    if (text.charCodeAt(i) === 42) {
      if (i + 1 < n && text.charCodeAt(i + 1) !== 47) {
        i += 2;
        continue;
      }
      break;
    }
    i++;
  }
  if (i + 1 < n && text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
    const early = text.indexOf('*/', offset + 2);
    if (early >= 0 && early < i) {
      // The comment swallowed text a C reader would take for code: say so.
      return found(i + 2, {
        error: {
          code: 'CSR006',
          severity: 'warning',
          start: early,
          end: early + 2,
          message:
            'this `*/` does not end the comment for Apple: its lexer reads `**` as a pair, so the comment runs on to the next `*/`; write `* */`',
          appleOffset: early,
          appleMessage: '',
        },
      });
    }
    return found(i + 2);
  }
  const expected = i < n ? '/' : '*';
  const appleAt = i < n ? i + 1 : n;
  const quirk = text.indexOf('*/', offset + 2);
  let message = 'unterminated block comment: `/*` has no matching `*/`';
  if (quirk >= 0) {
    const line = text.slice(0, quirk).split('\n').length;
    const column = quirk - text.lastIndexOf('\n', quirk - 1);
    message += `; the \`*/\` at line ${line}, column ${column} does not end it for Apple, whose lexer reads \`**\` as a pair, so the \`/\` stays inside the comment (write \`* */\`)`;
  }
  return found(text.length, {
    error: {
      code: 'CSR006',
      start: offset,
      end: offset + 2,
      message,
      appleOffset: appleAt,
      appleMessage: `expecting ''${expected}'', found 'EOF'`,
    },
  });
}

// ------------------------------------------------------------ token list

export const WS = createToken({ name: 'WS', pattern: Lexer.NA });
export const HashComment = tok('HashComment', 'SHELLCOMMENT');
export const LineComment = tok('LineComment', 'CPP_COMMENT');
export const BlockComment = tok('BlockComment', 'C_COMMENT');
export const PATHNAME = tok('PATHNAME');
export const STRING = tok('STRING');
export const HASHCONSTANT = tok('HASHCONSTANT');
export const HEXCONSTANT = tok('HEXCONSTANT');
export const DOTKEY = tok('DOTKEY');
export const INTEGER = tok('INTEGER');
export const ARROW = tok('ARROW');
export const LE = tok('LE');
export const GE = tok('GE');
export const EQQL = tok('EQQL');
export const LESS = tok('LESS');
export const GT = tok('GT');
export const EQL = tok('EQL');
export const SEMI = tok('SEMI');
export const LPAREN = tok('LPAREN');
export const RPAREN = tok('RPAREN');
export const LBRACK = tok('LBRACK');
export const RBRACK = tok('RBRACK');
export const COMMA = tok('COMMA');
export const SUBS = tok('SUBS');
export const NEG = tok('NEG');
export const NOT = tok('NOT');
export const STAR = tok('STAR');
APPLE_TOKEN_NAME.set(EOF, 'EOF');

const LEXER_TOKENS: TokenType[] = [
  WS, HashComment, LineComment, BlockComment, PATHNAME, STRING, HASHCONSTANT, HEXCONSTANT, DOTKEY, INTEGER,
  ARROW, LE, GE, EQQL, LESS, GT, EQL, SEMI, LPAREN, RPAREN, LBRACK, RBRACK, COMMA, SUBS, NEG, NOT, STAR,
];

/** Every token type the parser can see. */
export const ALL_TOKEN_TYPES: TokenType[] = [...LEXER_TOKENS, ...Object.values(KW)];

/**
 * A token: Chevrotain's IToken with the fields the parser reads, all set in
 * the constructor so every token has one hidden class (the parser's token
 * reads stay monomorphic).
 */
class Token implements IToken {
  readonly endOffset: number;
  constructor(
    readonly image: string,
    readonly startOffset: number,
    public tokenType: TokenType,
    public tokenTypeIdx: number,
    readonly payload: TokenPayload | undefined,
  ) {
    this.endOffset = startOffset + image.length - 1;
  }
}

export function makeToken(type: TokenType, text: string, start: number, end: number, payload?: TokenPayload): IToken {
  return new Token(text.slice(start, end), start, type, type.tokenTypeIdx!, payload);
}

/** One-character tokens by char code. */
const SINGLE: Array<TokenType | undefined> = [];
for (const [ch, t] of [[';', SEMI], ['(', LPAREN], [')', RPAREN], ['[', LBRACK], [']', RBRACK], [',', COMMA], ['~', SUBS], ['-', NEG], ['!', NOT], ['*', STAR]] as const) {
  SINGLE[ch.charCodeAt(0)] = t;
}

/** Whether some token starts at `i` (how far an unexpected run of characters goes). */
function tokenStartsAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 32 || c === 9 || c === 10 || c === 35 || c === 34 || isAlnum(c) || SINGLE[c] !== undefined) return true;
  if (c === 61 || c === 60 || c === 62) return true; // = < >
  if (c === 47) {
    const d = text.charCodeAt(i + 1);
    return d === 47 || d === 42 || isLetter(d);
  }
  return false;
}

interface Scan {
  tokens: IToken[];
  comments: IToken[];
  /** Runs of characters no token starts with: [start, end). */
  unmatched: number[];
}

/**
 * The token scanner: Apple's lexer decides a token by its first one or two
 * characters (spec §1), so a switch on char codes does; each token is built
 * once, with its final type (keywords included).
 */
function scan(text: string): Scan {
  const tokens: IToken[] = [];
  const comments: IToken[] = [];
  const unmatched: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10) {
      i++;
      continue;
    }
    let type: TokenType | undefined;
    let end = -1;
    foundPayload = undefined;
    if (isLetter(c)) {
      if (c === 72 && text.charCodeAt(i + 1) === 34) {
        type = HASHCONSTANT;
        end = matchHash(text, i);
      } else {
        end = matchDotkey(text, i);
        type = DOTKEY;
        const len = end - i;
        if (foundPayload === undefined && len <= KEYWORD_MAX_LENGTH) {
          const kw = keywordAt(text, i, len);
          if (kw !== undefined) tokens.push(new Token(kw.image, i, kw.type, kw.type.tokenTypeIdx!, undefined));
          else tokens.push(new Token(text.slice(i, end), i, DOTKEY, DOTKEY.tokenTypeIdx!, undefined));
          i = end;
          continue;
        }
      }
    } else if (c >= 48 && c <= 57) {
      if (c === 48 && text.charCodeAt(i + 1) === 120) {
        type = HEXCONSTANT;
        end = matchHex(text, i);
      } else {
        end = i + 1;
        while (end < n && isDigit(text.charCodeAt(end))) end++;
        type = INTEGER;
      }
    } else if (c === 34) {
      type = STRING;
      end = matchString(text, i);
    } else if (c === 35) {
      const nl = text.indexOf('\n', i);
      comments.push(makeToken(HashComment, text, i, nl < 0 ? n : nl));
      i = nl < 0 ? n : nl;
      continue;
    } else if (c === 47) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        const nl = text.indexOf('\n', i);
        comments.push(makeToken(LineComment, text, i, nl < 0 ? n : nl));
        i = nl < 0 ? n : nl;
        continue;
      }
      if (d === 42) {
        end = matchBlockComment(text, i);
        comments.push(makeToken(BlockComment, text, i, end, foundPayload));
        i = end;
        continue;
      }
      if (isLetter(d)) {
        type = PATHNAME;
        end = matchPath(text, i);
      }
    } else if (c === 61) {
      const d = text.charCodeAt(i + 1);
      type = d === 62 ? ARROW : d === 61 ? EQQL : EQL;
      end = type === EQL ? i + 1 : i + 2;
    } else if (c === 60 || c === 62) {
      const eq = text.charCodeAt(i + 1) === 61;
      type = c === 60 ? (eq ? LE : LESS) : eq ? GE : GT;
      end = eq ? i + 2 : i + 1;
    } else {
      type = SINGLE[c];
      end = i + 1;
    }
    if (type === undefined) {
      // Nothing starts here: the run of characters up to where a token could start is one error.
      let j = i + 1;
      while (j < n && !tokenStartsAt(text, j)) j++;
      unmatched.push(i, j);
      i = j;
      continue;
    }
    tokens.push(new Token(text.slice(i, end), i, type, type.tokenTypeIdx!, foundPayload));
    i = end;
  }
  return { tokens, comments, unmatched };
}

// ------------------------------------------------------------ unquoted words

/**
 * Characters that people put into unquoted values (team IDs, bundle IDs,
 * versions, paths): everything a bare word cannot hold but that does not end a
 * value in the user's mind.
 */
export function isWordChar(c: number): boolean {
  if (isAlnum(c)) return true;
  switch (c) {
    case 46: // .
    case 95: // _
    case 45: // -
    case 36: // $
    case 58: // :
    case 64: // @
    case 43: // +
    case 37: // %
    case 38: // &
    case 63: // ?
    case 39: // '
    case 94: // ^
    case 96: // `
    case 123: // {
    case 125: // }
    case 124: // |
    case 47: // /
      return true;
  }
  return c >= 0x80 && !isSpaceLike(c) && !isTypographicQuote(c);
}

/** Characters people take for whitespace that Apple does not (spec §1.2). */
function isSpaceLike(c: number): boolean {
  return c === 11 || c === 12 || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b);
}

/** Curly quotes, as pasted from documents. */
function isTypographicQuote(c: number): boolean {
  return c === 0x201c || c === 0x201d || c === 0x2018 || c === 0x2019;
}

/** The maximal run of word characters around `at` (comment openers end it). */
export function wordSpanAt(text: string, at: number): { start: number; end: number } {
  let start = at;
  while (start > 0 && isWordChar(text.charCodeAt(start - 1)) && !(text.charCodeAt(start - 1) === 47 && text.charCodeAt(start - 2) === 47)) start--;
  let end = at;
  while (end < text.length && isWordChar(text.charCodeAt(end))) {
    if (text.charCodeAt(end) === 47 && (text.charCodeAt(end + 1) === 47 || text.charCodeAt(end + 1) === 42)) break;
    end++;
  }
  return { start, end };
}

/** The quoted form offered as a fix: `'foo'` (single quotes) becomes `"foo"`. */
export function quoteWord(word: string): string {
  return word.length >= 2 && word.startsWith("'") && word.endsWith("'") ? `"${word.slice(1, -1)}"` : `"${word}"`;
}

export interface WordProblem {
  code: DiagnosticCode;
  message: string;
}

/** Why an unquoted word is not a bare word for Apple, as a person would want to hear it. */
export function classifyWord(word: string, context: 'value' | 'match'): WordProblem {
  const quoted = quoteWord(word);
  if (/^'.*'$/.test(word) && word.length >= 2) {
    return { code: 'CSR022', message: `strings use double quotes, not single quotes: write ${quoted}` };
  }
  if (word === '$self.identifier') {
    return {
      code: 'CSR069',
      message:
        '`$self.identifier` is replaced by the signed code\'s identifier only by `codesign -r` when signing; everywhere else (csreq, the SecRequirement APIs) Apple rejects the `$`',
    };
  }
  if (/^[0-9]+$/.test(word)) {
    return context === 'match'
      ? { code: 'CSR016', message: `a number cannot be a match value; quote it to compare text: ${quoted}` }
      : { code: 'CSR012', message: `a value that is a number must be quoted: ${quoted}` };
  }
  if (isDottedNumber(word, 2)) {
    return { code: 'CSR013', message: `version numbers must be quoted: ${quoted}` };
  }
  if (/^[0-9]/.test(word)) {
    if (/^[0-9A-Z]{10}$/.test(word)) {
      return { code: 'CSR012', message: `team IDs that start with a digit must be quoted: ${quoted}` };
    }
    return { code: 'CSR012', message: `values that start with a digit must be quoted: ${quoted}` };
  }
  const bad = [...word].find((ch, i) => !(/[A-Za-z0-9.]/.test(ch)) || (ch === '.' && (i === word.length - 1 || word[i + 1] === '.')));
  if (bad !== undefined && !/[A-Za-z0-9.]/.test(bad)) {
    return {
      code: 'CSR022',
      message: `\`${word}\` must be quoted: an unquoted word holds only letters, digits and dots, not \`${bad}\`; write ${quoted}`,
    };
  }
  return {
    code: 'CSR022',
    message: `\`${word}\` must be quoted: each dot-separated part of an unquoted word must start with a letter or be all digits; write ${quoted}`,
  };
}

// ------------------------------------------------------------ lex()

/** A lexical error as lex() reports it: the token's error, plus a fix where one is obvious. */
export interface LexDiagnostic extends TokenLexError {
  fix?: { title: string; start: number; end: number; newText: string };
}

export interface LexResult {
  /** Tokens for the parser, keywords already re-typed. */
  tokens: IToken[];
  comments: IToken[];
  /** Lexical errors in text order. */
  errors: LexDiagnostic[];
  /** Where Apple's input ends (the first NUL, else the text length). */
  end: number;
  /** Errors counted but not built, past the per-kind cap (diag-cap.ts). */
  dropped?: Dropped[];
}

/** Lexes `text` up to its first NUL (where Apple's input ends). */
export function lex(text: string): LexResult {
  const nul = text.indexOf('\0');
  const end = nul < 0 ? text.length : nul;
  const input = nul < 0 ? text : text.slice(0, nul);
  const r = scan(input);
  const tokens = r.tokens;
  const comments = r.comments;
  let clean = r.unmatched.length === 0;
  for (let i = 0; clean && i < tokens.length; i++) if (tokens[i]!.payload?.error !== undefined) clean = false;
  for (let i = 0; clean && i < comments.length; i++) if (comments[i]!.payload !== undefined) clean = false;
  if (clean) return { tokens, comments, errors: [], end };
  const errors: LexDiagnostic[] = [];
  // One counter per producer: each emits in text order, so each keeps its own first ones of a kind.
  const unmatched = new KindCounter();
  const inTokens = new KindCounter();
  const inComments = new KindCounter();
  const word: WordState = { end: -1, isWord: false };
  for (let k = 0; k < r.unmatched.length; k += 2) splitUnmatched(input, r.unmatched[k]!, r.unmatched[k + 1]!, errors, unmatched, word);
  // Errors inside words are always kept: mergeBadWords needs them to make the word one token.
  for (const t of tokens) {
    const err = (t.payload as TokenPayload | undefined)?.error;
    if (err && (err.inWord || inTokens.admit(err.code, err.severity ?? 'error', err.start, err.end))) errors.push({ ...err });
  }
  for (const c of comments) {
    const err = (c.payload as TokenPayload | undefined)?.error;
    if (err && inComments.admit(err.code, err.severity ?? 'error', err.start, err.end)) errors.push({ ...err });
  }
  errors.sort((a, b) => a.start - b.start);
  return mergeBadWords(input, { tokens, comments, errors, end, dropped: [...unmatched.dropped, ...inTokens.dropped, ...inComments.dropped] });
}

/** The word (wordSpanAt) around the last unexpected character seen, so a long word is measured once. */
interface WordState {
  end: number;
  /** The span holds a letter or digit: mergeBadWords reports it as one word, by its first error. */
  isWord: boolean;
}

/** Whether text[start, end) holds an ASCII letter or digit. */
function hasAlnum(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isAlnum(text.charCodeAt(i))) return true;
  return false;
}

/**
 * One diagnostic per carriage return, one per run of other unexpected
 * characters; past the per-kind cap they are only counted. Inside a word
 * already reported only the word's first bad character is kept (mergeBadWords
 * reports the word once, by its first error), so `a_a_a…` costs one record.
 */
function splitUnmatched(text: string, start: number, end: number, out: LexDiagnostic[], cap: KindCounter, word: WordState): void {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (!cap.admit('CSR002', 'error', i, i + 1)) {
        i++;
        continue;
      }
      out.push({
        code: 'CSR002',
        start: i,
        end: i + 1,
        message:
          'carriage return is not whitespace for Apple (CRLF line ends); save the file with LF line ends',
        appleOffset: i,
        appleMessage: 'unexpected char: 0x0D',
        fix: { title: 'Remove the carriage return', start: i, end: i + 1, newText: '' },
      });
      i++;
      continue;
    }
    if (isSpaceLike(c) || isTypographicQuote(c)) {
      if (!cap.admit('CSR001', 'error', i, i + 1)) {
        i++;
        continue;
      }
      const quote = isTypographicQuote(c);
      out.push({
        code: 'CSR001',
        start: i,
        end: i + 1,
        message: quote
          ? `unexpected character ${describeChar(text, i)}: a typographic quote; strings use straight double quotes (")`
          : `unexpected character ${describeChar(text, i)}: only space, TAB and LF are whitespace for Apple`,
        appleOffset: i,
        appleMessage: `unexpected char: ${appleCharName(text, i)}`,
        fix: quote
          ? { title: 'Use a straight double quote', start: i, end: i + 1, newText: '"' }
          : { title: 'Replace with a space', start: i, end: i + 1, newText: c === 0xfeff ? '' : ' ' },
      });
      i++;
      continue;
    }
    let j = i + 1;
    while (j < end) {
      const d = text.charCodeAt(j);
      if (d === 13 || isSpaceLike(d) || isTypographicQuote(d)) break;
      j++;
    }
    if (i < word.end) {
      // Inside the last word measured: a word keeps only its first error; other runs are counted as usual.
      if (word.isWord || !cap.admit('CSR001', 'error', i, j)) {
        i = j;
        continue;
      }
    } else {
      word.isWord = false;
      if (isWordChar(c) || c === 46) {
        const s = wordSpanAt(text, i);
        word.end = s.end;
        word.isWord = s.end > s.start && hasAlnum(text, s.start, s.end);
      }
      if (!word.isWord && !cap.admit('CSR001', 'error', i, j)) {
        i = j;
        continue;
      }
    }
    out.push({
      code: 'CSR001',
      inWord: true,
      start: i,
      end: j,
      message: `unexpected character ${describeChar(text, i)}${explainChar(text.charCodeAt(i))}`,
      appleOffset: i,
      appleMessage: `unexpected char: ${appleCharName(text, i)}`,
    });
    i = j;
  }
}

function explainChar(c: number): string {
  if (c === 39) return ': strings use double quotes';
  if (c >= 0x80) return ': non-ASCII text is allowed only inside quoted strings and comments';
  return '';
}

/**
 * A word such as `17.4.2`, `com.foo_bar` or `/tmp/root.cer` lexes as pieces
 * with unexpected characters in between. Report it once, as the unquoted
 * value it is, and give the parser one token in its place, so the rest of the
 * document parses as the user meant it.
 */
function mergeBadWords(text: string, lr: LexResult): LexResult {
  const spans: { start: number; end: number }[] = [];
  // Every point of a span has that same span, so an error inside the last one measured is not measured
  // again (measuring each of a long word's errors was quadratic: 40 KB of `1.1.1…` took 110 s).
  let measured = { start: 0, end: -1, word: false };
  for (const e of lr.errors) {
    if (!e.inWord) continue;
    const at = e.start;
    if (at >= measured.start && at < measured.end) continue;
    const c = text.charCodeAt(at);
    if (!isWordChar(c) && c !== 46) continue;
    const s = wordSpanAt(text, at);
    if (s.end <= s.start) continue;
    measured = { start: s.start, end: s.end, word: hasAlnum(text, s.start, s.end) };
    if (!measured.word) continue;
    const last = spans[spans.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else spans.push(s);
  }
  if (spans.length === 0) return lr;
  // Words past the cap still become one token each; only their reports are counted.
  const merged = new KindCounter();
  const tokens: IToken[] = [];
  const errors: LexDiagnostic[] = [];
  let ti = 0;
  let ei = 0;
  for (const s of spans) {
    while (ti < lr.tokens.length && lr.tokens[ti]!.startOffset < s.start) tokens.push(lr.tokens[ti++]!);
    const inside: IToken[] = [];
    while (ti < lr.tokens.length && lr.tokens[ti]!.startOffset < s.end) inside.push(lr.tokens[ti++]!);
    while (ei < lr.errors.length && lr.errors[ei]!.start < s.start) errors.push(lr.errors[ei++]!);
    let first: LexDiagnostic | undefined;
    while (ei < lr.errors.length && lr.errors[ei]!.start < s.end) {
      const e = lr.errors[ei++]!;
      first ??= e;
    }
    // Apple stops at the first bad character of the word; a token inside may carry an earlier stop.
    let appleOffset = first?.appleOffset ?? s.start;
    let appleMessage = first?.appleMessage ?? '';
    for (const t of inside) {
      const err = (t.payload as TokenPayload | undefined)?.error;
      if (err && err.appleOffset < appleOffset) {
        appleOffset = err.appleOffset;
        appleMessage = err.appleMessage;
      }
    }
    const word = text.slice(s.start, s.end);
    const type = word.charCodeAt(0) === 47 ? PATHNAME : DOTKEY;
    tokens.push(makeToken(type, text, s.start, s.end, { badWord: true }));
    const problem = classifyWord(word, 'value');
    if (!merged.admit(problem.code, 'error', s.start, s.end)) continue;
    errors.push({
      code: problem.code,
      start: s.start,
      end: s.end,
      message: problem.message,
      appleOffset,
      appleMessage,
      fix: { title: `Quote ${word}`, start: s.start, end: s.end, newText: quoteWord(word) },
    });
  }
  while (ti < lr.tokens.length) tokens.push(lr.tokens[ti++]!);
  while (ei < lr.errors.length) errors.push(lr.errors[ei++]!);
  return { tokens, comments: lr.comments, errors, end: lr.end, dropped: [...(lr.dropped ?? []), ...merged.dropped] };
}
