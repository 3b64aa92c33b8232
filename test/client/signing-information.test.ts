/**
 * "Show signing information" in the editor: the same reading as `csrl info`,
 * but problems come first as words of their own, without the CLI's
 * `csrl info:` stderr prefix trailing the report.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { signingInformation } from '../../client/check-entry.js';
import { fixture } from '../support/fixtures.js';

const temp = mkdtempSync(path.join(os.tmpdir(), 'csrl-signing-info-'));
after(() => rmSync(temp, { recursive: true, force: true }));

describe('Show signing information (editor text)', () => {
  it('a valid binary: the report, no Problems section', async () => {
    const shown = await signingInformation({ path: await fixture('@sentry/cli-darwin@3.8.0') });
    assert.equal(shown.ok, true);
    assert.doesNotMatch(shown.text, /^Problems:/);
    assert.doesNotMatch(shown.text, /csrl info:/);
  });

  it('a modified binary: "Problems:" first, each problem indented, no "csrl info:" line anywhere', async () => {
    const file = path.join(temp, 'sentry-cli-modified');
    copyFileSync(await fixture('@sentry/cli-darwin@3.8.0'), file);
    const bytes = readFileSync(file);
    // A byte of the first slice's code (past the headers): its page hash no longer matches.
    bytes[0x5000] = bytes[0x5000]! ^ 0xff;
    writeFileSync(file, bytes);
    const shown = await signingInformation({ path: file });
    assert.equal(shown.ok, false);
    const lines = shown.text.split('\n');
    assert.equal(lines[0], 'Problems:');
    assert.match(lines[1]!, /^ {2}\S+: invalid signature: /);
    assert.doesNotMatch(shown.text, /csrl info:/);
    assert.match(shown.text, /^Identifier=/m, 'the report follows');
  });
});
