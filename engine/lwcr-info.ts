/**
 * What `csrl info` shows about lightweight code requirements: the launch and
 * library constraints a slice carries in signature slots 8–11, decoded and
 * validated, and the default designated LWCR Security.framework would
 * compute for it (spec lwcr.md §4; computed, never stored).
 */
import { analyse, bytesToHex, CONSTRAINT_SLOTS, defaultDesignatedLwcr, printLwcrJson, readLwcrBytes, LwcrSyntaxError, type ConstraintSlot, type LwValue } from '../lwcr/index.js';
import type { CodeReport, SliceReport } from '../validator/report.js';
import { validationCategory } from './lwcr-category.js';

/** A plain JSON view of an LWCR value: data as {"$data": hex}, integers as bigint (printed as decimal strings by the CLI's JSON). */
export type PlainLw = string | bigint | boolean | { $data: string } | PlainLw[] | { [key: string]: PlainLw };

export function plainLw(v: LwValue): PlainLw {
  switch (v.kind) {
    case 'dict':
      return Object.fromEntries(v.entries.map((e) => [e.key, plainLw(e.value)]));
    case 'array':
      return v.items.map(plainLw);
    case 'data':
      return { $data: bytesToHex(v.bytes) };
    default:
      return v.value;
  }
}

export interface ConstraintInfo {
  slot: number;
  /** launch-constraint-self, -parent, -responsible, library-constraint. */
  kind: string;
  bytes: number;
  envelope?: { derVersion: bigint; vers?: bigint; comp?: bigint; ccat?: bigint; unknownKeys: string[] };
  requirements?: PlainLw;
  /** The requirements as canonical JSON text, for the text report. */
  text?: string;
  problems: string[];
}

export function constraintsOf(slice: SliceReport): ConstraintInfo[] {
  return (slice.signature?.constraints ?? []).map(({ slot, blob }) => {
    const info: ConstraintInfo = { slot, kind: CONSTRAINT_SLOTS[slot as ConstraintSlot] ?? `slot ${slot}`, bytes: blob.length, problems: [] };
    try {
      const doc = readLwcrBytes(blob);
      const env = doc.envelope!;
      info.envelope = { derVersion: env.derVersion, ...(env.vers !== undefined ? { vers: env.vers } : {}), ...(env.comp !== undefined ? { comp: env.comp } : {}), ...(env.ccat !== undefined ? { ccat: env.ccat } : {}), unknownKeys: env.unknown.map((e) => e.key) };
      info.problems.push(...env.problems.map((p) => `${p.severity}: ${p.message} [${p.code}]`));
      if (doc.reqs) {
        info.requirements = plainLw(doc.reqs);
        info.text = printLwcrJson(doc.reqs).replace(/\n\s*/g, ' ');
        info.problems.push(...analyse(doc.reqs).diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => `${d.severity}: ${d.message} [${d.code}]`));
      }
    } catch (err) {
      if (!(err instanceof LwcrSyntaxError)) throw err;
      info.problems.push(`error: not decodable: ${err.message}`);
    }
    return info;
  });
}

export interface DefaultDesignatedInfo {
  validationCategory: number | null;
  categoryExplanation: string;
  /** Null when Security.framework would return nil (no identifier/team, or an undetermined category). */
  requirements: PlainLw | null;
  text: string | null;
}

/** Inputs per spec §4: the slice's category, identifier and team, and every cdhash of every architecture. */
export function defaultDesignatedOf(report: CodeReport, slice: SliceReport): DefaultDesignatedInfo {
  const cat = validationCategory(slice.facts);
  const base = { validationCategory: cat.value ?? null, categoryExplanation: cat.explanation + (cat.uncertain ? ` (uncertain: ${cat.uncertain})` : '') };
  if (cat.value === undefined) return { ...base, requirements: null, text: null };
  const cdhashes = report.slices.flatMap((s) => s.facts.codeDirectories.map((cd) => cd.cdhash.subarray(0, 20)));
  const d = defaultDesignatedLwcr({ validationCategory: cat.value, identifier: slice.facts.identifier, teamIdentifier: slice.facts.teamIdentifier, cdhashes });
  return { ...base, requirements: d ? plainLw(d) : null, text: d ? printLwcrJson(d).replace(/\n\s*/g, ' ') : null };
}
