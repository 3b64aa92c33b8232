import { digestLatin1 } from './hash.js';

/** What one CodeDirectory says about the code pages of a slice. */
export interface PageJob {
  /** Superblob slot of the CodeDirectory, for messages. */
  slot: number;
  /** node:crypto algorithm name. */
  algorithm: string;
  /** Bytes of each slot (the digest may be longer and is truncated). */
  hashSize: number;
  /** Page size in bytes, a power of two. */
  pageSize: number;
  /** Bytes of the slice that are covered, from the slice start. */
  codeLimit: number;
  /** The code-slot hashes, `ceil(codeLimit / pageSize)` × hashSize bytes. */
  expected: Uint8Array;
}

export interface PageMismatch {
  slot: number;
  page: number;
  /** Offset of the page in the slice. */
  offset: number;
  expected: string;
  actual: string;
}

/** Detailed mismatches kept per CodeDirectory; the rest are only counted. */
export const MAX_REPORTED_MISMATCHES = 16;

export interface ChunkResult {
  mismatches: PageMismatch[];
  counts: number[];
  /** Bytes and pages hashed, summed over jobs (a byte two CodeDirectories cover counts twice). */
  hashedBytes: number;
  hashedPages: number;
}

export function emptyResult(jobs: readonly PageJob[]): ChunkResult {
  return { mismatches: [], counts: jobs.map(() => 0), hashedBytes: 0, hashedPages: 0 };
}

/**
 * Hashes the pages of every job that fall in `chunk`, which holds the slice
 * bytes starting at `chunkStart` (a multiple of every job's page size).
 */
export function hashChunk(chunk: Uint8Array, chunkStart: number, jobs: PageJob[], result: ChunkResult): void {
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j]!;
    const { pageSize, hashSize, expected, algorithm } = job;
    const end = Math.min(chunkStart + chunk.length, job.codeLimit);
    for (let off = chunkStart; off < end; off += pageSize) {
      const page = off / pageSize;
      const stop = Math.min(off + pageSize, end);
      // A latin1 string per digest, compared code unit by byte: tens of thousands
      // of Buffers (each with its own backing store) cost more in GC than the hashing saves.
      const got = digestLatin1(algorithm, chunk.subarray(off - chunkStart, stop - chunkStart));
      result.hashedBytes += stop - off;
      result.hashedPages++;
      const base = page * hashSize;
      let same = true;
      for (let i = 0; i < hashSize; i++) {
        if (got.charCodeAt(i) !== expected[base + i]) {
          same = false;
          break;
        }
      }
      if (!same) {
        result.counts[j]!++;
        let reported = 0;
        for (const m of result.mismatches) if (m.slot === job.slot) reported++;
        if (reported < MAX_REPORTED_MISMATCHES) {
          result.mismatches.push({
            slot: job.slot,
            page,
            offset: off,
            expected: Buffer.from(expected.subarray(base, base + hashSize)).toString('hex'),
            actual: Buffer.from(got, 'latin1').subarray(0, hashSize).toString('hex'),
          });
        }
      }
    }
  }
}
