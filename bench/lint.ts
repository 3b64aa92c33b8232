/**
 * `csrl lint` over a synthetic source tree, against ripgrep on the same tree
 * in the same run.
 *
 * The tree (in os.tmpdir()) has 10,000 source files (Swift, Objective-C, C,
 * C++, shell, property lists, about 3 KB each, in 100 folders); 1 % of them
 * hold requirements (SecRequirementCreateWithString, setCodeSigningRequirement,
 * SMAuthorizedClients, codesign -R). The baseline is
 * `rg -l 'SecRequirementCreateWithString|setCodeSigningRequirement|SMAuthorizedClients' DIR`,
 * the practical lower bound for "find the files". Printed:
 * - the whole `csrl lint DIR --format json` process vs the whole rg process
 *   (grep -rlE when rg is not installed), alternated run by run, median and min;
 * - Node's bare start-up (`node -e 0`), the floor of any Node CLI, and the
 *   lint process with it subtracted;
 * - rg's own work done by Node (bench/lint-floor.ts: walk, read every file,
 *   one regex), the floor of any lint on Node;
 * - lint in process (walk, read, pre-filter, analyse; warmed up) vs rg.
 * - the walk of a 4,000-file tree under a 20,000-rule .gitignore (issue
 *   19.11) against the same walk without a .gitignore, and the `ignore`
 *   package's per-path test (what the walker used before) over the same paths.
 * Every timing is the median of --runs runs after one warm-up run (so both
 * tools read from the page cache).
 * How the lint reads its files (synchronously, against pools of
 * asynchronous reads) is measured by bench/lint-reads.ts.
 *
 * Run: npm run build && node out/bench/lint.js [--runs N] [--keep] [--before OTHER/bin/csrl.js]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ignore from 'ignore';
import { lintPaths } from '../cli/lint/lint.js';
import { compileIgnore } from '../cli/lint/gitignore.js';
import { Walker } from '../cli/lint/walk.js';
import { median, rng } from './stats.js';

const exec = promisify(execFile);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FILES = 10_000;
const FOLDERS = 100;
const PATTERN = 'SecRequirementCreateWithString|setCodeSigningRequirement|SMAuthorizedClients';



const FILLER: Record<string, (n: number) => string> = {
  swift: (n) => `import Foundation\n\nstruct Model${n}: Codable {\n    var id: Int\n    var name: String\n    var tags: [String] = []\n}\n\nfinal class Service${n} {\n    private var cache: [Int: Model${n}] = [:]\n    func load(_ id: Int) -> Model${n}? {\n        if let hit = cache[id] { return hit }\n        let m = Model${n}(id: id, name: "item \\(id)")\n        cache[id] = m\n        return m\n    }\n}\n`,
  m: (n) => `#import <Foundation/Foundation.h>\n\n@interface Worker${n} : NSObject\n@property (nonatomic, copy) NSString *name;\n- (NSInteger)compute:(NSInteger)value;\n@end\n\n@implementation Worker${n}\n- (NSInteger)compute:(NSInteger)value {\n    NSLog(@"computing %ld", (long)value);\n    return value * ${n % 97} + 1;\n}\n@end\n`,
  c: (n) => `#include <stdio.h>\n#include <string.h>\n\nstatic int table_${n}[16];\n\nint fill_${n}(const char *s) {\n    size_t len = strlen(s);\n    for (size_t i = 0; i < len && i < 16; i++) table_${n}[i] = s[i] * ${n % 31};\n    printf("filled %zu\\n", len);\n    return (int)len;\n}\n`,
  cpp: (n) => `#include <vector>\n#include <string>\n\nnamespace app${n} {\nclass Buffer {\n public:\n  void push(const std::string& s) { items_.push_back(s); }\n  size_t size() const { return items_.size(); }\n private:\n  std::vector<std::string> items_;\n};\n}  // namespace app${n}\n`,
  sh: (n) => `#!/bin/sh\nset -eu\nOUT="build/${n}"\nmkdir -p "$OUT"\nfor f in src/*.c; do\n  cc -O2 -c "$f" -o "$OUT/$(basename "$f" .c).o"\ndone\necho "built ${n}"\n`,
  plist: (n) => `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n\t<key>CFBundleIdentifier</key>\n\t<string>com.example.app${n}</string>\n\t<key>CFBundleVersion</key>\n\t<string>${n}</string>\n</dict>\n</plist>\n`,
};

const WITH_REQUIREMENT: Record<string, (n: number) => string> = {
  swift: (n) => `\nfunc accept${n}(_ c: NSXPCConnection) -> Bool {\n    c.setCodeSigningRequirement("identifier \\"com.example.app${n}\\" and anchor apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\"")\n    return true\n}\n`,
  m: (n) => `\nstatic BOOL Check${n}(SecCodeRef code) {\n    SecRequirementRef r = NULL;\n    if (SecRequirementCreateWithString(CFSTR("anchor apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\""), kSecCSDefaultFlags, &r) != errSecSuccess) return NO;\n    return SecCodeCheckValidity(code, kSecCSDefaultFlags, r) == errSecSuccess;\n}\n`,
  c: (n) => `\nvoid set_peer_${n}(xpc_connection_t c) {\n    SecRequirementCreateWithString(CFSTR("identifier \\"com.example.tool${n}\\" and anchor apple generic"), 0, NULL);\n}\n`,
  cpp: (n) => `\nvoid check${n}() { SecRequirementCreateWithString(CFSTR("anchor apple generic"), 0, nullptr); }\n`,
  sh: (n) => `\ncodesign --verify -R='=anchor apple generic and identifier "com.example.tool${n}"' build/tool\n`,
  plist: (n) => `<!-- helper ${n} -->\n<plist version="1.0"><dict><key>SMAuthorizedClients</key><array><string>identifier &quot;com.example.app${n}&quot; and anchor apple generic</string></array></dict></plist>\n`,
};

const EXTENSIONS: [string, string, number][] = [
  // [extension, template, share]
  ['swift', 'swift', 0.35],
  ['m', 'm', 0.15],
  ['h', 'c', 0.15],
  ['c', 'c', 0.1],
  ['cpp', 'cpp', 0.1],
  ['sh', 'sh', 0.1],
  ['plist', 'plist', 0.05],
];

export function buildTree(dir: string): { files: number; withRequirements: number } {
  const random = rng(7);
  let withRequirements = 0;
  for (let f = 0; f < FOLDERS; f++) mkdirSync(join(dir, `module${f}`, 'Sources'), { recursive: true });
  for (let n = 0; n < FILES; n++) {
    let pick = random();
    let ext = EXTENSIONS[0]!;
    for (const e of EXTENSIONS) {
      if (pick < e[2]) {
        ext = e;
        break;
      }
      pick -= e[2];
    }
    const [extension, template] = ext;
    // Exactly 1 %: every hundredth file.
    const hasRequirement = n % 100 === 37;
    let body = FILLER[template]!(n);
    while (body.length < 3000) body += FILLER[template]!(n + body.length);
    if (hasRequirement) {
      body += WITH_REQUIREMENT[template]!(n);
      withRequirements++;
    }
    writeFileSync(join(dir, `module${n % FOLDERS}`, 'Sources', `File${n}.${extension}`), body);
  }
  return { files: FILES, withRequirements };
}

/** Every contender once per round (after one warm-up round), so load from elsewhere falls on all alike. */
async function timeAlternated<K extends string>(runs: number, contenders: Record<K, [string, string[]]>): Promise<Record<K, { median: number; min: number }>> {
  const names = Object.keys(contenders) as K[];
  const times = new Map<K, number[]>(names.map((n) => [n, []]));
  for (let i = 0; i <= runs; i++) {
    for (const n of names) {
      const [file, args] = contenders[n];
      const t = performance.now();
      try {
        await exec(file, args, { maxBuffer: 64 * 1024 * 1024 });
      } catch (err) {
        // `csrl lint` exits 1 when it finds problems; rg exits 1 when it finds nothing.
        if ((err as { code?: unknown }).code !== 1) throw err;
      }
      if (i > 0) times.get(n)!.push(performance.now() - t);
    }
  }
  const out = {} as Record<K, { median: number; min: number }>;
  for (const n of names) out[n] = { median: median(times.get(n)!), min: Math.min(...times.get(n)!) };
  return out;
}

