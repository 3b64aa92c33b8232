import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Expr, RequirementDocument } from '../../grammar/ast.js';
import { toHex } from '../../grammar/bytes.js';
import { decompile } from '../../grammar/codec/decode.js';
import { compile, compileExpr } from '../../grammar/codec/encode.js';
import { astEqual } from '../../grammar/compare.js';
import { printApple } from '../../grammar/print/apple.js';
import { dumpExprBytes } from '../../grammar/print/apple-bytes.js';
import { canonicalProblems } from '../../grammar/print/canonical.js';
import { arbDocument, arbExpr } from './arbitrary.js';

const RUNS = 400;

function hasUnknown(root: Expr): boolean {
  const stack: Expr[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind === 'unknownOp') return true;
    if (e.kind === 'and' || e.kind === 'or') stack.push(e.left, e.right);
    else if (e.kind === 'not') stack.push(e.operand);
    else if ('match' in e && e.match.op === 'unknown') return true;
  }
  return false;
}

describe('codec round trip (property)', () => {
  it('compile → decompile gives an equal AST, and compiling that again gives the same bytes', () => {
    fc.assert(
      fc.property(arbDocument(), (doc: RequirementDocument) => {
        const first = compile(doc);
        assert.deepEqual(first.diagnostics, []);
        const decoded = decompile(first.bytes!);
        assert.ok(astEqual(doc, decoded), 'decoded AST differs');
        assert.equal(toHex(compile(decoded).bytes!), toHex(first.bytes!));
      }),
      { numRuns: RUNS },
    );
  });

  it('astEqual is not trivially true: changing one operand byte is noticed', () => {
    fc.assert(
      fc.property(arbExpr(), (expr) => {
        const bytes = compileExpr(expr).bytes!;
        const decoded = decompile(bytes);
        // Swapping and/or at the root changes meaning; a leaf-only tree is compared against `never`/`always`.
        const other: Expr =
          expr.kind === 'and' ? { ...expr, kind: 'or' } : expr.kind === 'or' ? { ...expr, kind: 'and' } : { kind: 'not', operand: expr, range: expr.range };
        assert.equal(astEqual(decoded, { kind: 'requirement', range: expr.range, expr: other, form: 1 }), false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Apple printer (property)', () => {
  it('the tree printer prints exactly what a byte-level replay of Apple\'s dumper prints', () => {
    fc.assert(
      fc.property(
        arbExpr().filter((e) => !hasUnknown(e)),
        (expr) => {
          const bytes = compileExpr(expr).bytes!;
          const replay = dumpExprBytes(bytes, 12, bytes.length);
          assert.equal(replay.failedAt, undefined);
          const text = replay.text.startsWith(' ') ? replay.text.slice(1) : replay.text;
          assert.equal(printApple(expr), text);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('canonical printer (property)', () => {
  it('finds nothing it cannot express in ASTs that have a text form', () => {
    fc.assert(
      fc.property(arbDocument({ textual: true }), (doc) => {
        assert.deepEqual(canonicalProblems(doc), []);
      }),
      { numRuns: RUNS },
    );
  });
});
