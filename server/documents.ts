import type { Range } from '../grammar/ast.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import type { EmbeddedRequirement } from './embedded/extract.js';
import { analyzeHostDocument, analyzeRequirement, MAX_ANALYSIS_CHARS, modeFromText, resolveSeverity, sortDiagnostics, type Analysis, type AnalysisOptions } from './analysis/analyze.js';
import { analyzeSetByPieces, type PieceCache } from './analysis/pieces.js';
import { LineIndex } from './analysis/text.js';

export const REQUIREMENT_LANGUAGE = 'csreq';
export const HOST_LANGUAGES = new Set(['swift', 'objective-c', 'objective-cpp', 'c', 'cpp', 'shellscript', 'plist', 'xml']);
const LANGUAGE_ALIASES: Record<string, string> = { objc: 'objective-c', objcpp: 'objective-cpp', 'c++': 'cpp', sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', 'xml-plist': 'plist' };

export function canonicalLanguage(languageId: string, uri: string): string {
  const id = LANGUAGE_ALIASES[languageId] ?? languageId;
  if (id === 'plaintext' && /\.(csreq|rqset)$/i.test(uri)) return REQUIREMENT_LANGUAGE;
  return id;
}

/**
 * One requirement of a document as the features see it: its own text and
 * analysis, and the mapping of its offsets to the document's. For `.csreq`
 * files that mapping is the identity; for host files it goes through the
 * string literal's escapes.
 */
export interface RequirementView {
  text: string;
  analysis: Analysis;
  index: LineIndex;
  toHost(offset: number): number;
  fromHost(hostOffset: number): number | undefined;
  /** Host offsets of the literal content (the whole document for .csreq). */
  hostStart: number;
  hostEnd: number;
  mode: 'single' | 'set';
  embedded?: EmbeddedRequirement;
}

export interface DocState {
  uri: string;
  version: number;
  languageId: string;
  text: string;
  index: LineIndex;
  kind: 'csreq' | 'host' | 'other';
  views: RequirementView[];
  /** In document coordinates. */
  diagnostics: Diagnostic[];
  /** Large requirement sets are analysed entry by entry; analyses of unchanged entries are reused on the next edit. */
  chunkCache?: Map<string, Analysis>;
  /** Sets up to CHUNK_THRESHOLD: analyses of their entries, joined into the one analysis of the document (analysis/pieces.ts). */
  pieceCache?: PieceCache;
}

/** Requirement sets larger than this are analysed entry by entry. */
export const CHUNK_THRESHOLD = 64 * 1024;
const ENTRY_START = /^[ \t]*(?:designated|host|guest|library|plugin|[0-9]+)[ \t]*=>/gm;
const PREAMBLE = /^(?:\s|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/;

/**
 * Offsets where a large set can be cut into independently parsable pieces:
 * lines that start with `TYPE =>`. Undefined when the text is not plainly a
 * set written one entry per line (then the whole text is parsed at once).
 */
export function entryStarts(text: string, mode: string): number[] | undefined {
  if (text.length <= CHUNK_THRESHOLD || mode === 'single') return undefined;
  const starts: number[] = [];
  for (const m of text.matchAll(ENTRY_START)) starts.push(m.index!);
  if (starts.length < 2 || !PREAMBLE.test(text.slice(0, starts[0]))) return undefined;
  starts[0] = 0;
  return starts;
}

export function analyzeDocument(uri: string, version: number, languageId: string, text: string, options: AnalysisOptions, previous?: DocState): DocState {
  const lang = canonicalLanguage(languageId, uri);
  const index = new LineIndex(text);
  if (lang === REQUIREMENT_LANGUAGE && text.length <= MAX_ANALYSIS_CHARS) {
    const starts = entryStarts(text, modeFromText(text) ?? options.mode ?? 'auto');
    if (starts) return analyzeChunked(uri, version, lang, text, index, starts, options, previous?.chunkCache);
  }
  if (lang === REQUIREMENT_LANGUAGE) {
    // Smaller sets written one entry per line: only the edited entry is analysed again.
    const pieces = text.length <= CHUNK_THRESHOLD ? analyzeSetByPieces(text, options, previous?.pieceCache) : undefined;
    const analysis = pieces?.analysis ?? analyzeRequirement(text, options);
    const view: RequirementView = {
      text, analysis, index,
      toHost: (o) => o,
      fromHost: (o) => o,
      hostStart: 0,
      hostEnd: text.length,
      // A joined set is known to be one without building its parse, which only features need.
      mode: pieces?.analysis ? 'set' : analysis.parse.mode,
    };
    return { uri, version, languageId: lang, text, index, kind: 'csreq', views: [view], diagnostics: analysis.diagnostics, ...(pieces ? { pieceCache: pieces.cache } : {}) };
  }
  if (HOST_LANGUAGES.has(lang)) {
    if (text.length > MAX_ANALYSIS_CHARS) {
      const diagnostics: Diagnostic[] = [{
        code: 'CSR100', severity: 'information', range: index.range(0, 0),
        message: `Requirements in this file are not analysed: it is ${(text.length / 1048576).toFixed(1)} MB (limit ${MAX_ANALYSIS_CHARS / 1048576} MB).`,
      }];
      return { uri, version, languageId: lang, text, index, kind: 'host', views: [], diagnostics };
    }
    const host = analyzeHostDocument(text, lang, options);
    const views = host.requirements.map(({ embedded, analysis }): RequirementView => ({
      text: embedded.text,
      analysis,
      index: new LineIndex(embedded.text),
      toHost: (o) => embedded.toHostOffset(o),
      fromHost: (o) => embedded.fromHostOffset(o),
      hostStart: embedded.hostStart,
      hostEnd: embedded.hostEnd,
      mode: embedded.mode,
      embedded,
    }));
    return { uri, version, languageId: lang, text, index, kind: 'host', views, diagnostics: host.diagnostics };
  }
  return { uri, version, languageId: lang, text, index, kind: 'other', views: [], diagnostics: [] };
}

function analyzeChunked(uri: string, version: number, lang: string, text: string, index: LineIndex, starts: number[], options: AnalysisOptions, cache: Map<string, Analysis> | undefined): DocState {
  const chunkCache = new Map<string, Analysis>();
  const views: RequirementView[] = [];
  const diagnostics: Diagnostic[] = [];
  const chunkOptions: AnalysisOptions = { ...options, mode: 'set' };
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    const chunk = text.slice(start, end);
    const analysis = cache?.get(chunk) ?? chunkCache.get(chunk) ?? analyzeRequirement(chunk, chunkOptions);
    chunkCache.set(chunk, analysis);
    let lines: LineIndex | undefined;
    const view: RequirementView = {
      text: chunk, analysis,
      // Built on first use: most of the thousands of pieces are never hovered.
      get index() {
        return (lines ??= new LineIndex(chunk));
      },
      toHost: (o) => start + o,
      fromHost: (h) => (h < start || h > end ? undefined : h - start),
      hostStart: start, hostEnd: end, mode: 'set',
    };
    views.push(view);
    for (const d of analysis.diagnostics) {
      const shifted: Diagnostic = { ...d, range: index.range(start + d.range.start.offset, start + d.range.end.offset) };
      if (d.fixes) shifted.fixes = d.fixes.map((f) => ({ ...f, range: index.range(start + f.range.start.offset, start + f.range.end.offset) }));
      diagnostics.push(shifted);
    }
  });
  diagnostics.push(...duplicateTypes(views, index, options));
  return { uri, version, languageId: lang, text, index, kind: 'csreq', views, diagnostics: sortDiagnostics(diagnostics), chunkCache };
}

