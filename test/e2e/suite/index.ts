/**
 * Integration tests that run inside VS Code's extension host (the
 * `extensionTestsPath` mechanism): against the real extension, the real
 * language server over IPC and real signed binaries. Bundled to CommonJS by
 * `scripts/bundle.mjs --e2e`; `run()` is what the test runner calls (as
 * @vscode/test-electron does), and a rejection makes VS Code exit with 1.
 *
 * Environment (set on the code-server process by test/e2e/harness.ts):
 * CSRL_E2E_WORKSPACE (a copy of examples/), CSRL_E2E_FIXTURE (a signed Mach-O:
 * @sentry/cli-darwin@3.8.0), CSRL_E2E_OUT (a scratch folder).
 */
import * as assert from 'node:assert/strict';
import type { TestResult } from '../../../protocol/lsp.js';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CsrlApi } from '../../../client/extension.js';
import type { ShownResult } from '../../../client/results.js';

const workspace = process.env['CSRL_E2E_WORKSPACE'] ?? '';
const fixture = process.env['CSRL_E2E_FIXTURE'] ?? '';
const scratch = process.env['CSRL_E2E_OUT'] ?? '';

const tests: [string, () => Promise<void>][] = [];
const test = (name: string, fn: () => Promise<void>) => tests.push([name, fn]);

async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspace, rel)));
  return vscode.window.showTextDocument(doc);
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function api(): CsrlApi {
  const ext = vscode.extensions.getExtension<CsrlApi>('csrl.csrl');
  assert.ok(ext, 'extension csrl.csrl is loaded');
  assert.ok(ext.isActive, 'extension is active');
  return ext.exports;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

test('activates on a .csreq file and starts the language server', async () => {
  await open('insecure.csreq');
  const ext = vscode.extensions.getExtension<CsrlApi>('csrl.csrl')!;
  await until('activation', () => ext.isActive);
  await ext.exports.startServer();
  assert.equal(ext.exports.serverRunning(), true);
  console.log(`activation took ${ext.exports.activationMs.toFixed(1)} ms (activate() call)`);
});

test('diagnostics on examples/insecure.csreq: CSR101 (identifier only) and CSR012 (unquoted team ID)', async () => {
  const editor = await open('insecure.csreq');
  const diags = await until('diagnostics', () => {
    const d = vscode.languages.getDiagnostics(editor.document.uri);
    return d.length >= 2 ? d : undefined;
  });
  const codes = diags.map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)));
  assert.ok(codes.includes('CSR101'), `CSR101 in ${codes.join(', ')}`);
  assert.ok(codes.includes('CSR012'), `CSR012 in ${codes.join(', ')}`);
  const csr012 = diags[codes.indexOf('CSR012')]!;
  assert.equal(editor.document.getText(csr012.range), '9ABCDE1234');
  assert.equal(csr012.severity, vscode.DiagnosticSeverity.Error);
});

test('diagnostics on a requirement embedded in Swift (examples/xpc-helper/HelperListener.swift) stay clean for a good requirement', async () => {
  const editor = await open('xpc-helper/HelperListener.swift');
  await api().startServer();
  // The server answers document symbols for embedded literals once it has analysed the file.
  const symbols = await until('document symbols', async () => {
    const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
    return s && s.length > 0 ? s : undefined;
  });
  assert.ok(symbols.length >= 1);
  const errors = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  assert.deepEqual(errors.map((e) => e.message), []);
});

test('hover on "anchor apple generic" explains it', async () => {
  const editor = await open('developer-id.csreq');
  const offset = editor.document.getText().indexOf('anchor apple generic') + 2;
  const hovers = await until('hover', async () => {
    const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.document.positionAt(offset));
    return h && h.length > 0 ? h : undefined;
  });
  assert.match(hoverText(hovers), /Apple/);
});

test('completion after "and " offers keywords and certificate slots', async () => {
  const doc = await vscode.workspace.openTextDocument({ language: 'csreq', content: 'identifier "com.example.a" and ' });
  await vscode.window.showTextDocument(doc);
  const list = await until('completion', async () => {
    const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(doc.getText().length));
    return l && l.items.length > 0 ? l : undefined;
  });
  const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  assert.ok(labels.includes('anchor'), `anchor in ${labels.slice(0, 20).join(', ')}`);
  assert.ok(labels.some((l) => l.startsWith('certificate')), 'a certificate completion');
});

