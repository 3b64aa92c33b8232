/**
 * How `csrl lint` should read its files: the synchronous reader it uses
 * (open, read, close into one reused buffer) against asynchronous readers
 * with a bounded number of reads in flight on libuv's thread pool, each
 * with its own reused buffer, so the kernel's open/read/close could overlap
 * the pre-filter's JavaScript work.
 *
 * Every reader reads the same candidates (the walk of bench/lint.ts's
 * 10,000-file tree) whole and runs the lint's pre-filter on each, in
 * alternated rounds after one warm-up round. Printed per reader: wall time
 * and CPU time (every thread of the process) as median and min, and their
 * ratios to the synchronous reader. The asynchronous readers only pay if
 * their wall ratio is below 1 without a CPU cost that a loaded machine
 * turns back into wall time.
 *
 * Run: npm run build && node out/bench/lint-reads.js [--runs N]
 */
import { close, closeSync, mkdtempSync, open, openSync, promises, read, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mayHoldFinding } from '../cli/lint/prefilter.js';
import { Walker, type Candidate } from '../cli/lint/walk.js';
import { buildTree } from './lint.js';
import { median } from './stats.js';

/** The lint's buffer size (cli/lint/lint.ts): every file of the tree fits in one read. */
const BUFFER = 256 * 1024;

/** The pre-filter's verdict on one file's bytes, as the lint takes it. */
function keep(candidate: Candidate, bytes: Buffer): boolean {
  return candidate.kind.kind !== 'host' || mayHoldFinding(candidate.kind.languageId, bytes.toString('latin1'));
}

function readSynchronously(candidates: Candidate[]): number {
  const buf = Buffer.allocUnsafe(BUFFER);
  let kept = 0;
  for (const c of candidates) {
    const fd = openSync(c.path, 'r');
    try {
      if (keep(c, buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)))) kept++;
    } finally {
      closeSync(fd);
    }
  }
  return kept;
}

/** Reads one file into `buf` and calls back with the byte count. */
type ReadStep = (path: string, buf: Buffer, done: (err: Error | null, n: number) => void) => void;

/** `pool` chains of `step`, each reusing its own buffer. */
function readInChains(candidates: Candidate[], pool: number, step: ReadStep): Promise<number> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let kept = 0;
    const chain = (buf: Buffer): void => {
      if (next >= candidates.length) {
        if (--running === 0) resolve(kept);
        return;
      }
      const c = candidates[next++]!;
      step(c.path, buf, (err, n) => {
        if (err) return reject(err);
        if (keep(c, buf.subarray(0, n))) kept++;
        chain(buf);
      });
    };
    for (let k = 0; k < pool; k++) {
      running++;
      chain(Buffer.allocUnsafe(BUFFER));
    }
  });
}

/** Callback open → read → close: three thread-pool round trips per file. */
const callbacks: ReadStep = (path, buf, done) =>
  open(path, 'r', (err, fd) => {
    if (err) return done(err, 0);
    read(fd, buf, 0, buf.length, 0, (err2, n) => {
      close(fd, () => {});
      done(err2, n);
    });
  });

/** The open and close stay synchronous: one thread-pool round trip per file. */
const readOnlyAsynchronously: ReadStep = (path, buf, done) => {
  const fd = openSync(path, 'r');
  read(fd, buf, 0, buf.length, 0, (err, n) => {
    closeSync(fd);
    done(err, n);
  });
};

async function readWithFileHandles(candidates: Candidate[], pool: number): Promise<number> {
  let next = 0;
  let kept = 0;
  const worker = async (): Promise<void> => {
    const buf = Buffer.allocUnsafe(BUFFER);
    while (next < candidates.length) {
      const c = candidates[next++]!;
      const fh = await promises.open(c.path, 'r');
      try {
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        if (keep(c, buf.subarray(0, bytesRead))) kept++;
      } finally {
        await fh.close();
      }
    }
  };
  await Promise.all(Array.from({ length: pool }, worker));
  return kept;
}

export async function main(argv: string[]): Promise<void> {
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(argv[runsAt + 1]) || 7) : 7;
  const dir = mkdtempSync(join(tmpdir(), 'csrl-lint-reads-'));
  try {
    buildTree(dir);
    const walker = new Walker();
    walker.addRoot(dir);
    const candidates = walker.candidates;
    const readers: Record<string, () => number | Promise<number>> = {
      'sync (the lint today)': () => readSynchronously(candidates),
      'callbacks, 4 in flight': () => readInChains(candidates, 4, callbacks),
      'callbacks, 8 in flight': () => readInChains(candidates, 8, callbacks),
      'callbacks, 16 in flight': () => readInChains(candidates, 16, callbacks),
      'async read only, 8 in flight': () => readInChains(candidates, 8, readOnlyAsynchronously),
      'FileHandle, 8 in flight': () => readWithFileHandles(candidates, 8),
    };
    const names = Object.keys(readers);
    const wall = new Map<string, number[]>(names.map((n) => [n, []]));
    const cpu = new Map<string, number[]>(names.map((n) => [n, []]));
    let expected: number | undefined;
    for (let i = 0; i <= runs; i++) {
      for (const name of names) {
        const c0 = process.cpuUsage();
        const t = performance.now();
        const kept = await readers[name]!();
        const ms = performance.now() - t;
        const used = process.cpuUsage(c0);
        // Every reader must see the same files pass the pre-filter, or its timing means nothing.
        expected ??= kept;
        if (kept !== expected) throw new Error(`${name} kept ${kept} files, the synchronous reader ${expected}`);
        if (i > 0) {
          wall.get(name)!.push(ms);
          cpu.get(name)!.push((used.user + used.system) / 1000);
        }
      }
    }
    const base = names[0]!;
    const stat = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs) });
    const bw = stat(wall.get(base)!);
    const bc = stat(cpu.get(base)!);
    console.log(`${candidates.length} files read whole and pre-filtered (${expected} kept), alternated, median of ${runs}:`);
    for (const name of names) {
      const w = stat(wall.get(name)!);
      const c = stat(cpu.get(name)!);
      console.log(
        `  ${name.padEnd(30)} wall ${w.median.toFixed(1)} ms (min ${w.min.toFixed(1)})  cpu ${c.median.toFixed(1)} ms (min ${c.min.toFixed(1)})` +
          `  ratio to sync: wall ${(w.median / bw.median).toFixed(2)}x (min ${(w.min / bw.min).toFixed(2)}x), cpu ${(c.median / bc.median).toFixed(2)}x (min ${(c.min / bc.min).toFixed(2)}x)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
