/**
 * scripts/system-deps.mjs: which Debian packages are missing from a dpkg-query
 * answer, and which apt-get commands follow. The decision is pure and tested
 * directly; the install path is tested through the CLI with a fake dpkg-query
 * and a fake apt-get on PATH (test doubles of the system's package tools, so no
 * package is installed), and dpkg-query's real answer is parsed once.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { REPO } from './harness.js';

interface Wanted {
  name: string;
  why: string[];
}
interface Deps {
  query?: (names: string[]) => Promise<Set<string> | undefined>;
  run?: (cmd: string, args: string[]) => Promise<void>;
  root?: boolean;
  log?: (line: string) => void;
}
interface SystemDeps {
  GROUPS: Record<string, { why: string; packages: string[] }>;
  PURPOSES: Record<string, string[]>;
  DPKG_FORMAT: string;
  packagesFor(purpose: string): Wanted[];
  parseDpkgQuery(output: string): Set<string>;
  plan(wanted: Wanted[], installed: Set<string>, options: { root: boolean }): { missing: Wanted[]; commands: string[][]; manual: string | undefined };
  queryInstalled(names: string[]): Promise<Set<string> | undefined>;
  ensureSystemPackages(purpose: string, deps?: Deps): Promise<string[]>;
}

const script = path.join(REPO, 'scripts', 'system-deps.mjs');
const load = async () => (await import(script)) as SystemDeps;

describe('system-deps: the packages and why', () => {
  test('ci needs every group, clang for the Objective-C check included; each package once, with all its reasons', async () => {
    const m = await load();
    const ci = m.packagesFor('ci');
    assert.deepEqual(ci.map((p) => p.name).sort(), ['chromium', 'clang', 'g++', 'libkrb5-dev', 'make', 'openssl', 'python3', 'ripgrep']);
    const rg = ci.find((p) => p.name === 'ripgrep')!;
    assert.deepEqual(rg.why, [m.GROUPS['test']!.why, m.GROUPS['e2e']!.why], 'ripgrep is wanted by the tests and by code-server');
    assert.match(ci.find((p) => p.name === 'clang')!.why[0]!, /Objective-C/);
  });

  test('open needs what code-server builds and runs with, and no browser', async () => {
    const m = await load();
    assert.deepEqual(m.packagesFor('open').map((p) => p.name), ['libkrb5-dev', 'ripgrep', 'g++', 'make', 'python3']);
  });

  test('an unknown purpose is an error naming the known ones', async () => {
    const m = await load();
    assert.throws(() => m.packagesFor('deploy'), /unknown purpose "deploy".*ci, open/);
    // Names every object inherits are not purposes either.
    for (const inherited of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      assert.throws(() => m.packagesFor(inherited), new RegExp(`unknown purpose "${inherited}"`));
    }
  });
});

describe('system-deps: the decision from a dpkg-query answer', () => {
  // What dpkg-query -W -f='${Package}\t${Status}\n' prints: removed packages keep a
  // config-files line, and a failed configure leaves half-configured.
  const answer = ['g++\tinstall ok installed', 'make\tdeinstall ok config-files', 'python3\tinstall ok half-configured', 'ripgrep\tinstall ok installed', ''].join('\n');

  test('only "install ok installed" counts as installed', async () => {
    const m = await load();
    assert.deepEqual([...m.parseDpkgQuery(answer)].sort(), ['g++', 'ripgrep']);
  });

  test('missing packages become apt-get update + apt-get install -y, in the order they are wanted', async () => {
    const m = await load();
    const p = m.plan(m.packagesFor('open'), m.parseDpkgQuery(answer), { root: true });
    assert.deepEqual(p.missing.map((x) => x.name), ['libkrb5-dev', 'make', 'python3']);
    assert.deepEqual(p.commands, [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'libkrb5-dev', 'make', 'python3'],
    ]);
    assert.equal(p.manual, undefined);
  });

  test('not root: the exact command to run instead', async () => {
    const m = await load();
    const p = m.plan(m.packagesFor('open'), m.parseDpkgQuery(answer), { root: false });
    assert.equal(p.manual, 'sudo apt-get update && sudo apt-get install -y libkrb5-dev make python3');
  });

  test('nothing missing: no command at all', async () => {
    const m = await load();
    const all = new Set(m.packagesFor('ci').map((p) => p.name));
    assert.deepEqual(m.plan(m.packagesFor('ci'), all, { root: true }), { missing: [], commands: [], manual: undefined });
  });
});

describe('system-deps: ensureSystemPackages with injected package tools (test doubles)', () => {
  function fakeSystem(installed: string[]) {
    const have = new Set(installed);
    const calls: string[] = [];
    const deps: Deps = {
      query: async (names) => new Set(names.filter((n) => have.has(n))),
      run: async (cmd, args) => {
        calls.push([cmd, ...args].join(' '));
        if (args[0] === 'install') for (const n of args.slice(2)) have.add(n);
      },
      root: true,
      log: () => undefined,
    };
    return { deps, calls, have };
  }

  test('as root: apt-get update once per process, then install what is missing; a second call only installs', async () => {
    const m = await load();
    const sys = fakeSystem(['g++', 'make', 'python3', 'openssl', 'chromium']);
    assert.deepEqual(await m.ensureSystemPackages('open', sys.deps), ['libkrb5-dev', 'ripgrep']);
    assert.deepEqual(sys.calls, ['apt-get update', 'apt-get install -y libkrb5-dev ripgrep']);
    assert.deepEqual(await m.ensureSystemPackages('ci', sys.deps), ['clang']);
    assert.deepEqual(sys.calls.slice(2), ['apt-get install -y clang'], 'the package lists were already updated');
    assert.deepEqual(await m.ensureSystemPackages('ci', sys.deps), [], 'all there: nothing runs');
    assert.equal(sys.calls.length, 3);
  });

  test('not root: fails with the sudo command and runs nothing', async () => {
    const m = await load();
    const sys = fakeSystem(['g++', 'make', 'python3']);
    await assert.rejects(m.ensureSystemPackages('open', { ...sys.deps, root: false }), /not running as root[^]*sudo apt-get update && sudo apt-get install -y libkrb5-dev ripgrep/);
    assert.deepEqual(sys.calls, []);
  });

  test('apt-get succeeding without installing is an error, not a silent pass', async () => {
    const m = await load();
    const calls: string[] = [];
    const deps: Deps = { query: async () => new Set(), run: async (c, a) => void calls.push([c, ...a].join(' ')), root: true, log: () => undefined };
    await assert.rejects(m.ensureSystemPackages('open', deps), /still not installed: libkrb5-dev, ripgrep, g\+\+, make, python3/);
  });

  test('the reasons are printed next to the packages', async () => {
    const m = await load();
    const lines: string[] = [];
    const sys = fakeSystem(['chromium', 'libkrb5-dev', 'g++']);
    await m.ensureSystemPackages('ci', { ...sys.deps, log: (l) => lines.push(l) });
    const why = m.GROUPS;
    assert.ok(lines.includes(`  make python3: ${why['native']!.why}`), lines.join('\n'));
    assert.ok(lines.includes(`  openssl: ${why['test']!.why}`), lines.join('\n'));
    assert.ok(lines.includes(`  ripgrep: ${why['test']!.why}; ${why['e2e']!.why}`), lines.join('\n'));
    assert.ok(lines.includes(`  clang: ${why['objc']!.why}`), lines.join('\n'));
  });
});

describe('system-deps: the real system and the CLI', () => {
  test("dpkg-query's real answer is parsed: dpkg is installed, a made-up name is not", async () => {
    const m = await load();
    const got = await m.queryInstalled(['dpkg', 'csrl-no-such-package']);
    if (got === undefined) {
      // Not Debian: then there must indeed be no dpkg-query to ask.
      assert.equal(existsSync('/usr/bin/dpkg-query'), false);
      return;
    }
    assert.equal(got.has('dpkg'), true);
    assert.equal(got.has('csrl-no-such-package'), false);
  });

  /** A fake dpkg-query answering from a state file, and a fake apt-get logging its arguments and "installing". */
  function fakeTools(dir: string, installed: string[]): { env: NodeJS.ProcessEnv; log: string } {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const state = path.join(dir, 'installed');
    const log = path.join(dir, 'apt.log');
    writeFileSync(state, installed.map((p) => `${p}\n`).join(''));
    writeFileSync(log, '');
    writeFileSync(
      path.join(bin, 'dpkg-query'),
      `#!/bin/sh\nshift 2\nst=0\nfor p in "$@"; do\n  if grep -qxF -- "$p" "$FAKE_STATE"; then printf '%s\\tinstall ok installed\\n' "$p"; else echo "dpkg-query: no packages found matching $p" >&2; st=1; fi\ndone\nexit $st\n`,
    );
    writeFileSync(
      path.join(bin, 'apt-get'),
      `#!/bin/sh\necho "$* [DEBIAN_FRONTEND=$DEBIAN_FRONTEND]" >> "$FAKE_LOG"\nif [ "$1" = install ]; then shift 2; for p in "$@"; do echo "$p" >> "$FAKE_STATE"; done; fi\n`,
    );
    chmodSync(path.join(bin, 'dpkg-query'), 0o755);
    chmodSync(path.join(bin, 'apt-get'), 0o755);
    return { env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`, FAKE_STATE: state, FAKE_LOG: log }, log };
  }

  function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [script, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }

  test('`system-deps.mjs open` with two packages missing: installs them as root, or prints the command otherwise (fake dpkg-query and apt-get)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'csrl-sysdeps-'));
    try {
      const tools = fakeTools(dir, ['g++', 'python3', 'ripgrep']);
      const r = await cli(['open'], tools.env);
      if (process.getuid?.() === 0) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(readFileSync(tools.log, 'utf8'), 'update [DEBIAN_FRONTEND=noninteractive]\ninstall -y libkrb5-dev make [DEBIAN_FRONTEND=noninteractive]\n');
        assert.match(r.stderr, /libkrb5-dev make: installing and running the VS Code/);
        assert.match(r.stderr, /installed libkrb5-dev make/);
        // Now everything is there: a no-op that runs no apt-get.
        const again = await cli(['open'], tools.env);
        assert.equal(again.code, 0, again.stderr);
        assert.equal(again.stderr, 'system-deps: open: nothing to install\n');
        assert.equal(readFileSync(tools.log, 'utf8').split('\n').filter(Boolean).length, 2);
      } else {
        assert.equal(r.code, 1);
        assert.match(r.stderr, /sudo apt-get update && sudo apt-get install -y libkrb5-dev make/);
        assert.equal(readFileSync(tools.log, 'utf8'), '');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('`--check` only reports (exit 1 when something is missing) and installs nothing; unknown purposes are usage errors', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'csrl-sysdeps-'));
    try {
      const tools = fakeTools(dir, ['g++', 'make', 'python3', 'openssl', 'ripgrep', 'chromium', 'libkrb5-dev']);
      const r = await cli(['ci', '--check'], tools.env);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, 'missing: clang\n');
      assert.equal(readFileSync(tools.log, 'utf8'), '');
      const ok = await cli(['open', '--check'], tools.env);
      assert.equal(ok.code, 0);
      assert.equal(ok.stdout, 'ok: libkrb5-dev ripgrep g++ make python3\n');
      const bad = await cli(['everything'], tools.env);
      assert.equal(bad.code, 64);
      assert.match(bad.stderr, /usage: node scripts\/system-deps\.mjs \(ci\|open\)/);
      // An inherited property name is no purpose: a usage error, not a crash (exit 1) or an install.
      for (const inherited of ['toString', 'constructor']) {
        const r2 = await cli([inherited], tools.env);
        assert.equal(r2.code, 64, `${inherited}: ${r2.stderr}`);
        assert.match(r2.stderr, /usage: node scripts\/system-deps\.mjs \(ci\|open\)/);
        const check = await cli([inherited, '--check'], tools.env);
        assert.equal(check.code, 64, `${inherited} --check: ${check.stderr}`);
      }
      assert.equal(readFileSync(tools.log, 'utf8'), '', 'no apt-get ran for them');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
