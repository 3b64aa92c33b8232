/**
 * Bounds of the CLI's own input and output (issues 18.1, 19.3, 19.4, 19.5):
 * standard input that never ends, `compile -o` on things that are not
 * regular files, `--json` on a terminal, certificate files that are devices.
 * Every run is a child process with a capped heap that reports its peak
 * resident memory; no timed assertions (only generous timeouts).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toJson } from '../../cli/json.js';
import { terminalSafe } from '../../validator/printable.js';
import { REPO } from '../e2e/harness.js';
import { makeMachO, signMachO } from '../signer/index.js';

const MAIN = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/main.js')).href;
const dir = mkdtempSync(path.join(tmpdir(), 'csrl-bounds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEAP_MB = 128;
/** Peak resident memory allowed for a run: Node itself is ~45 MB, the heap is capped at HEAP_MB. */
const MAX_RSS_MB = 160;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  maxRssMb: number;
}

/** `csrl ARGS` in a child with a capped heap; the child prints its peak RSS last on stderr. */
function csrl(args: string[], stdin: 'zero' | Uint8Array | string | undefined, cwd = dir): Run {
  const script = `const done = (c) => { process.stderr.write('\\nmaxrss=' + process.resourceUsage().maxRSS + '\\n'); process.exitCode = c; };
import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1))).then(done, (e) => { process.stderr.write('internal error: ' + (e && e.stack || e) + '\\n'); done(70); });`;
  const zero = stdin === 'zero' ? openSync('/dev/zero', 'r') : undefined;
  try {
    const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--input-type=module', '-e', script, '--', ...args], {
      cwd,
      input: zero === undefined && stdin !== undefined ? (stdin as Uint8Array | string) : undefined,
      stdio: [zero ?? 'pipe', 'pipe', 'pipe'],
      maxBuffer: 1 << 28,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return parseRun(r);
  } finally {
    if (zero !== undefined) closeSync(zero);
  }
}

function parseRun(r: SpawnSyncReturns<string>): Run {
  if (r.error) throw r.error;
  const m = /\nmaxrss=(\d+)\n$/.exec(r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: m ? r.stderr.slice(0, m.index) : r.stderr, maxRssMb: m ? Number(m[1]) / 1024 : NaN };
}

const signed = path.join(dir, 'tool');
writeFileSync(signed, signMachO(makeMachO(), { identifier: 'com.example.tool', adhoc: true }));

