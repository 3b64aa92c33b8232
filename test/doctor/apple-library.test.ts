/**
 * Library validation accepts a library signed by Apple that is not platform
 * code (Apple's own code outside the OS, e.g. Xcode's frameworks): `anchor
 * apple`, decided by the requirement evaluator.
 *
 * The test signer cannot make a chain that ends at a real Apple root (that
 * needs Apple's keys). So the library is signed for real with an
 * Apple-shaped chain (intermediate "Apple Code Signing Certification
 * Authority" of "Apple Inc.", leaf with the macOS software-signing marker)
 * under the throwaway root: judged as it is, it is not Apple's. Then the one
 * fact no test can produce, the anchor's identity, is replaced in the report
 * by Apple Root CA's SHA-256 — everything else is the reader's report of the
 * signed file — to show the rule accepts Apple's chain.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doctor, type DoctorOptions, type Relationship } from '../../engine/doctor/doctor.js';
import { APPLE_ROOTS } from '../../validator/evaluate/apple-roots.js';
import { readCode, type CodeReport } from '../../validator/read.js';
import { makeCa, type TestCa } from '../signer/index.js';
import { makeApp, TEAM_A, teams } from './fixtures.js';

const SOFTWARE_SIGNING_MARKER = '1.2.840.113635.100.6.22';

function appleShapedCa(leafMarker: boolean): TestCa {
  return makeCa({
    keyType: 'ec',
    intermediate: { subject: [['CN', 'Apple Code Signing Certification Authority'], ['OU', 'Apple Certification Authority'], ['O', 'Apple Inc.'], ['C', 'US']], extensions: [] },
    leaf: { subject: [['CN', 'Software Signing'], ['OU', 'Apple Software'], ['O', 'Apple Inc.'], ['C', 'US']], extensions: leafMarker ? [{ oid: SOFTWARE_SIGNING_MARKER }] : [] },
  });
}

/** The reader's report, with the library's anchor said to be Apple Root CA (the only fact replaced). */
const anchoredAtApple: DoctorOptions['readCode'] = async (path, options) => {
  const r = await readCode(path, options);
  if (!path.endsWith('libfoo.dylib')) return r;
  const sha256 = Uint8Array.from(Buffer.from(APPLE_ROOTS[0]!.sha256, 'hex'));
  const copy: CodeReport = {
    ...r,
    slices: r.slices.map((s) => ({ ...s, facts: { ...s.facts, certificates: s.facts.certificates.map((c, i, all) => (i === all.length - 1 ? { ...c, sha256 } : c)) } })),
  };
  return copy;
};

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-doctor-apple-'));
  teams();
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function libraryRelationship(ca: TestCa, options: DoctorOptions = {}): Promise<Relationship> {
  const app = await makeApp(join(dir, String(n++)), { library: { sign: { ca } } });
  const rels = (await doctor(app.path, options)).relationships.filter((r) => r.kind === 'library-validation');
  assert.equal(rels.length, 1);
  return rels[0]!;
}

describe('doctor: library validation and Apple-signed libraries that are not platform code', () => {
  const marked = appleShapedCa(true);
  const unmarked = appleShapedCa(false);

  it('the rule says so', async () => {
    const r = await libraryRelationship(marked);
    assert.equal(r.rule, 'library validation: signed by the same team as the executable, or by Apple (platform code, or anchor apple)');
  });

  it('an Apple-looking chain under another root is not Apple\'s: unsatisfied, as any library without the team', async () => {
    const r = await libraryRelationship(marked);
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `team identifier = "${TEAM_A}"`);
    assert.equal(r.fact, 'Tool.app/Contents/Frameworks/libfoo.dylib (x86_64) is signed without a team identifier');
  });

  it('anchored at Apple Root CA, issued by Apple Code Signing CA, with the leaf marker: satisfied (anchor apple)', async () => {
    const r = await libraryRelationship(marked, { readCode: anchoredAtApple });
    assert.equal(r.verdict, 'satisfied', `${r.clause} — ${r.fact}`);
  });

  it('anchored at Apple without the leaf marker: undetermined (only the Mac\'s trust cache decides)', async () => {
    const r = await libraryRelationship(unmarked, { readCode: anchoredAtApple });
    assert.equal(r.verdict, 'undetermined');
    assert.equal(r.clause, 'signed by Apple (anchor apple)');
    assert.match(r.fact!, /lacks extension .*trust cache/);
  });
});
