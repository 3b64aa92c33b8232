import type { HashType } from '../facts.js';
import type { Problem } from '../problems.js';
import { CSMAGIC_CODEDIRECTORY, hex32, slotName } from './blobs.js';
import { digest, HASH_TYPES } from './hash.js';

/** Versions that add fields (codedirectory.h). */
export const CD_VERSION = {
  earliest: 0x20001,
  scatter: 0x20100,
  teamId: 0x20200,
  codeLimit64: 0x20300,
  execSeg: 0x20400,
  runtime: 0x20500,
  linkage: 0x20600,
} as const;
/** Apple refuses CodeDirectories from a future major format (`compatibilityLimit`). */
const CD_VERSION_LIMIT = 0x2f000;

/**
 * Page sizes (log2) the kernel accepts for Mach-O code (cs_validate_codedirectory:
 * PAGE_SHIFT_4K to PAGE_SHIFT, 16 KB on arm64), besides 0, which userspace
 * reads as one page covering the whole codeLimit.
 */
export const MIN_PAGE_SHIFT = 12;
export const MAX_PAGE_SHIFT = 14;

const HEADER_SIZE: [number, number][] = [
  [CD_VERSION.linkage, 108],
  [CD_VERSION.runtime, 96],
  [CD_VERSION.execSeg, 88],
  [CD_VERSION.codeLimit64, 64],
  [CD_VERSION.teamId, 52],
  [CD_VERSION.scatter, 48],
  [CD_VERSION.earliest, 44],
];

/** Code-signature flags as `codesign -d` names them (kSecCodeSignature*). */
const FLAG_NAMES: [number, string][] = [
  [0x1, 'host'],
  [0x2, 'adhoc'],
  [0x100, 'hard'],
  [0x200, 'kill'],
  [0x400, 'expires'],
  [0x800, 'restrict'],
  [0x1000, 'enforcement'],
  [0x2000, 'library-validation'],
  [0x10000, 'runtime'],
  [0x20000, 'linker-signed'],
];

export const CS_ADHOC = 0x2;
export const CS_RUNTIME = 0x10000;
export const CS_LINKER_SIGNED = 0x20000;

export function flagNames(flags: number): string[] {
  const names: string[] = [];
  let rest = flags >>> 0;
  for (const [bit, name] of FLAG_NAMES) {
    if (rest & bit) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest) names.push(hex32(rest));
  return names;
}

