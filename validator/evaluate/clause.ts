/**
 * The `clause` text of an evaluation node: the canonical text the formatter
 * prints (grammar/print/canonical.ts), kept short. Leaves are printed by
 * printCanonical; `and`/`or`/`!` are assembled here with the same minimal
 * parentheses, under a length budget, so that rendering every node of a
 * deep tree stays linear instead of re-printing each subtree in full.
 *
 * Iterative: a parsed `a and b and c …` is nested to the left (spec §2.3),
 * so a chain of 100,000 clauses is 100,000 deep and the text starts at the
 * bottom of it. Each result is remembered per node, and a parent's text
 * starts with its left operand's text rendered from the same full budget, so
 * the evaluator (which asks for children before parents) walks each chain
 * once, not once per ancestor.
 */
import type { Expr } from '../../grammar/ast.js';
import { printCanonical } from '../../grammar/print/canonical.js';

/** Max length of a rendered clause; longer ones end in `…`. */
export const CLAUSE_MAX = 160;

type Level = 0 | 1 | 2 | 3; // primary < and < or < top

/** A node's text without its own parentheses, rendered from a full budget: enough of it to fill a clause, and the budget left after it. */
interface Rendered {
  text: string;
  left: number;
}

const rendered = new WeakMap<Expr, Rendered>();

function leafText(e: Expr): string {
  const text = printCanonical(e);
  return text.length > CLAUSE_MAX ? `${text.slice(0, CLAUSE_MAX - 1)}…` : text;
}

type Task = string | { e: Expr; parent: Level };

/**
 * The node's text, budgeted as before: leaves spend the budget, a node met
 * with none left prints `…`. Stops once the text is longer than a clause
 * (the rest would be cut off).
 */
function render(root: Expr): Rendered {
  const tasks: Task[] = [{ e: root, parent: 3 }];
  let out = '';
  let left = CLAUSE_MAX;
  while (tasks.length > 0 && out.length <= CLAUSE_MAX) {
    const t = tasks.pop()!;
    if (typeof t === 'string') {
      out += t;
      continue;
    }
    if (left <= 0) {
      out += '…';
      continue;
    }
    const e = t.e;
    const wrap = (e.kind === 'and' && t.parent === 0) || (e.kind === 'or' && t.parent <= 1);
    const known = left === CLAUSE_MAX && e !== root ? rendered.get(e) : undefined;
    if (known) {
      out += wrap ? `(${known.text})` : known.text;
      left = known.left;
      continue;
    }
    switch (e.kind) {
      case 'and':
      case 'or': {
        const level: Level = e.kind === 'and' ? 1 : 2;
        if (wrap) tasks.push(')');
        tasks.push({ e: e.right, parent: level }, ` ${e.kind} `, { e: e.left, parent: level });
        if (wrap) tasks.push('(');
        break;
      }
      case 'not':
        tasks.push({ e: e.operand, parent: 0 }, '! ');
        break;
      default: {
        const text = leafText(e);
        left -= text.length;
        out += text;
      }
    }
  }
  return { text: out, left };
}

/** The clause as short canonical text. */
export function clauseText(e: Expr): string {
  let r = rendered.get(e);
  if (!r) rendered.set(e, (r = render(e)));
  const text = r.text;
  return text.length > CLAUSE_MAX ? `${text.slice(0, CLAUSE_MAX - 1)}…` : text;
}
