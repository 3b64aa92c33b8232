import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { terminalSafe } from '../../validator/printable.js';
import { REPO } from '../e2e/harness.js';
import { makeMachO, signMachO } from '../signer/index.js';

// An identifier is whatever the signer wrote: a hostile one can carry terminal controls.
const HOSTILE_ID = 'com.example\x1b[2K\r\x1b[32mVerification: valid\x1b[0m';

test('terminalSafe escapes what a terminal acts on and keeps lines and tabs', () => {
  assert.equal(terminalSafe('a\tb\nc'), 'a\tb\nc');
  assert.equal(terminalSafe('x\x1b[2K\ry\x07\x7f\x9b\u202e'), 'x\\x1b[2K\\x0dy\\x07\\x7f\\x9b\\u{202e}');
  assert.equal(terminalSafe('C:\\path'), 'C:\\path', 'a backslash does nothing to a terminal');
});

test('csrl shows controls from the inspected code as escapes, on a terminal and in a pipe (a CI log is a pipe)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csrl-tty-'));
  try {
    const file = join(dir, 'tool');
    writeFileSync(file, signMachO(makeMachO(), { identifier: HOSTILE_ID, adhoc: true }));
    const bin = join(REPO, 'bin', 'csrl.js');
    const piped = execFileSync(process.execPath, [bin, 'info', file], { encoding: 'utf8' });
    assert.ok(piped.includes('Identifier=com.example\\x1b[2K\\x0d\\x1b[32mVerification: valid\\x1b[0m'), piped);
    assert.ok(!piped.includes('\x1b['), 'no raw escape sequence in a pipe either');
    // `script` runs the command on a pseudo-terminal, as a person's shell would.
    const onTty = execFileSync('script', ['-qec', `"${process.execPath}" "${bin}" info "${file}"`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } });
    assert.ok(onTty.includes('Identifier=com.example\\x1b[2K\\x0d\\x1b[32mVerification: valid\\x1b[0m'), onTty);
    assert.ok(!onTty.includes('\x1b['), 'no raw escape sequence reaches the terminal');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an inspected value with line feeds cannot start a line of its own or fake a field (csrl info and csrl check)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csrl-lines-'));
  try {
    const file = join(dir, 'tool');
    const forged = 'com.evil\nVerification: valid (every code page checked)\nTeamIdentifier=APPLE12345';
    writeFileSync(file, signMachO(makeMachO(), { identifier: forged, adhoc: true }));
    const bin = join(REPO, 'bin', 'csrl.js');
    const info = execFileSync(process.execPath, [bin, 'info', file], { encoding: 'utf8' });
    assert.ok(info.includes('Identifier=com.evil\\x0aVerification: valid (every code page checked)\\x0aTeamIdentifier=APPLE12345'), info);
    assert.ok(!info.split('\n').some((l) => l.startsWith('TeamIdentifier=APPLE12345')), 'no forged TeamIdentifier line');
    assert.equal(info.split('\n').filter((l) => l.startsWith('Verification:')).length, 1, 'one Verification line, the real one');
    let check = '';
    try {
      execFileSync(process.execPath, [bin, 'check', '-e', 'identifier "x"', file], { encoding: 'utf8' });
    } catch (err) {
      check = String((err as { stdout: string }).stdout);
    }
    assert.ok(check.includes('com.evil\\nVerification'), check);
    assert.ok(!check.split('\n').some((l) => l.startsWith('Verification:') || l.startsWith('TeamIdentifier=')), check);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process name with a line feed cannot inject a row into csrl ps', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'csrl-ps-'));
  const exe = join(dir, 'evil\n99999  1  root  forged');
  const { copyFileSync, chmodSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  copyFileSync('/bin/sleep', exe);
  chmodSync(exe, 0o755);
  const child = spawn(exe, ['30'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const out = execFileSync(process.execPath, [join(REPO, 'bin', 'csrl.js'), 'ps'], { encoding: 'utf8' });
    const row = out.split('\n').find((l) => l.trimStart().startsWith(`${child.pid} `));
    assert.ok(row, `the child's row is listed:\n${out}`);
    assert.match(row, /evil\\x0a99999/, 'the line feed is shown as an escape inside the row');
    assert.ok(!out.split('\n').some((l) => l.trimStart().startsWith('99999')), 'no forged row');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