interface LocalEntry { type: number; name: string; start: number; typeEnd: number }
const LOCAL_ENTRIES = new WeakMap<Analysis, LocalEntry[]>();

/** The set entries of one piece, in its own offsets; kept with the (reused) analysis. */
function localEntries(v: RequirementView): LocalEntry[] {
  let list = LOCAL_ENTRIES.get(v.analysis);
  if (!list) {
    const doc = v.analysis.parse.document;
    list = doc?.kind === 'set'
      ? doc.entries.map((e) => ({ type: e.type, name: v.text.slice(e.typeRange.start.offset, e.typeRange.end.offset), start: e.range.start.offset, typeEnd: e.typeRange.end.offset }))
      : [];
    LOCAL_ENTRIES.set(v.analysis, list);
  }
  return list;
}

/** CSR066 across entries analysed separately: the parser sees one entry at a time. */
function duplicateTypes(views: RequirementView[], index: LineIndex, options: AnalysisOptions): Diagnostic[] {
  const severity = resolveSeverity('CSR066', 'warning', options, false);
  if (!severity) return [];
  const entries: { type: number; view: RequirementView; local: LocalEntry }[] = [];
  for (const v of views) for (const local of localEntries(v)) entries.push({ type: local.type, view: v, local });
  const last = new Map<number, (typeof entries)[number]>();
  for (const e of entries) last.set(e.type, e);
  const out: Diagnostic[] = [];
  for (const x of entries) {
    const w = last.get(x.type)!;
    if (w === x) continue;
    const e = { name: x.local.name, start: x.view.toHost(x.local.start), typeEnd: x.view.toHost(x.local.typeEnd) };
    const winner = { start: w.view.toHost(w.local.start) };
    // Duplicates within one chunk were already reported by the parser.
    const sameChunk = views.some((v) => e.start >= v.hostStart && winner.start < v.hostEnd && winner.start >= v.hostStart && e.start < v.hostEnd);
    if (sameChunk) continue;
    out.push({
      code: 'CSR066', severity, range: index.range(e.start, e.typeEnd),
      message: `\`${e.name}\` appears again on line ${index.positionAt(winner.start).line}: Apple keeps only the later entry and drops this one`,
    });
  }
  return out;
}

/** The requirement under a document offset, with the offset in its own coordinates. */
export function viewAt(state: DocState, hostOffset: number): { view: RequirementView; offset: number } | undefined {
  // Adjacent pieces of a large set share a boundary: prefer the one that starts there.
  for (const inclusiveEnd of [false, true]) {
    for (const view of state.views) {
      if (hostOffset < view.hostStart || hostOffset > view.hostEnd || (!inclusiveEnd && hostOffset === view.hostEnd)) continue;
      const offset = view.fromHost(hostOffset);
      if (offset === undefined) continue;
      return { view, offset: Math.max(0, Math.min(offset, view.text.length)) };
    }
  }
  return undefined;
}

/** A range in requirement coordinates → document coordinates. */
export function rangeToHost(view: RequirementView, state: DocState, r: { start: { offset: number }; end: { offset: number } }): Range {
  const s = view.toHost(r.start.offset);
  const e = r.end.offset === r.start.offset ? s : view.toHost(r.end.offset);
  return state.index.range(s, Math.max(s, e));
}
