/**
 * LWCRs as JSON, with positions. JSON has no data type and its numbers are
 * doubles, so csrl's JSON form (not an Apple format) writes:
 *   data     as {"$data": "<hex>"}   (a one-key object; "$data" is no LWCR operator)
 *   integers as JSON numbers, read exactly as 64-bit integers (no fractions, no exponents)
 * `null` and fractional numbers are refused: LWCRs have no such values.
 */
import { Locator } from './text-pos.js';
import { bytesToHex, hexToBytes, INT64_MAX, INT64_MIN, LwcrSyntaxError, type LwDict, type LwEntry, type LwValue } from './value.js';

/** The one-key object csrl's JSON uses for data. */
export const JSON_DATA_KEY = '$data';
const MAX_DEPTH = 64;

export function parseLwcrJson(text: string): LwValue {
  const loc = new Locator(text);
  let i = 0;
  const fail = (message: string, start = i, end = Math.min(text.length, start + 1)): never => {
    throw new LwcrSyntaxError(message, loc.range(start, end));
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string', start, i);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('bad escape in string', i, i + 2);
      } else if (c.charCodeAt(0) < 0x20) fail('control character in string');
      else {
        out += c;
        i++;
      }
    }
  };
  const val = (depth: number): LwValue => {
    ws();
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: LwEntry[] = [];
      ws();
      if (text[i] === '}') i++;
      else
        for (;;) {
          ws();
          if (text[i] !== '"') fail('expected a string key');
          const ks = i;
          const key = str();
          const keyRange = loc.range(ks, i);
          if (entries.some((e) => e.key === key)) fail(`duplicate key ${JSON.stringify(key)}`, ks, i);
          ws();
          if (text[i] !== ':') fail('expected ":"');
          i++;
          entries.push({ key, keyRange, value: val(depth + 1) });
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === '}') {
            i++;
            break;
          } else fail('expected "," or "}"');
        }
      const range = loc.range(start, i);
      if (entries.length === 1 && entries[0]!.key === JSON_DATA_KEY) {
        const v = entries[0]!.value;
        if (v.kind !== 'string') fail(`"${JSON_DATA_KEY}" needs a hex string`, start, i);
        try {
          return { kind: 'data', bytes: hexToBytes((v as { value: string }).value), range };
        } catch {
          return fail(`"${JSON_DATA_KEY}" value is not hex`, start, i);
        }
      }
      return { kind: 'dict', entries, range } satisfies LwDict;
    }
    if (c === '[') {
      i++;
      const items: LwValue[] = [];
      ws();
      if (text[i] === ']') i++;
      else
        for (;;) {
          items.push(val(depth + 1));
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === ']') {
            i++;
            break;
          } else fail('expected "," or "]"');
        }
      return { kind: 'array', items, range: loc.range(start, i) };
    }
    if (c === '"') {
      const value = str();
      return { kind: 'string', value, range: loc.range(start, i) };
    }
    for (const [word, value] of [['true', true], ['false', false]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind: 'bool', value, range: loc.range(start, i) };
      }
    }
    if (text.startsWith('null', i)) fail('null is not an LWCR value', i, i + 4);
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      if (m[2] || m[3]) fail('only integers: LWCRs have no real numbers', start, i);
      const value = BigInt(m[0]);
      if (value < INT64_MIN || value > INT64_MAX) fail('integer does not fit 64 bits', start, i);
      return { kind: 'int', value, range: loc.range(start, i) };
    }
    return fail(i >= text.length ? 'unexpected end of input' : `unexpected character ${JSON.stringify(text[i])}`);
  };
  const v = val(0);
  ws();
  if (i < text.length) fail('text after the JSON value');
  return v;
}

/** Canonical JSON text: two-space indent, entries in stored order, data as {"$data": hex}. */
export function printLwcrJson(v: LwValue, indent = ''): string {
  const next = indent + '  ';
  switch (v.kind) {
    case 'dict':
      if (v.entries.length === 0) return '{}';
      return `{\n${v.entries.map((e) => `${next}${JSON.stringify(e.key)}: ${printLwcrJson(e.value, next)}`).join(',\n')}\n${indent}}`;
    case 'array':
      if (v.items.length === 0) return '[]';
      // Short scalar tuples such as [1, "key"] read best on one line.
      if (v.items.every((x) => x.kind !== 'dict' && x.kind !== 'array')) return `[${v.items.map((x) => printLwcrJson(x)).join(', ')}]`;
      return `[\n${v.items.map((x) => next + printLwcrJson(x, next)).join(',\n')}\n${indent}]`;
    case 'data':
      return `{"${JSON_DATA_KEY}": "${bytesToHex(v.bytes)}"}`;
    case 'string':
      return JSON.stringify(v.value);
    case 'int':
      return v.value.toString();
    case 'bool':
      return String(v.value);
  }
}
