/**
 * File bytes ↔ parser text. Apple's lexer takes bytes, and a string may hold
 * bytes that are not UTF-8 (spec §1.1: multi-byte sequences are not
 * validated). Such bytes are decoded to U+DC80–U+DCFF ("surrogate escapes",
 * one character per byte) so that positions stay exact and Value.bytes gives
 * Apple's bytes back.
 */
import { utf8Bytes } from './bytes.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Byte length of the well-formed UTF-8 sequence at `i`, or 0. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

export interface DecodedBytes {
  text: string;
  /** Character offset where byte `limit` starts (or the text length). */
  limitAt: number;
}

export function decodeBytes(bytes: Uint8Array, limit: number): DecodedBytes {
  let text = '';
  let run = 0;
  let limitAt = -1;
  let i = 0;
  while (i < bytes.length) {
    if (limitAt < 0 && i >= limit) {
      text += decoder.decode(bytes.subarray(run, i));
      run = i;
      limitAt = text.length;
    }
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    text += decoder.decode(bytes.subarray(run, i)) + String.fromCharCode(0xdc00 + bytes[i]!);
    i++;
    run = i;
  }
  text += decoder.decode(bytes.subarray(run));
  return { text, limitAt: limitAt < 0 ? text.length : limitAt };
}

export function isByteEscape(c: number): boolean {
  return c >= 0xdc80 && c <= 0xdcff;
}

/** UTF-8 of parser text, turning byte escapes back into their bytes. */
export function textToBytes(text: string): Uint8Array {
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    if (isByteEscape(text.charCodeAt(i)) && !(i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) {
      escaped = true;
      break;
    }
  }
  if (!escaped) return utf8Bytes(text);
  const out: number[] = [];
  let run = 0;
  const flush = (end: number) => {
    if (end > run) for (const b of utf8Bytes(text.slice(run, end))) out.push(b);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (isByteEscape(c)) {
      flush(i);
      out.push(c - 0xdc00);
      run = i + 1;
    }
  }
  flush(text.length);
  return Uint8Array.from(out);
}
