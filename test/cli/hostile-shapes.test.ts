/**
 * Pathological shapes from ordinary-looking input (issue 19, items 6–10),
 * each run through the CLI in a child process with a heap limit, so a
 * regression shows as a crash or an out-of-memory exit instead of a slow
 * test. Inputs are generated here, never committed. No timed assertions:
 * the heap limit and output-size ratios are the bounds (times are in
 * bench/grammar.ts).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { makeMachO, signMachO } from '../signer/index.js';

const MAIN = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/main.js')).href;
const dir = mkdtempSync(path.join(tmpdir(), 'csrl-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `csrl ARGS` in a child process whose V8 heap is capped at `heapMb`. */
function csrl(args: string[], heapMb: number, stdin?: Uint8Array): Run {
  const script = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1))).then((c) => { process.exitCode = c; }, (e) => { process.stderr.write('internal error: ' + (e && e.stack || e) + '\\n'); process.exitCode = 70; });`;
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--input-type=module', '-e', script, '--', ...args], {
    input: stdin,
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

function chain(n: number, op: 'and' | 'or'): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`identifier com.example.c${i}`);
  return parts.join(` ${op} `);
}

/** As both printers show it: Apple's dumper (and the canonical text after it) quotes identifiers with dots. */
const quoted = (text: string): string => text.replace(/identifier (com\.example\.c\d+)/g, 'identifier "$1"');

const u32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

describe('issue 19 item 6: long and/or chains', () => {
  const n = 100_000;
  const text = chain(n, 'and');
  const src = file('chain.csreq', text);

  it('parse --json of a 100,000-clause chain: valid JSON, output linear in the input (under 64 bytes of JSON per input byte)', () => {
    const r = csrl(['parse', '--json', src], 1024);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length < 64 * text.length, `${r.stdout.length} bytes of JSON for ${text.length} of text`);
    const doc = JSON.parse(r.stdout) as { ok: boolean; document: { kind: string; expr: { kind: string } } };
    assert.equal(doc.ok, true);
    assert.equal(doc.document.expr.kind, 'and');
  });

  it('parse prints the canonical text of a 100,000-clause or-chain unchanged', () => {
    const orText = chain(n, 'or');
    const r = csrl(['parse', file('or.csreq', orText)], 512);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout === quoted(orText) + '\n', r.stdout.slice(0, 200));
  });

  it('choice: a 100,000-clause chain compiles and decompiles back (Apple\'s compiler and dumper have no depth limit; the chain is left-nested 99,999 deep, but chains do not count toward the shared nesting limit)', () => {
    const blob = path.join(dir, 'chain.req');
    const c = csrl(['compile', '-o', blob, src], 512);
    assert.equal(c.code, 0, c.stderr);
    const d = csrl(['decompile', blob], 512);
    assert.equal(d.code, 0, d.stderr);
    assert.ok(d.stdout === quoted(text) + '\n', d.stdout.slice(0, 200));
    const canonical = csrl(['decompile', '--style', 'canonical', blob], 512);
    assert.equal(canonical.code, 0, canonical.stderr);
    assert.ok(canonical.stdout === d.stdout, canonical.stdout.slice(0, 200));
    const json = csrl(['decompile', '--json', blob], 1024);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { expr: { kind: string } }).expr.kind, 'and');
  });

  it('choice: check evaluates a 100,000-clause chain to "not satisfied": Apple\'s interpreter counts every level of the left-nested chain and rejects it past 1000 (errSecCSReqInvalid), whatever the clauses say', () => {
    // An or-chain whose last clause holds: without the rule it would be satisfied.
    const tool = file('Tool', signMachO(makeMachO(), { identifier: `com.example.c${n - 1}`, adhoc: true }));
    const req = file('or-chain.csreq', chain(n, 'or'));
    const r = csrl(['check', '-r', req, tool], 1024);
    assert.equal(r.code, 1, r.stderr + r.stdout.slice(0, 2000));
    assert.match(r.stdout, /any of: the requirement nests deeper than 1000 levels .*errSecCSReqInvalid/);
    assert.ok(r.stdout.length < 64 * 1024 * 1024, String(r.stdout.length));
    const json = csrl(['check', '--json', '-r', req, tool], 1024);
    assert.equal(json.code, 1, json.stderr);
    const result = JSON.parse(json.stdout) as { verdict: string; slices: { tree: { verdict: string } }[] };
    assert.equal(result.verdict, 'unsatisfied');
    assert.equal(result.slices[0]!.tree.verdict, 'false');
  });

  it('text nested deeper than the parser allows is refused there, with a positioned CSR020, before compile (compile\'s own refusal of deeper trees is in test/grammar/hostile-shapes.test.ts)', () => {
    const r = csrl(['compile', '--hex', '-e', '! '.repeat(300) + 'always'], 256);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /<text>:1:513: error: nesting deeper than 256 levels .*\[CSR020\]/);
  });
});

describe('issue 19 item 7: a 7 MB dotted word', () => {
  it('parse prints it canonically without a regular-expression stack overflow', () => {
    const word = 'a' + '.a'.repeat(3_500_000);
    const r = csrl(['parse', '-'], 512, new TextEncoder().encode(`identifier ${word}`));
    assert.equal(r.code, 0, r.stderr.slice(0, 500));
    assert.equal(r.stdout, `identifier "${word}"\n`);
  });

  it('a 1 MB version-number-like word is one diagnostic, in linear time (it was quadratic: 40 KB took 110 s)', () => {
    const word = '1.'.repeat(500_000) + '1';
    const r = csrl(['parse', '-'], 512, new TextEncoder().encode(`certificate leaf[${word}]`));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[CSR013\]/);
    assert.ok(r.stderr.split('\n').length < 10);
  });
});

describe('issue 19 item 8: decompile amplification', () => {
  /** A requirement blob: `depth` nested `!` around `always` (4 bytes per level). */
  function deepNot(depth: number): string {
    const body = '00000009'.repeat(depth) + '00000001';
    return 'fade0c00' + u32(12 + body.length / 2) + '00000001' + body;
  }
  /** A set of `entries` index entries all pointing at one sub-blob. */
  function sharedSet(entries: number, sub: string): Uint8Array {
    const indexEnd = 12 + 8 * entries;
    let hex = 'fade0c01' + u32(indexEnd + sub.length / 2) + u32(entries);
    for (let i = 0; i < entries; i++) hex += u32(i + 1) + u32(indexEnd);
    return Buffer.from(hex + sub, 'hex');
  }

  it('20 entries sharing one 999-deep sub-blob (8 KB): a BlobError naming the sharing, exit 1, not "Invalid string length"', () => {
    const r = csrl(['decompile', '--json', file('shared20.req', sharedSet(20, deepNot(998)))], 256);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: at byte offset \d+ .*: set entry \d+: the set's sub-blobs overlap more than 4 times over \(a sub-blob shared by several entries counts once for each\)/);
    assert.equal(r.stdout, '');
  });

  it('8,000 entries sharing one sub-blob (72 KB): refused at once in a 128 MB heap', () => {
    for (const args of [['--json'], [], ['--style', 'canonical']]) {
      const r = csrl(['decompile', ...args, file('shared8000.req', sharedSet(8000, deepNot(998)))], 128);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /overlap more than 4 times over/);
    }
  });

  it('a 4 KB 999-deep blob gives JSON linear in its size (it gave 15 MB)', () => {
    const blob = Buffer.from(deepNot(998), 'hex');
    const r = csrl(['decompile', '--json', file('deep.req', blob)], 256);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length < 64 * blob.length, `${r.stdout.length} bytes of JSON for a ${blob.length}-byte blob`);
    assert.equal((JSON.parse(r.stdout) as { expr: { kind: string } }).expr.kind, 'not');
  });

  it('a blob nested past the shared limit: decompile names the offset and the limit', () => {
    const r = csrl(['decompile', '--hex', deepNot(1001)], 128);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /at byte offset 4012 \(0xfac\): expressions are nested more than 1000 deep/);
  });
});

describe('issue 19 item 10: the input cap', () => {
  it('one document over 8 MiB is a usage error (exit 64) naming the limit; --each-line takes more', () => {
    const big = file('big.txt', 'anchor apple\n'.repeat(Math.ceil((8 * 1024 * 1024 + 1) / 13)));
    const r = csrl(['parse', big], 128);
    assert.equal(r.code, 64);
    assert.match(r.stderr, /big\.txt: larger than 8388608 bytes \(the limit for one document; --each-line reads up to 67108864\)/);
    const each = csrl(['parse', '--each-line', big], 512);
    assert.equal(each.code, 0, each.stderr.slice(0, 300));
  });
});

describe('issue 19 item 9: lexer errors are capped', () => {
  for (const [name, unit] of [['carriage returns', '\r'], ['vertical tabs', '\v'], ['0xFF bytes', '\xff'], ['"$ " pairs', '$ '], ['"a_ " words', 'a_ ']] as const) {
    it(`1 MB of ${name}: the first 100 errors and one summary, in a 256 MB heap`, () => {
      const bytes = Buffer.from(unit.repeat(Math.ceil((1 << 20) / unit.length)), 'latin1');
      const r = csrl(['parse', file(`flood-${bytes[0]}.txt`, bytes)], 256);
      assert.equal(r.code, 1);
      const lines = r.stderr.trimEnd().split('\n');
      assert.ok(lines.length <= 110, String(lines.length));
      assert.match(r.stderr, /: error: [\d,]+ more errors of the same kind \(CSR0\d\d\) from here on are not listed; only the first 100 are/);
    });
  }

  it('NULs end Apple\'s input: one error, whatever follows', () => {
    const r = csrl(['parse', file('nul.txt', new Uint8Array(1 << 20))], 256);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.trimEnd().split('\n').length <= 3, r.stderr);
  });
});