describe('issue 18.1: standard input that never ends (/dev/zero)', () => {
  const cases: [string[], RegExp][] = [
    [['parse', '-'], /csrl parse: standard input is larger than 8388608 bytes .*stopped reading there/],
    [['compile', '-'], /csrl compile: standard input is larger than 8388608 bytes .*stopped reading there/],
    [['decompile', '-'], /csrl decompile: standard input is larger than 8388608 bytes .*stopped reading there/],
    [['check', '-r', '-', signed], /csrl check: standard input is larger than 8388608 bytes; stopped reading there/],
    [['parse', '--each-line', '-'], /csrl parse: standard input: more than 67108864 bytes in all \(the limit for --each-line, line 1 alone more than 8388608\); stopped reading there/],
    [['compile', '--each-line', '-'], /csrl compile: standard input: more than 67108864 bytes in all/],
    [['decompile', '--each-line', '-'], /csrl decompile: standard input: more than 67108864 bytes in all/],
  ];
  for (const [args, message] of cases) {
    it(`csrl ${args.join(' ')} < /dev/zero stops with a usage error (64) within a ${HEAP_MB} MB heap and ${MAX_RSS_MB} MB resident`, () => {
      const r = csrl(args, 'zero');
      assert.equal(r.code, 64, r.stderr);
      assert.match(r.stderr, message);
      assert.ok(r.maxRssMb < MAX_RSS_MB, `peak RSS ${r.maxRssMb.toFixed(0)} MB`);
    });
  }

  it('a pipe that never ends is stopped the same way (cat /dev/zero | csrl parse -)', () => {
    const script = `import(${JSON.stringify(MAIN)}).then((m) => m.main(process.argv.slice(1))).then((c) => { process.exitCode = c; });`;
    const r = spawnSync('sh', ['-c', `cat /dev/zero | exec "$0" --max-old-space-size=${HEAP_MB} --input-type=module -e "$1" -- parse -`, process.execPath, script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 64, r.stderr);
    assert.match(r.stderr, /standard input is larger than 8388608 bytes/);
  });

  it('--each-line: a line over the limit (9 MB of NULs) is an error of its own; the next line is still read', () => {
    const input = Buffer.concat([Buffer.alloc(9_000_000), Buffer.from('\nanchor apple\n')]);
    const r = csrl(['parse', '--each-line', '-'], input);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, 'error: line 1 is 9000000 bytes, more than 8388608 (the limit for one line); not read\nanchor apple\n');
    const j = csrl(['parse', '--each-line', '--json', '-'], input);
    const [first, second] = j.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { ok: boolean; error?: string });
    assert.deepEqual(first, { ok: false, error: 'line 1 is 9000000 bytes, more than 8388608 (the limit for one line); not read' });
    assert.equal(second!.ok, true);
    const c = csrl(['compile', '--each-line', '-'], input);
    assert.match(c.stdout, /^error: line 1 is 9000000 bytes.*\nfade0c00/);
    const d = csrl(['decompile', '--each-line', '-'], Buffer.concat([Buffer.alloc(9_000_000, 0x30), Buffer.from('\nfade0c00000000100000000100000003\n')]));
    assert.equal(d.stdout, 'error: line 1 is 9000000 bytes, more than 8388608 (the limit for one line); not read\nanchor apple\n');
  });

  it('files are read only if regular and counted as read (/proc files say size 0)', () => {
    const p = csrl(['parse', '/proc/self/pagemap'], undefined);
    assert.equal(p.code, 64);
    assert.match(p.stderr, /\/proc\/self\/pagemap: larger than 8388608 bytes/);
    const e = csrl(['parse', '--each-line', '/proc/self/pagemap'], undefined);
    assert.equal(e.code, 64);
    assert.match(e.stderr, /\/proc\/self\/pagemap: more than 67108864 bytes in all/);
    for (const args of [['parse', '/dev/zero'], ['parse', '--each-line', '/dev/zero'], ['decompile', '/dev/zero']]) {
      const r = csrl(args, undefined);
      assert.equal(r.code, 64);
      assert.match(r.stderr, /\/dev\/zero: not a regular file/);
    }
  });

  it('ordinary standard input is read as before (one document, lines, a byte-order mark only at the start)', () => {
    assert.equal(csrl(['parse', '-'], 'anchor apple').stdout, 'anchor apple\n');
    const r = csrl(['parse', '--each-line'], '\ufeffanchor apple\nanchor apple generic\n\ufeffanchor apple');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^anchor apple\nanchor apple generic\nerror: 1: unexpected character U\+FEFF/);
    assert.equal(csrl(['check', '-r', '-', signed], 'identifier "com.example.tool"').code, 0);
  });
});

describe('issue 19.5: compile -o OUT', () => {
  const entries = (d: string) => readdirSync(d).sort();
  const blob = 'fade0c00000000100000000100000003';

  it('a regular file is replaced through a temporary file beside it; its permissions are kept', () => {
    const out = path.join(dir, 'plain.req');
    writeFileSync(out, 'old', { mode: 0o640 });
    const before = entries(dir);
    const r = csrl(['compile', '--hex', '-o', out, '-e', 'anchor apple'], undefined);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), blob + '\n');
    assert.equal(statSync(out).mode & 0o777, 0o640);
    assert.deepEqual(entries(dir), before, 'no temporary file left');
  });

  it('a character device the user names is written through and stays a device (-o /dev/null, -o /dev/stdout)', () => {
    const r = csrl(['compile', '-o', '/dev/null', '-e', 'anchor apple'], undefined);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(statSync('/dev/null').isCharacterDevice());
    const s = csrl(['compile', '--hex', '-o', '/dev/stdout', '-e', 'anchor apple'], undefined);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout, blob + '\n', 'written to standard output (a socket pair here, as Node makes them)');
    const bin = path.join(REPO, 'bin', 'csrl.js');
    const piped = spawnSync('sh', ['-c', `"$0" "$1" compile --hex -o /dev/stdout -e 'anchor apple' | cat`, process.execPath, bin], { encoding: 'utf8' });
    assert.equal(piped.stdout, blob + '\n', 'and through a shell pipe (a FIFO)');
  });

  it('a symbolic link is followed, as cp does: the file it points to gets the blob and the link stays a link', () => {
    const sub = mkdtempSync(path.join(dir, 'link-'));
    writeFileSync(path.join(sub, 'real.req'), 'old');
    symlinkSync('real.req', path.join(sub, 'link.req'));
    const r = csrl(['compile', '--hex', '-o', path.join(sub, 'link.req'), '-e', 'anchor apple'], undefined);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(path.join(sub, 'link.req')).isSymbolicLink());
    assert.equal(readlinkSync(path.join(sub, 'link.req')), 'real.req');
    assert.equal(readFileSync(path.join(sub, 'real.req'), 'utf8'), blob + '\n');
    assert.deepEqual(entries(sub), ['link.req', 'real.req']);
  });

  const refused: [string, (sub: string) => string, RegExp][] = [
    ['a folder', (sub) => sub, /: is a folder; name the file to write/],
    ['a file in a missing folder', (sub) => path.join(sub, 'missing', 'x.req'), /the folder .*missing does not exist/],
    ['a path through a file', (sub) => (writeFileSync(path.join(sub, 'f'), ''), path.join(sub, 'f', 'x.req')), /a part of the path is not a folder/],
    ['a dangling symbolic link', (sub) => (symlinkSync('nowhere.req', path.join(sub, 'dangling.req')), path.join(sub, 'dangling.req')), /a symbolic link to a file that does not exist/],
    ['a FIFO without a reader', (sub) => (execFileSync('mkfifo', [path.join(sub, 'fifo')]), path.join(sub, 'fifo')), /a FIFO with no reader/],
  ];
  for (const [what, make, message] of refused) {
    it(`${what}: a clear error, exit 73, nothing left behind`, () => {
      const sub = mkdtempSync(path.join(dir, 'out-'));
      const target = make(sub);
      const before = entries(sub);
      const r = csrl(['compile', '-o', target, '-e', 'anchor apple'], undefined);
      assert.equal(r.code, 73, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
      assert.deepEqual(entries(sub), before, 'no temporary file left');
    });
  }
});

