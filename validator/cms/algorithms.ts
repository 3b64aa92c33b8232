/** Names of the digest and signature algorithms that appear in code-signing CMS, and how node:crypto calls them. */
import type { HashType } from '../facts.js';

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const DIGEST_OIDS: Record<string, string> = Object.fromEntries(
  Object.entries(DIGESTS).map(([oid, name]) => [name, oid]),
);

interface SignatureAlgorithm {
  name: string;
  /** The digest the algorithm fixes; undefined when the SignerInfo's digestAlgorithm decides (rsaEncryption, ecPublicKey). */
  digest?: string;
  family: 'rsa' | 'ecdsa' | 'rsa-pss' | 'eddsa';
}

const SIGNATURES: Record<string, SignatureAlgorithm> = {
  '1.2.840.113549.1.1.1': { name: 'rsaEncryption', family: 'rsa' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', digest: 'sha1', family: 'rsa' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', digest: 'sha224', family: 'rsa' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', digest: 'sha256', family: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', digest: 'sha384', family: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', digest: 'sha512', family: 'rsa' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', family: 'rsa-pss' },
  '1.2.840.10045.2.1': { name: 'ecPublicKey', family: 'ecdsa' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', digest: 'sha1', family: 'ecdsa' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', digest: 'sha224', family: 'ecdsa' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', digest: 'sha256', family: 'ecdsa' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', digest: 'sha384', family: 'ecdsa' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', digest: 'sha512', family: 'ecdsa' },
  '1.3.101.112': { name: 'ed25519', family: 'eddsa' },
};

export function digestName(oid: string): string {
  return DIGESTS[oid] ?? oid;
}

export function isKnownDigest(name: string): boolean {
  return name in DIGEST_OIDS;
}

export function signatureAlgorithm(oid: string): SignatureAlgorithm | undefined {
  return SIGNATURES[oid];
}

export function signatureName(oid: string): string {
  return SIGNATURES[oid]?.name ?? oid;
}

/** CDHashes2 keys an entry by the digest OID; a CodeDirectory's hash type maps onto these. */
export function hashTypeOfDigest(name: string): HashType | undefined {
  if (name === 'sha1' || name === 'sha256' || name === 'sha384') return name;
  return undefined;
}

/** The digest a hash type computes (sha256Truncated hashes with SHA-256 and keeps 20 bytes). */
export function digestOfHashType(type: HashType): string {
  return type === 'sha256Truncated' ? 'sha256' : type;
}
