import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

// Spec §7.4 (model-verified against Apple's compiler rules).
const SAFARI_TEXT = 'identifier com.apple.Safari and anchor apple';
const SAFARI_HEX = 'fade0c000000002c00000001000000060000000200000010636f6d2e6170706c652e53616661726900000003';
const SAFARI_APPLE = 'identifier "com.apple.Safari" and anchor apple';
// Spec §7.4: a set, compiled sorted by type.
const SET_TEXT = 'host => anchor apple and identifier com.apple.perl designated => identifier "com.example.app" and anchor apple generic';
const SET_HEX =
  'fade0c010000007400000002000000010000001c0000000300000048fade0c000000002c000000010000000600000003000000020000000e636f6d2e6170706c652e7065726c0000fade0c000000002c0000000100000006000000020000000f636f6d2e6578616d706c652e617070000000000f';

test('parse -e prints canonical text and exits 0', async () => {
  const r = await runCli(['parse', '-e', SAFARI_TEXT]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, SAFARI_APPLE + '\n');
  assert.equal(r.stderr, '');
});

test('parse reports errors as FILE:LINE:COL with a code on stderr and exits 1', async () => {
  const dir = tempDir('csrl-cli-');
  const file = path.join(dir, 'team.csreq');
  writeFileSync(file, 'anchor apple generic and\n  certificate leaf[subject.OU] = 9ABCDE1234\n');
  const r = await runCli(['parse', 'team.csreq'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^team\.csreq:2:34: error: .*9ABCDE1234.* \[CSR012\]$/m);
});

test('parse --json emits the AST with 1-based line/column ranges', async () => {
  const r = await runCli(['parse', '--json', '-e', 'anchor apple']);
  assert.equal(r.code, 0);
  const json = JSON.parse(r.stdout);
  assert.equal(json.ok, true);
  assert.equal(json.mode, 'single');
  assert.equal(json.document.kind, 'requirement');
  assert.equal(json.document.expr.kind, 'anchorApple');
  assert.deepEqual(json.document.expr.range, { start: { offset: 0, line: 1, column: 1 }, end: { offset: 12, line: 1, column: 13 } });
});

test('parse --single rejects a requirement set, as SecRequirementCreateWithString does', async () => {
  const r = await runCli(['parse', '--single', '-e', 'designated => anchor apple']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[CSR018\]/);
});

test('parse --each-line gives one result per input line', async () => {
  const r = await runCli(['parse', '--each-line'], { stdin: 'anchor apple\ninfo[X] = 1\nidentifier com.foo\n' });
  assert.equal(r.code, 1);
  const lines = r.stdout.split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'anchor apple');
  assert.match(lines[1]!, /^error: /);
  assert.equal(lines[2], 'identifier "com.foo"');
  assert.equal(lines[3], '');
});

test('compile --hex writes Apple\'s bytes for a single requirement and for a set', async () => {
  const single = await runCli(['compile', '--hex', '-e', SAFARI_TEXT]);
  assert.equal(single.code, 0, single.stderr);
  assert.equal(new TextDecoder().decode(single.stdoutBytes), SAFARI_HEX + '\n');
  const set = await runCli(['compile', '--hex', '--set', '-e', SET_TEXT]);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(new TextDecoder().decode(set.stdoutBytes), SET_HEX + '\n');
});

test('compile refuses to write binary to a terminal (usage error 64)', async () => {
  const r = await runCli(['compile', '-e', 'anchor apple'], { tty: true });
  assert.equal(r.code, 64);
  assert.match(r.stderr, /terminal/);
});

test('compile -o writes the blob file; decompile reads it back', async () => {
  const dir = tempDir('csrl-cli-');
  const r = await runCli(['compile', '-o', 'safari.req', '-e', SAFARI_TEXT], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(Buffer.from(readFileSync(path.join(dir, 'safari.req'))).toString('hex'), SAFARI_HEX);
  const back = await runCli(['decompile', 'safari.req'], { cwd: dir });
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stdout, SAFARI_APPLE + '\n');
});

test('compile --each-line prints one hex blob or error per line', async () => {
  const r = await runCli(['compile', '--each-line'], { stdin: 'anchor apple\ncdhash H"00"\n' });
  assert.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'fade0c00000000100000000100000003');
  assert.match(lines[1]!, /^error: .*\[CSR050\]/);
});

test('decompile --hex prints Apple style by default and canonical on request', async () => {
  // Spec §7.2 parse_certificate_trusted: Apple prints `certificate roottrusted`, which does not re-parse.
  const hex = 'fade0c0000000014000000010000000cffffffff';
  const apple = await runCli(['decompile', '--hex', hex]);
  assert.equal(apple.stdout, 'certificate roottrusted\n');
  const canonical = await runCli(['decompile', '--hex', hex, '--style', 'canonical']);
  assert.equal(canonical.code, 0);
  const reparsed = await runCli(['compile', '--hex', '-e', canonical.stdout.trim()]);
  assert.equal(new TextDecoder().decode(reparsed.stdoutBytes).trim(), hex);
});

test('decompile prints a set one line per entry', async () => {
  const r = await runCli(['decompile', '--hex', SET_HEX]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'host => anchor apple and identifier "com.apple.perl"\ndesignated => identifier "com.example.app" and anchor apple generic\n');
});

test('decompile of a truncated blob names the byte offset and exits 1', async () => {
  const r = await runCli(['decompile', '--hex', SAFARI_HEX.slice(0, 40)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /offset/);
});

test('usage errors exit 64: unknown option, unknown command, odd hex', async () => {
  assert.equal((await runCli(['parse', '--bogus'])).code, 64);
  assert.equal((await runCli(['frobnicate'])).code, 64);
  assert.equal((await runCli(['decompile', '--hex', 'abc'])).code, 64);
  assert.equal((await runCli(['parse', '--single', '--set', '-e', 'anchor apple'])).code, 64);
});

test('--version and --help', async () => {
  const v = await runCli(['--version']);
  assert.match(v.stdout, /^csrl \d+\.\d+\.\d+\n$/);
  for (const cmd of ['parse', 'compile', 'decompile']) {
    const h = await runCli([cmd, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^usage: csrl /);
    assert.match(h.stdout, /Examples:/);
  }
});
