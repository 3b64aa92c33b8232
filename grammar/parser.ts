/**
 * Parse API of the requirement language: text (or file bytes) → AST,
 * diagnostics, comments and tokens. Exact to Apple's parser: `ok` is true iff
 * Apple would accept the text; see grammar/README.md for the contract.
 */
import type { IToken, TokenType } from 'chevrotain';
import type { Comment, Range, RequirementDocument } from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import {
  ALL_TOKEN_TYPES, ARROW, BlockComment, DOTKEY, HASHCONSTANT, HEXCONSTANT, INTEGER, KEYWORD_TOKENS, lex, LPAREN, NOT, PATHNAME,
  RPAREN, STRING, type LexDiagnostic,
} from './lexer.js';
import { capRaw, KindCounter, type Dropped } from './diag-cap.js';
import { AstBuilder, tokEnd, toComment } from './parse-ast.js';
import { appleTokenText, requirementParser, REQUIREMENT_START, SET_START } from './parse-rules.js';
import { decodeBytes, isByteEscape } from './parse-bytes.js';
import type { RawDiag } from './parse-diag.js';
import { explain, type ExplainContext } from './parse-errors.js';
import { applePosition, LineIndex } from './parse-positions.js';

export type ParseMode = 'single' | 'set' | 'auto';
export interface ParseOptions {
  mode?: ParseMode;
  /** default 256 */
  maxDepth?: number;
  /**
   * Default true. False leaves `tokens` empty, for callers that never read it
   * (compiling, checking): the token list is the largest part of what a parse allocates.
   */
  tokens?: boolean;
}
export interface TokenInfo {
  type: 'keyword' | 'operator' | 'string' | 'hash' | 'hex' | 'integer' | 'dotkey' | 'path' | 'comment';
  range: Range;
  image: string;
}
export interface ParseResult {
  /** Partial AST on errors (ErrorExpr nodes where text could not be read). */
  document: RequirementDocument | undefined;
  /** What was parsed ('auto' resolved by the first token, spec §2.1). */
  mode: 'single' | 'set';
  /** All errors and warnings, sorted by position. */
  diagnostics: Diagnostic[];
  comments: Comment[];
  /** For semantic highlighting. */
  tokens: TokenInfo[];
  /** True iff Apple's parser would accept it (no error-severity diagnostic). */
  ok: boolean;
}

/** Apple's `csreq` reads a requirement file into a 10,240-byte buffer (spec §1.1). */
export const APPLE_FILE_READ_LIMIT = 10239;

/** No options, no diagnostics from a byte decoder: shared, as parseCore only reads them. */
const DEFAULTS: ParseOptions = Object.freeze({});
const NONE: readonly never[] = Object.freeze([]);

export function parse(text: string, options: ParseOptions = DEFAULTS): ParseResult {
  return parseCore(text, options, NONE, NONE);
}

/** A byte Apple's lexer rejects everywhere (0xC0, 0xC1, 0xF5–0xFF), as parseBytes decodes it. */
function isForbiddenByte(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (!isByteEscape(c)) return false;
  const byte = c - 0xdc00;
  return byte === 0xc0 || byte === 0xc1 || byte >= 0xf5;
}

/**
 * For file/stdin input: checks Apple's byte vocabulary (0xC0, 0xC1,
 * 0xF5–0xFF are errors even in strings/comments; a NUL ends Apple's input),
 * the 10,239-byte read limit (warning CSR021), then decodes UTF-8 and parses;
 * positions are reported in the decoded text.
 */
export function parseBytes(bytes: Uint8Array, options: ParseOptions = {}): ParseResult {
  const { text, limitAt } = decodeBytes(bytes, APPLE_FILE_READ_LIMIT);
  const extra: RawDiag[] = [];
  const bad = new KindCounter();
  const nul = text.indexOf('\0');
  const appleEnd = nul < 0 ? text.length : nul;
  for (let at = 0; at < appleEnd; at++) {
    if (!isForbiddenByte(text, at) || !bad.admit('CSR003', 'error', at, at + 1)) continue;
    const byte = text.charCodeAt(at) - 0xdc00;
    const hex = `0x${byte.toString(16).toUpperCase()}`;
    extra.push({
      code: 'CSR003',
      severity: 'error',
      message: `byte ${hex} is not allowed anywhere in a requirement for Apple, not even in strings or comments (the file is not valid UTF-8)`,
      start: at,
      end: at + 1,
      apple: { message: `unexpected char: ${hex}`, offset: at, positional: true, order: at, lexical: true },
    });
  }
  if (bytes.length > APPLE_FILE_READ_LIMIT) {
    extra.push({
      code: 'CSR021',
      severity: 'warning',
      message: `Apple's csreq reads at most ${APPLE_FILE_READ_LIMIT.toLocaleString('en-US')} bytes of a requirement file; the last ${(bytes.length - APPLE_FILE_READ_LIMIT).toLocaleString('en-US')} bytes are ignored there`,
      start: limitAt,
      end: text.length,
    });
  }
  return parseCore(text, options, extra, bad.dropped);
}

