/**
 * Reads and verifies the code signature of every slice of a Mach-O file or
 * bundle, on any OS. Structural damage to the Mach-O itself is a
 * CodeReadError (nothing sensible can be said about the code); damage to a
 * signature is a Problem on that slice (the code is there, its signature is
 * invalid). Nothing here loads or runs the inspected code.
 */
import { statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { strongestCodeDirectory, type CodeDirectoryFacts, type CodeFacts, type HashType, type PlistDict } from './facts.js';
import type { Problem } from './problems.js';
import { MAX_INFO_PLIST_BYTES, resolveCode, type ResolvedCode } from './bundle.js';
import { isInside } from './bundle-files.js';
import { readContainer, type SliceLocation } from './macho/container.js';
import { CodeReadError } from './macho/errors.js';
import { readMachHeader, type CodeSignatureCommand, type MachHeader } from './macho/header.js';
import { ByteSource } from './macho/source.js';
import {
  CSMAGIC_BLOBWRAPPER,
  CSMAGIC_CODEDIRECTORY,
  CSMAGIC_EMBEDDED_DER_ENTITLEMENTS,
  CSMAGIC_EMBEDDED_ENTITLEMENTS,
  CSMAGIC_LAUNCH_CONSTRAINT,
  CSMAGIC_REQUIREMENTS,
  hex32,
  SLOT_ALTERNATE_CODEDIRECTORIES,
  SLOT_ALTERNATE_CODEDIRECTORY_MAX,
  SLOT_CODEDIRECTORY,
  SLOT_DER_ENTITLEMENTS,
  SLOT_ENTITLEMENTS,
  SLOT_INFO,
  SLOT_LAUNCH_CONSTRAINT_PARENT,
  SLOT_LAUNCH_CONSTRAINT_RESPONSIBLE,
  SLOT_LAUNCH_CONSTRAINT_SELF,
  SLOT_LIBRARY_CONSTRAINT,
  SLOT_REQUIREMENTS,
  SLOT_RESOURCEDIR,
  SLOT_SIGNATURE,
  slotName,
} from './signature/blobs.js';
import { codeHashes, CS_ADHOC, CS_LINKER_SIGNED, parseCodeDirectory, specialSlotHash, type CodeDirectory } from './signature/codedirectory.js';
import { digest } from './signature/hash.js';
import { hashWholeRange, verifyPageHashes, warmPageWorkers, type PageJob } from './signature/pages.js';
import { PlistError, readPlistDict } from './signature/plist.js';
import { parseSuperBlob, type SuperBlob } from './signature/superblob.js';
import type { CmsFacts } from './cms/parse.js';
import { DEFAULT_MAX_HASH_BYTES, type CodeReport, type ReadOptions, type SignatureLayout, type SliceReport, type SpecialSlotCheck } from './report.js';
import { DEFAULT_RESOURCE_LIMITS } from './resources/types.js';
import { checkResources, readResourceSeal, type ResourceNesting, type SealFile } from './resources/check.js';

export { CodeReadError, type CodeReadErrorCode } from './macho/errors.js';
export type { CodeReport, CodeReportCache, ReadOptions, SignatureLayout, SliceReport, SpecialSlotCheck } from './report.js';
export { DEFAULT_MAX_HASH_BYTES } from './report.js';

/**
 * Far beyond any real code signature (the 47 MB fixture's is 0.6 MB).
 * Checked before reading, so a sparse multi-gigabyte file cannot make us
 * allocate gigabytes for a "signature".
 */
export const MAX_SIGNATURE_BYTES = 64 << 20;
export type { BlobEntry } from './signature/superblob.js';

/** Bytes of page hashing left, shared by a file, all its slices and all the code nested in it. */
interface HashBudget {
  bytes: number;
  limit: number;
}

/** Where a read sits among nested code: the outer bundle and everything inside it share the budgets. */
interface Nesting extends ResourceNesting {
  hash: HashBudget;
}

/** What every slice of one file shares. */
interface FileContext {
  src: ByteSource;
  resolved: ResolvedCode;
  options: ReadOptions;
  hash: HashBudget;
  /** The bundle's resource seal, read at most once (the slot-3 hash and the listing must see the same bytes). */
  seal: () => Promise<SealFile> | undefined;
  progress?: (bytes: number) => void;
}

interface SliceContext extends FileContext {
  loc: SliceLocation;
}

function hashBudget(options: ReadOptions): HashBudget {
  const limit = options.maxHashBytes ?? DEFAULT_MAX_HASH_BYTES;
  return { bytes: limit, limit };
}

/**
 * The one file a read must find: the executable a running process runs, as
 * the process reader identified it (device and inode). A read that opens any
 * other file fails instead of reading it.
 */
export interface ExpectedFile {
  /** Device and inode, decimal, of the file that must be read. */
  dev: string;
  ino: string;
  /**
   * `path` itself leads to the file (Linux: /proc/PID/exe, which the kernel
   * resolves to the file the process runs even when it was deleted or
   * renamed): it is opened as given, never resolved by name (a name can
   * lead to a decoy) and never read as part of a bundle.
   */
  direct: boolean;
  /** Names the file in messages. */
  what: string;
}

/**
 * Starts the page-hash workers that reading the file at `path` with its pages
 * verified will use (warmPageWorkers: only for a file large enough to be
 * hashed on several cores), so that their start-up overlaps what the caller
 * does before the read (the CLI parses the requirement meanwhile). Only the
 * file's size is looked at; a path that is not a file, or cannot be looked
 * at, is left to the read to report.
 */
export function prepareRead(path: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return;
    size = st.size;
  } catch {
    return;
  }
  warmPageWorkers(size);
}

