/**
 * Distinguished-name handling shared by certificate facts and chain ordering.
 * Short names follow OpenSSL's where they exist, since the fixture spec and
 * most people compare against `openssl x509 -subject` output.
 */
import type { NameAttribute } from '../facts.js';
import { CmsError } from './errors.js';
import { encoded, expect, oidOf, stringOf, TAG, type Der } from './der.js';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'D',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  // Apple's evaluator knows these "C-" variants (requirement-language.md §1.8).
  '2.5.4.10.1': 'C-O',
  '2.5.4.11.1': 'C-OU',
  '2.5.4.8.1': 'C-ST',
  '2.5.4.9.1': 'C-STREET',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export const EMAIL_ADDRESS_OID = '1.2.840.113549.1.9.1';

export function shortNameOf(oid: string): string | undefined {
  return SHORT_NAMES[oid];
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The string inside a DirectoryString-like value; non-strings become `#<DER hex>` as RFC 4514 writes them. */
function attributeValueText(value: Der): string {
  return stringOf(value) ?? '#' + hex(encoded(value));
}

/** A Name (SEQUENCE OF RelativeDistinguishedName), its attributes in DER order; CmsError when malformed. */
export function nameAttributes(name: Der | undefined, what = 'name'): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of expect(name, TAG.sequence, what).children) {
    for (const atv of expect(rdn, TAG.set, `${what} RDN`).children) {
      const [type, value, ...rest] = expect(atv, TAG.sequence, `${what} attribute`).children;
      if (!value || rest.length > 0) throw new CmsError(`${what} attribute is not SEQUENCE { type, value }`);
      const oid = oidOf(type, `${what} attribute type`);
      const attr: NameAttribute = { oid, value: attributeValueText(value) };
      const short = shortNameOf(oid);
      if (short !== undefined) attr.name = short;
      out.push(attr);
    }
  }
  return out;
}

function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => '\\' + c);
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\u0000-\u001f\u007f]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase());
  if (out.startsWith(' ') || out.startsWith('#')) out = '\\' + out;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = out.slice(0, -1) + '\\ ';
  return out;
}

/**
 * One-line rendering in DER order, `K = V, K = V` (OpenSSL's `oneline`
 * style): the fixture spec lists subjects exactly like this.
 */
export function nameText(attrs: NameAttribute[]): string {
  return attrs.map((a) => `${a.name ?? a.oid} = ${escapeValue(a.value)}`).join(', ');
}

/**
 * A comparison key for issuer/subject matching: RFC 5280 §7.1 asks for
 * case-insensitive, whitespace-collapsed comparison of strings, which
 * tolerates CAs that re-encode names with a different string type.
 */
export function nameKey(attrs: NameAttribute[]): string {
  return attrs.map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`).join('\u0000');
}
