import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from '../../grammar/parser.js';
import { analyzeRequirement, MAX_DEPTH, type Analysis } from '../../language-service/analysis/analyze.js';
import { LeanAnalysis, REPARSE_CACHE_SIZE, reparsedCount } from '../../language-service/analysis/lean.js';
import { summarizeRequirement } from '../../language-service/analysis/summary.js';
import { LineIndex } from '../../language-service/analysis/text.js';
import { analyzeDocument, CHUNK_THRESHOLD, editOfPieces, entryStarts, type DocState, type RequirementView } from '../../server/documents.js';
import { codeActions, codeLenses, documentSymbols, foldingRanges, selectionRanges, semanticTokens } from '../../server/features.js';
import { hoverAt } from '../../language-service/hover.js';
import { requirementRefs } from '../../language-service/locate.js';

/** A large set with every kind of token, comments, multi-line strings and entries, errors and duplicate types. */
function variedSet(entries: number, clean: boolean, dups = !clean): string {
  const lines = ['# csrl: set', '/* header', '   comment */', '// many entries'];
  for (let i = 1; i <= entries; i++) {
    const t = i + 5;
    switch (i % 10) {
      case 0: lines.push(`${t} => identifier "com.example.app${i}" /* note */ and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" # tail`); break;
      case 1: lines.push(`${t} => anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and entitlement["com.apple.security.app-sandbox"] exists`); break;
      case 2: lines.push(`${t} => cdhash H"0123456789abcdef0123456789abcdef01234567" or identifier "multi\nline${i}"`); break;
      case 3: lines.push(clean ? `${t} => identifier "q${i}" and (anchor apple or\n  anchor apple generic)` : `${t} => identifier com.example.bare${i}`); break;
      case 4: lines.push(`${t} => anchor trusted and (identifier "a${i}" or info[CFBundleVersion] >= "1.0")`); break;
      case 5: lines.push(clean ? `${t} => ! entitlement["x${i}"] exists` : `${t} => certificate leaf = H"0123456789abcdef0123456789abcdef01234567" and`); break;
      case 6: lines.push(!dups || i % 60 !== 6 ? `${t} => identifier "s${i}"` : `designated => anchor apple generic and identifier "dup${i}"`); break;
      case 7: lines.push(!dups ? `${t} => certificate root = H"0123456789abcdef0123456789abcdef01234567"` : `${t} => identifier "two${i}" designated => identifier "in one line"`); break;
      default: lines.push(`${t} => identifier "com.example.app${i}" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"`);
    }
  }
  // The last `designated` entries share a line, so a piece: the parser itself reports that duplicate.
  if (dups) lines.push('designated => identifier "last1" and anchor apple generic designated => identifier "last2" and anchor apple generic');
  return lines.join('\n') + '\n';
}

/** The state with each piece's full analysis in place of its lean one: what the server kept before. */
function withFullAnalyses(state: DocState): DocState {
  const views = state.views.map((v): RequirementView => {
    const analysis: Analysis = analyzeRequirement(v.text, { mode: 'set' });
    return {
      text: v.text, analysis, index: new LineIndex(v.text), mode: 'set', hostStart: v.hostStart, hostEnd: v.hostEnd,
      toHost: (o) => v.hostStart + o,
      fromHost: (h) => (h < v.hostStart || h > v.hostEnd ? undefined : h - v.hostStart),
    };
  });
  return { ...state, views };
}

/** Semantic tokens from a whole-document parse, as features.ts computed them before pieces kept outlines. */
function referenceSemanticTokens(text: string): number[] {
  const types: Record<string, number> = { keyword: 0, operator: 1, string: 2, hash: 3, hex: 3, integer: 3, dotkey: 2, path: 6, comment: 5 };
  const index = new LineIndex(text);
  const tokens = parse(text, { mode: 'set', maxDepth: MAX_DEPTH }).tokens;
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  tokens.forEach((t, i) => {
    let type = types[t.type];
    if (type === undefined) return;
    if (t.type === 'dotkey' && tokens[i - 1]?.image === '[') type = 4;
    let start = t.range.start.offset;
    const end = t.range.end.offset;
    while (start < end) {
      const nl = text.indexOf('\n', start);
      const pieceEnd = nl === -1 || nl >= end ? end : nl;
      const pos = index.positionAt(start);
      if (pieceEnd > start) {
        data.push(pos.line - 1 - prevLine, pos.line - 1 === prevLine ? pos.column - 1 - prevChar : pos.column - 1, pieceEnd - start, type, 0);
        prevLine = pos.line - 1;
        prevChar = pos.column - 1;
      }
      start = pieceEnd + 1;
    }
  });
  return data;
}