export async function readCode(path: string, options: ReadOptions = {}, expect?: ExpectedFile): Promise<CodeReport> {
  const limits = { ...DEFAULT_RESOURCE_LIMITS, ...options.resourceLimits };
  const read = () => readCodeNested(path, options, { nesting: 0, limits, budget: { files: limits.maxFiles, bytes: limits.maxBytes }, hash: hashBudget(options) }, undefined, expect);
  // A process's file is opened as identified, never by a name a cache could know it by.
  return expect ? read() : cached(path, options, read);
}

/**
 * The cached report of the code at `path` (by real path), else `read()`'s,
 * remembered. Nested code (`within` its bundle) must still resolve inside
 * the bundle: otherwise it is read, and refused, as without a cache.
 */
async function cached(path: string, options: ReadOptions, read: () => Promise<CodeReport>, within?: string): Promise<CodeReport> {
  const cache = options.cache;
  if (!cache || options.arch !== undefined) return read();
  const key = await realpath(path).catch(() => undefined);
  // A path that does not resolve is read (and fails) as given, not remembered.
  if (key === undefined || (within !== undefined && !isInside(within, key))) return read();
  let p = cache.get(key);
  if (!p) cache.set(key, (p = read()));
  return p;
}

/** Opens the main executable; with `expect`, only the very file expected. */
async function openExpected(resolved: ResolvedCode, expect: ExpectedFile | undefined): Promise<ByteSource> {
  // A bundle's executable must still be the file inside the bundle when it is opened.
  const src = await ByteSource.open(resolved.executablePath, resolved.bundle?.path);
  if (expect && !(src.identity && String(src.identity.dev) === expect.dev && String(src.identity.ino) === expect.ino)) {
    await src.close();
    throw new CodeReadError('not-found', `${expect.what}: the file opened is not the one the process runs (it was replaced or deleted); it is not read`);
  }
  return src;
}

/**
 * Reads code at `path`; nested code passes the outer bundle as `within`, and
 * must resolve inside it.
 */
async function readCodeNested(path: string, options: ReadOptions, nesting: Nesting, within?: string, expect?: ExpectedFile): Promise<CodeReport> {
  options.signal?.throwIfAborted();
  const resolved: ResolvedCode = expect?.direct ? { path, executablePath: path } : await resolveCode(path, within);
  const src = await openExpected(resolved, expect);
  const bundle = resolved.bundle;
  let sealRead: Promise<SealFile> | undefined;
  const seal = () => (bundle ? (sealRead ??= readResourceSeal(bundle.path, bundle.infoPlistPath)) : undefined);
  let report: CodeReport;
  try {
    report = await readSource({ src, resolved, options, hash: nesting.hash, seal });
  } finally {
    await src.close();
  }
  if (bundle && (options.verifyResources ?? options.verifyPages !== false)) {
    await checkResources(report, resolved, options, nesting, await seal()!, async (nestedPath) => {
      // Nested code is read whole (all its architectures); its progress is not part of this bundle's.
      const inner: ReadOptions = { ...options };
      delete inner.arch;
      delete inner.onProgress;
      try {
        return await cached(nestedPath, inner, () => readCodeNested(nestedPath, inner, { ...nesting, nesting: nesting.nesting + 1 }, bundle.path), bundle.path);
      } catch (err) {
        if (err instanceof CodeReadError) return err.message;
        throw err;
      }
    });
  }
  return report;
}

/**
 * The same for a Mach-O image already in memory (no bundle, so no Info.plist
 * other than an embedded one); `name` stands for the path in messages.
 */
export async function readCodeBytes(bytes: Uint8Array, options: ReadOptions = {}, name = '<memory>'): Promise<CodeReport> {
  options.signal?.throwIfAborted();
  const src = ByteSource.fromBytes(bytes, name);
  return readSource({ src, resolved: { path: name, executablePath: name }, options, hash: hashBudget(options), seal: () => undefined });
}

