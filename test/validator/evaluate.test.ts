/**
 * The evaluator, opcode by opcode (spec §5.3), slot arithmetic (§5.1),
 * three-valued logic, and the explanations, over hand-built ASTs and
 * synthetic CodeFacts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from '../../grammar/ast.js';
import { NO_RANGE } from '../../grammar/ast.js';
import { fromHex } from '../../grammar/bytes.js';
import { evaluate, MAX_EVAL_DEPTH, type EvalNode } from '../../validator/evaluate/evaluate.js';
import { APPLE_ROOTS } from '../../validator/evaluate/apple-roots.js';
import {
  absent,
  and,
  anchorApple,
  anchorAppleGeneric,
  appleRoot,
  cd,
  cdhash,
  cert,
  certDate,
  certField,
  certGeneric,
  certHash,
  certPolicy,
  DEVID_APP_LEAF,
  DEVID_CA_MARKER,
  developerIdChain,
  developerIdFacts,
  dm,
  exists,
  F,
  facts,
  ident,
  m,
  not,
  or,
  platform,
  T,
  U,
  utf8StringDer,
} from './evaluate-ast.js';

const R = NO_RANGE;
const verdict = (e: Expr, f = developerIdFacts()) => evaluate(e, f).verdict;

describe('three-valued logic (both operands always evaluated)', () => {
  const values: [string, Expr][] = [
    ['true', T],
    ['false', F],
    ['undetermined', U],
  ];
  const AND: Record<string, string> = {
    'true,true': 'true', 'true,false': 'false', 'true,undetermined': 'undetermined',
    'false,true': 'false', 'false,false': 'false', 'false,undetermined': 'false',
    'undetermined,true': 'undetermined', 'undetermined,false': 'false', 'undetermined,undetermined': 'undetermined',
  };
  const OR: Record<string, string> = {
    'true,true': 'true', 'true,false': 'true', 'true,undetermined': 'true',
    'false,true': 'true', 'false,false': 'false', 'false,undetermined': 'undetermined',
    'undetermined,true': 'true', 'undetermined,false': 'undetermined', 'undetermined,undetermined': 'undetermined',
  };
  for (const [a, ea] of values) {
    for (const [b, eb] of values) {
      it(`${a} and ${b} = ${AND[`${a},${b}`]}`, () => {
        const n = evaluate(and(ea, eb), developerIdFacts());
        assert.equal(n.verdict, AND[`${a},${b}`]);
        assert.deepEqual(n.children.map((c) => c.verdict), [a, b], 'both operands are evaluated');
      });
      it(`${a} or ${b} = ${OR[`${a},${b}`]}`, () => {
        const n = evaluate(or(ea, eb), developerIdFacts());
        assert.equal(n.verdict, OR[`${a},${b}`]);
        assert.deepEqual(n.children.map((c) => c.verdict), [a, b]);
      });
    }
    it(`! ${a}`, () => {
      assert.equal(verdict(not(ea)), { true: 'false', false: 'true', undetermined: 'undetermined' }[a]);
    });
  }
  it('an and-chain names the clause that failed', () => {
    const e = and(ident('com.example.app'), and(anchorAppleGeneric, certField(0, 'subject.OU', m('equal', 'ZZZZZ99999'))));
    const n = evaluate(e, developerIdFacts());
    assert.equal(n.verdict, 'false');
    assert.equal(n.explanation, 'certificate leaf[subject.OU] = ZZZZZ99999 does not hold');
  });
  it('an undetermined and carries the reason of the undecidable clause', () => {
    const n = evaluate(and(T, U), developerIdFacts());
    assert.equal(n.reason, 'needs-notarization-ticket');
  });
  it(`nesting deeper than ${MAX_EVAL_DEPTH} is false, as Apple rejects it`, () => {
    let e: Expr = T;
    for (let i = 0; i < MAX_EVAL_DEPTH + 5; i++) e = not(e);
    let n: EvalNode = evaluate(e, developerIdFacts());
    for (let i = 0; i < MAX_EVAL_DEPTH; i++) n = n.children[0]!;
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /nested deeper/);
  });
});

describe('identifier, cdhash, platform (need a CodeDirectory)', () => {
  it('identifier is exact and case-sensitive', () => {
    assert.equal(verdict(ident('com.example.app')), 'true');
    const n = evaluate(ident('com.example.App'), developerIdFacts());
    assert.equal(n.verdict, 'false');
    assert.equal(n.explanation, 'identifier is "com.example.app", expected "com.example.App" (exact, case-sensitive)');
  });
  it('unsigned code has no identifier, cdhash or platform', () => {
    const u = facts({ codeDirectories: [], identifier: undefined, cdhash: undefined });
    assert.equal(verdict(ident('com.example.app'), u), 'false');
    assert.equal(verdict(cdhash('00'.repeat(20)), u), 'false');
    assert.equal(verdict(platform(0), u), 'false');
  });
  it('cdhash compares the 20-byte truncated hash of the strongest CodeDirectory', () => {
    const sha1 = cd({ slot: 0, hashType: 'sha1', cdhash: fromHex('82e2083db6c8eb4fbee36d64afd4c7f0050d08e1') });
    const sha256 = cd({ slot: 0x1000, hashType: 'sha256', cdhash: fromHex('fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d') });
    const f = facts({ codeDirectories: [sha1, sha256] });
    assert.equal(verdict(cdhash('fb7456d66f318cc57583575b7f4700fe117644c1'), f), 'true');
    assert.equal(verdict(cdhash('82e2083db6c8eb4fbee36d64afd4c7f0050d08e1'), f), 'false');
    // A full-length hash is never equal to the truncated one.
    assert.equal(verdict(cdhash('fb7456d66f318cc57583575b7f4700fe117644c1f3d7c45f0e73bca61879792d'), f), 'false');
  });
  it('platform compares the CodeDirectory platform byte', () => {
    assert.equal(verdict(platform(0)), 'true');
    assert.equal(verdict(platform(2)), 'false');
    assert.equal(verdict(platform(2), facts({ codeDirectories: [cd({ platform: 2 })] })), 'true');
  });
});

describe('certificate slot arithmetic (chain of 3: leaf, CA, root)', () => {
  const chain = developerIdChain();
  const f = developerIdFacts();
  const table: [number, number | undefined][] = [
    [0, 0],
    [1, 1],
    [2, 2],
    [3, undefined],
    [100, undefined],
    [-1, 2],
    [-2, 1],
    [-3, 0],
    [-4, undefined],
    [-2147483648, undefined],
  ];
  for (const [slot, expected] of table) {
    it(`slot ${slot} is ${expected === undefined ? 'missing' : `certificate ${expected}`}`, () => {
      for (let i = 0; i < chain.length; i++) {
        const got = verdict(certHash(slot, chain[i]!.sha1), f);
        assert.equal(got, i === expected ? 'true' : 'false', `hash of certificate ${i}`);
      }
    });
  }
  it('a missing slot explains the arithmetic', () => {
    const n = evaluate(certField(-4, 'subject.CN', absent()), f);
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /-4 \+ 3 = -1 is outside 0…2/);
    assert.match(n.explanation, /false even with absent/);
  });
  it('a hash that is not 20 bytes is false (Apple rejects it)', () => {
    assert.equal(verdict({ kind: 'certHash', range: R, slot: { range: R, index: 0, spelling: 'leaf' }, hash: new Uint8Array(19) }, f), 'false');
  });
});

describe('certificate subject fields', () => {
  it('reports the value and the expectation (the brief\'s example)', () => {
    const n = evaluate(certField(0, 'subject.OU', m('equal', 'ABCDE12345')), developerIdFacts({ certificates: developerIdChain('97JCY7859U') }));
    assert.equal(n.verdict, 'false');
    assert.equal(n.explanation, 'certificate leaf[subject.OU] is "97JCY7859U", expected "ABCDE12345"');
  });
  it('every recognised name reads its attribute', () => {
    const leaf = cert({ subject: [['C', 'US'], ['CN', 'n'], ['D', 'd'], ['L', 'l'], ['O', 'o'], ['OU', 'ou'], ['ST', 'st'], ['STREET', 'street'], ['UID', 'uid'], ['2.5.4.10.1', 'co'], ['2.5.4.11.1', 'cou'], ['2.5.4.8.1', 'cst'], ['2.5.4.9.1', 'cstreet']] });
    const f = facts({ certificates: [leaf, appleRoot()] });
    const names: [string, string][] = [['C', 'US'], ['CN', 'n'], ['D', 'd'], ['L', 'l'], ['O', 'o'], ['OU', 'ou'], ['ST', 'st'], ['STREET', 'street'], ['UID', 'uid'], ['C-O', 'co'], ['C-OU', 'cou'], ['C-ST', 'cst'], ['C-STREET', 'cstreet']];
    for (const [name, value] of names) {
      assert.equal(verdict(certField(0, `subject.${name}`, m('equal', value)), f), 'true', name);
      assert.equal(verdict(certField(0, `subject.${name}`, m('equal', `${value}x`)), f), 'false', name);
    }
  });
  it('the last occurrence of a repeated attribute wins', () => {
    const leaf = cert({ subject: [['OU', 'FIRST'], ['OU', 'LAST']] });
    const f = facts({ certificates: [leaf] });
    assert.equal(verdict(certField(0, 'subject.OU', m('equal', 'LAST')), f), 'true');
    assert.equal(verdict(certField(0, 'subject.OU', m('equal', 'FIRST')), f), 'false');
  });
  it('a missing attribute is false even with absent', () => {
    const f = developerIdFacts();
    const n = evaluate(certField(0, 'subject.L', absent()), f);
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /has no subject L attribute/);
  });
  it('an unrecognised subject name is always false', () => {
    for (const name of ['subject.cn', 'subject.EMAIL', 'subject.SERIALNUMBER', 'subject.']) {
      const n = evaluate(certField(0, name, exists()), developerIdFacts());
      assert.equal(n.verdict, 'false', name);
    }
    assert.match(evaluate(certField(0, 'subject.cn', exists()), developerIdFacts()).explanation, /not a subject field/);
  });
  it('the email key matches the array of e-mail addresses', () => {
    const f = facts({ certificates: [cert({ emails: ['a@example.com', 'b@example.com'] })] });
    assert.equal(verdict(certField(0, 'email', m('equal', 'b@example.com')), f), 'true');
    assert.equal(verdict(certField(0, 'email', m('equal', 'c@example.com')), f), 'false');
    assert.equal(verdict(certField(0, 'email', exists()), facts({ certificates: [cert()] })), 'true', 'an empty array exists');
  });
  it('string operators apply to subject values', () => {
    const f = developerIdFacts();
    assert.equal(verdict(certField(0, 'subject.CN', m('beginsWith', 'Developer ID Application:')), f), 'true');
    assert.equal(verdict(certField(0, 'subject.CN', m('endsWith', '(ABCDE12345)')), f), 'true');
    assert.equal(verdict(certField(0, 'subject.CN', m('contains', 'developer')), f), 'false');
  });
});

describe('field./extension. and policy.: presence only', () => {
  const f = developerIdFacts();
  it('exists on a present extension (the brief\'s wording)', () => {
    const n = evaluate(certGeneric(1, DEVID_CA_MARKER), f);
    assert.equal(n.verdict, 'true');
    assert.equal(n.explanation, 'certificate 1 "Developer ID Certification Authority" has extension 1.2.840.113635.100.6.2.6 (Developer ID Certification Authority marker)');
  });
  it('a missing extension names the OID\'s meaning', () => {
    const n = evaluate(certGeneric(1, '1.2.840.113635.100.6.2.1'), f);
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /has no extension 1\.2\.840\.113635\.100\.6\.2\.1 \(WWDR intermediate marker/);
  });
  const cases: [string, Expr, string][] = [
    ['absent on a missing extension', certGeneric(0, '1.2.3.4', absent()), 'true'],
    ['absent on a present extension', certGeneric(0, DEVID_APP_LEAF, absent()), 'false'],
    ['= on a present extension never holds', certGeneric(0, DEVID_APP_LEAF, m('equal', 'x')), 'false'],
    ['> on a present extension never holds', certGeneric(0, DEVID_APP_LEAF, m('greaterThan', '')), 'false'],
    ['no certificate at the slot is false even with absent', certGeneric(5, '1.2.3.4', absent()), 'false'],
    ['an empty OID is never present', { kind: 'certGeneric', range: R, slot: { range: R, index: 0, spelling: 'leaf' }, oid: { range: R, bytes: new Uint8Array(0), text: '42' }, prefix: 'field', match: exists() }, 'false'],
    ['policy present', certPolicy(0, '1.2.840.113635.100.5.1'), 'true'],
    ['policy missing', certPolicy(1, '1.2.840.113635.100.5.1'), 'false'],
    ['policy absent', certPolicy(1, '1.2.840.113635.100.5.1', absent()), 'true'],
    ['policy = never holds', certPolicy(0, '1.2.840.113635.100.5.1', m('equal', 'x')), 'false'],
  ];
  const withPolicy = developerIdFacts({ certificates: [cert({ subject: [['OU', 'ABCDE12345']], extensions: [DEVID_APP_LEAF], policies: ['1.2.840.113635.100.5.1'] }), ...developerIdChain().slice(1)] });
  for (const [name, e, want] of cases) {
    it(`${name}: ${want}`, () => assert.equal(verdict(e, withPolicy), want));
  }
  it('presence with an extension written in a lax (non-canonical) form still compares as contents octets', () => {
    // 1.2.840.113635.100.6.2.6 written with a leading zero arc is the same integer, hence the same bytes.
    assert.equal(verdict(certGeneric(1, '1.2.840.113635.100.6.2.06'), f), 'true');
  });
});

describe('timestamp. dates', () => {
  const DATE_OID = '1.2.840.113635.100.6.1.33';
  const withDate = (der: Uint8Array) => developerIdFacts({ certificates: developerIdChain('ABCDE12345', { extensionValues: { [DATE_OID]: der } }) });
  it('compares the GeneralizedTime in the UTF8String', () => {
    const f = withDate(utf8StringDer('20180101000000Z'));
    assert.equal(verdict(certDate(0, DATE_OID, dm('before', '20190408000000Z')), f), 'true');
    assert.equal(verdict(certDate(0, DATE_OID, dm('onOrAfter', '20190408000000Z')), f), 'false');
    assert.equal(verdict(certDate(0, DATE_OID, exists()), f), 'true');
    assert.equal(verdict(certDate(0, DATE_OID, absent()), f), 'false');
  });
  it('a missing extension is absent', () => {
    assert.equal(verdict(certDate(0, DATE_OID, absent())), 'true');
    assert.equal(verdict(certDate(0, DATE_OID, exists())), 'false');
  });
  it('no certificate at the slot also counts as absent (unlike every other certificate op)', () => {
    const n = evaluate(certDate(7, DATE_OID, absent()), developerIdFacts());
    assert.equal(n.verdict, 'true');
    assert.equal(verdict(certDate(0, DATE_OID, absent()), facts()), 'true');
  });
  it('a value that is not a UTF8String, bad text, or the zero time counts as absent', () => {
    const printable = Uint8Array.from([0x13, 15, ...new TextEncoder().encode('20180101000000Z')]);
    for (const der of [printable, utf8StringDer('2018-01-01'), utf8StringDer('20011301000000Z'), utf8StringDer('20010101000000Z'), new Uint8Array([0x0c, 0x50])]) {
      assert.equal(verdict(certDate(0, DATE_OID, absent()), withDate(der)), 'true');
      assert.equal(verdict(certDate(0, DATE_OID, exists()), withDate(der)), 'false');
    }
  });
  it('a string comparison on a date never holds', () => {
    assert.equal(verdict(certDate(0, DATE_OID, m('equal', '20180101000000Z')), withDate(utf8StringDer('20180101000000Z'))), 'false');
  });
});

describe('anchor apple generic: SHA-256 table of Apple roots', () => {
  for (const root of APPLE_ROOTS) {
    it(`accepts ${root.name}`, () => {
      const chain = [...developerIdChain().slice(0, 2), cert({ subject: [['CN', root.name]], sha256: root.sha256 })];
      const n = evaluate(anchorAppleGeneric, developerIdFacts({ certificates: chain }));
      assert.equal(n.verdict, 'true');
      assert.match(n.explanation, new RegExp(`the anchor is ${root.name.replace(/[-]/g, '\\-')}`));
    });
  }
  it('rejects a self-made root with Apple\'s name', () => {
    const fake = cert({ subject: [['CN', 'Apple Root CA'], ['O', 'Apple Inc.']] });
    const n = evaluate(anchorAppleGeneric, developerIdFacts({ certificates: [...developerIdChain().slice(0, 2), fake] }));
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /not an Apple root/);
  });
  it('is false without a chain', () => assert.equal(verdict(anchorAppleGeneric, facts({ adhoc: true })), 'false'));
  it('looks only at the anchor, not at intermediates', () => {
    const chain = [appleRoot(), cert({ subject: [['CN', 'Other root']] })];
    assert.equal(verdict(anchorAppleGeneric, facts({ certificates: chain })), 'false');
  });
});

describe('anchor apple: §5.3 (2), and the trust-cache choice', () => {
  const codeSigningCa = cert({ subject: [['CN', 'Apple Code Signing Certification Authority'], ['O', 'Apple Inc.']] });
  const appleLeaf = (marker: boolean) => cert({ subject: [['CN', 'Software Signing'], ['O', 'Apple Inc.']], extensions: marker ? ['1.2.840.113635.100.6.22'] : [] });
  it('true for an Apple root + Apple Code Signing CA + leaf marker 1.2.840.113635.100.6.22', () => {
    assert.equal(verdict(anchorApple, facts({ certificates: [appleLeaf(true), codeSigningCa, appleRoot()] })), 'true');
  });
  it('false for a Developer ID chain (third-party code is never in the kernel trust cache)', () => {
    const n = evaluate(anchorApple, developerIdFacts());
    assert.equal(n.verdict, 'false');
    assert.match(n.explanation, /not "Apple Code Signing Certification Authority"/);
  });
  it('false when the CA has the right CN but the wrong O', () => {
    const ca = cert({ subject: [['CN', 'Apple Code Signing Certification Authority'], ['O', 'Apple Inc']] });
    assert.equal(verdict(anchorApple, facts({ certificates: [appleLeaf(true), ca, appleRoot()] })), 'false');
  });
  it('false for a non-Apple anchor even with Apple names', () => {
    const fakeRoot = cert({ subject: [['CN', 'Apple Root CA'], ['O', 'Apple Inc.']] });
    assert.equal(verdict(anchorApple, facts({ certificates: [appleLeaf(true), codeSigningCa, fakeRoot] })), 'false');
  });
  it('false for a chain of only the root (no certificate -2)', () => {
    assert.equal(verdict(anchorApple, facts({ certificates: [appleRoot()] })), 'false');
  });
  it('undetermined (needs-trust-cache) for Apple Code Signing CA code whose leaf lacks the marker: older Apple code passes only via the trust cache', () => {
    const n = evaluate(anchorApple, facts({ certificates: [appleLeaf(false), codeSigningCa, appleRoot()] }));
    assert.equal(n.verdict, 'undetermined');
    assert.equal(n.reason, 'needs-trust-cache');
  });
  it('undetermined (needs-trust-cache) for an ad-hoc platform binary (platform != 0): only the trust cache can decide', () => {
    const n = evaluate(anchorApple, facts({ adhoc: true, codeDirectories: [cd({ platform: 2 })] }));
    assert.equal(n.verdict, 'undetermined');
    assert.equal(n.reason, 'needs-trust-cache');
  });
  it('false for ad-hoc code with platform 0: not Apple platform code, so not in the trust cache', () => {
    assert.equal(verdict(anchorApple, facts({ adhoc: true })), 'false');
  });
  it('false for unsigned code', () => {
    assert.equal(verdict(anchorApple, facts({ codeDirectories: [], identifier: undefined, cdhash: undefined })), 'false');
  });
});

describe('what only a Mac can decide', () => {
  it('anchor trusted is undetermined (needs-trust-settings) with a chain, false without', () => {
    const t: Expr = { kind: 'trustedCerts', range: R };
    const n = evaluate(t, developerIdFacts());
    assert.equal(n.verdict, 'undetermined');
    assert.equal(n.reason, 'needs-trust-settings');
    assert.equal(verdict(t, facts({ adhoc: true })), 'false');
  });
  it('certificate N trusted is undetermined for an existing slot, false for a missing one', () => {
    const tc = (index: number): Expr => ({ kind: 'trustedCert', range: R, slot: { range: R, index, spelling: 'number' } });
    assert.equal(evaluate(tc(-1), developerIdFacts()).reason, 'needs-trust-settings');
    assert.equal(verdict(tc(-1)), 'undetermined');
    assert.equal(verdict(tc(3)), 'false');
    assert.equal(verdict(tc(-4)), 'false');
  });
  it('notarized is undetermined when there is a cdhash, false for unsigned code', () => {
    const n = evaluate(U, developerIdFacts());
    assert.equal(n.verdict, 'undetermined');
    assert.equal(n.reason, 'needs-notarization-ticket');
    assert.equal(verdict(U, facts({ codeDirectories: [], identifier: undefined, cdhash: undefined })), 'false');
  });
  it('named anchors and named code are undetermined (named-requirement)', () => {
    const a: Expr = { kind: 'namedAnchor', range: R, name: { range: R, bytes: new Uint8Array([0x78]), text: 'x', form: 'bare' } };
    const c: Expr = { kind: 'namedCode', range: R, name: { range: R, bytes: new Uint8Array([0x78]), text: 'x', form: 'bare' } };
    assert.equal(evaluate(a, developerIdFacts()).reason, 'named-requirement');
    assert.equal(evaluate(c, developerIdFacts()).reason, 'named-requirement');
  });
});

describe('legacy: the date rules first, then the legacy list', () => {
  const L: Expr = { kind: 'legacy', range: R };
  const DATE_OID = '1.2.840.113635.100.6.1.33';
  it('false when the Developer ID account was created on or after 2019-04-08', () => {
    for (const d of ['20190408000000Z', '20200101000000Z']) {
      const f = developerIdFacts({ certificates: developerIdChain('ABCDE12345', { extensionValues: { [DATE_OID]: utf8StringDer(d) } }) });
      assert.equal(verdict(L, f), 'false', d);
    }
  });
  it('true when the secure timestamp is before 2019-06-01 (and no later account date)', () => {
    const f = developerIdFacts({ secureTimestamp: new Date('2019-05-31T23:59:59Z') });
    assert.equal(verdict(L, f), 'true');
    const early = developerIdFacts({ secureTimestamp: new Date('2019-05-01T00:00:00Z'), certificates: developerIdChain('ABCDE12345', { extensionValues: { [DATE_OID]: utf8StringDer('20180101000000Z') } }) });
    assert.equal(verdict(L, early), 'true');
  });
  it('the account-date rule wins over an early timestamp', () => {
    const f = developerIdFacts({ secureTimestamp: new Date('2019-05-01T00:00:00Z'), certificates: developerIdChain('ABCDE12345', { extensionValues: { [DATE_OID]: utf8StringDer('20190501000000Z') } }) });
    assert.equal(verdict(L, f), 'false');
  });
  it('false without a leaf certificate (ad-hoc code)', () => {
    assert.equal(verdict(L, facts({ adhoc: true })), 'false');
  });
  it('false when the Developer ID date extension cannot be read (Apple stops with an error)', () => {
    const f = developerIdFacts({ certificates: developerIdChain('ABCDE12345', { extensionValues: { [DATE_OID]: Uint8Array.from([0x13, 1, 0x41]) } }) });
    assert.equal(verdict(L, f), 'false');
  });
  it('otherwise undetermined (needs-legacy-list)', () => {
    for (const f of [developerIdFacts(), developerIdFacts({ secureTimestamp: new Date('2019-06-01T00:00:00Z') })]) {
      const n = evaluate(L, f);
      assert.equal(n.verdict, 'undetermined');
      assert.equal(n.reason, 'needs-legacy-list');
    }
  });
});

describe('unknown opcodes (§5.9) and unreadable parts', () => {
  const op = (flags: number): Expr => ({ kind: 'unknownOp', range: R, opcode: 99, flags });
  it('opGenericFalse (0x80) is false', () => assert.equal(verdict(op(0x80)), 'false'));
  it('both flags: 0x80 wins (false)', () => assert.equal(verdict(op(0xc0)), 'false'));
  it('opGenericSkip only (0x40) is undetermined: the value comes from the next expression', () => {
    const n = evaluate(op(0x40), developerIdFacts());
    assert.equal(n.verdict, 'undetermined');
    assert.equal(n.reason, 'unknown-opcode');
  });
  it('no flag is false (errSecCSUnimplemented)', () => assert.equal(verdict(op(0)), 'false'));
  it('an error node is undetermined', () => assert.equal(verdict({ kind: 'error', range: R }), 'undetermined'));
  it('a lightweight code requirement blob is not evaluated', () => {
    const n = evaluate({ kind: 'requirement', range: R, expr: undefined, form: 2, lwcr: new Uint8Array(0) }, developerIdFacts());
    assert.equal(n.verdict, 'undetermined');
  });
});

describe('the result tree mirrors the requirement', () => {
  it('keeps ranges, kinds and clauses', () => {
    const range = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 12, line: 1, column: 13 } };
    const e: Expr = { kind: 'and', range, left: { ...anchorAppleGeneric, range }, right: certGeneric(1, DEVID_CA_MARKER) };
    const n = evaluate({ kind: 'requirement', range, expr: e }, developerIdFacts());
    assert.equal(n.kind, 'and');
    assert.deepEqual(n.range, range);
    assert.deepEqual(n.children.map((c) => c.kind), ['anchorAppleGeneric', 'certGeneric']);
    assert.equal(n.clause, 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists');
    assert.equal(n.verdict, 'true');
  });
  it('is plain data (JSON round-trips)', () => {
    const n = evaluate(and(anchorAppleGeneric, certField(0, 'subject.OU', m('equal', 'ABCDE12345'))), developerIdFacts());
    assert.deepEqual(JSON.parse(JSON.stringify(n)), n);
  });
});
