/**
 * native/apple-signing.ts: Apple's signing information as `csrl info` shows
 * it, and its comparison with csrl's reading.
 *
 * csrl's side is read from real fixtures and checked against the values the
 * spec records (fixtures.md). Apple's side is built per the documented
 * AppleSigningInfo shape (native/README.md) from those recorded values: these
 * are inputs, not Apple's answers. Apple's real readings are tested only by
 * the macOS workflow (test/cli/info-apple.test.ts there).
 */
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import {
  appleReadingOf,
  appleReadingOfError,
  appleSigningLines,
  compareSigning,
  notRead,
  ourSliceOf,
  preferredArchitectures,
  withoutComparison,
  withSigningComparison,
  type AppleReading,
  type AppleReadingRead,
  type OurSlice,
} from '../../engine/apple/signing.js';
import type { AppleSigningDetails, AppleSigningInfo, AppleStatus } from '../../native/index.js';
import { readCode } from '../../validator/read.js';
import { fixture } from '../support/fixtures.js';

const OK: AppleStatus = { status: 0, name: 'errSecSuccess', message: 'No error.' };

// fixtures.md, @sentry/cli-darwin@3.8.0 and fsevents@2.3.3.
const SENTRY = {
  x86_64: { identifier: 'sentry-cli-Darwin-universal', cdhash: 'fcd45ae42c5190bdde8c0709168c2286074aadeb' },
  arm64: { identifier: 'sentry_cli-ed605fe0983d3ac0', cdhash: '0b061c70be64938c3cefa26bb236f2ef5d6c9425' },
  team: '97JCY7859U',
  flags: 0x10000,
};
const FSEVENTS_ARM64 = { identifier: 'fsevents.node', cdhash: '8c4bc119d234ef99eb186d1f92dc1882732fda60', flags: 0x20002 };

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

/** A path reading as the addon documents it, with `signing` fields overridden. */
function pathInfo(signing: Partial<AppleSigningDetails>, result: AppleStatus = OK): AppleSigningInfo {
  return { supported: true, kind: 'path', path: '/x', result, signing: { status: OK, ...signing } };
}

function sentryArm64(extra: Partial<AppleSigningDetails> = {}): AppleSigningInfo {
  return pathInfo({
    identifier: SENTRY.arm64.identifier,
    teamIdentifier: SENTRY.team,
    flags: SENTRY.flags,
    format: 'Mach-O universal (x86_64 arm64)',
    cdhash: hex(SENTRY.arm64.cdhash),
    cdhashes: [hex(SENTRY.arm64.cdhash)],
    entitlements: {},
    signingTime: { dateMs: Date.UTC(2026, 8, 16, 14, 16, 56) },
    certificates: [new Uint8Array(3), new Uint8Array(3), new Uint8Array(3)],
    ...extra,
  });
}

function read(info: AppleSigningInfo): AppleReadingRead {
  const r = appleReadingOf(info);
  assert.equal(r.read, true, JSON.stringify(r));
  return r as AppleReadingRead;
}

let sentry: OurSlice[];
let fsevents: OurSlice[];
before(async () => {
  sentry = (await readCode(await fixture('@sentry/cli-darwin@3.8.0'), { verifyPages: false })).slices.map((s) => ourSliceOf(s.facts));
  fsevents = (await readCode(await fixture('fsevents@2.3.3'), { verifyPages: false })).slices.map((s) => ourSliceOf(s.facts));
});

describe("csrl's side (ourSliceOf) on real fixtures", () => {
  it('sentry: both slices carry the recorded identifier, team, flags, strongest cdhash and (empty) entitlements', () => {
    assert.deepEqual(
      sentry.map((s) => ({ arch: s.arch, identifier: s.identifier, team: s.teamIdentifier, flags: s.flags, cdhash: s.cdhash && Buffer.from(s.cdhash).toString('hex'), n: s.cdhashes.length, keys: s.entitlementKeys })),
      [
        { arch: 'x86_64', identifier: SENTRY.x86_64.identifier, team: SENTRY.team, flags: SENTRY.flags, cdhash: SENTRY.x86_64.cdhash, n: 1, keys: [] },
        { arch: 'arm64', identifier: SENTRY.arm64.identifier, team: SENTRY.team, flags: SENTRY.flags, cdhash: SENTRY.arm64.cdhash, n: 1, keys: [] },
      ],
    );
  });

  it('fsevents: the unsigned x86_64 slice has no fields; arm64 is ad-hoc, linker-signed, without a team', () => {
    assert.deepEqual(fsevents[0], { arch: 'x86_64', cdhashes: [], entitlementKeys: [] });
    const arm = fsevents[1]!;
    assert.equal(arm.identifier, FSEVENTS_ARM64.identifier);
    assert.equal(arm.teamIdentifier, undefined);
    assert.equal(arm.flags, FSEVENTS_ARM64.flags);
    assert.equal(Buffer.from(arm.cdhash!).toString('hex'), FSEVENTS_ARM64.cdhash);
  });
});

