import { toHex } from '../grammar/bytes.js';

/**
 * Containers nested deeper than this are written compactly (no line breaks or
 * indentation inside them). JSON.stringify indents every level, so a long
 * `and` chain, which the AST nests left (spec §2.3), gave output quadratic in
 * its length (3,000 clauses: 272 MB). Real documents nest far less, so their
 * output is exactly JSON.stringify's; whitespace is not significant in JSON.
 */
export const MAX_PRETTY_DEPTH = 32;

export interface JsonOptions {
  /** Stop with JsonTooLargeError once the text would be longer than this many characters. */
  maxLength?: number;
}

/** The output would exceed JsonOptions.maxLength. */
export class JsonTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the JSON output would be longer than ${limit} characters`);
    this.name = 'JsonTooLargeError';
  }
}

/** JSON with byte arrays as lower-case hex strings and 64-bit integers as decimal strings. */
export function toJson(value: unknown, indent = 2, options: JsonOptions = {}): string {
  return stringify(value, ' '.repeat(Math.max(0, Math.min(10, Math.trunc(indent)))), options.maxLength ?? Infinity);
}

function replace(v: unknown): unknown {
  if (v instanceof Uint8Array) return toHex(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'function') return undefined;
  return v;
}

type Container = Record<string, unknown> | unknown[];

/** JSON.stringify's SerializeJSONProperty up to the point where a container would be walked: the text of a primitive, undefined, or the container. */
function prepare(key: string, raw: unknown): string | undefined | Container {
  let v = raw;
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') v = toJSON.call(v, key);
  }
  v = replace(v);
  if (v instanceof Number) v = Number(v);
  else if (v instanceof String) v = String(v);
  else if (v instanceof Boolean) v = v.valueOf();
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'object':
      return v as Container;
    default:
      return undefined;
  }
}

interface Frame {
  value: Container;
  /** Object keys (undefined for arrays). */
  keys: string[] | undefined;
  next: number;
  wrote: boolean;
  level: number;
  compact: boolean;
}

/**
 * JSON.stringify(value, replace, gap) with an explicit stack instead of
 * recursion (V8's stringify overflows its stack on deep trees), identical
 * output for anything nested at most MAX_PRETTY_DEPTH deep.
 */
function stringify(value: unknown, gap: string, maxLength: number): string {
  const first = prepare('', value);
  if (typeof first !== 'object') return first as string;
  // Pieces gather in `chunk` and move to `parts` in blocks: millions of tiny strings would cost more than the text.
  const parts: string[] = [];
  let chunk = '';
  let length = 0;
  const emit = (s: string): void => {
    length += s.length;
    if (length > maxLength) throw new JsonTooLargeError(maxLength);
    chunk += s;
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  };
  const indents: string[] = [];
  const indentOf = (level: number): string => (indents[level] ??= '\n' + gap.repeat(level));
  const onPath = new Set<object>();
  const stack: Frame[] = [];
  const open = (c: Container, level: number, compact: boolean): void => {
    if (onPath.has(c)) throw new TypeError('Converting circular structure to JSON');
    onPath.add(c);
    const isArray = Array.isArray(c);
    emit(isArray ? '[' : '{');
    stack.push({ value: c, keys: isArray ? undefined : Object.keys(c), next: 0, wrote: false, level, compact: compact || gap === '' || level >= MAX_PRETTY_DEPTH });
  };
  open(first, 0, false);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const count = f.keys ? f.keys.length : (f.value as unknown[]).length;
    if (f.next >= count) {
      stack.pop();
      onPath.delete(f.value);
      const close = f.keys ? '}' : ']';
      emit(f.wrote && !f.compact ? indentOf(f.level) + close : close);
      continue;
    }
    const i = f.next++;
    const key = f.keys ? f.keys[i]! : String(i);
    const item = prepare(key, (f.value as Record<string, unknown>)[key]);
    if (item === undefined && f.keys) continue; // undefined properties are left out; in arrays they are null
    const sep = f.wrote ? ',' : '';
    f.wrote = true;
    const lead = f.compact ? sep : sep + indentOf(f.level + 1);
    emit(f.keys ? lead + JSON.stringify(key) + (f.compact ? ':' : ': ') : lead);
    if (item === undefined) emit('null');
    else if (typeof item === 'string') emit(item);
    else open(item, f.level + 1, f.compact);
  }
  parts.push(chunk);
  return parts.join('');
}
