/**
 * LWCRs written in source code, read into the LWCR value model with ranges
 * in host coordinates, so validation, lint, hovers and checks treat them as
 * they treat a plist:
 *
 * - C / Objective-C: the `xpc_dictionary_set_*` (and `xpc_array_*`) calls on
 *   the dictionary passed to `xpc_connection_set_peer_lightweight_code_requirement`
 *   or `xpc_peer_requirement_create_lwcr`; nested dictionaries and arrays
 *   through `xpc_dictionary_set_value` (spec lwcr.md §7 "Authoring forms").
 * - Swift: an `XPCDictionary` literal (`XPCPeerRequirement(lightweightCodeRequirements: [...])`,
 *   `let d: XPCDictionary = [...]`), and the LightweightCodeRequirements
 *   builder (`OnDiskCodeRequirement.allOf { TeamIdentifier("…") … }`, `anyOf`).
 *
 * Only what is written as literals is read: a value computed at run time
 * (a variable, a `Data` argument) leaves its entry out, and the module says
 * so in `skipped`, so nothing is judged on a guess.
 *
 * Each dictionary read from source remembers where a new entry goes
 * (`SourceDict`): the quick fixes (edit.ts) write entries in the host's own
 * form, a `xpc_dictionary_set_int64(...)` line or a `ValidationCategory(...)` call.
 */
import type { LwcrContext, LwDict, LwEntry, LwValue } from '../../lwcr/index.js';
import { lexC } from '../embedded/clang.js';
import { lexSwift } from '../embedded/swift.js';
import type { HostToken } from '../embedded/tokens.js';
import { LineIndex } from '../analysis/text.js';
import type { LwcrSource } from './knowledge.js';
import { SOURCE_LWCR_MARKERS } from './markers.js';
import { SWIFT_CATEGORIES, SWIFT_CONSTRAINTS, SWIFT_PLATFORMS } from './knowledge.js';

export interface SourceLwcr {
  source: LwcrSource;
  reqs: LwDict;
  context?: LwcrContext;
  /** Entries not read because their value is not a literal (host ranges). */
  skipped: { start: number; end: number; why: string }[];
}

/** Where an entry is added to a dictionary read from source, and how it is spelt there. */
export interface SourceDict {
  form: 'xpc' | 'swift-dictionary' | 'swift-builder';
  /** C: the dictionary variable. */
  name?: string;
  /** Host offset after which a new entry goes (after the last statement or item), and its line's indentation. */
  insertAt: number;
  indent: string;
}

/** Dictionaries read from source → where their entries go. Weak: a document's dictionaries go with its analysis. */
export const SOURCE_DICTS = new WeakMap<LwDict, SourceDict>();


/** Bounds against hostile input. */
const MAX_CALLS = 20_000;
const MAX_NESTING = 16;

export function findSourceLwcr(text: string, family: 'c' | 'swift'): SourceLwcr[] {
  if (!SOURCE_LWCR_MARKERS.some((m) => text.includes(m))) return [];
  const index = new LineIndex(text);
  return family === 'c' ? findXpc(text, lexC(text), index) : findSwift(text, lexSwift(text), index);
}

// ---- shared token helpers ----

const isPunct = (t: HostToken | undefined, v: string) => t?.kind === 'punct' && t.value === v;
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

const CLOSERS = new WeakMap<HostToken[], Int32Array>();

/** Index of the bracket closing the one at `open` (undefined if unbalanced): one pass over the tokens, kept per token list. */
function closing(tokens: HostToken[], open: number): number | undefined {
  let table = CLOSERS.get(tokens);
  if (!table) {
    table = new Int32Array(tokens.length).fill(-1);
    const stack: number[] = [];
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind !== 'punct') continue;
      if (OPEN[t.value]) stack.push(k);
      else if (t.value === ')' || t.value === ']' || t.value === '}') {
        // A stray closer does not close an opener of another kind (hostile or half-typed text).
        const top = stack[stack.length - 1];
        if (top !== undefined && OPEN[tokens[top]!.value] === t.value) table[stack.pop()!] = k;
      }
    }
    CLOSERS.set(tokens, table);
  }
  const k = table[open];
  return k === undefined || k < 0 ? undefined : k;
}

