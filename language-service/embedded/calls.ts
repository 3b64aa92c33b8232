/**
 * Finds requirement arguments of the Security / XPC API calls in a token
 * stream of a C-family or Swift document, and resolves simple constants:
 * `let req = "…"`, `NSString *const kReq = @"…";`, `#define REQ CFSTR("…")`.
 */
import type { LiteralForm } from './escape.js';
import { PieceList } from './mapping.js';
import type { HostToken } from './tokens.js';

/** Which argument (0-based) of each API holds the requirement text. */
export const CALL_APIS: Readonly<Record<string, number>> = {
  SecRequirementCreateWithString: 0,
  SecRequirementCreateWithStringAndErrors: 0,
  setCodeSigningRequirement: 0,
  setConnectionCodeSigningRequirement: 0,
  xpc_connection_set_peer_code_signing_requirement: 1,
  SecTaskValidateForRequirement: 1,
};

/** Words after which an API name is being declared, not called. */
const DECLARATION_WORDS = new Set(['func', 'extern', 'OSStatus', 'void', 'int', 'BOOL', 'Bool', 'CF_EXPORT', 'XPC_EXPORT', 'API_AVAILABLE']);

/** Type and qualifier words that may appear inside a cast before a literal. */
const CAST_WORDS = /^(?:__bridge|__bridge_transfer|__bridge_retained|const|CFStringRef|NSString|String|char|id|__unsafe_unretained|__strong|__weak|_Nonnull|_Nullable|nonnull|nullable)$/;

export interface FoundArgument {
  api: string;
  /** The literal value with its mapping, when the argument is a compile-time string. */
  pieces?: PieceList;
  /** Host range of the argument expression (or of the resolved constant's value). */
  start: number;
  end: number;
  notAnalysed?: string;
  /** Escaping of the (first) literal. */
  form?: LiteralForm;
}

interface Scope {
  /** Index of the enclosing block for every token (-1: file level). */
  tokenBlock: Int32Array;
  blockParent: Int32Array;
}

interface Declaration {
  name: string;
  /** Token range [from, to) of the value. */
  from: number;
  to: number;
  block: number;
  at: number;
}

/** Most unwrapping steps (parentheses, casts, CFSTR) tried on one argument. */
const MAX_UNWRAP = 64;
/** Most tokens of a constant's value (a literal, CFSTR(...), adjacent literals). */
const MAX_VALUE_TOKENS = 128;
/** Deepest block nesting searched for a declaration. */
const MAX_SCOPE_DEPTH = 256;

/**
 * For every bracket token, the index of its partner (-1: unmatched); -1 for
 * other tokens. Built once, so every later scan can jump over a nested
 * group in one step and no scan is quadratic.
 */
function bracketTable(tokens: HostToken[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    const v = t.value;
    if (v === '(' || v === '[' || v === '{') stack.push(k);
    else if (v === ')' || v === ']' || v === '}') {
      const open = openerFor(v);
      // Unbalanced input: a closer pairs with the nearest of the few innermost openers of its kind
      // (the openers it skips stay unmatched); a stray closer is ignored. The bound keeps this linear.
      let at = stack.length - 1;
      while (at >= 0 && at >= stack.length - 8 && tokens[stack[at]!]!.value !== open) at--;
      if (at < 0 || tokens[stack[at]!]!.value !== open) continue;
      const o = stack[at]!;
      stack.length = at;
      match[o] = k;
      match[k] = o;
    }
  }
  return match;
}

function openerFor(v: string): string {
  return v === ')' ? '(' : v === ']' ? '[' : '{';
}

const prefixCache = new WeakMap<HostToken[], Int32Array>();

/** `result[k]`: how many string tokens precede token k. */
function stringsBefore(tokens: HostToken[]): Int32Array {
  let counts = prefixCache.get(tokens);
  if (!counts) {
    counts = new Int32Array(tokens.length + 1);
    for (let k = 0; k < tokens.length; k++) counts[k + 1] = counts[k]! + (tokens[k]!.kind === 'string' ? 1 : 0);
    prefixCache.set(tokens, counts);
  }
  return counts;
}

