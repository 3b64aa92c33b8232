/**
 * "Does this code satisfy this requirement?": the one place that answers it,
 * for a file or bundle and for a running process, with Apple's verdict
 * beside ours where Security.framework exists. `csrl check`, the language
 * server's test commands and the extension call these and only render.
 */
import type { Requirement } from '../grammar/ast.js';
import { printCanonical } from '../grammar/print/canonical.js';
import { loadNative, type NativeValidator } from '../native/index.js';
import { CodeReadError, readCode, type CodeReport, type ExpectedFile, type ReadOptions } from '../validator/read.js';
import { askAppleVerdictOfPath, askAppleVerdictOfProcess, type Asked } from './apple/ask.js';
import { withComparison, type AppleSide, type CompareOptions } from './apple/verdict.js';
import { checkPidFile, settled, type PidNative } from './process-target.js';
import { checkReport, failedResult, type CheckResult } from './result.js';
import type { CheckTime } from './time.js';

export interface CheckOptions {
  /** When certificates must be valid (default: signing time). */
  at?: CheckTime;
  /** Hash every code page and sealed resource (default true). */
  verifyPages?: boolean;
  /** Only this architecture slice. */
  arch?: string;
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Who reads code signatures; tests replace it. */
  readCode?: (path: string, options: ReadOptions, expect?: ExpectedFile) => Promise<CodeReport>;
  /**
   * Who asks Apple beside ours, for a path check. Absent: ours only. The
   * front ends pass `defaultApple`, which is the addon on macOS only, so
   * elsewhere a path check never loads (or mentions) it.
   */
  apple?: (() => (Asked & Pick<NativeValidator, 'checkPath'>) | undefined) | undefined;
  /** A process check asks Apple whenever the addon has Security.framework; true keeps to ours only. */
  withoutApple?: boolean;
}

/** Apple beside ours where Security.framework can exist: the addon on macOS, nobody elsewhere. */
export function defaultApple(): NativeValidator | undefined {
  return process.platform === 'darwin' ? loadNative() : undefined;
}

function readOptionsOf(o: CheckOptions): ReadOptions {
  return {
    verifyPages: o.verifyPages ?? true,
    at: o.at ?? 'signing-time',
    ...(o.arch !== undefined ? { arch: o.arch } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  };
}

function compareOptionsOf(o: CheckOptions): CompareOptions {
  return { someArchitectures: o.arch !== undefined, pagesSkipped: o.verifyPages === false };
}

/** A read failure becomes an `invalid` result; anything else (cancellation, bugs) propagates. */
function readFailure(err: unknown): { code: string; message: string } {
  if (err instanceof CodeReadError) return { code: err.code, message: err.message };
  throw err;
}

/**
 * Checks the code at `target` (an absolute path to a Mach-O file or a
 * bundle) against `requirement`, whose source text is `text`. Never throws
 * for a problem with the code: it is the result (`invalid`, with why).
 */
export async function checkPath(requirement: Requirement, text: string, target: string, options: CheckOptions = {}): Promise<CheckResult> {
  const apple = options.apple?.();
  // Apple checks while we read: both look at the same file.
  const asking = apple ? askAppleVerdictOfPath(apple, target, printCanonical(requirement)) : undefined;
  const read = await settled((options.readCode ?? readCode)(target, readOptionsOf(options)));
  if ('error' in read) {
    const error = readFailure(read.error);
    const side = asking ? withComparison('invalid', await asking, { ...compareOptionsOf(options), readError: read.error as CodeReadError }) : undefined;
    return failedResult(text, target, error, side ? { apple: side } : {});
  }
  const result = checkReport(read.value, requirement, text, target, options.at);
  if (asking) result.apple = withComparison(result.verdict, await asking, { ...compareOptionsOf(options), slices: result.slices });
  return result;
}

/**
 * Checks the executable file that process `pid` runs, inside the PID-reuse
 * guard: the result is discarded (`invalid`, process-changed) if the process
 * exited or was replaced meanwhile. It is a point-in-time static check of the
 * file, labelled so in `target`. Where Security.framework exists, Apple
 * checks the same process inside the same guard.
 */
export async function checkProcess(pid: number, requirement: Requirement, text: string, native: PidNative, options: CheckOptions = {}): Promise<CheckResult> {
  const canonical = printCanonical(requirement);
  // The file is read where checkPidFile says (Linux: /proc/PID/exe) and must be the file the process runs.
  const checked = await checkPidFile(pid, native, async (readPath, _identity, expect) => {
    const [read, apple] = await Promise.all([
      settled((options.readCode ?? readCode)(readPath, readOptionsOf(options), expect)),
      native.backend === 'security-framework' && !options.withoutApple ? askAppleVerdictOfProcess(native, pid, canonical) : undefined,
    ]);
    return { read, apple };
  });
  if (!checked.ok) {
    // A deleted or replaced executable is not checked at all: the file now at its path is not what runs.
    if ('notChecked' in checked) return failedResult(text, checked.notChecked.target.executablePath || `process ${pid}`, checked.notChecked.error, { target: checked.notChecked.target });
    return failedResult(text, `process ${pid}`, checked.failure, { target: { kind: 'static-file-check', pid } });
  }
  const { target } = checked;
  const { read, apple } = checked.result;
  const compare = (verdict: CheckResult['verdict'], extra: CompareOptions): AppleSide | undefined => (apple ? withComparison(verdict, apple, { ...compareOptionsOf(options), ...extra }) : undefined);
  if ('error' in read) {
    const error = readFailure(read.error);
    const side = compare('invalid', { readError: read.error as CodeReadError });
    return failedResult(text, target.executablePath, error, { target, ...(side ? { apple: side } : {}) });
  }
  const result: CheckResult = { ...checkReport(read.value, requirement, text, target.executablePath, options.at), target };
  const side = compare(result.verdict, { slices: result.slices });
  if (side) result.apple = side;
  return result;
}
