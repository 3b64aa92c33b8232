/**
 * What `csrl info` shows, for every door that shows it (the CLI and the
 * extension's "Show signing information of…"): the signature of a file,
 * bundle or process's executable read by the portable reader, with Apple's
 * reading beside it on macOS, rendered once as JSON and as text.
 */
import * as path from 'node:path';
import { toHex } from '../grammar/bytes.js';
import type { CertificateFacts, CodeDirectoryFacts, PlistDict, PlistValue } from '../validator/facts.js';
import { oneLine } from '../validator/printable.js';
import type { Problem } from '../validator/problems.js';
import { CodeReadError, readCode, type CodeReport, type ExpectedFile, type ReadOptions, type SliceReport } from '../validator/read.js';
import type { ResourceReport } from '../validator/resources/verify.js';
import { slotName } from '../validator/signature/blobs.js';
import { flagNames, versionText } from '../validator/signature/codedirectory.js';
import type { NativeValidator } from '../native/index.js';
import { askAppleReading, type Asked } from './apple/ask.js';
import { appleSigningLines, ourSliceOf, preferredArchitectures, withoutComparison, withSigningComparison, type AppleReading } from './apple/signing.js';
import { checkPidFile, settled, type PidFailure, type PidNative, type PidTarget } from './process-target.js';
import { constraintsOf, defaultDesignatedOf, type ConstraintInfo, type DefaultDesignatedInfo } from './lwcr-info.js';
import { pidLabel } from './render.js';

/** What `info` prints for one slice, beside the reader's own report. */
export interface SliceInfo {
  designated?: { text: string; implicit: boolean };
  designatedError?: string;
  posture?: { code: string; severity: 'warning' | 'info'; message: string }[];
  /** Set when an optional module (designated requirement, posture) could not be loaded. */
  notes: string[];
  /** Launch and library constraints (slots 8–11), decoded. */
  constraints?: ConstraintInfo[];
  /** The default designated LWCR Security.framework would compute (never stored). */
  defaultDesignatedLwcr?: DefaultDesignatedInfo;
}

/** The part of the native validator that reads Apple's signing information. */
export type SigningNative = Asked & Pick<NativeValidator, 'signingInformation'>;

export interface InfoOptions {
  read: ReadOptions;
  /** Who reads Apple's signing information beside ours; absent means ours only. */
  apple?: SigningNative | undefined;
  /** Architectures in the order Apple prefers them here; from process.arch when absent. */
  preferredArchs?: readonly string[];
  /** Who reads code signatures; tests replace it. */
  readCode?: (path: string, options: ReadOptions, expect?: ExpectedFile) => Promise<CodeReport>;
}

export type InfoOutcome =
  | { kind: 'process-failed'; pid: number; failure: PidFailure }
  | { kind: 'unreadable'; path: string; error: CodeReadError; target?: PidTarget; apple?: AppleReading }
  | { kind: 'read'; report: CodeReport; extras: SliceInfo[]; verdict: 'valid' | 'unsigned' | 'invalid'; target?: PidTarget; apple?: AppleReading };

/** The signature of the file or bundle at `file`. */
export async function inspectPath(file: string, options: InfoOptions): Promise<InfoOutcome> {
  const modules = loadOptionalModules();
  // Apple reads while we read: both look at the same file.
  const asking = options.apple ? askAppleReading(options.apple, { path: path.resolve(file) }) : undefined;
  const read = await settled((options.readCode ?? readCode)(file, options.read));
  return outcomeOf(file, read, asking, undefined, modules, options);
}

/** The signature of the executable process `pid` runs, inside the PID-reuse guard. */
export async function inspectProcess(pid: number, native: PidNative, options: InfoOptions): Promise<InfoOutcome> {
  const modules = loadOptionalModules();
  const checked = await checkPidFile(pid, native, async (readPath, _identity, expect) => {
    const [read, apple] = await Promise.all([settled((options.readCode ?? readCode)(readPath, options.read, expect)), options.apple ? askAppleReading(options.apple, { pid }) : undefined]);
    return { read, apple };
  });
  if (!checked.ok) {
    if ('failure' in checked) return { kind: 'process-failed', pid, failure: checked.failure };
    // A deleted or replaced executable is not read: the file now at its path is not what runs.
    const { target, error } = checked.notChecked;
    return { kind: 'unreadable', path: target.executablePath || `process ${pid}`, error: new CodeReadError(error.code, error.message), target };
  }
  const { read, apple } = checked.result;
  return outcomeOf(checked.target.executablePath, read, apple ? Promise.resolve(apple) : undefined, checked.target, modules, options);
}