const isOpen = (t: HostToken) => t.kind === 'punct' && (t.value === '(' || t.value === '[' || t.value === '{');

export function findCallArguments(tokens: HostToken[], swift: boolean): FoundArgument[] {
  const found: FoundArgument[] = [];
  let table: Int32Array | undefined;
  let scope: Scope | undefined;
  let declarations: Map<string, Declaration[]> | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.kind !== 'ident') continue;
    const argIndex = CALL_APIS[tok.value];
    if (argIndex === undefined) continue;
    const prev = tokens[i - 1];
    if (prev && prev.kind === 'ident' && DECLARATION_WORDS.has(prev.value)) continue;
    const next = tokens[i + 1];
    let arg: [number, number] | undefined;
    table ??= bracketTable(tokens);
    if (next?.value === '(') {
      arg = callArgument(tokens, table, i + 1, argIndex);
    } else if (next?.value === ':' && !swift) {
      // Objective-C message: `[obj setCodeSigningRequirement:arg]`; a method declaration has `:(Type)name`.
      if (prev?.value === ')' || prev?.value === '-' || prev?.value === '+') continue;
      arg = messageArgument(tokens, table, i + 2);
    }
    if (!arg || arg[1] <= arg[0]) continue;
    const result = classify(tokens, table, arg[0], arg[1], swift);
    if (result.kind === 'literal' || result.kind === 'partial') {
      found.push(toFound(tok.value, tokens, arg[0], arg[1], result));
      continue;
    }
    if (result.kind === 'name') {
      scope ??= buildScope(tokens);
      declarations ??= collectDeclarations(tokens, table, swift, scope);
      const decl = pickDeclaration(declarations.get(result.name), scope, i, result.qualified);
      if (!decl) continue;
      const value = classify(tokens, table, decl.from, decl.to, swift);
      if (value.kind === 'literal' || value.kind === 'partial') found.push(toFound(tok.value, tokens, decl.from, decl.to, value));
    }
  }
  return found;
}

type Classified =
  | { kind: 'literal'; from: number; to: number }
  | { kind: 'partial'; reason: string }
  | { kind: 'name'; name: string; qualified: boolean }
  | { kind: 'other' };

function toFound(api: string, tokens: HostToken[], from: number, to: number, c: Classified): FoundArgument {
  const start = tokens[from]!.start;
  const end = tokens[to - 1]!.end;
  if (c.kind === 'partial') return { api, start, end, notAnalysed: c.reason };
  if (c.kind !== 'literal') throw new Error('unreachable');
  const pieces = new PieceList();
  let previousEnd = -1;
  for (let k = c.from; k < c.to; k++) {
    const lit = tokens[k]!.literal!;
    if (previousEnd >= 0) pieces.gap(previousEnd, lit.contentStart);
    pieces.append(lit.decode());
    previousEnd = lit.contentEnd;
  }
  return { api, pieces, start: tokens[c.from]!.literal!.contentStart, end: previousEnd, form: tokens[c.from]!.literal!.form };
}

/** Token range of argument `index` of the call whose `(` is at `open`. */
function callArgument(tokens: HostToken[], table: Int32Array, open: number, index: number): [number, number] | undefined {
  const close = table[open]!;
  if (close < 0) return undefined;
  let argStart = open + 1;
  let current = 0;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k]!;
    if (isOpen(t)) {
      if (table[k]! < 0) return undefined;
      k = table[k]!;
    } else if (t.kind === 'punct' && t.value === ',') {
      if (current === index) return [argStart, k];
      current++;
      argStart = k + 1;
    } else if (t.kind === 'punct' && t.value === ';') return undefined;
  }
  return current === index ? [argStart, close] : undefined;
}

