import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Expr, Requirement } from '../../grammar/ast.js';
import { fromHex } from '../../grammar/bytes.js';
import { BlobError, decompile } from '../../grammar/codec/decode.js';
import { compile, compileExpr } from '../../grammar/codec/encode.js';
import { astEqual } from '../../grammar/compare.js';
import { printApple } from '../../grammar/print/apple.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { FIXTURE_DRS, SECTION_7_1, SECTION_7_2, SECTION_7_3, SECTION_7_4, SECTION_7_4_SET } from './codec-vectors.js';

function u32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function withLength(hex: string): Uint8Array {
  const bytes = fromHex(hex);
  new DataView(bytes.buffer).setUint32(4, bytes.length);
  return bytes;
}

function expectBlobError(bytes: Uint8Array, offset: number | undefined, pattern: RegExp): void {
  assert.throws(
    () => decompile(bytes),
    (e: unknown) => {
      assert.ok(e instanceof BlobError, `not a BlobError: ${String(e)}`);
      if (offset !== undefined) assert.equal(e.offset, offset, e.message);
      assert.match(e.message, pattern);
      assert.match(e.message, /byte offset \d+/);
      return true;
    },
  );
}

/** Everything a caller may do with a decoded blob must work without throwing. */
function useFully(bytes: Uint8Array): void {
  let doc;
  try {
    doc = decompile(bytes);
  } catch (e) {
    if (e instanceof BlobError) return;
    throw e;
  }
  printApple(doc);
  printCanonical(doc);
  const again = compile(doc);
  assert.ok(again.bytes, 'a decoded blob always re-encodes');
  assert.ok(astEqual(decompile(again.bytes), doc), 're-encoded blob decodes to the same AST');
}

const SEEDS = [...SECTION_7_1, ...SECTION_7_2, ...SECTION_7_4, ...FIXTURE_DRS].map((v) => v.hex).concat([SECTION_7_3.hex, SECTION_7_4_SET.hex]);

describe('hostile blobs: header and lengths', () => {
  it('too short, wrong magic, wrong declared length', () => {
    expectBlobError(new Uint8Array(0), 0, /12-byte header/);
    expectBlobError(fromHex('fade0c0000000010000000'), 0, /only 11 bytes/);
    expectBlobError(fromHex('fade0c02000000100000000100000003'), 0, /magic 0xfade0c02/);
    expectBlobError(fromHex('fade0c00000000110000000100000003'), 4, /declares 17 bytes, but the blob has 16/);
  });

  it('a length claiming gigabytes', () => {
    expectBlobError(fromHex('fade0c00fffffff00000000100000003'), 4, /declares 4294967280 bytes/);
    expectBlobError(withLength('fade0c00' + '00000000' + '00000001' + '00000002' + 'fffffff0' + '41414141'), 16, /claims 4294967280 bytes, but only 4 remain/);
    expectBlobError(withLength('fade0c000000000000000001' + '0000000a' + 'ffffffff'), 16, /claims 4294967295 bytes/);
  });

  it('every truncation of every vector, with the length field patched to match, is a BlobError naming an offset inside the blob', () => {
    for (const hex of SEEDS) {
      const full = fromHex(hex);
      for (let n = 12; n < full.length; n++) {
        const cut = withLength(hex.slice(0, 2 * n));
        try {
          useFully(cut);
        } catch (e) {
          assert.fail(`${hex.slice(0, 24)}… cut at ${n}: ${String(e)}`);
        }
        try {
          decompile(cut);
        } catch (e) {
          assert.ok(e instanceof BlobError);
          assert.ok(e.offset >= 0 && e.offset <= n, `offset ${e.offset} outside a ${n}-byte blob`);
        }
      }
    }
  });
});

