/**
 * How a built product's designated requirement compares with the one being
 * edited, in words ("Compare with designated requirement"). Text and bytes
 * are separate facts: Apple builds designated requirements right-nested and
 * its compiler left-nests, so equal text can compile to different bytes.
 */
export interface DesignatedComparison {
  designated?: string | undefined;
  sameText?: boolean;
  sameBytes?: boolean;
  note?: string;
}

export function designatedComparisonWords(s: DesignatedComparison): string {
  if (s.designated === undefined) return s.note ?? 'no designated requirement';
  if (s.sameText) {
    return s.sameBytes === false ? 'the same text as ours, but it compiles to other bytes (Apple nests the clauses differently)' : 'the same as ours';
  }
  return s.sameBytes ? 'written differently from ours, but it compiles to the same bytes' : 'differs from ours';
}
