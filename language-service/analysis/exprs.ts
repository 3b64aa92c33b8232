import type { Expr } from '../../grammar/ast.js';

/** The operands of an `and`, `or` or `!` node; none for atoms. */
export function children(e: Expr): Expr[] {
  if (e.kind === 'and' || e.kind === 'or') return [e.left, e.right];
  if (e.kind === 'not') return [e.operand];
  return [];
}

/** Calls `fn` on every node of the expression, iteratively (`and`/`or` chains nest as deep as they are long). */
export function walkExprs(e: Expr, fn: (e: Expr) => void): void {
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    fn(x);
    // The operands pushed as `children` lists them, without making that list: this runs for every entry of a large set.
    if (x.kind === 'and' || x.kind === 'or') stack.push(x.left, x.right);
    else if (x.kind === 'not') stack.push(x.operand);
  }
}
