/**
 * TEST ONLY. Signs a thin Mach-O the way codesign (or ld64's
 * linker-signing) lays a signature out: LC_CODE_SIGNATURE points at a
 * 16-byte-aligned embedded-signature SuperBlob (0xfade0cc0) at the end of
 * __LINKEDIT; blobs in slot order (CodeDirectory 0, requirements 2,
 * entitlements 5, DER entitlements 7, alternate CodeDirectories 0x1000+,
 * CMS 0x10000); the code limit is the signature's offset; datasize reserves
 * room for the CMS, so the superblob may be shorter than datasize.
 */
import { createHash } from 'node:crypto';
import type { HashType } from '../../validator/facts.js';
import type { TestCa, Issued } from './ca.js';
import { buildCms, type Digest } from './cms.js';
import { entitlementsDer, entitlementsXml, type Entitlements } from './entitlements.js';
import { alignUp, CPU, LC_CODE_SIGNATURE, layoutOf, MH_MAGIC, MH_MAGIC_64, type Arch, type Layout } from './macho.js';

export const MAGIC = {
  embeddedSignature: 0xfade0cc0,
  codeDirectory: 0xfade0c02,
  requirements: 0xfade0c01,
  requirement: 0xfade0c00,
  entitlements: 0xfade7171,
  entitlementsDer: 0xfade7172,
  blobWrapper: 0xfade0b01,
} as const;

export const SLOT = {
  codeDirectory: 0,
  infoPlist: 1,
  requirements: 2,
  resources: 3,
  application: 4,
  entitlements: 5,
  entitlementsDer: 7,
  alternateCodeDirectory: 0x1000,
  signature: 0x10000,
} as const;

export const CS_ADHOC = 0x2;
export const CS_RUNTIME = 0x10000;
export const CS_LINKER_SIGNED = 0x20000;

const HASH: Record<HashType, { code: number; size: number; digest: Digest }> = {
  sha1: { code: 1, size: 20, digest: 'sha1' },
  sha256: { code: 2, size: 32, digest: 'sha256' },
  sha256Truncated: { code: 3, size: 20, digest: 'sha256' },
  sha384: { code: 4, size: 48, digest: 'sha384' },
};

export interface Tamper {
  /** Flip the low bit of this file offset (inside the hashed code) after signing. */
  pageByte?: number;
  /** Flip a byte of the slot-0 CodeDirectory after the CMS was made (offset inside the CD). */
  codeDirectoryByte?: number;
  /** Flip a byte of the CMS DER (offset inside the DER). */
  cmsByte?: number;
  /** Write CDHashes attributes that name a different cdhash than the real one. */
  wrongCdhashes?: boolean;
  /** Change the entitlements blob after hashing it into its special slot. */
  entitlementsByte?: number;
}

export interface SignOptions {
  identifier: string;
  /** CodeDirectory team identifier (omitted when undefined). */
  teamId?: string;
  /** Signing identity; required unless ad-hoc. */
  ca?: TestCa;
  /** `true`: codesign -s - (flag 0x2, empty requirement set, empty CMS blob); `'linker'`: ld64 style (flags 0x20002, CodeDirectory only). */
  adhoc?: boolean | 'linker';
  /** Hash type per CodeDirectory: first in slot 0, the rest at 0x1000, 0x1001…; default ['sha256']. */
  hashTypes?: HashType[];
  /** CodeDirectory version: default 0x20500 when `runtime` is set, else 0x20400. */
  version?: 0x20400 | 0x20500;
  /** Extra CodeDirectory flags (CS_RUNTIME is added when `runtime` is set). */
  flags?: number;
  /** Hardened-runtime SDK version, e.g. 0x0a0f06 for 10.15.6. */
  runtime?: number;
  /** Bytes hashed into special slot 1: a bundle's Info.plist file, or `embedded` for the __info_plist section. */
  infoPlist?: Uint8Array | 'embedded';
  /** The whole requirement-set blob (0xfade0c01…). Default: the empty set for codesign, none for linker-signed; null: none. */
  requirements?: Uint8Array | null;
  /** Embedded XML entitlements: a dictionary, or exact plist text. */
  entitlements?: Entitlements | string;
  /** DER entitlements: a dictionary to encode, or exact bytes. Default: derived from `entitlements` when it is a dictionary. */
  entitlementsDer?: Entitlements | Uint8Array | null;
  /** Bytes hashed into special slot 3 (a bundle's _CodeSignature/CodeResources). */
  codeResources?: Uint8Array;
  /** Launch/library constraint blobs (0xfade8181…) for slots 8–11, stored and hashed into their special slots as codesign does. */
  constraints?: { slot: 8 | 9 | 10 | 11; blob: Uint8Array }[];
  signingTime?: Date;
  /** CMS SignerInfo digest; default sha256. */
  cmsDigest?: Digest;
  rsaSignatureOid?: 'rsaEncryption' | 'specific';
  cdhashesPlist?: boolean;
  cdhashes2?: boolean;
  timestamp?: { time: Date; tsa: Issued; chain: Issued[] };
  pageSize?: number;
  platform?: number;
  tamper?: Tamper;
}

