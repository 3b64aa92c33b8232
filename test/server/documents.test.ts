import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeRequirement } from '../../language-service/analysis/analyze.js';
import { analyzeDocument, CHUNK_THRESHOLD, entryStarts, viewAt } from '../../server/documents.js';
import { hoverAt } from '../../language-service/hover.js';

function bigSet(entries: number, bad: Map<number, string>): string {
  const lines = ['# csrl: set', '// many entries'];
  for (let i = 1; i <= entries; i++) {
    lines.push(bad.get(i) ?? `${i + 5} => identifier "com.example.app${i}" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"`);
  }
  return lines.join('\n') + '\n';
}

const key = (d: { code: string; range: { start: { offset: number }; end: { offset: number } }; message: string; severity: string }) => `${d.code}@${d.range.start.offset}-${d.range.end.offset}:${d.severity}:${d.message}`;

describe('large sets analysed entry by entry', () => {
  const bad = new Map<number, string>([
    [10, '15 => identifier "com.example.lonely"'],
    [300, '305 => anchor apple generic and certificate leaf[subject.OU] = 34XR7GXFPX'],
    [500, '6 => anchor trusted'],
    [700, 'designated => anchor apple generic and certificate leaf[subject.CN] = "ABCDE12345" or identifier "x.y"'],
  ]);
  const text = bigSet(800, bad);

  it('is used only for large sets written one entry per line', () => {
    assert.ok(text.length > CHUNK_THRESHOLD);
    assert.equal(entryStarts(text, 'auto')?.length, 800);
    assert.equal(entryStarts(text, 'single'), undefined);
    assert.equal(entryStarts('designated => anchor apple\n', 'auto'), undefined);
    assert.equal(entryStarts('anchor apple and\n' + text.slice(text.indexOf('\n6 =>') + 1), 'auto'), undefined);
  });

  it('gives exactly the diagnostics of a whole-document analysis, including duplicates across entries', () => {
    const whole = analyzeRequirement(text).diagnostics.map(key).sort();
    const state = analyzeDocument('file:///big.rqset', 1, 'csreq', text, {});
    assert.ok(state.views.length > 1);
    assert.deepEqual(state.diagnostics.map(key).sort(), whole);
    assert.ok(whole.some((k) => k.startsWith('CSR066')));
    assert.ok(whole.some((k) => k.startsWith('CSR101')));
    assert.ok(whole.some((k) => k.startsWith('CSR012')));
  });

  it('reuses the analyses of unchanged entries after an edit', () => {
    const s1 = analyzeDocument('file:///big.rqset', 1, 'csreq', text, {});
    const edited = text.replace('"com.example.app400"', '"com.example.app400x"');
    const s2 = analyzeDocument('file:///big.rqset', 2, 'csreq', edited, {}, s1);
    const changed = s2.views.filter((v, i) => v.analysis !== s1.views[i]!.analysis);
    assert.equal(changed.length, 1);
    assert.match(changed[0]!.text, /com\.example\.app400x/);
  });

  it('hovers inside a far entry with document offsets', () => {
    const state = analyzeDocument('file:///big.rqset', 1, 'csreq', text, {});
    const at = text.indexOf('anchor trusted') + 8;
    const v = viewAt(state, at)!;
    const h = hoverAt(v.view.text, v.view.analysis, v.offset)!;
    assert.match(h.markdown, /local Trust Settings/);
    assert.equal(v.view.toHost(h.range.start.offset), text.indexOf('trusted', at - 8));
  });
});
