/**
 * The parser against its former self. grammar/ parses with Chevrotain's
 * embedded actions and a char-code scanner; test/grammar/reference/ keeps the
 * CST parser it replaced (Chevrotain lexer, CstParser, CST → AST), frozen.
 * Both must give the same result, byte for byte: AST with every range,
 * diagnostics (messages, ranges, fixes, Apple's line), comments, tokens, and
 * the compiled blob, on generated documents, token soups, mutations, random
 * text and bytes, hostile shapes and every string literal of the grammar and
 * CLI tests.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { toHex } from '../../grammar/bytes.js';
import { compile } from '../../grammar/codec/encode.js';
import { parse, parseBytes, type ParseMode, type ParseOptions, type ParseResult } from '../../grammar/parser.js';
import { printApple } from '../../grammar/print/apple.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { rng } from '../support/random.js';
import { arbDocument } from './arbitrary.js';
import { parse as referenceParse, parseBytes as referenceParseBytes } from './reference/parser.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MODES: ParseMode[] = ['auto', 'single', 'set'];

/** Everything a caller can see of a result, tokens included, plus the compiled bytes of an accepted document. */
function observed(r: ParseResult): unknown {
  let compiled: unknown;
  if (r.ok && r.document) {
    const c = compile(r.document, { readCertificateFile: () => undefined });
    compiled = { hex: c.bytes ? toHex(c.bytes) : undefined, diagnostics: c.diagnostics };
  }
  return { document: r.document, mode: r.mode, diagnostics: r.diagnostics, comments: r.comments, tokens: r.tokens, ok: r.ok, compiled };
}

function same(text: string, options: ParseOptions): void {
  const want = observed(referenceParse(text, options));
  const got = observed(parse(text, options));
  assert.deepStrictEqual(got, want, `differs for ${JSON.stringify(text.length > 300 ? text.slice(0, 300) + '…' : text)} (${JSON.stringify(options)})`);
}

function sameInAllModes(text: string): void {
  for (const mode of MODES) same(text, { mode });
}

function sameBytes(bytes: Uint8Array, options: ParseOptions = {}): void {
  assert.deepStrictEqual(observed(parseBytes(bytes, options)), observed(referenceParseBytes(bytes, options)), `differs for bytes ${Buffer.from(bytes).toString('hex').slice(0, 200)}`);
}

const PIECES = [
  'anchor', 'apple', 'generic', 'certificate', 'cert', 'leaf', 'root', 'trusted', 'identifier', 'info', 'entitlement', 'and', 'or', '!', '(',
  ')', '[', ']', '=', '==', '<', '>', '<=', '>=', '~', '*', ';', ',', '=>', '-', 'designated', 'host', 'guest', 'library', 'plugin', '1', '0',
  '4294967295', '-1', 'exists', 'absent', 'timestamp', 'always', 'never', 'true', 'false', 'cdhash', 'platform', 'notarized', 'legacy',
  '"x"', '"a\\"b"', '"\\n"', '"*x*"', '"20190408000000Z"', 'H"00"', 'H"0123456789abcdef0123456789abcdef01234567"', '0x4', '0x41', 'subject.CN',
  'subject.XX', 'field.1.2', 'field.42', 'extension.1.x', 'policy.1.2.3', 'timestamp.1.2.840', 'foo.bar', 'com.foo', 'Anchor', '/a/b', '/a',
  '#c\n', '/* c */', '/* **/ x */', '//x\n', ' ', '\t', '\n', '\r', '\0', 'é', '$', '_', '.', '"', '"unterminated', 'H"xyz"', '0x', '17.4.2',
  'com.foo-bar', "'q'", '$self.identifier', '59GAB85EFG', '\u201c', '\u00a0',
];

test('generated documents printed as canonical and Apple text parse the same in every mode', () => {
  fc.assert(
    fc.property(arbDocument({ textual: true }), (doc) => {
      sameInAllModes(printCanonical(doc));
      sameInAllModes(printApple(doc));
    }),
    { numRuns: 300 },
  );
});

test('token soups parse the same (errors, recovery, diagnostics and all)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }),
      fc.array(fc.constantFrom(' ', '', '\n'), { maxLength: 40 }),
      fc.constantFrom(...MODES),
      (parts, seps, mode) => same(parts.map((p, i) => p + (seps[i] ?? ' ')).join(''), { mode }),
    ),
    { numRuns: 4000 },
  );
});

