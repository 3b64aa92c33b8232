/**
 * Apple's reading of a code signature (SecCodeCopySigningInformation, through
 * the native addon) beside csrl's: turning an AppleSigningInfo into the
 * `apple` field of `csrl info --json`, comparing the fields both sides know,
 * and the lines `csrl info` prints. One implementation, so `csrl info` and
 * the extension's "Show signing information" (which runs `csrl info` in
 * process) can never differ about whether csrl and Apple disagree.
 *
 * Pure: nothing here loads the addon or touches the file system; the
 * verdict counterpart is apple-verdict.ts.
 */
import { toHex } from '../../grammar/bytes.js';
import { strongestCodeDirectory, type CodeFacts } from '../../validator/facts.js';
import { flagNames } from '../../validator/signature/codedirectory.js';
import { disagreementLine, statusText, type Agreement } from './verdict.js';
import type { AppleSigningInfo, AppleStatus, CodeSigningFlags, Unsupported } from '../../native/index.js';

/** What csrl read from one slice, reduced to what Apple's signing information can be compared with. */
export interface OurSlice {
  arch: string;
  /**
   * Identifier, team and flags of the strongest CodeDirectory: the one
   * Security.framework selects (the reader reports alternates that differ).
   */
  identifier?: string;
  teamIdentifier?: string;
  flags?: number;
  /** The strongest CodeDirectory's cdhash, truncated to 20 bytes as kSecCodeInfoUnique is. */
  cdhash?: Uint8Array;
  /** Every CodeDirectory's cdhash, truncated to 20 bytes (used to find the slice Apple read). */
  cdhashes: Uint8Array[];
  /** Sorted; empty when the signature has no entitlements (Apple omits an absent or empty dictionary alike). */
  entitlementKeys: string[];
}

/** The slice as the comparison sees it (unsigned slices have no cdhash and no fields). */
export function ourSliceOf(facts: Pick<CodeFacts, 'arch' | 'codeDirectories' | 'cdhash' | 'entitlements'>): OurSlice {
  const strongest = strongestCodeDirectory(facts.codeDirectories);
  const slice: OurSlice = {
    arch: facts.arch,
    cdhashes: facts.codeDirectories.map((cd) => cd.cdhash.subarray(0, 20)),
    entitlementKeys: facts.entitlements ? Object.keys(facts.entitlements).sort() : [],
  };
  if (strongest) {
    slice.identifier = strongest.identifier;
    if (strongest.teamIdentifier !== undefined) slice.teamIdentifier = strongest.teamIdentifier;
    slice.flags = strongest.flags;
  }
  const cdhash = facts.cdhash ?? strongest?.cdhash.subarray(0, 20);
  if (cdhash) slice.cdhash = cdhash;
  return slice;
}

/** The fields both readings know, compared one by one. */
export type SigningField = 'identifier' | 'teamIdentifier' | 'cdhash' | 'flags' | 'entitlementKeys';

const FIELD_LABEL: Record<SigningField, string> = {
  identifier: 'identifier',
  teamIdentifier: 'team identifier',
  cdhash: 'cdhash',
  flags: 'flags',
  entitlementKeys: 'entitlement keys',
};

export interface FieldComparison {
  field: SigningField;
  /** The value as text; null when that side has none. */
  csrl: string | null;
  apple: string | null;
  same: boolean;
}

/** How the slice compared with Apple's reading was chosen. */
export type SliceMatch = 'cdhash' | 'unsigned' | 'only-slice' | 'architecture';

export interface SigningComparison {
  outcome: Agreement;
  /** The architecture of csrl's slice compared with Apple's reading. */
  slice?: string;
  matchedBy?: SliceMatch;
  fields: FieldComparison[];
  sentence: string;
}

interface ReadingBase {
  /** What Apple read: a file (SecStaticCode) or a running process (SecCode). */
  kind?: 'path' | 'process';
  /** Creating Apple's code object (SecStaticCodeCreateWithPath / SecCodeCopyGuestWithAttributes). */
  result?: AppleStatus;
  /** SecCodeCopySigningInformation. */
  status?: AppleStatus;
  comparison?: SigningComparison;
  /** One entry per field on which csrl and Apple contradict each other: a bug in one of them. */
  disagreement?: string[];
}

