/**
 * The fast CodeResources reader must read exactly what the general property
 * list reader reads, and hand anything else back to it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { build as buildPlist } from 'plist';
import { parsePlistDict } from '../../validator/signature/plist.js';
import { readXmlPlistDict, XmlPlistTooLarge, XmlPlistUnsupported } from '../../validator/resources/xml-plist.js';
import { filler, makeBundle } from '../signer/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '/', '.', '&', '<', '>', '"', "'", 'é', '\u{1F600}', '\n', '\t', '\r') });
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.boolean(),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(text, tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('readXmlPlistDict', () => {
  it('agrees with parsePlistDict on generated property lists', () => {
    fc.assert(
      fc.property(fc.dictionary(text, value, { maxKeys: 6 }), (dict) => {
        const bytes = enc(buildPlist(dict as Parameters<typeof buildPlist>[0]));
        assert.deepEqual(readXmlPlistDict(bytes), parsePlistDict(bytes, 'generated'));
      }),
      { numRuns: 300 },
    );
  });

  it("agrees on a codesign-shaped CodeResources from the test signer", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'csrl-plist-'));
    try {
      const bundle = await makeBundle(dir, { name: 'P', identifier: 'com.example.p', sign: { adhoc: true }, resources: { 'Resources/a & b.png': filler(10, 1), 'Resources/en.lproj/x': 'x', 'Resources/l': { symlink: '<odd>' } } });
      const bytes = new Uint8Array(await readFile(bundle.codeResourcesPath));
      const fast = readXmlPlistDict(bytes);
      assert.deepEqual(fast, parsePlistDict(bytes, 'CodeResources'));
      assert.deepEqual(Object.keys(fast['files2'] as object).sort(), ['Resources/a & b.png', 'Resources/en.lproj/x', 'Resources/l']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts entries as it reads: a collection past the limit is refused before the rest is read', () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => `<key>f${i}</key><data>AAAA</data>`).join('');
    const doc = (n: number, tail = '') => enc(`<plist><dict><key>files2</key><dict>${entries(n)}${tail}</dict></dict></plist>`);
    assert.equal(Object.keys(readXmlPlistDict(doc(5), { maxEntries: 5 })['files2'] as object).length, 5);
    assert.throws(() => readXmlPlistDict(doc(6), { maxEntries: 5 }), (e: Error) => e instanceof XmlPlistTooLarge && e.message === '"files2" has more than 5 entries');
    // Malformed content after the sixth entry is never reached.
    assert.throws(() => readXmlPlistDict(doc(6, '<real>1</real><bogus>'), { maxEntries: 5 }), XmlPlistTooLarge);
    assert.throws(() => readXmlPlistDict(enc(`<plist><dict><key>a</key><array>${'<true/>'.repeat(6)}</array></dict></plist>`), { maxEntries: 5 }), /"a" has more than 5 entries/);
  });

  it('a key named __proto__ is an ordinary key', () => {
    const dict = readXmlPlistDict(enc('<plist><dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict></plist>'));
    assert.deepEqual(Object.keys(dict), ['__proto__']);
    assert.equal((dict as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(dict), Object.prototype);
  });

  it('hands back what it does not support, or what is malformed', () => {
    for (const xml of [
      '<plist><dict><key>r</key><real>1.5</real></dict></plist>',
      '<plist><dict><key>d</key><date>2024-01-01T00:00:00Z</date></dict></plist>',
      '<plist><dict><key>s</key><string><![CDATA[x]]></string></dict></plist>',
      '<!DOCTYPE plist [<!ENTITY e "x">]><plist><dict/></plist>',
      '<plist><dict><key>s</key><string>&e;</string></dict></plist>',
      '<plist><array/></plist>',
      '<plist><dict><key>a</key></dict></plist>',
      '<plist><dict/><dict/></plist>',
      '<plist><dict><key>x</key><data>@@@@</data></dict></plist>',
      '<plist><dict><key>n</key><integer>99999999999999999999</integer></dict></plist>',
      '<plist><dict>',
      'bplist00',
      '<plist><dict><key>s</key><string>a\r\nb</string></dict></plist>',
      '<plist>' + '<array>'.repeat(300) + '</array>'.repeat(300) + '</plist>',
    ]) {
      assert.throws(() => readXmlPlistDict(enc(xml)), XmlPlistUnsupported, xml.slice(0, 60));
    }
  });
});
