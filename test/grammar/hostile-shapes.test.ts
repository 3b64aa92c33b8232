/**
 * Pathological shapes from ordinary-looking input (issue 19, items 6–9), in
 * process: the library functions on generated input. The CLI runs of the
 * same shapes, in a child process with a heap limit, are in
 * test/cli/hostile-shapes.test.ts. No timed assertions (bench/grammar.ts).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Expr, Requirement } from '../../grammar/ast.js';
import { compile } from '../../grammar/codec/encode.js';
import { decompile } from '../../grammar/codec/decode.js';
import { astEqual } from '../../grammar/compare.js';
import { MAX_PER_KIND } from '../../grammar/diag-cap.js';
import { parse, parseBytes } from '../../grammar/parser.js';
import { printApple } from '../../grammar/print/apple.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { isBareWord } from '../../grammar/print/values.js';
import { isDotKeyForm, isDottedNumber } from '../../grammar/words.js';
import { evaluate } from '../../validator/evaluate/evaluate.js';
import { clauseText } from '../../validator/evaluate/clause.js';
import { developerIdFacts } from '../validator/evaluate-ast.js';

function chain(n: number, op: 'and' | 'or', clause = (i: number) => `identifier c${i}`): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(clause(i));
  return parts.join(` ${op} `);
}

function blobOf(text: string): Uint8Array {
  const r = parse(text, { maxDepth: 5000 });
  assert.ok(r.ok && r.document, JSON.stringify(r.diagnostics.slice(0, 2)));
  const c = compile(r.document);
  assert.ok(c.bytes, JSON.stringify(c.diagnostics.slice(0, 2)));
  return c.bytes;
}

describe('item 6: chains of 100,000 clauses', () => {
  for (const op of ['and', 'or'] as const) {
    it(`${op}: parse, both printers, compile, decompile and compare, all iterative`, () => {
      const text = chain(100_000, op);
      const r = parse(text);
      assert.ok(r.ok && r.document?.kind === 'requirement');
      assert.ok(printApple(r.document) === text);
      assert.ok(printCanonical(r.document) === text);
      assert.ok(printCanonical(r.document, { comments: r.comments, source: text }) === text);
      const bytes = compile(r.document).bytes!;
      const back = decompile(bytes) as Requirement;
      assert.ok(astEqual(back.expr!, r.document.expr!));
      assert.deepEqual(compile(back).bytes, bytes);
    });
  }

  it('choice (Apple\'s interpreter counts every level of the left-nested chain, spec §5.2): a 100,000-clause or-chain whose clauses hold evaluates false, as errSecCSReqInvalid, and the explanation tree is bounded by the 1000-level limit', () => {
    const r = parse(chain(100_000, 'or', () => 'always'));
    const n = evaluate(r.document as Requirement, developerIdFacts());
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /nests deeper than 1000 levels.*errSecCSReqInvalid/);
    let count = 0;
    const stack = [n];
    while (stack.length > 0) {
      count++;
      stack.push(...stack.pop()!.children);
    }
    assert.ok(count <= 2 * 1001, String(count));
    // A chain shorter than the limit is evaluated as before.
    assert.equal(evaluate(parse(chain(900, 'or', () => 'always')).document as Requirement, developerIdFacts()).verdict, 'true');
  });

  it('clause text of every node of a long chain: the first 160 characters, computed once per chain', () => {
    let e = (parse(chain(100_000, 'and')).document as Requirement).expr!;
    const spine: Expr[] = [];
    while (e.kind === 'and') {
      spine.push(e);
      e = e.left;
    }
    // Children before parents, as the evaluator asks.
    for (let i = spine.length - 1; i >= 0; i--) clauseText(spine[i]!);
    const top = clauseText(spine[0]!);
    assert.equal(top.length, 160);
    assert.ok(top.startsWith('identifier c0 and identifier c1 and ') && top.endsWith('…'));
  });
});

describe('item 8: one nesting limit for compile and decompile', () => {
  const nots = (n: number): Uint8Array => {
    const bytes = new Uint8Array(12 + 4 * n + 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0xfade0c00);
    view.setUint32(4, bytes.length);
    view.setUint32(8, 1);
    for (let i = 0; i < n; i++) view.setUint32(12 + 4 * i, 9);
    view.setUint32(12 + 4 * n, 1);
    return bytes;
  };

  it('1000 nested `!` decode and compile; 1001 are refused both ways, compile with CSR020 at the first `!` too deep', () => {
    assert.deepEqual(compile(decompile(nots(1000))).bytes, nots(1000));
    assert.throws(() => decompile(nots(1001)), /at byte offset 4012 .*nested more than 1000 deep/);
    const deep = decompile(nots(1001), { maxDepth: 2000 });
    const c = compile(deep);
    assert.equal(c.bytes, undefined);
    assert.equal(c.diagnostics.length, 1);
    assert.equal(c.diagnostics[0]!.code, 'CSR020');
    assert.equal(c.diagnostics[0]!.range.start.offset, 12 + 4 * 1000);
    assert.ok(compile(deep, { maxDepth: 2000 }).bytes);
  });

  it('the depth is the parser\'s count of the dumper\'s `!` and parentheses: `or` under `and` counts, `and` under `or` and chains do not', () => {
    // 600 tree levels of `n or (a and (n or (a and …)))`: Apple's dumper prints 299 parentheses (around
    // each `or` under an `and`, none around an `and` under an `or` nor around the top `or`).
    let text = 'always';
    for (let i = 0; i < 300; i++) text = `never or (always and (${text}))`;
    const bytes = blobOf(text);
    assert.ok(decompile(bytes, { maxDepth: 299 }));
    assert.throws(() => decompile(bytes, { maxDepth: 298 }), /nested more than 298 deep/);
    // Apple's text of the blob re-parses with the same limit, and not with less.
    const apple = printApple(decompile(bytes));
    assert.ok(parse(apple, { maxDepth: 299 }).ok);
    assert.equal(parse(apple, { maxDepth: 298 }).diagnostics[0]!.code, 'CSR020');
    // A right-nested chain (DRMaker's shape) prints flat, so it is free too.
    let right: Expr = { kind: 'const', value: true, range: decompile(bytes).range };
    for (let i = 0; i < 5000; i++) right = { kind: 'and', left: { kind: 'const', value: false, range: right.range }, right, range: right.range };
    const r = compile({ kind: 'requirement', expr: right, range: right.range });
    assert.ok(r.bytes);
    assert.ok(astEqual((decompile(r.bytes) as Requirement).expr!, right));
  });
});

describe('item 7: words are checked without backtracking', () => {
  const DOTKEY = /^[A-Za-z][A-Za-z0-9]*(?:\.(?:[A-Za-z][A-Za-z0-9]*|[0-9]+))*$/;
  it('the scanners agree with the regular expressions they replace', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a1.B_9]{0,12}$/), (w) => {
        assert.equal(isDotKeyForm(w), DOTKEY.test(w), w);
        assert.equal(isDottedNumber(w, 1), /^[0-9]+(\.[0-9]+)*$/.test(w), w);
        assert.equal(isDottedNumber(w, 2), /^[0-9]+(\.[0-9]+)+$/.test(w), w);
      }),
      { numRuns: 3000 },
    );
  });
  it('a 7 MB dotted word is a bare word and prints', () => {
    const word = 'a' + '.a'.repeat(3_500_000);
    assert.equal(isBareWord(word), true);
    const r = parse(`info[${word}] = ${word}`);
    assert.ok(r.ok && r.document);
    // The match value is quoted: Apple's dumper allows dots bare only in keys.
    assert.ok(printCanonical(r.document) === `info[${word}] = "${word}"`);
  });
});

describe('item 9: diagnostics are capped per kind', () => {
  it(`${MAX_PER_KIND} of a kind, then one summary at the first one left out; Apple's line stays on the first`, () => {
    const r = parse('\r'.repeat(5000) + 'anchor apple');
    const cr = r.diagnostics.filter((d) => d.code === 'CSR002');
    assert.equal(cr.length, MAX_PER_KIND + 1);
    assert.equal(cr[0]!.apple, 'line 1:1: unexpected char: 0x0D');
    const summary = cr[MAX_PER_KIND]!;
    assert.equal(summary.message, `4,900 more errors of the same kind (CSR002) from here on are not listed; only the first ${MAX_PER_KIND} are`);
    assert.equal(summary.range.start.offset, MAX_PER_KIND);
    assert.equal(r.ok, false);
  });
  it('bad bytes (parseBytes) and bad words too; warnings are not capped; 99 stay as they were', () => {
    const bytes = new Uint8Array(3000).fill(0xff);
    const b = parseBytes(bytes).diagnostics.filter((d) => d.code === 'CSR003');
    assert.equal(b.length, MAX_PER_KIND + 1);
    const words = parse(chain(500, 'and', (i) => `identifier com.foo-bar${i}`)).diagnostics;
    assert.ok(words.length <= 2 * (MAX_PER_KIND + 1), String(words.length));
    const dup = parse('designated => always\n'.repeat(1000), { mode: 'set' }).diagnostics.filter((d) => d.code === 'CSR066');
    assert.equal(dup.length, 999);
    assert.equal(parse('\r'.repeat(99) + 'anchor apple').diagnostics.length, 99);
  });
});
