import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, Hover, TextEdit } from 'vscode-languageserver';
import { applyEdits, LspClient, marked, pos, sliceRange } from './lsp-client.js';

/**
 * Requirements inside host documents, over a real LSP connection. Each
 * fixture marks the expected R1 range (⟦…⟧, in host text, through the
 * host's escapes) and a cursor (‸) inside the string for hover and
 * completion.
 */
const FIXTURES: { languageId: string; ext: string; src: string; hoverWord: string }[] = [
  {
    languageId: 'swift', ext: 'swift',
    src: 'import Security\nvar requirement: SecRequirement?\nSecRequirementCreateWithString("⟦identifier \\"com.example.app\\"⟧ and anch‸or apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\" or identifier \\"x.y\\"" as CFString, [], &requirement)\n',
    hoverWord: 'anchor',
  },
  {
    languageId: 'objective-c', ext: 'm',
    src: '#import <Security/Security.h>\nstatic void f(void) {\n  SecRequirementRef r = NULL;\n  SecRequirementCreateWithString(CFSTR("⟦identifier \\"com.example.app\\"⟧ and anch‸or apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\" or identifier \\"x.y\\""), kSecCSDefaultFlags, &r);\n}\n',
    hoverWord: 'anchor',
  },
  {
    languageId: 'c', ext: 'c',
    src: '#include <Security/Security.h>\nvoid f(void) {\n  SecRequirementRef r = 0;\n  SecRequirementCreateWithString(CFSTR("⟦identifier \\"com.example.app\\"⟧ and anch‸or apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\" or identifier \\"x.y\\""), 0, &r);\n}\n',
    hoverWord: 'anchor',
  },
  {
    languageId: 'cpp', ext: 'cpp',
    src: '#include <Security/Security.h>\nvoid f() {\n  SecRequirementRef r = nullptr;\n  SecRequirementCreateWithString(CFSTR("⟦identifier \\"com.example.app\\"⟧ and anch‸or apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\" or identifier \\"x.y\\""), kSecCSDefaultFlags, &r);\n}\n',
    hoverWord: 'anchor',
  },
  {
    languageId: 'objective-cpp', ext: 'mm',
    src: '#import <Security/Security.h>\nstatic void f() {\n  SecRequirementRef r = nullptr;\n  SecRequirementCreateWithString(CFSTR("⟦identifier \\"com.example.app\\"⟧ and anch‸or apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\" or identifier \\"x.y\\""), kSecCSDefaultFlags, &r);\n}\n',
    hoverWord: 'anchor',
  },
  {
    languageId: 'shellscript', ext: 'sh',
    src: '#!/bin/sh\ncsreq -r=\'⟦identifier "com.example.app"⟧ and anch‸or apple generic and certificate leaf[subject.OU] = "ABCDE12345" or identifier "x.y"\' -b out.req\n',
    hoverWord: 'anchor',
  },
  {
    languageId: 'plist', ext: 'plist',
    src: '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>SMAuthorizedClients</key>\n\t<array>\n\t\t<string>⟦identifier &quot;com.example.app&quot;⟧ and anch‸or apple generic and certificate leaf[subject.OU] = &quot;ABCDE12345&quot; or identifier &quot;x.y&quot;</string>\n\t</array>\n</dict>\n</plist>\n',
    hoverWord: 'anchor',
  },
  {
    languageId: 'xml', ext: 'xml',
    src: '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>SMPrivilegedExecutables</key>\n\t<dict>\n\t\t<key>com.example.helper</key>\n\t\t<string>⟦identifier &quot;com.example.app&quot;⟧ and anch‸or apple generic and certificate leaf[subject.OU] = &quot;ABCDE12345&quot; or identifier &quot;x.y&quot;</string>\n\t</dict>\n</dict>\n</plist>\n',
    hoverWord: 'anchor',
  },
];

let client: LspClient;
let n = 0;

before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