async function readSource(file: FileContext): Promise<CodeReport> {
  const { src, resolved, options } = file;
  const path = resolved.path;
  const container = await readContainer(src);
  let locations = container.slices;
  if (options.arch !== undefined) {
    locations = locations.filter((s) => s.arch === options.arch);
    if (locations.length === 0) {
      throw new CodeReadError('arch-not-found', `${path}: no ${options.arch} slice (has ${container.slices.map((s) => s.arch).join(', ')})`);
    }
  }
  const headers: MachHeader[] = [];
  for (const loc of locations) headers.push(await readMachHeader(src, loc));

  // Progress covers the page hashing of all slices, which is where the time goes.
  let total = 0;
  for (const h of headers) total += h.codeSignature && options.verifyPages !== false ? Math.min(h.codeSignature.dataOffset, src.size) : 0;
  let done = 0;
  const progress = options.onProgress
    ? (bytes: number) => {
        done += bytes;
        options.onProgress!(Math.min(done, total), total);
      }
    : undefined;

  const slices: SliceReport[] = [];
  for (let i = 0; i < locations.length; i++) {
    slices.push(await readSlice({ ...file, loc: locations[i]!, ...(progress ? { progress } : {}) }, headers[i]!));
  }
  const report: CodeReport = { path, executablePath: resolved.executablePath, container: container.kind, slices };
  if (resolved.bundle) report.bundle = { path: resolved.bundle.path, infoPlist: resolved.bundle.infoPlist };
  return report;
}

function error(code: string, message: string): Problem {
  return { code, severity: 'error', message };
}

/**
 * One slice, in steps: the report shell and Info.plist; the signature's
 * place and superblob; its CodeDirectories and what the primary one says;
 * the other blobs; the special slots; where each codeLimit lies; then the
 * CMS signature and the code pages, checked together.
 */
async function readSlice(ctx: SliceContext, header: MachHeader): Promise<SliceReport> {
  const report = newSliceReport(ctx.loc, header);
  const problems = report.verification.problems;
  const infoPlistBytes = await readInfoPlist(ctx, header, report);

  const cs = header.codeSignature;
  if (!cs) {
    problems.push(error('unsigned', `slice ${ctx.loc.arch} has no code signature (no LC_CODE_SIGNATURE load command)`));
    return report;
  }
  report.status = 'signed';
  const signature = await readSignature(ctx, cs, report);
  if (!signature) return report;
  const { superBlob, fileOffset: sigFileOffset } = signature;

  const directories = readCodeDirectories(superBlob, sigFileOffset, problems);
  const primary = directories.find((d) => d.slot === SLOT_CODEDIRECTORY);
  describeCode(report, directories, primary, sigFileOffset);
  await readOtherBlobs(report, superBlob, sigFileOffset);
  await checkSpecialSlots(ctx, report, directories, superBlob, infoPlistBytes);
  const hashable = checkCodeLimits(ctx.loc, cs, directories, problems);
  const cms = cmsBlob(report, superBlob, primary);
  await verifySignatureAndPages(ctx, report, directories, hashable, primary, cms);

  report.verification.ok = !problems.some((p) => p.severity === 'error');
  return report;
}

function newSliceReport(loc: SliceLocation, header: MachHeader): SliceReport {
  const facts: CodeFacts = { arch: loc.arch, codeDirectories: [], certificates: [], adhoc: false, linkerSigned: false };
  const report: SliceReport = {
    arch: loc.arch,
    cpuType: header.cpuType,
    cpuSubtype: header.cpuSubtype,
    fileType: header.fileTypeName,
    offset: loc.offset,
    size: loc.size,
    status: 'unsigned',
    facts,
    blobs: [],
    verification: { ok: false, problems: [], pagesVerified: false },
  };
  if (header.dylibId !== undefined) report.dylibId = header.dylibId;
  return report;
}

/** Sets the slice's Info.plist (the bundle's, else an embedded one); returns the bytes special slot 1 seals. */
async function readInfoPlist(ctx: SliceContext, header: MachHeader, report: SliceReport): Promise<Uint8Array | undefined> {
  const { resolved } = ctx;
  const embedded = await embeddedInfoPlist(ctx, header, report.verification.problems);
  const infoPlist = resolved.bundle?.infoPlist ?? embedded?.dict;
  if (infoPlist) report.facts.infoPlist = infoPlist;
  return resolved.bundle?.infoPlistBytes ?? embedded?.bytes;
}

async function embeddedInfoPlist(ctx: SliceContext, header: MachHeader, problems: Problem[]): Promise<{ bytes: Uint8Array; dict?: PlistDict } | undefined> {
  const sec = header.infoPlistSection;
  if (!sec || sec.size === 0) return undefined;
  if (sec.size > MAX_INFO_PLIST_BYTES) {
    problems.push(error('info-plist-too-large', `embedded __TEXT,__info_plist is ${sec.size} bytes, over the ${MAX_INFO_PLIST_BYTES}-byte limit`));
    return undefined;
  }
  const bytes = new Uint8Array(await ctx.src.read(ctx.loc.offset + sec.offset, sec.size, '__TEXT,__info_plist section'));
  try {
    return { bytes, dict: readPlistDict(bytes, `embedded __TEXT,__info_plist at file offset ${ctx.loc.offset + sec.offset}`) };
  } catch (err) {
    if (!(err instanceof PlistError)) throw err;
    problems.push({ code: 'info-plist-malformed', severity: 'warning', message: err.message });
    return { bytes };
  }
}

