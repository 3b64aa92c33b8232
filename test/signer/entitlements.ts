/**
 * TEST ONLY. Entitlement blobs as codesign writes them: the XML plist blob
 * (0xfade7171) and the DER form (0xfade7172) that Apple's CoreEntitlements
 * reads: [APPLICATION 16] { INTEGER 1, [16] dict }, a dict being a [16]
 * holding SEQUENCE { UTF8String key, value } sorted by key, an array a
 * SEQUENCE, and scalars BOOLEAN / INTEGER / UTF8String.
 */
import * as asn1js from 'asn1js';
import { build as buildPlist } from 'plist';

export type EntitlementValue = boolean | number | string | EntitlementValue[] | { [key: string]: EntitlementValue };
export type Entitlements = { [key: string]: EntitlementValue };

export function entitlementsXml(entitlements: Entitlements): string {
  return buildPlist(entitlements as Parameters<typeof buildPlist>[0]);
}

function derValue(value: EntitlementValue): asn1js.BaseBlock {
  if (typeof value === 'boolean') return new asn1js.Boolean({ value });
  if (typeof value === 'number') return new asn1js.Integer({ value });
  if (typeof value === 'string') return new asn1js.Utf8String({ value });
  if (Array.isArray(value)) return new asn1js.Sequence({ value: value.map(derValue) });
  return derDict(value);
}

function derDict(dict: { [key: string]: EntitlementValue }): asn1js.BaseBlock {
  const keys = Object.keys(dict).sort();
  return new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 16 },
    value: keys.map((k) => new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: k }), derValue(dict[k]!)] })),
  });
}

/** The payload of the DER entitlements blob. */
export function entitlementsDer(entitlements: Entitlements): Uint8Array {
  const top = new asn1js.Constructed({
    idBlock: { tagClass: 2, tagNumber: 16 },
    value: [new asn1js.Integer({ value: 1 }), derDict(entitlements)],
  });
  return new Uint8Array(top.toBER());
}
