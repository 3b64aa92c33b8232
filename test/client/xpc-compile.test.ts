/**
 * Compiles the Objective-C and C that language-service/xpc-codegen generates, on
 * every Linux run: `clang -fsyntax-only -fobjc-arc -fblocks` for an Apple
 * target against test/client/xpc-stubs, headers that declare exactly the
 * documented SDK API the generated code calls (with the SDK's attributes:
 * availability, warn_unused_result, NSLog's format, the CF toll-free
 * bridges). Every requirement of examples/*.csreq, of
 * xpc-stubs/requirements.json (quotes, backslashes, trigraphs, newlines,
 * controls, non-ASCII, bidi characters) and a fixed-seed random sample is
 * generated in every variant and must compile with -Wall -Wextra -Werror.
 * A C++ constexpr probe then proves that the compiler reads each generated
 * literal as exactly the requirement's UTF-8, and deliberately broken
 * generations prove the check can fail.
 *
 * Every flavour is compiled for every deployment target it offers, with
 * `-target` set to that target: below an API's minimum a missing
 * @available / __builtin_available / API_AVAILABLE guard is an
 * -Wunguarded-availability error here. The LWCR variants (macOS 14.4) build
 * their dictionary from hostile strings of requirements.json too.
 *
 * NOT checked here: the Swift output. No Swift compiler is obtainable on this
 * machine (Debian has no swiftlang package; its "swift" package is OpenStack
 * Swift; npm has none), and Swift on Linux has neither Security.framework nor
 * NSXPCConnection. scripts/xpc-compile-macos.mjs type-checks the Swift output
 * with `swiftc -typecheck` (and the Objective-C with the real SDK) on macOS.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { generateXpcCode, type DeploymentTarget, type XpcFamily } from '../../language-service/xpc-codegen/index.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const stubs = path.join(root, 'test', 'client', 'xpc-stubs');
const clang = process.env.CSRL_CLANG ?? 'clang';
const INSTALL_HINT =
  `"${clang}" was not found. This test compile-checks the generated Objective-C and needs clang: ` +
  'install it with `apt-get install -y clang` (Debian; CI does), or point CSRL_CLANG at a clang binary.';

interface Variant {
  family: XpcFamily;
  language: 'objective-c' | 'c';
  /** The deployment target the code is generated for and compiled with. */
  target: DeploymentTarget;
}

const VARIANTS: Variant[] = [
  ...(['26', '13', '11'] as const).map((target) => ({ family: 'nsxpc' as const, language: 'objective-c' as const, target })),
  ...(['26', '14.4', '12', '11'] as const).map((target) => ({ family: 'xpc' as const, language: 'objective-c' as const, target })),
  ...(['26', '14.4', '12', '11'] as const).map((target) => ({ family: 'xpc' as const, language: 'c' as const, target })),
];
const name = (v: Variant) => `${v.family}/${v.language}/macOS ${v.target}`;

interface Requirement {
  name: string;
  text: string;
}

function requirements(): Requirement[] {
  const examples = path.join(root, 'examples');
  const fromExamples = readdirSync(examples)
    .filter((f) => f.endsWith('.csreq'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, text: readFileSync(path.join(examples, f), 'utf8') }));
  const hostile = JSON.parse(readFileSync(path.join(stubs, 'requirements.json'), 'utf8')) as Requirement[];
  const random = fc
    .sample(
      fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0') && !/\p{Cs}/u.test(s)),
      { numRuns: 12, seed: 20261128 },
    )
    .map((text, i) => ({ name: `random #${i}`, text }));
  return [...fromExamples, ...hostile, ...random];
}

