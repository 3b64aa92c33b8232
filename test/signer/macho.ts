/**
 * TEST ONLY. Minimal but well-formed Mach-O files (64-bit thin and fat) to be
 * signed by ./codesign.ts. They are never executed; the layout follows what
 * ld64 writes (header, __PAGEZERO for executables, __TEXT with __text and an
 * optional __info_plist, __LINKEDIT last, segments page-aligned) so that a
 * reader of real files reads them the same way.
 */
import { build as buildPlist } from 'plist';
import type { PlistValue } from '../../validator/facts.js';

export type Arch = 'x86_64' | 'arm64' | 'i386';
export type FileType = 'execute' | 'dylib' | 'bundle';

export const MH_MAGIC = 0xfeedface;
export const MH_MAGIC_64 = 0xfeedfacf;
export const LC_SEGMENT = 0x1;
export const LC_SEGMENT_64 = 0x19;
export const LC_CODE_SIGNATURE = 0x1d;
export const LC_ID_DYLIB = 0x0d;
const FILE_TYPES: Record<FileType, number> = { execute: 2, dylib: 6, bundle: 8 };

export const CPU: Record<Arch, { type: number; subtype: number; segmentAlign: number; is64: boolean }> = {
  x86_64: { type: 0x01000007, subtype: 3, segmentAlign: 0x1000, is64: true },
  arm64: { type: 0x0100000c, subtype: 0, segmentAlign: 0x4000, is64: true },
  i386: { type: 7, subtype: 3, segmentAlign: 0x1000, is64: false },
};

/** Where the fields of the 32- and 64-bit segment and section commands are. */
export interface Layout {
  headerSize: number;
  segmentCmd: number;
  segmentSize: number;
  sectionSize: number;
  /** Offsets inside a segment command. */
  seg: { vmaddr: number; vmsize: number; fileoff: number; filesize: number; maxprot: number; initprot: number; nsects: number; flags: number };
  /** Offsets inside a section header. */
  sect: { addr: number; size: number; offset: number; align: number; flags: number };
}

export const LAYOUT_64: Layout = {
  headerSize: 32,
  segmentCmd: LC_SEGMENT_64,
  segmentSize: 72,
  sectionSize: 80,
  seg: { vmaddr: 24, vmsize: 32, fileoff: 40, filesize: 48, maxprot: 56, initprot: 60, nsects: 64, flags: 68 },
  sect: { addr: 32, size: 40, offset: 48, align: 52, flags: 64 },
};

export const LAYOUT_32: Layout = {
  headerSize: 28,
  segmentCmd: LC_SEGMENT,
  segmentSize: 56,
  sectionSize: 68,
  seg: { vmaddr: 24, vmsize: 28, fileoff: 32, filesize: 36, maxprot: 40, initprot: 44, nsects: 48, flags: 52 },
  sect: { addr: 32, size: 36, offset: 40, align: 44, flags: 56 },
};

export function layoutOf(arch: Arch): Layout {
  return CPU[arch].is64 ? LAYOUT_64 : LAYOUT_32;
}

export interface MachOOptions {
  arch?: Arch;
  fileType?: FileType;
  /** Contents of __TEXT,__text; default `codeSize` deterministic bytes. */
  code?: Uint8Array;
  /** Default 10,000 bytes: several 4 KB pages plus a partial one. */
  codeSize?: number;
  /** Embedded `__TEXT,__info_plist` (a dictionary is written as XML). */
  infoPlist?: string | Uint8Array | { [key: string]: PlistValue };
  /** Bytes of (meaningless) link-edit data before the signature; default 256. */
  linkeditSize?: number;
  /** Install name for dylibs. */
  installName?: string;
  /** Embedded `__TEXT,__launchd_plist` (SMJobBless helpers; a dictionary is written as XML). */
  launchdPlist?: string | Uint8Array | { [key: string]: PlistValue };
  /** Libraries to link: LC_LOAD_DYLIB (default), LC_LOAD_WEAK_DYLIB or LC_REEXPORT_DYLIB, by install name. */
  dylibs?: (string | { name: string; kind?: 'load' | 'weak' | 'reexport' })[];
  /** LC_RPATH entries. */
  rpaths?: string[];
}

export const LC_LOAD_DYLIB = 0xc;
export const LC_LOAD_WEAK_DYLIB = 0x80000018;
export const LC_REEXPORT_DYLIB = 0x8000001f;
export const LC_RPATH = 0x8000001c;
const DYLIB_CMD = { load: LC_LOAD_DYLIB, weak: LC_LOAD_WEAK_DYLIB, reexport: LC_REEXPORT_DYLIB } as const;