/** The signature's bytes and superblob, when LC_CODE_SIGNATURE points at something readable (else problems). */
async function readSignature(ctx: SliceContext, cs: CodeSignatureCommand, report: SliceReport): Promise<{ superBlob: SuperBlob; fileOffset: number } | undefined> {
  const { src, loc } = ctx;
  const problems = report.verification.problems;
  const layout: SignatureLayout = { dataOffset: cs.dataOffset, dataSize: cs.dataSize, superBlobLength: 0, specialSlots: [] };
  report.signature = layout;
  const fileOffset = loc.offset + cs.dataOffset;
  if (cs.dataOffset + cs.dataSize > loc.size) {
    problems.push(
      error(
        'signature-out-of-bounds',
        `LC_CODE_SIGNATURE (load command at slice offset ${cs.commandOffset}) says dataoff ${cs.dataOffset}, datasize ${cs.dataSize}, which ends past the end of the ${loc.arch} slice (${loc.size} bytes)`,
      ),
    );
    return undefined;
  }
  if (cs.dataSize > MAX_SIGNATURE_BYTES) {
    problems.push(error('signature-too-large', `LC_CODE_SIGNATURE datasize ${cs.dataSize} is over the ${MAX_SIGNATURE_BYTES}-byte limit for a code signature`));
    return undefined;
  }
  const sigBytes = await src.read(fileOffset, cs.dataSize, 'code signature');
  const superBlob = parseSuperBlob(sigBytes, fileOffset);
  problems.push(...superBlob.problems);
  layout.superBlobLength = superBlob.length;
  report.blobs = superBlob.blobs.map(({ slot, magic, offset, length }) => ({ slot, magic, offset, length }));
  return { superBlob, fileOffset };
}

/** CodeDirectories: the primary at slot 0, alternates (other hash types) at 0x1000+, in slot order. */
function readCodeDirectories(superBlob: SuperBlob, sigFileOffset: number, problems: Problem[]): CodeDirectory[] {
  const directories: CodeDirectory[] = [];
  for (const blob of superBlob.blobs) {
    const isCd = blob.slot === SLOT_CODEDIRECTORY || (blob.slot >= SLOT_ALTERNATE_CODEDIRECTORIES && blob.slot < SLOT_ALTERNATE_CODEDIRECTORIES + SLOT_ALTERNATE_CODEDIRECTORY_MAX);
    if (!isCd) continue;
    if (blob.magic !== CSMAGIC_CODEDIRECTORY) {
      problems.push(error('blob-bad-magic', `${slotName(blob.slot)} at file offset ${sigFileOffset + blob.offset} has magic ${hex32(blob.magic)}, expected ${hex32(CSMAGIC_CODEDIRECTORY)}`));
      continue;
    }
    const cd = parseCodeDirectory(blob.bytes, blob.slot, sigFileOffset + blob.offset, problems);
    if (cd) directories.push(cd);
  }
  return directories.sort((a, b) => a.slot - b.slot);
}

function toFacts(cd: CodeDirectory): CodeDirectoryFacts {
  const f: CodeDirectoryFacts = {
    slot: cd.slot,
    version: cd.version,
    flags: cd.flags,
    hashType: cd.hashType!,
    identifier: cd.identifier,
    cdhash: cd.cdhash!,
    platform: cd.platform,
    pageSize: cd.pageSize,
    codeSlots: cd.nCodeSlots,
    specialSlots: cd.nSpecialSlots,
    codeLimit: cd.codeLimit,
  };
  if (cd.teamIdentifier !== undefined) f.teamIdentifier = cd.teamIdentifier;
  if (cd.execSegFlags !== undefined) f.execSegFlags = cd.execSegFlags;
  if (cd.runtime !== undefined) f.runtime = cd.runtime;
  return f;
}

