/**
 * Loader and typed interface of the native validator (native/src, built by
 * node-gyp into build/Release/csrl_native.node). Loading never throws: when no
 * binary loads, the returned validator has `available: false`, the reason and
 * every path tried, and its methods reject with NativeUnavailableError, so the
 * CLI and the extension keep working without the addon.
 *
 * See native/README.md for the contract of each method.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AccessDeniedError,
  NativeError,
  NativeUnavailableError,
  NoExecutableError,
  ProcessChangedError,
  ProcessNotFoundError,
  UnsupportedPlatformError,
} from './errors.js';
import { checkModuleFile } from './binary-check.js';

export * from './errors.js';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Effective user id. */
  uid: number;
  /** Short name: the kernel's command name (Linux: at most 15 bytes; macOS: up to 32). */
  name: string;
  /** Absent when it cannot be read (other users' processes, kernel threads). */
  executablePath?: string;
  /** Opaque, stable for the lifetime of the process, different for a later process with the same PID. */
  startTime: string;
  /** Start time in milliseconds since the Unix epoch, for display. */
  startedAtMs?: number;
}

export interface ProcessIdentity {
  pid: number;
  startTime: string;
  /** macOS: the kernel's unique process id (never reused during a boot). */
  uniqueId?: string;
  /** macOS: the PID version, which changes on exec (also in the audit token). */
  pidVersion?: number;
}

/**
 * The executable file a process runs, and whether its path still names it
 * (native/src/backend.h ExecutableFile).
 */
export interface ExecutableFile {
  /** The path the file had; for a deleted file the path it had (Linux: without the kernel's " (deleted)"); '' when unknown. */
  path: string;
  /** Linux: `/proc/PID/exe`, which opens the very file the process runs, whatever happened to `path`. */
  readPath?: string;
  /** Device and inode (decimal) of the file the process runs; present whenever `state` is 'present'. */
  dev?: string;
  ino?: string;
  /** Linux: the file's link count (0 once deleted). */
  links?: number;
  /**
   * 'present': the file at `path` is the one the process runs (same device and inode);
   * 'deleted': nothing is at `path` any more; 'replaced': another file is at `path`;
   * 'unverified': which file the process runs could not be established (macOS: no access to its memory map).
   */
  state: 'present' | 'deleted' | 'replaced' | 'unverified';
  /** Why, for a state other than 'present'. */
  detail?: string;
}

export type Unsupported = { supported: false; platform: string; reason: string };

/** An OSStatus from Security.framework with Apple's own texts. */
export interface AppleStatus {
  status: number;
  /** Symbolic name such as errSecCSReqFailed; empty for codes not in our table. */
  name: string;
  /** SecCopyErrorMessageString. */
  message: string;
  /** CFErrorCopyDescription of the CFError, when the call returned one. */
  errorText?: string;
  /** The compiler's error lines (kSecCFErrorRequirementSyntax). */
  syntaxErrors?: string;
  userInfo?: Record<string, unknown>;
}

export interface AppleRequirement {
  /** SecRequirementCopyString. */
  text?: string;
  /** SecRequirementCopyData. */
  bytes?: Uint8Array;
}

export interface CodeSigningFlags {
  value: number;
  names: string[];
  unknownBits?: number;
  valid: boolean;
  hardenedRuntime: boolean;
  libraryValidation: boolean;
}

export interface AppleCheck {
  supported: true;
  kind: 'process' | 'path';
  /** Apple's verdict: true only when the check returned errSecSuccess. */
  satisfied: boolean;
  /** Set when Apple's compiler rejected the requirement text (nothing was checked). */
  requirementError?: AppleStatus;
  /** The check's status (SecCodeCheckValidityWithErrors / SecStaticCodeCheckValidityWithErrors). */
  result?: AppleStatus;
  /** Process checks: the same requirement against the code on disk (static validity may differ from dynamic). */
  staticResult?: AppleStatus;
  requirement?: AppleRequirement;
  path?: string;
  pid?: number;
  identity?: ProcessIdentity;
  usedAuditToken?: boolean;
  codeSigningFlags?: CodeSigningFlags;
  /** Path checks: the validation flags used. */
  flags?: string;
  /** Process checks: why a PID check is a point-in-time developer check only. */
  note?: string;
}

