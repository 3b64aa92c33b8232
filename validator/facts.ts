/**
 * What the evaluator knows about one architecture slice of signed code.
 * The signature reader (validator/macho, validator/signature) produces it;
 * the evaluator (validator/evaluate) consumes it; both sides only meet here.
 * Everything is plain data so results can be serialised to JSON.
 */

/** A property-list value as Apple's CF types would hold it. */
export type PlistValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | PlistValue[]
  | { [key: string]: PlistValue };

export type PlistDict = { [key: string]: PlistValue };

export interface NameAttribute {
  /** Dotted OID, e.g. 2.5.4.11 for OU. */
  oid: string;
  /** Short name where one is known (CN, OU, O, C, L, ST, STREET, UID, …). */
  name?: string;
  value: string;
}

export interface CertificateExtension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING contents. */
  value: Uint8Array;
}

export interface CertificateFacts {
  der: Uint8Array;
  /** Subject attributes in DER order (the last occurrence of an attribute wins in Apple's lookup). */
  subject: NameAttribute[];
  issuer: NameAttribute[];
  /** RFC 4514-like one-line renderings for display. */
  subjectText: string;
  issuerText: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  sha1: Uint8Array;
  sha256: Uint8Array;
  extensions: CertificateExtension[];
  /** Policy OIDs from the certificatePolicies extension. */
  policies: string[];
  /** E-mail addresses (subject emailAddress and rfc822Name SANs). */
  emails: string[];
  selfSigned: boolean;
}

export type HashType = 'sha1' | 'sha256' | 'sha256Truncated' | 'sha384';

export interface CodeDirectoryFacts {
  /** Superblob slot: 0 or 0x1000 + n for alternates. */
  slot: number;
  version: number;
  flags: number;
  hashType: HashType;
  identifier: string;
  teamIdentifier?: string;
  /** Full-length CodeDirectory hash. */
  cdhash: Uint8Array;
  platform: number;
  pageSize: number;
  codeSlots: number;
  specialSlots: number;
  codeLimit: bigint;
  execSegFlags?: bigint;
  runtime?: number;
}

export interface CodeFacts {
  /** Architecture name (x86_64, arm64, arm64e, i386, …). */
  arch: string;
  /** From the primary CodeDirectory (slot 0); undefined when unsigned. */
  identifier?: string;
  teamIdentifier?: string;
  /**
   * cdhash truncated to 20 bytes, as `cdhash` compares it: of the CodeDirectory
   * with the strongest hash type, the one Apple's validation selects.
   */
  cdhash?: Uint8Array;
  platform?: number;
  codeDirectories: CodeDirectoryFacts[];
  /** Leaf first, anchor last; empty for ad-hoc or unsigned code. */
  certificates: CertificateFacts[];
  /** The bundle's or the embedded Info.plist; undefined when there is none. */
  infoPlist?: PlistDict;
  /** Entitlements embedded in the signature; undefined when there are none. */
  entitlements?: PlistDict;
  /** The secure (TSA) timestamp, when the CMS carries one. */
  secureTimestamp?: Date;
  /** The CMS signing-time attribute. */
  signingTime?: Date;
  /** Raw requirement set blob (special slot 2), when present. */
  requirementSet?: Uint8Array;
  adhoc: boolean;
  linkerSigned: boolean;
}

/** Apple's CodeDirectory::hashPriorities: the strongest hash type is "the" CodeDirectory of the code. */
const HASH_PRIORITY: Record<HashType, number> = { sha384: 4, sha256: 3, sha256Truncated: 2, sha1: 1 };

/** The CodeDirectory Apple's validation selects: the one with the strongest hash type (the first of equals). */
export function strongestCodeDirectory<T extends { hashType: HashType }>(cds: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const cd of cds) if (!best || HASH_PRIORITY[cd.hashType] > HASH_PRIORITY[best.hashType]) best = cd;
  return best;
}
