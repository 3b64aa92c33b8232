/**
 * Hostile inputs: every structure that carries a count, an offset or a length
 * is made to lie. Each case must end in a CodeReadError or a Problem whose
 * message says where, never a crash, a hang or an allocation the file's real
 * size does not justify.
 */
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeReadError, readCode, readCodeBytes, type SliceReport } from '../../validator/read.js';
import { parseBplist } from '../../validator/signature/bplist.js';
import { fixture } from '../support/fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-hostile-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function file(bytes: Uint8Array): Promise<string> {
  const path = join(dir, `f${counter++}`);
  await writeFile(path, bytes);
  return path;
}

const PAGE = 4096;
const CPU_ARM64 = 0x0100000c;
const CPU_X86_64 = 0x01000007;

interface Blob {
  slot: number;
  bytes: Buffer;
}

function blob(magic: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(8 + payload.length);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(b.length, 4);
  payload.copy(b, 8);
  return b;
}

interface SignOptions {
  cpuType?: number;
  codeSize?: number;
  /** Blobs besides the CodeDirectory (their hashes go into the special slots). */
  extra?: Blob[];
  /** Edit the CodeDirectory after it is built (before it is placed). */
  editCd?: (cd: Buffer) => void;
  /** Edit the finished superblob. */
  editSuper?: (sb: Buffer) => void;
  /** Edit the finished file. */
  editFile?: (f: Buffer) => void;
  /** Bytes hashed into special slot 1 (a bundle's Info.plist, or the embedded one). */
  infoSlot?: Buffer;
  /** Written as a `__TEXT,__info_plist` section at file offset 1024. */
  embedPlist?: Buffer;
}

/**
 * A small ad-hoc-signed 64-bit little-endian Mach-O, built the way codesign
 * lays it out, so that each test can break one thing in an otherwise valid file.
 */
