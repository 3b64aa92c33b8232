/** `csrl lint` on a folder with LWCR in a launchd plist, a launch-constraint plist and JSON files. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { sarifValidator } from '../support/sarif.js';

const LAUNCHD = `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>com.example.helper</string>
	<key>SpawnConstraint</key>
	<dict>
		<key>signing-identifier</key>
		<string>com.example.helper</string>
		<key>launch-type</key>
		<dict><key>$or</key><dict><key>a</key><integer>1</integer></dict></dict>
	</dict>
</dict>
</plist>
`;
const CONSTRAINT = `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>team-identifier</key>
	<string>ABCDE12345</string>
	<key>validation-category</key>
	<integer>6</integer>
</dict>
</plist>
`;
const TEAM = '{\n  "team-identifier": "ABCDE12345",\n  "validation-category": {"$in": [6, 10]}\n}\n';
const OPTIONAL = '{ "$optional": { "team-identifier": "ABCDE12345" } }\n';
const BROKEN = '{ "team-identifier": \n';

interface JsonDiagnostic { code: string; severity: string; range: { start: { line: number; column: number } } }
interface JsonReport { files: { path: string; language: string; requirements: number; diagnostics: JsonDiagnostic[] }[]; summary: { errors: number; warnings: number; filesRead: number } }

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-lwcr-lint-'));
  await writeFile(join(dir, 'helper.plist'), LAUNCHD);
  await writeFile(join(dir, 'constraint.plist'), CONSTRAINT);
  await writeFile(join(dir, 'team.lwcr.json'), TEAM);
  await writeFile(join(dir, 'opt.json'), OPTIONAL);
  await writeFile(join(dir, 'broken.lwcr.json'), BROKEN);
  await writeFile(join(dir, 'package.json'), '{"name": "x", "version": "1.0.0"}\n');
});
after(async () => rm(dir, { recursive: true, force: true }));

const pos = (d: JsonDiagnostic) => `${d.code}@${d.range.start.line}:${d.range.start.column}`;

describe('csrl lint on LWCR files', () => {
  test('json: validation (LW0xx) and lint findings with host positions; other JSON is ignored', async () => {
    const run = await runCli(['lint', '--format', 'json', '.'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    const by = new Map(report.files.map((f) => [f.path, f]));
    assert.deepEqual([...by.keys()].sort(), ['broken.lwcr.json', 'constraint.plist', 'helper.plist', 'opt.json', 'team.lwcr.json']);
    assert.deepEqual(by.get('helper.plist')!.diagnostics.map(pos), ['CSR113@8:3', 'LW031@11:9']);
    assert.equal(by.get('helper.plist')!.requirements, 1);
    assert.deepEqual(by.get('constraint.plist')!.diagnostics, [], 'team + Developer ID: nothing to say');
    assert.deepEqual(by.get('team.lwcr.json')!.diagnostics.map(pos), ['CSR114@2:3', 'CSR116@3:3']);
    assert.equal(by.get('team.lwcr.json')!.language, 'lwcr-json');
    assert.deepEqual(by.get('opt.json')!.diagnostics.map(pos), ['CSR115@1:3']);
    assert.equal(by.get('opt.json')!.language, 'json');
    assert.deepEqual(by.get('broken.lwcr.json')!.diagnostics.map((d) => d.code), ['LW001']);
    assert.equal(report.summary.errors, 2);
    assert.equal(report.summary.warnings, 4);
  });

  test('--rule turns LW codes and LWCR rules off like the classic ones', async () => {
    const run = await runCli(['lint', '--format', 'json', '--rule', 'LW031=off', '--rule', 'lwcr-vacuous-optional=off', '.'], { cwd: dir });
    const report = JSON.parse(run.stdout) as JsonReport;
    const all = report.files.flatMap((f) => f.diagnostics.map((d) => d.code));
    assert.ok(!all.includes('LW031') && !all.includes('CSR115') && all.includes('CSR113'), all.join());
  });

  test('text and SARIF carry the same codes', async () => {
    const text = await runCli(['lint', '.'], { cwd: dir });
    assert.match(text.stdout, /^helper\.plist:8:3: warning: .+\[CSR113\]$/m);
    assert.match(text.stdout, /^helper\.plist:11:9: error: .+\[LW031\]$/m);
    assert.match(text.stdout, /^team\.lwcr\.json:3:3: warning: .+\[CSR116\]$/m);
    const sarifRun = await runCli(['lint', '--format', 'sarif', '.'], { cwd: dir });
    const sarif = JSON.parse(sarifRun.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex?: number }[] }[] };
    const validate = sarifValidator();
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors?.slice(0, 5)));
    const ids = sarif.runs[0]!.results.map((r) => r.ruleId).sort();
    assert.deepEqual(ids, ['CSR113', 'CSR114', 'CSR115', 'CSR116', 'LW001', 'LW031']);
    for (const r of sarif.runs[0]!.results) assert.equal(sarif.runs[0]!.tool.driver.rules[r.ruleIndex!]!.id, r.ruleId);
  });
});
