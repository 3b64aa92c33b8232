import { archName, fileTypeName } from './arch.js';
import { MH_CIGAM, MH_CIGAM_64, MH_MAGIC, MH_MAGIC_64, type SliceLocation } from './container.js';
import { CodeReadError } from './errors.js';
import type { ByteSource } from './source.js';

const LC_SEGMENT = 0x1;
const LC_ID_DYLIB = 0xd;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const LC_LOAD_DYLIB = 0xc;
const LC_LOAD_WEAK_DYLIB = 0x80000018;
const LC_REEXPORT_DYLIB = 0x8000001f;
const LC_LAZY_LOAD_DYLIB = 0x20;
const LC_LOAD_UPWARD_DYLIB = 0x80000023;
const LC_RPATH = 0x8000001c;

const DYLIB_KINDS: Record<number, LinkedDylib['kind']> = {
  [LC_LOAD_DYLIB]: 'load',
  [LC_LOAD_WEAK_DYLIB]: 'weak',
  [LC_REEXPORT_DYLIB]: 'reexport',
  [LC_LAZY_LOAD_DYLIB]: 'lazy',
  [LC_LOAD_UPWARD_DYLIB]: 'upward',
};

/** A library the slice links (LC_LOAD_DYLIB and its kin), by install name as written. */
export interface LinkedDylib {
  kind: 'load' | 'weak' | 'reexport' | 'lazy' | 'upward';
  name: string;
}

/** Real load commands take kilobytes; a sparse multi-gigabyte file must not make us read gigabytes of them. */
export const MAX_SIZEOFCMDS = 16 << 20;

export interface Segment {
  name: string;
  fileOffset: number;
  fileSize: number;
}

/** LC_CODE_SIGNATURE: offsets relative to the slice start. */
export interface CodeSignatureCommand {
  dataOffset: number;
  dataSize: number;
  commandOffset: number;
}

export interface MachHeader {
  is64: boolean;
  littleEndian: boolean;
  cpuType: number;
  cpuSubtype: number;
  arch: string;
  fileType: number;
  fileTypeName: string;
  flags: number;
  /** From LC_CODE_SIGNATURE; offsets relative to the slice start. */
  codeSignature?: CodeSignatureCommand;
  /** The `__TEXT,__info_plist` section, relative to the slice start. */
  infoPlistSection?: { offset: number; size: number };
  segments: Segment[];
  dylibId?: string;
  /** The `__TEXT,__launchd_plist` section (SMJobBless helpers), relative to the slice start. */
  launchdPlistSection?: { offset: number; size: number };
  /** Libraries linked, in load-command order. */
  dylibs: LinkedDylib[];
  /** LC_RPATH entries, in load-command order. */
  rpaths: string[];
}

function cstring(buf: Buffer, start: number, end: number): string {
  const nul = buf.indexOf(0, start);
  return buf.toString('latin1', start, nul < 0 || nul > end ? end : nul);
}

