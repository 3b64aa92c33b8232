import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ByteSource } from '../../validator/macho/source.js';
import { emptyResult, hashChunk, MAX_REPORTED_MISMATCHES, type ChunkResult } from '../../validator/signature/pages-core.js';
import { verifyPageHashes, warmPageWorkers, type PageJob } from '../../validator/signature/pages.js';
import type { PageReply, PageRun } from '../../validator/signature/pages-worker.js';

/** Page hashes computed the plain way (one createHash per page), independent of the code under test. */
function expectedHashes(bytes: Uint8Array, algorithm: string, hashSize: number, pageSize: number, codeLimit: number): Buffer {
  const pages = Math.ceil(codeLimit / pageSize);
  const out = Buffer.alloc(pages * hashSize);
  for (let p = 0; p < pages; p++) {
    createHash(algorithm)
      .update(bytes.subarray(p * pageSize, Math.min((p + 1) * pageSize, codeLimit)))
      .digest()
      .copy(out, p * hashSize, 0, hashSize);
  }
  return out;
}

/** Flips one bit of the expected hash of `page`, so that page (and only it) must mismatch. */
function spoil(job: PageJob, page: number): void {
  job.expected[page * job.hashSize + (page % job.hashSize)]! ^= 0x01;
}

describe('page hashing', () => {
  let dir: string;
  let path: string;
  // Slice of 5.3 MB behind a 4 KB prefix: several 1 MiB chunks, a partial last page.
  const prefix = 4096;
  const codeLimit = 5 * 1024 * 1024 + 300 * 1024 + 123;
  const bytes = randomBytes(prefix + codeLimit + 1000);
  const slice = bytes.subarray(prefix);

  const jobs = (): PageJob[] => [
    { slot: 0, algorithm: 'sha1', hashSize: 20, pageSize: 4096, codeLimit, expected: expectedHashes(slice, 'sha1', 20, 4096, codeLimit) },
    { slot: 0x1000, algorithm: 'sha256', hashSize: 32, pageSize: 4096, codeLimit, expected: expectedHashes(slice, 'sha256', 32, 4096, codeLimit) },
    // Truncated SHA-256 and a larger page size, as other hash types and signers use.
    { slot: 0x1001, algorithm: 'sha256', hashSize: 20, pageSize: 16384, codeLimit, expected: expectedHashes(slice, 'sha256', 20, 16384, codeLimit) },
  ];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csrl-pages-'));
    path = join(dir, 'code.bin');
    await writeFile(path, bytes);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const threads of [1, 2, 3]) {
    it(`finds exactly the spoiled pages with ${threads} thread(s), the same as in memory`, async () => {
      const js = jobs();
      const lastPage = Math.ceil(codeLimit / 4096) - 1;
      spoil(js[0]!, 0);
      spoil(js[0]!, 256); // first page of the second chunk
      spoil(js[1]!, lastPage); // the partial page at the end
      spoil(js[2]!, 100);
      const fromFile = await verifyPageHashes({ path }, prefix, js, { threads });
      const fromMemory = await verifyPageHashes({ path: '<memory>', bytes }, prefix, js);
      assert.deepEqual(fromFile, fromMemory);
      assert.deepEqual(fromFile.counts, [2, 1, 1]);
      assert.deepEqual(
        fromFile.mismatches.map((m) => [m.slot, m.page, m.offset]),
        [
          [0, 0, 0],
          [0, 256, 256 * 4096],
          [0x1000, lastPage, lastPage * 4096],
          [0x1001, 100, 100 * 16384],
        ],
      );
      const m = fromFile.mismatches[2]!;
      assert.equal(m.actual, createHash('sha256').update(slice.subarray(lastPage * 4096, codeLimit)).digest('hex'));
      assert.equal(m.expected, Buffer.from(js[1]!.expected.subarray(lastPage * 32, lastPage * 32 + 32)).toString('hex'));
      assert.notEqual(m.actual, m.expected);
    });
  }

  it('reports at most MAX_REPORTED_MISMATCHES per CodeDirectory, in page order, and counts the rest', async () => {
    const js = jobs().slice(0, 2);
    for (let p = 0; p < 1000; p += 3) spoil(js[0]!, p);
    const result = await verifyPageHashes({ path }, prefix, js, { threads: 2 });
    assert.deepEqual(result.counts, [334, 0]);
    assert.deepEqual(
      result.mismatches.map((m) => m.page),
      Array.from({ length: MAX_REPORTED_MISMATCHES }, (_, i) => i * 3),
    );
  });

  it('hashChunk compares every byte of a digest, whatever its value', () => {
    // A page whose digest bytes cover high values: latin1 digests must compare as bytes.
    const page = randomBytes(4096);
    const expected = createHash('sha256').update(page).digest();
    for (let i = 0; i < 32; i++) {
      const job: PageJob = { slot: 0, algorithm: 'sha256', hashSize: 32, pageSize: 4096, codeLimit: 4096, expected: Buffer.from(expected) };
      const ok: ChunkResult = emptyResult([job]);
      hashChunk(page, 0, [job], ok);
      assert.deepEqual(ok.counts, [0]);
      job.expected[i] = (job.expected[i]! + 128) & 0xff;
      const bad: ChunkResult = emptyResult([job]);
      hashChunk(page, 0, [job], bad);
      assert.deepEqual(bad.counts, [1], `byte ${i}`);
      assert.equal(bad.mismatches[0]!.actual, expected.toString('hex'));
    }
  });

  it("with `after`, this thread hashes nothing until it settles (even when it rejects)", async () => {
    for (const outcome of ['resolve', 'reject'] as const) {
      let settle!: () => void;
      const gate = new Promise<void>((resolve, reject) => (settle = outcome === 'resolve' ? resolve : () => reject(new Error('CMS failed'))));
      gate.catch(() => undefined);
      let progressBeforeGate = 0;
      let open = false;
      const verifying = verifyPageHashes({ path }, prefix, jobs(), {
        threads: 1,
        after: gate,
        onProgress: () => {
          if (!open) progressBeforeGate++;
        },
      });
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(progressBeforeGate, 0);
      open = true;
      settle();
      const result = await verifyPageHashes({ path }, prefix, jobs(), { threads: 1 });
      assert.deepEqual(await verifying, result);
      assert.deepEqual(result.counts, [0, 0, 0]);
    }
  });

  it('workers, here started ahead by warmPageWorkers, hash while this thread waits on `after`', async () => {
    warmPageWorkers(1 << 30, 2);
    let progress = 0;
    let settle!: () => void;
    const gate = new Promise<void>((resolve) => (settle = resolve));
    const verifying = verifyPageHashes({ path }, prefix, jobs(), { threads: 2, after: gate, onProgress: (d) => (progress = d) });
    // Only a worker can make progress while the gate is shut.
    const deadline = Date.now() + 10_000;
    while (progress === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.ok(progress > 0, 'no worker made progress');
    settle();
    assert.deepEqual((await verifying).counts, [0, 0, 0]);
  });

  it('workers hash the file that was opened: one swapped in at its path meanwhile is refused, and this thread hashes the opened one', async () => {
    const swapped = join(dir, 'swapped.bin');
    await writeFile(swapped, bytes);
    const src = await ByteSource.open(swapped);
    try {
      // Same size, other bytes, renamed over the path after it was opened: a file swapped during the check.
      const other = join(dir, 'other.bin');
      await writeFile(other, randomBytes(bytes.length));
      await rename(other, swapped);
      warmPageWorkers(1 << 30, 2);
      // This thread waits a while, so the workers get their chance at the path first.
      const gate = new Promise<void>((resolve) => setTimeout(resolve, 500));
      const result = await verifyPageHashes(src, prefix, jobs(), { threads: 2, after: gate });
      assert.deepEqual(result.counts, [0, 0, 0], 'pages of the swapped-in file were hashed');
    } finally {
      await src.close();
    }
  });

  it('a worker refuses a path that is no longer the file the main thread opened', async () => {
    const worker = new Worker(new URL('../../validator/signature/pages-worker.js', import.meta.url));
    try {
      const st = await stat(path, { bigint: true });
      const control = new SharedArrayBuffer(4 * 3);
      const base = { type: 'run' as const, path, sliceOffset: prefix, totalLength: codeLimit, chunkSize: 1 << 20, jobs: jobs(), control, state: 2, progress: false };
      const reply = (run: PageRun) =>
        new Promise<PageReply>((resolve) => {
          worker.once('message', resolve);
          worker.postMessage(run);
        });
      const wrong = await reply({ ...base, identity: { dev: st.dev, ino: st.ino + 1n, size: st.size, mtimeNs: st.mtimeNs } });
      assert.equal(wrong.type, 'error');
      assert.match((wrong as { message: string }).message, /is no longer the file being checked/);
      new Int32Array(control).fill(0);
      const right = await reply({ ...base, identity: { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs } });
      assert.equal(right.type, 'done');
      assert.deepEqual((right as { result: ChunkResult }).result.counts, [0, 0, 0]);
    } finally {
      await worker.terminate();
    }
  });

  it('a file shorter than the code limit is an error, from any thread', async () => {
    const short = join(dir, 'short.bin');
    await writeFile(short, bytes.subarray(0, prefix + 2 * 1024 * 1024 + 10));
    for (const threads of [1, 2]) {
      await assert.rejects(verifyPageHashes({ path: short }, prefix, jobs(), { threads }), /file shrank while reading at offset/);
    }
  });

  it('an abort stops hashing with the signal reason', async () => {
    const controller = new AbortController();
    await assert.rejects(
      verifyPageHashes({ path }, prefix, jobs(), {
        threads: 2,
        signal: controller.signal,
        onProgress: () => controller.abort(new Error('stop now')),
      }),
      /stop now/,
    );
  });
});
