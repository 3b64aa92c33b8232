/**
 * Worker side of page verification: claims chunks from a shared counter,
 * reads them from the file itself (no copying through the main thread) and
 * hashes them. Loads nothing but node:fs and node:crypto so it starts fast.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { hashChunk, type ChunkResult, type PageJob } from './pages-core.js';

interface WorkerInput {
  path: string;
  sliceOffset: number;
  totalLength: number;
  chunkSize: number;
  jobs: PageJob[];
  /** [0] next chunk index, [1] cancel flag. */
  control: SharedArrayBuffer;
}

const input = workerData as WorkerInput;
const control = new Int32Array(input.control);
const chunks = Math.ceil(input.totalLength / input.chunkSize);
const result: ChunkResult = { mismatches: [], counts: input.jobs.map(() => 0) };
const buf = Buffer.allocUnsafe(Math.min(input.chunkSize, input.totalLength));
let fd = -1;
try {
  fd = openSync(input.path, 'r');
  for (;;) {
    if (Atomics.load(control, 1) !== 0) break;
    const index = Atomics.add(control, 0, 1);
    if (index >= chunks) break;
    const start = index * input.chunkSize;
    const length = Math.min(input.chunkSize, input.totalLength - start);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, input.sliceOffset + start + done);
      if (n === 0) throw new Error(`file shrank while reading at offset ${input.sliceOffset + start + done}`);
      done += n;
    }
    hashChunk(buf.subarray(0, length), start, input.jobs, result);
    parentPort!.postMessage({ type: 'progress', bytes: length });
  }
  parentPort!.postMessage({ type: 'done', result });
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
} finally {
  if (fd >= 0) closeSync(fd);
}
