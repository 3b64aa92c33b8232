import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Expr, Requirement, RequirementSet } from '../../grammar/ast.js';
import { fromHex, toHex } from '../../grammar/bytes.js';
import { BlobError, blobKind, decompile } from '../../grammar/codec/decode.js';
import { compile, compileExpr } from '../../grammar/codec/encode.js';
import { sha1 } from '../../grammar/codec/sha1.js';
import { astEqual } from '../../grammar/compare.js';
import { printApple } from '../../grammar/print/apple.js';
import {
  DEVELOPER_ID_RIGHT_NESTED,
  EMPTY_SET,
  FIXTURE_DRS,
  SECTION_7_1,
  SECTION_7_2,
  SECTION_7_2_DATES,
  SECTION_7_3,
  SECTION_7_4,
  SECTION_7_4_SET,
} from './codec-vectors.js';

function roundTrip(hex: string): { text: string; rehex: string } {
  const doc = decompile(fromHex(hex));
  const compiled = compile(doc);
  assert.deepEqual(compiled.diagnostics, []);
  return { text: printApple(doc), rehex: toHex(compiled.bytes!) };
}

describe('spec §7 vectors: decompile → Apple text, and decompile → compile gives the same bytes', () => {
  for (const v of [...SECTION_7_1, ...SECTION_7_2, ...SECTION_7_4]) {
    it(v.name, () => {
      const { text, rehex } = roundTrip(v.hex);
      assert.equal(text, v.dump);
      assert.equal(rehex, v.hex);
    });
  }

  for (const v of SECTION_7_2_DATES) {
    it(v.name, () => {
      const doc = decompile(fromHex(v.hex)) as Requirement;
      const expr = doc.expr;
      assert.ok(expr?.kind === 'info' && 'seconds' in expr.match);
      assert.equal(expr.match.seconds, v.seconds);
      const { text, rehex } = roundTrip(v.hex);
      assert.equal(text, v.dump);
      assert.equal(rehex, v.hex);
    });
  }

  it('§7.3 requirement set: same bytes, SHA-256 of the trycmd, Apple text', () => {
    const { text, rehex } = roundTrip(SECTION_7_3.hex);
    assert.equal(rehex, SECTION_7_3.hex);
    assert.equal(createHash('sha256').update(fromHex(rehex)).digest('hex'), SECTION_7_3.sha256);
    assert.equal(fromHex(rehex).length, 132);
    assert.equal(text, SECTION_7_3.dump);
  });

  it('§7.3 empty set', () => {
    const doc = decompile(fromHex(EMPTY_SET.hex));
    assert.equal(doc.kind, 'set');
    assert.equal(printApple(doc), '');
    const bytes = compile(doc).bytes!;
    assert.equal(toHex(bytes), EMPTY_SET.hex);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), EMPTY_SET.sha256);
  });

  it('§7.4 set of two', () => {
    const { text, rehex } = roundTrip(SECTION_7_4_SET.hex);
    assert.equal(text, SECTION_7_4_SET.dump);
    assert.equal(rehex, SECTION_7_4_SET.hex);
  });

  it('§7.4 right-nested Developer ID DR prints flat and re-encodes to its own bytes; left-nesting it gives the 156-byte recompile', () => {
    const doc = decompile(fromHex(DEVELOPER_ID_RIGHT_NESTED.hex)) as Requirement;
    assert.equal(printApple(doc), DEVELOPER_ID_RIGHT_NESTED.dump);
    assert.equal(toHex(compile(doc).bytes!), DEVELOPER_ID_RIGHT_NESTED.hex);
    const left = { ...doc, expr: leftNest(doc.expr!) };
    const leftBytes = compile(left).bytes!;
    assert.equal(leftBytes.length, 156);
    assert.ok(toHex(leftBytes).startsWith(DEVELOPER_ID_RIGHT_NESTED.leftNestedPrefix));
    assert.notEqual(toHex(leftBytes), DEVELOPER_ID_RIGHT_NESTED.hex);
    assert.equal(printApple(decompile(leftBytes)), DEVELOPER_ID_RIGHT_NESTED.dump);
    assert.equal(astEqual(doc, left), false);
    assert.equal(astEqual(doc, left, { reassociate: true }), true);
  });
});

