/**
 * The LWCR envelope (spec §3.3): `[APPLICATION 16] { INTEGER 1, dict { ccat,
 * comp, reqs, vers } }`, and the two wrappers it travels in: the
 * 0xfade8181 constraint blob of signature slots 8–11 (§3.2) and the kind-2
 * (`lwcrForm`) classic Requirement blob (§3.5). Unknown envelope keys are
 * kept in place, so re-encoding a decoded envelope reproduces it.
 */
import { decodeDocument, encodeDocument, encodeValue, type DerDocument } from './der.js';
import { byteRange, canonical, entry, LwcrSyntaxError, type LwDict, type LwEntry, type Range } from './value.js';

export const CSMAGIC_LAUNCH_CONSTRAINT = 0xfade8181;
export const CSMAGIC_REQUIREMENT = 0xfade0c00;
/** The kind word of a Requirement blob holding LWCR DER (`lwcrForm`; `exprForm` is 1). */
export const REQUIREMENT_KIND_LWCR = 2;

/** Envelope keys, by what they are believed to mean (the vers/comp pairing is uncertain, §3.3). */
export const ENVELOPE_KEYS = { version: 'vers', compatibleVersion: 'comp', constraintCategory: 'ccat', requirements: 'reqs' } as const;

/**
 * The values every encoder examined writes, and what we write (uncertain:
 * the meaning of the leading INTEGER and of vers/comp is not documented).
 * One table, so a correction is one edit.
 */
export const ENVELOPE_DEFAULTS = { derVersion: 1n, vers: 1n, comp: 1n, ccat: 0n } as const;
/** A compatible version at or above this is refused by the runtime examined ("not compatible with this runtime", E 6). */
export const UNSUPPORTED_COMP = 2n;
/** `ccat` values the Swift framework accepts when decoding; 17 and 255 have no known meaning (uncertain). */
export const KNOWN_CCAT: ReadonlyMap<bigint, string> = new Map([
  [0n, 'none (explicit requirements only)'],
  [17n, 'unknown meaning (accepted by the framework)'],
  [255n, 'unknown meaning (accepted by the framework)'],
]);

export interface EnvelopeProblem { code: 'LW090' | 'LW091' | 'LW092' | 'LW093' | 'LW094' | 'LW095'; message: string; range: Range; severity: 'error' | 'warning' }

export interface Envelope {
  derVersion: bigint;
  /** The envelope dictionary as stored (order, tag, unknown keys). */
  dict: LwDict;
  vers?: bigint;
  comp?: bigint;
  ccat?: bigint;
  reqs?: LwDict;
  /** Keys other than the four known ones, preserved. */
  unknown: LwEntry[];
  problems: EnvelopeProblem[];
}

const KNOWN = new Set<string>(Object.values(ENVELOPE_KEYS));

/** Interprets an envelope dictionary with the loader's rules ([TLE] `LWCR::loadFromCE`, decomp). */
export function readEnvelope(doc: DerDocument): Envelope {
  const { dict } = doc;
  const problems: EnvelopeProblem[] = [];
  const env: Envelope = { derVersion: doc.derVersion, dict, unknown: dict.entries.filter((e) => !KNOWN.has(e.key)), problems };
  const int = (key: string): bigint | undefined => {
    const e = entry(dict, key);
    if (!e) return undefined;
    if (e.value.kind !== 'int') {
      problems.push({ code: 'LW091', severity: 'error', message: `envelope key "${key}" must be an integer, not ${e.value.kind}`, range: e.value.range });
      return undefined;
    }
    return e.value.value;
  };
  const vers = int(ENVELOPE_KEYS.version);
  const comp = int(ENVELOPE_KEYS.compatibleVersion);
  const ccat = int(ENVELOPE_KEYS.constraintCategory);
  if (vers !== undefined) env.vers = vers;
  if (comp !== undefined) env.comp = comp;
  if (ccat !== undefined) env.ccat = ccat;
  if (vers === undefined || comp === undefined) problems.push({ code: 'LW090', severity: 'error', message: 'the envelope needs integer "vers" and "comp" (E 7: LWCRs are not encoded correctly)', range: dict.range });
  if (comp !== undefined && comp >= UNSUPPORTED_COMP) problems.push({ code: 'LW092', severity: 'error', message: `compatible version ${comp} is not supported by the runtime examined (E 6)`, range: entry(dict, 'comp')!.value.range });
  if (ccat !== undefined && ccat < 0n) problems.push({ code: 'LW093', severity: 'error', message: `constraint category ${ccat} is negative (E 7)`, range: entry(dict, 'ccat')!.value.range });
  const reqs = entry(dict, ENVELOPE_KEYS.requirements);
  if (reqs) {
    if (reqs.value.kind === 'dict') env.reqs = reqs.value;
    else problems.push({ code: 'LW091', severity: 'error', message: `envelope key "reqs" must be a dictionary, not ${reqs.value.kind} (E 7)`, range: reqs.value.range });
  } else if ((ccat ?? 0n) === 0n) {
    problems.push({ code: 'LW094', severity: 'error', message: 'constraint category 0 with no "reqs": nothing to evaluate (E 7)', range: dict.range });
  }
  if (ccat !== undefined && ccat > 0n && !KNOWN_CCAT.has(ccat)) problems.push({ code: 'LW095', severity: 'warning', message: `constraint category ${ccat} is not a value any known encoder writes`, range: entry(dict, 'ccat')!.value.range });
  if (doc.derVersion !== ENVELOPE_DEFAULTS.derVersion) problems.push({ code: 'LW095', severity: 'warning', message: `DER version ${doc.derVersion}: every blob examined has 1`, range: dict.range });
  return env;
}

