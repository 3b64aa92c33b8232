/**
 * Exact offset mapping between a decoded string value and the host text it
 * was written in.
 *
 * A value is built from pieces that tile the host range in order:
 * - verbatim: host characters copied one to one into the value;
 * - escape: a host sequence (`\"`, `&amp;`, `\u{1F600}`, CRLF in a Swift
 *   multi-line string …) that produces one or two UTF-16 code units;
 * - gap: host characters that produce nothing (closing/opening quotes between
 *   concatenated C literals, stripped Swift indentation, line splices).
 *
 * Every value offset maps to exactly one host offset, and mapping it back
 * gives the same value offset. Host offsets inside an escape map to the
 * escape's value offset; host offsets inside a gap map to the value offset
 * where the gap sits (the join point).
 */

interface Piece {
  /** Value offset. */
  t: number;
  /** Host offset. */
  h: number;
  /** Value length (0 for a gap). */
  tl: number;
  /** Host length. */
  hl: number;
  verbatim: boolean;
  /** A macro's value standing for its name: every value offset inside maps to the host start. */
  opaque?: true;
}

/**
 * A part of the value that is only known at run or build time (a format
 * specifier, an interpolation, a shell or build-setting variable, a macro
 * defined elsewhere): its host spelling is kept as the value text.
 */
export interface PieceHole {
  /** Value offset and length. */
  t: number;
  tl: number;
  /** What the hole is, for messages: "format argument", "shell variable", … */
  what: string;
}

export class PieceList {
  readonly pieces: Piece[] = [];
  readonly holes: PieceHole[] = [];
  private readonly parts: string[] = [];
  private length = 0;

  /** Host characters [hostStart, hostStart + text.length) copied as they are. */
  verbatim(hostStart: number, text: string): void {
    if (text.length === 0) return;
    const last = this.pieces[this.pieces.length - 1];
    if (last && last.verbatim && last.t + last.tl === this.length && last.h + last.hl === hostStart) {
      last.tl += text.length;
      last.hl += text.length;
    } else {
      this.pieces.push({ t: this.length, h: hostStart, tl: text.length, hl: text.length, verbatim: true });
    }
    this.parts.push(text);
    this.length += text.length;
  }

  /** Host characters [hostStart, hostEnd) that stand for `text` (one code point). */
  escape(hostStart: number, hostEnd: number, text: string): void {
    if (text.length === 0) {
      this.gap(hostStart, hostEnd);
      return;
    }
    this.pieces.push({ t: this.length, h: hostStart, tl: text.length, hl: hostEnd - hostStart, verbatim: false });
    this.parts.push(text);
    this.length += text.length;
  }

  /** Host characters [hostStart, hostStart + text.length) kept as they are and marked as a hole. */
  hole(hostStart: number, text: string, what: string): void {
    if (text.length === 0) return;
    this.holes.push({ t: this.length, tl: text.length, what });
    this.verbatim(hostStart, text);
  }

  /** Marks value range [t, t + tl) (already appended) as a hole. */
  markHole(t: number, tl: number, what: string): void {
    if (tl > 0 && t >= 0 && t + tl <= this.length) this.holes.push({ t, tl, what });
  }

  /** Host characters [hostStart, hostEnd) (a macro name) that stand for `text` (its value, defined elsewhere in the file). */
  substitute(hostStart: number, hostEnd: number, text: string): void {
    if (text.length === 0) {
      this.gap(hostStart, hostEnd);
      return;
    }
    this.pieces.push({ t: this.length, h: hostStart, tl: text.length, hl: hostEnd - hostStart, verbatim: false, opaque: true });
    this.parts.push(text);
    this.length += text.length;
  }

  /** Host characters [hostStart, hostEnd) that produce nothing. */
  gap(hostStart: number, hostEnd: number): void {
    if (hostEnd <= hostStart) return;
    const last = this.pieces[this.pieces.length - 1];
    if (last && last.tl === 0 && last.h + last.hl === hostStart) {
      last.hl += hostEnd - hostStart;
      return;
    }
    this.pieces.push({ t: this.length, h: hostStart, tl: 0, hl: hostEnd - hostStart, verbatim: false });
  }

