/**
 * Language-server benchmark over a real stdio connection.
 *
 * Measures, for csrl's server as it ships (the esbuild bundle VS Code runs,
 * dist/server.cjs) and, in the same run, for vscode-json-language-server
 * (npm vscode-langservers-extracted) on JSON documents of the same size:
 *   - cold start: spawn → initialize → didOpen → first diagnostics;
 *   - keystroke → diagnostics latency, p50 and p99, for a 2 KB document and a
 *     1 MB document (5,000 requirements / 5,000 JSON objects);
 *   - server CPU time and resident memory to open the large document, and
 *     resident memory after its keystrokes;
 *   - server CPU time per 2 KB keystroke (Linux /proc; steadier than
 *     latency when other processes share the machine);
 *   - an edit flood: 10,000 incremental didChange notifications sent at once
 *     to a ~100 KB document, then a hover: the time from the first edit to the
 *     hover's answer, and resident memory after it (issue 18.2).
 * Cold start is also shown, labelled, for `csrl lsp --stdio` (the CLI bundle)
 * and for the unbundled out/server/main.js the tests start (for reference: it
 * loads hundreds of modules, which the bundle does not).
 * The JSON server debounces pushed diagnostics by a fixed 500 ms, so it is
 * measured in pull mode (textDocument/diagnostic right after the change),
 * which is its processing time. csrl is measured the same way (it answers
 * pulls when the client supports them, as VS Code does): a keystroke that
 * changes no diagnostic is answered `unchanged`; the "changing" rows edit a
 * requirement so that its diagnostics do change (a full result is sent).
 * Open, for both, ends when the first pull is answered.
 *
 * First, the 1 MB open alone, csrl and the JSON server alternated in pairs,
 * printed as ratios (min and median over the pairs); after each pair, csrl's
 * parse of that document alone in a fresh process (bench/lsp-parse-only.ts),
 * the floor of its open: printed over the JSON server's open, and csrl's open
 * over it.
 *
 * Run: npx tsc -p . && node scripts/bundle.mjs && node out/bench/lsp.js
 * Options: --quick (fewer samples); --rounds N (repeat everything N times and
 * print the range of each figure: the numbers are noisy on a shared machine);
 * --server FILE (another csrl server script, e.g. a minified bundle);
 * --open-pairs N (pairs of alternated opens, default 5, 3 with --quick);
 * --open-only (only those).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient, REPO } from '../test/server/lsp-client.js';

interface Doc { uri: string; languageId: string; text: string; /** Offset where keystrokes insert and delete a character. */ editAt: number }

const DEV_ID = (i: number) => `identifier "com.example.app${i}" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"`;

export function csreqDoc(entries: number, minBytes: number): Doc {
  const lines = ['# csrl: set', '// benchmark requirement set'];
  let size = lines.join('\n').length;
  for (let i = 1; i <= entries || size < minBytes; i++) {
    const line = `${i + 5} => ${DEV_ID(i)}`;
    lines.push(line);
    size += line.length + 1;
    if (i >= entries && size >= minBytes) break;
  }
  const text = lines.join('\n') + '\n';
  return { uri: 'file:///bench/doc.rqset', languageId: 'csreq', text, editAt: text.indexOf('com.example.app1"') + 'com.example.app1'.length };
}

export function jsonDoc(bytes: number): Doc {
  const items: string[] = [];
  let size = 2;
  for (let i = 1; size < bytes; i++) {
    const item = JSON.stringify({ identifier: `com.example.app${i}`, anchor: 'apple generic', intermediate: '1.2.840.113635.100.6.2.6', leaf: '1.2.840.113635.100.6.1.13', team: 'ABCDE12345', version: i });
    items.push(item);
    size += item.length + 2;
  }
  const text = '[\n' + items.join(',\n') + '\n]\n';
  return { uri: 'file:///bench/doc.json', languageId: 'json', text, editAt: text.indexOf('com.example.app1"') + 'com.example.app1'.length };
}

