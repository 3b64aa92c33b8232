import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { identityOf, openRegular, type FileIdentity } from '../bundle-files.js';
import { emptyResult, hashChunk, MAX_REPORTED_MISMATCHES, type ChunkResult, type PageJob, type PageMismatch } from './pages-core.js';
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

/**
 * A file, or bytes already in memory (hashed on this thread, no file
 * opened). A file the caller has opened (a ByteSource) is read through
 * `readInto` and described by `identity`: this thread reads that very
 * descriptor, and workers, which open `path` themselves, refuse any file
 * that is not the same one. Without them, `path` is opened here once.
 */
export interface PageSource {
  path: string;
  bytes?: Uint8Array | undefined;
  readInto?: (buf: Buffer, length: number, position: number) => Promise<number>;
  identity?: FileIdentity | undefined;
}

/** A PageSource whose file, if any, is open. */
interface OpenPageSource {
  path: string;
  bytes?: Uint8Array | undefined;
  readInto: (buf: Buffer, length: number, position: number) => Promise<number>;
  identity: FileIdentity | undefined;
}

/**
 * Bytes and pages hashed by page verification since the process started
 * (this thread and its workers, whole-range hashing included): a seam for
 * tests and benchmarks to count work without timing it.
 */
export const pageHashMeter = { bytes: 0, pages: 0 };

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
 * costs more than it saves. Measured on 2 cores with other jobs running: a
 * worker takes 65–90 ms of CPU and 120–300 ms of wall time to start, in which
 * this thread hashes 70–300 MB of 4 KB pages (SHA-1 and SHA-256 together about
 * 1 GB/s). At the former 64 MiB, `csrl check` of a 47 MB binary (94 MB over
 * its two CodeDirectories) started one and took 140 ms more CPU and longer
 * wall time than hashing everything here.
 */
const PARALLEL_THRESHOLD = 256 << 20;
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
  options.signal?.throwIfAborted();
  for (const job of jobs) checkJob(job);
  return withOpenSource(source, (open) => verifyOpen(open, sliceOffset, jobs, options));
}

/**
 * The caller checks a CodeDirectory's geometry before asking for its pages
 * (validator/signature/codedirectory.ts); a job that slipped through
 * unchecked is a bug, refused here before anything is hashed.
 */
function checkJob(job: PageJob): void {
  const { pageSize, codeLimit, hashSize, expected } = job;
  const ok =
    Number.isSafeInteger(pageSize) &&
    pageSize >= 1 << 12 &&
    (pageSize & (pageSize - 1)) === 0 &&
    Number.isSafeInteger(codeLimit) &&
    codeLimit >= 0 &&
    hashSize > 0 &&
    expected.length === Math.ceil(codeLimit / pageSize) * hashSize;
  if (!ok) throw new Error(`page job for slot ${job.slot} has an unchecked geometry (page size ${pageSize}, codeLimit ${codeLimit}, ${expected.length} bytes of ${hashSize}-byte hashes)`);
}

async function withOpenSource<T>(source: PageSource, use: (open: OpenPageSource) => Promise<T>): Promise<T> {
  if (source.bytes) {
    const bytes = source.bytes;
    const readInto = async (buf: Buffer, length: number, position: number) => {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      buf.set(bytes.subarray(position, position + n));
      return n;
    };
    return use({ path: source.path, bytes, readInto, identity: undefined });
  }
  if (source.readInto) {
    // Called as a method: the source may be an object (a ByteSource) whose method needs its `this`.
    const readInto = (buf: Buffer, length: number, position: number) => source.readInto!(buf, length, position);
    return use({ path: source.path, readInto, identity: source.identity });
  }
  const { handle, stat } = await openRegular(source.path);
  try {
    return await use({ path: source.path, readInto: async (buf, length, position) => (await handle.read(buf, 0, length, position)).bytesRead, identity: identityOf(stat) });
  } finally {
    await handle.close();
  }
}

async function verifyOpen(source: OpenPageSource, sliceOffset: number, jobs: PageJob[], options: PageOptions): Promise<PageResult> {
  const { signal, onProgress } = options;
  const { path } = source;
  signal?.throwIfAborted();
  const totalLength = jobs.reduce((m, j) => Math.max(m, j.codeLimit), 0);
  const maxPage = jobs.reduce((m, j) => Math.max(m, j.pageSize), 1);
  const chunkSize = Math.max(CHUNK, maxPage);
  const chunks = Math.ceil(totalLength / chunkSize);
  const result: ChunkResult = emptyResult(jobs);
  let doneBytes = 0;
  const progress = (bytes: number) => {
    doneBytes += bytes;
    onProgress?.(doneBytes, totalLength);
  };

  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), MAX_THREADS, chunks));
  const work = jobs.reduce((sum, j) => sum + j.codeLimit, 0);
  const workers: Worker[] = [];
  // Workers open the file by path, so only a file whose identity is known is shared with them.
  if (!source.bytes && source.identity && threads > 1) {
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
    const run: PageRun = { type: 'run', path, identity: source.identity!, sliceOffset, totalLength, chunkSize, jobs, control: control.buffer as SharedArrayBuffer, state: 2 + i, progress: onProgress !== undefined };
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
      let buf: Buffer | undefined;
      for (let c = claim(); c; c = claim()) {
        // A hostile page size may exceed CHUNK, but never the bytes being checked.
        buf ??= Buffer.allocUnsafe(Math.min(chunkSize, totalLength));
        let done = 0;
        while (done < c.length) {
          const bytesRead = await source.readInto(buf.subarray(done), c.length - done, sliceOffset + c.start + done);
          if (bytesRead === 0) throw new Error(`file shrank while reading at offset ${sliceOffset + c.start + done}`);
          done += bytesRead;
        }
        hashChunk(buf.subarray(0, c.length), c.start, jobs, result);
        progress(c.length);
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
      result.hashedBytes += other.value.hashedBytes;
      result.hashedPages += other.value.hashedPages;
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
  // The chunks a failed worker claimed are unaccounted for (and a worker refuses a file swapped since it was
  // opened): do it all again here, from the descriptor opened before, where errors surface.
  if (workerFailed) {
    const alone: PageOptions = { ...options, threads: 1 };
    delete alone.after;
    return verifyOpen(source, sliceOffset, jobs, alone);
  }
  pageHashMeter.bytes += result.hashedBytes;
  pageHashMeter.pages += result.hashedPages;
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
  const digest = await withOpenSource(source, async (open) => {
    if (open.bytes) return hash.update(open.bytes.subarray(sliceOffset, sliceOffset + length)).digest();
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, length)));
    for (let at = 0; at < length; ) {
      signal?.throwIfAborted();
      const bytesRead = await open.readInto(buf, Math.min(buf.length, length - at), sliceOffset + at);
      if (bytesRead === 0) throw new Error(`file shrank while reading at offset ${sliceOffset + at}`);
      hash.update(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
    return hash.digest();
  });
  pageHashMeter.bytes += length;
  pageHashMeter.pages++;
  return digest;
}
