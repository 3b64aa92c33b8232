/**
 * Parser throughput on a ~1 MB corpus of realistic requirements, against
 * JSON.parse of a JSON document of the same size in the same process, plus
 * per-requirement parse, compile and decompile times for a typical ~300-byte
 * designated requirement.
 *
 * The corpus holds the designated-requirement shapes of spec §6.2/§6.3 and
 * users-and-lint-rules.md (Developer ID, Mac App Store, Apple Development,
 * Xcode's default, Apple's own code, ad hoc, requirement sets) with varied
 * identifiers and team IDs, one requirement per line; each line is parsed on
 * its own, as an editor or the CLI's --each-line would.
 *
 * Beside the parse row, the floor: Chevrotain's own JSON example grammar
 * (bench/chevrotain-json.ts) on the very document JSON.parse reads, alternated
 * with it, whole and without its regex lexer, and the parse's own stages (lex
 * only, lex and grammar rules without the AST, no token list).
 *
 * Run: npm run build && node out/bench/grammar.js [--runs N]
 */
import { parse } from '../grammar/parser.js';
import { lex } from '../grammar/lexer.js';
import { requirementParser, SET_START } from '../grammar/parse-rules.js';
import { chevrotainJsonLex, chevrotainJsonParse, chevrotainJsonParseTokens } from './chevrotain-json.js';
import { deepStrictEqual } from 'node:assert';
import { median, rng } from './stats.js';
import v8 from 'node:v8';
import vm from 'node:vm';
import { compile } from '../grammar/codec/encode.js';
import { decompile } from '../grammar/codec/decode.js';
import { printApple } from '../grammar/print/apple.js';
import { printCanonical } from '../grammar/print/canonical.js';
import { toJson } from '../cli/json.js';
import { fromHex, toHex } from '../grammar/bytes.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';



