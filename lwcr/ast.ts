/**
 * The typed LWCR tree: what a requirements dictionary means, built by
 * `analyse` from the value tree, each node with its source range. The
 * evaluator, the translator and the lint rules walk this, not raw values.
 */
import type { FactInfo, LogicalOp, ValueOp } from './model.js';
import type { LwValue, Range } from './value.js';

export type LwNode = LwGroup | LwOptional | LwFact | LwUnknownOp;

/** `$and`/`$or` (dict form: `via` names the key; the top level is an implicit `$and`), or the array forms. */
export interface LwGroup {
  kind: 'and' | 'or';
  via: LogicalOp | 'top';
  children: LwNode[];
  range: Range;
}

export interface LwOptional {
  kind: 'optional';
  /** Undefined when the `$optional` is malformed (not exactly one entry). */
  child: LwNode | undefined;
  range: Range;
}

/** An unknown `$`-key where logical operators go: parses, and is E 1 at evaluation (§2.6). */
export interface LwUnknownOp {
  kind: 'unknown-op';
  op: string;
  range: Range;
}

export interface LwFact {
  kind: 'fact';
  key: string;
  /** Undefined for an unknown fact key (E 5 at evaluation). */
  info: FactInfo | undefined;
  test: FactTest;
  range: Range;
  keyRange: Range;
}

export type FactTest =
  | { op: 'eq'; value: LwValue }
  | { op: '$in'; values: LwValue[]; range: Range }
  | { op: Exclude<ValueOp, '$in' | '$query'>; value: LwValue; range: Range }
  | { op: '$query'; steps: QueryStep[]; range: Range }
  /** A value-position operator we do not know (E 1 at evaluation), or a shape that cannot be evaluated. */
  | { op: 'unknown'; name: string; range: Range };

export interface QueryStep {
  opcode: number;
  param: LwValue;
  range: Range;
}
