/** Property tests: the parser never throws, and what it reports lies inside the text. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Range } from '../../grammar/ast.js';
import { parse, parseBytes, type ParseResult } from '../../grammar/parser.js';

const VALID = [
  'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"',
  'anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] or certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z")',
  'designated => identifier com.foo and info[CFBundleVersion] >= "1.2" host => ! cdhash H"0123456789ABCDEFFEDCBA98765432100A2BC5DA";',
  '/* c */ (foo) or anchor apple bar or certificate -2 trusted or entitlement["a-b"] = *x* # end',
  'platform = 2 and notarized and legacy and info[k] = 0x41 and certificate root = /tmp/cert and anchor[subject.CN] ~ "x"',
];

const PIECES = [
  'anchor', 'apple', 'generic', 'certificate', 'cert', 'leaf', 'root', 'trusted', 'identifier', 'info', 'entitlement', 'and', 'or', '!', '(',
  ')', '[', ']', '=', '==', '<', '>=', '~', '*', ';', ',', '=>', '-', 'designated', 'host', '1', '4294967295', 'exists', 'absent', 'timestamp',
  '"x"', '"a\\"b"', '"\\n"', 'H"00"', '0x4', 'subject.CN', 'field.1.2', 'com.foo', '/a/b', '/a', '#c\n', '/* c */', '/* **/', '//x\n', ' ', '\t',
  '\n', '\r', '\0', 'é', '$', '_', '.', '"',
];

function rangeInside(r: Range, text: string): boolean {
  return (
    r.start.offset >= 0 && r.end.offset <= text.length && r.start.offset <= r.end.offset &&
    r.start.line >= 1 && r.start.column >= 1 && r.end.line >= r.start.line
  );
}

function checkResult(r: ParseResult, text: string): void {
  assert.equal(typeof r.ok, 'boolean');
  assert.equal(r.ok, !r.diagnostics.some((d) => d.severity === 'error'));
  for (const d of r.diagnostics) {
    assert.ok(rangeInside(d.range, text), `${d.code} ${JSON.stringify(d.range)} in ${JSON.stringify(text)}`);
    assert.ok(d.message.length > 0);
  }
  for (const t of r.tokens) assert.ok(rangeInside(t.range, text));
  for (let i = 1; i < r.diagnostics.length; i++) {
    assert.ok(r.diagnostics[i - 1]!.range.start.offset <= r.diagnostics[i]!.range.start.offset, 'sorted by position');
  }
}

/** Every node range of an accepted document lies inside the text, children inside parents. */
function checkTree(node: unknown, text: string, parent?: Range): void {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
  const n = node as Record<string, unknown>;
  let here = parent;
  if (n['range'] && typeof n['range'] === 'object') {
    const r = n['range'] as Range;
    assert.ok(rangeInside(r, text), JSON.stringify(r));
    if (parent) assert.ok(r.start.offset >= parent.start.offset && r.end.offset <= parent.end.offset, 'child inside parent');
    here = r;
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'range' && k !== 'typeRange') checkTree(v, text, here);
}

test('random strings never throw: always a ParseResult with ranges inside the text', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.constantFrom('single', 'set', 'auto') as fc.Arbitrary<'single' | 'set' | 'auto'>, (s, mode) => {
      checkResult(parse(s, { mode }), s);
    }),
    { numRuns: 1500 },
  );
});

test('random token soups never throw; accepted ones have every node range inside its parent and the text', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }), fc.array(fc.constantFrom(' ', ''), { maxLength: 30 }), (parts, seps) => {
      const s = parts.map((p, i) => p + (seps[i] ?? ' ')).join('');
      const r = parse(s);
      checkResult(r, s);
      if (r.ok) checkTree(r.document, s);
    }),
    { numRuns: 3000 },
  );
});

test('mutated valid requirements never throw; accepted mutants keep their ranges inside the text', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...VALID),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 4 }),
      (base, edits) => {
        let s = base;
        for (const [at, del, ins] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + ins + s.slice(i + del);
        }
        const r = parse(s);
        checkResult(r, s);
        if (r.ok) checkTree(r.document, s);
      },
    ),
    { numRuns: 3000 },
  );
});

test('the valid bases are accepted with every node range inside its parent', () => {
  for (const s of VALID) {
    const r = parse(s);
    assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
    checkTree(r.document, s);
  }
});

test('random bytes never throw in parseBytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      const r = parseBytes(b);
      assert.equal(r.ok, !r.diagnostics.some((d) => d.severity === 'error'));
    }),
    { numRuns: 1500 },
  );
});
