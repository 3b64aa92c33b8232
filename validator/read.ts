/**
 * Reads and verifies the code signature of every slice of a Mach-O file or
 * bundle, on any OS. Structural damage to the Mach-O itself is a
 * CodeReadError (nothing sensible can be said about the code); damage to a
 * signature is a Problem on that slice (the code is there, its signature is
 * invalid). Nothing here loads or runs the inspected code.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { strongestCodeDirectory, type CodeDirectoryFacts, type CodeFacts, type HashType, type PlistDict } from './facts.js';
import type { Problem } from './problems.js';
import { MAX_INFO_PLIST_BYTES, resolveCode, type ResolvedCode } from './bundle.js';
import { readContainer, type SliceLocation } from './macho/container.js';
import { CodeReadError } from './macho/errors.js';
import { readMachHeader, type MachHeader } from './macho/header.js';
import { ByteSource } from './macho/source.js';
import {
  CSMAGIC_BLOBWRAPPER,
  CSMAGIC_CODEDIRECTORY,
  CSMAGIC_EMBEDDED_DER_ENTITLEMENTS,
  CSMAGIC_EMBEDDED_ENTITLEMENTS,
  CSMAGIC_REQUIREMENTS,
  hex32,
  SLOT_ALTERNATE_CODEDIRECTORIES,
  SLOT_ALTERNATE_CODEDIRECTORY_MAX,
  SLOT_CODEDIRECTORY,
  SLOT_DER_ENTITLEMENTS,
  SLOT_ENTITLEMENTS,
  SLOT_INFO,
  SLOT_REQUIREMENTS,
  SLOT_RESOURCEDIR,
  SLOT_SIGNATURE,
  slotName,
} from './signature/blobs.js';
import { codeHashes, CS_ADHOC, CS_LINKER_SIGNED, parseCodeDirectory, specialSlotHash, type CodeDirectory } from './signature/codedirectory.js';
import { digest } from './signature/hash.js';
import { hashWholeRange, verifyPageHashes, type PageJob } from './signature/pages.js';
import { parsePlistDict, PlistError } from './signature/plist.js';
import { parseSuperBlob, type BlobEntry } from './signature/superblob.js';
import type { CmsFacts } from './cms/parse.js';
import { DEFAULT_RESOURCE_LIMITS, verifyResources, type ResourceBudget, type ResourceLimits, type ResourceReport } from './resources/verify.js';
import { readXmlPlistDict, XmlPlistTooLarge, XmlPlistUnsupported } from './resources/xml-plist.js';
import { printable } from './printable.js';

export { CodeReadError, type CodeReadErrorCode } from './macho/errors.js';

/**
 * Far beyond any real code signature (the 47 MB fixture's is 0.6 MB).
 * Checked before reading, so a sparse multi-gigabyte file cannot make us
 * allocate gigabytes for a "signature".
 */
export const MAX_SIGNATURE_BYTES = 64 << 20;
export type { BlobEntry } from './signature/superblob.js';

export interface ReadOptions {
  /** Only this architecture (as named in SliceReport.arch); CodeReadError 'arch-not-found' when absent. */
  arch?: string;
  /** Check every code-page hash against the file (default true). */
  verifyPages?: boolean;
  /** When certificate validity is judged: the secure timestamp, else the CMS signing time ('signing-time', the default), the clock, or a fixed date. */
  at?: 'signing-time' | 'now' | Date;
  /** Cancels page hashing; readCode then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Page-hashing progress over all slices, then resource hashing (the total grows once the resources are counted). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * Check the files a bundle's `_CodeSignature/CodeResources` seals, and its
   * nested code, like `codesign --verify` (default: the same as verifyPages).
   */
  verifyResources?: boolean;
  /** Bounds on resource verification (defaults: DEFAULT_RESOURCE_LIMITS). */
  resourceLimits?: Partial<ResourceLimits>;
}

/** The outcome of checking one special slot of one CodeDirectory. */
export interface SpecialSlotCheck {
  /** CodeDirectory slot (0 or 0x1000 + n). */
  directory: number;
  slot: number;
  name: string;
  /** 'match', 'mismatch', 'missing' (hash but no data), 'unbound' (data but no hash slot), 'not-checked' (CodeResources). */
  status: 'match' | 'mismatch' | 'missing' | 'unbound' | 'not-checked';
  expected?: string;
  actual?: string;
}

