/**
 * CodeDirectory geometry is decided before any page is hashed: every field
 * that says how much code there is, where its hashes are or how they are
 * made (page size, code slots, codeLimit, hash offset, size and type,
 * special slots, scatter vector, executable segment) is made to lie in an
 * otherwise valid file. Each lie is an invalid signature with a problem that
 * names it, and no more than the slice is ever hashed; for lies about the
 * page geometry, nothing at all. Work is counted through pageHashMeter (bytes
 * and pages hashed), never timed. A cap on hashing work is reported when hit.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCode, readCodeBytes, type ReadOptions, type SliceReport } from '../../validator/read.js';
import { pageHashMeter } from '../../validator/signature/pages.js';
import { makeFat, makeMachO, readSignature, signMachO, type SignOptions } from '../signer/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-geometry-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CODE_SIZE = 200_000;
let counter = 0;

function signed(options: Partial<SignOptions> = {}): Uint8Array {
  return signMachO(makeMachO({ arch: 'arm64', codeSize: CODE_SIZE }), { adhoc: true, identifier: 'com.example.geometry', ...options });
}

/** A signed file with the CodeDirectory in `slot` edited in place (through a DataView on its bytes). */
function mutated(edit: (cd: DataView, length: number) => void, options: Partial<SignOptions> = {}, slot = 0): Uint8Array {
  const file = signed(options);
  const cd = readSignature(file)!.codeDirectories.find((c) => c.slot === slot)!;
  edit(new DataView(cd.bytes.buffer, cd.bytes.byteOffset, cd.bytes.byteLength), cd.bytes.byteLength);
  return file;
}

interface Outcome {
  slice: SliceReport;
  /** Bytes and pages hashed by page verification during the read. */
  hashedBytes: number;
  hashedPages: number;
}

async function check(file: Uint8Array, options: ReadOptions = {}): Promise<Outcome> {
  const path = join(dir, `f${counter++}`);
  await writeFile(path, file);
  const before = { ...pageHashMeter };
  const report = await readCode(path, options);
  return { slice: report.slices[0]!, hashedBytes: pageHashMeter.bytes - before.bytes, hashedPages: pageHashMeter.pages - before.pages };
}

const text = (s: SliceReport) => s.verification.problems.map((p) => `[${p.code}] ${p.message}`).join('\n');
const errors = (s: SliceReport) => s.verification.problems.filter((p) => p.severity === 'error');

/** Rejected: an invalid signature, with an error whose code and message say what lies. */
function assertRejected(o: Outcome, code: string, message: RegExp): void {
  const s = o.slice;
  assert.equal(s.verification.ok, false, text(s));
  assert.ok(
    errors(s).some((p) => p.code === code && message.test(p.message)),
    `expected [${code}] ${message} among:\n${text(s)}`,
  );
  // Never more than the slice, whatever the CodeDirectory claims.
  assert.ok(o.hashedBytes <= s.size, `hashed ${o.hashedBytes} bytes of a ${s.size}-byte slice`);
}

/** Rejected before any page was hashed. */
function assertNothingHashed(o: Outcome): void {
  assert.equal(o.hashedBytes, 0, `hashed ${o.hashedBytes} bytes`);
  assert.equal(o.hashedPages, 0, `hashed ${o.hashedPages} pages`);
  assert.equal(o.slice.verification.pagesVerified, false);
}

describe('CodeDirectory geometry: the baseline', () => {
  it('a valid file verifies, hashing each code byte once per CodeDirectory (the meter counts what is hashed)', async () => {
    const file = signed();
    const codeLimit = readSignature(file)!.dataoff;
    const o = await check(file);
    assert.equal(o.slice.verification.ok, true, text(o.slice));
    assert.equal(o.slice.verification.pagesVerified, true);
    assert.equal(o.hashedBytes, codeLimit);
    assert.equal(o.hashedPages, Math.ceil(codeLimit / 4096));
    const two = await check(signed({ hashTypes: ['sha1', 'sha256'] }));
    assert.equal(two.slice.verification.ok, true, text(two.slice));
    assert.equal(two.hashedBytes, 2 * codeLimit);
  });
});

