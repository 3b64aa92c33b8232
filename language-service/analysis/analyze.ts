import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Expr, Range, Requirement } from '../../grammar/ast.js';
import type { Diagnostic, Severity, TextFix } from '../../grammar/diagnostics.js';
import { parse, type ParseMode, type ParseResult } from '../../grammar/parser.js';
import { extractRequirements, type EmbeddedRequirement } from '../embedded/extract.js';
import { escapeForHost, hostLanguage } from '../embedded/hosts.js';
import { lintHost, lintRequirement, newFixCheck } from '../rules/engine.js';
import { analyzeTemplate } from './templates.js';
import { DEFAULT_CONTEXT_SEVERITY, INFERRED_CONTEXT_SEVERITY, LANGUAGE_CODES, NOT_ANALYSED_CODE, SIGNED_CONTENT_CODE, RULE_BY_CODE, type Finding, type RuleSeverity } from '../rules/index.js';
import { children } from './exprs.js';
import { LineIndex } from './text.js';
import { lwcrValidation } from '../lwcr/validation.js';
import { isLwcrHost } from '../embedded/lwcr.js';

export type { RuleSeverity } from '../rules/index.js';
export { escapeForHost };
export type { ParseMode } from '../../grammar/parser.js';

export interface AnalysisOptions {
  mode?: ParseMode;
  context?: 'default' | 'privileged-helper';
  /** Per code (`CSR101`) or rule id (`identifier-only`). */
  severities?: Record<string, RuleSeverity>;
  /** Workspace trust; false → never read files named by `anchor = "/path"`, and say so. */
  trusted?: boolean;
  /** Folder that relative certificate paths are resolved against; without it they are not checked. */
  baseDir?: string;
  /**
   * The host text was taken out of a CMS signature (a signed configuration profile unwrapped by the
   * engine): positions are in that content. A signed profile opened as text is recognised by itself.
   */
  signedContent?: boolean;
}

export interface Analysis {
  parse: ParseResult;
  /** Parse + semantic + lint, severities applied, sorted. */
  diagnostics: Diagnostic[];
}

export interface HostAnalysis {
  requirements: { embedded: EmbeddedRequirement; analysis: Analysis }[];
  /**
   * Requirement templates (text with holes filled in at run time), analysed
   * for what their fixed text decides; not offered to editor features that
   * rewrite or compile the text (their text holds sentinels for the holes).
   */
  templates: { embedded: EmbeddedRequirement; analysis: Analysis }[];
  /** How many lightweight code requirements (LWCR) the document holds; their LW0xx diagnostics are in `diagnostics`. */
  lwcrCount: number;
  /** Ranges in host coordinates, plus notes for not-analysed literals and R12/R13. */
  diagnostics: Diagnostic[];
}

/** Longest text analysed at all; Apple itself reads 10,239 bytes from a file. */
export const MAX_ANALYSIS_CHARS = 4 * 1024 * 1024;
/** Deepest nesting the parser builds (Apple's interpreter gives up at 1000). */
export const MAX_DEPTH = 1000;

