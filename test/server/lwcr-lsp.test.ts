import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, Hover, TextEdit } from 'vscode-languageserver';
import { applyEdits, LspClient, marked, pos, sliceRange } from './lsp-client.js';

/**
 * Lightweight code requirements in host documents, over a real LSP
 * connection (stdio): a launchd plist (`SpawnConstraint`), a launch-constraint
 * plist, Objective-C XPC dictionary code and Swift builder code. Each
 * fixture marks the range the finding must cover (⟦…⟧) and a hover cursor (‸);
 * the quick fix is applied and the fixed text must be free of the finding.
 */
interface Fixture {
  name: string;
  languageId: string;
  ext: string;
  src: string;
  code: string;
  /** The marked range's text. */
  flagged: string;
  hover: RegExp;
  fixTitle: RegExp;
  /** The fixed document must contain this. */
  fixed: string;
  /** A completion: text inserted at `at` (a substring the completion position follows), and a label expected. */
  completion: { replace: [string, string]; after: string; label: string; not?: string };
}

const LAUNCHD = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>Label</key>
\t<string>com.example.helper</string>
\t<key>SpawnConstraint</key>
\t<dict>
\t\t⟦<key>team-identifier</key>⟧
\t\t<string>ABCDE12345</string>
\t\t<key>launch-‸type</key>
\t\t<integer>1</integer>
\t</dict>
</dict>
</plist>
`;

const CONSTRAINT = `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
\t<key>team-identifier</key>
\t<string>ABCDE12345</string>
\t⟦<key>validation-category</key>⟧
\t<integer>1‸0</integer>
</dict>
</plist>
`;

const OBJC = `#include <xpc/xpc.h>

static void guard(xpc_connection_t conn) {
    xpc_object_t req = xpc_dictionary_create(NULL, NULL, 0);
    xpc_dictionary_set_string(req, ⟦"signing-identifier"⟧, "com.example.client");
    xpc_dictionary_set_bool(req, "is-init-‸proc", false);
    xpc_connection_set_peer_lightweight_code_requirement(conn, req);
}
`;

const SWIFT = `import LightweightCodeRequirements