function tokenInfoType(t: TokenType): TokenInfo['type'] {
  if (KEYWORD_TOKENS.has(t)) return 'keyword';
  switch (t) {
    case STRING:
      return 'string';
    case HASHCONSTANT:
      return 'hash';
    case HEXCONSTANT:
      return 'hex';
    case INTEGER:
      return 'integer';
    case DOTKEY:
      return 'dotkey';
    case PATHNAME:
      return 'path';
    default:
      return 'operator';
  }
}

/** tokenInfoType by tokenTypeIdx: the token list is built for every parse. */
const INFO_TYPE: Array<TokenInfo['type'] | undefined> = [];
for (const t of ALL_TOKEN_TYPES) INFO_TYPE[t.tokenTypeIdx!] = tokenInfoType(t);

/**
 * The deepest recursion the parser would need (nested `(` plus pending `!`),
 * or the index of the first token that goes beyond `maxDepth`.
 */
function tooDeepAt(tokens: IToken[], maxDepth: number): number {
  const stack: number[] = [];
  let depth = 0;
  let pendingNots = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.tokenType;
    if (t === NOT) {
      pendingNots++;
      if (depth + pendingNots > maxDepth) return i;
    } else if (t === LPAREN) {
      stack.push(pendingNots);
      depth += pendingNots + 1;
      pendingNots = 0;
      if (depth > maxDepth) return i;
    } else if (t === RPAREN) {
      const nots = stack.pop();
      if (nots !== undefined) depth -= nots + 1;
      pendingNots = 0;
    } else pendingNots = 0;
  }
  return -1;
}

function fromLex(d: LexDiagnostic): RawDiag {
  if (d.severity === 'warning') return { code: d.code, severity: 'warning', message: d.message, start: d.start, end: d.end };
  return {
    code: d.code,
    severity: 'error',
    message: d.message,
    start: d.start,
    end: d.end,
    ...(d.fix ? { fixes: [d.fix] } : {}),
    apple: { message: d.appleMessage, offset: d.appleOffset, positional: true, order: d.appleOffset, lexical: true },
  };
}

