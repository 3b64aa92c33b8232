/**
 * TEST ONLY. Builds the detached CMS SignedData codesign puts in slot
 * 0x10000: signed attributes contentType, signingTime, messageDigest (of the
 * slot-0 CodeDirectory), CDHashes2 and the CDHashes plist, in Apple's order;
 * certificates in Apple's order (intermediate, root, leaf); optionally an
 * RFC 3161 timestamp token from a throwaway TSA.
 */
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { build as buildPlist } from 'plist';
import type { HashType } from '../../validator/facts.js';
import { signatureAlgorithmFor, type Issued, type TestCa } from './ca.js';

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  timestampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  cdhashesPlist: '1.2.840.113635.100.9.1',
  cdhashes2: '1.2.840.113635.100.9.2',
  rsaEncryption: '1.2.840.113549.1.1.1',
};

const DIGEST_OIDS: Record<'sha1' | 'sha256' | 'sha384', string> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
};

export type Digest = 'sha1' | 'sha256' | 'sha384';

export interface CmsOptions {
  /** The exact slot-0 CodeDirectory bytes. */
  codeDirectory: Uint8Array;
  /** Full cdhash of each CodeDirectory in slot order (what the CDHashes attributes state). */
  cdhashes: { hashType: HashType; cdhash: Uint8Array }[];
  ca: TestCa;
  signingTime?: Date;
  /** SignerInfo digest; default sha256 (Apple's current choice; sha1 is what very old signatures used). */
  digest?: Digest;
  /** `rsaEncryption` (as in node 12's signature) or the hash-specific OID (as in newer ones); ECDSA keys always use ecdsa-with-SHAx. */
  rsaSignatureOid?: 'rsaEncryption' | 'specific';
  /** Which hash-agility attributes to write; default both. */
  cdhashesPlist?: boolean;
  cdhashes2?: boolean;
  /** Timestamp the signature with this TSA certificate (issued by the CA root with issueCertificate). */
  timestamp?: { time: Date; tsa: Issued; chain: Issued[] };
}

function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

function hash(digest: Digest, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(digest).update(data).digest());
}

function digestAlgorithm(digest: Digest): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS[digest], algorithmParams: new asn1js.Null() });
}

function digestOfHashType(type: HashType): Digest {
  return type === 'sha256Truncated' ? 'sha256' : type;
}

interface SignerInput {
  signer: Issued;
  digest: Digest;
  attributes: pkijs.Attribute[];
  rsaSignatureOid: 'rsaEncryption' | 'specific';
}

/** A SignerInfo whose signature covers the DER SET OF the signed attributes (RFC 5652 §5.4). */
function signerInfo({ signer, digest, attributes, rsaSignatureOid }: SignerInput): pkijs.SignerInfo {
  const cert = pkijs.Certificate.fromBER(signer.der);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
  const encoded = new Uint8Array(signedAttrs.toSchema().toBER());
  encoded[0] = 0x31;
  const signature = cryptoSign(digest, encoded, signer.privateKey as KeyObject);
  const isRsa = signer.privateKey.asymmetricKeyType === 'rsa';
  const sigAlg = isRsa && rsaSignatureOid === 'rsaEncryption'
    ? new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.rsaEncryption, algorithmParams: new asn1js.Null() })
    : signatureAlgorithmFor(signer.privateKey, digest);
  return new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: digestAlgorithm(digest),
    signedAttrs,
    signatureAlgorithm: sigAlg,
    signature: new asn1js.OctetString({ valueHex: ab(new Uint8Array(signature)) }),
  });
}

function contentInfo(signedData: pkijs.SignedData): Uint8Array {
  const ci = new pkijs.ContentInfo({ contentType: OIDS.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(ci.toSchema().toBER());
}

function attribute(type: string, values: asn1js.BaseBlock[]): pkijs.Attribute {
  return new pkijs.Attribute({ type, values });
}

/** An RFC 3161 token stamping `signature` at `time`. */
function timestampToken(signature: Uint8Array, ts: NonNullable<CmsOptions['timestamp']>): asn1js.BaseBlock {
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: '1.2.3.4.5',
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: digestAlgorithm('sha256'),
      hashedMessage: new asn1js.OctetString({ valueHex: ab(hash('sha256', signature)) }),
    }),
    serialNumber: new asn1js.Integer({ value: 42 }),
    genTime: ts.time,
  });
  const tstDer = new Uint8Array(tst.toSchema().toBER());
  const info = signerInfo({
    signer: ts.tsa,
    digest: 'sha256',
    rsaSignatureOid: 'specific',
    attributes: [
      attribute(OIDS.contentType, [new asn1js.ObjectIdentifier({ value: OIDS.tstInfo })]),
      attribute(OIDS.signingTime, [new asn1js.UTCTime({ valueDate: ts.time })]),
      attribute(OIDS.messageDigest, [new asn1js.OctetString({ valueHex: ab(hash('sha256', tstDer)) })]),
    ],
  });
  const signedData = new pkijs.SignedData({
    version: 3,
    digestAlgorithms: [digestAlgorithm('sha256')],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OIDS.tstInfo,
      eContent: new asn1js.OctetString({ valueHex: ab(tstDer) }),
    }),
    certificates: [ts.tsa, ...ts.chain].map((c) => pkijs.Certificate.fromBER(c.der)),
    signerInfos: [info],
  });
  const ci = new pkijs.ContentInfo({ contentType: OIDS.signedData, content: signedData.toSchema(true) });
  return ci.toSchema();
}

/** The CMS DER for the CMS blob's payload. */
export function buildCms(options: CmsOptions): Uint8Array {
  const digest = options.digest ?? 'sha256';
  const time = options.signingTime ?? new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
  const attributes = [
    attribute(OIDS.contentType, [new asn1js.ObjectIdentifier({ value: OIDS.data })]),
    attribute(OIDS.signingTime, [new asn1js.UTCTime({ valueDate: time })]),
    attribute(OIDS.messageDigest, [new asn1js.OctetString({ valueHex: ab(hash(digest, options.codeDirectory)) })]),
  ];
  if (options.cdhashes2 !== false) {
    attributes.push(attribute(OIDS.cdhashes2, options.cdhashes.map((c) => new asn1js.Sequence({
      value: [
        new asn1js.ObjectIdentifier({ value: DIGEST_OIDS[digestOfHashType(c.hashType)] }),
        new asn1js.OctetString({ valueHex: ab(c.cdhash) }),
      ],
    }))));
  }
  if (options.cdhashesPlist !== false) {
    const xml = buildPlist({ cdhashes: options.cdhashes.map((c) => Buffer.from(c.cdhash.subarray(0, 20))) });
    attributes.push(attribute(OIDS.cdhashesPlist, [new asn1js.OctetString({ valueHex: ab(new TextEncoder().encode(xml)) })]));
  }
  const info = signerInfo({ signer: options.ca.leaf, digest, attributes, rsaSignatureOid: options.rsaSignatureOid ?? 'specific' });
  if (options.timestamp) {
    const token = timestampToken(new Uint8Array(info.signature.valueBlock.valueHexView), options.timestamp);
    info.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attribute(OIDS.timestampToken, [token])] });
  }
  const { intermediate, root, leaf } = options.ca;
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [digestAlgorithm(digest)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OIDS.data }),
    certificates: [intermediate, root, leaf].map((c) => pkijs.Certificate.fromBER(c.der)),
    signerInfos: [info],
  });
  return contentInfo(signedData);
}
