/**
 * Text → bytes and text → text round trips; these need the parser
 * (grammar/parser.ts `parse(text, { mode })`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Comment, RequirementDocument } from '../../grammar/ast.js';
import { toHex } from '../../grammar/bytes.js';
import { decompile } from '../../grammar/codec/decode.js';
import { compile } from '../../grammar/codec/encode.js';
import { astEqual } from '../../grammar/compare.js';
import { parse } from '../../grammar/parser.js';
import { printApple } from '../../grammar/print/apple.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { arbDocument } from './arbitrary.js';
import { DEVELOPER_ID_RIGHT_NESTED, SECTION_7_1, SECTION_7_3, SECTION_7_4, SECTION_7_4_SET } from './codec-vectors.js';

function parsed(text: string, mode: 'single' | 'set' | 'auto' = 'auto'): RequirementDocument {
  const r = parse(text, { mode });
  assert.ok(r.ok && r.document, `does not parse: ${text}\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  return r.document;
}

function compiledHex(text: string, mode: 'single' | 'set' | 'auto' = 'auto'): string {
  const c = compile(parsed(text, mode));
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
  return toHex(c.bytes!);
}

describe('spec §7: text compiles to Apple\'s bytes', () => {
  for (const v of [...SECTION_7_1, ...SECTION_7_4]) {
    if (!v.source) continue;
    it(`${v.name}: ${v.source}`, () => {
      assert.equal(compiledHex(v.source!, 'single'), v.hex);
    });
  }

  it('§7.3 set (132 bytes, the trycmd hash)', () => {
    assert.equal(compiledHex(SECTION_7_3.source, 'set'), SECTION_7_3.hex);
  });

  it('§7.4 set: entries re-ordered by type', () => {
    assert.equal(compiledHex(SECTION_7_4_SET.source, 'set'), SECTION_7_4_SET.hex);
  });

  it('§7.4: recompiling the dump of a right-nested DR gives the left-nested 156 bytes', () => {
    const hex = compiledHex(DEVELOPER_ID_RIGHT_NESTED.dump, 'single');
    assert.equal(hex.length, 2 * 156);
    assert.ok(hex.startsWith(DEVELOPER_ID_RIGHT_NESTED.leftNestedPrefix));
    const original = decompile(Buffer.from(DEVELOPER_ID_RIGHT_NESTED.hex, 'hex'));
    assert.ok(astEqual(decompile(Buffer.from(hex, 'hex')), original, { reassociate: true }));
  });

  it('Apple text of every recompilable vector parses back to the same bytes', () => {
    for (const v of [...SECTION_7_1, ...SECTION_7_4]) {
      if (!v.source || /leaftrusted|roottrusted|<|field\.\]/.test(v.dump)) continue; // §8.3: these dumps do not recompile
      assert.equal(compiledHex(v.dump, 'single'), v.hex, v.dump);
    }
  });
});

describe('canonical text re-parses (property)', () => {
  const reparse = (text: string, doc: RequirementDocument): RequirementDocument => {
    const back = parse(text, { mode: doc.kind === 'set' ? 'set' : 'single' });
    assert.ok(back.ok && back.document, `does not re-parse: ${JSON.stringify(text)}\n${back.diagnostics.map((d) => d.message).join('\n')}`);
    return back.document;
  };

  it('printCanonical → parse gives an equal AST (up to and/or nesting; exactly with preserveNesting)', () => {
    fc.assert(
      fc.property(arbDocument({ textual: true }), (doc) => {
        const flat = printCanonical(doc);
        assert.ok(astEqual(reparse(flat, doc), doc, { reassociate: true }), `re-parses differently: ${JSON.stringify(flat)}`);
        const nested = printCanonical(doc, { preserveNesting: true });
        assert.ok(astEqual(reparse(nested, doc), doc), `re-parses differently: ${JSON.stringify(nested)}`);
      }),
      { numRuns: 400 },
    );
  });

  it('parse → printCanonical → parse is exact for parser-built (left-nested) trees', () => {
    fc.assert(
      fc.property(arbDocument({ textual: true }), (doc) => {
        const first = reparse(printCanonical(doc), doc);
        assert.ok(astEqual(reparse(printCanonical(first), first), first));
      }),
      { numRuns: 200 },
    );
  });

  it('decoded blobs print canonical text that compiles to the same bytes (with preserveNesting)', () => {
    for (const hex of [...SECTION_7_1, ...SECTION_7_4].map((v) => v.hex).concat(DEVELOPER_ID_RIGHT_NESTED.hex, SECTION_7_4_SET.hex, SECTION_7_3.hex)) {
      const doc = decompile(Buffer.from(hex, 'hex'));
      const text = printCanonical(doc, { preserveNesting: true });
      assert.equal(compiledHex(text, doc.kind === 'set' ? 'set' : 'single'), hex, text);
    }
  });

  it('canonical spellings of Apple\'s non-recompilable dumps', () => {
    const text = (hex: string) => printCanonical(decompile(Buffer.from(hex, 'hex')));
    assert.equal(text('fade0c0000000014000000010000000cfffffffe'), 'certificate -2 trusted');
    assert.equal(text('fade0c000000001400000001000000' + '0c00000000'), 'certificate leaf trusted');
    assert.equal(
      text('fade0c00000000300000000100000016000000000000000a2a864886f7636406012100000000000a00000000225ac680'),
      'certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z"',
    );
    assert.equal(text('fade0c000000002c000000010000000e0000000200000000000000030000000b68656c6c6f2e776f726c6400'), 'certificate 2[field.0] = "hello.world"*');
  });
});

describe('canonical printer keeps comments', () => {
  const sources = [
    '# Developer ID\nidentifier "com.example.helper" // the helper\n  and anchor apple generic /* Apple root */\n  and certificate leaf[subject.OU] = "ABCDE12345" # team\n',
    '/* a */ anchor /* b */ apple /* c */ generic // d',
    'designated => /* x */ anchor apple # y\n# between\nhost => identifier a and (/* in parens */ anchor apple or ! /* not */ always) // end',
    '(anchor apple generic and certificate leaf[subject.OU] = "34XR7GXFPX") // Sparkle\n',
    'info[ /* key */ CFBundleVersion] >= /* value */ "1.0" ; // fluff\n',
  ];
  for (const source of sources) {
    it(JSON.stringify(source.slice(0, 40)), () => {
      const r = parse(source);
      assert.ok(r.ok && r.document, r.diagnostics.map((d) => d.message).join('\n'));
      const out = printCanonical(r.document, { comments: r.comments, source });
      const back = parse(out);
      assert.ok(back.ok && back.document, `formatted text does not parse:\n${out}`);
      assert.ok(astEqual(back.document, r.document), `formatted text means something else:\n${out}`);
      const texts = (cs: Comment[]) => cs.map((c) => source.slice(c.range.start.offset, c.range.end.offset));
      assert.deepEqual(back.comments.map((c) => out.slice(c.range.start.offset, c.range.end.offset)), texts(r.comments), `comments lost or reordered:\n${out}`);
      // Formatting is idempotent.
      assert.equal(printCanonical(back.document, { comments: back.comments, source: out }), out);
    });
  }

  it('no comment is lost wherever it sits between tokens (property)', () => {
    const commentKinds = fc.constantFrom('block', 'line', 'hash');
    fc.assert(
      fc.property(arbDocument({ textual: true, maxDepth: 3 }), fc.array(fc.tuple(fc.nat(), commentKinds), { minLength: 1, maxLength: 6 }), (doc, spots) => {
        const plain = printCanonical(doc);
        const tokens = parse(plain, { mode: doc.kind === 'set' ? 'set' : 'single' }).tokens;
        const offsets = [...tokens.map((t) => t.range.start.offset), plain.length];
        const inserts = spots.map(([n, kind], i) => ({ at: offsets[n % offsets.length]!, text: kind === 'block' ? `/* c${i} */` : kind === 'line' ? `// c${i}\n` : `# c${i}\n` }));
        inserts.sort((a, b) => a.at - b.at);
        let source = '';
        let last = 0;
        for (const ins of inserts) {
          source += plain.slice(last, ins.at) + ' ' + ins.text + ' ';
          last = ins.at;
        }
        source += plain.slice(last);
        const r = parse(source, { mode: doc.kind === 'set' ? 'set' : 'single' });
        assert.ok(r.ok && r.document, `with comments it does not parse: ${JSON.stringify(source)}`);
        assert.equal(r.comments.length, spots.length);
        const out = printCanonical(r.document, { comments: r.comments, source });
        const back = parse(out, { mode: doc.kind === 'set' ? 'set' : 'single' });
        assert.ok(back.ok && back.document, `formatted text does not parse: ${JSON.stringify(out)}`);
        assert.ok(astEqual(back.document, r.document), `formatted text means something else: ${JSON.stringify(out)}`);
        const names = (cs: Comment[], text: string) => cs.map((c) => text.slice(c.range.start.offset, c.range.end.offset).replace(/^(\/\*|\/\/|#) ?| ?\*\/$/g, ''));
        assert.deepEqual(names(back.comments, out), names(r.comments, source), `comments lost or reordered: ${JSON.stringify(out)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps comments without the source, from Comment.text', () => {
    const source = 'anchor apple // why\n';
    const r = parse(source);
    assert.equal(printCanonical(r.document!, { comments: r.comments }), 'anchor apple // why\n');
  });
});

describe('Apple printer on parsed text', () => {
  it('prints what Apple prints after compiling', () => {
    const cases: Array<[string, string]> = [
      ['anchor = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"', 'certificate root = H"0123456789abcdeffedcba98765432100a2bc5da"'],
      ['certificate leaf trusted', 'certificate leaftrusted'],
      ['info[exists2] = "a\\"b"', 'info[exists2] = "a\\"b"'],
      ['entitlement["exists"] exists', 'entitlement["exists"] /* exists */'],
      ['! (anchor apple and always) or never', '! (anchor apple and always) or never'],
    ];
    for (const [text, apple] of cases) {
      const doc = parsed(text, 'single');
      assert.equal(printApple(doc), apple);
      assert.equal(printApple(decompile(compile(doc).bytes!)), apple);
    }
  });
});
