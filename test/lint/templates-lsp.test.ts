import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction } from 'vscode-languageserver';
import { analyzeHostDocument } from '../../language-service/analysis/analyze.js';
import { extractRequirements } from '../../language-service/embedded/extract.js';
import { applyEdits, LspClient, offsetOf, sliceRange } from '../server/lsp-client.js';
import { REAL_WORLD } from './real-world-fixtures.js';

/**
 * Requirement templates and followed values over a real LSP connection: the
 * server publishes the same findings as `csrl lint` (computed once in the
 * language service), at the same host ranges, and its quick fixes never
 * write into a hole.
 */
let client: LspClient;

before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

const CASES = [
  { name: 'XPCServer.swift', languageId: 'swift' },
  { name: 'release.sh', languageId: 'shellscript' },
  { name: 'HelperTool.m', languageId: 'objective-c' },
];

describe('templates over LSP', () => {
  for (const c of CASES) {
    it(`${c.name}: diagnostics match the language service exactly, and quick fixes stay out of holes`, async () => {
      const text = REAL_WORLD[c.name]!;
      const uri = `file:///workspace/${c.name}`;
      client.open(uri, c.languageId, text);
      const published = await client.waitForDiagnostics(uri);
      const expected = analyzeHostDocument(text, c.languageId).diagnostics;
      assert.ok(expected.some((d) => /\[Template: /.test(d.message)), 'the fixture has template findings');
      assert.deepEqual(
        published.diagnostics.map((d) => [d.code, sliceRange(text, d.range), d.message]),
        expected.map((d) => [d.code, text.slice(d.range.start.offset, d.range.end.offset), d.message]),
      );
      const holes = extractRequirements(text, c.languageId).flatMap((r) => (r.holes ?? []).map((h) => [r.toHostOffset(h.start), r.toHostOffset(h.end)] as const));
      assert.ok(holes.length > 0);
      let fixesChecked = 0;
      for (const d of published.diagnostics) {
        const acts = (await client.request<CodeAction[] | null>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) ?? [];
        for (const a of acts) {
          for (const e of a.edit?.changes?.[uri] ?? []) {
            fixesChecked++;
            const s = offsetOf(text, e.range.start);
            const t = offsetOf(text, e.range.end);
            for (const [hs, he] of holes) assert.ok(t <= hs || s >= he, `${a.title} edits a hole at ${hs}`);
            assert.doesNotMatch(e.newText, /csrlHole/);
          }
          // Applied, the edit leaves the requirement readable: no syntax error appears.
          const edited = applyEdits(text, a.edit?.changes?.[uri] ?? []);
          assert.deepEqual(analyzeHostDocument(edited, c.languageId).diagnostics.filter((x) => x.code < 'CSR100').map((x) => x.message), [], a.title);
        }
      }
      assert.ok(fixesChecked > 0, 'some template finding has a quick fix');
    });
  }
});
