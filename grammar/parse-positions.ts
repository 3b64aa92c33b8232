/** Offsets → positions: ours (LF lines, UTF-16 columns) and Apple's (ANTLR 2 CharScanner). */
import type { Position, Range } from './ast.js';

/**
 * Positions come from a constructor of their own, not from object literals,
 * and their fields are forced to int32: V8 picks a field's representation
 * from the first value stored in it, and offsets read from Chevrotain's CST
 * `location` objects (whose fields start as NaN) are boxed doubles even when
 * they are whole numbers. One such value made every {offset, line, column}
 * literal of the process store its offset and column as separate HeapNumbers
 * (two extra objects per position); another module's literal of the same
 * shape could do the same again. With `Object.prototype` as its prototype a
 * position is indistinguishable from a literal (deepStrictEqual, JSON, spread).
 */
function Pos(this: Position, offset: number, line: number, column: number): void {
  this.offset = offset | 0;
  this.line = line | 0;
  this.column = column | 0;
}
Pos.prototype = Object.prototype;
const PositionOf = Pos as unknown as new (offset: number, line: number, column: number) => Position;

/**
 * One Position object per offset within a parse: the token list and the AST
 * (built from the same token boundaries) share them, as AST nodes already
 * share their children's. A direct-mapped table reused by every parse instead
 * of a map per parse; an entry counts only for the LineIndex (the text) that
 * made it, so positions never leak between parses.
 */
const CACHE_MASK = 1023;
const cachedPositions: Array<Position | undefined> = new Array<Position | undefined>(CACHE_MASK + 1).fill(undefined);
const cachedOwners = new Float64Array(CACHE_MASK + 1);
/**
 * Ranges shared the same way, by start offset: a token's range in the token
 * list is the range of the AST node or value it makes (a key, a value, a
 * certificate slot, `exists`). Only the AST and the token list share them;
 * diagnostics get ranges of their own.
 */
const cachedRanges: Array<Range | undefined> = new Array<Range | undefined>(CACHE_MASK + 1).fill(undefined);
const cachedRangeOwners = new Float64Array(CACHE_MASK + 1);
/** Numbers LineIndex instances; 0 marks an empty table entry. A double: it never wraps. */
let lastOwner = 0;

export class LineIndex {
  private readonly starts: number[] = [0];
  private readonly owner = ++lastOwner;

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  private last = 0;

  /** The position of an offset on line `line` (0-based), shared with earlier lookups of this parse. */
  private at(offset: number, line: number): Position {
    const slot = offset & CACHE_MASK;
    if (cachedOwners[slot] === this.owner) {
      const p = cachedPositions[slot]!;
      if (p.offset === offset) return p;
    }
    const p = new PositionOf(offset, line + 1, offset - this.starts[line]! + 1);
    cachedPositions[slot] = p;
    cachedOwners[slot] = this.owner;
    return p;
  }

  pos(offset: number): Position {
    const s = this.starts;
    // Most lookups fall on the line of the previous one.
    const l = this.last;
    if (s[l]! <= offset && (l + 1 === s.length || offset < s[l + 1]!)) return this.at(offset, l);
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return this.at(offset, lo);
  }

  /**
   * Positions for ascending offsets, walking the line table instead of
   * searching it: for the token list, which is in text order.
   */
  cursor(): (offset: number) => Position {
    const s = this.starts;
    let line = 0;
    return (offset: number) => {
      if (offset < s[line]!) line = 0;
      while (line + 1 < s.length && s[line + 1]! <= offset) line++;
      return this.at(offset, line);
    };
  }

  range(start: number, end: number): Range {
    return { start: this.pos(start), end: this.pos(end) };
  }

  /** A range shared with earlier lookups of the same span in this parse (for the AST and the token list). */
  span(start: number, end: number): Range {
    const slot = start & CACHE_MASK;
    if (cachedRangeOwners[slot] === this.owner) {
      const r = cachedRanges[slot]!;
      if (r.start.offset === start && r.end.offset === end) return r;
    }
    const r = { start: this.pos(start), end: this.pos(end) };
    cachedRanges[slot] = r;
    cachedRangeOwners[slot] = this.owner;
    return r;
  }
}

/**
 * Apple's `line L:C` for an offset. ANTLR 2 counts a line only where the
 * whitespace rule matches a LF (not inside strings or block comments), moves
 * TABs to the next stop of 8, and counts every other byte of the UTF-8 input
 * as one column (spec §1.2).
 *
 * `opaque` lists ranges (strings, block comments) whose LFs Apple does not count.
 */
export function applePosition(text: string, offset: number, opaque: ReadonlyArray<readonly [number, number]>): string {
  let line = 1;
  let lineStart = 0;
  let o = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    while (o < opaque.length && opaque[o]![1] <= i) o++;
    const inside = o < opaque.length && opaque[o]![0] <= i && i < opaque[o]![1];
    if (!inside) {
      line++;
      lineStart = i + 1;
    }
  }
  let col = 1;
  for (let i = lineStart; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 9) col = (((col - 1) >> 3) + 1) * 8 + 1;
    else if (c < 0x80) col++;
    else if (c < 0x800) col += 2;
    else if (c >= 0xdc80 && c <= 0xdcff) col++; // a byte escape from parseBytes
    else if (c >= 0xd800 && c <= 0xdbff) {
      col += 4;
      i++;
    } else col += 3;
  }
  return `line ${line}:${col}`;
}
