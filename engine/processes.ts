/**
 * Running processes as every door lists them (`csrl ps`, the extension's
 * process picker): user names, executables and, on macOS, signing summaries.
 */
import { loadNative } from '../native/index.js';
import { addSigning, processRows, type PsRow } from '../native/process-rows.js';

export { isKernelThread, signingCell, type PsRow, type SigningSummary } from '../native/process-rows.js';

/** Processes as `csrl ps` shows them. */
export function listProcesses(): Promise<PsRow[]> {
  return processRows(loadNative());
}

/** Adds Security.framework's signing summary to each row (macOS). */
export function addProcessSigning(rows: PsRow[]): Promise<void> {
  return addSigning(rows, loadNative());
}

/** Whether signing summaries of processes can be had (Security.framework through the addon). */
export function processSigningAvailable(): boolean {
  const native = loadNative();
  return native.available && native.backend === 'security-framework';
}

/**
 * What the process picker says first on a platform without Apple code
 * signatures: every process there is a program of another format, so every
 * check of one ends in "cannot be checked".
 */
export function processListNote(platform: string = process.platform): string | undefined {
  if (platform === 'linux') return 'Linux processes run ELF programs, which carry no Apple code signature: a check of one says so. Kernel threads (no executable) are not listed.';
  if (platform === 'win32') return 'Windows processes run PE programs, which carry no Apple code signature: a check of one says so.';
  return undefined;
}