test('Format Document lays out a long requirement, also one with an error-severity lint finding', async () => {
  const doc = await vscode.workspace.openTextDocument({ language: 'csreq', content: 'identifier    "com.example.a"   or   anchor apple  generic and certificate leaf[subject.OU] = "ABCDE12345"\n' });
  await vscode.window.showTextDocument(doc);
  await until('the identifier-only error', async () => (vscode.languages.getDiagnostics(doc.uri).some((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)) === 'CSR101' && d.severity === vscode.DiagnosticSeverity.Error) ? true : undefined));
  const edits = await until('formatting edits', async () => {
    const e = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', doc.uri, { tabSize: 2, insertSpaces: true });
    return e && e.length > 0 ? e : undefined;
  });
  const we = new vscode.WorkspaceEdit();
  we.set(doc.uri, edits);
  assert.ok(await vscode.workspace.applyEdit(we));
  assert.equal(doc.getText(), 'identifier "com.example.a"\n  or anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\n');
});

test('"Test requirement against app or binary" on @sentry/cli-darwin@3.8.0: ✘ on identifier and team, ✔ on the Developer ID clauses', async () => {
  assert.ok(existsSync(fixture), `fixture binary at ${fixture}`);
  const editor = await open('developer-id.csreq');
  const shown = await vscode.commands.executeCommand<ShownResult | undefined>('csrl.testAgainstBinary', { uri: editor.document.uri.toString(), path: fixture });
  assert.ok(shown, 'a result');
  assert.equal(shown.result.verdict, 'unsatisfied');
  assert.deepEqual(shown.result.slices.map((s) => s.arch).sort(), ['arm64', 'x86_64']);
  const mark = (clause: string) => shown.clauses.find((c) => editor.document.getText(c.range) === clause);
  assert.equal(mark('identifier "com.example.helper"')?.verdict, 'false');
  assert.equal(mark('anchor apple generic')?.verdict, 'true');
  assert.equal(mark('certificate leaf[field.1.2.840.113635.100.6.1.13]')?.verdict, 'true');
  const ou = shown.clauses.find((c) => c.clause.includes('subject.OU'));
  assert.equal(ou?.verdict, 'false');
  assert.match(ou!.perSlice[0]!.explanation, /97JCY7859U/);
  assert.match(shown.summary, /^✘ fails for sentry-cli \((x86_64|arm64)\): identifier "com\.example\.helper"$/);
  assert.equal(api().lastResult(editor.document.uri), shown);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
  assert.ok(lenses.some((l) => l.command?.title.startsWith('✘ fails for sentry-cli')), 'the result is in a code lens');
});

test("the server's csrl.testAgainstPath (its code lens command, bundled validator) answers for a given path", async () => {
  const editor = await open('developer-id.csreq');
  // The same result as `csrl check --json` (protocol/lsp.ts TestResult), in its words.
  const r = await vscode.commands.executeCommand<TestResult>('csrl.testAgainstPath', { uri: editor.document.uri.toString(), requirement: 0, path: fixture });
  assert.equal(r.verdict, 'unsatisfied');
  assert.deepEqual(r.slices.map((s) => s.verdict), ['unsatisfied', 'unsatisfied']);
});

test('the same requirement embedded in Swift is tested with marks mapped through the escapes', async () => {
  const editor = await open('xpc-helper/HelperListener.swift');
  const offset = editor.document.getText().indexOf('identifier \\"com.example.app\\"') + 3;
  editor.selection = new vscode.Selection(editor.document.positionAt(offset), editor.document.positionAt(offset));
  const shown = await vscode.commands.executeCommand<ShownResult | undefined>('csrl.testAgainstBinary', { path: fixture });
  assert.ok(shown);
  assert.equal(shown.result.verdict, 'unsatisfied');
  const ident = shown.clauses.find((c) => c.clause.startsWith('identifier'));
  assert.equal(editor.document.getText(ident!.range), 'identifier \\"com.example.app\\"');
});

