/**
 * The CMS layer on malformed, hostile and structurally unusual input: every
 * failure is a CmsError (parse) or a Problem (verify), never a crash, and
 * resources stay bounded. Inputs come from the test-only signer, so the
 * valid baseline is known.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CmsError, certificateFacts, orderChain } from '../../validator/cms/certificate.js';
import { MAX_CMS_BYTES, parseCms } from '../../validator/cms/parse.js';
import { verifyCmsSignature } from '../../validator/cms/verify.js';
import { buildCms, makeCa } from '../signer/index.js';

const TIME = new Date('2024-06-01T12:00:00Z');
const ca = makeCa({ keyType: 'ec' });
const cd = new Uint8Array(2000).map((_, i) => (i * 7) & 0xff);
const computed = [{ hashType: 'sha256' as const, cdhash: new Uint8Array(createHash('sha256').update(cd).digest()) }];
const cms = buildCms({ codeDirectory: cd, cdhashes: computed, ca, signingTime: TIME });
const codes = (problems: { code: string }[]) => [...new Set(problems.map((p) => p.code))].sort();

function rejects(bytes: Uint8Array, pattern: RegExp) {
  assert.throws(() => parseCms(bytes), (e: unknown) => e instanceof CmsError && pattern.test(e.message));
  const problems = verifyCmsSignature(bytes, cd, computed, TIME);
  assert.deepEqual(codes(problems), ['cms-malformed']);
}

/** Re-encodes the CMS after `edit` changes its SignedData (pkijs re-encodes signed attributes identically). */
function rebuild(edit: (sd: pkijs.SignedData) => void): Uint8Array {
  const ci = pkijs.ContentInfo.fromBER(cms);
  const sd = new pkijs.SignedData({ schema: ci.content });
  edit(sd);
  return new Uint8Array(new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER());
}

describe('CMS baseline', () => {
  it('the synthetic CMS verifies', () => {
    assert.deepEqual(verifyCmsSignature(cms, cd, computed, TIME), []);
  });
});