/** The same document with keystrokes just after the first entry's identifier string: each insertion is a syntax error, each deletion removes it, so every keystroke changes the diagnostics. */
export function breaking(d: Doc): Doc {
  return { ...d, editAt: d.text.indexOf('com.example.app1"') + 'com.example.app1"'.length };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

interface Server {
  name: string;
  start(): Promise<LspClient>;
  /** Sends the open and resolves when its first diagnostics arrive. */
  open(c: LspClient, d: Doc): Promise<void>;
  /** Sends one change and resolves when the diagnostics of that version arrive. */
  change(c: LspClient, d: Doc, version: number, insert: boolean): Promise<void>;
}

function editParams(d: Doc, version: number, insert: boolean) {
  const before = d.text.slice(0, d.editAt);
  const line = before.split('\n').length - 1;
  const character = d.editAt - (before.lastIndexOf('\n') + 1);
  return {
    textDocument: { uri: d.uri, version },
    contentChanges: [insert
      ? { range: { start: { line, character }, end: { line, character } }, text: 'x' }
      : { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' }],
  };
}

/** Pull mode, as the JSON server is measured: the client keeps the last result id, as VS Code does. */
function pullServer(name: string, start: () => Promise<LspClient>): Server {
  const last = new WeakMap<LspClient, string>();
  const pull = async (c: LspClient, d: Doc) => {
    const previous = last.get(c);
    const r = await c.request<{ kind: string; resultId?: string }>('textDocument/diagnostic', { textDocument: { uri: d.uri }, ...(previous ? { previousResultId: previous } : {}) }, 120_000);
    if (r?.resultId) last.set(c, r.resultId);
  };
  return {
    name,
    start,
    async open(c, d) {
      c.open(d.uri, d.languageId, d.text, 1);
      await pull(c, d);
    },
    async change(c, d, version, insert) {
      c.connection.sendNotification('textDocument/didChange', editParams(d, version, insert));
      await pull(c, d);
    },
  };
}

const PULL_CAPABILITIES = { textDocument: { diagnostic: { dynamicRegistration: false } } };

function csrlServer(name: string, command: string[] | undefined, via?: 'cli'): Server {
  return pullServer(name, () => LspClient.start({ ...(command ? { command } : {}), ...(via ? { via } : {}), capabilities: PULL_CAPABILITIES, timeouts: { startMs: 60_000, requestMs: 120_000 } }));
}

const JSON_SERVER: Server = pullServer('vscode-json-language-server', () => LspClient.start({
  command: [process.execPath, resolve(REPO, 'node_modules/vscode-langservers-extracted/bin/vscode-json-language-server'), '--stdio'],
  capabilities: PULL_CAPABILITIES,
  timeouts: { startMs: 60_000, requestMs: 120_000 },
}));

async function coldStart(server: Server, doc: Doc, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c = await server.start();
    await server.open(c, doc);
    times.push(performance.now() - t0);
    await c.stop();
  }
  return percentile(times, 50);
}

async function keystrokes(server: Server, doc: Doc, warmup: number, count: number): Promise<{ p50: number; p99: number; rss?: number; openMs: number; openCpu?: number; openRss?: number; cpuPerKey?: number }> {
  const c = await server.start();
  try {
    const openCpu0 = c.cpuMs();
    const t0 = performance.now();
    await server.open(c, doc);
    const openMs = performance.now() - t0;
    const openCpu1 = c.cpuMs();
    const openRss = c.rss();
    let version = 1;
    const lat: number[] = [];
    let cpu0: number | undefined;
    for (let i = 0; i < warmup + count; i++) {
      if (i === warmup) cpu0 = c.cpuMs();
      const insert = i % 2 === 0;
      const t = performance.now();
      await server.change(c, doc, ++version, insert);
      if (i >= warmup) lat.push(performance.now() - t);
    }
    const cpu1 = c.cpuMs();
    const rss = c.rss();
    return {
      p50: percentile(lat, 50), p99: percentile(lat, 99), openMs,
      ...(rss !== undefined ? { rss } : {}),
      ...(openRss !== undefined ? { openRss } : {}),
      ...(openCpu0 !== undefined && openCpu1 !== undefined ? { openCpu: openCpu1 - openCpu0 } : {}),
      ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuPerKey: (cpu1 - cpu0) / count } : {}),
    };
  } finally {
    await c.stop();
  }
}