async function timeInProcess(runs: number, dir: string): Promise<{ ms: number; min: number; files: number; requirements: number }> {
  const times: number[] = [];
  let last = { files: 0, requirements: 0 };
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const report = await lintPaths([dir], dir, { analysis: { trusted: true }, maxWarnings: -1 });
    if (i > 0) times.push(performance.now() - t);
    last = { files: report.summary.filesWithRequirements, requirements: report.summary.requirements };
  }
  return { ms: median(times), min: Math.min(...times), ...last };
}

const IGNORE_FILES = 4_000;
const IGNORE_RULES = 20_000;

/** A .gitignore of IGNORE_RULES rules as large projects have them: mostly names and paths, then extensions, prefixes, negations, a few free wildcards. */
export function bigGitignore(rules = IGNORE_RULES): string {
  const lines: string[] = ['# generated'];
  for (let i = 0; lines.length <= rules; i++) {
    switch (i % 10) {
      case 0: case 1: case 2: case 3: lines.push(`gen_${i}.o`); break;
      case 4: lines.push(`/out/build${i}/`); break;
      case 5: lines.push(`module${i % 40}/Sources/File${i}.swift`); break;
      case 6: lines.push(`*.ext${i}`); break;
      case 7: lines.push(`tmp${i}-*`); break;
      case 8: lines.push(`!keep${i}.swift`); break;
      default: lines.push(i % 1000 === 9 ? `*.sw${i % 7}?` : `cache${i}/`);
    }
  }
  return lines.join('\n') + '\n';
}