function parseCore(text: string, options: ParseOptions, extra: readonly RawDiag[], dropped: readonly Dropped[]): ParseResult {
  const maxDepth = options.maxDepth ?? 256;
  const lines = new LineIndex(text);
  const lr = lex(text);
  const tokens = lr.tokens;
  const diags: RawDiag[] = extra.slice();
  // parseBytes already reported the bytes the decoder turned into U+FFFD.
  const byteErrors = extra.some((d) => d.code === 'CSR003');
  for (const e of lr.errors) if (!(byteErrors && isForbiddenByte(text, e.start))) diags.push(fromLex(e));
  if (lr.dropped) dropped = [...dropped, ...lr.dropped];
  if (lr.end < text.length) {
    diags.push({
      code: 'CSR007',
      severity: 'error',
      message: 'a NUL character ends the input for Apple: everything after it is ignored',
      start: lr.end,
      end: text.length,
    });
  }

  const first = tokens[0];
  const second = tokens[1];
  const requested = options.mode ?? 'auto';
  let mode: 'single' | 'set';
  let modeDiag: RawDiag | undefined;
  const eofAt = tokens.length ? tokEnd(tokens[tokens.length - 1]!) : 0;
  // Built only for a mode error (most parses have none).
  const appleFirst = () => (first ? `unexpected token: ${appleTokenText(first)}` : 'unexpected end of file');
  const appleFirstAt = first ? first.startOffset : lr.end;
  if (requested === 'auto') {
    mode = first && SET_START.has(first.tokenTypeIdx) ? 'set' : 'single';
  } else if (requested === 'single') {
    mode = 'single';
    if (first && SET_START.has(first.tokenTypeIdx) && second?.tokenType === ARROW) {
      mode = 'set';
      modeDiag = {
        code: 'CSR018',
        severity: 'error',
        message: `a requirement set was given where a single requirement is expected; remove \`${first.image} =>\``,
        start: first.startOffset,
        end: tokEnd(second),
        apple: { message: appleFirst(), offset: appleFirstAt, positional: true, order: appleFirstAt, lexical: false },
      };
    }
  } else {
    mode = 'set';
    if (first && REQUIREMENT_START.has(first.tokenTypeIdx)) {
      mode = 'single';
      modeDiag = {
        code: 'CSR019',
        severity: 'error',
        message: 'a single requirement was given where a requirement set is expected; write `designated => …` (or host, guest, library, plugin)',
        start: first.startOffset,
        end: tokEnd(first),
        fixes: [{ title: 'Insert designated =>', start: first.startOffset, end: first.startOffset, newText: 'designated => ' }],
        apple: { message: appleFirst(), offset: appleFirstAt, positional: true, order: appleFirstAt, lexical: false },
      };
    }
  }

  let document: RequirementDocument | undefined;
  const deepAt = tooDeepAt(tokens, maxDepth);
  if (deepAt >= 0) {
    const t = tokens[deepAt]!;
    diags.push({
      code: 'CSR020',
      severity: 'error',
      message: `nesting deeper than ${maxDepth} levels of \`(\` and \`!\`: the requirement is not parsed`,
      start: t.startOffset,
      end: tokEnd(t),
    });
  } else {
    const parser = requirementParser();
    parser.input = tokens;
    const builder = new AstBuilder(text, lines);
    // A set's entries become AST as soon as each is read: the parser's records of one do not outlive it.
    parser.entrySink = builder;
    let top: ReturnType<typeof parser.requirement> | ReturnType<typeof parser.requirementSet>;
    try {
      top = mode === 'set' ? parser.requirementSet() : parser.requirement();
    } catch (e) {
      // A maxDepth beyond what the JavaScript stack holds (about 400 levels from a shallow caller).
      parser.release();
      if (!(e instanceof RangeError)) throw e;
      diags.push({
        code: 'CSR020',
        severity: 'error',
        message: 'nesting too deep for the parser\'s stack: the requirement is not parsed (lower maxDepth)',
        start: 0,
        end: eofAt,
      });
      return finish(text, lines, lr, tokens, diags, dropped, undefined, mode, options.tokens !== false);
    }
    const errors = parser.errors;
    // The parser is a singleton: let go of this text's tokens (and, through their images, the text).
    parser.release();
    document = mode === 'set' ? builder.requirementSet(top, eofAt) : builder.requirement(top as ReturnType<typeof parser.requirement>, eofAt);
    if (modeDiag) {
      if (modeDiag.code === 'CSR018' && document.kind === 'set' && document.entries.length === 1 && second) {
        const after = tokens[2];
        modeDiag.fixes = [{ title: `Remove ${first!.image} =>`, start: first!.startOffset, end: after ? after.startOffset : tokEnd(second), newText: '' }];
      }
      diags.push(modeDiag);
    }
    if (errors.length) {
      const indexOf = new Map<number, number>();
      tokens.forEach((t, i) => indexOf.set(t.startOffset, i));
      const endSwallowed = lr.errors.some((e) => e.code === 'CSR006' && e.severity !== 'warning');
      const ctx: ExplainContext = { text, tokens, indexOf, eofAt, appleEnd: lr.end, endSwallowed };
      // Errors inside a word already reported by the lexer are cascades.
      const covered: Array<[number, number]> = diags.filter((d) => d.code !== 'CSR002').map((d) => [d.start, Math.max(d.end, d.start + 1)]);
      for (const e of errors) {
        const d = explain(e, ctx, covered);
        if (d) diags.push(d);
      }
    }
    for (const d of builder.diags) diags.push(d);
  }
  if (modeDiag && deepAt >= 0) diags.push(modeDiag);

  return finish(text, lines, lr, tokens, diags, dropped, document, mode, options.tokens !== false);
}

