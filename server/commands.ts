import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import type { Requirement, RequirementDocument } from '../grammar/ast.js';
import { toHex } from '../grammar/bytes.js';
import { compile } from '../grammar/codec/encode.js';
import { decompile } from '../grammar/codec/decode.js';
import { printCanonical } from '../grammar/print/canonical.js';
import { printApple } from '../grammar/print/apple.js';
import type { CheckArgs, CompareWithDesignatedResult, CompiledResult, DecompileParams, DecompileResult, LwcrArg, RequirementArg, TestAgainstPathArgs, TestAgainstPidArgs, TestLwcrAgainstPathArgs, TestLwcrAgainstPidArgs, TestLwcrResult, TestResult } from '../protocol/lsp.js';
import { lwcrAt, type LwcrTarget } from '../language-service/lwcr/target.js';
import type { DocState } from './documents.js';
import { parse } from '../grammar/parser.js';
import { MAX_DEPTH } from '../language-service/analysis/analyze.js';
import { FileReadError, readRegularFile } from '../engine/files.js';
import { insideRoots } from './file-access.js';

/** Largest file read for a certificate hash, a binary requirement, or a blob to decompile. */
export const MAX_FILE_BYTES = 1 << 20;

export class CommandError extends Error {}

export type { RequirementArg };

export function selectDocument(state: DocState, arg: RequirementArg): { doc: RequirementDocument; label: string } {
  if (state.kind === 'csreq' && state.views.length > 1 && arg.entry === undefined) {
    // A large set analysed entry by entry: the whole document is parsed once more.
    const whole = parse(state.text, { mode: 'set', maxDepth: MAX_DEPTH });
    if (!whole.document || whole.diagnostics.some((d) => d.severity === 'error')) throw new CommandError('the requirement set has errors');
    return { doc: whole.document, label: 'requirement set' };
  }
  const view = state.views[arg.requirement ?? 0];
  if (!view) throw new CommandError(`no requirement #${arg.requirement ?? 0} in ${state.uri}`);
  const p = view.analysis.parse;
  if (!p.document) throw new CommandError('the requirement could not be parsed');
  const errors = p.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new CommandError(`the requirement has ${errors.length} error(s): ${errors[0]!.message}`);
  if (arg.entry !== undefined && p.document.kind === 'set') {
    const e = p.document.entries[arg.entry];
    if (!e) throw new CommandError(`no set entry #${arg.entry}`);
    return { doc: e.requirement, label: view.text.slice(e.typeRange.start.offset, e.typeRange.end.offset) };
  }
  return { doc: p.document, label: p.document.kind === 'set' ? 'requirement set' : 'requirement' };
}

/** A regular file of at most MAX_FILE_BYTES, counted as read (engine/files.ts), or undefined. */
function readBounded(path: string): Uint8Array | undefined {
  try {
    return readRegularFile(path, MAX_FILE_BYTES);
  } catch (err) {
    if (err instanceof FileReadError) return undefined;
    throw err;
  }
}

export function showCompiled(state: DocState, arg: RequirementArg, trusted: boolean): CompiledResult {
  const { doc, label } = selectDocument(state, arg);
  const result = compile(doc, { readCertificateFile: (path) => (trusted ? readBounded(path) : undefined) });
  if (!result.bytes) {
    throw new CommandError(`cannot compile: ${result.diagnostics.map((d) => d.message).join('; ') || 'unknown error'}${trusted ? '' : ' (certificate files are not read in an untrusted workspace)'}`);
  }
  const hex = toHex(result.bytes);
  const words = hex.match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) lines.push(words.slice(i, i + 8).join(' '));
  return { label, size: result.bytes.length, hex, dump: lines.join('\n'), magic: hex.slice(0, 8), diagnostics: result.diagnostics.map((d) => d.message) };
}

/**
 * A `uri` is read only when the client opened that document or the file lies
 * inside a workspace folder (symbolic links resolved); regular files only,
 * at most 1 MB. The bytes of a file that is not a blob are not echoed.
 */