/** Runtime and SDK versions are packed as 16.8.8 bits. */
export function versionText(v: number): string {
  return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

export interface Scatter {
  count: number;
  base: number;
  targetOffset: bigint;
}

export interface CodeDirectory {
  slot: number;
  /** Exact blob bytes: what the cdhash and the CMS signature cover. */
  bytes: Buffer;
  version: number;
  flags: number;
  hashOffset: number;
  identOffset: number;
  nSpecialSlots: number;
  nCodeSlots: number;
  /** codeLimit64 when the version has it and it is set, else the 32-bit codeLimit. */
  codeLimit: bigint;
  hashSize: number;
  hashTypeCode: number;
  hashType?: HashType;
  algorithm?: string;
  platform: number;
  pageSizeLog2: number;
  /** Bytes per page; 0 means "one page covering codeLimit". */
  pageSize: number;
  identifier: string;
  teamIdentifier?: string;
  scatterOffset?: number;
  scatter?: Scatter[];
  execSegBase?: bigint;
  execSegLimit?: bigint;
  execSegFlags?: bigint;
  runtime?: number;
  preEncryptOffset?: number;
  linkage?: { hashType: number; applicationType: number; applicationSubType: number; offset: number; size: number };
  /** Full digest of `bytes` with the CD's own hash (undefined for unknown hash types). */
  cdhash?: Uint8Array;
  /**
   * The CodeDirectory's own geometry lets its pages be hashed: known hash
   * type and size, a page size Apple accepts, as many code slots as codeLimit
   * needs, no scatter vector. When false, the reasons are problems already
   * and no page is ever hashed for it. (Where codeLimit lies in the slice is
   * checked against the slice: see checkCodeLimit.)
   */
  pagesHashable: boolean;
}

function cstringAt(b: Buffer, at: number, what: string, problems: Problem[], where: string): string | undefined {
  if (at >= b.length) {
    problems.push({ code: 'codedirectory-malformed', severity: 'error', message: `${where}: ${what} offset ${at} is past the end of the CodeDirectory (${b.length} bytes)` });
    return undefined;
  }
  const nul = b.indexOf(0, at);
  if (nul < 0) {
    problems.push({ code: 'codedirectory-malformed', severity: 'error', message: `${where}: ${what} at offset ${at} is not NUL-terminated inside the CodeDirectory` });
    return undefined;
  }
  return b.toString('utf8', at, nul);
}

/**
 * Parses one CodeDirectory blob, reading each field only when the version
 * has it. `fileOffset` is the blob's position in the file, for messages.
 * Returns undefined (with problems) when the header itself is unusable.
 */
export function parseCodeDirectory(b: Buffer, slot: number, fileOffset: number, problems: Problem[]): CodeDirectory | undefined {
  const where = `${slotName(slot)} at file offset ${fileOffset}`;
  const bad = (message: string) => problems.push({ code: 'codedirectory-malformed', severity: 'error', message: `${where}: ${message}` });
  if (b.length < 44) {
    bad(`${b.length} bytes, shorter than the smallest CodeDirectory header (44)`);
    return undefined;
  }
  const magic = b.readUInt32BE(0);
  if (magic !== CSMAGIC_CODEDIRECTORY) {
    bad(`magic ${hex32(magic)}, expected ${hex32(CSMAGIC_CODEDIRECTORY)}`);
    return undefined;
  }
  const version = b.readUInt32BE(8);
  if (version < CD_VERSION.earliest || version >= CD_VERSION_LIMIT) {
    bad(`version ${hex32(version)} is outside the supported range [${hex32(CD_VERSION.earliest)}, ${hex32(CD_VERSION_LIMIT)})`);
    return undefined;
  }
  const headerSize = HEADER_SIZE.find(([v]) => version >= v)![1];
  if (b.length < headerSize) {
    bad(`version ${hex32(version)} needs a ${headerSize}-byte header, blob has ${b.length}`);
    return undefined;
  }
  const hashTypeCode = b.readUInt8(37);
  const known = HASH_TYPES[hashTypeCode];
  const pageSizeLog2 = b.readUInt8(39);
  const cd: CodeDirectory = {
    slot,
    bytes: b,
    version,
    flags: b.readUInt32BE(12),
    hashOffset: b.readUInt32BE(16),
    identOffset: b.readUInt32BE(20),
    nSpecialSlots: b.readUInt32BE(24),
    nCodeSlots: b.readUInt32BE(28),
    codeLimit: BigInt(b.readUInt32BE(32)),
    hashSize: b.readUInt8(36),
    hashTypeCode,
    platform: b.readUInt8(38),
    pageSizeLog2,
    pageSize: pageSizeLog2 === 0 ? 0 : pageSizeLog2 < 31 ? 2 ** pageSizeLog2 : -1,
    identifier: '',
    pagesHashable: true,
  };
  // A geometry fault: reported, and the CodeDirectory's pages are then never hashed.
  const unhashable = (message: string) => {
    bad(`${message}; its pages are not hashed`);
    cd.pagesHashable = false;
  };
  if (known) {
    cd.hashType = known.type;
    cd.algorithm = known.algorithm;
    cd.cdhash = new Uint8Array(digest(known.algorithm, b));
    if (cd.hashSize !== known.size) unhashable(`hashSize ${cd.hashSize} does not match hash type ${known.type} (${known.size})`);
  } else {
    unhashable(`unknown hash type ${hashTypeCode}`);
  }
  if (version >= CD_VERSION.scatter) {
    const so = b.readUInt32BE(44);
    if (so) cd.scatterOffset = so;
  }
  if (version >= CD_VERSION.teamId) {
    const to = b.readUInt32BE(48);
    if (to) {
      const team = cstringAt(b, to, 'team identifier', problems, where);
      if (team !== undefined) cd.teamIdentifier = team;
    }
  }
  if (version >= CD_VERSION.codeLimit64) {
    const limit64 = b.readBigUInt64BE(56);
    if (limit64 !== 0n) cd.codeLimit = limit64;
  }
  if (version >= CD_VERSION.execSeg) {
    cd.execSegBase = b.readBigUInt64BE(64);
    cd.execSegLimit = b.readBigUInt64BE(72);
    cd.execSegFlags = b.readBigUInt64BE(80);
  }
  if (version >= CD_VERSION.runtime) {
    cd.runtime = b.readUInt32BE(88);
    cd.preEncryptOffset = b.readUInt32BE(92);
  }
  if (version >= CD_VERSION.linkage) {
    cd.linkage = {
      hashType: b.readUInt8(96),
      applicationType: b.readUInt8(97),
      applicationSubType: b.readUInt16BE(98),
      offset: b.readUInt32BE(100),
      size: b.readUInt32BE(104),
    };
    if (cd.linkage.offset && (cd.linkage.offset > b.length || cd.linkage.size > b.length - cd.linkage.offset)) {
      bad(`linkage data (offset ${cd.linkage.offset}, ${cd.linkage.size} bytes) extends past the CodeDirectory (${b.length} bytes)`);
    }
  }
  const ident = cstringAt(b, cd.identOffset, 'identifier', problems, where);
  if (ident !== undefined) cd.identifier = ident;
  if (cd.identOffset < headerSize) bad(`identifier offset ${cd.identOffset} points into the ${headerSize}-byte header`);

  // Hash slots: the special slots are stored before hashOffset, the code slots after it.
  const hs = cd.hashSize;
  const specialStart = cd.hashOffset - cd.nSpecialSlots * hs;
  const codeEnd = cd.hashOffset + cd.nCodeSlots * hs;
  if (hs === 0 || specialStart < headerSize || codeEnd > b.length) {
    bad(
      `hash slots [${specialStart}, ${codeEnd}) (${cd.nSpecialSlots} special and ${cd.nCodeSlots} code slots of ${hs} bytes at hashOffset ${cd.hashOffset}) do not fit between the header (${headerSize}) and the end of the blob (${b.length})`,
    );
    return undefined;
  }
  // Page coverage (CodeDirectory::checkIntegrity), all decided before any page is hashed.
  if (pageSizeLog2 !== 0 && (pageSizeLog2 < MIN_PAGE_SHIFT || pageSizeLog2 > MAX_PAGE_SHIFT)) {
    unhashable(`page size 2^${pageSizeLog2} is not supported: Apple accepts 0 (one page) or 2^${MIN_PAGE_SHIFT} to 2^${MAX_PAGE_SHIFT}`);
  } else if (cd.pageSize > 0) {
    const wantSlots = (cd.codeLimit + BigInt(cd.pageSize) - 1n) / BigInt(cd.pageSize);
    if (cd.codeLimit === 0n) unhashable(`page size ${cd.pageSize} but codeLimit 0: paged code needs code to cover`);
    else if (BigInt(cd.nCodeSlots) !== wantSlots) unhashable(`${cd.nCodeSlots} code slots, but codeLimit ${cd.codeLimit} at ${cd.pageSize}-byte pages needs ${wantSlots}`);
  } else if (cd.nCodeSlots !== (cd.codeLimit > 0n ? 1 : 0)) {
    unhashable(`page size 0 (one page) and codeLimit ${cd.codeLimit} need ${cd.codeLimit > 0n ? 1 : 0} code slot, not ${cd.nCodeSlots}`);
  }

  if (cd.scatterOffset !== undefined) {
    const scatter: Scatter[] = [];
    let pages = 0;
    for (let at = cd.scatterOffset; ; at += 24) {
      if (at + 24 > b.length) {
        unhashable(`scatter vector at offset ${cd.scatterOffset} runs past the end of the blob without a terminating entry`);
        break;
      }
      const count = b.readUInt32BE(at);
      if (count === 0) break;
      pages += count;
      scatter.push({ count, base: b.readUInt32BE(at + 4), targetOffset: b.readBigUInt64BE(at + 8) });
    }
    if (cd.hashOffset + pages * hs > b.length) unhashable(`scatter vector covers ${pages} pages, whose hash slots run past the end of the blob`);
    cd.scatter = scatter;
    // Scatter vectors (never written by codesign for Mach-O) are not verified here: failing closed.
    if (scatter.length > 0) {
      cd.pagesHashable = false;
      problems.push({ code: 'scatter-not-verified', severity: 'error', message: `${where}: uses a scatter vector (offset ${cd.scatterOffset}, ${scatter.length} entries); its pages are not verified` });
    }
  }

  // The executable segment lies in the code the CodeDirectory covers.
  if (cd.execSegBase !== undefined && cd.execSegLimit !== undefined && cd.execSegBase + cd.execSegLimit > cd.codeLimit) {
    bad(`executable segment [${cd.execSegBase}, ${cd.execSegBase + cd.execSegLimit}) extends past codeLimit ${cd.codeLimit}`);
  }
  return cd;
}

/** The stored hash of special slot `n` (1-based), or of code page `i`. */
export function specialSlotHash(cd: CodeDirectory, n: number): Buffer {
  const at = cd.hashOffset - n * cd.hashSize;
  return cd.bytes.subarray(at, at + cd.hashSize);
}

export function codeHashes(cd: CodeDirectory): Buffer {
  return cd.bytes.subarray(cd.hashOffset, cd.hashOffset + cd.nCodeSlots * cd.hashSize);
}