function finish(
  text: string,
  lines: LineIndex,
  lr: ReturnType<typeof lex>,
  tokens: IToken[],
  all: RawDiag[],
  dropped: readonly Dropped[],
  document: RequirementDocument | undefined,
  mode: 'single' | 'set',
  withTokens: boolean,
): ParseResult {
  const diagnostics = all.length === 0 && dropped.length === 0 ? [] : finalDiagnostics(text, lines, lr, tokens, all, dropped);
  const comments: Comment[] = [];
  const at = lines.cursor();
  for (const c of lr.comments) comments.push(toComment(c, { start: at(c.startOffset), end: at(tokEnd(c)) }));
  return {
    document,
    mode,
    diagnostics,
    comments,
    tokens: withTokens ? tokenInfos(lines, tokens, lr.comments) : [],
    ok: !diagnostics.some((d) => d.severity === 'error'),
  };
}

/** Diagnostics capped per kind, with positions, Apple's line on the one Apple would print, in text order. */
function finalDiagnostics(text: string, lines: LineIndex, lr: ReturnType<typeof lex>, tokens: IToken[], all: RawDiag[], dropped: readonly Dropped[]): Diagnostic[] {
  // Apple prints the first lexical error alone (it aborts the parse); otherwise its first parser error.
  const withApple = all.filter((d) => d.severity === 'error' && d.apple);
  const lexical = withApple.filter((d) => d.apple!.lexical);
  const pool = lexical.length ? lexical : withApple;
  let firstApple: RawDiag | undefined;
  for (const d of pool) if (!firstApple || d.apple!.order < firstApple.apple!.order) firstApple = d;

  const raw = capRaw(all, dropped, firstApple);

  let opaque: Array<[number, number]> | undefined;
  const diagnostics: Diagnostic[] = raw.map((d) => {
    const out: Diagnostic = { code: d.code, severity: d.severity, message: d.message, range: lines.range(d.start, d.end) };
    if (d === firstApple) {
      const a = d.apple!;
      if (a.positional) {
        opaque ??= opaqueRanges(tokens, lr.comments, text);
        out.apple = `${applePosition(text, a.offset, opaque)}: ${a.message}`;
      } else out.apple = a.message;
    }
    if (d.fixes?.length) out.fixes = d.fixes.map((f) => ({ title: f.title, range: lines.range(f.start, f.end), newText: f.newText }));
    return out;
  });
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  return diagnostics;
}

/** Tokens and comments, each in text order, merged. */
function tokenInfos(lines: LineIndex, tokens: IToken[], cs: IToken[]): TokenInfo[] {
  // Sized once, as growing it copied it several times per parse; V8 keeps only
  // arrays preallocated below 100,000 elements in fast mode, so longer ones grow.
  const n = tokens.length + cs.length;
  const infos: TokenInfo[] = n < 50_000 ? new Array<TokenInfo>(n) : [];
  let k = 0;
  const at = lines.cursor();
  let ci = 0;
  // Tokens share their ranges with the AST nodes and values built from them (LineIndex.span).
  for (let ti = 0; ti <= tokens.length; ti++) {
    const t = tokens[ti];
    while (ci < cs.length && (t === undefined || cs[ci]!.startOffset < t.startOffset)) {
      const c = cs[ci++]!;
      infos[k++] = { type: 'comment', range: { start: at(c.startOffset), end: at(tokEnd(c)) }, image: c.image };
    }
    if (t) infos[k++] = { type: INFO_TYPE[t.tokenTypeIdx] ?? tokenInfoType(t.tokenType), range: lines.span(t.startOffset, tokEnd(t)), image: t.image };
  }
  return infos;
}

/** Strings and block comments: Apple's lexer does not count the LFs inside them as new lines. */
function opaqueRanges(tokens: IToken[], comments: IToken[], text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const t of tokens) if (t.tokenType === STRING && t.image.includes('\n')) out.push([t.startOffset, tokEnd(t)]);
  for (const c of comments) if (c.tokenType === BlockComment && c.image.includes('\n')) out.push([c.startOffset, tokEnd(c)]);
  // An unterminated string runs to the end of the input for Apple.
  for (const t of tokens) {
    if (t.tokenType === STRING && (t.payload as { error?: { code: string } } | undefined)?.error?.code === 'CSR005') {
      out.push([t.startOffset, text.length]);
    }
  }
  out.sort((a, b) => a[0] - b[0]);
  return out;
}
