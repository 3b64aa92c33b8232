/**
 * Nested code is read once per doctor run: the reader's report cache
 * (ReadOptions.cache) holds what the app's seal check read, and the doctor's
 * own reads of the same code are served from it.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doctor } from '../../engine/doctor/doctor.js';
import { readCode, type CodeReport, type CodeReportCache, type ReadOptions } from '../../validator/read.js';
import { makeApp, teams } from './fixtures.js';

let dir: string;
let appPath: string;
let lib: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-doctor-once-'));
  teams();
  const app = await makeApp(join(dir, 'a'), { library: {}, xpc: {} });
  appPath = app.path;
  lib = join(app.resourceRoot, 'Frameworks', 'libfoo.dylib');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reader: a report cache', () => {
  it('nested code read by the seal check is the report a later read of it returns', async () => {
    const cache: CodeReportCache = new Map();
    const app = await readCode(appPath, { cache });
    assert.equal(app.slices[0]?.verification.ok, true);
    assert.ok(cache.has(await realpath(lib)), [...cache.keys()].join(', '));
    const again = await readCode(lib, { cache });
    assert.equal(again, await cache.get(await realpath(lib)));
    assert.equal(await readCode(appPath, { cache }), app);
  });

  it('without a cache, or for one architecture, every read is its own', async () => {
    const cache: CodeReportCache = new Map();
    await readCode(appPath, { cache });
    assert.notEqual(await readCode(lib), await readCode(lib));
    assert.notEqual(await readCode(lib, { cache, arch: 'x86_64' }), await cache.get(await realpath(lib)));
  });

  it('a path that does not exist is read (and fails) each time, not remembered', async () => {
    const cache: CodeReportCache = new Map();
    await assert.rejects(readCode(join(dir, 'none'), { cache }), /no such file/);
    assert.equal(cache.size, 0);
  });
});

describe('doctor: each piece of nested code read once', () => {
  it('every library and nested bundle the doctor asks for was already read by the app\'s seal check', async () => {
    const asked: { path: string; cached: boolean }[] = [];
    let caches = new Set<CodeReportCache>();
    const reader = async (path: string, options: ReadOptions): Promise<CodeReport> => {
      assert.ok(options.cache, 'the doctor gives the reader a cache');
      caches.add(options.cache);
      asked.push({ path, cached: options.cache.has(await realpath(path).catch(() => path)) });
      return readCode(path, options);
    };
    const report = await doctor(appPath, { readCode: reader });
    assert.equal(report.verdict, 'satisfied', JSON.stringify(report.relationships.filter((r) => r.verdict !== 'satisfied')));
    assert.equal(caches.size, 1, 'one cache for the whole run');
    const nested = asked.filter((a) => a.path.endsWith('libfoo.dylib') || a.path.endsWith('Service.xpc'));
    assert.deepEqual(nested.map((a) => a.path.split('/').pop()), ['Service.xpc', 'libfoo.dylib']);
    assert.ok(nested.every((a) => a.cached), JSON.stringify(asked));
    // A second run reads afresh (files may have changed): a new cache.
    const first = [...caches][0];
    caches = new Set();
    await doctor(appPath, { readCode: reader });
    assert.equal(caches.size, 1);
    assert.notEqual([...caches][0], first);
  });
});
