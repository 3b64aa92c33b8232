/**
 * TEST ONLY. A throwaway certificate authority (root → intermediate → leaf)
 * made with node:crypto keys and pkijs structures, so tests can sign
 * synthetic Mach-O files. The Apple marker OIDs it can add are only OIDs:
 * nothing here involves Apple's keys or certificates.
 */
import { createHash, generateKeyPairSync, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type KeyType = 'rsa' | 'ec';

/** A name as [short name or dotted OID, value] pairs in DER order, e.g. [['CN', 'Test Root'], ['C', 'US']]. */
export type NameSpec = [string, string][];

export interface ExtensionSpec {
  oid: string;
  critical?: boolean;
  /** extnValue contents; defaults to DER NULL (05 00), which is what Apple's marker extensions hold. */
  value?: Uint8Array;
}

export interface CertificateSpec {
  subject: NameSpec;
  notBefore?: Date;
  notAfter?: Date;
  /** Extra extensions (markers such as 1.2.840.113635.100.6.2.6). */
  extensions?: ExtensionSpec[];
  /** certificatePolicies OIDs. */
  policies?: string[];
  /** rfc822Name subjectAltNames. */
  emails?: string[];
  keyType?: KeyType;
  /** Hash for the issuer's signature over this certificate (sha1 reproduces Apple Root CA's era). */
  signatureHash?: 'sha1' | 'sha256' | 'sha384';
}

export interface Issued {
  der: Uint8Array;
  privateKey: KeyObject;
  publicKey: KeyObject;
  subject: NameSpec;
}

export interface TestCa {
  root: Issued;
  intermediate: Issued;
  leaf: Issued;
}

export interface CaOptions {
  root?: Partial<CertificateSpec>;
  intermediate?: Partial<CertificateSpec>;
  leaf?: Partial<CertificateSpec>;
  /** Key type for all three unless a certificate says otherwise. */
  keyType?: KeyType;
  /** Team identifier placed in the leaf's OU and UID and its CN, Developer-ID style. */
  teamId?: string;
}

const NAME_OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  serialNumber: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  D: '2.5.4.13',
  UID: '0.9.2342.19200300.100.1.1',
  DC: '0.9.2342.19200300.100.1.25',
  emailAddress: '1.2.840.113549.1.9.1',
};

export const OID = {
  developerIdCaMarker: '1.2.840.113635.100.6.2.6',
  developerIdLeafMarker: '1.2.840.113635.100.6.1.13',
  wwdrCaMarker: '1.2.840.113635.100.6.2.1',
  macAppStoreLeaf: '1.2.840.113635.100.6.1.9',
  codeSigningEku: '1.3.6.1.5.5.7.3.3',
} as const;

/** One attribute per RDN, as real CAs write names (pkijs alone would put them all in one multi-valued RDN). */
function nameOf(spec: NameSpec): pkijs.RelativeDistinguishedNames {
  const rdns = spec.map(([key, value]) => {
    const type = NAME_OIDS[key] ?? key;
    const str =
      type === '2.5.4.6'
        ? new asn1js.PrintableString({ value })
        : type === NAME_OIDS['emailAddress'] || type === NAME_OIDS['DC']
          ? new asn1js.IA5String({ value })
          : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), str] })] });
  });
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER());
}

function keyPair(type: KeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  return type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
}

const SIG_OIDS = {
  rsa: { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12' },
  ec: { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3' },
} as const;

/** AlgorithmIdentifier for a signature made by `key` with `hash` (RSA carries NULL parameters, ECDSA none). */
export function signatureAlgorithmFor(key: KeyObject, hash: 'sha1' | 'sha256' | 'sha384'): pkijs.AlgorithmIdentifier {
  const type = key.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  const algorithmId = SIG_OIDS[type][hash];
  return type === 'rsa'
    ? new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams: new asn1js.Null() })
    : new pkijs.AlgorithmIdentifier({ algorithmId });
}

function keyId(publicKey: KeyObject): Uint8Array {
  const spki = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

function extension(oid: string, critical: boolean, value: ArrayBuffer | Uint8Array): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value instanceof Uint8Array ? value.slice().buffer : value });
}

interface IssueInput {
  spec: CertificateSpec;
  keys: { privateKey: KeyObject; publicKey: KeyObject };
  issuer?: { subject: NameSpec; privateKey: KeyObject; publicKey: KeyObject };
  ca: boolean;
}

