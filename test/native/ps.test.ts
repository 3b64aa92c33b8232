import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { run } from '../../cli/commands/ps.js';
import type { PsRow } from '../../native/process-rows.js';
import { memoryIO, type CommandIO } from '../../cli/io.js';
import { loadNative, UnsupportedPlatformError } from '../../native/index.js';
import { runCli } from '../support/cli.js';

const native = loadNative();
const temp = mkdtempSync(path.join(os.tmpdir(), 'csrl-ps-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function capture(): { io: CommandIO; out: () => string; err: () => string } {
  const m = memoryIO();
  return { io: m.io, out: m.stdout, err: m.stderr };
}

test('csrl ps without the addon: exit 3 and the reason', async () => {
  const c = capture();
  const code = await run([], c.io, loadNative({ searchPaths: [temp] }));
  assert.equal(code, 3);
  assert.match(c.err(), /^csrl ps: native addon not available: /);
  assert.equal(c.out(), '');
});

test('csrl ps where the addon has no process backend (Windows): exit 3 and the reason', async () => {
  const c = capture();
  const windowsLike = {
    ...loadNative({ searchPaths: [temp] }),
    available: true,
    listProcesses: () => Promise.reject(new UnsupportedPlatformError('process inspection is implemented for Linux (/proc) and macOS (libproc) only')),
  };
  assert.equal(await run([], c.io, windowsLike), 3);
  assert.match(c.err(), /^csrl ps: process inspection is implemented for Linux/);
});

test('csrl ps: usage errors', async () => {
  assert.equal((await runCli(['ps', 'extra'])).code, 64);
  assert.equal((await runCli(['ps', '--bogus'])).code, 64);
  const help = await runCli(['ps', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: csrl ps/);
});

if (native.available && (process.platform === 'linux' || process.platform === 'darwin')) {
  test('csrl ps --json lists this process with its parent, user and path', async () => {
    const result = await runCli(['ps', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as PsRow[];
    const me = rows.find((r) => r.pid === process.pid);
    assert.ok(me);
    assert.equal(me.ppid, process.ppid);
    assert.equal(me.uid, process.geteuid!());
    assert.equal(me.user, os.userInfo().username);
    assert.equal(me.executablePath, realpathSync(process.execPath));
    assert.ok(me.startedAt && !Number.isNaN(Date.parse(me.startedAt)));
    assert.ok(rows.some((r) => r.pid === process.ppid));
  });

  test('csrl ps prints an aligned table with a header', async () => {
    const result = await runCli(['ps']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^\s*PID\s+PPID\s+USER\s+NAME\s+PATH$/);
    const mine = lines.find((l) => l.trim().split(/\s+/)[0] === String(process.pid));
    assert.ok(mine, 'own pid has a row');
    const [pid, ppid, user] = mine.trim().split(/\s+/);
    assert.equal(pid, String(process.pid));
    assert.equal(ppid, String(process.ppid));
    assert.equal(user, os.userInfo().username);
    assert.ok(mine.endsWith(realpathSync(process.execPath)));
    // Right-aligned PID column: every row's PID field ends where the header's does.
    const pidEnd = lines[0]!.indexOf('PID') + 3;
    for (const line of lines.slice(1)) assert.match(line.slice(0, pidEnd), /^\s*\d+$/);
  });
}

if (native.available && process.platform === 'linux') {
  test('csrl ps --signing on Linux: a note, and the plain listing', async () => {
    const result = await runCli(['ps', '--signing']);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /--signing needs Security.framework \(macOS\)/);
    assert.match(result.stdout.split('\n')[0]!, /^\s*PID\s+PPID\s+USER\s+NAME\s+PATH$/);
  });
}
