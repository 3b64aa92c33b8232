/**
 * Reading the CMS SignedData of a code signature (superblob slot 0x10000,
 * magic 0xfade0b01), picking out what code signing uses with the small
 * BER reader of der.ts, which bounds depth (100) and node count (10,000);
 * the byte size is bounded here.
 */
import { createHash } from 'node:crypto';
import type { CertificateFacts, HashType } from '../facts.js';
import { readPlistDict } from '../signature/plist.js';
import { digestName, hashTypeOfDigest, signatureName } from './algorithms.js';
import { factsOfCertificate, issuedBy, MAX_CERTIFICATE_BYTES, orderChain, subjectKeyId } from './certificate.js';
import { integerHex, toHex } from './bytes.js';
import { algorithmOf, decodeDer, encoded, expect, integerBytes, isContext, isUniversal, octetsOf, oidOf, TAG, timeOf, type Der } from './der.js';
import { CmsError, decoding } from './errors.js';
import { nameAttributes, nameText } from './names.js';

export { CmsError } from './errors.js';

/** Apple's CMS blobs are under 64 KB (codesign reserves about 9–18 KB); anything past this is hostile. */
export const MAX_CMS_BYTES = 1024 * 1024;

export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
export const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
export const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
/** Hash agility v1: an XML plist `{ cdhashes: [data…] }`, each truncated to 20 bytes, in CodeDirectory order. */
export const OID_CDHASHES_PLIST = '1.2.840.113635.100.9.1';
/** Hash agility v2: one SEQUENCE { digest OID, OCTET STRING full cdhash } per CodeDirectory. */
export const OID_CDHASHES2 = '1.2.840.113635.100.9.2';

export interface CmsFacts {
  /**
   * The issuer path leaf → anchor, starting at the signer. Only the path:
   * `anchor apple generic` looks at the last element, so a certificate merely
   * appended to the CMS (say a copy of Apple Root CA after a self-made chain)
   * must never be able to become the anchor.
   */
  certificates: CertificateFacts[];
  /** Certificates in the CMS that are not on the signer's path, in CMS order. */
  extraCertificates: CertificateFacts[];
  signingTime?: Date;
  messageDigest?: Uint8Array;
  /** The signer's digest algorithm, e.g. `sha256` (the OID when unknown). */
  digestAlgorithm: string;
  /** e.g. `rsaEncryption`, `sha256WithRSAEncryption`, `ecdsa-with-SHA256` (the OID when unknown). */
  signatureAlgorithm: string;
  cdhashesPlist?: Uint8Array[];
  cdhashes2?: { hashType: HashType; digest: Uint8Array }[];
  /** The TSA's genTime and its certificate path (leaf → anchor). */
  timestamp?: { time: Date; certificates: CertificateFacts[] };
  /** Why the timestamp token could not be read, when there is one that cannot. */
  timestampError?: string;
  signerIssuerAndSerial?: { issuer: string; serialHex: string };
  /** subjectKeyIdentifier form of the signer identifier (hex), when used instead of issuerAndSerial. */
  signerKeyId?: string;
}

/** One SignerInfo with what checking its signature needs: the exact signed bytes, the key's certificate, the algorithms. */
export interface SignerView {
  /** The issuer path from the signer (leaf → anchor). */
  chain: CertificateFacts[];
  /** The SignedData's other certificates. */
  extra: CertificateFacts[];
  /** The certificate whose key made the signature; undefined when the SignedData does not carry it. */
  signer?: CertificateFacts;
  /** DER of the signed attributes re-tagged as SET OF (what the signature covers); undefined when there are none. */
  signedAttributes?: Uint8Array;
  messageDigest?: Uint8Array;
  /** The contentType signed attribute, which must repeat the encapsulated content type (RFC 5652 §11.1). */
  contentTypeAttribute?: string;
  digestAlgorithm: string;
  signatureAlgorithmOid: string;
  /** The signature algorithm's parameters (RSASSA-PSS), DER. */
  signatureParameters?: Uint8Array;
  signature: Uint8Array;
  /** Encapsulated content; present means the CMS is not detached. */
  content?: Uint8Array;
  contentType: string;
  signerCount: number;
}

/** What verification needs beyond the facts. */
export interface DecodedCms {
  facts: CmsFacts;
  main: SignerView;
  /** The RFC 3161 token's own signer and the imprint it stamps. */
  timestamp?: { view: SignerView; imprint: { digestAlgorithm: string; digest: Uint8Array } };
}