export interface SignatureLayout {
  /** LC_CODE_SIGNATURE dataoff/datasize (relative to the slice). */
  dataOffset: number;
  dataSize: number;
  /** Length field of the superblob (0 when unreadable). */
  superBlobLength: number;
  /** DER size of the CMS signature (0 for an empty wrapper, as ad-hoc signers write). */
  cmsSize?: number;
  /** Raw DER entitlements (slot 7), when present. */
  derEntitlements?: Uint8Array;
  /** The same, decoded (also in facts.entitlements when there is no XML blob). */
  derEntitlementsDict?: PlistDict;
  specialSlots: SpecialSlotCheck[];
  /** Pages checked per CodeDirectory slot, when pages were verified. */
  pages?: { directory: number; pages: number; mismatches: number }[];
}

export interface SliceReport {
  arch: string;
  cpuType: number;
  cpuSubtype: number;
  /** execute, dylib, bundle, object, … */
  fileType: string;
  /** Slice offset and size in the file. */
  offset: number;
  size: number;
  /**
   * 'unsigned': no LC_CODE_SIGNATURE. 'adhoc': the primary CodeDirectory has
   * the adhoc flag. 'signed' otherwise, including signatures too damaged to
   * read (their verification lists why).
   */
  status: 'unsigned' | 'adhoc' | 'signed';
  facts: CodeFacts;
  blobs: BlobEntry[];
  verification: { ok: boolean; problems: Problem[]; pagesVerified: boolean; at?: Date };
  cms?: CmsFacts;
  signature?: SignatureLayout;
  /** LC_ID_DYLIB install name, for dylibs. */
  dylibId?: string;
}

export interface CodeReport {
  path: string;
  executablePath: string;
  bundle?: { path: string; infoPlist?: PlistDict };
  container: 'thin' | 'fat' | 'fat64';
  slices: SliceReport[];
  /** The bundle's sealed resources, when they were verified; their problems are also in every signed slice's verification. */
  resources?: ResourceReport;
}

interface SliceContext {
  src: ByteSource;
  loc: SliceLocation;
  resolved: ResolvedCode;
  options: ReadOptions;
  progress?: (bytes: number) => void;
}

export async function readCode(path: string, options: ReadOptions = {}): Promise<CodeReport> {
  const limits = { ...DEFAULT_RESOURCE_LIMITS, ...options.resourceLimits };
  return readCodeNested(path, options, { nesting: 0, limits, budget: { files: limits.maxFiles, bytes: limits.maxBytes } });
}

/** Where a read sits among nested code: the outer bundle and everything inside it share one budget. */
interface Nesting {
  nesting: number;
  limits: ResourceLimits;
  budget: ResourceBudget;
}

async function readCodeNested(path: string, options: ReadOptions, nesting: Nesting): Promise<CodeReport> {
  options.signal?.throwIfAborted();
  const resolved = await resolveCode(path);
  const src = await ByteSource.open(resolved.executablePath);
  let report: CodeReport;
  try {
    report = await readSource(src, resolved, options);
  } finally {
    await src.close();
  }
  if (resolved.bundle && (options.verifyResources ?? options.verifyPages !== false)) await checkResources(report, resolved, options, nesting);
  return report;
}

/**
 * The same for a Mach-O image already in memory (no bundle, so no Info.plist
 * other than an embedded one); `name` stands for the path in messages.
 */
export async function readCodeBytes(bytes: Uint8Array, options: ReadOptions = {}, name = '<memory>'): Promise<CodeReport> {
  options.signal?.throwIfAborted();
  return readSource(ByteSource.fromBytes(bytes, name), { path: name, executablePath: name }, options);
}

async function readSource(src: ByteSource, resolved: ResolvedCode, options: ReadOptions): Promise<CodeReport> {
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
    slices.push(await readSlice({ src, loc: locations[i]!, resolved, options, ...(progress ? { progress } : {}) }, headers[i]!));
  }
  const report: CodeReport = { path, executablePath: resolved.executablePath, container: container.kind, slices };
  if (resolved.bundle) report.bundle = { path: resolved.bundle.path, infoPlist: resolved.bundle.infoPlist };
  return report;
}

function error(code: string, message: string): Problem {
  return { code, severity: 'error', message };
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
    return { bytes, dict: parsePlistDict(bytes, `embedded __TEXT,__info_plist at file offset ${ctx.loc.offset + sec.offset}`) };
  } catch (err) {
    if (!(err instanceof PlistError)) throw err;
    problems.push({ code: 'info-plist-malformed', severity: 'warning', message: err.message });
    return { bytes };
  }
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

