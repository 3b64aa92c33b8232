import type { EvalNode } from './evaluate.js';

/**
 * Splices nested and-in-and / or-in-or children into one list, so `a and b and c`
 * (a left-nested tree) reads as three siblings. Iterative: chains can be long.
 */
export function flatChildren(n: EvalNode): EvalNode[] {
  if (n.kind !== 'and' && n.kind !== 'or') return n.children;
  const out: EvalNode[] = [];
  const stack = [...n.children].reverse();
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (c.kind === n.kind) stack.push(...[...c.children].reverse());
    else out.push(c);
  }
  return out;
}
