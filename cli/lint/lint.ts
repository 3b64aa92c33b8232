/**
 * The engine of `csrl lint`: reads the candidate files, drops the ones that
 * cannot hold a requirement with a byte-level pre-filter (no decoding, no
 * parsing), and analyses the rest with the language server's analysis, so
 * the CLI reports the same codes, messages and ranges as the editor.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Diagnostic, Severity } from '../../grammar/diagnostics.js';
import type { AnalysisOptions } from '../../language-service/analysis/analyze.js';
import { HOST_RULE_MARKERS } from '../../language-service/rules/index.js';
import { LineIndex } from '../../language-service/analysis/text.js';
import { hostLanguage, markersFor } from '../../language-service/embedded/hosts.js';
import { findLwcr, isLwcrHost, LWCR_MARKERS } from '../../language-service/embedded/lwcr.js';
import { looksLikeCms, signedProfileContent } from '../../engine/profile.js';
import { describeError, Walker, type Candidate, type SkipNote } from './walk.js';

export interface LintOptions {
  analysis: AnalysisOptions;
  /** Warnings allowed before the run fails; negative: no limit. */
  maxWarnings: number;
}

export interface FileReport {
  /** Relative to the working folder, `/`-separated. */
  path: string;
  /** `csreq` for requirement files, else the host languageId. */
  language: string;
  /** Requirements found (entries of a set count one each; literals that could not be analysed are not counted). */
  requirements: number;
  diagnostics: Diagnostic[];
}

export interface LintSummary {
  /** Files opened (after the name filter). */
  filesRead: number;
  /** Files that held at least one requirement or diagnostic. */
  filesWithRequirements: number;
  requirements: number;
  errors: number;
  warnings: number;
  information: number;
  hints: number;
  skipped: number;
}

export interface LintReport {
  files: FileReport[];
  skipped: SkipNote[];
  summary: LintSummary;
  maxWarnings: number;
  exitCode: 0 | 1;
}

/** Files larger than this are skipped with a note (the analysis itself stops at 4 MB of text). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Bytes searched for NUL to call a file binary, as git does. */
const BINARY_PROBE = 8000;

const markerBytes = new Map<string, Buffer[]>();
function markers(languageId: string): Buffer[] {
  let list = markerBytes.get(languageId);
  // Files without any requirement can still earn R12/R13 (an XPC listener with no check), so their markers count too.
  // JSON is read only for LWCR; property lists may hold LWCR (SpawnConstraint, launch-constraint files) too.
  const strings = languageId === 'json' ? LWCR_MARKERS
    : [...markersFor(languageId), ...HOST_RULE_MARKERS, ...(hostLanguage(languageId)?.family === 'plist' ? LWCR_MARKERS : [])];
  if (!list) markerBytes.set(languageId, (list = strings.map((m) => Buffer.from(m, 'latin1'))));
  return list;
}

/** One buffer reused for every small file: most files are read, searched and dropped. */
const shared = Buffer.allocUnsafe(256 * 1024);

type Analyzer = typeof import('../../language-service/analysis/analyze.js');
let analyzer: Analyzer | undefined;

export async function lintPaths(paths: string[], cwd: string, options: LintOptions): Promise<LintReport> {
  const walker = new Walker();
  for (const p of paths) walker.addRoot(resolve(cwd, p), p);
  const files: FileReport[] = [];
  const skipped: SkipNote[] = [...walker.notes];
  const summary: LintSummary = { filesRead: 0, filesWithRequirements: 0, requirements: 0, errors: 0, warnings: 0, information: 0, hints: 0, skipped: 0 };
  // A file and links to it are read once: files first, then links whose target was not read yet.
  // Identities cost an fstat per file, so they are taken only when the walk met a link.
  const identities = walker.candidates.some((c) => c.viaLink) ? new Set<string>() : undefined;
  const ordered = [...walker.candidates.filter((c) => !c.viaLink), ...walker.candidates.filter((c) => c.viaLink)];
  for (const candidate of ordered) {
    const read = readCandidate(candidate, identities);
    if (typeof read === 'string') {
      skipped.push({ path: candidate.path, reason: read });
      continue;
    }
    if (read === null) continue;
    if (read === undefined) {
      summary.filesRead++;
      continue;
    }
    summary.filesRead++;
    analyzer ??= await import('../../language-service/analysis/analyze.js');
    const report = analyse(analyzer, candidate, read, options.analysis);
    report.path = display(cwd, candidate.path);
    if (report.requirements > 0 || report.diagnostics.length > 0) {
      files.push(report);
      summary.filesWithRequirements++;
    }
    summary.requirements += report.requirements;
    for (const d of report.diagnostics) count(summary, d.severity);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const s of skipped) s.path = display(cwd, s.path);
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  summary.skipped = skipped.length;
  const over = summary.errors > 0 || (options.maxWarnings >= 0 && summary.warnings > options.maxWarnings);
  return { files, skipped, summary, maxWarnings: options.maxWarnings, exitCode: over ? 1 : 0 };
}

function count(summary: LintSummary, severity: Severity): void {
  if (severity === 'error') summary.errors++;
  else if (severity === 'warning') summary.warnings++;
  else if (severity === 'information') summary.information++;
  else summary.hints++;
}

