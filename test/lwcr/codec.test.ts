/** The DER codec against every worked example and public vector of spec lwcr.md §3.6, byte for byte, and as a property. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bytesToHex,
  canonical,
  decodeDocument,
  decodeEnvelope,
  decodeValue,
  encodeDocument,
  encodeValue,
  ENVELOPE_DEFAULTS,
  hexToBytes,
  lw,
  lwEqual,
  makeEnvelope,
  readLwcrBytes,
  unwrapConstraintBlob,
  unwrapRequirementBlob,
  wrapConstraintBlob,
  wrapRequirementBlob,
  type LwDict,
  type LwValue,
} from '../../lwcr/index.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const blobOf = (reqs: LwDict) => wrapConstraintBlob(encodeDocument(makeEnvelope(reqs)));

const A = 'fade818100000059704f020101b04a30090c046363617402010030090c04636f6d7002010130270c0472657173b01f301d0c0f7465616d2d6964656e7469666965720c0a38584355553232534e3230090c0476657273020101';
const B =
  'fade818100000087707d020101b07830090c046363617402010030090c04636f6d7002010130550c0472657173b04d304b0c0c656e7469746c656d656e7473b03b30390c06247175657279302f30250201010c20636f6d2e6170706c652e73656375726974792e6465766963652e63616d65726130060201050101ff30090c0476657273020101';
const C =
  'fade81810000007f7075020101b07030090c046363617402010030090c04636f6d70020101304d0c0472657173b04530290c06636468617368b01f301d0c0324696e301604140123456789abcdef0123456789abcdef0123456730180c1376616c69646174696f6e2d63617465676f727902010630090c0476657273020101';
const D8 = 'fade81810000005c7052020101b04d30090c046363617402010030090c04636f6d70020101302a0c0472657173b02230200c03246f72b01930170c0f7465616d2d6964656e7469666965720c0473656c6630090c0476657273020101';

describe('lwcr codec: spec worked examples (§3.6)', () => {
  it('A: {team-identifier: "8XCUU22SN2"} → 89-byte blob, its sha256, and the kind-2 Requirement blob', () => {
    const blob = blobOf(lw.dict({ 'team-identifier': lw.str('8XCUU22SN2') }));
    assert.equal(bytesToHex(blob), A);
    assert.equal(blob.length, 89);
    assert.equal(sha256(blob), '028e3f02fe4ed0f2cbf552e5c2a3c268573f8be02c285f594d4b52c40159b210');
    const req = wrapRequirementBlob(unwrapConstraintBlob(blob));
    assert.equal(bytesToHex(req), 'fade0c0000000064' + '00000002' + '00000051' + A.slice(16) + '000000');
    assert.equal(bytesToHex(unwrapRequirementBlob(req)), A.slice(16));
  });

  it('B: entitlements $query with a select-key and a match-bool step', () => {
    const blob = blobOf(lw.dict({ entitlements: lw.dict({ $query: lw.array([lw.array([lw.int(1), lw.str('com.apple.security.device.camera')]), lw.array([lw.int(5), lw.bool(true)])]) }) }));
    assert.equal(bytesToHex(blob), B);
    assert.equal(sha256(blob), 'd5ba507e362f13e40169876d570359050436f3c8923a0816f3a4d04e99de6c55');
  });

  it('C: data inside $in, and keys sorted whatever order they were given in', () => {
    const blob = blobOf(lw.dict([['validation-category', lw.int(6)], ['cdhash', lw.dict({ $in: lw.array([lw.data('0123456789abcdef0123456789abcdef01234567')]) })]]));
    assert.equal(bytesToHex(blob), C);
    assert.equal(blob.length, 127);
  });

  it('D: rcodesign debug-create-constraints, slots 8–11: lengths and sha256 as its trycmd records them', () => {
    const rows: [string, number, string, string][] = [
      ['self', 92, 'cae1ca80', 'b39eb94e'],
      ['parent', 94, '612cc88e', '5d285c558c'],
      ['responsible', 99, '5410d964', 'e8ceaa0ac'],
      ['library', 95, '1aa9eb84', 'e3f2a7ea'],
    ];
    for (const [x, length, head, tail] of rows) {
      const blob = blobOf(lw.dict({ $or: lw.dict({ 'team-identifier': lw.str(x) }) }));
      assert.equal(blob.length, length, x);
      const h = sha256(blob);
      assert.ok(h.startsWith(head) && h.endsWith(tail), `${x}: ${h}`);
      if (x === 'self') assert.equal(bytesToHex(blob), D8);
    }
  });

  it('E: Apple DER-entitlements vectors (same element encoding) re-encode identically', () => {
    const vectors = ['70050201' + '01b000', '700f020101b00a30080c036b65790101ff', '7025020101b02030080c036b65790101' + '0030090c046b6579320101ff30090c046b657933' + '02012a'];
    for (const v of vectors) assert.equal(bytesToHex(encodeDocument(decodeDocument(hexToBytes(v)))), v);
    const d = decodeDocument(hexToBytes(vectors[2]!)).dict;
    assert.ok(lwEqual(d, lw.dict({ key: lw.bool(false), key2: lw.bool(true), key3: lw.int(42) })));
  });

  it('every example decodes to its envelope (ccat 0, comp 1, vers 1) and re-encodes byte for byte', () => {
    for (const hex of [A, B, C, D8]) {
      const bytes = hexToBytes(hex);
      const doc = readLwcrBytes(bytes);
      assert.equal(doc.form, 'constraint-blob');
      assert.deepEqual([doc.envelope!.ccat, doc.envelope!.comp, doc.envelope!.vers], [ENVELOPE_DEFAULTS.ccat, ENVELOPE_DEFAULTS.comp, ENVELOPE_DEFAULTS.vers]);
      assert.deepEqual(doc.envelope!.problems, []);
      assert.equal(bytesToHex(wrapConstraintBlob(encodeDocument(decodeDocument(unwrapConstraintBlob(bytes))))), hex);
    }
  });
});

describe('lwcr codec: DER details', () => {
  it('integers are minimal two\'s complement; long lengths use 0x81/0x82', () => {
    const cases: [bigint, string][] = [[0n, '020100'], [-1n, '0201ff'], [127n, '02017f'], [128n, '02020080'], [-128n, '020180'], [-129n, '0202ff7f'], [2n ** 63n - 1n, '02087fffffffffffffff'], [-(2n ** 63n), '02088000000000000000']];
    for (const [n, hex] of cases) {
      assert.equal(bytesToHex(encodeValue(lw.int(n))), hex, String(n));
      assert.equal((decodeValue(hexToBytes(hex)) as { value: bigint }).value, n);
    }
    assert.equal(bytesToHex(encodeValue(lw.str('x'.repeat(200)))).slice(0, 6), '0c81c8');
    assert.equal(bytesToHex(encodeValue(lw.data(new Uint8Array(300)))).slice(0, 8), '0482012c');
  });

  it('refuses non-DER input rather than normalising it: non-minimal length and integer, bad boolean, duplicate key, trailing bytes', () => {
    for (const hex of ['0c810161', '02020001', '010101', 'b00c30050c016102010030050c0161020101', '0201000000']) assert.throws(() => decodeValue(hexToBytes(hex)), /DER|BOOLEAN|duplicate|trailing/, hex);
  });

  it('keeps stored key order and the legacy SET (0x31) dictionary tag, so a decoded blob re-encodes identically', () => {
    const bytes = hexToBytes('b010' + '30060c0162010100' + '30060c0161010100');
    const v = decodeValue(bytes);
    assert.equal(bytesToHex(encodeValue(v)), bytesToHex(bytes));
    assert.deepEqual((v as LwDict).entries.map((e) => e.key), ['b', 'a']);
    const set = hexToBytes('3108' + '30060c0161010100');
    assert.equal(bytesToHex(encodeValue(decodeValue(set))), bytesToHex(set));
    assert.equal(bytesToHex(encodeValue(canonical(decodeValue(set)))), 'b008' + '30060c0161010100');
  });

  it('envelope: unknown keys are preserved and re-encoded in place', () => {
    const d = lw.dict([['ccat', lw.int(0)], ['comp', lw.int(1)], ['new-key', lw.str('x')], ['reqs', lw.dict({ 'team-identifier': lw.str('T') })], ['vers', lw.int(1)]]);
    const der = encodeDocument({ derVersion: 1n, dict: d });
    const env = decodeEnvelope(der);
    assert.deepEqual(env.unknown.map((e) => e.key), ['new-key']);
    assert.equal(bytesToHex(encodeDocument({ derVersion: env.derVersion, dict: env.dict })), bytesToHex(der));
  });

  it('envelope loader rules: missing vers/comp, comp ≥ 2, negative ccat, ccat 0 without reqs', () => {
    const codes = (entries: [string, LwValue][]) => decodeEnvelope(encodeDocument({ derVersion: 1n, dict: lw.dict(entries) })).problems.map((p) => p.code);
    assert.deepEqual(codes([['ccat', lw.int(0)], ['reqs', lw.dict({})]]), ['LW090']);
    assert.deepEqual(codes([['comp', lw.int(2)], ['reqs', lw.dict({})], ['vers', lw.int(1)]]), ['LW092']);
    assert.deepEqual(codes([['ccat', lw.int(-1)], ['comp', lw.int(1)], ['reqs', lw.dict({})], ['vers', lw.int(1)]]), ['LW093']);
    assert.deepEqual(codes([['ccat', lw.int(0)], ['comp', lw.int(1)], ['vers', lw.int(1)]]), ['LW094']);
    assert.deepEqual(codes([['ccat', lw.int(17)], ['comp', lw.int(1)], ['vers', lw.int(1)]]), []);
  });

  it('blob wrapper: wrong magic and wrong length are refused', () => {
    assert.throws(() => unwrapConstraintBlob(hexToBytes('fade717200000008')), /0xfade8181/);
    assert.throws(() => unwrapConstraintBlob(hexToBytes('fade818100000009')), /length/);
  });
});

// ---- properties ----

const key = fc.oneof(fc.constantFrom('a', 'b', 'ab', '$in', 'team-identifier', 'é', ''), fc.string({ maxLength: 12 }));
const scalar: fc.Arbitrary<LwValue> = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => lw.int(n)),
  fc.string({ maxLength: 40 }).map((s) => lw.str(s)),
  fc.boolean().map((b) => lw.bool(b)),
  fc.uint8Array({ maxLength: 200 }).map((b) => lw.data(b)),
);
const { value: valueArb } = fc.letrec<{ value: LwValue; dict: LwValue; array: LwValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('dict'), tie('array')),
  dict: fc.uniqueArray(fc.tuple(key, tie('value')), { selector: ([k]) => k, maxLength: 5 }).chain((entries) => fc.constantFrom<(0xb0 | 0x31)[]>(0xb0, 0x31).map((tag) => ({ ...lw.dict(entries), ...(tag === 0x31 ? { tag } : {}) }) as LwValue)),
  array: fc.array(tie('value'), { maxLength: 5 }).map((items) => lw.array(items)),
}));

describe('lwcr codec: properties', () => {
  it('decode(encode(x)) = x for any value, and encode(decode(b)) = b', () => {
    fc.assert(
      fc.property(valueArb, (x) => {
        const b = encodeValue(x);
        const y = decodeValue(b);
        assert.ok(lwEqual(x, y));
        assert.deepEqual(encodeValue(y), b);
      }),
      { numRuns: 400 },
    );
  });

  it('whole blobs: decode(encode(envelope)) = envelope and the blob re-encodes identically', () => {
    fc.assert(
      fc.property(valueArb, (x) => {
        const reqs = x.kind === 'dict' ? x : lw.dict({ k: x });
        const blob = wrapConstraintBlob(encodeDocument(makeEnvelope(reqs)));
        const doc = readLwcrBytes(blob);
        assert.ok(lwEqual(doc.reqs!, canonical(reqs)));
        assert.deepEqual(wrapConstraintBlob(encodeDocument({ derVersion: doc.envelope!.derVersion, dict: doc.envelope!.dict })), blob);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes never crash the decoder: a value or an LwcrSyntaxError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          const v = decodeValue(b);
          assert.deepEqual(encodeValue(v), b);
        } catch (err) {
          assert.equal((err as Error).constructor.name, 'LwcrSyntaxError');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