describe('issue 19.4: certificate files named in the text are read bounded', () => {
  const fifo = path.join(dir, 'cert.fifo');
  execFileSync('mkfifo', [fifo]);
  const cases: [string, RegExp][] = [
    ['/proc/self/pagemap', /\/proc\/self\/pagemap: not a certificate file \(larger than 1048576 bytes\)/],
    ['/dev/zero', /\/dev\/zero: not a certificate file \(not a regular file\)/],
    [fifo, /cert\.fifo: not a certificate file \(not a regular file\)/],
  ];
  for (const [file, message] of cases) {
    it(`anchor = "${path.basename(file)}": a diagnostic, no hang, no unbounded read`, () => {
      const r = csrl(['compile', '--hex', '-e', `anchor = "${file}"`], undefined);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\[CSR053\]/);
      assert.ok(r.maxRssMb < MAX_RSS_MB, `peak RSS ${r.maxRssMb.toFixed(0)} MB`);
      const e = csrl(['compile', '--each-line', '-e', `anchor = "${file}"`], undefined);
      assert.match(e.stdout, message);
    });
  }
});

describe('issue 19.3: --json on a terminal is still JSON', () => {
  const HOSTILE = 'com.example\u202eevil\x7f\x85\x9b\u2028\u2029\u200e\ufeff\u2066end';

  it('toJson escapes what a terminal acts on as \\uXXXX, in the fast and the iterative writer alike', () => {
    let deep: unknown = { s: HOSTILE, [HOSTILE]: 1 };
    for (let i = 0; i < 40; i++) deep = [deep];
    for (const value of [{ s: HOSTILE, [HOSTILE]: 1 }, deep]) {
      const text = toJson(value);
      assert.equal(terminalSafe(text), text, 'nothing for the terminal escaper to change');
      assert.deepEqual(JSON.parse(text), value);
      assert.ok(text.includes('\\u202e') && text.includes('\\u007f') && text.includes('\\u0085') && text.includes('\\u2028'), text);
    }
  });

  it('csrl info --json and csrl check --json on a pseudo-terminal parse and give back the exact identifier', () => {
    const file = path.join(dir, 'hostile-id');
    writeFileSync(file, signMachO(makeMachO(), { identifier: HOSTILE, adhoc: true }));
    const bin = path.join(REPO, 'bin', 'csrl.js');
    const onTty = (args: string): string =>
      execFileSync('script', ['-qec', `"${process.execPath}" "${bin}" ${args} 2>/dev/null; true`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } }).replace(/\r\n/g, '\n');
    const info = JSON.parse(onTty(`info --json "${file}"`)) as { slices: { identifier: string }[] };
    assert.equal(info.slices[0]!.identifier, HOSTILE);
    const check = JSON.parse(onTty(`check --json -e 'identifier "x"' "${file}"`)) as unknown;
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(check);
    assert.ok(strings.some((s) => s.includes(`"${HOSTILE}"`)), 'the identifier, exactly, in the explanation');
  });
});