/** Parses the Mach-O header and the load commands this tool needs; structural errors name the command and offset. */
export async function readMachHeader(src: ByteSource, slice: SliceLocation): Promise<MachHeader> {
  const where = slice.offset === 0 ? '' : ` (slice ${slice.arch} at offset ${slice.offset})`;
  const head = await src.read(slice.offset, 28, `Mach-O header${where}`);
  const magic = head.readUInt32BE(0);
  if (magic !== MH_MAGIC && magic !== MH_CIGAM && magic !== MH_MAGIC_64 && magic !== MH_CIGAM_64) {
    throw new CodeReadError('not-macho', `${src.path}${where}: magic 0x${magic.toString(16).padStart(8, '0')} is not a Mach-O header`);
  }
  const le = magic === MH_CIGAM || magic === MH_CIGAM_64;
  const is64 = magic === MH_MAGIC_64 || magic === MH_CIGAM_64;
  const u32 = (b: Buffer, at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const u64 = (b: Buffer, at: number) => (le ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
  const cpuType = u32(head, 4);
  const cpuSubtype = u32(head, 8);
  const fileType = u32(head, 12);
  const ncmds = u32(head, 16);
  const sizeofcmds = u32(head, 20);
  const flags = u32(head, 24);
  const headerSize = is64 ? 32 : 28;
  // A slice that is not what the universal header says it is would be verified as one arch and run as another.
  if (slice.cpuType !== cpuType || (slice.cpuSubtype & 0xffffff) !== (cpuSubtype & 0xffffff)) {
    throw new CodeReadError(
      'malformed',
      `${src.path}${where}: universal header says ${slice.arch} but the Mach-O header says ${archName(cpuType, cpuSubtype)}`,
    );
  }
  if (headerSize + sizeofcmds > slice.size) {
    throw new CodeReadError('truncated', `${src.path}${where}: load commands (${sizeofcmds} bytes after the ${headerSize}-byte header) extend past the end of the slice (${slice.size} bytes)`);
  }
  if (sizeofcmds > MAX_SIZEOFCMDS) {
    throw new CodeReadError('too-large', `${src.path}${where}: sizeofcmds ${sizeofcmds} is over the ${MAX_SIZEOFCMDS}-byte limit for load commands`);
  }
  if (ncmds > Math.floor(sizeofcmds / 8)) {
    throw new CodeReadError('malformed', `${src.path}${where}: ${ncmds} load commands cannot fit in sizeofcmds ${sizeofcmds}`);
  }
  const cmds = await src.read(slice.offset + headerSize, sizeofcmds, `load commands${where}`);
  const result: MachHeader = {
    is64,
    littleEndian: le,
    cpuType,
    cpuSubtype,
    arch: archName(cpuType, cpuSubtype),
    fileType,
    fileTypeName: fileTypeName(fileType),
    flags,
    segments: [],
    dylibs: [],
    rpaths: [],
  };
  let at = 0;
  for (let i = 0; i < ncmds; i++) {
    const fileAt = headerSize + at;
    if (at + 8 > sizeofcmds) throw new CodeReadError('malformed', `${src.path}${where}: load command ${i} at offset ${fileAt} runs past sizeofcmds ${sizeofcmds}`);
    const cmd = u32(cmds, at);
    const size = u32(cmds, at + 4);
    if (size < 8 || at + size > sizeofcmds) {
      throw new CodeReadError('malformed', `${src.path}${where}: load command ${i} (0x${cmd.toString(16)}) at offset ${fileAt} has size ${size}, outside sizeofcmds ${sizeofcmds}`);
    }
    const need = (n: number, name: string) => {
      if (size < n) throw new CodeReadError('malformed', `${src.path}${where}: ${name} at offset ${fileAt} has size ${size}, needs ${n}`);
    };
    switch (cmd) {
      case LC_CODE_SIGNATURE: {
        need(16, 'LC_CODE_SIGNATURE');
        if (result.codeSignature) throw new CodeReadError('malformed', `${src.path}${where}: second LC_CODE_SIGNATURE at offset ${fileAt}`);
        result.codeSignature = { dataOffset: u32(cmds, at + 8), dataSize: u32(cmds, at + 12), commandOffset: fileAt };
        break;
      }
      case LC_SEGMENT:
      case LC_SEGMENT_64: {
        const wide = cmd === LC_SEGMENT_64;
        const segHeader = wide ? 72 : 56;
        const sectSize = wide ? 80 : 68;
        need(segHeader, wide ? 'LC_SEGMENT_64' : 'LC_SEGMENT');
        const name = cstring(cmds, at + 8, at + 24);
        const fileOffset = wide ? u64(cmds, at + 40) : BigInt(u32(cmds, at + 32));
        const fileSize = wide ? u64(cmds, at + 48) : BigInt(u32(cmds, at + 36));
        const nsects = u32(cmds, at + (wide ? 64 : 48));
        if (segHeader + nsects * sectSize > size) {
          throw new CodeReadError('malformed', `${src.path}${where}: segment ${name} at offset ${fileAt} claims ${nsects} sections, more than its ${size}-byte command holds`);
        }
        result.segments.push({ name, fileOffset: Number(fileOffset > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : fileOffset), fileSize: Number(fileSize > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : fileSize) });
        for (let s = 0; s < nsects; s++) {
          const sa = at + segHeader + s * sectSize;
          const sectName = cstring(cmds, sa, sa + 16);
          const segName = cstring(cmds, sa + 16, sa + 32);
          if (segName === '__TEXT' && sectName === '__info_plist') {
            const secSize = wide ? u64(cmds, sa + 40) : BigInt(u32(cmds, sa + 36));
            const secOffset = u32(cmds, sa + (wide ? 48 : 40));
            if (secSize > BigInt(slice.size) || secOffset + Number(secSize) > slice.size) {
              throw new CodeReadError('truncated', `${src.path}${where}: section __TEXT,__info_plist (offset ${secOffset}, size ${secSize}) extends past the end of the slice (${slice.size} bytes)`);
            }
            result.infoPlistSection = { offset: secOffset, size: Number(secSize) };
          } else if (segName === '__TEXT' && sectName === '__launchd_plist') {
            // Only SMJobBless readers look at it: an out-of-bounds one is left out, not fatal to the read.
            const secSize = wide ? u64(cmds, sa + 40) : BigInt(u32(cmds, sa + 36));
            const secOffset = u32(cmds, sa + (wide ? 48 : 40));
            if (secSize <= BigInt(slice.size) && secOffset + Number(secSize) <= slice.size) result.launchdPlistSection = { offset: secOffset, size: Number(secSize) };
          }
        }
        break;
      }
      case LC_ID_DYLIB: {
        need(24, 'LC_ID_DYLIB');
        const nameOffset = u32(cmds, at + 8);
        if (nameOffset >= 24 && nameOffset < size) result.dylibId = cstring(cmds, at + nameOffset, at + size);
        break;
      }
      case LC_RPATH: {
        // Linkage is read for `csrl doctor` only: a malformed one is left out, never fatal to the signature read.
        const nameOffset = size >= 12 ? u32(cmds, at + 8) : 0;
        if (nameOffset >= 12 && nameOffset < size) result.rpaths.push(cstring(cmds, at + nameOffset, at + size));
        break;
      }
      case LC_LOAD_DYLIB:
      case LC_LOAD_WEAK_DYLIB:
      case LC_REEXPORT_DYLIB:
      case LC_LAZY_LOAD_DYLIB:
      case LC_LOAD_UPWARD_DYLIB: {
        const nameOffset = size >= 24 ? u32(cmds, at + 8) : 0;
        if (nameOffset >= 24 && nameOffset < size) result.dylibs.push({ kind: DYLIB_KINDS[cmd]!, name: cstring(cmds, at + nameOffset, at + size) });
        break;
      }
      default:
        break;
    }
    at += size;
  }
  return result;
}
