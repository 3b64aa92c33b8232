/**
 * Reading the CMS SignedData of a code signature (superblob slot 0x10000,
 * magic 0xfade0b01). Decoding is done by pkijs/asn1js; this module only
 * picks out what code signing uses. asn1js bounds depth (100) and node count
 * (10,000) itself; the byte size is bounded here.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertificateFacts, HashType } from '../facts.js';
import { parsePlistDict } from '../signature/plist.js';
import { digestName, hashTypeOfDigest, signatureName } from './algorithms.js';
import { factsOfCertificate, issuedBy, MAX_CERTIFICATE_BYTES, orderChain, subjectKeyId } from './certificate.js';
import { copyBytes, integerHex, toHex } from './bytes.js';
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
  signatureParameters?: asn1js.AsnType;
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

function octets(value: unknown, what: string): Uint8Array {
  if (!(value instanceof asn1js.OctetString)) throw new CmsError(`${what} is not an OCTET STRING`);
  return copyBytes(value.getValue());
}

function timeOf(value: unknown, what: string): Date {
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime) {
    const date = value.toDate();
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new CmsError(`${what} is not a valid UTCTime or GeneralizedTime`);
}

/** The raw DER of each certificate in SignedData.certificates, exactly as signed (pkijs would re-encode them). */
function rawCertificates(signedDataAsn: asn1js.AsnType): Uint8Array[] {
  if (!(signedDataAsn instanceof asn1js.Sequence)) throw new CmsError('SignedData is not a SEQUENCE');
  const field = signedDataAsn.valueBlock.value.find(
    (v) => v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 0 && v.idBlock.isConstructed,
  );
  if (!field) return [];
  const items = (field as asn1js.Constructed).valueBlock.value;
  // Attribute and other certificate formats ([1], [2], [3]) are not X.509 certificates; Apple never sends them.
  return items.filter((v) => v.idBlock.tagClass === 1 && v.idBlock.tagNumber === 16).map((v) => copyBytes(v.valueBeforeDecodeView));
}

/** Facts of every X.509 certificate in the SignedData, reusing pkijs's decoding with the exact DER beside it. */
function certificatesOf(signedDataAsn: asn1js.AsnType, signedData: pkijs.SignedData): CertificateFacts[] {
  const raw = rawCertificates(signedDataAsn);
  const decoded = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  if (raw.length !== decoded.length) throw new CmsError('CMS certificate set could not be decoded consistently');
  return decoded.map((cert, i) => {
    const der = raw[i]!;
    if (der.length > MAX_CERTIFICATE_BYTES) throw new CmsError(`certificate of ${der.length} bytes exceeds the ${MAX_CERTIFICATE_BYTES}-byte limit`);
    return decoding('malformed certificate', () => factsOfCertificate(cert, der));
  });
}

function parseCdhashesPlist(bytes: Uint8Array): Uint8Array[] {
  const value = decoding('CDHashes plist attribute', () => parsePlistDict(bytes, 'CDHashes plist attribute'));
  const list = value['cdhashes'];
  if (!Array.isArray(list) || !list.every((x) => x instanceof Uint8Array)) {
    throw new CmsError('CDHashes plist attribute has no `cdhashes` array of data');
  }
  return list.map((x) => new Uint8Array(x as Uint8Array));
}

function parseCdhashes2(values: unknown[]): { hashType: HashType; digest: Uint8Array }[] {
  const out: { hashType: HashType; digest: Uint8Array }[] = [];
  for (const value of values) {
    const items = value instanceof asn1js.Sequence ? value.valueBlock.value : [];
    const [oid, digest] = items;
    if (items.length !== 2 || !(oid instanceof asn1js.ObjectIdentifier)) {
      throw new CmsError('CDHashes2 attribute value is not SEQUENCE { OID, OCTET STRING }');
    }
    const hashType = hashTypeOfDigest(digestName(oid.valueBlock.toString()));
    // An agility entry for a digest no CodeDirectory can use names nothing we could compare.
    if (hashType) out.push({ hashType, digest: octets(digest, 'CDHashes2 digest') });
  }
  return out;
}

function attributeValues(attrs: pkijs.SignedAndUnsignedAttributes | undefined, oid: string): unknown[] | undefined {
  const found = attrs?.attributes.filter((a) => a.type === oid) ?? [];
  if (found.length > 1) throw new CmsError(`attribute ${oid} occurs ${found.length} times`);
  return found[0]?.values;
}

function single(attrs: pkijs.SignedAndUnsignedAttributes | undefined, oid: string, what: string): unknown {
  const values = attributeValues(attrs, oid);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new CmsError(`${what} attribute has ${values.length} values, expected 1`);
  return values[0];
}

interface SignerId {
  issuerAndSerial?: { issuer: string; serialHex: string };
  keyId?: string;
}

function signerIdOf(signerInfo: pkijs.SignerInfo): SignerId {
  const sid = signerInfo.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return {
      issuerAndSerial: {
        issuer: nameText(nameAttributes(sid.issuer)),
        serialHex: integerHex(copyBytes(sid.serialNumber.valueBlock.valueHexView)),
      },
    };
  }
  // [0] SubjectKeyIdentifier: the tagged primitive holds the key identifier octets.
  const view = (sid as { valueBlock?: { valueHexView?: Uint8Array } } | undefined)?.valueBlock?.valueHexView;
  return view && view.length > 0 ? { keyId: toHex(copyBytes(view)) } : {};
}

function findSigner(id: SignerId, certs: CertificateFacts[]): CertificateFacts | undefined {
  if (id.issuerAndSerial) {
    const { issuer, serialHex } = id.issuerAndSerial;
    return certs.find((c) => c.issuerText === issuer && c.serialHex === serialHex);
  }
  if (id.keyId) return certs.find((c) => subjectKeyId(c) === id.keyId);
  return undefined;
}

