import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, DocumentSymbol, FoldingRange, Hover, SelectionRange, TextEdit } from 'vscode-languageserver';
import { formatRequirementText } from '../../grammar/print/format.js';
import { applyEdits, LspClient, marked, pos, sliceRange } from './lsp-client.js';

let client: LspClient;
let n = 0;
const uri = (ext: string) => `file:///workspace/doc${++n}.${ext}`;

const DEV_ID = 'identifier "com.example.helper" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"';

async function openAndWait(ext: string, languageId: string, text: string) {
  const u = uri(ext);
  client.open(u, languageId, text);
  const diags = await client.waitForDiagnostics(u);
  return { u, diags };
}

async function hover(u: string, text: string, offset: number): Promise<Hover | null> {
  return client.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: pos(text, offset) });
}

async function complete(u: string, text: string, offset: number): Promise<CompletionItem[]> {
  const r = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri: u }, position: pos(text, offset) });
  return Array.isArray(r) ? r : r?.items ?? [];
}

async function actions(u: string, text: string, start: number, end: number): Promise<CodeAction[]> {
  return (await client.request<CodeAction[] | null>('textDocument/codeAction', {
    textDocument: { uri: u },
    range: { start: pos(text, start), end: pos(text, end) },
    context: { diagnostics: [] },
  })) ?? [];
}

function hoverText(h: Hover | null): string {
  const c = h?.contents as { value?: string } | undefined;
  return c?.value ?? '';
}

before(async () => {
  client = await LspClient.start();
});

after(async () => {
  await client.stop();
});