const rand = rng(0x5eed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const team = () => Array.from({ length: 10 }, () => pick([...ALNUM])).join('');
const word = () => Array.from({ length: 3 + Math.floor(rand() * 8) }, () => pick([...'abcdefghijklmnopqrstuvwxyz'])).join('');
const bundle = () => `com.${word()}.${word()}${rand() < 0.3 ? '.' + word() : ''}`;
const hex40 = () => Array.from({ length: 40 }, () => pick([...'0123456789abcdef'])).join('');

const SHAPES: Array<() => string> = [
  () => `identifier "${bundle()}" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "${team()}"`,
  () => `anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] and certificate leaf[subject.OU] = "${team()}"`,
  () => `anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and certificate leaf[subject.OU] = "${team()}"`,
  () => `identifier "${bundle()}" and anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] or certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "${team()}")`,
  () => `identifier "com.apple.${word()}" and anchor apple`,
  () => `cdhash H"${hex40()}" or cdhash H"${hex40()}"`,
  () => `designated => identifier ${bundle()} and anchor apple generic and certificate leaf[subject.OU] = "${team()}"`,
  () => `anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.6.1.13] exists and (certificate leaf[timestamp.1.2.840.113635.100.6.1.33] absent or certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z")`,
  () => `identifier "${bundle()}" and anchor apple generic and certificate leaf[subject.OU] = "${team()}" and info[CFBundleVersion] >= "${1 + Math.floor(rand() * 40)}.${Math.floor(rand() * 10)}" and ! entitlement["com.apple.security.get-task-allow"]`,
];

/** The typical ~300-byte requirement timed on its own: Xcode's default DR for a Developer ID app. */
const TYPICAL =
  'identifier "com.example.TextEditor" and anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345")';

function buildCorpus(targetBytes: number): string[] {
  const lines: string[] = [];
  let size = 0;
  while (size < targetBytes) {
    const l = pick(SHAPES)();
    lines.push(l);
    size += l.length + 1;
  }
  return lines;
}

function timeIt(runs: number, fn: () => void): number {
  fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

/** HeapNumber objects on the heap now (a heap snapshot's `number` nodes). */
async function heapNumbers(): Promise<number> {
  const chunks: string[] = [];
  for await (const c of v8.getHeapSnapshot()) chunks.push(String(c));
  const snap = JSON.parse(chunks.join('')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
  const fields = snap.snapshot.meta.node_fields;
  const numberType = snap.snapshot.meta.node_types[0].indexOf('number');
  const typeAt = fields.indexOf('type');
  let n = 0;
  for (let i = typeAt; i < snap.nodes.length; i += fields.length) if (snap.nodes[i] === numberType) n++;
  return n;
}

/**
 * Boxed numbers held by a parse result: positions hold small integers, which
 * V8 keeps unboxed unless a field of the shared hidden class once received a
 * double; then every position costs two more heap objects.
 */
async function boxedNumbersPerPosition(text: string): Promise<string> {
  let held: unknown = parse(text, { mode: 'set' });
  const positions = JSON.stringify(held, (_k, v: unknown) => (typeof v === 'bigint' ? 0 : v)).match(/"offset":/g)?.length ?? 0;
  const withResult = await heapNumbers();
  held = undefined;
  const without = await heapNumbers();
  return `${((withResult - without) / Math.max(1, positions)).toFixed(2)} (${withResult - without} for ${positions} position references)`;
}

/**
 * Long `and` chains (issue 19 item 6): time per clause of each stage, as a
 * ratio to JSON.parse of the same number of bytes (measured here, `jsonMs`
 * for `json`), and the JSON size per clause. Flat ratios across 1k/10k/100k
 * mean linear time and output.
 */
function chainRows(runs: number, json: string, jsonMs: number): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const jsonMsPerByte = jsonMs / json.length;
  for (const n of [1_000, 10_000, 100_000]) {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`identifier com.example.c${i}`);
    const text = parts.join(' and ');
    const reps = n >= 100_000 ? Math.min(runs, 3) : runs;
    const doc = parse(text).document!;
    const blob = compile(doc).bytes!;
    let out = '';
    const stages: Array<[string, () => void]> = [
      ['parse', () => parse(text)],
      ['print apple', () => printApple(doc)],
      ['print canonical', () => printCanonical(doc)],
      ['compile', () => compile(doc)],
      ['decompile', () => decompile(blob)],
      ['JSON (parse --json)', () => (out = toJson({ ok: true, mode: 'single', document: doc, diagnostics: [], comments: [] }))],
    ];
    const cells = stages.map(([name, fn]) => {
      const ms = timeIt(reps, fn);
      return `${name} ${((ms * 1000) / n).toFixed(2)} µs (${(ms / (jsonMsPerByte * text.length)).toFixed(1)}×)`;
    });
    rows.push([`${n.toLocaleString('en-US')}-clause and-chain, per clause (× JSON.parse of as many bytes)`, cells.join(', ')]);
    rows.push([`  ${n.toLocaleString('en-US')}-clause chain output`, `text ${(text.length / n).toFixed(1)} B/clause, blob ${(blob.length / n).toFixed(1)} B/clause, JSON ${(out.length / n).toFixed(0)} B/clause (${(out.length / text.length).toFixed(1)}× the text)`]);
  }
  return rows;
}

/**
 * Heap held by a parse result per input byte (issue 19 item 10), for large
 * valid inputs of comments and of set entries. Heap, not RSS: RSS in this
 * process also holds everything measured before.
 */
function memoryRows(): Array<[string, string]> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const size = 4 << 20;
  const inputs: Array<[string, string]> = [
    ['comments', '# a comment line\n'.repeat(Math.ceil(size / 17))],
    ['set entries', 'designated => anchor apple\n'.repeat(Math.ceil(size / 27))],
  ];
  return inputs.map(([name, text]) => {
    gc();
    const before = process.memoryUsage().heapUsed;
    let held: unknown = parse(text, { mode: 'set' });
    gc();
    const after = process.memoryUsage().heapUsed;
    const perByte = (after - before) / text.length;
    held = undefined;
    void held;
    return [`heap held per input byte, ${(text.length / 1e6).toFixed(1)} MB of ${name}`, `${perByte.toFixed(0)} bytes`] as [string, string];
  });
}