/** Apple's reading of the signature (`apple` in `csrl info --json`, macOS only). */
export interface AppleReadingRead extends ReadingBase {
  read: true;
  identifier: string | null;
  teamIdentifier: string | null;
  /** kSecCodeInfoUnique: the cdhash of the CodeDirectory Apple selected, hex. */
  cdhash: string | null;
  /** kSecCodeInfoCdHashes, hex. */
  cdhashes: string[];
  flags: number | null;
  flagNames: string[];
  /** kSecCodeInfoFormat, e.g. "Mach-O universal (x86_64 arm64)". */
  format: string | null;
  /** CMS signing time, ISO-8601. */
  signingTime: string | null;
  /** Secure timestamp, ISO-8601. */
  timestamp: string | null;
  /** Sorted; null when Apple reported no entitlements. */
  entitlementKeys: string[] | null;
  /** How many certificates Apple found in the signature. */
  certificates: number;
  designatedRequirement: string | null;
  /** Process readings: the kernel's flags for the running process (csops). */
  codeSigningFlags?: CodeSigningFlags;
}

export interface AppleReadingMissing extends ReadingBase {
  read: false;
  /** Why Apple gave no reading. */
  error: string;
}

export type AppleReading = AppleReadingRead | AppleReadingMissing;

/** A reading Apple did not give, saying why. */
export function notRead(why: string, base: Pick<ReadingBase, 'kind' | 'result' | 'status'> = {}): AppleReadingMissing {
  return { read: false, ...base, error: why };
}

/** An error thrown while asking Apple, as a missing reading. */
export function appleReadingOfError(err: unknown): AppleReadingMissing {
  return notRead(err instanceof Error ? err.message : String(err));
}

const MAX_DATE_MS = 8.64e15;

function isoOf(d: { dateMs: number } | undefined): string | null {
  if (!d || typeof d.dateMs !== 'number' || !Number.isFinite(d.dateMs) || Math.abs(d.dateMs) > MAX_DATE_MS) return null;
  return new Date(d.dateMs).toISOString();
}

/** The addon's answer as a reading (or as a missing one, when it cannot answer on this platform or Apple refused). */
export function appleReadingOf(info: AppleSigningInfo | Unsupported): AppleReading {
  if (!info.supported) return notRead(info.reason);
  const base: Pick<ReadingBase, 'kind' | 'result' | 'status'> = { kind: info.kind, result: info.result };
  if (info.result.status !== 0) return notRead(`Security.framework could not open the code (${statusText(info.result)})`, base);
  const s = info.signing;
  if (!s) return notRead('Security.framework returned no signing information', base);
  base.status = s.status;
  if (s.status.status !== 0) return notRead(`SecCodeCopySigningInformation failed (${statusText(s.status)})`, base);
  const reading: AppleReadingRead = {
    read: true,
    ...base,
    identifier: typeof s.identifier === 'string' ? s.identifier : null,
    teamIdentifier: typeof s.teamIdentifier === 'string' ? s.teamIdentifier : null,
    cdhash: s.cdhash instanceof Uint8Array ? toHex(s.cdhash) : null,
    cdhashes: Array.isArray(s.cdhashes) ? s.cdhashes.filter((h) => h instanceof Uint8Array).map(toHex) : [],
    flags: typeof s.flags === 'number' ? s.flags : null,
    flagNames: typeof s.flags === 'number' ? flagNames(s.flags) : [],
    format: typeof s.format === 'string' ? s.format : null,
    signingTime: isoOf(s.signingTime),
    timestamp: isoOf(s.timestamp),
    entitlementKeys: s.entitlements && typeof s.entitlements === 'object' ? Object.keys(s.entitlements).sort() : null,
    certificates: Array.isArray(s.certificates) ? s.certificates.length : 0,
    designatedRequirement: s.designatedRequirement?.text ?? null,
  };
  if (info.codeSigningFlags) reading.codeSigningFlags = info.codeSigningFlags;
  return reading;
}

/**
 * The architectures Security.framework prefers on a machine whose Node runs
 * as `nodeArch`, best first. Only a fallback for finding the slice Apple read
 * when its cdhash is in none of ours (the comparison then names each field
 * that differs); a process under Rosetta runs a slice this does not predict.
 */