/** The arguments of a call whose `(` is at `open`: token index ranges [from, to). */
function callArgs(tokens: HostToken[], open: number): { args: [number, number][]; close: number } | undefined {
  const close = closing(tokens, open);
  if (close === undefined) return undefined;
  const args: [number, number][] = [];
  let depth = 0;
  let from = open + 1;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (OPEN[t.value]) depth++;
    else if (t.value === ')' || t.value === ']' || t.value === '}') depth--;
    else if (t.value === ',' && depth === 0) {
      args.push([from, k]);
      from = k + 1;
    }
  }
  if (close > open + 1) args.push([from, close]);
  return { args, close };
}

/** The spaces and tabs that start the line holding `offset` (an inserted line takes the same indent). */
export function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** A string literal argument (C concatenations included), when it is one and known at compile time. */
function stringOf(tokens: HostToken[], from: number, to: number): { value: string; start: number; end: number } | undefined {
  let k = from;
  // Objective-C `@"…"` is not what the XPC functions take, but tolerate it.
  if (isPunct(tokens[k], '@')) k++;
  if (k >= to) return undefined;
  let value = '';
  for (let j = k; j < to; j++) {
    const t = tokens[j]!;
    if (t.kind !== 'string' || !t.literal || t.literal.dynamic || t.literal.unterminated) return undefined;
    value += t.literal.decode().text();
  }
  return { value, start: tokens[from]!.start, end: tokens[to - 1]!.end };
}

/** An integer literal argument (`6`, `-1`, `0x10`, `6LL`). */
function intOf(tokens: HostToken[], from: number, to: number): { value: bigint; start: number; end: number } | undefined {
  let k = from;
  let sign = 1n;
  if (isPunct(tokens[k], '-')) {
    sign = -1n;
    k++;
  }
  if (k !== to - 1 || tokens[k]!.kind !== 'number') return undefined;
  const m = /^(0x[0-9a-fA-F]+|[0-9]+)(?:[uUlL]*)$/.exec(tokens[k]!.value.replace(/_/g, ''));
  if (!m) return undefined;
  return { value: sign * BigInt(m[1]!), start: tokens[from]!.start, end: tokens[k]!.end };
}

// ---- C / Objective-C: xpc_dictionary_set_* ----

interface Call { name: string; at: number; args: [number, number][]; close: number; end: number }

const XPC_ROOTS: Record<string, number> = { xpc_connection_set_peer_lightweight_code_requirement: 1, xpc_peer_requirement_create_lwcr: 0 };

function findXpc(text: string, tokens: HostToken[], index: LineIndex): SourceLwcr[] {
  const calls: Call[] = [];
  for (let i = 0; i < tokens.length && calls.length < MAX_CALLS; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'ident' || !t.value.startsWith('xpc_') || !isPunct(tokens[i + 1], '(')) continue;
    const a = callArgs(tokens, i + 1);
    if (!a) continue;
    const semi = isPunct(tokens[a.close + 1], ';') ? a.close + 1 : a.close;
    calls.push({ name: t.value, at: i, args: a.args, close: a.close, end: tokens[semi]!.end });
  }
  const out: SourceLwcr[] = [];
  for (const call of calls) {
    const argIndex = XPC_ROOTS[call.name];
    if (argIndex === undefined) continue;
    const arg = call.args[argIndex];
    if (!arg || arg[1] - arg[0] !== 1 || tokens[arg[0]]!.kind !== 'ident') continue;
    const skipped: SourceLwcr['skipped'] = [];
    const reader = new XpcReader(text, tokens, calls, index, skipped);
    const reqs = reader.dict(tokens[arg[0]]!.value, call.at, tokens[arg[0]]!, 0);
    out.push({ source: 'xpc-dictionary', reqs, context: 'process', skipped });
  }
  return out;
}