function issue({ spec, keys, issuer, ca }: IssueInput): Issued {
  const signer = issuer ?? { subject: spec.subject, ...keys };
  const cert = new pkijs.Certificate();
  cert.version = 2;
  // Positive, 9 bytes at most, like most CAs' random serials.
  const serial = randomBytes(8);
  serial[0] = serial[0]! & 0x7f | 0x01;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer.slice(serial.byteOffset, serial.byteOffset + 8) });
  cert.issuer = nameOf(signer.subject);
  cert.subject = nameOf(spec.subject);
  cert.notBefore.value = spec.notBefore ?? new Date(Date.UTC(2020, 0, 1));
  cert.notAfter.value = spec.notAfter ?? new Date(Date.UTC(2040, 0, 1));
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(keys.publicKey.export({ type: 'spki', format: 'der' }));
  const exts: pkijs.Extension[] = [
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId(keys.publicKey) }).toBER()),
    extension('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({
      keyIdentifier: new asn1js.OctetString({ valueHex: keyId(signer.publicKey) }),
    }).toSchema().toBER()),
    extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: ca }).toSchema().toBER()),
    // keyCertSign|cRLSign for CAs, digitalSignature for the leaf.
    extension('2.5.29.15', true, new asn1js.BitString({ valueHex: new Uint8Array([ca ? 0x06 : 0x80]).buffer, unusedBits: ca ? 1 : 7 }).toBER()),
  ];
  if (!ca) exts.push(extension('2.5.29.37', true, new pkijs.ExtKeyUsage({ keyPurposes: [OID.codeSigningEku] }).toSchema().toBER()));
  if (spec.policies?.length) {
    exts.push(extension('2.5.29.32', false, new pkijs.CertificatePolicies({
      certificatePolicies: spec.policies.map((p) => new pkijs.PolicyInformation({ policyIdentifier: p })),
    }).toSchema().toBER()));
  }
  if (spec.emails?.length) {
    exts.push(extension('2.5.29.17', false, new pkijs.GeneralNames({
      names: spec.emails.map((e) => new pkijs.GeneralName({ type: 1, value: e })),
    }).toSchema().toBER()));
  }
  for (const e of spec.extensions ?? []) {
    exts.push(extension(e.oid, e.critical ?? false, e.value ?? new Uint8Array([0x05, 0x00])));
  }
  cert.extensions = exts;
  const alg = signatureAlgorithmFor(signer.privateKey, spec.signatureHash ?? 'sha256');
  cert.signature = alg;
  cert.signatureAlgorithm = alg;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER());
  const sig = cryptoSign(spec.signatureHash ?? 'sha256', cert.tbsView, signer.privateKey);
  cert.signatureValue = new asn1js.BitString({ valueHex: sig.buffer.slice(sig.byteOffset, sig.byteOffset + sig.byteLength) });
  return { der: new Uint8Array(cert.toSchema(false).toBER()), ...keys, subject: spec.subject };
}

/**
 * Root (self-signed) → intermediate → leaf. Defaults imitate a Developer ID
 * chain: intermediate marker 1.2.840.113635.100.6.2.6, leaf marker
 * 1.2.840.113635.100.6.1.13 and the team ID in the leaf's OU. Pass
 * `extensions: []` to drop a marker.
 */
export function makeCa(options: CaOptions = {}): TestCa {
  const team = options.teamId ?? 'TEAMID1234';
  const keyType = options.keyType ?? 'rsa';
  const rootSpec: CertificateSpec = {
    subject: [['C', 'US'], ['O', 'csrl tests'], ['OU', 'Throwaway Certification Authority'], ['CN', 'csrl Test Root CA']],
    ...options.root,
  };
  const intermediateSpec: CertificateSpec = {
    subject: [['CN', 'csrl Test Developer ID CA'], ['OU', 'Throwaway Certification Authority'], ['O', 'csrl tests'], ['C', 'US']],
    extensions: [{ oid: OID.developerIdCaMarker }],
    ...options.intermediate,
  };
  const leafSpec: CertificateSpec = {
    subject: [['UID', team], ['CN', `Developer ID Application: csrl tests (${team})`], ['OU', team], ['O', 'csrl tests'], ['C', 'US']],
    extensions: [{ oid: OID.developerIdLeafMarker, critical: true }],
    ...options.leaf,
  };
  const rootKeys = keyPair(rootSpec.keyType ?? keyType);
  const root = issue({ spec: rootSpec, keys: rootKeys, ca: true });
  const intermediate = issue({ spec: intermediateSpec, keys: keyPair(intermediateSpec.keyType ?? keyType), issuer: root, ca: true });
  const leaf = issue({ spec: leafSpec, keys: keyPair(leafSpec.keyType ?? keyType), issuer: intermediate, ca: false });
  return { root, intermediate, leaf };
}

/** One more certificate issued by `issuer` (e.g. a timestamp authority, or a second leaf). */
export function issueCertificate(spec: CertificateSpec, issuer: Issued, ca = false): Issued {
  return issue({ spec, keys: keyPair(spec.keyType ?? 'rsa'), issuer, ca });
}
