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

/**
 * What a terminal acts on or reorders that JSON.stringify leaves as it is:
 * DEL, C1 controls, bidirectional marks, overrides and isolates, the line and
 * paragraph separators and the BOM (it already escapes C0 controls and lone
 * surrogates). The same set as validator/printable.ts terminalSafe escapes.
 */
const TERMINAL_ACTIVE = /[\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

const uEscape = (c: string): string => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

/**
 * JSON text with those characters as \uXXXX: the same JSON value, and nothing
 * left for the terminal escaper (cli/io.ts) to change, so `--json` on a
 * terminal is still JSON. Outside strings JSON text is ASCII, so every match
 * is inside a string, where \uXXXX means the character itself.
 */
export function escapeTerminalActive(json: string): string {
  return json.replace(TERMINAL_ACTIVE, uEscape);
}

/** A string as a JSON string literal, terminal-active characters escaped. */
function quote(s: string): string {
  return escapeTerminalActive(JSON.stringify(s));
}

/**
 * JSON with byte arrays as lower-case hex strings and 64-bit integers as
 * decimal strings; DEL, C1, bidi characters, U+2028/U+2029 and the BOM as
 * \uXXXX (see escapeTerminalActive). Every --json output goes through here.
 */
export function toJson(value: unknown, indent = 2, options: JsonOptions = {}): string {
  const maxLength = options.maxLength ?? Infinity;
  let text: string;
  try {
    text = shallowStringify(value, indent);
  } catch (err) {
    if (err !== TOO_DEEP && !(err instanceof RangeError)) throw err;
    // Deeper than MAX_PRETTY_DEPTH (or than V8's stack): the iterative writer, several times slower.
    return iterativeJson(value, indent, maxLength);
  }
  if (text === undefined) return text;
  text = escapeTerminalActive(text);
  if (text.length > maxLength) throw new JsonTooLargeError(maxLength);
  return text;
}

const TOO_DEEP = Symbol('too deep');

/**
 * V8's own JSON.stringify (fast, native), with the replacer also tracking
 * how deep it is: the holders on the current path, `this` being the object
 * whose property is serialised. It throws TOO_DEEP instead of opening a
 * container MAX_PRETTY_DEPTH levels down, where the output would start to
 * differ from the iterative writer's.
 */
function shallowStringify(value: unknown, indent: number): string {
  const holders: unknown[] = [];
  return JSON.stringify(
    value,
    function (this: unknown, _key: string, raw: unknown): unknown {
      while (holders.length > 0 && holders[holders.length - 1] !== this) holders.pop();
      if (holders.length === 0) holders.push(this);
      const v = replace(raw);
      if (typeof v === 'object' && v !== null) {
        if (holders.length - 1 >= MAX_PRETTY_DEPTH) throw TOO_DEEP;
        holders.push(v);
      }
      return v;
    },
    indent,
  );
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
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      // The replacer's rule (a BigInt.prototype.toJSON, if someone defined one, would come first).
      if (typeof (v as unknown as { toJSON?: unknown }).toJSON !== 'function') return quote(v.toString());
      break;
    case 'object':
      if (v === null) return 'null';
      // Plain AST records and arrays: nothing to convert (the common case, so it is tested first).
      if (isPlain(v) && !('toJSON' in v)) return v as Container;
      break;
    default:
      return undefined;
  }
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') v = toJSON.call(v, key);
  // The replacer: byte arrays as hex, 64-bit integers as decimal strings, functions left out.
  if (v instanceof Uint8Array) v = toHex(v);
  else if (typeof v === 'bigint') v = v.toString();
  else if (typeof v === 'function') return undefined;
  if (v instanceof Number) v = Number(v);
  else if (v instanceof String) v = String(v);
  else if (v instanceof Boolean) v = v.valueOf();
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'object':
      return v as Container;
    default:
      return undefined;
  }
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

const CYCLE_CHECK_DEPTH = 1024;

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
 * output (terminal-active characters escaped, as toJson does) for anything
 * nested at most MAX_PRETTY_DEPTH deep.
 */
export function iterativeJson(value: unknown, indent = 2, maxLength = Infinity): string {
  return stringify(value, ' '.repeat(Math.max(0, Math.min(10, Math.trunc(indent)))), maxLength);
}

function stringify(value: unknown, gap: string, maxLength: number): string {
  const first = prepare('', value);
  if (typeof first !== 'object') return first as string;
  // Pieces are joined in blocks: `+=` on millions of tiny strings builds ropes that cost more (in GC) than the text.
  const blocks: string[] = [];
  let pieces: string[] = [];
  let length = 0;
  const emit = (s: string): void => {
    length += s.length;
    if (length > maxLength) throw new JsonTooLargeError(maxLength);
    pieces.push(s);
    if (pieces.length >= 16384) {
      blocks.push(pieces.join(''));
      pieces = [];
    }
  };
  const keyTexts = new Map<string, string>();
  const indents: string[] = [];
  const indentOf = (level: number): string => (indents[level] ??= '\n' + gap.repeat(level));
  // A cycle makes the path endless and brings the containers at every CYCLE_CHECK_DEPTH-th level
  // back round, so only those are remembered (a Set of every open container cost more than the writer).
  const onPath = new Set<object>();
  const stack: Frame[] = [];
  const open = (c: Container, level: number, compact: boolean): void => {
    if (level % CYCLE_CHECK_DEPTH === 0 && level > 0) {
      if (onPath.has(c)) throw new TypeError('Converting circular structure to JSON');
      onPath.add(c);
    }
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
      if (f.level % CYCLE_CHECK_DEPTH === 0) onPath.delete(f.value);
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
    if (f.keys) {
      let k = keyTexts.get(key);
      if (k === undefined) keyTexts.set(key, (k = quote(key)));
      emit(lead + k + (f.compact ? ':' : ': '));
    } else emit(lead);
    if (item === undefined) emit('null');
    else if (typeof item === 'string') emit(item);
    else open(item, f.level + 1, f.compact);
  }
  blocks.push(pieces.join(''));
  return blocks.join('');
}