/**
 * The lexer and the Chevrotain rules alone (their frames, no AST, positions,
 * diagnostics or token list), as parseCore drives them for valid input: the
 * part of a parse's time that is the grammar engine's.
 */
function lexAndRules(text: string): void {
  const tokens = lex(text).tokens;
  const parser = requirementParser();
  parser.input = tokens;
  const first = tokens[0];
  if (first && SET_START.has(first.tokenTypeIdx)) parser.requirementSet();
  else parser.requirement();
  parser.release();
}

/** Bytes allocated on the JavaScript heap while `fn` runs (young and old generation, whether collected or not). */
function allocatedBytes(fn: () => void): number {
  const profiler = new v8.GCProfiler();
  const before = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  fn();
  const after = v8.getHeapStatistics().used_heap_size;
  const gcs = profiler.stop().statistics;
  let total = 0;
  let from = before;
  for (const gc of gcs) {
    total += gc.beforeGC.heapStatistics.usedHeapSize - from;
    from = gc.afterGC.heapStatistics.usedHeapSize;
  }
  return total + after - from;
}

interface Timing {
  min: number;
  median: number;
}

/** Runs each function once per round, in turn, and gives each one's minimum and median time (ms). */
function alternate<K extends string>(rounds: number, fns: Record<K, () => void>): Record<K, Timing> {
  const keys = Object.keys(fns) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of keys) fns[k]();
  for (let r = 0; r < rounds; r++) {
    for (const k of keys) {
      const start = performance.now();
      fns[k]();
      times[k].push(performance.now() - start);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, { min: Math.min(...times[k]), median: median(times[k]) }])) as Record<K, Timing>;
}

/**
 * `csrl compile --hex --each-line` and `csrl decompile --each-line` on 10,000
 * requirements, whole process, against the same work in this process (parse,
 * compile, hex; hex, decompile, print), per item; `node -e 0` is the floor a
 * process cannot go below. Needs the bundle (npm run build).
 */
