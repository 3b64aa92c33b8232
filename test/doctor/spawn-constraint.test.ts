/**
 * `csrl doctor`: an SMAppService plist's SpawnConstraint evaluated against
 * its BundleProgram by the LWCR engine (as launchd evaluates it, context
 * `launch`), on bundles made by the test signer: the exact verdict, clause
 * and fact, and the CLI line.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { doctor, type DoctorReport } from '../../engine/doctor/doctor.js';
import { runCli } from '../support/cli.js';
import { DAEMON_ID, appWorkspace, onlyRelationship, TEAM_A, TEAM_B, type AppSpec } from './fixtures.js';

const { nextApp } = appWorkspace('csrl-doctor-spawn-');
const only = onlyRelationship;

async function run(spec: AppSpec): Promise<{ path: string; report: DoctorReport }> {
  const app = await nextApp(spec);
  return { path: app.path, report: await doctor(app.path) };
}

const constraint = async (value: unknown, spec: Omit<NonNullable<AppSpec['smappservice']>, 'spawnConstraint'> = {}) => only((await run({ smappservice: { ...spec, spawnConstraint: value } })).report, 'spawn-constraint');

const PROGRAM = 'Tool.app/Contents/MacOS/daemon';
const VIA = 'Tool.app/Contents/Library/LaunchDaemons/com.example.app.daemon.plist SpawnConstraint';

describe('doctor: SpawnConstraint through the LWCR engine', () => {
  it('a constraint the program meets (team and signing identifier) is satisfied, with the LWCR check attached', async () => {
    const r = await constraint({ 'team-identifier': TEAM_A, 'signing-identifier': DAEMON_ID });
    assert.equal(r.verdict, 'satisfied');
    assert.equal(r.subject, PROGRAM);
    assert.equal(r.against, 'Tool.app');
    assert.equal(r.via, VIA);
    assert.equal(r.rule, `{ "team-identifier": "${TEAM_A}", "signing-identifier": "${DAEMON_ID}" }`);
    assert.equal(r.clause, undefined);
    assert.equal(r.lwcrCheck?.language, 'lwcr');
    assert.equal(r.lwcrCheck?.slices[0]?.tree?.verdict, 'true');
  });

  it('another team: unsatisfied, the failing fact clause and the team the program has', async () => {
    const r = await constraint({ 'team-identifier': TEAM_B });
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.arch, 'x86_64');
    assert.equal(r.clause, `team-identifier = "${TEAM_B}"`);
    assert.equal(r.fact, `team-identifier is "${TEAM_A}" (team identifier of the CodeDirectory (sha256))`);
  });

  it('an $and stops at its first false clause, in the sorted order the OS evaluates', async () => {
    // Written team first; evaluated signing-identifier first (sorted keys), which fails first.
    const r = await constraint({ 'team-identifier': TEAM_B, 'signing-identifier': 'com.example.other' });
    assert.equal(r.clause, 'signing-identifier = "com.example.other"');
    assert.equal(r.fact, `signing-identifier is "${DAEMON_ID}" (identifier of the CodeDirectory (sha256))`);
  });

  it('an $or where no clause holds names every clause and every fact', async () => {
    const r = await constraint({ $or: { 'team-identifier': TEAM_B, 'signing-identifier': 'x' } });
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, `one of: signing-identifier = "x", team-identifier = "${TEAM_B}"`);
    assert.equal(r.fact, `signing-identifier is "${DAEMON_ID}" (identifier of the CodeDirectory (sha256)); team-identifier is "${TEAM_A}" (team identifier of the CodeDirectory (sha256))`);
  });

  it('an $or with a clause that holds is satisfied', async () => {
    assert.equal((await constraint({ $or: { 'team-identifier': TEAM_B, 'signing-identifier': DAEMON_ID } })).verdict, 'satisfied');
  });

  it('a fact only launchd knows at spawn (launch-type) is undetermined, with why', async () => {
    const r = await constraint({ 'team-identifier': TEAM_A, 'launch-type': 1 });
    assert.equal(r.verdict, 'undetermined');
    assert.equal(r.clause, 'launch-type = 1');
    assert.match(r.fact!, /set by whoever spawns the process .*\[runtime-fact\]$/);
  });

  it('an unknown fact is E 5 at evaluation: unsatisfied (the OS refuses the spawn)', async () => {
    const r = await constraint({ 'team-identifier': TEAM_A, frobnicate: 1 });
    assert.equal(r.verdict, 'unsatisfied');
    assert.equal(r.clause, 'frobnicate = 1');
    assert.equal(r.fact, 'unknown fact "frobnicate" (E 5: undefined fact)');
  });

  it('an unknown fact under $optional is ignored', async () => {
    assert.equal((await constraint({ 'team-identifier': TEAM_A, $optional: { frobnicate: 1 } })).verdict, 'satisfied');
  });

  it('a constraint with an error the OS raises on parsing is invalid: nothing evaluated', async () => {
    const r = await constraint({ $or: [{ 'team-identifier': TEAM_A }] });
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.clause, 'the SpawnConstraint can be parsed');
    assert.equal(r.fact, 'the SpawnConstraint has errors: $or takes a dictionary, not an array (E 3)');
    assert.equal(r.lwcrCheck, undefined);
  });

  it('a SpawnConstraint that is not a dictionary, or holds a <real>, is invalid (never evaluated without the value)', async () => {
    const s = await constraint('team');
    assert.equal(s.verdict, 'invalid');
    assert.equal(s.fact, 'SpawnConstraint is a string, not a dictionary (launchd: spawn constraint malformed, E 2)');
    // Dropping the real would leave {} — which every program satisfies: fail closed instead.
    const r = await constraint({ 'team-identifier': TEAM_A, 'launch-type': 1.5 });
    assert.equal(r.verdict, 'invalid');
    assert.equal(r.fact, 'SpawnConstraint.launch-type is a real number, which a lightweight code requirement cannot hold (launchd: spawn constraint malformed, E 2)');
  });

  it('an ad-hoc program: team-identifier is an undefined fact (E 5)', async () => {
    const r = await constraint({ 'team-identifier': TEAM_A }, { team: 'adhoc' });
    assert.equal(r.verdict, 'unsatisfied');
    assert.match(r.fact!, /no team identifier \(E 5: undefined fact\)$/);
  });

  it('a missing program: the constraint is not evaluated, and a note says so', async () => {
    const { report } = await run({ smappservice: { missing: true, spawnConstraint: true } });
    assert.equal(report.relationships.filter((r) => r.kind === 'spawn-constraint').length, 0);
    assert.deepEqual(only(report, 'smappservice').notes, ['SpawnConstraint: not checked (the program could not be judged)']);
  });

  it('csrl doctor prints the verdict, the clause, the slice and the fact on the line, and exits 1', async () => {
    const app = await nextApp({ smappservice: { spawnConstraint: { 'team-identifier': TEAM_B } } });
    const out = await runCli(['doctor', app.path]);
    assert.equal(out.code, 1, out.stderr);
    const line = out.stdout.split('\n').find((l) => l.includes('spawn-constraint'));
    assert.equal(line, `✘ spawn-constraint: ${PROGRAM} ← Tool.app: not satisfied: team-identifier = "${TEAM_B}" (x86_64) — team-identifier is "${TEAM_A}" (team identifier of the CodeDirectory (sha256))`);
  });
});