export function decompileRequest(
  params: DecompileParams,
  access: { isOpen(uri: string): boolean; roots: readonly string[] } = { isOpen: () => false, roots: [] },
): DecompileResult {
  let bytes: Uint8Array | undefined;
  const fromFile = params.base64 === undefined;
  if (params.base64 !== undefined) {
    if (typeof params.base64 !== 'string') throw new CommandError('csrl/decompile: `base64` must be a string');
    if (params.base64.length > (MAX_FILE_BYTES * 4) / 3 + 4) throw new CommandError('blob larger than 1 MB');
    bytes = Buffer.from(params.base64, 'base64');
  } else if (typeof params.uri === 'string' && params.uri.startsWith('file:')) {
    let path: string;
    try {
      path = fileURLToPath(params.uri);
    } catch {
      throw new CommandError('csrl/decompile: `uri` is not a valid file: URI');
    }
    if (!access.isOpen(params.uri) && !insideRoots(path, access.roots)) {
      throw new CommandError(`csrl/decompile reads only documents the client opened or files inside the workspace folders; ${params.uri.slice(0, 200)} is neither`);
    }
    bytes = readBounded(path);
    if (!bytes) throw new CommandError(`cannot read ${params.uri.slice(0, 200)} (missing, not a regular file, or larger than 1 MB)`);
  } else {
    throw new CommandError('csrl/decompile needs `uri` (a file: URI) or `base64`');
  }
  if (bytes.length < 8) throw new CommandError(`not a requirement blob: only ${bytes.length} bytes`);
  const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (magic !== 0xfade0c00 && magic !== 0xfade0c01) {
    // A file's own bytes are not echoed back; a blob the client sent may be.
    throw new CommandError(fromFile ? 'not a requirement blob (expected magic 0xfade0c00 or 0xfade0c01)' : `not a requirement blob: magic 0x${magic.toString(16).padStart(8, '0')}, expected 0xfade0c00 or 0xfade0c01`);
  }
  let doc: RequirementDocument;
  try {
    doc = decompile(bytes);
  } catch (err) {
    throw new CommandError(`invalid blob: ${(err as Error).message}`);
  }
  const kind = doc.kind === 'set' ? 'set' : 'requirement';
  let text = printCanonical(doc);
  if (!text.endsWith('\n')) text += '\n';
  if (kind === 'set') text = '# csrl: set\n' + text;
  return { text, kind, size: bytes.length };
}

/**
 * The validator (Mach-O reader, CMS, ASN.1: most of the server's code) is
 * loaded when a test command first runs, so the server starts without it.
 * This import is the one way it is loaded: unbundled it is the module
 * beside this one, in the CLI's ESM bundle a chunk of its own, and in the
 * extension's server bundle the file dist/server-validator.cjs
 * (scripts/bundle.mjs points the import there).
 */
async function loadValidator(): Promise<typeof import('./validator-entry.js')> {
  try {
    return await import('./validator-entry.js');
  } catch (err) {
    throw new CommandError(`the validator could not be loaded (${(err as Error).message})`);
  }
}

/** The requirement an argument names, loaded as every door loads one (certificate files read only when trusted). */
function requirementOf(state: DocState, arg: RequirementArg, trusted: boolean, v: Awaited<ReturnType<typeof loadValidator>>): { requirement: Requirement; text: string } {
  const { doc } = selectDocument(state, arg);
  const single = v.singleRequirement(doc);
  if (typeof single === 'string') throw new CommandError(single);
  const view = state.views[arg.requirement ?? 0];
  // The requirement's own text (a set entry's, or the whole single requirement), as `csrl check -e` would be given it.
  const text = view && single.range.end.offset <= view.text.length ? view.text.slice(single.range.start.offset, single.range.end.offset) : v.printCanonical(single);
  const file = state.uri.startsWith('file:') ? fileURLToPath(state.uri) : undefined;
  const loaded = v.requirementFromText(text, { name: state.uri, baseDir: file ? path.dirname(file) : process.cwd(), readCertificateFiles: trusted && !!file });
  if (!loaded.requirement) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new CommandError(`the requirement has errors${first ? `: ${first.message}` : ''}`);
  }
  return { requirement: loaded.requirement, text };
}

/** The check's options from arguments whose types the server already checked (server.ts commandArgument). */
function checkOptionsOf(arg: CheckArgs, v: Awaited<ReturnType<typeof loadValidator>>): import('../engine/check.js').CheckOptions {
  let at;
  try {
    at = v.parseCheckTime(arg.at);
  } catch (err) {
    throw new CommandError(`\`at\` ${(err as Error).message}`);
  }
  return { at, verifyPages: arg.verifyPages ?? true, apple: v.defaultApple };
}

/** The path a test command reads, once the workspace is trusted. */
function pathTarget(command: string, arg: { path?: string | undefined }, trusted: boolean): string {
  if (!trusted) throw new CommandError('This workspace is not trusted: binaries are not inspected. Trust the workspace to test requirements against a binary.');
  if (typeof arg.path !== 'string' || arg.path === '') throw new CommandError(`${command} needs \`path\``);
  return arg.path;
}

/** The process a test command reads, once the workspace is trusted. */
function pidTarget(command: string, arg: { pid?: number | undefined }, trusted: boolean): number {
  if (!trusted) throw new CommandError('This workspace is not trusted: processes are not inspected.');
  if (typeof arg.pid !== 'number' || !Number.isInteger(arg.pid) || arg.pid <= 0 || arg.pid > 2 ** 31 - 1) throw new CommandError(`${command} needs a positive integer \`pid\``);
  return arg.pid;
}

/** csrl.testAgainstPath: the engine's check, exactly as `csrl check --json PATH` answers it. */
export async function testAgainstPath(state: DocState, arg: Partial<TestAgainstPathArgs> & RequirementArg, trusted: boolean): Promise<TestResult> {
  const target = pathTarget('csrl.testAgainstPath', arg, trusted);
  const v = await loadValidator();
  const { requirement, text } = requirementOf(state, arg, trusted, v);
  const result = await v.checkPath(requirement, text, path.resolve(target), checkOptionsOf(arg, v));
  result.path = target;
  return result;
}

