/** The parse API: AST shapes and exact ranges, modes, recovery, Apple's messages, bytes, depth, size. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, Range, Requirement, RequirementSet } from '../../grammar/ast.js';
import { toHex } from '../../grammar/bytes.js';
import { parse, parseBytes, type ParseResult } from '../../grammar/parser.js';

const rng = (r: Range) => `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;
const diags = (r: ParseResult) => r.diagnostics.map((d) => `${d.severity} ${d.code} ${rng(d.range)}`);
const expr = (r: ParseResult): Expr => (r.document as Requirement).expr!;

/** A compact rendering of an expression tree, to assert structure. */
function shape(e: Expr | undefined): string {
  if (!e) return '?';
  switch (e.kind) {
    case 'and':
    case 'or':
      return `${e.kind}(${shape(e.left)},${shape(e.right)})`;
    case 'not':
      return `not(${shape(e.operand)})`;
    case 'const':
      return String(e.value);
    case 'identifier':
      return `id:${e.value.text}`;
    case 'anchorApple':
    case 'anchorAppleGeneric':
    case 'trustedCerts':
    case 'notarized':
    case 'legacy':
    case 'error':
      return e.kind;
    default:
      return e.kind;
  }
}

test('a typical designated requirement: every node kind and range', () => {
  const text = 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"';
  const r = parse(text);
  assert.equal(r.ok, true);
  assert.equal(r.mode, 'single');
  assert.deepEqual(r.diagnostics, []);
  const doc = r.document as Requirement;
  assert.equal(doc.kind, 'requirement');
  assert.equal(rng(doc.range), '1:1-1:102');
  const e = doc.expr!;
  assert.equal(shape(e), 'and(and(id:com.example.app,anchorAppleGeneric),certField)');
  assert.ok(e.kind === 'and' && e.left.kind === 'and' && e.right.kind === 'certField');
  const id = e.left.left;
  assert.ok(id.kind === 'identifier');
  assert.equal(rng(id.range), '1:1-1:29');
  assert.equal(rng(id.value.range), '1:12-1:29');
  assert.equal(id.value.form, 'quoted');
  assert.equal(toHex(id.value.bytes), Buffer.from('com.example.app').toString('hex'));
  assert.equal(rng(e.left.right.range), '1:34-1:54');
  const cf = e.right;
  assert.equal(rng(cf.range), '1:59-1:102');
  assert.deepEqual([cf.slot.index, cf.slot.spelling, rng(cf.slot.range)], [0, 'leaf', '1:71-1:75']);
  assert.equal(cf.key.text, 'subject.OU');
  assert.equal(rng(cf.key.range), '1:76-1:86');
  assert.ok(cf.match.op === 'equal');
  assert.equal(rng(cf.match.range), '1:88-1:102');
  assert.equal(cf.match.value.text, 'ABCDE12345');
  // Ranges are exclusive at the end and lie inside the text.
  assert.equal(cf.range.end.offset, text.length);
});

test('positions: 1-based lines counted by LF, columns in UTF-16 code units with TAB = 1 column', () => {
  const r = parse('anchor apple\n\tand identifier "é"\nand x');
  const d = r.diagnostics[0]!;
  assert.equal(d.code, 'CSR010');
  assert.equal(rng(d.range), '3:5-3:6');
  assert.equal(d.range.start.offset, 37);
});

test('Apple\'s line: column of TAB stops of 8 and UTF-8 bytes; LFs inside strings do not count (ANTLR 2)', () => {
  // The error token `x` is on our line 3; Apple counts the LF inside the string as no new line.
  const r = parse('identifier "a\nb" and\n\t\u00e9x');
  const d = r.diagnostics.find((x) => x.apple)!;
  // The é is a lexical error: Apple aborts there, after a TAB (column 9) on its line 2.
  assert.equal(d.apple, 'line 2:9: unexpected char: 0xC3');
  const r2 = parse('anchor apple generic\n\t\tfoo');
  assert.equal(r2.diagnostics[0]!.apple, "line 2:17: expecting EOF, found 'foo'");
  // Nor do LFs inside block comments; a TAB inside a string still moves to the next stop.
  assert.equal(parse('/* a\nb */ anchor apple generic foo').diagnostics[0]!.apple, "line 1:32: expecting EOF, found 'foo'");
  assert.equal(parse('info["a\tb"] = x y').diagnostics[0]!.apple, 'line 1:17: unexpected token: y');
});

