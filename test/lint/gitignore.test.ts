/**
 * The compiled .gitignore (cli/lint/gitignore.ts) against the `ignore`
 * package it replaced in the walker, on generated rule sets and paths, and
 * against `git check-ignore` on a smaller sample. The walker tests a path
 * only after every folder above it was found not ignored, so paths under an
 * ignored folder are not compared (the package answers those from the folder).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ignore from 'ignore';
import { compileIgnore } from '../../cli/lint/gitignore.js';
import { rng } from '../support/random.js';

const NAMES = ['a', 'b', 'ab', 'A', 'Ab', 'x.log', 'X.LOG', 'foo', 'Foo.txt', 'build-1', 'q', 'b.txt', '#h', '!x', 'é', 'É.log', 'a b'];
const SEGMENTS = [...NAMES, '*', '?', '**', '*.log', '*.txt', 'a*', 'build-*', '*b', '[ab]', '[!a]*', '*o*', '\\#h', '\\!x', 'a?', 'F*', 'É*', '\\*', 'a\\ b'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function pattern(r: () => number): string {
  const roll = r();
  if (roll < 0.03) return '# comment';
  if (roll < 0.05) return '';
  const n = 1 + Math.floor(r() * (r() < 0.6 ? 1 : 3));
  const segs: string[] = [];
  for (let i = 0; i < n; i++) segs.push(pick(r, r() < 0.5 ? NAMES : SEGMENTS));
  let p = segs.join('/');
  if (r() < 0.15) p = '/' + p;
  if (r() < 0.2) p += '/';
  if (r() < 0.2) p = '!' + p;
  if (r() < 0.05) p += '  ';
  return p;
}

function paths(r: () => number, count: number): { rel: string; isDir: boolean }[] {
  const out: { rel: string; isDir: boolean }[] = [];
  for (let i = 0; i < count; i++) {
    const depth = 1 + Math.floor(r() * 3);
    const segs: string[] = [];
    for (let d = 0; d < depth; d++) segs.push(pick(r, NAMES));
    out.push({ rel: segs.join('/'), isDir: r() < 0.4 });
  }
  return out;
}

const parentsOf = (rel: string): string[] => {
  const segs = rel.split('/');
  return segs.slice(1).map((_, k) => segs.slice(0, k + 1).join('/'));
};

test('the compiled .gitignore gives the ignore package\'s verdict for every path the walker asks about (generated rules)', () => {
  const r = rng(1911);
  let compared = 0;
  let decided = 0;
  for (let round = 0; round < 300; round++) {
    const lines: string[] = [];
    const n = 1 + Math.floor(r() * 40);
    for (let i = 0; i < n; i++) lines.push(pattern(r));
    const text = lines.join(r() < 0.2 ? '\r\n' : '\n');
    const ig = ignore().add(text);
    const m = compileIgnore(text);
    for (const { rel, isDir } of paths(r, 60)) {
      if (parentsOf(rel).some((p) => ig.test(p + '/').ignored)) continue;
      const want = ig.test(isDir ? rel + '/' : rel);
      const expected = want.ignored ? 'ignored' : want.unignored ? 'unignored' : undefined;
      assert.equal(m.test(rel, isDir), expected, `${JSON.stringify(text)}\npath ${rel}${isDir ? '/' : ''}`);
      compared++;
      if (expected) decided++;
    }
  }
  assert.ok(compared > 10_000 && decided > compared / 10, `${compared} compared, ${decided} with a verdict`);
});

test('rules are filed so that a large .gitignore is not scanned rule by rule', () => {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) lines.push(`dir${i}/`, `file${i}.txt`, `/root${i}`, `*.ext${i}`, `tmp${i}-*`, `!keep${i}`, `src/gen${i}/*.c`);
  lines.push('*m*', 'z/**');
  const m = compileIgnore(lines.join('\n'));
  assert.deepEqual(m.counts, { literal: 4000, filed: 3000, scanned: 2 });
  assert.equal(m.test('a/dir7', true), 'ignored');
  assert.equal(m.test('a/dir7', false), undefined, 'dir7/ is for folders only');
  assert.equal(m.test('keep3', false), 'unignored');
  assert.equal(m.test('x/root3', false), undefined, '/root3 is anchored');
  assert.equal(m.test('root3', false), 'ignored');
  assert.equal(m.test('q/FILE9.TXT', false), 'ignored', 'case-insensitive, as the ignore package is by default');
  assert.equal(m.test('src/gen5/x.c', false), 'ignored');
  assert.equal(m.test('tmp5-x', false), 'ignored');
  assert.equal(m.test('lemma', false), 'ignored', '*m*');
});

test('last match wins across literal, filed and scanned rules (a later ! re-includes, a later rule re-excludes)', () => {
  const m = compileIgnore(['*.log', '!keep.log', 'keep*', '!keep.log', '*e*', '!*p.log'].join('\n'));
  assert.equal(m.test('keep.log', false), 'unignored');
  assert.equal(m.test('a/x.log', false), 'ignored');
  assert.equal(m.test('keepme', false), 'ignored');
  const n = compileIgnore(['!foo', 'foo', '!bar/', 'bar', 'f*', '!foo'].join('\n'));
  assert.equal(n.test('foo', false), 'unignored');
  assert.equal(n.test('bar', true), 'ignored');
  assert.equal(n.test('fx', false), 'ignored');
});

test('the compiled .gitignore agrees with git check-ignore on what is ignored, on a generated sample (ASCII, case-sensitive names)', (t) => {
  if (spawnSync('git', ['--version']).status !== 0) return t.skip('git is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'csrl-gitignore-'));
  try {
    spawnSync('git', ['init', '-q', dir]);
    // Git compares case-sensitively here (core.ignorecase false) and the ignore package does not: names differ only in content, never in case.
    const names = ['a', 'b', 'ab', 'x.log', 'foo', 'build-1', 'q', 'b.txt'];
    const segments = [...names, '*', '?', '**', '*.log', 'a*', 'build-*', '*b', '[ab]', '*o*', 'a?'];
    const r = rng(7);
    for (let round = 0; round < 20; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 15; i++) {
        const n = 1 + Math.floor(r() * (r() < 0.6 ? 1 : 3));
        const segs: string[] = [];
        for (let k = 0; k < n; k++) segs.push(pick(r, r() < 0.5 ? names : segments));
        let p = segs.join('/');
        if (r() < 0.15) p = '/' + p;
        if (r() < 0.2) p += '/';
        if (r() < 0.2) p = '!' + p;
        lines.push(p);
      }
      const text = lines.join('\n') + '\n';
      const m = compileIgnore(text);
      // A real tree (git decides file or folder from the disk): every parent a folder.
      const tree = new Map<string, boolean>();
      for (let i = 0; i < 30; i++) {
        const depth = 1 + Math.floor(r() * 3);
        const segs: string[] = [];
        for (let d = 0; d < depth; d++) segs.push(pick(r, names));
        const rel = segs.join('/');
        for (const p of parentsOf(rel)) tree.set(p, true);
        if (!tree.has(rel)) tree.set(rel, r() < 0.4);
      }
      const work = join(dir, `t${round}`);
      mkdirSync(work);
      for (const [rel, isDir] of [...tree].sort()) {
        if (isDir) mkdirSync(join(work, rel), { recursive: true });
        else writeFileSync(join(work, rel), '');
      }
      writeFileSync(join(work, '.gitignore'), text);
      // What the walker would ask: a path whose folders are not ignored (per the compiled rules, as the walker decides).
      const asked = [...tree].map(([rel, isDir]) => ({ rel, isDir })).filter(({ rel }) => !parentsOf(rel).some((p) => m.test(p, true) === 'ignored'));
      const input = asked.map(({ rel }) => `t${round}/${rel}`).join('\n') + '\n';
      const g = spawnSync('git', ['-C', dir, 'check-ignore', '--no-index', '-v', '-n', '--stdin'], { input, encoding: 'utf8' });
      const lines2 = g.stdout.trimEnd().split('\n');
      assert.equal(lines2.length, asked.length, g.stderr);
      lines2.forEach((line, k) => {
        const [source] = line.split('\t');
        // Ignored or not (git does not always name the `!` rule that re-included a path, so that is not compared).
        const gitIgnores = source !== '::' && !/:\d+:!/.test(source ?? '');
        const { rel, isDir } = asked[k]!;
        assert.equal(m.test(rel, isDir) === 'ignored', gitIgnores, `${JSON.stringify(text)}\n${rel}${isDir ? '/' : ''}: git ${line}`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});


