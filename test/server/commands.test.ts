import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { fixture } from '../support/fixtures.js';
import { LspClient } from './lsp-client.js';

/** The client commands against real signed Mach-O files (spec fixtures.md), over LSP. */
let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

async function open(text: string): Promise<string> {
  const u = `file:///w/cmd-${Math.random().toString(36).slice(2)}.csreq`;
  client.open(u, 'csreq', text);
  await client.waitForDiagnostics(u);
  return u;
}

import type { TestResult } from '../../protocol/lsp.js';
import { tempDir } from '../support/tmp.js';

describe('csrl.testAgainstPath', () => {
  it('evaluates every slice of a universal binary, in check --json words; satisfied only if all pass', async () => {
    const path = await fixture('@sentry/cli-darwin@3.8.0');
    const u = await open('identifier "sentry-cli-Darwin-universal"');
    const r = await client.request<TestResult>('workspace/executeCommand', { command: 'csrl.testAgainstPath', arguments: [{ uri: u, path }] });
    const byArch = Object.fromEntries(r.slices.map((s) => [s.arch, s.verdict]));
    assert.deepEqual(byArch, { x86_64: 'satisfied', arm64: 'unsatisfied' });
    assert.equal(r.verdict, 'unsatisfied');
  });

  it('passes the team check on both slices', async () => {
    const path = await fixture('@sentry/cli-darwin@3.8.0');
    const u = await open('certificate leaf[subject.OU] = "97JCY7859U"');
    const r = await client.request<TestResult>('workspace/executeCommand', { command: 'csrl.testAgainstPath', arguments: [{ uri: u, path }] });
    assert.deepEqual(r.slices.map((s) => s.verdict), ['satisfied', 'satisfied']);
    assert.equal(r.verdict, 'satisfied');
  });
});

describe('csrl.compareWithDesignated', () => {
  it('compares with the designated requirement embedded in each slice', async () => {
    const path = await fixture('@sentry/cli-darwin@3.8.0');
    const u = await open('identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "97JCY7859U"');
    const r = await client.request<{ slices: { arch: string; designated?: string; sameText?: boolean }[] }>('workspace/executeCommand', { command: 'csrl.compareWithDesignated', arguments: [{ uri: u, path }] });
    const x86 = r.slices.find((s) => s.arch === 'x86_64')!;
    assert.equal(x86.designated, 'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"');
    assert.equal(x86.sameText, true);
    assert.equal(r.slices.find((s) => s.arch === 'arm64')!.sameText, false);
  });
});

describe('csrl/decompile from a file', () => {
  it('reads a blob file by URI inside a workspace folder', async () => {
    const dir = tempDir('csrl-lsp-');
    const file = join(dir, 'req.bin');
    writeFileSync(file, Buffer.from('fade0c00000000100000000100000003', 'hex'));
    // Files are read only inside the workspace folders (or when the client opened them).
    const ws = await LspClient.start({ workspaceFolders: [dir] });
    try {
      const r = await ws.request<{ text: string }>('csrl/decompile', { uri: pathToFileURL(file).href });
      assert.equal(r.text, 'anchor apple\n');
      await assert.rejects(ws.request('csrl/decompile', { uri: pathToFileURL(join(dir, 'missing.bin')).href }), /cannot read/);
    } finally {
      await ws.stop();
    }
  });
});
