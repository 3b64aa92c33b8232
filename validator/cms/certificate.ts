/** X.509 certificate facts as the requirement evaluator reads them (CertificateFacts of validator/facts.ts). */
import { createHash } from 'node:crypto';
import type { CertificateExtension, CertificateFacts } from '../facts.js';
import { integerHex, toHex } from './bytes.js';
import { booleanOf, decodeDer, expect, integerBytes, isContext, isUniversal, octetsOf, oidOf, stringOf, TAG, timeOf, type Der } from './der.js';
import { CmsError, decoding } from './errors.js';
import { EMAIL_ADDRESS_OID, nameAttributes, nameKey, nameText } from './names.js';

export { CmsError } from './errors.js';

/** Bound on one certificate; real ones are a few KB. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

const OID_CERTIFICATE_POLICIES = '2.5.29.32';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

/** The parts of a certificate the facts need, read from its structure (RFC 5280 §4.1). */
interface CertificateParts {
  serial: Uint8Array;
  issuer: Der;
  subject: Der;
  notBefore: Date;
  notAfter: Date;
  extensions: CertificateExtension[];
}

/** Reads Certificate → TBSCertificate; CmsError for anything that is not one. */
function certificateParts(cert: Der): CertificateParts {
  const [tbs, sigAlg, sigValue, ...rest] = expect(cert, TAG.sequence, 'certificate').children;
  expect(sigAlg, TAG.sequence, 'certificate signature algorithm');
  if (!isUniversal(sigValue, TAG.bitString) || rest.length > 0) throw new CmsError('certificate is not SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }');
  const fields = expect(tbs, TAG.sequence, 'tbsCertificate').children;
  let i = 0;
  if (isContext(fields[0], 0)) i++; // [0] EXPLICIT version
  const serial = integerBytes(fields[i++], 'serial number');
  expect(fields[i++], TAG.sequence, 'tbsCertificate signature algorithm');
  const issuer = expect(fields[i++], TAG.sequence, 'issuer');
  const validity = expect(fields[i++], TAG.sequence, 'validity').children;
  if (validity.length !== 2) throw new CmsError('validity is not SEQUENCE { notBefore, notAfter }');
  const notBefore = timeOf(validity[0], 'notBefore');
  const notAfter = timeOf(validity[1], 'notAfter');
  const subject = expect(fields[i++], TAG.sequence, 'subject');
  expect(fields[i++], TAG.sequence, 'subjectPublicKeyInfo');
  if (isContext(fields[i], 1)) i++;
  if (isContext(fields[i], 2)) i++;
  const extensions: CertificateExtension[] = [];
  if (isContext(fields[i], 3)) {
    const wrapper = fields[i++]!;
    if (!wrapper.constructed || wrapper.children.length !== 1) throw new CmsError('extensions are not [3] EXPLICIT SEQUENCE');
    for (const ext of expect(wrapper.children[0], TAG.sequence, 'extensions').children) {
      const parts = expect(ext, TAG.sequence, 'extension').children;
      const oid = oidOf(parts[0], 'extension id');
      const critical = parts.length === 3 ? booleanOf(parts[1], 'extension critical flag') : false;
      if (parts.length !== 2 && parts.length !== 3) throw new CmsError('extension is not SEQUENCE { extnID, critical, extnValue }');
      extensions.push({ oid, critical, value: octetsOf(parts[parts.length - 1], 'extension value') });
    }
  }
  if (i !== fields.length) throw new CmsError('tbsCertificate has unexpected fields');
  return { serial, issuer, subject, notBefore, notAfter, extensions };
}

/** The value at the start of `bytes`; like the pkijs decoding this replaces, what follows it is not looked at. */
function leadingDer(bytes: Uint8Array): Der {
  return decodeDer(bytes);
}

function policiesOf(ext: CertificateExtension | undefined): string[] {
  if (!ext) return [];
  try {
    const policies = expect(leadingDer(ext.value), TAG.sequence, 'certificate policies');
    return policies.children.map((p) => oidOf(expect(p, TAG.sequence, 'policy information').children[0], 'policy identifier'));
  } catch {
    // A malformed policy extension names no policy; it must not make the whole chain unreadable.
    return [];
  }
}

function sanEmails(ext: CertificateExtension | undefined): string[] {
  if (!ext) return [];
  try {
    const names = expect(leadingDer(ext.value), TAG.sequence, 'subject alternative name');
    // rfc822Name is [1] IMPLICIT IA5String.
    return names.children.filter((n) => isContext(n, 1) && !n.constructed).map((n) => stringOf({ ...n, cls: 0, tag: 22 })!);
  } catch {
    return [];
  }
}

/** Everything CertificateFacts holds, read from one DER certificate. Throws CmsError when it cannot be decoded. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw new CmsError(`certificate of ${der.length} bytes exceeds the ${MAX_CERTIFICATE_BYTES}-byte limit`);
  }
  const exact = new Uint8Array(der);
  return decoding('malformed certificate', () => factsOfCertificate(leadingDer(exact), exact));
}

/** Facts of a certificate already decoded (inside a SignedData), with its exact DER. */
export function factsOfCertificate(cert: Der, der: Uint8Array): CertificateFacts {
  const exact = new Uint8Array(der);
  const parts = certificateParts(cert);
  const subject = nameAttributes(parts.subject, 'subject');
  const issuer = nameAttributes(parts.issuer, 'issuer');
  const extensions = parts.extensions;
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
    serialHex: integerHex(parts.serial),
    notBefore: parts.notBefore,
    notAfter: parts.notAfter,
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
    return toHex(octetsOf(decodeDer(ext.value), 'subject key identifier'));
  } catch {
    return undefined;
  }
}

function authorityKeyIdUncached(cert: CertificateFacts): string | undefined {
  const ext = cert.extensions.find((e) => e.oid === OID_AUTHORITY_KEY_ID);
  if (!ext) return undefined;
  try {
    const aki = expect(leadingDer(ext.value), TAG.sequence, 'authority key identifier');
    // keyIdentifier is [0] IMPLICIT OCTET STRING.
    const id = aki.children.find((c) => isContext(c, 0) && !c.constructed);
    return id ? toHex(id.input.subarray(id.contentStart, id.contentEnd)) : undefined;
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