export const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Deterministic filler so tests are reproducible. */
export function filler(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function plistBytes(value: string | Uint8Array | { [key: string]: PlistValue }): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const text = typeof value === 'string' ? value : buildPlist(value as Parameters<typeof buildPlist>[0]);
  return new TextEncoder().encode(text);
}

class Writer {
  constructor(readonly view: DataView, readonly is64: boolean) {}
  u32(at: number, v: number) {
    this.view.setUint32(at, v, true);
  }
  /** An address-sized field: u64 in 64-bit files, u32 in 32-bit ones. */
  addr(at: number, v: number) {
    if (this.is64) this.view.setBigUint64(at, BigInt(v), true);
    else this.view.setUint32(at, v, true);
  }
  name(at: number, s: string) {
    for (let i = 0; i < 16; i++) this.view.setUint8(at + i, i < s.length ? s.charCodeAt(i) : 0);
  }
}

interface Section {
  sectname: string;
  data: Uint8Array;
  align: number;
  flags: number;
}

/** A thin Mach-O (64-bit, or 32-bit for i386) without a signature. LC_CODE_SIGNATURE is added by signMachO, which finds room after the load commands. */
export function makeMachO(options: MachOOptions = {}): Uint8Array {
  const arch = options.arch ?? 'x86_64';
  const fileType = options.fileType ?? 'execute';
  const cpu = CPU[arch];
  const L = layoutOf(arch);
  const sections: Section[] = [
    // S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS
    { sectname: '__text', data: options.code ?? filler(options.codeSize ?? 10_000, 0x5eed), align: 4, flags: 0x80000400 },
  ];
  if (options.infoPlist !== undefined) sections.push({ sectname: '__info_plist', data: plistBytes(options.infoPlist), align: 0, flags: 0 });
  if (options.launchdPlist !== undefined) sections.push({ sectname: '__launchd_plist', data: plistBytes(options.launchdPlist), align: 0, flags: 0 });
  const installName = options.installName ?? '@rpath/libtest.dylib';
  const dylibCmdSize = alignUp(24 + installName.length + 1, cpu.is64 ? 8 : 4);
  const pathCmd = (cmd: number, headerSize: number, text: string) => ({ cmd, headerSize, text, size: alignUp(headerSize + new TextEncoder().encode(text).length + 1, cpu.is64 ? 8 : 4) });
  const extra = [
    ...(options.dylibs ?? []).map((d) => (typeof d === 'string' ? { name: d, kind: 'load' as const } : d)).map((d) => pathCmd(DYLIB_CMD[d.kind ?? 'load'], 24, d.name)),
    ...(options.rpaths ?? []).map((r) => pathCmd(LC_RPATH, 12, r)),
  ];

  const commands: number[] = [];
  if (fileType === 'execute') commands.push(L.segmentSize);
  commands.push(L.segmentSize + L.sectionSize * sections.length, L.segmentSize);
  if (fileType === 'dylib') commands.push(dylibCmdSize);
  for (const e of extra) commands.push(e.size);
  const sizeofcmds = commands.reduce((a, b) => a + b, 0);
  // Header padding as ld64 leaves it, so LC_CODE_SIGNATURE (16 bytes) can be added later.
  let cursor = alignUp(L.headerSize + sizeofcmds + 0x200, 16);
  const placed = sections.map((s) => {
    cursor = alignUp(cursor, 1 << s.align);
    const at = cursor;
    cursor += s.data.length;
    return { ...s, offset: at };
  });
  const textSize = alignUp(cursor, cpu.segmentAlign);
  const linkeditSize = options.linkeditSize ?? 256;
  const total = textSize + linkeditSize;
  const out = new Uint8Array(total);
  const w = new Writer(new DataView(out.buffer), cpu.is64);
  // ld64's defaults: a 4 GB __PAGEZERO on 64-bit, one page on 32-bit.
  const pageZero = cpu.is64 ? 0x100000000 : 0x1000;
  const base = fileType === 'execute' ? pageZero : 0;

  w.u32(0, cpu.is64 ? MH_MAGIC_64 : MH_MAGIC);
  w.u32(4, cpu.type);
  w.u32(8, cpu.subtype);
  w.u32(12, FILE_TYPES[fileType]);
  w.u32(16, commands.length);
  w.u32(20, sizeofcmds);
  // MH_NOUNDEFS | MH_DYLDLINK | MH_TWOLEVEL | MH_PIE (executables)
  w.u32(24, 0x1 | 0x4 | 0x80 | (fileType === 'execute' ? 0x200000 : 0));
  let at = L.headerSize;
  const segment = (name: string, vmaddr: number, vmsize: number, fileoff: number, filesize: number, prot: number, secs: typeof placed) => {
    w.u32(at, L.segmentCmd);
    w.u32(at + 4, L.segmentSize + L.sectionSize * secs.length);
    w.name(at + 8, name);
    w.addr(at + L.seg.vmaddr, vmaddr);
    w.addr(at + L.seg.vmsize, vmsize);
    w.addr(at + L.seg.fileoff, fileoff);
    w.addr(at + L.seg.filesize, filesize);
    w.u32(at + L.seg.maxprot, prot);
    w.u32(at + L.seg.initprot, prot);
    w.u32(at + L.seg.nsects, secs.length);
    w.u32(at + L.seg.flags, 0);
    let s = at + L.segmentSize;
    for (const sec of secs) {
      w.name(s, sec.sectname);
      w.name(s + 16, '__TEXT');
      w.addr(s + L.sect.addr, vmaddr + sec.offset);
      w.addr(s + L.sect.size, sec.data.length);
      w.u32(s + L.sect.offset, sec.offset);
      w.u32(s + L.sect.align, sec.align);
      w.u32(s + L.sect.flags, sec.flags);
      out.set(sec.data, sec.offset);
      s += L.sectionSize;
    }
    at += L.segmentSize + L.sectionSize * secs.length;
  };
  if (fileType === 'execute') segment('__PAGEZERO', 0, pageZero, 0, 0, 0, []);
  segment('__TEXT', base, textSize, 0, textSize, 5, placed);
  segment('__LINKEDIT', base + textSize, alignUp(linkeditSize, cpu.segmentAlign), textSize, linkeditSize, 1, []);
  if (fileType === 'dylib') {
    w.u32(at, LC_ID_DYLIB);
    w.u32(at + 4, dylibCmdSize);
    w.u32(at + 8, 24);
    w.u32(at + 16, 0x10000);
    w.u32(at + 20, 0x10000);
    out.set(new TextEncoder().encode(installName), at + 24);
    at += dylibCmdSize;
  }
  for (const e of extra) {
    w.u32(at, e.cmd);
    w.u32(at + 4, e.size);
    w.u32(at + 8, e.headerSize);
    if (e.headerSize === 24) {
      w.u32(at + 16, 0x10000);
      w.u32(at + 20, 0x10000);
    }
    out.set(new TextEncoder().encode(e.text), at + e.headerSize);
    at += e.size;
  }
  out.set(filler(linkeditSize, 0x11d), textSize);
  return out;
}

