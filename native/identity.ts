/**
 * The PID-reuse guard in TypeScript, for work done outside the addon (for
 * example resolving a PID to its executable and validating the file): record
 * the process identity before, run the work, compare after. A PID check is a
 * point-in-time developer check; services must use setCodeSigningRequirement,
 * xpc_connection_set_peer_code_signing_requirement or audit tokens instead.
 */
import { ProcessChangedError, ProcessNotFoundError } from './errors.js';
import type { ProcessIdentity } from './index.js';

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

export interface ProcessFileCheck<T> {
  kind: 'static-file-check';
  pid: number;
  identity: ProcessIdentity;
  executablePath: string;
  result: T;
  /** What was and was not checked; show it next to the result. */
  note: string;
}

/**
 * "Test against PID" without Security.framework: resolves the process to its
 * executable and runs `check` (the portable validator) on that file, inside
 * the identity guard. The result is labelled a static check of the file: the
 * running process itself (its dynamic validity, code-signing flags, memory)
 * is not examined.
 */
export async function checkProcessFile<T>(
  pid: number,
  check: (executablePath: string, identity: ProcessIdentity) => Promise<T>,
  source: IdentitySource & { executablePath(pid: number): Promise<string> },
): Promise<ProcessFileCheck<T>> {
  let executablePath = '';
  let identity: ProcessIdentity | undefined;
  const result = await withStableIdentity(
    pid,
    async (id) => {
      identity = id;
      executablePath = await source.executablePath(pid);
      return check(executablePath, id);
    },
    source,
  );
  return {
    kind: 'static-file-check',
    pid,
    identity: identity!,
    executablePath,
    result,
    note:
      `static check of the file ${executablePath} that process ${pid} runs; the live process (dynamic validity, ` +
      'code-signing flags, loaded code) was not checked. A PID check is a point-in-time developer check; services ' +
      'must use setCodeSigningRequirement, xpc_connection_set_peer_code_signing_requirement or audit tokens.',
  };
}
