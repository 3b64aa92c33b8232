/**
 * `csrl doctor` on bundles made by the test signer at run time: each
 * relationship in a passing and a failing variant, with the exact verdict and
 * the clause and fact named; one bundle with all of them for the summary, the
 * exit codes, JSON and SARIF.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { doctor, type DoctorReport, type Relationship } from '../../engine/doctor/doctor.js';
import { runCli } from '../support/cli.js';
import { sarifValidator } from '../support/sarif.js';
import { APP_ID, HELPER, appWorkspace, onlyRelationship, requirementFor, TEAM_A, TEAM_B, type AppSpec } from './fixtures.js';

const { nextApp, file: inWorkspace } = appWorkspace('csrl-doctor-');
const only = onlyRelationship;

async function run(spec: AppSpec): Promise<{ path: string; report: DoctorReport }> {
  const app = await nextApp(spec);
  return { path: app.path, report: await doctor(app.path) };
}

function holds(r: Relationship): void {
  assert.equal(r.verdict, 'satisfied', `${r.kind}: ${r.clause} — ${r.fact}`);
  assert.equal(r.clause, undefined);
}

describe('doctor: SMJobBless', () => {
  it('the helper satisfies SMPrivilegedExecutables, the app SMAuthorizedClients, the launchd Label is the label', async () => {
    const { report } = await run({ helper: {} });
    const helper = only(report, 'smjobbless-helper');
    holds(helper);
    assert.equal(helper.subject, `Tool.app/Contents/Library/LaunchServices/${HELPER}`);
    assert.equal(helper.against, 'Tool.app');
    assert.equal(helper.rule, requirementFor(HELPER, TEAM_A));
    assert.equal(helper.check?.verdict, 'satisfied');
    holds(only(report, 'smjobbless-client'));
    holds(only(report, 'smjobbless-launchd'));
    assert.equal(report.verdict, 'satisfied');
  });

  it('a helper signed by another team fails the OU clause, with the team it has', async () => {
    const r = only((await run({ helper: { team: 'B' } })).report, 'smjobbless-helper');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `certificate leaf[subject.OU] = "${TEAM_A}"`);
    assert.match(r.fact!, new RegExp(`"${TEAM_B}"`));
    assert.equal(r.arch, 'x86_64');
  });

  it('every architecture: a universal helper whose arm64 slice has another team fails there only', async () => {
    const r = only((await run({ helper: { arm64Team: 'B' } })).report, 'smjobbless-helper');
    assert.equal(r.verdict, 'unsatisfied');
    assert.deepEqual(r.slices.map((s) => [s.arch, s.verdict]), [['x86_64', 'satisfied'], ['arm64', 'unsatisfied']]);
    assert.equal(r.arch, 'arm64');
    assert.equal(r.clause, `certificate leaf[subject.OU] = "${TEAM_A}"`);
    assert.deepEqual(r.check?.slices.map((s) => s.verdict), ['satisfied', 'unsatisfied']);
  });

  it('a helper with another identifier fails the identifier clause', async () => {
    const r = only((await run({ helper: { identifier: 'com.example.other' } })).report, 'smjobbless-helper');
    assert.equal(r.verdict, 'unsatisfied');
    assert.match(r.clause!, /^identifier /);
    assert.match(r.clause!, new RegExp(HELPER.replace(/\./g, '\\.')));
    assert.match(r.fact!, /com\.example\.other/);
  });

  it('a helper not where the label says is unsatisfied: no such file', async () => {
    const { report } = await run({ helper: { fileName: 'com.example.elsewhere' } });
    const r = only(report, 'smjobbless-helper');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `a helper at Tool.app/Contents/Library/LaunchServices/${HELPER} (the label's place)`);
    assert.equal(r.fact, 'no such file: the helper is not where the label says');
  });

  it('an app that fails every SMAuthorizedClients requirement', async () => {
    const r = only((await run({ helper: { clients: [requirementFor(APP_ID, TEAM_B)] } })).report, 'smjobbless-client');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.subject, 'Tool.app');
    assert.equal(r.against, `Tool.app/Contents/Library/LaunchServices/${HELPER}`);
    assert.equal(r.clause, `certificate leaf[subject.OU] = "${TEAM_B}"`);
  });

  it('one of several SMAuthorizedClients requirements is enough', async () => {
    const r = only((await run({ helper: { clients: [requirementFor(APP_ID, TEAM_B), requirementFor(APP_ID, TEAM_A)] } })).report, 'smjobbless-client');
    holds(r);
    assert.match(r.notes![0]!, /2 requirements in SMAuthorizedClients/);
  });

  it('a launchd Label that is not the label', async () => {
    const r = only((await run({ helper: { launchdLabel: 'com.example.wrong' } })).report, 'smjobbless-launchd');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `Label = "${HELPER}"`);
    assert.equal(r.fact, 'Label is "com.example.wrong"');
  });

  it('a clause only a Mac can decide is undetermined (exit 2), with the clause named', async () => {
    const app = await nextApp({ helper: { requirement: `identifier "${HELPER}" and anchor trusted` } });
    const r = only(await doctor(app.path), 'smjobbless-helper');
    assert.equal(r.verdict, 'undetermined');
    assert.equal(r.clause, 'anchor trusted');
    const out = await runCli(['doctor', app.path]);
    assert.equal(out.code, 2);
    assert.match(out.stdout, /^\? smjobbless-helper: .*: undetermined: anchor trusted \(x86_64\) — /m);
  });

  it('a requirement with errors cannot be checked (invalid), never satisfied', async () => {
    const r = only((await run({ helper: { requirement: 'identifier "x" and' } })).report, 'smjobbless-helper');
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.clause, 'the requirement can be parsed');
  });

  it('a tampered helper is invalid, never satisfied, and breaks the app\'s seal (exit 3)', async () => {
    const app = await nextApp({ helper: {} });
    const file = join(app.resourceRoot, 'Library', 'LaunchServices', HELPER);
    const bytes = readFileSync(file);
    bytes[0x1000]! ^= 1;
    writeFileSync(file, bytes);
    const report = await doctor(app.path);
    const r = only(report, 'smjobbless-helper');
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.clause, 'the signature verifies');
    assert.match(r.fact!, /page-hash-mismatch/);
    assert.equal(only(report, 'signature').verdict, 'invalid');
    assert.equal(report.verdict, 'invalid');
    assert.equal((await runCli(['doctor', app.path])).code, 3);
  });
});

describe('doctor: SMAppService', () => {
  it('BundleProgram present, signed by the app\'s team', async () => {
    const r = only((await run({ smappservice: {} })).report, 'smappservice');
    holds(r);
    assert.equal(r.subject, 'Tool.app/Contents/MacOS/daemon');
    assert.equal(r.via, 'Tool.app/Contents/Library/LaunchDaemons/com.example.app.daemon.plist');
  });

  it('a missing program', async () => {
    const r = only((await run({ smappservice: { missing: true } })).report, 'smappservice');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, 'BundleProgram "Contents/MacOS/daemon" exists in the bundle');
    assert.equal(r.fact, 'no file at Tool.app/Contents/MacOS/daemon');
  });

  it('a program signed by another team; its SpawnConstraint is judged on its own (spawn-constraint.test.ts)', async () => {
    const { report } = await run({ smappservice: { team: 'B', spawnConstraint: true } });
    const r = only(report, 'smappservice');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `team identifier = "${TEAM_A}"`);
    assert.equal(r.fact, `Tool.app/Contents/MacOS/daemon (x86_64) has team identifier "${TEAM_B}"`);
    assert.equal(r.notes, undefined);
    const c = only(report, 'spawn-constraint');
    assert.equal(c.verdict, 'unsatisfied');
    assert.equal(c.clause, `team-identifier = "${TEAM_A}"`);
  });
});

describe('doctor: XPC services, login items, app extensions', () => {
  it('all carry the app\'s team and identifier prefix', async () => {
    const { report } = await run({ xpc: {}, loginItem: {}, extension: {} });
    for (const k of ['xpc-service', 'login-item', 'app-extension'] as const) holds(only(report, k));
    assert.equal(only(report, 'xpc-service').subject, 'Tool.app/Contents/XPCServices/Service.xpc');
  });

  it('an XPC service of another team', async () => {
    const r = only((await run({ xpc: { team: 'B' } })).report, 'xpc-service');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `team identifier = "${TEAM_A}"`);
    assert.equal(r.fact, `Tool.app/Contents/XPCServices/Service.xpc (x86_64) has team identifier "${TEAM_B}"`);
  });

  it('an ad-hoc login item', async () => {
    const r = only((await run({ loginItem: { team: 'adhoc' } })).report, 'login-item');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.fact, 'Tool.app/Contents/Library/LoginItems/Launcher.app (x86_64) is ad-hoc signed without a team identifier');
  });

  it('an extension whose identifier is not prefixed by the app\'s', async () => {
    const r = only((await run({ extension: { identifier: 'org.other.share' } })).report, 'app-extension');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `identifier begins with "${APP_ID}."`);
    assert.equal(r.fact, 'identifier is "org.other.share"');
  });
});

describe('doctor: library validation', () => {
  it('a library of the same team, found through @rpath = @executable_path/../Frameworks', async () => {
    const r = only((await run({ library: {} })).report, 'library-validation');
    holds(r);
    assert.equal(r.subject, 'Tool.app/Contents/Frameworks/libfoo.dylib');
    assert.equal(r.against, 'Tool.app/Contents/MacOS/Tool');
  });

  it('a framework bundle (its Info.plist sealed by the library\'s signature) is judged as the bundle', async () => {
    const r = only((await run({ library: { framework: true } })).report, 'library-validation');
    holds(r);
    assert.equal(r.subject, 'Tool.app/Contents/Frameworks/Foo.framework/Foo');
    const bad = only((await run({ library: { framework: true, team: 'B' } })).report, 'library-validation');
    assert.equal(bad.verdict, 'unsatisfied');
    assert.equal(bad.fact, `Tool.app/Contents/Frameworks/Foo.framework/Foo (x86_64) has team identifier "${TEAM_B}"`);
  });

  it('libraries linked by libraries (@loader_path) are judged against the executable', async () => {
    const { report } = await run({ library: { child: 'adhoc' } });
    const rels = report.relationships.filter((r) => r.kind === 'library-validation');
    assert.deepEqual(rels.map((r) => [r.subject, r.against, r.verdict]), [
      ['Tool.app/Contents/Frameworks/libfoo.dylib', 'Tool.app/Contents/MacOS/Tool', 'satisfied'],
      ['Tool.app/Contents/Frameworks/libbar.dylib', 'Tool.app/Contents/MacOS/Tool', 'unsatisfied'],
    ]);
    assert.deepEqual(report.skipped, []);
  });

  it('an ad-hoc library under the hardened runtime', async () => {
    const r = only((await run({ library: { team: 'adhoc' } })).report, 'library-validation');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `team identifier = "${TEAM_A}"`);
    assert.equal(r.fact, 'Tool.app/Contents/Frameworks/libfoo.dylib (x86_64) is ad-hoc signed without a team identifier');
  });

  it('a library of another team', async () => {
    const r = only((await run({ library: { team: 'B' } })).report, 'library-validation');
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.fact, `Tool.app/Contents/Frameworks/libfoo.dylib (x86_64) has team identifier "${TEAM_B}"`);
  });

  it('platform code passes', async () => {
    holds(only((await run({ library: { team: 'adhoc', platform: true } })).report, 'library-validation'));
  });

  it('disable-library-validation: nothing to judge, and said so', async () => {
    const { report } = await run({ library: { team: 'adhoc', disableLibraryValidation: true } });
    assert.equal(report.relationships.filter((r) => r.kind === 'library-validation').length, 0);
    assert.deepEqual(report.skipped, [{ path: 'Tool.app/Contents/MacOS/Tool (x86_64)', reason: 'library validation is off (com.apple.security.cs.disable-library-validation)' }]);
    assert.equal(report.verdict, 'satisfied');
  });

  it('without the hardened runtime there is no library validation', async () => {
    const { report } = await run({ library: { team: 'adhoc', hardened: false } });
    assert.equal(report.relationships.filter((r) => r.kind === 'library-validation').length, 0);
  });

  it('every architecture: a library without the arm64 slice fails there only', async () => {
    const r = only((await run({ library: { appArches: ['x86_64', 'arm64'], arches: ['x86_64'] } })).report, 'library-validation');
    assert.equal(r.verdict, 'unsatisfied');
    assert.deepEqual(r.slices.map((s) => [s.arch, s.verdict]), [['x86_64', 'satisfied'], ['arm64', 'unsatisfied']]);
    assert.equal(r.arch, 'arm64');
    assert.equal(r.clause, 'the library has a arm64 slice');
  });
});

describe('csrl doctor: one bundle with every relationship', () => {
  const all: AppSpec = { helper: {}, smappservice: { spawnConstraint: true }, xpc: {}, loginItem: {}, extension: {}, library: {} };

  it('all hold: exit 0, one ✔ line each and the summary', async () => {
    const app = await nextApp(all);
    const out = await runCli(['doctor', app.path]);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('✔ ')).length, 10);
    assert.equal(lines.at(-1), 'result: satisfied (10 relationships: 10 satisfied)');
    assert.ok(lines.includes('✔ spawn-constraint: Tool.app/Contents/MacOS/daemon ← Tool.app'), out.stdout);
  });

  it('some fail: exit 1, ✘ lines name the clause and the fact; JSON and SARIF agree', async () => {
    const app = await nextApp({ ...all, helper: { team: 'B' }, library: { team: 'adhoc' }, smappservice: { missing: true } });
    const cwd = join(app.path, '..');
    const out = await runCli(['doctor', 'Tool.app'], { cwd });
    assert.equal(out.code, 1);
    assert.ok(
      out.stdout.includes(`✘ smjobbless-helper: Tool.app/Contents/Library/LaunchServices/${HELPER} ← Tool.app: not satisfied: certificate leaf[subject.OU] = "${TEAM_A}" (x86_64) — `),
      out.stdout,
    );
    assert.ok(out.stdout.includes('✘ smappservice: Tool.app/Contents/MacOS/daemon ← Tool.app: not satisfied: BundleProgram "Contents/MacOS/daemon" exists in the bundle — no file at Tool.app/Contents/MacOS/daemon\n'));
    assert.match(out.stdout, /\nresult: not satisfied \(9 relationships: 6 satisfied, 3 not satisfied\)\n$/);

    const json = await runCli(['doctor', '--json', 'Tool.app'], { cwd });
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as DoctorReport;
    assert.equal(report.verdict, 'unsatisfied');
    assert.deepEqual(report.counts, { satisfied: 6, unsatisfied: 3, undetermined: 0, invalid: 0 });
    assert.equal(report.teamIdentifier, TEAM_A);
    assert.deepEqual(report.relationships.filter((r) => r.verdict !== 'satisfied').map((r) => r.kind), ['smjobbless-helper', 'smappservice', 'library-validation']);

    const sarif = await runCli(['doctor', '--format', 'sarif', 'Tool.app'], { cwd });
    assert.equal(sarif.code, 1);
    const doc = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const validate = sarifValidator();
    assert.equal(validate(doc), true, JSON.stringify(validate.errors?.slice(0, 5)));
    assert.deepEqual(doc.runs[0]!.results.map((r) => [r.ruleId, r.level]), [['smjobbless-helper', 'error'], ['smappservice', 'error'], ['library-validation', 'error']]);
    assert.equal(doc.runs[0]!.results[1]!.locations[0]!.physicalLocation.artifactLocation.uri, 'Tool.app/Contents/MacOS/daemon');
  });

  it('cannot be read: exit 3; not a bundle: exit 3; usage: exit 64', async () => {
    const missing = await runCli(['doctor', inWorkspace('nothing.app')]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /no such file or directory/);
    const file = inWorkspace('plain');
    writeFileSync(file, 'not mach-o');
    assert.equal((await runCli(['doctor', file])).code, 3);
    const json = await runCli(['doctor', '--json', inWorkspace('nothing.app')]);
    assert.equal(json.code, 3);
    assert.equal((JSON.parse(json.stdout) as DoctorReport).error?.code, 'not-found');
    assert.equal((await runCli(['doctor'])).code, 64);
    assert.equal((await runCli(['doctor', '--format', 'xml', 'x'])).code, 64);
    const help = await runCli(['doctor', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n {2}csrl doctor build\/Tool\.app/);
  });

  it('inspected values stay on one line', async () => {
    const app = await nextApp({ xpc: { identifier: 'org.evil\n✔ fake: all good' } });
    const out = await runCli(['doctor', app.path]);
    assert.equal(out.code, 1);
    assert.ok(!out.stdout.split('\n').some((l) => l.startsWith('✔ fake')), out.stdout);
    assert.ok(out.stdout.includes('identifier is "org.evil\\n✔ fake: all good"'), out.stdout);
  });
});

