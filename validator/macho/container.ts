import { archName } from './arch.js';
import { CodeReadError } from './errors.js';
import type { ByteSource } from './source.js';

export const FAT_MAGIC = 0xcafebabe;
export const FAT_MAGIC_64 = 0xcafebabf;
export const MH_MAGIC = 0xfeedface;
export const MH_CIGAM = 0xcefaedfe;
export const MH_MAGIC_64 = 0xfeedfacf;
export const MH_CIGAM_64 = 0xcffaedfe;

export type ContainerKind = 'thin' | 'fat' | 'fat64';

export interface SliceLocation {
  index: number;
  cpuType: number;
  cpuSubtype: number;
  arch: string;
  offset: number;
  size: number;
}

export interface Container {
  kind: ContainerKind;
  slices: SliceLocation[];
}

/**
 * Java class files share 0xcafebabe; their next word is the class-file version
 * (45 and up), which is why the kernel and `file` treat small counts only as fat.
 */
const MAX_FAT_ARCHS = 44;

function isMachMagic(magic: number): boolean {
  return magic === MH_MAGIC || magic === MH_CIGAM || magic === MH_MAGIC_64 || magic === MH_CIGAM_64;
}

/** Reads the fat header (if any) and returns where each slice lives, checked against the file's size. */
export async function readContainer(src: ByteSource): Promise<Container> {
  if (src.size < 8) throw new CodeReadError('not-macho', `${src.path}: ${src.size} bytes, too short for a Mach-O header`);
  const head = await src.read(0, 8, 'file header');
  const magic = head.readUInt32BE(0);
  if (isMachMagic(magic)) {
    const le = magic === MH_CIGAM || magic === MH_CIGAM_64;
    if (src.size < 28) throw new CodeReadError('truncated', `${src.path}: Mach-O header needs 28 bytes, file has ${src.size}`);
    const h = await src.read(0, 12, 'Mach-O header');
    const cpuType = le ? h.readUInt32LE(4) : h.readUInt32BE(4);
    const cpuSubtype = le ? h.readUInt32LE(8) : h.readUInt32BE(8);
    return { kind: 'thin', slices: [{ index: 0, cpuType, cpuSubtype, arch: archName(cpuType, cpuSubtype), offset: 0, size: src.size }] };
  }
  if (magic !== FAT_MAGIC && magic !== FAT_MAGIC_64) {
    const known = FOREIGN_FORMATS.find((f) => f.matches(head));
    const hex = `magic 0x${magic.toString(16).padStart(8, '0')}`;
    throw new CodeReadError('not-macho', known ? `${src.path}: ${known.words}; it carries no Apple code signature (${hex})` : `${src.path}: ${hex} is neither Mach-O nor universal (fat)`);
  }
  const kind: ContainerKind = magic === FAT_MAGIC ? 'fat' : 'fat64';
  const count = head.readUInt32BE(4);
  const entrySize = kind === 'fat' ? 20 : 32;
  if (count === 0) throw new CodeReadError('malformed', `${src.path}: universal header lists no architectures`);
  if (count > MAX_FAT_ARCHS) {
    throw new CodeReadError(
      kind === 'fat' && count >= 45 && count < 0x10000 ? 'not-macho' : 'malformed',
      `${src.path}: universal header claims ${count} architectures (at most ${MAX_FAT_ARCHS} are accepted; ${8 + count * entrySize} bytes of header in a ${src.size}-byte file)`,
    );
  }
  const table = await src.read(8, count * entrySize, `universal header table (${count} entries)`);
  const slices: SliceLocation[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const cpuType = table.readUInt32BE(at);
    const cpuSubtype = table.readUInt32BE(at + 4);
    let offset: number;
    let size: number;
    if (kind === 'fat') {
      offset = table.readUInt32BE(at + 8);
      size = table.readUInt32BE(at + 12);
    } else {
      const o = table.readBigUInt64BE(at + 8);
      const s = table.readBigUInt64BE(at + 16);
      if (o > BigInt(src.size) || s > BigInt(src.size)) {
        throw new CodeReadError('truncated', `${src.path}: architecture ${i} claims offset ${o} and size ${s}, past the end of the file (${src.size} bytes)`);
      }
      offset = Number(o);
      size = Number(s);
    }
    const arch = archName(cpuType, cpuSubtype);
    const headerEnd = 8 + count * entrySize;
    if (offset < headerEnd) {
      throw new CodeReadError('malformed', `${src.path}: architecture ${i} (${arch}) starts at offset ${offset}, inside the universal header (which ends at ${headerEnd})`);
    }
    if (offset + size > src.size) {
      throw new CodeReadError('truncated', `${src.path}: architecture ${i} (${arch}) at offset ${offset}, size ${size}, extends past the end of the file (${src.size} bytes)`);
    }
    if (size < 28) throw new CodeReadError('truncated', `${src.path}: architecture ${i} (${arch}) is ${size} bytes, too short for a Mach-O header`);
    slices.push({ index: i, cpuType, cpuSubtype, arch, offset, size });
  }
  // Overlapping or duplicated slices are how single-slice signature bypasses hide code; refuse them.
  const sorted = [...slices].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.offset < prev.offset + prev.size) {
      throw new CodeReadError('malformed', `${src.path}: architectures ${prev.index} (${prev.arch}, ${prev.offset}+${prev.size}) and ${cur.index} (${cur.arch}, at ${cur.offset}) overlap`);
    }
  }
  for (let i = 0; i < slices.length; i++) {
    for (let j = i + 1; j < slices.length; j++) {
      const a = slices[i]!;
      const b = slices[j]!;
      if (a.cpuType === b.cpuType && (a.cpuSubtype & 0xffffff) === (b.cpuSubtype & 0xffffff)) {
        throw new CodeReadError('malformed', `${src.path}: architectures ${i} and ${j} are both ${a.arch}`);
      }
    }
  }
  return { kind, slices };
}

/** Executable formats people point csrl at by mistake (a Linux binary, a Windows one, a script), named in words. */
const FOREIGN_FORMATS: { words: string; matches: (head: Buffer) => boolean }[] = [
  { words: 'a Linux (ELF) executable or library', matches: (h) => h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46 },
  { words: 'a Windows (PE) executable or library', matches: (h) => h[0] === 0x4d && h[1] === 0x5a },
  { words: 'a script (it starts with #!)', matches: (h) => h[0] === 0x23 && h[1] === 0x21 },
];