/** Token range of an Objective-C message argument starting at `from`, up to the closing `]`. */
function messageArgument(tokens: HostToken[], table: Int32Array, from: number): [number, number] | undefined {
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (isOpen(t)) {
      if (table[k]! < 0) return undefined;
      k = table[k]!;
    } else if (t.kind === 'punct' && (t.value === ')' || t.value === '}' || t.value === ';')) return undefined;
    else if (t.kind === 'punct' && t.value === ']') return [from, k];
  }
  return undefined;
}

/** Index of the token closing the bracket opened at `open` if it lies before `to`, or -1. */
function matching(table: Int32Array, open: number, to: number): number {
  const close = table[open]!;
  return close > open && close < to ? close : -1;
}

/** What an argument expression is: a literal (after removing CFSTR, casts, `as CFString`), a name, or something built at run time. */
function classify(tokens: HostToken[], table: Int32Array, from: number, to: number, swift: boolean): Classified {
  for (let round = 0; ; round++) {
    if (to <= from || round > MAX_UNWRAP) return { kind: 'other' };
    const first = tokens[from]!;
    if (swift) {
      // Trailing `as CFString`, `as! NSString`, `as String?`.
      let asAt = -1;
      for (let k = from; k < to; k++) {
        const t = tokens[k]!;
        if (isOpen(t) && table[k]! > k) k = table[k]!;
        else if (t.kind === 'ident' && t.value === 'as') asAt = k;
      }
      if (asAt > from) {
        to = asAt;
        continue;
      }
    }
    if (first.kind === 'punct' && first.value === '(') {
      const close = matching(table, from, to);
      if (close === to - 1) {
        from++;
        to--;
        continue;
      }
      if (close > from && !swift && isCast(tokens, from + 1, close)) {
        from = close + 1;
        continue;
      }
    }
    if (first.kind === 'ident' && (first.value === 'CFSTR' || first.value === 'CFSTR_LITERAL') && tokens[from + 1]?.value === '(') {
      const close = matching(table, from + 1, to);
      if (close === to - 1) {
        from += 2;
        to--;
        continue;
      }
    }
    break;
  }
  // Counted from prefix sums: an argument can hold the rest of the file (nested calls), so no scan here.
  const strings = stringsBefore(tokens)[to]! - stringsBefore(tokens)[from]!;
  const others = to - from - strings;
  if (strings > 0 && others === 0) {
    // Only literals: scanning them is linear in the literal itself.
    let dynamic: string | undefined;
    for (let k = from; k < to; k++) {
      const lit = tokens[k]!.literal!;
      if (lit.dynamic) dynamic ??= lit.dynamic;
      if (lit.unterminated) dynamic ??= 'the string literal is not terminated';
    }
    if (dynamic) return { kind: 'partial', reason: `requirement built at run time: ${dynamic}` };
    return { kind: 'literal', from, to };
  }
  if (strings > 0) return { kind: 'partial', reason: 'requirement built from concatenated or formatted parts at run time' };
  // A plain name or a member chain (`self.requirement`, `Constants.requirement`).
  let name: string | undefined;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    const expectName = (k - from) % 2 === 0;
    if (expectName && t.kind === 'ident') name = t.value;
    else if (!expectName && t.kind === 'punct' && t.value === '.') continue;
    else return { kind: 'other' };
  }
  if (name !== undefined && (to - from) % 2 === 1) return { kind: 'name', name, qualified: to - from > 1 };
  return { kind: 'other' };
}

function isCast(tokens: HostToken[], from: number, to: number): boolean {
  if (to <= from) return false;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' ? t.value !== '*' : t.kind !== 'ident' || !CAST_WORDS.test(t.value)) return false;
  }
  return true;
}

function buildScope(tokens: HostToken[]): Scope {
  const tokenBlock = new Int32Array(tokens.length);
  const parents: number[] = [];
  const stack: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    const current = stack.length ? stack[stack.length - 1]! : -1;
    tokenBlock[k] = current;
    if (t.kind !== 'punct') continue;
    if (t.value === '{') {
      parents.push(current);
      stack.push(parents.length - 1);
    } else if (t.value === '}' && stack.length) {
      stack.pop();
    }
  }
  return { tokenBlock, blockParent: Int32Array.from(parents) };
}