export interface EnvelopeOptions { ccat?: bigint; comp?: bigint; vers?: bigint; derVersion?: bigint }

/** A fresh envelope around a requirements dictionary: keys sorted, known defaults. */
export function makeEnvelope(reqs: LwDict, o: EnvelopeOptions = {}): DerDocument {
  const int = (value: bigint) => ({ kind: 'int' as const, value, range: reqs.range });
  const dict: LwDict = {
    kind: 'dict',
    range: reqs.range,
    entries: [
      { key: 'ccat', keyRange: reqs.range, value: int(o.ccat ?? ENVELOPE_DEFAULTS.ccat) },
      { key: 'comp', keyRange: reqs.range, value: int(o.comp ?? ENVELOPE_DEFAULTS.comp) },
      { key: 'reqs', keyRange: reqs.range, value: canonical(reqs) },
      { key: 'vers', keyRange: reqs.range, value: int(o.vers ?? ENVELOPE_DEFAULTS.vers) },
    ],
  };
  return { derVersion: o.derVersion ?? ENVELOPE_DEFAULTS.derVersion, dict };
}

export function encodeEnvelope(doc: DerDocument): Uint8Array {
  return encodeDocument(doc);
}

export function decodeEnvelope(der: Uint8Array): Envelope {
  return readEnvelope(decodeDocument(der));
}

/** The bare requirements dictionary, DER-encoded as stored (no envelope), e.g. for hashing or comparing. */
export function encodeBareDict(d: LwDict): Uint8Array {
  return encodeValue(d);
}

// ---- wrappers ----

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** magic 0xfade8181, total length, DER; no padding (§3.2). */
export function wrapConstraintBlob(der: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + der.length);
  out.set([...u32(CSMAGIC_LAUNCH_CONSTRAINT), ...u32(out.length)], 0);
  out.set(der, 8);
  return out;
}

/** The DER inside a 0xfade8181 blob; the length must be exact. */
export function unwrapConstraintBlob(b: Uint8Array): Uint8Array {
  if (b.length < 8) throw new LwcrSyntaxError(`a constraint blob needs at least 8 bytes, got ${b.length}`, byteRange(0, b.length));
  const magic = readU32(b, 0);
  if (magic !== CSMAGIC_LAUNCH_CONSTRAINT) throw new LwcrSyntaxError(`magic 0x${magic.toString(16).padStart(8, '0')}, expected 0xfade8181 (the kernel rejects other magics in slots 8–11)`, byteRange(0, 4));
  const length = readU32(b, 4);
  if (length !== b.length) throw new LwcrSyntaxError(`blob length field says ${length} bytes, the blob has ${b.length}`, byteRange(4, 8));
  return b.subarray(8);
}

/** `fade0c00 <total> 00000002 <derLen> <DER> <zero pad to 4>` (§3.5). */
export function wrapRequirementBlob(der: Uint8Array): Uint8Array {
  const pad = (4 - (der.length % 4)) % 4;
  const out = new Uint8Array(16 + der.length + pad);
  out.set([...u32(CSMAGIC_REQUIREMENT), ...u32(out.length), ...u32(REQUIREMENT_KIND_LWCR), ...u32(der.length)], 0);
  out.set(der, 16);
  return out;
}

export function unwrapRequirementBlob(b: Uint8Array): Uint8Array {
  if (b.length < 16 || readU32(b, 0) !== CSMAGIC_REQUIREMENT) throw new LwcrSyntaxError('not a 0xfade0c00 Requirement blob', byteRange(0, Math.min(4, b.length)));
  if (readU32(b, 4) !== b.length) throw new LwcrSyntaxError(`Requirement blob length field says ${readU32(b, 4)} bytes, the blob has ${b.length}`, byteRange(4, 8));
  const kind = readU32(b, 8);
  if (kind !== REQUIREMENT_KIND_LWCR) throw new LwcrSyntaxError(`Requirement kind ${kind} is not the LWCR form (2)`, byteRange(8, 12));
  const n = readU32(b, 12);
  const pad = (4 - (n % 4)) % 4;
  if (16 + n + pad !== b.length) throw new LwcrSyntaxError(`DER length ${n} does not fill the ${b.length}-byte blob`, byteRange(12, 16));
  if (b.subarray(16 + n).some((x) => x !== 0)) throw new LwcrSyntaxError('padding after the DER is not zero', byteRange(16 + n, b.length));
  return b.subarray(16, 16 + n);
}
