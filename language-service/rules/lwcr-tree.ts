/**
 * Shared walking of LWCR trees for the LWCR rules (R13–R16): which host
 * documents hold LWCR (embedded/lwcr.ts), the branches of a requirements
 * tree, and what a `validation-category` test accepts.
 */
import type { LwDict, LwEntry, LwFact, LwGroup, LwNode, LwValue } from '../../lwcr/index.js';
import { CONTEXT_FACTS, VALIDATION_CATEGORIES, type LwcrContext } from '../../lwcr/index.js';
import type { TextFix } from '../../grammar/diagnostics.js';
import type { LineIndex } from '../analysis/text.js';
import { findLwcr, type HostLwcr } from '../embedded/lwcr.js';
import type { HostEdit } from '../lwcr/edit.js';
import type { Finding } from './types.js';

type Range = LwNode['range'];

/** A quick fix from host edits (all at once, in one fix); none when the host form cannot express one of them. */
export type FixMaker = (title: string, ...edits: (HostEdit | undefined)[]) => TextFix[];

/** A host check that runs `check` over every LWCR tree found in the document. */
export function lwcrHost(check: (tree: LwGroup, l: HostLwcr, at: (r: Range) => Finding['range'], fix: FixMaker) => Finding[]) {
  return (hostText: string, languageId: string, index: LineIndex): Finding[] => {
    const out: Finding[] = [];
    const fix: FixMaker = (title, ...edits) => {
      if (edits.length === 0 || edits.some((e) => !e)) return [];
      const list = edits as HostEdit[];
      // Several insertions at one point become one edit, in order.
      if (list.every((e) => e.start === list[0]!.start && e.end === list[0]!.end)) return [{ title, range: index.range(list[0]!.start, list[0]!.end), newText: list.map((e) => e.newText).join('') }];
      return list.length === 1 ? [{ title, range: index.range(list[0]!.start, list[0]!.end), newText: list[0]!.newText }] : [];
    };
    for (const l of findLwcr(hostText, languageId).found) {
      if (l.analysis.tree) out.push(...check(l.analysis.tree, l, (r) => index.range(r.start.offset, r.end.offset), fix));
    }
    return out;
  };
}

/** The dictionary holding the entry whose key starts at `keyOffset`, and how that dictionary combines its entries. */
export function containerOf(reqs: LwValue, keyOffset: number): { dict: LwDict; entry: LwEntry; all: boolean } | undefined {
  const walk = (v: LwValue, all: boolean, depth: number): ReturnType<typeof containerOf> => {
    if (depth > 64) return undefined;
    if (v.kind === 'array') {
      // `$and-array` / `$or-array` tuples: [op, operand].
      for (const item of v.items) {
        const op = item.kind === 'array' && item.items[0]?.kind === 'string' ? item.items[0].value : undefined;
        const found = item.kind === 'array' && item.items[1] ? walk(item.items[1], op === '$and', depth + 1) : undefined;
        if (found) return found;
      }
      return undefined;
    }
    if (v.kind !== 'dict') return undefined;
    for (const e of v.entries) {
      if (e.keyRange.start.offset === keyOffset) return { dict: v, entry: e, all };
      const found = walk(e.value, e.key === '$and' || (e.key === '$optional' && all), depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk(reqs, true, 0);
}

/** A team ID the LWCR already names (for fixes that add one), else the placeholder. */
export function teamOf(tree: LwNode): string {
  const f = allFacts(tree).find((x) => x.key === 'team-identifier' && x.test.op === 'eq' && x.test.value.kind === 'string');
  return f && f.test.op === 'eq' && f.test.value.kind === 'string' ? f.test.value.value : 'TEAMID';
}

/** The facts that must match on one way through the `$or`s (facts under `$optional` may be ignored: not counted). */
export interface LwBranch { facts: LwFact[] }

/** Most branches expanded; past it, undefined (the rules stay quiet rather than guess). */
const MAX_BRANCHES = 1024;

/** The disjunctive normal form of a requirements tree, as lists of required facts. */
export function lwBranches(node: LwNode): LwBranch[] | undefined {
  switch (node.kind) {
    case 'fact':
      return [{ facts: [node] }];
    case 'optional':
    case 'unknown-op':
      return [{ facts: [] }];
    case 'or': {
      const out: LwBranch[] = [];
      for (const c of node.children) {
        const b = lwBranches(c);
        if (!b) return undefined;
        out.push(...b);
        if (out.length > MAX_BRANCHES) return undefined;
      }
      return out;
    }
    case 'and': {
      let acc: LwBranch[] = [{ facts: [] }];
      for (const c of node.children) {
        const b = lwBranches(c);
        if (!b) return undefined;
        if (acc.length * b.length > MAX_BRANCHES) return undefined;
        acc = acc.flatMap((x) => b.map((y) => ({ facts: [...x.facts, ...y.facts] })));
      }
      return acc;
    }
  }
}

/** Every fact of the tree, including those under `$optional`. */
export function allFacts(node: LwNode): LwFact[] {
  if (node.kind === 'fact') return [node];
  if (node.kind === 'optional') return node.child ? allFacts(node.child) : [];
  if (node.kind === 'unknown-op') return [];
  return node.children.flatMap(allFacts);
}

/** The constraint categories a test can meet (1–6, 10); undefined when the test is not a plain comparison. */
export function acceptedCategories(f: LwFact): number[] | undefined {
  const usable = Object.keys(VALIDATION_CATEGORIES).map(Number).filter((n) => n >= 1 && n !== 7 && n !== 8 && n !== 9);
  const t = f.test;
  const int = (v: { kind: string; value?: unknown }) => (v.kind === 'int' ? Number(v.value as bigint) : undefined);
  switch (t.op) {
    case 'eq': {
      const n = int(t.value);
      return n === undefined ? undefined : [n];
    }
    case '$in':
      return t.values.map(int).filter((n): n is number => n !== undefined);
    case '$lt':
    case '$lte':
    case '$gt':
    case '$gte': {
      const v = int(t.value);
      if (v === undefined) return undefined;
      const cmp = { $lt: (n: number) => n < v, $lte: (n: number) => n <= v, $gt: (n: number) => n > v, $gte: (n: number) => n >= v }[t.op];
      return usable.filter(cmp);
    }
    default:
      return undefined;
  }
}

/** Categories issued by Apple (1 platform, 2–6 developer programs): a team ID is bound to the certificate only there. */
export const APPLE_ISSUED = [1, 2, 3, 4, 5, 6];

/** Whether a fact can be undefined for some code, so `$optional` can ignore it (spec §5.2 rule 7). */
export function mayBeUndefined(f: LwFact, context: LwcrContext | undefined): boolean {
  if (!f.info) return true;
  if (f.key === 'team-identifier') return true;
  return context !== undefined && !CONTEXT_FACTS[context].has(f.key);
}