describe("Apple's side (appleReadingOf) from the documented shape", () => {
  it('a full reading: hex cdhashes, ISO dates, flag names, sorted entitlement keys, certificate count', () => {
    const r = read(sentryArm64({ entitlements: { 'com.apple.security.cs.disable-library-validation': true, 'com.apple.security.app-sandbox': true }, timestamp: { dateMs: Date.UTC(2026, 8, 16, 14, 17, 0) } }));
    assert.deepEqual(r, {
      read: true,
      kind: 'path',
      result: OK,
      status: OK,
      identifier: SENTRY.arm64.identifier,
      teamIdentifier: SENTRY.team,
      cdhash: SENTRY.arm64.cdhash,
      cdhashes: [SENTRY.arm64.cdhash],
      flags: 0x10000,
      flagNames: ['runtime'],
      format: 'Mach-O universal (x86_64 arm64)',
      signingTime: '2026-09-16T14:16:56.000Z',
      timestamp: '2026-09-16T14:17:00.000Z',
      entitlementKeys: ['com.apple.security.app-sandbox', 'com.apple.security.cs.disable-library-validation'],
      certificates: 3,
      designatedRequirement: null,
    });
  });

  it('an unsigned reading has nulls, not guesses; an absurd date is dropped', () => {
    const r = read(pathInfo({ format: 'Mach-O thin (x86_64)', signingTime: { dateMs: 1e300 } }));
    assert.equal(r.identifier, null);
    assert.equal(r.cdhash, null);
    assert.equal(r.flags, null);
    assert.equal(r.entitlementKeys, null);
    assert.equal(r.signingTime, null);
  });

  it('no reading: unsupported platform, code Apple cannot open, failed SecCodeCopySigningInformation, a thrown error', () => {
    assert.deepEqual(appleReadingOf({ supported: false, platform: 'linux', reason: 'Security.framework is macOS only' }), { read: false, error: 'Security.framework is macOS only' });
    const notCode: AppleStatus = { status: -67062, name: 'errSecCSUnsigned', message: 'code object is not signed at all' };
    const r1 = appleReadingOf({ supported: true, kind: 'path', result: notCode });
    assert.equal(r1.read, false);
    assert.match((r1 as { error: string }).error, /could not open the code \(errSecCSUnsigned -67062: code object is not signed at all\)/);
    const failed: AppleStatus = { status: -67061, name: 'errSecCSSignatureFailed', message: 'invalid signature' };
    const r2 = appleReadingOf(pathInfo({ status: failed }));
    assert.match((r2 as { error: string }).error, /SecCodeCopySigningInformation failed \(errSecCSSignatureFailed -67061/);
    assert.deepEqual(r2.status, failed);
    assert.deepEqual(appleReadingOf({ supported: true, kind: 'path', result: OK }), { read: false, kind: 'path', result: OK, error: 'Security.framework returned no signing information' });
    assert.deepEqual(appleReadingOfError(new Error('boom')), { read: false, error: 'boom' });
  });

  it("a process reading keeps the kernel's flags", () => {
    const info: AppleSigningInfo = { ...sentryArm64(), kind: 'process', pid: 42, codeSigningFlags: { value: 0x22013301, names: ['CS_VALID', 'CS_RUNTIME'], valid: true, hardenedRuntime: true, libraryValidation: true } };
    const r = read(info);
    assert.equal(r.kind, 'process');
    assert.equal(r.codeSigningFlags?.value, 0x22013301);
  });
});

describe('compareSigning', () => {
  it("Apple's reading of either sentry slice matches that slice by cdhash and agrees", () => {
    const arm = compareSigning(sentry, read(sentryArm64()));
    assert.equal(arm.outcome, 'agree', arm.sentence);
    assert.equal(arm.slice, 'arm64');
    assert.equal(arm.matchedBy, 'cdhash');
    assert.deepEqual(arm.fields.map((f) => [f.field, f.same]), [['identifier', true], ['teamIdentifier', true], ['cdhash', true], ['flags', true], ['entitlementKeys', true]]);
    const x86 = compareSigning(sentry, read(sentryArm64({ identifier: SENTRY.x86_64.identifier, cdhash: hex(SENTRY.x86_64.cdhash), cdhashes: [hex(SENTRY.x86_64.cdhash)] })));
    assert.equal(x86.outcome, 'agree', x86.sentence);
    assert.equal(x86.slice, 'x86_64');
  });

  it('every field that differs is listed, once, naming both values and the slice', () => {
    const apple = read(sentryArm64({ identifier: 'com.example.other', teamIdentifier: 'ABCDE12345', flags: 0x10002, entitlements: { 'com.apple.security.get-task-allow': true } }));
    const c = compareSigning(sentry, apple);
    assert.equal(c.outcome, 'disagree');
    assert.equal(c.slice, 'arm64');
    const r = withSigningComparison(sentry, apple);
    assert.deepEqual(r.disagreement, [
      `identifier: csrl read "${SENTRY.arm64.identifier}" (arm64), Apple read "com.example.other"`,
      `team identifier: csrl read "97JCY7859U" (arm64), Apple read "ABCDE12345"`,
      'flags: csrl read "0x10000(runtime)" (arm64), Apple read "0x10002(adhoc,runtime)"',
      'entitlement keys: csrl read none (arm64), Apple read "com.apple.security.get-task-allow"',
    ]);
    // An agreeing comparison carries no disagreement, even if an older one was attached.
    assert.equal(withSigningComparison(sentry, { ...read(sentryArm64()), disagreement: ['stale'] }).disagreement, undefined);
  });

  it("Apple's cdhash being a weaker CodeDirectory's: same slice, but the strongest cdhash differs", () => {
    const sha1 = '1111111111111111111111111111111111111111';
    const ours: OurSlice[] = [{ ...sentry[1]!, cdhashes: [hex(sha1), sentry[1]!.cdhash!] }];
    const c = compareSigning(ours, read(sentryArm64({ cdhash: hex(sha1) })));
    assert.equal(c.matchedBy, 'cdhash');
    assert.deepEqual(c.fields.filter((f) => !f.same).map((f) => f.field), ['cdhash']);
  });

  it('a cdhash in no slice csrl read: a disagreement over all slices; with --arch, not comparable', () => {
    const stranger = read(sentryArm64({ cdhash: hex('2222222222222222222222222222222222222222') }));
    const all = withSigningComparison(sentry, stranger);
    assert.equal(all.comparison?.outcome, 'disagree');
    assert.deepEqual(all.disagreement, ['cdhash: Apple read 2222222222222222222222222222222222222222, which is in no CodeDirectory csrl read (slices x86_64, arm64)']);
    // Apple prefers arm64 here but csrl read only x86_64: nothing to compare with.
    const some = withSigningComparison([sentry[0]!], read(sentryArm64()), { someArchitectures: true, preferredArchs: ['arm64e', 'arm64'] });
    assert.equal(some.comparison?.outcome, 'not-comparable');
    assert.equal(some.disagreement, undefined);
    assert.match(some.comparison!.sentence, /^csrl read only x86_64; Apple read another architecture \(cdhash 0b061c70/);
  });

  it('with one slice, or the preferred architecture, the fields are still compared one by one', () => {
    const onlyArm = compareSigning([sentry[1]!], read(sentryArm64({ cdhash: hex('3333333333333333333333333333333333333333') })));
    assert.equal(onlyArm.matchedBy, 'only-slice');
    assert.deepEqual(onlyArm.fields.filter((f) => !f.same).map((f) => f.field), ['cdhash']);
    const unsignedApple = read(pathInfo({ format: 'Mach-O universal (x86_64 arm64)' }));
    const byArch = compareSigning(sentry, unsignedApple, { preferredArchs: ['x86_64h', 'x86_64'] });
    assert.equal(byArch.matchedBy, 'architecture');
    assert.equal(byArch.slice, 'x86_64');
    assert.deepEqual(byArch.fields.filter((f) => !f.same).map((f) => f.field), ['identifier', 'teamIdentifier', 'cdhash', 'flags']);
    const nowhere = withSigningComparison(sentry, unsignedApple, { preferredArchs: ['ppc'] });
    assert.deepEqual(nowhere.disagreement, ['signature: Apple read no signature, csrl read one in every slice (x86_64, arm64)']);
  });

  it('fsevents: Apple on Intel finds the unsigned slice, on Apple silicon the ad-hoc one; both agree', () => {
    const intel = compareSigning(fsevents, read(pathInfo({ format: 'Mach-O universal (x86_64 arm64)' })), { preferredArchs: preferredArchitectures('x64') });
    assert.deepEqual([intel.outcome, intel.slice, intel.matchedBy], ['agree', 'x86_64', 'unsigned']);
    const arm = compareSigning(fsevents, read(pathInfo({ identifier: FSEVENTS_ARM64.identifier, flags: FSEVENTS_ARM64.flags, cdhash: hex(FSEVENTS_ARM64.cdhash) })));
    assert.deepEqual([arm.outcome, arm.slice, arm.matchedBy], ['agree', 'arm64', 'cdhash']);
  });

  it('no reading contradicts nothing; nor does a csrl that could not read the code', () => {
    const missing = withSigningComparison(sentry, notRead('the native addon is not available: not built'));
    assert.deepEqual(missing.comparison, { outcome: 'not-comparable', fields: [], sentence: 'Apple gave no reading: the native addon is not available: not built' });
    assert.equal(missing.disagreement, undefined);
    const unreadable = withoutComparison(read(sentryArm64()), 'not a Mach-O file');
    assert.equal(unreadable.comparison?.outcome, 'not-comparable');
    assert.equal(unreadable.comparison?.sentence, 'csrl could not read the code (not a Mach-O file)');
    assert.equal(unreadable.disagreement, undefined);
  });

  it('preferredArchitectures follows Node: arm64 → arm64e, arm64; x64 → x86_64h, x86_64; others none', () => {
    assert.deepEqual(preferredArchitectures('arm64'), ['arm64e', 'arm64']);
    assert.deepEqual(preferredArchitectures('x64'), ['x86_64h', 'x86_64']);
    assert.deepEqual(preferredArchitectures('riscv64'), []);
  });
});

describe('appleSigningLines', () => {
  it('the section: identifier, team, cdhash, flags, signing time, format, entitlements and the agreement', () => {
    const r = withSigningComparison(sentry, read(sentryArm64()));
    assert.deepEqual(appleSigningLines(r), [
      'Apple (Security.framework):',
      '  Source=the file on disk (SecStaticCode)',
      `  Identifier=${SENTRY.arm64.identifier}`,
      '  TeamIdentifier=97JCY7859U',
      `  CDHash=${SENTRY.arm64.cdhash}`,
      '  Flags=0x10000(runtime)',
      '  Signed Time=2026-09-16T14:16:56.000Z',
      '  Format=Mach-O universal (x86_64 arm64)',
      '  Entitlements=empty',
      "  compared: csrl's arm64 slice (matched by cdhash) and Apple agree on identifier, team identifier, cdhash, flags and entitlement keys",
    ]);
  });

  it('a disagreement ends the section loudly; a missing reading is one line', () => {
    const r: AppleReading = withSigningComparison(sentry, read(sentryArm64({ identifier: 'com.example.other' })));
    const lines = appleSigningLines(r);
    assert.equal(lines.at(-1), `!!! DISAGREEMENT: csrl and Apple read the signature differently: identifier: csrl read "${SENTRY.arm64.identifier}" (arm64), Apple read "com.example.other". This is a bug in csrl or in Apple's check; do not rely on either verdict.`);
    assert.ok(!lines.some((l) => l.startsWith('  compared:')));
    assert.deepEqual(appleSigningLines(notRead('Security.framework exists only on macOS (this is linux)')), ['Apple (Security.framework): no reading (Security.framework exists only on macOS (this is linux))']);
  });
});
