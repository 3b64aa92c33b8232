/**
 * OID text <-> contents octets, reproducing Apple's lax encoder
 * (`CssmOwnedData::fromOid`, spec §1.8) and its printer (`CssmData::toOid`, §4.2).
 */

const ULONG_MAX = (1n << 64n) - 1n;

interface StrtoulResult {
  value: bigint;
  end: number;
}

/** C `strtoul(s + at, &end, 10)`: skips leading white space, takes a sign, saturates on overflow. */
function strtoul(s: string, at: number): StrtoulResult {
  let i = at;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  const digitsStart = i;
  let v = 0n;
  let overflow = false;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
    v = v * 10n + BigInt(s.charCodeAt(i) - 48);
    if (v > ULONG_MAX) overflow = true;
    i++;
  }
  if (i === digitsStart) return { value: 0n, end: at };
  if (overflow) return { value: ULONG_MAX, end: i };
  return { value: negative ? (ULONG_MAX + 1n - v) & ULONG_MAX : v, end: i };
}

function putArc(out: number[], value: bigint): void {
  const groups: number[] = [Number(value & 0x7fn)];
  let v = value >> 7n;
  while (v > 0n) {
    groups.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  for (let i = groups.length - 1; i >= 0; i--) out.push(groups[i]!);
}

export interface OidEncoding {
  bytes: Uint8Array;
  /** True when Apple's encoder would produce no bytes at all (a single arc, spec §8.2 item 10). */
  empty: boolean;
  /** True when a component was not numeric and the encoding stopped there. */
  truncated: boolean;
}

/** Encodes OID text the way Apple's compiler does, including its silent quirks. */
export function encodeOid(text: string): OidEncoding {
  const out: number[] = [];
  const first = strtoul(text, 0);
  let at = first.end;
  if (text[at] !== '.') {
    return { bytes: new Uint8Array(0), empty: true, truncated: at < text.length };
  }
  at++;
  const second = strtoul(text, at);
  let truncated = second.end === at && at < text.length;
  at = second.end;
  putArc(out, (40n * first.value + second.value) & ULONG_MAX);
  while (text[at] === '.') {
    at++;
    const arc = strtoul(text, at);
    if (arc.end === at && at < text.length) truncated = true;
    at = arc.end;
    putArc(out, arc.value);
  }
  if (at < text.length) truncated = true;
  return { bytes: Uint8Array.from(out), empty: false, truncated };
}

/** Prints contents octets as Apple's dumper does: first value split with q1 = min(v/40, 2). */
export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of bytes) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  // A trailing byte with the continuation bit set still ends a (partial) arc in Apple's loop.
  if ((bytes[bytes.length - 1]! & 0x80) !== 0) arcs.push(v);
  const head = arcs[0]!;
  const q1 = head / 40n > 2n ? 2n : head / 40n;
  const parts = [q1, head - 40n * q1, ...arcs.slice(1)];
  return parts.map(String).join('.');
}