async function readSlice(ctx: SliceContext, header: MachHeader): Promise<SliceReport> {
  const { src, loc, resolved, options } = ctx;
  const problems: Problem[] = [];
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
    verification: { ok: false, problems, pagesVerified: false },
  };
  if (header.dylibId !== undefined) report.dylibId = header.dylibId;

  const embedded = await embeddedInfoPlist(ctx, header, problems);
  const infoPlist = resolved.bundle?.infoPlist ?? embedded?.dict;
  if (infoPlist) facts.infoPlist = infoPlist;
  const infoPlistBytes = resolved.bundle?.infoPlistBytes ?? embedded?.bytes;

  const cs = header.codeSignature;
  if (!cs) {
    problems.push(error('unsigned', `slice ${loc.arch} has no code signature (no LC_CODE_SIGNATURE load command)`));
    return report;
  }
  report.status = 'signed';
  const layout: SignatureLayout = { dataOffset: cs.dataOffset, dataSize: cs.dataSize, superBlobLength: 0, specialSlots: [] };
  report.signature = layout;
  const sigFileOffset = loc.offset + cs.dataOffset;
  if (cs.dataOffset + cs.dataSize > loc.size) {
    problems.push(
      error(
        'signature-out-of-bounds',
        `LC_CODE_SIGNATURE (load command at slice offset ${cs.commandOffset}) says dataoff ${cs.dataOffset}, datasize ${cs.dataSize}, which ends past the end of the ${loc.arch} slice (${loc.size} bytes)`,
      ),
    );
    return report;
  }
  if (cs.dataSize > MAX_SIGNATURE_BYTES) {
    problems.push(error('signature-too-large', `LC_CODE_SIGNATURE datasize ${cs.dataSize} is over the ${MAX_SIGNATURE_BYTES}-byte limit for a code signature`));
    return report;
  }
  const sigBytes = await src.read(sigFileOffset, cs.dataSize, 'code signature');
  const superBlob = parseSuperBlob(sigBytes, sigFileOffset);
  problems.push(...superBlob.problems);
  layout.superBlobLength = superBlob.length;
  report.blobs = superBlob.blobs.map(({ slot, magic, offset, length }) => ({ slot, magic, offset, length }));
  const blobAt = (slot: number) => superBlob.blobs.find((b) => b.slot === slot);

  // CodeDirectories: the primary at slot 0, alternates (other hash types) at 0x1000+.
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
  directories.sort((a, b) => a.slot - b.slot);
  const primary = directories.find((d) => d.slot === SLOT_CODEDIRECTORY);
  for (const cd of directories) if (cd.hashType) facts.codeDirectories.push(toFacts(cd));
  if (!primary) {
    problems.push(error('codedirectory-missing', `the code signature at file offset ${sigFileOffset} has no usable CodeDirectory in slot 0`));
  } else {
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

  // Blobs other than CodeDirectories.
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
        facts.entitlements = parsePlistDict(entitlements.bytes.subarray(8), `entitlements blob at file offset ${sigFileOffset + entitlements.offset}`);
      } catch (err) {
        if (!(err instanceof PlistError)) throw err;
        problems.push(error('entitlements-malformed', err.message));
      }
    }
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

  // Special slots, for every CodeDirectory with its own hash type.
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
        const seal = resolved.bundle ? await readResourceSeal(resolved.bundle.infoPlistPath) : undefined;
        if (!seal) {
          check.status = 'not-checked';
          layout.specialSlots.push(check);
          continue;
        }
        slotContent = seal.bytes;
        if (slotContent === undefined) {
          check.status = 'missing';
          problems.push(error('resources-missing', `${where} has hash ${check.expected}, but the bundle has no ${seal.path}`));
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

  // The code limit must reach the signature, or the bytes in between are unsealed.
  for (const cd of directories) {
    if (cd.codeLimit !== BigInt(cs.dataOffset)) {
      problems.push(
        error(
          cd.codeLimit > BigInt(cs.dataOffset) ? 'code-limit-too-large' : 'code-limit-short',
          `${slotName(cd.slot)}: codeLimit ${cd.codeLimit} differs from the signature's offset ${cs.dataOffset} in the ${loc.arch} slice`,
        ),
      );
    }
  }

  // The CMS blob.
  const signatureBlob = blobAt(SLOT_SIGNATURE);
  let cmsDer: Uint8Array | undefined;
  if (signatureBlob) {
    if (signatureBlob.magic !== CSMAGIC_BLOBWRAPPER) {
      problems.push(error('blob-bad-magic', `CMS signature blob has magic ${hex32(signatureBlob.magic)}, expected ${hex32(CSMAGIC_BLOBWRAPPER)}`));
    } else {
      cmsDer = signatureBlob.bytes.subarray(8);
      layout.cmsSize = cmsDer.length;
      if (cmsDer.length === 0) cmsDer = undefined;
    }
  }
  if (!cmsDer && primary && !facts.adhoc) {
    problems.push(error('cms-missing', `the CodeDirectory is not ad-hoc (flags ${hex32(primary.flags)}) but the signature has no CMS blob`));
  }

  // Page hashing runs on the other cores while this thread checks the CMS signature, then joins in.
  const cmsCheck = cmsDer ? checkCms(report, cmsDer, sigFileOffset + signatureBlob!.offset + 8, primary, directories, options) : undefined;
  const pages = options.verifyPages !== false && directories.length > 0 ? checkPages(ctx, directories, cmsCheck) : undefined;
  // Both are awaited together: a page check cancelled while the CMS check runs must not be an unhandled rejection.
  const [cmsOutcome, pageOutcome] = await Promise.allSettled([cmsCheck ?? Promise.resolve([]), pages]);
  if (pageOutcome.status === 'rejected') throw pageOutcome.reason;
  if (cmsOutcome.status === 'rejected') throw cmsOutcome.reason;
  options.signal?.throwIfAborted();
  const cmsProblems = cmsOutcome.value;
  const pageResult = pageOutcome.value;
  if (pageResult) {
    problems.push(...pageResult.problems);
    layout.pages = pageResult.pages;
    report.verification.pagesVerified = true;
  }
  problems.push(...cmsProblems);

  report.verification.ok = !problems.some((p) => p.severity === 'error');
  return report;
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

async function checkPages(ctx: SliceContext, directories: CodeDirectory[], after: Promise<unknown> | undefined): Promise<{ problems: Problem[]; pages: NonNullable<SignatureLayout['pages']> }> {
  const { src, loc, options } = ctx;
  const problems: Problem[] = [];
  const jobs: PageJob[] = [];
  const whole: CodeDirectory[] = [];
  for (const cd of directories) {
    if (!cd.algorithm || cd.pageSize < 0) continue;
    if (cd.codeLimit > BigInt(loc.size)) {
      problems.push(error('code-limit-out-of-bounds', `${slotName(cd.slot)}: codeLimit ${cd.codeLimit} is past the end of the ${loc.arch} slice (${loc.size} bytes)`));
      continue;
    }
    if (cd.scatter && cd.scatter.length > 0) {
      problems.push({ code: 'scatter-not-verified', severity: 'warning', message: `${slotName(cd.slot)} uses a scatter vector; its pages are not verified` });
      continue;
    }
    const limit = Number(cd.codeLimit);
    if (cd.pageSize === 0) whole.push(cd);
    else jobs.push({ slot: cd.slot, algorithm: cd.algorithm, hashSize: cd.hashSize, pageSize: cd.pageSize, codeLimit: limit, expected: new Uint8Array(codeHashes(cd)) });
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
    const got = (await hashWholeRange(src, loc.offset, Number(cd.codeLimit), cd.algorithm!, options.signal)).subarray(0, cd.hashSize);
    const want = codeHashes(cd).subarray(0, cd.hashSize);
    const bad = cd.nCodeSlots !== 1 || !got.equals(want);
    pages.push({ directory: cd.slot, pages: 1, mismatches: bad ? 1 : 0 });
    if (bad) problems.push(error('page-hash-mismatch', `${slotName(cd.slot)}: the single page [0, ${cd.codeLimit}) hashes to ${got.toString('hex')}, the CodeDirectory says ${want.toString('hex')}`));
  }
  return { problems, pages };
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

/** Far above real resource seals (a few MB for the largest apps). */
const MAX_RESOURCE_SEAL_BYTES = 64 * 1024 * 1024;
/**
 * The general (DOM-based) property list reader needs many times a document's
 * size in memory (a 60 MB seal exhausted the heap); only seals up to this size
 * that the fast reader declines are handed to it.
 */
const MAX_GENERAL_SEAL_BYTES = 8 * 1024 * 1024;

/**
 * The bundle's resource seal, `_CodeSignature/CodeResources` beside the folder
 * holding Info.plist's parent (`Contents/` for apps, the root for shallow and
 * framework bundles). `bytes` is undefined when the file does not exist.
 */
async function readResourceSeal(infoPlistPath: string): Promise<{ path: string; bytes: Uint8Array | undefined }> {
  const plistDir = dirname(infoPlistPath);
  const sealDir = basename(plistDir) === 'Resources' ? dirname(plistDir) : plistDir;
  const path = join(sealDir, '_CodeSignature', 'CodeResources');
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size > MAX_RESOURCE_SEAL_BYTES) return { path, bytes: undefined };
    return { path, bytes: await readFile(path) };
  } catch {
    return { path, bytes: undefined };
  }
}

