/** `csrl lwcr parse|encode|decode` and `csrl check --lwcr/--lwcr-json`: output, diagnostics and exit codes. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeMachO, signMachO } from '../signer/index.js';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

const A_HEX = 'fade818100000059704f020101b04a30090c046363617402010030090c04636f6d7002010130270c0472657173b01f301d0c0f7465616d2d6964656e7469666965720c0a38584355553232534e3230090c0476657273020101';
let dir: string;
let sentry: string;
let adhoc: string;
let tampered: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csrl-lwcr-cli-'));
  sentry = await fixture('@sentry/cli-darwin@3.8.0');
  adhoc = join(dir, 'adhoc');
  writeFileSync(adhoc, signMachO(makeMachO({ codeSize: 9000 }), { identifier: 'com.example.lwcr', adhoc: true }));
  tampered = join(dir, 'tampered');
  writeFileSync(tampered, signMachO(makeMachO({ codeSize: 9000 }), { identifier: 'com.example.lwcr', adhoc: true, tamper: { pageByte: 5000 } }));
  writeFileSync(join(dir, 'c.plist'), '<?xml version="1.0"?>\n<plist version="1.0">\n<dict>\n\t<key>signing-identifier</key>\n\t<string>com.example.lwcr</string>\n\t<key>team-identifer</key>\n\t<string>X</string>\n</dict>\n</plist>\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('csrl lwcr', () => {
  it('--help has subcommands and examples; csrl lists the command', async () => {
    const r = await runCli(['lwcr', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /parse.*\n.*encode.*\n.*decode/s);
    assert.match(r.stdout, /Examples:/);
    assert.match((await runCli(['--help'])).stdout, /lwcr/);
    assert.equal((await runCli(['lwcr', 'frobnicate'])).code, 64);
  });

  it('parse: canonical JSON (keys sorted), --plist, exit 0', async () => {
    const r = await runCli(['lwcr', 'parse', '-e', '{"validation-category": 6, "team-identifier": "8XCUU22SN2"}']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '{\n  "team-identifier": "8XCUU22SN2",\n  "validation-category": 6\n}\n');
    assert.match((await runCli(['lwcr', 'parse', '--plist', '-e', '{"a": true}'])).stdout, /<key>a<\/key>\n\t<true\/>/);
  });

  it('parse: diagnostics as FILE:LINE:COL: error: … [LWxxx], exit 1', async () => {
    const r = await runCli(['lwcr', 'parse', 'c.plist'], { cwd: dir });
    assert.equal(r.code, 0, 'an unknown fact is deferred to evaluation (E 5), so the file still parses');
    assert.match(r.stderr, /^c\.plist:6:2: error: unknown fact "team-identifer" \(E 5\) \[LW010\]$/m);
    const bad = await runCli(['lwcr', 'parse', '-e', '{"launch-type": {"$gt": 1, "$lt": 5}}']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^<text>:1:17: error: .*\[LW030\]$/m);
    const syntax = await runCli(['lwcr', 'parse', '-e', '{"a": 1.5}']);
    assert.equal(syntax.code, 1);
    assert.match(syntax.stderr, /\[LW001\]/);
  });

  it('encode: the spec\'s example A byte for byte (--hex, binary, --der, --requirement-blob); binary refused on a terminal', async () => {
    const e = ['-e', '{"team-identifier": "8XCUU22SN2"}'];
    assert.equal((await runCli(['lwcr', 'encode', '--hex', ...e])).stdout, A_HEX + '\n');
    assert.equal(Buffer.from((await runCli(['lwcr', 'encode', ...e])).stdoutBytes).toString('hex'), A_HEX);
    assert.equal((await runCli(['lwcr', 'encode', '--hex', '--der', ...e])).stdout, A_HEX.slice(16) + '\n');
    assert.match((await runCli(['lwcr', 'encode', '--hex', '--requirement-blob', ...e])).stdout, /^fade0c000000006400000002/);
    assert.equal((await runCli(['lwcr', 'encode', ...e], { tty: true })).code, 64);
    assert.equal((await runCli(['lwcr', 'encode', '--hex', '-e', '{"launch-type": {"$or": {}}}'])).code, 1);
  });

  it('decode: the envelope as JSON; --reqs; --plist; from stdin bytes', async () => {
    const r = await runCli(['lwcr', 'decode', '-e', A_HEX]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), { 'der-version': 1, ccat: 0, comp: 1, reqs: { 'team-identifier': '8XCUU22SN2' }, vers: 1 });
    assert.deepEqual(JSON.parse((await runCli(['lwcr', 'decode', '--reqs', '-'], { stdin: Buffer.from(A_HEX, 'hex') })).stdout), { 'team-identifier': '8XCUU22SN2' });
    assert.match((await runCli(['lwcr', 'decode', '--plist', '-e', A_HEX])).stdout, /<string>8XCUU22SN2<\/string>/);
    assert.equal((await runCli(['lwcr', 'decode', '-e', 'fade717200000008'])).code, 1);
  });
});

describe('csrl check --lwcr / --lwcr-json: exit codes and JSON as classic checks', () => {
  it('0 satisfied, 1 unsatisfied, 2 undetermined (runtime fact), on the Developer ID fixture', async () => {
    const base = ['check', '--no-verify-pages'];
    assert.equal((await runCli([...base, '--lwcr-json', '{"team-identifier": "97JCY7859U", "validation-category": 6}', sentry])).code, 0);
    const no = await runCli([...base, '--lwcr-json', '{"team-identifier": "ABCDE12345"}', sentry]);
    assert.equal(no.code, 1);
    assert.match(no.stdout, /✘ team-identifier = "ABCDE12345"/);
    assert.equal((await runCli([...base, '--lwcr-json', '{"launch-type": 3}', sentry])).code, 2);
  });

  it('--json: verdict, requirement, path, slices with a tree (language "lwcr")', async () => {
    const r = await runCli(['check', '--json', '--lwcr-json', '{"signing-identifier": "com.example.lwcr"}', 'adhoc'], { cwd: dir });
    assert.equal(r.code, 0);
    const j = JSON.parse(r.stdout);
    assert.equal(j.verdict, 'satisfied');
    assert.equal(j.language, 'lwcr');
    assert.equal(j.path, 'adhoc');
    assert.equal(j.slices[0].tree.children[0].clause, 'signing-identifier = "com.example.lwcr"');
  });

  it('3: invalid signature, requirement errors, not Mach-O; --lwcr FILE reads plists; 64 on usage errors', async () => {
    assert.equal((await runCli(['check', '--lwcr-json', '{"signing-identifier": "com.example.lwcr"}', tampered])).code, 3);
    const bad = await runCli(['check', '--json', '--lwcr-json', '{"launch-type": {"$or": {"$lt": 3}}}', adhoc]);
    assert.equal(bad.code, 3);
    assert.equal(JSON.parse(bad.stdout).error.code, 'requirement-invalid');
    assert.equal((await runCli(['check', '--lwcr', 'c.plist', 'c.plist'], { cwd: dir })).code, 3);
    assert.equal((await runCli(['check', '--lwcr', 'c.plist', 'adhoc'], { cwd: dir })).code, 1, 'unknown fact outside $optional: E 5, no match');
    assert.equal((await runCli(['check', '-e', 'anchor apple', '--lwcr-json', '{}', adhoc])).code, 64);
    assert.equal((await runCli(['check', '--lwcr-json', '{"a": true}', '--pid', 'one'])).code, 64, 'a PID that is not a number');
  });
});

describe('csrl lwcr from-classic / to-classic', () => {
  it('from-classic: Developer ID form → LWCR JSON, exit 0; a refusal → exit 1 with the reason at its position', async () => {
    const r = await runCli(['lwcr', 'from-classic', '-e', 'identifier "com.example.tool" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { 'signing-identifier': 'com.example.tool', 'team-identifier': 'ABCDE12345', 'validation-category': 6 });
    const no = await runCli(['lwcr', 'from-classic', '-e', 'identifier a and ! identifier b']);
    assert.equal(no.code, 1);
    assert.match(no.stderr, /^<text>:1:18: error: refused: not: LWCRs have no negation$/m);
  });

  it('to-classic: LWCR → classic text that csrl parse accepts; category 10 refused', async () => {
    const r = await runCli(['lwcr', 'to-classic', '-e', '{"signing-identifier": {"$in": ["a", "b"]}, "platform-identifier": 2}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '(platform 2 and (identifier "a" or identifier "b"))\n');
    assert.equal((await runCli(['parse', '-e', r.stdout.trim()])).code, 0);
    assert.equal((await runCli(['lwcr', 'to-classic', '-e', '{"validation-category": 10}'])).code, 1);
  });
});