interface LoadCommands {
  arch: Arch;
  layout: Layout;
  fileType: number;
  ncmds: number;
  sizeofcmds: number;
  text?: { fileoff: number; filesize: number };
  linkedit?: { at: number; fileoff: number; filesize: number };
  codeSignature?: { at: number; dataoff: number; datasize: number };
  infoPlist?: { offset: number; size: number };
  firstSectionOffset: number;
}

function readLoadCommands(file: Uint8Array): LoadCommands {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== MH_MAGIC_64 && magic !== MH_MAGIC) throw new Error('signMachO signs thin little-endian Mach-O files only');
  const cputype = view.getUint32(4, true);
  const arch = (Object.keys(CPU) as Arch[]).find((a) => CPU[a].type === cputype);
  if (!arch || CPU[arch].is64 !== (magic === MH_MAGIC_64)) throw new Error(`unsupported cputype 0x${cputype.toString(16)}`);
  const L = layoutOf(arch);
  const addr = (at: number) => (CPU[arch].is64 ? Number(view.getBigUint64(at, true)) : view.getUint32(at, true));
  const ncmds = view.getUint32(16, true);
  const sizeofcmds = view.getUint32(20, true);
  const out: LoadCommands = { arch, layout: L, fileType: view.getUint32(12, true), ncmds, sizeofcmds, firstSectionOffset: file.length };
  let at = L.headerSize;
  for (let i = 0; i < ncmds; i++) {
    const cmd = view.getUint32(at, true);
    const size = view.getUint32(at + 4, true);
    if (cmd === L.segmentCmd) {
      const name = new TextDecoder().decode(file.subarray(at + 8, at + 24)).replace(/\0+$/, '');
      const fileoff = addr(at + L.seg.fileoff);
      const filesize = addr(at + L.seg.filesize);
      if (name === '__TEXT') out.text = { fileoff, filesize };
      if (name === '__LINKEDIT') out.linkedit = { at, fileoff, filesize };
      const nsects = view.getUint32(at + L.seg.nsects, true);
      for (let k = 0; k < nsects; k++) {
        const sec = at + L.segmentSize + L.sectionSize * k;
        const off = view.getUint32(sec + L.sect.offset, true);
        if (off > 0) out.firstSectionOffset = Math.min(out.firstSectionOffset, off);
        const sectname = new TextDecoder().decode(file.subarray(sec, sec + 16)).replace(/\0+$/, '');
        if (sectname === '__info_plist') out.infoPlist = { offset: off, size: addr(sec + L.sect.size) };
      }
    } else if (cmd === LC_CODE_SIGNATURE) {
      out.codeSignature = { at, dataoff: view.getUint32(at + 8, true), datasize: view.getUint32(at + 12, true) };
    }
    at += size;
  }
  return out;
}

function u32be(...values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(4 * i, v >>> 0));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A generic blob: magic, length (including this 8-byte header), payload. */
export function blob(magic: number, payload: Uint8Array): Uint8Array {
  return concat([u32be(magic, payload.length + 8), payload]);
}

/** The empty requirement set codesign writes when no requirement is given. */
export const EMPTY_REQUIREMENTS = u32be(MAGIC.requirements, 12, 0);

