import type { Range } from '../grammar/ast.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import type { EmbeddedRequirement } from '../language-service/embedded/extract.js';
import { analyzeHostDocument, analyzeRequirement, MAX_ANALYSIS_CHARS, modeFromText, resolveSeverity, sortDiagnostics, type Analysis, type AnalysisOptions } from '../language-service/analysis/analyze.js';
import { entriesOf, LeanAnalysis, outlineOf, ownString, type LocalEntry, type Outline } from '../language-service/analysis/lean.js';
import { analyzeSetByPieces, type PieceCache } from '../language-service/analysis/pieces.js';
import { LineIndex } from '../language-service/analysis/text.js';
import { EMBEDDING_LANGUAGES } from '../language-service/embedded/hosts.js';

export const REQUIREMENT_LANGUAGE = 'csreq';
/** The host languages of the one table (language-service/embedded/hosts.ts), and JSON for lightweight code requirements only (language-service/embedded/lwcr.ts). */
export const HOST_LANGUAGES: ReadonlySet<string> = new Set([...EMBEDDING_LANGUAGES, 'json', 'lwcr-json']);
const LANGUAGE_ALIASES: Record<string, string> = { objc: 'objective-c', objcpp: 'objective-cpp', 'c++': 'cpp', sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', 'xml-plist': 'plist' };

export function canonicalLanguage(languageId: string, uri: string): string {
  const id = LANGUAGE_ALIASES[languageId] ?? languageId;
  if (id === 'plaintext' && /\.(csreq|rqset)$/i.test(uri)) return REQUIREMENT_LANGUAGE;
  // As `csrl lint` reads them: `*.lwcr.json` always holds an LWCR, so its syntax errors are reported.
  if ((id === 'json' || id === 'jsonc') && /\.lwcr\.json$/i.test(uri)) return 'lwcr-json';
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
    const mode = modeFromText(text) ?? options.mode ?? 'auto';
    const edit = previous ? editOfPieces(previous, text, mode) : undefined;
    const starts = edit?.starts ?? entryStarts(text, mode);
    if (starts) return analyzeChunked(uri, version, lang, text, index, starts, options, previous?.chunkCache, edit);
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

/**
 * One entry of a large set. A class rather than an object of closures: a
 * document has thousands and every edit makes them anew.
 */
class PieceView implements RequirementView {
  readonly mode = 'set' as const;
  private lines: LineIndex | undefined;
  constructor(readonly text: string, readonly analysis: Analysis, readonly hostStart: number, readonly hostEnd: number) {}
  // Built on first use: most of the thousands of pieces are never hovered.
  get index(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }
  toHost(o: number): number {
    return this.hostStart + o;
  }
  fromHost(h: number): number | undefined {
    return h < this.hostStart || h > this.hostEnd ? undefined : h - this.hostStart;
  }
}

/**
 * The pieces of a large set after an edit, found from the previous version's
 * without cutting and hashing all of them again. The first `kept` pieces are
 * unchanged in place and the last `shifted` ones unchanged but moved by
 * `delta`; `starts` are the piece starts of the new text, exactly those
 * entryStarts gives. Undefined when that is not plainly so (then the text is
 * cut afresh).
 *
 * Why the starts are exact: a piece start is a line matching ENTRY_START,
 * which looks at that one line only. A piece holds whole lines and ends with
 * the LF before the next start, so an unchanged piece keeps its lines and
 * their status; the lines between the kept and the shifted pieces are matched
 * again. When the first piece changed, the preamble before the first entry is
 * checked again as entryStarts does.
 */
export interface PieceEdit { starts: number[]; kept: number; shifted: number; delta: number; views: RequirementView[] }

export function editOfPieces(previous: DocState, text: string, mode: string): PieceEdit | undefined {
  const views = previous.views;
  const n = views.length;
  if (mode === 'single' || !previous.chunkCache || n < 2 || text.length <= CHUNK_THRESHOLD || !views.every((v) => v instanceof PieceView)) return undefined;
  const delta = text.length - previous.text.length;
  let kept = 0;
  // Slicing and comparing, not startsWith: V8's startsWith flattens a concatenated text (as an edited document's is) on every call.
  const unchangedAt = (v: RequirementView, at: number) => at + v.text.length <= text.length && text.slice(at, at + v.text.length) === v.text;
  while (kept < n && unchangedAt(views[kept]!, views[kept]!.hostStart)) kept++;
  if (kept === n && delta === 0) return { starts: views.map((v) => v.hostStart), kept, shifted: 0, delta, views };
  // The last kept piece ends where the next starts: that line must still start an entry, else the piece grows.
  for (; kept > 0; kept--) {
    const end = kept === n ? previous.text.length : views[kept]!.hostStart;
    const re = new RegExp(ENTRY_START.source, 'gm');
    re.lastIndex = end;
    if (re.exec(text)?.index === end) break;
  }
  const keptEnd = kept === 0 ? 0 : kept === n ? previous.text.length : views[kept]!.hostStart;
  let first = n;
  while (first > kept && first > 1 && views[first - 1]!.hostStart + delta >= keptEnd && unchangedAt(views[first - 1]!, views[first - 1]!.hostStart + delta)) first--;
  // The first shifted piece must still begin a line.
  if (first < n && text.charCodeAt(views[first]!.hostStart + delta - 1) !== 10) first++;
  const middleEnd = first < n ? views[first]!.hostStart + delta : text.length;
  const starts = views.slice(0, kept).map((v) => v.hostStart);
  const re = new RegExp(ENTRY_START.source, 'gm');
  re.lastIndex = keptEnd;
  for (let m = re.exec(text); m && m.index < middleEnd; m = re.exec(text)) starts.push(m.index);
  for (let i = first; i < n; i++) starts.push(views[i]!.hostStart + delta);
  if (starts.length < 2) return undefined;
  if (kept === 0) {
    if (!PREAMBLE.test(text.slice(0, starts[0]))) return undefined;
    starts[0] = 0;
    // A shifted piece that became the first one now also holds the preamble: it is cut again.
    if (starts.length === n - first) first++;
  }
  return { starts, kept, shifted: n - first, delta, views };
}

function analyzeChunked(uri: string, version: number, lang: string, text: string, index: LineIndex, starts: number[], options: AnalysisOptions, cache: Map<string, Analysis> | undefined, edit?: PieceEdit): DocState {
  const chunkCache = new Map<string, Analysis>();
  const views: RequirementView[] = [];
  const diagnostics: Diagnostic[] = [];
  const chunkOptions: AnalysisOptions = { ...options, mode: 'set' };
  const shiftedFrom = edit ? starts.length - edit.shifted : starts.length;
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    let view: RequirementView;
    if (edit && i < edit.kept) {
      view = edit.views[i]!;
    } else if (edit && i >= shiftedFrom) {
      const was = edit.views[edit.views.length - (starts.length - i)]!;
      view = new PieceView(was.text, was.analysis, start, end);
    } else {
      const chunk = text.slice(start, end);
      const analysis = cache?.get(chunk) ?? chunkCache.get(chunk) ?? analyzePiece(chunk, chunkOptions);
      // Keyed and viewed by the analysis's own copy, so the state keeps no slice of an older version of the document.
      view = new PieceView(analysis instanceof LeanAnalysis ? analysis.text : chunk, analysis, start, end);
    }
    const analysis = view.analysis;
    chunkCache.set(view.text, analysis);
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

/** One piece of a large set, analysed on its own (`options.mode` is `set`). */
function analyzePiece(chunk: string, options: AnalysisOptions): LeanAnalysis {
  // Its own copy of the text: see ownString.
  const own = ownString(chunk);
  return new LeanAnalysis(own, options, analyzeRequirement(own, options));
}

/**
 * A large set just opened, analysed ahead in slices (`step`) so the event
 * loop keeps turning meanwhile; `previous()` hands what was analysed to
 * analyzeDocument, which reuses it exactly as it reuses the pieces of an
 * earlier version, and analyses whatever is left.
 */
export class PieceWarmUp {
  private next = 0;
  private readonly cache = new Map<string, Analysis>();
  private readonly pieceOptions: AnalysisOptions;

  private constructor(private readonly uri: string, private readonly languageId: string, private readonly text: string, private readonly starts: number[], options: AnalysisOptions) {
    this.pieceOptions = { ...options, mode: 'set' };
  }

  /** Undefined unless analyzeDocument would analyse `text` entry by entry. */
  static of(uri: string, languageId: string, text: string, options: AnalysisOptions): PieceWarmUp | undefined {
    if (canonicalLanguage(languageId, uri) !== REQUIREMENT_LANGUAGE || text.length > MAX_ANALYSIS_CHARS) return undefined;
    const starts = entryStarts(text, modeFromText(text) ?? options.mode ?? 'auto');
    return starts ? new PieceWarmUp(uri, languageId, text, starts, options) : undefined;
  }

  get done(): boolean {
    return this.next >= this.starts.length;
  }

  /** Analyses pieces until `deadline` (performance.now()) or the last one. */
  step(deadline: number): void {
    while (!this.done) {
      const start = this.starts[this.next]!;
      const end = this.next + 1 < this.starts.length ? this.starts[this.next + 1]! : this.text.length;
      this.next++;
      const chunk = this.text.slice(start, end);
      if (!this.cache.has(chunk)) this.cache.set(chunk, analyzePiece(chunk, this.pieceOptions));
      if (performance.now() >= deadline) return;
    }
  }

  /** What analyzeDocument takes as the previous state: only the analysed pieces. */
  previous(): DocState {
    return { uri: this.uri, version: -1, languageId: this.languageId, text: '', index: new LineIndex(''), kind: 'csreq', views: [], diagnostics: [], chunkCache: this.cache };
  }
}

const LOCAL_ENTRIES = new WeakMap<Analysis, LocalEntry[]>();

/** The set entries of one piece, in its own offsets; kept with the (reused) analysis. */
function localEntries(v: RequirementView): LocalEntry[] {
  if (v.analysis instanceof LeanAnalysis) return v.analysis.entries;
  let list = LOCAL_ENTRIES.get(v.analysis);
  if (!list) {
    list = entriesOf(v.analysis.parse, v.text);
    LOCAL_ENTRIES.set(v.analysis, list);
  }
  return list;
}

const OUTLINES = new WeakMap<Analysis, Outline>();

/** What the features over the whole document need of a view: kept by lean analyses, else derived from the parse once. */
export function outline(view: RequirementView): Outline {
  if (view.analysis instanceof LeanAnalysis) return view.analysis.outline;
  let o = OUTLINES.get(view.analysis);
  if (!o) {
    o = outlineOf(view.analysis.parse);
    OUTLINES.set(view.analysis, o);
  }
  return o;
}

/** CSR066 across entries analysed separately: the parser sees one entry at a time. */
function duplicateTypes(views: RequirementView[], index: LineIndex, options: AnalysisOptions): Diagnostic[] {
  const severity = resolveSeverity('CSR066', 'warning', options, false);
  if (!severity) return [];
  // Most sets repeat no type: found without building the list below.
  const seen = new Set<number>();
  let repeated = false;
  for (const v of views) {
    for (const local of localEntries(v)) {
      if (seen.has(local.type)) repeated = true;
      seen.add(local.type);
    }
    if (repeated) break;
  }
  if (!repeated) return [];
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
    // Duplicates within one chunk were already reported by the parser (an entry starts inside its own chunk).
    if (x.view === w.view) continue;
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
