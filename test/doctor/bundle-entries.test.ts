/**
 * The editor's "Check against the built bundle…" code lens: where the
 * entries of an Info.plist or a launchd plist are (language-service/
 * bundle-entries.ts), and how each is judged against a built bundle by the
 * doctor's functions (engine/doctor/entries.ts), on bundles made by the test
 * signer.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkBundleEntries } from '../../engine/doctor/entries.js';
import { locateBundleEntries } from '../../language-service/bundle-entries.js';
import { mightHoldBundleEntries } from '../../language-service/bundle-entries-filter.js';
import { APP_ID, HELPER, makeApp, requirementFor, SPAWN_CONSTRAINT, TEAM_A, TEAM_B, teams } from './fixtures.js';

const plist = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}</dict>\n</plist>\n`;

const APP_INFO = plist(`\t<key>CFBundleIdentifier</key>\n\t<string>${APP_ID}</string>\n\t<key>SMPrivilegedExecutables</key>\n\t<dict>\n\t\t<key>${HELPER}</key>\n\t\t<string>identifier &quot;${HELPER}&quot; and certificate leaf[subject.OU] = &quot;${TEAM_A}&quot;</string>\n\t\t<key>com.example.app.other</key>\n\t\t<string>identifier "com.example.app.other"</string>\n\t</dict>\n`);
const HELPER_INFO = plist(`\t<key>SMAuthorizedClients</key>\n\t<array>\n\t\t<string>${requirementFor(APP_ID, TEAM_B)}</string>\n\t\t<string>${requirementFor(APP_ID, TEAM_A)}</string>\n\t</array>\n`);
const LAUNCHD = plist(`\t<key>Label</key>\n\t<string>com.example.app.daemon</string>\n\t<key>BundleProgram</key>\n\t<string>Contents/MacOS/daemon</string>\n\t<key>SpawnConstraint</key>\n\t<dict>\n\t\t<key>team-identifier</key>\n\t\t<string>${TEAM_B}</string>\n\t</dict>\n`);

describe('code lens locating: entries of an Info.plist or a launchd plist', () => {
  it('SMPrivilegedExecutables: each label with its requirement (entities decoded) and the offsets of its <string> content', () => {
    const l = locateBundleEntries(APP_INFO)!;
    assert.equal(l.kind, 'info');
    assert.deepEqual(l.lensAt, [APP_INFO.indexOf('<key>SMPrivilegedExecutables</key>')]);
    assert.deepEqual(l.entries.map((e) => [e.kind, e.label, e.requirement]), [
      ['privileged', HELPER, `identifier "${HELPER}" and certificate leaf[subject.OU] = "${TEAM_A}"`],
      ['privileged', 'com.example.app.other', 'identifier "com.example.app.other"'],
    ]);
    const first = l.entries[0]!;
    assert.equal(APP_INFO.slice(first.start, first.end), `identifier &quot;${HELPER}&quot; and certificate leaf[subject.OU] = &quot;${TEAM_A}&quot;`);
  });

  it('SMAuthorizedClients: each requirement of the array, the lens above the key', () => {
    const l = locateBundleEntries(HELPER_INFO)!;
    assert.equal(l.kind, 'info');
    assert.deepEqual(l.lensAt, [HELPER_INFO.indexOf('<key>SMAuthorizedClients</key>')]);
    assert.deepEqual(l.entries.map((e) => [e.kind, e.requirement]), [['authorized', requirementFor(APP_ID, TEAM_B)], ['authorized', requirementFor(APP_ID, TEAM_A)]]);
    assert.equal(HELPER_INFO.slice(l.entries[1]!.start, l.entries[1]!.end), requirementFor(APP_ID, TEAM_A));
  });

  it('both keys in one file: a lens above each, in document order', () => {
    const both = plist(`\t<key>SMAuthorizedClients</key>\n\t<array>\n\t\t<string>anchor apple</string>\n\t</array>\n\t<key>SMPrivilegedExecutables</key>\n\t<dict>\n\t\t<key>x</key>\n\t\t<string>anchor apple</string>\n\t</dict>\n`);
    const l = locateBundleEntries(both)!;
    assert.deepEqual(l.lensAt, [both.indexOf('<key>SMAuthorizedClients</key>'), both.indexOf('<key>SMPrivilegedExecutables</key>')]);
    assert.deepEqual(l.entries.map((e) => e.kind), ['authorized', 'privileged']);
  });

  it('a launchd plist: BundleProgram\'s value and the SpawnConstraint key; the lens above the first of Label and the program key', () => {
    const l = locateBundleEntries(LAUNCHD)!;
    assert.equal(l.kind, 'launchd');
    assert.deepEqual(l.lensAt, [LAUNCHD.indexOf('<key>Label</key>')]);
    assert.deepEqual(l.entries.map((e) => [e.kind, LAUNCHD.slice(e.start, e.end)]), [
      ['launchd-program', 'Contents/MacOS/daemon'],
      ['spawn-constraint', '<key>SpawnConstraint</key>'],
    ]);
  });

  it('launchd keys count only at the top level of the root dictionary; comments are skipped', () => {
    const nested = plist(`\t<!-- <key>BundleProgram</key> -->\n\t<key>Label</key>\n\t<string>x</string>\n\t<key>Sockets</key>\n\t<dict>\n\t\t<key>BundleProgram</key>\n\t\t<string>no</string>\n\t</dict>\n`);
    assert.equal(locateBundleEntries(nested), undefined);
    const program = plist(`\t<key>Label</key>\n\t<string>x</string>\n\t<key>Program</key>\n\t<string>/usr/local/bin/tool</string>\n`);
    assert.deepEqual(locateBundleEntries(program)?.entries.map((e) => [e.kind, program.slice(e.start, e.end)]), [['launchd-program', '/usr/local/bin/tool']]);
  });

  it('nothing to check: no lens (other plists, empty keys, a huge file, plain text)', () => {
    assert.equal(locateBundleEntries(plist('\t<key>CFBundleIdentifier</key>\n\t<string>x</string>\n')), undefined);
    assert.equal(locateBundleEntries(plist('\t<key>SMPrivilegedExecutables</key>\n\t<dict/>\n')), undefined);
    assert.equal(locateBundleEntries('SMAuthorizedClients is a key'), undefined);
    assert.equal(mightHoldBundleEntries(APP_INFO + ' '.repeat(1 << 20)), false);
    assert.equal(mightHoldBundleEntries(APP_INFO), true);
    assert.equal(mightHoldBundleEntries(LAUNCHD), true);
  });

  it('bad input never throws: truncated and unbalanced XML', () => {
    for (const text of [APP_INFO.slice(0, 300), LAUNCHD.slice(0, 250), '<dict></dict></dict><key>Label</key><key>Program</key>', '<dict>'.repeat(10_000) + '<key>SMAuthorizedClients</key>']) {
      assert.doesNotThrow(() => locateBundleEntries(text));
    }
  });
});

describe('engine: plist entries against a built bundle (the doctor\'s functions)', () => {
  let dir: string;
  let app: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csrl-entries-'));
    teams();
    app = (await makeApp(join(dir, 'a'), { helper: { team: 'B' }, smappservice: { spawnConstraint: SPAWN_CONSTRAINT } })).path;
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('each SMPrivilegedExecutables entry as written (not as built) against the helper: ✘ with the clause and fact', async () => {
    const l = locateBundleEntries(APP_INFO)!;
    const out = await checkBundleEntries(app, l.entries.map((e) => ({ kind: 'privileged', label: e.label!, requirement: e.requirement! })), { source: 'Info.plist' });
    assert.equal(out.error, undefined);
    const [helper, other] = out.results.map((r) => r[0]!);
    assert.equal(helper!.kind, 'smjobbless-helper');
    assert.equal(helper!.verdict, 'unsatisfied');
    assert.equal(helper!.clause, `certificate leaf[subject.OU] = "${TEAM_A}"`);
    assert.match(helper!.fact!, new RegExp(`"${TEAM_B}"`));
    assert.equal(helper!.via, `Info.plist SMPrivilegedExecutables["${HELPER}"]`);
    assert.equal(other!.verdict, 'unsatisfied');
    assert.equal(other!.fact, 'no such file: the helper is not where the label says');
  });

  it('a requirement edited to match passes: the editor\'s text is what is judged', async () => {
    const out = await checkBundleEntries(app, [{ kind: 'privileged', label: HELPER, requirement: requirementFor(HELPER, TEAM_B) }]);
    assert.equal(out.results[0]![0]!.verdict, 'satisfied');
  });

  it('SMAuthorizedClients requirements against the bundle itself, one answer each', async () => {
    const l = locateBundleEntries(HELPER_INFO)!;
    const out = await checkBundleEntries(app, l.entries.map((e) => ({ kind: 'authorized', requirement: e.requirement! })), { source: 'Helper-Info.plist' });
    assert.deepEqual(out.results.map((r) => [r[0]!.kind, r[0]!.verdict, r[0]!.clause]), [
      ['smjobbless-client', 'unsatisfied', `certificate leaf[subject.OU] = "${TEAM_B}"`],
      ['smjobbless-client', 'satisfied', undefined],
    ]);
  });

  it('a launchd plist: its BundleProgram and its SpawnConstraint (as written) against the bundle', async () => {
    const out = await checkBundleEntries(app, [{ kind: 'launchd', plist: LAUNCHD }], { source: 'daemon.plist' });
    assert.deepEqual(out.results[0]!.map((r) => [r.kind, r.verdict, r.clause]), [
      ['smappservice', 'satisfied', undefined],
      ['spawn-constraint', 'unsatisfied', `team-identifier = "${TEAM_B}"`],
    ]);
    const broken = await checkBundleEntries(app, [{ kind: 'launchd', plist: LAUNCHD.slice(0, 200) }]);
    assert.equal(broken.results[0]![0]!.verdict, 'invalid');
    assert.equal(broken.results[0]![0]!.clause, 'the launchd plist can be read');
  });

  it('a path that is not a bundle: an error, nothing judged', async () => {
    const out = await checkBundleEntries(join(dir, 'missing.app'), [{ kind: 'authorized', requirement: 'anchor apple' }]);
    assert.equal(out.error?.code, 'not-found');
    assert.deepEqual(out.results, []);
  });
});
