#!/usr/bin/env node
/**
 * The one place that knows which Debian packages this project needs, and why.
 *
 *   node scripts/system-deps.mjs ci     everything the full test run needs (.ci/run)
 *   node scripts/system-deps.mjs open   what `npm start` (a real VS Code on examples/) needs
 *   add --check to only report (exit 1 when something is missing, nothing installed)
 *
 * Checks with dpkg-query. When packages are missing: as root runs `apt-get update`
 * (once per process) and `apt-get install -y …`, saying what and why; otherwise
 * prints the exact command and fails. Runs before `npm ci`, so it uses nothing but Node.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Package groups: who needs them and why (the why is printed when they are installed). */
export const GROUPS = {
  native: {
    why: 'building the native addon with node-gyp',
    packages: ['g++', 'make', 'python3'],
  },
  test: {
    why: 'tests and benchmarks (certificate fixtures, the lint benchmark baseline)',
    packages: ['openssl', 'ripgrep'],
  },
  e2e: {
    why: 'end-to-end tests in a real VS Code: Chromium driven by Playwright, code-server (its kerberos module, its search)',
    packages: ['chromium', 'libkrb5-dev', 'ripgrep'],
  },
  objc: {
    why: 'syntax-checking the generated Objective-C validation code',
    packages: ['clang'],
  },
  open: {
    why: 'installing and running the VS Code that `npm start` opens (code-server builds native modules, links kerberos, searches with ripgrep)',
    packages: ['libkrb5-dev', 'ripgrep', 'g++', 'make', 'python3'],
  },
};

/** What each command needs, by group. */
export const PURPOSES = {
  ci: ['native', 'test', 'e2e', 'objc'],
  open: ['open'],
};

/** The packages of a purpose, each with the reasons of every group that wants it, in first-seen order. */
export function packagesFor(purpose) {
  // Own keys only: `purpose in PURPOSES` or PURPOSES[purpose] would accept inherited names such as "toString".
  const groups = Object.hasOwn(PURPOSES, purpose) ? PURPOSES[purpose] : undefined;
  if (!groups) throw new Error(`unknown purpose "${purpose}" (expected one of: ${Object.keys(PURPOSES).join(', ')})`);
  const out = new Map();
  for (const g of groups) {
    for (const name of GROUPS[g].packages) {
      if (!out.has(name)) out.set(name, []);
      out.get(name).push(GROUPS[g].why);
    }
  }
  return [...out].map(([name, why]) => ({ name, why }));
}

export const DPKG_FORMAT = '${Package}\t${Status}\n';

/**
 * Installed package names from the output of `dpkg-query -W -f=DPKG_FORMAT NAMES…`.
 * Only "install ok installed" counts: a removed package keeps a "deinstall ok
 * config-files" line, and a half-configured one is not usable.
 */
export function parseDpkgQuery(output) {
  const installed = new Set();
  for (const line of output.split('\n')) {
    const [name, status] = line.split('\t');
    if (name && status?.trim() === 'install ok installed') installed.add(name.trim());
  }
  return installed;
}

/**
 * The decision, without side effects: which wanted packages are missing, and the
 * commands that install them. `root` decides whether the commands run or are printed.
 */
export function plan(wanted, installed, { root }) {
  const missing = wanted.filter((p) => !installed.has(p.name));
  if (missing.length === 0) return { missing, commands: [], manual: undefined };
  const names = missing.map((p) => p.name);
  const commands = [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', ...names],
  ];
  const manual = root ? undefined : `sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`;
  return { missing, commands, manual };
}

