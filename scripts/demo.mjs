#!/usr/bin/env node
// The main job on the bundled examples: each step runs the real CLI and shows
// its output; the script fails if a step does not end the way it should.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const csrl = path.join(root, 'bin', 'csrl.js');

const steps = [
  { title: 'Check and print a Developer ID requirement canonically', args: ['parse', 'examples/developer-id.csreq'], expect: 0 },
  { title: 'Compile it to the bytes Apple\'s compiler writes', args: ['compile', '--hex', 'examples/developer-id.csreq'], expect: 0 },
  { title: 'Decompile a blob as codesign -d -r- prints it', args: ['decompile', '--hex', 'fade0c000000002c00000001000000060000000200000010636f6d2e6170706c652e53616661726900000003'], expect: 0 },
  { title: 'A requirement set (codesign -r)', args: ['parse', '--set', 'examples/designated.rqset'], expect: 0 },
  { title: 'What Sparkle 2.7.2 shipped: rejected by Apple\'s parser', args: ['parse', 'examples/sparkle-2.7.2.csreq'], expect: 1 },
  { title: 'Security lint of the examples folder', args: ['lint', 'examples'], expect: 1 },
];

let failures = 0;
for (const step of steps) {
  process.stdout.write(`\n== ${step.title}\n$ csrl ${step.args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [csrl, ...step.args], { cwd: root, encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  process.stdout.write(r.stderr ?? '');
  const ok = r.status === step.expect;
  process.stdout.write(`-> exit ${r.status}${ok ? '' : ` (expected ${step.expect})`}\n`);
  if (!ok) failures++;
}
process.stdout.write(`\n${steps.length - failures} of ${steps.length} steps behaved as expected\n`);
process.exitCode = failures === 0 ? 0 : 1;
