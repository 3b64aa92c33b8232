/**
 * Everything heavy the extension needs besides the language server: the
 * portable validator, the checker, the designated-requirement builder, the
 * embedded-requirement extractor and the native addon loader. Bundled apart
 * (dist/check.cjs) and loaded on the first command that needs it, so
 * activation does not pay for parsing the validator and its ASN.1 stack.
 *
 * Binaries are checked here, in the extension host, rather than through the
 * server's csrl.testAgainstPath: this gives the full check result (every
 * slice, signature problems, posture warnings), progress and cancellation
 * through an AbortSignal, and the same code path as `csrl check`.
 */
import type { Requirement, RequirementDocument } from '../grammar/ast.js';
import { compile } from '../grammar/codec/encode.js';
import { decompile } from '../grammar/codec/decode.js';
import { parse } from '../grammar/parser.js';
import { printCanonical } from '../grammar/print/canonical.js';
import { checkReport, renderText, type CheckResult } from '../cli/commands/check.js';
import { run as runInfo } from '../cli/commands/info.js';
import { memoryIO } from '../cli/io.js';
import { designatedRequirement } from '../validator/designated.js';
import { CodeReadError, readCode } from '../validator/read.js';
import { extractRequirements, type EmbeddedRequirement } from '../language-service/embedded/extract.js';
import { loadNative, type ProcessInfo } from '../native/index.js';
import { addSigning, processRows, signingCell, type PsRow } from '../native/process-rows.js';
import { appleSideOf, appleSideOfError, whyAppleUnavailable, withComparison, type AppleSide, type CompareOptions } from '../native/apple-verdict.js';

export type { AppleSide, CheckResult, CompareOptions, EmbeddedRequirement, ProcessInfo, PsRow, Requirement, RequirementDocument };
export { validatorStatus, type ValidatorStatus } from './native-entry.js';
export { extractRequirements, parse, printCanonical, renderText, signingCell };

/** A failure a person can act on (bad path, unsigned code, requirement with errors). */
export class UserError extends Error {
  // Set explicitly: class names do not survive minification, and callers in another bundle test `name`.
  override name = 'UserError';
}

export interface CheckOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  at?: 'signing-time' | 'now' | Date;
  verifyPages?: boolean;
}

/** Tests `requirement` (its ranges are those of the text it was parsed from) against the code at `target`. */
export async function checkPath(requirement: Requirement, text: string, target: string, options: CheckOptions = {}): Promise<CheckResult> {
  const at = options.at ?? 'signing-time';
  try {
    const report = await readCode(target, {
      at,
      verifyPages: options.verifyPages ?? true,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return checkReport(report, requirement, text, target, at);
  } catch (err) {
    if (err instanceof CodeReadError) throw new UserError(`${target} cannot be checked: ${err.message}`);
    throw err;
  }
}

/**
 * The text `csrl info` prints for the code at `target`. It runs with the
 * default deps, so on macOS Apple's reading and any disagreement come with it.
 */
export async function signingInformation(target: string): Promise<{ text: string; exitCode: number }> {
  const m = memoryIO();
  const exitCode = await runInfo([target], m.io);
  return { text: m.stdout() + (m.stderr() ? `\n${m.stderr()}` : ''), exitCode };
}

/** The designated requirement of each slice (explicit, or implicit as Apple computes it). */
export async function designatedOf(target: string): Promise<{ arch: string; text: string; implicit: boolean }[]> {
  let report;
  try {
    report = await readCode(target, { verifyPages: false });
  } catch (err) {
    if (err instanceof CodeReadError) throw new UserError(`${target} cannot be read: ${err.message}`);
    throw err;
  }
  const out: { arch: string; text: string; implicit: boolean }[] = [];
  for (const slice of report.slices) {
    if (slice.status === 'unsigned') continue;
    try {
      const dr = designatedRequirement(slice.facts);
      out.push({ arch: slice.arch, text: printCanonical(dr.requirement), implicit: dr.implicit });
    } catch (err) {
      throw new UserError(`${target} (${slice.arch}): ${(err as Error).message}`);
    }
  }
  if (out.length === 0) throw new UserError(`${target} is not signed, so it has no designated requirement`);
  return out;
}

/** Compiles requirement text to its binary form (0xfade0c00 or a 0xfade0c01 set). */
export function compileText(text: string, mode: 'single' | 'set' | undefined): Uint8Array {
  const result = parse(text, mode ? { mode } : {});
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.document || errors.length > 0) {
    const first = errors[0];
    throw new UserError(`the requirement has ${errors.length} error(s)${first ? `; first at line ${first.range.start.line}: ${first.message}` : ''}`);
  }
  const compiled = compile(result.document);
  if (!compiled.bytes) throw new UserError(`cannot compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  return compiled.bytes;
}

/** Decompiles a blob to canonical text (used when the server is not running). */
export function decompileBytes(bytes: Uint8Array): string {
  const doc = decompile(bytes);
  const text = printCanonical(doc);
  return (doc.kind === 'set' ? '# csrl: set\n' : '') + (text.endsWith('\n') ? text : text + '\n');
}

/** Processes as `csrl ps` shows them (user names). */
export async function listProcesses(): Promise<PsRow[]> {
  return processRows(loadNative());
}

/** Adds Security.framework's signing summary to each row (macOS). */
export async function addProcessSigning(rows: PsRow[]): Promise<void> {
  return addSigning(rows, loadNative());
}

/** Whether signing summaries of processes can be had (Security.framework through the addon). */
export function processSigningAvailable(): boolean {
  const native = loadNative();
  return native.available && native.backend === 'security-framework';
}

export async function executableOf(pid: number): Promise<string> {
  return loadNative().executablePath(pid);
}

/** Apple's answer beside ours: its side (compared with ours), or why it was not asked. */
export type AppleAnswer = { side: AppleSide } | { notAsked: string };

/**
 * Asks Apple (Security.framework through the native addon, macOS only) about
 * the same code and requirement, and compares its verdict with ours. Never
 * throws: a failed check is a side without a verdict, saying why.
 */
export async function askApple(target: { pid: number } | { path: string }, requirementText: string, ours: CheckResult['verdict'], options: CompareOptions = {}): Promise<AppleAnswer> {
  const native = loadNative();
  const why = whyAppleUnavailable(native);
  if (why) return { notAsked: why };
  let side: AppleSide;
  try {
    side = appleSideOf('pid' in target ? await native.checkProcess(target.pid, requirementText) : await native.checkPath(target.path, requirementText));
  } catch (err) {
    side = appleSideOfError(err);
  }
  return { side: withComparison(ours, side, options) };
}