function buildIgnoreTree(dir: string, withGitignore: boolean): string[] {
  mkdirSync(join(dir, '.git'), { recursive: true });
  const rels: string[] = [];
  for (let f = 0; f < 40; f++) mkdirSync(join(dir, `module${f}`, 'Sources'), { recursive: true });
  for (let n = 0; n < IGNORE_FILES; n++) {
    const rel = `module${n % 40}/Sources/File${n}.swift`;
    writeFileSync(join(dir, rel), 'import Foundation\n');
    rels.push(rel);
  }
  if (withGitignore) writeFileSync(join(dir, '.gitignore'), bigGitignore());
  return rels;
}

function timeWalk(runs: number, dir: string): { ms: number; files: number } {
  const times: number[] = [];
  let files = 0;
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const w = new Walker();
    w.addRoot(dir);
    if (i > 0) times.push(performance.now() - t);
    files = w.candidates.length;
  }
  return { ms: median(times), files };
}

/** The walk under a large .gitignore against the walk without one (same tree shape, same run). */
export function gitignoreRows(runs: number): void {
  const plain = mkdtempSync(join(tmpdir(), 'csrl-lint-ign0-'));
  const big = mkdtempSync(join(tmpdir(), 'csrl-lint-ign1-'));
  try {
    buildIgnoreTree(plain, false);
    const rels = buildIgnoreTree(big, true);
    const without = timeWalk(runs, plain);
    const withRules = timeWalk(runs, big);
    const compileTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      compileIgnore(bigGitignore());
      compileTimes.push(performance.now() - t0);
    }
    const compileMs = median(compileTimes);
    // The package the walker used before, on a sample of the same paths (its test() checks each path's folders too):
    // every path costs it about the same, and all 4,000 took minutes.
    const sample = rels.filter((_, k) => k % 40 === 0);
    const t = performance.now();
    const ig = ignore().add(bigGitignore());
    for (const rel of sample) ig.test(rel);
    const packageMs = ((performance.now() - t) * rels.length) / sample.length;
    console.log(`walk ${IGNORE_FILES} files, no .gitignore          ${without.ms.toFixed(1)} ms  (${without.files} files)`);
    console.log(`walk ${IGNORE_FILES} files, ${IGNORE_RULES} .gitignore rules ${withRules.ms.toFixed(1)} ms  (${withRules.files} files; compile included)`);
    console.log(`  of which compiling the .gitignore       ${compileMs.toFixed(1)} ms  (once per .gitignore, not per path)`);
    console.log(`ratio with rules / without                ${(withRules.ms / without.ms).toFixed(2)}x  (${((withRules.ms - compileMs) / without.ms).toFixed(2)}x without the compile)`);
    console.log(`ignore package test(), ${IGNORE_FILES} paths      ${packageMs.toFixed(0)} ms  (estimated from ${sample.length} of them; ${(packageMs / without.ms).toFixed(0)}x the plain walk)`);
  } finally {
    rmSync(plain, { recursive: true, force: true });
    rmSync(big, { recursive: true, force: true });
  }
}

