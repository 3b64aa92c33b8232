/**
 * Binary property lists (bplist00) holding an LWCR. The validator has its
 * own bounded reader, but lwcr/ may import only grammar/, and this one must
 * keep key order and byte positions; the same defences apply: every offset
 * checked, no object inside itself, a bound on the values produced.
 */
import { byteRange, LwcrSyntaxError, type LwEntry, type LwValue } from './value.js';

const MAX_DEPTH = 64;

export function isBplist(b: Uint8Array): boolean {
  return b.length >= 8 && String.fromCharCode(...b.subarray(0, 6)) === 'bplist';
}

export function parseLwcrBplist(data: Uint8Array): LwValue {
  const len = data.byteLength;
  const fail = (m: string, at = 0, end = at + 1): never => {
    throw new LwcrSyntaxError(m, byteRange(at, Math.min(end, len)));
  };
  if (len < 40 || !isBplist(data)) fail('not a binary property list', 0, 8);
  const view = new DataView(data.buffer, data.byteOffset, len);
  const t = len - 32;
  const offsetSize = view.getUint8(t + 6);
  const refSize = view.getUint8(t + 7);
  const big = (v: bigint, what: string) => (v > BigInt(len) ? fail(`${what} ${v} is too large`, t, len) : Number(v));
  const numObjects = big(view.getBigUint64(t + 8), 'object count');
  const topObject = big(view.getBigUint64(t + 16), 'top object');
  const tableOffset = big(view.getBigUint64(t + 24), 'offset table position');
  if (![1, 2, 4, 8].includes(offsetSize) || ![1, 2, 4, 8].includes(refSize)) fail('trailer: bad offset or reference size', t, len);
  if (numObjects === 0 || topObject >= numObjects || tableOffset < 8 || tableOffset + numObjects * offsetSize > t) fail('trailer: offsets out of range', t, len);
  const uint = (at: number, size: number, what: string): number => {
    if (at < 0 || at + size > t) fail(`${what} at offset ${at} runs past the object area`, at);
    if (size === 8) return big(view.getBigUint64(at), what);
    let v = 0;
    for (let k = 0; k < size; k++) v = v * 256 + data[at + k]!;
    return v;
  };
  const offsetOf = (ref: number): number => {
    if (ref >= numObjects) fail(`reference ${ref} is past the ${numObjects} objects`);
    const at = uint(tableOffset + ref * offsetSize, offsetSize, 'offset table entry');
    if (at < 8 || at >= tableOffset) fail(`object ${ref} at offset ${at} is outside the object area`, at);
    return at;
  };
  let budget = Math.max(4096, numObjects * 16);
  const onPath = new Set<number>();
  const parse = (ref: number, depth: number): LwValue => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    if (onPath.has(ref)) fail(`object ${ref} contains itself`);
    if (--budget < 0) fail('too many values');
    const start = offsetOf(ref);
    let at = start + 1;
    const marker = uint(start, 1, 'marker');
    const type = marker >> 4;
    let count = marker & 0xf;
    if (count === 0xf && type >= 4 && type !== 8) {
      const ext = uint(at, 1, 'length marker');
      if (ext >> 4 !== 1) fail(`object ${ref}: bad length marker`, at);
      const width = 1 << (ext & 0xf);
      count = uint(at + 1, width, 'length');
      at += 1 + width;
    }
    const span = (n: number) => {
      if (n > t - at) fail(`object ${ref} runs past the object area`, start);
    };
    const range = (end: number) => byteRange(start, end);
    switch (type) {
      case 0x0:
        if (marker === 0x08 || marker === 0x09) return { kind: 'bool', value: marker === 0x09, range: range(at) };
        return fail(`object ${ref}: unsupported singleton 0x${marker.toString(16)}`, start);
      case 0x1: {
        const width = 1 << count;
        span(width);
        let value: bigint;
        if (width === 8) value = view.getBigInt64(at);
        else if (width === 16) value = view.getBigInt64(at + 8);
        else if (width < 8) value = BigInt(uint(at, width, 'integer'));
        else return fail(`object ${ref}: integer of ${width} bytes`, start);
        return { kind: 'int', value, range: range(at + width) };
      }
      case 0x2:
      case 0x3:
        return fail(`object ${ref}: ${type === 2 ? 'real' : 'date'} values cannot be encoded in an LWCR`, start);
      case 0x4:
        span(count);
        return { kind: 'data', bytes: data.slice(at, at + count), range: range(at + count) };
      case 0x5:
        span(count);
        return { kind: 'string', value: Buffer.from(data.subarray(at, at + count)).toString('latin1'), range: range(at + count) };
      case 0x6:
        span(count * 2);
        return { kind: 'string', value: Buffer.from(data.subarray(at, at + count * 2)).swap16().toString('utf16le'), range: range(at + count * 2) };
      case 0xa: {
        span(count * refSize);
        onPath.add(ref);
        const items: LwValue[] = [];
        for (let k = 0; k < count; k++) items.push(parse(uint(at + k * refSize, refSize, 'reference'), depth + 1));
        onPath.delete(ref);
        return { kind: 'array', items, range: range(at + count * refSize) };
      }
      case 0xd: {
        span(count * 2 * refSize);
        onPath.add(ref);
        const entries: LwEntry[] = [];
        for (let k = 0; k < count; k++) {
          const key = parse(uint(at + k * refSize, refSize, 'key reference'), depth + 1);
          if (key.kind !== 'string') fail(`object ${ref}: dictionary key ${k} is not a string`, start);
          const name = (key as { value: string }).value;
          if (entries.some((e) => e.key === name)) fail(`duplicate key ${JSON.stringify(name)}`, start);
          entries.push({ key: name, keyRange: key.range, value: parse(uint(at + (count + k) * refSize, refSize, 'value reference'), depth + 1) });
        }
        onPath.delete(ref);
        return { kind: 'dict', entries, range: range(at + count * 2 * refSize) };
      }
      default:
        return fail(`object ${ref}: type 0x${type.toString(16)} cannot be in an LWCR`, start);
    }
  };
  return parse(topObject, 0);
}
