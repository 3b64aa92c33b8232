import * as path from 'node:path';
import { toHex } from '../../grammar/bytes.js';
import { checkProcessFile, loadNative, NativeError, ProcessChangedError, ProcessNotFoundError, type NativeValidator, type ProcessIdentity } from '../../native/index.js';
import { whyAppleUnavailable } from '../../native/apple-verdict.js';
import {
  appleReadingOf,
  appleReadingOfError,
  appleSigningLines,
  notRead,
  ourSliceOf,
  preferredArchitectures,
  withoutComparison,
  withSigningComparison,
  type AppleReading,
} from '../../native/apple-signing.js';
import type { CertificateFacts, CodeDirectoryFacts, PlistDict, PlistValue } from '../../validator/facts.js';
import type { Problem } from '../../validator/problems.js';
import { CodeReadError, readCode, type CodeReport, type ReadOptions, type SliceReport } from '../../validator/read.js';
import type { ResourceReport } from '../../validator/resources/verify.js';
import { flagNames, versionText } from '../../validator/signature/codedirectory.js';
import { slotName } from '../../validator/signature/blobs.js';
import { parseArgs, type ParsedArgs } from '../args.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';

const HELP = `usage: csrl info (PATH | --pid PID) [--json] [--arch ARCH] [--no-verify-pages] [--at signing-time|now|ISO-8601]

Shows the code signature of PATH (a Mach-O file, or an .app/.framework/.xpc/
.appex bundle) for every architecture slice, on any OS: identifier, team,
flags, CodeDirectories and cdhashes, entitlements, Info.plist, certificate
chain, signing time, the designated requirement (prefixed "# " when it is
implicit, as codesign -d -r- prints it), posture warnings, and whether the
signature verifies (every code page is hashed unless --no-verify-pages).

  --pid PID            inspect the executable file that process PID runs (via
                       the native addon): a point-in-time static check of the
                       file on disk, not of the live process
  --json               print everything as JSON
  --arch ARCH          only this slice (x86_64, arm64, arm64e, i386, ...)
  --no-verify-pages    check the signature only, not the code pages or sealed bundle resources (faster)
  --at WHEN            when certificates must be valid: signing-time (default),
                       now, or an ISO-8601 date

Exit status: 0 every slice is signed and its signature verifies; 3 not
Mach-O, an unsigned slice, or an invalid signature (the message says which),
or (--pid) no such process, the process changed during the check, or the
native addon is not available; on macOS also when csrl and Apple read the
signature differently; 64 usage error.

On macOS, Apple's own reading (Security.framework, through the native addon)
is shown beside ours, for PATH and for --pid: identifier, team, cdhash, flags,
signing time and format. Identifier, team, cdhash of the strongest
CodeDirectory, flags and entitlement keys are compared with the slice Apple
read; any difference is printed loudly. Elsewhere only csrl's reader answers.
`;

/** What `info` prints for one slice, beside the reader's own report. */
export interface SliceInfo {
  designated?: { text: string; implicit: boolean };
  designatedError?: string;
  posture?: { code: string; severity: 'warning' | 'info'; message: string }[];
  /** Set when an optional module (designated requirement, posture) could not be loaded. */
  notes: string[];
}

/**
 * Where the code to inspect comes from when it is a path. `--pid` goes
 * through checkPidFile instead, because its result must stay inside the
 * PID-reuse guard.
 */
export async function resolveTarget(opts: ParsedArgs): Promise<string> {
  if (opts.positionals.length !== 1) throw new UsageError(opts.positionals.length === 0 ? 'missing PATH (or --pid PID)' : 'give exactly one PATH');
  return opts.positionals[0]!;
}

/** The part of the native validator `--pid` needs; tests pass a loader result of their own. */
export type PidNative = Pick<NativeValidator, 'available' | 'reason' | 'backend' | 'processIdentity' | 'executablePath' | 'checkProcess'>;

/** What a `--pid` result is about; in `--json` output as `target`. */
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

const MAX_PID = 2 ** 31 - 1;