export interface AppleSigningDetails {
  status: AppleStatus;
  identifier?: string;
  teamIdentifier?: string;
  flags?: number;
  format?: string;
  source?: string;
  digestAlgorithm?: number;
  digestAlgorithms?: number[];
  cdhash?: Uint8Array;
  cdhashes?: Uint8Array[];
  entitlements?: Record<string, unknown>;
  infoPlist?: Record<string, unknown>;
  mainExecutable?: string;
  signingTime?: { dateMs: number };
  timestamp?: { dateMs: number };
  runtimeVersion?: number;
  platformIdentifier?: number;
  requirementsText?: string;
  requirementsData?: Uint8Array;
  dynamicStatus?: number;
  /** DER of each certificate, leaf first. */
  certificates?: Uint8Array[];
  designatedRequirement?: AppleRequirement;
  designatedRequirementStatus?: AppleStatus;
  implicitDesignatedRequirement?: AppleRequirement;
}

export interface AppleSigningInfo {
  supported: true;
  kind: 'process' | 'path';
  result: AppleStatus;
  signing?: AppleSigningDetails;
  path?: string;
  pid?: number;
  identity?: ProcessIdentity;
  usedAuditToken?: boolean;
  codeSigningFlags?: CodeSigningFlags;
  note?: string;
}

export interface AppleParse {
  supported: true;
  accepted: boolean;
  result: AppleStatus;
  /** Apple's canonical text (SecRequirementCopyString). */
  text?: string;
  /** Apple's compiled blob (SecRequirementCopyData). */
  bytes?: Uint8Array;
}

export type Backend = 'security-framework' | 'linux-proc' | 'none';

export interface LoadAttempt {
  path: string;
  error: string;
}

export interface NativeValidator {
  available: boolean;
  reason?: string;
  /** Every binary path considered, in order. */
  tried: string[];
  /** Why each failed attempt failed. */
  attempts: LoadAttempt[];
  /** The binary that loaded. */
  loadedFrom?: string;
  platform: NodeJS.Platform;
  backend: Backend;
  /** The process backend of the binary: 'linux-proc', 'darwin-libproc' or 'none'. */
  processBackend: string;
  listProcesses(): Promise<ProcessInfo[]>;
  /** Rejects with ProcessNotFoundError for a PID that does not (or no longer) exist. */
  processIdentity(pid: number): Promise<ProcessIdentity>;
  executablePath(pid: number): Promise<string>;
  /** The file the process runs and whether its path still names it; a kernel thread or zombie rejects with NoExecutableError. */
  executableFile(pid: number): Promise<ExecutableFile>;
  checkProcess(pid: number, requirement: string, options?: { auditToken?: Uint8Array }): Promise<AppleCheck | Unsupported>;
  checkPath(path: string, requirement: string): Promise<AppleCheck | Unsupported>;
  signingInformation(target: { pid: number; auditToken?: Uint8Array } | { path: string }): Promise<AppleSigningInfo | Unsupported>;
  parseRequirement(text: string): Promise<AppleParse | Unsupported>;
}

/** The raw exports of csrl_native.node (native/src/addon.cc). */
interface Binding {
  abi: number;
  platform: string;
  processBackend: string;
  securityBackend: string;
  listProcesses(): Promise<ProcessInfo[]>;
  processIdentity(pid: unknown): Promise<ProcessIdentity>;
  executablePath(pid: unknown): Promise<string>;
  executableFile(pid: unknown): Promise<ExecutableFile>;
  checkProcess(pid: unknown, requirement: unknown, auditToken?: unknown): Promise<AppleCheck | Unsupported>;
  checkPath(path: unknown, requirement: unknown): Promise<AppleCheck | Unsupported>;
  signingInformationForProcess(pid: unknown, auditToken?: unknown): Promise<AppleSigningInfo | Unsupported>;
  signingInformationForPath(path: unknown): Promise<AppleSigningInfo | Unsupported>;
  parseRequirement(text: unknown): Promise<AppleParse | Unsupported>;
}

const BINDING_ABI = 1;
const BINARY_NAME = 'csrl_native.node';
const BINDING_FUNCTIONS = [
  'listProcesses',
  'processIdentity',
  'executablePath',
  'executableFile',
  'checkProcess',
  'checkPath',
  'signingInformationForProcess',
  'signingInformationForPath',
  'parseRequirement',
] as const;

