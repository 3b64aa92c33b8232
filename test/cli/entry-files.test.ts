/**
 * bin/csrl.js loads `check` and `info` from dist/cli/signature.js (one file)
 * and every other command from the split chunks of dist/cli/main.js (see
 * scripts/bundle.mjs). Either file must answer every command alike: these run
 * the same commands through both and compare what they print and return.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { REPO } from '../e2e/harness.js';
import { makeMachO, signMachO } from '../signer/index.js';

const run = promisify(execFile);

/** Runs `main(argv)` of one CLI entry file in a fresh process: exit status and output. */
async function through(entry: 'signature.js' | 'main.js', argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const url = pathToFileURL(join(REPO, 'dist', 'cli', entry)).href;
  const script = `const m = await import(${JSON.stringify(url)}); process.exitCode = await m.main(process.argv.slice(1));`;
  try {
    const r = await run(process.execPath, ['--input-type=module', '-e', script, '--', ...argv], { maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('dist/cli/signature.js and dist/cli/main.js give the same answers to check and info', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'csrl-entry-'));
  try {
    const file = join(dir, 'tool');
    writeFileSync(file, signMachO(makeMachO(), { identifier: 'com.example.tool', adhoc: true }));
    for (const argv of [
      ['check', '-e', 'identifier "com.example.tool"', '--json', file],
      ['check', '-e', 'identifier "com.example.other"', file],
      ['check', '-e', 'identifier', file],
      ['info', '--json', file],
      ['info', join(dir, 'missing')],
      ['check', '--no-such-option'],
    ]) {
      const one = await through('signature.js', argv);
      const split = await through('main.js', argv);
      assert.deepEqual(one, split, argv.join(' '));
    }
    assert.equal((await through('signature.js', ['check', '-e', 'identifier "com.example.other"', file])).code, 1, 'a failing requirement exits 1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dist/cli/signature.js hands the other commands to the split CLI, which answers them as usual', async () => {
  for (const argv of [
    ['parse', '-e', 'anchor apple generic and identifier "a"'],
    ['compile', '--hex', '-e', 'anchor apple'],
    ['parse', '-e', 'anchor'],
    ['fmt', '--no-such-option'],
    ['no-such-command'],
    ['--help'],
  ]) {
    const one = await through('signature.js', argv);
    const split = await through('main.js', argv);
    assert.deepEqual(one, split, argv.join(' '));
  }
  const parsed = await through('signature.js', ['parse', '-e', 'anchor apple generic and identifier "a"']);
  assert.equal(parsed.code, 0);
  assert.match(parsed.stdout, /anchor apple generic and identifier "?a"?/);
});
