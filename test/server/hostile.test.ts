import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver/node.js';
import { LspClient } from './lsp-client.js';

/**
 * Malformed or hostile traffic: the server answers or reports an error, never
 * dies, and its memory stays bounded.
 */
let client: LspClient;

before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

async function alive(): Promise<void> {
  const u = `file:///w/alive-${Date.now()}-${Math.random()}.csreq`;
  client.open(u, 'csreq', 'anchor apple');
  const d = await client.waitForDiagnostics(u);
  assert.deepEqual(d.diagnostics, []);
  assert.equal(client.exited, undefined);
}

describe('hostile traffic', () => {
  it('a 10 MB document gets a clear diagnostic and bounded memory', async () => {
    const u = 'file:///w/huge.csreq';
    const line = 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\n';
    const text = line.repeat(Math.ceil((10 * 1024 * 1024) / line.length));
    client.open(u, 'csreq', text);
    const d = await client.waitForDiagnostics(u, () => true, 60000);
    assert.equal(d.diagnostics.length, 1);
    assert.match(d.diagnostics[0]!.message, /MB/);
    const h = await client.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 5, character: 3 } });
    assert.equal(h, null);
    const rss = client.rss();
    if (rss !== undefined) assert.ok(rss < 1024 * 1024 * 1024, `RSS ${rss}`);
    client.close(u);
    await alive();
  });

  it('survives 10,000 rapid edits and publishes the final version', async () => {
    const u = 'file:///w/rapid.csreq';
    let text = 'identifier "com.example.app" and anchor apple generic';
    client.open(u, 'csreq', text);
    await client.waitForDiagnostics(u);
    let version = 1;
    for (let i = 0; i < 10000; i++) {
      const ch = i % 2 === 0 ? ' ' : '\n';
      client.edit(u, ++version, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ch);
      text = ch + text;
    }
    const d = await client.waitForDiagnostics(u, (p) => p.version === version, 60000);
    assert.ok(d.diagnostics.some((x) => x.code === 'CSR102'));
    const finalCount = client.published.filter((p) => p.uri === u).length;
    assert.ok(finalCount < 10000, `published ${finalCount} times for 10,000 edits`);
    const rss = client.rss();
    if (rss !== undefined) assert.ok(rss < 1024 * 1024 * 1024, `RSS ${rss}`);
  });

  it('answers requests for closed and unknown documents', async () => {
    const u = 'file:///w/closed.csreq';
    client.open(u, 'csreq', 'anchor apple');
    await client.waitForDiagnostics(u);
    client.close(u);
    const cleared = await client.waitForDiagnostics(u, (p) => p.diagnostics.length === 0);
    assert.deepEqual(cleared.diagnostics, []);
    for (const method of ['textDocument/hover', 'textDocument/completion']) {
      assert.equal(await client.request(method, { textDocument: { uri: u }, position: { line: 0, character: 0 } }), null);
    }
    assert.equal(await client.request('textDocument/formatting', { textDocument: { uri: 'file:///nope.csreq' }, options: { tabSize: 2, insertSpaces: true } }), null);
    assert.equal(await client.request('textDocument/codeAction', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), null);
    await assert.rejects(client.request('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: [{ uri: u }] }), /not open/);
    await alive();
  });

  it('clamps out-of-range positions', async () => {
    const u = 'file:///w/range.csreq';
    client.open(u, 'csreq', 'anchor apple generic');
    await client.waitForDiagnostics(u);
    for (const position of [{ line: 99999, character: 99999 }, { line: 0, character: 99999 }, { line: 2 ** 31 - 1, character: 0 }]) {
      await client.request('textDocument/hover', { textDocument: { uri: u }, position });
      await client.request('textDocument/completion', { textDocument: { uri: u }, position });
      await client.request('textDocument/selectionRange', { textDocument: { uri: u }, positions: [position] });
    }
    await client.request('textDocument/codeAction', { textDocument: { uri: u }, range: { start: { line: 5, character: 0 }, end: { line: 9, character: 9 } }, context: { diagnostics: [] } });
    await alive();
  });

  it('handles cancellation: the answer is a result or a cancellation error', async () => {
    const u = 'file:///w/cancel.csreq';
    const text = 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\n'.repeat(2000);
    client.open(u, 'csreq', text);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => {
      const source = new CancellationTokenSource();
      const p = client.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 10, character: 3 } }, source.token);
      source.cancel();
      return p;
    }));
    for (const r of results) {
      if (r.status === 'rejected') assert.match(String((r.reason as Error).message), /cancel/i);
    }
    await alive();
  });

  it('rejects malformed parameters and unknown methods without dying', async () => {
    await assert.rejects(client.request('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: [42] }));
    await assert.rejects(client.request('workspace/executeCommand', { command: 'csrl.nope', arguments: [{ uri: 'file:///w/x.csreq' }] }));
    await assert.rejects(client.request('csrl/decompile', { base64: 'AAAA' }), /not a requirement blob/);
    await assert.rejects(client.request('csrl/decompile', { base64: Buffer.from('fade0c00ffffffff0000000100000003', 'hex').toString('base64') }));
    await assert.rejects(client.request('csrl/decompile', {}), /needs/);
    await assert.rejects(client.request('csrl/noSuchMethod', {}));
    client.open('file:///w/binaryish.csreq', 'csreq', '\u0000\u00ff\ufffd' + 'x'.repeat(100));
    await client.waitForDiagnostics('file:///w/binaryish.csreq');
    await alive();
  });
});
