import type { Position, Range } from '../../grammar/ast.js';

/** Offsets ↔ 1-based line/column positions (LF-only lines, UTF-16 columns, as grammar/ast.ts defines). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line0: number): number {
    return this.starts[Math.max(0, Math.min(line0, this.starts.length - 1))]!;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo + 1, column: o - this.starts[lo]! + 1 };
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** 0-based line and character (LSP) to an offset, clamped into the text. */
  offsetAt(line0: number, character: number): number {
    if (line0 < 0) return 0;
    if (line0 >= this.starts.length) return this.text.length;
    const start = this.starts[line0]!;
    const next = line0 + 1 < this.starts.length ? this.starts[line0 + 1]! - 1 : this.text.length;
    return Math.max(start, Math.min(start + Math.max(0, character), next));
  }
}

/** True when parentheses outside `[start,end)` enclose it (an edit inside the range or at its ends stays inside them). */
export function enclosedInParens(text: string, start: number, end: number): boolean {
  let before = start - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  return text[before] === '(' && matchingParen(text, before) === skipSpace(text, end);
}

/** True when `[start,end)` of `text` is wrapped in a matching pair of parentheses, allowing whitespace and comments in between. */
export function isParenthesised(text: string, start: number, end: number): boolean {
  if (text[start] === '(' && matchingParen(text, start) === end - 1) return true;
  let before = start - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  if (text[before] !== '(') return false;
  return matchingParen(text, before) === skipSpace(text, end);
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at]!)) at++;
  return at;
}

/** Offset of the `)` closing the `(` at `open`, skipping strings and comments; -1 when unmatched. */
export function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 1;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