/**
 * This module's directory. In a CommonJS bundle (esbuild --format=cjs, as VS
 * Code extensions are) import.meta.url is empty, so fall back to __dirname.
 */
function moduleDir(): string {
  try {
    return path.dirname(fileURLToPath(import.meta.url));
  } catch {
    return typeof __dirname === 'string' ? __dirname : process.cwd();
  }
}

let nodeRequireCache: NodeJS.Require | undefined;
function nodeRequire(): NodeJS.Require {
  nodeRequireCache ??= createRequire(path.join(moduleDir(), 'index.js'));
  return nodeRequireCache;
}

export interface LoadOptions {
  /**
   * Where to look instead of the package root: `.node` files, or directories
   * searched like the package root (node-gyp-build's prebuilds, build/Release,
   * build/Debug, then `*.node` files in the directory itself).
   */
  searchPaths?: string[];
}

let cached: NativeValidator | undefined;

/**
 * Loads the addon. Never throws. Without options the result is cached.
 * The environment variable CSRL_NATIVE_PATH names one binary to load instead
 * of the default search (used by scripts/native-asan.sh).
 */
export function loadNative(options: LoadOptions = {}): NativeValidator {
  if (!options.searchPaths && cached) return cached;
  const explicit = process.env.CSRL_NATIVE_PATH;
  const searchPaths = options.searchPaths ?? (explicit ? [explicit] : [packageRoot()]);
  const validator = load(searchPaths);
  if (!options.searchPaths) cached = validator;
  return validator;
}

function load(searchPaths: string[]): NativeValidator {
  const tried: string[] = [];
  const attempts: LoadAttempt[] = [];
  for (const candidate of candidates(searchPaths)) {
    if (tried.includes(candidate)) continue;
    tried.push(candidate);
    if (!existsSync(candidate)) {
      attempts.push({ path: candidate, error: 'not found' });
      continue;
    }
    try {
      const problem = checkModuleFile(candidate);
      if (problem) throw new Error(problem);
      const binding = checkBinding(nodeRequire()(candidate));
      return available(binding, tried, attempts, candidate);
    } catch (err) {
      attempts.push({ path: candidate, error: firstLine(err) });
    }
  }
  const loadErrors = attempts.filter((a) => a.error !== 'not found');
  const reason =
    loadErrors.length > 0
      ? `no usable native addon: ${loadErrors.map((a) => `${a.path}: ${a.error}`).join('; ')}`
      : `native addon not built (looked for ${tried.length} path${tried.length === 1 ? '' : 's'}; run \`npm ci\` or \`node native/scripts/install.js\`)`;
  return unavailable(reason, tried, attempts);
}

function candidates(searchPaths: string[]): string[] {
  const out: string[] = [];
  for (const entry of searchPaths) {
    const abs = path.resolve(entry);
    if (abs.endsWith('.node') || isFile(abs)) {
      out.push(abs);
      continue;
    }
    const viaNodeGypBuild = nodeGypBuildPath(abs);
    if (viaNodeGypBuild) out.push(viaNodeGypBuild);
    const prebuilds = path.join(abs, 'prebuilds', `${process.platform}-${process.arch}`);
    const prebuilt = listDir(prebuilds).filter((n) => n.endsWith('.node'));
    if (prebuilt.length === 0) out.push(prebuilds);
    for (const name of prebuilt) out.push(path.join(prebuilds, name));
    out.push(path.join(abs, 'build', 'Release', BINARY_NAME), path.join(abs, 'build', 'Debug', BINARY_NAME));
    for (const name of listDir(abs)) if (name.endsWith('.node')) out.push(path.join(abs, name));
  }
  return out;
}

/** node-gyp-build's choice for a package directory (prebuilds/<platform>-<arch>, build/*), if any. */
function nodeGypBuildPath(dir: string): string | undefined {
  try {
    const ngb = nodeRequire()('node-gyp-build') as { path(dir: string): string };
    return ngb.path(dir);
  } catch {
    return undefined;
  }
}

