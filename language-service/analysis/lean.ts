/**
 * Analyses of the thousands of entries of a very large requirement set, kept
 * small. A parse of one entry (AST, tokens, comments, every node with its own
 * position objects) weighs about 15 KB; kept for 5,000 entries it was most of
 * the server's memory, and copying it into the old generation was a third of
 * the time to open such a document. A lean analysis keeps only what is needed
 * on every edit (diagnostics, the entry types for CSR066) and for features
 * over the whole document (the outline); the parse is rebuilt from the
 * entry's text when a feature asks for it, and the last few rebuilt ones are
 * kept.
 */
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { ParseResult } from '../../grammar/parser.js';
import { parseForAnalysis, type Analysis, type AnalysisOptions } from './analyze.js';

/** Legend index of each token type in semantic tokens (features.ts SEMANTIC_LEGEND); `dotkey` after `[` is a property. */
export const SEMANTIC_TYPE: Readonly<Record<string, number>> = { keyword: 0, operator: 1, string: 2, hash: 3, hex: 3, integer: 3, dotkey: 2, path: 6, comment: 5 };
const PROPERTY = 4;

/** What the features over a whole document need of one requirement text, in that text's offsets. */
export interface Outline {
  /** Set entries (or the one requirement): their ranges, and the entry type word's. */
  refs: { start: number; end: number; typeStart?: number; typeEnd?: number; index: number }[];
  comments: { start: number; end: number }[];
  /** Semantic tokens as (start, end, legend type) triples, in text order. */
  tokens: Int32Array;
}

/** An entry of a set: its type, the word written for it and where. */
export interface LocalEntry { type: number; name: string; start: number; typeEnd: number }

export function outlineOf(parse: ParseResult): Outline {
  const doc = parse.document;
  const refs: Outline['refs'] = !doc ? [] : doc.kind === 'requirement'
    ? [{ start: doc.range.start.offset, end: doc.range.end.offset, index: 0 }]
    : doc.entries.map((e, index) => ({ start: e.range.start.offset, end: e.range.end.offset, typeStart: e.typeRange.start.offset, typeEnd: e.typeRange.end.offset, index }));
  const comments = parse.comments.map((c) => ({ start: c.range.start.offset, end: c.range.end.offset }));
  const all = parse.tokens;
  const tokens = new Int32Array(all.length * 3);
  let n = 0;
  all.forEach((t, i) => {
    let type = SEMANTIC_TYPE[t.type];
    if (type === undefined) return;
    if (t.type === 'dotkey' && all[i - 1]?.image === '[') type = PROPERTY;
    tokens[n++] = t.range.start.offset;
    tokens[n++] = t.range.end.offset;
    tokens[n++] = type;
  });
  return { refs, comments, tokens: tokens.slice(0, n) };
}

export function entriesOf(parse: ParseResult, text: string): LocalEntry[] {
  const doc = parse.document;
  return doc?.kind === 'set'
    ? doc.entries.map((e) => ({ type: e.type, name: text.slice(e.typeRange.start.offset, e.typeRange.end.offset), start: e.range.start.offset, typeEnd: e.typeRange.end.offset }))
    : [];
}

/** Rebuilt parses, least recently used first. */
const REPARSED = new Map<LeanAnalysis, ParseResult>();
/** Enough for the entries around a cursor (hover, completion, code actions) and a whole screen of them. */
export const REPARSE_CACHE_SIZE = 64;

/** Number of rebuilt parses held now (for tests). */
export function reparsedCount(): number {
  return REPARSED.size;
}

export class LeanAnalysis implements Analysis {
  readonly diagnostics: Diagnostic[];
  readonly outline: Outline;
  readonly entries: LocalEntry[];

  /** `full` is `analyzeRequirement(text, options)`. */
  constructor(readonly text: string, private readonly options: AnalysisOptions, full: Analysis) {
    this.diagnostics = full.diagnostics;
    this.outline = outlineOf(full.parse);
    this.entries = entriesOf(full.parse, text);
  }

  /** The same parse `analyzeRequirement(text, options)` built (the parser is deterministic). */
  get parse(): ParseResult {
    let p = REPARSED.get(this);
    if (p) {
      REPARSED.delete(this);
    } else {
      p = parseForAnalysis(this.text, this.options).result;
      if (REPARSED.size >= REPARSE_CACHE_SIZE) REPARSED.delete(REPARSED.keys().next().value!);
    }
    REPARSED.set(this, p);
    return p;
  }
}

/**
 * A copy of `s` that does not keep alive the string it was cut from. V8
 * represents `big.slice(a, b)` as a view into `big`: a piece kept across
 * edits would otherwise keep each whole version of the document it was cut
 * from. Concatenation then slicing makes V8 flatten into a new string of the
 * piece's own length.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : ('\0' + s).slice(1);
}
