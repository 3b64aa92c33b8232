/**
 * The validation diagnostics (LW0xx, lwcr/analyse.ts) of the LWCRs in a host
 * document, in host coordinates: what `csrl lint` prints and the language
 * server publishes, computed here once for both. The LWCR lint rules
 * (CSR113–CSR116) come with the host's rule pass (rules/engine.ts).
 */
import type { Diagnostic, Severity, TextFix } from '../../grammar/diagnostics.js';
import { FACT_BY_KEY, FACTS, type LwEntry, type LwValue } from '../../lwcr/index.js';
import type { LineIndex } from '../analysis/text.js';
import { findLwcr, type HostLwcr } from '../embedded/lwcr.js';
import { NOT_ANALYSED_CODE } from '../rules/index.js';

export type ResolveSeverity = (code: string, produced: Severity) => Severity | undefined;

export interface LwcrValidation {
  /** How many LWCRs the document holds. */
  count: number;
  diagnostics: Diagnostic[];
}

export function lwcrValidation(text: string, languageId: string, index: LineIndex, resolve: ResolveSeverity): LwcrValidation {
  const found = findLwcr(text, languageId);
  const out: Diagnostic[] = [];
  const push = (code: string, produced: Severity, message: string, start: number, end: number, fixes?: TextFix[]) => {
    const severity = resolve(code, produced);
    if (severity) out.push({ code: code as Diagnostic['code'], severity, message, range: index.range(start, Math.max(start, end)), ...(fixes?.length ? { fixes } : {}) });
  };
  if (found.syntaxError) {
    const r = found.syntaxError.range;
    push('LW001', 'error', `LWCR not readable: ${found.syntaxError.message}`, r?.start.offset ?? 0, r?.end.offset ?? 0);
  }
  for (const l of found.found) {
    const typos = unknownFactFixes(l, index);
    for (const d of l.analysis.diagnostics) {
      const fixes = d.code === 'LW010' || d.code === 'LW011' ? typos.get(d.range.start.offset) : undefined;
      push(d.code, d.severity, d.message, d.range.start.offset, d.range.end.offset, fixes);
    }
    for (const s of l.skipped ?? []) push(NOT_ANALYSED_CODE, 'information', `LWCR entry not analysed: ${s.why}.`, s.start, s.end);
  }
  return { count: found.found.length, diagnostics: out };
}

/** "Did you mean" fixes for unknown fact keys within two edits of a known fact, by the key's host offset. */
function unknownFactFixes(l: HostLwcr, index: LineIndex): Map<number, TextFix[]> {
  const out = new Map<number, TextFix[]>();
  const walk = (v: LwValue, depth: number): void => {
    if (depth > 64) return;
    if (v.kind === 'array') v.items.forEach((x) => walk(x, depth + 1));
    if (v.kind !== 'dict') return;
    for (const e of v.entries) {
      if (!e.key.startsWith('$') && !FACT_BY_KEY.has(e.key)) addFix(e);
      walk(e.value, depth + 1);
    }
  };
  const addFix = (e: LwEntry) => {
    const best = FACTS.map((f) => ({ key: f.key, d: distance(e.key, f.key) })).sort((a, b) => a.d - b.d)[0];
    if (!best || best.d > 2) return;
    const edit = l.edit.renameKey(e, best.key);
    if (edit) out.set(e.keyRange.start.offset, [{ title: `Change to \`${best.key}\``, range: index.range(edit.start, edit.end), newText: edit.newText }]);
  };
  walk(l.reqs, 0);
  return out;
}

/** Levenshtein distance, bounded: keys are short. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
