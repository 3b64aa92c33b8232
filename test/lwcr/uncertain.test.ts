/** Choices resting on uncertain facts (spec "(uncertain)"), each named so a correction shows up here first. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sliceFacts } from '../../engine/lwcr-facts.js';
import { CATEGORY_MARKERS } from '../../engine/lwcr-category.js';
import { CONTEXT_FACTS, decodeEnvelope, encodeDocument, ENVELOPE_DEFAULTS, JSON_DATA_KEY, KNOWN_CCAT, lw, makeEnvelope, QUERY_OPS } from '../../lwcr/index.js';
import type { SliceReport } from '../../validator/report.js';

describe('uncertain choices', () => {
  it('uncertain: the envelope we write is INTEGER 1, ccat 0, comp 1, vers 1 (vers = version, comp = compatible version)', () => {
    assert.deepEqual(ENVELOPE_DEFAULTS, { derVersion: 1n, vers: 1n, comp: 1n, ccat: 0n });
    const env = decodeEnvelope(encodeDocument(makeEnvelope(lw.dict({ a: lw.bool(true) }))));
    assert.deepEqual([env.derVersion, env.vers, env.comp, env.ccat], [1n, 1n, 1n, 0n]);
  });

  it('uncertain: ccat 17 and 255 are accepted without a warning (the framework accepts them; meaning unknown)', () => {
    assert.deepEqual([...KNOWN_CCAT.keys()], [0n, 17n, 255n]);
  });

  it('uncertain: $query ops 2, 12 and 13 are not executed (E 1); op 8 is a prefix match', () => {
    assert.deepEqual([...QUERY_OPS.values()].filter((o) => !o.executed).map((o) => o.opcode), [2, 12, 13]);
    assert.equal(QUERY_OPS.get(8)!.name, 'string prefix value allowed');
  });

  it('uncertain: the kernel defines every fact but team-identifier-for-current-process; on disk, no runtime launch facts', () => {
    assert.ok(!CONTEXT_FACTS.launch.has('team-identifier-for-current-process'));
    assert.ok(!CONTEXT_FACTS['on-disk'].has('launch-type') && !CONTEXT_FACTS['on-disk'].has('is-init-proc'));
  });

  it('uncertain: certificate markers for categories 5 and the VPN row are inferred, and marked so', () => {
    assert.deepEqual(CATEGORY_MARKERS.filter((r) => r.uncertain).map((r) => r.policy), ['IPHONE_DISTRIBUTION', 'IPHONE_VPN_PROD']);
  });

  it('uncertain: code without entitlements has the empty dictionary as its entitlements fact', () => {
    const slice = {
      facts: { arch: 'arm64', codeDirectories: [{ slot: 0, version: 0x20400, flags: 2, hashType: 'sha256', identifier: 'x', cdhash: new Uint8Array(32), platform: 0, pageSize: 4096, codeSlots: 1, specialSlots: 0, codeLimit: 1n }], certificates: [], adhoc: true, linkerSigned: false, cdhash: new Uint8Array(20), identifier: 'x' },
      signature: { specialSlots: [] },
    } as unknown as SliceReport;
    const f = sliceFacts(slice).get('entitlements')!;
    assert.ok(f.state === 'value' && f.value.kind === 'dict' && f.value.entries.length === 0 && f.uncertain);
  });

  it('csrl convention (not Apple): data in JSON is {"$data": hex}', () => {
    assert.equal(JSON_DATA_KEY, '$data');
  });
});
