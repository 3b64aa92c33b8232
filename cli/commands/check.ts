import * as path from 'node:path';
import { checkPath, checkProcess, defaultApple, type CheckOptions } from '../../engine/check.js';
import { processNative, type PidNative } from '../../engine/process-target.js';
import { failureLine, pidLabel, renderApple, renderText } from '../../engine/render.js';
import { requirementFromBytes, requirementFromFile, requirementFromText, RequirementFileError, type LoadedRequirement } from '../../engine/requirement.js';
import { failedResult, type CheckResult, type OverallVerdict } from '../../engine/result.js';
import { CheckTimeError, parseCheckTime } from '../../engine/time.js';
import type { NativeValidator } from '../../native/index.js';
import { prepareRead, type CodeReport, type ReadOptions } from '../../validator/read.js';
import { parseArgs, pidOption } from '../args.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { MAX_INPUT_BYTES, readStdinBounded } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';

export { checkReport, overall, type CheckResult, type OverallVerdict, type SliceResult } from '../../engine/result.js';
export { renderText } from '../../engine/render.js';
export type { AppleSide } from '../../engine/apple/verdict.js';

const HELP = `usage: csrl check (-e TEXT | -r FILE) (PATH | --pid PID) [--json] [--at signing-time|now|ISO-8601]
                  [--no-verify-pages] [--arch ARCH]
       csrl check (--lwcr FILE | --lwcr-json TEXT) [--lwcr-context CONTEXT] (PATH | --pid PID) [options above]
       csrl check --designated-of OLD NEW [--json] [--at …] [--no-verify-pages] [--arch ARCH]

Tests a requirement against the code signature of PATH (a Mach-O file or an
.app/.framework/.xpc bundle) on any OS, and explains the verdict clause by
clause for every architecture slice. A universal binary passes only if every
slice passes.

  -e, --expr TEXT          the requirement text (a single requirement)
  -r, --requirement FILE   read the requirement from FILE (text, or a 0xfade0c00 blob); - for stdin (at most ${MAX_INPUT_BYTES} bytes)
  --lwcr FILE              a lightweight code requirement (launch/library constraint):
                           JSON, XML or binary plist, DER, a 0xfade8181 blob, or hex; - for stdin
  --lwcr-json TEXT         the same, given inline (JSON or XML plist text); see csrl lwcr --help
  --lwcr-context C         which evaluator to model: launch (default), on-disk, process, library
  --pid PID                check the executable file that process PID runs (via the
                           native addon): a point-in-time static check of the file
                           on disk, labelled so
  --json                   print the result as JSON (schema: docs/check-json.md)
  --at WHEN                when certificates must be valid: signing-time (default:
                           the secure timestamp, else the CMS signing time), now, or
                           an ISO-8601 date such as 2024-01-31T12:00:00Z (a time
                           without a zone is UTC)
  --no-verify-pages        check the signature only, not every code page or sealed bundle resource (faster)
  --arch ARCH              check only this slice (x86_64, arm64, arm64e, i386, ...)
  --designated-of OLD      the requirement is OLD's designated requirement (explicit, or
                           implicit as Apple computes it; OLD's signature must verify):
                           Sparkle's rule that an update NEW must satisfy it

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
  csrl check --lwcr-json '{"team-identifier": "ABCDE12345", "validation-category": 6}' Tool.app
  csrl check --designated-of /Applications/Tool.app build/Tool.app
`;