const FLOOD_EDITS = 10_000;

/** 10,000 rapid incremental edits (a space at the start of spread-out lines), then a hover: ms until it is answered. */
async function flood(server: Server, doc: Doc): Promise<{ ms: number; rss?: number }> {
  const c = await server.start();
  try {
    await server.open(c, doc);
    const lines = doc.text.split('\n').length - 1;
    const t0 = performance.now();
    for (let i = 0; i < FLOOD_EDITS; i++) {
      const line = 2 + ((i * 7) % (lines - 2));
      c.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: doc.uri, version: i + 2 },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }],
      });
    }
    await c.request('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: 3, character: 0 } }, 300_000);
    const ms = performance.now() - t0;
    const rss = c.rss();
    return { ms, ...(rss !== undefined ? { rss } : {}) };
  } finally {
    await c.stop();
  }
}

/**
 * One open of `doc` on a fresh server: wall time from didOpen to the first
 * diagnostics (the first pull answered), the server's CPU time meanwhile, and
 * when a hover on a small document `other`, sent right after the open, is
 * answered (is the server responsive while it analyses the large one?).
 */
async function openOnce(server: Server, doc: Doc, other: Doc): Promise<{ ms: number; cpu?: number; hoverMs: number }> {
  const c = await server.start();
  try {
    await server.open(c, other);
    // Let the server finish what it does after the handshake (csrl builds its parser then), as an editor would.
    await new Promise((r) => setTimeout(r, 300));
    const cpu0 = c.cpuMs();
    const t0 = performance.now();
    const opened = server.open(c, doc);
    const before = other.text.slice(0, other.editAt);
    const position = { line: before.split('\n').length - 1, character: other.editAt - (before.lastIndexOf('\n') + 1) };
    await c.request('textDocument/hover', { textDocument: { uri: other.uri }, position }, 120_000);
    const hoverMs = performance.now() - t0;
    await opened;
    const ms = performance.now() - t0;
    const cpu1 = c.cpuMs();
    return { ms, hoverMs, ...(cpu0 !== undefined && cpu1 !== undefined ? { cpu: cpu1 - cpu0 } : {}) };
  } finally {
    await c.stop();
  }
}

/**
 * The 1 MB open, csrl and the JSON server alternated `pairs` times: the ratio
 * of each pair, min and median, of wall time to the first diagnostics and of
 * server CPU time (steadier when other processes share the machine).
 */
async function openPairs(csrl: Server, pairs: number): Promise<void> {
  const doc = csreqDoc(5000, 0);
  const json = jsonDoc(doc.text.length);
  const small = { ...csreqDoc(1, 2048), uri: 'file:///bench/other.rqset' };
  const smallJson = { ...jsonDoc(small.text.length), uri: 'file:///bench/other.json' };
  const wall: number[] = [];
  const cpu: number[] = [];
  const hover: number[] = [];
  const floor: number[] = [];
  const overFloor: number[] = [];
  for (let i = 0; i < pairs; i++) {
    // Alternate which goes first, so neither always runs on the machine the other just warmed or loaded.
    const [a, b] = i % 2 === 0
      ? [await openOnce(csrl, doc, small), await openOnce(JSON_SERVER, json, smallJson)]
      : (([y, x]) => [x, y])([await openOnce(JSON_SERVER, json, smallJson), await openOnce(csrl, doc, small)]);
    const parseCpu = parseAloneCpu();
    const show = (x: typeof a) => `${fmt(x.ms)}${x.cpu !== undefined ? ` (CPU ${fmt(x.cpu)})` : ''}, hover on another document ${fmt(x.hoverMs)}`;
    console.log(`  open pair ${i + 1}: csrl ${show(a)}; json ${show(b)}; csrl's parse alone CPU ${fmt(parseCpu)}`);
    wall.push(a.ms / b.ms);
    hover.push(a.hoverMs / b.hoverMs);
    if (a.cpu !== undefined && b.cpu) cpu.push(a.cpu / b.cpu);
    if (b.cpu) floor.push(parseCpu / b.cpu);
    if (a.cpu !== undefined) overFloor.push(a.cpu / parseCpu);
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((p, q) => p - q);
    return `min ${s[0]!.toFixed(2)}×  median ${s[Math.floor(s.length / 2)]!.toFixed(2)}×`;
  };
  console.log(`ratios csrl / json, 1 MB open (to first diagnostics), ${pairs} alternated pairs:`);
  console.log(`  wall        ${stats(wall)} [≤ 2×]`);
  if (cpu.length > 0) console.log(`  server CPU  ${stats(cpu)}`);
  if (floor.length > 0) console.log(`  floor: csrl's parse alone (CPU) / json server's open (CPU)  ${stats(floor)}`);
  if (overFloor.length > 0) console.log(`  csrl server CPU / csrl's parse alone  ${stats(overFloor)}`);
  console.log(`  hover on another document sent right after the open: answered after  ${stats(hover)}`);
}

