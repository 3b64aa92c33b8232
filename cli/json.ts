import { toHex } from '../grammar/bytes.js';

/** JSON with byte arrays as lower-case hex strings and 64-bit integers as decimal strings. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof Uint8Array) return toHex(v);
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'function') return undefined;
      return v;
    },
    indent,
  );
}