describe('csreq documents over LSP', () => {
  it('publishes lint diagnostics on the exact ranges', async () => {
    const m = marked('⟦identifier "com.example.helper"⟧ or anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"');
    const { diags } = await openAndWait('csreq', 'csreq', m.text);
    const r1 = diags.diagnostics.find((d) => d.code === 'CSR101');
    assert.ok(r1, JSON.stringify(diags.diagnostics));
    assert.equal(sliceRange(m.text, r1.range), m.text.slice(...m.ranges[0]!));
    assert.equal(r1.severity, 1);
    assert.equal(r1.source, 'csrl');
    assert.equal(diags.version, 1);
  });

  it('reports syntax errors and clears them after didChange', async () => {
    const m = marked('(anchor apple generic and certificate leaf[subject.OU] = ⟦34XR7GXFPX⟧)');
    const { u, diags } = await openAndWait('csreq', 'csreq', m.text);
    const err = diags.diagnostics.find((d) => d.severity === 1);
    assert.ok(err, JSON.stringify(diags.diagnostics));
    assert.deepEqual(err.range.start, pos(m.text, m.ranges[0]![0]));
    const fixed = m.text.replace('34XR7GXFPX', '"34XR7GXFPX"');
    client.replace(u, 2, fixed);
    const after2 = await client.waitForDiagnostics(u, (p) => p.version === 2);
    assert.deepEqual(after2.diagnostics.filter((d) => d.severity === 1), []);
  });

  it('hovers keywords, OIDs, subject fields and summarises who is allowed', async () => {
    const m = marked('identifier "com.example.helper" and anchor apple ⟦gen‸eric⟧ and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"');
    const { u } = await openAndWait('csreq', 'csreq', m.text);
    const h = await hover(u, m.text, m.cursor!);
    assert.match(hoverText(h), /every paying Apple developer/i);
    assert.match(hoverText(h), /code signed by Apple-issued Developer ID certificates of team ABCDE12345, with identifier com\.example\.helper/);
    assert.equal(sliceRange(m.text, h!.range!), 'generic');
    const oidAt = m.text.indexOf('113635.100.6.2.6');
    assert.match(hoverText(await hover(u, m.text, oidAt)), /Developer ID CA/);
    assert.match(hoverText(await hover(u, m.text, m.text.indexOf('6.1.13'))), /Developer ID Application/);
    assert.match(hoverText(await hover(u, m.text, m.text.indexOf('subject.OU') + 9)), /team ID/);
    assert.match(hoverText(await hover(u, m.text, m.text.indexOf('leaf'))), /signing certificate/);
  });

  it('hovers operators and info/entitlement keys', async () => {
    const text = 'anchor apple generic and info[CFBundleVersion] >= "42" and ! entitlement["com.apple.security.get-task-allow"]';
    const { u } = await openAndWait('csreq', 'csreq', text);
    assert.match(hoverText(await hover(u, text, text.indexOf('>='))), /greater than or equal/);
    assert.match(hoverText(await hover(u, text, text.indexOf('CFBundleVersion') + 2)), /build version/);
    assert.match(hoverText(await hover(u, text, text.indexOf('get-task-allow'))), /injected/);
  });

  it('completes certificate keys with OID names', async () => {
    const m = marked('anchor apple generic and certificate leaf[‸');
    const { u } = await openAndWait('csreq', 'csreq', m.text);
    const items = await complete(u, m.text, m.cursor!);
    assert.ok(items.some((i) => i.label === 'subject.OU'));
    const devId = items.find((i) => i.label === 'field.1.2.840.113635.100.6.2.6');
    assert.equal(devId?.detail, 'Developer ID CA');
  });

  it('completes in context: anchor forms, set types, entitlement keys quoted, expression snippets', async () => {
    const a = marked('identifier "a.b" and anchor ‸');
    let r = await openAndWait('csreq', 'csreq', a.text);
    assert.ok((await complete(r.u, a.text, a.cursor!)).some((i) => i.label === 'apple generic'));

    const s = marked('# csrl: set\n‸');
    r = await openAndWait('rqset', 'csreq', s.text);
    assert.ok((await complete(r.u, s.text, s.cursor!)).some((i) => i.label === 'designated =>'));

    const e = marked('anchor apple generic and ! entitlement[‸');
    r = await openAndWait('csreq', 'csreq', e.text);
    const gta = (await complete(r.u, e.text, e.cursor!)).find((i) => i.label === 'com.apple.security.get-task-allow');
    assert.equal((gta?.textEdit as TextEdit).newText, '"com.apple.security.get-task-allow"]');

    const x = marked('‸');
    r = await openAndWait('csreq', 'csreq', x.text);
    const items = await complete(r.u, x.text, 0);
    assert.ok(items.some((i) => i.label === 'Developer ID' && /6\.2\.6/.test((i.textEdit as TextEdit).newText)));
    assert.ok(items.some((i) => i.label === 'identifier'));
  });

  it('formats with the layout of `csrl fmt` and keeps comments (indent from the editor\'s tab size)', async () => {
    const text = '// the helper\nidentifier   "com.example.helper"\n   and anchor apple generic   # team\n and certificate leaf[subject.OU] = "ABCDE12345"\n';
    const { u } = await openAndWait('csreq', 'csreq', text);
    const edits = await client.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri: u }, options: { tabSize: 2, insertSpaces: true } });
    const out = applyEdits(text, edits ?? []);
    assert.equal(out, '// the helper\nidentifier "com.example.helper"\n  and anchor apple generic # team\n  and certificate leaf[subject.OU] = "ABCDE12345"\n');
    const cli = formatRequirementText(text, { indent: 2 });
    assert.ok(cli.ok);
    assert.equal(out, cli.text);
  });

  it('formats a requirement that has an error-severity lint finding (the issue: it silently did nothing)', async () => {
    const text = 'identifier    "com.example.helper"';
    const { u, diags } = await openAndWait('csreq', 'csreq', text);
    assert.ok(diags.diagnostics.some((d) => d.severity === 1 && d.code === 'CSR101'), JSON.stringify(diags));
    const edits = await client.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri: u }, options: { tabSize: 4, insertSpaces: true } });
    assert.equal(applyEdits(text, edits ?? []), 'identifier "com.example.helper"\n');
  });

  it('does not format text that does not parse, and says why in a warning', async () => {
    const text = 'identifier "a" or certificate leaf[subject.CN] = 9ABCDE1234';
    const { u } = await openAndWait('csreq', 'csreq', text);
    const before = client.shownMessages.length;
    const edits = await client.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri: u }, options: { tabSize: 4, insertSpaces: true } });
    assert.equal(edits, null);
    const shown = client.shownMessages.slice(before);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0]!.type, 2);
    assert.match(shown[0]!.message, /^csrl: not formatted: the text does not parse \(line 1, column 50: .*quoted/);
  });

  it('offers quick fixes: quote a value, CN → OU, add an anchor, fix CRLF, drop `designated =>`', async () => {
    const q = marked('anchor apple generic and certificate leaf[subject.OU] = ⟦34XR7GXFPX⟧');
    let r = await openAndWait('csreq', 'csreq', q.text);
    let acts = await actions(r.u, q.text, q.ranges[0]![0], q.ranges[0]![1]);
    const quote = acts.find((a) => a.kind === 'quickfix' && a.edit);
    assert.ok(quote, JSON.stringify(acts));
    assert.equal(applyEdits(q.text, quote.edit!.changes![r.u]!), 'anchor apple generic and certificate leaf[subject.OU] = "34XR7GXFPX"');

    const cn = marked('anchor apple generic and ⟦certificate leaf[subject.CN] = "ABCDE12345"⟧');
    r = await openAndWait('csreq', 'csreq', cn.text);
    acts = await actions(r.u, cn.text, cn.ranges[0]![0], cn.ranges[0]![1]);
    const ou = acts.find((a) => /subject\.OU/.test(a.title));
    assert.ok(ou, JSON.stringify(acts.map((a) => a.title)));
    assert.equal(applyEdits(cn.text, ou.edit!.changes![r.u]!), 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"');

    const id = 'identifier "com.example.app"';
    r = await openAndWait('csreq', 'csreq', id);
    acts = await actions(r.u, id, 2, 2);
    const anchor = acts.find((a) => a.title === 'Add `anchor apple generic`');
    assert.ok(anchor, JSON.stringify(acts.map((a) => a.title)));
    assert.equal(applyEdits(id, anchor.edit!.changes![r.u]!), 'identifier "com.example.app" and anchor apple generic');
    const team = acts.find((a) => a.title === 'Add a team check');
    assert.ok(team);
    const inj = acts.find((a) => a.title === 'Add the anti-injection clauses');
    assert.match(applyEdits(id, inj!.edit!.changes![r.u]!), /! entitlement\["com\.apple\.security\.get-task-allow"\]/);

    const crlf = 'identifier "com.example.app"\r\nand anchor apple generic\r\n';
    r = await openAndWait('csreq', 'csreq', crlf);
    acts = await actions(r.u, crlf, 0, crlf.length);
    const fix = acts.find((a) => /CRLF/.test(a.title));
    assert.ok(fix);
    assert.equal(applyEdits(crlf, fix.edit!.changes![r.u]!), crlf.replace(/\r/g, ''));

    const dr = '# csrl: single\ndesignated => anchor apple';
    r = await openAndWait('csreq', 'csreq', dr);
    acts = await actions(r.u, dr, dr.indexOf('designated'), dr.length);
    const single = acts.find((a) => /designated/.test(a.title));
    assert.ok(single, JSON.stringify(acts.map((a) => a.title)));
    assert.equal(applyEdits(dr, single.edit!.changes![r.u]!), '# csrl: single\nanchor apple');
  });

  it('gives semantic tokens, symbols for set entries, folding and selection ranges', async () => {
    const text = '# csrl: set\ndesignated => identifier "com.example.app"\n    and anchor apple generic\nlibrary => anchor apple\n';
    const { u } = await openAndWait('rqset', 'csreq', text);
    const tokens = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: u } });
    assert.equal(tokens.data.length % 5, 0);
    assert.ok(tokens.data.length >= 5 * 8);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
    assert.deepEqual(symbols.map((s) => s.name), ['designated', 'library']);
    assert.match(symbols[0]!.detail!, /identifier com\.example\.app/);
    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: u } });
    assert.ok(folds.some((f) => f.startLine === 1 && f.endLine === 2));
    const at = text.indexOf('generic');
    const [sel] = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: u }, positions: [pos(text, at)] });
    const chain: string[] = [];
    for (let s: SelectionRange | undefined = sel; s; s = s.parent) chain.push(sliceRange(text, s.range));
    assert.equal(chain[0], 'anchor apple generic');
    assert.ok(chain.some((c) => c.startsWith('designated =>')), JSON.stringify(chain));
  });

  it('offers code lenses and compiles with csrl.showCompiled', async () => {
    const text = 'anchor apple';
    const { u } = await openAndWait('csreq', 'csreq', text);
    const lenses = await client.request<{ command: { command: string; arguments: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri: u } });
    assert.deepEqual(lenses.map((l) => l.command.command).sort(), ['csrl.compareWithDesignated', 'csrl.showCompiled', 'csrl.testAgainstPath', 'csrl.testAgainstPid']);
    const show = lenses.find((l) => l.command.command === 'csrl.showCompiled')!;
    const r = await client.request<{ size: number; hex: string }>('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: show.command.arguments });
    // Spec §7.1 platformReqData.
    assert.equal(r.hex, 'fade0c00000000100000000100000003');
    assert.equal(r.size, 16);
  });

  it('compiles one set entry or the whole set', async () => {
    const text = '# csrl: set\ndesignated => anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and (certificate leaf[field.1.2.840.113635.100.6.1.14] or certificate leaf[field.1.2.840.113635.100.6.1.13])\n';
    const { u } = await openAndWait('rqset', 'csreq', text);
    const whole = await client.request<{ size: number; hex: string }>('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: [{ uri: u }] });
    // Spec §7.3: 132 bytes.
    assert.equal(whole.size, 132);
    assert.ok(whole.hex.startsWith('fade0c0100000084'));
    const entry = await client.request<{ size: number; hex: string }>('workspace/executeCommand', { command: 'csrl.showCompiled', arguments: [{ uri: u, entry: 0 }] });
    assert.equal(entry.size, 112);
    assert.ok(entry.hex.startsWith('fade0c0000000070'));
  });

  it('decompiles binary requirements with csrl/decompile', async () => {
    const r = await client.request<{ text: string; kind: string }>('csrl/decompile', { base64: Buffer.from('fade0c00000000100000000100000003', 'hex').toString('base64') });
    assert.equal(r.kind, 'requirement');
    assert.equal(r.text, 'anchor apple\n');
    const set = 'fade0c010000007400000002000000010000001c0000000300000048fade0c000000002c000000010000000600000003000000020000000e636f6d2e6170706c652e7065726c0000fade0c000000002c0000000100000006000000020000000f636f6d2e6578616d706c652e617070000000000f';
    const s = await client.request<{ text: string; kind: string }>('csrl/decompile', { base64: Buffer.from(set, 'hex').toString('base64') });
    assert.equal(s.kind, 'set');
    assert.match(s.text, /^# csrl: set\nhost => anchor apple and identifier "com\.apple\.perl"\ndesignated => identifier "com\.example\.app" and anchor apple generic\n$/);
    await assert.rejects(client.request('csrl/decompile', { base64: Buffer.from('cafebabe00000000', 'hex').toString('base64') }), /not a requirement blob/);
  });

  it('answers the client test commands with clear errors when arguments are missing', async () => {
    const { u } = await openAndWait('csreq', 'csreq', DEV_ID);
    await assert.rejects(client.request('workspace/executeCommand', { command: 'csrl.testAgainstPath', arguments: [{ uri: u }] }), /needs `path`/);
    await assert.rejects(client.request('workspace/executeCommand', { command: 'csrl.testAgainstPid', arguments: [{ uri: u, pid: -3 }] }), /positive integer/);
  });
});

