import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compareWithOracle, isFatal, PARITY_CASES, recordedOracle, type Oracle } from '../../engine/apple/parity.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('our compiler agrees with every result the spec records for Apple', async () => {
  const disagreements = await compareWithOracle(PARITY_CASES, recordedOracle(PARITY_CASES));
  assert.deepEqual(disagreements.map((d) => `${d.kind} ${d.case.text}: ours ${d.ours} / apple ${d.apple}`), []);
  assert.ok(PARITY_CASES.some((c) => c.expect === 'reject') && PARITY_CASES.some((c) => c.bytes));
});

test('error wording: ours matches the line the spec records for Apple; a different wording is reported, not fatal', async () => {
  const withError = PARITY_CASES.filter((c) => c.appleError !== undefined);
  assert.ok(withError.length > 0);
  assert.deepEqual(await compareWithOracle(withError, recordedOracle(withError)), []);
  const reworded: Oracle = async (text) => ({ ...(await recordedOracle(withError)(text)), syntaxErrors: 'line 1:1: something else\n' });
  const found = await compareWithOracle(withError, reworded);
  assert.deepEqual(found.map((d) => d.kind), withError.map(() => 'message'));
  assert.equal(found.some(isFatal), false);
});

test('the comparison reports each kind of disagreement', async () => {
  const recorded = recordedOracle(PARITY_CASES);
  const acceptCase = PARITY_CASES.find((c) => c.expect === 'accept' && c.bytes && c.dump)!;
  const rejectCase = PARITY_CASES.find((c) => c.expect === 'reject')!;
  const skewed: Oracle = async (text) => {
    const r = await recorded(text);
    if (text === acceptCase.text) return { ...r, bytes: r.bytes!.replace(/.$/, (x) => (x === '0' ? '1' : '0')), text: r.text + ' ' };
    if (text === rejectCase.text) return { accepted: true };
    return r;
  };
  const found = await compareWithOracle([acceptCase, rejectCase], skewed);
  assert.deepEqual(
    found.map((d) => [d.kind, d.case.text]),
    [
      ['bytes', acceptCase.text],
      ['text', acceptCase.text],
      ['spec', rejectCase.text],
      ['acceptance', rejectCase.text],
    ],
  );
});

test('scripts/parity-macos.ts bundles and runs (--recorded here; live needs macOS)', async () => {
  const dir = mkdtempSync(path.join(root, 'out', 'test', 'native', '.parity-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'parity-macos.mjs');
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(root, 'scripts', 'parity-macos.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    outfile: bundle,
  });
  const recorded = await run(process.execPath, [bundle, '--recorded'], { cwd: root, timeout: 60_000 });
  assert.match(recorded.stdout, new RegExp(`parity: ${PARITY_CASES.length} cases against results recorded in the spec: 0 disagreement`));
  if (process.platform !== 'darwin') {
    await assert.rejects(run(process.execPath, [bundle], { cwd: root, timeout: 60_000 }), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr ?? '', /parity-macos: (needs macOS Security.framework|native addon not available)/);
      return true;
    });
  }
});