/** What the CodeDirectories say about the code: identity, CDHash, flags; alternates must agree with the primary. */
function describeCode(report: SliceReport, directories: CodeDirectory[], primary: CodeDirectory | undefined, sigFileOffset: number): void {
  const { facts } = report;
  const problems = report.verification.problems;
  for (const cd of directories) if (cd.hashType) facts.codeDirectories.push(toFacts(cd));
  if (!primary) {
    problems.push(error('codedirectory-missing', `the code signature at file offset ${sigFileOffset} has no usable CodeDirectory in slot 0`));
    return;
  }
  facts.identifier = primary.identifier;
  if (primary.teamIdentifier !== undefined) facts.teamIdentifier = primary.teamIdentifier;
  facts.platform = primary.platform;
  // Like codesign's CDHash: of the CodeDirectory Apple's validation selects, not necessarily slot 0.
  const strongest = strongestCodeDirectory(directories.filter((d) => d.hashType && d.cdhash) as { hashType: HashType; cdhash: Uint8Array }[]);
  if (strongest) facts.cdhash = strongest.cdhash.slice(0, 20);
  facts.adhoc = (primary.flags & CS_ADHOC) !== 0;
  facts.linkerSigned = (primary.flags & CS_LINKER_SIGNED) !== 0;
  if (facts.adhoc) report.status = 'adhoc';
  for (const alt of directories) {
    if (alt === primary) continue;
    if (alt.identifier !== primary.identifier || alt.teamIdentifier !== primary.teamIdentifier || alt.flags !== primary.flags) {
      problems.push(
        error('codedirectory-disagree', `${slotName(alt.slot)} (identifier ${JSON.stringify(alt.identifier)}, flags ${hex32(alt.flags)}) disagrees with the primary CodeDirectory (identifier ${JSON.stringify(primary.identifier)}, flags ${hex32(primary.flags)})`),
      );
    }
  }
}

/** Blobs other than CodeDirectories: requirements, XML and DER entitlements. */
async function readOtherBlobs(report: SliceReport, superBlob: SuperBlob, sigFileOffset: number): Promise<void> {
  const { facts } = report;
  const layout = report.signature!;
  const problems = report.verification.problems;
  const blobAt = (slot: number) => superBlob.blobs.find((b) => b.slot === slot);
  const requirements = blobAt(SLOT_REQUIREMENTS);
  if (requirements) {
    if (requirements.magic !== CSMAGIC_REQUIREMENTS) problems.push(error('blob-bad-magic', `Requirements blob has magic ${hex32(requirements.magic)}, expected ${hex32(CSMAGIC_REQUIREMENTS)}`));
    else facts.requirementSet = new Uint8Array(requirements.bytes);
  }
  const entitlements = blobAt(SLOT_ENTITLEMENTS);
  if (entitlements) {
    if (entitlements.magic !== CSMAGIC_EMBEDDED_ENTITLEMENTS) {
      problems.push(error('blob-bad-magic', `Entitlements blob has magic ${hex32(entitlements.magic)}, expected ${hex32(CSMAGIC_EMBEDDED_ENTITLEMENTS)}`));
    } else {
      try {
        facts.entitlements = readPlistDict(entitlements.bytes.subarray(8), `entitlements blob at file offset ${sigFileOffset + entitlements.offset}`);
      } catch (err) {
        if (!(err instanceof PlistError)) throw err;
        problems.push(error('entitlements-malformed', err.message));
      }
    }
  }
  // Launch and library constraints: kept whole for the LWCR layer; the kernel refuses another magic (EBADEXEC).
  for (const slot of [SLOT_LAUNCH_CONSTRAINT_SELF, SLOT_LAUNCH_CONSTRAINT_PARENT, SLOT_LAUNCH_CONSTRAINT_RESPONSIBLE, SLOT_LIBRARY_CONSTRAINT]) {
    const b = blobAt(slot);
    if (!b) continue;
    if (b.magic !== CSMAGIC_LAUNCH_CONSTRAINT) problems.push(error('blob-bad-magic', `${slotName(slot)} blob has magic ${hex32(b.magic)}, expected ${hex32(CSMAGIC_LAUNCH_CONSTRAINT)}`));
    else (layout.constraints ??= []).push({ slot, blob: new Uint8Array(b.bytes) });
  }
  const derEntitlements = blobAt(SLOT_DER_ENTITLEMENTS);
  if (derEntitlements) {
    if (derEntitlements.magic !== CSMAGIC_EMBEDDED_DER_ENTITLEMENTS) {
      problems.push(error('blob-bad-magic', `DER entitlements blob has magic ${hex32(derEntitlements.magic)}, expected ${hex32(CSMAGIC_EMBEDDED_DER_ENTITLEMENTS)}`));
    } else {
      layout.derEntitlements = new Uint8Array(derEntitlements.bytes.subarray(8));
      const { decodeDerEntitlements, DerEntitlementsError, plistEqual } = await import('./signature/der-entitlements.js');
      try {
        const decoded = decodeDerEntitlements(layout.derEntitlements);
        layout.derEntitlementsDict = decoded;
        // The kernel enforces the DER form, user space (and requirements) read the XML one.
        if (facts.entitlements && !plistEqual(facts.entitlements, decoded)) {
          problems.push({ code: 'entitlements-disagree', severity: 'warning', message: 'the XML entitlements (slot 5) and the DER entitlements (slot 7) differ: the kernel enforces the DER ones' });
        }
        if (!entitlements) facts.entitlements = decoded;
      } catch (err) {
        if (!(err instanceof DerEntitlementsError)) throw err;
        problems.push(error('entitlements-malformed', `DER entitlements blob at file offset ${sigFileOffset + derEntitlements.offset}: ${err.message}`));
      }
    }
  }
}