describe('settings, trust and the CLI entry', () => {
  it('applies per-rule severities and the privileged-helper context from initializationOptions', async () => {
    const c = await LspClient.start({ initializationOptions: { settings: { csrl: { rules: { CSR101: 'off' }, context: 'privileged-helper' } } } });
    try {
      c.open('file:///w/a.csreq', 'csreq', 'identifier "com.example.app"');
      const a = await c.waitForDiagnostics('file:///w/a.csreq');
      assert.ok(!a.diagnostics.some((d) => d.code === 'CSR101'));
      c.open('file:///w/b.csreq', 'csreq', DEV_ID);
      const b = await c.waitForDiagnostics('file:///w/b.csreq');
      assert.ok(b.diagnostics.some((d) => d.code === 'CSR107' && d.severity === 2));
      c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { csrl: { rules: {} } } });
      const a2 = await c.nextDiagnostics('file:///w/a.csreq');
      assert.ok(a2.diagnostics.some((d) => d.code === 'CSR101'));
    } finally {
      await c.stop();
    }
  });

  it('in an untrusted workspace reads no certificate file and refuses to inspect binaries', async () => {
    const c = await LspClient.start({ initializationOptions: { trusted: false } });
    try {
      const u = 'file:///w/anchor.csreq';
      c.open(u, 'csreq', 'anchor = "/etc/hostname"');
      const d = await c.waitForDiagnostics(u);
      assert.ok(d.diagnostics.some((x) => x.code === 'CSR053' && /not trusted/.test(x.message)), JSON.stringify(d.diagnostics));
      await assert.rejects(c.request('workspace/executeCommand', { command: 'csrl.testAgainstPath', arguments: [{ uri: u, path: '/bin/ls' }] }), /not trusted/);
      c.connection.sendNotification('csrl/setTrust', { trusted: true });
      const d2 = await c.nextDiagnostics(u);
      assert.ok(!d2.diagnostics.some((x) => /not trusted/.test(x.message)));
    } finally {
      await c.stop();
    }
  });

  it('runs as `csrl lsp --stdio`', async () => {
    const c = await LspClient.start({ via: 'cli' });
    try {
      c.open('file:///w/cli.csreq', 'csreq', 'identifier "com.example.app"');
      const d = await c.waitForDiagnostics('file:///w/cli.csreq');
      assert.ok(d.diagnostics.some((x) => x.code === 'CSR101'));
    } finally {
      await c.stop();
    }
  });
});
