/**
 * TEST ONLY. A deliberately small reader of what signMachO writes, used to
 * check the signer independently of the project's Mach-O reader. It trusts
 * its input (it only ever reads files the tests just built).
 */
import { createHash } from 'node:crypto';
import type { HashType } from '../../validator/facts.js';
import { LC_CODE_SIGNATURE } from './macho.js';

const HASH_TYPES: Record<number, HashType> = { 1: 'sha1', 2: 'sha256', 3: 'sha256Truncated', 4: 'sha384' };

export interface ReadCodeDirectory {
  slot: number;
  bytes: Uint8Array;
  version: number;
  flags: number;
  hashType: HashType;
  hashSize: number;
  identifier: string;
  teamId?: string;
  nSpecialSlots: number;
  nCodeSlots: number;
  codeLimit: number;
  pageSize: number;
  execSegFlags?: bigint;
  runtime?: number;
  /** Hash stored for special slot n (1-based) or code page i. */
  specialHash(n: number): Uint8Array;
  codeHash(i: number): Uint8Array;
}

export interface ReadSignature {
  dataoff: number;
  datasize: number;
  length: number;
  blobs: { slot: number; magic: number; offset: number; length: number; data: Uint8Array }[];
  codeDirectories: ReadCodeDirectory[];
  cms?: Uint8Array;
}

function cstring(bytes: Uint8Array, at: number): string {
  const end = bytes.indexOf(0, at);
  return new TextDecoder().decode(bytes.subarray(at, end));
}

function readCodeDirectory(slot: number, bytes: Uint8Array): ReadCodeDirectory {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint32(8);
  const hashOffset = v.getUint32(16);
  const hashSize = v.getUint8(36);
  const teamOffset = version >= 0x20200 ? v.getUint32(48) : 0;
  const cd: ReadCodeDirectory = {
    slot,
    bytes,
    version,
    flags: v.getUint32(12),
    hashType: HASH_TYPES[v.getUint8(37)]!,
    hashSize,
    identifier: cstring(bytes, v.getUint32(20)),
    nSpecialSlots: v.getUint32(24),
    nCodeSlots: v.getUint32(28),
    codeLimit: v.getUint32(32),
    pageSize: 2 ** v.getUint8(39),
    specialHash: (n) => bytes.subarray(hashOffset - n * hashSize, hashOffset - (n - 1) * hashSize),
    codeHash: (i) => bytes.subarray(hashOffset + i * hashSize, hashOffset + (i + 1) * hashSize),
  };
  if (teamOffset) cd.teamId = cstring(bytes, teamOffset);
  if (version >= 0x20400) cd.execSegFlags = v.getBigUint64(80);
  if (version >= 0x20500) cd.runtime = v.getUint32(88);
  return cd;
}

/** The signature of a thin Mach-O, or undefined when it has no LC_CODE_SIGNATURE. */
export function readSignature(file: Uint8Array): ReadSignature | undefined {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const ncmds = v.getUint32(16, true);
  let at = v.getUint32(0, true) === 0xfeedface ? 28 : 32;
  for (let i = 0; i < ncmds; i++) {
    if (v.getUint32(at, true) === LC_CODE_SIGNATURE) {
      const dataoff = v.getUint32(at + 8, true);
      const datasize = v.getUint32(at + 12, true);
      const sb = file.subarray(dataoff, dataoff + datasize);
      const s = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
      if (s.getUint32(0) !== 0xfade0cc0) throw new Error('not an embedded signature');
      const count = s.getUint32(8);
      const blobs = [];
      for (let k = 0; k < count; k++) {
        const slot = s.getUint32(12 + 8 * k);
        const offset = s.getUint32(16 + 8 * k);
        const length = s.getUint32(offset + 4);
        blobs.push({ slot, magic: s.getUint32(offset), offset, length, data: sb.subarray(offset, offset + length) });
      }
      const codeDirectories = blobs.filter((b) => b.magic === 0xfade0c02).map((b) => readCodeDirectory(b.slot, b.data));
      const out: ReadSignature = { dataoff, datasize, length: s.getUint32(4), blobs, codeDirectories };
      const cms = blobs.find((b) => b.slot === 0x10000);
      if (cms) out.cms = cms.data.subarray(8);
      return out;
    }
    at += v.getUint32(at + 4, true);
  }
  return undefined;
}

export function hashFor(type: HashType, data: Uint8Array): Uint8Array {
  const full = new Uint8Array(createHash(type === 'sha256Truncated' ? 'sha256' : type).update(data).digest());
  return type === 'sha256Truncated' ? full.subarray(0, 20) : full;
}

/** Pages whose stored hash differs from the file's bytes. */
export function badPages(file: Uint8Array, cd: ReadCodeDirectory): number[] {
  const bad: number[] = [];
  for (let i = 0; i < cd.nCodeSlots; i++) {
    const page = file.subarray(i * cd.pageSize, Math.min((i + 1) * cd.pageSize, cd.codeLimit));
    if (Buffer.compare(hashFor(cd.hashType, page), cd.codeHash(i)) !== 0) bad.push(i);
  }
  return bad;
}

/** The thin slices of a fat file (or the file itself). */
export function slicesOf(file: Uint8Array): Uint8Array[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = v.getUint32(0);
  if (magic !== 0xcafebabe && magic !== 0xcafebabf) return [file];
  const n = v.getUint32(4);
  const out = [];
  for (let i = 0; i < n; i++) {
    if (magic === 0xcafebabe) {
      const e = 8 + 20 * i;
      out.push(file.subarray(v.getUint32(e + 8), v.getUint32(e + 8) + v.getUint32(e + 12)));
    } else {
      const e = 8 + 32 * i;
      const off = Number(v.getBigUint64(e + 8));
      out.push(file.subarray(off, off + Number(v.getBigUint64(e + 16))));
    }
  }
  return out;
}
