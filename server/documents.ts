import type { Range } from '../grammar/ast.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import type { EmbeddedRequirement } from './embedded/extract.js';
import { analyzeHostDocument, analyzeRequirement, MAX_ANALYSIS_CHARS, type Analysis, type AnalysisOptions } from './analysis/analyze.js';
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
}

export function analyzeDocument(uri: string, version: number, languageId: string, text: string, options: AnalysisOptions): DocState {
  const lang = canonicalLanguage(languageId, uri);
  const index = new LineIndex(text);
  if (lang === REQUIREMENT_LANGUAGE) {
    const analysis = analyzeRequirement(text, options);
    const view: RequirementView = {
      text, analysis, index,
      toHost: (o) => o,
      fromHost: (o) => o,
      hostStart: 0,
      hostEnd: text.length,
      mode: analysis.parse.mode,
    };
    return { uri, version, languageId: lang, text, index, kind: 'csreq', views: [view], diagnostics: analysis.diagnostics };
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

/** The requirement under a document offset, with the offset in its own coordinates. */
export function viewAt(state: DocState, hostOffset: number): { view: RequirementView; offset: number } | undefined {
  for (const view of state.views) {
    if (hostOffset < view.hostStart || hostOffset > view.hostEnd) continue;
    const offset = view.fromHost(hostOffset);
    if (offset === undefined) continue;
    return { view, offset: Math.max(0, Math.min(offset, view.text.length)) };
  }
  return undefined;
}

/** A range in requirement coordinates → document coordinates. */
export function rangeToHost(view: RequirementView, state: DocState, r: { start: { offset: number }; end: { offset: number } }): Range {
  const s = view.toHost(r.start.offset);
  const e = r.end.offset === r.start.offset ? s : view.toHost(r.end.offset);
  return state.index.range(s, Math.max(s, e));
}
