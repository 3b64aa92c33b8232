/**
 * Everything heavy the extension needs besides the language server, reached
 * through the engine and the language service only: checks of binaries and
 * processes, signing information, designated requirements, blobs, process
 * lists. Bundled apart (dist/check.cjs) and loaded on the first command that
 * needs it, so activation does not pay for parsing the validator and its
 * ASN.1 stack.
 *
 * Binaries are checked here, in the extension host, with the same engine
 * functions the language server's csrl.testAgainstPath/Pid and `csrl check`
 * call: the full result (every slice, signature problems, posture, Apple's
 * side), progress and cancellation through an AbortSignal.
 */
import type { Requirement, RequirementDocument } from '../grammar/ast.js';
import { parse } from '../grammar/parser.js';
import { checkPath, checkProcess, defaultApple, type CheckOptions } from '../engine/check.js';
import { infoText, inspectPath, inspectProcess } from '../engine/info.js';
import { loadNative, processNative, type PidNative } from '../engine/process-target.js';
import { failureLine, renderText, resultHeadline } from '../engine/render.js';
import type { CheckResult } from '../engine/result.js';
import type { CheckTime } from '../engine/time.js';
import type { AppleSide, CompareOptions } from '../engine/apple/verdict.js';
import { extractRequirements, type EmbeddedRequirement } from '../language-service/embedded/extract.js';
import { checkLwcrPath, checkLwcrProcess, type LwcrCheckResult } from '../engine/lwcr.js';
import type { LwcrTarget } from '../language-service/lwcr/target.js';

export type { AppleSide, CheckResult, CompareOptions, EmbeddedRequirement, Requirement, RequirementDocument };
export type { PsRow } from '../engine/processes.js';
export { validatorStatus, type ValidatorStatus } from '../engine/validator-status.js';
export { addProcessSigning, isKernelThread, listProcesses, processListNote, processSigningAvailable, signingCell } from '../engine/processes.js';
export { designatedOf } from '../engine/designated.js';
export { compileText, decompileBytes } from '../engine/blob.js';
export { parseCheckTime } from '../engine/time.js';
export { doctor, type DoctorReport, type Relationship } from '../engine/doctor/doctor.js';
export { checkBundleEntries, type BundleEntry, type BundleEntriesResult } from '../engine/doctor/entries.js';
export { locateBundleEntries } from '../language-service/bundle-entries.js';
export { extractRequirements, parse, renderText, resultHeadline };
export { renderLwcrText } from '../engine/lwcr-render.js';
export { convertClassicToLwcr, convertLwcrToClassic, lwcrAt, parseClassic, type Conversion, type LwcrTarget } from '../language-service/lwcr/target.js';
export type { LwcrCheckResult };
// "Generate XPC validation code": the parser, the LWCR translation and the lint rules stay out of activation.
export { generateXpcCode, xpcCodegenConcerns } from '../language-service/xpc-codegen/index.js';

/** A failure a person can act on (bad path, unsigned code, requirement with errors). */
export class UserError extends Error {
  // Set explicitly: class names do not survive minification, and callers in another bundle test `name`.
  override name = 'UserError';
}

export interface TestOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  at?: CheckTime;
  verifyPages?: boolean;
  /** csrl.validator: `portable` keeps to ours; `security-framework` asks Apple on any platform (and says why it cannot). */
  validator?: 'auto' | 'portable' | 'security-framework';
  /** Who reads processes (the addon when absent); tests replace it to replace a process mid-check. */
  processNative?: PidNative;
}

/**
 * Tests `requirement` (its ranges are those of the text it was parsed from)
 * against the code at a path, or the executable of a process inside the
 * PID-reuse guard. Code that cannot be checked is a UserError in the
 * engine's words (as `csrl check` says it).
 */
export async function testRequirement(requirement: Requirement, text: string, target: { path: string } | { pid: number }, options: TestOptions = {}): Promise<CheckResult> {
  const pref = options.validator ?? 'auto';
  const check: CheckOptions = {
    at: options.at ?? 'signing-time',
    verifyPages: options.verifyPages ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(pref === 'portable' ? { withoutApple: true } : { apple: pref === 'security-framework' ? loadNative : defaultApple }),
  };
  const result = 'pid' in target ? await checkProcess(target.pid, requirement, text, options.processNative ?? processNative(), check) : await checkPath(requirement, text, target.path, check);
  if (result.slices.length === 0) throw new UserError(failureLine({ ...result, slices: [] }));
  return result;
}

/**
 * The text `csrl info` prints for the code at a path or a process's
 * executable; on macOS Apple's reading and any disagreement come with it.
 */
export async function signingInformation(target: { path: string } | { pid: number }): Promise<{ text: string; ok: boolean }> {
  const options = { read: { verifyPages: true }, apple: defaultApple() };
  const outcome = 'pid' in target ? await inspectProcess(target.pid, processNative(), options) : await inspectPath(target.path, options);
  // The editor shows problems first, as words (no "csrl info:" prefix of the CLI's stderr lines).
  const text = infoText(outcome, 'pid' in target ? `process ${target.pid}` : target.path, '');
  const problems = text.stderr.trimEnd();
  return { text: (problems ? `Problems:\n${problems.split('\n').map((l) => `  ${l}`).join('\n')}\n\n` : '') + text.stdout, ok: outcome.kind === 'read' && outcome.verdict === 'valid' && !outcome.apple?.disagreement };
}

export async function executableOf(pid: number): Promise<string> {
  return loadNative().executablePath(pid);
}

/**
 * Tests a lightweight code requirement (found in a host document by
 * `lwcrAt`) against the code at a path, or the executable of a process
 * inside the PID-reuse guard: the engine's LWCR check, as
 * `csrl check --lwcr` runs it. Clause ranges are host offsets.
 */
export async function testLwcr(lwcr: LwcrTarget, target: { path: string } | { pid: number }, options: TestOptions = {}): Promise<LwcrCheckResult> {
  const check = {
    at: options.at ?? 'signing-time',
    verifyPages: options.verifyPages ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(lwcr.context ? { context: lwcr.context } : {}),
  };
  const result = 'pid' in target ? await checkLwcrProcess(target.pid, lwcr.tree, lwcr.text, options.processNative ?? processNative(), check) : await checkLwcrPath(lwcr.tree, lwcr.text, target.path, check);
  if (result.slices.length === 0) throw new UserError(failureLine({ ...result, slices: [] }));
  return result;
}
