import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Expr, Requirement } from '../../grammar/ast.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { parse, parseBytes } from '../../grammar/parser.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { evaluate, type EvalNode, type Verdict } from '../../validator/evaluate/evaluate.js';
import { postureReport, type PostureItem } from '../../validator/posture.js';
import type { Problem } from '../../validator/problems.js';
import { CodeReadError, readCode, type CodeReport, type ReadOptions } from '../../validator/read.js';
import { loadNative, ProcessChangedError, ProcessNotFoundError, type NativeValidator } from '../../native/index.js';
import { appleLines, appleSideOf, appleSideOfError, disagreementLine, notChecked, whyAppleUnavailable, withComparison, type AppleSide, type CompareOptions } from '../../native/apple-verdict.js';
import { parseArgs } from '../args.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { MAX_INPUT_BYTES } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';
import { checkPidFile, defaultNative, pidLabel, pidOption, readOutcome, type PidNative, type PidTarget } from './info.js';
import { flatChildren } from '../../validator/evaluate/tree.js';

const HELP = `usage: csrl check (-e TEXT | -r FILE) (PATH | --pid PID) [--json] [--at signing-time|now|ISO-8601]
                  [--no-verify-pages] [--arch ARCH]

Tests a requirement against the code signature of PATH (a Mach-O file or an
.app/.framework/.xpc bundle) on any OS, and explains the verdict clause by
clause for every architecture slice. A universal binary passes only if every
slice passes.

  -e, --expr TEXT          the requirement text (a single requirement)
  -r, --requirement FILE   read the requirement from FILE (text, or a 0xfade0c00 blob); - for stdin
  --pid PID                check the executable file that process PID runs (via the
                           native addon): a point-in-time static check of the file
                           on disk, labelled so
  --json                   print the result as JSON (schema: docs/check-json.md)
  --at WHEN                when certificates must be valid: signing-time (default:
                           the secure timestamp, else the CMS signing time), now, or
                           an ISO-8601 date such as 2024-01-31T12:00:00Z
  --no-verify-pages        check the signature only, not every code page or sealed bundle resource (faster)
  --arch ARCH              check only this slice (x86_64, arm64, arm64e, i386, ...)

Marks: ✔ holds, ✘ does not hold, ? cannot be decided off the Mac (the reason is given).

On macOS, Apple's own verdict (Security.framework, through the native addon)
is shown beside ours, for PATH and for --pid; if csrl and Apple contradict each
other, that is printed loudly and the exit status is 3. Elsewhere only csrl's
portable checker answers.

Exit status:
  0  satisfied by every slice
  1  not satisfied (some slice fails a clause; the clause is named)
  2  undetermined (only a Mac can decide a clause: trust settings, notarization,
     the kernel trust cache, the legacy list or a named requirement)
  3  cannot be checked: not Mach-O, unsigned slice, invalid signature, or the
     requirement text has errors; --pid: no such process, the process changed
     during the check, the native addon is not available; macOS: csrl and
     Apple disagree
  64 usage error

Examples:
  csrl check -e 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"' Tool.app
  csrl check -r requirement.txt --arch arm64 --json build/helper
`;

/** What the command needs from the outside world; tests replace these. */
export interface CheckDeps {
  readCode: (path: string, options: ReadOptions) => Promise<CodeReport>;
  /** For --pid; the real addon (loaded on first use) when absent. */
  native?: PidNative;
  /**
   * For PATH: who asks Apple beside ours. `run` passes the real addon on macOS
   * only, so elsewhere a path check never loads (or mentions) it; absent means ours only.
   */
  pathNative?: () => PathNative;
}

/** The part of the native validator a PATH check needs to ask Apple. */
export type PathNative = Pick<NativeValidator, 'available' | 'reason' | 'backend' | 'platform' | 'checkPath'>;

export type { AppleSide };

export type OverallVerdict = 'satisfied' | 'unsatisfied' | 'undetermined' | 'invalid';

export interface SliceResult {
  arch: string;
  verdict: OverallVerdict;
  /** Why the slice cannot be checked (verdict `invalid`). */
  invalidReason?: string;
  status: 'unsigned' | 'adhoc' | 'signed';
  tree: EvalNode | null;
  posture: PostureItem[];
  problems: Problem[];
}

export interface CheckResult {
  verdict: OverallVerdict;
  requirement: string;
  path: string;
  slices: SliceResult[];
  error?: { code: string; message: string };
  /** --pid: the process and the file that was checked. */
  target?: PidTarget | { kind: 'static-file-check'; pid: number };
  /** macOS: Apple's verdict on the same code and requirement, compared with ours. */
  apple?: AppleSide;
}