function checkBinding(mod: unknown): Binding {
  const b = mod as Partial<Binding> | null;
  if (!b || typeof b !== 'object') throw new Error('not a csrl native addon (no exports)');
  if (b.abi !== BINDING_ABI) throw new Error(`incompatible csrl native addon (abi ${String(b.abi)}, expected ${BINDING_ABI})`);
  for (const name of BINDING_FUNCTIONS) {
    if (typeof b[name] !== 'function') throw new Error(`incompatible csrl native addon (missing ${name})`);
  }
  return b as Binding;
}

function available(binding: Binding, tried: string[], attempts: LoadAttempt[], loadedFrom: string): NativeValidator {
  const backend: Backend =
    binding.securityBackend === 'security-framework'
      ? 'security-framework'
      : binding.processBackend === 'linux-proc'
        ? 'linux-proc'
        : 'none';
  return {
    available: true,
    tried,
    attempts,
    loadedFrom,
    platform: process.platform,
    backend,
    processBackend: binding.processBackend,
    listProcesses: () => binding.listProcesses().catch(rethrow),
    processIdentity: (pid) => binding.processIdentity(pid).catch(rethrow),
    executablePath: (pid) => binding.executablePath(pid).catch(rethrow),
    executableFile: (pid) => binding.executableFile(pid).catch(rethrow),
    checkProcess: (pid, requirement, options) => binding.checkProcess(pid, requirement, options?.auditToken).catch(rethrow),
    checkPath: (p, requirement) => binding.checkPath(absolute(p), requirement).catch(rethrow),
    signingInformation: (target) => {
      if (target === null || typeof target !== 'object') throw new TypeError('target must be { pid } or { path }');
      if ('pid' in target) return binding.signingInformationForProcess(target.pid, target.auditToken).catch(rethrow);
      if ('path' in target) return binding.signingInformationForPath(absolute(target.path)).catch(rethrow);
      throw new TypeError('target must be { pid } or { path }');
    },
    parseRequirement: (text) => binding.parseRequirement(text).catch(rethrow),
  };
}

function unavailable(reason: string, tried: string[], attempts: LoadAttempt[]): NativeValidator {
  const fail = (): Promise<never> => Promise.reject(new NativeUnavailableError(reason));
  return {
    available: false,
    reason,
    tried,
    attempts,
    platform: process.platform,
    backend: 'none',
    processBackend: 'none',
    listProcesses: fail,
    processIdentity: fail,
    executablePath: fail,
    executableFile: fail,
    checkProcess: fail,
    checkPath: fail,
    signingInformation: fail,
    parseRequirement: fail,
  };
}

/** Turns the addon's coded errors into the typed error classes. */
function rethrow(err: unknown): never {
  if (!(err instanceof Error)) throw err;
  const code = (err as Error & { code?: unknown }).code;
  const errno = (err as Error & { errno?: unknown }).errno;
  const extra = typeof errno === 'number' ? { errno } : {};
  switch (code) {
    case 'ERR_CSRL_NO_SUCH_PROCESS':
      throw Object.assign(new ProcessNotFoundError(err.message), extra);
    case 'ERR_CSRL_NO_EXECUTABLE':
      throw Object.assign(new NoExecutableError(err.message), extra);
    case 'ERR_CSRL_PROCESS_CHANGED':
      throw Object.assign(new ProcessChangedError(err.message), extra);
    case 'ERR_CSRL_ACCESS_DENIED':
      throw Object.assign(new AccessDeniedError(err.message), extra);
    case 'ERR_CSRL_UNSUPPORTED_PLATFORM':
      throw Object.assign(new UnsupportedPlatformError(err.message), extra);
    case 'ERR_CSRL_SYSTEM':
      throw Object.assign(new NativeError(err.message, 'ERR_CSRL_SYSTEM'), extra);
    default:
      throw err;
  }
}

/** The directory holding csrl's package.json (works from out/native and from a bundle in dist/). */
function packageRoot(): string {
  const here = moduleDir();
  let dir = here;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'csrl') return dir;
    } catch {
      // keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(here, '..', '..');
}

/** Paths are resolved against the current directory here, so results name the file unambiguously. */
function absolute(p: unknown): unknown {
  return typeof p === 'string' && p !== '' && !p.includes('\0') ? path.resolve(p) : p;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