/** Every `NAME = value` (or `let NAME: T = value`, `#define NAME value`) with its token range. */
function collectDeclarations(tokens: HostToken[], table: Int32Array, swift: boolean, scope: Scope): Map<string, Declaration[]> {
  const map = new Map<string, Declaration[]>();
  const add = (name: string, from: number, to: number, at: number) => {
    if (to <= from) return;
    const list = map.get(name) ?? [];
    list.push({ name, from, to, block: scope.tokenBlock[at]!, at });
    map.set(name, list);
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'ident') continue;
    const prev = tokens[k - 1];
    if (!swift && t.value === 'define' && prev?.value === '#' && tokens[k + 1]?.kind === 'ident') {
      // `#define NAME value`: the value runs to the end of the line.
      let e = k + 2;
      while (e < tokens.length && !tokens[e]!.nl) e++;
      if (tokens[k + 2] && !tokens[k + 2]!.nl && tokens[k + 2]!.value !== '(') add(tokens[k + 1]!.value, k + 2, e, k);
      else if (tokens[k + 2]?.value === '(' && tokens[k + 2]!.start > tokens[k + 1]!.end) add(tokens[k + 1]!.value, k + 2, e, k);
      continue;
    }
    let eq = k + 1;
    if (!swift && tokens[eq]?.value === '[') {
      const close = matching(table, eq, Math.min(tokens.length, eq + 8));
      if (close < 0) continue;
      eq = close + 1;
    } else if (swift && tokens[eq]?.value === ':' && (prev?.value === 'let' || prev?.value === 'var')) {
      // `let name: Type = value`
      let e = eq + 1;
      while (e < tokens.length && e < eq + 12 && tokens[e]!.value !== '=' && !tokens[e]!.nl) e++;
      eq = e;
    }
    if (tokens[eq]?.kind !== 'punct' || tokens[eq]!.value !== '=') continue;
    const from = eq + 1;
    let e = from;
    let complete = false;
    for (; e < tokens.length && e < from + MAX_VALUE_TOKENS; e++) {
      const u = tokens[e]!;
      if (e > from && swift && u.nl) {
        complete = true;
        break;
      }
      if (isOpen(u)) {
        if (table[e]! < 0) break;
        e = table[e]!;
        continue;
      }
      const v = u.kind === 'punct' ? u.value : '';
      if (v === ')' || v === ']' || v === '}' || v === ';' || v === ',') {
        complete = true;
        break;
      }
    }
    // A value that runs on past the limit is not a simple constant.
    if (complete || e === tokens.length) add(t.value, from, e, k);
  }
  return map;
}

/**
 * The declaration a use at token `at` sees: the nearest one before the use
 * in the same or an enclosing block, else one at file or type level (Swift
 * members may be declared after use). A name assigned more than once in the
 * chosen block is not trusted.
 */
function pickDeclaration(list: Declaration[] | undefined, scope: Scope, at: number, qualified: boolean): Declaration | undefined {
  if (!list) return undefined;
  // `Config.requirement` reaches into another type's block: trust only a name declared once in the file.
  if (qualified) return list.length === 1 ? list[0] : undefined;
  const enclosing = new Set<number>();
  for (let b = scope.tokenBlock[at]!, depth = 0; ; depth++) {
    if (depth > MAX_SCOPE_DEPTH) return undefined;
    enclosing.add(b);
    if (b < 0) break;
    b = scope.blockParent[b]!;
  }
  const visible = list.filter((d) => enclosing.has(d.block));
  if (visible.length === 0) return undefined;
  let best: Declaration | undefined;
  for (const d of visible) if (d.at < at && (!best || d.at > best.at)) best = d;
  best ??= visible[0];
  const sameBlock = visible.filter((d) => d.block === best!.block);
  return sameBlock.length === 1 ? best : undefined;
}
