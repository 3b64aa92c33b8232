/**
 * Apple's `Match::operator()` (spec §5.5) over the values CodeFacts holds.
 *
 * Candidates mirror the CF types Apple's interpreter sees: JS strings are
 * CFStrings, `Date` and `CertDate` are CFDates, `Uint8Array` is CFData,
 * numbers/bigints are CFNumbers, booleans CFBooleans, arrays CFArrays and
 * plain objects CFDictionaries. `CF_NULL` is `kCFNull` ("not present").
 */
import type { Match } from '../../grammar/ast.js';
import { utf8Strict } from '../../grammar/bytes.js';
import { CF_EPOCH_OFFSET, formatTimestamp } from '../../grammar/timestamp.js';
import type { PlistValue } from '../facts.js';

/** kCFNull: the key, extension or attribute is not there. */
export const CF_NULL: unique symbol = Symbol('kCFNull');

/** A date read from a certificate extension, in seconds since 2001-01-01 (CFAbsoluteTime). */
export class CertDate {
  constructor(readonly cfSeconds: number) {}
}

export type Candidate = typeof CF_NULL | PlistValue | CertDate;

export interface MatchOutcome {
  matched: boolean;
  /** Why it matched or not, when that is not obvious from the candidate and the expectation. */
  note?: string;
}

const MASK64 = (1n << 64n) - 1n;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A digit run as CF's uint64_t accumulator sees it (wrapping mod 2^64), 15 digits per step so long runs stay cheap. */
function digitRunValue(s: string, from: number, to: number): bigint {
  let v = 0n;
  for (let k = from; k < to; k += 15) {
    const chunk = s.slice(k, Math.min(k + 15, to));
    v = (v * 10n ** BigInt(chunk.length) + BigInt(chunk)) & MASK64;
  }
  return v;
}

/**
 * CFStringCompare(a, b, kCFCompareNumerically) with no locale: UTF-16 code
 * units compared one by one (case-sensitive, no normalisation), except that
 * where both strings have an ASCII digit run, the runs are compared as
 * unsigned 64-bit integers (wrapping like CF's uint64_t; "007" equals "7").
 */