const REQUIREMENTS = requirements();
const temp = mkdtempSync(path.join(os.tmpdir(), 'csrl-xpc-compile-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function clangArgs(variant: Variant, file: string, options: { stubsOnPurpose?: boolean } = {}): string[] {
  return [
    '-target', `arm64-apple-macos${variant.target}`,
    // Only the stubs and clang's own headers (stdbool.h, stdint.h): no Linux header.
    '-nostdlibinc',
    ...(options.stubsOnPurpose === false ? [] : ['-DCSRL_XPC_STUBS']),
    '-I', stubs,
    '-fsyntax-only', '-fblocks',
    ...(variant.language === 'objective-c' ? ['-fobjc-arc'] : []),
    '-x', variant.language,
    '-Wall', '-Wextra', '-Wunguarded-availability', '-Werror',
    file,
  ];
}

async function compile(args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(clang, args, { timeout: 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(INSTALL_HINT);
    return { ok: false, output: e.stderr || e.message };
  }
}

let fileCount = 0;
function writeSource(code: string, language: Variant['language'] | 'c++'): string {
  const file = path.join(temp, `gen-${fileCount++}.${language === 'objective-c' ? 'm' : language === 'c' ? 'c' : 'cc'}`);
  writeFileSync(file, code);
  return file;
}

/** Runs `jobs` a few at a time: each is one short clang process. */
async function pool<T>(jobs: (() => Promise<T>)[], width = Math.max(2, Math.min(8, os.availableParallelism()))): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

function generated(variant: Variant, text: string): string {
  return generateXpcCode(text, { language: variant.language === 'c' ? 'c' : 'objc', family: variant.family, target: variant.target }).code;
}

/** The requirement literal as written in the generated code, without a leading `@`. */
function requirementLiteral(code: string): string {
  const found = [...code.matchAll(/kClientRequirement = @?("(?:[^"\\\n]|\\.)*");\n/g)];
  assert.equal(found.length, 1, 'exactly one requirement literal');
  return found[0]![1]!;
}

// On macOS the real SDK check (scripts/xpc-compile-macos.mjs) is the stronger
// one, and Apple's clang would also see the SDK; this check is for Linux.
if (process.platform === 'linux') {
  describe('generated XPC code compiles (clang against the SDK stubs)', () => {
    it('clang is installed', async () => {
      const result = await compile(['--version']);
      assert.ok(result.ok, `${INSTALL_HINT}\n${result.output}`);
    });

    it('the corpus holds the examples, the hostile cases and the random sample', () => {
      const names = REQUIREMENTS.map((r) => r.name);
      assert.ok(names.filter((n) => n.startsWith('examples/')).length >= 4, names.join(', '));
      for (const needle of ['"', '\\', '\n', '\u0085', '\u202e', '??/', '😀']) {
        assert.ok(REQUIREMENTS.some((r) => r.text.includes(needle)), `a requirement contains ${JSON.stringify(needle)}`);
      }
    });

    for (const variant of VARIANTS) {
      it(`${name(variant)}: every requirement compiles without a warning`, async () => {
        // The random sample where every fallback is generated (macOS 11); the fixed corpus everywhere.
        const corpus = variant.target === '11' ? REQUIREMENTS : REQUIREMENTS.filter((r) => !r.name.startsWith('random #'));
        const results = await pool(
          corpus.map((req) => async () => {
            const file = writeSource(generated(variant, req.text), variant.language);
            return { req, ...(await compile(clangArgs(variant, file))) };
          }),
        );
        const failures = results.filter((r) => !r.ok || r.output.trim() !== '');
        assert.deepEqual(
          failures.map((f) => `${f.req.name} ${JSON.stringify(f.req.text)}:\n${f.output}`),
          [],
        );
      });
    }

    it('the compiler reads every generated literal as exactly the requirement (UTF-8, trigraphs on)', async () => {
      const lines = [
        'constexpr bool csrl_same(const char *a, const unsigned char *b, unsigned long n) {',
        '  for (unsigned long i = 0; i < n; i++)',
        '    if (static_cast<unsigned char>(a[i]) != b[i]) return false;',
        '  return true;',
        '}',
      ];
      let n = 0;
      for (const req of REQUIREMENTS) {
        const bytes = [...Buffer.from(req.text, 'utf8'), 0];
        const expected = bytes.map((b) => `0x${b.toString(16)}`).join(', ');
        // NSString (@"…") and C string variants are escaped by the same function, but read both.
        for (const variant of [VARIANTS[2]!, VARIANTS[6]!]) {
          const literal = requirementLiteral(generated(variant, req.text));
          lines.push(
            `constexpr char r${n}[] = ${literal};`,
            `constexpr unsigned char e${n}[] = { ${expected} };`,
            `static_assert(sizeof(r${n}) == sizeof(e${n}) && csrl_same(r${n}, e${n}, sizeof(e${n})), ${JSON.stringify(`${name(variant)}: ${req.name}`)});`,
          );
          n++;
        }
      }
      const file = writeSource(lines.join('\n') + '\n', 'c++');
      // -trigraphs: an unescaped "??/" would turn into a backslash and change the value.
      const result = await compile(['-fsyntax-only', '-x', 'c++', '-std=c++17', '-trigraphs', '-Wall', '-Wextra', '-Werror', file]);
      assert.ok(result.ok, result.output);
      assert.equal(result.output.trim(), '');
    });

    it('scripts/xpc-compile-macos.mjs (the macOS SDK and Swift check) plans every variant of the same corpus', async () => {
      // Only a dry run is possible here; this keeps the script from rotting unseen.
      const { stdout } = await run(process.execPath, [path.join(root, 'scripts', 'xpc-compile-macos.mjs'), '--dry-run'], { cwd: root, timeout: 60_000 });
      const lines = stdout.trim().split('\n');
      const fixed = REQUIREMENTS.filter((r) => !r.name.startsWith('random #')).length;
      // Swift: 4 XPC-framework and 3 NSXPCConnection targets; clang: the 11 variants compiled here.
      assert.equal(lines.filter((l) => / swiftc -typecheck .*\.swift$/.test(l)).length, 7 * fixed);
      assert.equal(lines.filter((l) => / clang -fsyntax-only .*\.(m|c)$/.test(l)).length, VARIANTS.length * fixed);
      assert.equal(lines.at(-1), `xpc-compile-macos: dry run, ${(7 + VARIANTS.length) * fixed} commands`);
    });

    describe('the check can fail: broken generations are rejected', () => {
      const sample = REQUIREMENTS.find((r) => r.name === 'quotes and backslashes')!;
      const lwcrSample = REQUIREMENTS.find((r) => r.name === 'LWCR: hostile team and identifier')!;
      const variant = (family: XpcFamily, language: Variant['language'], target: DeploymentTarget) => VARIANTS.find((v) => v.family === family && v.language === language && v.target === target)!;
      const broken: { why: string; variant: Variant; req?: Requirement; from: string | RegExp; to: string; expect: RegExp }[] = [
        {
          why: 'a misspelt Security function',
          variant: variant('nsxpc', 'objective-c', '11'),
          from: 'SecCodeCheckValidityWithErrors(',
          to: 'SecCodeCheckValidityWithError(',
          expect: /implicit declaration of function 'SecCodeCheckValidityWithError'/,
        },
        {
          why: 'a misspelt NSXPCConnection selector',
          variant: variant('nsxpc', 'objective-c', '11'),
          from: '[newConnection setCodeSigningRequirement:',
          to: '[newConnection setCodeSignRequirement:',
          expect: /declares the selector 'setCodeSignRequirement:'/,
        },
        {
          why: 'the macOS 13 API without its @available guard',
          variant: variant('nsxpc', 'objective-c', '11'),
          from: 'if (@available(macOS 13.0, *)) {',
          to: 'if (1) {',
          expect: /'setCodeSigningRequirement:' is only available on macOS 13\.0 or newer/,
        },
        {
          why: 'the macOS 12 C API without its __builtin_available guard',
          variant: variant('xpc', 'c', '11'),
          from: 'if (__builtin_available(macOS 12.0, *)) {',
          to: 'if (1) {',
          expect: /'xpc_connection_set_peer_code_signing_requirement' is only available on macOS 12\.0 or newer/,
        },
        {
          why: 'the macOS 14.4 LWCR function without API_AVAILABLE',
          variant: variant('xpc', 'c', '12'),
          req: lwcrSample,
          from: ' API_AVAILABLE(macos(14.4));',
          to: ';',
          expect: /'xpc_connection_set_peer_lightweight_code_requirement' is only available on macOS 14\.4 or newer/,
        },
        {
          why: 'the macOS 14.4 mechanism without its __builtin_available guard',
          variant: variant('xpc', 'objective-c', '12'),
          req: lwcrSample,
          from: 'if (__builtin_available(macOS 14.4, *)) {',
          to: 'if (1) {',
          expect: /'csrl_set_peer_lwcr' is only available on macOS 14\.4 or newer/,
        },
        {
          why: 'the result of xpc_connection_set_peer_code_signing_requirement ignored',
          variant: variant('xpc', 'c', '12'),
          from: 'return xpc_connection_set_peer_code_signing_requirement(peer, kClientRequirement) == 0;',
          to: 'xpc_connection_set_peer_code_signing_requirement(peer, kClientRequirement); return true;',
          expect: /warn_unused_result/,
        },
        {
          why: 'xpc_release under ARC (Objective-C output must leave it to the compiler)',
          variant: variant('xpc', 'objective-c', '14.4'),
          req: lwcrSample,
          from: 'int result = xpc_connection_set_peer_lightweight_code_requirement(peer, lwcr);',
          to: 'int result = xpc_connection_set_peer_lightweight_code_requirement(peer, lwcr); xpc_release(lwcr);',
          expect: /ARC forbids explicit message send of 'release'/,
        },
        {
          why: 'swapped out-parameters',
          variant: variant('nsxpc', 'objective-c', '11'),
          from: 'kSecCSStrictValidate, requirement, &error)',
          to: 'kSecCSStrictValidate, &error, requirement)',
          expect: /incompatible pointer types/,
        },
        {
          why: 'a CF/ObjC cast without __bridge under ARC',
          variant: variant('nsxpc', 'objective-c', '11'),
          from: '(__bridge CFDictionaryRef)attributes',
          to: '(CFDictionaryRef)attributes',
          expect: /requires a bridged cast/,
        },
        {
          why: 'the requirement pasted raw instead of escaped',
          variant: variant('nsxpc', 'objective-c', '11'),
          from: /kClientRequirement = @"(?:[^"\\\n]|\\.)*";/,
          to: `kClientRequirement = @"${sample.text}";`,
          expect: /error:/,
        },
        {
          why: 'an LWCR string pasted raw instead of escaped',
          variant: variant('xpc', 'c', '14.4'),
          req: lwcrSample,
          from: /xpc_string_create\("(?:[^"\\\n]|\\.)*"\);/,
          to: 'xpc_string_create("AB"*/??=");',
          expect: /error:/,
        },
        {
          why: 'a C1 control as a universal character name (what the generator emitted before)',
          variant: variant('xpc', 'c', '11'),
          from: /kClientRequirement = "(?:[^"\\\n]|\\.)*";/,
          to: 'kClientRequirement = "a\\u0085b";',
          expect: /universal character name refers to a control character/,
        },
      ];
      for (const b of broken) {
        it(b.why, async () => {
          const original = generated(b.variant, (b.req ?? sample).text);
          const mutated = original.replace(b.from, () => b.to);
          assert.notEqual(mutated, original, 'the mutation applies to the current output');
          const good = await compile(clangArgs(b.variant, writeSource(original, b.variant.language)));
          assert.ok(good.ok, good.output);
          const bad = await compile(clangArgs(b.variant, writeSource(mutated, b.variant.language)));
          assert.equal(bad.ok, false, 'the broken code must not compile');
          assert.match(bad.output, b.expect);
        });
      }

      it('the stubs refuse to be used by accident (without -DCSRL_XPC_STUBS)', async () => {
        const variant = VARIANTS[0]!;
        const file = writeSource(generated(variant, sample.text), variant.language);
        const result = await compile(clangArgs(variant, file, { stubsOnPurpose: false }));
        assert.equal(result.ok, false);
        assert.match(result.output, /only for the Linux compile check of generated XPC code/);
      });
    });
  });
}