/**
 * CPU time (ms, all threads) of parsing the 1 MB set's entries alone, as the
 * server cuts and parses them, in a fresh process (bench/lsp-parse-only.ts):
 * the part of the open that is the parser's.
 */
function parseAloneCpu(): number {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./lsp-parse-only.js', import.meta.url))], { encoding: 'utf8' });
  const m = /parse-cpu-ms ([0-9.]+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) throw new Error(`lsp-parse-only failed (${r.status}): ${r.stderr}`);
  return Number(m[1]);
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const mb = (b?: number) => (b === undefined ? 'n/a' : `${(b / 1048576).toFixed(1)} MB`);

/** Newest modification time of the TypeScript sources the server bundle is built from. */
function newestSource(): number {
  let newest = 0;
  for (const dir of ['server', 'language-service', 'grammar']) {
    for (const f of readdirSync(resolve(REPO, dir), { recursive: true }) as string[]) {
      if (f.endsWith('.ts')) newest = Math.max(newest, statSync(resolve(REPO, dir, f)).mtimeMs);
    }
  }
  return newest;
}

/** The bundle VS Code starts; a stale one (older than the sources) would measure old code. */
function bundlePath(argv: string[]): string {
  const i = argv.indexOf('--server');
  const file = i >= 0 ? resolve(argv[i + 1]!) : resolve(REPO, 'dist/server.cjs');
  if (!existsSync(file)) throw new Error(`${file} is missing: run node scripts/bundle.mjs first`);
  if (i < 0 && newestSource() > statSync(file).mtimeMs) {
    console.warn(`warning: ${file} is older than the sources in server/ or grammar/; run node scripts/bundle.mjs to measure the current code`);
  }
  return file;
}

interface Round {
  cold: Record<string, number>;
  servers: Record<string, { cold: number; small: Awaited<ReturnType<typeof keystrokes>>; large: Awaited<ReturnType<typeof keystrokes>>; largeChanging: Awaited<ReturnType<typeof keystrokes>>; flood: Awaited<ReturnType<typeof flood>> }>;
}

async function round(csrl: Server, extraCold: Server[], quick: boolean): Promise<Round> {
  const small = csreqDoc(1, 2048);
  const large = csreqDoc(5000, 0);
  const smallJson = jsonDoc(small.text.length);
  const largeJson = jsonDoc(large.text.length);
  const n = quick ? { cold: 2, sw: 10, sc: 50, lw: 2, lc: 10 } : { cold: 5, sw: 30, sc: 300, lw: 5, lc: 40 };
  const out: Round = { cold: {}, servers: {} };
  const floodDoc = csreqDoc(500, 0);
  const floodJson = jsonDoc(floodDoc.text.length);
  for (const [server, s, l, f] of [[csrl, small, large, floodDoc], [JSON_SERVER, smallJson, largeJson, floodJson]] as const) {
    const cold = await coldStart(server, s, n.cold);
    const sm = await keystrokes(server, s, n.sw, n.sc);
    const lg = await keystrokes(server, l, n.lw, n.lc);
    const lgc = await keystrokes(server, breaking(l), n.lw, n.lc);
    const fl = await flood(server, f);
    out.servers[server.name] = { cold, small: sm, large: lg, largeChanging: lgc, flood: fl };
    console.log(`${server.name}: 1 MB keystrokes that change the diagnostics p50 ${fmt(lgc.p50)} p99 ${fmt(lgc.p99)}`);
    console.log(`${server.name}: flood of ${FLOOD_EDITS.toLocaleString('en')} edits to ${(f.text.length / 1024).toFixed(0)} KB, then a hover: answered after ${fmt(fl.ms)}; RSS after it ${mb(fl.rss)}`);
    const cpu = sm.cpuPerKey === undefined ? '' : ` (server CPU ${fmt(sm.cpuPerKey)}/key)`;
    const openCpu = lg.openCpu === undefined ? '' : ` (server CPU ${fmt(lg.openCpu)})`;
    const largeCpu = lg.cpuPerKey === undefined ? '' : ` (server CPU ${fmt(lg.cpuPerKey)}/key)`;
    console.log(`${server.name}: cold start ${fmt(cold)}; 2 KB p50 ${fmt(sm.p50)} p99 ${fmt(sm.p99)}${cpu}; 1 MB open ${fmt(lg.openMs)}${openCpu} p50 ${fmt(lg.p50)} p99 ${fmt(lg.p99)}${largeCpu}; RSS after 1 MB open ${mb(lg.openRss)}, after its keystrokes ${mb(lg.rss)}`);
  }
  for (const server of extraCold) {
    out.cold[server.name] = await coldStart(server, small, n.cold);
    console.log(`${server.name}: cold start ${fmt(out.cold[server.name]!)}`);
  }
  const a = out.servers[csrl.name]!;
  const b = out.servers[JSON_SERVER.name]!;
  const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}×`;
  console.log('ratios csrl / json (below 1 = csrl faster), aims of issue 16 in brackets:');
  console.log(`  cold start        ${ratio(a.cold, b.cold)}`);
  console.log(`  2 KB keystroke    p50 ${ratio(a.small.p50, b.small.p50)}  p99 ${ratio(a.small.p99, b.small.p99)} [p99 ≤ 1×]`);
  console.log(`  1 MB keystroke, no diagnostic changes   p50 ${ratio(a.large.p50, b.large.p50)} [≤ 0.25×]  p99 ${ratio(a.large.p99, b.large.p99)}`);
  console.log(`  1 MB keystroke, diagnostics change      p50 ${ratio(a.largeChanging.p50, b.largeChanging.p50)} [≤ 1×]  p99 ${ratio(a.largeChanging.p99, b.largeChanging.p99)}`);
  console.log(`  1 MB open (to first diagnostics)        wall ${ratio(a.large.openMs, b.large.openMs)} [≤ 2×]${a.large.openCpu && b.large.openCpu ? `  server CPU ${ratio(a.large.openCpu, b.large.openCpu)}` : ''}`);
  if (a.large.rss && b.large.rss) console.log(`  RSS after 1 MB    ${ratio(a.large.rss, b.large.rss)}`);
  console.log(`  edit flood→hover  ${ratio(a.flood.ms, b.flood.ms)}`);
  return out;
}

export async function run(argv: string[] = []): Promise<void> {
  const quick = argv.includes('--quick');
  const ri = argv.indexOf('--rounds');
  const rounds = ri >= 0 ? Math.max(1, Number(argv[ri + 1]) || 1) : 1;
  const bundle = bundlePath(argv);
  const csrl = csrlServer(`csrl (${bundle.startsWith(REPO) ? bundle.slice(REPO.length + 1) : bundle})`, [process.execPath, bundle, '--stdio']);
  const extraCold: Server[] = [];
  if (existsSync(resolve(REPO, 'dist/cli/main.js'))) extraCold.push(csrlServer('csrl lsp --stdio (CLI bundle)', undefined, 'cli'));
  if (existsSync(resolve(REPO, 'out/server/main.js'))) extraCold.push(csrlServer('csrl unbundled out/server/main.js (tests only, not shipped)', [process.execPath, resolve(REPO, 'out/server/main.js'), '--stdio']));
  const small = csreqDoc(1, 2048);
  const large = csreqDoc(5000, 0);
  console.log(`documents: csreq ${small.text.length} B / ${large.text.length} B (${large.text.split('\n').length - 3} requirements); json ${jsonDoc(small.text.length).text.length} B / ${jsonDoc(large.text.length).text.length} B`);
  const oi = argv.indexOf('--open-pairs');
  const pairs = oi >= 0 ? Math.max(1, Number(argv[oi + 1]) || 1) : quick ? 3 : 5;
  await openPairs(csrl, pairs);
  if (argv.includes('--open-only')) return;
  const all: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    if (rounds > 1) console.log(`--- round ${r + 1} of ${rounds}`);
    all.push(await round(csrl, extraCold, quick));
  }
  if (rounds < 2) return;
  const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))} – ${f(Math.max(...xs))}`;
  console.log(`--- ranges over ${rounds} rounds (min – max)`);
  for (const name of Object.keys(all[0]!.servers)) {
    const get = (f: (x: Round['servers'][string]) => number) => all.map((r) => f(r.servers[name]!));
    console.log(`${name}:`);
    console.log(`  cold start        ${range(get((x) => x.cold), fmt)}`);
    console.log(`  2 KB keystroke    p50 ${range(get((x) => x.small.p50), fmt)}  p99 ${range(get((x) => x.small.p99), fmt)}  server CPU/key ${range(get((x) => x.small.cpuPerKey ?? NaN), fmt)}`);
    console.log(`  1 MB open         ${range(get((x) => x.large.openMs), fmt)}  server CPU ${range(get((x) => x.large.openCpu ?? NaN), fmt)}`);
    console.log(`  1 MB keystroke    p50 ${range(get((x) => x.large.p50), fmt)}  p99 ${range(get((x) => x.large.p99), fmt)}  server CPU/key ${range(get((x) => x.large.cpuPerKey ?? NaN), fmt)}`);
    console.log(`  1 MB changing     p50 ${range(get((x) => x.largeChanging.p50), fmt)}  p99 ${range(get((x) => x.largeChanging.p99), fmt)}`);
    console.log(`  RSS after 1 MB    open ${range(get((x) => x.large.openRss ?? NaN), (b) => mb(b))}  after keystrokes ${range(get((x) => x.large.rss ?? NaN), (b) => mb(b))}`);
    console.log(`  edit flood→hover  ${range(get((x) => x.flood.ms), fmt)}  RSS after ${range(get((x) => x.flood.rss ?? NaN), (b) => mb(b))}`);
  }
  for (const name of Object.keys(all[0]!.cold)) console.log(`${name}: cold start ${range(all.map((r) => r.cold[name]!), fmt)}`);
  const [csrlName, jsonName] = Object.keys(all[0]!.servers) as [string, string];
  const ratios = (label: string, f: (x: Round['servers'][string]) => number) => {
    const xs = all.map((r) => f(r.servers[csrlName]!) / f(r.servers[jsonName]!)).sort((p, q) => p - q);
    console.log(`  ${label.padEnd(42)} min ${xs[0]!.toFixed(2)}×  median ${xs[Math.floor(xs.length / 2)]!.toFixed(2)}×  max ${xs[xs.length - 1]!.toFixed(2)}×`);
  };
  console.log(`--- ratios csrl / json over ${rounds} rounds`);
  ratios('1 MB open [≤ 2×]', (x) => x.large.openMs);
  ratios('1 MB keystroke, no change, p50 [≤ 0.25×]', (x) => x.large.p50);
  ratios('1 MB keystroke, changing, p50 [≤ 1×]', (x) => x.largeChanging.p50);
  ratios('2 KB keystroke p99 [≤ 1×]', (x) => x.small.p99);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