describe('large sets keep lean analyses of their entries', () => {
  const text = variedSet(900, false);
  const state = analyzeDocument('file:///varied.rqset', 1, 'csreq', text, {});
  const full = withFullAnalyses(state);

  it('are analysed entry by entry, each piece lean', () => {
    assert.ok(text.length > CHUNK_THRESHOLD);
    assert.equal(state.views.length, 901);
    assert.ok(state.views.every((v) => v.analysis instanceof LeanAnalysis));
    assert.ok(state.diagnostics.some((d) => d.code === 'CSR066'));
    assert.ok(state.diagnostics.some((d) => d.severity === 'error'));
  });

  it('give each piece the diagnostics and (rebuilt) parse of its full analysis', () => {
    state.views.forEach((v, i) => {
      assert.deepEqual(v.analysis.diagnostics, full.views[i]!.analysis.diagnostics);
      assert.deepEqual(v.analysis.parse, full.views[i]!.analysis.parse);
    });
  });

  it('give the diagnostics of a whole-document analysis when every entry parses', () => {
    const clean = variedSet(900, true, true);
    const s = analyzeDocument('file:///dups.rqset', 1, 'csreq', clean, {});
    assert.ok(s.views.length > 1 && s.views.every((v) => v.analysis.parse.diagnostics.every((d) => d.code === 'CSR066')));
    const key = (d: { code: string; range: { start: { offset: number }; end: { offset: number } }; message: string; severity: string }) => `${d.code}@${d.range.start.offset}-${d.range.end.offset}:${d.severity}:${d.message}`;
    // Except the message of the parser's own CSR066 for the two entries of the last line: it names the line within its piece (a known difference of the entry-by-entry path).
    const lastLine = clean.lastIndexOf('\n', clean.length - 2);
    const keyOf = (d: Parameters<typeof key>[0]) => (d.range.start.offset > lastLine ? `${d.code}@${d.range.start.offset}-${d.range.end.offset}:${d.severity}` : key(d));
    const whole = analyzeRequirement(clean).diagnostics.map(keyOf).sort();
    assert.deepEqual(s.diagnostics.map(keyOf).sort(), whole);
    assert.ok(whole.filter((k) => k.startsWith('CSR066')).length > 10);
  });

  it('give the same features as the full analyses', () => {
    assert.deepEqual(semanticTokens(state), semanticTokens(full));
    assert.deepEqual(foldingRanges(state), foldingRanges(full));
    assert.deepEqual(codeLenses(state), codeLenses(full));
    assert.deepEqual(documentSymbols(state), documentSymbols(full));
    const offsets: number[] = [];
    for (let at = 0; at < text.length; at += 97) offsets.push(at);
    assert.deepEqual(selectionRanges(state, offsets), selectionRanges(full, offsets));
    for (const at of offsets.slice(0, 300)) {
      const range = { start: state.index.positionAt(at), end: state.index.positionAt(at) };
      const lsp = { start: { line: range.start.line - 1, character: range.start.column - 1 }, end: { line: range.end.line - 1, character: range.end.column - 1 } };
      assert.deepEqual(codeActions(state, lsp, at, undefined), codeActions(full, lsp, at, undefined));
    }
    state.views.forEach((v, i) => {
      for (let o = 0; o < v.text.length; o += 7) assert.deepEqual(hoverAt(v.text, v.analysis, o), hoverAt(v.text, full.views[i]!.analysis, o), `entry ${i} offset ${o}`);
    });
  });

  it('give the semantic tokens, folding ranges and symbols of the whole document parsed at once', () => {
    const clean = variedSet(900, true);
    const s = analyzeDocument('file:///clean.rqset', 1, 'csreq', clean, {});
    assert.ok(s.views.length > 1 && s.views.every((v) => v.analysis.parse.diagnostics.length === 0));
    const tokens = semanticTokens(s);
    assert.deepEqual(tokens, referenceSemanticTokens(clean));
    assert.ok(tokens.some((_, i) => i % 5 === 3 && tokens[i] === 4), 'has properties');
    assert.ok(tokens.some((_, i) => i % 5 === 3 && tokens[i] === 5), 'has comments');
    const whole = analyzeRequirement(clean, { mode: 'set' });
    const idx = new LineIndex(clean);
    const refs = requirementRefs(whole.parse, clean);
    const symbols = documentSymbols(s);
    assert.equal(symbols.length, refs.length);
    symbols.forEach((sym, i) => {
      assert.equal(sym.name, refs[i]!.entryType!.name);
      assert.equal(sym.detail, summarizeRequirement(refs[i]!.requirement));
      assert.equal(idx.offsetAt(sym.range.start.line, sym.range.start.character), refs[i]!.range.start.offset);
      assert.equal(idx.offsetAt(sym.range.end.line, sym.range.end.character), refs[i]!.range.end.offset);
    });
    const lines = (r: { start: { line: number }; end: { line: number } }) => (r.end.line > r.start.line ? `${r.start.line - 1}-${r.end.line - 1}` : undefined);
    const expected = [...refs.map((r) => lines(r.range)), ...whole.parse.comments.map((c) => lines(c.range))].filter((x) => x !== undefined).sort();
    assert.deepEqual(foldingRanges(s).map((f) => `${f.startLine}-${f.endLine}`).sort(), expected);
    assert.ok(expected.length > 90);
  });

  it('keep a bounded number of rebuilt parses, reusing them while they are kept', () => {
    for (const v of state.views) assert.ok(v.analysis.parse);
    assert.ok(reparsedCount() <= REPARSE_CACHE_SIZE);
    const last = state.views[state.views.length - 1]!.analysis;
    assert.equal(last.parse, last.parse);
    const first = state.views[0]!.analysis;
    const p = first.parse;
    for (const v of state.views.slice(1, REPARSE_CACHE_SIZE + 1)) assert.ok(v.analysis.parse);
    assert.notEqual(first.parse, p, 'evicted, then rebuilt');
    assert.deepEqual(first.parse, p);
  });

  it('are reused, with their outlines, by the next version of the document', () => {
    const at = text.indexOf('"com.example.app20"');
    const edited = text.slice(0, at) + '"com.example.app20x"' + text.slice(at + '"com.example.app20"'.length);
    const s2 = analyzeDocument('file:///varied.rqset', 2, 'csreq', edited, {}, state);
    const changed = s2.views.filter((v, i) => v.analysis !== state.views[i]!.analysis);
    assert.equal(changed.length, 1);
    assert.deepEqual(semanticTokens(s2), semanticTokens(withFullAnalyses(s2)));
    assert.deepEqual(documentSymbols(s2), documentSymbols(withFullAnalyses(s2)));
  });
});

