/**
 * When certificates must be valid for a check. Every door (CLI `--at`, the
 * language server's commands, the extension's `csrl.verificationTime`)
 * reads the same spelling through this one function, so one text means one
 * instant everywhere.
 */

export type CheckTime = 'signing-time' | 'now' | Date;

export class CheckTimeError extends Error {
  override name = 'CheckTimeError';
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TIME_WITHOUT_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * `signing-time` (the default: the secure timestamp, else the CMS signing
 * time), `now`, or a full ISO-8601 date. A date or time without a zone is
 * UTC, never the local zone: the same requirement checked in CI in Tokyo and
 * on a laptop in New York must give the same answer.
 */
export function parseCheckTime(value: string | undefined): CheckTime {
  if (value === undefined || value === '' || value === 'signing-time') return 'signing-time';
  if (value === 'now') return 'now';
  // Only full ISO-8601 dates: Date.parse alone would accept many other spellings.
  if (!ISO_8601.test(value)) throw new CheckTimeError(`takes signing-time, now or an ISO-8601 date (e.g. 2024-01-31T12:00:00Z), not '${value}'`);
  const spelled = value.replace(' ', 'T');
  const d = new Date(TIME_WITHOUT_ZONE.test(spelled) ? `${spelled}Z` : spelled);
  if (Number.isNaN(d.getTime())) throw new CheckTimeError(`'${value}' is not a valid date`);
  return d;
}

/** The instant a posture report judges at, for a check at `at` of code signed at `signed`. */
export function instantOf(at: CheckTime, signed: Date | undefined): Date {
  return at instanceof Date ? at : at === 'now' ? new Date() : (signed ?? new Date());
}
