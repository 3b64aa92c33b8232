import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { runLsp } from '../../server/stdio.js';
import { REPO } from '../e2e/harness.js';

const run = promisify(execFile);

function capture() {
  let stdout = '';
  let stderr = '';
  return { out: { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) }, stdout: () => stdout, stderr: () => stderr };
}

describe('csrl lsp', () => {
  it('prints help', async () => {
    const x = capture();
    assert.equal(await runLsp(['--help'], x.out), 0);
    assert.match(x.stdout(), /--stdio/);
  });
  it('needs a transport and rejects unknown options (usage, exit 64)', async () => {
    const a = capture();
    assert.equal(await runLsp([], a.out), 64);
    assert.match(a.stderr(), /choose a transport: --stdio/);
    const b = capture();
    assert.equal(await runLsp(['--stdio', '--bogus'], b.out), 64);
    assert.match(b.stderr(), /unknown option --bogus/);
  });
  it('the csrl executable starts it (and lists it in csrl --help)', async () => {
    const help = await run(process.execPath, [resolve(REPO, 'bin/csrl.js'), 'lsp', '--help']);
    assert.match(help.stdout, /usage: csrl lsp --stdio/);
    const list = await run(process.execPath, [resolve(REPO, 'bin/csrl.js'), '--help']);
    assert.match(list.stdout, /lsp\s+run the language server/);
    await assert.rejects(run(process.execPath, [resolve(REPO, 'bin/csrl.js'), 'lsp']), (err: { code: number; stderr: string }) => err.code === 64 && /choose a transport/.test(err.stderr));
  });
});
