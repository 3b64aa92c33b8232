/**
 * Type-checks the macOS backend on every run: g++/clang -fsyntax-only on
 * native/src/mac_*.cc against native/mac-stubs, which declare exactly the
 * documented SDK prototypes the sources use. The real SDK build happens in
 * .github/workflows/macos.yml.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const stubs = path.join(root, 'native', 'mac-stubs');
const src = path.join(root, 'native', 'src');
const compiler = process.env.CXX ?? 'g++';
const macSources = readdirSync(src).filter((f) => /^mac_.*\.cc$/.test(f)).sort();
const temp = mkdtempSync(path.join(os.tmpdir(), 'csrl-mac-syntax-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function syntaxArgs(file: string, defineCheck = true): string[] {
  return ['-fsyntax-only', '-std=c++17', '-Wall', '-Wextra', '-Werror', ...(defineCheck ? ['-DCSRL_MAC_SYNTAX_CHECK'] : []), '-I', stubs, '-I', src, file];
}

async function compile(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stderr } = await run(compiler, args, { timeout: 120_000 });
    return { ok: true, output: stderr };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, output: e.stderr ?? e.message };
  }
}

// On macOS the real SDK build (npm ci) is the stronger check, and the stubs
// would meet the SDK's own headers; this check is for Linux.
if (process.platform === 'linux') {
  test('the macOS backend sources are all covered', () => {
    assert.deepEqual(macSources, ['mac_cf.cc', 'mac_proc.cc', 'mac_security.cc']);
  });

  for (const file of macSources) {
    test(`${file} compiles against the documented macOS prototypes`, async () => {
      const result = await compile(syntaxArgs(path.join(src, file)));
      assert.ok(result.ok, result.output);
      assert.equal(result.output.trim(), '', 'no warnings either');
    });
  }

  test('unsupported_proc.cc (the Windows and other-platform backend, not built on Linux) compiles', async () => {
    const result = await compile(['-fsyntax-only', '-std=c++17', '-Wall', '-Wextra', '-Werror', '-I', src, path.join(src, 'unsupported_proc.cc')]);
    assert.ok(result.ok, result.output);
    assert.equal(result.output.trim(), '');
  });

  test('the stubs are really in use: without the check define they refuse to compile', async () => {
    const result = await compile(syntaxArgs(path.join(src, 'mac_security.cc'), false));
    assert.equal(result.ok, false);
    assert.match(result.output, /only for the Linux syntax check/);
  });

  test('the stubs type-check calls: a wrong argument order is an error', async () => {
    const probe = path.join(temp, 'probe.cc');
    writeFileSync(
      probe,
      [
        '#include <Security/Security.h>',
        'OSStatus f(CFStringRef text) {',
        '  SecRequirementRef req = nullptr; CFErrorRef errors = nullptr;',
        '  return SecRequirementCreateWithStringAndErrors(text, kSecCSDefaultFlags, &req, &errors);',
        '}',
      ].join('\n'),
    );
    const wrong = await compile(syntaxArgs(probe));
    assert.equal(wrong.ok, false, 'swapped out-parameters must not compile');
    writeFileSync(
      probe,
      [
        '#include <Security/Security.h>',
        'OSStatus f(CFStringRef text) {',
        '  SecRequirementRef req = nullptr; CFErrorRef errors = nullptr;',
        '  return SecRequirementCreateWithStringAndErrors(text, kSecCSDefaultFlags, &errors, &req);',
        '}',
      ].join('\n'),
    );
    const right = await compile(syntaxArgs(probe));
    assert.ok(right.ok, right.output);
  });
}
