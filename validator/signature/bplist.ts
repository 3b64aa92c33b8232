import type { PlistValue } from '../facts.js';

/**
 * A bounded reader for binary property lists (bplist00).
 *
 * The npm parsers we looked at (plist@5 `parseBinary`, bplist-parser) follow
 * object references without a cycle check or an output budget, so a 200-byte
 * Info.plist whose arrays point at each other recurses forever or expands
 * exponentially. Bundles are untrusted input, hence this small reader:
 * every offset is checked, references on the current path are refused, and
 * the number of values produced is bounded.
 */

const EPOCH_2001_MS = 978_307_200_000;
const MAX_DEPTH = 256;

export class BplistError extends Error {}

export function parseBplist(data: Uint8Array): PlistValue {
  const len = data.byteLength;
  if (len < 40 || String.fromCharCode(...data.subarray(0, 6)) !== 'bplist') throw new BplistError('not a binary property list');
  const view = new DataView(data.buffer, data.byteOffset, len);
  const t = len - 32;
  const offsetSize = view.getUint8(t + 6);
  const refSize = view.getUint8(t + 7);
  const numObjects = bigToSafe(view.getBigUint64(t + 8), 'object count');
  const topObject = bigToSafe(view.getBigUint64(t + 16), 'top object');
  const tableOffset = bigToSafe(view.getBigUint64(t + 24), 'offset table position');
  if (![1, 2, 4, 8].includes(offsetSize) || ![1, 2, 4, 8].includes(refSize)) {
    throw new BplistError(`trailer: offset size ${offsetSize} / reference size ${refSize} must be 1, 2, 4 or 8`);
  }
  if (numObjects === 0 || numObjects > len || topObject >= numObjects) {
    throw new BplistError(`trailer: ${numObjects} objects with top object ${topObject} in a ${len}-byte file`);
  }
  if (tableOffset < 8 || tableOffset + numObjects * offsetSize > t) {
    throw new BplistError(`trailer: offset table at ${tableOffset} (${numObjects} × ${offsetSize} bytes) runs past the trailer at ${t}`);
  }

  const readUInt = (at: number, size: number, what: string): number => {
    if (at < 0 || at + size > t) throw new BplistError(`${what} at offset ${at} runs past the object area`);
    switch (size) {
      case 1:
        return view.getUint8(at);
      case 2:
        return view.getUint16(at);
      case 4:
        return view.getUint32(at);
      case 8:
        return bigToSafe(view.getBigUint64(at), what);
      default:
        throw new BplistError(`${what}: unsupported integer width ${size}`);
    }
  };
  const objectOffset = (ref: number): number => {
    if (ref >= numObjects) throw new BplistError(`reference ${ref} is past the ${numObjects} objects`);
    const at = readUInt(tableOffset + ref * offsetSize, offsetSize, 'offset table entry');
    if (at < 8 || at >= tableOffset) throw new BplistError(`object ${ref} at offset ${at} is outside the object area`);
    return at;
  };

  // Shared references are legal, so bound the total output instead of forbidding them.
  let budget = Math.max(4096, numObjects * 16);
  const onPath = new Set<number>();

  const parse = (ref: number, depth: number): PlistValue => {
    if (depth > MAX_DEPTH) throw new BplistError(`nested deeper than ${MAX_DEPTH} levels`);
    if (onPath.has(ref)) throw new BplistError(`object ${ref} contains itself`);
    if (--budget < 0) throw new BplistError('too many values (shared references expand beyond the size bound)');
    let at = objectOffset(ref);
    const marker = readUInt(at, 1, `object ${ref} marker`);
    at++;
    const type = marker >> 4;
    let count = marker & 0xf;
    if (count === 0xf && type !== 0 && type !== 1 && type !== 2 && type !== 3 && type !== 8) {
      const ext = readUInt(at, 1, `object ${ref} length marker`);
      if (ext >> 4 !== 1) throw new BplistError(`object ${ref}: bad length marker 0x${ext.toString(16)}`);
      const width = 1 << (ext & 0xf);
      count = readUInt(at + 1, width, `object ${ref} length`);
      at += 1 + width;
    }
    const span = (bytes: number, what: string) => {
      if (bytes > t - at) throw new BplistError(`object ${ref} (${what}, ${bytes} bytes at ${at}) runs past the object area`);
    };
    switch (type) {
      case 0x0:
        if (marker === 0x08) return false;
        if (marker === 0x09) return true;
        throw new BplistError(`object ${ref}: unsupported singleton 0x${marker.toString(16)}`);
      case 0x1: {
        const width = 1 << count;
        span(width, 'integer');
        if (width === 8) {
          const v = view.getBigInt64(at);
          return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
        }
        if (width === 16) return view.getBigInt64(at + 8);
        if (width > 16) throw new BplistError(`object ${ref}: integer of ${width} bytes`);
        return readUInt(at, width, 'integer');
      }
      case 0x2: {
        const width = 1 << count;
        span(width, 'real');
        if (width === 4) return view.getFloat32(at);
        if (width === 8) return view.getFloat64(at);
        throw new BplistError(`object ${ref}: real of ${width} bytes`);
      }
      case 0x3:
        span(8, 'date');
        return new Date(view.getFloat64(at) * 1000 + EPOCH_2001_MS);
      case 0x4:
        span(count, 'data');
        return data.slice(at, at + count);
      case 0x5: {
        span(count, 'ASCII string');
        return Buffer.from(data.buffer, data.byteOffset + at, count).toString('latin1');
      }
      case 0x6: {
        span(count * 2, 'UTF-16 string');
        return Buffer.from(data.subarray(at, at + count * 2)).swap16().toString('utf16le');
      }
      case 0x8:
        return { 'CF$UID': readUInt(at, count + 1, 'UID') };
      case 0xa:
      case 0xc: {
        span(count * refSize, type === 0xa ? 'array' : 'set');
        onPath.add(ref);
        const out: PlistValue[] = [];
        for (let i = 0; i < count; i++) out.push(parse(readUInt(at + i * refSize, refSize, 'reference'), depth + 1));
        onPath.delete(ref);
        return out;
      }
      case 0xd: {
        span(count * 2 * refSize, 'dictionary');
        onPath.add(ref);
        const out: { [key: string]: PlistValue } = Object.create(null) as { [key: string]: PlistValue };
        for (let i = 0; i < count; i++) {
          const key = parse(readUInt(at + i * refSize, refSize, 'key reference'), depth + 1);
          if (typeof key !== 'string') throw new BplistError(`object ${ref}: dictionary key ${i} is not a string`);
          out[key] = parse(readUInt(at + (count + i) * refSize, refSize, 'value reference'), depth + 1);
        }
        onPath.delete(ref);
        return { ...out };
      }
      default:
        throw new BplistError(`object ${ref}: unknown type 0x${type.toString(16)}`);
    }
  };
  return parse(topObject, 0);
}

function bigToSafe(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new BplistError(`${what} ${v} is too large`);
  return Number(v);
}