func requirement() throws -> OnDiskCodeRequirement {
    try OnDiskCodeRequirement.allOf {
        ⟦TeamIdentifier⟧("ABCDE12345")
        SigningIdentifier("com.example.tool")
        PlatformType(.ma‸cOS)
    }
}
`;

const FIXTURES: Fixture[] = [
  {
    name: 'launchd plist (SpawnConstraint)', languageId: 'plist', ext: 'plist', src: LAUNCHD,
    code: 'CSR114', flagged: '<key>team-identifier</key>', hover: /launch-type.*LWCR fact[\s\S]*Static:\*\* no[\s\S]*SpawnConstraint/,
    fixTitle: /validation-category` 6/, fixed: '\t\t<key>validation-category</key>\n\t\t<integer>6</integer>',
    completion: { replace: ['<key>launch-type</key>', '<key>launch-type</key>\n\t\t<key>valid</key>'], after: '<key>valid', label: 'validation-category' },
  },
  {
    name: 'launch-constraint plist', languageId: 'plist', ext: 'plist', src: CONSTRAINT,
    code: 'CSR116', flagged: '<key>validation-category</key>', hover: /validation-category 10\*\* — none of the above[\s\S]*ad-hoc/,
    fixTitle: /Developer ID \(6\)/, fixed: '<key>validation-category</key>\n\t<integer>6</integer>',
    completion: { replace: ['<integer>10</integer>', '<integer></integer>'], after: '<key>validation-category</key>\n\t<integer>', label: '6', not: '7' },
  },
  {
    name: 'Objective-C XPC dictionary', languageId: 'objective-c', ext: 'm', src: OBJC,
    code: 'CSR113', flagged: '"signing-identifier"', hover: /is-init-proc.*LWCR fact[\s\S]*Static:\*\* no[\s\S]*xpc_connection_set_peer_lightweight_code_requirement/,
    fixTitle: /team-identifier/, fixed: '    xpc_dictionary_set_string(req, "team-identifier", "TEAMID");\n    xpc_dictionary_set_int64(req, "validation-category", 6);',
    completion: { replace: ['"is-init-proc", false);', '"is-init-proc", false);\n    xpc_dictionary_set_int64(req, "valid'], after: 'xpc_dictionary_set_int64(req, "valid', label: 'validation-category', not: 'team-identifier' },
  },
  {
    name: 'Swift builder', languageId: 'swift', ext: 'swift', src: SWIFT,
    code: 'CSR114', flagged: 'TeamIdentifier', hover: /platform-type 1\*\* — macOS/,
    fixTitle: /validation-category` 6/, fixed: '        PlatformType(.macOS)\n        ValidationCategory(.developerID)\n    }',
    completion: { replace: ['PlatformType(.macOS)', 'ValidationCategory(.dev'], after: 'ValidationCategory(.dev', label: 'developerID' },
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

const diagnosticsOf = async (uri: string, version = 1): Promise<Diagnostic[]> => (await client.waitForDiagnostics(uri, (p) => p.version === version)).diagnostics;

describe('LWCR over LSP', () => {
  for (const f of FIXTURES) {
    describe(f.name, () => {
      const m = marked(f.src);
      const u = `file:///workspace/lwcr${++n}.${f.ext}`;

      it('reports the lint finding at its place in the host text', async () => {
        client.open(u, f.languageId, m.text);
        const d = await diagnosticsOf(u);
        const hit = d.filter((x) => x.code === f.code);
        assert.equal(hit.length, 1, JSON.stringify(d));
        assert.equal(sliceRange(m.text, hit[0]!.range), f.flagged);
        assert.deepEqual(hit[0]!.range.start, pos(m.text, m.ranges[0]![0]));
      });

      it('hovers with what the fact or value means', async () => {
        const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: pos(m.text, m.cursor!) });
        assert.ok(h, 'no hover');
        assert.match((h.contents as { value: string }).value, f.hover);
      });

      it('offers a quick fix in the host\'s own form that removes the finding', async () => {
        const d = (await diagnosticsOf(u)).find((x) => x.code === f.code)!;
        const acts = (await client.request<CodeAction[] | null>('textDocument/codeAction', { textDocument: { uri: u }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } })) ?? [];
        const fix = acts.find((a) => f.fixTitle.test(a.title));
        assert.ok(fix, JSON.stringify(acts.map((a) => a.title)));
        const fixed = applyEdits(m.text, fix.edit!.changes![u]!);
        assert.ok(fixed.includes(f.fixed), fixed);
        const u2 = u.replace(/\.(\w+)$/, '-fixed.$1');
        client.open(u2, f.languageId, fixed);
        const after = await diagnosticsOf(u2);
        assert.deepEqual(after.filter((x) => x.code === f.code || x.severity === 1), [], JSON.stringify(after));
        client.close(u2);
      });

      it('completes facts and values where they go', async () => {
        const [from, to] = f.completion.replace;
        assert.ok(m.text.includes(from));
        const edited = m.text.replace(from, to);
        // No wait for diagnostics: a half-typed entry may leave them unchanged, and the server does not re-send
        // an unchanged list. Requests are answered in order, after the change.
        client.replace(u, 2, edited);
        const at = edited.indexOf(f.completion.after) + f.completion.after.length;
        const r = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri: u }, position: pos(edited, at) });
        const items = Array.isArray(r) ? r : r?.items ?? [];
        const item = items.find((i) => i.label === f.completion.label);
        assert.ok(item, JSON.stringify(items.map((i) => i.label)));
        if (f.completion.not) assert.ok(!items.some((i) => i.label === f.completion.not), `${f.completion.not} offered: ${JSON.stringify(items.map((i) => i.label))}`);
        // The edit replaces the word typed so far with the whole label.
        const done = applyEdits(edited, [item.textEdit as TextEdit]);
        assert.ok(done.slice(0, at + 40).includes(f.completion.after.replace(/\w+$/, '') + f.completion.label), done);
        client.close(u);
      });
    });
  }

  it('reports LWCR validation errors (LW0xx) with positions in a launchd plist, and offers the fact a typo meant', async () => {
    const m = marked(LAUNCHD.replace('⟦<key>team-identifier</key>⟧', '<key>team-identifier</key>').replace('<key>launch-‸type</key>', '⟦<key>launch-typ</key>⟧'));
    const u = 'file:///workspace/typo.plist';
    client.open(u, 'plist', m.text);
    const d = await diagnosticsOf(u);
    const typo = d.find((x) => x.code === 'LW010');
    assert.ok(typo, JSON.stringify(d));
    assert.equal(typo.severity, 1);
    assert.equal(sliceRange(m.text, typo.range), '<key>launch-typ</key>');
    const acts = (await client.request<CodeAction[] | null>('textDocument/codeAction', { textDocument: { uri: u }, range: typo.range, context: { diagnostics: [typo], only: ['quickfix'] } })) ?? [];
    const rename = acts.find((a) => /launch-type/.test(a.title));
    assert.ok(rename, JSON.stringify(acts.map((a) => a.title)));
    assert.ok(applyEdits(m.text, rename.edit!.changes![u]!).includes('<key>launch-type</key>'));
    client.close(u);
  });

  it('reads a Swift XPCDictionary literal and hovers on its keys', async () => {
    const m = marked('import XPC\nlet r = XPCPeerRequirement(lightweightCodeRequirements: [⟦"team-identifier"⟧: "ABCDE12345", "validation-cat‸egory": 6])\n');
    const u = 'file:///workspace/peer.swift';
    client.open(u, 'swift', m.text);
    const d = await diagnosticsOf(u);
    assert.deepEqual(d.filter((x) => x.code === 'CSR114'), [], 'category 6 binds the team');
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: pos(m.text, m.cursor!) });
    assert.match((h?.contents as { value: string }).value, /validation-category[\s\S]*XPCPeerRequirement\(lightweightCodeRequirements:\)` \(macOS 26\)/);
    client.close(u);
  });

  it('leaves an ordinary Info.plist alone', async () => {
    const u = 'file:///workspace/Info.plist';
    const text = '<?xml version="1.0"?>\n<plist version="1.0">\n<dict>\n\t<key>CFBundleIdentifier</key>\n\t<string>com.example</string>\n\t<key></key>\n</dict>\n</plist>\n';
    client.open(u, 'plist', text);
    assert.deepEqual((await diagnosticsOf(u)).filter((x) => /^LW|CSR11[3-6]/.test(String(x.code))), []);
    const at = text.indexOf('<key></key>') + 5;
    const r = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri: u }, position: pos(text, at) });
    const items = Array.isArray(r) ? r : r?.items ?? [];
    assert.ok(!items.some((i) => i.label === 'team-identifier'), 'LWCR facts offered in an Info.plist');
    client.close(u);
  });
});