const MODE_COMMENT = /^[ \t]*(?:#|\/\/)[ \t]*csrl:[ \t]*(set|single|auto)\b/;

/** A first-line comment `# csrl: set` / `# csrl: single` forces the mode. */
export function modeFromText(text: string): ParseMode | undefined {
  const m = MODE_COMMENT.exec(text.slice(0, 200));
  return m ? (m[1] as ParseMode) : undefined;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/**
 * The severity of a code: configured per code or rule id, else by context.
 * `inferred`: the privileged context was sensed from the host (SMAuthorizedClients,
 * an XPC listener), not configured; rules with an `inferredPrivileged` severity use it.
 */
export function resolveSeverity(code: string, produced: Severity, options: AnalysisOptions, privileged: boolean, inferred = false): Severity | undefined {
  const sev = options.severities;
  const rule = RULE_BY_CODE.get(code);
  const configured = sev?.[code] ?? (rule ? sev?.[rule.id] : undefined) ?? languageIdSeverity(code, sev);
  if (configured) return configured === 'off' ? undefined : configured;
  if (!privileged && code in DEFAULT_CONTEXT_SEVERITY) {
    const d = DEFAULT_CONTEXT_SEVERITY[code]!;
    return d === 'off' ? undefined : d;
  }
  if (privileged && inferred && code in INFERRED_CONTEXT_SEVERITY) {
    const d = INFERRED_CONTEXT_SEVERITY[code]!;
    return d === 'off' ? undefined : d;
  }
  return rule ? rule.defaultSeverity : produced;
}

/** `severity`, lowered to `atMost` when that is milder (a finding on one of Apple's own shapes). */
function capped(severity: Severity, atMost: Severity | undefined): Severity {
  return atMost && SEVERITY_RANK[atMost] > SEVERITY_RANK[severity] ? atMost : severity;
}

function languageIdSeverity(code: string, sev: Record<string, RuleSeverity> | undefined): RuleSeverity | undefined {
  if (!sev) return undefined;
  const info = LANGUAGE_CODES.find((c) => c.code === code);
  return info ? sev[info.id] : undefined;
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) =>
    a.range.start.offset - b.range.start.offset ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.range.end.offset - b.range.end.offset ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

function emptyParse(mode: 'single' | 'set', diagnostics: Diagnostic[]): ParseResult {
  return { document: undefined, mode, diagnostics, comments: [], tokens: [], ok: false };
}

/** How the requirement is used, as far as severities and the release-only rules care. */
interface Usage {
  privileged: boolean;
  /** The privileged context was sensed from the host, not configured. */
  inferred: boolean;
  /** Guards shipped code (RequirementContext.release). */
  release: boolean;
}

export function analyzeRequirement(text: string, options: AnalysisOptions = {}): Analysis {
  const privileged = options.context === 'privileged-helper';
  return analyzeWith(text, options, { privileged, inferred: false, release: privileged });
}

/**
 * The parse analyzeRequirement builds its analysis on, alone: `early` is the
 * whole analysis when the text is not parsed (too long, parser failure).
 * Pieces of large sets drop their parse after analysis and redo it here.
 */
export function parseForAnalysis(text: string, options: AnalysisOptions): { result: ParseResult; index: LineIndex; early?: Analysis } {
  const index = new LineIndex(text);
  const forced = modeFromText(text);
  const mode = forced ?? options.mode ?? 'auto';
  if (text.length > MAX_ANALYSIS_CHARS) {
    const d: Diagnostic = {
      code: 'CSR021',
      severity: 'error',
      message: `The text is ${(text.length / 1048576).toFixed(1)} MB; only ${MAX_ANALYSIS_CHARS / 1048576} MB are analysed (Apple reads at most 10,239 bytes of a requirement file).`,
      range: index.range(0, 0),
    };
    const early = { parse: emptyParse(mode === 'set' ? 'set' : 'single', [d]), diagnostics: [d] };
    return { result: early.parse, index, early };
  }
  try {
    return { result: parse(text, { mode, maxDepth: MAX_DEPTH }), index };
  } catch (err) {
    // The parser is meant never to throw; if it does, say so instead of dying.
    const d: Diagnostic = { code: 'CSR010', severity: 'error', message: `internal parser error: ${(err as Error).message}`, range: index.range(0, 0) };
    const early = { parse: emptyParse(mode === 'set' ? 'set' : 'single', [d]), diagnostics: [d] };
    return { result: early.parse, index, early };
  }
}

/** `reported` of lintRequirement, one per options object and usage (see reportedFor). */
const REPORTED = new WeakMap<AnalysisOptions, Map<string, (code: string) => boolean>>();

/**
 * Whether findings of a code are reported under `options`. The same function
 * for the same options and usage: lintRequirement keeps the rules it selects
 * for the last one it was given, and the thousands of pieces of a large set
 * share one options object (options are never changed once passed in).
 */
function reportedFor(options: AnalysisOptions, privileged: boolean, inferred: boolean): (code: string) => boolean {
  let byUsage = REPORTED.get(options);
  if (!byUsage) REPORTED.set(options, (byUsage = new Map()));
  const key = `${privileged} ${inferred}`;
  let reported = byUsage.get(key);
  if (!reported) {
    reported = (code: string) => resolveSeverity(code, RULE_BY_CODE.get(code)!.defaultSeverity, options, privileged, inferred) !== undefined;
    byUsage.set(key, reported);
  }
  return reported;
}

function analyzeWith(text: string, options: AnalysisOptions, usage: Usage): Analysis {
  const { privileged, inferred, release } = usage;
  const { result, index, early } = parseForAnalysis(text, options);
  if (early) return early;
  const out: Diagnostic[] = [];
  for (const d of result.diagnostics) {
    const severity = resolveSeverity(d.code, d.severity, options, privileged);
    if (!severity) continue;
    out.push(withLanguageFixes({ ...d, severity }, text, index));
  }
  const reported = reportedFor(options, privileged, inferred);
  const fixCheck = newFixCheck(text);
  for (const req of requirementsOf(result)) {
    if (!req.expr) continue;
    let findings: Finding[];
    try {
      findings = lintRequirement(req, { text, index, privileged, release, reported, fixCheck });
    } catch {
      findings = [];
    }
    for (const f of findings) {
      const severity = resolveSeverity(f.code, RULE_BY_CODE.get(f.code)!.defaultSeverity, options, privileged, inferred);
      if (!severity) continue;
      const d: Diagnostic = { code: f.code, severity: capped(severity, f.atMost), message: f.message, range: f.range };
      if (f.fixes && f.fixes.length > 0) d.fixes = f.fixes;
      out.push(d);
    }
  }
  out.push(...certificateFileNotes(result, options, privileged));
  return { parse: result, diagnostics: sortDiagnostics(out) };
}

export function requirementsOf(result: ParseResult): Requirement[] {
  const doc = result.document;
  if (!doc) return [];
  if (doc.kind !== 'set') return [doc];
  // A loop rather than map: see disjuncts (analysis/branches.ts).
  const out: Requirement[] = [];
  for (const e of doc.entries) out.push(e.requirement);
  return out;
}

export function* allExprs(e: Expr | undefined): Generator<Expr> {
  if (!e) return;
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    yield x;
    stack.push(...children(x));
  }
}

function certificateFileNotes(result: ParseResult, options: AnalysisOptions, privileged: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const req of requirementsOf(result)) {
    // A plain walk, not allExprs: this runs for each of the thousands of entries of a large set.
    const stack: Expr[] = req.expr ? [req.expr] : [];
    while (stack.length) {
      const e = stack.pop()!;
      if (e.kind === 'and' || e.kind === 'or') stack.push(e.left, e.right);
      else if (e.kind === 'not') stack.push(e.operand);
      if (e.kind !== 'certHash' || !e.path) continue;
      const path = e.path.text;
      let d: Diagnostic | undefined;
      if (options.trusted === false) {
        d = {
          code: 'CSR053', severity: 'information', range: e.path.range,
          message: `Not read: this workspace is not trusted, so the certificate file "${path}" is not opened and its hash is not checked.`,
        };
      } else {
        const full = isAbsolute(path) ? path : options.baseDir ? resolve(options.baseDir, path) : undefined;
        if (full && !isReadableFile(full)) {
          d = {
            code: 'CSR053', severity: 'warning', range: e.path.range,
            message: `The certificate file "${path}" cannot be read here; Apple's compiler reads it at compile time and fails with "${path}: not found" if it is missing there too.`,
          };
        }
      }
      if (!d) continue;
      const severity = resolveSeverity(d.code, d.severity, options, privileged);
      if (severity) out.push({ ...d, severity });
    }
  }
  return out;
}

function isReadableFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Fixes the language core may not attach itself: quote a bare value, drop a CR, drop a `designated =>` prefix. */
function withLanguageFixes(d: Diagnostic, text: string, index: LineIndex): Diagnostic {
  if (d.fixes && d.fixes.length > 0) return d;
  const fixes: TextFix[] = [];
  const start = d.range.start.offset;
  switch (d.code) {
    case 'CSR012':
    case 'CSR013':
    case 'CSR014':
    case 'CSR022': {
      let end = start;
      while (end < text.length && /[A-Za-z0-9._\-$:]/.test(text[end]!)) end++;
      if (end > start) {
        const word = text.slice(start, end);
        fixes.push({ title: `Quote ${word}`, range: index.range(start, end), newText: JSON.stringify(word) });
      }
      break;
    }
    case 'CSR002':
      if (text[start] === '\r') fixes.push({ title: 'Remove the carriage return', range: index.range(start, start + 1), newText: '' });
      break;
    case 'CSR018': {
      const m = /^((?:\s|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*)(designated|host|guest|library|plugin|\d+)\s*=>\s*/.exec(text);
      if (m && text.split('=>').length === 2) {
        const s = m[1]!.length;
        fixes.push({ title: 'Keep only the requirement (drop `' + m[2] + ' =>`)', range: index.range(s, m[0].length), newText: '' });
      }
      break;
    }
    default:
      break;
  }
  return fixes.length > 0 ? { ...d, fixes } : d;
}

const PRIVILEGED_APIS = /SMAuthorizedClients|setConnectionCodeSigningRequirement/i;
/**
 * Where a requirement guards shipped code (RequirementContext.release): SMJobBless keys, XPC
 * peer checks, configuration profiles (TCC and other payload keys), AutoPkg's verifier.
 */
const RELEASE_APIS = /SMAuthorizedClients|SMPrivilegedExecutables|CodeSigningRequirement|code_signing_requirement|CodeRequirement|DesignatedRequirement|CodeSignatureVerifier/i;

export function analyzeHostDocument(hostText: string, languageId: string, options: AnalysisOptions = {}): HostAnalysis {
  const hostIndex = new LineIndex(hostText);
  const requirements: HostAnalysis['requirements'] = [];
  const templates: HostAnalysis['templates'] = [];
  const diagnostics: Diagnostic[] = [];
  let embedded: EmbeddedRequirement[];
  try {
    embedded = extractRequirements(hostText, languageId);
  } catch {
    embedded = [];
  }
  const notAnalysed = (why: string, start: number, end: number) => {
    const severity = resolveSeverity(NOT_ANALYSED_CODE, 'information', options, false);
    if (severity) diagnostics.push({ code: NOT_ANALYSED_CODE, severity, message: `Requirement not analysed: ${why}.`, range: hostIndex.range(start, end) });
  };
  for (const emb of embedded) {
    if (emb.notAnalysed) {
      notAnalysed(emb.notAnalysed, emb.hostStart, emb.hostEnd);
      continue;
    }
    const configured = options.context === 'privileged-helper';
    const sensed = PRIVILEGED_APIS.test(emb.api);
    const usage: Usage = { privileged: configured || sensed, inferred: !configured && sensed, release: configured || RELEASE_APIS.test(emb.api) };
    if (emb.holes && emb.holes.length > 0) {
      const t = analyzeTemplate(emb, hostIndex, (text) => analyzeWith(text, { ...options, mode: emb.mode }, usage), (text) => escapeForHost(text, hostText, emb.hostStart, languageId));
      if (t.notAnalysed) notAnalysed(t.notAnalysed, emb.hostStart, emb.hostEnd);
      else templates.push({ embedded: t.embedded, analysis: t.analysis });
      diagnostics.push(...t.diagnostics);
      continue;
    }
    const analysis = analyzeWith(emb.text, { ...options, mode: emb.mode }, usage);
    requirements.push({ embedded: emb, analysis });
    for (const d of analysis.diagnostics) diagnostics.push(toHost(d, emb, hostText, hostIndex, languageId));
  }
  const hostSeverity = (code: string) => resolveSeverity(code, RULE_BY_CODE.get(code)!.defaultSeverity, options, options.context === 'privileged-helper');
  for (const f of lintHost(hostText, languageId, hostIndex, (code) => hostSeverity(code) !== undefined)) {
    const severity = hostSeverity(f.code);
    if (severity) diagnostics.push({ code: f.code, severity, message: f.message, range: f.range, ...(f.fixes ? { fixes: f.fixes } : {}) });
  }
  let lwcrCount = 0;
  if (isLwcrHost(languageId)) {
    const lw = lwcrValidation(hostText, languageId, hostIndex, (code, produced) => resolveSeverity(code, produced, options, false));
    lwcrCount = lw.count;
    diagnostics.push(...lw.diagnostics);
  }
  const signed = options.signedContent ? 'content' : hostLanguage(languageId)?.family === 'plist' && looksSigned(hostText) ? 'document' : undefined;
  if (signed) return { requirements, templates, lwcrCount, diagnostics: sortDiagnostics(signedDiagnostics(diagnostics, signed, hostIndex, options)) };
  return { requirements, templates, lwcrCount, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * A CMS-signed profile opened as text: DER starts with a SEQUENCE (`0`) whose length byte is
 * not text, and the signed property list sits in it verbatim.
 */
function looksSigned(text: string): boolean {
  const second = text.charCodeAt(1);
  return text.charCodeAt(0) === 0x30 && (second === 0xfffd || second >= 0x80) && text.includes('<plist');
}

/**
 * The findings in signed content carry no fix (an edit breaks the signature, and in the DER file
 * its lengths), plus the note that says what was read and what was not verified.
 */
function signedDiagnostics(ds: Diagnostic[], where: 'content' | 'document', index: LineIndex, options: AnalysisOptions): Diagnostic[] {
  const out: Diagnostic[] = ds.map(({ fixes: _fixes, ...d }) => d);
  const severity = resolveSeverity(SIGNED_CONTENT_CODE, 'information', options, false);
  if (severity) {
    out.push({
      code: SIGNED_CONTENT_CODE,
      severity,
      range: index.range(0, 0),
      message: 'CMS-signed configuration profile: the signed property list was read without verifying the signature or the signer\'s trust'
        + (where === 'content' ? '; positions are in that signed content' : '')
        + '. No quick fix is offered: editing signed content breaks the signature (edit the unsigned profile and sign it again).',
    });
  }
  return out;
}

export function mapRangeToHost(r: Range, emb: EmbeddedRequirement, hostIndex: LineIndex): Range {
  const start = emb.toHostOffset(r.start.offset);
  const end = r.end.offset === r.start.offset ? start : emb.toHostOffset(r.end.offset);
  return hostIndex.range(start, Math.max(start, end));
}

function toHost(d: Diagnostic, emb: EmbeddedRequirement, hostText: string, hostIndex: LineIndex, languageId: string): Diagnostic {
  const out: Diagnostic = { ...d, range: mapRangeToHost(d.range, emb, hostIndex) };
  if (d.fixes) {
    out.fixes = d.fixes.map((f) => ({
      title: f.title,
      range: mapRangeToHost(f.range, emb, hostIndex),
      newText: escapeForHost(f.newText, hostText, emb.hostStart, languageId),
    }));
  }
  return out;
}
