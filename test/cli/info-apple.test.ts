/**
 * `csrl info` with Apple's reading (Security.framework) beside ours.
 *
 * With the real CLI: on macOS (the macOS workflow) Apple's real reading of a
 * Developer ID fixture is shown and agrees with ours; on Linux (here) nothing
 * about Apple appears at all, neither in `csrl info` nor in the extension's
 * "Show signing information", which runs it in process.
 *
 * With a scripted native validator (its AppleSigningInfo answers are inputs
 * built per the documented shape from the values fixtures.md records, not
 * Apple's answers): the agreement, the loud disagreement with exit 3, --arch,
 * a failing or missing addon, unreadable code, --pid, and what Apple is asked.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultInfoDeps, run as runInfo, type InfoDeps, type PidNative, type SigningNative } from '../../cli/commands/info.js';
import { memoryIO, UsageError } from '../../cli/io.js';
import { signingInformation } from '../../client/check-entry.js';
import type { AppleReading, AppleReadingRead } from '../../engine/apple/signing.js';
import { loadNative, ProcessChangedError, type AppleSigningDetails, type AppleSigningInfo, type AppleStatus, type ProcessIdentity } from '../../native/index.js';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

const OK: AppleStatus = { status: 0, name: 'errSecSuccess', message: 'No error.' };

// fixtures.md, @sentry/cli-darwin@3.8.0.
const X86 = { identifier: 'sentry-cli-Darwin-universal', cdhash: 'fcd45ae42c5190bdde8c0709168c2286074aadeb' };
const ARM = { identifier: 'sentry_cli-ed605fe0983d3ac0', cdhash: '0b061c70be64938c3cefa26bb236f2ef5d6c9425' };
const TEAM = '97JCY7859U';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

interface InfoJson {
  verdict: string;
  apple?: AppleReading;
  slices: { arch: string; cdhash: string | null }[];
}

async function info(args: string[], deps: InfoDeps, cwd = tmpdir()): Promise<Out> {
  const { io, stdout: out, stderr: err } = memoryIO(cwd);
  let code: number;
  try {
    code = await runInfo(args, io, deps);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    code = 64;
  }
  return { code, stdout: out(), stderr: err() };
}

type Target = { path: string } | { pid: number; auditToken?: Uint8Array };

/** A macOS addon whose Security.framework answers `answer` (or throws it), recording what it was asked. */
function scriptedMac(answer: (t: Target) => AppleSigningInfo | Error): SigningNative & { calls: Target[] } {
  const calls: Target[] = [];
  return {
    available: true,
    backend: 'security-framework',
    platform: 'darwin',
    calls,
    signingInformation: async (t) => {
      calls.push(t);
      const a = answer(t);
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

function reading(slice: { identifier: string; cdhash: string }, extra: Partial<AppleSigningDetails> = {}, kind: 'path' | 'process' = 'path'): AppleSigningInfo {
  return {
    supported: true,
    kind,
    result: OK,
    signing: {
      status: OK,
      identifier: slice.identifier,
      teamIdentifier: TEAM,
      flags: 0x10000,
      format: 'Mach-O universal (x86_64 arm64)',
      cdhash: hex(slice.cdhash),
      cdhashes: [hex(slice.cdhash)],
      entitlements: {},
      signingTime: { dateMs: Date.UTC(2026, 8, 16, 14, 16, 56) },
      ...extra,
    },
  };
}

const APPLE_WORDS = /Apple \(Security|Security\.framework|DISAGREE|Apple read|Apple gave/;

describe('csrl info with the real addon loader', () => {
  it(process.platform === 'darwin' ? "macOS: Apple's real reading of the Developer ID fixture is shown and agrees" : `${process.platform}: no apple field and no word about Apple`, async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const j = await runCli(['info', '--json', '--no-verify-pages', file]);
    const text = await runCli(['info', '--no-verify-pages', file]);
    assert.equal(j.code, 0, j.stderr);
    assert.equal(text.code, 0, text.stderr);
    const parsed = JSON.parse(j.stdout) as InfoJson;
    assert.equal(parsed.verdict, 'valid');
    if (process.platform === 'darwin') {
      // Real Security.framework (macOS workflow): it reads the slice this Mac prefers.
      const apple = parsed.apple as AppleReadingRead;
      assert.equal(apple?.read, true, JSON.stringify(apple));
      const slice = apple.cdhash === ARM.cdhash ? ARM : X86;
      assert.equal(apple.cdhash, slice.cdhash);
      assert.equal(apple.identifier, slice.identifier);
      assert.equal(apple.teamIdentifier, TEAM);
      assert.equal(apple.comparison?.outcome, 'agree', JSON.stringify(apple.comparison));
      assert.match(text.stdout, /^Apple \(Security\.framework\):$/m);
      assert.match(text.stdout, new RegExp(`^ {2}CDHash=${slice.cdhash}`, 'm'));
    } else {
      assert.equal('apple' in parsed, false, 'no apple field');
      assert.doesNotMatch(j.stderr + text.stdout + text.stderr, APPLE_WORDS);
    }
  });

  it(`the extension's "Show signing information" goes through the same run (${process.platform})`, async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const shown = await signingInformation({ path: file });
    assert.equal(shown.ok, true, shown.text);
    assert.match(shown.text, new RegExp(`^Identifier=${ARM.identifier}$`, 'm'));
    if (process.platform === 'darwin') assert.match(shown.text, /^Apple \(Security\.framework\):$/m);
    else assert.doesNotMatch(shown.text, APPLE_WORDS);
  });

  it('run() asks Apple by default on macOS only; explicit deps replace the default', () => {
    assert.deepEqual(defaultInfoDeps('linux'), {});
    assert.deepEqual(defaultInfoDeps('win32'), {});
    assert.equal(defaultInfoDeps('darwin').appleNative, loadNative);
  });
});

describe('csrl info PATH with a scripted Security.framework (inputs per the documented AppleSigningInfo shape)', () => {
  it('agreement: the section is shown, Apple is asked about the absolute path, JSON carries apple, exit 0', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const mac = scriptedMac(() => reading(ARM));
    const r = await info(['--no-verify-pages', file], { appleNative: () => mac });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(mac.calls, [{ path: path.resolve(file) }]);
    // Ours first, then Apple's section.
    assert.ok(r.stdout.indexOf('Verification: valid') < r.stdout.indexOf('Apple (Security.framework):'));
    assert.match(
      r.stdout,
      new RegExp(
        [
          '^Apple \\(Security\\.framework\\):',
          '  Source=the file on disk \\(SecStaticCode\\)',
          `  Identifier=${ARM.identifier}`,
          `  TeamIdentifier=${TEAM}`,
          `  CDHash=${ARM.cdhash}`,
          '  Flags=0x10000\\(runtime\\)',
          '  Signed Time=2026-09-16T14:16:56\\.000Z',
          '  Format=Mach-O universal \\(x86_64 arm64\\)',
          '  Entitlements=empty',
          "  compared: csrl's arm64 slice \\(matched by cdhash\\) and Apple agree",
        ].join('\n'),
        'm',
      ),
    );
    assert.doesNotMatch(r.stdout + r.stderr, /DISAGREEMENT/);
    const j = await info(['--json', '--no-verify-pages', file], { appleNative: () => scriptedMac(() => reading(X86)) });
    assert.equal(j.code, 0);
    const parsed = JSON.parse(j.stdout) as InfoJson;
    const apple = parsed.apple as AppleReadingRead;
    assert.equal(apple.read, true);
    assert.equal(apple.identifier, X86.identifier);
    assert.equal(apple.cdhash, parsed.slices.find((s) => s.arch === 'x86_64')?.cdhash);
    assert.deepEqual([apple.comparison?.outcome, apple.comparison?.slice, apple.comparison?.matchedBy], ['agree', 'x86_64', 'cdhash']);
    assert.equal(apple.disagreement, undefined);
  });

  it('a difference: loud on stdout and stderr, exit 3 although our signature is valid, JSON lists it', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const mac = () => scriptedMac(() => reading(ARM, { identifier: 'com.example.other', flags: 0x10002 }));
    const r = await info(['--no-verify-pages', file], { appleNative: mac });
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^Verification: valid/m);
    assert.match(r.stdout, /^!!! DISAGREEMENT: csrl and Apple read the signature differently: identifier: csrl read "sentry_cli-ed605fe0983d3ac0" \(arm64\), Apple read "com\.example\.other"; flags: /m);
    assert.equal(
      r.stderr,
      `csrl info: DISAGREEMENT WITH APPLE for ${file}: identifier: csrl read "${ARM.identifier}" (arm64), Apple read "com.example.other"; flags: csrl read "0x10000(runtime)" (arm64), Apple read "0x10002(adhoc,runtime)"\n`,
    );
    const j = await info(['--json', '--no-verify-pages', file], { appleNative: mac });
    assert.equal(j.code, 3);
    const parsed = JSON.parse(j.stdout) as InfoJson;
    assert.equal(parsed.verdict, 'valid');
    assert.equal(parsed.apple?.comparison?.outcome, 'disagree');
    assert.equal(parsed.apple?.disagreement?.length, 2);
  });

  it("a cdhash in none of our slices is a disagreement; with --arch another slice is simply not ours", async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const stranger = () => scriptedMac(() => reading(ARM, { cdhash: hex('4444444444444444444444444444444444444444') }));
    const r = await info(['--no-verify-pages', file], { appleNative: stranger, preferredArchs: ['arm64e', 'arm64'] });
    assert.equal(r.code, 3);
    // The preferred architecture names what else differs.
    assert.match(r.stderr, /DISAGREEMENT WITH APPLE for .*: cdhash: csrl read "0b061c70be64938c3cefa26bb236f2ef5d6c9425" \(arm64\), Apple read "4444/);
    const arch = await info(['--no-verify-pages', '--arch', 'x86_64', file], { appleNative: () => scriptedMac(() => reading(ARM)), preferredArchs: ['arm64e', 'arm64'] });
    assert.equal(arch.code, 0, arch.stderr);
    assert.match(arch.stdout, /^ {2}not compared: csrl read only x86_64; Apple read another architecture \(cdhash 0b061c70/m);
    assert.doesNotMatch(arch.stdout + arch.stderr, /DISAGREEMENT/);
  });

  it('a failing Apple call or a missing addon on macOS: no reading, with why; ours decides the exit status', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const failing = await info(['--json', '--no-verify-pages', file], { appleNative: () => scriptedMac(() => new Error('SecStaticCodeCreateWithPath failed')) });
    assert.equal(failing.code, 0);
    assert.deepEqual((JSON.parse(failing.stdout) as InfoJson).apple, {
      read: false,
      error: 'SecStaticCodeCreateWithPath failed',
      comparison: { outcome: 'not-comparable', fields: [], sentence: 'Apple gave no reading: SecStaticCodeCreateWithPath failed' },
    });
    const missing: SigningNative = { available: false, reason: 'native addon not built', backend: 'none', platform: 'darwin', signingInformation: async () => assert.fail('not called') };
    const text = await info(['--no-verify-pages', file], { appleNative: () => missing });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^Apple \(Security\.framework\): no reading \(the native addon is not available: native addon not built\)$/m);
    const linux: SigningNative = { available: true, backend: 'linux-proc', platform: 'linux', signingInformation: async () => assert.fail('not called') };
    const off = await info(['--json', '--no-verify-pages', file], { appleNative: () => linux });
    assert.equal((JSON.parse(off.stdout) as InfoJson).apple?.comparison?.sentence, 'Apple gave no reading: Security.framework exists only on macOS (this is linux)');
  });

  it('code csrl cannot read: Apple is shown, not compared, and the exit status stays 3', async () => {
    const dir = tempDir('csrl-info-apple-');
    const notes = path.join(dir, 'notes.txt');
    writeFileSync(notes, 'not a binary\n');
    const mac = () => scriptedMac(() => reading(ARM));
    const r = await info([notes], { appleNative: mac });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /not Mach-O/);
    assert.match(r.stderr, /^Apple \(Security\.framework\):$/m);
    assert.match(r.stderr, /^ {2}not compared: csrl could not read the code/m);
    assert.doesNotMatch(r.stderr, /DISAGREEMENT/);
    const j = await info(['--json', notes], { appleNative: mac });
    const parsed = JSON.parse(j.stdout) as { verdict: string; apple?: AppleReading };
    assert.equal(parsed.verdict, 'unreadable');
    assert.equal(parsed.apple?.comparison?.outcome, 'not-comparable');
  });
});

