/**
 * The PID-reuse guard in TypeScript, for work done outside the addon (for
 * example resolving a PID to its executable and validating the file): record
 * the process identity before, run the work, compare after. A PID check is a
 * point-in-time developer check; services must use setCodeSigningRequirement,
 * xpc_connection_set_peer_code_signing_requirement or audit tokens instead.
 */
import { ExecutableReplacedError, ProcessChangedError, ProcessNotFoundError } from './errors.js';
import type { ExecutableFile, ProcessIdentity } from './index.js';

export interface IdentitySource {
  processIdentity(pid: number): Promise<ProcessIdentity>;
}

/** True when both identities describe the same process incarnation. */
export function sameIdentity(a: ProcessIdentity, b: ProcessIdentity): boolean {
  if (a.pid !== b.pid || a.startTime !== b.startTime) return false;
  if ((a.uniqueId ?? '') !== (b.uniqueId ?? '')) return false;
  // exec keeps PID, start time and unique id on macOS but bumps the PID version.
  if (a.pidVersion !== undefined && b.pidVersion !== undefined && a.pidVersion !== b.pidVersion) return false;
  return true;
}

/**
 * Runs `fn` while holding on to the identity of process `pid`. Rejects with
 * ProcessChangedError (and discards fn's result) if the process exited or was
 * replaced by the time fn finished; with ProcessNotFoundError if it did not
 * exist to begin with.
 */
export async function withStableIdentity<T>(
  pid: number,
  fn: (identity: ProcessIdentity) => Promise<T>,
  source: IdentitySource,
): Promise<T> {
  const before = await source.processIdentity(pid);
  const result = await fn(before);
  let after: ProcessIdentity;
  try {
    after = await source.processIdentity(pid);
  } catch (err) {
    if (err instanceof ProcessNotFoundError) {
      throw new ProcessChangedError(`process ${pid} exited while it was being checked; the result was discarded`);
    }
    throw err;
  }
  if (!sameIdentity(before, after)) {
    throw new ProcessChangedError(
      `process ${pid} was replaced by another process (started ${after.startTime}, was ${before.startTime}) ` +
        'while it was being checked; the result was discarded',
    );
  }
  return result;
}

/** Where the file a process runs was found, and how it is read (see checkProcessFile). */
export interface ProcessExecutable {
  /** The path the file has (had, when deleted): what results are about. */
  path: string;
  /**
   * 'process': through the process itself (Linux /proc/PID/exe, the file the
   * kernel maps, whatever happened to its path); 'path-verified': by its
   * path, after checking that the file there is the one the process runs
   * (same device and inode; macOS); 'path': by its path, unverified (only a
   * process source without executableFile, i.e. a test double).
   */
  readVia: 'process' | 'path-verified' | 'path';
  /** What `check` opens. */
  readPath: string;
  /** The file `check` must find at readPath (device and inode); absent only for readVia 'path'. */
  expect?: { dev: string; ino: string; direct: boolean };
  /** 'present': the path names the file the process runs; 'not-verified': readVia 'path'. */
  state: 'present' | 'not-verified';
}

export interface ProcessFileCheck<T> {
  kind: 'static-file-check';
  pid: number;
  identity: ProcessIdentity;
  executablePath: string;
  executable: ProcessExecutable;
  result: T;
  /** What was and was not checked; show it next to the result. */
  note: string;
}

export interface ExecutableSource {
  executablePath(pid: number): Promise<string>;
  /** The real addon has it; without it (test doubles) the file is read by its path, unverified. */
  executableFile?(pid: number): Promise<ExecutableFile>;
}

function notPresentMessage(pid: number, file: ExecutableFile): string {
  const path = file.path ? printable(file.path) : 'its executable';
  if (file.state === 'deleted') {
    return `process ${pid} runs ${path}, which was deleted after it started${file.detail ? ` (${file.detail})` : ''}; the file the process runs is no longer at that path, so nothing was checked`;
  }
  if (file.state === 'replaced') {
    return `process ${pid} runs ${path}, which was deleted or replaced after it started: ${file.detail ?? 'another file is at that path now'}, and it is not the file the process runs; nothing was checked`;
  }
  return `cannot tell which file process ${pid} runs${file.detail ? ` (${file.detail})` : ''}; ${path} was not checked`;
}

const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * "Test against PID" without Security.framework: finds the file the process
 * runs and runs `check` (the portable validator) on it, inside the identity
 * guard. `check` gets what to open (`readPath`: on Linux /proc/PID/exe, the
 * file the kernel maps, never a name that may now lead elsewhere) and the
 * device and inode the opened file must have. A process whose executable was
 * deleted or replaced after it started, or whose file cannot be identified,
 * is not checked at all: ExecutableReplacedError (after the guard's second
 * look). The result is labelled a static check of the file: the running
 * process itself (its dynamic validity, code-signing flags, memory) is not
 * examined.
 */
export async function checkProcessFile<T>(
  pid: number,
  check: (readPath: string, identity: ProcessIdentity, executable: ProcessExecutable) => Promise<T>,
  source: IdentitySource & ExecutableSource,
): Promise<ProcessFileCheck<T>> {
  let identity: ProcessIdentity | undefined;
  const outcome = await withStableIdentity(
    pid,
    async (id): Promise<{ checked: T; executable: ProcessExecutable } | { notPresent: ExecutableFile }> => {
      identity = id;
      if (!source.executableFile) {
        const path = await source.executablePath(pid);
        const executable: ProcessExecutable = { path, readVia: 'path', readPath: path, state: 'not-verified' };
        return { checked: await check(path, id, executable), executable };
      }
      const file = await source.executableFile(pid);
      if (file.state !== 'present' || file.dev === undefined || file.ino === undefined) {
        return { notPresent: file.state === 'present' ? { ...file, state: 'unverified', detail: 'the process reader gave no device and inode for it' } : file };
      }
      const expect = { dev: file.dev, ino: file.ino, direct: file.readPath !== undefined };
      const executable: ProcessExecutable = file.readPath !== undefined
        ? { path: file.path, readVia: 'process', readPath: file.readPath, expect, state: 'present' }
        : { path: file.path, readVia: 'path-verified', readPath: file.path, expect, state: 'present' };
      return { checked: await check(executable.readPath, id, executable), executable };
    },
    source,
  );
  if ('notPresent' in outcome) {
    const f = outcome.notPresent;
    const state = f.state === 'present' ? 'unverified' : f.state;
    throw new ExecutableReplacedError(notPresentMessage(pid, { ...f, state }), pid, { path: f.path, state, ...(f.detail ? { detail: f.detail } : {}) }, identity!);
  }
  const { executable } = outcome;
  return {
    kind: 'static-file-check',
    pid,
    identity: identity!,
    executablePath: executable.path,
    executable,
    result: outcome.checked,
    note:
      `static check of the file ${executable.path} that process ${pid} runs` +
      (executable.readVia === 'process' ? ` (read through /proc/${pid}/exe, the file the process runs)` : '') +
      '; the live process (dynamic validity, ' +
      'code-signing flags, loaded code) was not checked. A PID check is a point-in-time developer check; services ' +
      'must use setCodeSigningRequirement, xpc_connection_set_peer_code_signing_requirement or audit tokens.',
  };
}