test('"Generate XPC validation code" for the Swift literal under the cursor opens read-only, never-dirty result documents with the escaped requirement', async () => {
  const editor = await open('xpc-helper/HelperListener.swift');
  const offset = editor.document.getText().indexOf('anchor apple generic and certificate');
  editor.selection = new vscode.Selection(editor.document.positionAt(offset), editor.document.positionAt(offset));
  const untitledBefore = vscode.workspace.textDocuments.filter((d) => d.isUntitled).length;
  const cases = [
    ['objc', 'nsxpc', '11', 'objective-c', 'static NSString *const kClientRequirement = @"', 'SecCodeCheckValidityWithErrors'],
    ['swift', 'nsxpc', '11', 'swift', 'let clientRequirement = "', 'SecCodeCheckValidityWithErrors'],
    ['c', 'xpc', '12', 'c', 'static const char *const kClientRequirement = "', 'xpc_connection_set_peer_lightweight_code_requirement'],
  ] as const;
  for (const [language, family, target, id, decl, api] of cases) {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('csrl.generateXpcCode', { uri: editor.document.uri.toString(), language, family, target, confirm: true });
    assert.ok(doc, 'a document');
    assert.equal(doc.uri.scheme, 'csrl-result');
    assert.equal(doc.isUntitled, false);
    assert.equal(doc.isDirty, false, 'closing it asks nothing');
    // Swift and Objective-C highlighting come from other extensions; without them VS Code keeps plain text.
    assert.ok([id, 'plaintext'].includes(doc.languageId), doc.languageId);
    assert.ok(doc.getText().includes(decl + 'identifier \\"com.example.app\\" and anchor apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\""'), doc.getText().slice(0, 800));
    assert.ok(doc.getText().includes(api));
  }
  assert.equal(vscode.workspace.textDocuments.filter((d) => d.isUntitled).length, untitledBefore, 'no new Untitled buffer');
});

test('signing information opens as a read-only result without a CLI error line', async () => {
  const text = await vscode.commands.executeCommand<string | undefined>('csrl.showSigningInfo', { path: fixture });
  assert.ok(text);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'csrl-result' && d.uri.path.startsWith('/Signing information'));
  assert.ok(doc, vscode.workspace.textDocuments.map((d) => d.uri.toString()).join('\n'));
  assert.equal(doc.isDirty, false);
  assert.equal(doc.getText(), text);
  assert.doesNotMatch(text, /csrl info:/);
  assert.match(text, /^Identifier=/m);
});

test('a compiled requirement opens as read-only text through csrl/decompile', async () => {
  const editor = await open('developer-id.csreq');
  const dest = path.join(scratch, 'developer-id.bin');
  const saved = await vscode.commands.executeCommand<string | undefined>('csrl.compileToBinary', { uri: editor.document.uri.toString(), saveTo: dest });
  assert.equal(saved, dest);
  const bytes = readFileSync(dest);
  assert.equal(bytes.readUInt32BE(0), 0xfade0c00);
  assert.equal(bytes.readUInt32BE(4), bytes.length);
  const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('csrl.openCompiledAsText', vscode.Uri.file(dest));
  assert.ok(doc);
  assert.equal(doc.uri.scheme, 'csreq-decompiled');
  assert.equal(doc.languageId, 'csreq');
  assert.match(doc.getText(), /identifier "com\.example\.helper"/);
  assert.match(doc.getText(), /anchor apple generic/);
  assert.match(doc.getText(), /certificate leaf\[subject\.OU\] = "?ABCDE12345"?/);
});

test('the status bar names the portable checker here and why; the native addon lists processes', async () => {
  const v = api().validator();
  assert.ok(v);
  if (process.platform === 'darwin') {
    assert.equal(v.name, 'Security.framework');
  } else {
    assert.equal(v.name, 'portable checker');
    assert.match(v.why, /only on macOS|native addon not loaded/);
  }
  // The native addon ships in the extension and loads inside the extension host.
  const list = await api().processes();
  const self = list.find((p) => p.pid === process.pid);
  assert.ok(self, `the extension host (pid ${process.pid}) is in the process list of ${list.length}`);
  assert.equal(self.executablePath, process.execPath);
  // The picker shows user names as `csrl ps` does.
  assert.equal(self.user, os.userInfo().username);
});

