import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashChunk, MAX_REPORTED_MISMATCHES, type ChunkResult, type PageJob, type PageMismatch } from './pages-core.js';
import type { PageReply, PageRun } from './pages-worker.js';

export type { PageJob, PageMismatch } from './pages-core.js';

export interface PageOptions {
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * Threads including this one. Default: all cores, but only when there is
   * enough to hash to pay for starting workers (workers already running are
   * always used). An explicit value is obeyed.
   */
  threads?: number;
  /**
   * This thread starts hashing only once this settles (workers start at
   * once): the caller's own work on this thread (say, checking the CMS
   * signature) is then not queued behind page hashing the workers are
   * already doing, and whatever is left at the end is shared out.
   */
  after?: Promise<unknown>;
}

/** A file, or bytes already in memory (hashed on this thread, no file opened). */
export interface PageSource {
  path: string;
  bytes?: Uint8Array | undefined;
}

export interface PageResult {
  /** Up to MAX_REPORTED_MISMATCHES per CodeDirectory, in page order. */
  mismatches: PageMismatch[];
  /** Mismatch count per job, in job order. */
  counts: number[];
}

/**
 * 1 MiB amortises read calls and progress messages (256 pages each) yet
 * leaves little for one thread to finish alone after the others run out.
 */
const CHUNK = 1 << 20;
/**
 * Bytes to hash (summed over CodeDirectories) below which starting a worker
 * costs more than it saves: a worker takes 40–50 ms of CPU to start, in which
 * this thread hashes some 45 MB of 4 KB pages.
 */
const PARALLEL_THRESHOLD = 64 << 20;
/** Workers are kept this long after a run, for the next slice or file, then ended. */
const IDLE_MS = 3000;
const MAX_THREADS = 8;

/** Per-run states of a worker in the run's control array (see PageRun.state); 1 is "started", set by the worker. */
const NOT_STARTED = 0;
const SKIPPED = 2;

const idle: Worker[] = [];
let idleTimer: ReturnType<typeof setTimeout> | undefined;

function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_THREADS));
}

function spawnWorker(): Worker | undefined {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./pages-worker.js', import.meta.url));
  } catch {
    // No worker script (e.g. inside a single-file bundle): this thread does all the work.
    return undefined;
  }
  // Idle workers must not keep the process alive; a run refs its workers.
  worker.unref();
  // Kept for the worker's life so a failure while idle is not an uncaught 'error'; a run has listeners of its own.
  worker.on('error', () => dropIdle(worker));
  worker.on('exit', () => dropIdle(worker));
  return worker;
}

function dropIdle(worker: Worker): void {
  const i = idle.indexOf(worker);
  if (i >= 0) idle.splice(i, 1);
}

function release(worker: Worker): void {
  worker.unref();
  if (idle.length >= defaultThreads() - 1) {
    void worker.terminate();
    return;
  }
  idle.push(worker);
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(endIdleWorkers, IDLE_MS);
  idleTimer.unref();
}

function endIdleWorkers(): void {
  for (const worker of idle.splice(0)) void worker.terminate();
}

/** Code bytes (of a slice, before counting CodeDirectories) from which warmPageWorkers starts workers. */
const WARM_THRESHOLD = PARALLEL_THRESHOLD / 2;

/**
 * Starts page-hash workers ahead of time, as soon as the size of the code
 * to check is known (from the load commands), so their start-up overlaps
 * reading the signature. They wait, idle and not keeping the process alive,
 * for the next verifyPageHashes (and end after a few seconds unused). Does
 * nothing on a single core or for less than WARM_THRESHOLD bytes.
 */
export function warmPageWorkers(codeBytes: number, threads = defaultThreads()): void {
  if (codeBytes < WARM_THRESHOLD) return;
  const want = Math.min(threads, MAX_THREADS) - 1 - idle.length;
  for (let i = 0; i < want; i++) {
    const worker = spawnWorker();
    if (!worker) return;
    idle.push(worker);
  }
  if (idle.length > 0) {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(endIdleWorkers, IDLE_MS);
    idleTimer.unref();
  }
}

