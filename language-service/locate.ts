import type { Expr, Range, Requirement } from '../grammar/ast.js';
import type { ParseResult } from '../grammar/parser.js';
import { children } from './analysis/exprs.js';

export type Token = ParseResult['tokens'][number];

/** The token under `offset` (a cursor right after a token counts as on it). */
export function tokenAt(tokens: readonly Token[], offset: number): Token | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid]!;
    if (t.range.end.offset < offset) lo = mid + 1;
    else if (t.range.start.offset > offset) hi = mid - 1;
    else {
      // Prefer the token that starts at the cursor over one that ends there.
      const next = tokens[mid + 1];
      if (t.range.end.offset === offset && next && next.range.start.offset === offset) return next;
      return t;
    }
  }
  return undefined;
}

export function tokenIndexAt(tokens: readonly Token[], token: Token): number {
  return tokens.indexOf(token);
}

export interface RequirementRef {
  requirement: Requirement;
  /** Set entry type word and value, when in a set. */
  entryType?: { name: string; range: Range };
  /** Range of the whole entry (or requirement). */
  range: Range;
  index: number;
}

export function requirementRefs(result: ParseResult, text: string): RequirementRef[] {
  const doc = result.document;
  if (!doc) return [];
  if (doc.kind === 'requirement') return [{ requirement: doc, range: doc.range, index: 0 }];
  return doc.entries.map((e, index) => ({
    requirement: e.requirement,
    entryType: { name: text.slice(e.typeRange.start.offset, e.typeRange.end.offset), range: e.typeRange },
    range: e.range,
    index,
  }));
}

export function contains(r: Range, offset: number): boolean {
  return r.start.offset <= offset && offset <= r.end.offset;
}

/** The chain of AST nodes containing `offset`, outermost first. */
export function nodePath(root: Expr | undefined, offset: number): Expr[] {
  const path: Expr[] = [];
  let cur = root;
  while (cur && contains(cur.range, offset)) {
    path.push(cur);
    cur = children(cur).find((c) => contains(c.range, offset));
  }
  return path;
}