test('an invalid target gives an actionable error, not a crash', async () => {
  await open('developer-id.csreq');
  const shown = await vscode.commands.executeCommand<ShownResult | undefined>('csrl.testAgainstBinary', { path: path.join(workspace, 'insecure.csreq') });
  assert.equal(shown, undefined);
});

test("Apple's verdict beside ours: with Security.framework (macOS) it agrees on the fixture; elsewhere there is no Apple side and the status says why", async () => {
  const editor = await open('developer-id.csreq');
  const v = api().validator();
  assert.ok(v);
  const shown = await vscode.commands.executeCommand<ShownResult | undefined>('csrl.testAgainstBinary', { uri: editor.document.uri.toString(), path: fixture });
  assert.ok(shown, 'a result');
  assert.equal(shown.result.verdict, 'unsatisfied');
  if (v.name === 'Security.framework') {
    // The real Security.framework (macOS, @vscode/test-electron): the requirement names another identifier and team.
    assert.ok(shown.appleSide, 'an Apple side');
    assert.equal(shown.appleSide.kind, 'path');
    assert.equal(shown.appleSide.verdict, 'not-satisfied', JSON.stringify(shown.appleSide));
    assert.equal(shown.appleSide.result?.name, 'errSecCSReqFailed');
    assert.equal(shown.appleSide.comparison?.outcome, 'agree', shown.appleSide.comparison?.sentence);
    assert.equal(shown.appleSide.disagreement, undefined);
    assert.match(shown.apple ?? '', /^not satisfied \(errSecCSReqFailed -67050/);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    assert.ok(lenses.some((l) => /✘ fails for sentry-cli.* · Apple: not satisfied \(errSecCSReqFailed/.test(l.command?.title ?? '')), 'Apple in the code lens');
  } else {
    assert.equal(v.name, 'portable checker');
    assert.match(v.why, /Security\.framework exists only on macOS|native addon not loaded/);
    assert.equal(shown.appleSide, undefined);
    assert.equal(shown.apple, undefined);
    // csrl.validator is "auto": nobody asked for Apple, so nothing is said about it.
    assert.equal(shown.appleNotAsked, undefined);
  }
});

test('csrl.validator "security-framework": Apple is asked where it exists; elsewhere the result says why it was not', async () => {
  const cfg = vscode.workspace.getConfiguration('csrl');
  await cfg.update('validator', 'security-framework', vscode.ConfigurationTarget.Global);
  try {
    const editor = await open('developer-id.csreq');
    const v = await until('the validator status for the new setting', () => {
      const s = api().validator();
      return s && (s.name === 'Security.framework' || /requested but unavailable/.test(s.why)) ? s : undefined;
    });
    const shown = await vscode.commands.executeCommand<ShownResult | undefined>('csrl.testAgainstBinary', { uri: editor.document.uri.toString(), path: fixture });
    assert.ok(shown);
    if (v.name === 'Security.framework') {
      assert.equal(shown.appleSide?.comparison?.outcome, 'agree');
      assert.equal(shown.appleNotAsked, undefined);
    } else {
      assert.match(v.why, /^Security\.framework requested but unavailable: /);
      assert.equal(shown.appleSide, undefined);
      assert.match(shown.appleNotAsked ?? '', /Security\.framework exists only on macOS|native addon/);
    }
  } finally {
    await cfg.update('validator', undefined, vscode.ConfigurationTarget.Global);
  }
});

export async function run(): Promise<void> {
  let failed = 0;
  const t0 = Date.now();
  for (const [name, fn] of tests) {
    const t = Date.now();
    try {
      await fn();
      console.log(`ok - ${name} (${Date.now() - t} ms)`);
    } catch (err) {
      failed++;
      console.log(`not ok - ${name}\n  ${((err as Error).stack ?? String(err)).replace(/\n/g, '\n  ')}`);
    }
  }
  console.log(`# ${tests.length - failed}/${tests.length} passed in ${Date.now() - t0} ms`);
  if (failed > 0) throw new Error(`${failed} of ${tests.length} integration tests failed`);
}
