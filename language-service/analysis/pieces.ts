/**
 * Incremental analysis of requirement sets written one entry per line: each
 * entry is analysed on its own and the results are joined into the analysis
 * of the whole text, so a keystroke re-parses and re-lints only the entry it
 * changed. Unlike the views of very large sets (documents.ts), the result is
 * one analysis of the whole document, identical to analyzeRequirement(text):
 * whenever that cannot be guaranteed the caller analyses the whole text.
 *
 * Exactness rests on three checks. A piece boundary (a line starting with
 * `TYPE =>`) inside a string or block comment leaves the piece before it
 * unterminated, which the lexer reports; so every piece must parse without
 * any diagnostic (the parser's error recovery and Apple's first-error
 * reporting depend on the whole text). Duplicate entry types across pieces
 * are a whole-document warning (CSR066); they send the text to the whole
 * parse. Pieces start at the beginning of a line, so shifting a position
 * only adds to its offset and line; its column is unchanged.
 */
import type { Comment, Position, RequirementSetEntry } from '../../grammar/ast.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { parse, type ParseResult, type TokenInfo } from '../../grammar/parser.js';
import { analyzeRequirement, MAX_DEPTH, modeFromText, sortDiagnostics, type Analysis, type AnalysisOptions } from './analyze.js';

/** Analyses of pieces by their text; handed from one version of a document to the next. */
export type PieceCache = Map<string, Analysis>;

const ENTRY_START = /^[ \t]*(?:designated|host|guest|library|plugin|[0-9]+)[ \t]*=>/gm;
const PREAMBLE = /^(?:\s|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/;
/** Deeper structures (long `and` chains nest as deep as they are long) are left to the whole parse. */
const MAX_SHIFT_DEPTH = 2000;

/** Offsets of the lines that start a set entry (the first one moved to 0), or undefined when the text is not plainly such a set. */
export function pieceStarts(text: string, mode: string): number[] | undefined {
  if (mode === 'single') return undefined;
  const starts: number[] = [];
  for (const m of text.matchAll(ENTRY_START)) starts.push(m.index!);
  if (starts.length < 2 || !PREAMBLE.test(text.slice(0, starts[0]))) return undefined;
  starts[0] = 0;
  return starts;
}

class TooDeep extends Error {}

function isPosition(v: object): v is Position {
  const p = v as Position;
  if (typeof p.offset !== 'number' || typeof p.line !== 'number' || typeof p.column !== 'number') return false;
  let keys = 0;
  for (const k in v) if (Object.hasOwn(v, k)) keys++;
  return keys === 3;
}

/** A copy of a parse-result fragment with every position moved by `offset` code units and `lines` lines. */
function shift<T>(value: T, offset: number, lines: number, depth = 0): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (depth > MAX_SHIFT_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) return value.map((v) => shift(v, offset, lines, depth + 1)) as T;
  if (isPosition(value)) return { offset: value.offset + offset, line: value.line + lines, column: value.column } as T;
  const out: Record<string, unknown> = {};
  for (const k in value) if (Object.hasOwn(value, k)) out[k] = shift((value as Record<string, unknown>)[k], offset, lines, depth + 1);
  return out as T;
}

export interface PieceResult {
  /** Undefined when the whole text must be analysed instead. */
  analysis: Analysis | undefined;
  /** Analyses of this version's pieces, for the next version. */
  cache: PieceCache;
}

/**
 * The analysis of a requirement set from the analyses of its entries, reusing
 * those in `previous` whose text is unchanged. Undefined when the text is not
 * a set written one entry per line.
 */
