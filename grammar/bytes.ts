/** Byte helpers shared by the parser, codec and printers (no I/O, no Buffer: grammar/ runs anywhere). */

const encoder = new TextEncoder();
const lenientDecoder = new TextDecoder('utf-8', { fatal: false });
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 decoding for display; invalid sequences become U+FFFD. */
export function utf8Text(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

/** The decoded text when `bytes` is valid UTF-8, else undefined. */
export function utf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Two lower-case hex digits per byte value: toHex runs for every blob `compile --each-line --hex` prints. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!]!;
  return out;
}

/** The value of a hex digit already checked to be one. */
function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Parses an even-length hex string (either case); throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`not an even-length hex string: ${hex.length > 40 ? hex.slice(0, 40) + '…' : hex}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (hexDigit(hex.charCodeAt(2 * i)) << 4) | hexDigit(hex.charCodeAt(2 * i + 1));
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Apple converts INTEGER tokens with atol and casts to int32 (spec §1.4): 4294967295 becomes -1. */
export function atolInt32(digits: string): number {
  // Up to 9 digits the value is below 2^31: no overflow, no wrap (the common case: slots, platforms, types).
  if (digits.length <= 9) return Number(digits);
  let v = 0n;
  for (const ch of digits) {
    v = v * 10n + BigInt(ch.charCodeAt(0) - 48);
    // atol saturates at LONG_MAX on overflow (glibc/Darwin strtol behaviour).
    if (v > 0x7fffffffffffffffn) {
      v = 0x7fffffffffffffffn;
      break;
    }
  }
  return Number(BigInt.asIntN(32, v));
}
