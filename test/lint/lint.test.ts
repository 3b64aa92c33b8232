import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { analyzeHostDocument, analyzeRequirement } from '../../language-service/analysis/analyze.js';
import { LINT_RULES } from '../../language-service/rules/index.js';
import { languageIdForPath } from '../../language-service/embedded/extract.js';
import { runCli } from '../support/cli.js';
import { sarifValidator } from '../support/sarif.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examples = join(root, 'examples');

interface JsonDiagnostic {
  code: string;
  rule: string | null;
  severity: string;
  message: string;
  range: { start: { line: number; column: number; offset: number }; end: { line: number; column: number; offset: number } };
}
interface JsonReport {
  version: number;
  files: { path: string; language: string; requirements: number; diagnostics: JsonDiagnostic[] }[];
  skipped: { path: string; reason: string }[];
  summary: { filesRead: number; filesWithRequirements: number; requirements: number; errors: number; warnings: number; information: number; hints: number; skipped: number };
  maxWarnings: number | null;
  exitCode: number;
}

async function lintJson(args: string[], cwd = root): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const run = await runCli(['lint', '--format', 'json', ...args], { cwd });
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

/** 1-based line and column of the `occurrence`-th `needle` in `text`. */
function locate(text: string, needle: string, occurrence = 0): { line: number; column: number; offset: number } {
  let offset = -1;
  for (let k = 0; k <= occurrence; k++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${needle} not found`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n'), offset };
}

describe('the examples folder', () => {
  test('text format: FILE:LINE:COL: severity: message [CODE] lines and a summary', async () => {
    const run = await runCli(['lint', 'examples'], { cwd: root });
    const lines = run.stdout.trimEnd().split('\n');
    const summary = lines.pop()!;
    assert.match(summary, /^csrl lint: \d+ requirements? in \d+ files? \(\d+ files? read\): \d+ errors?, \d+ warnings?, \d+ notes?/);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.match(line, /^examples\/[^:]+:\d+:\d+: (error|warning|note): .+ \[CSR\d{3}\]$/);
    // Ground truth from the files themselves: where the unquoted digit-leading team ID is.
    const sparkle = await readFile(join(examples, 'sparkle-2.7.2.csreq'), 'utf8');
    const at = locate(sparkle, '34XR7GXFPX');
    assert.ok(lines.some((l) => l.startsWith(`examples/sparkle-2.7.2.csreq:${at.line}:${at.column}: error: `) && l.endsWith('[CSR012]')), run.stdout);
    // Inside an Objective-C literal the position is in host coordinates.
    const objc = await readFile(join(examples, 'xpc-helper/check.m'), 'utf8');
    const trusted = locate(objc, 'trusted');
    assert.ok(lines.some((l) => l.startsWith(`examples/xpc-helper/check.m:${trusted.line}:`) && l.endsWith('[CSR104]')), run.stdout);
    assert.equal(run.code, 1, 'the examples contain errors');
  });

  test('json format: stable schema and the same diagnostics as the language server analysis', async () => {
    const { code, report } = await lintJson(['examples']);
    assert.equal(code, 1);
    assert.equal(report.version, 1);
    assert.equal(report.exitCode, 1);
    assert.ok(report.summary.requirements >= 10);
    const paths = report.files.map((f) => f.path);
    for (const p of ['examples/developer-id.csreq', 'examples/xpc-helper/HelperListener.swift', 'examples/xpc-helper/Info.plist', 'examples/xpc-helper/check.m', 'examples/xpc-helper/sign.sh']) {
      assert.ok(paths.includes(p), `${p} missing from ${paths.join(', ')}`);
    }
    let errors = 0;
    let warnings = 0;
    for (const file of report.files) {
      const text = await readFile(join(root, file.path), 'utf8');
      const direct = file.language === 'csreq' ? analyzeRequirement(text, { trusted: true }).diagnostics : analyzeHostDocument(text, languageIdForPath(file.path)!, { trusted: true }).diagnostics;
      assert.deepEqual(
        file.diagnostics.map((d) => [d.code, d.severity, d.message, d.range.start.offset, d.range.end.offset, d.range.start.line, d.range.start.column]),
        direct.map((d) => [d.code, d.severity, d.message, d.range.start.offset, d.range.end.offset, d.range.start.line, d.range.start.column]),
        file.path,
      );
      for (const d of file.diagnostics) {
        if (d.severity === 'error') errors++;
        if (d.severity === 'warning') warnings++;
        assert.equal(d.rule, LINT_RULES.find((r) => r.code === d.code)?.id ?? null);
      }
    }
    assert.equal(report.summary.errors, errors);
    assert.equal(report.summary.warnings, warnings);
  });

  test('sarif format validates against the SARIF 2.1.0 JSON schema and carries what GitHub needs', async () => {
    const run = await runCli(['lint', 'examples', '--format', 'sarif'], { cwd: root });
    assert.equal(run.code, 1);
    const sarif = JSON.parse(run.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; name: string; shortDescription: { text: string }; help: { text: string }; defaultConfiguration: { level: string } }[] } };
        results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[] }[];
      }[];
    };
    const validate = sarifValidator();
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors?.slice(0, 5)));
    assert.equal(sarif.version, '2.1.0');
    const [runResult] = sarif.runs;
    const rules = runResult!.tool.driver.rules;
    for (const rule of LINT_RULES) {
      const r = rules.find((x) => x.id === rule.code);
      assert.ok(r, `${rule.code} missing`);
      assert.equal(r.shortDescription.text, rule.title);
      assert.equal(r.help.text, rule.help);
      assert.equal(r.defaultConfiguration.level, rule.defaultSeverity === 'information' || rule.defaultSeverity === 'hint' ? 'note' : rule.defaultSeverity);
      assert.ok(r.name.length > 0);
    }
    const { report } = await lintJson(['examples']);
    const total = report.files.reduce((n, f) => n + f.diagnostics.length, 0);
    assert.equal(runResult!.results.length, total);
    for (const result of runResult!.results) {
      assert.equal(rules[result.ruleIndex]!.id, result.ruleId);
      const loc = result.locations[0]!.physicalLocation;
      assert.match(loc.artifactLocation.uri, /^examples\//, 'relative to the working folder');
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
      assert.ok(loc.region.endLine > loc.region.startLine || (loc.region.endLine === loc.region.startLine && loc.region.endColumn >= loc.region.startColumn));
    }
    // The same validator rejects a broken log, so the check above can fail.
    const broken = JSON.parse(run.stdout) as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    assert.equal(validate(broken), false);
  });
});


describe('a temporary tree', () => {
  let dir = '';
  const exec = promisify(execFile);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csrl-lint-'));
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, 'src/deep'), { recursive: true });
    await mkdir(join(dir, 'build'), { recursive: true });
    await writeFile(join(dir, '.gitignore'), 'build/\n*.gen.swift\n!keep.gen.swift\nsrc/deep/skipped.csreq\n');
    await writeFile(join(dir, 'src/.gitignore'), 'local.csreq\n');
    // Findings: R2 (warning) in a requirement file, R1 (error) in Swift.
    await writeFile(join(dir, 'src/generic.csreq'), 'anchor apple generic\n');
    await writeFile(join(dir, 'src/App.swift'), 'conn.setCodeSigningRequirement("identifier \\"com.example.app\\"")\n');
    await writeFile(join(dir, 'src/clean.csreq'), 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\n');
    await writeFile(join(dir, 'src/plain.swift'), 'print("hello")\n');
    // Ignored by the root and the nested .gitignore, and re-included.
    await writeFile(join(dir, 'build/out.csreq'), 'always\n');
    await writeFile(join(dir, 'src/x.gen.swift'), 'conn.setCodeSigningRequirement("always")\n');
    await writeFile(join(dir, 'src/keep.gen.swift'), 'conn.setCodeSigningRequirement("anchor apple generic")\n');
    await writeFile(join(dir, 'src/local.csreq'), 'always\n');
    await writeFile(join(dir, 'src/deep/skipped.csreq'), 'always\n');
    // Binary files: NUL bytes in a Swift file that has a marker, a compiled blob, a binary plist.
    await writeFile(join(dir, 'src/binary.swift'), Buffer.concat([Buffer.from('setCodeSigningRequirement("always")'), Buffer.alloc(16), Buffer.from([0xff, 0xfe])]));
    await writeFile(join(dir, 'src/blob.csreq'), Buffer.from('fade0c00000000100000000100000003', 'hex'));
    await writeFile(join(dir, 'src/Info.plist'), Buffer.concat([Buffer.from('bplist00'), Buffer.from([0xd1, 0x01, 0x02])]));
    // Tests run as root, and chmod 000 does not stop root from reading, so
    // "unreadable" is made with things that cannot be read by anyone: a
    // dangling symbolic link, a link that points to itself (ELOOP), and a
    // FIFO (which must not even be opened: the read would block forever).
    await symlink(join(dir, 'missing-target.csreq'), join(dir, 'src/dangling.csreq'));
    await symlink('self.swift', join(dir, 'src/self.swift'));
    await exec('mkfifo', [join(dir, 'src/pipe.csreq')]);
    // Symbolic link loops: a folder linking to its parent, and a duplicate link to a file.
    await symlink('..', join(dir, 'src/deep/up'));
    await symlink('generic.csreq', join(dir, 'src/again.csreq'));
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('binary, unreadable and looping entries are skipped with notes; .gitignore is honoured', async () => {
    const { code, report, stderr } = await lintJson(['.'], dir);
    assert.equal(stderr, '');
    const analysed = report.files.map((f) => f.path).sort();
    assert.deepEqual(analysed, ['src/App.swift', 'src/clean.csreq', 'src/generic.csreq', 'src/keep.gen.swift'].sort());
    const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
    assert.equal(reasons.get('src/binary.swift'), 'binary file');
    assert.match(reasons.get('src/blob.csreq') ?? '', /compiled requirement blob/);
    assert.match(reasons.get('src/Info.plist') ?? '', /binary property list/);
    assert.match(reasons.get('src/dangling.csreq') ?? '', /dangling/);
    assert.match(reasons.get('src/self.swift') ?? '', /loop/);
    assert.equal(reasons.get('src/pipe.csreq'), 'not a regular file');
    assert.match(reasons.get('src/deep/up') ?? '', /already visited/);
    assert.equal(report.summary.skipped, report.skipped.length);
    // The duplicate link to generic.csreq is read once.
    assert.equal(report.files.filter((f) => f.path.endsWith('generic.csreq') || f.path.endsWith('again.csreq')).length, 1);
    const codes = report.files.flatMap((f) => f.diagnostics.map((d) => `${f.path} ${d.code}`));
    assert.ok(codes.includes('src/generic.csreq CSR102'), codes.join('\n'));
    assert.ok(codes.includes('src/App.swift CSR101'), codes.join('\n'));
    assert.ok(!codes.some((c) => c.startsWith('src/clean.csreq') && /CSR1/.test(c)), codes.join('\n'));
    assert.equal(code, 1);
  });

  test('text format puts skip notes on standard error', async () => {
    const run = await runCli(['lint'], { cwd: dir });
    assert.match(run.stderr, /^src\/binary\.swift: note: skipped: binary file$/m);
    assert.match(run.stderr, /^src\/pipe\.csreq: note: skipped: not a regular file$/m);
    assert.match(run.stdout, /^src\/App\.swift:1:33: error: .*\[CSR101\]$/m);
  });

  test('a subfolder still honours the .gitignore files above it', async () => {
    const { report } = await lintJson(['src/deep'], dir);
    assert.deepEqual(report.files, []);
    const { report: src } = await lintJson(['src'], dir);
    assert.ok(!src.files.some((f) => f.path.includes('local.csreq') || f.path.includes('x.gen.swift')));
  });

  test('rule configuration from the command line', async () => {
    const base = await lintJson(['src/generic.csreq', 'src/App.swift'], dir);
    assert.deepEqual(base.report.files.flatMap((f) => f.diagnostics.map((d) => `${d.code}:${d.severity}`)).sort(), ['CSR101:error', 'CSR102:warning']);
    const off = await lintJson(['src/generic.csreq', 'src/App.swift', '--rule', 'CSR101=off', '--rule', 'apple-generic-without-team=error'], dir);
    assert.deepEqual(off.report.files.flatMap((f) => f.diagnostics.map((d) => `${d.code}:${d.severity}`)), ['CSR102:error']);
    assert.equal(off.code, 1);
    const relaxed = await lintJson(['src/generic.csreq', 'src/App.swift', '--rule=csr101=warning'], dir);
    assert.deepEqual(relaxed.report.files.flatMap((f) => f.diagnostics.map((d) => `${d.code}:${d.severity}`)).sort(), ['CSR101:warning', 'CSR102:warning']);
    assert.equal(relaxed.code, 0, 'warnings alone pass without --max-warnings');
  });

  test('the privileged-helper context tightens R6-R8', async () => {
    const plain = await lintJson(['src/clean.csreq'], dir);
    const privileged = await lintJson(['src/clean.csreq', '--context', 'privileged-helper'], dir);
    const codes = (r: JsonReport) => r.files.flatMap((f) => f.diagnostics.map((d) => d.code));
    assert.ok(!codes(plain.report).includes('CSR107'));
    assert.ok(codes(privileged.report).includes('CSR107'), codes(privileged.report).join(' '));
  });

  test('exit codes: 0 clean, 0 warnings within --max-warnings, 1 over it, 1 errors, 64 usage', async () => {
    assert.equal((await runCli(['lint', 'src/clean.csreq'], { cwd: dir })).code, 0);
    assert.equal((await runCli(['lint', 'src/generic.csreq'], { cwd: dir })).code, 0);
    assert.equal((await runCli(['lint', 'src/generic.csreq', '--max-warnings', '1'], { cwd: dir })).code, 0);
    const over = await runCli(['lint', 'src/generic.csreq', '--max-warnings', '0'], { cwd: dir });
    assert.equal(over.code, 1);
    assert.match(over.stdout, /more warnings than --max-warnings 0/);
    assert.equal((await runCli(['lint', 'src/App.swift'], { cwd: dir })).code, 1);
    for (const bad of [
      ['--format', 'xml'],
      ['--rule', 'CSR999=off'],
      ['--rule', 'CSR101=loud'],
      ['--rule', 'CSR101'],
      ['--max-warnings', '-1'],
      ['--context', 'root'],
      ['--mode', 'both'],
      ['--bogus'],
      ['no/such/path'],
    ]) {
      const run = await runCli(['lint', ...bad], { cwd: dir });
      assert.equal(run.code, 64, `${bad.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /csrl lint: /);
    }
  });

  test('files beyond the shared read buffer are read whole; files over 4 MB are skipped', async () => {
    const filler = '// ' + 'x'.repeat(76) + '\n';
    await writeFile(join(dir, 'src/Big.swift'), filler.repeat(5000) + 'conn.setCodeSigningRequirement("always")\n');
    await writeFile(join(dir, 'src/Huge.swift'), filler.repeat(60_000) + 'conn.setCodeSigningRequirement("always")\n');
    try {
      const { report } = await lintJson(['src/Big.swift', 'src/Huge.swift'], dir);
      assert.deepEqual(report.files.map((f) => [f.path, f.requirements]), [['src/Big.swift', 1]]);
      assert.equal(report.files[0]!.diagnostics[0]!.range.start.line, 5001);
      assert.deepEqual(report.skipped, [{ path: 'src/Huge.swift', reason: 'larger than 4 MB' }]);
    } finally {
      await rm(join(dir, 'src/Big.swift'));
      await rm(join(dir, 'src/Huge.swift'));
    }
  });

  test('--mode forces how requirement files are read', async () => {
    await writeFile(join(dir, 'src/set-or-not.rqset'), 'designated => identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\n');
    try {
      const auto = await lintJson(['src/set-or-not.rqset'], dir);
      assert.equal(auto.code, 0);
      const single = await lintJson(['src/set-or-not.rqset', '--mode', 'single'], dir);
      assert.ok(single.report.files[0]!.diagnostics.some((d) => d.code === 'CSR018'), JSON.stringify(single.report.files));
      assert.equal(single.code, 1);
    } finally {
      await rm(join(dir, 'src/set-or-not.rqset'));
    }
  });
});
