/**
 * Worker side of page verification: for each run it is sent, claims chunks
 * from a shared counter, reads them from the file itself (no copying through
 * the main thread) and hashes them. It opens the file by path, so it first
 * checks that the path still names the very file the main thread opened
 * (device, inode, size, modification time): a file swapped meanwhile is
 * refused, and the main thread then hashes everything from its own
 * descriptor. It stays up between runs so one start-up (tens of
 * milliseconds) serves every slice. Loads nothing but node:fs and
 * node:crypto so it starts fast.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { emptyResult, hashChunk, type ChunkResult, type PageJob } from './pages-core.js';

/** The opened file's identity, as the main thread saw it (see bundle-files.ts FileIdentity). */
export interface RunIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export interface PageRun {
  type: 'run';
  path: string;
  /** What `path` must still be; the run fails otherwise. */
  identity: RunIdentity;
  sliceOffset: number;
  totalLength: number;
  chunkSize: number;
  jobs: PageJob[];
  /** Int32 [0] next chunk index, [1] cancel flag, [state] this worker's state for this run. */
  control: SharedArrayBuffer;
  /**
   * Index of this worker's state: 0 not started, 1 started (set here), 2
   * skipped (set by the main thread, which then does not wait for this one).
   */
  state: number;
  /** Whether to post a message per chunk. */
  progress: boolean;
}

export type PageReply = { type: 'progress'; bytes: number } | { type: 'done'; result: ChunkResult } | { type: 'error'; message: string };

function run(input: PageRun): PageReply {
  const control = new Int32Array(input.control);
  const chunks = Math.ceil(input.totalLength / input.chunkSize);
  const result: ChunkResult = emptyResult(input.jobs);
  if (Atomics.compareExchange(control, input.state, 0, 1) !== 0) return { type: 'done', result };
  let fd = -1;
  try {
    let buf: Buffer | undefined;
    for (;;) {
      if (Atomics.load(control, 1) !== 0) break;
      const index = Atomics.add(control, 0, 1);
      if (index >= chunks) break;
      // Opened on the first claim: a worker that arrives after the others took everything touches no file.
      if (fd < 0) {
        // Non-blocking: a FIFO put in the file's place must not hang this worker (it is refused just below).
        fd = openSync(input.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
        const st = fstatSync(fd, { bigint: true });
        const want = input.identity;
        if (!st.isFile() || st.dev !== want.dev || st.ino !== want.ino || st.size !== want.size || st.mtimeNs !== want.mtimeNs) {
          throw new Error(`${input.path} is no longer the file being checked (replaced or modified since it was opened)`);
        }
      }
      buf ??= Buffer.allocUnsafe(Math.min(input.chunkSize, input.totalLength));
      const start = index * input.chunkSize;
      const length = Math.min(input.chunkSize, input.totalLength - start);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buf, done, length - done, input.sliceOffset + start + done);
        if (n === 0) throw new Error(`file shrank while reading at offset ${input.sliceOffset + start + done}`);
        done += n;
      }
      hashChunk(buf.subarray(0, length), start, input.jobs, result);
      if (input.progress) parentPort!.postMessage({ type: 'progress', bytes: length } satisfies PageReply);
    }
    return { type: 'done', result };
  } catch (err) {
    return { type: 'error', message: err instanceof Error ? err.message : String(err) };
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

parentPort!.on('message', (m: PageRun) => {
  if (m.type === 'run') parentPort!.postMessage(run(m));
});