class XpcReader {
  constructor(
    private readonly text: string,
    private readonly tokens: HostToken[],
    private readonly calls: Call[],
    private readonly index: LineIndex,
    private readonly skipped: SourceLwcr['skipped'],
  ) {}

  /** Token index where `name` was last assigned a new dictionary or array before `before` (0: from the start). */
  private createdAt(name: string, before: number): number {
    for (let k = before - 1; k >= 2; k--) {
      const t = this.tokens[k]!;
      if (t.kind === 'ident' && /^xpc_(dictionary|array)_create/.test(t.value) && isPunct(this.tokens[k - 1], '=') && this.tokens[k - 2]!.value === name) return k - 2;
    }
    return 0;
  }

  private range(start: number, end: number) {
    return this.index.range(start, end);
  }

  dict(name: string, before: number, used: HostToken, depth: number): LwDict {
    const from = this.createdAt(name, before);
    const entries: LwEntry[] = [];
    let last: Call | undefined;
    for (const c of this.calls) {
      if (c.at < from || c.at >= before) continue;
      const m = /^xpc_dictionary_set_(string|int64|uint64|bool|value|data)$/.exec(c.name);
      if (!m || c.args.length < 3) continue;
      const [target, key, value] = c.args as [[number, number], [number, number], [number, number]];
      if (target[1] - target[0] !== 1 || this.tokens[target[0]]!.value !== name) continue;
      last = c;
      const k = stringOf(this.tokens, key[0], key[1]);
      if (!k) {
        this.skip(key, 'the key is not a string literal');
        continue;
      }
      const v = this.value(m[1]!, value, c.at, depth);
      if (!v) continue;
      entries.push({ key: k.value, keyRange: this.range(k.start, k.end), value: v });
    }
    const creation = from > 0 ? this.tokens[from]! : used;
    const d: LwDict = { kind: 'dict', entries, range: this.range(used.start, used.end) };
    const after = last ? last.end : from > 0 ? this.statementEnd(from) : used.end;
    SOURCE_DICTS.set(d, { form: 'xpc', name, insertAt: after, indent: lineIndent(this.text, (last ? this.tokens[last.at]! : creation).start) });
    return d;
  }

  private statementEnd(k: number): number {
    for (let j = k; j < this.tokens.length; j++) if (isPunct(this.tokens[j], ';')) return this.tokens[j]!.end;
    return this.tokens[k]!.end;
  }

  private skip(arg: [number, number], why: string): void {
    this.skipped.push({ start: this.tokens[arg[0]]?.start ?? 0, end: this.tokens[arg[1] - 1]?.end ?? 0, why });
  }

  /** The value argument of a set call of `type` (string, int64, bool, value, …). */
  private value(type: string, arg: [number, number], at: number, depth: number): LwValue | undefined {
    const [from, to] = arg;
    const tokens = this.tokens;
    if (type === 'string') {
      const s = stringOf(tokens, from, to);
      if (s) return { kind: 'string', value: s.value, range: this.range(s.start, s.end) };
    } else if (type === 'int64' || type === 'uint64') {
      const n = intOf(tokens, from, to);
      if (n) return { kind: 'int', value: n.value, range: this.range(n.start, n.end) };
    } else if (type === 'bool') {
      const t = tokens[from]!;
      if (to - from === 1 && t.kind === 'ident' && /^(true|false|YES|NO)$/.test(t.value)) return { kind: 'bool', value: t.value === 'true' || t.value === 'YES', range: this.range(t.start, t.end) };
    } else if (type === 'value') {
      return this.object(from, to, at, depth);
    }
    this.skip(arg, type === 'data' ? 'data is not read from source' : 'the value is not a literal');
    return undefined;
  }

