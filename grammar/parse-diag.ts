/** The parser's internal diagnostic record, in offsets; grammar/parser.ts turns it into a Diagnostic. */
import type { DiagnosticCode, Severity } from './diagnostics.js';

export interface RawFix {
  title: string;
  start: number;
  end: number;
  newText: string;
}

export interface RawDiag {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  fixes?: RawFix[];
  /**
   * What Apple would print for this error: `appleMessage` after a `line L:C: `
   * prefix for `appleOffset` when `applePositional`, else as is (semantic errors).
   * `appleOrder` is where Apple's parser raises it, to find the line Apple prints first.
   */
  apple?: { message: string; offset: number; positional: boolean; order: number; lexical: boolean };
}

/** Levenshtein distance, bounded for short words. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within `max` edits (case-insensitive equality wins). */
export function closest(word: string, candidates: readonly string[], max = 2): string | undefined {
  const lower = word.toLowerCase();
  const same = candidates.find((c) => c.toLowerCase() === lower);
  if (same) return same;
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
