/**
 * Hand-built ASTs and synthetic CodeFacts for the evaluator, designated
 * requirement and posture tests (no parser needed).
 */
import { createHash } from 'node:crypto';
import type { CertSlot, DateMatchOp, Expr, Match, Oid, Value, ValueMatchOp } from '../../grammar/ast.js';
import { NO_RANGE } from '../../grammar/ast.js';
import { fromHex, utf8Bytes, utf8Text } from '../../grammar/bytes.js';
import { encodeOid } from '../../grammar/oid.js';
import { parseTimestamp } from '../../grammar/timestamp.js';
import type { CertificateFacts, CodeDirectoryFacts, CodeFacts, NameAttribute } from '../../validator/facts.js';

const R = NO_RANGE;

const KEYWORDS = new Set(
  'guest host designated library plugin or and always true never false identifier cdhash platform notarized legacy anchor apple generic certificate cert trusted info entitlement exists absent leaf root timestamp'.split(' '),
);

/** A value spelled as a user would: bare when it is a valid bare word, else quoted. */
export function val(text: string | Uint8Array): Value {
  const bytes = typeof text === 'string' ? utf8Bytes(text) : text;
  const t = utf8Text(bytes);
  const bare = /^[A-Za-z][A-Za-z0-9]*(\.([A-Za-z][A-Za-z0-9]*|[0-9]+))*$/.test(t) && !KEYWORDS.has(t);
  return { range: R, bytes, text: t, form: bare ? 'bare' : 'quoted' };
}

export function slot(index: number): CertSlot {
  return { range: R, index, spelling: index === 0 ? 'leaf' : index === -1 ? 'root' : 'number' };
}

export function oid(text: string): Oid {
  return { range: R, bytes: encodeOid(text).bytes, text };
}

export const exists = (): Match => ({ op: 'exists', range: R, implicit: false });
export const absent = (): Match => ({ op: 'absent', range: R });
export function m(op: ValueMatchOp, value: string | Uint8Array): Match {
  return { op, range: R, value: val(value) };
}
export function dm(op: DateMatchOp, text: string): Match {
  return { op, range: R, seconds: parseTimestamp(text).seconds, text };
}

export const T: Expr = { kind: 'const', range: R, value: true };
export const F: Expr = { kind: 'const', range: R, value: false };
/** A clause that is always undetermined when the code has a cdhash. */
export const U: Expr = { kind: 'notarized', range: R };

export const and = (left: Expr, right: Expr): Expr => ({ kind: 'and', range: R, left, right });
export const or = (left: Expr, right: Expr): Expr => ({ kind: 'or', range: R, left, right });
export const not = (operand: Expr): Expr => ({ kind: 'not', range: R, operand });
export const ident = (s: string): Expr => ({ kind: 'identifier', range: R, value: val(s) });
export const cdhash = (hex: string): Expr => ({ kind: 'cdhash', range: R, hash: fromHex(hex) });
export const platform = (n: number): Expr => ({ kind: 'platform', range: R, value: n });
export const anchorApple: Expr = { kind: 'anchorApple', range: R };
export const anchorAppleGeneric: Expr = { kind: 'anchorAppleGeneric', range: R };
export const info = (key: string, match: Match): Expr => ({ kind: 'info', range: R, key: val(key), match });
export const entitlement = (key: string, match: Match): Expr => ({ kind: 'entitlement', range: R, key: val(key), match });
export const certField = (s: number, key: string, match: Match): Expr => ({ kind: 'certField', range: R, slot: slot(s), key: val(key), match });
export const certGeneric = (s: number, o: string, match: Match = exists()): Expr => ({ kind: 'certGeneric', range: R, slot: slot(s), oid: oid(o), prefix: 'field', match });
export const certPolicy = (s: number, o: string, match: Match = exists()): Expr => ({ kind: 'certPolicy', range: R, slot: slot(s), oid: oid(o), match });
export const certDate = (s: number, o: string, match: Match): Expr => ({ kind: 'certDate', range: R, slot: slot(s), oid: oid(o), match });
export const certHash = (s: number, hash: Uint8Array): Expr => ({ kind: 'certHash', range: R, slot: slot(s), hash });

export const ATTR: Record<string, string> = {
  C: '2.5.4.6',
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  UID: '0.9.2342.19200300.100.1.1',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  D: '2.5.4.13',
  STREET: '2.5.4.9',
};

/** DER UTF8String, as the Developer ID date extension stores GeneralizedTime text. */
export function utf8StringDer(text: string): Uint8Array {
  const b = utf8Bytes(text);
  return Uint8Array.from([0x0c, b.length, ...b]);
}