test('tokens: false changes nothing but the token list, which is empty', () => {
  const without = (r: ParseResult) => ({ ...(observed(r) as Record<string, unknown>), tokens: undefined });
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }),
      fc.constantFrom(...MODES),
      (parts, mode) => {
        const text = parts.join(' ');
        const full = parse(text, { mode });
        const lean = parse(text, { mode, tokens: false });
        assert.deepStrictEqual(lean.tokens, []);
        assert.deepStrictEqual(without(lean), without(full));
      },
    ),
    { numRuns: 1000 },
  );
});

test('mutated valid requirements and sets parse the same', () => {
  const bases = [
    'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"',
    'anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] or certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z")',
    'designated => identifier com.foo and info[CFBundleVersion] >= "1.2" host => ! cdhash H"0123456789ABCDEFFEDCBA98765432100A2BC5DA";',
    '/* c */ (foo) or anchor apple bar or certificate -2 trusted or entitlement["a-b"] = *x* # end',
    'platform = 2 and notarized and legacy and info[k] = 0x41 and certificate root = /tmp/cert and anchor[subject.CN] ~ "x"',
    'guest => anchor trusted\nlibrary => certificate 2 = "file.cer"; plugin => anchor = H"0123456789abcdef0123456789abcdef01234567"\n7 => never',
  ];
  fc.assert(
    fc.property(
      fc.constantFrom(...bases),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 5 }),
      fc.constantFrom(...MODES),
      (base, edits, mode) => {
        let s = base;
        for (const [at, del, ins] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + ins + s.slice(i + del);
        }
        same(s, { mode });
      },
    ),
    { numRuns: 4000 },
  );
});

test('random text and random bytes parse the same', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.constantFrom(...MODES), (s, mode) => same(s, { mode })),
    { numRuns: 1500 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...MODES), (b, mode) => sameBytes(b, { mode })),
    { numRuns: 1000 },
  );
});

test('large and hostile inputs parse the same (caps, MAX_ERRORS, depth limit, long chains, sets)', () => {
  const rand = rng(0xd1ff);
  const soup = (n: number) => Array.from({ length: n }, () => PIECES[Math.floor(rand() * PIECES.length)]!).join(' ');
  const inputs = [
    '('.repeat(100_000),
    '!'.repeat(300) + ' anchor apple',
    '('.repeat(200) + 'anchor apple' + ')'.repeat(200),
    'a_'.repeat(5000),
    '\r'.repeat(50_000),
    '1.'.repeat(20_000) + '1',
    'anchor apple ) '.repeat(400),
    'identifier a and '.repeat(3000) + 'anchor apple',
    'identifier a and '.repeat(300),
    Array.from({ length: 500 }, (_, i) => `${['host', 'guest', 'designated', 'library', 'plugin'][i % 5]} => identifier "x${i}" and anchor apple generic`).join('\n'),
    Array.from({ length: 300 }, (_, i) => `designated => ${i % 7 === 0 ? 'identifier' : 'anchor apple generic and info[x] = 1'} ${i % 11 === 0 ? ')' : ''}`).join('\n'),
    '/* unterminated ' + 'x '.repeat(1000),
    '"' + 'x'.repeat(5000),
    soup(3000),
    soup(3000).replace(/ /g, '\n'),
  ];
  for (const text of inputs) sameInAllModes(text);
  for (const maxDepth of [1, 5, 1000]) same('(('.repeat(50) + 'anchor apple' + '))'.repeat(50), { maxDepth });
  sameBytes(new Uint8Array(20_000).fill(0xff));
  sameBytes(new TextEncoder().encode('anchor apple generic and identifier "' + 'x'.repeat(12_000) + '"'));
});

/** String literals of a test source file (single- and double-quoted, as JavaScript reads them). */
function literals(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g)) {
    const body = m[1] ?? m[2] ?? '';
    try {
      out.push(JSON.parse(`"${body.replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`) as string);
    } catch {
      // an escape JSON does not know (\x, \0): the literal is left out
    }
  }
  return out;
}

test('every string literal of the grammar, CLI and server tests parses the same', () => {
  const dirs = ['test/grammar', 'test/cli', 'test/server', 'test/lint'];
  const seen = new Set<string>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts'));
    } catch {
      continue;
    }
    for (const f of files) for (const s of literals(readFileSync(path.join(root, dir, f), 'utf8'))) seen.add(s);
  }
  assert.ok(seen.size > 500, `only ${seen.size} literals found`);
  for (const s of seen) sameInAllModes(s);
});

test('the example files parse the same, as files', () => {
  const dir = path.join(root, 'examples');
  const files = readdirSync(dir).filter((f) => /\.(csreq|rqset)$/.test(f));
  assert.ok(files.length > 0);
  for (const f of files) {
    const bytes = readFileSync(path.join(dir, f));
    for (const mode of MODES) sameBytes(bytes, { mode });
  }
});