/** Special slots, for every CodeDirectory with its own hash type: each bound blob (and Info.plist, CodeResources) against its hash. */
async function checkSpecialSlots(ctx: SliceContext, report: SliceReport, directories: CodeDirectory[], superBlob: SuperBlob, infoPlistBytes: Uint8Array | undefined): Promise<void> {
  const layout = report.signature!;
  const problems = report.verification.problems;
  const blobAt = (slot: number) => superBlob.blobs.find((b) => b.slot === slot);
  for (const cd of directories) {
    if (!cd.algorithm) continue;
    const highest = Math.max(cd.nSpecialSlots, ...superBlob.blobs.filter((b) => b.slot > 0 && b.slot < 0x1000).map((b) => b.slot), infoPlistBytes ? SLOT_INFO : 0);
    for (let n = 1; n <= highest; n++) {
      const content: Uint8Array | undefined = n === SLOT_INFO ? infoPlistBytes : blobAt(n)?.bytes;
      const check: SpecialSlotCheck = { directory: cd.slot, slot: n, name: slotName(n), status: 'match' };
      const where = `${slotName(cd.slot)}: special slot ${n} (${slotName(n)})`;
      if (n > cd.nSpecialSlots) {
        if (content === undefined) continue;
        check.status = 'unbound';
        check.actual = digest(cd.algorithm, content).subarray(0, cd.hashSize).toString('hex');
        // An unbound Info.plist is merely unsealed; an unbound blob is data the signature does not cover.
        problems.push({
          code: n === SLOT_INFO ? 'info-plist-unbound' : 'special-slot-unbound',
          severity: n === SLOT_INFO ? 'warning' : 'error',
          message: `${where} is present but not covered: the CodeDirectory has only ${cd.nSpecialSlots} special slots`,
        });
        layout.specialSlots.push(check);
        continue;
      }
      const expected = specialSlotHash(cd, n);
      const empty = expected.every((x) => x === 0);
      check.expected = expected.toString('hex');
      let slotContent = content;
      if (n === SLOT_RESOURCEDIR) {
        if (empty) continue;
        // The resource seal: the file itself is hashed here; the files it lists are checked by verifyResources.
        const seal = await ctx.seal();
        if (!seal) {
          check.status = 'not-checked';
          layout.specialSlots.push(check);
          continue;
        }
        slotContent = seal.bytes;
        if (slotContent === undefined) {
          check.status = 'missing';
          problems.push(
            seal.refused !== undefined
              ? error('resources-unreadable', `${where} has hash ${check.expected}, but ${seal.refused}`)
              : error('resources-missing', `${where} has hash ${check.expected}, but the bundle has no ${seal.path}`),
          );
          layout.specialSlots.push(check);
          continue;
        }
      }
      if (slotContent === undefined) {
        if (empty) continue;
        check.status = 'missing';
        problems.push(error(n === SLOT_INFO ? 'info-plist-missing' : 'special-slot-missing', `${where} has hash ${check.expected}, but there is no ${n === SLOT_INFO ? 'Info.plist' : 'blob'} for it`));
        layout.specialSlots.push(check);
        continue;
      }
      const actual = digest(cd.algorithm, slotContent).subarray(0, cd.hashSize);
      check.actual = actual.toString('hex');
      if (!actual.equals(expected)) {
        check.status = 'mismatch';
        const [code, what] = n === SLOT_INFO ? ['info-plist-mismatch', 'Info.plist'] : n === SLOT_RESOURCEDIR ? ['resources-mismatch', 'resource seal (_CodeSignature/CodeResources)'] : ['special-slot-mismatch', 'blob'];
        problems.push(error(code, `${where}: hash ${check.actual} of the ${what}, but the CodeDirectory says ${check.expected}`));
      }
      layout.specialSlots.push(check);
    }
  }
}

/**
 * Where each codeLimit lies: inside the slice, and exactly where the
 * signature starts (or the bytes in between are unsealed). Returns the
 * CodeDirectories whose pages may be hashed: those whose own geometry and
 * codeLimit are both sound. Decided before any page is hashed.
 */
function checkCodeLimits(loc: SliceLocation, cs: CodeSignatureCommand, directories: CodeDirectory[], problems: Problem[]): Set<CodeDirectory> {
  const hashable = new Set<CodeDirectory>();
  for (const cd of directories) {
    let ok = cd.pagesHashable && cd.algorithm !== undefined;
    if (cd.codeLimit > BigInt(loc.size)) {
      problems.push(error('code-limit-out-of-bounds', `${slotName(cd.slot)}: codeLimit ${cd.codeLimit} is past the end of the ${loc.arch} slice (${loc.size} bytes); its pages are not hashed`));
      ok = false;
    }
    if (cd.codeLimit !== BigInt(cs.dataOffset)) {
      problems.push(
        error(
          cd.codeLimit > BigInt(cs.dataOffset) ? 'code-limit-too-large' : 'code-limit-short',
          `${slotName(cd.slot)}: codeLimit ${cd.codeLimit} differs from the signature's offset ${cs.dataOffset} in the ${loc.arch} slice; its pages are not hashed`,
        ),
      );
      ok = false;
    }
    if (ok) hashable.add(cd);
  }
  return hashable;
}