export async function run(args: string[], io: CommandIO): Promise<number> {
  return runCheck(args, io, { readCode, ...(process.platform === 'darwin' ? { pathNative: loadNative } : {}) });
}

export async function runCheck(args: string[], io: CommandIO, deps: CheckDeps): Promise<number> {
  const opts = parseArgs(args, {
    values: { expr: ['-e', '--expr'], file: ['-r', '--requirement'], at: ['--at'], arch: ['--arch'], pid: ['--pid'] },
    flags: { json: ['--json'], noVerifyPages: ['--no-verify-pages'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (opts.values.expr !== undefined && opts.values.file !== undefined) throw new UsageError('give either -e TEXT or -r FILE, not both');
  if (opts.values.expr === undefined && opts.values.file === undefined) throw new UsageError('a requirement is needed: -e TEXT or -r FILE');
  const pid = pidOption(opts);
  if (pid === undefined && opts.positionals.length !== 1) throw new UsageError(opts.positionals.length === 0 ? 'the code to check is needed: PATH or --pid PID' : `one PATH at a time (got ${opts.positionals.length})`);
  const target = pid === undefined ? opts.positionals[0]! : `process ${pid}`;
  const at = parseAt(opts.values.at);
  const json = opts.flags.json === true;

  const loaded = await loadRequirement(opts.values.expr, opts.values.file, io);
  for (const d of loaded.diagnostics) io.stderr(formatDiagnostic(loaded.name, d) + '\n');
  if (!loaded.requirement) {
    const message = `${loaded.name}: the requirement has errors, so nothing was checked`;
    if (json) io.stdout(toJson({ verdict: 'invalid', requirement: loaded.text, path: target, slices: [], error: { code: 'requirement-invalid', message } } satisfies CheckResult) + '\n');
    else io.stderr(`csrl check: ${message}\n`);
    return EXIT.cannotCheck;
  }

  const readOptions: ReadOptions = { verifyPages: !opts.flags.noVerifyPages, at };
  if (opts.values.arch !== undefined) readOptions.arch = opts.values.arch;
  if (pid !== undefined) return checkPid(pid, { ...loaded, requirement: loaded.requirement }, readOptions, at, json, io, deps);

  const full = path.resolve(io.cwd, target);
  const compare: CompareOptions = { someArchitectures: opts.values.arch !== undefined, pagesSkipped: opts.flags.noVerifyPages === true };
  const pathNative = deps.pathNative?.();
  // Apple checks while we read: both look at the same file.
  const asking = pathNative ? askApplePath(pathNative, full, printCanonical(loaded.requirement)) : undefined;
  let report: CodeReport;
  try {
    report = await deps.readCode(full, readOptions);
  } catch (err) {
    if (!(err instanceof CodeReadError)) throw err;
    const apple = asking ? withComparison('invalid', await asking, { ...compare, readError: err }) : undefined;
    const message = `${target}: cannot be checked: ${err.message}`;
    if (json) io.stdout(toJson({ verdict: 'invalid', requirement: loaded.text, path: target, slices: [], error: { code: err.code, message: err.message }, ...(apple ? { apple } : {}) } satisfies CheckResult) + '\n');
    else io.stderr(`csrl check: ${message}\n` + (apple ? renderApple(apple) : ''));
    if (apple?.disagreement) io.stderr(`csrl check: DISAGREEMENT WITH APPLE for ${target}: ${apple.disagreement}\n`);
    return EXIT.cannotCheck;
  }

  const result = checkReport(report, loaded.requirement, loaded.text, target, at);
  if (asking) result.apple = withComparison(result.verdict, await asking, { ...compare, slices: result.slices });
  if (json) io.stdout(toJson(result) + '\n');
  else io.stdout(renderText(result) + (result.apple ? renderApple(result.apple) : ''));
  if (result.apple?.disagreement) {
    io.stderr(`csrl check: DISAGREEMENT WITH APPLE for ${target}: ${result.apple.disagreement}\n`);
    return EXIT.cannotCheck;
  }
  return exitCode(result.verdict);
}

/** Apple's static check of the file (macOS); never throws: a failure is a missing verdict, with why. */
async function askApplePath(native: PathNative, file: string, requirement: string): Promise<AppleSide> {
  const why = whyAppleUnavailable(native);
  if (why) return notChecked(why);
  try {
    return appleSideOf(await native.checkPath(file, requirement));
  } catch (err) {
    return appleSideOfError(err);
  }
}

/** Apple's verdict on the process; the guard's own errors propagate so the whole result is discarded, anything else is shown as missing. */
async function askAppleProcess(native: PidNative, pid: number, requirement: string): Promise<AppleSide> {
  try {
    return appleSideOf(await native.checkProcess(pid, requirement));
  } catch (err) {
    if (err instanceof ProcessChangedError || err instanceof ProcessNotFoundError) throw err;
    return appleSideOfError(err);
  }
}

function renderApple(a: AppleSide): string {
  const out = appleLines(a);
  if (a.comparison?.outcome === 'not-comparable' && a.verdict !== 'not-checked') out.push(`  not compared: ${a.comparison.sentence}`);
  if (a.disagreement) out.push(disagreementLine(a.disagreement));
  return out.join('\n') + '\n';
}

/**
 * `--pid`: the same portable check on the process's executable file, inside
 * the PID-reuse guard, labelled a static file check. Where Security.framework
 * exists, Apple checks the same process and requirement inside the same
 * guard, and a contradiction is reported loudly (it is a bug in one of them).
 */
async function checkPid(
  pid: number,
  loaded: LoadedRequirement & { requirement: Requirement },
  readOptions: ReadOptions,
  at: 'signing-time' | 'now' | Date,
  json: boolean,
  io: CommandIO,
  deps: CheckDeps,
): Promise<number> {
  const native = deps.native ?? defaultNative();
  const canonical = printCanonical(loaded.requirement);
  const checked = await checkPidFile(pid, native, async (exe) => {
    const [read, apple] = await Promise.all([
      readOutcome(deps.readCode(exe, readOptions)),
      native.backend === 'security-framework' ? askAppleProcess(native, pid, canonical) : undefined,
    ]);
    return { read, apple };
  });
  if (!checked.ok) {
    if (json) io.stdout(toJson({ verdict: 'invalid', requirement: loaded.text, path: `process ${pid}`, slices: [], error: checked.failure, target: { kind: 'static-file-check', pid } } satisfies CheckResult) + '\n');
    io.stderr(`csrl check: ${checked.failure.message}\n`);
    return EXIT.cannotCheck;
  }
  const { target } = checked;
  const { read, apple } = checked.result;
  if ('error' in read) {
    const err = read.error;
    if (!(err instanceof CodeReadError)) throw err;
    const compared = apple ? withComparison('invalid', apple, { someArchitectures: readOptions.arch !== undefined, pagesSkipped: readOptions.verifyPages === false, readError: err }) : undefined;
    const message = `${target.executablePath} (process ${pid}): cannot be checked: ${err.code === 'not-macho' ? 'not Mach-O: ' : ''}${err.message}`;
    if (json) io.stdout(toJson({ verdict: 'invalid', requirement: loaded.text, path: target.executablePath, slices: [], error: { code: err.code, message: err.message }, target, ...(compared ? { apple: compared } : {}) } satisfies CheckResult) + '\n');
    else io.stderr(pidLabel(target) + `csrl check: ${message}\n` + (compared ? renderApple(compared) : ''));
    return EXIT.cannotCheck;
  }

  const result: CheckResult = { ...checkReport(read.report, loaded.requirement, loaded.text, target.executablePath, at), target };
  if (apple) result.apple = withComparison(result.verdict, apple, { someArchitectures: readOptions.arch !== undefined, pagesSkipped: readOptions.verifyPages === false, slices: result.slices });
  if (json) io.stdout(toJson(result) + '\n');
  else io.stdout(pidLabel(target) + '\n' + renderText(result) + (result.apple ? renderApple(result.apple) : ''));
  if (result.apple?.disagreement) {
    io.stderr(`csrl check: DISAGREEMENT WITH APPLE for process ${pid}: ${result.apple.disagreement}\n`);
    return EXIT.cannotCheck;
  }
  return exitCode(result.verdict);
}

function parseAt(value: string | undefined): 'signing-time' | 'now' | Date {
  if (value === undefined || value === 'signing-time') return 'signing-time';
  if (value === 'now') return 'now';
  // Only full ISO-8601 dates: Date.parse alone would accept many other spellings.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw new UsageError(`--at takes signing-time, now or an ISO-8601 date (e.g. 2024-01-31T12:00:00Z), not '${value}'`);
  }
  // A time without a zone means UTC here, not the local zone of whatever machine runs the check.
  const d = new Date(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.replace(' ', 'T')) ? `${value.replace(' ', 'T')}Z` : value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--at: '${value}' is not a valid date`);
  return d;
}

interface LoadedRequirement {
  name: string;
  text: string;
  requirement: Requirement | undefined;
  diagnostics: Diagnostic[];
}

async function loadRequirement(expr: string | undefined, file: string | undefined, io: CommandIO): Promise<LoadedRequirement> {
  let name: string;
  let bytes: Uint8Array;
  let baseDir = io.cwd;
  if (expr !== undefined) {
    name = '<text>';
    bytes = new TextEncoder().encode(expr);
  } else if (file === '-') {
    name = '<stdin>';
    bytes = await io.readStdin();
    if (bytes.length > MAX_INPUT_BYTES) throw new UsageError(`standard input is larger than ${MAX_INPUT_BYTES} bytes`);
  } else {
    name = file!;
    const full = path.resolve(io.cwd, file!);
    try {
      const s = await stat(full);
      if (!s.isFile()) throw new UsageError(`${file}: not a regular file`);
      if (s.size > MAX_INPUT_BYTES) throw new UsageError(`${file}: larger than ${MAX_INPUT_BYTES} bytes`);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    bytes = await readFile(full);
    baseDir = path.dirname(full);
  }
  if (bytes[0] === 0xfa) return loadBlob(name, bytes);
  const result = expr !== undefined ? parse(expr, { mode: 'single' }) : parseBytes(bytes, { mode: 'single' });
  const text = new TextDecoder().decode(bytes);
  const doc = result.document;
  if (!result.ok || !doc || doc.kind !== 'requirement') return { name, text, requirement: undefined, diagnostics: result.diagnostics };
  const diagnostics = [...result.diagnostics];
  if (doc.expr) await resolveCertificateFiles(doc.expr, baseDir, name, diagnostics);
  return { name, text, requirement: diagnostics.some((d) => d.severity === 'error') ? undefined : doc, diagnostics };
}

/** A `0xfade0c00` blob (csreq -b output), as csreq takes any file starting with 0xfa. */
async function loadBlob(name: string, bytes: Uint8Array): Promise<LoadedRequirement> {
  const { decompile, BlobError } = await import('../../grammar/codec/decode.js');
  try {
    const doc = decompile(bytes);
    if (doc.kind === 'requirement') return { name, text: printCanonical(doc), requirement: doc, diagnostics: [] };
    const designated = doc.entries.find((e) => e.type === 3);
    if (designated) return { name, text: printCanonical(designated.requirement), requirement: designated.requirement, diagnostics: [] };
    return { name, text: '', requirement: undefined, diagnostics: [blobDiagnostic('a requirement set without a designated requirement; give a single requirement')] };
  } catch (err) {
    if (err instanceof BlobError) return { name, text: '', requirement: undefined, diagnostics: [blobDiagnostic(`not a valid requirement blob: ${err.message}`)] };
    throw err;
  }
}

function blobDiagnostic(message: string): Diagnostic {
  const start = { offset: 0, line: 1, column: 1 };
  return { code: 'CSR010', severity: 'error', message, range: { start, end: start } };
}

/** Largest certificate file hashed for `anchor /path`; real certificates are a few kilobytes. */
const MAX_CERT_FILE = 1024 * 1024;

/** `certificate N = path` stores the SHA-1 of the file as read, at compile time (spec §2.4). */
async function resolveCertificateFiles(e: Expr, baseDir: string, name: string, diagnostics: Diagnostic[]): Promise<void> {
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'and' || n.kind === 'or') stack.push(n.left, n.right);
    else if (n.kind === 'not') stack.push(n.operand);
    else if (n.kind === 'certHash' && !n.hash && n.path) {
      const file = path.resolve(baseDir, n.path.text);
      try {
        const s = await stat(file);
        if (!s.isFile() || s.size > MAX_CERT_FILE) throw new Error('not a certificate file');
        n.hash = createHash('sha1').update(await readFile(file)).digest();
      } catch {
        diagnostics.push({ code: 'CSR053', severity: 'error', message: `${n.path.text}: not found (certificate file, read relative to ${name === '<text>' ? 'the working directory' : 'the requirement file'})`, range: n.path.range });
      }
    }
  }
}

function sliceVerdict(v: Verdict): OverallVerdict {
  return v === 'true' ? 'satisfied' : v === 'false' ? 'unsatisfied' : 'undetermined';
}

/** Evaluates the requirement on every slice of a read report. Pure, so tests can drive it with synthetic reports. */
export function checkReport(report: CodeReport, requirement: Requirement, text: string, target: string, at: 'signing-time' | 'now' | Date = 'signing-time'): CheckResult {
  const slices = report.slices.map((slice): SliceResult => {
    const problems = slice.verification.problems;
    const facts = slice.facts;
    const postureAt = at instanceof Date ? at : at === 'now' ? new Date() : (slice.verification.at ?? facts.secureTimestamp ?? facts.signingTime ?? new Date());
    const base = { arch: slice.arch, status: slice.status, problems, posture: postureReport(facts, undefined, { at: postureAt }) };
    if (slice.status === 'unsigned') {
      return { ...base, verdict: 'invalid', invalidReason: 'the slice is not signed', tree: null };
    }
    const tree = evaluate(requirement, facts);
    if (!slice.verification.ok) {
      const errors = problems.filter((p) => p.severity === 'error');
      const shown = errors.slice(0, 3).map((p) => `${p.message} [${p.code}]`);
      if (errors.length > 3) shown.push(`and ${errors.length - 3} more`);
      const why = shown.length > 0 ? shown.join('; ') : 'the signature did not verify';
      return { ...base, verdict: 'invalid', invalidReason: `invalid signature: ${why}`, tree };
    }
    return { ...base, verdict: sliceVerdict(tree.verdict), tree };
  });
  return { verdict: overall(slices.map((s) => s.verdict)), requirement: text, path: target, slices };
}

/** Every slice must pass: one invalid slice makes the whole invalid, then any failure fails it, then any doubt. */
export function overall(verdicts: OverallVerdict[]): OverallVerdict {
  if (verdicts.length === 0) return 'invalid';
  for (const v of ['invalid', 'unsatisfied', 'undetermined'] as const) if (verdicts.includes(v)) return v;
  return 'satisfied';
}

export function exitCode(v: OverallVerdict): number {
  return { satisfied: EXIT.ok, unsatisfied: EXIT.failure, undetermined: EXIT.undetermined, invalid: EXIT.cannotCheck }[v];
}

const MARK: Record<Verdict, string> = { true: '✔', false: '✘', undetermined: '?' };
const WORD: Record<OverallVerdict, string> = { satisfied: 'satisfied', unsatisfied: 'not satisfied', undetermined: 'undetermined', invalid: 'cannot be checked' };


/** Iterative: the tree can be 1000 levels deep (a long chain is flattened, but `!` and mixed nesting are not). */
function renderTree(root: EvalNode, rootIndent: string, out: string[]): void {
  const stack: Array<{ n: EvalNode; indent: string }> = [{ n: root, indent: rootIndent }];
  while (stack.length > 0) {
    const { n, indent } = stack.pop()!;
    const mark = MARK[n.verdict];
    const reason = n.reason ? ` [${n.reason}]` : '';
    if (n.kind === 'and' || n.kind === 'or') {
      out.push(`${indent}${mark} ${n.kind === 'and' ? 'all of' : 'any of'}: ${n.explanation}${reason}`);
    } else if (n.kind === 'not') {
      out.push(`${indent}${mark} not: ${n.explanation}${reason}`);
    } else {
      out.push(`${indent}${mark} ${n.clause}`);
      out.push(`${indent}    ${n.explanation}${reason}`);
    }
    const children = flatChildren(n);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ n: children[i]!, indent: indent + '  ' });
  }
}

export function renderText(result: CheckResult): string {
  const out: string[] = [];
  for (const s of result.slices) {
    out.push(`${result.path} (${s.arch}): ${WORD[s.verdict]}${s.invalidReason ? `: ${s.invalidReason}` : ''}`);
    if (s.tree) renderTree(s.tree, '  ', out);
    const notes = s.problems.filter((p) => p.severity === 'warning');
    for (const p of notes) out.push(`  warning: ${p.message} [${p.code}]`);
    if (s.posture.length > 0) {
      out.push('  posture:');
      for (const p of s.posture) out.push(`    ${p.severity === 'warning' ? '!' : '·'} ${p.message} [${p.code}]`);
    }
  }
  const n = result.slices.length;
  const counts = (['satisfied', 'unsatisfied', 'undetermined', 'invalid'] as const)
    .map((v) => [v, result.slices.filter((s) => s.verdict === v).length] as const)
    .filter(([, c]) => c > 0)
    .map(([v, c]) => `${c} ${WORD[v]}`);
  out.push(`result: ${WORD[result.verdict]} (${n} slice${n === 1 ? '' : 's'}: ${counts.join(', ')})`);
  return out.join('\n') + '\n';
}
