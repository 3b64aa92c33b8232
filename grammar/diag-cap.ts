/**
 * Caps error diagnostics per kind. A 100 KB file of carriage returns is 100,000
 * lexical errors, and 1 MB of them took 1.3–1.7 GB to report; a person (or
 * an editor) needs the first few and a count. Each kind (code) keeps its
 * first MAX_PER_KIND diagnostics in text order and the rest become one
 * summary diagnostic, "N more … of the same kind", at the first one left
 * out. Producers that can flood (the lexer, the byte check) count instead of
 * building records past the cap, so memory stays bounded too. Warnings are
 * not capped: at most one per set entry or comment, and the language
 * server's per-entry analysis of large sets must add up to the whole
 * document's (test/server/lean.test.ts).
 */
import type { DiagnosticCode, Severity } from './diagnostics.js';
import type { RawDiag } from './parse-diag.js';

export const MAX_PER_KIND = 100;

/** Diagnostics a producer counted but did not build. */
export interface Dropped {
  code: DiagnosticCode;
  severity: Severity;
  count: number;
  /** Range of the first one left out. */
  start: number;
  end: number;
}

/**
 * Counts one producer's diagnostics per kind. A producer emits in text order,
 * so what it keeps is its first MAX_PER_KIND of each kind, which is all that
 * capRaw can need from it.
 */
export class KindCounter {
  private readonly seen = new Map<string, number>();
  readonly dropped: Dropped[] = [];

  /** True when the diagnostic should be built; false when it is only counted. */
  admit(code: DiagnosticCode, severity: Severity, start: number, end: number): boolean {
    if (severity !== 'error') return true;
    const key = `${code}/${severity}`;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    if (n < MAX_PER_KIND) return true;
    const d = this.dropped.find((x) => x.code === code && x.severity === severity);
    if (d) d.count++;
    else this.dropped.push({ code, severity, count: 1, start, end });
    return false;
  }
}

/**
 * Keeps the first MAX_PER_KIND diagnostics of each kind (code and severity)
 * by position, and replaces the rest, with what producers dropped, by one
 * summary per kind. `keep` is never cut (the diagnostic carrying Apple's line).
 */
export function capRaw(raw: RawDiag[], dropped: readonly Dropped[], keep: RawDiag | undefined): RawDiag[] {
  const total = new Map<string, number>();
  for (const d of raw) if (d.severity === 'error') total.set(`${d.code}/${d.severity}`, (total.get(`${d.code}/${d.severity}`) ?? 0) + 1);
  if (dropped.length === 0 && [...total.values()].every((n) => n <= MAX_PER_KIND)) return raw;

  const sorted = raw.map((d, i) => ({ d, i })).sort((a, b) => a.d.start - b.d.start || a.d.end - b.d.end || a.i - b.i);
  const kept = new Map<string, number>();
  const summaries = new Map<string, Dropped>();
  const out: RawDiag[] = [];
  for (const { d } of sorted) {
    const key = `${d.code}/${d.severity}`;
    const n = kept.get(key) ?? 0;
    if (n < MAX_PER_KIND || d === keep || d.severity !== 'error') {
      kept.set(key, n + 1);
      out.push(d);
      continue;
    }
    const s = summaries.get(key);
    if (s) s.count++;
    else summaries.set(key, { code: d.code, severity: d.severity, count: 1, start: d.start, end: d.end });
  }
  for (const x of dropped) {
    const key = `${x.code}/${x.severity}`;
    const s = summaries.get(key);
    if (!s) summaries.set(key, { ...x });
    else {
      s.count += x.count;
      if (x.start < s.start) {
        s.start = x.start;
        s.end = x.end;
      }
    }
  }
  for (const s of summaries.values()) {
    const what = s.severity === 'error' ? (s.count === 1 ? 'error' : 'errors') : s.count === 1 ? 'warning' : 'warnings';
    out.push({
      code: s.code,
      severity: s.severity,
      message: `${s.count.toLocaleString('en-US')} more ${what} of the same kind (${s.code}) from here on are not listed; only the first ${MAX_PER_KIND} are`,
      start: s.start,
      end: s.end,
    });
  }
  return out;
}
