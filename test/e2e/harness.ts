/**
 * Runs a real VS Code (code-server 4.100.3, the test-only tools installed by
 * scripts/e2e-install.mjs into a cache outside the repository) and drives it
 * with Playwright in Debian's Chromium. See shared spec vscode-headless.md
 * for why this combination and its pitfalls.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
export const ARTIFACTS = path.join(REPO, 'test', 'artifacts');

/** Minimal shapes of the playwright-core API used here (it is not a dependency of the project). */
export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: string }): Promise<unknown>;
  exposeFunction(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number; state?: string }): Promise<unknown>;
  locator(selector: string): Locator;
  keyboard: { press(key: string): Promise<void>; type(text: string, options?: { delay?: number }): Promise<void> };
  evaluate<T>(fn: () => T): Promise<T>;
  url(): string;
  waitForTimeout(ms: number): Promise<void>;
  waitForFunction(expression: string, arg?: unknown, options?: { timeout?: number; polling?: number }): Promise<unknown>;
  on(event: string, fn: (arg: { text(): string }) => void): void;
}
export interface Locator {
  first(): Locator;
  click(options?: { timeout?: number; position?: { x: number; y: number } }): Promise<void>;
  waitFor(options?: { timeout?: number; state?: string }): Promise<void>;
  innerText(options?: { timeout?: number }): Promise<string>;
  filter(options: { hasText: string | RegExp }): Locator;
  count(): Promise<number>;
  hover(options?: { timeout?: number }): Promise<void>;
  isVisible(): Promise<boolean>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  inputValue(options?: { timeout?: number }): Promise<string>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  focus(options?: { timeout?: number }): Promise<void>;
}
interface Browser {
  newContext(options?: unknown): Promise<{ newPage(): Promise<Page> }>;
  close(): Promise<void>;
}

export function chromiumPath(): string {
  return process.env['CSRL_CHROMIUM'] || '/usr/bin/chromium';
}

export async function toolsDir(): Promise<{ dir: string; installed: boolean }> {
  const mod = (await import(path.join(REPO, 'scripts', 'e2e-install.mjs'))) as { toolsDir(): string; isInstalled(dir?: string): boolean };
  const dir = mod.toolsDir();
  return { dir, installed: mod.isInstalled(dir) };
}

/** What is missing to run the e2e tests, as exact commands; empty when ready. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if (!existsSync(chromiumPath())) missing.push(`Chromium (${chromiumPath()}): apt-get install -y chromium   (or set CSRL_CHROMIUM to a Chromium binary)`);
  if (!existsSync('/usr/bin/rg')) missing.push('ripgrep: apt-get install -y ripgrep');
  const tools = await toolsDir();
  if (!tools.installed) missing.push(`the test-only VS Code (code-server 4.100.3 + playwright-core, ~300 MB, into ${tools.dir}): apt-get install -y libkrb5-dev ripgrep && node scripts/e2e-install.mjs`);
  return missing;
}

export async function launchBrowser(tools: string): Promise<Browser> {
  const require = createRequire(path.join(tools, 'package.json'));
  const { chromium } = require('playwright-core') as { chromium: { launch(o: unknown): Promise<Browser> } };
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface CodeServer {
  port: number;
  url: string;
  userData: string;
  log: () => string;
  stop(): Promise<void>;
  remote(p: string): string;
}

/** A fresh, isolated code-server on 127.0.0.1 (own home, user data and extensions folders). */
export async function startCodeServer(tools: string, runDir: string, name: string, options: { workspace: string; vsix?: string; env?: Record<string, string>; trust?: boolean }): Promise<CodeServer> {
  const home = path.join(runDir, name);
  const userData = path.join(home, 'ud');
  const extensions = path.join(home, 'ext');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': options.trust === true,
      'telemetry.telemetryLevel': 'off',
      'workbench.startupEditor': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'git.enabled': false,
      'workbench.tips.enabled': false,
      'editor.hover.delay': 100,
      'files.simpleDialog.enable': true,
    }),
  );
  const entry = path.join(tools, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  // EXTENSIONS_GALLERY={} (no service URL): code-server's extension gallery is off, so the tests look nothing up on the network.
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), XDG_CACHE_HOME: path.join(home, '.cache'), EXTENSIONS_GALLERY: '{}', ...options.env };
  if (options.vsix) {
    await run(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', options.vsix, '--force'], { env, timeout: 60000 });
  }
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(options.trust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', '--user-data-dir', userData, '--extensions-dir', extensions, options.workspace],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) throw new Error(`code-server did not listen within 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    url,
    userData,
    log: () => log,
    remote: (p: string) => `vscode-remote://127.0.0.1:${port}${p}`,
    async stop() {
      // The extension host and watchers outlive the main process unless the whole group goes.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 300));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export function newRunDir(): string {
  // Short: code-server puts a unix socket under the user-data dir.
  return mkdtempSync(path.join(tmpdir(), 'csrl-e2e-'));
}

/** The extension-host log(s) of a run, for failure messages. */
export function extensionHostLog(userData: string): string {
  const logs = path.join(userData, 'logs');
  try {
    const out: string[] = [];
    for (const ts of existsSync(logs) ? readdirSync(logs) : []) {
      const p = path.join(logs, ts, 'exthost1', 'remoteexthost.log');
      if (existsSync(p)) out.push(readFileSync(p, 'utf8').slice(-4000));
    }
    return out.join('\n');
  } catch {
    return '';
  }
}

interface ProcInfo {
  pid: number;
  pgrp: number;
}

/** Live processes from /proc (zombies left out: where PID 1 does not reap orphans they linger but hold nothing). */
function liveProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') out.push({ pid: Number(name), pgrp: Number(pgrp) });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** PIDs of the live members of a process group. */
export function liveGroupMembers(pgid: number): number[] {
  return liveProcs()
    .filter((p) => p.pgrp === pgid)
    .map((p) => p.pid);
}

/** PIDs of live processes (other than this one) whose command line or environment contains `text`. */
export function processesMentioning(text: string): number[] {
  return processesWith(text, ['cmdline', 'environ']);
}

/** PIDs of live processes (other than this one) whose command line contains `text` (what `ps` shows every user). */
export function commandLinesMentioning(text: string): number[] {
  return processesWith(text, ['cmdline']);
}

function processesWith(text: string, files: readonly string[]): number[] {
  const found: number[] = [];
  for (const { pid } of liveProcs()) {
    if (pid === process.pid) continue;
    for (const file of files) {
      try {
        if (readFileSync(`/proc/${pid}/${file}`, 'latin1').includes(text)) {
          found.push(pid);
          break;
        }
      } catch {
        // exited, or not ours to read
      }
    }
  }
  return found;
}

/** The cache folder of the test-only tools, as scripts/e2e-install.mjs computes it for this environment. */
export async function toolsCacheRoot(): Promise<string> {
  const mod = (await import(path.join(REPO, 'scripts', 'e2e-install.mjs'))) as { cacheRoot(): string };
  return mod.cacheRoot();
}