async function hasRipgrep(): Promise<boolean> {
  try {
    await exec('rg', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export async function main(argv: string[]): Promise<void> {
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(argv[runsAt + 1]) || 5) : 5;
  const dir = mkdtempSync(join(tmpdir(), 'csrl-lint-bench-'));
  try {
    const built = buildTree(dir);
    console.log(`tree: ${built.files} files in ${FOLDERS} folders, ${built.withRequirements} with requirements (${dir})`);
    const inProcess = await timeInProcess(runs, dir);
    console.log(`lint found requirements in ${inProcess.files} files (${inProcess.requirements} requirements)`);
    const csrl = join(REPO, 'bin', 'csrl.js');
    console.log(`csrl lint (in process)      ${inProcess.ms.toFixed(1)} ms`);
    gitignoreRows(runs);
    const rg = await hasRipgrep();
    if (!rg) console.log('rg (ripgrep) is not installed: the baseline is grep -rlE instead');
    // --before PATH: another checkout's bin/csrl.js, timed in the same alternated rounds (before/after on the same machine and load).
    const beforeAt = argv.indexOf('--before');
    const before = beforeAt >= 0 ? argv[beforeAt + 1] : undefined;
    const baseline: [string, string[]] = rg ? ['rg', ['-l', PATTERN, dir]] : ['grep', ['-rlE', PATTERN, dir]];
    const t = await timeAlternated(runs, {
      lint: [process.execPath, [csrl, 'lint', dir, '--format', 'json']],
      ...(before ? { before: [process.execPath, [before, 'lint', dir, '--format', 'json']] as [string, string[]] } : {}),
      node: [process.execPath, ['-e', '0']],
      nodeGrep: [process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'lint-floor.js'), PATTERN, dir]],
      baseline,
    } as Record<string, [string, string[]]>);
    const baseName = rg ? 'rg -l' : 'grep -rlE';
    const found = (await exec(baseline[0], baseline[1], { maxBuffer: 64 * 1024 * 1024 }).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean).length;
    const ms = (x: { median: number; min: number }) => `${x.median.toFixed(1)} ms (min ${x.min.toFixed(1)})`;
    console.log(`Whole processes, alternated, median of ${runs}:`);
    console.log(`  csrl lint DIR --format json   ${ms(t.lint!)}`);
    if (t.before) console.log(`  before: ${before} ${ms(t.before)}`);
    console.log(`  node -e 0 (start-up)          ${ms(t.node!)}`);
    console.log(`  rg's work in Node (walk, read, regex) ${ms(t.nodeGrep!)}`);
    console.log(`  ${baseName.padEnd(28)}  ${ms(t.baseline!)}  (${found} files)`);
    const base = t.baseline!;
    const ratio = (a: { median: number; min: number }) => `${(a.median / base.median).toFixed(2)}x (min ${(a.min / base.min).toFixed(2)}x)`;
    const row = (name: string, value: string) => console.log(`ratio ${name.padEnd(36)} / ${baseName}  ${value}`);
    row('lint process', `${ratio(t.lint!)}  (aim: within 3x)`);
    if (t.before) row('before: lint process', ratio(t.before));
    row('floor: node -e 0', ratio(t.node!));
    row('floor: rg -l done in Node', ratio(t.nodeGrep!));
    row('lint process - node start', ratio({ median: t.lint!.median - t.node!.median, min: t.lint!.min - t.node!.min }));
    row('lint in process (warm)', ratio({ median: inProcess.ms, min: inProcess.min }));
  } finally {
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