export function display(cwd: string, path: string): string {
  const rel = relative(cwd, path) || '.';
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/**
 * The file's text; undefined when a host file holds no requirement marker
 * (the common case, decided on the raw bytes); null when the same file was
 * already read through another path; a string: why it is skipped.
 */
function readCandidate(candidate: Candidate, identities: Set<string> | undefined): string | Read | undefined | null {
  let fd: number;
  try {
    fd = openSync(candidate.path, 'r');
  } catch (err) {
    return describeError(err);
  }
  try {
    if (identities) {
      const st = fstatSync(fd);
      const identity = `${st.dev}:${st.ino}`;
      if (identities.has(identity)) return null;
      identities.add(identity);
    }
    let bytes = shared.subarray(0, readAll(fd, shared, 0));
    if (bytes.length === shared.length) {
      // Larger than the shared buffer: size it, then read it whole.
      const size = fstatSync(fd).size;
      if (size > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES / 1048576} MB`;
      const big = Buffer.allocUnsafe(Math.max(size, shared.length) + 1);
      bytes = big.subarray(0, readAll(fd, big, 0));
      if (bytes.length > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES / 1048576} MB`;
    }
    if (candidate.kind.kind === 'requirement') {
      if (bytes[0] === 0xfa && bytes[1] === 0xde && bytes[2] === 0x0c) return 'compiled requirement blob (use csrl decompile)';
    } else if (bytes.subarray(0, 6).toString('latin1') === 'bplist') {
      return 'binary property list (convert it with plutil -convert xml1 to lint it)';
    } else if (candidate.kind.kind === 'host' && hostLanguage(candidate.kind.languageId)?.family === 'plist' && looksLikeCms(bytes)) {
      // A CMS-signed configuration profile: lint the signed property list inside.
      const signed = signedProfileContent(bytes);
      if (signed.kind === 'unreadable') return `signed profile: ${signed.reason}`;
      return { text: signed.text, signed: true };
    }
    if (bytes.subarray(0, BINARY_PROBE).includes(0)) return 'binary file';
    if (candidate.kind.kind === 'host' && candidate.kind.languageId !== 'lwcr-json' && !markers(candidate.kind.languageId).some((m) => bytes.includes(m))) return undefined;
    let text = bytes.toString('utf8');
    // Editors hide a byte-order mark; so does the language server's view of the text.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch (err) {
    return describeError(err);
  } finally {
    closeSync(fd);
  }
}

interface Read {
  text: string;
  /** Taken out of a CMS signature (engine/profile.ts). */
  signed?: boolean;
}

/** Reads from `position` until the buffer is full or the file ends; returns the byte count. */
function readAll(fd: number, buf: Buffer, position: number): number {
  let length = 0;
  while (length < buf.length) {
    const n = readSync(fd, buf, length, buf.length - length, position + length);
    if (n === 0) break;
    length += n;
  }
  return length;
}

function analyse(a: Analyzer, candidate: Candidate, read: Read, options: AnalysisOptions): FileReport {
  if (candidate.kind.kind === 'requirement') {
    const analysis = a.analyzeRequirement(read.text, options);
    return { path: candidate.path, language: 'csreq', requirements: a.requirementsOf(analysis.parse).length, diagnostics: analysis.diagnostics };
  }
  const languageId = candidate.kind.languageId;
  const host = a.analyzeHostDocument(read.text, languageId, { ...options, mode: undefined, ...(read.signed ? { signedContent: true } : {}) });
  let requirements = host.requirements.length;
  let diagnostics = host.diagnostics;
  if (isLwcrHost(languageId)) {
    const lw = lwcrDiagnostics(a, read.text, languageId, options);
    requirements += lw.requirements;
    if (lw.diagnostics.length > 0) diagnostics = a.sortDiagnostics([...diagnostics, ...lw.diagnostics]);
  }
  return { path: candidate.path, language: languageId, requirements, diagnostics };
}

/**
 * The validation diagnostics (LW0xx, lwcr/analyse.ts) of the LWCRs in a property list or JSON
 * file; the LWCR lint rules (CSR113–CSR116) come with the host analysis.
 */
function lwcrDiagnostics(a: Analyzer, text: string, languageId: string, options: AnalysisOptions): { requirements: number; diagnostics: Diagnostic[] } {
  const found = findLwcr(text, languageId);
  const out: Diagnostic[] = [];
  const index = new LineIndex(text);
  const push = (code: string, produced: Severity, message: string, start: number, end: number) => {
    const severity = a.resolveSeverity(code, produced, options, false);
    if (severity) out.push({ code: code as Diagnostic['code'], severity, message, range: index.range(start, Math.max(start, end)) });
  };
  if (found.syntaxError) {
    const r = found.syntaxError.range;
    push('LW001', 'error', `LWCR not readable: ${found.syntaxError.message}`, r?.start.offset ?? 0, r?.end.offset ?? 0);
  }
  for (const l of found.found) {
    for (const d of l.analysis.diagnostics) push(d.code, d.severity, d.message, d.range.start.offset, d.range.end.offset);
  }
  return { requirements: found.found.length, diagnostics: out };
}