test('Apple-style messages for a few cases (spec §8.1)', () => {
  assert.equal(parse('identifier com.foo-bar').diagnostics[0]!.apple, "line 1:19: expecting EOF, found '-'");
  assert.equal(parse('info[X] = 1').diagnostics[0]!.apple, 'line 1:9: unexpected token: =');
  assert.equal(parse('anchor apple\r\n').diagnostics[0]!.apple, 'line 1:13: unexpected char: 0x0D');
  assert.equal(parse('identifier "a\\b"').diagnostics[0]!.apple, "line 1:15: expecting ''\"'', found ''b''");
  assert.equal(parse('(anchor apple').diagnostics[0]!.apple, "line 1:14: expecting RPAREN, found ''");
  assert.equal(parse('').diagnostics[0]!.apple, 'line 1:1: unexpected end of file');
  assert.equal(parse('anchor generic foo').diagnostics[0]!.apple, 'line 1:16: expecting "apple", found \'foo\'');
  assert.equal(parse('cdhash H"00"').diagnostics[0]!.apple, ' invalid hash length');
  assert.equal(parse('info[x] = 0x123').diagnostics[0]!.apple, ' odd number of digits');
  assert.equal(parse('certificate leaf[foo.bar]').diagnostics[0]!.apple, ' foo.bar: unrecognized certificate field');
});

test('choice: `apple` is set only on the error Apple prints first; a lexical error wins over parser errors (Apple aborts on it)', () => {
  const r = parse('anchor apple and and identifier foo_bar');
  const withApple = r.diagnostics.filter((d) => d.apple);
  assert.equal(withApple.length, 1);
  assert.equal(withApple[0]!.code, 'CSR022');
  assert.equal(withApple[0]!.apple, "line 1:36: unexpected char: '_'");
});

test('several errors in one document, with recovery and a partial AST', () => {
  const r = parse('info[a] = 1 or anchor apple or identifier exists or anchor apple generic');
  assert.equal(r.ok, false);
  assert.deepEqual(diags(r), ['error CSR016 1:11-1:12', 'error CSR014 1:43-1:49']);
  const e = expr(r);
  assert.equal(shape(e), 'or(or(or(error,anchorApple),error),anchorAppleGeneric)');
  assert.ok(e.kind === 'or');
  assert.equal(rng(e.right.range), '1:53-1:73');
});

test('a broken clause inside parentheses keeps the clauses around it', () => {
  const r = parse('anchor apple generic and (identifier = and notarized) and legacy');
  assert.equal(r.ok, false);
  const e = expr(r);
  assert.match(shape(e), /^and\(and\(anchorAppleGeneric,.*\),legacy\)$/);
});

test('modes: auto senses by the first token; single refuses a set (CSR018, fix), set refuses a single (CSR019, fix); choice: the refused text is still parsed in its own mode, so its AST is kept', () => {
  assert.equal(parse('designated => anchor apple').mode, 'set');
  assert.equal(parse('anchor apple').mode, 'single');
  const s = parse('designated => anchor apple', { mode: 'single' });
  assert.deepEqual(diags(s), ['error CSR018 1:1-1:14']);
  assert.equal(s.diagnostics[0]!.apple, 'line 1:1: unexpected token: designated');
  assert.match(s.diagnostics[0]!.message, /remove `designated =>`/);
  assert.deepEqual(s.diagnostics[0]!.fixes![0]!.newText, '');
  assert.equal(rng(s.diagnostics[0]!.fixes![0]!.range), '1:1-1:15');
  const t = parse('anchor apple', { mode: 'set' });
  assert.deepEqual(diags(t), ['error CSR019 1:1-1:7']);
  assert.equal(t.diagnostics[0]!.fixes![0]!.newText, 'designated => ');
  assert.equal(t.diagnostics[0]!.apple, 'line 1:1: unexpected token: anchor');
  // Auto mode with a first token that starts neither: Apple says `unexpected token`.
  assert.equal(parse('foo').diagnostics[0]!.apple, 'line 1:1: unexpected token: foo');
});

