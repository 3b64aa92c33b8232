/**
 * A process as the target of a check: resolved to the executable file it
 * runs, and judged only inside the PID-reuse guard, so a result is returned
 * only if the same process incarnation existed before and after.
 */
import { checkProcessFile } from '../native/identity.js';
import { loadNative, NativeError, ProcessChangedError, ProcessNotFoundError, type NativeValidator, type ProcessIdentity } from '../native/index.js';

/** The part of the native validator a process check needs; tests pass one of their own. */
export type PidNative = Pick<NativeValidator, 'available' | 'reason' | 'backend' | 'processIdentity' | 'executablePath' | 'checkProcess'>;

/** What a process result is about; in `--json` output as `target`. */
export interface PidTarget {
  kind: 'static-file-check';
  pid: number;
  executablePath: string;
  identity: ProcessIdentity;
  /** When the process was checked (the result holds for that moment only). */
  checkedAt: string;
  note: string;
}

export interface PidFailure {
  code: 'process-not-found' | 'process-changed' | 'native-unavailable' | 'access-denied' | 'native-error';
  message: string;
}

/**
 * Resolves process `pid` to its executable and runs `check` on that file
 * inside the PID-reuse guard. `check` must not throw for problems with the
 * file (return them as values), or the guard's second look is skipped.
 */
export async function checkPidFile<T>(
  pid: number,
  native: PidNative,
  check: (executablePath: string, identity: ProcessIdentity) => Promise<T>,
): Promise<{ ok: true; target: PidTarget; result: T } | { ok: false; failure: PidFailure }> {
  if (!native.available) {
    return { ok: false, failure: { code: 'native-unavailable', message: `cannot check process ${pid}: native addon not available: ${native.reason ?? 'unknown reason'}` } };
  }
  try {
    const checkedAt = new Date().toISOString();
    const r = await checkProcessFile(pid, check, native);
    return { ok: true, result: r.result, target: { kind: r.kind, pid, executablePath: r.executablePath, identity: r.identity, checkedAt, note: r.note } };
  } catch (err) {
    if (err instanceof ProcessChangedError) return { ok: false, failure: { code: 'process-changed', message: `process ${pid} changed during the check (PID reused); result discarded` } };
    if (err instanceof ProcessNotFoundError) return { ok: false, failure: { code: 'process-not-found', message: `process ${pid} not found (no such process; it may have exited)` } };
    if (err instanceof NativeError) {
      return { ok: false, failure: { code: err.code === 'ERR_CSRL_ACCESS_DENIED' ? 'access-denied' : 'native-error', message: `cannot check process ${pid}: ${err.message}` } };
    }
    throw err;
  }
}

/** A promise's outcome as a value, so a file problem does not skip the guard's second look at the process. */
export function settled<T>(work: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

export { loadNative };

/** The addon as a process check needs it (loaded on first use). */
export function processNative(): PidNative {
  return loadNative();
}
