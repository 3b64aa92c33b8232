#!/usr/bin/env node
/**
 * Installs the end-to-end test tools (code-server 4.100.3 and playwright-core,
 * listed in test/e2e/package.json) into a cache folder outside the repository,
 * offline except for the npm registry. They are ~300 MB and test-only, so they
 * are never dependencies of the extension.
 *
 * Cache: $CSRL_E2E_CACHE, else $XDG_CACHE_HOME/csrl-e2e, else ~/.cache/csrl-e2e.
 * Prints the tools folder on success. `--check` only reports whether the tools
 * are installed (exit 0/1), without installing.
 *
 * The pitfalls handled here are those of docs/../shared spec vscode-headless:
 * - code-server's postinstall refuses to run as root without npm_config_unsafe_perm;
 * - node-pty's postinstall runs `npx node-gyp` and waits for a prompt without npm_config_yes;
 * - @vscode/ripgrep's postinstall downloads ripgrep from GitHub: its download cache
 *   is pre-seeded with Debian's /usr/bin/rg.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = path.join(repo, 'test', 'e2e', 'package.json');

export function cacheRoot() {
  if (process.env.CSRL_E2E_CACHE) return path.resolve(process.env.CSRL_E2E_CACHE);
  const xdg = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(xdg, 'csrl-e2e');
}

/** The tools folder for the current test/e2e/package.json (a new manifest gets a new folder). */
export function toolsDir() {
  // Keyed by the pinned tools only, so editing the manifest's other fields keeps the cache.
  const deps = JSON.parse(readFileSync(manifest, 'utf8')).dependencies;
  const hash = createHash('sha256').update(JSON.stringify(deps)).digest('hex').slice(0, 12);
  return path.join(cacheRoot(), `tools-${hash}`);
}

export function codeServerBin(dir = toolsDir()) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function isInstalled(dir = toolsDir()) {
  return existsSync(path.join(dir, '.complete')) && existsSync(codeServerBin(dir));
}

function log(msg) {
  process.stderr.write(`e2e-install: ${msg}\n`);
}

function run(cmd, args, options) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** @vscode/ripgrep versions anywhere under the code-server package (its postinstall installs lib/vscode's). */
function ripgrepVersions(dir) {
  const versions = new Set();
  const lib = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  for (const file of ['package.json', 'package-lock.json', 'npm-shrinkwrap.json']) {
    const p = path.join(lib, file);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    for (const m of text.matchAll(/"(?:node_modules\/)?@vscode\/ripgrep"\s*:\s*\{[^}]*?"version"\s*:\s*"([^"]+)"/g)) versions.add(m[1]);
    for (const m of text.matchAll(/"@vscode\/ripgrep"\s*:\s*"[\^~]?(\d[^"]*)"/g)) versions.add(m[1]);
  }
  return [...versions];
}

function seedRipgrep(versions) {
  const rg = '/usr/bin/rg';
  if (!existsSync(rg)) throw new Error('ripgrep is missing: apt-get install -y ripgrep');
  const staging = mkdtempSync(path.join(tmpdir(), 'csrl-rg-'));
  copyFileSync(rg, path.join(staging, 'rg'));
  const tarball = path.join(staging, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', staging, 'rg']);
  for (const v of versions) {
    const dir = path.join(tmpdir(), `vscode-ripgrep-cache-${v}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(tarball, path.join(dir, path.basename(tarball)));
    log(`seeded ${dir}`);
  }
  rmSync(staging, { recursive: true, force: true });
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

export function install() {
  const dir = toolsDir();
  if (isInstalled(dir)) return dir;
  mkdirSync(cacheRoot(), { recursive: true });
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  copyFileSync(manifest, path.join(work, 'package.json'));
  const env = { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const t0 = Date.now();
  log(`installing ${Object.entries(JSON.parse(readFileSync(manifest, 'utf8')).dependencies).map(([k, v]) => `${k}@${v}`).join(', ')} into ${work}`);
  // Unpack first without scripts, to learn the ripgrep version to pre-seed, then run the scripts.
  run('npm', ['install', '--ignore-scripts', '--no-save', '--no-package-lock'], { cwd: work, env });
  const versions = ripgrepVersions(work);
  if (versions.length === 0) throw new Error('could not find the @vscode/ripgrep version code-server uses');
  seedRipgrep(versions);
  // npm 11 blocks dependency scripts unless allowed. code-server's postinstall runs a nested
  // `npm install` for VS Code's own modules (node-pty, kerberos, argon2, …, all native), so
  // scripts are allowed for this private, pinned, test-only folder and nowhere else.
  run('npm', ['rebuild', '--foreground-scripts'], { cwd: work, env: { ...env, npm_config_dangerously_allow_all_scripts: 'true' } });
  if (!existsSync(codeServerBin(work))) throw new Error(`code-server did not install (${codeServerBin(work)} missing)`);
  if (!existsSync(path.join(work, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))) throw new Error('code-server postinstall did not install its VS Code dependencies');
  writeFileSync(path.join(work, '.complete'), new Date().toISOString() + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  // Old tool folders of earlier manifests are dead weight, and so are partial
  // installs whose installer is gone (interrupted); a live one is left alone.
  for (const name of readdirSync(cacheRoot())) {
    if (!name.startsWith('tools-') || path.join(cacheRoot(), name) === dir) continue;
    const partial = /\.partial-(\d+)$/.exec(name);
    if (partial && processAlive(Number(partial[1]))) continue;
    rmSync(path.join(cacheRoot(), name), { recursive: true, force: true });
  }
  log(`done in ${Math.round((Date.now() - t0) / 1000)} s`);
  return dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const ok = isInstalled();
    process.stdout.write(`${ok ? 'installed' : 'missing'}: ${toolsDir()}\n`);
    process.exit(ok ? 0 : 1);
  }
  try {
    process.stdout.write(install() + '\n');
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
