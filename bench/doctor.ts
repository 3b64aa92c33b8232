/**
 * `csrl doctor` benchmark: an app whose hardened main executable links 200
 * signed dylibs in Contents/Frameworks through @rpath (201 Mach-O files, all
 * sealed by the app), made with the test signer. Doctor (which reads the app,
 * searches it for code, reads each file's load commands and judges 200
 * library-validation relationships) against the baseline of reading the same
 * 201 pieces of code one by one in one process with `readCode` (signature,
 * pages and, for the app, its seal), each path once — which reads the 200
 * dylibs twice, as nested code of the app and on their own; the doctor reads
 * them once. Also the ratio to the app's read alone (its seal reads every
 * dylib): near 1 when nothing is read twice. Warmed up; medians.
 *
 * Run: npm run build && node out/bench/doctor.js [--runs N]
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doctor } from '../engine/doctor/doctor.js';
import { readCode } from '../validator/read.js';
import { makeBundle, makeCa, makeMachO, signMachO } from '../test/signer/index.js';
import { median } from './stats.js';

const LIBS = 200;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

const dir = await mkdtemp(join(tmpdir(), 'csrl-bench-doctor-'));
try {
  const ca = makeCa({ teamId: 'BENCHTEAM1', keyType: 'ec' });
  const sign = { ca, teamId: 'BENCHTEAM1' };
  const names = Array.from({ length: LIBS }, (_, i) => `lib${i}.dylib`);
  const app = await makeBundle(dir, {
    name: 'Bench',
    identifier: 'com.example.bench',
    macho: { dylibs: names.map((n) => `@rpath/${n}`), rpaths: ['@executable_path/../Frameworks'] },
    sign: { ...sign, runtime: 0x0a0f00 },
    populate: async (contents) => {
      await mkdir(join(contents, 'Frameworks'), { recursive: true });
      for (const n of names) {
        await writeFile(join(contents, 'Frameworks', n), signMachO(makeMachO({ fileType: 'dylib', installName: `@rpath/${n}`, codeSize: 20_000 }), { ...sign, identifier: `com.example.${n}` }));
      }
    },
  });
  const check = await doctor(app.path);
  const lv = check.relationships.filter((r) => r.kind === 'library-validation');
  if (check.verdict !== 'satisfied' || lv.length !== LIBS) throw new Error(`unexpected doctor result: ${check.verdict}, ${lv.length} library relationships`);

  const doctorMs = await timeIt(() => doctor(app.path));
  const appOnly = await timeIt(() => readCode(app.path, { verifyPages: true }));
  const libsOnly = await timeIt(async () => {
    for (const n of names) await readCode(join(app.resourceRoot, 'Frameworks', n), { verifyPages: true });
  });
  const oneByOne = appOnly + libsOnly;
  console.log(`bundle: 1 app + ${LIBS} dylibs (${check.relationships.length} relationships, verdict ${check.verdict}), ${RUNS} runs, medians`);
  console.log(`  doctor:                        ${doctorMs.toFixed(1)} ms`);
  console.log(`  readCode of each, one by one:  ${oneByOne.toFixed(1)} ms (the app with its seal and nested code ${appOnly.toFixed(1)} ms, the ${LIBS} dylibs ${libsOnly.toFixed(1)} ms)`);
  console.log(`  ratio doctor / one by one:     ${(doctorMs / oneByOne).toFixed(2)}`);
  // Nested code is read once per run (the reader's cache): the doctor costs about one read of the app with its nested code.
  console.log(`  ratio doctor / the app alone:  ${(doctorMs / appOnly).toFixed(2)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
