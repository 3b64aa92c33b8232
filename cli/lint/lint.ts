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
import { hostLanguage } from '../../language-service/embedded/hosts.js';
import { mayHoldFinding } from './prefilter.js';
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

/** One buffer reused for every small file: most files are read, searched and dropped. */
const shared = Buffer.allocUnsafe(256 * 1024);

type Analyzer = typeof import('../../language-service/analysis/analyze.js');
let analyzer: Analyzer | undefined;
/** The CMS reader (pkijs, about 0.7 MB of code) is loaded only for a property list that starts like DER. */
type Profiles = typeof import('../../engine/profile.js');
let profiles: Profiles | undefined;

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
    const bytes = readBytes(candidate, identities);
    if (bytes === null) continue;
    // looksLikeCms needs a DER SEQUENCE tag (0x30) first: any other property list never loads the CMS reader.
    if (!profiles && bytes instanceof Buffer && bytes[0] === 0x30 && isPlist(candidate)) profiles = await import('../../engine/profile.js');
    const read = typeof bytes === 'string' ? bytes : classify(candidate, bytes, profiles);
    if (typeof read === 'string') {
      skipped.push({ path: candidate.path, reason: read });
      continue;
    }
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

const isPlist = (candidate: Candidate): boolean => candidate.kind.kind === 'host' && hostLanguage(candidate.kind.languageId)?.family === 'plist';

/**
 * The file's bytes (in the shared buffer for a small file: valid until the
 * next read); null when the same file was already read through another path;
 * a string: why it is skipped.
 */
function readBytes(candidate: Candidate, identities: Set<string> | undefined): Buffer | string | null {
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
    // A regular file reads short only at its end: one read call is the whole of a small file.
    let bytes = shared.subarray(0, readSync(fd, shared, 0, shared.length, 0));
    if (bytes.length === shared.length) bytes = shared.subarray(0, readAll(fd, shared, 0));
    if (bytes.length === shared.length) {
      // Larger than the shared buffer: size it, then read it whole.
      const size = fstatSync(fd).size;
      if (size > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES / 1048576} MB`;
      const big = Buffer.allocUnsafe(Math.max(size, shared.length) + 1);
      bytes = big.subarray(0, readAll(fd, big, 0));
      if (bytes.length > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES / 1048576} MB`;
    }
    return bytes;
  } catch (err) {
    return describeError(err);
  } finally {
    closeSync(fd);
  }
}

/**
 * The text to analyse; undefined when a host file holds no word the analysis
 * reacts to (the common case, decided on the raw bytes: prefilter.ts); a
 * string: why it is skipped. `profiles` is loaded when the bytes may be a
 * signed profile (see lintPaths).
 */
function classify(candidate: Candidate, bytes: Buffer, profiles: Profiles | undefined): string | Read | undefined {
  try {
    if (candidate.kind.kind === 'requirement') {
      if (bytes[0] === 0xfa && bytes[1] === 0xde && bytes[2] === 0x0c) return 'compiled requirement blob (use csrl decompile)';
    } else if (bytes.toString('latin1', 0, 6) === 'bplist') {
      return 'binary property list (convert it with plutil -convert xml1 to lint it)';
    } else if (profiles && isPlist(candidate) && profiles.looksLikeCms(bytes)) {
      // A CMS-signed configuration profile: lint the signed property list inside.
      const signed = profiles.signedProfileContent(bytes);
      if (signed.kind === 'unreadable') return `signed profile: ${signed.reason}`;
      return { text: signed.text, signed: true };
    }
    if (bytes.subarray(0, BINARY_PROBE).includes(0)) return 'binary file';
    // A property list starting with `0` may be a signed profile read as text, which the analysis notes even without requirements.
    const der = bytes[0] === 0x30 && isPlist(candidate);
    if (candidate.kind.kind === 'host' && !der && !mayHoldFinding(candidate.kind.languageId, bytes.toString('latin1'))) return undefined;
    let text = bytes.toString('utf8');
    // Editors hide a byte-order mark; so does the language server's view of the text.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch (err) {
    return describeError(err);
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
  // LWCRs count as requirements; their validation diagnostics (LW0xx) come with the host analysis.
  return { path: candidate.path, language: languageId, requirements: host.requirements.length + host.templates.length + host.lwcrCount, diagnostics: host.diagnostics };
}