/** A requirement set from (type, requirement blob) pairs, e.g. [[3, designatedBlob]]. */
export function requirementSet(entries: [number, Uint8Array][]): Uint8Array {
  const headerSize = 12 + 8 * entries.length;
  let offset = headerSize;
  const index: number[] = [];
  for (const [type, req] of entries) {
    index.push(type, offset);
    offset += req.length;
  }
  return concat([u32be(MAGIC.requirements, offset, entries.length, ...index), ...entries.map(([, r]) => r)]);
}

export function superblob(entries: { slot: number; data: Uint8Array }[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.slot - b.slot);
  let offset = 12 + 8 * sorted.length;
  const index: number[] = [];
  for (const e of sorted) {
    index.push(e.slot, offset);
    offset += e.data.length;
  }
  return concat([u32be(MAGIC.embeddedSignature, offset, sorted.length, ...index), ...sorted.map((e) => e.data)]);
}

function digest(type: HashType, data: Uint8Array): Uint8Array {
  const h = HASH[type];
  return new Uint8Array(createHash(h.digest).update(data).digest()).subarray(0, h.size);
}

interface CodeDirectoryInput {
  version: number;
  flags: number;
  hashType: HashType;
  identifier: string;
  teamId?: string;
  pageSize: number;
  codeLimit: number;
  platform: number;
  execSeg: { base: number; limit: number; flags: number };
  runtime: number;
  /** Special-slot contents by slot number (1-based); undefined slots are zero-filled. */
  special: Map<number, Uint8Array>;
  code: Uint8Array;
}

function headerSize(version: number): number {
  if (version >= 0x20500) return 96;
  if (version >= 0x20400) return 88;
  if (version >= 0x20300) return 64;
  if (version >= 0x20200) return 52;
  if (version >= 0x20100) return 48;
  return 44;
}

function codeDirectory(input: CodeDirectoryInput): Uint8Array {
  const h = HASH[input.hashType];
  const nSpecial = Math.max(0, ...input.special.keys());
  const nCode = Math.ceil(input.codeLimit / input.pageSize);
  const ident = new TextEncoder().encode(input.identifier + '\0');
  const team = input.teamId !== undefined ? new TextEncoder().encode(input.teamId + '\0') : new Uint8Array();
  const hdr = headerSize(input.version);
  const identOffset = hdr;
  const teamOffset = team.length ? identOffset + ident.length : 0;
  const hashOffset = identOffset + ident.length + team.length + nSpecial * h.size;
  const length = hashOffset + nCode * h.size;
  const out = new Uint8Array(length);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC.codeDirectory);
  v.setUint32(4, length);
  v.setUint32(8, input.version);
  v.setUint32(12, input.flags);
  v.setUint32(16, hashOffset);
  v.setUint32(20, identOffset);
  v.setUint32(24, nSpecial);
  v.setUint32(28, nCode);
  v.setUint32(32, input.codeLimit);
  v.setUint8(36, h.size);
  v.setUint8(37, h.code);
  v.setUint8(38, input.platform);
  v.setUint8(39, Math.log2(input.pageSize));
  // 40 spare2, 44 scatterOffset (none)
  if (hdr >= 52) v.setUint32(48, teamOffset);
  // 52 spare3, 56 codeLimit64 (0: the 32-bit codeLimit applies)
  if (hdr >= 88) {
    v.setBigUint64(64, BigInt(input.execSeg.base));
    v.setBigUint64(72, BigInt(input.execSeg.limit));
    v.setBigUint64(80, BigInt(input.execSeg.flags));
  }
  if (hdr >= 96) v.setUint32(88, input.runtime);
  out.set(ident, identOffset);
  out.set(team, identOffset + ident.length);
  for (const [slot, data] of input.special) out.set(digest(input.hashType, data), hashOffset - slot * h.size);
  for (let i = 0; i < nCode; i++) {
    const page = input.code.subarray(i * input.pageSize, Math.min((i + 1) * input.pageSize, input.codeLimit));
    out.set(digest(input.hashType, page), hashOffset + i * h.size);
  }
  return out;
}

/** Full-length cdhash of a CodeDirectory for its hash type (what CDHashes2 states). */
export function cdhashOf(hashType: HashType, cd: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(HASH[hashType].digest).update(cd).digest());
}

