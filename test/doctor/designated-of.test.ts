/**
 * `csrl check --designated-of OLD NEW`: Sparkle's rule that an update must
 * satisfy the old version's designated requirement, through the same engine
 * as `csrl check`, every architecture.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CheckResult } from '../../engine/result.js';
import { compile } from '../../grammar/codec/encode.js';
import { parse } from '../../grammar/parser.js';
import { makeBundle, requirementSet } from '../signer/index.js';
import { runCli } from '../support/cli.js';
import { APP_ID, signer, TEAM_A, TEAM_B } from './fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-designated-of-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const app = (where: string, team: 'A' | 'B' | 'adhoc', arches: ('x86_64' | 'arm64')[] = ['x86_64']) =>
  makeBundle(join(dir, where), { name: 'Tool', identifier: APP_ID, sign: signer(team), arches, macho: { codeSize: 5000 } });

describe('csrl check --designated-of OLD NEW', () => {
  it('an update signed by the same team satisfies the old implicit DR, on every slice', async () => {
    const old = await app('old1', 'A');
    const update = await app('new1', 'A', ['x86_64', 'arm64']);
    const out = await runCli(['check', '--designated-of', old.path, update.path]);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    assert.match(out.stdout, /^designated requirement of .*old1\/Tool\.app \(x86_64, implicit\): identifier "com\.example\.app" and certificate root = H"[0-9a-f]{40}"\n/);
    assert.match(out.stdout, /result: satisfied \(2 slices: 2 satisfied\)/);
    const json = await runCli(['check', '--json', '--designated-of', old.path, update.path]);
    const r = JSON.parse(json.stdout) as CheckResult & { designatedOf: { designated: { arch: string; implicit: boolean }[] } };
    assert.equal(r.verdict, 'satisfied');
    assert.deepEqual(r.slices.map((s) => s.arch), ['x86_64', 'arm64']);
    assert.deepEqual(r.designatedOf.designated.map((d) => [d.arch, d.implicit]), [['x86_64', true]]);
  });

  it('an update signed by another team does not: the anchor clause is named (exit 1)', async () => {
    const old = await app('old2', 'A');
    const update = await app('new2', 'B');
    const out = await runCli(['check', '--designated-of', old.path, update.path]);
    assert.equal(out.code, 1);
    assert.match(out.stdout, /✘ certificate root = H"[0-9a-f]{40}"/);
    assert.match(out.stdout, /result: not satisfied/);
  });

  it('an explicit designated requirement is the one used (team pinned by OU), every slice', async () => {
    const text = `identifier "${APP_ID}" and certificate leaf[subject.OU] = "${TEAM_A}"`;
    const bytes = compile(parse(text, { mode: 'single' }).document!).bytes!;
    const old = await makeBundle(join(dir, 'old4'), { name: 'Tool', identifier: APP_ID, sign: { ...signer('A'), requirements: requirementSet([[3, bytes]]) }, macho: { codeSize: 5000 } });
    const same = await runCli(['check', '--designated-of', old.path, (await app('new4a', 'A', ['x86_64', 'arm64'])).path]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, new RegExp(`\\(x86_64\\): identifier "com\\.example\\.app" and certificate leaf\\[subject\\.OU\\] = "?${TEAM_A}"?\\n`));
    const other = await runCli(['check', '--designated-of', old.path, (await app('new4b', 'B', ['x86_64', 'arm64'])).path]);
    assert.equal(other.code, 1);
    assert.match(other.stdout, new RegExp(`certificate leaf\\[subject\\.OU\\] is "${TEAM_B}"`));
    assert.match(other.stdout, /result: not satisfied \(2 slices: 2 not satisfied\)/);
  });

  it('an old version whose signature does not verify gives no requirement to trust (exit 3)', async () => {
    const old = await app('old3', 'A');
    const bytes = readFileSync(old.executable);
    bytes[0x1000]! ^= 1;
    writeFileSync(old.executable, bytes);
    const update = await app('new3', 'A');
    const out = await runCli(['check', '--designated-of', old.path, update.path]);
    assert.equal(out.code, 3);
    assert.match(out.stderr, /signature does not verify.*not trusted/);
  });

  it('usage: no -e/-r with it, and NEW is needed', async () => {
    assert.equal((await runCli(['check', '--designated-of', 'a', '-e', 'anchor apple', 'b'])).code, 64);
    assert.equal((await runCli(['check', '--designated-of', 'a'])).code, 64);
  });
});
