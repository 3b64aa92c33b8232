/** The security posture report: each finding fires on its trigger and stays quiet without it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postureReport, type PostureItem } from '../../validator/posture.js';
import type { CodeFacts } from '../../validator/facts.js';
import { appleRoot, cd, cert, developerIdChain, developerIdFacts, facts, WWDR_MARKER } from './evaluate-ast.js';

const AT = new Date('2025-06-01T00:00:00Z');
const codes = (items: PostureItem[]) => items.map((i) => i.code);
const item = (items: PostureItem[], code: string) => items.find((i) => i.code === code);
const report = (f: CodeFacts, flags?: number) => postureReport(f, flags, { at: AT });

describe('signature kind', () => {
  it('unsigned code says so and nothing else', () => {
    assert.deepEqual(codes(report(facts({ codeDirectories: [], cdhash: undefined, identifier: undefined }))), ['unsigned']);
  });
  it('ad-hoc code', () => {
    const r = report(facts({ adhoc: true, codeDirectories: [cd({ flags: 0x2 })] }));
    assert.equal(item(r, 'adhoc')?.severity, 'warning');
    assert.match(item(r, 'adhoc')!.message, /cdhash, which changes with every build/);
    assert.equal(item(r, 'linker-signed'), undefined);
  });
  it('linker-signed code', () => {
    const r = report(facts({ adhoc: true, linkerSigned: true, codeDirectories: [cd({ flags: 0x20002 })] }));
    assert.ok(item(r, 'linker-signed'));
    assert.equal(item(r, 'adhoc'), undefined);
  });
  it('a Developer ID signature is neither', () => {
    const r = report(developerIdFacts());
    assert.equal(item(r, 'adhoc'), undefined);
    assert.equal(item(r, 'linker-signed'), undefined);
  });
});

describe('hardened runtime and library validation flags', () => {
  it('runtime on (0x10000) implies library validation', () => {
    const r = report(developerIdFacts(), 0x10000);
    assert.equal(item(r, 'hardened-runtime')?.severity, 'info');
    assert.equal(item(r, 'library-validation')?.severity, 'info');
    assert.match(item(r, 'library-validation')!.message, /implied by the hardened runtime/);
    assert.equal(item(r, 'no-hardened-runtime'), undefined);
    assert.equal(item(r, 'no-library-validation'), undefined);
  });
  it('runtime off and no library validation: two warnings, saying why it matters', () => {
    const r = report(developerIdFacts(), 0);
    assert.equal(item(r, 'no-hardened-runtime')?.severity, 'warning');
    assert.match(item(r, 'no-library-validation')!.message, /foreign code running inside it passes every requirement/);
  });
  it('library validation flag (0x2000) alone', () => {
    const r = report(developerIdFacts(), 0x2000);
    assert.ok(item(r, 'no-hardened-runtime'));
    assert.match(item(r, 'library-validation')!.message, /flag 0x2000/);
  });
  it('the flags default to the primary CodeDirectory\'s', () => {
    assert.ok(item(report(developerIdFacts()), 'hardened-runtime'), 'developerIdFacts has runtime set');
    assert.ok(item(report(facts()), 'no-hardened-runtime'));
  });
  it('disable-library-validation turns the implied library validation off', () => {
    const r = report(developerIdFacts({ entitlements: { 'com.apple.security.cs.disable-library-validation': true } }), 0x10000);
    assert.ok(item(r, 'disable-library-validation'));
    assert.ok(item(r, 'no-library-validation'));
  });
});

describe('entitlements', () => {
  const cases: [string, string][] = [
    ['com.apple.security.get-task-allow', 'get-task-allow'],
    ['com.apple.security.cs.disable-library-validation', 'disable-library-validation'],
    ['com.apple.security.cs.allow-dyld-environment-variables', 'allow-dyld-environment-variables'],
    ['com.apple.security.cs.allow-jit', 'allow-jit'],
    ['com.apple.security.cs.allow-unsigned-executable-memory', 'allow-unsigned-executable-memory'],
    ['com.apple.security.cs.disable-executable-page-protection', 'disable-executable-page-protection'],
  ];
  for (const [key, code] of cases) {
    it(`${code}: fires when true, not when false or missing`, () => {
      const on = report(developerIdFacts({ entitlements: { [key]: true } }));
      assert.equal(item(on, code)?.severity, 'warning');
      assert.ok(item(on, code)!.message.includes(key));
      assert.equal(item(report(developerIdFacts({ entitlements: { [key]: false } })), code), undefined);
      assert.equal(item(report(developerIdFacts()), code), undefined);
    });
  }
});

describe('certificate validity at a given time', () => {
  it('an expired leaf without a secure timestamp is a warning', () => {
    const f = developerIdFacts({ certificates: developerIdChain('ABCDE12345', { notAfter: new Date('2025-01-22T00:00:00Z') }) });
    const r = report(f);
    assert.equal(item(r, 'certificate-expired')?.severity, 'warning');
    assert.match(item(r, 'certificate-expired')!.message, /certificate 0 .* expired on 2025-01-22/);
  });
  it('an expired leaf with a secure timestamp inside its validity is only info', () => {
    const f = developerIdFacts({ certificates: developerIdChain('ABCDE12345', { notAfter: new Date('2025-01-22T00:00:00Z') }), secureTimestamp: new Date('2022-01-10T12:56:40Z') });
    assert.equal(item(report(f), 'certificate-expired')?.severity, 'info');
  });
  it('judged at the time given, not the clock', () => {
    const f = developerIdFacts({ certificates: developerIdChain('ABCDE12345', { notAfter: new Date('2025-01-22T00:00:00Z') }) });
    assert.equal(item(postureReport(f, undefined, { at: new Date('2024-01-01T00:00:00Z') }), 'certificate-expired'), undefined);
  });
  it('a certificate that is not yet valid', () => {
    const early = new Date('2019-01-01T00:00:00Z');
    assert.ok(item(postureReport(developerIdFacts(), undefined, { at: early }), 'certificate-not-yet-valid'));
  });
});

describe('development vs distribution identity', () => {
  it('Developer ID', () => assert.ok(item(report(developerIdFacts()), 'identity-developer-id')));
  it('Apple Development (leaf 6.1.12 under the WWDR intermediate) is a warning', () => {
    const leaf = cert({ subject: [['CN', 'Apple Development: Jane'], ['OU', 'ABCDE12345']], extensions: ['1.2.840.113635.100.6.1.12'] });
    const wwdr = cert({ subject: [['CN', 'Apple Worldwide Developer Relations Certification Authority']], extensions: [WWDR_MARKER] });
    const r = report(facts({ certificates: [leaf, wwdr, appleRoot()] }));
    assert.equal(item(r, 'identity-development')?.severity, 'warning');
    assert.equal(item(r, 'identity-developer-id'), undefined);
  });
  it('Mac App Store', () => {
    const leaf = cert({ extensions: ['1.2.840.113635.100.6.1.9'] });
    assert.ok(item(report(facts({ certificates: [leaf, cert(), appleRoot()] })), 'identity-mac-app-store'));
  });
  it('App Store submission (3rd Party Mac Developer Application, 6.1.7)', () => {
    const leaf = cert({ extensions: ['1.2.840.113635.100.6.1.7'] });
    const wwdr = cert({ extensions: [WWDR_MARKER] });
    const r = report(facts({ certificates: [leaf, wwdr, appleRoot()] }));
    assert.ok(item(r, 'identity-distribution'));
    assert.equal(item(r, 'identity-development'), undefined);
  });
  it('a chain that does not end at an Apple root', () => {
    const r = report(facts({ certificates: [cert(), cert({ subject: [['CN', 'My Root']] })] }));
    assert.equal(item(r, 'identity-not-apple')?.severity, 'warning');
  });
});
