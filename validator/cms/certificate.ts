/** X.509 certificate facts as the requirement evaluator reads them (CertificateFacts of validator/facts.ts). */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertificateExtension, CertificateFacts } from '../facts.js';
import { copyBytes, integerHex, toHex } from './bytes.js';
import { CmsError, decoding } from './errors.js';
import { EMAIL_ADDRESS_OID, nameAttributes, nameKey, nameText } from './names.js';

export { CmsError } from './errors.js';

/** Bound on one certificate; real ones are a few KB. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

const OID_CERTIFICATE_POLICIES = '2.5.29.32';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

/** Decodes a certificate with pkijs; the caller gets a CmsError for anything malformed. */
export function decodeCertificate(der: Uint8Array): pkijs.Certificate {
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw new CmsError(`certificate of ${der.length} bytes exceeds the ${MAX_CERTIFICATE_BYTES}-byte limit`);
  }
  return decoding('malformed certificate', () => pkijs.Certificate.fromBER(der));
}

function policiesOf(ext: CertificateExtension | undefined): string[] {
  if (!ext) return [];
  try {
    const policies = pkijs.CertificatePolicies.fromBER(ext.value);
    return policies.certificatePolicies.map((p) => p.policyIdentifier);
  } catch {
    // A malformed policy extension names no policy; it must not make the whole chain unreadable.
    return [];
  }
}

function sanEmails(ext: CertificateExtension | undefined): string[] {
  if (!ext) return [];
  try {
    const names = pkijs.GeneralNames.fromBER(ext.value);
    return names.names.filter((n) => n.type === 1 && typeof n.value === 'string').map((n) => n.value as string);
  } catch {
    return [];
  }
}

function extensionsOf(cert: pkijs.Certificate): CertificateExtension[] {
  return (cert.extensions ?? []).map((e) => ({
    oid: e.extnID,
    critical: e.critical,
    value: copyBytes(e.extnValue.valueBlock.valueHexView),
  }));
}

/** Everything CertificateFacts holds, read from one DER certificate. Throws CmsError when it cannot be decoded. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  return factsOfCertificate(decodeCertificate(der), der);
}

/** Facts of a certificate pkijs already decoded (inside a SignedData), with its exact DER. */
export function factsOfCertificate(cert: pkijs.Certificate, der: Uint8Array): CertificateFacts {
  const exact = new Uint8Array(der);
  const subject = nameAttributes(cert.subject);
  const issuer = nameAttributes(cert.issuer);
  const extensions = extensionsOf(cert);
  const find = (oid: string) => extensions.find((e) => e.oid === oid);
  const emails = [
    ...subject.filter((a) => a.oid === EMAIL_ADDRESS_OID).map((a) => a.value),
    ...sanEmails(find(OID_SUBJECT_ALT_NAME)),
  ];
  return {
    der: exact,
    subject,
    issuer,
    subjectText: nameText(subject),
    issuerText: nameText(issuer),
    serialHex: integerHex(copyBytes(cert.serialNumber.valueBlock.valueHexView)),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    sha1: new Uint8Array(createHash('sha1').update(exact).digest()),
    sha256: new Uint8Array(createHash('sha256').update(exact).digest()),
    extensions,
    policies: policiesOf(find(OID_CERTIFICATE_POLICIES)),
    emails,
    selfSigned: nameKey(subject) === nameKey(issuer),
  };
}

/** Chain building compares every pair; decode each certificate's key IDs and name key once. */
function memo<T>(fn: (cert: CertificateFacts) => T): (cert: CertificateFacts) => T {
  const cache = new WeakMap<CertificateFacts, { value: T }>();
  return (cert) => {
    let hit = cache.get(cert);
    if (!hit) {
      hit = { value: fn(cert) };
      cache.set(cert, hit);
    }
    return hit.value;
  };
}

const subjectKeyOf = memo((c) => nameKey(c.subject));
const issuerKeyOf = memo((c) => nameKey(c.issuer));

/** keyIdentifier of the subjectKeyIdentifier extension, as hex. */
export const subjectKeyId = memo(subjectKeyIdUncached);
/** keyIdentifier of the authorityKeyIdentifier extension, as hex. */
export const authorityKeyId = memo(authorityKeyIdUncached);

function subjectKeyIdUncached(cert: CertificateFacts): string | undefined {
  const ext = cert.extensions.find((e) => e.oid === OID_SUBJECT_KEY_ID);
  if (!ext) return undefined;
  try {
    const parsed = asn1js.fromBER(ext.value);
    if (parsed.offset === -1 || !(parsed.result instanceof asn1js.OctetString)) return undefined;
    return toHex(parsed.result.valueBlock.valueHexView);
  } catch {
    return undefined;
  }
}

function authorityKeyIdUncached(cert: CertificateFacts): string | undefined {
  const ext = cert.extensions.find((e) => e.oid === OID_AUTHORITY_KEY_ID);
  if (!ext) return undefined;
  try {
    const aki = pkijs.AuthorityKeyIdentifier.fromBER(ext.value);
    return aki.keyIdentifier ? toHex(aki.keyIdentifier.valueBlock.valueHexView) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `issuer` plausibly issued `cert`: names match and, where both carry key identifiers, those match too. */
export function issuedBy(cert: CertificateFacts, issuer: CertificateFacts): boolean {
  if (issuerKeyOf(cert) !== subjectKeyOf(issuer)) return false;
  const aki = authorityKeyId(cert);
  const ski = subjectKeyId(issuer);
  return aki === undefined || ski === undefined || aki === ski;
}

/**
 * Orders certificates leaf → anchor by issuer/subject links, then appends the
 * ones that are not on that path in their original order. The leaf is
 * `leaf` when given (the CMS signer), else the first certificate that issued
 * none of the others. Cycles and duplicate links cannot loop: each
 * certificate is used at most once.
 */
export function orderChain(certs: CertificateFacts[], leaf?: CertificateFacts): CertificateFacts[] {
  if (certs.length === 0) return [];
  let start = leaf && certs.includes(leaf) ? leaf : undefined;
  if (!start) {
    start = certs.find((c) => !certs.some((other) => other !== c && issuedBy(other, c))) ?? certs[0]!;
  }
  const used = new Set<CertificateFacts>([start]);
  const chain = [start];
  let current = start;
  while (!current.selfSigned) {
    const next = certs.find((c) => !used.has(c) && issuedBy(current, c));
    if (!next) break;
    used.add(next);
    chain.push(next);
    current = next;
  }
  return [...chain, ...certs.filter((c) => !used.has(c))];
}
