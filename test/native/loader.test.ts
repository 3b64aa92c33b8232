import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadNative, NativeUnavailableError } from '../../native/index.js';

const temp = mkdtempSync(path.join(os.tmpdir(), 'csrl-native-loader-'));
after(() => rmSync(temp, { recursive: true, force: true }));

async function assertAllReject(native: ReturnType<typeof loadNative>): Promise<void> {
  const calls: Array<() => Promise<unknown>> = [
    () => native.listProcesses(),
    () => native.processIdentity(process.pid),
    () => native.executablePath(process.pid),
    () => native.checkProcess(process.pid, 'anchor apple'),
    () => native.checkPath(process.execPath, 'anchor apple'),
    () => native.signingInformation({ pid: process.pid }),
    () => native.parseRequirement('anchor apple'),
  ];
  for (const call of calls) {
    await assert.rejects(call(), (err: unknown) => {
      assert.ok(err instanceof NativeUnavailableError);
      assert.equal(err.code, 'ERR_CSRL_NATIVE_UNAVAILABLE');
      assert.match(err.message, /^native addon not available: /);
      return true;
    });
  }
}

describe('loader fallback', () => {
  test('missing binary: available false, every path tried, methods reject clearly', async () => {
    const empty = path.join(temp, 'empty');
    mkdirSync(empty);
    const native = loadNative({ searchPaths: [empty] });
    assert.equal(native.available, false);
    assert.equal(native.backend, 'none');
    assert.ok(native.tried.includes(path.join(empty, 'build', 'Release', 'csrl_native.node')));
    assert.ok(native.tried.includes(path.join(empty, 'build', 'Debug', 'csrl_native.node')));
    assert.ok(native.tried.some((p) => p.startsWith(path.join(empty, 'prebuilds'))), 'prebuilds location is listed');
    assert.deepEqual(native.attempts.map((a) => a.error), native.tried.map(() => 'not found'));
    assert.match(native.reason ?? '', /not built/);
    await assertAllReject(native);
  });

  test('broken binary (garbage named x.node) gives available false, not an exception', async () => {
    const dir = path.join(temp, 'garbage');
    mkdirSync(dir);
    const file = path.join(dir, 'x.node');
    writeFileSync(file, 'this is not a shared object\n'.repeat(20));
    const native = loadNative({ searchPaths: [file] });
    assert.equal(native.available, false);
    assert.deepEqual(native.tried, [file]);
    assert.equal(native.attempts.length, 1);
    assert.notEqual(native.attempts[0]!.error, 'not found');
    assert.ok(native.reason?.includes(file), native.reason);
    await assertAllReject(native);

    // The same file found by directory search.
    const byDir = loadNative({ searchPaths: [dir] });
    assert.equal(byDir.available, false);
    assert.ok(byDir.tried.includes(file));
  });

  test('broken binary in build/Release (a truncated copy of a real addon) falls through to the next path', () => {
    const pkg = path.join(temp, 'pkg');
    mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
    const real = loadNative();
    const source = real.loadedFrom ?? process.execPath; // any ELF/Mach-O file makes a realistic truncated binary
    writeFileSync(path.join(pkg, 'build', 'Release', 'csrl_native.node'), readFileSync(source).subarray(0, 4096));
    const native = loadNative({ searchPaths: [pkg] });
    assert.equal(native.available, false);
    const release = native.attempts.find((a) => a.path === path.join(pkg, 'build', 'Release', 'csrl_native.node'));
    assert.ok(release && release.error !== 'not found', JSON.stringify(native.attempts));
    // build/Debug was still tried after the broken Release binary.
    assert.ok(native.tried.indexOf(path.join(pkg, 'build', 'Debug', 'csrl_native.node')) > native.tried.indexOf(release.path));
  });

  test('a valid binary after a broken one is loaded', () => {
    const real = loadNative();
    if (!real.available) {
      // Nothing to copy: the unavailable result itself must be well-formed.
      assert.ok(real.reason && real.tried.length > 0);
      return;
    }
    const dir = path.join(temp, 'mixed');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a-broken.node'), 'garbage');
    copyFileSync(real.loadedFrom!, path.join(dir, 'b-good.node'));
    const native = loadNative({ searchPaths: [dir] });
    assert.equal(native.available, true);
    assert.equal(native.loadedFrom, path.join(dir, 'b-good.node'));
    assert.ok(native.attempts.some((a) => a.path === path.join(dir, 'a-broken.node') && a.error !== 'not found'));
  });
});

describe('binary sanity check before dlopen', () => {
  test('complete binaries pass; truncated copies at any length are rejected without loading', async () => {
    const { checkModuleFile } = await import('../../native/binary-check.js');
    const real = loadNative();
    const source = real.loadedFrom ?? process.execPath;
    assert.equal(checkModuleFile(source), undefined);
    const bytes = readFileSync(source);
    const dir = path.join(temp, 'truncated');
    mkdirSync(dir);
    for (const length of [0, 3, 16, 63, 64, 200, 4096, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const file = path.join(dir, `cut-${length}.node`);
      writeFileSync(file, bytes.subarray(0, length));
      const problem = checkModuleFile(file);
      assert.ok(problem, `a copy cut at ${length} of ${bytes.length} bytes is reported`);
      const native = loadNative({ searchPaths: [file] });
      assert.equal(native.available, false);
      assert.equal(native.attempts[0]!.error, problem);
    }
  });
});

test('the loader works from a CommonJS bundle (as a VS Code extension is bundled)', async () => {
  const { fileURLToPath } = await import('node:url');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const dir = mkdtempSync(path.join(root, 'out', 'test', 'native', '.cjs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const esbuild = await import('esbuild');
  const bundle = path.join(dir, 'extension.cjs');
  await esbuild.build({
    entryPoints: [path.join(root, 'native', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    logLevel: 'error',
    outfile: bundle,
  });
  const script = `const n = require(${JSON.stringify(bundle)}).loadNative();
    process.stdout.write(JSON.stringify({ available: n.available, tried: n.tried, loadedFrom: n.loadedFrom }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: os.tmpdir(), env: { ...process.env } });
  const fromBundle = JSON.parse(stdout) as { available: boolean; tried: string[]; loadedFrom?: string };
  const direct = loadNative();
  assert.equal(fromBundle.available, direct.available);
  assert.equal(fromBundle.loadedFrom, direct.loadedFrom);
  assert.ok(fromBundle.tried.length > 0);
});
