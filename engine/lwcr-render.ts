/** An LWCR check result in the words and marks of the classic one (engine/render.ts). */
import { oneLine } from '../validator/printable.js';
import type { LwcrCheckResult, LwcrEvalNode } from './lwcr.js';
import { CLAUSE_MARK, resultLine, sliceHead, sliceWarnings } from './render.js';

function renderTree(root: LwcrEvalNode, out: string[]): void {
  const stack: { n: LwcrEvalNode; indent: string }[] = [{ n: root, indent: '  ' }];
  while (stack.length > 0) {
    const { n, indent } = stack.pop()!;
    const mark = CLAUSE_MARK[n.verdict];
    const tail = `${n.error !== undefined ? ` [E ${n.error}]` : ''}${n.reason ? ` [${n.reason}]` : ''}${n.ignored ? ' [ignored]' : ''}`;
    if (n.kind === 'and' || n.kind === 'or' || n.kind === 'optional') {
      const words = n.kind === 'optional' ? '$optional' : `${n.kind === 'and' ? 'all of' : 'any of'} (${n.clause})`;
      out.push(`${indent}${mark} ${words}: ${oneLine(n.explanation)}${tail}`);
    } else {
      out.push(`${indent}${mark} ${oneLine(n.clause)}`);
      out.push(`${indent}    ${oneLine(n.explanation)}${tail}`);
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push({ n: n.children[i]!, indent: indent + '  ' });
  }
}

export function renderLwcrText(result: LwcrCheckResult): string {
  const out: string[] = [];
  const shownPath = oneLine(result.path);
  for (const s of result.slices) {
    sliceHead(shownPath, s, out);
    if (s.tree) renderTree(s.tree, out);
    sliceWarnings(s, out);
  }
  out.push(resultLine(result));
  return out.join('\n') + '\n';
}
