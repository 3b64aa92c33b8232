/**
 * An SMAppService job's `SpawnConstraint` (a lightweight code requirement in
 * its launchd plist) against the program launchd would spawn: evaluated by
 * the LWCR engine (engine/lwcr.ts) as launchd's evaluator (context `launch`,
 * spec lwcr.md §5.4), every architecture, with the clause that failed and
 * the fact that failed it.
 */
import { printLwcrJson } from '../../lwcr/index.js';
import type { PlistValue } from '../../validator/facts.js';
import { oneLine } from '../../validator/printable.js';
import type { CodeReport } from '../../validator/read.js';
import { checkLwcrReport, type LwcrEvalNode, type LwcrSliceResult } from '../lwcr.js';
import { plistToLw } from '../lwcr-facts.js';
import { isBlocking, loadLwcrValue } from '../lwcr-load.js';
import type { CheckTime } from '../time.js';
import type { RelationshipSlice } from './types.js';

export type SpawnConstraintOutcome =
  /** The constraint could not be read as launchd would: nothing was evaluated. */
  | { problem: string; text: string }
  | { slices: RelationshipSlice[]; text: string; check: ReturnType<typeof checkLwcrReport> };

/** Where in a plist value a <real> or <date> sits: LWCR has no such type, and dropping it would loosen the constraint. */
function untyped(v: PlistValue, at: string): string | undefined {
  if (v instanceof Date) return `${at} is a date`;
  if (typeof v === 'number' && !Number.isInteger(v)) return `${at} is a real number`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = untyped(v[i]!, `${at}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
    for (const [k, x] of Object.entries(v)) {
      const bad = untyped(x, `${at}.${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

/** A plist value as one line of JSON-like text, for a constraint that cannot be shown in LWCR's JSON form. */
function asText(v: PlistValue): string {
  return oneLine(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x)) ?? String(v));
}

/** The leaf that decided an LWCR tree's verdict: follow the children sharing it (an `$and` stops at its first false). */
export function failingLwcrClause(tree: LwcrEvalNode): { clause: string; fact: string } {
  let n = tree;
  for (;;) {
    const same = n.children.filter((c) => c.verdict === n.verdict && !c.ignored);
    if (n.kind === 'or' && same.length > 1) {
      // An `$or` stops at the first clause that fails with an OS error: that one decided it. Else every clause failed: name them all.
      const stop = same.find((c) => c.error !== undefined);
      if (!stop) return { clause: oneLine(`one of: ${same.map((c) => c.clause).join(', ')}`), fact: oneLine(same.map((c) => c.explanation + (c.reason ? ` [${c.reason}]` : '')).join('; ')) };
      n = stop;
      continue;
    }
    const next = same[0];
    if (!next) break;
    n = next;
  }
  const reason = n.reason ? ` [${n.reason}]` : '';
  return { clause: oneLine(n.clause), fact: oneLine(n.explanation) + reason };
}

function sliceOf(s: LwcrSliceResult): RelationshipSlice {
  const out: RelationshipSlice = { arch: s.arch, verdict: s.verdict };
  if (s.verdict === 'satisfied') return out;
  if (s.verdict === 'invalid') return { ...out, clause: 'the signature verifies', fact: oneLine(s.invalidReason ?? 'the signature did not verify') };
  return s.tree ? { ...out, ...failingLwcrClause(s.tree) } : out;
}

export function checkSpawnConstraint(value: PlistValue, program: CodeReport, shownProgram: string, at: CheckTime | undefined): SpawnConstraintOutcome {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array || value instanceof Date) {
    return { text: asText(value), problem: `SpawnConstraint is ${Array.isArray(value) ? 'an array' : value instanceof Uint8Array ? 'data' : value instanceof Date ? 'a date' : `a ${typeof value}`}, not a dictionary (launchd: spawn constraint malformed, E 2)` };
  }
  const bad = untyped(value, 'SpawnConstraint');
  const lw = plistToLw(value);
  if (bad || !lw) return { text: asText(value), problem: `${bad ?? 'SpawnConstraint'}, which a lightweight code requirement cannot hold (launchd: spawn constraint malformed, E 2)` };
  const text = printLwcrJson(lw).replace(/\n\s*/g, ' ');
  const loaded = loadLwcrValue(lw, 'SpawnConstraint', 'launch');
  if (!loaded.tree) {
    const d = loaded.diagnostics.find(isBlocking);
    const os = d?.os !== undefined && !d.message.includes(`E ${d.os}`) ? ` (E ${d.os})` : '';
    return { text, problem: `the SpawnConstraint has errors${d ? `: ${d.message}${os}` : ''}` };
  }
  const check = checkLwcrReport(program, loaded.tree, text, shownProgram, { context: 'launch', ...(at ? { at } : {}) });
  return { text, slices: check.slices.map(sliceOf), check };
}
