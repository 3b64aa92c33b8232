/**
 * Mutation fuzzing of real signatures. Each iteration changes a few bytes of
 * the universal header, the load commands or the code signature of a real
 * fixture (bit flips, boundary values in length/offset/count fields,
 * truncation) and reads it in memory. Every outcome must be a report (with
 * Problems) or a CodeReadError: any other exception is a reader bug.
 *
 * `npm test` runs 3,000 mutations. The full run of the issue is
 *   CSRL_FUZZ_RUNS=100000 node --test out/test/validator/hostile-fuzz.test.js
 * and CSRL_FUZZ_SEED=N replays another sequence.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { CodeReadError, readCodeBytes, type ReadOptions } from '../../validator/read.js';
import { fixture, type FixtureName } from '../support/fixtures.js';
import { rng } from '../support/random.js';

const RUNS = Number(process.env['CSRL_FUZZ_RUNS'] ?? 3000);
const SEED = Number(process.env['CSRL_FUZZ_SEED'] ?? 0x5eed);

const INTERESTING = [0, 1, 7, 8, 12, 0x14, 0x7f, 0x80, 0xff, 0x1000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, 0xfade0c02, 0xfade0cc0, 0xfade7171];

interface Target {
  name: FixtureName;
  /** Byte ranges that may be mutated: [start, end). */
  regions: [number, number][];
  options: ReadOptions;
  /** Makes the seed cheaper to read without changing what the fuzzed parsers see. */
  prepare?: (bytes: Buffer) => void;
}

const SENTRY_X64_SIG = 16384 + 14869584;

const TARGETS: Target[] = [
  {
    // Thin dylib, ad-hoc: load commands and the whole superblob (CodeDirectory).
    name: '@rollup/rollup-darwin-arm64@4.68.8',
    regions: [
      [0, 32 + 4096],
      [1931728, 1931728 + 15248],
    ],
    options: {},
  },
  {
    // Universal, one unsigned and one ad-hoc slice: the fat header too.
    name: 'fsevents@2.3.3',
    regions: [
      [0, 48],
      [16384, 16384 + 2048],
      [98304, 98304 + 2048],
      [98304 + 64688, 98304 + 64688 + 634],
    ],
    options: {},
  },
  {
    // Developer ID superblob with requirements, XML and DER entitlements. The
    // CMS entry is moved to an unused slot so each iteration does not pay for
    // a certificate chain (the CMS parser has its own hostile tests).
    name: '@sentry/cli-darwin@3.8.0',
    regions: [[SENTRY_X64_SIG, SENTRY_X64_SIG + 116994]],
    options: { verifyPages: false, arch: 'x86_64' },
    prepare: (b) => {
      // Index entry 4 (slot 0x10000) of the x86_64 superblob → slot 0x10001.
      b.writeUInt32BE(0x10001, SENTRY_X64_SIG + 12 + 4 * 8);
    },
  },
];

describe('hostile: mutation fuzzing of real signatures', () => {
  for (const [t, target] of TARGETS.entries()) {
    const runs = Math.ceil(RUNS / TARGETS.length);
    it(`${target.name}: ${runs} mutations, each a report or a CodeReadError`, async () => {
      const bytes = await readFile(await fixture(target.name));
      target.prepare?.(bytes);
      const random = rng(SEED + t);
      const pick = (n: number) => Math.floor(random() * n);
      const outcomes = new Map<string, number>();
      for (let i = 0; i < runs; i++) {
        const saved: [number, number][] = [];
        const set = (at: number, v: number) => {
          saved.push([at, bytes[at]!]);
          bytes[at] = v & 0xff;
        };
        let view: Buffer = bytes;
        const edits = 1 + pick(4);
        for (let e = 0; e < edits; e++) {
          const [start, end] = target.regions[pick(target.regions.length)]!;
          const at = start + pick(end - start);
          const kind = pick(10);
          if (kind < 4) set(at, bytes[at]! ^ (1 << pick(8)));
          else if (kind < 8) {
            const aligned = at - ((at - start) % 4);
            const v = INTERESTING[pick(INTERESTING.length)]! + (pick(4) === 0 ? pick(64) - 32 : 0);
            for (let k = 0; k < 4 && aligned + k < bytes.length; k++) set(aligned + k, v >>> (24 - 8 * k));
          } else if (kind < 9) set(at, pick(256));
          else view = bytes.subarray(0, at);
        }
        let outcome: string;
        try {
          const report = await readCodeBytes(view, { ...target.options, verifyPages: target.options.verifyPages ?? pick(8) === 0 });
          outcome = report.slices.every((s) => s.verification.ok) ? 'valid' : 'problems';
        } catch (err) {
          if (!(err instanceof CodeReadError)) {
            assert.fail(`iteration ${i} (seed ${SEED + t}, edits at ${saved.map(([a]) => a).join(',')}, length ${view.length}): ${err instanceof Error ? err.stack : String(err)}`);
          }
          outcome = `error:${err.code}`;
        } finally {
          for (let k = saved.length - 1; k >= 0; k--) bytes[saved[k]![0]] = saved[k]![1];
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // The mutations reached the checks (a byte of a load command that no
      // check looks at, e.g. a segment's vmaddr, is caught only by page hashing).
      assert.ok(runs - (outcomes.get('valid') ?? 0) > runs / 5, JSON.stringify([...outcomes]));
      assert.ok((outcomes.get('problems') ?? 0) > 0, JSON.stringify([...outcomes]));
    });
  }
});