export function compareNumerically(a: string, b: string): -1 | 0 | 1 {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let c1 = a.charCodeAt(i);
    let c2 = b.charCodeAt(j);
    if (isDigit(c1) && isDigit(c2)) {
      let end1 = i;
      while (isDigit(a.charCodeAt(end1))) end1++;
      let end2 = j;
      while (isDigit(b.charCodeAt(end2))) end2++;
      const v1 = digitRunValue(a, i, end1);
      const v2 = digitRunValue(b, j, end2);
      i = end1;
      j = end2;
      if (v1 === v2) continue;
      return v1 < v2 ? -1 : 1;
    }
    if (c1 !== c2) return c1 < c2 ? -1 : 1;
    i++;
    j++;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

/**
 * The CFString Apple makes from a match operand: the bytes up to the first
 * NUL, as UTF-8, else as ASCII. Undefined when both fail (Apple throws,
 * so the requirement check fails).
 */
export function matchValueString(bytes: Uint8Array): string | undefined {
  const nul = bytes.indexOf(0);
  const cut = nul >= 0 ? bytes.subarray(0, nul) : bytes;
  return utf8Strict(cut);
}

function isCertDate(v: unknown): v is CertDate {
  return v instanceof CertDate;
}

/** CFAbsoluteTime of a date candidate, or undefined when the candidate is not a CFDate. */
function cfSecondsOf(c: Candidate): number | undefined {
  if (c instanceof Date) return c.getTime() / 1000 - Number(CF_EPOCH_OFFSET);
  if (isCertDate(c)) return c.cfSeconds;
  return undefined;
}

/** A short rendering of a candidate for explanations. */
export function describeCandidate(c: Candidate): string {
  if (c === CF_NULL) return 'missing';
  if (typeof c === 'string') return JSON.stringify(c);
  if (typeof c === 'number' || typeof c === 'bigint') return `the number ${String(c)}`;
  if (typeof c === 'boolean') return `the boolean ${String(c)}`;
  if (c instanceof Date) return `the date ${isoOf(c.getTime())}`;
  if (c instanceof Uint8Array) return `data of ${c.length} bytes`;
  if (Array.isArray(c)) return `an array of ${c.length} element${c.length === 1 ? '' : 's'}`;
  if (isCertDate(c)) return `the date ${isoOf((c.cfSeconds + Number(CF_EPOCH_OFFSET)) * 1000)}`;
  return `a dictionary of ${Object.keys(c).length} key${Object.keys(c).length === 1 ? '' : 's'}`;
}

function isoOf(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? 'out of range' : d.toISOString().replace('.000Z', 'Z');
}

/** What the match asks for, e.g. `expected >= "1.10"`. */
export function describeExpectation(m: Match): string {
  switch (m.op) {
    case 'exists':
      return 'expected to exist';
    case 'absent':
      return 'expected to be absent';
    case 'unknown':
      return `match opcode ${m.code} is unknown and never matches`;
    case 'on':
    case 'before':
    case 'after':
    case 'onOrBefore':
    case 'onOrAfter': {
      const word = { on: 'on', before: 'before', after: 'after', onOrBefore: 'on or before', onOrAfter: 'on or after' }[m.op];
      return `expected ${word} ${dateText(m.seconds)}`;
    }
    default: {
      const v = matchValueString(m.value.bytes);
      const shown = v === undefined ? `0x${[...m.value.bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}` : JSON.stringify(v);
      switch (m.op) {
        case 'equal':
          return `expected ${shown}`;
        case 'contains':
          return `expected to contain ${shown}`;
        case 'beginsWith':
          return `expected to begin with ${shown}`;
        case 'endsWith':
          return `expected to end with ${shown}`;
        case 'lessThan':
          return `expected < ${shown}`;
        case 'greaterThan':
          return `expected > ${shown}`;
        case 'lessEqual':
          return `expected <= ${shown}`;
        case 'greaterEqual':
          return `expected >= ${shown}`;
      }
    }
  }
}

function dateText(seconds: bigint): string {
  const t = formatTimestamp(seconds);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}Z`;
}

/** CFStringFindWithOptions(candidate, pattern, range, 0): literal code-unit search; an empty pattern or range never matches. */
function findIn(candidate: string, pattern: string, from: number, length: number): boolean {
  if (pattern.length === 0 || length <= 0 || pattern.length > length) return false;
  const window = candidate.slice(from, from + length);
  return window.includes(pattern);
}

/**
 * Applies a match to one candidate, step by step as Apple does (§5.5):
 * kCFNull, then arrays element by element, then the value itself.
 * `depth` bounds recursion through nested arrays of hostile plists.
 */
export function applyMatch(m: Match, c: Candidate, depth = 0): MatchOutcome {
  if (c === CF_NULL) return { matched: m.op === 'absent' };
  if (Array.isArray(c)) {
    if (depth < 64) {
      for (let i = 0; i < c.length; i++) {
        if (applyMatch(m, c[i]!, depth + 1).matched) {
          return { matched: true, note: `element ${i} (${describeCandidate(c[i]!)}) matches` };
        }
      }
    }
    const whole = applyScalar(m, c);
    if (whole.matched) return whole;
    return { matched: false, note: c.length === 0 ? whole.note : `no element matches${whole.note ? `; ${whole.note}` : ''}` };
  }
  return applyScalar(m, c);
}

function applyScalar(m: Match, c: Exclude<Candidate, typeof CF_NULL>): MatchOutcome {
  switch (m.op) {
    case 'exists':
      if (c === false) return { matched: false, note: 'the boolean false counts as not existing' };
      return { matched: true };
    case 'absent':
      return { matched: false };
    case 'unknown':
      return { matched: false, note: `match opcode ${m.code} is unknown` };
    case 'on':
    case 'before':
    case 'after':
    case 'onOrBefore':
    case 'onOrAfter': {
      const s = cfSecondsOf(c);
      if (s === undefined) return { matched: false, note: 'date comparisons apply only to dates' };
      const v = Number(m.seconds);
      const cmp = s < v ? -1 : s > v ? 1 : 0;
      const ok = { on: cmp === 0, before: cmp < 0, after: cmp > 0, onOrBefore: cmp <= 0, onOrAfter: cmp >= 0 }[m.op];
      return { matched: ok };
    }
    default: {
      const v = matchValueString(m.value.bytes);
      if (v === undefined) {
        return { matched: false, note: 'the match value is not UTF-8 text; Apple\'s evaluator throws on it' };
      }
      if (typeof c !== 'string') {
        return { matched: false, note: `only strings can match "${opWord(m.op)}"` };
      }
      switch (m.op) {
        case 'equal':
          return { matched: c === v };
        case 'contains':
          return { matched: findIn(c, v, 0, c.length) };
        case 'beginsWith':
          // Apple searches [0, len(pattern)) without checking the candidate is that long; treated as no match.
          return { matched: v.length <= c.length && findIn(c, v, 0, v.length) };
        case 'endsWith': {
          const start = c.length - v.length;
          return { matched: start >= 0 && findIn(c, v, start, v.length) };
        }
        case 'lessThan':
          return { matched: compareNumerically(c, v) < 0 };
        case 'greaterThan':
          return { matched: compareNumerically(c, v) > 0 };
        case 'lessEqual':
          return { matched: compareNumerically(c, v) <= 0 };
        case 'greaterEqual':
          return { matched: compareNumerically(c, v) >= 0 };
      }
    }
  }
}

function opWord(op: string): string {
  return (
    { equal: '=', contains: '~', beginsWith: '= v*', endsWith: '= *v', lessThan: '<', greaterThan: '>', lessEqual: '<=', greaterEqual: '>=' } as Record<string, string>
  )[op]!;
}