/** Signs (or re-signs) a thin Mach-O (x86_64, arm64 or i386) and returns the new file. */
export function signMachO(macho: Uint8Array, options: SignOptions): Uint8Array {
  const adhoc = options.adhoc ?? false;
  if (!adhoc && !options.ca) throw new Error('signMachO: a CA is required unless ad-hoc');
  const lc = readLoadCommands(macho);
  if (!lc.linkedit || !lc.text) throw new Error('signMachO: __TEXT and __LINKEDIT segments are required');
  const pageSize = options.pageSize ?? 4096;

  // Strip an old signature and make room for LC_CODE_SIGNATURE.
  const unsignedEnd = lc.codeSignature ? lc.codeSignature.dataoff : lc.linkedit.fileoff + lc.linkedit.filesize;
  const dataoff = alignUp(unsignedEnd, 16);
  let csAt = lc.codeSignature?.at;
  const head = macho.slice(0, unsignedEnd);
  const file = new Uint8Array(dataoff);
  file.set(head);
  const view = new DataView(file.buffer);
  if (csAt === undefined) {
    csAt = lc.layout.headerSize + lc.sizeofcmds;
    if (csAt + 16 > lc.firstSectionOffset || file.subarray(csAt, csAt + 16).some((b) => b !== 0)) {
      throw new Error('signMachO: no room after the load commands for LC_CODE_SIGNATURE');
    }
    view.setUint32(16, lc.ncmds + 1, true);
    view.setUint32(20, lc.sizeofcmds + 16, true);
    view.setUint32(csAt, LC_CODE_SIGNATURE, true);
    view.setUint32(csAt + 4, 16, true);
  }

  // Blobs other than CodeDirectories and CMS.
  const blobs: { slot: number; data: Uint8Array }[] = [];
  const special = new Map<number, Uint8Array>();
  const linker = adhoc === 'linker';
  const requirements = options.requirements === undefined ? (linker ? null : EMPTY_REQUIREMENTS) : options.requirements;
  if (options.infoPlist === 'embedded') {
    if (!lc.infoPlist) throw new Error('infoPlist: "embedded" but the file has no __TEXT,__info_plist section');
    special.set(SLOT.infoPlist, macho.slice(lc.infoPlist.offset, lc.infoPlist.offset + lc.infoPlist.size));
  } else if (options.infoPlist) {
    special.set(SLOT.infoPlist, options.infoPlist);
  }
  if (requirements) {
    blobs.push({ slot: SLOT.requirements, data: requirements });
    special.set(SLOT.requirements, requirements);
  }
  if (options.codeResources) special.set(SLOT.resources, options.codeResources);
  let entitlementsBlob: Uint8Array | undefined;
  if (options.entitlements !== undefined) {
    const xml = typeof options.entitlements === 'string' ? options.entitlements : entitlementsXml(options.entitlements);
    entitlementsBlob = blob(MAGIC.entitlements, new TextEncoder().encode(xml));
    blobs.push({ slot: SLOT.entitlements, data: entitlementsBlob });
    special.set(SLOT.entitlements, entitlementsBlob);
  }
  const derSource = options.entitlementsDer === undefined
    ? (typeof options.entitlements === 'object' ? options.entitlements : undefined)
    : options.entitlementsDer ?? undefined;
  if (derSource !== undefined) {
    const payload = derSource instanceof Uint8Array ? derSource : entitlementsDer(derSource);
    const der = blob(MAGIC.entitlementsDer, payload);
    blobs.push({ slot: SLOT.entitlementsDer, data: der });
    special.set(SLOT.entitlementsDer, der);
  }
  for (const c of options.constraints ?? []) {
    blobs.push({ slot: c.slot, data: c.blob });
    special.set(c.slot, c.blob);
  }

  const hashTypes = options.hashTypes ?? ['sha256'];
  const version = options.version ?? (options.runtime !== undefined ? 0x20500 : 0x20400);
  let flags = options.flags ?? 0;
  if (options.runtime !== undefined) flags |= CS_RUNTIME;
  if (adhoc) flags |= CS_ADHOC;
  if (linker) flags |= CS_LINKER_SIGNED;
  const cdInput = (hashType: HashType, code: Uint8Array): CodeDirectoryInput => {
    const input: CodeDirectoryInput = {
      version,
      flags,
      hashType,
      identifier: options.identifier,
      pageSize,
      codeLimit: dataoff,
      platform: options.platform ?? 0,
      execSeg: { base: lc.text!.fileoff, limit: lc.text!.filesize, flags: lc.fileType === 2 ? 1 : 0 },
      runtime: options.runtime ?? 0,
      special,
      code,
    };
    if (options.teamId !== undefined) input.teamId = options.teamId;
    return input;
  };

  // Sizes are known before hashing; the CMS size is measured on a same-sized stand-in, plus slack for ECDSA's variable length.
  const standIns = hashTypes.map((t) => codeDirectory(cdInput(t, file)));
  const cmsFor = (cds: Uint8Array[]): Uint8Array => {
    if (adhoc) return new Uint8Array();
    const cdhashes = cds.map((cd, i) => ({ hashType: hashTypes[i]!, cdhash: cdhashOf(hashTypes[i]!, cd) }));
    if (options.tamper?.wrongCdhashes) cdhashes[0]!.cdhash[0]! ^= 0xff;
    const cms: Parameters<typeof buildCms>[0] = { codeDirectory: cds[0]!, cdhashes, ca: options.ca! };
    if (options.signingTime) cms.signingTime = options.signingTime;
    if (options.cmsDigest) cms.digest = options.cmsDigest;
    if (options.rsaSignatureOid) cms.rsaSignatureOid = options.rsaSignatureOid;
    if (options.cdhashesPlist !== undefined) cms.cdhashesPlist = options.cdhashesPlist;
    if (options.cdhashes2 !== undefined) cms.cdhashes2 = options.cdhashes2;
    if (options.timestamp) cms.timestamp = options.timestamp;
    return buildCms(cms);
  };
  const layout = (cds: Uint8Array[], cms: Uint8Array | undefined) => [
    ...blobs,
    ...cds.map((cd, i) => ({ slot: i === 0 ? SLOT.codeDirectory : SLOT.alternateCodeDirectory + i - 1, data: cd })),
    ...(cms === undefined ? [] : [{ slot: SLOT.signature, data: blob(MAGIC.blobWrapper, cms) }]),
  ];
  // codesign's ad-hoc signatures carry an empty CMS wrapper; the linker's carry none.
  const cmsPlaceholder = linker ? undefined : cmsFor(standIns);
  const estimate = superblob(layout(standIns, cmsPlaceholder)).length;
  // ld64 reserves exactly the superblob (fsevents: datasize = length); codesign rounds and leaves room.
  const datasize = linker ? estimate : adhoc ? alignUp(estimate, 16) : alignUp(estimate + 64, 16);

  view.setUint32(csAt + 8, dataoff, true);
  view.setUint32(csAt + 12, datasize, true);
  const cpu = CPU[lc.arch];
  const linkeditSize = dataoff + datasize - lc.linkedit.fileoff;
  const setAddr = (at: number, v: number) => (cpu.is64 ? view.setBigUint64(at, BigInt(v), true) : view.setUint32(at, v, true));
  setAddr(lc.linkedit.at + lc.layout.seg.filesize, linkeditSize);
  setAddr(lc.linkedit.at + lc.layout.seg.vmsize, alignUp(linkeditSize, cpu.segmentAlign));

  const cds = hashTypes.map((t) => codeDirectory(cdInput(t, file)));
  const cms = linker ? undefined : cmsFor(cds);
  const tamper = options.tamper ?? {};
  if (tamper.codeDirectoryByte !== undefined) cds[0]![tamper.codeDirectoryByte]! ^= 0x01;
  if (cms && tamper.cmsByte !== undefined) cms[tamper.cmsByte]! ^= 0x01;
  if (entitlementsBlob && tamper.entitlementsByte !== undefined) entitlementsBlob[tamper.entitlementsByte]! ^= 0x01;
  const sig = superblob(layout(cds, cms));
  if (sig.length > datasize) throw new Error(`signature of ${sig.length} bytes exceeds the ${datasize} bytes reserved`);
  const out = new Uint8Array(dataoff + datasize);
  out.set(file);
  out.set(sig, dataoff);
  if (tamper.pageByte !== undefined) {
    if (tamper.pageByte >= dataoff) throw new Error('tamper.pageByte must lie in the signed code');
    out[tamper.pageByte]! ^= 0x01;
  }
  return out;
}
