import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { normalizeSettings } from '../../server/server.js';
import { runCli } from '../support/cli.js';

const LONG = 'identifier "com.example.helper" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\n';
const LAID_OUT = 'identifier "com.example.helper"\n    and anchor apple generic\n    and certificate leaf[subject.OU] = "ABCDE12345"\n';

describe('csrl fmt', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'csrl-fmt-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the laid-out text of one input', async () => {
    const r = await runCli(['fmt', '-e', LONG]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, LAID_OUT);
  });

  it('--width and --indent', async () => {
    const r = await runCli(['fmt', '--width', '200', '--indent', '2', '-e', LAID_OUT]);
    assert.equal(r.stdout, LONG);
    const narrow = await runCli(['fmt', '--width', '40', '--indent', '2', '-e', 'identifier "com.example.helper" and anchor apple generic']);
    assert.equal(narrow.stdout, 'identifier "com.example.helper"\n  and anchor apple generic\n');
    assert.equal((await runCli(['fmt', '--width', '5', '-e', LONG])).code, 64);
  });

  it('--check: exit 1 naming the unformatted file, 0 and silent when formatted; files untouched', async () => {
    const ugly = path.join(dir, 'ugly.csreq');
    const neat = path.join(dir, 'neat.csreq');
    writeFileSync(ugly, LONG);
    writeFileSync(neat, LAID_OUT);
    const r = await runCli(['fmt', '--check', ugly, neat], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `${ugly}: not formatted (run csrl fmt --write)\n`);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(ugly, 'utf8'), LONG);
    const ok = await runCli(['fmt', '--check', 'neat.csreq'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr + ok.stdout, '');
  });

  it('--write rewrites only unformatted files, through a symbolic link, keeping the mode', async () => {
    const file = path.join(dir, 'w.csreq');
    const link = path.join(dir, 'link.csreq');
    writeFileSync(file, LONG);
    chmodSync(file, 0o640);
    symlinkSync(file, link);
    const r = await runCli(['fmt', '--write', 'link.csreq'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'formatted link.csreq\n');
    assert.equal(readFileSync(file, 'utf8'), LAID_OUT);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.ok(statSync(link, { throwIfNoEntry: true }) && readFileSync(link, 'utf8') === LAID_OUT);
    const again = await runCli(['fmt', '--write', file]);
    assert.equal(again.stderr, '');
  });

  it('text that does not parse: its error with position, exit 1, file untouched by --write', async () => {
    const bad = path.join(dir, 'bad.csreq');
    const text = 'identifier "a" or certificate leaf[subject.CN] = 9ABCDE1234\n';
    writeFileSync(bad, text);
    const r = await runCli(['fmt', '--write', 'bad.csreq'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^bad\.csreq:1:50: error: .*quoted.* \[CSR012\]\n$/);
    assert.equal(readFileSync(bad, 'utf8'), text);
  });

  it('usage errors: --check with --write, --write without files, several files without a mode', async () => {
    assert.equal((await runCli(['fmt', '--check', '--write', 'x'])).code, 64);
    assert.equal((await runCli(['fmt', '--write', '-e', LONG])).code, 64);
    assert.equal((await runCli(['fmt', 'a.csreq', 'b.csreq'])).code, 64);
  });
});

describe('csrl.format.lineWidth setting', () => {
  it('is read from the csrl section, nested or dotted, within 20–1000; default 80', () => {
    assert.equal(normalizeSettings({ csrl: { format: { lineWidth: 100 } } }).formatWidth, 100);
    assert.equal(normalizeSettings({ 'format.lineWidth': 60 }).formatWidth, 60);
    assert.equal(normalizeSettings({ format: { lineWidth: 3 } }).formatWidth, 80);
    assert.equal(normalizeSettings({}).formatWidth, 80);
  });
});
