/** `csrl info` shows the constraints of slots 8–11 and the default designated LWCR, in text and JSON. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeDocument, lw, makeEnvelope, wrapConstraintBlob } from '../../lwcr/index.js';
import { makeMachO, signMachO } from '../signer/index.js';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/fixtures.js';

let dir: string;
const blob = (reqs: Parameters<typeof makeEnvelope>[0]) => wrapConstraintBlob(encodeDocument(makeEnvelope(reqs)));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'csrl-lwcr-info-'));
  const signed = signMachO(makeMachO({ codeSize: 9000 }), {
    identifier: 'com.example.constrained',
    adhoc: true,
    constraints: [
      { slot: 8, blob: blob(lw.dict({ 'launch-type': lw.int(3) })) },
      { slot: 9, blob: blob(lw.dict({ 'validation-category': lw.int(1) })) },
      { slot: 11, blob: blob(lw.dict({ $or: lw.dict({ 'team-identifier': lw.str('library') }) })) },
    ],
  });
  writeFileSync(join(dir, 'constrained'), signed);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('csrl info: launch and library constraints', () => {
  it('text: one block per slot, decoded, with the envelope values', async () => {
    const r = await runCli(['info', join(dir, 'constrained')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Constraint slot 8 \(launch-constraint-self\), \d+ bytes: ccat=0 comp=1 vers=1\n {2}\{ "launch-type": 3 \}/);
    assert.match(r.stdout, /Constraint slot 9 \(launch-constraint-parent\).*\n {2}\{ "validation-category": 1 \}/);
    assert.match(r.stdout, /Constraint slot 11 \(library-constraint\).*\n {2}\{ "\$or": \{ "team-identifier": "library" \} \}/);
    assert.match(r.stdout, /# default designated LWCR \(computed; validation category 10\): \{ "cdhash": \{ "\$in": \[\{"\$data": "[0-9a-f]{40}"\}\] \} \}/);
  });

  it('JSON: constraints with slot, kind, envelope and requirements; default designated LWCR', async () => {
    const r = await runCli(['info', '--json', join(dir, 'constrained')]);
    const s = JSON.parse(r.stdout).slices[0];
    assert.deepEqual(s.constraints.map((c: { slot: number; kind: string }) => [c.slot, c.kind]), [[8, 'launch-constraint-self'], [9, 'launch-constraint-parent'], [11, 'library-constraint']]);
    assert.deepEqual(s.constraints[0].requirements, { 'launch-type': '3' });
    assert.deepEqual(s.constraints[0].envelope, { derVersion: '1', vers: '1', comp: '1', ccat: '0', unknownKeys: [] });
    assert.equal(s.defaultDesignatedLwcr.validationCategory, 10);
    assert.equal(s.defaultDesignatedLwcr.requirements.cdhash.$in.length, 1);
  });

  it('Developer ID fixture: no constraints, default designated LWCR of category 6 per slice', async () => {
    const r = await runCli(['info', '--json', '--no-verify-pages', await fixture('@sentry/cli-darwin@3.8.0')]);
    const slices = JSON.parse(r.stdout).slices;
    for (const s of slices) {
      assert.deepEqual(s.constraints, []);
      assert.deepEqual(s.defaultDesignatedLwcr.requirements, { 'validation-category': '6', 'signing-identifier': s.identifier, 'team-identifier': '97JCY7859U' });
    }
  });
});