describe('pieces of a large set found again after an edit', () => {
  /** Same pieces as cutting the text afresh, and (`full`) the same diagnostics as analysing it afresh. */
  function assertSameAsFresh(state: DocState, text: string, what: string, full = true) {
    const starts = entryStarts(text, 'auto');
    if (!starts) {
      // No longer plainly a set of one entry per line (say, an unclosed comment before the first entry): analysed whole.
      assert.equal(state.chunkCache, undefined, what);
      assert.equal(state.views.length, 1, what);
      return;
    }
    assert.deepEqual(state.views.map((v) => [v.hostStart, v.hostEnd, v.text]), starts.map((s, i) => [s, starts[i + 1] ?? text.length, text.slice(s, starts[i + 1] ?? text.length)]), what);
    if (full) assert.deepEqual(state.diagnostics, analyzeDocument('file:///e.rqset', 9, 'csreq', text, {}).diagnostics, what);
  }

  it('gives the pieces and diagnostics of a fresh analysis after random edits', () => {
    let text = variedSet(900, false);
    let state = analyzeDocument('file:///e.rqset', 1, 'csreq', text, {});
    // A deterministic pseudo-random sequence, so a failure can be replayed.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const inserts = ['x', '\n', '\ndesignated => anchor apple', '7 => ', '"', '/*', '*/', '\n12 => identifier "n"', ' and', '#', '=>'];
    let usedEdit = 0;
    let whole = 0;
    for (let step = 0; step < 200; step++) {
      // Edits cluster at line starts, in the preamble and at the end, where piece boundaries move.
      const kind = rand(4);
      let at = rand(text.length);
      if (kind === 0) at = text.lastIndexOf('\n', at) + 1;
      if (kind === 1 && step % 10 === 0) at = rand(300);
      if (kind === 2 && step % 7 === 0) at = text.length - rand(50);
      const del = rand(3) === 0 ? rand(40) : 0;
      const ins = rand(3) === 0 ? '' : inserts[rand(inserts.length)]!;
      const next = text.slice(0, at) + ins + text.slice(Math.min(text.length, at + del));
      if (editOfPieces(state, next, 'auto')) usedEdit++;
      if (!entryStarts(next, 'auto')) whole++;
      state = analyzeDocument('file:///e.rqset', step + 2, 'csreq', next, {}, state);
      text = next;
      assertSameAsFresh(state, text, `step ${step}: at ${at} deleted ${del} inserted ${JSON.stringify(ins)}`, step % 25 === 0);
    }
    assertSameAsFresh(state, text, 'at the end');
    assert.ok(usedEdit > 100, `edits found from the previous pieces: ${usedEdit}`);
    assert.ok(whole < 100, `versions analysed whole: ${whole}`);
  });

  it('keeps the pieces before an edit and moves those after it', () => {
    const text = variedSet(900, false);
    const s1 = analyzeDocument('file:///e.rqset', 1, 'csreq', text, {});
    const at = text.indexOf('"com.example.app300"');
    const edited = text.slice(0, at) + '"com.example.app300 and more"' + text.slice(at + '"com.example.app300"'.length);
    const edit = editOfPieces(s1, edited, 'auto')!;
    const i = s1.views.findIndex((v) => v.hostEnd > at);
    assert.equal(edit.kept, i);
    assert.equal(edit.shifted, s1.views.length - i - 1);
    const s2 = analyzeDocument('file:///e.rqset', 2, 'csreq', edited, {}, s1);
    assert.equal(s2.views[i - 1], s1.views[i - 1]);
    assert.equal(s2.views[i + 1]!.analysis, s1.views[i + 1]!.analysis);
    assert.equal(s2.views[i + 1]!.hostStart, s1.views[i + 1]!.hostStart + 9);
    assertSameAsFresh(s2, edited, 'one edit');
  });

  it('cuts again the pieces next to an edit that joins, splits or removes entries', () => {
    const text = variedSet(900, false);
    const s1 = analyzeDocument('file:///e.rqset', 1, 'csreq', text, {});
    const line2 = s1.views[1]!;
    const cases: [string, string][] = [
      // The first entry's line removed: the next piece becomes the first and takes the preamble.
      ['first entry removed', text.slice(0, text.lastIndexOf('\n', line2.hostStart - 2) + 1) + text.slice(line2.hostStart)],
      ['two entries joined', text.slice(0, s1.views[300]!.hostStart - 1) + ' ' + text.slice(s1.views[300]!.hostStart)],
      ['an entry split', text.slice(0, s1.views[300]!.hostStart + 20) + '\n8 => ' + text.slice(s1.views[300]!.hostStart + 20)],
      ['an entry start broken', text.slice(0, s1.views[300]!.hostStart) + '(' + text.slice(s1.views[300]!.hostStart)],
      ['text appended after the last line', text + '9 => anchor apple generic'],
      ['the last newline removed, then text', text.slice(0, -1) + ' and identifier "z"'],
    ];
    for (const [what, edited] of cases) {
      assert.ok(editOfPieces(s1, edited, 'auto'), what);
      assertSameAsFresh(analyzeDocument('file:///e.rqset', 2, 'csreq', edited, {}, s1), edited, what);
    }
  });
});

describe('memory kept across the versions of a large set', () => {
  it('does not keep the older versions of the text alive', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let text = variedSet(6000, true);
    let state = analyzeDocument('file:///m.rqset', 1, 'csreq', text, {});
    gc();
    const before = process.memoryUsage().heapUsed;
    // One edit in each of 40 entries: each leaves one new piece analysis, cut from its version of the text.
    for (let i = 0; i < 40; i++) {
      const at = state.views[100 + i * 100]!.hostStart + 3;
      text = text.slice(0, at) + ' ' + text.slice(at);
      state = analyzeDocument('file:///m.rqset', i + 2, 'csreq', text, {}, state);
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // 40 versions of a text this size would be 40 × its length; what grows is 40 small analyses.
    assert.ok(grown < 10 * text.length, `heap grew by ${grown} bytes for a ${text.length}-character text`);
    assert.ok(text.length > 500_000);
  });
});