/** Rebuilds an and-chain left-nested, as a parser would. */
function leftNest(e: Expr): Expr {
  if (e.kind !== 'and') return e;
  const terms: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'and') stack.push(n.right, n.left);
    else terms.push(n);
  }
  return terms.slice(1).reduce<Expr>((left, right) => ({ kind: 'and', left, right, range: e.range }), terms[0]!);
}

describe('fixtures.md designated requirements', () => {
  for (const v of FIXTURE_DRS) {
    it(v.name, () => {
      const { text, rehex } = roundTrip(v.hex);
      assert.equal(text, v.dump);
      assert.equal(rehex, v.hex);
    });
  }
});

describe('decoded ranges', () => {
  it('are byte offsets into the blob (line 1, column offset + 1)', () => {
    const doc = decompile(fromHex(SECTION_7_4[0]!.hex)) as Requirement;
    const and = doc.expr!;
    assert.equal(and.kind, 'and');
    assert.deepEqual(and.range.start, { offset: 12, line: 1, column: 13 });
    assert.equal(and.range.end.offset, 44);
    if (and.kind !== 'and') return;
    assert.equal(and.left.range.start.offset, 16);
    assert.equal(and.right.range.start.offset, 40);
    assert.equal(and.left.kind === 'identifier' && and.left.value.form, 'binary');
  });

  it('sub-blobs of a set keep offsets counted from the start of the set', () => {
    const set = decompile(fromHex(SECTION_7_4_SET.hex)) as RequirementSet;
    assert.deepEqual(set.entries.map((e) => [e.type, e.requirement.range.start.offset, e.typeRange.start.offset]), [
      [1, 0x1c, 12],
      [3, 0x48, 20],
    ]);
    assert.equal(set.entries[1]!.requirement.expr!.range.start.offset, 0x48 + 12);
  });
});

describe('encoder', () => {
  it('sorts set entries by type and lets a later duplicate win', () => {
    const host = (decompile(fromHex(SECTION_7_4_SET.hex)) as RequirementSet).entries;
    const never: Requirement = { kind: 'requirement', range: host[0]!.range, expr: { kind: 'const', value: false, range: host[0]!.range } };
    const set: RequirementSet = {
      kind: 'set',
      range: host[0]!.range,
      entries: [host[1]!, { ...host[0]!, requirement: never }, host[0]!],
    };
    assert.equal(toHex(compile(set).bytes!), SECTION_7_4_SET.hex);
  });

  it('compileExpr wraps one expression in a 0xfade0c00 blob', () => {
    const expr = (decompile(fromHex(SECTION_7_1[1]!.hex)) as Requirement).expr!;
    assert.equal(toHex(compileExpr(expr).bytes!), SECTION_7_1[1]!.hex);
  });

  it('reads a certificate file through readCertificateFile and stores its SHA-1', () => {
    const file = new TextEncoder().encode('not really a certificate\n');
    const range = decompile(fromHex(SECTION_7_1[0]!.hex)).range;
    const expr: Expr = {
      kind: 'certHash',
      range,
      slot: { range, index: -1, spelling: 'anchor' },
      hash: undefined,
      path: { range, bytes: new TextEncoder().encode('/tmp/root.cer'), text: '/tmp/root.cer', form: 'quoted' },
    };
    const seen: string[] = [];
    const ok = compileExpr(expr, { readCertificateFile: (p) => (seen.push(p), file) });
    assert.deepEqual(seen, ['/tmp/root.cer']);
    const digest = createHash('sha1').update(file).digest('hex');
    assert.equal(toHex(ok.bytes!), `fade0c000000002c0000000100000004ffffffff00000014${digest}`);

    const missing = compileExpr(expr);
    assert.equal(missing.bytes, undefined);
    assert.equal(missing.diagnostics[0]!.code, 'CSR053');
    assert.equal(missing.diagnostics[0]!.message, '/tmp/root.cer: not found');
    assert.equal(compileExpr(expr, { readCertificateFile: () => undefined }).diagnostics[0]!.code, 'CSR053');
  });

  it('refuses error placeholders with a diagnostic and no bytes', () => {
    const range = decompile(fromHex(SECTION_7_1[0]!.hex)).range;
    const r = compileExpr({ kind: 'and', range, left: { kind: 'anchorApple', range }, right: { kind: 'error', range } });
    assert.equal(r.bytes, undefined);
    assert.equal(r.diagnostics[0]!.severity, 'error');
  });

  it('SHA-1 matches node:crypto on lengths around the block boundaries', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 127, 128, 1000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      assert.equal(toHex(sha1(data)), createHash('sha1').update(data).digest('hex'), `length ${n}`);
    }
  });
});