/** What the command needs from the outside world; tests replace these. */
export interface CheckDeps {
  /** Who reads code signatures; the validator's reader when absent. */
  readCode?: (path: string, options: ReadOptions) => Promise<CodeReport>;
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

export async function run(args: string[], io: CommandIO): Promise<number> {
  return runCheck(args, io, { pathNative: () => defaultApple()! });
}

export async function runCheck(args: string[], io: CommandIO, deps: CheckDeps): Promise<number> {
  const opts = parseArgs(args, {
    values: { expr: ['-e', '--expr'], file: ['-r', '--requirement'], at: ['--at'], arch: ['--arch'], pid: ['--pid'], lwcr: ['--lwcr'], lwcrJson: ['--lwcr-json'], lwcrContext: ['--lwcr-context'], designatedOf: ['--designated-of'] },
    flags: { json: ['--json'], noVerifyPages: ['--no-verify-pages'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (opts.values.designatedOf !== undefined) return (await import('./doctor.js')).runDesignatedOf(opts, io, deps);
  const lwcr = opts.values.lwcr !== undefined || opts.values.lwcrJson !== undefined;
  if ([opts.values.expr, opts.values.file, opts.values.lwcr, opts.values.lwcrJson].filter((v) => v !== undefined).length > 1) throw new UsageError('give one requirement: -e TEXT, -r FILE, --lwcr FILE or --lwcr-json TEXT');
  if (opts.values.expr === undefined && opts.values.file === undefined && !lwcr) throw new UsageError('a requirement is needed: -e TEXT or -r FILE (or --lwcr FILE)');
  if (opts.values.lwcrContext !== undefined && !lwcr) throw new UsageError('--lwcr-context goes with --lwcr or --lwcr-json');
  const pid = pidOption(opts);
  if (pid === undefined && opts.positionals.length !== 1) throw new UsageError(opts.positionals.length === 0 ? 'the code to check is needed: PATH or --pid PID' : `one PATH at a time (got ${opts.positionals.length})`);
  const target = pid === undefined ? opts.positionals[0]! : `process ${pid}`;
  let at: CheckOptions['at'];
  try {
    at = parseCheckTime(opts.values.at);
  } catch (err) {
    if (err instanceof CheckTimeError) throw new UsageError(`--at ${err.message}`);
    throw err;
  }
  const json = opts.flags.json === true;
  if (lwcr) {
    const options: CheckOptions = { verifyPages: !opts.flags.noVerifyPages, at, ...(deps.readCode ? { readCode: deps.readCode } : {}), ...(opts.values.arch !== undefined ? { arch: opts.values.arch } : {}) };
    const source = { ...(opts.values.lwcr !== undefined ? { file: opts.values.lwcr } : { text: opts.values.lwcrJson! }), ...(opts.values.lwcrContext !== undefined ? { context: opts.values.lwcrContext } : {}) };
    const { runLwcrCheck } = await import('./lwcr.js');
    return exitCode((await runLwcrCheck(source, pid === undefined ? target : { pid, native: deps.native ?? processNative() }, options, json, io)).verdict);
  }

  // The page-hash workers start on other cores while this one parses the requirement.
  if (pid === undefined && !deps.readCode && !opts.flags.noVerifyPages) prepareRead(path.resolve(io.cwd, target));
  const loaded = await loadRequirement(opts.values.expr, opts.values.file, io);
  for (const d of loaded.diagnostics) io.stderr(formatDiagnostic(loaded.name, d) + '\n');
  if (!loaded.requirement) {
    const message = `${loaded.name}: the requirement has errors, so nothing was checked`;
    if (json) io.stdout(toJson(failedResult(loaded.text, target, { code: 'requirement-invalid', message })) + '\n');
    else io.stderr(`csrl check: ${message}\n`);
    return EXIT.cannotCheck;
  }

  const options: CheckOptions = { verifyPages: !opts.flags.noVerifyPages, at };
  if (deps.readCode) options.readCode = deps.readCode;
  if (opts.values.arch !== undefined) options.arch = opts.values.arch;
  let result: CheckResult;
  if (pid !== undefined) {
    result = await checkProcess(pid, loaded.requirement, loaded.text, deps.native ?? processNative(), options);
  } else {
    if (deps.pathNative) options.apple = () => deps.pathNative!();
    result = await checkPath(loaded.requirement, loaded.text, path.resolve(io.cwd, target), options);
    result.path = target;
  }
  const label = result.target && 'executablePath' in result.target ? pidLabel(result.target) : '';
  if (json) io.stdout(toJson(result) + '\n');
  else if (result.slices.length === 0) io.stderr(label + `csrl check: ${failureLine(result)}\n` + (result.apple ? renderApple(result.apple) : ''));
  else io.stdout((label ? label + '\n' : '') + renderText(result) + (result.apple ? renderApple(result.apple) : ''));
  if (json && result.target && !('executablePath' in result.target)) io.stderr(`csrl check: ${failureLine(result)}\n`);
  if (result.apple?.disagreement) {
    io.stderr(`csrl check: DISAGREEMENT WITH APPLE for ${pid !== undefined ? `process ${pid}` : target}: ${result.apple.disagreement}\n`);
    return EXIT.cannotCheck;
  }
  return exitCode(result.verdict);
}

async function loadRequirement(expr: string | undefined, file: string | undefined, io: CommandIO): Promise<LoadedRequirement> {
  if (expr !== undefined) return requirementFromText(expr, { name: '<text>', baseDir: io.cwd });
  if (file === '-') {
    // Counted as it arrives: reading stops (exit 64) once past the limit.
    const bytes = await readStdinBounded(io, MAX_INPUT_BYTES);
    return requirementFromBytes(bytes, { name: '<stdin>', baseDir: io.cwd });
  }
  try {
    return requirementFromFile(file!, io.cwd);
  } catch (err) {
    if (err instanceof RequirementFileError) throw new UsageError(err.message);
    throw err;
  }
}

export function exitCode(v: OverallVerdict): number {
  return { satisfied: EXIT.ok, unsatisfied: EXIT.failure, undetermined: EXIT.undetermined, invalid: EXIT.cannotCheck }[v];
}