function execFileP(cmd, args, options) {
  return new Promise((resolve) => {
    execFile(cmd, args, options, (error, stdout, stderr) => resolve({ error, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') }));
  });
}

/**
 * Asks dpkg-query about the names. Returns undefined when there is no dpkg-query
 * (not a Debian-like system): then nothing can be checked or installed here.
 */
export async function queryInstalled(names) {
  // dpkg-query exits 1 when some names are unknown, but still prints the known ones.
  const r = await execFileP('dpkg-query', ['-W', `-f=${DPKG_FORMAT}`, ...names], { encoding: 'utf8' });
  if (r.error && r.error.code === 'ENOENT') return undefined;
  return parseDpkgQuery(r.stdout);
}

function spawnInherit(cmd, args) {
  return new Promise((resolve, reject) => {
    // Noninteractive: a debconf question would otherwise wait forever without a terminal.
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
}

let aptUpdated = false;

/**
 * Makes sure the packages of `purpose` are installed. Resolves with the names it
 * installed (empty when nothing was missing); rejects with a message saying what
 * to run when it cannot install them itself.
 * `deps` replaces the system for tests: { query(names), run(cmd, args), root, log(line) }.
 */
export async function ensureSystemPackages(purpose, deps = {}) {
  const log = deps.log ?? ((line) => process.stderr.write(`system-deps: ${line}\n`));
  const query = deps.query ?? queryInstalled;
  const run = deps.run ?? spawnInherit;
  const root = deps.root ?? process.getuid?.() === 0;
  const wanted = packagesFor(purpose);
  const installed = await query(wanted.map((p) => p.name));
  if (installed === undefined) {
    log(`dpkg-query not found (not Debian?): cannot check; make sure these are installed: ${wanted.map((p) => p.name).join(' ')}`);
    return [];
  }
  const { missing, commands, manual } = plan(wanted, installed, { root });
  if (missing.length === 0) return [];
  log(`missing Debian packages:`);
  // One line per reason, not per package: most packages share theirs.
  const byReason = new Map();
  for (const p of missing) {
    const why = p.why.join('; ');
    byReason.set(why, [...(byReason.get(why) ?? []), p.name]);
  }
  for (const [why, names] of byReason) log(`  ${names.join(' ')}: ${why}`);
  if (manual) {
    throw new Error(`missing Debian packages (${missing.map((p) => p.name).join(', ')}); not running as root, so install them with:\n  ${manual}\nthen run this again`);
  }
  for (const [cmd, ...args] of commands) {
    if (args[0] === 'update' && aptUpdated) continue;
    log(`running: ${cmd} ${args.join(' ')}`);
    await run(cmd, args);
    if (args[0] === 'update') aptUpdated = true;
  }
  const after = await query(missing.map((p) => p.name));
  const still = missing.filter((p) => !after?.has(p.name));
  if (still.length > 0) throw new Error(`apt-get finished but these are still not installed: ${still.map((p) => p.name).join(', ')}`);
  log(`installed ${missing.map((p) => p.name).join(' ')}`);
  return missing.map((p) => p.name);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const purpose = args.find((a) => !a.startsWith('-'));
  if (args.includes('--help') || !purpose || !Object.hasOwn(PURPOSES, purpose)) {
    process.stderr.write(`usage: node scripts/system-deps.mjs (${Object.keys(PURPOSES).join('|')}) [--check]\n`);
    process.exit(args.includes('--help') ? 0 : 64);
  }
  try {
    if (args.includes('--check')) {
      const wanted = packagesFor(purpose);
      const installed = await queryInstalled(wanted.map((p) => p.name));
      if (installed === undefined) {
        process.stdout.write(`unknown: dpkg-query not found; needed: ${wanted.map((p) => p.name).join(' ')}\n`);
        process.exit(1);
      }
      const { missing } = plan(wanted, installed, { root: true });
      process.stdout.write(missing.length === 0 ? `ok: ${wanted.map((p) => p.name).join(' ')}\n` : `missing: ${missing.map((p) => p.name).join(' ')}\n`);
      process.exit(missing.length === 0 ? 0 : 1);
    }
    const added = await ensureSystemPackages(purpose);
    if (added.length === 0) process.stderr.write(`system-deps: ${purpose}: nothing to install\n`);
  } catch (err) {
    process.stderr.write(`system-deps: error: ${err.message}\n`);
    process.exit(1);
  }
}
