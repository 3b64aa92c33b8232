/** The fixture downloader refuses a cached file that is not the pinned one (own process: the cache folder is set here). */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixture, FIXTURES } from '../support/fixtures.js';

const cache = await mkdtemp(join(tmpdir(), 'csrl-fixture-cache-'));
process.env['CSRL_FIXTURE_CACHE'] = cache;
after(() => rm(cache, { recursive: true, force: true }));

describe('fixtures', () => {
  it('a cached binary with the wrong sha256 is refused, with the way out', async () => {
    const target = join(cache, 'fsevents@2.3.3', 'root', FIXTURES['fsevents@2.3.3'].file);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, 'not the fixture');
    await assert.rejects(fixture('fsevents@2.3.3'), /fixture fsevents@2\.3\.3: cached .* has sha256 [0-9a-f]{64}, expected 40f2f511.*; delete .* to fetch it again/);
  });

  it('every fixture pins a sha512 integrity and a sha256', () => {
    for (const [name, spec] of Object.entries(FIXTURES)) {
      assert.match(spec.integrity, /^sha512-[A-Za-z0-9+/]{86}==$/, name);
      assert.match(spec.sha256, /^[0-9a-f]{64}$/, name);
      assert.ok(spec.file.startsWith(spec.extract), name);
    }
  });
});