/** Decodes ContentInfo → SignedData from an asn1js value and describes its first signer. */
function signerView(contentInfoAsn: asn1js.AsnType, what: string): { view: SignerView; signerInfo: pkijs.SignerInfo; id: SignerId; signedData: pkijs.SignedData } {
  const contentInfo = decoding(`malformed ${what} ContentInfo`, () => new pkijs.ContentInfo({ schema: contentInfoAsn }));
  if (contentInfo.contentType !== OID_SIGNED_DATA) {
    throw new CmsError(`${what} content type is ${contentInfo.contentType}, expected SignedData ${OID_SIGNED_DATA}`);
  }
  const signedData = decoding(`malformed ${what} SignedData`, () => new pkijs.SignedData({ schema: contentInfo.content }));
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) throw new CmsError(`${what} SignedData has no SignerInfo`);
  const certs = certificatesOf(contentInfo.content as asn1js.AsnType, signedData);
  const id = signerIdOf(signerInfo);
  const signer = findSigner(id, certs);
  const view: SignerView = {
    ...splitChain(orderChain(certs, signer)),
    digestAlgorithm: digestName(signerInfo.digestAlgorithm.algorithmId),
    signatureAlgorithmOid: signerInfo.signatureAlgorithm.algorithmId,
    signature: copyBytes(signerInfo.signature.getValue()),
    contentType: signedData.encapContentInfo.eContentType,
    signerCount: signedData.signerInfos.length,
  };
  if (signerInfo.signatureAlgorithm.algorithmParams !== undefined) {
    view.signatureParameters = signerInfo.signatureAlgorithm.algorithmParams as asn1js.AsnType;
  }
  if (signer) view.signer = signer;
  const signed = signerInfo.signedAttrs;
  if (signed) {
    const attrs = copyBytes(signed.encodedValue);
    // The signature covers the attributes with the universal SET OF tag, not the [0] IMPLICIT tag they travel under (RFC 5652 §5.4).
    attrs[0] = 0x31;
    view.signedAttributes = attrs;
    const digest = single(signed, OID_MESSAGE_DIGEST, `${what} message digest`);
    if (digest !== undefined) view.messageDigest = octets(digest, `${what} message digest`);
    const type = single(signed, OID_CONTENT_TYPE, `${what} content type`);
    if (type !== undefined) {
      if (!(type instanceof asn1js.ObjectIdentifier)) throw new CmsError(`${what} content type attribute is not an OID`);
      view.contentTypeAttribute = type.valueBlock.toString();
    }
  }
  const eContent = signedData.encapContentInfo.eContent;
  if (eContent) view.content = copyBytes(eContent.getValue());
  return { view, signerInfo, id, signedData };
}

function parseTimestamp(values: unknown[]): NonNullable<DecodedCms['timestamp']> & { time: Date } {
  if (values.length !== 1) throw new CmsError(`timestamp attribute has ${values.length} values, expected 1`);
  const { view } = signerView(values[0] as asn1js.AsnType, 'timestamp token');
  if (view.contentType !== OID_TST_INFO || !view.content) throw new CmsError('timestamp token does not encapsulate a TSTInfo');
  const tst = decoding('TSTInfo', () => pkijs.TSTInfo.fromBER(view.content!));
  return {
    view,
    time: tst.genTime,
    imprint: {
      digestAlgorithm: digestName(tst.messageImprint.hashAlgorithm.algorithmId),
      digest: copyBytes(tst.messageImprint.hashedMessage.valueBlock.valueHexView),
    },
  };
}

/**
 * asn1js and pkijs need tens of milliseconds for one 9 KB CMS, and a reader
 * typically asks for the facts and then for verification of the same bytes:
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
  // A private, exactly-sized copy: asn1js keeps views into it, and it decodes a plain Uint8Array fastest.
  const parsed = decoding('malformed CMS', () => asn1js.fromBER(new Uint8Array(der)));
  if (parsed.offset === -1) throw new CmsError(`malformed CMS: ${parsed.result.error || 'cannot decode BER'}`);
  // codesign sizes the blob before signing, so zero padding may follow the BER; anything else is not ours.
  for (let i = parsed.offset; i < der.length; i++) {
    if (der[i] !== 0) throw new CmsError(`unexpected data after the CMS at byte ${parsed.offset}`);
  }
  const { view, signerInfo, id } = signerView(parsed.result, 'CMS');
  const facts: CmsFacts = {
    certificates: view.chain,
    extraCertificates: view.extra,
    digestAlgorithm: view.digestAlgorithm,
    signatureAlgorithm: signatureName(view.signatureAlgorithmOid),
  };
  if (id.issuerAndSerial) facts.signerIssuerAndSerial = id.issuerAndSerial;
  if (id.keyId) facts.signerKeyId = id.keyId;
  if (view.messageDigest) facts.messageDigest = view.messageDigest;

  const signed = signerInfo.signedAttrs;
  const signingTime = single(signed, OID_SIGNING_TIME, 'signing time');
  if (signingTime !== undefined) facts.signingTime = timeOf(signingTime, 'signing time');
  const plistValue = single(signed, OID_CDHASHES_PLIST, 'CDHashes');
  if (plistValue !== undefined) facts.cdhashesPlist = parseCdhashesPlist(octets(plistValue, 'CDHashes'));
  const cdhashes2 = attributeValues(signed, OID_CDHASHES2);
  if (cdhashes2 !== undefined) facts.cdhashes2 = parseCdhashes2(cdhashes2);

  const decoded: DecodedCms = { facts, main: view };
  const tsValues = attributeValues(signerInfo.unsignedAttrs, OID_TIMESTAMP_TOKEN);
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