  /** Appends another list (its host range must follow this one's). */
  append(other: PieceList): void {
    const shift = this.length;
    for (const p of other.pieces) {
      if (p.tl === 0) this.gap(p.h, p.h + p.hl);
      else if (p.verbatim) this.verbatim(p.h, other.textOf(p));
      else if (p.opaque) this.substitute(p.h, p.h + p.hl, other.textOf(p));
      else this.escape(p.h, p.h + p.hl, other.textOf(p));
    }
    for (const h of other.holes) this.holes.push({ ...h, t: h.t + shift });
  }

  get textLength(): number {
    return this.length;
  }

  text(): string {
    if (this.parts.length > 1) {
      const joined = this.parts.join('');
      this.parts.length = 0;
      this.parts.push(joined);
    }
    return this.parts[0] ?? '';
  }

  private textOf(p: Piece): string {
    return this.text().slice(p.t, p.t + p.tl);
  }

  /** The list from value offset `from` on (the piece holding it is split when verbatim). */
  sliceFrom(from: number): PieceList {
    const out = new PieceList();
    const text = this.text();
    for (const p of this.pieces) {
      if (p.t + p.tl <= from && !(p.tl === 0 && p.t >= from)) continue;
      if (p.tl === 0) {
        out.gap(p.h, p.h + p.hl);
      } else if (p.t >= from) {
        if (p.verbatim) out.verbatim(p.h, text.slice(p.t, p.t + p.tl));
        else if (p.opaque) out.substitute(p.h, p.h + p.hl, text.slice(p.t, p.t + p.tl));
        else out.escape(p.h, p.h + p.hl, text.slice(p.t, p.t + p.tl));
      } else if (p.verbatim) {
        const skip = from - p.t;
        out.verbatim(p.h + skip, text.slice(from, p.t + p.tl));
      } else {
        // `from` falls inside a two-unit escape: keep the whole escape.
        out.escape(p.h, p.h + p.hl, text.slice(p.t, p.t + p.tl));
      }
    }
    const base = out.length - (this.length - from);
    for (const h of this.holes) if (h.t >= from) out.holes.push({ ...h, t: h.t - from + base });
    return out;
  }
}

export interface OffsetMap {
  text: string;
  hostStart: number;
  hostEnd: number;
  toHostOffset(offset: number): number;
  fromHostOffset(hostOffset: number): number | undefined;
}

/**
 * Freezes a piece list into a mapping. Leading and trailing gaps are dropped,
 * so `hostStart` is where the first value character comes from and `hostEnd`
 * is just after the last. An empty value maps to the empty range at
 * `emptyAt`.
 */
export function finishMapping(list: PieceList, emptyAt: number): OffsetMap {
  const text = list.text();
  const all = list.pieces;
  let first = 0;
  let last = all.length - 1;
  while (first <= last && all[first]!.tl === 0) first++;
  while (last >= first && all[last]!.tl === 0) last--;
  const pieces = all.slice(first, last + 1);
  if (pieces.length === 0) {
    return {
      text,
      hostStart: emptyAt,
      hostEnd: emptyAt,
      toHostOffset: () => emptyAt,
      fromHostOffset: (h) => (h === emptyAt ? 0 : undefined),
    };
  }
  const hostStart = pieces[0]!.h;
  const lastPiece = pieces[pieces.length - 1]!;
  const hostEnd = lastPiece.h + lastPiece.hl;
  // Pieces that produce text, for value → host lookups (gaps hold no value offset).
  const valued = pieces.filter((p) => p.tl > 0);

  function toHostOffset(offset: number): number {
    if (!(offset > 0)) return hostStart;
    if (offset >= text.length) return hostEnd;
    let lo = 0;
    let hi = valued.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (valued[mid]!.t <= offset) lo = mid;
      else hi = mid - 1;
    }
    const p = valued[lo]!;
    if (p.opaque) return p.h;
    // Inside an escape only a surrogate pair has a second unit; it maps one past the escape start.
    return p.h + (offset - p.t);
  }

  function fromHostOffset(hostOffset: number): number | undefined {
    if (!Number.isFinite(hostOffset) || hostOffset < hostStart || hostOffset > hostEnd) return undefined;
    if (hostOffset === hostEnd) return text.length;
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]!.h <= hostOffset) lo = mid;
      else hi = mid - 1;
    }
    const p = pieces[lo]!;
    const inside = hostOffset - p.h;
    if (p.verbatim) return p.t + inside;
    if (p.tl === 0 || p.opaque) return p.t;
    return p.t + Math.min(inside, p.tl - 1);
  }

  return { text, hostStart, hostEnd, toHostOffset, fromHostOffset };
}
