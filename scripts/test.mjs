#!/usr/bin/env node
// Runs every compiled `*.test.js` under out/test with Node's test runner.
// Node 20 takes no globs, and given a folder it would also run every helper
// module under test/ as if it were a test file, so the list is made here.
// A hung test fails after 15 minutes instead of holding CI until its limit.
// A test that leaves a csrl-* folder in the temp dir fails the run.
// Failed tests are listed again at the very end (CI shows only the tail).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...collect(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

let files = collect(path.join(root, 'out', 'test')).sort();
if (only.length > 0) files = files.filter((f) => only.some((o) => path.relative(root, f).includes(o)));
if (files.length === 0) {
  console.error('no test files found under out/test (run `npm run build` first)');
  process.exit(1);
}
// The tests get a temp dir of their own (short: code-server puts unix sockets under it), so what they leave
// behind is seen without counting other processes' files; anything left there fails the run.
const tmp = mkdtempSync(path.join(tmpdir(), 'ct-'));
const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout', `--test-reporter=${path.join(root, 'scripts', 'failures-reporter.mjs')}`, '--test-reporter-destination=stdout'];
const r = spawnSync(process.execPath, ['--test', '--test-timeout=900000', ...reporters, ...files.map((f) => path.relative(root, f))], { cwd: root, stdio: 'inherit', env: { ...process.env, TMPDIR: tmp } });
const left = readdirSync(tmp).filter((name) => name.startsWith('csrl-'));
rmSync(tmp, { recursive: true, force: true });
if (left.length > 0) {
  console.error(`the tests left ${left.length} csrl-* folder(s) in the temp dir (a test must remove what it makes): ${left.join(', ')}`);
  process.exit(r.status || 1);
}
process.exit(r.status ?? 1);
