import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from '../../cli/commands/lsp.js';
import { memoryIO, UsageError } from '../../cli/io.js';

describe('csrl lsp', () => {
  it('prints help', async () => {
    const x = memoryIO();
    assert.equal(await run(['--help'], x.io), 0);
    assert.match(x.stdout(), /--stdio/);
  });
  it('needs a transport and rejects unknown options', async () => {
    await assert.rejects(run([], memoryIO().io), UsageError);
    await assert.rejects(run(['--stdio', '--bogus'], memoryIO().io), UsageError);
  });
});
