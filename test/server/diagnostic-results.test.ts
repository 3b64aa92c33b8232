/**
 * Sending only what changed: an unchanged diagnostics list is not pushed
 * again to a client that ignores versions, and a client that pulls (LSP 3.17
 * textDocument/diagnostic) is answered `unchanged` for the result it already
 * holds. A client that interprets the version of pushed diagnostics gets the
 * latest version's list even when it is unchanged. Counted in messages,
 * never timed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { DiagnosticResults, sameDiagnostics } from '../../server/diagnostic-results.js';
import { LspClient } from './lsp-client.js';

const diag = (line: number, message = 'm'): Diagnostic => ({ range: { start: { line, character: 0 }, end: { line, character: 3 } }, severity: 2, code: 'CSR101', source: 'csrl', message });

describe('DiagnosticResults', () => {
  it('compares diagnostics field by field', () => {
    assert.ok(sameDiagnostics([diag(1)], [diag(1)]));
    assert.ok(!sameDiagnostics([diag(1)], [diag(2)]));
    assert.ok(!sameDiagnostics([diag(1)], [diag(1, 'other')]));
    assert.ok(!sameDiagnostics([diag(1)], [diag(1), diag(2)]));
    assert.ok(!sameDiagnostics([{ ...diag(1), data: { apple: 'a' } }], [{ ...diag(1), data: { apple: 'b' } }]));
  });

  it('pushes a list once, and again only when it changes', () => {
    const r = new DiagnosticResults();
    assert.ok(r.shouldPush('u', [diag(1)]));
    assert.ok(!r.shouldPush('u', [diag(1)]));
    assert.ok(r.shouldPush('u', [diag(2)]));
    r.forget('u');
    assert.ok(r.shouldPush('u', [diag(2)]), 'after a close the list is sent again');
  });

  it('pushes an unchanged list again when the version moved, for a client that interprets versions', () => {
    const r = new DiagnosticResults();
    assert.ok(r.shouldPush('u', [diag(1)], 1));
    assert.ok(!r.shouldPush('u', [diag(1)], 1), 'the same version and list is not sent twice');
    assert.ok(r.shouldPush('u', [diag(1)], 2), 'a new version is news to the client even with the same list');
    assert.ok(r.shouldPush('u', [diag(2)], 2));
  });

  it('answers a pull unchanged only for the result id the client holds', () => {
    const r = new DiagnosticResults();
    const first = r.report('u', [diag(1)], undefined);
    assert.equal(first.kind, 'full');
    assert.deepEqual(r.report('u', [diag(1)], first.resultId), { kind: 'unchanged', resultId: first.resultId });
    assert.equal(r.report('u', [diag(1)], 'stale').kind, 'full', 'a client holding another result gets the full list');
    const latest = r.report('u', [diag(1)], undefined);
    const changed = r.report('u', [diag(3)], latest.resultId);
    assert.equal(changed.kind, 'full');
    assert.notEqual(changed.resultId, latest.resultId);
  });
});

describe('language server: pull diagnostics', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
  });
  after(async () => client.stop());

  it('advertises a diagnostic provider, pushes nothing and answers pulls, unchanged when nothing changed', async () => {
    assert.ok(client.capabilities?.['diagnosticProvider'], JSON.stringify(client.capabilities));
    const u = 'file:///w/pull.csreq';
    // CSR102 on `anchor apple generic`, before every edit below.
    const text = 'anchor apple generic and identifier "com.example.app"';
    client.open(u, 'csreq', text);
    type Report = { kind: string; resultId?: string; items?: Diagnostic[] };
    const first = await client.request<Report>('textDocument/diagnostic', { textDocument: { uri: u } });
    assert.equal(first.kind, 'full');
    assert.ok(first.items!.length > 0);
    // Same diagnostics after an edit inside the identifier's string (none of them moves).
    client.edit(u, 2, { start: { line: 0, character: 40 }, end: { line: 0, character: 40 } }, 'x');
    const second = await client.request<Report>('textDocument/diagnostic', { textDocument: { uri: u }, previousResultId: first.resultId });
    assert.deepEqual(second, { kind: 'unchanged', resultId: first.resultId });
    // A syntax error changes them.
    client.edit(u, 3, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '(');
    const third = await client.request<Report>('textDocument/diagnostic', { textDocument: { uri: u }, previousResultId: first.resultId });
    assert.equal(third.kind, 'full');
    assert.ok(third.items!.some((d) => d.severity === 1), JSON.stringify(third.items));
    assert.equal(client.published.filter((p) => p.uri === u).length, 0, 'a pulling client gets no push');
  });
});

describe('language server: push sends only changed lists to a client that ignores versions', () => {
  let client: LspClient;
  before(async () => {
    // As VS Code's language client declares when it is pushed to.
    client = await LspClient.start({ capabilities: { textDocument: { publishDiagnostics: { versionSupport: false } } } });
  });
  after(async () => client.stop());

  it('does not publish again when an edit leaves the diagnostics as they were', async () => {
    const u = 'file:///w/push.csreq';
    // CSR102 on `anchor apple generic`, before every edit inside the identifier's string.
    client.open(u, 'csreq', 'anchor apple generic and identifier "com.example.app"');
    const first = await client.waitForDiagnostics(u, (p) => p.version === 1);
    assert.equal(first.diagnostics.length, 1);
    // Version 2 is analysed on its own (the server is idle when it arrives), then a syntax error follows.
    await new Promise((r) => setTimeout(r, 20));
    client.edit(u, 2, { start: { line: 0, character: 40 }, end: { line: 0, character: 40 } }, 'x');
    await new Promise((r) => setTimeout(r, 200));
    client.edit(u, 3, { start: { line: 0, character: 54 }, end: { line: 0, character: 54 } }, ' and (');
    const broken = await client.waitForDiagnostics(u, (p) => p.version === 3);
    assert.ok(broken.diagnostics.some((d) => d.severity === 1));
    const versions = client.published.filter((p) => p.uri === u).map((p) => p.version);
    assert.ok(!versions.includes(2), `version 2 changed no diagnostic, yet was published: ${versions.join(', ')}`);
  });
});

describe('language server: push to a client that interprets versions', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } } });
  });
  after(async () => client.stop());

  it('publishes the latest version even when an edit leaves the diagnostics as they were', async () => {
    const u = 'file:///w/push-versioned.csreq';
    client.open(u, 'csreq', 'anchor apple generic and identifier "com.example.app"');
    const first = await client.waitForDiagnostics(u, (p) => p.version === 1);
    assert.equal(first.diagnostics.length, 1);
    // An edit inside the identifier's string moves no diagnostic; the client still needs them tagged with version 2.
    client.edit(u, 2, { start: { line: 0, character: 40 }, end: { line: 0, character: 40 } }, 'x');
    const second = await client.waitForDiagnostics(u, (p) => p.version === 2, 10_000);
    assert.deepEqual(second.diagnostics, first.diagnostics);
  });

  it('publishes the final version of a burst whose last edits change no diagnostic', async () => {
    const u = 'file:///w/push-burst.csreq';
    // CSR102 on the first line and a syntax error on the second.
    const lines = 50;
    client.open(u, 'csreq', 'identifier "com.example.app" and anchor apple generic\n'.repeat(lines));
    await client.waitForDiagnostics(u, (p) => p.version === 1);
    let version = 1;
    // Every line gets a space: both diagnostics move, and that version is published.
    for (let line = 0; line < lines; line++) client.edit(u, ++version, { start: { line, character: 0 }, end: { line, character: 0 } }, ' ');
    const moved = await client.waitForDiagnostics(u, (p) => p.version === version, 10_000);
    // Then a burst that leaves both where they are: its final version must still reach the client.
    for (let i = 0; i < 500; i++) {
      const line = 2 + (i % (lines - 2));
      client.edit(u, ++version, { start: { line, character: 0 }, end: { line, character: 0 } }, ' ');
    }
    const last = await client.waitForDiagnostics(u, (p) => p.version === version, 10_000);
    assert.deepEqual(last.diagnostics, moved.diagnostics);
    assert.equal(last.diagnostics.length, 2, JSON.stringify(last.diagnostics));
  });
});