async function outcomeOf(
  file: string,
  read: { value: CodeReport } | { error: unknown },
  asking: Promise<AppleReading> | undefined,
  target: PidTarget | undefined,
  modules: Promise<OptionalModules>,
  options: InfoOptions,
): Promise<InfoOutcome> {
  const withTarget = target ? { target } : {};
  if ('error' in read) {
    if (!(read.error instanceof CodeReadError)) throw read.error;
    const apple = asking ? withoutComparison(await asking, read.error.message) : undefined;
    return { kind: 'unreadable', path: file, error: read.error, ...withTarget, ...(apple ? { apple } : {}) };
  }
  const report = read.value;
  const loaded = await modules;
  const extras = report.slices.map((s) => sliceInfo(s, loaded, report));
  const apple = asking
    ? withSigningComparison(
        report.slices.map((s) => ourSliceOf(s.facts)),
        await asking,
        { someArchitectures: options.read.arch !== undefined, preferredArchs: options.preferredArchs ?? preferredArchitectures(process.arch) },
      )
    : undefined;
  return { kind: 'read', report, extras, verdict: overallVerdict(report), ...withTarget, ...(apple ? { apple } : {}) };
}

/** The outcome as `csrl info --json` prints it. */
export function infoJson(o: InfoOutcome): unknown {
  if (o.kind === 'process-failed') return { target: { kind: 'static-file-check', pid: o.pid }, verdict: 'unreadable', error: o.failure };
  if (o.kind === 'unreadable') return { ...(o.target ? { target: o.target } : {}), path: o.path, verdict: 'unreadable', error: { code: o.error.code, message: o.error.message }, ...(o.apple ? { apple: o.apple } : {}) };
  return { ...(o.target ? { target: o.target } : {}), ...jsonReport(o.report, o.extras, o.verdict), ...(o.apple ? { apple: o.apple } : {}) };
}

/**
 * The outcome as text, as `csrl info` prints it: the report on stdout, and
 * on stderr every problem called out after it, each line led by `prefix`.
 */
export function infoText(o: InfoOutcome, what: string, prefix = 'csrl info: '): { stdout: string; stderr: string } {
  if (o.kind === 'process-failed') return { stdout: '', stderr: `${prefix}${oneLine(o.failure.message)}\n` };
  if (o.kind === 'unreadable') {
    const message = `${prefix}${o.error.code === 'not-macho' ? 'not Mach-O: ' : ''}${oneLine(o.error.message)}\n`;
    return { stdout: '', stderr: (o.target ? pidLabel(o.target) : '') + message + (o.apple ? appleSigningLines(o.apple).join('\n') + '\n' : '') };
  }
  const stdout = (o.target ? pidLabel(o.target) + '\n' : '') + textReport(o.report, o.extras) + (o.apple ? '\n' + appleSigningLines(o.apple).join('\n') + '\n' : '');
  let stderr = '';
  for (const s of o.report.slices) {
    if (s.status === 'unsigned') stderr += `${prefix}${s.arch}: unsigned (no code signature)\n`;
    else if (!s.verification.ok) {
      const first = s.verification.problems.find((p) => p.severity === 'error');
      stderr += `${prefix}${s.arch}: invalid signature: ${oneLine(first?.message ?? 'unknown problem')}\n`;
    }
  }
  if (o.apple?.disagreement) stderr += `${prefix}DISAGREEMENT WITH APPLE for ${o.target ? `process ${o.target.pid}` : oneLine(what)}: ${o.apple.disagreement.join('; ')}\n`;
  return { stdout, stderr };
}

export function overallVerdict(report: CodeReport): 'valid' | 'unsigned' | 'invalid' {
  if (report.slices.some((s) => s.status === 'unsigned')) return 'unsigned';
  return report.slices.every((s) => s.verification.ok) ? 'valid' : 'invalid';
}

interface OptionalModules {
  designated?: typeof import('../validator/designated.js');
  posture?: typeof import('../validator/posture.js');
  notes: string[];
}

/** The designated requirement and posture come from the evaluator's modules; `info` degrades with a note if they fail to load. */
async function loadOptionalModules(): Promise<OptionalModules> {
  const out: OptionalModules = { notes: [] };
  const why = (err: unknown) => (err instanceof Error ? err.message : String(err));
  await Promise.all([
    import('../validator/designated.js').then(
      (m) => (out.designated = m),
      (err) => out.notes.push(`designated requirement unavailable (${why(err)})`),
    ),
    import('../validator/posture.js').then(
      (m) => (out.posture = m),
      (err) => out.notes.push(`posture report unavailable (${why(err)})`),
    ),
  ]);
  return out;
}