/** The DER of the CMS signature, when there is one to check (else problems). */
function cmsBlob(report: SliceReport, superBlob: SuperBlob, primary: CodeDirectory | undefined): { der: Uint8Array; fileOffset: number } | undefined {
  const problems = report.verification.problems;
  const signatureBlob = superBlob.blobs.find((b) => b.slot === SLOT_SIGNATURE);
  let cms: { der: Uint8Array; fileOffset: number } | undefined;
  if (signatureBlob) {
    if (signatureBlob.magic !== CSMAGIC_BLOBWRAPPER) {
      problems.push(error('blob-bad-magic', `CMS signature blob has magic ${hex32(signatureBlob.magic)}, expected ${hex32(CSMAGIC_BLOBWRAPPER)}`));
    } else {
      const der = signatureBlob.bytes.subarray(8);
      report.signature!.cmsSize = der.length;
      if (der.length > 0) cms = { der, fileOffset: report.offset + report.signature!.dataOffset + signatureBlob.offset + 8 };
    }
  }
  if (!cms && primary && !report.facts.adhoc) {
    problems.push(error('cms-missing', `the CodeDirectory is not ad-hoc (flags ${hex32(primary.flags)}) but the signature has no CMS blob`));
  }
  return cms;
}

/** Page hashing runs on the other cores while this thread checks the CMS signature, then joins in. */
async function verifySignatureAndPages(
  ctx: SliceContext,
  report: SliceReport,
  directories: CodeDirectory[],
  hashable: Set<CodeDirectory>,
  primary: CodeDirectory | undefined,
  cms: { der: Uint8Array; fileOffset: number } | undefined,
): Promise<void> {
  const { options } = ctx;
  const problems = report.verification.problems;
  const cmsCheck = cms ? checkCms(report, cms.der, cms.fileOffset, primary, directories, options) : undefined;
  const pages = options.verifyPages !== false && directories.length > 0 ? checkPages(ctx, directories, hashable, cmsCheck) : undefined;
  // Both are awaited together: a page check cancelled while the CMS check runs must not be an unhandled rejection.
  const [cmsOutcome, pageOutcome] = await Promise.allSettled([cmsCheck ?? Promise.resolve([]), pages]);
  if (pageOutcome.status === 'rejected') throw pageOutcome.reason;
  if (cmsOutcome.status === 'rejected') throw cmsOutcome.reason;
  options.signal?.throwIfAborted();
  const pageResult = pageOutcome.value;
  if (pageResult) {
    problems.push(...pageResult.problems);
    report.signature!.pages = pageResult.pages;
    report.verification.pagesVerified = pageResult.complete;
  }
  problems.push(...cmsOutcome.value);
}

async function checkCms(
  report: SliceReport,
  der: Uint8Array,
  fileOffset: number,
  primary: CodeDirectory | undefined,
  directories: CodeDirectory[],
  options: ReadOptions,
): Promise<Problem[]> {
  const facts = report.facts;
  const problems: Problem[] = [];
  if (facts.adhoc) {
    // Certificates from a CMS that nothing verifies must not reach the evaluator (a copied Apple chain would satisfy `anchor apple generic`).
    problems.push({ code: 'adhoc-with-cms', severity: 'warning', message: 'the CodeDirectory is marked ad-hoc but a CMS signature is present; it is ignored, as Apple does' });
    return problems;
  }
  // Loaded on first use: the X.509/CMS stack is the slowest part of start-up and ad-hoc code never needs it.
  // One after the other: Node 20 can fail to link two concurrent imports sharing dependencies
  // ("request for 'node:crypto' is not in cache", nodejs/node#52187); verify.js imports parse.js anyway.
  const { CmsError, parseCms } = await import('./cms/parse.js');
  const { verifyCmsSignature } = await import('./cms/verify.js');
  try {
    const cms = parseCms(der);
    report.cms = cms;
    facts.certificates = cms.certificates;
    if (cms.signingTime) facts.signingTime = cms.signingTime;
    if (cms.timestamp) facts.secureTimestamp = cms.timestamp.time;
  } catch (err) {
    if (!(err instanceof CmsError)) throw err;
    problems.push(error('cms-malformed', `CMS signature at file offset ${fileOffset}: ${err.message}`));
  }
  if (!primary) return problems;
  // The CMS signs the slot-0 CodeDirectory; its CDHashes attributes list every CodeDirectory.
  const at = verificationTime(options.at, report.cms);
  report.verification.at = at;
  const computed = directories.filter((d) => d.hashType && d.cdhash).map((d) => ({ hashType: d.hashType!, cdhash: d.cdhash! }));
  problems.push(...verifyCmsSignature(der, primary.bytes, computed, at));
  return problems;
}