/** The values of each attribute of a signed or unsigned attribute set, by type (an attribute may repeat). */
type Attributes = Map<string, Der[][]>;

function attributesOf(set: Der, what: string): Attributes {
  const out: Attributes = new Map();
  for (const attr of set.children) {
    const [type, values, ...rest] = expect(attr, TAG.sequence, `${what} attribute`).children;
    const oid = oidOf(type, `${what} attribute type`);
    if (rest.length > 0) throw new CmsError(`${what} attribute ${oid} has extra fields`);
    const list = expect(values, TAG.set, `${what} attribute ${oid} values`).children;
    out.set(oid, [...(out.get(oid) ?? []), list]);
  }
  return out;
}

function attributeValues(attrs: Attributes | undefined, oid: string): Der[] | undefined {
  const found = attrs?.get(oid) ?? [];
  if (found.length > 1) throw new CmsError(`attribute ${oid} occurs ${found.length} times`);
  return found[0];
}

/** The raw DER of each X.509 certificate in SignedData.certificates, exactly as signed, with its decoding. */
function certificatesOf(field: Der | undefined): CertificateFacts[] {
  if (!field) return [];
  // Attribute and other certificate formats ([1], [2], [3]) are not X.509 certificates; Apple never sends them.
  return field.children.filter((v) => isUniversal(v, TAG.sequence)).map((cert) => {
    const der = encoded(cert);
    if (der.length > MAX_CERTIFICATE_BYTES) throw new CmsError(`certificate of ${der.length} bytes exceeds the ${MAX_CERTIFICATE_BYTES}-byte limit`);
    return decoding('malformed certificate', () => factsOfCertificate(cert, der));
  });
}

function parseCdhashesPlist(bytes: Uint8Array): Uint8Array[] {
  const value = decoding('CDHashes plist attribute', () => readPlistDict(bytes, 'CDHashes plist attribute'));
  const list = value['cdhashes'];
  if (!Array.isArray(list) || !list.every((x) => x instanceof Uint8Array)) {
    throw new CmsError('CDHashes plist attribute has no `cdhashes` array of data');
  }
  return list.map((x) => new Uint8Array(x as Uint8Array));
}

function parseCdhashes2(values: Der[]): { hashType: HashType; digest: Uint8Array }[] {
  const out: { hashType: HashType; digest: Uint8Array }[] = [];
  for (const value of values) {
    const items = isUniversal(value, TAG.sequence) && value.constructed ? value.children : [];
    const [oid, digest] = items;
    if (items.length !== 2 || !isUniversal(oid, TAG.oid)) {
      throw new CmsError('CDHashes2 attribute value is not SEQUENCE { OID, OCTET STRING }');
    }
    const hashType = hashTypeOfDigest(digestName(oidOf(oid, 'CDHashes2 digest algorithm')));
    // An agility entry for a digest no CodeDirectory can use names nothing we could compare.
    if (hashType) out.push({ hashType, digest: octetsOf(digest, 'CDHashes2 digest') });
  }
  return out;
}

function single(attrs: Attributes | undefined, oid: string, what: string): Der | undefined {
  const values = attributeValues(attrs, oid);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new CmsError(`${what} attribute has ${values.length} values, expected 1`);
  return values[0];
}

interface SignerId {
  issuerAndSerial?: { issuer: string; serialHex: string };
  keyId?: string;
}

function signerIdOf(sid: Der | undefined): SignerId {
  if (isUniversal(sid, TAG.sequence) && sid.constructed) {
    const [issuer, serial] = sid.children;
    if (sid.children.length !== 2) throw new CmsError('signer identifier is not SEQUENCE { issuer, serialNumber }');
    return {
      issuerAndSerial: {
        issuer: nameText(nameAttributes(issuer, 'signer issuer')),
        serialHex: integerHex(integerBytes(serial, 'signer serial number')),
      },
    };
  }
  // [0] SubjectKeyIdentifier: the tagged primitive holds the key identifier octets.
  if (isContext(sid, 0) && !sid.constructed) {
    return sid.contentEnd > sid.contentStart ? { keyId: toHex(sid.input.subarray(sid.contentStart, sid.contentEnd)) } : {};
  }
  throw new CmsError('signer identifier is neither issuerAndSerialNumber nor subjectKeyIdentifier');
}

