import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashChunk, MAX_REPORTED_MISMATCHES, type ChunkResult, type PageJob, type PageMismatch } from './pages-core.js';

export type { PageJob, PageMismatch } from './pages-core.js';

export interface PageOptions {
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * Threads including this one. Default: all cores, but only when there is
   * enough to hash to pay for starting workers. An explicit value is obeyed.
   */
  threads?: number;
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

/** Large batches amortise read calls and message passing; 4 MiB keeps memory per thread small. */
const CHUNK = 4 << 20;
/**
 * Bytes to hash (summed over CodeDirectories) below which a worker costs more
 * than it saves: a worker takes about 45 ms to start, in which this thread
 * hashes some 45 MB of 4 KB pages.
 */
const PARALLEL_THRESHOLD = 64 << 20;

/**
 * Checks every code-page hash of the given CodeDirectories against the file,
 * reading each byte once for all of them. Work is handed out in chunks from a
 * shared counter, so the main thread and the workers balance themselves.
 */
export async function verifyPageHashes(source: PageSource, sliceOffset: number, jobs: PageJob[], options: PageOptions = {}): Promise<PageResult> {
  const { signal, onProgress } = options;
  const { path } = source;
  signal?.throwIfAborted();
  const totalLength = jobs.reduce((m, j) => Math.max(m, j.codeLimit), 0);
  const maxPage = jobs.reduce((m, j) => Math.max(m, j.pageSize), 1);
  const chunkSize = Math.max(CHUNK, maxPage);
  const chunks = Math.ceil(totalLength / chunkSize);
  const control = new Int32Array(new SharedArrayBuffer(8));
  const result: ChunkResult = { mismatches: [], counts: jobs.map(() => 0) };
  let doneBytes = 0;
  const progress = (bytes: number) => {
    doneBytes += bytes;
    onProgress?.(doneBytes, totalLength);
  };

  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 8, chunks));
  const work = jobs.reduce((sum, j) => sum + j.codeLimit, 0);
  const workerCount = source.bytes ? 0 : work >= PARALLEL_THRESHOLD || options.threads !== undefined ? threads - 1 : 0;
  const workers: Worker[] = [];
  const finished: Promise<ChunkResult>[] = [];
  for (let i = 0; i < workerCount; i++) {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./pages-worker.js', import.meta.url), {
        workerData: { path, sliceOffset, totalLength, chunkSize, jobs, control: control.buffer },
      });
    } catch {
      // No worker script (e.g. inside a single-file bundle): this thread does all the work.
      break;
    }
    workers.push(worker);
    const done = new Promise<ChunkResult>((resolve, reject) => {
      worker.on('message', (m: { type: string; bytes?: number; result?: ChunkResult; message?: string }) => {
        if (m.type === 'progress') progress(m.bytes!);
        else if (m.type === 'done') resolve(m.result!);
        else reject(new Error(m.message));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`page-hash worker exited with code ${code}`)));
    });
    // Observed here so a worker failing while this thread is still reading is not an unhandled rejection.
    done.catch(() => undefined);
    finished.push(done);
  }
  let workerFailed = false;
  const onAbort = () => Atomics.store(control, 1, 1);
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
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
      const fh = await open(path, 'r');
      try {
        // A hostile page size may exceed CHUNK, but never the bytes being checked.
        const buf = Buffer.allocUnsafe(Math.min(chunkSize, totalLength));
        for (let c = claim(); c; c = claim()) {
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
        await fh.close();
      }
    }
    signal?.throwIfAborted();
    for (const other of await Promise.allSettled(finished)) {
      if (other.status === 'rejected') {
        workerFailed = true;
        continue;
      }
      result.mismatches.push(...other.value.mismatches);
      other.value.counts.forEach((c, i) => (result.counts[i]! += c));
    }
    signal?.throwIfAborted();
  } catch (err) {
    Atomics.store(control, 1, 1);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const w of workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
  }
  // The chunks a failed worker claimed are unaccounted for: do it all again here, where errors surface.
  if (workerFailed) return verifyPageHashes(source, sliceOffset, jobs, { ...options, threads: 1 });
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
