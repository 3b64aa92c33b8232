/**
 * Configuration profiles and AutoPkg recipes over a real LSP connection
 * (stdio): VS Code opens `.mobileconfig` and `.recipe` as XML (the
 * extension adds the extensions to that language) and `.recipe.yaml` as
 * YAML. Diagnostics land on the host text, hovers work inside the value,
 * and the quick fixes keep the file a valid property list / YAML document.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { parse as parsePlist } from 'plist';
import type { CodeAction, Hover } from 'vscode-languageserver';
import { PPPC_PROFILE, RECIPE_YAML } from '../support/containers.js';
import { applyEdits, LspClient, pos, sliceRange } from './lsp-client.js';

const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

async function fixesAt(u: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): Promise<CodeAction[]> {
  const acts = (await client.request<CodeAction[] | null>('textDocument/codeAction', { textDocument: { uri: u }, range, context: { diagnostics: [] } })) ?? [];
  return acts.filter((a) => a.kind === 'quickfix' && a.edit?.changes?.[u]);
}

describe('configuration profile (xml) over LSP', () => {
  const u = 'file:///workspace/pppc.mobileconfig';

  it('publishes the profile findings on the host ranges, with the same codes as csrl lint', async () => {
    client.open(u, 'xml', PPPC_PROFILE);
    const d = await client.waitForDiagnostics(u);
    assert.deepEqual(d.diagnostics.map((x) => [x.code, x.severity, sliceRange(PPPC_PROFILE, x.range)]), [
      ['CSR104', 2, 'anchor trusted'],
      ['CSR105', 2, 'certificate leaf[subject.CN] = "ABCDE12345"'],
      ['CSR101', 1, 'identifier "com.example.automator"'],
    ]);
    assert.match(d.diagnostics[1]!.message, /is a team ID in the wrong field/);
  });

  it('hovers inside a CodeRequirement value', async () => {
    const offset = PPPC_PROFILE.indexOf('anchor apple generic') + 2;
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: pos(PPPC_PROFILE, offset) });
    assert.ok(h, 'a hover');
    assert.equal(sliceRange(PPPC_PROFILE, h.range!), 'anchor');
  });

  it('every quick fix keeps the profile a valid property list', async () => {
    const d = client.published.filter((p) => p.uri === u).at(-1)!;
    let applied = 0;
    for (const diag of d.diagnostics) {
      for (const a of await fixesAt(u, diag.range)) {
        const fixed = applyEdits(PPPC_PROFILE, a.edit!.changes![u]!);
        assert.doesNotThrow(() => parsePlist(fixed), a.title);
        applied++;
      }
    }
    assert.ok(applied >= 3, `${applied} fixes`);
  });
});

describe('AutoPkg YAML recipe over LSP', () => {
  const u = 'file:///workspace/Example.download.recipe.yaml';

  it('publishes the verifier findings on the YAML scalar', async () => {
    client.open(u, 'yaml', RECIPE_YAML);
    const d = await client.waitForDiagnostics(u);
    assert.deepEqual(d.diagnostics.map((x) => [x.code, x.severity, sliceRange(RECIPE_YAML, x.range)]), [
      ['CSR102', 2, 'anchor apple generic'],
      ['CSR105', 2, 'certificate leaf[subject.CN] = "ABCDE12345"'],
    ]);
  });

  it('the team quick fixes keep the recipe valid YAML and move the team ID to subject.OU', async () => {
    const d = client.published.filter((p) => p.uri === u).at(-1)!;
    const cn = d.diagnostics.find((x) => x.code === 'CSR105')!;
    const move = (await fixesAt(u, cn.range)).find((a) => /subject\.OU/.test(a.title));
    assert.ok(move, 'the CN fix is offered');
    const fixed = applyEdits(RECIPE_YAML, move.edit!.changes![u]!);
    const doc = yaml.load(fixed) as { Process: { Processor: string; Arguments?: { requirement?: string } }[] };
    assert.equal(doc.Process[2]!.Arguments!.requirement, 'identifier "com.example.Example" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"');
    // With the team in subject.OU the weak-anchor finding goes too.
    client.replace(u, 2, fixed);
    const after = await client.waitForDiagnostics(u, (p) => p.version === 2);
    assert.deepEqual(after.diagnostics.map((x) => x.code), []);
  });
});