test('requirement sets: choice: the AST keeps every entry in source order (the codec keeps the last of a type), duplicates warned on the earlier entry (CSR066)', () => {
  const text = 'host => anchor apple and identifier com.apple.perl designated => identifier "a";;\n7 => always host => never';
  const r = parse(text);
  assert.equal(r.ok, true);
  const set = r.document as RequirementSet;
  assert.equal(set.kind, 'set');
  assert.deepEqual(set.entries.map((e) => e.type), [1, 3, 7, 1]);
  assert.equal(rng(set.entries[1]!.typeRange), '1:52-1:62');
  assert.equal(rng(set.entries[1]!.range), '1:52-1:82');
  assert.equal(rng(set.entries[1]!.requirement.range), '1:66-1:82');
  assert.deepEqual(diags(r), ['warning CSR066 1:1-1:5']);
  assert.match(r.diagnostics[0]!.message, /line 2/);
});

test('comments and tokens for highlighting', () => {
  const r = parse('anchor apple # trailing\n/* block */ and info[K] = "v"');
  assert.deepEqual(r.comments.map((c) => [c.style, c.text, rng(c.range)]), [
    ['hash', '# trailing', '1:14-1:24'],
    ['block', '/* block */', '2:1-2:12'],
  ]);
  assert.deepEqual(r.tokens.map((t) => t.type), ['keyword', 'keyword', 'comment', 'comment', 'keyword', 'keyword', 'operator', 'dotkey', 'operator', 'operator', 'string']);
});

test('CRLF: every CR is CSR002 with a fix that removes it, and the AST is still built', () => {
  const r = parse('anchor apple\r\nand identifier foo\r\n');
  assert.deepEqual(diags(r), ['error CSR002 1:13-1:14', 'error CSR002 2:19-2:20']);
  assert.match(r.diagnostics[0]!.message, /carriage return is not whitespace for Apple \(CRLF line ends\); save the file with LF line ends/);
  assert.equal(rng(r.diagnostics[1]!.fixes![0]!.range), '2:19-2:20');
  assert.equal(shape(expr(r)), 'and(anchorApple,id:foo)');
});

test('parseBytes: bad bytes even in strings and comments (CSR003); choice: a NUL (which ends Apple\'s input) is an error CSR007, not silently accepted; positions in decoded text', () => {
  const bytes = new Uint8Array([...Buffer.from('identifier "a'), 0xc0, ...Buffer.from('b" # \xff'.replace('\xff', '')), 0xff]);
  const r = parseBytes(bytes);
  assert.equal(r.ok, false);
  assert.deepEqual(r.diagnostics.filter((d) => d.code === 'CSR003').map((d) => rng(d.range)), ['1:14-1:15', '1:20-1:21']);
  const first = r.diagnostics.find((d) => d.apple)!;
  assert.equal(first.apple, 'line 1:14: unexpected char: 0xC0');
  const nul = parseBytes(Buffer.from('anchor apple\0 and garbage('));
  assert.deepEqual(diags(nul), ['error CSR007 1:13-1:27']);
  assert.equal(shape(expr(nul)), 'anchorApple');
  const ok = parseBytes(Buffer.from('identifier "caf\u00e9" and anchor apple'));
  assert.equal(ok.ok, true);
  const id = expr(ok);
  assert.ok(id.kind === 'and' && id.left.kind === 'identifier');
  assert.equal(toHex(id.left.value.bytes), '636166c3a9');
  assert.equal(rng(id.right.range), '1:23-1:35');
});

test('parseBytes: more than 10,239 bytes is warning CSR021 at the first byte Apple does not read', () => {
  const big = 'anchor apple' + ' '.repeat(10300);
  const r = parseBytes(Buffer.from(big));
  assert.equal(r.ok, true);
  assert.deepEqual(diags(r), ['warning CSR021 1:10240-1:10313']);
});

test('nesting depth: 100,000 `(` gives one clear error (CSR020) and no stack overflow; maxDepth levels still parse; choice: each pending `!` counts as a level like `(`', () => {
  const deep = parse('('.repeat(100000) + 'anchor apple' + ')'.repeat(100000));
  assert.equal(deep.ok, false);
  assert.deepEqual(diags(deep), ['error CSR020 1:257-1:258']);
  assert.equal(deep.document, undefined);
  const nots = parse('!'.repeat(100000) + 'anchor apple');
  assert.deepEqual(nots.diagnostics.map((d) => d.code), ['CSR020']);
  const ok = parse('('.repeat(256) + 'anchor apple' + ')'.repeat(256));
  assert.equal(ok.ok, true);
  const mixed = parse('!('.repeat(128) + 'anchor apple' + ')'.repeat(128));
  assert.equal(mixed.ok, true);
  assert.equal(parse('('.repeat(11) + 'always' + ')'.repeat(11), { maxDepth: 10 }).diagnostics[0]!.code, 'CSR020');
});