export interface CertSpec {
  subject?: [string, string][];
  extensions?: string[];
  /** Extension OID → value bytes. */
  extensionValues?: Record<string, Uint8Array>;
  policies?: string[];
  emails?: string[];
  sha256?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Distinguishes otherwise identical certificates' hashes. */
  seed?: string;
}

export function cert(spec: CertSpec = {}): CertificateFacts {
  const subject: NameAttribute[] = (spec.subject ?? []).map(([name, value]) => ({ oid: ATTR[name] ?? name, name, value }));
  const der = utf8Bytes(`synthetic:${JSON.stringify(spec)}`);
  const extensions = [
    ...(spec.extensions ?? []).map((o) => ({ oid: o, critical: false, value: new Uint8Array([0x05, 0x00]) })),
    ...Object.entries(spec.extensionValues ?? {}).map(([o, value]) => ({ oid: o, critical: false, value })),
  ];
  return {
    der,
    subject,
    issuer: [],
    subjectText: subject.map((a) => `${a.name}=${a.value}`).join(', '),
    issuerText: '',
    serialHex: '01',
    notBefore: spec.notBefore ?? new Date('2020-01-01T00:00:00Z'),
    notAfter: spec.notAfter ?? new Date('2030-01-01T00:00:00Z'),
    sha1: createHash('sha1').update(der).digest(),
    sha256: spec.sha256 ? fromHex(spec.sha256) : createHash('sha256').update(der).digest(),
    extensions,
    policies: spec.policies ?? [],
    emails: spec.emails ?? [],
    selfSigned: false,
  };
}

export const APPLE_ROOT_CA_SHA256 = 'b0b1730ecbc7ff4505142c49f1295e6eda6bcaed7e2c68c5be91b5a11001f024';
export const DEVID_CA_MARKER = '1.2.840.113635.100.6.2.6';
export const DEVID_APP_LEAF = '1.2.840.113635.100.6.1.13';
export const WWDR_MARKER = '1.2.840.113635.100.6.2.1';
export const DEV_LEAF = '1.2.840.113635.100.6.1.12';

export function appleRoot(): CertificateFacts {
  return cert({ subject: [['C', 'US'], ['O', 'Apple Inc.'], ['OU', 'Apple Certification Authority'], ['CN', 'Apple Root CA']], sha256: APPLE_ROOT_CA_SHA256 });
}

/** A Developer ID chain: leaf, Developer ID CA, Apple Root CA. */
export function developerIdChain(team = 'ABCDE12345', extraLeaf: Partial<CertSpec> = {}): CertificateFacts[] {
  return [
    cert({
      subject: [['UID', team], ['CN', `Developer ID Application: Example (${team})`], ['OU', team], ['O', 'Example'], ['C', 'US']],
      extensions: [DEVID_APP_LEAF, ...(extraLeaf.extensions ?? [])],
      ...(extraLeaf.extensionValues ? { extensionValues: extraLeaf.extensionValues } : {}),
      ...(extraLeaf.notAfter ? { notAfter: extraLeaf.notAfter } : {}),
    }),
    cert({ subject: [['CN', 'Developer ID Certification Authority'], ['OU', 'Apple Certification Authority'], ['O', 'Apple Inc.'], ['C', 'US']], extensions: [DEVID_CA_MARKER] }),
    appleRoot(),
  ];
}

export function cd(over: Partial<CodeDirectoryFacts> = {}): CodeDirectoryFacts {
  return {
    slot: 0,
    version: 0x20500,
    flags: 0,
    hashType: 'sha256',
    identifier: 'com.example.app',
    cdhash: fromHex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'),
    platform: 0,
    pageSize: 4096,
    codeSlots: 1,
    specialSlots: 0,
    codeLimit: 4096n,
    ...over,
  };
}

export function facts(over: Partial<CodeFacts> = {}): CodeFacts {
  const dirs = over.codeDirectories ?? [cd()];
  const primary = dirs[0];
  return {
    arch: 'arm64',
    identifier: primary?.identifier,
    teamIdentifier: primary?.teamIdentifier,
    cdhash: primary?.cdhash.subarray(0, 20),
    platform: primary?.platform,
    codeDirectories: dirs,
    certificates: [],
    adhoc: false,
    linkerSigned: false,
    ...over,
  };
}

export function developerIdFacts(over: Partial<CodeFacts> = {}): CodeFacts {
  return facts({
    codeDirectories: [cd({ teamIdentifier: 'ABCDE12345', flags: 0x10000 })],
    certificates: developerIdChain(),
    teamIdentifier: 'ABCDE12345',
    ...over,
  });
}