describe('csrl info --pid with a scripted Security.framework', () => {
  function pidNative(exe: string, startTimes: string[]): PidNative {
    let reads = 0;
    const identity = (pid: number): ProcessIdentity => ({ pid, startTime: startTimes[Math.min(reads++, startTimes.length - 1)]! });
    return {
      available: true,
      backend: 'security-framework',
      processIdentity: async (pid) => identity(pid),
      executablePath: async () => exe,
      checkProcess: async () => assert.fail('info does not check requirements'),
    };
  }

  it("Apple reads the running process inside the PID-reuse guard; the kernel's flags are shown", async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const mac = scriptedMac(() => ({
      ...reading(ARM, {}, 'process'),
      pid: 4242,
      codeSigningFlags: { value: 0x22013301, names: ['CS_VALID', 'CS_RUNTIME'], valid: true, hardenedRuntime: true, libraryValidation: true },
    }));
    const r = await info(['--pid', '4242', '--no-verify-pages'], { native: pidNative(file, ['t1']), appleNative: () => mac });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(mac.calls, [{ pid: 4242 }]);
    assert.match(r.stdout, /^Process 4242: STATIC CHECK OF THE FILE ON DISK/);
    assert.match(r.stdout, /^ {2}Source=the running process \(SecCode\)$/m);
    assert.match(r.stdout, /^ {2}Process flags=0x22013301\(CS_VALID,CS_RUNTIME\)$/m);
    assert.match(r.stdout, /^ {2}compared: csrl's arm64 slice \(matched by cdhash\) and Apple agree/m);
    const bad = await info(['--pid', '4242', '--no-verify-pages'], { native: pidNative(file, ['t1']), appleNative: () => scriptedMac(() => reading(ARM, { teamIdentifier: 'ABCDE12345' }, 'process')) });
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /^csrl info: DISAGREEMENT WITH APPLE for process 4242: team identifier: csrl read "97JCY7859U" \(arm64\), Apple read "ABCDE12345"$/m);
  });

  it('the process changing while Apple reads it discards the whole result', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const mac = scriptedMac(() => new ProcessChangedError('process 4242 was replaced'));
    const r = await info(['--pid', '4242', '--no-verify-pages', '--json'], { native: pidNative(file, ['t1']), appleNative: () => mac });
    assert.equal(r.code, 3);
    const parsed = JSON.parse(r.stdout) as { verdict: string; error: { code: string }; apple?: unknown };
    assert.equal(parsed.verdict, 'unreadable');
    assert.equal(parsed.error.code, 'process-changed');
    assert.equal(parsed.apple, undefined);
    // And a process that changes around the read is caught by the guard even when Apple answered.
    const changed = await info(['--pid', '4242', '--no-verify-pages'], { native: pidNative(file, ['t1', 't2']), appleNative: () => scriptedMac(() => reading(ARM, {}, 'process')) });
    assert.equal(changed.code, 3);
    assert.match(changed.stderr, /changed during the check/);
    assert.equal(changed.stdout, '');
  });
});