function sliceInfo(slice: SliceReport, modules: OptionalModules, report: CodeReport): SliceInfo {
  const info: SliceInfo = { notes: [] };
  if (slice.status === 'unsigned') return info;
  info.constraints = constraintsOf(slice);
  info.defaultDesignatedLwcr = defaultDesignatedOf(report, slice);
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

export function jsonReport(report: CodeReport, extras: SliceInfo[], verdict: string) {
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
        constraints: x.constraints ? x.constraints.map(({ text: _text, ...c }) => c) : [],
        defaultDesignatedLwcr: x.defaultDesignatedLwcr ? { ...x.defaultDesignatedLwcr, text: undefined } : null,
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
  if (typeof v === 'string') return oneLine(JSON.stringify(v));
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
  return `  ${p.severity}: ${oneLine(p.message)} [${p.code}]`;
}

function kindOf(s: SliceReport): string {
  if (s.status === 'unsigned') return 'unsigned';
  if (s.status === 'adhoc') return s.facts.linkerSigned ? 'adhoc (linker-signed)' : 'adhoc';
  const leaf = s.facts.certificates[0];
  return leaf ? `signed by ${oneLine(leaf.subject.find((a) => a.name === 'CN')?.value ?? leaf.subjectText)}` : 'signed';
}

export function textReport(report: CodeReport, extras: SliceInfo[]): string {
  const out: string[] = [];
  out.push(`Executable=${oneLine(report.executablePath)}`);
  if (report.bundle) out.push(`Bundle=${oneLine(report.bundle.path)}`);
  out.push(`Format=${report.container === 'thin' ? 'Mach-O thin' : `Mach-O universal (${report.container})`} (${report.slices.map((s) => s.arch).join(' ')})`);
  report.slices.forEach((s, i) => {
    const f = s.facts;
    const x = extras[i]!;
    out.push('');
    out.push(`--- ${s.arch} (${s.fileType}, file offset ${s.offset}, ${s.size} bytes): ${kindOf(s)}`);
    if (f.infoPlist && !report.bundle) infoPlistLines(f.infoPlist, out);
    if (s.status === 'unsigned') return;
    if (f.identifier !== undefined) out.push(`Identifier=${oneLine(f.identifier)}`);
    out.push(`TeamIdentifier=${f.teamIdentifier !== undefined ? oneLine(f.teamIdentifier) : 'not set'}`);
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
      for (const k of keys) out.push(`  ${oneLine(k)} = ${plistScalar(f.entitlements[k]!)}`);
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
      out.push(`Authority ${n}: ${oneLine(c.subjectText)}`);
      out.push(`  issuer: ${oneLine(c.issuerText)}`);
      out.push(`  valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()}`);
      out.push(`  SHA-1 ${toHex(c.sha1)}`);
      out.push(`  SHA-256 ${toHex(c.sha256)}`);
    });
    if (x.designated) out.push(`${x.designated.implicit ? '# ' : ''}designated => ${oneLine(x.designated.text)}`);
    else if (x.designatedError) out.push(`designated requirement: ${oneLine(x.designatedError)}`);
    for (const c of x.constraints ?? []) {
      out.push(`Constraint slot ${c.slot} (${c.kind}), ${c.bytes} bytes${c.envelope ? `: ccat=${c.envelope.ccat ?? 'absent'} comp=${c.envelope.comp ?? 'absent'} vers=${c.envelope.vers ?? 'absent'}` : ''}`);
      if (c.text) out.push(`  ${oneLine(c.text)}`);
      for (const p of c.problems) out.push(`  ${oneLine(p)}`);
    }
    const dd = x.defaultDesignatedLwcr;
    if (dd) out.push(`# default designated LWCR (computed; validation category ${dd.validationCategory ?? 'undetermined'}): ${dd.text ? oneLine(dd.text) : `none: ${oneLine(dd.categoryExplanation)}`}`);
    for (const note of x.notes) out.push(`note: ${oneLine(note)}`);
    const v = s.verification;
    out.push(`Verification: ${v.ok ? 'valid' : 'INVALID'}${v.pagesVerified ? ' (every code page checked)' : ' (code pages not checked)'}${v.at ? `, certificates judged at ${v.at.toISOString()}` : ''}`);
    for (const p of v.problems) out.push(problemLine(p));
    if (x.posture && x.posture.length > 0) {
      out.push('Posture:');
      for (const p of x.posture) out.push(`  ${p.severity}: ${oneLine(p.message)}`);
    }
  });
  return out.join('\n') + '\n';
}