/** csrl.testAgainstPid: the engine's process check inside the PID-reuse guard, as `csrl check --json --pid` answers it. */
export async function testAgainstPid(state: DocState, arg: Partial<TestAgainstPidArgs> & RequirementArg, trusted: boolean): Promise<TestResult> {
  const pid = pidTarget('csrl.testAgainstPid', arg, trusted);
  const v = await loadValidator();
  const { requirement, text } = requirementOf(state, arg, trusted, v);
  return v.checkProcess(pid, requirement, text, v.processNative(), checkOptionsOf(arg, v));
}

/** The LWCR an argument names (around `position`, or the only one), as the extension's LWCR commands find it. */
function lwcrOf(state: DocState, arg: LwcrArg): LwcrTarget {
  const cursor = arg.position ? state.index.offsetAt(arg.position.line, arg.position.character) : 0;
  const found = lwcrAt(state.text, state.languageId, cursor, (offset) => state.index.positionAt(offset).line);
  if ('error' in found) throw new CommandError(found.error);
  return found;
}

/** The LWCR check's options: the classic ones and the evaluator the host implies (a launchd plist: launch). */
function lwcrCheckOptionsOf(arg: CheckArgs, lwcr: LwcrTarget, v: Awaited<ReturnType<typeof loadValidator>>) {
  const { apple: _apple, ...options } = checkOptionsOf(arg, v);
  return { ...options, ...(lwcr.context ? { context: lwcr.context } : {}) };
}

/** csrl.testLwcrAgainstPath: the engine's LWCR check, exactly as `csrl check --json --lwcr-json TEXT PATH` answers it. */
export async function testLwcrAgainstPath(state: DocState, arg: Partial<TestLwcrAgainstPathArgs> & LwcrArg, trusted: boolean): Promise<TestLwcrResult> {
  const target = pathTarget('csrl.testLwcrAgainstPath', arg, trusted);
  const lwcr = lwcrOf(state, arg);
  const v = await loadValidator();
  const result = await v.checkLwcrPath(lwcr.tree, lwcr.text, path.resolve(target), lwcrCheckOptionsOf(arg, lwcr, v));
  result.path = target;
  return result;
}

/** csrl.testLwcrAgainstPid: the LWCR check of a process's executable inside the PID-reuse guard, as `csrl check --json --lwcr-json TEXT --pid PID`. */
export async function testLwcrAgainstPid(state: DocState, arg: Partial<TestLwcrAgainstPidArgs> & LwcrArg, trusted: boolean): Promise<TestLwcrResult> {
  const pid = pidTarget('csrl.testLwcrAgainstPid', arg, trusted);
  const lwcr = lwcrOf(state, arg);
  const v = await loadValidator();
  return v.checkLwcrProcess(pid, lwcr.tree, lwcr.text, v.processNative(), lwcrCheckOptionsOf(arg, lwcr, v));
}

export async function compareWithDesignated(state: DocState, arg: RequirementArg & { path?: string }, trusted: boolean): Promise<CompareWithDesignatedResult> {
  if (!trusted) throw new CommandError('This workspace is not trusted: binaries are not inspected.');
  if (!arg.path) throw new CommandError('csrl.compareWithDesignated needs `path`');
  const { doc } = selectDocument(state, arg);
  const ours = doc.kind === 'set' ? doc.entries.find((e) => e.type === 3)?.requirement ?? doc.entries[0]!.requirement : doc;
  const v = await loadValidator();
  const slices = await v.signedSlicesOf(arg.path);
  if (slices.length === 0) throw new CommandError(`no code signature could be read from ${arg.path}`);
  const ourBytes = compile(ours).bytes;
  return {
    path: arg.path,
    ours: printCanonical(ours),
    slices: slices.map((facts) => {
      if (!facts.requirementSet) return { arch: facts.arch, designated: undefined, note: 'no embedded requirement set (the designated requirement is implicit)' };
      try {
        const set = decompile(facts.requirementSet);
        const dr = set.kind === 'set' ? set.entries.find((e) => e.type === 3)?.requirement : set;
        if (!dr) return { arch: facts.arch, designated: undefined, note: 'the requirement set has no designated entry' };
        const drBytes = compile(dr).bytes;
        // Shown and compared as `codesign -d -r-` prints it, which does not show nesting: Apple
        // builds DRs right-nested and the compiler left-nests, so equal text can mean different bytes.
        const designated = printApple(dr);
        return { arch: facts.arch, designated, sameText: designated === printApple(ours), sameBytes: !!ourBytes && !!drBytes && toHex(ourBytes) === toHex(drBytes) };
      } catch (err) {
        return { arch: facts.arch, designated: undefined, note: `invalid embedded requirement set: ${(err as Error).message}` };
      }
    }),
  };
}
