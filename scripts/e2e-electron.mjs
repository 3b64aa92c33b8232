#!/usr/bin/env node
/**
 * The integration suite (test/e2e/suite) in the real VS Code desktop, through
 * @vscode/test-electron: the same suite the code-server e2e test runs
 * (test/e2e/e2e.test.ts), here with the extension loaded by
 * --extensionDevelopmentPath from this repository. On macOS this is where the
 * extension asks Apple's Security.framework for real, so the suite's Apple
 * tests check Apple's actual verdict beside ours.
 *
 *   npm run build && node scripts/e2e-electron.mjs
 *
 * Needs network access to download VS Code (cached in .cache/vscode-test), or
 * CSRL_VSCODE_EXECUTABLE naming an installed VS Code executable;
 * CSRL_VSCODE_VERSION picks the version (default: stable). On Linux it needs a
 * display (e.g. xvfb-run -a). Exit status: 0 when every integration test
 * passed, 1 otherwise, with a one-line reason when VS Code could not be
 * downloaded or started.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

function fail(reason) {
  process.stderr.write(`e2e-electron: ${reason}\n`);
  process.exit(1);
}

const firstLine = (err) => String(err instanceof Error ? err.message : err).split('\n').find((l) => l.trim()) ?? 'unknown error';

let testElectron;
try {
  testElectron = await import('@vscode/test-electron');
} catch (err) {
  fail(`@vscode/test-electron is not installed (run npm ci): ${firstLine(err)}`);
}
const { downloadAndUnzipVSCode, runTests } = testElectron;

// The fixture downloader is TypeScript compiled by `npm run build`.
const fixturesModule = path.join(repo, 'out', 'test', 'support', 'fixtures.js');
if (!existsSync(fixturesModule)) fail(`${path.relative(repo, fixturesModule)} is missing: run \`npm run build\` first`);
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  fail('no display for the VS Code window: run it under `xvfb-run -a node scripts/e2e-electron.mjs`');
}

// The extension and the suite, bundled exactly as the code-server e2e test bundles them.
try {
  await run(process.execPath, [path.join(repo, 'scripts', 'bundle.mjs'), '--e2e'], { cwd: repo, timeout: 180_000 });
} catch (err) {
  fail(`bundling failed: ${firstLine(err.stderr || err)}`);
}
const suite = path.join(repo, '.cache', 'e2e', 'suite.cjs');

const { fixture } = await import(pathToFileURL(fixturesModule).href);
let binary;
try {
  binary = await fixture('@sentry/cli-darwin@3.8.0');
} catch (err) {
  fail(`cannot fetch the fixture @sentry/cli-darwin@3.8.0: ${firstLine(err)}`);
}

const version = process.env.CSRL_VSCODE_VERSION || 'stable';
let vscodeExecutablePath = process.env.CSRL_VSCODE_EXECUTABLE;
if (!vscodeExecutablePath) {
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: path.join(repo, '.cache', 'vscode-test'), timeout: 30_000 });
  } catch (err) {
    fail(`cannot download VS Code (${version}) for ${process.platform}-${process.arch}: ${firstLine(err)} (needs network access to update.code.visualstudio.com, or set CSRL_VSCODE_EXECUTABLE)`);
  }
}

// A fresh copy of examples/ as the workspace, and isolated user data and extensions.
const runDir = mkdtempSync(path.join(tmpdir(), 'csrl-e2e-electron-'));
const workspace = path.join(runDir, 'ws');
const scratch = path.join(runDir, 'scratch');
const userData = path.join(runDir, 'user-data');
const extensions = path.join(runDir, 'extensions');
cpSync(path.join(repo, 'examples'), workspace, { recursive: true });
for (const d of [scratch, path.join(userData, 'User'), extensions]) mkdirSync(d, { recursive: true });
writeFileSync(
  path.join(userData, 'User', 'settings.json'),
  JSON.stringify({
    // The suite runs the commands that read binaries, which Restricted Mode refuses.
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'git.enabled': false,
  }),
);

process.stdout.write(`e2e-electron: VS Code ${version} at ${vscodeExecutablePath}; workspace ${workspace}\n`);
try {
  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repo,
    extensionTestsPath: suite,
    extensionTestsEnv: { CSRL_E2E_WORKSPACE: workspace, CSRL_E2E_FIXTURE: binary, CSRL_E2E_OUT: scratch },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', userData, '--extensions-dir', extensions],
  });
  if (code !== 0) fail(`the integration suite failed in VS Code (exit ${code})`);
} catch (err) {
  const code = err && typeof err === 'object' && 'code' in err ? err.code : undefined;
  fail(code !== undefined ? `the integration suite failed in VS Code (exit ${code}); see the "not ok" lines above` : `VS Code did not run the suite: ${firstLine(err)}`);
}
process.stdout.write('e2e-electron: the integration suite passed in VS Code\n');