describe('malformed CMS', () => {
  it('rejects empty and oversized input before decoding', () => {
    rejects(new Uint8Array(), /empty/);
    rejects(new Uint8Array(MAX_CMS_BYTES + 1), /exceeds the 1048576-byte limit/);
  });

  it('rejects every truncation', () => {
    for (let n = 1; n < cms.length; n += 13) rejects(cms.subarray(0, n), /./);
  });

  it('rejects garbage, trailing data and wrong content types', () => {
    rejects(new Uint8Array(1000).map((_, i) => (i * 131 + 17) & 0xff), /./);
    const trailing = new Uint8Array(cms.length + 4);
    trailing.set(cms);
    trailing.set([1, 2, 3, 4], cms.length);
    rejects(trailing, /unexpected data after the CMS/);
    const padded = new Uint8Array(cms.length + 64);
    padded.set(cms);
    assert.deepEqual(verifyCmsSignature(padded, cd, computed, TIME), [], 'zero padding after the BER is how codesign sizes blobs');
    const data = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.1', content: new asn1js.OctetString({ valueHex: new Uint8Array(4).buffer }) });
    rejects(new Uint8Array(data.toSchema().toBER()), /content type is 1\.2\.840\.113549\.1\.7\.1/);
  });

  it('bounds nesting depth and claimed lengths', () => {
    const deep = new Uint8Array(20000);
    for (let i = 0; i < deep.length; i += 2) deep.set([0x30, 0x80], i);
    rejects(deep, /./);
    rejects(new Uint8Array([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x06, 0x09]), /./);
    rejects(new Uint8Array([0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]), /./);
  });

  it('certificateFacts rejects what is not a certificate', () => {
    assert.throws(() => certificateFacts(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), CmsError);
    assert.throws(() => certificateFacts(new Uint8Array(70_000)), /exceeds the 65536-byte limit/);
  });

  it('survives random mutations: only CmsError or problems, never a crash', () => {
    let state = 0x12345678;
    const rand = (n: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 250; round++) {
      const bytes = new Uint8Array(cms);
      const flips = 1 + rand(4);
      for (let k = 0; k < flips; k++) bytes[rand(bytes.length)] = rand(256);
      try {
        parseCms(bytes);
      } catch (e) {
        assert.ok(e instanceof CmsError, `round ${round}: ${String(e)}`);
      }
      const problems = verifyCmsSignature(bytes, cd, computed, TIME);
      for (const p of problems) assert.match(p.code, /^[a-z0-9-]+$/);
      const key = problems.length === 0 ? 'valid' : codes(problems).join('+');
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    assert.ok((outcomes.get('cms-malformed') ?? 0) > 20);
    assert.ok([...outcomes.keys()].some((k) => k.includes('cms-signature-invalid')));
  });
});

describe('structurally unusual CMS', () => {
  it('reports encapsulated content (not detached)', () => {
    const attached = rebuild((sd) => {
      sd.encapContentInfo = new pkijs.EncapsulatedContentInfo({
        eContentType: '1.2.840.113549.1.7.1',
        eContent: new asn1js.OctetString({ valueHex: cd.slice().buffer }),
      });
    });
    assert.deepEqual(codes(verifyCmsSignature(attached, cd, computed, TIME)), ['cms-not-detached']);
  });

  it('reports an encapsulated content type the signed attributes do not name', () => {
    const relabelled = rebuild((sd) => {
      sd.encapContentInfo = new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.9.16.1.4' });
    });
    const problems = verifyCmsSignature(relabelled, cd, computed, TIME);
    assert.deepEqual(codes(problems), ['cms-content-type-mismatch']);
    assert.match(problems[0]!.message, /signs content type 1\.2\.840\.113549\.1\.7\.1 but encapsulates 1\.2\.840\.113549\.1\.9\.16\.1\.4/);
  });

  it('reports a missing signer certificate', () => {
    const noLeaf = rebuild((sd) => {
      sd.certificates = sd.certificates!.slice(0, 2);
    });
    const problems = verifyCmsSignature(noLeaf, cd, computed, TIME);
    assert.deepEqual(codes(problems), ['signer-certificate-missing']);
    assert.equal(parseCms(noLeaf).certificates[0]!.subject.find((a) => a.name === 'CN')?.value, 'csrl Test Developer ID CA');
  });

  it('reports a missing anchor', () => {
    const noRoot = rebuild((sd) => {
      sd.certificates = [sd.certificates![0]!, sd.certificates![2]!];
    });
    const problems = verifyCmsSignature(noRoot, cd, computed, TIME);
    assert.deepEqual(codes(problems), ['chain-incomplete']);
    assert.match(problems[0]!.message, /not self-signed/);
  });

  it('keeps an appended unrelated root out of the chain', () => {
    const stranger = makeCa().root;
    const extra = rebuild((sd) => {
      sd.certificates = [...sd.certificates!, pkijs.Certificate.fromBER(stranger.der)];
    });
    const facts = parseCms(extra);
    assert.equal(facts.certificates.length, 3);
    assert.equal(facts.certificates[2]!.subject.find((a) => a.name === 'CN')?.value, 'csrl Test Root CA');
    assert.notDeepEqual(facts.certificates[2]!.der, stranger.der);
    assert.equal(facts.extraCertificates.length, 1);
    const problems = verifyCmsSignature(extra, cd, computed, TIME);
    assert.deepEqual(problems.map((p) => [p.code, p.severity]), [['cms-extra-certificates', 'warning']]);
  });

  it('orders duplicates and shuffles without looping', () => {
    const [leaf, inter, root] = [ca.leaf, ca.intermediate, ca.root].map((c) => certificateFacts(c.der)) as [
      ReturnType<typeof certificateFacts>, ReturnType<typeof certificateFacts>, ReturnType<typeof certificateFacts>,
    ];
    const leaf2 = certificateFacts(ca.leaf.der);
    const ordered = orderChain([root, leaf, inter, leaf2]);
    assert.deepEqual(ordered.slice(0, 3), [leaf, inter, root]);
    assert.deepEqual(ordered.slice(3), [leaf2]);
    assert.deepEqual(orderChain([root]), [root]);
    assert.deepEqual(orderChain([]), []);
  });

  it('keeps attribute values raw and escapes only the one-line rendering', () => {
    const odd = makeCa({ keyType: 'ec', leaf: { subject: [['CN', 'Smith, John + Co'], ['OU', ' lead'], ['O', 'Ünïcode'], ['2.5.4.97', 'VATDE-123']] } });
    const leaf = certificateFacts(odd.leaf.der);
    assert.deepEqual(leaf.subject, [
      { oid: '2.5.4.3', name: 'CN', value: 'Smith, John + Co' },
      { oid: '2.5.4.11', name: 'OU', value: ' lead' },
      { oid: '2.5.4.10', name: 'O', value: 'Ünïcode' },
      { oid: '2.5.4.97', name: 'organizationIdentifier', value: 'VATDE-123' },
    ]);
    assert.equal(leaf.subjectText, 'CN = Smith\\, John \\+ Co, OU = \\ lead, O = Ünïcode, organizationIdentifier = VATDE-123');
  });

  it('reports a CodeDirectory that is not the signed one', () => {
    const problems = verifyCmsSignature(cms, cd.subarray(1), computed, TIME);
    assert.deepEqual(codes(problems), ['cms-digest-mismatch']);
  });
});
