/**
 * The LWCR facts of one slice, as a static check can know them (spec
 * lwcr.md §5.1, §5.3): read from the validator's report of the signature.
 * Each fact is a value, undefined for this code (E 5 when used), or
 * undetermined (only the running system knows), always with why.
 */
import { bytesToHex, FACTS, type LwValue } from '../lwcr/index.js';
import { strongestCodeDirectory, type PlistValue } from '../validator/facts.js';
import type { SliceReport } from '../validator/report.js';
import { validationCategory } from './lwcr-category.js';

export type FactState =
  | { state: 'value'; value: LwValue; source: string; uncertain?: string }
  | { state: 'undefined'; why: string }
  | { state: 'undetermined'; why: string };

const NR = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
const int = (n: number | bigint): LwValue => ({ kind: 'int', value: BigInt(n), range: NR });
const str = (s: string): LwValue => ({ kind: 'string', value: s, range: NR });
const bool = (b: boolean): LwValue => ({ kind: 'bool', value: b, range: NR });
const data = (b: Uint8Array): LwValue => ({ kind: 'data', bytes: b, range: NR });

/** CS_EXECSEG_MAIN_BINARY, and the CodeDirectory version that has execSegFlags. */
const EXECSEG_MAIN_BINARY = 1n;
const CD_VERSION_EXECSEG = 0x20400;

/** Why each runtime-only fact cannot be known from the file (§5.3). */
const RUNTIME_WHY: Record<string, string> = {
  'apple-internal': 'whether the OS is an Apple-internal variant is known only on the running system',
  'developer-mode': 'whether Developer Mode is on is known only on the running system',
  'in-tc-with-constraint-category': 'trust-cache membership is known only to the running kernel',
  'is-init-proc': 'whether the process is launchd (pid 1) is known only at launch',
  'is-sip-protected': 'SIP protection depends on where the file is installed and on the running system',
  'launch-type': 'the launch type is set by whoever spawns the process (launchd, Launch Services), at launch',
  'on-authorized-authapfs-volume': 'the volume the file is loaded from is known only at launch',
  'on-system-volume': 'the volume the file is loaded from is known only at launch',
  'os-environment': 'hw.osenvironment is a property of the running system',
  'team-identifier-for-current-process': 'compares with the evaluating process, which a static check does not have',
};

/** Plist values as LWCR values; reals and dates have no LWCR type and are left out. */
export function plistToLw(v: PlistValue): LwValue | undefined {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'bigint') return int(v);
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : undefined;
  if (v instanceof Uint8Array) return data(v);
  if (v instanceof Date) return undefined;
  if (Array.isArray(v)) return { kind: 'array', items: v.map(plistToLw).filter((x): x is LwValue => x !== undefined), range: NR };
  return {
    kind: 'dict',
    range: NR,
    entries: Object.entries(v).flatMap(([key, x]) => {
      const value = plistToLw(x);
      return value ? [{ key, keyRange: NR, value }] : [];
    }),
  };
}

export function sliceFacts(slice: SliceReport): Map<string, FactState> {
  const f = slice.facts;
  const out = new Map<string, FactState>();
  const cd = strongestCodeDirectory(f.codeDirectories);
  const cdName = cd ? (cd.slot === 0 ? 'the CodeDirectory' : `CodeDirectory 0x${cd.slot.toString(16)}`) + ` (${cd.hashType})` : 'no CodeDirectory';
  for (const info of FACTS) if (!info.static) out.set(info.key, { state: 'undetermined', why: RUNTIME_WHY[info.key] ?? 'a runtime fact' });
  if (!cd) return out;
  out.set('signing-identifier', { state: 'value', value: str(cd.identifier), source: `identifier of ${cdName}` });
  out.set('team-identifier', cd.teamIdentifier !== undefined ? { state: 'value', value: str(cd.teamIdentifier), source: `team identifier of ${cdName}${f.adhoc ? ' (unverified: ad-hoc code can claim any team)' : ''}` } : { state: 'undefined', why: `${cdName} has no team identifier` });
  if (f.cdhash) {
    const all = f.codeDirectories.map((d) => `${d.hashType} ${bytesToHex(d.cdhash.subarray(0, 20))}`).join(', ');
    out.set('cdhash', { state: 'value', value: data(f.cdhash.subarray(0, 20)), source: `cdhash of ${cdName}${f.codeDirectories.length > 1 ? `; all CodeDirectories: ${all}` : ''}` });
  }
  out.set('platform-identifier', { state: 'value', value: int(cd.platform), source: `platform byte of ${cdName}` });
  out.set('code-signing-flags', { state: 'value', value: int(cd.flags), source: `flags of ${cdName} (on disk)`, uncertain: 'the fact key is reconstructed' });
  out.set('is-main-binary', { state: 'value', value: bool(cd.version >= CD_VERSION_EXECSEG && ((cd.execSegFlags ?? 0n) & EXECSEG_MAIN_BINARY) !== 0n), source: `execSegFlags of ${cdName}: 0x${(cd.execSegFlags ?? 0n).toString(16)}` });
  const info = slice.signature?.specialSlots.find((s) => s.directory === cd.slot && s.slot === 1 && s.expected !== undefined);
  out.set('info-plist-hash', info?.expected ? { state: 'value', value: data(Uint8Array.from(Buffer.from(info.expected, 'hex'))), source: `special slot 1 of ${cdName}` } : { state: 'undefined', why: `${cdName} seals no Info.plist (special slot 1 is empty)` });
  const ents = f.entitlements ? plistToLw(f.entitlements) : undefined;
  out.set('entitlements', { state: 'value', value: ents ?? { kind: 'dict', entries: [], range: NR }, source: ents ? 'the entitlements of the signature' : 'no entitlements (an empty dictionary)', ...(ents ? {} : { uncertain: 'whether no entitlements is an empty dictionary or an undefined fact' }) });
  const cat = validationCategory(f);
  out.set('validation-category', cat.value !== undefined ? { state: 'value', value: int(cat.value), source: cat.explanation, ...(cat.uncertain ? { uncertain: cat.uncertain } : {}) } : { state: 'undetermined', why: cat.explanation });
  out.set('platform-type', { state: 'undetermined', why: 'csrl does not read the slice\'s LC_BUILD_VERSION platform yet (and the fact key is uncertain)' });
  return out;
}