  /** An xpc_object_t argument: a dictionary or array variable, or `xpc_string_create("…")` and the like. */
  private object(from: number, to: number, at: number, depth: number): LwValue | undefined {
    const tokens = this.tokens;
    const t = tokens[from]!;
    if (depth >= MAX_NESTING) return undefined;
    if (to - from === 1 && t.kind === 'ident') {
      const isArray = this.calls.some((c) => c.at < at && c.name.startsWith('xpc_array_') && c.args[0] && tokens[c.args[0][0]]!.value === t.value);
      return isArray ? this.array(t.value, at, t, depth + 1) : this.dict(t.value, at, t, depth + 1);
    }
    const m = t.kind === 'ident' ? /^xpc_(string|int64|uint64|bool)_create$/.exec(t.value) : null;
    if (m && isPunct(tokens[from + 1], '(')) {
      const a = callArgs(tokens, from + 1);
      if (a && a.args.length === 1) return this.value(m[1]!, a.args[0]!, at, depth);
    }
    this.skip([from, to], 'the value is not a literal');
    return undefined;
  }

  private array(name: string, before: number, used: HostToken, depth: number): LwValue {
    const from = this.createdAt(name, before);
    const items: LwValue[] = [];
    for (const c of this.calls) {
      if (c.at < from || c.at >= before || !c.args[0]) continue;
      const target = c.args[0];
      if (target[1] - target[0] !== 1 || this.tokens[target[0]]!.value !== name) continue;
      if (c.name === 'xpc_array_append_value' && c.args[1]) {
        const v = this.object(c.args[1][0], c.args[1][1], c.at, depth);
        if (v) items.push(v);
        continue;
      }
      const m = /^xpc_array_set_(string|int64|uint64|bool|value)$/.exec(c.name);
      if (m && c.args[2]) {
        const v = this.value(m[1]!, c.args[2], c.at, depth);
        if (v) items.push(v);
      }
    }
    return { kind: 'array', items, range: this.range(used.start, used.end) };
  }
}

// ---- Swift: XPCDictionary literals and the builder ----

const BUILDER_CONTEXT: Record<string, LwcrContext> = { OnDiskCodeRequirement: 'on-disk', ProcessCodeRequirement: 'process', LaunchCodeRequirement: 'launch' };

function findSwift(text: string, tokens: HostToken[], index: LineIndex): SourceLwcr[] {
  const out: SourceLwcr[] = [];
  let consumedUntil = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (i <= consumedUntil) continue;
    const t = tokens[i]!;
    if (t.kind !== 'ident') continue;
    // XPCPeerRequirement(lightweightCodeRequirements: [...]); let d: XPCDictionary = [...]; XPCDictionary([...])
    let open: number | undefined;
    if (t.value === 'lightweightCodeRequirements' && isPunct(tokens[i + 1], ':') && isPunct(tokens[i + 2], '[')) open = i + 2;
    else if (t.value === 'XPCDictionary' && isPunct(tokens[i + 1], '=') && isPunct(tokens[i + 2], '[')) open = i + 2;
    else if (t.value === 'XPCDictionary' && isPunct(tokens[i + 1], '(') && isPunct(tokens[i + 2], '[')) open = i + 2;
    if (open !== undefined) {
      const skipped: SourceLwcr['skipped'] = [];
      const r = new SwiftLiteral(text, tokens, index, skipped).collection(open, 0);
      if (r && r.value.kind === 'dict') {
        out.push({ source: 'swift-dictionary', reqs: r.value, context: 'process', skipped });
        consumedUntil = r.end;
      }
      continue;
    }
    if ((t.value === 'allOf' || t.value === 'anyOf') && isPunct(tokens[i + 1], '{')) {
      const qualifier = isPunct(tokens[i - 1], '.') ? tokens[i - 2]?.value : undefined;
      const skipped: SourceLwcr['skipped'] = [];
      const builder = new SwiftBuilder(text, tokens, index, skipped);
      const block = builder.block(i + 1, 0);
      if (!block || !builder.sawConstraint) continue;
      consumedUntil = block.close;
      const reqs: LwDict = t.value === 'allOf'
        ? block.dict
        : { kind: 'dict', entries: [{ key: '$or', keyRange: index.range(t.start, t.end), value: block.dict }], range: block.dict.range };
      const context = qualifier ? BUILDER_CONTEXT[qualifier] : undefined;
      out.push({ source: 'swift-builder', reqs, ...(context ? { context } : {}), skipped });
    }
  }
  return out;
}

