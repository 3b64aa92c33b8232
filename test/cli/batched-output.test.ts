import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { batchedOutput } from '../../cli/batched-output.js';
import { memoryIO } from '../../cli/io.js';

function counted(tty: boolean) {
  const m = memoryIO();
  const writes: string[] = [];
  const io = { ...m.io, stdoutIsTTY: tty, stdout: (t: string) => void writes.push(t) };
  return { io, writes };
}

test('--each-line output: lines read from one input chunk go out in one write, when the command waits for input', async () => {
  const { io, writes } = counted(false);
  const out = batchedOutput(io);
  out.write('a\n');
  out.write('b\n');
  assert.deepEqual(writes, [], 'nothing written while the lines of one chunk are processed');
  await tick();
  assert.deepEqual(writes, ['a\nb\n'], 'written once the loop waits');
  out.write('c\n');
  out.flush();
  assert.deepEqual(writes, ['a\nb\n', 'c\n'], 'flush writes what is left');
  out.flush();
  await tick();
  assert.equal(writes.length, 2, 'nothing written twice, no empty writes');
});

test('--each-line output: a long run of lines is written in batches of about 64 KB, in order', () => {
  const { io, writes } = counted(false);
  const out = batchedOutput(io);
  const line = 'x'.repeat(99) + '\n';
  for (let i = 0; i < 2000; i++) out.write(line);
  out.flush();
  assert.equal(writes.join(''), line.repeat(2000));
  assert.ok(writes.length >= 3 && writes.length <= 5, `${writes.length} writes`);
});

test('--each-line output: a terminal gets every line at once', () => {
  const { io, writes } = counted(true);
  const out = batchedOutput(io);
  out.write('a\n');
  assert.deepEqual(writes, ['a\n']);
});