test('large inputs complete (linear time, bounded errors): long chains, many errors, many bad characters', () => {
  const chain = Array(20000).fill('anchor apple generic').join(' and ');
  assert.equal(parse(chain).ok, true);
  const broken = Array(20000).fill('anchor apple generic and').join(' and ');
  const r = parse(broken);
  assert.equal(r.ok, false);
  assert.ok(r.diagnostics.length <= 101, String(r.diagnostics.length));
  assert.equal(parse('"'.repeat(100001)).ok, false);
  // 50,000 bad characters: the first 100 and one summary (issue 19 item 9), plus the empty-requirement error.
  const bad = parse('$ '.repeat(50000)).diagnostics;
  assert.equal(bad.length, 102);
  assert.equal(bad.filter((d) => d.code === 'CSR001').length, 101);
  assert.match(bad.find((d) => /more errors/.test(d.message))!.message, /^49,900 more errors of the same kind \(CSR001\)/);
  assert.equal(parse('designated => anchor apple\n'.repeat(20000)).ok, true);
});

test('pasted text: a BOM, a no-break space, curly quotes and single quotes get specific messages and fixes', () => {
  const bom = parse('\ufeffanchor apple');
  assert.deepEqual(diags(bom), ['error CSR001 1:1-1:2']);
  assert.equal(bom.diagnostics[0]!.apple, 'line 1:1: unexpected char: 0xEF');
  assert.equal(bom.diagnostics[0]!.fixes![0]!.newText, '');
  const nbsp = parse('anchor\u00a0apple');
  assert.match(nbsp.diagnostics[0]!.message, /only space, TAB and LF are whitespace/);
  assert.equal(nbsp.diagnostics[0]!.fixes![0]!.newText, ' ');
  assert.equal(shape(expr(nbsp)), 'anchorApple');
  const curly = parse('identifier \u201ccom.foo\u201d');
  assert.deepEqual(diags(curly), ['error CSR001 1:12-1:13', 'error CSR001 1:20-1:21']);
  assert.match(curly.diagnostics[0]!.message, /straight double quotes/);
  const single = parse("identifier 'foo'");
  assert.deepEqual(diags(single), ['error CSR022 1:12-1:17']);
  assert.equal(single.diagnostics[0]!.message, 'strings use double quotes, not single quotes: write "foo"');
  assert.equal(single.diagnostics[0]!.fixes![0]!.newText, '"foo"');
});

test('parseBytes: non-UTF-8 bytes Apple allows in strings (0x80–0xBF, 0xC2–0xF4) keep their exact bytes in Value.bytes', () => {
  const bytes = new Uint8Array([...Buffer.from('identifier "a'), 0x80, 0xe0, 0x80, ...Buffer.from('b" and anchor apple')]);
  const r = parseBytes(bytes);
  assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
  const e = expr(r);
  assert.ok(e.kind === 'and' && e.left.kind === 'identifier');
  assert.equal(toHex(e.left.value.bytes), '6180e08062');
  assert.equal(e.left.value.text, 'a\ufffd\ufffd\ufffdb');
  // One character per undecodable byte, so later positions stay exact.
  assert.equal(rng(e.right.range), '1:24-1:36');
  const outside = parseBytes(new Uint8Array([...Buffer.from('anchor apple '), 0x80]));
  assert.equal(outside.diagnostics[0]!.apple, 'line 1:14: unexpected char: 0x80');
});

test('a maxDepth larger than the JavaScript stack allows still ends in CSR020, never a thrown RangeError', () => {
  const r = parse('('.repeat(5000) + 'always' + ')'.repeat(5000), { maxDepth: 1_000_000 });
  assert.equal(r.ok, false);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['CSR020']);
  assert.equal(r.document, undefined);
  // The shared parser is usable afterwards.
  assert.equal(parse('anchor apple').ok, true);
});
