/**
 * Running `npm start` (scripts/e2e-open.mjs) from a test as a person would:
 * the script itself in its own process group, its banner read for the URL,
 * password, playground and process group, and the login done in Chromium.
 * Shared by open.test.ts (the script's own promises) and playground.test.ts
 * (a new user's first steps in the playground it sets up).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import * as path from 'node:path';
import { fixtureCacheDir } from '../support/fixtures.js';
import { liveGroupMembers, REPO, toolsCacheRoot, type Page } from './harness.js';

export const OPEN_SCRIPT = path.join(REPO, 'scripts', 'e2e-open.mjs');

/** `git status --porcelain` of the repository ('' outside a git checkout). */
export function gitStatus(): string {
  try {
    return execFileSync('git', ['status', '--porcelain'], { cwd: REPO, encoding: 'utf8' });
  } catch {
    return '';
  }
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  finished: Promise<Finished>;
}

/** Runs e2e-open in its own process group, collecting its output. */
export function start(args: string[], env: NodeJS.ProcessEnv): Started {
  let output = '';
  const child = spawn(process.execPath, [OPEN_SCRIPT, ...args], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const finished = new Promise<Finished>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, finished };
}

/** Polls `probe` until it gives a value; fails with e2e-open's output when the script ends first or time runs out. */
export async function waitFor<T>(what: string, ms: number, probe: () => T | undefined, finished: Promise<Finished>, output: () => string): Promise<T> {
  let done: Finished | undefined;
  void finished.then((f) => (done = f));
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (done) throw new Error(`e2e-open ended (${done.signal ?? `exit ${done.code}`}) before ${what}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms / 1000} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The caller's environment with HOME and the XDG folders moved to `home`. */
export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ...extra,
  };
}

/**
 * SIGKILLs a process group left over by a failure, only while it still has live
 * members: once it is empty its ID may be reused by an unrelated group.
 */
export function killGroupIfLive(pid: number | undefined): void {
  if (pid === undefined || liveGroupMembers(pid).length === 0) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface Playground {
  run: Started;
  /** The printed URL (opens examples/insecure.csreq in the playground). */
  url: string;
  password: string;
  /** code-server's process group. */
  serverGroup: number;
  /** The run folder, removed on exit. */
  runFolder: string;
  /** The playground: the fresh copy of examples/ that VS Code opens. */
  playground: string;
  /** The HOME given to e2e-open (a temp folder of the caller's to remove). */
  home: string;
}

/**
 * `npm start -- --code-server --port PORT` with HOME moved to a temp folder (the
 * tools and fixture caches named explicitly, as they are under the real HOME),
 * waited for until its banner is printed.
 */
export async function startPlayground(port: number, readyMs = 180_000): Promise<Playground> {
  const home = mkdtempSync(path.join(tmpdir(), 'csrl-open-test-'));
  const run = start(['--code-server', '--port', String(port)], isolatedEnv(home, { CSRL_E2E_CACHE: await toolsCacheRoot(), CSRL_FIXTURE_CACHE: fixtureCacheDir() }));
  const url = await waitFor('printed URL', readyMs, () => /^ {2}(http:\/\/127\.0\.0\.1:\d+\/\?\S+)$/m.exec(run.output())?.[1], run.finished, run.output);
  const info = /code-server pid (\d+) \(process group (\d+)\), run folder (\S+), log /.exec(run.output());
  const password = /^ {2}password: (\S+)$/m.exec(run.output())?.[1];
  if (!info || !password) throw new Error(`e2e-open names code-server's process group, its run folder and a password:\n${run.output()}`);
  const runFolder = info[3]!;
  return { run, url, password, serverGroup: Number(info[2]), runFolder, playground: path.join(runFolder, 'examples'), home };
}

/** The login page, then the password, as a person would; resolves once the workbench asks whether to trust the folder. */
export async function logIn(page: Page, pg: Playground, onLoginPage?: () => Promise<unknown>): Promise<void> {
  await page.goto(pg.url);
  const field = page.locator('input[type="password"][name="password"]');
  await field.waitFor({ timeout: 30_000 });
  await field.fill(pg.password);
  await onLoginPage?.();
  await page.locator('input.submit[type="submit"]').click();
}

/** The trust prompt's "Yes" button (workspace trust is on in `npm start`, as for any user). */
export const trustButton = (page: Page) => page.locator('.monaco-dialog-box .monaco-button').filter({ hasText: /Yes, I trust the authors/ });

/** Ctrl+C to the script; resolves with how it ended, or undefined when it still runs after `ms`. */
export async function interrupt(run: Started, ms = 30_000): Promise<Finished | undefined> {
  process.kill(run.child.pid!, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const end = await Promise.race([run.finished, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  clearTimeout(timer);
  return end;
}