function findSigner(id: SignerId, certs: CertificateFacts[]): CertificateFacts | undefined {
  if (id.issuerAndSerial) {
    const { issuer, serialHex } = id.issuerAndSerial;
    return certs.find((c) => c.issuerText === issuer && c.serialHex === serialHex);
  }
  if (id.keyId) return certs.find((c) => subjectKeyId(c) === id.keyId);
  return undefined;
}

interface SignerInfoParts {
  sid: Der;
  digestAlgorithm: string;
  signedAttrs?: Der;
  signatureAlgorithm: { oid: string; parameters?: Der };
  signature: Uint8Array;
  unsignedAttrs?: Der;
}

/** SignerInfo (RFC 5652 §5.3). */
function signerInfoParts(d: Der): SignerInfoParts {
  const f = expect(d, TAG.sequence, 'SignerInfo').children;
  let i = 0;
  integerBytes(f[i++], 'SignerInfo version');
  const sid = f[i++];
  if (!sid) throw new CmsError('SignerInfo has no signer identifier');
  const digestAlgorithm = algorithmOf(f[i++], 'SignerInfo digest algorithm').oid;
  let signedAttrs: Der | undefined;
  if (isContext(f[i], 0)) {
    signedAttrs = f[i++]!;
    if (!signedAttrs.constructed) throw new CmsError('signed attributes are not a SET');
  }
  const signatureAlgorithm = algorithmOf(f[i++], 'SignerInfo signature algorithm');
  const signature = octetsOf(f[i++], 'SignerInfo signature');
  let unsignedAttrs: Der | undefined;
  if (isContext(f[i], 1)) {
    unsignedAttrs = f[i++]!;
    if (!unsignedAttrs.constructed) throw new CmsError('unsigned attributes are not a SET');
  }
  if (i !== f.length) throw new CmsError('SignerInfo has unexpected fields');
  const parts: SignerInfoParts = { sid, digestAlgorithm, signatureAlgorithm, signature };
  if (signedAttrs) parts.signedAttrs = signedAttrs;
  if (unsignedAttrs) parts.unsignedAttrs = unsignedAttrs;
  return parts;
}

interface SignedDataParts {
  eContentType: string;
  eContent?: Uint8Array;
  certificates: CertificateFacts[];
  signerInfos: Der[];
}

/** SignedData (RFC 5652 §5.1). */
function signedDataParts(d: Der | undefined): SignedDataParts {
  const f = expect(d, TAG.sequence, 'SignedData').children;
  let i = 0;
  integerBytes(f[i++], 'SignedData version');
  for (const alg of expect(f[i++], TAG.set, 'SignedData digest algorithms').children) algorithmOf(alg, 'SignedData digest algorithm');
  const encap = expect(f[i++], TAG.sequence, 'encapsulated content info').children;
  const eContentType = oidOf(encap[0], 'encapsulated content type');
  let eContent: Uint8Array | undefined;
  if (encap.length > 1) {
    const wrapper = encap[1];
    if (!isContext(wrapper, 0) || !wrapper.constructed || wrapper.children.length !== 1 || encap.length > 2) throw new CmsError('encapsulated content is not [0] EXPLICIT OCTET STRING');
    eContent = octetsOf(wrapper.children[0], 'encapsulated content');
  }
  let certificates: CertificateFacts[] = [];
  if (isContext(f[i], 0)) {
    const field = f[i++]!;
    if (!field.constructed) throw new CmsError('SignedData certificates are not a SET');
    certificates = certificatesOf(field);
  }
  if (isContext(f[i], 1)) i++; // CRLs: not used by code signing
  const signerInfos = expect(f[i++], TAG.set, 'SignedData signer infos').children;
  if (i !== f.length) throw new CmsError('SignedData has unexpected fields');
  const parts: SignedDataParts = { eContentType, certificates, signerInfos };
  if (eContent) parts.eContent = eContent;
  return parts;
}