export function preferredArchitectures(nodeArch: string): string[] {
  if (nodeArch === 'arm64') return ['arm64e', 'arm64'];
  if (nodeArch === 'x64') return ['x86_64h', 'x86_64'];
  if (nodeArch === 'ia32') return ['i386'];
  return [];
}

/** How much of the code csrl read, which limits what a difference means. */
export interface SigningCompareOptions {
  /** csrl read only some architecture slices (`--arch`); Apple reads the one it prefers. */
  someArchitectures?: boolean;
  /** Architectures in the order Apple prefers them here (preferredArchitectures). */
  preferredArchs?: readonly string[];
}

function pickSlice(ours: readonly OurSlice[], apple: AppleReadingRead, options: SigningCompareOptions): { slice: OurSlice; how: SliceMatch } | undefined {
  if (apple.cdhash !== null) {
    const byHash = ours.find((s) => s.cdhashes.some((h) => toHex(h) === apple.cdhash));
    if (byHash) return { slice: byHash, how: 'cdhash' };
  } else {
    // Both see no signature: the unsigned slice is the one Apple read.
    const unsigned = ours.find((s) => s.cdhash === undefined);
    if (unsigned) return { slice: unsigned, how: 'unsigned' };
  }
  // With --arch, the slice Apple read may simply not be among ours.
  if (options.someArchitectures) return undefined;
  if (ours.length === 1) return { slice: ours[0]!, how: 'only-slice' };
  for (const arch of options.preferredArchs ?? []) {
    const slice = ours.find((s) => s.arch === arch);
    if (slice) return { slice, how: 'architecture' };
  }
  return undefined;
}

function flagsText(flags: number | undefined | null): string | null {
  if (flags === undefined || flags === null) return null;
  return `0x${(flags >>> 0).toString(16)}(${flagNames(flags).join(',') || 'none'})`;
}

function keysText(keys: readonly string[] | null | undefined): string | null {
  return keys && keys.length > 0 ? keys.join(', ') : null;
}

function fieldsOf(ours: OurSlice, apple: AppleReadingRead): FieldComparison[] {
  const field = (name: SigningField, csrl: string | null, appleValue: string | null): FieldComparison => ({ field: name, csrl, apple: appleValue, same: csrl === appleValue });
  return [
    field('identifier', ours.identifier ?? null, apple.identifier),
    field('teamIdentifier', ours.teamIdentifier ?? null, apple.teamIdentifier),
    field('cdhash', ours.cdhash ? toHex(ours.cdhash) : null, apple.cdhash),
    field('flags', flagsText(ours.flags), flagsText(apple.flags)),
    field('entitlementKeys', keysText(ours.entitlementKeys), keysText(apple.entitlementKeys)),
  ];
}

function shown(v: string | null): string {
  return v === null ? 'none' : JSON.stringify(v);
}

/** `identifier: csrl read "a" (arm64), Apple read "b"`. */
export function fieldDifference(f: FieldComparison, arch: string): string {
  return `${FIELD_LABEL[f.field]}: csrl read ${shown(f.csrl)} (${arch}), Apple read ${shown(f.apple)}`;
}

/**
 * Compares Apple's reading with csrl's slices. Apple reads one architecture
 * (the one it prefers, or the one a process runs): the slice holding Apple's
 * cdhash is compared, else an unsigned slice when Apple saw no signature,
 * else the only slice or the preferred architecture. A missing reading
 * contradicts nothing.
 */