/** Hands `run` to `worker`; resolves with its part of the work. */
function runOn(worker: Worker, run: PageRun, progress: (bytes: number) => void): Promise<ChunkResult> {
  return new Promise<ChunkResult>((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: PageReply) => {
      if (m.type === 'progress') return progress(m.bytes);
      cleanup();
      if (m.type === 'done') {
        release(worker);
        resolve(m.result);
      } else {
        void worker.terminate();
        reject(new Error(m.message));
      }
    };
    const onError = (err: Error) => {
      cleanup();
      void worker.terminate();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`page-hash worker exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.ref();
    worker.postMessage(run);
  });
}

/**
 * Checks every code-page hash of the given CodeDirectories against the file,
 * reading each byte once for all of them. Work is handed out in chunks from a
 * shared counter, so the main thread and the workers balance themselves, and
 * this thread never waits for a worker that has not started (one still
 * starting up when the work runs out is left out).
 */
export async function verifyPageHashes(source: PageSource, sliceOffset: number, jobs: PageJob[], options: PageOptions = {}): Promise<PageResult> {
  const { signal, onProgress } = options;
  const { path } = source;
  signal?.throwIfAborted();
  const totalLength = jobs.reduce((m, j) => Math.max(m, j.codeLimit), 0);
  const maxPage = jobs.reduce((m, j) => Math.max(m, j.pageSize), 1);
  const chunkSize = Math.max(CHUNK, maxPage);
  const chunks = Math.ceil(totalLength / chunkSize);
  const result: ChunkResult = { mismatches: [], counts: jobs.map(() => 0) };
  let doneBytes = 0;
  const progress = (bytes: number) => {
    doneBytes += bytes;
    onProgress?.(doneBytes, totalLength);
  };

  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), MAX_THREADS, chunks));
  const work = jobs.reduce((sum, j) => sum + j.codeLimit, 0);
  const workers: Worker[] = [];
  if (!source.bytes && threads > 1) {
    // Running workers cost nothing more; new ones only pay off for enough work.
    while (workers.length < threads - 1 && idle.length > 0) workers.push(idle.pop()!);
    if (work >= PARALLEL_THRESHOLD || options.threads !== undefined) {
      while (workers.length < threads - 1) {
        const worker = spawnWorker();
        if (!worker) break;
        workers.push(worker);
      }
    }
  }
  // [0] next chunk, [1] cancel flag, [2 + i] state of worker i.
  const control = new Int32Array(new SharedArrayBuffer(4 * (2 + workers.length)));
  const finished = workers.map((worker, i) => {
    const run: PageRun = { type: 'run', path, sliceOffset, totalLength, chunkSize, jobs, control: control.buffer as SharedArrayBuffer, state: 2 + i, progress: onProgress !== undefined };
    const done = runOn(worker, run, progress);
    // Observed here so a worker failing while this thread is still reading is not an unhandled rejection.
    done.catch(() => undefined);
    return done;
  });
  let workerFailed = false;
  const onAbort = () => Atomics.store(control, 1, 1);
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    if (options.after) await options.after.then(
      () => undefined,
      () => undefined,
    );
    const claim = () => {
      const index = signal?.aborted ? chunks : Atomics.add(control, 0, 1);
      if (index >= chunks) return undefined;
      const start = index * chunkSize;
      return { start, length: Math.min(chunkSize, totalLength - start) };
    };
    if (source.bytes) {
      for (let c = claim(); c; c = claim()) {
        hashChunk(source.bytes.subarray(sliceOffset + c.start, sliceOffset + c.start + c.length), c.start, jobs, result);
        progress(c.length);
      }
    } else {
      let fh: Awaited<ReturnType<typeof open>> | undefined;
      try {
        let buf: Buffer | undefined;
        for (let c = claim(); c; c = claim()) {
          fh ??= await open(path, 'r');
          // A hostile page size may exceed CHUNK, but never the bytes being checked.
          buf ??= Buffer.allocUnsafe(Math.min(chunkSize, totalLength));
          let done = 0;
          while (done < c.length) {
            const { bytesRead } = await fh.read(buf, done, c.length - done, sliceOffset + c.start + done);
            if (bytesRead === 0) throw new Error(`file shrank while reading at offset ${sliceOffset + c.start + done}`);
            done += bytesRead;
          }
          hashChunk(buf.subarray(0, c.length), c.start, jobs, result);
          progress(c.length);
        }
      } finally {
        await fh?.close();
      }
    }
    signal?.throwIfAborted();
    for (let i = 0; i < workers.length; i++) {
      // A worker that has not begun by now would only find the work gone: it is not waited for.
      if (Atomics.compareExchange(control, 2 + i, NOT_STARTED, SKIPPED) === NOT_STARTED) {
        // Nor does it keep the process alive until it has started up only to find that out.
        workers[i]!.unref();
        continue;
      }
      const other = await finished[i]!.then(
        (value) => ({ ok: true as const, value }),
        () => ({ ok: false as const }),
      );
      if (!other.ok) {
        workerFailed = true;
        continue;
      }
      result.mismatches.push(...other.value.mismatches);
      other.value.counts.forEach((c, j) => (result.counts[j]! += c));
    }
    signal?.throwIfAborted();
  } catch (err) {
    Atomics.store(control, 1, 1);
    // They stop at their next chunk and go back to the pool; nothing waits for them, nor should the process.
    for (const worker of workers) worker.unref();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  // The chunks a failed worker claimed are unaccounted for: do it all again here, where errors surface.
  if (workerFailed) {
    const alone: PageOptions = { ...options, threads: 1 };
    delete alone.after;
    return verifyPageHashes(source, sliceOffset, jobs, alone);
  }
  result.mismatches.sort((a, b) => a.slot - b.slot || a.page - b.page);
  const kept: PageMismatch[] = [];
  for (const job of jobs) kept.push(...result.mismatches.filter((m) => m.slot === job.slot).slice(0, MAX_REPORTED_MISMATCHES));
  return { mismatches: kept, counts: result.counts };
}

/**
 * A CodeDirectory with page size 0 hashes all of `codeLimit` as a single
 * "page" (cs_blobs.h: "infinite" page size); streamed so memory stays bounded.
 */
export async function hashWholeRange(source: PageSource, sliceOffset: number, length: number, algorithm: string, signal?: AbortSignal): Promise<Buffer> {
  const hash = createHash(algorithm);
  if (source.bytes) return hash.update(source.bytes.subarray(sliceOffset, sliceOffset + length)).digest();
  const fh = await open(source.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, length)));
    for (let at = 0; at < length; ) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - at), sliceOffset + at);
      if (bytesRead === 0) throw new Error(`file shrank while reading at offset ${sliceOffset + at}`);
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return hash.digest();
}