describe('hostile blobs: sets', () => {
  it('a count whose index does not fit', () => {
    expectBlobError(fromHex('fade0c010000000c7fffffff'), 8, /claims 2147483647 entries/);
  });

  it('offsets into the index, past the end, at a set, with a short sub-blob', () => {
    // Entry 0 pointing at the set's own header (self-reference) and at its index.
    expectBlobError(withLength('fade0c0100000000000000010000000300000004' + 'fade0c00000000100000000100000003'), 16, /inside the header and index/);
    expectBlobError(withLength('fade0c010000000000000001000000030000000c' + 'fade0c00000000100000000100000003'), 16, /inside the header and index/);
    expectBlobError(withLength('fade0c01000000000000000100000003000000ff' + 'fade0c00000000100000000100000003'), 16, /too close to the end/);
    // A nested set where a requirement belongs.
    expectBlobError(withLength('fade0c0100000000000000010000000300000014' + 'fade0c010000000c00000000'), 20, /not 0xfade0c00/);
    expectBlobError(withLength('fade0c0100000000000000010000000300000014' + 'fade0c00000000ff0000000100000003'), 24, /runs past the end of the set/);
    expectBlobError(withLength('fade0c0100000000000000010000000300000014' + 'fade0c00000000080000000100000003'), 24, /shorter than the 12-byte header/);
  });

  it('two index entries sharing one sub-blob decode independently; offset 0 marks an absent entry', () => {
    const shared = decompile(withLength('fade0c010000000000000002000000010000001c000000030000001c' + 'fade0c00000000100000000100000003'));
    assert.equal(printApple(shared), 'host => anchor apple\ndesignated => anchor apple\n');
    const absent = decompile(withLength('fade0c01' + '00000000' + '00000002' + '00000001' + '00000000' + '00000003' + '0000001c' + 'fade0c00000000100000000100000003'));
    assert.equal(printApple(absent), 'designated => anchor apple\n');
  });

  it('many index entries over overlapping sub-blobs: bounded work, a BlobError instead of quadratic decoding', () => {
    // Sub-blob k starts 12 bytes after sub-blob k-1, so k-1's first opcode is k's magic: a flagged unknown
    // opcode whose size word is k's length, its payload all of k. Without a bound the work is quadratic.
    const n = 2000;
    const indexEnd = 12 + 8 * n;
    const length = (k: number) => 16 + 20 * (n - 1 - k);
    const total = indexEnd + length(0);
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0xfade0c01);
    view.setUint32(4, total);
    view.setUint32(8, n);
    for (let k = n - 1; k >= 0; k--) {
      const at = indexEnd + 12 * k;
      view.setUint32(12 + 8 * k, k);
      view.setUint32(16 + 8 * k, at);
      view.setUint32(at, 0xfade0c00);
      view.setUint32(at + 4, length(k));
      view.setUint32(at + 8, 1);
    }
    view.setUint32(indexEnd + 12 * (n - 1) + 12, 1);
    // Each sub-blob alone is a valid requirement: one flagged unknown opcode swallowing the next.
    const at = indexEnd + 12 * (n - 2);
    const single = decompile(bytes.slice(at, at + length(n - 2))) as Requirement;
    assert.ok(single.expr?.kind === 'unknownOp' && single.expr.payload?.length === length(n - 1));
    expectBlobError(bytes, undefined, /overlap more than 4 times/);
  });

  it('type words print as Apple does: 0 is invalid, 6 and above are unknown, shown as signed', () => {
    const blob = (type: number) => withLength('fade0c01' + '00000000' + '00000001' + u32(type) + '00000014' + 'fade0c00000000100000000100000003');
    assert.equal(printApple(decompile(blob(0))), 'invalid => anchor apple\n');
    assert.equal(printApple(decompile(blob(5))), 'plugin => anchor apple\n');
    assert.equal(printApple(decompile(blob(6))), '/*unknown type*/ 6 => anchor apple\n');
    assert.equal(printApple(decompile(blob(0xffffffff))), '/*unknown type*/ -1 => anchor apple\n');
  });
});