/** `--pid` takes a positive decimal integer that fits a pid_t; anything else is a usage error, never a guess. */
export function parsePid(value: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_PID) throw new UsageError(`--pid takes a positive integer process id, not '${value}'`);
  return Number(value);
}

/** PATH and --pid name the code to inspect in two different ways: exactly one of them. */
export function pidOption(opts: ParsedArgs): number | undefined {
  if (opts.values.pid === undefined) return undefined;
  const pid = parsePid(opts.values.pid);
  if (opts.positionals.length > 0) throw new UsageError('give either PATH or --pid PID, not both');
  return pid;
}

/**
 * Resolves process `pid` to its executable and runs `check` on that file
 * inside the PID-reuse guard, so a result is only returned if the same
 * process incarnation existed before and after. `check` must not throw for
 * problems with the file (return them as values), or the guard is skipped.
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

/** The label printed with every `--pid` result, so nobody mistakes it for a check of the live process. */
export function pidLabel(t: PidTarget): string {
  return [
    `Process ${t.pid}: STATIC CHECK OF THE FILE ON DISK (static-file-check), point-in-time at ${t.checkedAt}`,
    `  executable: ${t.executablePath}`,
    `  identity: ${t.identity.startTime}${t.identity.uniqueId !== undefined ? ` unique id ${t.identity.uniqueId}` : ''}`,
    `  note: ${t.note}`,
  ].join('\n') + '\n';
}

/** A read as a value, so a file problem does not skip the PID-reuse guard's second look at the process. */
export function readOutcome(read: Promise<CodeReport>): Promise<{ report: CodeReport } | { error: unknown }> {
  return read.then(
    (report) => ({ report }),
    (error: unknown) => ({ error }),
  );
}

/** Loaded only for --pid (and, on macOS, for Apple's reading), so path checks elsewhere never pay for (or depend on) the addon. */
export function defaultNative(): PidNative {
  return loadNative();
}

export function parseAt(value: string | undefined): ReadOptions['at'] {
  if (value === undefined || value === 'signing-time') return 'signing-time';
  if (value === 'now') return 'now';
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new UsageError(`--at must be signing-time, now or an ISO-8601 date, not '${value}'`);
  return date;
}

/** The part of the native validator that reads Apple's signing information. */
export type SigningNative = Pick<NativeValidator, 'available' | 'reason' | 'backend' | 'platform' | 'signingInformation'>;

export interface InfoDeps {
  /** For --pid; the real addon (loaded on first use) when absent. */
  native?: PidNative;
  /**
   * Who reads Apple's signing information beside ours (PATH and --pid);
   * absent means ours only. The default deps set it on macOS only, so
   * elsewhere `info` never loads (or mentions) Security.framework.
   */
  appleNative?: () => SigningNative;
  /** Architectures in the order Apple prefers them here; from process.arch when absent. */
  preferredArchs?: readonly string[];
}

/** What `run` uses when called without deps (the CLI and the extension): Apple's reading on macOS only. */
export function defaultInfoDeps(platform: NodeJS.Platform = process.platform): InfoDeps {
  return platform === 'darwin' ? { appleNative: loadNative } : {};
}

/** Apple's reading of the file at `file`; never throws: a failure is a missing reading, with why. */
async function askApplePath(native: SigningNative, file: string): Promise<AppleReading> {
  const why = whyAppleUnavailable(native);
  if (why) return notRead(why);
  try {
    return appleReadingOf(await native.signingInformation({ path: file }));
  } catch (err) {
    return appleReadingOfError(err);
  }
}

/** Apple's reading of process `pid`; the guard's own errors propagate so the whole result is discarded. */
async function askAppleProcess(native: SigningNative, pid: number): Promise<AppleReading> {
  const why = whyAppleUnavailable(native);
  if (why) return notRead(why);
  try {
    return appleReadingOf(await native.signingInformation({ pid }));
  } catch (err) {
    if (err instanceof ProcessChangedError || err instanceof ProcessNotFoundError) throw err;
    return appleReadingOfError(err);
  }
}