describe('blobKind', () => {
  it('tells requirements from sets by magic', () => {
    assert.equal(blobKind(fromHex('fade0c00')), 'requirement');
    assert.equal(blobKind(fromHex(EMPTY_SET.hex)), 'set');
    assert.equal(blobKind(fromHex('fade0c02000000')), undefined);
    assert.equal(blobKind(new Uint8Array(2)), undefined);
  });
});

describe('unknown opcodes (spec §4.1, §5.9)', () => {
  it('opGenericFalse at the top prints " false /* opcode N */" with the leading space stripped, and keeps its unpadded payload', () => {
    const hex = 'fade0c0000000017000000018000002000000003123456';
    const doc = decompile(fromHex(hex)) as Requirement;
    assert.equal(doc.expr!.kind, 'unknownOp');
    assert.equal(printApple(doc), 'false /* opcode 32 */');
    assert.equal(toHex(compile(doc).bytes!), hex);
  });

  it('opGenericSkip takes the following expression as its operand', () => {
    // op 0x40000021, size 2, payload abcd (unpadded), then `anchor apple`: the evaluator skips 2 bytes and evaluates `anchor apple`.
    const bytes = fromHex('fade0c00' + '0000001a' + '00000001' + '40000021' + '00000002' + 'abcd' + '00000003');
    const doc = decompile(bytes) as Requirement;
    const e = doc.expr as Expr & { operand?: Expr };
    assert.equal(e.kind, 'unknownOp');
    assert.equal(e.operand?.kind, 'anchorApple');
    assert.equal(printApple(doc), '/* opcode 33 */');
    assert.equal(toHex(compile(doc).bytes!), toHex(bytes));
  });

  it('Apple text reads on from the size field, as Apple\'s dumper does', () => {
    // And(opGenericFalse with an empty payload, always): the dumper never reads the size word 0,
    // so it prints it as opcode 0 (`never`) where the evaluator sees `always`.
    const bytes = fromHex('fade0c000000001c00000001000000068000002000000000' + '00000001');
    const doc = decompile(bytes) as Requirement;
    assert.equal(doc.expr!.kind, 'and');
    assert.equal(printApple(doc), 'false /* opcode 32 */ and never');
  });

  it('unknown match operations consume one data item and print MATCH OPCODE', () => {
    const bytes = fromHex('fade0c000000002000000001' + '0000000a000000036b657900' + '0000002a00000000');
    const doc = decompile(bytes) as Requirement;
    assert.ok(doc.expr?.kind === 'info' && doc.expr.match.op === 'unknown');
    assert.equal(printApple(doc), 'info[key] MATCH OPCODE 42 NOT UNDERSTOOD');
    assert.equal(toHex(compile(doc).bytes!), toHex(bytes));
  });

  it('an unflagged unknown opcode is a BlobError at its offset', () => {
    assert.throws(() => decompile(fromHex('fade0c00000000100000000100000030')), (e: unknown) => e instanceof BlobError && e.offset === 12 && /unknown opcode 48/.test(e.message));
  });

  it('a known opcode with flag bits runs normally', () => {
    const doc = decompile(fromHex('fade0c00000000100000000180000003')) as Requirement;
    assert.equal(doc.expr!.kind, 'anchorApple');
  });
});

describe('blob kinds', () => {
  it('kind 2 keeps the LWCR payload raw and re-encodes it', () => {
    const bytes = fromHex('fade0c00' + '00000018' + '00000002' + '00000005' + '3003020105' + '000000');
    const doc = decompile(bytes) as Requirement;
    assert.equal(doc.form, 2);
    assert.equal(toHex(doc.lwcr!), '3003020105');
    assert.equal(toHex(compile(doc).bytes!), toHex(bytes));
    assert.match(printApple(doc), /0x3003020105/);
  });

  it('other kinds are unsupported', () => {
    assert.throws(() => decompile(fromHex('fade0c00000000100000000300000003')), (e: unknown) => e instanceof BlobError && e.offset === 8);
  });
});