describe('embedded requirements over LSP', () => {
  for (const f of FIXTURES) {
    describe(f.languageId, () => {
      const m = marked(f.src);
      const u = `file:///workspace/host${++n}.${f.ext}`;
      // The R1 finding is on the weak `or` branch `identifier "x.y"`, the last one.
      it('maps diagnostics into the host text exactly', async () => {
        client.open(u, f.languageId, m.text);
        const d = await client.waitForDiagnostics(u);
        const r1 = d.diagnostics.filter((x) => x.code === 'CSR101').map((x) => sliceRange(m.text, x.range));
        assert.equal(r1.length, 1, JSON.stringify(d.diagnostics));
        assert.match(r1[0]!, /^identifier (\\"|"|&quot;)x\.y(\\"|"|&quot;)$/);
        // The unparenthesised `and … or` finding covers the first branch, which starts at the marked range.
        const r10 = d.diagnostics.find((x) => x.code === 'CSR110' && /binds tighter/.test(x.message));
        assert.ok(r10, JSON.stringify(d.diagnostics));
        assert.deepEqual(r10.range.start, pos(m.text, m.ranges[0]![0]));
      });
      it('hovers inside the string', async () => {
        const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: pos(m.text, m.cursor!) });
        assert.match((h?.contents as { value: string }).value, /constrains the root of the signing chain/);
        assert.equal(sliceRange(m.text, h!.range!), f.hoverWord);
      });
      it('completes inside the string', async () => {
        // Replace the word under the cursor with `certificate leaf[` and ask for keys.
        const start = m.text.lastIndexOf(' ', m.cursor!) + 1;
        const end = m.text.indexOf(' ', m.cursor!);
        const edited = m.text.slice(0, start) + 'certificate leaf[' + m.text.slice(end);
        client.replace(u, 2, edited);
        await client.waitForDiagnostics(u, (p) => p.version === 2);
        const at = start + 'certificate leaf['.length;
        const r = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri: u }, position: pos(edited, at) });
        const items = Array.isArray(r) ? r : r?.items ?? [];
        const ou = items.find((i) => i.label === 'subject.OU');
        assert.ok(ou, JSON.stringify(items.slice(0, 5)));
        assert.deepEqual((ou.textEdit as TextEdit).range.start, pos(edited, at));
        client.replace(u, 3, m.text);
        await client.waitForDiagnostics(u, (p) => p.version === 3);
      });
    });
  }

  it('gives symbols, selection ranges, code lenses and compiled bytes for an embedded requirement', async () => {
    const src = 'let ok = SecRequirementCreateWithString("anchor ‸apple" as CFString, [], &r)\n';
    const m = marked(src);
    const u = 'file:///workspace/lens.swift';
    client.open(u, 'swift', m.text);
    await client.waitForDiagnostics(u);
    const symbols = await client.request<{ name: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
    assert.equal(symbols.length, 1);
    assert.equal(sliceRange(m.text, symbols[0]!.range), 'anchor apple');
    const [sel] = await client.request<{ range: { start: { line: number; character: number }; end: { line: number; character: number } } }[]>('textDocument/selectionRange', { textDocument: { uri: u }, positions: [pos(m.text, m.cursor!)] });
    assert.equal(sliceRange(m.text, sel!.range), 'anchor apple');
    const lenses = await client.request<{ command: { command: string; arguments: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri: u } });
    const show = lenses.find((l) => l.command.command === 'csrl.showCompiled')!;
    const r = await client.request<{ hex: string }>('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: show.command.arguments });
    assert.equal(r.hex, 'fade0c00000000100000000100000003');
  });

  it('escapes quick-fix text for the host literal (Swift)', async () => {
    const src = 'connection.setCodeSigningRequirement("anchor apple generic and certificate leaf[subject.OU] = ⟦34XR7GXFPX⟧")\n';
    const m = marked(src);
    const u = 'file:///workspace/fix.swift';
    client.open(u, 'swift', m.text);
    await client.waitForDiagnostics(u);
    const acts = (await client.request<CodeAction[] | null>('textDocument/codeAction', {
      textDocument: { uri: u }, range: { start: pos(m.text, m.ranges[0]![0]), end: pos(m.text, m.ranges[0]![1]) }, context: { diagnostics: [] },
    })) ?? [];
    const quote = acts.find((a) => a.kind === 'quickfix' && /34XR7GXFPX/.test(JSON.stringify(a.edit)));
    assert.ok(quote, JSON.stringify(acts.map((a) => a.title)));
    assert.equal(applyEdits(m.text, quote.edit!.changes![u]!), 'connection.setCodeSigningRequirement("anchor apple generic and certificate leaf[subject.OU] = \\"34XR7GXFPX\\"")\n');
  });

  it('reports an XPC listener without a requirement (R12) in Swift', async () => {
    const m = marked('final class D: NSObject, NSXPCListenerDelegate {\n  func listener(_ l: NSXPCListener, ⟦shouldAcceptNewConnection⟧ c: NSXPCConnection) -> Bool {\n    c.resume()\n    return true\n  }\n}\n');
    const u = 'file:///workspace/listener.swift';
    client.open(u, 'swift', m.text);
    const d = await client.waitForDiagnostics(u);
    const r12 = d.diagnostics.find((x) => x.code === 'CSR112');
    assert.ok(r12);
    assert.equal(sliceRange(m.text, r12.range), 'shouldAcceptNewConnection');
  });
});
