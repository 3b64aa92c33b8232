/**
 * Real processes for process-check tests: a copy of /bin/sleep started from a
 * temporary folder of its own, so a test can delete, rename or replace the
 * executable under the running process. Each test file makes one Sleepers
 * and calls `cleanUp` in its `after`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface Sleeper {
  pid: number;
  exe: string;
  dir: string;
  dev: bigint;
  ino: bigint;
  child: ChildProcess;
}

export class Sleepers {
  private readonly children: ChildProcess[] = [];
  private readonly dirs: string[] = [];

  /** Starts a copy of /bin/sleep named `name` (args: sleep's arguments). */
  async start(options: { name?: string; args?: string[]; prefix?: string } = {}): Promise<Sleeper> {
    const dir = mkdtempSync(path.join(tmpdir(), options.prefix ?? 'csrl-sleeper-'));
    this.dirs.push(dir);
    const exe = path.join(dir, options.name ?? 'sleeper');
    copyFileSync('/bin/sleep', exe);
    chmodSync(exe, 0o755);
    const { dev, ino } = statSync(exe, { bigint: true });
    const child = spawn(exe, options.args ?? ['60'], { stdio: 'ignore' });
    this.children.push(child);
    await once(child, 'spawn');
    return { pid: child.pid!, exe, dir, dev, ino, child };
  }

  cleanUp(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