/** Decodes ContentInfo → SignedData and describes its first signer. */
function signerView(contentInfoAsn: Der, what: string): { view: SignerView; signerInfo: SignerInfoParts; id: SignerId } {
  const [typeNode, wrapper, ...rest] = decoding(`malformed ${what} ContentInfo`, () => expect(contentInfoAsn, TAG.sequence, 'ContentInfo').children);
  const contentType = decoding(`malformed ${what} ContentInfo`, () => oidOf(typeNode, 'content type'));
  if (!isContext(wrapper, 0) || !wrapper.constructed || wrapper.children.length !== 1 || rest.length > 0) {
    throw new CmsError(`malformed ${what} ContentInfo: content is not [0] EXPLICIT`);
  }
  if (contentType !== OID_SIGNED_DATA) {
    throw new CmsError(`${what} content type is ${contentType}, expected SignedData ${OID_SIGNED_DATA}`);
  }
  const signedData = decoding(`malformed ${what} SignedData`, () => signedDataParts(wrapper.children[0]));
  const first = signedData.signerInfos[0];
  if (!first) throw new CmsError(`${what} SignedData has no SignerInfo`);
  const signerInfo = decoding(`malformed ${what} SignerInfo`, () => signerInfoParts(first));
  // Every SignerInfo must be well formed, as the whole SignedData was before.
  for (const other of signedData.signerInfos.slice(1)) decoding(`malformed ${what} SignerInfo`, () => signerInfoParts(other));
  const certs = signedData.certificates;
  const id = decoding(`malformed ${what} SignerInfo`, () => signerIdOf(signerInfo.sid));
  const signer = findSigner(id, certs);
  const view: SignerView = {
    ...splitChain(orderChain(certs, signer)),
    digestAlgorithm: digestName(signerInfo.digestAlgorithm),
    signatureAlgorithmOid: signerInfo.signatureAlgorithm.oid,
    signature: signerInfo.signature,
    contentType: signedData.eContentType,
    signerCount: signedData.signerInfos.length,
  };
  if (signerInfo.signatureAlgorithm.parameters !== undefined) {
    view.signatureParameters = encoded(signerInfo.signatureAlgorithm.parameters);
  }
  if (signer) view.signer = signer;
  const signed = signerInfo.signedAttrs;
  if (signed) {
    const attrs = encoded(signed);
    // The signature covers the attributes with the universal SET OF tag, not the [0] IMPLICIT tag they travel under (RFC 5652 §5.4).
    attrs[0] = 0x31;
    view.signedAttributes = attrs;
    const parsed = decoding(`malformed ${what} signed attributes`, () => attributesOf(signed, what));
    const digest = single(parsed, OID_MESSAGE_DIGEST, `${what} message digest`);
    if (digest !== undefined) view.messageDigest = octetsOf(digest, `${what} message digest`);
    const type = single(parsed, OID_CONTENT_TYPE, `${what} content type`);
    if (type !== undefined) {
      if (!isUniversal(type, TAG.oid)) throw new CmsError(`${what} content type attribute is not an OID`);
      view.contentTypeAttribute = oidOf(type, `${what} content type attribute`);
    }
  }
  if (signedData.eContent) view.content = signedData.eContent;
  return { view, signerInfo, id };
}

/** TSTInfo (RFC 3161 §2.4.2): the imprint and genTime. */
function tstInfoOf(bytes: Uint8Array): { genTime: Date; digestAlgorithm: string; digest: Uint8Array } {
  const f = expect(decodeDer(bytes), TAG.sequence, 'TSTInfo').children;
  integerBytes(f[0], 'TSTInfo version');
  oidOf(f[1], 'TSTInfo policy');
  const imprint = expect(f[2], TAG.sequence, 'TSTInfo message imprint').children;
  if (imprint.length !== 2) throw new CmsError('TSTInfo message imprint is not SEQUENCE { hashAlgorithm, hashedMessage }');
  const hashAlgorithm = algorithmOf(imprint[0], 'TSTInfo hash algorithm').oid;
  const digest = octetsOf(imprint[1], 'TSTInfo hashed message');
  integerBytes(f[3], 'TSTInfo serial number');
  if (!isUniversal(f[4], TAG.generalizedTime)) throw new CmsError('TSTInfo genTime is not a GeneralizedTime');
  const genTime = timeOf(f[4], 'TSTInfo genTime');
  return { genTime, digestAlgorithm: digestName(hashAlgorithm), digest };
}

function parseTimestamp(values: Der[]): NonNullable<DecodedCms['timestamp']> & { time: Date } {
  if (values.length !== 1) throw new CmsError(`timestamp attribute has ${values.length} values, expected 1`);
  const { view } = signerView(values[0]!, 'timestamp token');
  if (view.contentType !== OID_TST_INFO || !view.content) throw new CmsError('timestamp token does not encapsulate a TSTInfo');
  const tst = decoding('TSTInfo', () => tstInfoOf(view.content!));
  return {
    view,
    time: tst.genTime,
    imprint: { digestAlgorithm: tst.digestAlgorithm, digest: tst.digest },
  };
}

