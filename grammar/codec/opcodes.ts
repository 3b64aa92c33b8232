/** Opcode numbers and blob magics of Apple's binary requirement form (spec §3). */

export const REQUIREMENT_MAGIC = 0xfade0c00;
export const REQUIREMENT_SET_MAGIC = 0xfade0c01;

/** Blob kind word at offset 8 (spec §3.2). */
export const KIND_EXPR = 1;
export const KIND_LWCR = 2;

export const OP = {
  false: 0,
  true: 1,
  ident: 2,
  appleAnchor: 3,
  anchorHash: 4,
  infoKeyValue: 5,
  and: 6,
  or: 7,
  cdHash: 8,
  not: 9,
  infoKeyField: 10,
  certField: 11,
  trustedCert: 12,
  trustedCerts: 13,
  certGeneric: 14,
  appleGenericAnchor: 15,
  entitlementField: 16,
  certPolicy: 17,
  namedAnchor: 18,
  namedCode: 19,
  platform: 20,
  notarized: 21,
  certFieldDate: 22,
  legacyDevID: 23,
} as const;

/** Number of known expression opcodes (exprOpCount). */
export const OP_COUNT = 24;

export const OP_FLAG_MASK = 0xff000000;
/** Unknown op with a size field; evaluates to false. */
export const OP_GENERIC_FALSE = 0x80000000;
/** Unknown op with a size field; skipped, the following expression gives the result. */
export const OP_GENERIC_SKIP = 0x40000000;

/** Highest known match opcode (matchAbsent). */
export const MATCH_MAX = 14;

/** Apple's typeNames for set entries below kSecInvalidRequirementType (6). */
export const TYPE_NAMES = ['invalid', 'host', 'guest', 'designated', 'library', 'plugin'] as const;
