/**
 * Synthetic fixtures from the test-only signer (test/signer), with a
 * throwaway CA, read back by the real reader (readCode) from files written
 * to os.tmpdir(): embedded Info.plist, bundles, entitlement variants, several
 * CodeDirectories, and tampered pages, CMS and CDHashes. Each case asserts
 * what readCode reports (problem codes and messages, facts) and what the
 * evaluator concludes from those facts. The expected values come from the
 * signer's own inputs and from an independent hash of the bytes it wrote.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build as buildPlist } from 'plist';
import { toHex } from '../../grammar/bytes.js';
import { compile } from '../../grammar/codec/encode.js';
import { parse } from '../../grammar/parser.js';
import type { Requirement } from '../../grammar/ast.js';
import { designatedRequirement } from '../../validator/designated.js';
import { evaluate, type EvalNode } from '../../validator/evaluate/evaluate.js';
import type { CodeFacts } from '../../validator/facts.js';
import { readCode, type CodeReport, type SliceReport } from '../../validator/read.js';
import {
  cdhashOf,
  makeBundle,
  makeCa,
  makeFat,
  issueCertificate,
  makeMachO,
  OID,
  readSignature,
  requirementSet,
  signMachO,
  type Entitlements,
  type MachOOptions,
  type SignOptions,
} from '../signer/index.js';

const TEAM = 'QWERTY1234';
const IDENTIFIER = 'com.example.synthetic';
const SIGNED_AT = new Date('2024-03-15T10:30:00Z');
const ca = makeCa({ teamId: TEAM });

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-synthetic-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function write(bytes: Uint8Array): Promise<string> {
  const path = join(dir, `code-${counter++}`);
  await writeFile(path, bytes);
  return path;
}

function signed(sign: Partial<SignOptions> = {}, macho: MachOOptions = {}): Uint8Array {
  return signMachO(makeMachO(macho), { identifier: IDENTIFIER, teamId: TEAM, ca, signingTime: SIGNED_AT, ...sign });
}

async function readOne(file: Uint8Array): Promise<{ report: CodeReport; slice: SliceReport }> {
  const report = await readCode(await write(file));
  assert.equal(report.slices.length, 1);
  return { report, slice: report.slices[0]! };
}

const codes = (problems: { code: string }[]) => [...new Set(problems.map((p) => p.code))].sort();

function req(text: string): Requirement {
  const r = parse(text, { mode: 'single' });
  assert.ok(r.ok && r.document?.kind === 'requirement', `parses: ${text}: ${JSON.stringify(r.diagnostics)}`);
  return r.document;
}

function check(text: string, facts: CodeFacts): EvalNode {
  return evaluate(req(text), facts);
}

describe('synthetic Developer-ID-like signature from a throwaway CA', () => {
  const entitlements: Entitlements = { 'com.apple.security.cs.allow-jit': true, 'com.apple.security.application-groups': ['QWERTY1234.group'] };
  let slice: SliceReport;
  before(async () => {
    ({ slice } = await readOne(signed({ entitlements, runtime: 0x0e0000 })));
  });

  it('verifies with no problems at the signing time', () => {
    assert.equal(slice.status, 'signed');
    assert.deepEqual(slice.verification.problems, []);
    assert.equal(slice.verification.ok, true);
    assert.equal(slice.verification.pagesVerified, true);
    assert.equal(slice.verification.at?.toISOString(), SIGNED_AT.toISOString());
    assert.equal(slice.facts.signingTime?.toISOString(), SIGNED_AT.toISOString());
  });

  it('facts carry identifier, team, chain leaf → root and entitlements', () => {
    const f = slice.facts;
    assert.equal(f.identifier, IDENTIFIER);
    assert.equal(f.teamIdentifier, TEAM);
    assert.equal(f.adhoc, false);
    assert.deepEqual(f.certificates.map((c) => toHex(c.der)), [ca.leaf, ca.intermediate, ca.root].map((c) => toHex(c.der)));
    assert.equal(f.certificates[2]!.selfSigned, true);
    assert.ok(f.certificates[0]!.subject.some((a) => a.oid === '2.5.4.11' && a.value === TEAM));
    assert.ok(f.certificates[0]!.extensions.some((x) => x.oid === OID.developerIdLeafMarker));
    assert.ok(f.certificates[1]!.extensions.some((x) => x.oid === OID.developerIdCaMarker));
    assert.deepEqual(f.entitlements, entitlements);
    assert.equal(f.codeDirectories[0]!.runtime, 0x0e0000);
  });

  it('identifier, leaf OU and the intermediate marker satisfy the requirement', () => {
    const n = check(`identifier "${IDENTIFIER}" and certificate leaf[subject.OU] = "${TEAM}" and certificate 1[field.${OID.developerIdCaMarker}]`, slice.facts);
    assert.equal(n.verdict, 'true', JSON.stringify(n, null, 1));
  });

  it('another team or identifier is unsatisfied, naming the clause', () => {
    const team = check(`identifier "${IDENTIFIER}" and certificate leaf[subject.OU] = "ZZZZZ99999"`, slice.facts);
    assert.equal(team.verdict, 'false');
    assert.equal(team.children[1]!.explanation, `certificate leaf[subject.OU] is "${TEAM}", expected "ZZZZZ99999"`);
    const id = check('identifier "com.example.other"', slice.facts);
    assert.equal(id.verdict, 'false');
    assert.match(id.explanation, new RegExp(IDENTIFIER.replace(/\./g, '\\.')));
  });

  it('anchor apple generic is false: the throwaway root is not Apple\'s', () => {
    const n = check('anchor apple generic', slice.facts);
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /^the anchor "csrl Test Root CA" is not an Apple root \(SHA-256 [0-9a-f]{16}… is not in Apple's table\)$/);
    assert.ok(n.explanation.includes(toHex(slice.facts.certificates[2]!.sha256).slice(0, 16)));
  });

  it('the implicit designated requirement pins the throwaway root and is satisfied by the code itself', () => {
    const dr = designatedRequirement(slice.facts);
    assert.equal(dr.implicit, true);
    // Every certificate carries the leaf's O, so DRMaker's nonAppleAnchor climbs to the root.
    assert.equal(dr.text, `identifier "${IDENTIFIER}" and certificate root = H"${toHex(slice.facts.certificates[2]!.sha1)}"`);
    assert.equal(evaluate(dr.requirement, slice.facts).verdict, 'true');
  });

  it('judged later than the leaf\'s validity, the chain is reported expired', async () => {
    const report = await readCode(await write(signed({ entitlements })), { at: new Date('2041-01-01T00:00:00Z'), verifyPages: false });
    const v = report.slices[0]!.verification;
    assert.equal(v.ok, false);
    assert.ok(codes(v.problems).includes('certificate-expired'), JSON.stringify(v.problems));
  });
});

describe('explicit designated requirement and secure timestamp', () => {
  it('an embedded requirement set is bound by slot 2 and gives the explicit DR', async () => {
    const text = `identifier "${IDENTIFIER}" and certificate leaf[subject.OU] = "${TEAM}"`;
    const compiled = compile(req(text));
    assert.ok(compiled.bytes, JSON.stringify(compiled.diagnostics));
    const set = requirementSet([[3, compiled.bytes]]);
    const { slice } = await readOne(signed({ requirements: set }));
    assert.deepEqual(slice.verification.problems, []);
    assert.equal(toHex(slice.facts.requirementSet!), toHex(set));
    assert.deepEqual(slice.signature!.specialSlots.filter((s) => s.slot === 2).map((s) => s.status), ['match']);
    const dr = designatedRequirement(slice.facts);
    assert.equal(dr.implicit, false);
    // Apple's printer leaves strings that are plain words unquoted, as `codesign -d -r-` does.
    assert.equal(dr.text, `identifier "${IDENTIFIER}" and certificate leaf[subject.OU] = ${TEAM}`);
    assert.equal(evaluate(dr.requirement, slice.facts).verdict, 'true');
  });

  it('a secure timestamp is the time the chain is judged at', async () => {
    const tsa = issueCertificate({ subject: [['CN', 'csrl Test TSA'], ['O', 'csrl tests']], extensions: [] }, ca.root);
    const time = new Date('2024-03-15T10:31:00Z');
    const { slice } = await readOne(signed({ timestamp: { time, tsa, chain: [tsa, ca.root] } }));
    assert.deepEqual(slice.verification.problems, []);
    assert.equal(slice.facts.secureTimestamp?.toISOString(), time.toISOString());
    assert.equal(slice.verification.at?.toISOString(), time.toISOString());
  });
});

describe('embedded __TEXT,__info_plist', () => {
  async function withVersion(version: string): Promise<SliceReport> {
    const info = { CFBundleIdentifier: IDENTIFIER, CFBundleVersion: version, CFBundleShortVersionString: version };
    return (await readOne(signed({ infoPlist: 'embedded' }, { infoPlist: info }))).slice;
  }

  it('is read into facts.infoPlist and bound by special slot 1', async () => {
    const slice = await withVersion('2.1');
    assert.deepEqual(slice.verification.problems, []);
    assert.equal(slice.facts.infoPlist?.['CFBundleVersion'], '2.1');
    assert.equal(slice.facts.infoPlist?.['CFBundleIdentifier'], IDENTIFIER);
    const slot1 = slice.signature!.specialSlots.filter((s) => s.slot === 1);
    assert.deepEqual(slot1.map((s) => [s.directory, s.status]), [[0, 'match']]);
    assert.equal(slot1[0]!.actual, slot1[0]!.expected);
  });

  for (const [version, want] of [['2.1', 'true'], ['2.0', 'true'], ['10.0', 'true'], ['1.9', 'false']] as const) {
    it(`info[CFBundleVersion] >= "2.0" is ${want} for ${version} (numeric-aware)`, async () => {
      const slice = await withVersion(version);
      const n = check('info[CFBundleVersion] >= "2.0"', slice.facts);
      assert.equal(n.verdict, want);
      assert.equal(n.explanation, `info[CFBundleVersion] is "${version}", expected >= "2.0"`);
    });
  }

  it('without an Info.plist the key is missing: false', async () => {
    const { slice } = await readOne(signed());
    assert.equal(slice.facts.infoPlist, undefined);
    const n = check('info[CFBundleVersion] >= "2.0"', slice.facts);
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /^there is no Info\.plist, so info\[CFBundleVersion\] is missing/);
  });
});

describe('an .app bundle with Info.plist', () => {
  it('resolves the executable; the Info.plist slot matches', async () => {
    const bundle = await makeBundle(await mkdtemp(join(dir, 'bundle-')), {
      name: 'Synth',
      identifier: IDENTIFIER,
      info: { CFBundleVersion: '3.4' },
      sign: { teamId: TEAM, ca, signingTime: SIGNED_AT },
    });
    const report = await readCode(bundle.path);
    assert.equal(report.executablePath, bundle.executable);
    assert.equal(report.bundle?.path, bundle.path);
    assert.equal(report.bundle?.infoPlist?.['CFBundleExecutable'], 'Synth');
    const slice = report.slices[0]!;
    assert.deepEqual(slice.verification.problems, []);
    assert.equal(slice.verification.ok, true);
    assert.equal(slice.facts.infoPlist?.['CFBundleVersion'], '3.4');
    const slots = slice.signature!.specialSlots.map((s) => [s.slot, s.status]);
    assert.deepEqual(slots.filter(([n]) => n === 1), [[1, 'match']]);
    // The resource seal (slot 3) is the hash of Contents/_CodeSignature/CodeResources.
    assert.deepEqual(slots.filter(([n]) => n === 3), [[3, 'match']]);
    assert.equal(check(`identifier "${IDENTIFIER}" and info[CFBundleVersion] = "3.4"`, slice.facts).verdict, 'true');
  });

  it('a resource seal changed or removed after signing is reported (slot 3)', async () => {
    const bundle = await makeBundle(await mkdtemp(join(dir, 'bundle-')), {
      name: 'Synth',
      identifier: IDENTIFIER,
      info: { CFBundleVersion: '3.4' },
      sign: { teamId: TEAM, ca, signingTime: SIGNED_AT },
    });
    const seal = join(bundle.path, 'Contents', '_CodeSignature', 'CodeResources');
    await writeFile(seal, Buffer.concat([await readFile(seal), Buffer.from('\n')]));
    const changed = (await readCode(bundle.path)).slices[0]!;
    assert.equal(changed.verification.ok, false);
    assert.deepEqual(codes(changed.verification.problems), ['resources-mismatch']);
    assert.match(changed.verification.problems[0]!.message, /special slot 3 \(.*\): hash [0-9a-f]+ of the resource seal/);
    await rm(seal);
    const removed = (await readCode(bundle.path)).slices[0]!;
    assert.deepEqual(codes(removed.verification.problems), ['resources-missing']);
    assert.match(removed.verification.problems[0]!.message, /_CodeSignature\/CodeResources/);
  });

  it('an Info.plist changed after signing is a special-slot mismatch', async () => {
    const bundle = await makeBundle(await mkdtemp(join(dir, 'bundle-')), {
      name: 'Synth',
      identifier: IDENTIFIER,
      info: { CFBundleVersion: '3.4' },
      sign: { teamId: TEAM, ca, signingTime: SIGNED_AT },
    });
    const edited = buildPlist({
      CFBundleExecutable: 'Synth',
      CFBundleIdentifier: IDENTIFIER,
      CFBundleVersion: '99',
    });
    await writeFile(join(bundle.path, 'Contents', 'Info.plist'), edited);
    const report = await readCode(bundle.path);
    const slice = report.slices[0]!;
    assert.equal(slice.verification.ok, false);
    assert.deepEqual(codes(slice.verification.problems), ['info-plist-mismatch']);
    assert.match(
      slice.verification.problems[0]!.message,
      /^CodeDirectory: special slot 1 \(Info\.plist\): hash [0-9a-f]{64} of the Info\.plist, but the CodeDirectory says [0-9a-f]{64}$/,
    );
    assert.deepEqual(slice.signature!.specialSlots.filter((s) => s.slot === 1).map((s) => s.status), ['mismatch']);
    // The facts are the edited plist: a requirement would be judged on what is on disk.
    assert.equal(slice.facts.infoPlist?.['CFBundleVersion'], '99');
  });
});

describe('entitlement variants', () => {
  const blobSlots = (slice: SliceReport) => slice.blobs.map((b) => b.slot).filter((s) => s === 5 || s === 7);

  it('XML only', async () => {
    const ents = { 'com.apple.security.app-sandbox': true };
    const { slice } = await readOne(signed({ entitlements: ents, entitlementsDer: null }));
    assert.deepEqual(blobSlots(slice), [5]);
    assert.deepEqual(slice.verification.problems, []);
    assert.deepEqual(slice.facts.entitlements, ents);
    assert.equal(slice.signature!.derEntitlements, undefined);
    assert.deepEqual(slice.signature!.specialSlots.filter((s) => s.slot === 5).map((s) => s.status), ['match']);
  });

  it('XML + DER agree', async () => {
    const ents: Entitlements = { 'com.apple.security.app-sandbox': true, 'com.example.count': 3, 'com.example.name': 'x' };
    const { slice } = await readOne(signed({ entitlements: ents }));
    assert.deepEqual(blobSlots(slice), [5, 7]);
    assert.deepEqual(slice.verification.problems, []);
    assert.deepEqual(slice.facts.entitlements, ents);
    assert.deepEqual(slice.signature!.derEntitlementsDict, ents);
    assert.deepEqual(slice.signature!.specialSlots.filter((s) => s.slot === 5 || s.slot === 7).map((s) => [s.slot, s.status]), [[5, 'match'], [7, 'match']]);
  });

  it('DER only: the facts come from the DER form', async () => {
    const ents = { 'com.apple.security.get-task-allow': true };
    const { slice } = await readOne(signed({ entitlementsDer: ents }));
    assert.deepEqual(blobSlots(slice), [7]);
    assert.deepEqual(slice.verification.problems, []);
    assert.deepEqual(slice.facts.entitlements, ents);
  });

  it('XML and DER that differ: a warning, the XML form is what requirements see', async () => {
    const { slice } = await readOne(signed({ entitlements: { 'com.example.flag': true }, entitlementsDer: { 'com.example.flag': false } }));
    assert.equal(slice.verification.ok, true);
    assert.deepEqual(codes(slice.verification.problems), ['entitlements-disagree']);
    assert.equal(slice.verification.problems[0]!.severity, 'warning');
    assert.deepEqual(slice.facts.entitlements, { 'com.example.flag': true });
  });

  it('a boolean false entitlement does not exist, and is not absent either (§5.5)', async () => {
    const { slice } = await readOne(signed({ entitlements: { 'com.apple.security.get-task-allow': false } }));
    assert.deepEqual(slice.verification.problems, []);
    assert.equal(slice.facts.entitlements?.['com.apple.security.get-task-allow'], false);
    const exists = check('entitlement["com.apple.security.get-task-allow"] exists', slice.facts);
    assert.equal(exists.verdict, 'false');
    assert.equal(exists.explanation, 'entitlement[com.apple.security.get-task-allow] is the boolean false, expected to exist (the boolean false counts as not existing)');
    assert.equal(check('entitlement["com.apple.security.get-task-allow"] absent', slice.facts).verdict, 'false');
    assert.equal(check('entitlement["com.apple.security.app-sandbox"] absent', slice.facts).verdict, 'true');
  });

  it('an array value: = matches an element', async () => {
    const ents = { 'com.apple.security.application-groups': ['a', 'b'] };
    const { slice } = await readOne(signed({ entitlements: ents }));
    assert.deepEqual(slice.verification.problems, []);
    assert.deepEqual(slice.signature!.derEntitlementsDict, ents);
    const b = check('entitlement["com.apple.security.application-groups"] = "b"', slice.facts);
    assert.equal(b.verdict, 'true');
    assert.equal(b.explanation, 'entitlement[com.apple.security.application-groups] is an array of 2 elements, expected "b" (element 1 ("b") matches)');
    assert.equal(check('entitlement["com.apple.security.application-groups"] = "c"', slice.facts).verdict, 'false');
    assert.equal(check('entitlement["com.apple.security.application-groups"] exists', slice.facts).verdict, 'true');
  });
});

describe('several CodeDirectories (SHA-1 primary, SHA-256 alternate)', () => {
  let file: Uint8Array;
  let slice: SliceReport;
  before(async () => {
    file = signed({ hashTypes: ['sha1', 'sha256'] });
    ({ slice } = await readOne(file));
  });

  it('both verify and both cdhashes are reported', () => {
    assert.deepEqual(slice.verification.problems, []);
    const cds = readSignature(file)!.codeDirectories;
    assert.deepEqual(
      slice.facts.codeDirectories.map((cd) => [cd.slot, cd.hashType, toHex(cd.cdhash)]),
      cds.map((cd) => [cd.slot, cd.hashType, toHex(cdhashOf(cd.hashType, cd.bytes))]),
    );
    assert.deepEqual(slice.facts.codeDirectories.map((cd) => [cd.slot, cd.hashType, cd.cdhash.length]), [[0, 'sha1', 20], [0x1000, 'sha256', 32]]);
    assert.deepEqual(slice.signature!.pages?.map((p) => [p.directory, p.mismatches]), [[0, 0], [0x1000, 0]]);
    // The CMS binds the alternate through both CDHashes attributes.
    assert.deepEqual(slice.cms?.cdhashesPlist?.map(toHex), slice.facts.codeDirectories.map((cd) => toHex(cd.cdhash.subarray(0, 20))));
  });

  it('cdhash compares the strongest CodeDirectory\'s hash, truncated to 20 bytes', () => {
    const [sha1, sha256] = slice.facts.codeDirectories;
    const truncated = toHex(sha256!.cdhash.subarray(0, 20));
    const ok = check(`cdhash H"${truncated}"`, slice.facts);
    assert.equal(ok.verdict, 'true');
    assert.equal(ok.explanation, `cdhash of the sha256 CodeDirectory (slot 0x1000, the strongest of 2) is ${truncated}`);
    const weak = check(`cdhash H"${toHex(sha1!.cdhash)}"`, slice.facts);
    assert.equal(weak.verdict, 'false');
    assert.equal(weak.explanation, `cdhash of the sha256 CodeDirectory (slot 0x1000, the strongest of 2) is ${truncated}, expected ${toHex(sha1!.cdhash)}`);
  });
});

describe('tampering', () => {
  it('a flipped code byte is a page-hash-mismatch naming the page, in every CodeDirectory', async () => {
    const offset = 4096 + 77;
    const { slice } = await readOne(signed({ hashTypes: ['sha1', 'sha256'], tamper: { pageByte: offset } }));
    const v = slice.verification;
    assert.equal(v.ok, false);
    assert.deepEqual(codes(v.problems), ['page-hash-mismatch']);
    assert.equal(v.problems.length, 2);
    assert.match(v.problems[0]!.message, /^CodeDirectory: page 1 \(slice offset 4096, file offset 4096\) hashes to [0-9a-f]{40}, the CodeDirectory says [0-9a-f]{40}$/);
    assert.match(v.problems[1]!.message, /^Alternate CodeDirectory 0: page 1 \(slice offset 4096, file offset 4096\) hashes to [0-9a-f]{64}, the CodeDirectory says [0-9a-f]{64}$/);
    assert.deepEqual(slice.signature!.pages?.map((p) => [p.directory, p.mismatches]), [[0, 1], [0x1000, 1]]);
  });

  it('the same flip is not seen by a signature-only check', async () => {
    const report = await readCode(await write(signed({ tamper: { pageByte: 100 } })), { verifyPages: false });
    assert.deepEqual(report.slices[0]!.verification.problems, []);
    assert.equal(report.slices[0]!.verification.pagesVerified, false);
  });

  it('a flipped byte in the CMS signature value makes the CMS signature invalid', async () => {
    // The same inputs give a CMS of the same length; its last bytes are the RSA signature value.
    const cmsLength = readSignature(signed())!.cms!.length;
    const { slice } = await readOne(signed({ tamper: { cmsByte: cmsLength - 10 } }));
    const v = slice.verification;
    assert.equal(v.ok, false);
    assert.deepEqual(codes(v.problems), ['cms-signature-invalid']);
    assert.equal(v.problems[0]!.message, `CMS signature does not verify with the key of "${slice.facts.certificates[0]!.subjectText}"`);
  });

  it('a CodeDirectory changed after signing no longer matches the CMS message digest', async () => {
    // Byte 12 is the flags field: the CodeDirectory stays parseable.
    const { slice } = await readOne(signed({ tamper: { codeDirectoryByte: 15 } }));
    const v = slice.verification;
    assert.equal(v.ok, false);
    assert.ok(codes(v.problems).includes('cms-digest-mismatch'), JSON.stringify(v.problems));
    assert.match(v.problems.find((p) => p.code === 'cms-digest-mismatch')!.message, /^CMS signature message digest is [0-9a-f]{64}, but the sha256 of the signed content is [0-9a-f]{64}$/);
  });

  it('CDHashes naming another cdhash is a cdhashes-mismatch', async () => {
    const { slice } = await readOne(signed({ hashTypes: ['sha1', 'sha256'], tamper: { wrongCdhashes: true } }));
    const v = slice.verification;
    assert.equal(v.ok, false);
    assert.deepEqual(codes(v.problems), ['cdhashes-mismatch']);
    const sha1 = toHex(slice.facts.codeDirectories[0]!.cdhash);
    const messages = v.problems.map((p) => p.message).join('\n');
    assert.ok(messages.includes(`CDHashes plist entry 0 is `), messages);
    assert.ok(messages.includes(`but CodeDirectory 0 (sha1) hashes to ${sha1}`), messages);
    assert.ok(/CDHashes2 sha1 entry is [0-9a-f]{40}, but the CodeDirectory hashes to /.test(messages), messages);
  });

  it('an entitlements blob changed after hashing is a special-slot mismatch', async () => {
    const { slice } = await readOne(signed({ entitlements: { 'com.example.a': true }, entitlementsDer: null, tamper: { entitlementsByte: 60 } }));
    const v = slice.verification;
    assert.equal(v.ok, false);
    assert.ok(codes(v.problems).includes('special-slot-mismatch'), JSON.stringify(v.problems));
    assert.match(v.problems.find((p) => p.code === 'special-slot-mismatch')!.message, /^CodeDirectory: special slot 5 \(Entitlements\): hash [0-9a-f]{64} of the blob, but the CodeDirectory says [0-9a-f]{64}$/);
  });
});

describe('a universal file with one good and one tampered slice', () => {
  it('reports each slice separately: the good one verifies, the bad one does not', async () => {
    const good = signed({}, { arch: 'x86_64' });
    const bad = signed({ tamper: { pageByte: 2 * 4096 + 5 } }, { arch: 'arm64' });
    const report = await readCode(await write(makeFat([good, bad])));
    assert.equal(report.container, 'fat');
    assert.deepEqual(report.slices.map((s) => [s.arch, s.status, s.verification.ok]), [['x86_64', 'signed', true], ['arm64', 'signed', false]]);
    assert.deepEqual(report.slices[0]!.verification.problems, []);
    const arm = report.slices[1]!;
    assert.deepEqual(codes(arm.verification.problems), ['page-hash-mismatch']);
    assert.match(arm.verification.problems[0]!.message, new RegExp(`^CodeDirectory: page 2 \\(slice offset 8192, file offset ${arm.offset + 8192}\\) `));
    // Both slices carry the full chain and identity: one slice passing says nothing about the other.
    for (const s of report.slices) {
      assert.equal(s.facts.identifier, IDENTIFIER);
      assert.equal(s.facts.certificates.length, 3);
    }
  });

  it('--arch reads only the requested slice', async () => {
    const good = signed({}, { arch: 'x86_64' });
    const bad = signed({ tamper: { pageByte: 4096 + 5 } }, { arch: 'arm64' });
    const path = await write(makeFat([good, bad]));
    const x64 = await readCode(path, { arch: 'x86_64' });
    assert.deepEqual(x64.slices.map((s) => [s.arch, s.verification.ok]), [['x86_64', true]]);
    const arm = await readCode(path, { arch: 'arm64' });
    assert.deepEqual(arm.slices.map((s) => [s.arch, s.verification.ok]), [['arm64', false]]);
  });
});