/**
 * A reader typically asks for the facts and then for verification of the same bytes:
 * remember the last few decodings by content hash.
 */
const recent = new Map<string, DecodedCms>();
const RECENT_LIMIT = 8;

/** Decodes the CMS and keeps what verification needs. Throws only CmsError. Callers must not modify the result. */
export function decodeCms(der: Uint8Array): DecodedCms {
  if (der.length > MAX_CMS_BYTES) {
    throw new CmsError(`CMS signature of ${der.length} bytes exceeds the ${MAX_CMS_BYTES}-byte limit`);
  }
  const key = createHash('sha256').update(der).digest('hex');
  const hit = recent.get(key);
  if (hit) return hit;
  const decoded = decodeUncached(der);
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  recent.set(key, decoded);
  return decoded;
}

function decodeUncached(der: Uint8Array): DecodedCms {
  if (der.length === 0) throw new CmsError('CMS signature is empty');
  // A private, exactly-sized copy: every value read from it is copied out again, so nothing aliases the caller's buffer.
  const input = new Uint8Array(der);
  const parsed = decoding('malformed CMS', () => decodeDer(input));
  // codesign sizes the blob before signing, so zero padding may follow the BER; anything else is not ours.
  for (let i = parsed.end; i < der.length; i++) {
    if (der[i] !== 0) throw new CmsError(`unexpected data after the CMS at byte ${parsed.end}`);
  }
  const { view, signerInfo, id } = signerView(parsed, 'CMS');
  const facts: CmsFacts = {
    certificates: view.chain,
    extraCertificates: view.extra,
    digestAlgorithm: view.digestAlgorithm,
    signatureAlgorithm: signatureName(view.signatureAlgorithmOid),
  };
  if (id.issuerAndSerial) facts.signerIssuerAndSerial = id.issuerAndSerial;
  if (id.keyId) facts.signerKeyId = id.keyId;
  if (view.messageDigest) facts.messageDigest = view.messageDigest;

  const signed = signerInfo.signedAttrs ? decoding('malformed CMS signed attributes', () => attributesOf(signerInfo.signedAttrs!, 'CMS')) : undefined;
  const signingTime = single(signed, OID_SIGNING_TIME, 'signing time');
  if (signingTime !== undefined) facts.signingTime = timeOf(signingTime, 'signing time');
  const plistValue = single(signed, OID_CDHASHES_PLIST, 'CDHashes');
  if (plistValue !== undefined) facts.cdhashesPlist = parseCdhashesPlist(octetsOf(plistValue, 'CDHashes'));
  const cdhashes2 = attributeValues(signed, OID_CDHASHES2);
  if (cdhashes2 !== undefined) facts.cdhashes2 = parseCdhashes2(cdhashes2);

  const decoded: DecodedCms = { facts, main: view };
  const unsigned = signerInfo.unsignedAttrs ? decoding('malformed CMS unsigned attributes', () => attributesOf(signerInfo.unsignedAttrs!, 'CMS unsigned')) : undefined;
  const tsValues = attributeValues(unsigned, OID_TIMESTAMP_TOKEN);
  if (tsValues !== undefined) {
    try {
      const ts = parseTimestamp(tsValues);
      facts.timestamp = { time: ts.time, certificates: ts.view.chain };
      decoded.timestamp = { view: ts.view, imprint: ts.imprint };
    } catch (e) {
      // A broken countersignature leaves the main signature readable; verification reports it.
      facts.timestampError = e instanceof Error ? e.message : String(e);
    }
  }
  return decoded;
}

/** Splits an orderChain result into the issuer path from its first certificate and the rest. */
export function splitChain(ordered: CertificateFacts[]): { chain: CertificateFacts[]; extra: CertificateFacts[] } {
  let n = ordered.length === 0 ? 0 : 1;
  while (n < ordered.length && !ordered[n - 1]!.selfSigned && issuedBy(ordered[n - 1]!, ordered[n]!)) n++;
  return { chain: ordered.slice(0, n), extra: ordered.slice(n) };
}

/** The facts of a code signature's CMS (a private copy). Throws only CmsError; bounded in size, depth and node count. */
export function parseCms(der: Uint8Array): CmsFacts {
  return structuredClone(decodeCms(der).facts);
}