export interface FatSlice {
  data: Uint8Array;
  /** log2 alignment of the slice in the fat file; default 14 (16 KB), as lipo does for arm64 and x86_64. */
  align?: number;
}

/** A universal file from thin slices (fat32 by default, fat64 on request). */
export function makeFat(slices: (Uint8Array | FatSlice)[], options: { fat64?: boolean } = {}): Uint8Array {
  const items = slices.map((s) => (s instanceof Uint8Array ? { data: s, align: 14 } : { data: s.data, align: s.align ?? 14 }));
  const entrySize = options.fat64 ? 32 : 20;
  let cursor = 8 + entrySize * items.length;
  const layout = items.map((s) => {
    cursor = alignUp(cursor, 1 << s.align);
    const offset = cursor;
    cursor += s.data.length;
    return { ...s, offset };
  });
  const out = new Uint8Array(cursor);
  const view = new DataView(out.buffer);
  view.setUint32(0, options.fat64 ? 0xcafebabf : 0xcafebabe);
  view.setUint32(4, items.length);
  layout.forEach((s, i) => {
    const e = 8 + entrySize * i;
    const slice = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    view.setUint32(e, slice.getUint32(4, true));
    view.setUint32(e + 4, slice.getUint32(8, true));
    if (options.fat64) {
      view.setBigUint64(e + 8, BigInt(s.offset));
      view.setBigUint64(e + 16, BigInt(s.data.length));
      view.setUint32(e + 24, s.align);
    } else {
      view.setUint32(e + 8, s.offset);
      view.setUint32(e + 12, s.data.length);
      view.setUint32(e + 16, s.align);
    }
    out.set(s.data, s.offset);
  });
  return out;
}
