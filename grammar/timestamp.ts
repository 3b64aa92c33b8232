/**
 * `timestamp "…"` text <-> the i64 stored in blobs (seconds since
 * 2001-01-01T00:00:00Z). Apple parses the text as ASN.1 GeneralizedTime with
 * SecAbsoluteTimeFromDateContent (spec §2.6): exactly `YYYYMMDDhhmmssZ` or
 * `YYYYMMDDhhmmss±hhmm`, every other character a digit, fields range-checked.
 * Invalid text does not fail to compile: it silently becomes 0.
 */

/** Seconds between 1970-01-01 and 2001-01-01. */
export const CF_EPOCH_OFFSET = 978307200n;

export interface ParsedTimestamp {
  seconds: bigint;
  /** False when Apple would silently store 0 (2001-01-01). */
  valid: boolean;
  reason?: string;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function invalid(reason: string): ParsedTimestamp {
  return { seconds: 0n, valid: false, reason };
}

export function parseTimestamp(text: string): ParsedTimestamp {
  if (text.length !== 15 && text.length !== 19) {
    return invalid(`expected 15 characters (YYYYMMDDhhmmssZ) or 19 (YYYYMMDDhhmmss+hhmm), got ${text.length}`);
  }
  const digits = (from: number, to: number) => /^[0-9]+$/.test(text.slice(from, to));
  if (!digits(0, 14)) return invalid('the first 14 characters must be digits');
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  const hour = Number(text.slice(8, 10));
  const minute = Number(text.slice(10, 12));
  const second = Number(text.slice(12, 14));
  let offsetSeconds = 0;
  if (text.length === 15) {
    if (text[14] !== 'Z') return invalid('a 15-character timestamp must end in Z');
  } else {
    const sign = text[14];
    if ((sign !== '+' && sign !== '-') || !digits(15, 19)) return invalid('the zone must be +hhmm or -hhmm');
    const oh = Number(text.slice(15, 17));
    const om = Number(text.slice(17, 19));
    if (oh > 23 || om > 59) return invalid('zone offset out of range');
    offsetSeconds = (sign === '+' ? 1 : -1) * (oh * 3600 + om * 60);
  }
  if (month < 1 || month > 12) return invalid(`month ${month} out of range`);
  const dim = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > dim) return invalid(`day ${day} out of range for month ${month}`);
  if (hour > 23) return invalid(`hour ${hour} out of range`);
  if (minute > 59) return invalid(`minute ${minute} out of range`);
  if (second > 60) return invalid(`second ${second} out of range`);
  const unix = BigInt(daysFromCivil(year, month, day)) * 86400n + BigInt(hour * 3600 + minute * 60 + second) - BigInt(offsetSeconds);
  return { seconds: unix - CF_EPOCH_OFFSET, valid: true };
}

/** Canonical text for a stored time: `YYYYMMDDhhmmssZ` in UTC. */
export function formatTimestamp(seconds: bigint): string {
  const ms = Number(seconds + CF_EPOCH_OFFSET) * 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '00000000000000Z';
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** What a Foundation-bridged macOS prints for a CFDate description in `codesign -d -r-` (spec §4.2; not verified on a Mac). */
export function describeCFDate(seconds: bigint): string {
  const iso = formatTimestamp(seconds);
  return `${iso.slice(0, 4)}-${iso.slice(4, 6)}-${iso.slice(6, 8)} ${iso.slice(8, 10)}:${iso.slice(10, 12)}:${iso.slice(12, 14)} +0000`;
}