function eachLineRows(rounds: number): Array<[string, string]> {
  const cli = fileURLToPath(new URL('../../bin/csrl.js', import.meta.url));
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) return [['--each-line', 'not timed: run npm run build first']];
  const n = 10_000;
  const items = buildCorpus(4 << 20).filter((l) => !l.includes('=>')).slice(0, n);
  const blobs = items.map((l) => toHex(compile(parse(l).document!).bytes!));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csrl-bench-'));
  try {
    const textFile = path.join(dir, 'requirements.txt');
    const hexFile = path.join(dir, 'blobs.txt');
    writeFileSync(textFile, items.join('\n') + '\n');
    writeFileSync(hexFile, blobs.join('\n') + '\n');
    let outBytes = 0;
    const preload = new URL('./cpu-at-exit.js', import.meta.url).href;
    const childCpu = (args: string[]): number => {
      const r = spawnSync(process.execPath, ['--import', preload, ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${String(r.stderr)}`);
      return Number(/cpu-us (\d+)/.exec(String(r.stderr))?.[1] ?? NaN) / 1000;
    };
    const inProcessCpu = (work: () => void): number => {
      const start = process.cpuUsage();
      work();
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    // CPU time too (user + system): on a loaded machine a new process waits for a core far longer than it computes.
    const floor = fileURLToPath(new URL('./each-line-floor.js', import.meta.url));
    const cpu = { compileIn: [] as number[], compileCli: [] as number[], compileFresh: [] as number[], decompileIn: [] as number[], decompileCli: [] as number[], decompileFresh: [] as number[], node: [] as number[] };
    const t = alternate(rounds, {
      compileIn: () => {
        cpu.compileIn.push(inProcessCpu(() => {
          for (const l of items) {
            const r = parse(l);
            if (r.ok && r.document) outBytes += toHex(compile(r.document).bytes!).length;
          }
        }));
      },
      compileCli: () => {
        cpu.compileCli.push(childCpu([cli, 'compile', '--hex', '--each-line', textFile]));
      },
      compileFresh: () => {
        cpu.compileFresh.push(childCpu([floor, 'compile', textFile]));
      },
      decompileIn: () => {
        cpu.decompileIn.push(inProcessCpu(() => {
          for (const h of blobs) outBytes += printApple(decompile(fromHex(h))).length;
        }));
      },
      decompileCli: () => {
        cpu.decompileCli.push(childCpu([cli, 'decompile', '--each-line', hexFile]));
      },
      decompileFresh: () => {
        cpu.decompileFresh.push(childCpu([floor, 'decompile', hexFile]));
      },
      node: () => {
        cpu.node.push(childCpu(['-e', '0']));
      },
    });
    void outBytes;
    const cpuMin = (xs: number[]) => Math.min(...xs);
    const us = (ms: number) => `${((ms * 1000) / n).toFixed(1)} µs`;
    const rows: Array<[string, string]> = [];
    for (const [name, inKey, cliKey, freshKey] of [['compile --hex', 'compileIn', 'compileCli', 'compileFresh'], ['decompile', 'decompileIn', 'decompileCli', 'decompileFresh']] as const) {
      const tin = t[inKey];
      const tcli = t[cliKey];
      rows.push(
        [`--each-line ${name}, ${n.toLocaleString('en-US')} requirements, per item`, `csrl ${us(tcli.min)} min / ${us(tcli.median)} median; in process ${us(tin.min)} / ${us(tin.median)}; node -e 0 ${t.node.min.toFixed(0)} ms`],
        [`ratio --each-line ${name} / in process, elapsed (aim ≤ 1.5)`, `min ${(tcli.min / tin.min).toFixed(2)}, median ${(tcli.median / tin.median).toFixed(2)}; without node's own start ${((tcli.min - t.node.min) / tin.min).toFixed(2)}`],
        [`ratio --each-line ${name} / in process, CPU time`, `min ${(cpuMin(cpu[cliKey]) / cpuMin(cpu[inKey])).toFixed(2)}, median ${(median(cpu[cliKey]) / median(cpu[inKey])).toFixed(2)}; without node's own start ${((cpuMin(cpu[cliKey]) - cpuMin(cpu.node)) / cpuMin(cpu[inKey])).toFixed(2)} (csrl ${cpuMin(cpu[cliKey]).toFixed(0)} ms, in process ${cpuMin(cpu[inKey]).toFixed(0)} ms, node -e 0 ${cpuMin(cpu.node).toFixed(0)} ms)`],
        [
          `  floor: the same loop in a fresh process (library only) / in process, CPU time`,
          `min ${(cpuMin(cpu[freshKey]) / cpuMin(cpu[inKey])).toFixed(2)}, median ${(median(cpu[freshKey]) / median(cpu[inKey])).toFixed(2)}; csrl / this floor: min ${(cpuMin(cpu[cliKey]) / cpuMin(cpu[freshKey])).toFixed(2)}, median ${(median(cpu[cliKey]) / median(cpu[freshKey])).toFixed(2)}`,
        ],
      );
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Building the parser (Chevrotain's self-analysis, paid once by every process
 * that parses), timed in a fresh process where it is cold as at a CLI's start,
 * against the start of a bare `node -e 0`, alternated: construction is a
 * start-up cost, so the process start is its yardstick, and both suffer the
 * machine's load alike.
 */
function constructionRow(rounds: number): [string, string] {
  const rules = new URL('../grammar/parse-rules.js', import.meta.url).href;
  const child = `const { requirementParser } = await import(${JSON.stringify(rules)}); const t = performance.now(); requirementParser(); console.log(performance.now() - t);`;
  const build: number[] = [];
  const t = alternate(rounds, {
    construct: () => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`parser construction failed (${r.status}): ${r.stderr}`);
      build.push(Number(r.stdout.trim()));
    },
    node: () => {
      spawnSync(process.execPath, ['-e', '0']);
    },
  });
  build.splice(0, 1); // alternate()'s warm-up run
  const min = Math.min(...build);
  const med = median(build);
  return ['parser construction, fresh process (× node -e 0)', `${min.toFixed(1)} ms min, ${med.toFixed(1)} ms median; × node -e 0: min ${(min / t.node.min).toFixed(2)}, median ${(med / t.node.median).toFixed(2)} (node -e 0 ${t.node.min.toFixed(0)} ms min)`];
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
  const lines = buildCorpus(1 << 20);
  const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
  // A JSON document of the same size: records describing the same requirements.
  const records: unknown[] = [];
  let json = '[]';
  for (let i = 0; json.length < bytes; i++) {
    records.push({ id: i, kind: i % 3 === 0 ? 'designated' : 'host', requirement: lines[i % lines.length]!.slice(0, 120), tags: ['a', 'b'], score: i / 7, ok: true });
    if (i % 256 === 0) json = JSON.stringify(records);
  }
  json = JSON.stringify(records);

  let failures = 0;
  const parseLines = () => {
    failures = 0;
    for (const l of lines) if (!parse(l).ok) failures++;
  };
  // One large requirement set, as the language server opens it: 5,000 entries of the corpus in one document.
  const TYPES = ['designated', 'host', 'guest', 'library', 'plugin'];
  const setLines = lines.filter((l) => !l.includes('=>')).slice(0, 5000).map((l, i) => `${TYPES[i % TYPES.length]} => ${l}`);
  const setText = setLines.join('\n');
  const setEntries = setLines.length;
  let setOk = true;
  const parseSet = () => {
    setOk = parse(setText, { mode: 'set' }).document?.kind === 'set';
  };
  // The set's lines parsed one by one: the same bytes, for the per-byte comparison.
  const parseSetLines = () => {
    for (const l of setLines) parse(l);
  };
  // The same lines with every result kept until the end, as a set keeps all its entries: what liveness alone costs.
  let kept: unknown[] = [];
  const parseSetLinesKept = () => {
    kept = setLines.map((l) => parse(l));
  };
  const parseLinesNoTokens = () => {
    for (const l of lines) parse(l, { tokens: false });
  };
  const lexLines = () => {
    for (const l of lines) lex(l);
  };
  const rulesLines = () => {
    for (const l of lines) lexAndRules(l);
  };
  // The floor: Chevrotain's JSON example grammar on the very document JSON.parse reads, checked to give the same value.
  deepStrictEqual(chevrotainJsonParse(json), JSON.parse(json));
  const jsonTokens = chevrotainJsonLex(json);
  // Alternated in the same process, so a loaded machine slows each alike.
  const t = alternate(runs, {
    json: () => JSON.parse(json),
    lines: parseLines,
    chevrotainJson: () => chevrotainJsonParse(json),
    chevrotainJsonRules: () => chevrotainJsonParseTokens(jsonTokens),
    linesNoTokens: parseLinesNoTokens,
    lexLines,
    rulesLines,
    set: parseSet,
    setLines: parseSetLines,
    setLinesKept: parseSetLinesKept,
  });
  kept = [];
  void kept;
  const allocatedPerLine = allocatedBytes(parseLines) / lines.length;
  const allocatedPerLineNoTokens = allocatedBytes(parseLinesNoTokens) / lines.length;
  const tParse = t.lines.min;
  const tJson = t.json.min;
  const mbParse = bytes / 1e6 / (tParse / 1e3);
  const mbJson = json.length / 1e6 / (tJson / 1e3);
  const ratio = (a: Timing, b: Timing, aBytes: number, bBytes: number) =>
    `min ${(aBytes / a.min / (bBytes / b.min)).toFixed(3)}, median ${(aBytes / a.median / (bBytes / b.median)).toFixed(3)}`;

  // One typical requirement, each stage 5,000 times per round, alternated with JSON.parse of a record as long as its text.
  const reps = 5000;
  const typicalDoc = parse(TYPICAL).document!;
  const typicalBlob = compile(typicalDoc).bytes!;
  const typicalJson = JSON.stringify({ requirement: TYPICAL.slice(0, TYPICAL.length - 18) });
  const repeat = (fn: () => unknown) => () => {
    for (let i = 0; i < reps; i++) fn();
  };
  const one = alternate(runs, {
    json: repeat(() => JSON.parse(typicalJson)),
    parse: repeat(() => parse(TYPICAL)),
    compile: repeat(() => compile(typicalDoc)),
    decompile: repeat(() => decompile(typicalBlob)),
  });
  const perItem = (x: Timing) => `${((x.min * 1000) / reps).toFixed(1)} µs min, ${((x.median * 1000) / reps).toFixed(1)} µs median`;
  // Per byte of the requirement's text, against JSON.parse per byte of its record.
  const perByte = (a: number, b: number) => (a / TYPICAL.length / (b / typicalJson.length)).toFixed(1);
  const vsJson = (x: Timing) => `${perItem(x)}; × JSON.parse per byte: min ${perByte(x.min, one.json.min)}, median ${perByte(x.median, one.json.median)}`;
  const setBytes = setText.length;

  const rows: Array<[string, string]> = [
    ['corpus', `${lines.length} requirements, ${(bytes / 1e6).toFixed(2)} MB (${failures} rejected)`],
    ['parse + validate, line by line', `${mbParse.toFixed(1)} MB/s (${tParse.toFixed(0)} ms min, ${t.lines.median.toFixed(0)} ms median)`],
    ['JSON.parse, same size', `${mbJson.toFixed(1)} MB/s (${tJson.toFixed(0)} ms min, ${t.json.median.toFixed(0)} ms median)`],
    ['ratio parse / JSON.parse (aim ≥ 0.15)', ratio(t.lines, t.json, bytes, json.length)],
    ['floor: Chevrotain JSON parser ÷ JSON.parse, same document', ratio(t.chevrotainJson, t.json, json.length, json.length)],
    ['  its rules only, on tokens lexed beforehand ÷ JSON.parse', ratio(t.chevrotainJsonRules, t.json, json.length, json.length)],
    ['  parse, tokens: false / JSON.parse', ratio(t.linesNoTokens, t.json, bytes, json.length)],
    ['  lex + grammar rules only (no AST, positions, tokens) / JSON.parse', ratio(t.rulesLines, t.json, bytes, json.length)],
    ['  lex only / JSON.parse', ratio(t.lexLines, t.json, bytes, json.length)],
    [
      'allocated per requirement, line by line',
      `${(allocatedPerLine / 1024).toFixed(1)} KB (${(allocatedPerLine / (bytes / lines.length)).toFixed(0)} bytes per input byte); tokens: false ${(allocatedPerLineNoTokens / 1024).toFixed(1)} KB`,
    ],
    [`parse, one ${TYPICAL.length}-byte requirement`, vsJson(one.parse)],
    [`compile (AST → ${typicalBlob.length}-byte blob)`, vsJson(one.compile)],
    ['decompile (blob → AST)', vsJson(one.decompile)],
    [
      `parse, one ${(setBytes / 1e6).toFixed(2)} MB set (${setEntries} entries)`,
      `${t.set.min.toFixed(0)} ms min, ${(setBytes / 1e6 / (t.set.min / 1e3)).toFixed(1)} MB/s${setOk ? '' : ' (NOT parsed as a set)'}`,
    ],
    ['ratio set per byte / its lines one by one (aim ≤ 1)', `min ${(t.set.min / t.setLines.min).toFixed(2)}, median ${(t.set.median / t.setLines.median).toFixed(2)}`],
    ['  floor: its lines one by one, every result kept / the same, dropped', `min ${(t.setLinesKept.min / t.setLines.min).toFixed(2)}, median ${(t.setLinesKept.median / t.setLines.median).toFixed(2)}`],
    ['  set per byte / its lines one by one, every result kept', `min ${(t.set.min / t.setLinesKept.min).toFixed(2)}, median ${(t.set.median / t.setLinesKept.median).toFixed(2)}`],
  ];
  rows.push(constructionRow(Math.max(5, runs)));
  rows.push(...eachLineRows(Math.max(3, Math.min(runs, 5))));

  rows.push(...chainRows(runs, json, tJson));
  rows.push(...memoryRows());

  const small = setText.split('\n').slice(0, 500).join('\n');
  rows.push(['HeapNumbers per position, 500-entry set', await boxedNumbersPerPosition(small)]);

  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`grammar benchmark (median of ${runs} runs after a warm-up)`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

await main();
