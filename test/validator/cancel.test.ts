import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCode } from '../../validator/read.js';
import { fixture } from '../support/fixtures.js';

// The page check and the CMS check run at once; cancelling while the CMS check
// is still running used to leave the page check's rejection unhandled, which
// crashes a CLI and is reported by the extension host.
for (const when of ['before the call', 'on the next turn', 'after 5 ms'] as const) {
  test(`readCode rejects with the signal's reason when cancelled ${when}, with no unhandled rejection`, async () => {
    const path = await fixture('@sentry/cli-darwin@3.8.0');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ac = new AbortController();
      const reason = new Error('cancelled by the test');
      if (when === 'before the call') ac.abort(reason);
      else if (when === 'on the next turn') setImmediate(() => ac.abort(reason));
      else setTimeout(() => ac.abort(reason), 5);
      await assert.rejects(readCode(path, { signal: ac.signal }), (err) => err === reason);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
}

test('readCode with verifyPages: false still honours a cancellation', async () => {
  const path = await fixture('@sentry/cli-darwin@3.8.0');
  const ac = new AbortController();
  const reason = new Error('cancelled by the test');
  ac.abort(reason);
  await assert.rejects(readCode(path, { signal: ac.signal, verifyPages: false }), (err) => err === reason);
});
