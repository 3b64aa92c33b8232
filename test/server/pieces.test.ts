import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeRequirement, type AnalysisOptions } from '../../language-service/analysis/analyze.js';
import { analyzeSetByPieces, pieceStarts, type PieceCache } from '../../language-service/analysis/pieces.js';
import { analyzeDocument } from '../../server/documents.js';

/**
 * Sets analysed entry by entry (language-service/analysis/pieces.ts) must give exactly
 * the analysis of the whole text, or decline; the whole-text analysis is the
 * ground truth every comparison here is made against.
 */
const SET = [
  '# csrl: set',
  '// a requirement set',
  'designated => identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"',
  '/* the host */',
  'host => anchor apple and identifier com.apple.launchd',
  '8 => identifier "com.example.helper" or identifier "com.example.other" and certificate leaf = H"0123456789abcdef0123456789abcdef01234567"',
  '  library => anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] # trailing',
  'plugin => info[CFBundleVersion] >= "1.2" and entitlement["com.apple.security.app-sandbox"] exists',
  '7 => cdhash H"0123456789abcdef0123456789abcdef01234567" or anchor = "cert.der"',
  '',
].join('\n');

function whole(text: string, options: AnalysisOptions = {}) {
  return analyzeRequirement(text, options);
}

describe('pieces of a requirement set', () => {
  it('finds the entry lines, and declines single requirements and text before the first entry', () => {
    assert.equal(pieceStarts(SET, 'auto')?.length, 6);
    assert.equal(pieceStarts(SET, 'single'), undefined);
    assert.equal(pieceStarts('designated => anchor apple\n', 'auto'), undefined);
    assert.equal(pieceStarts('anchor apple and\n3 => anchor apple\n4 => anchor apple\n', 'auto'), undefined);
  });

  it('joins the entries into the analysis of the whole text', () => {
    const r = analyzeSetByPieces(SET, {}, undefined);
    assert.ok(r?.analysis, 'a clean set is analysed by pieces');
    assert.deepEqual(r.analysis, whole(SET));
    // Lint findings (and their fixes) land on the same positions.
    assert.ok(r.analysis.diagnostics.length > 0);
  });

  it('an entry too deep to copy falls back to parsing the whole text, with the same result', () => {
    const text = 'designated => anchor apple\n8 => ' + 'anchor apple and '.repeat(2100) + 'anchor apple\n';
    const r = analyzeSetByPieces(text, {}, undefined);
    assert.ok(r?.analysis);
    const w = whole(text);
    assert.deepEqual(r.analysis.diagnostics, w.diagnostics);
    // assert.deepEqual recurses past the stack on a 2,100-deep tree; JSON text compares the same content.
    const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? [...x] : x));
    assert.equal(json(r.analysis.parse), json(w.parse));
  });

  it('honours the options the whole analysis honours', () => {
    for (const options of [{ context: 'privileged-helper' as const }, { severities: { CSR101: 'off' as const } }, { trusted: false }, { mode: 'set' as const }]) {
      const r = analyzeSetByPieces(SET, options, undefined);
      assert.deepEqual(r?.analysis, whole(SET, options), JSON.stringify(options));
    }
  });

  it('declines (and the document falls back to the whole text) on errors, duplicates and boundaries inside comments or strings', () => {
    const cases = [
      SET.replace('anchor apple and identifier', 'anchor apple and and identifier'),
      SET + 'host => anchor apple\n',
      SET.replace('/* the host */', '/* the host'),
      SET.replace('"com.example.helper"', '"com.example.helper\n9 => anchor apple"'),
    ];
    for (const text of cases) {
      const r = analyzeSetByPieces(text, {}, undefined);
      assert.equal(r?.analysis, undefined, text);
      const doc = analyzeDocument('file:///w/s.rqset', 1, 'csreq', text, {});
      assert.deepEqual(doc.views[0]!.analysis, whole(text));
      assert.deepEqual(doc.diagnostics, whole(text).diagnostics);
    }
  });

  it('reuses unchanged entries across edits and still equals the whole analysis (random edits)', () => {
    let joined = 0;
    let declined = 0;
    const alphabet = ['x', ' ', '\n', '"', '/*', '*/', '#', '(', ')', '=>', '3 =>', 'and ', 'or ', '\\', '[', ']', 'host => '];
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 2 }), ins: fc.oneof({ arbitrary: fc.constantFrom('x', ' ', '\n', ''), weight: 4 }, { arbitrary: fc.constantFrom(...alphabet), weight: 1 }) }), { minLength: 1, maxLength: 6 }),
        (edits) => {
          let text = SET;
          let cache: PieceCache | undefined;
          let state = analyzeDocument('file:///w/s.rqset', 1, 'csreq', text, {});
          let version = 1;
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.ins + text.slice(at + e.del);
            const r = analyzeSetByPieces(text, {}, cache);
            cache = r?.cache;
            const expected = whole(text);
            if (r?.analysis) {
              joined++;
              assert.deepEqual(r.analysis, expected);
            } else declined++;
            state = analyzeDocument('file:///w/s.rqset', ++version, 'csreq', text, {}, state);
            assert.deepEqual(state.views[0]!.analysis, expected);
            assert.deepEqual(state.diagnostics, expected.diagnostics);
          }
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
    // Both paths were exercised: the edits keep some texts clean and break others.
    assert.ok(joined > 100 && declined > 50, `joined ${joined}, declined ${declined}`);
  });

  it('a keystroke re-analyses only the entry it changed', () => {
    const first = analyzeSetByPieces(SET, {}, undefined)!;
    const edited = SET.replace('com.example.helper', 'com.example.helpers');
    const second = analyzeSetByPieces(edited, {}, first.cache)!;
    const reused = [...second.cache.values()].filter((a) => [...first.cache.values()].includes(a));
    assert.equal(reused.length, second.cache.size - 1);
    assert.deepEqual(second.analysis, whole(edited));
  });
});