export async function run(args: string[], io: CommandIO, deps: InfoDeps = defaultInfoDeps()): Promise<number> {
  const opts = parseArgs(args, {
    values: { arch: ['--arch'], at: ['--at'], pid: ['--pid'] },
    flags: { json: ['--json'], noVerifyPages: ['--no-verify-pages'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const pid = pidOption(opts);
  const target = pid === undefined ? await resolveTarget(opts) : undefined;
  const options: ReadOptions = { verifyPages: !opts.flags.noVerifyPages, at: parseAt(opts.values.at) };
  if (opts.values.arch !== undefined) options.arch = opts.values.arch;

  // Loaded while the pages are hashed; awaited (and failures reported) per slice below.
  const modules = loadOptionalModules();
  const appleNative = deps.appleNative?.();
  let report: CodeReport;
  let pidTarget: PidTarget | undefined;
  let asking: Promise<AppleReading> | undefined;
  try {
    if (pid === undefined) {
      // Apple reads while we read: both look at the same file.
      asking = appleNative ? askApplePath(appleNative, path.resolve(target!)) : undefined;
      report = await readCode(target!, options);
    } else {
      // A file problem is returned, not thrown, so the guard still confirms the process did not change.
      const checked = await checkPidFile(pid, deps.native ?? defaultNative(), async (exe) => {
        const [read, apple] = await Promise.all([readOutcome(readCode(exe, options)), appleNative ? askAppleProcess(appleNative, pid) : undefined]);
        return { read, apple };
      });
      if (!checked.ok) {
        if (opts.flags.json) io.stdout(toJson({ target: { kind: 'static-file-check', pid }, verdict: 'unreadable', error: checked.failure }) + '\n');
        io.stderr(`csrl info: ${checked.failure.message}\n`);
        return EXIT.cannotCheck;
      }
      pidTarget = checked.target;
      if (checked.result.apple) asking = Promise.resolve(checked.result.apple);
      if ('error' in checked.result.read) throw checked.result.read.error;
      report = checked.result.read.report;
    }
  } catch (err) {
    if (!(err instanceof CodeReadError)) throw err;
    const shownPath = pidTarget?.executablePath ?? target!;
    const apple = asking ? withoutComparison(await asking, err.message) : undefined;
    if (opts.flags.json) io.stdout(toJson({ ...(pidTarget ? { target: pidTarget } : {}), path: shownPath, verdict: 'unreadable', error: { code: err.code, message: err.message }, ...(apple ? { apple } : {}) }) + '\n');
    if (pidTarget) io.stderr(pidLabel(pidTarget));
    io.stderr(`csrl info: ${err.code === 'not-macho' ? 'not Mach-O: ' : ''}${err.message}\n`);
    if (apple && !opts.flags.json) io.stderr(appleSigningLines(apple).join('\n') + '\n');
    return err.code === 'arch-not-found' ? EXIT.usage : EXIT.cannotCheck;
  }
  const loaded = await modules;
  const extras = report.slices.map((s) => sliceInfo(s, loaded));
  const verdict = overallVerdict(report);
  const apple = asking
    ? withSigningComparison(
        report.slices.map((s) => ourSliceOf(s.facts)),
        await asking,
        { someArchitectures: options.arch !== undefined, preferredArchs: deps.preferredArchs ?? preferredArchitectures(process.arch) },
      )
    : undefined;

  if (opts.flags.json) io.stdout(toJson({ ...(pidTarget ? { target: pidTarget } : {}), ...jsonReport(report, extras, verdict), ...(apple ? { apple } : {}) }) + '\n');
  else io.stdout((pidTarget ? pidLabel(pidTarget) + '\n' : '') + textReport(report, extras) + (apple ? '\n' + appleSigningLines(apple).join('\n') + '\n' : ''));

  let code: number = verdict === 'valid' ? EXIT.ok : EXIT.cannotCheck;
  for (const s of report.slices) {
    if (s.status === 'unsigned') io.stderr(`csrl info: ${s.arch}: unsigned (no code signature)\n`);
    else if (!s.verification.ok) {
      const first = s.verification.problems.find((p) => p.severity === 'error');
      io.stderr(`csrl info: ${s.arch}: invalid signature: ${first?.message ?? 'unknown problem'}\n`);
    }
  }
  if (apple?.disagreement) {
    io.stderr(`csrl info: DISAGREEMENT WITH APPLE for ${pidTarget ? `process ${pidTarget.pid}` : target!}: ${apple.disagreement.join('; ')}\n`);
    code = EXIT.cannotCheck;
  }
  return code;
}

export function overallVerdict(report: CodeReport): 'valid' | 'unsigned' | 'invalid' {
  if (report.slices.some((s) => s.status === 'unsigned')) return 'unsigned';
  return report.slices.every((s) => s.verification.ok) ? 'valid' : 'invalid';
}

interface OptionalModules {
  designated?: typeof import('../../validator/designated.js');
  posture?: typeof import('../../validator/posture.js');
  notes: string[];
}

/** The designated requirement and posture come from the evaluator's modules; `info` degrades with a note if they fail to load. */
async function loadOptionalModules(): Promise<OptionalModules> {
  const out: OptionalModules = { notes: [] };
  const why = (err: unknown) => (err instanceof Error ? err.message : String(err));
  await Promise.all([
    import('../../validator/designated.js').then(
      (m) => (out.designated = m),
      (err) => out.notes.push(`designated requirement unavailable (${why(err)})`),
    ),
    import('../../validator/posture.js').then(
      (m) => (out.posture = m),
      (err) => out.notes.push(`posture report unavailable (${why(err)})`),
    ),
  ]);
  return out;
}

function sliceInfo(slice: SliceReport, modules: OptionalModules): SliceInfo {
  const info: SliceInfo = { notes: [] };
  if (slice.status === 'unsigned') return info;
  info.notes.push(...modules.notes);
  if (modules.designated) {
    try {
      const dr = modules.designated.designatedRequirement(slice.facts);
      info.designated = { text: dr.text, implicit: dr.implicit };
    } catch (err) {
      info.designatedError = err instanceof Error ? err.message : String(err);
    }
  }
  if (modules.posture) {
    const at = slice.verification.at;
    info.posture = modules.posture.postureReport(slice.facts, undefined, at ? { at } : {});
  }
  return info;
}

function certJson(c: CertificateFacts) {
  return {
    subject: c.subjectText,
    issuer: c.issuerText,
    serial: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha1: toHex(c.sha1),
    sha256: toHex(c.sha256),
  };
}

function cdJson(cd: CodeDirectoryFacts) {
  return {
    slot: cd.slot,
    version: '0x' + cd.version.toString(16),
    flags: cd.flags,
    flagNames: flagNames(cd.flags),
    hashType: cd.hashType,
    identifier: cd.identifier,
    teamIdentifier: cd.teamIdentifier ?? null,
    platform: cd.platform,
    pageSize: cd.pageSize,
    codeSlots: cd.codeSlots,
    specialSlots: cd.specialSlots,
    codeLimit: cd.codeLimit,
    execSegFlags: cd.execSegFlags ?? null,
    runtime: cd.runtime !== undefined ? versionText(cd.runtime) : null,
    cdhash: toHex(cd.cdhash),
    cdhashTruncated: toHex(cd.cdhash.subarray(0, 20)),
  };
}

function jsonReport(report: CodeReport, extras: SliceInfo[], verdict: string) {
  return {
    path: report.path,
    executablePath: report.executablePath,
    bundle: report.bundle ? { path: report.bundle.path, infoPlist: report.bundle.infoPlist ?? null } : null,
    container: report.container,
    verdict,
    resources: report.resources ? resourcesJson(report.resources) : null,
    slices: report.slices.map((s, i) => {
      const f = s.facts;
      const x = extras[i]!;
      return {
        arch: s.arch,
        cpuType: s.cpuType,
        cpuSubtype: s.cpuSubtype,
        fileType: s.fileType,
        offset: s.offset,
        size: s.size,
        status: s.status,
        identifier: f.identifier ?? null,
        teamIdentifier: f.teamIdentifier ?? null,
        cdhash: f.cdhash ? toHex(f.cdhash) : null,
        flags: f.codeDirectories[0]?.flags ?? null,
        flagNames: f.codeDirectories[0] ? flagNames(f.codeDirectories[0].flags) : [],
        adhoc: f.adhoc,
        linkerSigned: f.linkerSigned,
        codeDirectories: f.codeDirectories.map(cdJson),
        blobs: s.blobs.map((b) => ({ ...b, name: slotName(b.slot) })),
        signature: s.signature ?? null,
        entitlements: f.entitlements ?? null,
        infoPlist: f.infoPlist ?? null,
        certificates: f.certificates.map(certJson),
        signingTime: f.signingTime?.toISOString() ?? null,
        secureTimestamp: f.secureTimestamp?.toISOString() ?? null,
        designated: x.designated ?? null,
        ...(x.designatedError ? { designatedError: x.designatedError } : {}),
        posture: x.posture ?? null,
        notes: x.notes,
        verification: {
          ok: s.verification.ok,
          pagesVerified: s.verification.pagesVerified,
          at: s.verification.at?.toISOString() ?? null,
          problems: s.verification.problems,
        },
      };
    }),
  };
}

/** The resource seal's summary; its problems are already in each signed slice's verification. */
function resourcesJson(r: ResourceReport) {
  return { version: r.version, sealed: r.sealed, checked: r.checked, bytesHashed: r.bytesHashed, nested: r.nested, complete: r.complete };
}

function plistScalar(v: PlistValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (Array.isArray(v)) return `[${v.length} items]`;
  return `{${Object.keys(v).length} keys}`;
}

const INFO_SUMMARY_KEYS = ['CFBundleIdentifier', 'CFBundleName', 'CFBundleExecutable', 'CFBundleShortVersionString', 'CFBundleVersion', 'LSMinimumSystemVersion'];

function infoPlistLines(plist: PlistDict, out: string[]): void {
  const keys = Object.keys(plist);
  out.push(`Info.plist entries=${keys.length}`);
  for (const k of INFO_SUMMARY_KEYS) if (k in plist) out.push(`  ${k}=${plistScalar(plist[k]!)}`);
}

function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function problemLine(p: Problem): string {
  return `  ${p.severity}: ${p.message} [${p.code}]`;
}

function kindOf(s: SliceReport): string {
  if (s.status === 'unsigned') return 'unsigned';
  if (s.status === 'adhoc') return s.facts.linkerSigned ? 'adhoc (linker-signed)' : 'adhoc';
  const leaf = s.facts.certificates[0];
  return leaf ? `signed by ${leaf.subject.find((a) => a.name === 'CN')?.value ?? leaf.subjectText}` : 'signed';
}

function textReport(report: CodeReport, extras: SliceInfo[]): string {
  const out: string[] = [];
  out.push(`Executable=${report.executablePath}`);
  if (report.bundle) out.push(`Bundle=${report.bundle.path}`);
  out.push(`Format=${report.container === 'thin' ? 'Mach-O thin' : `Mach-O universal (${report.container})`} (${report.slices.map((s) => s.arch).join(' ')})`);
  report.slices.forEach((s, i) => {
    const f = s.facts;
    const x = extras[i]!;
    out.push('');
    out.push(`--- ${s.arch} (${s.fileType}, file offset ${s.offset}, ${s.size} bytes): ${kindOf(s)}`);
    if (f.infoPlist && !report.bundle) infoPlistLines(f.infoPlist, out);
    if (s.status === 'unsigned') return;
    if (f.identifier !== undefined) out.push(`Identifier=${f.identifier}`);
    out.push(`TeamIdentifier=${f.teamIdentifier ?? 'not set'}`);
    const primary = f.codeDirectories[0];
    if (primary) {
      out.push(`Flags=0x${primary.flags.toString(16)}(${flagNames(primary.flags).join(',') || 'none'})`);
      if (primary.runtime !== undefined) out.push(`Runtime Version=${versionText(primary.runtime)}`);
      out.push(`Platform=${primary.platform}`);
    }
    if (s.signature) {
      out.push(`Signature: LC_CODE_SIGNATURE dataoff=${s.signature.dataOffset} datasize=${s.signature.dataSize}, superblob ${s.signature.superBlobLength} bytes${s.signature.cmsSize !== undefined ? `, CMS ${s.signature.cmsSize} bytes` : ''}`);
      for (const b of s.blobs) out.push(`  slot 0x${b.slot.toString(16)} ${slotName(b.slot)}: magic 0x${b.magic.toString(16)}, offset ${b.offset}, ${b.length} bytes`);
    }
    for (const cd of f.codeDirectories) {
      const pages = s.signature?.pages?.find((p) => p.directory === cd.slot);
      out.push(
        `CodeDirectory v=${cd.version.toString(16)} slot=0x${cd.slot.toString(16)} hash=${cd.hashType} page size=${cd.pageSize} code slots=${cd.codeSlots} special slots=${cd.specialSlots} codeLimit=${cd.codeLimit}` +
          (cd.execSegFlags !== undefined ? ` execSegFlags=0x${cd.execSegFlags.toString(16)}` : '') +
          (pages ? ` pages ${pages.mismatches === 0 ? 'verified' : `${pages.mismatches} MISMATCHED`}` : ''),
      );
      out.push(`  CDHash=${toHex(cd.cdhash.subarray(0, 20))}${cd.cdhash.length > 20 ? ` (full ${cd.hashType} ${toHex(cd.cdhash)})` : ''}`);
    }
    if (f.cdhash) out.push(`CDHash=${toHex(f.cdhash)}`);
    if (f.signingTime) out.push(`Signed Time=${f.signingTime.toISOString()}`);
    if (f.secureTimestamp) out.push(`Timestamp=${f.secureTimestamp.toISOString()}`);
    if (f.infoPlist && report.bundle) infoPlistLines(f.infoPlist, out);
    else if (!f.infoPlist) out.push('Info.plist=not bound');
    if (f.entitlements) {
      const keys = Object.keys(f.entitlements);
      out.push(`Entitlements (${keys.length}):${keys.length === 0 ? ' none' : ''}`);
      for (const k of keys) out.push(`  ${k} = ${plistScalar(f.entitlements[k]!)}`);
    }
    if (s.signature?.derEntitlements) {
      const dict = s.signature.derEntitlementsDict;
      out.push(`DER entitlements: ${s.signature.derEntitlements.length} bytes${dict ? `, ${Object.keys(dict).length} keys` : ', not decodable'}`);
    }
    if (s.signature?.specialSlots.some((c) => c.slot === 3 && c.status === 'not-checked')) {
      out.push('CodeResources: sealed (special slot 3), but this executable is outside its bundle: the sealed resources are not here to check');
    }
    const r = report.resources;
    if (r) {
      out.push(`Sealed Resources version=${r.version} files=${r.sealed}: ${r.complete ? 'checked' : 'checked in part'} ${r.checked} on disk, ${formatBytes(r.bytesHashed)} hashed${r.nested > 0 ? `, ${r.nested} nested code` : ''}`);
    }
    f.certificates.forEach((c, n) => {
      out.push(`Authority ${n}: ${c.subjectText}`);
      out.push(`  issuer: ${c.issuerText}`);
      out.push(`  valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()}`);
      out.push(`  SHA-1 ${toHex(c.sha1)}`);
      out.push(`  SHA-256 ${toHex(c.sha256)}`);
    });
    if (x.designated) out.push(`${x.designated.implicit ? '# ' : ''}designated => ${x.designated.text}`);
    else if (x.designatedError) out.push(`designated requirement: ${x.designatedError}`);
    for (const note of x.notes) out.push(`note: ${note}`);
    const v = s.verification;
    out.push(`Verification: ${v.ok ? 'valid' : 'INVALID'}${v.pagesVerified ? ' (every code page checked)' : ' (code pages not checked)'}${v.at ? `, certificates judged at ${v.at.toISOString()}` : ''}`);
    for (const p of v.problems) out.push(problemLine(p));
    if (x.posture && x.posture.length > 0) {
      out.push('Posture:');
      for (const p of x.posture) out.push(`  ${p.severity}: ${p.message}`);
    }
  });
  return out.join('\n') + '\n';
}
