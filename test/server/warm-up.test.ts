/**
 * A large set just opened is analysed in slices (PieceWarmUp): the result is
 * exactly the analysis made at once, and the server handles other messages
 * meanwhile. Ordered by messages, never timed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyzeDocument, PieceWarmUp } from '../../server/documents.js';
import { LspClient } from './lsp-client.js';

/** 3,000 entries (over 300 KB), with a syntax error, a repeated entry type and lint findings among them. */
function largeSet(): string {
  const lines = ['# csrl: set'];
  for (let i = 1; i <= 3000; i++) {
    if (i === 1500) lines.push(`${i + 5} => identifier "broken" and`);
    else if (i === 2000) lines.push('designated => anchor apple generic');
    else if (i === 2500) lines.push('designated => identifier "again" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"');
    else lines.push(`${i + 5} => identifier "com.example.app${i}" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"`);
  }
  return lines.join('\n') + '\n';
}

describe('PieceWarmUp', () => {
  const uri = 'file:///w/warm.rqset';
  const text = largeSet();
  const direct = analyzeDocument(uri, 1, 'csreq', text, {});

  it('gives the analysis made at once, from a warm-up finished or stopped half-way', () => {
    for (const steps of [Infinity, 3]) {
      const warm = PieceWarmUp.of(uri, 'csreq', text, {})!;
      assert.ok(warm);
      for (let i = 0; i < steps && !warm.done; i++) warm.step(performance.now() + 1);
      assert.equal(warm.done, steps === Infinity);
      const state = analyzeDocument(uri, 1, 'csreq', text, {}, warm.previous());
      assert.deepEqual(state.diagnostics, direct.diagnostics);
      assert.deepEqual(state.views.map((v) => [v.text, v.hostStart, v.hostEnd]), direct.views.map((v) => [v.text, v.hostStart, v.hostEnd]));
    }
    assert.ok(direct.diagnostics.some((d) => d.severity === 'error') && direct.diagnostics.some((d) => d.code === 'CSR066'), JSON.stringify(direct.diagnostics.map((d) => d.code)));
  });

  it('reuses the pieces it analysed', () => {
    const warm = PieceWarmUp.of(uri, 'csreq', text, {})!;
    while (!warm.done) warm.step(performance.now() + 50);
    const previous = warm.previous();
    const state = analyzeDocument(uri, 1, 'csreq', text, {}, previous);
    for (const v of state.views) assert.equal(v.analysis, previous.chunkCache!.get(text.slice(v.hostStart, v.hostEnd)));
  });

  it('is only for what is analysed entry by entry', () => {
    assert.equal(PieceWarmUp.of(uri, 'csreq', 'anchor apple generic\n', {}), undefined);
    assert.equal(PieceWarmUp.of('file:///w/a.swift', 'swift', text, {}), undefined);
    // Without its `# csrl: set` line, a text the settings call single is parsed whole.
    assert.equal(PieceWarmUp.of(uri, 'csreq', text.replace('# csrl: set\n', ''), { mode: 'single' }), undefined);
  });
});

describe('language server: opening a large set', () => {
  let client: LspClient;
  before(async () => {
    // Pulling, as VS Code does: the pull for the set comes right after its open.
    client = await LspClient.start({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
  });
  after(async () => client.stop());

  it('answers a hover on another document sent after the pull for the set before that pull, then the pull in full', async () => {
    const small = 'file:///w/small.csreq';
    client.open(small, 'csreq', 'anchor apple generic and identifier "com.example.app"');
    await client.request('textDocument/diagnostic', { textDocument: { uri: small } });
    const u = 'file:///w/large.rqset';
    const text = largeSet();
    const order: string[] = [];
    client.open(u, 'csreq', text);
    const pull = client.request<{ kind: string; items: unknown[] }>('textDocument/diagnostic', { textDocument: { uri: u } }, 60_000).then((r) => {
      order.push('pull');
      return r;
    });
    const hover = client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 2 } }).then((h) => {
      order.push('hover');
      return h;
    });
    const [report, h] = await Promise.all([pull, hover]);
    assert.ok(h?.contents.value);
    assert.deepEqual(order, ['hover', 'pull'], 'the hover waited for the analysis of the large set');
    assert.equal(report.kind, 'full');
    assert.equal(report.items.length, analyzeDocument(u, 1, 'csreq', text, {}).diagnostics.length);
  });
});
