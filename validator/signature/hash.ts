import * as crypto from 'node:crypto';
import type { HashType } from '../facts.js';

/** CodeDirectory hashType values (cs_blobs.h CS_HASHTYPE_*). */
export const HASH_TYPES: Record<number, { type: HashType; algorithm: string; size: number }> = {
  1: { type: 'sha1', algorithm: 'sha1', size: 20 },
  2: { type: 'sha256', algorithm: 'sha256', size: 32 },
  3: { type: 'sha256Truncated', algorithm: 'sha256', size: 20 },
  4: { type: 'sha384', algorithm: 'sha384', size: 48 },
};

export function hashTypeInfo(type: HashType): { code: number; algorithm: string; size: number } {
  for (const [code, info] of Object.entries(HASH_TYPES)) if (info.type === type) return { code: Number(code), algorithm: info.algorithm, size: info.size };
  throw new Error(`unknown hash type ${type}`);
}

type OneShot = {
  (algorithm: string, data: Uint8Array, encoding: 'buffer'): Buffer;
  (algorithm: string, data: Uint8Array, encoding: 'latin1'): string;
};
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** Digest of `data`; the one-shot API (Node ≥ 20.12) avoids a Hash object per 4 KB page. */
export function digest(algorithm: string, data: Uint8Array): Buffer {
  if (oneShot) return oneShot(algorithm, data, 'buffer');
  return crypto.createHash(algorithm).update(data).digest();
}

/**
 * The same digest as a latin1 string (one code unit per byte), for hot loops:
 * a short heap string is far cheaper to make and collect than a Buffer.
 */
export function digestLatin1(algorithm: string, data: Uint8Array): string {
  if (oneShot) return oneShot(algorithm, data, 'latin1');
  return crypto.createHash(algorithm).update(data).digest().toString('latin1');
}

/** The hash a CodeDirectory of this type uses for its cdhash and page slots (full output, before truncation). */
export function fullDigest(type: HashType, data: Uint8Array): Uint8Array {
  return new Uint8Array(digest(hashTypeInfo(type).algorithm, data));
}