class SwiftLiteral {
  constructor(
    private readonly text: string,
    private readonly tokens: HostToken[],
    private readonly index: LineIndex,
    private readonly skipped: SourceLwcr['skipped'],
  ) {}

  /** `[k: v, …]`, `[:]` or `[v, …]` at `open`. */
  collection(open: number, depth: number): { value: LwValue; end: number } | undefined {
    const tokens = this.tokens;
    const close = closing(tokens, open);
    if (close === undefined || depth > MAX_NESTING) return undefined;
    const range = this.index.range(tokens[open]!.start, tokens[close]!.end);
    if (isPunct(tokens[open + 1], ':') && close === open + 2) {
      const d: LwDict = { kind: 'dict', entries: [], range };
      SOURCE_DICTS.set(d, { form: 'swift-dictionary', insertAt: tokens[open]!.end, indent: lineIndent(this.text, tokens[open]!.start) });
      return { value: d, end: close };
    }
    // Split the elements at top-level commas.
    const elems: [number, number][] = [];
    let depthHere = 0;
    let from = open + 1;
    for (let k = open + 1; k < close; k++) {
      const t = tokens[k]!;
      if (t.kind !== 'punct') continue;
      if (OPEN[t.value]) depthHere++;
      else if (t.value === ')' || t.value === ']' || t.value === '}') depthHere--;
      else if (t.value === ',' && depthHere === 0) {
        elems.push([from, k]);
        from = k + 1;
      }
    }
    if (from < close) elems.push([from, close]);
    const isDict = elems.some(([a, b]) => {
      for (let k = a; k < b; k++) if (isPunct(tokens[k], ':')) return true;
      return false;
    });
    if (!isDict) {
      const items: LwValue[] = [];
      for (const [a, b] of elems) {
        const v = this.value(a, b, depth);
        if (v) items.push(v);
      }
      return { value: { kind: 'array', items, range }, end: close };
    }
    const entries: LwEntry[] = [];
    for (const [a, b] of elems) {
      let colon = a;
      while (colon < b && !isPunct(tokens[colon], ':')) colon++;
      const k = stringOf(tokens, a, colon);
      if (!k || colon >= b) {
        this.skipped.push({ start: tokens[a]!.start, end: tokens[b - 1]!.end, why: 'the key is not a string literal' });
        continue;
      }
      const v = this.value(colon + 1, b, depth);
      if (v) entries.push({ key: k.value, keyRange: this.index.range(k.start, k.end), value: v });
    }
    const lastElem = elems[elems.length - 1]!;
    const d: LwDict = { kind: 'dict', entries, range };
    SOURCE_DICTS.set(d, { form: 'swift-dictionary', insertAt: tokens[lastElem[1] - 1]!.end, indent: lineIndent(this.text, tokens[lastElem[0]]!.start) });
    return { value: d, end: close };
  }

  private value(from: number, to: number, depth: number): LwValue | undefined {
    const tokens = this.tokens;
    const t = tokens[from]!;
    if (isPunct(t, '[')) {
      const c = this.collection(from, depth + 1);
      if (c && c.end === to - 1) return c.value;
    }
    const s = stringOf(tokens, from, to);
    if (s) return { kind: 'string', value: s.value, range: this.index.range(s.start, s.end) };
    const n = intOf(tokens, from, to);
    if (n) return { kind: 'int', value: n.value, range: this.index.range(n.start, n.end) };
    if (to - from === 1 && t.kind === 'ident' && (t.value === 'true' || t.value === 'false')) return { kind: 'bool', value: t.value === 'true', range: this.index.range(t.start, t.end) };
    this.skipped.push({ start: t.start, end: tokens[to - 1]!.end, why: 'the value is not a literal' });
    return undefined;
  }
}

class SwiftBuilder {
  sawConstraint = false;
  constructor(
    private readonly text: string,
    private readonly tokens: HostToken[],
    private readonly index: LineIndex,
    private readonly skipped: SourceLwcr['skipped'],
  ) {}