describe('hostile blobs: nesting', () => {
  it('1,000,000 nested `!` opcodes: a BlobError at the first level past 1000, no stack overflow', () => {
    const n = 1_000_000;
    const bytes = new Uint8Array(12 + 4 * n + 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0xfade0c00);
    view.setUint32(4, bytes.length);
    view.setUint32(8, 1);
    for (let i = 0; i < n; i++) view.setUint32(12 + 4 * i, 9);
    view.setUint32(12 + 4 * n, 1);
    expectBlobError(bytes, 12 + 4 * 1000, /nested more than 1000 deep/);
  });

  it('maxDepth is configurable, and deep trees print, compare and re-encode without recursion', () => {
    const n = 50_000;
    const bytes = new Uint8Array(12 + 4 * n + 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0xfade0c00);
    view.setUint32(4, bytes.length);
    view.setUint32(8, 1);
    for (let i = 0; i < n; i++) view.setUint32(12 + 4 * i, 9);
    view.setUint32(12 + 4 * n, 1);
    const doc = decompile(bytes, { maxDepth: n + 1 }) as Requirement;
    assert.equal(printApple(doc), '! '.repeat(n) + 'always');
    assert.equal(printCanonical(doc), '! '.repeat(n) + 'always');
    assert.deepEqual(compile(doc, { maxDepth: n + 1 }).bytes, bytes);
    // With the default limit compile refuses what decompile refuses (issue 19 item 8): one limit both ways.
    assert.deepEqual(compile(doc).diagnostics.map((d) => d.code), ['CSR020']);
    assert.ok(astEqual(doc, decompile(bytes, { maxDepth: n + 1 })));
  });

  it('a 100,000-term left-nested `and` chain (what a parser builds) encodes, prints and compares', () => {
    const range = decompile(fromHex(SECTION_7_1[0]!.hex)).range;
    let e: Expr = { kind: 'anchorApple', range };
    for (let i = 1; i < 100_000; i++) e = { kind: 'and', left: e, right: { kind: 'const', value: true, range }, range };
    const bytes = compileExpr(e).bytes!;
    assert.equal(bytes.length, 12 + 4 + 8 * 99_999);
    assert.ok(printApple(e).startsWith('anchor apple and always and always'));
    assert.ok(astEqual(e, e, { reassociate: true }));
    assert.ok(astEqual(e, e));
  });
});

describe('hostile blobs (property)', () => {
  it('random mutations of real blobs throw nothing but BlobError, and what decodes can be printed and re-encoded', () => {
    const mutation = fc.record({
      seed: fc.constantFrom(...SEEDS),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fixLength: fc.boolean(),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, ({ seed, edits, fixLength, cut }) => {
        let bytes = fromHex(seed);
        if (cut !== null) bytes = bytes.slice(0, 12 + (cut % Math.max(1, bytes.length - 11)));
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        if (fixLength && bytes.length >= 8) new DataView(bytes.buffer).setUint32(4, bytes.length);
        useFully(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('random programs built from opcode-like words throw nothing but BlobError', () => {
    const word = fc.oneof(
      fc.integer({ min: 0, max: 30 }),
      fc.constantFrom(0x80000020, 0x40000021, 0xffffffff, 0x00000004, 0x00000014),
      fc.integer({ min: 0, max: 0xffffffff }),
    );
    fc.assert(
      fc.property(fc.constantFrom(0xfade0c00, 0xfade0c01), fc.integer({ min: 0, max: 3 }), fc.array(word, { maxLength: 40 }), (magic, kind, words) => {
        const bytes = new Uint8Array(12 + 4 * words.length);
        const view = new DataView(bytes.buffer);
        view.setUint32(0, magic);
        view.setUint32(4, bytes.length);
        view.setUint32(8, magic === 0xfade0c01 ? words.length >> 2 : kind);
        words.forEach((w, i) => view.setUint32(12 + 4 * i, w));
        useFully(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