export function compareSigning(ours: readonly OurSlice[], apple: AppleReading, options: SigningCompareOptions = {}): SigningComparison {
  if (!apple.read) return { outcome: 'not-comparable', fields: [], sentence: `Apple gave no reading: ${apple.error}` };
  const picked = pickSlice(ours, apple, options);
  const archs = ours.map((s) => s.arch).join(', ') || 'none';
  if (!picked) {
    const what = apple.cdhash !== null ? `cdhash ${apple.cdhash}` : 'no signature';
    if (options.someArchitectures) {
      return { outcome: 'not-comparable', fields: [], sentence: `csrl read only ${archs}; Apple read another architecture (${what})` };
    }
    return {
      outcome: 'disagree',
      fields: [],
      sentence: apple.cdhash !== null ? `cdhash: Apple read ${apple.cdhash}, which is in no CodeDirectory csrl read (slices ${archs})` : `signature: Apple read no signature, csrl read one in every slice (${archs})`,
    };
  }
  const fields = fieldsOf(picked.slice, apple);
  const differing = fields.filter((f) => !f.same);
  const base = { slice: picked.slice.arch, matchedBy: picked.how, fields };
  if (differing.length === 0) {
    return { outcome: 'agree', ...base, sentence: `csrl's ${picked.slice.arch} slice (${MATCH_WORDS[picked.how]}) and Apple agree on identifier, team identifier, cdhash, flags and entitlement keys` };
  }
  return { outcome: 'disagree', ...base, sentence: differing.map((f) => fieldDifference(f, picked.slice.arch)).join('; ') };
}

const MATCH_WORDS: Record<SliceMatch, string> = {
  cdhash: 'matched by cdhash',
  unsigned: 'unsigned, as Apple found it',
  'only-slice': 'the only slice',
  architecture: "the architecture Apple prefers here",
};

/** The reading with its comparison attached, and `disagreement` listing every contradiction. */
export function withSigningComparison(ours: readonly OurSlice[], apple: AppleReading, options: SigningCompareOptions = {}): AppleReading {
  const comparison = compareSigning(ours, apple, options);
  return attach(apple, comparison);
}

/** The reading beside a csrl that could not read the code at all: shown, not compared. */
export function withoutComparison(apple: AppleReading, why: string): AppleReading {
  return attach(apple, { outcome: 'not-comparable', fields: [], sentence: apple.read ? `csrl could not read the code (${why})` : `Apple gave no reading: ${apple.error}` });
}

function attach(apple: AppleReading, comparison: SigningComparison): AppleReading {
  const { disagreement: _old, comparison: _oldComparison, ...rest } = apple;
  if (comparison.outcome !== 'disagree') return { ...rest, comparison } as AppleReading;
  const list = comparison.fields.length > 0 ? comparison.fields.filter((f) => !f.same).map((f) => fieldDifference(f, comparison.slice!)) : [comparison.sentence];
  return { ...rest, comparison, disagreement: list } as AppleReading;
}

const WHO = 'Apple (Security.framework)';

/** The section `csrl info` prints under csrl's own report. */
export function appleSigningLines(a: AppleReading): string[] {
  if (!a.read) return [`${WHO}: no reading (${a.error})`];
  const out = [`${WHO}:`];
  out.push(`  Source=${a.kind === 'process' ? 'the running process (SecCode)' : 'the file on disk (SecStaticCode)'}`);
  out.push(`  Identifier=${a.identifier ?? 'not set'}`);
  out.push(`  TeamIdentifier=${a.teamIdentifier ?? 'not set'}`);
  out.push(`  CDHash=${a.cdhash ?? 'none'}${a.cdhashes.length > 1 ? ` (${a.cdhashes.length} CodeDirectories: ${a.cdhashes.join(' ')})` : ''}`);
  out.push(`  Flags=${flagsText(a.flags) ?? 'none'}`);
  out.push(`  Signed Time=${a.signingTime ?? 'none'}`);
  if (a.timestamp) out.push(`  Timestamp=${a.timestamp}`);
  out.push(`  Format=${a.format ?? 'unknown'}`);
  out.push(`  Entitlements=${a.entitlementKeys === null ? 'none' : a.entitlementKeys.length === 0 ? 'empty' : a.entitlementKeys.join(', ')}`);
  if (a.codeSigningFlags) {
    const f = a.codeSigningFlags;
    out.push(`  Process flags=0x${(f.value >>> 0).toString(16)}(${f.names.join(',') || 'none'})`);
  }
  const c = a.comparison;
  if (c?.outcome === 'agree') out.push(`  compared: ${c.sentence}`);
  else if (c?.outcome === 'not-comparable') out.push(`  not compared: ${c.sentence}`);
  if (a.disagreement) out.push(disagreementLine(`csrl and Apple read the signature differently: ${a.disagreement.join('; ')}`));
  return out;
}