  /** The items of a `{ … }` builder block at `open`: constraints, and nested `allOf {}` / `anyOf {}`. */
  block(open: number, depth: number): { dict: LwDict; close: number } | undefined {
    const tokens = this.tokens;
    const close = closing(tokens, open);
    if (close === undefined || depth > MAX_NESTING) return undefined;
    const entries: LwEntry[] = [];
    let lastEnd = tokens[open]!.end;
    let lastStart = tokens[open]!.start;
    let k = open + 1;
    while (k < close) {
      const t = tokens[k]!;
      if (t.kind === 'ident' && (t.value === 'try' || t.value === 'return')) {
        k++;
        continue;
      }
      if (t.kind === 'ident' && (t.value === 'allOf' || t.value === 'anyOf') && isPunct(tokens[k + 1], '{')) {
        const inner = this.block(k + 1, depth + 1);
        if (!inner) return undefined;
        entries.push({ key: t.value === 'allOf' ? '$and' : '$or', keyRange: this.index.range(t.start, t.end), value: inner.dict });
        lastStart = t.start;
        lastEnd = tokens[inner.close]!.end;
        k = inner.close + 1;
        continue;
      }
      const c = t.kind === 'ident' ? SWIFT_CONSTRAINTS[t.value] : undefined;
      if (c && isPunct(tokens[k + 1], '(')) {
        const a = callArgs(tokens, k + 1);
        if (!a) return undefined;
        this.sawConstraint = true;
        const v = this.value(c.value, a.args, t, tokens[a.close]!);
        if (v) entries.push({ key: c.fact, keyRange: this.index.range(t.start, t.end), value: v });
        lastStart = t.start;
        lastEnd = tokens[a.close]!.end;
        k = a.close + 1;
        continue;
      }
      // Anything else (a helper call, a statement) is skipped to the end of its line.
      let j = k + 1;
      while (j < close && !tokens[j]!.nl) {
        if (tokens[j]!.kind === 'punct' && OPEN[tokens[j]!.value]) j = (closing(tokens, j) ?? close - 1) + 1;
        else j++;
      }
      k = j;
    }
    const dict: LwDict = { kind: 'dict', entries, range: this.index.range(tokens[open]!.start, tokens[close]!.end) };
    SOURCE_DICTS.set(dict, { form: 'swift-builder', insertAt: lastEnd, indent: lineIndent(this.text, entries.length > 0 ? lastStart : tokens[close]!.start) + (entries.length > 0 ? '' : '    ') });
    return { dict, close };
  }

  private value(kind: (typeof SWIFT_CONSTRAINTS)[string]['value'], args: [number, number][], name: HostToken, close: HostToken): LwValue | undefined {
    const tokens = this.tokens;
    const arg = args[0];
    if (kind === 'bool') {
      if (!arg) return { kind: 'bool', value: true, range: this.index.range(name.start, close.end) };
      const t = tokens[arg[0]]!;
      if (arg[1] - arg[0] === 1 && (t.value === 'true' || t.value === 'false')) return { kind: 'bool', value: t.value === 'true', range: this.index.range(t.start, t.end) };
    } else if (arg && kind === 'string') {
      const s = stringOf(tokens, arg[0], arg[1]);
      if (s) return { kind: 'string', value: s.value, range: this.index.range(s.start, s.end) };
    } else if (arg && (kind === 'category' || kind === 'platform')) {
      const dot = tokens[arg[0]]!;
      const member = tokens[arg[0] + 1];
      const table = kind === 'category' ? SWIFT_CATEGORIES : SWIFT_PLATFORMS;
      if (isPunct(dot, '.') && member?.kind === 'ident' && arg[1] - arg[0] === 2 && member.value in table) {
        return { kind: 'int', value: BigInt(table[member.value]!), range: this.index.range(dot.start, member.end) };
      }
    }
    const from = arg ? tokens[arg[0]]!.start : name.start;
    const to = arg ? tokens[arg[1] - 1]!.end : close.end;
    this.skipped.push({ start: from, end: to, why: kind === 'opaque' ? `${name.value} takes data computed at run time` : 'the value is not a literal' });
    return undefined;
  }
}
