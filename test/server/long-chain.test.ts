/**
 * A requirement of 100,000 `or` clauses (3.5 MB, one line): the server
 * answers every request it offers, and answers stay linear in the input
 * (issue: long chains used to overflow the stack or never answer).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspClient } from './lsp-client.js';

const N = 100_000;
const TEXT = Array.from({ length: N }, (_, i) => `identifier "com.example.a${i}"`).join(' or ');
const URI = 'file:///w/long-chain.csreq';
const POS = { line: 0, character: 40 };

let client: LspClient;
before(async () => {
  client = await LspClient.start({ timeouts: { requestMs: 240_000, startMs: 60_000 } });
  client.open(URI, 'csreq', TEXT);
  await client.waitForDiagnostics(URI);
});
after(async () => {
  await client?.stop();
});

const REQUESTS: [string, unknown][] = [
  ['textDocument/hover', { textDocument: { uri: URI }, position: POS }],
  ['textDocument/selectionRange', { textDocument: { uri: URI }, positions: [POS] }],
  ['textDocument/documentSymbol', { textDocument: { uri: URI } }],
  ['textDocument/foldingRange', { textDocument: { uri: URI } }],
  ['textDocument/codeLens', { textDocument: { uri: URI } }],
  ['textDocument/semanticTokens/full', { textDocument: { uri: URI } }],
  ['textDocument/formatting', { textDocument: { uri: URI }, options: { tabSize: 2, insertSpaces: true } }],
  ['textDocument/codeAction', { textDocument: { uri: URI }, range: { start: POS, end: POS }, context: { diagnostics: [] } }],
  ['textDocument/completion', { textDocument: { uri: URI }, position: POS }],
];

describe(`the language server on a chain of ${N} clauses`, () => {
  for (const [method, params] of REQUESTS) {
    it(`${method} answers, with output linear in the input`, async () => {
      const r = await client.request<unknown>(method, params);
      const size = JSON.stringify(r ?? null).length;
      assert.ok(size < TEXT.length * 4, `${method}: ${size} characters for ${TEXT.length} of input`);
    });
  }
});
