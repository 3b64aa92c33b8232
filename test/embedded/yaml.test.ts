/**
 * The AutoPkg YAML recipe scanner (language-service/embedded/yaml.ts):
 * every scalar style maps back to the exact host characters, what it cannot
 * read is reported as not analysed, and hostile input stays linear.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractRequirements } from '../../language-service/embedded/extract.js';

const step = (value: string, processorFirst = true) => processorFirst
  ? `Process:\n  - Processor: CodeSignatureVerifier\n    Arguments:\n      input_path: "%pathname%/App.app"\n      requirement:${value}\n  - Processor: Versioner\n`
  : `Process:\n- Arguments:\n    requirement:${value}\n  Processor: CodeSignatureVerifier\n`;

/** The requirement text and, for each character of it, the host character it came from. */
function read(doc: string) {
  const [r, ...rest] = extractRequirements(doc, 'yaml');
  assert.equal(rest.length, 0);
  assert.ok(r);
  return r;
}

test('plain, single- and double-quoted scalars with their escapes map to the host exactly', () => {
  for (const [value, text] of [
    [' identifier "a.b" and anchor apple generic # the vendor\'s app', 'identifier "a.b" and anchor apple generic'],
    [" 'identifier \"a.b\" and info[K] = \"it''s\"'", 'identifier "a.b" and info[K] = "it\'s"'],
    [' "identifier \\"a.b\\" and\\tanchor apple"', 'identifier "a.b" and\tanchor apple'],
  ] as const) {
    for (const first of [true, false]) {
      const doc = step(value, first);
      const r = read(doc);
      assert.equal(r.text, text);
      const anchor = r.text.indexOf('a.b');
      assert.equal(doc.slice(r.toHostOffset(anchor), r.toHostOffset(anchor) + 3), 'a.b');
      assert.equal(r.fromHostOffset(r.toHostOffset(anchor)), anchor);
    }
  }
});

test('block scalars: `|` keeps line breaks, `>` folds them; continuation lines of a plain scalar fold', () => {
  const literal = read(step(' |\n        identifier "a.b"\n        and anchor apple generic'));
  assert.equal(literal.text, 'identifier "a.b"\nand anchor apple generic');
  const folded = read(step(' >-\n        identifier "a.b"\n        and anchor apple generic'));
  assert.equal(folded.text, 'identifier "a.b" and anchor apple generic');
  const plain = read(step(' identifier "a.b"\n        and anchor apple generic'));
  assert.equal(plain.text, 'identifier "a.b" and anchor apple generic');
  const doc = step(' >\n        identifier "a.b"\n        and anchor apple generic');
  const r = read(doc);
  assert.equal(doc.slice(r.toHostOffset(r.text.indexOf('and')), r.toHostOffset(r.text.indexOf('and')) + 3), 'and');
});

test('not analysed, with the reason: flow collections, unclosed quotes, AutoPkg variables; other processors are not read', () => {
  assert.match(read(step(' {a: b}')).notAnalysed!, /flow collection/);
  assert.match(read(step(' "identifier \\"a')).notAnalysed!, /not closed/);
  assert.match(read(step(' identifier "%BUNDLE_ID%" and anchor apple generic')).notAnalysed!, /%NAME%/);
  assert.deepEqual(extractRequirements('Process:\n  - Processor: URLDownloader\n    Arguments:\n      requirement: identifier "x" CodeSignatureVerifier\n', 'yaml'), []);
  assert.deepEqual(extractRequirements('requirement: identifier "x"\nProcessor: CodeSignatureVerifier\n', 'yaml'), [], 'a top-level key is not a process step argument');
});

test('hostile input is scanned in linear time without recursion', () => {
  const deep = 'Process:\n' + Array.from({ length: 20_000 }, (_, i) => ' '.repeat(i % 200) + '- Processor: CodeSignatureVerifier').join('\n') + '\n';
  assert.deepEqual(extractRequirements(deep, 'yaml'), []);
  const long = step(' "' + 'a'.repeat(1_000_000));
  assert.match(read(long).notAnalysed!, /not closed/);
});
