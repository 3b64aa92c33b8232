#!/usr/bin/env node
// Compiles the code of "Generate XPC validation code" (language-service/xpc-codegen)
// with the real macOS SDK: every Swift variant with `swiftc -typecheck`, every
// Objective-C/C variant with `clang -fsyntax-only -fobjc-arc -fblocks`, for
// every requirement of examples/*.csreq and test/client/xpc-stubs/requirements.json.
// Linux only has the stub-header check (test/client/xpc-compile.test.ts) and
// no Swift compiler, so this is where the Swift output is compiled at all and
// where the stubs are proven to match the SDK.
//
// Needs a build (out/language-service/xpc-codegen/index.js; `npm ci` runs it) and Xcode or the
// Command Line Tools. Exit 0 when everything compiles, 1 otherwise.
//   node scripts/xpc-compile-macos.mjs            compile (macOS only)
//   node scripts/xpc-compile-macos.mjs --werror   warnings fail too
//   node scripts/xpc-compile-macos.mjs --dry-run  write the files, print the commands (any OS)
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const dryRun = args.has('--dry-run');
const werror = args.has('--werror');
for (const a of args) {
  if (!['--dry-run', '--werror'].includes(a)) {
    console.error(`xpc-compile-macos: unknown option ${a} (--dry-run, --werror)`);
    process.exit(64);
  }
}

if (!dryRun && process.platform !== 'darwin') {
  console.error('xpc-compile-macos: needs macOS (xcrun, swiftc and the macOS SDK); use --dry-run elsewhere.');
  process.exit(1);
}

const codegenPath = path.join(root, 'out', 'language-service', 'xpc-codegen', 'index.js');
let generateXpcCode;
try {
  ({ generateXpcCode } = await import(pathToFileURL(codegenPath).href));
} catch (err) {
  console.error(`xpc-compile-macos: cannot load ${path.relative(root, codegenPath)} (run \`npm run build\` first): ${err.message}`);
  process.exit(1);
}

const arch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
// Every flavour for every deployment target it offers, compiled with that
// target: below an API's minimum a missing availability guard is an error.
const FLAVOURS = [
  { language: 'swift', family: 'xpc', targets: ['26', '14.4', '12', '11'] },
  { language: 'swift', family: 'nsxpc', targets: ['26', '13', '11'] },
  { language: 'objective-c', family: 'nsxpc', targets: ['26', '13', '11'] },
  { language: 'objective-c', family: 'xpc', targets: ['26', '14.4', '12', '11'] },
  { language: 'c', family: 'xpc', targets: ['26', '14.4', '12', '11'] },
];
const VARIANTS = FLAVOURS.flatMap((f) => f.targets.map((t) => ({ language: f.language, family: f.family, deployment: t, target: `${arch}-apple-macos${t}` })));

function requirements() {
  const examples = path.join(root, 'examples');
  const fromExamples = readdirSync(examples)
    .filter((f) => f.endsWith('.csreq'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, text: readFileSync(path.join(examples, f), 'utf8') }));
  const hostile = JSON.parse(readFileSync(path.join(root, 'test', 'client', 'xpc-stubs', 'requirements.json'), 'utf8'));
  return [...fromExamples, ...hostile];
}

async function sdkPath() {
  if (dryRun) return '$(xcrun --sdk macosx --show-sdk-path)';
  const { stdout } = await run('xcrun', ['--sdk', 'macosx', '--show-sdk-path']);
  return stdout.trim();
}

function command(variant, file, sdk) {
  if (variant.language === 'swift') {
    return ['xcrun', ['--sdk', 'macosx', 'swiftc', '-typecheck', '-sdk', sdk, '-target', variant.target, ...(werror ? ['-warnings-as-errors'] : []), file]];
  }
  return [
    'xcrun',
    [
      '--sdk', 'macosx', 'clang',
      '-fsyntax-only', '-fblocks', ...(variant.language === 'objective-c' ? ['-fobjc-arc'] : []),
      '-x', variant.language,
      '-isysroot', sdk, '-target', variant.target,
      '-Wall', '-Wextra', '-Wunguarded-availability',
      // An unguarded newer API is a crash on older systems, never just a warning.
      '-Werror=unguarded-availability', '-Werror=unguarded-availability-new',
      ...(werror ? ['-Werror'] : []),
      file,
    ],
  ];
}

async function pool(jobs, width) {
  const results = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'csrl-xpc-macos-'));
const sdk = await sdkPath();
const jobs = [];
let n = 0;
for (const req of requirements()) {
  for (const variant of VARIANTS) {
    const ext = variant.language === 'swift' ? 'swift' : variant.language === 'c' ? 'c' : 'm';
    const file = path.join(dir, `${String(n++).padStart(4, '0')}-${variant.family}-${variant.deployment}.${ext}`);
    const language = variant.language === 'objective-c' ? 'objc' : variant.language;
    writeFileSync(file, generateXpcCode(req.text, { language, family: variant.family, target: variant.deployment }).code);
    const [cmd, argv] = command(variant, file, sdk);
    jobs.push(async () => {
      if (dryRun) {
        console.log([cmd, ...argv].join(' '));
        return { ok: true, req, variant, output: '' };
      }
      try {
        const { stdout, stderr } = await run(cmd, argv, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
        return { ok: true, req, variant, output: (stdout + stderr).trim() };
      } catch (err) {
        return { ok: false, req, variant, output: (err.stderr || err.message).trim() };
      }
    });
  }
}

const results = await pool(jobs, Math.max(1, Math.min(8, os.availableParallelism())));
const failed = results.filter((r) => !r.ok);
for (const r of results) {
  if (r.output === '' && r.ok) continue;
  const label = `${r.variant.family} (${r.variant.language}, ${r.variant.target}) for ${r.req.name} ${JSON.stringify(r.req.text)}`;
  console.log(`${r.ok ? 'warning' : 'FAILED'}: ${label}\n${r.output}\n`);
}
const summary = `xpc-compile-macos: ${results.length - failed.length} passed, ${failed.length} failed`;
if (failed.length > 0) {
  console.log(`${summary} (generated files kept in ${dir})`);
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });
console.log(dryRun ? `xpc-compile-macos: dry run, ${results.length} commands` : summary);
