/** Offsets to line/column positions (LF starts a line, columns in UTF-16 units), as the classic diagnostics count them. */
import type { Position, Range } from '../grammar/ast.js';

export class Locator {
  private readonly lineStarts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  pos(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
  range(start: number, end: number): Range {
    return { start: this.pos(start), end: this.pos(end) };
  }
}
