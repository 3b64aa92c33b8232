import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from '../../cli/commands/lsp.js';
import { UsageError, type CommandIO } from '../../cli/io.js';

function io(): CommandIO & { out: string } {
  const o = { out: '' } as CommandIO & { out: string };
  Object.assign(o, {
    stdout: (t: string) => { o.out += t; },
    stderr: () => {},
    stdoutBytes: () => {},
    readStdin: async () => new Uint8Array(),
    stdoutIsTTY: false,
    cwd: process.cwd(),
  });
  return o;
}

describe('csrl lsp', () => {
  it('prints help', async () => {
    const x = io();
    assert.equal(await run(['--help'], x), 0);
    assert.match(x.out, /--stdio/);
  });
  it('needs a transport and rejects unknown options', async () => {
    await assert.rejects(run([], io()), UsageError);
    await assert.rejects(run(['--stdio', '--bogus'], io()), UsageError);
  });
});