export function analyzeSetByPieces(text: string, options: AnalysisOptions, previous: PieceCache | undefined): PieceResult | undefined {
  const starts = pieceStarts(text, modeFromText(text) ?? options.mode ?? 'auto');
  if (!starts) return undefined;
  const cache: PieceCache = new Map();
  const pieceOptions: AnalysisOptions = { ...options, mode: 'set' };
  const pieces: { analysis: Analysis; start: number; line: number }[] = [];
  const types = new Set<number>();
  let clean = true;
  let line = 0;
  let counted = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    const chunk = text.slice(start, end);
    const analysis = previous?.get(chunk) ?? cache.get(chunk) ?? analyzeRequirement(chunk, pieceOptions);
    cache.set(chunk, analysis);
    if (!clean) continue;
    const p = analysis.parse;
    if (p.diagnostics.length > 0 || p.document?.kind !== 'set' || p.document.entries.length === 0) {
      // Keep analysing the remaining pieces: the next version reuses them.
      clean = false;
      continue;
    }
    for (const e of p.document.entries) {
      if (types.has(e.type)) clean = false;
      types.add(e.type);
    }
    for (let at = text.indexOf('\n', counted); at !== -1 && at < start; at = text.indexOf('\n', at + 1)) line++;
    counted = start;
    pieces.push({ analysis, start, line });
  }
  if (!clean) return { analysis: undefined, cache };
  const diagnostics: Diagnostic[] = [];
  for (const { analysis, start, line } of pieces) {
    for (const d of placeDiagnostics(analysis, start, line)) diagnostics.push(d);
  }
  // The joined parse (AST, tokens, comments) is only needed when a feature asks for it, not for diagnostics: built on first use.
  let parse: ParseResult | undefined;
  const analysis = { diagnostics: sortDiagnostics(diagnostics) } as Analysis;
  Object.defineProperty(analysis, 'parse', {
    enumerable: true,
    get: () => (parse ??= joinParse(text, options, pieces)),
  });
  return { analysis, cache };
}

interface Placed<T> {
  start: number;
  line: number;
  value: T;
}

/** The last placement of each piece: an edit after it leaves it where it was, so its shifted copy is reused. */
const PLACED_PARSE = new WeakMap<Analysis, Placed<{ entries: RequirementSetEntry[]; comments: Comment[]; tokens: TokenInfo[] }>>();
const PLACED_DIAGNOSTICS = new WeakMap<Analysis, Placed<Diagnostic[]>>();

function placeDiagnostics(analysis: Analysis, start: number, line: number): Diagnostic[] {
  const had = PLACED_DIAGNOSTICS.get(analysis);
  if (had && had.start === start && had.line === line) return had.value;
  const value = shift(analysis.diagnostics, start, line);
  PLACED_DIAGNOSTICS.set(analysis, { start, line, value });
  return value;
}

function placeParse(analysis: Analysis, start: number, line: number) {
  const had = PLACED_PARSE.get(analysis);
  if (had && had.start === start && had.line === line) return had.value;
  const p = analysis.parse;
  if (p.document?.kind !== 'set') throw new Error('piece is not a set');
  const value = { entries: shift(p.document.entries, start, line), comments: shift(p.comments, start, line), tokens: shift(p.tokens, start, line) };
  PLACED_PARSE.set(analysis, { start, line, value });
  return value;
}

function joinParse(text: string, options: AnalysisOptions, pieces: { analysis: Analysis; start: number; line: number }[]): ParseResult {
  try {
    const entries: RequirementSetEntry[] = [];
    const comments: Comment[] = [];
    const tokens: TokenInfo[] = [];
    for (const { analysis, start, line } of pieces) {
      const placed = placeParse(analysis, start, line);
      for (const e of placed.entries) entries.push(e);
      for (const c of placed.comments) comments.push(c);
      for (const t of placed.tokens) tokens.push(t);
    }
    const first = pieces[0]!;
    const last = pieces[pieces.length - 1]!;
    const firstDoc = first.analysis.parse.document!;
    const lastDoc = last.analysis.parse.document!;
    return {
      document: {
        kind: 'set',
        entries,
        range: { start: shift(firstDoc.range.start, first.start, first.line), end: shift(lastDoc.range.end, last.start, last.line) },
      },
      mode: 'set',
      diagnostics: [],
      comments,
      tokens,
      ok: true,
    };
  } catch (err) {
    // Too deep to copy: the whole text gives the same result (the invariant of this module), only slower.
    if (!(err instanceof TooDeep)) throw err;
    return parse(text, { mode: modeFromText(text) ?? options.mode ?? 'auto', maxDepth: MAX_DEPTH });
  }
}
