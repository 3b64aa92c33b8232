/**
 * The `clause` text of an evaluation node: the canonical text the formatter
 * prints (grammar/print/canonical.ts), kept short. Leaves are printed by
 * printCanonical; `and`/`or`/`!` are assembled here with the same minimal
 * parentheses, under a length budget, so that rendering every node of a
 * deep tree stays linear instead of re-printing each subtree in full.
 */
import type { Expr } from '../../grammar/ast.js';
import { printCanonical } from '../../grammar/print/canonical.js';

/** Max length of a rendered clause; longer ones end in `…`. */
export const CLAUSE_MAX = 160;

type Level = 0 | 1 | 2 | 3; // primary < and < or < top

interface Budget {
  left: number;
}

function leafText(e: Expr, budget: Budget): string {
  let text = printCanonical(e);
  if (text.length > CLAUSE_MAX) text = `${text.slice(0, CLAUSE_MAX - 1)}…`;
  budget.left -= text.length;
  return text;
}

function render(e: Expr, parent: Level, budget: Budget): string {
  if (budget.left <= 0) return '…';
  switch (e.kind) {
    case 'and': {
      const inner = `${render(e.left, 1, budget)} and ${render(e.right, 1, budget)}`;
      return parent === 0 ? `(${inner})` : inner;
    }
    case 'or': {
      const inner = `${render(e.left, 2, budget)} or ${render(e.right, 2, budget)}`;
      return parent <= 1 ? `(${inner})` : inner;
    }
    case 'not':
      return `! ${render(e.operand, 0, budget)}`;
    default:
      return leafText(e, budget);
  }
}

/** The clause as short canonical text. */
export function clauseText(e: Expr): string {
  const text = render(e, 3, { left: CLAUSE_MAX });
  return text.length > CLAUSE_MAX ? `${text.slice(0, CLAUSE_MAX - 1)}…` : text;
}
