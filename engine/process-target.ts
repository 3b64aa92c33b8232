/**
 * A process as the target of a check: resolved to the executable file it
 * runs, and judged only inside the PID-reuse guard, so a result is returned
 * only if the same process incarnation existed before and after.
 */
import { checkProcessFile, type ProcessExecutable } from '../native/identity.js';
import {
  ExecutableReplacedError,
  loadNative,
  NativeError,
  NoExecutableError,
  ProcessChangedError,
  ProcessNotFoundError,
  type NativeValidator,
  type ProcessIdentity,
} from '../native/index.js';
import type { ExpectedFile } from '../validator/read.js';

/**
 * The part of the native validator a process check needs; tests pass one of
 * their own. The real addon always has `executableFile`; a double without it
 * has its file read by path, unverified (labelled so in `target.executable`).
 */
export type PidNative = Pick<NativeValidator, 'available' | 'reason' | 'backend' | 'processIdentity' | 'executablePath' | 'checkProcess'> &
  Partial<Pick<NativeValidator, 'executableFile'>>;

/** How the file a process runs was found and read; in `--json` output as `target.executable`. */
export interface PidExecutable {
  /**
   * 'process': read through the process itself (Linux: /proc/PID/exe, the
   * file the kernel maps for it, whatever happened to its path since);
   * 'path-verified': read by its path after checking that the file there is
   * the one the process runs (device and inode; macOS); 'path': by its path,
   * unverified (a process reader without that check: test doubles only);
   * 'not-read': nothing was read (see `state`).
   */
  readVia: ProcessExecutable['readVia'] | 'not-read';
  /** What was opened. */
  readPath?: string;
  /**
   * 'present': the path still names the file the process runs; 'deleted' or
   * 'replaced': it was deleted, or another file was put at its path, after
   * the process started, so the file there is not checked; 'unverified':
   * which file the process runs could not be established, so nothing is
   * checked; 'not-verified': readVia 'path'.
   */
  state: 'present' | 'deleted' | 'replaced' | 'unverified' | 'not-verified';
  /** Why, for a state other than 'present'. */
  detail?: string;
}

/** What a process result is about; in `--json` output as `target`. */
export interface PidTarget {
  kind: 'static-file-check';
  pid: number;
  executablePath: string;
  identity: ProcessIdentity;
  /** How the file was found and read, and whether it was deleted or replaced since the process started. */
  executable: PidExecutable;
  /** When the process was checked (the result holds for that moment only). */
  checkedAt: string;
  note: string;
}

export interface PidFailure {
  code: 'process-not-found' | 'process-no-executable' | 'process-changed' | 'native-unavailable' | 'access-denied' | 'native-error';
  message: string;
}

/**
 * The process's executable was deleted or replaced after it started (or the
 * file it runs could not be identified): nothing was read. The result is
 * `invalid` and names the executable; `target` says what was found.
 */
export interface PidNotChecked {
  target: PidTarget;
  /** 'not-found': the reader's code for "the file is not there" (the file the process runs is not at its path). */
  error: { code: 'not-found'; message: string };
}

/**
 * Finds the file process `pid` runs and runs `check` on it inside the
 * PID-reuse guard: `readPath` is what to open (Linux: /proc/PID/exe, the
 * file the process runs, never a path that may now name another file) and
 * `expect` the file it must turn out to be (pass it to readCode). A deleted
 * or replaced executable is never read: `notChecked`. `check` must not throw
 * for problems with the file (return them as values), or the guard's second
 * look is skipped.
 */
export async function checkPidFile<T>(
  pid: number,
  native: PidNative,
  check: (readPath: string, identity: ProcessIdentity, expect: ExpectedFile | undefined) => Promise<T>,
): Promise<{ ok: true; target: PidTarget; result: T } | { ok: false; failure: PidFailure } | { ok: false; notChecked: PidNotChecked }> {
  if (!native.available) {
    return { ok: false, failure: { code: 'native-unavailable', message: `cannot check process ${pid}: native addon not available: ${native.reason ?? 'unknown reason'}` } };
  }
  const checkedAt = new Date().toISOString();
  try {
    const r = await checkProcessFile(
      pid,
      (readPath, identity, executable) => check(readPath, identity, executable.expect ? { ...executable.expect, what: `${executable.path} (the executable of process ${pid}, read as ${readPath})` } : undefined),
      native,
    );
    const { readVia, readPath, state } = r.executable;
    return { ok: true, result: r.result, target: { kind: r.kind, pid, executablePath: r.executablePath, identity: r.identity, executable: { readVia, readPath, state }, checkedAt, note: r.note } };
  } catch (err) {
    if (err instanceof ExecutableReplacedError) {
      const { path, state, detail } = err.executable;
      const target: PidTarget = {
        kind: 'static-file-check',
        pid,
        executablePath: path,
        identity: err.identity,
        executable: { readVia: 'not-read', state, ...(detail ? { detail } : {}) },
        checkedAt,
        note:
          `nothing was checked: the path of the executable of process ${pid} no longer names the file the process runs (${state}). ` +
          'A PID check is a point-in-time developer check; services must use setCodeSigningRequirement, ' +
          'xpc_connection_set_peer_code_signing_requirement or audit tokens.',
      };
      return { ok: false, notChecked: { target, error: { code: 'not-found', message: err.message } } };
    }
    if (err instanceof ProcessChangedError) return { ok: false, failure: { code: 'process-changed', message: `process ${pid} changed during the check (PID reused); result discarded` } };
    if (err instanceof NoExecutableError) return { ok: false, failure: { code: 'process-no-executable', message: err.message } };
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
