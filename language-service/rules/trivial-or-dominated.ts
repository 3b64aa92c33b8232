import type { Expr, Range } from '../../grammar/ast.js';
import { strength, teamBound } from '../analysis/branches.js';
import { walkExprs } from '../analysis/exprs.js';
import { isParenthesised } from '../analysis/text.js';
import { defineRule, type Finding } from './types.js';

/** R10: always-true, dominated, wildcard and ambiguous branches. */
export default defineRule({
  code: 'CSR110',
  id: 'trivial-or-dominated',
  title: 'Trivially true, dominated or ambiguous branch',
  defaultSeverity: 'warning',
  description: '`always`, `! never`, an `or` branch weaker than the others (the weakest branch decides), wildcard identifiers without a team, and unparenthesised `a and b or c`.',
  help: 'Remove the weak branch, tighten it to match the others, or add parentheses.',
  docs: {
    firesOn: '`always`, `! never`; an `or` branch weaker than its siblings; wildcard or partial identifier matches without a team; unparenthesised `a and b or c` (only a hint where the `or` holds certificate checks only, as in the designated requirement Xcode generates)',
    why: 'the weakest branch decides; `a and b or c` means `(a and b) or c`',
    fix: 'remove or tighten the branch; fix adds parentheses',
    catches: { text: 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" or identifier "com.example.app.beta"' },
    spares: { text: 'identifier "com.example.app" and anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345")', why: 'Xcode\'s designated requirement for Developer ID and App Store: an `or` of certificate checks that reads as Apple evaluates it (a hint at most)' },
  },
  marksBranch: true,

  // `a and b or c` without parentheses means `(a and b) or c`.
  requirement(ctx) {
    const out: Finding[] = [];
    let certOnly: ReadonlySet<Expr> | undefined;
    walkExprs(ctx.root, (e) => {
      if (e.kind !== 'or') return;
      for (const side of [e.left, e.right]) {
        if (side.kind !== 'and') continue;
        if (isParenthesised(ctx.text, side.range.start.offset, side.range.end.offset)) continue;
        // One pass over the whole expression, only once needed: walking each `or` of a chain would cost O(n²).
        certOnly ??= certificateChecksOnly(ctx.root);
        const canonical = certOnly.has(e);
        const grouped = abbreviate(ctx.text, side.range);
        out.push({
          code: 'CSR110',
          message: canonical
            ? `Apple's tools write the designated requirement of Xcode builds this way (certificate checks only): \`and\` binds tighter than \`or\`, so this reads \`(${grouped})\` inside the \`or\`, as Apple evaluates it. Parentheses would only make that explicit.`
            : '`and` binds tighter than `or`, so Apple groups this as `(' + grouped + ')` inside the `or`. Add parentheses so readers see what Apple sees.',
          range: side.range,
          fixes: [{ title: 'Add parentheses', range: side.range, newText: `(${ctx.text.slice(side.range.start.offset, side.range.end.offset)})` }],
          ...(canonical ? { atMost: 'hint' as const } : {}),
        });
      }
    });
    return out;
  },

  alwaysTrue(f, ctx) {
    return [{
      code: 'CSR110',
      message: ctx.facts.length > 1
        ? 'This `or` branch is always true, so the whole requirement accepts any code.'
        : 'This requirement is always true: it accepts any code.',
      range: f.branch.range,
    }];
  },

  // Wildcard identifiers without a team.
  branch(f) {
    if (!f.wildcardIdentifier || teamBound(f)) return [];
    return [{
      code: 'CSR110',
      message: 'A wildcard or partial identifier match without a team check admits any code whose name fits the pattern. Add a team check.',
      range: f.wildcardIdentifier.expr.range,
    }];
  },

  // A branch weaker than its siblings.
  branches(facts, ctx) {
    const out: Finding[] = [];
    if (facts.length <= 1) return out;
    const scores = facts.map(strength);
    const max = Math.max(...scores);
    facts.forEach((f, i) => {
      if (scores[i]! >= max || ctx.flagged.has(f)) return;
      out.push({
        code: 'CSR110',
        message: 'This `or` branch is weaker than the others' + (scores[i]! + 1 === max ? ' (it checks no identifier)' : '') + ': Apple accepts the code when any branch holds, so the weakest branch decides what the whole requirement allows.',
        range: f.branch.range,
      });
    });
    return out;
  },
});

/**
 * Apple's canonical channel alternative, as in the designated requirement
 * Xcode and codesign generate (`certificate leaf[field.…6.1.9] or certificate
 * 1[field.…6.2.6] and certificate leaf[field.…6.1.13] and certificate
 * leaf[subject.OU] = "TEAM"`): an `or` of certificate checks only. Mac
 * developers meet this shape in every `codesign -d -r-` output and read it as
 * Apple evaluates it, one signing channel or the other, so the precedence
 * finding is only a hint there. Returns every
 * `and`/`or` node (and atom) made of certificate checks only.
 */
function certificateChecksOnly(root: Expr): ReadonlySet<Expr> {
  // Post-order without recursion: `and`/`or` chains nest as deep as they are long.
  const out = new Set<Expr>();
  const stack: { e: Expr; done: boolean }[] = [{ e: root, done: false }];
  while (stack.length) {
    const top = stack.pop()!;
    const e = top.e;
    if (e.kind === 'and' || e.kind === 'or') {
      if (!top.done) stack.push({ e, done: true }, { e: e.right, done: false }, { e: e.left, done: false });
      else if (out.has(e.left) && out.has(e.right)) out.add(e);
    } else if (e.kind === 'certGeneric' || e.kind === 'certField' || e.kind === 'certPolicy') out.add(e);
  }
  return out;
}

function abbreviate(text: string, range: Range): string {
  const s = text.slice(range.start.offset, range.end.offset).replace(/\s+/g, ' ');
  return s.length > 40 ? s.slice(0, 37) + '…' : s;
}