function signedMachO(o: SignOptions = {}): Buffer {
  const codeLimit = o.codeSize ?? 3 * PAGE + 1000;
  const extra = o.extra ?? [];
  const nSpecial = extra.reduce((m, b) => (b.slot < 0x1000 ? Math.max(m, b.slot) : m), o.infoSlot ? 1 : 0);
  const nCode = Math.ceil(codeLimit / PAGE);
  const ident = Buffer.from('hostile\0');
  const headerSize = 88;
  const identOffset = headerSize;
  const hashOffset = identOffset + ident.length + nSpecial * 32;
  const cd = Buffer.alloc(hashOffset + nCode * 32);
  cd.writeUInt32BE(0xfade0c02, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(0x20400, 8);
  cd.writeUInt32BE(0x2, 12); // adhoc
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(identOffset, 20);
  cd.writeUInt32BE(nSpecial, 24);
  cd.writeUInt32BE(nCode, 28);
  cd.writeUInt32BE(codeLimit, 32);
  cd[36] = 32;
  cd[37] = 2; // sha256
  cd[39] = 12;
  ident.copy(cd, identOffset);
  for (const b of extra) {
    if (b.slot >= 0x1000) continue;
    createHash('sha256').update(b.bytes).digest().copy(cd, hashOffset - b.slot * 32);
  }
  if (o.infoSlot) createHash('sha256').update(o.infoSlot).digest().copy(cd, hashOffset - 32);
  const blobs: Blob[] = [{ slot: 0, bytes: cd }, ...extra];
  const indexEnd = 12 + blobs.length * 8;
  const sbLength = indexEnd + blobs.reduce((s, b) => s + b.bytes.length, 0);

  const f = Buffer.alloc(codeLimit + sbLength);
  f.writeUInt32LE(0xfeedfacf, 0);
  f.writeUInt32LE(o.cpuType ?? CPU_ARM64, 4);
  f.writeUInt32LE(0, 8);
  f.writeUInt32LE(2, 12); // MH_EXECUTE
  const segSize = o.embedPlist ? 72 + 80 : 0;
  f.writeUInt32LE(o.embedPlist ? 2 : 1, 16);
  f.writeUInt32LE(16 + segSize, 20);
  f.writeUInt32LE(0x1d, 32);
  f.writeUInt32LE(16, 36);
  f.writeUInt32LE(codeLimit, 40);
  f.writeUInt32LE(sbLength, 44);
  for (let i = 48 + segSize; i < codeLimit; i++) f[i] = (i * 31) & 0xff;
  if (o.embedPlist) {
    const seg = f.subarray(48, 48 + segSize);
    seg.fill(0);
    seg.writeUInt32LE(0x19, 0);
    seg.writeUInt32LE(segSize, 4);
    seg.write('__TEXT', 8, 'latin1');
    seg.writeBigUInt64LE(BigInt(codeLimit), 48); // filesize
    seg.writeUInt32LE(1, 64); // nsects
    seg.write('__info_plist', 72, 'latin1');
    seg.write('__TEXT', 88, 'latin1');
    seg.writeBigUInt64LE(BigInt(o.embedPlist.length), 112);
    seg.writeUInt32LE(1024, 120);
    o.embedPlist.copy(f, 1024);
  }
  o.editCd?.(cd);
  for (let p = 0; p < nCode; p++) {
    const page = f.subarray(p * PAGE, Math.min((p + 1) * PAGE, codeLimit));
    if (cd.readUInt32BE(16) === hashOffset) createHash('sha256').update(page).digest().copy(cd, hashOffset + p * 32);
  }
  const sb = f.subarray(codeLimit);
  sb.writeUInt32BE(0xfade0cc0, 0);
  sb.writeUInt32BE(sbLength, 4);
  sb.writeUInt32BE(blobs.length, 8);
  let at = indexEnd;
  blobs.forEach((b, i) => {
    sb.writeUInt32BE(b.slot, 12 + i * 8);
    sb.writeUInt32BE(at, 16 + i * 8);
    b.bytes.copy(sb, at);
    at += b.bytes.length;
  });
  o.editSuper?.(sb);
  o.editFile?.(f);
  return f;
}

/** A universal header in front of the given slices (each placed at a 16 KB boundary). */
function fat(slices: { cpuType: number; bytes: Buffer }[], edit?: (header: Buffer) => void): Buffer {
  const align = 0x4000;
  const header = Buffer.alloc(align);
  header.writeUInt32BE(0xcafebabe, 0);
  header.writeUInt32BE(slices.length, 4);
  const parts: Buffer[] = [header];
  let offset = align;
  slices.forEach((s, i) => {
    header.writeUInt32BE(s.cpuType, 8 + i * 20);
    header.writeUInt32BE(0, 12 + i * 20);
    header.writeUInt32BE(offset, 16 + i * 20);
    header.writeUInt32BE(s.bytes.length, 20 + i * 20);
    header.writeUInt32BE(14, 24 + i * 20);
    const padded = Buffer.alloc(Math.ceil(s.bytes.length / align) * align);
    s.bytes.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  edit?.(header);
  return Buffer.concat(parts);
}

async function readError(bytes: Buffer): Promise<CodeReadError> {
  const path = await file(bytes);
  try {
    await readCode(path);
  } catch (err) {
    assert.ok(err instanceof CodeReadError, `expected a CodeReadError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected readCode to reject');
}

async function slice(bytes: Buffer): Promise<SliceReport> {
  const report = await readCode(await file(bytes));
  return report.slices[0]!;
}

function codes(s: SliceReport): string[] {
  return [...new Set(s.verification.problems.map((p) => p.code))].sort();
}

function messages(s: SliceReport): string {
  return s.verification.problems.map((p) => p.message).join('\n');
}

describe('hostile: the synthetic signer is right before it is made to lie', () => {
  it('a well-formed synthetic ad-hoc signature verifies, with blobs in special slots', async () => {
    const ents = blob(0xfade7171, Buffer.from('<?xml version="1.0"?><plist version="1.0"><dict><key>a</key><true/></dict></plist>'));
    const s = await slice(signedMachO({ extra: [{ slot: 5, bytes: ents }] }));
    assert.deepEqual(s.verification.problems, []);
    assert.equal(s.status, 'adhoc');
    assert.equal(s.facts.identifier, 'hostile');
    assert.deepEqual(s.facts.entitlements, { a: true });
    assert.deepEqual(s.signature?.pages, [{ directory: 0, pages: 4, mismatches: 0 }]);
  });

  it('and one changed code byte is caught', async () => {
    const s = await slice(signedMachO({ editFile: (f) => (f[PAGE * 2 + 7]! ^= 0xff) }));
    assert.deepEqual(codes(s), ['page-hash-mismatch']);
    assert.match(messages(s), /page 2 \(slice offset 8192, file offset 8192\)/);
  });
});

describe('reader: Info.plist sealed in special slot 1 (synthetic)', () => {
  const plist = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>CFBundleIdentifier</key><string>com.example.tool</string></dict></plist>\n');

  it('an embedded __TEXT,__info_plist is read, and its hash matches slot 1', async () => {
    const s = await slice(signedMachO({ embedPlist: plist, infoSlot: plist }));
    assert.deepEqual(s.verification.problems, []);
    assert.deepEqual(s.facts.infoPlist, { CFBundleIdentifier: 'com.example.tool' });
    assert.equal(s.signature?.specialSlots.find((c) => c.slot === 1)?.status, 'match');
  });

  it('an embedded Info.plist changed after signing is named', async () => {
    const s = await slice(signedMachO({ embedPlist: plist, infoSlot: plist, editFile: (f) => (f[1024 + plist.indexOf('example')] = 0x45) }));
    assert.ok(codes(s).includes('info-plist-mismatch'), messages(s));
    assert.match(messages(s), /special slot 1 \(Info.plist\): hash [0-9a-f]{64} of the Info.plist, but the CodeDirectory says [0-9a-f]{64}/);
    assert.equal(s.facts.infoPlist?.['CFBundleIdentifier'], 'com.Example.tool');
  });

  it("a bundle's Info.plist is checked against slot 1 of its executable", async () => {
    const info = Buffer.from('<plist version="1.0"><dict><key>CFBundleExecutable</key><string>tool</string></dict></plist>');
    const root = join(dir, 'Sealed.app');
    await mkdir(join(root, 'Contents', 'MacOS'), { recursive: true });
    await writeFile(join(root, 'Contents', 'Info.plist'), info);
    await writeFile(join(root, 'Contents', 'MacOS', 'tool'), signedMachO({ infoSlot: info }));
    // The synthetic signature seals no resources, which Apple refuses for any bundle (checked after the slots).
    let report = await readCode(root);
    assert.deepEqual(codes(report.slices[0]!), ['resources-not-sealed']);
    await writeFile(join(root, 'Contents', 'Info.plist'), Buffer.concat([info, Buffer.from('\n')]));
    report = await readCode(root);
    assert.deepEqual(codes(report.slices[0]!), ['info-plist-mismatch', 'resources-not-sealed']);
    // The same executable read on its own has no Info.plist for its slot-1 hash.
    report = await readCodeBytes(signedMachO({ infoSlot: info }));
    assert.deepEqual(codes(report.slices[0]!), ['info-plist-missing']);
  });
});

describe('reader: DER entitlements (slot 7)', () => {
  const dictNode = (entries: [string, asn1js.AsnType][]) =>
    new asn1js.Constructed({
      idBlock: { tagClass: 3, tagNumber: 16 },
      value: entries.map(([k, v]) => new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: k }), v] })),
    });
  const derBlob = (entries: [string, asn1js.AsnType][]) =>
    blob(0xfade7172, Buffer.from(new asn1js.Constructed({ idBlock: { tagClass: 2, tagNumber: 16 }, value: [new asn1js.Integer({ value: 1 }), dictNode(entries)] }).toBER()));
  const xmlBlob = (body: string) => blob(0xfade7171, Buffer.from(`<?xml version="1.0"?><plist version="1.0"><dict>${body}</dict></plist>`));
  const entries = (): [string, asn1js.AsnType][] => [
    ['com.apple.security.app-sandbox', new asn1js.Boolean({ value: true })],
    ['com.apple.developer.team-identifier', new asn1js.Utf8String({ value: 'ABCDE12345' })],
    ['n', new asn1js.Integer({ value: 42 })],
    ['groups', new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: 'a' }), new asn1js.Utf8String({ value: 'b' })] })],
    ['nested', dictNode([['x', new asn1js.Boolean({ value: false })]])],
  ];
  const xml =
    '<key>com.apple.security.app-sandbox</key><true/><key>com.apple.developer.team-identifier</key><string>ABCDE12345</string><key>n</key><integer>42</integer><key>groups</key><array><string>a</string><string>b</string></array><key>nested</key><dict><key>x</key><false/></dict>';
  const decoded = { 'com.apple.security.app-sandbox': true, 'com.apple.developer.team-identifier': 'ABCDE12345', n: 42, groups: ['a', 'b'], nested: { x: false } };

  it('are decoded, and agree with the XML ones', async () => {
    const s = await slice(signedMachO({ extra: [{ slot: 5, bytes: xmlBlob(xml) }, { slot: 7, bytes: derBlob(entries()) }] }));
    assert.deepEqual(s.verification.problems, []);
    assert.deepEqual(s.signature?.derEntitlementsDict, decoded);
    assert.deepEqual(s.facts.entitlements, decoded);
  });

  it('stand in for the XML ones when those are absent', async () => {
    const s = await slice(signedMachO({ extra: [{ slot: 7, bytes: derBlob(entries()) }] }));
    assert.deepEqual(s.verification.problems, []);
    assert.deepEqual(s.facts.entitlements, decoded);
  });

  it('that differ from the XML ones are reported', async () => {
    const s = await slice(signedMachO({ extra: [{ slot: 5, bytes: xmlBlob('<key>n</key><integer>42</integer>') }, { slot: 7, bytes: derBlob([['n', new asn1js.Integer({ value: 43 })]]) }] }));
    assert.deepEqual(codes(s), ['entitlements-disagree']);
    assert.equal(s.verification.ok, true);
    assert.deepEqual(s.facts.entitlements, { n: 42 });
  });

  it('that are not DER, or not the entitlements shape, are malformed', async () => {
    let s = await slice(signedMachO({ extra: [{ slot: 7, bytes: blob(0xfade7172, Buffer.from([0x70, 0x7f, 0x02])) }] }));
    assert.deepEqual(codes(s), ['entitlements-malformed']);
    assert.match(messages(s), /DER entitlements blob at file offset \d+: not DER/);
    s = await slice(signedMachO({ extra: [{ slot: 7, bytes: blob(0xfade7172, Buffer.from(new asn1js.Sequence({ value: [] }).toBER())) }] }));
    assert.match(messages(s), /outer tag is 1\/16, expected \[APPLICATION 16\]/);
  });
});

describe('hostile: files that are not Mach-O, or whose headers lie', () => {
  it('empty, short and foreign files', async () => {
    let e = await readError(Buffer.alloc(0));
    assert.equal(e.code, 'not-macho');
    assert.match(e.message, /0 bytes, too short for a Mach-O header/);
    e = await readError(Buffer.from('hello, world\n'));
    assert.equal(e.code, 'not-macho');
    assert.match(e.message, /magic 0x68656c6c is neither Mach-O nor universal/);
    // Formats people point csrl at by mistake are named in words, with the magic kept for the record.
    e = await readError(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
    assert.equal(e.code, 'not-macho');
    assert.match(e.message, /: a Linux \(ELF\) executable or library; it carries no Apple code signature \(magic 0x7f454c46\)$/);
    e = await readError(Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'));
    assert.match(e.message, /a Windows \(PE\) executable or library; it carries no Apple code signature/);
    e = await readError(Buffer.from('#!/bin/sh\necho hi\n'));
    assert.match(e.message, /a script \(it starts with #!\); it carries no Apple code signature/);
    e = await readError(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0, 0, 1, 0, 0, 0, 0]));
    assert.equal(e.code, 'truncated');
    assert.match(e.message, /Mach-O header needs 28 bytes, file has 12/);
  });

  it('sizeofcmds past the end of the file', async () => {
    const e = await readError(signedMachO({ editFile: (f) => f.writeUInt32LE(0xffffffff, 20) }));
    assert.equal(e.code, 'truncated');
    assert.match(e.message, /load commands \(4294967295 bytes after the 32-byte header\) extend past the end of the slice \(\d+ bytes\)/);
  });

  it('a load-command count that cannot fit', async () => {
    const e = await readError(signedMachO({ editFile: (f) => f.writeUInt32LE(0xffffffff, 16) }));
    assert.equal(e.code, 'malformed');
    assert.match(e.message, /4294967295 load commands cannot fit in sizeofcmds 16/);
  });

  it('a load command of size 0 (which would loop forever) or past sizeofcmds', async () => {
    let e = await readError(signedMachO({ editFile: (f) => f.writeUInt32LE(0, 36) }));
    assert.equal(e.code, 'malformed');
    assert.match(e.message, /load command 0 \(0x1d\) at offset 32 has size 0, outside sizeofcmds 16/);
    e = await readError(signedMachO({ editFile: (f) => f.writeUInt32LE(0x7ffffff0, 36) }));
    assert.match(e.message, /load command 0 \(0x1d\) at offset 32 has size 2147483632/);
  });

  it('a universal header claiming a billion architectures', async () => {
    const e = await readError(fat([{ cpuType: CPU_ARM64, bytes: signedMachO() }], (h) => h.writeUInt32BE(1_000_000_000, 4)));
    assert.equal(e.code, 'malformed');
    assert.match(e.message, /universal header claims 1000000000 architectures/);
  });

  it('a Java class file (0xcafebabe, version 50) is not mistaken for a universal binary', async () => {
    const e = await readError(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 50, 0, 0, 0, 0]));
    assert.equal(e.code, 'not-macho');
  });

  it('a slice past the end of the file, or claiming 4 GB', async () => {
    const one = () => fat([{ cpuType: CPU_ARM64, bytes: signedMachO() }]);
    let e = await readError(
      (() => {
        const b = one();
        b.writeUInt32BE(0x7fff0000, 16);
        return b;
      })(),
    );
    assert.equal(e.code, 'truncated');
    assert.match(e.message, /architecture 0 \(arm64\) at offset 2147418112, size \d+, extends past the end of the file/);
    e = await readError(
      (() => {
        const b = one();
        b.writeUInt32BE(0xffffffff, 20);
        return b;
      })(),
    );
    assert.equal(e.code, 'truncated');
    assert.match(e.message, /size 4294967295, extends past the end of the file/);
  });

  it('a fat64 slice offset of 2^63', async () => {
    const b = Buffer.alloc(8 + 32 + 64);
    b.writeUInt32BE(0xcafebabf, 0);
    b.writeUInt32BE(1, 4);
    b.writeUInt32BE(CPU_ARM64, 8);
    b.writeBigUInt64BE(1n << 63n, 16);
    b.writeBigUInt64BE(64n, 24);
    const e = await readError(b);
    assert.equal(e.code, 'truncated');
    assert.match(e.message, /architecture 0 claims offset 9223372036854775808 and size 64, past the end of the file/);
  });

  it('overlapping slices, duplicate architectures and a slice that is not what the header says', async () => {
    const two = fat([
      { cpuType: CPU_ARM64, bytes: signedMachO() },
      { cpuType: CPU_X86_64, bytes: signedMachO({ cpuType: CPU_X86_64 }) },
    ]);
    const overlap = Buffer.from(two);
    overlap.writeUInt32BE(0x4000 + 100, 36); // second slice starts inside the first
    let e = await readError(overlap);
    assert.equal(e.code, 'malformed');
    assert.match(e.message, /architectures 0 \(arm64, 16384\+\d+\) and 1 \(x86_64, at 16484\) overlap/);
    const dup = Buffer.from(two);
    dup.writeUInt32BE(CPU_ARM64, 28);
    e = await readError(dup);
    assert.equal(e.code, 'malformed');
    assert.match(e.message, /architectures 0 and 1 are both arm64/);
    const lie = fat([{ cpuType: CPU_X86_64, bytes: signedMachO() }]);
    e = await readError(lie);
    assert.equal(e.code, 'malformed');
    assert.match(e.message, /universal header says x86_64 but the Mach-O header says arm64/);
  });
});

describe('hostile: truncated real files', () => {
  it('rollup cut inside its load commands, its code and its signature', async () => {
    const bytes = await readFile(await fixture('@rollup/rollup-darwin-arm64@4.68.8'));
    await assert.rejects(readCodeBytes(bytes.subarray(0, 100), {}, 'cut'), (err: unknown) => {
      assert.ok(err instanceof CodeReadError);
      assert.equal(err.code, 'truncated');
      assert.match(err.message, /^cut: load commands \(\d+ bytes after the 32-byte header\) extend past the end of the slice \(100 bytes\)$/);
      return true;
    });
    for (const cut of [500_000, 1931728 + 100]) {
      const report = await readCodeBytes(bytes.subarray(0, cut), {}, 'cut');
      const s = report.slices[0]!;
      assert.deepEqual(codes(s), ['signature-out-of-bounds']);
      assert.match(messages(s), new RegExp(`dataoff 1931728, datasize 15248, which ends past the end of the arm64 slice \\(${cut} bytes\\)`));
    }
  });

  it('fsevents cut inside its second slice', async () => {
    const bytes = await readFile(await fixture('fsevents@2.3.3'));
    await assert.rejects(readCodeBytes(bytes.subarray(0, 120_000), {}, 'cut'), /cut: architecture 1 \(arm64\) at offset 98304, size 65322, extends past the end of the file \(120000 bytes\)/);
  });
});

describe('hostile: signatures that lie (Problems on the slice)', () => {
  it('LC_CODE_SIGNATURE pointing past the end of the slice', async () => {
    const s = await slice(signedMachO({ editFile: (f) => f.writeUInt32LE(0xffffffff, 44) }));
    assert.deepEqual(codes(s), ['signature-out-of-bounds']);
    assert.match(messages(s), /dataoff 13288, datasize 4294967295, which ends past the end of the arm64 slice/);
    assert.equal(s.verification.ok, false);
  });

  it('a signature or load commands over the absolute limits, in a sparse 5 GB file', async () => {
    // Sparse: the file really is that large, so only the absolute limits stand between a claim and an allocation.
    const big = join(dir, 'sparse');
    const head = signedMachO();
    head.writeUInt32LE(0x7ffffff0, 44); // datasize ~2 GB, inside the file
    const fh = await open(big, 'w');
    await fh.write(head, 0, head.length, 0);
    await fh.truncate(5 * 2 ** 30);
    await fh.close();
    let report = await readCode(big, { verifyPages: false });
    assert.deepEqual(codes(report.slices[0]!), ['signature-too-large']);
    assert.match(messages(report.slices[0]!), /datasize 2147483632 is over the 67108864-byte limit/);
    const fh2 = await open(big, 'r+');
    const field = Buffer.alloc(4);
    field.writeUInt32LE(0x7ffffff0, 0);
    await fh2.write(field, 0, 4, 20); // sizeofcmds
    await fh2.close();
    await assert.rejects(readCode(big), /sizeofcmds 2147483632 is over the 16777216-byte limit for load commands/);
    await rm(big);
    report = await readCodeBytes(signedMachO());
    assert.equal(report.slices[0]!.verification.ok, true);
  });

  it('a superblob claiming 4 GB, or a billion entries', async () => {
    let s = await slice(signedMachO({ editSuper: (sb) => sb.writeUInt32BE(0xfffffff0, 4) }));
    assert.deepEqual(codes(s), ['codedirectory-missing', 'signature-truncated']);
    assert.match(messages(s), /superblob at file offset 13288 claims 4294967280 bytes but LC_CODE_SIGNATURE provides \d+/);
    s = await slice(signedMachO({ editSuper: (sb) => sb.writeUInt32BE(1_000_000_000, 8) }));
    assert.match(messages(s), /claims 1000000000 entries \(8000000012 bytes of index\) but is \d+ bytes long/);
  });

  it('a bad superblob magic', async () => {
    const s = await slice(signedMachO({ editSuper: (sb) => sb.writeUInt32BE(0xfade0cc1, 0) }));
    assert.match(messages(s), /has magic 0xfade0cc1, expected 0xfade0cc0/);
  });

  it('a blob offset past the end, and a blob length of gigabytes', async () => {
    let s = await slice(signedMachO({ editSuper: (sb) => sb.writeUInt32BE(0x7fffffff, 16) }));
    assert.ok(codes(s).includes('blob-out-of-bounds'));
    assert.match(messages(s), /CodeDirectory \(slot 0x0, index entry 0\): offset 2147483647 is outside the superblob's data area \[20, \d+\)/);
    s = await slice(signedMachO({ editSuper: (sb) => sb.writeUInt32BE(0xffffffff, 20 + 4) }));
    assert.match(messages(s), /CodeDirectory \(slot 0x0, index entry 0\): blob at superblob offset 20 \(file offset 13308\) claims 4294967295 bytes, but only \d+ remain/);
  });

  it('overlapping blobs and duplicate slots', async () => {
    const ents = blob(0xfade7171, Buffer.from('<plist version="1.0"><dict/></plist>'));
    let s = await slice(
      signedMachO({
        extra: [{ slot: 5, bytes: ents }],
        editSuper: (sb) => sb.writeUInt32BE(sb.readUInt32BE(16), 24), // the entitlements entry points at the CD
      }),
    );
    assert.ok(codes(s).includes('blob-overlap'), messages(s));
    assert.match(messages(s), /Entitlements \(superblob offset 28\) overlaps CodeDirectory \(superblob offset 28, \d+ bytes\) at file offset 13316/);
    s = await slice(signedMachO({ extra: [{ slot: 5, bytes: ents }], editSuper: (sb) => sb.writeUInt32BE(0, 20) }));
    assert.ok(codes(s).includes('blob-duplicate-slot'));
    assert.match(messages(s), /superblob index entry 1 repeats slot 0x0/);
  });

  it('a CodeDirectory whose slot count claims gigabytes of hashes', async () => {
    const s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(0xffffffff, 28) }));
    assert.ok(codes(s).includes('codedirectory-malformed'));
    assert.match(messages(s), /hash slots \[\d+, \d+\) \(0 special and 4294967295 code slots of 32 bytes at hashOffset 96\) do not fit/);
    assert.equal(s.verification.ok, false);
  });

  it('a CodeDirectory whose special-slot count reaches before its header', async () => {
    const s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(1_000_000, 24) }));
    assert.match(messages(s), /1000000 special and 4 code slots/);
  });

  it('a codeLimit past the slice, and one that leaves bytes unsealed', async () => {
    let s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(0x7fffffff, 32) }));
    assert.ok(codes(s).includes('code-limit-out-of-bounds'), messages(s));
    assert.ok(codes(s).includes('code-limit-too-large'), messages(s));
    assert.match(messages(s), /codeLimit 2147483647 is past the end of the arm64 slice/);
    s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(3 * PAGE, 32) }));
    assert.ok(codes(s).includes('code-limit-short'));
    assert.match(messages(s), /codeLimit 12288 differs from the signature's offset 13288/);
  });

  it('identifier and team offsets past the end, unknown versions and hash types', async () => {
    let s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(0x7fffffff, 20) }));
    assert.match(messages(s), /identifier offset 2147483647 is past the end of the CodeDirectory/);
    s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(0x30000, 8) }));
    assert.match(messages(s), /version 0x00030000 is outside the supported range/);
    assert.ok(codes(s).includes('codedirectory-missing'));
    s = await slice(signedMachO({ editCd: (cd) => (cd[37] = 9) }));
    assert.match(messages(s), /unknown hash type 9/);
    s = await slice(signedMachO({ editCd: (cd) => (cd[39] = 200) }));
    assert.match(messages(s), /page size 2\^200 is not supported/);
  });

  it('an entitlements blob the CodeDirectory does not cover', async () => {
    const ents = blob(0xfade7171, Buffer.from('<plist version="1.0"><dict><key>com.apple.security.get-task-allow</key><true/></dict></plist>'));
    const s = await slice(signedMachO({ extra: [{ slot: 5, bytes: ents }], editCd: (cd) => cd.writeUInt32BE(0, 24) }));
    assert.ok(codes(s).includes('special-slot-unbound'), messages(s));
    assert.match(messages(s), /special slot 5 \(Entitlements\) is present but not covered: the CodeDirectory has only 0 special slots/);
  });

  it('a CMS blob beside an ad-hoc CodeDirectory is ignored: no certificates reach the facts', async () => {
    const s = await slice(signedMachO({ extra: [{ slot: 0x10000, bytes: blob(0xfade0b01, Buffer.from('3082000a06092a864886f70d010702', 'hex')) }] }));
    assert.deepEqual(codes(s), ['adhoc-with-cms']);
    assert.equal(s.verification.ok, true);
    assert.equal(s.status, 'adhoc');
    assert.deepEqual(s.facts.certificates, []);
    assert.equal(s.cms, undefined);
  });

  it('a non-ad-hoc CodeDirectory without a CMS blob', async () => {
    const s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(0x10000, 12) }));
    assert.deepEqual(codes(s), ['cms-missing']);
    assert.equal(s.status, 'signed');
    assert.match(messages(s), /the CodeDirectory is not ad-hoc \(flags 0x00010000\) but the signature has no CMS blob/);
  });

  it('a CMS blob that is not DER', async () => {
    const s = await slice(signedMachO({ editCd: (cd) => cd.writeUInt32BE(0x10000, 12), extra: [{ slot: 0x10000, bytes: blob(0xfade0b01, Buffer.from('not der at all')) }] }));
    assert.ok(codes(s).includes('cms-malformed'), messages(s));
    assert.match(messages(s), /CMS signature at file offset \d+: /);
    assert.deepEqual(s.facts.certificates, []);
  });

  it('a special-slot hash without its blob', async () => {
    const ents = blob(0xfade7171, Buffer.from('<plist version="1.0"><dict/></plist>'));
    const s = await slice(signedMachO({ extra: [{ slot: 5, bytes: ents }], editSuper: (sb) => sb.writeUInt32BE(0xabc, 20) }));
    assert.ok(codes(s).includes('special-slot-missing'), messages(s));
  });

  it('entitlements that expand exponentially or nest 100,000 deep', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]><plist version="1.0"><dict><key>k</key><string>&h;</string></dict></plist>';
    let s = await slice(signedMachO({ extra: [{ slot: 5, bytes: blob(0xfade7171, Buffer.from(laughs)) }] }));
    // Either refused or read without expanding: what matters is a bounded result.
    const k = s.facts.entitlements?.['k'];
    assert.ok(k === undefined || (typeof k === 'string' && k.length < 1000), `entity expanded to ${typeof k === 'string' ? k.length : typeof k}`);
    const deep = '<plist version="1.0">' + '<array>'.repeat(100_000) + '</array>'.repeat(100_000) + '</plist>';
    s = await slice(signedMachO({ extra: [{ slot: 5, bytes: blob(0xfade7171, Buffer.from(deep)) }] }));
    assert.ok(codes(s).includes('entitlements-malformed'), messages(s));
  });

  it('memory stays bounded by the file, whatever the lengths claim', async () => {
    const lies = [
      signedMachO({ editSuper: (sb) => sb.writeUInt32BE(0xffffffff, 4) }),
      signedMachO({ editCd: (cd) => cd.writeUInt32BE(0xffffffff, 28) }),
      signedMachO({ editFile: (f) => f.writeUInt32LE(0xffffffff, 44) }),
      fat([{ cpuType: CPU_ARM64, bytes: signedMachO() }], (h) => h.writeUInt32BE(0xffffffff, 20)),
      signedMachO({ editCd: (cd) => (cd[39] = 30) }), // 1 GiB pages
    ];
    const paths = await Promise.all(lies.map(file));
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    for (const p of paths) {
      await readCode(p).catch((err: unknown) => assert.ok(err instanceof CodeReadError));
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    assert.ok(peak - before < 64 << 20, `array buffers grew by ${peak - before} bytes`);
  });
});

describe('hostile: bundles', () => {
  async function bundle(name: string, info: Buffer | string, exe?: (root: string) => Promise<void>): Promise<string> {
    const root = join(dir, name);
    await mkdir(join(root, 'Contents', 'MacOS'), { recursive: true });
    await writeFile(join(root, 'Contents', 'Info.plist'), info);
    await exe?.(root);
    return root;
  }
  const infoFor = (exe: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>CFBundleExecutable</key><string>${exe}</string></dict></plist>`;
  const expectBad = async (path: string, pattern: RegExp) => {
    await assert.rejects(readCode(path), (err: unknown) => {
      assert.ok(err instanceof CodeReadError, String(err));
      assert.equal(err.code, 'bad-bundle', err.message);
      assert.match(err.message, pattern);
      return true;
    });
  };

  it('a well-formed bundle is read through its Info.plist', async () => {
    const root = await bundle('Good.app', infoFor('good'), (r) => writeFile(join(r, 'Contents', 'MacOS', 'good'), signedMachO()));
    const report = await readCode(root);
    assert.equal(report.bundle?.infoPlist?.['CFBundleExecutable'], 'good');
    assert.equal(report.slices[0]!.facts.infoPlist?.['CFBundleExecutable'], 'good');
    // The synthetic signature seals neither the Info.plist (reported, not fatal) nor resources (fatal, as for Apple).
    assert.deepEqual(codes(report.slices[0]!), ['info-plist-unbound', 'resources-not-sealed']);
    assert.equal(report.slices[0]!.verification.ok, false);
    assert.deepEqual(codes((await readCode(root, { verifyPages: false })).slices[0]!), ['info-plist-unbound'], 'resources are not checked without page verification, as kSecCSDoNotValidateResources');
  });

  it('a versioned framework is read through its Versions/Current links', async () => {
    const root = join(dir, 'Kit.framework');
    await mkdir(join(root, 'Versions', 'A', 'Resources'), { recursive: true });
    await writeFile(join(root, 'Versions', 'A', 'Resources', 'Info.plist'), infoFor('Kit'));
    await writeFile(join(root, 'Versions', 'A', 'Kit'), signedMachO());
    await symlink('A', join(root, 'Versions', 'Current'));
    await symlink(join('Versions', 'Current', 'Kit'), join(root, 'Kit'));
    await symlink(join('Versions', 'Current', 'Resources'), join(root, 'Resources'));
    const report = await readCode(root);
    assert.match(report.executablePath, /Kit\.framework\/Versions\/A\/Kit$/);
    assert.equal(report.bundle?.infoPlist?.['CFBundleExecutable'], 'Kit');
    assert.equal(report.slices[0]!.facts.identifier, 'hostile');
  });

  it('a main executable that links back to the bundle itself (recursion)', async () => {
    const root = await bundle('Loop.app', infoFor('loop'), (r) => symlink(r, join(r, 'Contents', 'MacOS', 'loop')));
    await expectBad(root, /main executable Contents\/MacOS\/loop links back to the bundle itself/);
    const nested = await bundle('Nest.app', infoFor('inner'), async (r) => {
      await mkdir(join(r, 'Contents', 'MacOS', 'inner', 'Contents'), { recursive: true });
    });
    await expectBad(nested, /main executable Contents\/MacOS\/inner is not a regular file \(a directory: nested bundles are not followed\)/);
  });

  it('a symbolic-link cycle', async () => {
    const root = await bundle('Cycle.app', infoFor('a'), async (r) => {
      await symlink('b', join(r, 'Contents', 'MacOS', 'a'));
      await symlink('a', join(r, 'Contents', 'MacOS', 'b'));
    });
    await expectBad(root, /main executable Contents\/MacOS\/a cannot be resolved \(ELOOP\)/);
  });

  it('a main executable outside the bundle, by link or by name', async () => {
    const outside = await file(signedMachO());
    const root = await bundle('Escape.app', infoFor('x'), (r) => symlink(outside, join(r, 'Contents', 'MacOS', 'x')));
    await expectBad(root, /resolves to .*, outside the bundle/);
    const named = await bundle('Dots.app', infoFor('../../x'));
    await expectBad(named, /CFBundleExecutable is "..\/..\/x"; cannot find the main executable/);
  });

  it('a missing CFBundleExecutable, a missing Info.plist', async () => {
    await expectBad(await bundle('NoExe.app', '<plist version="1.0"><dict/></plist>'), /CFBundleExecutable is missing/);
    const empty = join(dir, 'Empty.app');
    await mkdir(empty);
    await expectBad(empty, /without Contents\/Info.plist, Resources\/Info.plist or Info.plist is not a bundle/);
  });

  it('a binary Info.plist whose dictionary contains itself', async () => {
    await expectBad(await bundle('Self.app', bplistWithCycle()), /object 0 contains itself/);
  });

  it('a binary Info.plist whose shared references expand exponentially', async () => {
    await expectBad(await bundle('Laughs.app', bplistExponential(40)), /too many values/);
  });
});

/** bplist00 with one dictionary {k: <itself>}. */
function bplistWithCycle(): Buffer {
  // objects: 0 = dict {1: 0}, 1 = "k"
  const objects = [Buffer.from([0xd1, 0x01, 0x00]), Buffer.from([0x51, 0x6b])];
  return bplist(objects, 0);
}

/** Array n refers to array n-1 twice: 2^depth leaves from depth+1 objects. */
function bplistExponential(depth: number): Buffer {
  const objects: Buffer[] = [Buffer.from([0x08])]; // false
  for (let i = 1; i <= depth; i++) objects.push(Buffer.from([0xa2, i - 1, i - 1]));
  // The top is a dictionary so the Info.plist shape is right.
  objects.push(Buffer.from([0x51, 0x6b]));
  objects.push(Buffer.from([0xd1, depth + 1, depth]));
  return bplist(objects, depth + 2);
}

function bplist(objects: Buffer[], top: number): Buffer {
  const head = Buffer.from('bplist00');
  const offsets: number[] = [];
  let at = head.length;
  for (const o of objects) {
    offsets.push(at);
    at += o.length;
  }
  const table = Buffer.alloc(offsets.length * 2);
  offsets.forEach((o, i) => table.writeUInt16BE(o, i * 2));
  const trailer = Buffer.alloc(32);
  trailer[6] = 2;
  trailer[7] = 1;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(BigInt(top), 16);
  trailer.writeBigUInt64BE(BigInt(at), 24);
  return Buffer.concat([head, ...objects, table, trailer]);
}

describe('hostile: the binary property-list reader', () => {
  it('reads a well-formed bplist', () => {
    const objects = [Buffer.from([0xd1, 0x01, 0x02]), Buffer.from([0x51, 0x6b]), Buffer.from([0x10, 0x2a])];
    assert.deepEqual(parseBplist(bplist(objects, 0)), { k: 42 });
  });

  it('refuses offset tables, references and lengths outside the data', () => {
    const good = bplist([Buffer.from([0xd1, 0x01, 0x02]), Buffer.from([0x51, 0x6b]), Buffer.from([0x10, 0x2a])], 0);
    const badRef = Buffer.from(good);
    badRef[10] = 0x7f; // the dictionary's value reference
    assert.throws(() => parseBplist(badRef), /reference 127 is past the 3 objects/);
    const badCount = Buffer.from(good);
    badCount.writeBigUInt64BE(1n << 40n, badCount.length - 24);
    assert.throws(() => parseBplist(badCount), /1099511627776 objects/);
    const longString = Buffer.from(good);
    longString[11] = 0x5f; // "k" becomes a string with an extended length marker
    assert.throws(() => parseBplist(longString));
  });
});