/**
 * Hashes the pages of the CodeDirectories whose geometry was found sound,
 * within what is left of the hashing budget. `complete` is false when some
 * CodeDirectory's pages were not hashed (its problems say why).
 * Every CodeDirectory, not only the strongest: Apple's static validation
 * hashes each code page under every CodeDirectory's algorithm and checks it
 * against each one's slot (CodeDirectory::multipleHashFileData(fd, thisPage,
 * hashAlgorithms(), ...), [SEC] StaticCode.cpp validateExecutable), so a
 * page that matches the SHA-256 CodeDirectory but not the SHA-1 one fails there too.
 */
async function checkPages(
  ctx: SliceContext,
  directories: CodeDirectory[],
  hashable: Set<CodeDirectory>,
  after: Promise<unknown> | undefined,
): Promise<{ problems: Problem[]; pages: NonNullable<SignatureLayout['pages']>; complete: boolean }> {
  const { src, loc, options } = ctx;
  const problems: Problem[] = [];
  const chosen = directories.filter((cd) => hashable.has(cd));
  const complete = chosen.length === directories.length;
  // The hashing budget is spent before hashing, on the whole of what is about to be hashed.
  const work = chosen.reduce((sum, cd) => sum + Number(cd.codeLimit), 0);
  if (work > ctx.hash.bytes) {
    problems.push(
      error(
        'hash-limit',
        `hashing the code pages of the ${loc.arch} slice (${work} bytes over ${chosen.length} CodeDirector${chosen.length === 1 ? 'y' : 'ies'}) would exceed the limit of ${ctx.hash.limit} bytes of page hashing (${ctx.hash.limit - ctx.hash.bytes} already used); its pages are not verified`,
      ),
    );
    return { problems, pages: [], complete: false };
  }
  ctx.hash.bytes -= work;
  const jobs: PageJob[] = [];
  const whole: CodeDirectory[] = [];
  for (const cd of chosen) {
    if (cd.pageSize === 0) whole.push(cd);
    else jobs.push({ slot: cd.slot, algorithm: cd.algorithm!, hashSize: cd.hashSize, pageSize: cd.pageSize, codeLimit: Number(cd.codeLimit), expected: new Uint8Array(codeHashes(cd)) });
  }
  const pages: NonNullable<SignatureLayout['pages']> = [];
  if (jobs.length > 0) {
    const result = await verifyPageHashes(src, loc.offset, jobs, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(ctx.progress ? { onProgress: progressOf(ctx.progress) } : {}),
      ...(after ? { after } : {}),
    });
    jobs.forEach((job, i) => pages.push({ directory: job.slot, pages: Math.ceil(job.codeLimit / job.pageSize), mismatches: result.counts[i]! }));
    for (const m of result.mismatches) {
      problems.push(
        error('page-hash-mismatch', `${slotName(m.slot)}: page ${m.page} (slice offset ${m.offset}, file offset ${loc.offset + m.offset}) hashes to ${m.actual}, the CodeDirectory says ${m.expected}`),
      );
    }
    jobs.forEach((job, i) => {
      const shown = result.mismatches.filter((m) => m.slot === job.slot).length;
      if (result.counts[i]! > shown) problems.push(error('page-hash-mismatch', `${slotName(job.slot)}: ${result.counts[i]! - shown} more pages do not match`));
    });
  }
  for (const cd of whole) {
    if (cd.codeLimit === 0n) {
      // Nothing to cover, and no code slot (checked with the geometry).
      pages.push({ directory: cd.slot, pages: 0, mismatches: 0 });
      continue;
    }
    const got = (await hashWholeRange(src, loc.offset, Number(cd.codeLimit), cd.algorithm!, options.signal)).subarray(0, cd.hashSize);
    const want = codeHashes(cd).subarray(0, cd.hashSize);
    const bad = !got.equals(want);
    pages.push({ directory: cd.slot, pages: 1, mismatches: bad ? 1 : 0 });
    if (bad) problems.push(error('page-hash-mismatch', `${slotName(cd.slot)}: the single page [0, ${cd.codeLimit}) hashes to ${got.toString('hex')}, the CodeDirectory says ${want.toString('hex')}`));
  }
  return { problems, pages, complete };
}

function progressOf(add: (bytes: number) => void): (done: number, total: number) => void {
  let last = 0;
  return (done) => {
    add(done - last);
    last = done;
  };
}

function verificationTime(at: ReadOptions['at'], cms: CmsFacts | undefined): Date {
  if (at instanceof Date) return at;
  if (at === 'now') return new Date();
  return cms?.timestamp?.time ?? cms?.signingTime ?? new Date();
}
