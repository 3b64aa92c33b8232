/**
 * The BER reader behind the CMS and certificate facts (validator/cms/der.ts):
 * bounded depth, node count and lengths, indefinite lengths only where BER
 * allows them, and values read as the library it replaced read them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CmsError } from '../../validator/cms/errors.js';
import { decodeDer, MAX_DER_DEPTH, MAX_DER_NODES, oidOf, stringOf, timeOf } from '../../validator/cms/der.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('BER reader', () => {
  it('reads definite and indefinite lengths, and says where the value ends', () => {
    const definite = decodeDer(bytes(0x30, 0x03, 0x02, 0x01, 0x05, 0xff));
    assert.equal(definite.children.length, 1);
    assert.equal(definite.end, 5);
    const indefinite = decodeDer(bytes(0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, 0x00));
    assert.equal(indefinite.children.length, 1);
    assert.equal(indefinite.end, 7);
  });

  it('refuses what BER does not allow or what would run past the input', () => {
    for (const bad of [
      bytes(0x04, 0x80, 0x00, 0x00), // indefinite primitive
      bytes(0x30, 0x85, 1, 0, 0, 0, 0), // five length octets
      bytes(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff), // claims 2 GB
      bytes(0x30, 0x05, 0x02, 0x01), // child past its container
      bytes(0x30, 0x80, 0x02, 0x01, 0x05), // no end of contents
      bytes(0x1f, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00), // tag number of five octets
      bytes(),
    ]) assert.throws(() => decodeDer(bad), CmsError, Buffer.from(bad).toString('hex'));
  });

  it('bounds depth and element count', () => {
    const deep = new Uint8Array(2 * (MAX_DER_DEPTH + 2) + 2 * (MAX_DER_DEPTH + 2));
    for (let i = 0; i < MAX_DER_DEPTH + 2; i++) deep.set([0x30, 0x80], 2 * i);
    assert.throws(() => decodeDer(deep), /nested deeper/);
    const many = new Uint8Array(2 + 2 * (MAX_DER_NODES + 1) + 2);
    many.set([0x30, 0x80]);
    for (let i = 0; i <= MAX_DER_NODES; i++) many.set([0x05, 0x00], 2 + 2 * i);
    assert.throws(() => decodeDer(many), /more than/);
  });

  it('reads OIDs, strings and times as asn1js did', () => {
    assert.equal(oidOf(decodeDer(bytes(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x06, 0x02)), 'oid'), '1.2.840.113635.100.6.2');
    assert.equal(oidOf(decodeDer(bytes(0x06, 0x03, 0x88, 0x37, 0x03)), 'oid'), '2.999.3');
    assert.throws(() => oidOf(decodeDer(bytes(0x06, 0x02, 0x2a, 0x86)), 'oid'), CmsError);
    assert.equal(stringOf(decodeDer(bytes(0x0c, 0x04, 0xc3, 0x9c, 0x6e, 0x69))), 'Üni');
    assert.equal(stringOf(decodeDer(bytes(0x13, 0x02, 0x55, 0x53))), 'US');
    assert.equal(stringOf(decodeDer(bytes(0x1e, 0x04, 0x00, 0x41, 0x00, 0xe9))), 'Aé');
    assert.equal(stringOf(decodeDer(bytes(0x02, 0x01, 0x05))), undefined);
    const utc = (s: string) => decodeDer(new Uint8Array([0x17, s.length, ...Buffer.from(s)]));
    assert.equal(timeOf(utc('220110125640Z'), 't').toISOString(), '2022-01-10T12:56:40.000Z');
    assert.equal(timeOf(utc('500101000000Z'), 't').toISOString(), '1950-01-01T00:00:00.000Z');
    const gen = (s: string) => decodeDer(new Uint8Array([0x18, s.length, ...Buffer.from(s)]));
    assert.equal(timeOf(gen('20240601120000.25Z'), 't').toISOString(), '2024-06-01T12:00:00.250Z');
    assert.throws(() => timeOf(gen('20240601120000'), 't'), CmsError);
  });
});
