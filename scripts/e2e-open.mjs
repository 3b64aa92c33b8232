#!/usr/bin/env node
/**
 * Opens a real VS Code with the extension on examples/, to try it by hand:
 * - the desktop `code` when it is on PATH: `code --extensionDevelopmentPath=<repo> examples`
 *   (after bundling);
 * - otherwise code-server 4.100.3 (the e2e test tools, installed on demand into
 *   the cache, see scripts/e2e-install.mjs) on 127.0.0.1 with the packaged
 *   .vsix installed; the URL is printed. Ctrl+C stops it.
 * Options: --port N (default 8765), --code-server (skip the desktop check).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerBin, install } from './e2e-install.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(repo, 'examples');
const argv = process.argv.slice(2);
const portArg = argv.indexOf('--port');
const port = portArg >= 0 ? Number(argv[portArg + 1]) : 8765;

function onPath(cmd) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

if (!argv.includes('--code-server') && onPath('code')) {
  execFileSync(process.execPath, [path.join(repo, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
  const r = spawnSync('code', [`--extensionDevelopmentPath=${repo}`, examples], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}

const tools = install();
const run = mkdtempSync(path.join(tmpdir(), 'csrl-open-'));
const vsix = path.join(run, 'csrl.vsix');
execFileSync(process.execPath, [path.join(repo, 'scripts', 'bundle.mjs'), '--package', '--out', vsix], { stdio: 'inherit' });
const ud = path.join(run, 'ud');
const ext = path.join(run, 'ext');
mkdirSync(path.join(ud, 'User'), { recursive: true });
writeFileSync(
  path.join(ud, 'User', 'settings.json'),
  JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, 'update.mode': 'none', 'workbench.startupEditor': 'none' }),
);
const entry = codeServerBin(tools);
execFileSync(process.execPath, [entry, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix, '--force'], { stdio: 'inherit' });
const child = spawn(process.execPath, [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--user-data-dir', ud, '--extensions-dir', ext, examples], {
  detached: true,
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.stdout.write(`\nVS Code (code-server) with the csrl extension on examples/:\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}\nCtrl+C to stop.\n`);
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  rmSync(run, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', stop);