describe('CodeDirectory geometry: each field made to lie', () => {
  it('pageSize 2^2 (a quarter of a million pages claimed over 200 KB) is refused before hashing', async () => {
    const o = await check(mutated((cd) => cd.setUint8(39, 2)));
    assertRejected(o, 'codedirectory-malformed', /page size 2\^2 is not supported: Apple accepts 0 \(one page\) or 2\^12 to 2\^14; its pages are not hashed/);
    assertNothingHashed(o);
  });

  it('pageSize 2^2 with every one of its 50,000 code slots present and consistent is refused all the same', async () => {
    const o = await check(signed({ pageSize: 4 }));
    assert.equal(o.slice.facts.codeDirectories[0]!.codeSlots, Math.ceil(readSignature(signed({ pageSize: 4 }))!.dataoff / 4));
    assertRejected(o, 'codedirectory-malformed', /page size 2\^2 is not supported/);
    assertNothingHashed(o);
  });

  it('pageSize 2^15 and 2^31 (past what the kernel maps) are refused', async () => {
    for (const log2 of [15, 31]) {
      const o = await check(mutated((cd) => cd.setUint8(39, log2)));
      assertRejected(o, 'codedirectory-malformed', new RegExp(`page size 2\\^${log2} is not supported`));
      assertNothingHashed(o);
    }
  });

  it('pageSize 0 (one page) over many code slots', async () => {
    const o = await check(mutated((cd) => cd.setUint8(39, 0)));
    assertRejected(o, 'codedirectory-malformed', /page size 0 \(one page\) and codeLimit \d+ need 1 code slot, not \d+; its pages are not hashed/);
    assertNothingHashed(o);
  });

  it('pageSize 2^14 over slots counted for 4 KB pages', async () => {
    const o = await check(mutated((cd) => cd.setUint8(39, 14)));
    assertRejected(o, 'codedirectory-malformed', /\d+ code slots, but codeLimit \d+ at 16384-byte pages needs \d+; its pages are not hashed/);
    assertNothingHashed(o);
  });

  it('nCodeSlots one short, one over, zero', async () => {
    for (const delta of [-1, +1]) {
      const o = await check(mutated((cd) => cd.setUint32(28, cd.getUint32(28) + delta)));
      assert.equal(o.slice.verification.ok, false, text(o.slice));
      // One over does not fit the blob any more (the hashes end it); one short leaves codeLimit uncovered.
      assert.match(text(o.slice), delta < 0 ? /code slots, but codeLimit \d+ at 4096-byte pages needs \d+; its pages are not hashed/ : /hash slots \[\d+, \d+\) .* do not fit/);
      assertNothingHashed(o);
    }
    const o = await check(mutated((cd) => cd.setUint32(28, 0)));
    assertRejected(o, 'codedirectory-malformed', /0 code slots, but codeLimit \d+ at 4096-byte pages needs \d+/);
    assertNothingHashed(o);
  });

  it('codeLimit one byte over, a page short, zero, past the slice, and a 64-bit codeLimit of a terabyte', async () => {
    let o = await check(mutated((cd) => cd.setUint32(32, cd.getUint32(32) + 1)));
    assertRejected(o, 'code-limit-too-large', /codeLimit \d+ differs from the signature's offset \d+ in the arm64 slice; its pages are not hashed/);
    assertNothingHashed(o);
    o = await check(mutated((cd) => cd.setUint32(32, cd.getUint32(32) - 4096)));
    assertRejected(o, 'code-limit-short', /differs from the signature's offset/);
    assertNothingHashed(o);
    o = await check(mutated((cd) => cd.setUint32(32, 0)));
    assertRejected(o, 'codedirectory-malformed', /page size 4096 but codeLimit 0: paged code needs code to cover/);
    assertNothingHashed(o);
    o = await check(mutated((cd) => cd.setUint32(32, 0xffffffff)));
    assertRejected(o, 'code-limit-out-of-bounds', /codeLimit 4294967295 is past the end of the arm64 slice \(\d+ bytes\); its pages are not hashed/);
    assertNothingHashed(o);
    o = await check(mutated((cd) => cd.setBigUint64(56, 1n << 40n)));
    assertRejected(o, 'code-limit-out-of-bounds', /codeLimit 1099511627776 is past the end of the arm64 slice/);
    assertNothingHashed(o);
  });

  it('hashOffset moved by one slot, to zero, past the blob', async () => {
    for (const [edit, re] of [
      [(cd: DataView) => cd.setUint32(16, cd.getUint32(16) + 32), /hash slots \[\d+, \d+\) \(\d+ special and \d+ code slots of 32 bytes at hashOffset \d+\) do not fit between the header \(88\) and the end of the blob/],
      [(cd: DataView) => cd.setUint32(16, 0), /do not fit between the header/],
      [(cd: DataView) => cd.setUint32(16, 0xfffffff0), /do not fit between the header/],
    ] as const) {
      const o = await check(mutated(edit));
      assertRejected(o, 'codedirectory-malformed', re);
      // Without a usable slot-0 CodeDirectory there is nothing to hash pages against.
      assertRejected(o, 'codedirectory-missing', /has no usable CodeDirectory in slot 0/);
      assertNothingHashed(o);
    }
  });

  it('hashSize other than the hash type says, and zero', async () => {
    let o = await check(mutated((cd) => cd.setUint8(36, 20)));
    assertRejected(o, 'codedirectory-malformed', /hashSize 20 does not match hash type sha256 \(32\); its pages are not hashed/);
    assertNothingHashed(o);
    o = await check(mutated((cd) => cd.setUint8(36, 0)));
    assertRejected(o, 'codedirectory-malformed', /of 0 bytes at hashOffset \d+\) do not fit/);
    assertNothingHashed(o);
  });

  it('hashType unknown, or another known type than the hashes were made with', async () => {
    let o = await check(mutated((cd) => cd.setUint8(37, 9)));
    assertRejected(o, 'codedirectory-malformed', /unknown hash type 9; its pages are not hashed/);
    assertNothingHashed(o);
    o = await check(mutated((cd) => cd.setUint8(37, 1)));
    assertRejected(o, 'codedirectory-malformed', /hashSize 32 does not match hash type sha1 \(20\)/);
    assertNothingHashed(o);
  });

  it('nSpecialSlots reaching into the header, and fewer than the blobs need', async () => {
    let o = await check(mutated((cd) => cd.setUint32(24, 1_000_000)));
    assertRejected(o, 'codedirectory-malformed', /1000000 special and \d+ code slots/);
    assertNothingHashed(o);
    // Fewer special slots leave the requirements blob unbound; the page geometry is intact, so pages are hashed, once.
    o = await check(mutated((cd) => cd.setUint32(24, 0)));
    assertRejected(o, 'special-slot-unbound', /special slot 2 \(Requirements\) is present but not covered/);
    assert.equal(o.hashedBytes, readSignature(signed())!.dataoff);
  });

  it('scatterOffset into the hashes (a scatter vector that is not verified), and past the blob', async () => {
    let o = await check(mutated((cd) => cd.setUint32(44, cd.getUint32(16))));
    assertRejected(o, 'scatter-not-verified', /uses a scatter vector \(offset \d+, \d+ entries\); its pages are not verified/);
    assertNothingHashed(o);
    o = await check(mutated((cd, length) => cd.setUint32(44, length + 1000)));
    assertRejected(o, 'codedirectory-malformed', /scatter vector at offset \d+ runs past the end of the blob without a terminating entry; its pages are not hashed/);
    assertNothingHashed(o);
  });

  it('an executable segment past codeLimit', async () => {
    let o = await check(mutated((cd) => cd.setBigUint64(72, 1n << 40n)));
    assertRejected(o, 'codedirectory-malformed', /executable segment \[0, 1099511627776\) extends past codeLimit \d+/);
    o = await check(mutated((cd) => cd.setBigUint64(64, 0xffffffff00000000n)));
    assertRejected(o, 'codedirectory-malformed', /executable segment \[18446744069414584320, \d+\) extends past codeLimit/);
  });

  it('an alternate CodeDirectory that lies is not hashed; the primary still is, and the slice is invalid', async () => {
    const file = mutated((cd) => cd.setUint8(39, 2), { hashTypes: ['sha1', 'sha256'] }, 0x1000);
    const codeLimit = readSignature(file)!.dataoff;
    const o = await check(file);
    assertRejected(o, 'codedirectory-malformed', /CodeDirectory .*page size 2\^2 is not supported/);
    assert.equal(o.hashedBytes, codeLimit, 'only the primary CodeDirectory is hashed');
    assert.equal(o.slice.verification.pagesVerified, false);
    assert.deepEqual(o.slice.signature!.pages!.map((p) => p.directory), [0]);
  });
});

describe('a cap on page hashing', () => {
  it('is reported, not silently truncated, and hashes nothing when hit', async () => {
    const file = signed();
    const codeLimit = readSignature(file)!.dataoff;
    let o = await check(file, { maxHashBytes: codeLimit - 1 });
    assertRejected(o, 'hash-limit', new RegExp(`hashing the code pages of the arm64 slice \\(${codeLimit} bytes over 1 CodeDirectory\\) would exceed the limit of ${codeLimit - 1} bytes of page hashing \\(0 already used\\); its pages are not verified`));
    assertNothingHashed(o);
    o = await check(file, { maxHashBytes: codeLimit });
    assert.equal(o.slice.verification.ok, true, text(o.slice));
    assert.equal(o.hashedBytes, codeLimit);
  });

  it('is shared by the slices of a universal file (and applies to code in memory)', async () => {
    const a = signMachO(makeMachO({ arch: 'x86_64', codeSize: CODE_SIZE }), { adhoc: true, identifier: 'com.example.geometry' });
    const b = signMachO(makeMachO({ arch: 'arm64', codeSize: CODE_SIZE }), { adhoc: true, identifier: 'com.example.geometry' });
    const limitA = readSignature(a)!.dataoff;
    const path = join(dir, `fat${counter++}`);
    await writeFile(path, makeFat([a, b]));
    const report = await readCode(path, { maxHashBytes: limitA });
    assert.equal(report.slices[0]!.verification.ok, true, text(report.slices[0]!));
    assert.equal(report.slices[1]!.verification.ok, false);
    assert.match(text(report.slices[1]!), new RegExp(`\\[hash-limit\\] .*\\(${limitA} already used\\)`));
    const memory = await readCodeBytes(a, { maxHashBytes: 10 });
    assert.ok(memory.slices[0]!.verification.problems.some((p) => p.code === 'hash-limit'));
  });
});