/**
 * Verifies the resource seal's files once per bundle and adds the findings to
 * every signed slice. Only a seal some CodeDirectory vouches for (slot 3
 * matches) is read: a changed or missing CodeResources is already reported,
 * and its listing proves nothing.
 *
 * A bundle always has a resource folder (its support-files directory), so
 * Apple refuses a bundle whose signature seals no resources at all
 * (SecStaticCode::validateResources: errSecCSResourcesNotFound).
 */
async function checkResources(report: CodeReport, resolved: ResolvedCode, options: ReadOptions, nesting: Nesting): Promise<void> {
  const bundle = resolved.bundle!;
  const signed = report.slices.filter((s) => s.status !== 'unsigned' && s.signature);
  if (signed.length === 0) return;
  const sealed = signed.some((s) => s.signature!.specialSlots.some((c) => c.slot === SLOT_RESOURCEDIR && c.status === 'match'));
  const add = (problems: Problem[]) => {
    for (const s of signed) {
      s.verification.problems.push(...problems);
      s.verification.ok = !s.verification.problems.some((p) => p.severity === 'error');
    }
  };
  if (!signed.some((s) => s.signature!.specialSlots.some((c) => c.slot === SLOT_RESOURCEDIR))) {
    add([error('resources-not-sealed', `the signature seals no resources (special slot 3 is empty), but ${basename(bundle.path)} is a bundle: Apple refuses it (errSecCSResourcesNotFound)`)]);
    return;
  }
  if (!sealed) return;
  const seal = await readResourceSeal(bundle.infoPlistPath);
  if (!seal.bytes) return;
  const root = dirname(dirname(seal.path));
  const display = relative(bundle.path, root);
  const sealName = printable(relative(bundle.path, seal.path).split(sep).join('/'));
  let dict: PlistDict;
  try {
    try {
      // Counted while reading: a seal listing more than the file budget is refused before it is built whole.
      // Never below a handful, so that the top-level dictionary itself fits; readSeal applies the exact limit.
      dict = readXmlPlistDict(seal.bytes, { maxEntries: Math.max(16, nesting.budget.files) });
    } catch (err) {
      if (!(err instanceof XmlPlistUnsupported)) throw err;
      if (seal.bytes.length > MAX_GENERAL_SEAL_BYTES) {
        throw new PlistError(`${sealName}: ${seal.bytes.length} bytes that are not the plain XML that codesign writes (${err.message}); only seals up to ${MAX_GENERAL_SEAL_BYTES} bytes are read otherwise`);
      }
      dict = parsePlistDict(seal.bytes, seal.path);
    }
  } catch (err) {
    if (err instanceof XmlPlistTooLarge) {
      add([error('resources-limit', `${sealName}: ${err.message} (the limit of files to verify); the resources cannot be verified`)]);
      return;
    }
    if (!(err instanceof PlistError)) throw err;
    add([error('resource-seal-malformed', `${err.message}; the resources cannot be verified`)]);
    return;
  }
  const exe = relative(root, resolved.executablePath);
  const hashTypes = new Set(signed.flatMap((s) => s.facts.codeDirectories.map((cd) => cd.hashType)));
  // Page hashing came first and counted each signed slice up to its signature.
  const base = options.verifyPages === false ? 0 : report.slices.reduce((sum, s) => sum + (s.signature ? s.signature.dataOffset : 0), 0);
  const result = await verifyResources({
    root,
    display: display === '' ? '' : display.split(sep).join('/') + '/',
    ...(exe === '..' || exe.startsWith('..' + sep) || isAbsolute(exe) ? {} : { mainExecutable: exe.split(sep).join('/') }),
    seal: dict,
    checkSha1: hashTypes.has('sha1'),
    limits: nesting.limits,
    budget: nesting.budget,
    nesting: nesting.nesting,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (done: number, total: number) => options.onProgress!(base + done, base + total) } : {}),
    readNested: async (path) => {
      // Nested code is read whole (all its architectures); its progress is not part of this bundle's.
      const inner: ReadOptions = { ...options };
      delete inner.arch;
      delete inner.onProgress;
      try {
        return await readCodeNested(path, inner, { ...nesting, nesting: nesting.nesting + 1 });
      } catch (err) {
        if (err instanceof CodeReadError) return err.message;
        throw err;
      }
    },
  });
  report.resources = result;
  add(result.problems);
}
