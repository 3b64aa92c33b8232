/**
 * Every position the parser reports (AST, diagnostics and their fixes,
 * comments, tokens) holds small integers, also after error recovery, where
 * Chevrotain gives inserted tokens and recovered CST nodes NaN offsets. A
 * NaN (or any non-Smi) stored once into a position field also makes V8 box
 * the fields of every position of the process as doubles.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse, type ParseResult } from '../../grammar/parser.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { arbDocument } from './arbitrary.js';

const isSmall = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= -(2 ** 30) && x < 2 ** 30 && !Object.is(x, -0);

function checkPositions(node: unknown, where: string, seen = new Set<object>()): number {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array || seen.has(node)) return 0;
  seen.add(node);
  const n = node as Record<string, unknown>;
  let count = 0;
  if ('offset' in n && 'line' in n && 'column' in n) {
    for (const k of ['offset', 'line', 'column']) assert.ok(isSmall(n[k]), `${where}: ${k} = ${String(n[k])} in ${JSON.stringify(n)}`);
    count++;
  }
  for (const [k, v] of Object.entries(n)) count += checkPositions(v, `${where}.${k}`, seen);
  return count;
}

function checkAll(r: ParseResult, text: string): void {
  const where = JSON.stringify(text);
  const n = checkPositions(r.document, `${where} document`) + checkPositions(r.diagnostics, `${where} diagnostics`) +
    checkPositions(r.comments, `${where} comments`) + checkPositions(r.tokens, `${where} tokens`);
  if (r.tokens.length) assert.ok(n > 0, 'positions were visited');
}

const PIECES = ['(', ')', '[', ']', '!', 'and', 'or', '=', '"', 'H"', '0x', '*', 'certificate', 'anchor', 'info', '=>', ';', '\n', '/*', '#'];

test('positions are small integers for canonical texts of generated documents, intact and mutated (error recovery)', () => {
  fc.assert(
    fc.property(
      arbDocument({ textual: true }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...PIECES)), { maxLength: 3 }),
      fc.constantFrom('single', 'set', 'auto') as fc.Arbitrary<'single' | 'set' | 'auto'>,
      (doc, edits, mode) => {
        let s = printCanonical(doc);
        checkAll(parse(s), s);
        for (const [at, del, ins] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + ins + s.slice(i + del);
        }
        checkAll(parse(s, { mode }), s);
      },
    ),
    { numRuns: 1500 },
  );
});

test('positions are small integers where recovery inserts or drops tokens', () => {
  const texts = [
    'identifier "a" and (anchor apple',
    'identifier and anchor apple',
    'certificate leaf[subject.OU = "x"',
    'designated => ; host => identifier "b"',
    'designated => (',
    'info[k] >= ',
    '! ! !',
    'certificate 1[field.1.2 exists or',
    '',
  ];
  for (const s of texts) for (const mode of ['single', 'set', 'auto'] as const) checkAll(parse(s, { mode }), s);
});
