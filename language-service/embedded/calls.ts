/**
 * Finds requirement arguments of the Security / XPC API calls in a token
 * stream of a C-family or Swift document, and resolves simple constants:
 * `let req = "…"`, `NSString *const kReq = @"…";`, `#define REQ CFSTR("…")`.
 */
import type { LiteralForm } from './escape.js';
import { PieceList } from './mapping.js';
import type { HostLiteral, HostToken } from './tokens.js';

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
  /** Token range [from, to) of the value (empty: declared without a value). */
  from: number;
  to: number;
  block: number;
  at: number;
  /** A declaration (`NSString *x = …`, `let x = …`, `#define X …`) rather than an assignment to an existing variable. */
  declares: boolean;
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

export function findCallArguments(tokens: HostToken[], swift: boolean, src = ''): FoundArgument[] {
  const found: FoundArgument[] = [];
  let flow: Flow | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.kind !== 'ident') continue;
    const argIndex = CALL_APIS[tok.value];
    if (argIndex === undefined) continue;
    const prev = tokens[i - 1];
    if (prev && prev.kind === 'ident' && DECLARATION_WORDS.has(prev.value)) continue;
    const next = tokens[i + 1];
    let arg: [number, number] | undefined;
    flow ??= new Flow(tokens, swift, src);
    if (next?.value === '(') {
      arg = callArgument(tokens, flow.table, i + 1, argIndex);
    } else if (next?.value === ':' && !swift) {
      // Objective-C message: `[obj setCodeSigningRequirement:arg]`; a method declaration has `:(Type)name`.
      if (prev?.value === ')' || prev?.value === '-' || prev?.value === '+') continue;
      arg = messageArgument(tokens, flow.table, i + 2);
    }
    if (!arg || arg[1] <= arg[0]) continue;
    found.push(...flow.argument(tok.value, arg[0], arg[1]));
  }
  return found;
}

/** Where a value comes from: text (literals, possibly with holes), a name to follow, nothing (`nil`), or an expression computed at run time. */
type Classified =
  | { kind: 'text'; pieces: PieceList; start: number; end: number; form: LiteralForm }
  | { kind: 'partial'; reason: string }
  | { kind: 'name'; name: string; qualified: boolean; at: number }
  | { kind: 'null' }
  | { kind: 'other'; reason: string };

/** Most steps when following a name to the names it was assigned from. */
const MAX_FOLLOW_DEPTH = 4;
/** Most assignments of one name looked at for one use. */
const MAX_ASSIGNMENTS = 64;
/**
 * Work budget of following names in one file (assignments compared with
 * each other): hostile input with thousands of assignments to one name gets
 * not-analysed notes instead of quadratic time.
 */
const MAX_FLOW_WORK = 4_000_000;

const NULL_WORDS = new Set(['nil', 'NULL', 'nullptr', 'Nil', 'None']);

/** Calls whose only (or named) argument passes a string through unchanged: `QString("…")`, `String(x)`, `CFStringCreateWithCString(NULL, "…", kCFStringEncodingUTF8)`. Value: index of that argument. */
const WRAPPER_CALLS: Readonly<Record<string, number>> = {
  QString: 0, QStringLiteral: 0, QLatin1String: 0, QLatin1StringView: 0, QStringView: 0, 'QString::fromUtf8': 0, 'QString::fromLatin1': 0,
  'QString::fromLocal8Bit': 0, 'QString::fromStdString': 0, 'QString::fromNSString': 0, 'QString::fromCFString': 0,
  String: 0, NSString: 0, 'std::string': 0, CFStringCreateWithCString: 1, CFStringCreateWithCStringNoCopy: 1, CFSTR: 0, CFSTR_LITERAL: 0,
};
/** Calls that format: which argument holds the format string. */
const FORMAT_CALLS: Readonly<Record<string, number>> = { CFStringCreateWithFormat: 2, 'QString::asprintf': 0 };
/** Objective-C selectors (first part) that pass their argument through, and those that format. */
const WRAPPER_SELECTORS = new Set(['stringWithUTF8String', 'stringWithString', 'stringWithCString', 'initWithUTF8String', 'initWithString', 'initWithCString', 'stringWithFormat', 'initWithFormat', 'localizedStringWithFormat']);
const FORMAT_SELECTORS = new Set(['stringWithFormat', 'initWithFormat', 'localizedStringWithFormat']);
/** Member calls or properties that pass the receiver's text through: Qt's `toNSString()`, `UTF8String`, … */
const PASS_THROUGH_MEMBERS = new Set(['toNSString', 'toCFString', 'UTF8String', 'utf8String', 'c_str', 'data', 'toStdString', 'toUtf8', 'constData', 'copy', 'description']);

/** printf / NSString format specifiers (`%@`, `%1$@`, `%s`, `%ld`, `%.*s`, …); `%%` is a literal percent sign. */
const FORMAT_SPEC = /%(?:%|(?:\d+\$)?[-+ 0#']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|q|L|z|t|j)?[@dDiuUxXoOfFeEgGcCsSpaA])/g;

/**
 * Follows requirement values through one file: literals, wrappers, format
 * strings, macros, and the constants and variables they are assigned to.
 * Tables (brackets, blocks, assignments) are built once per file, lazily.
 */
class Flow {
  readonly table: Int32Array;
  private scopeCache: Scope | undefined;
  private work = 0;
  private declCache: Map<string, Declaration[]> | undefined;

  constructor(private readonly tokens: HostToken[], private readonly swift: boolean, private readonly src: string) {
    this.table = bracketTable(tokens);
  }

  private get scope(): Scope {
    return (this.scopeCache ??= buildScope(this.tokens));
  }

  private get declarations(): Map<string, Declaration[]> {
    return (this.declCache ??= collectDeclarations(this.tokens, this.table, this.swift, this.scope));
  }

  /** Charges comparing `n` assignments with each other (and their blocks) to the file's budget; false when it is spent. */
  private spend(n: number): boolean {
    this.work += n * n * 4 + n;
    return this.work <= MAX_FLOW_WORK;
  }

  /** Every requirement (or not-analysed note) an API argument at tokens [from, to) stands for. */
  argument(api: string, from: number, to: number): FoundArgument[] {
    const tokens = this.tokens;
    const c = this.classify(from, to, 0);
    const here = { start: tokens[from]!.start, end: tokens[to - 1]!.end };
    if (c.kind === 'text') return [{ api, pieces: c.pieces, start: c.start, end: c.end, form: c.form }];
    if (c.kind === 'partial') return [{ api, ...here, notAnalysed: c.reason }];
    if (c.kind === 'null') return [{ api, ...here, notAnalysed: 'the argument is nil: no requirement is set here' }];
    if (c.kind === 'other') return [{ api, ...here, notAnalysed: c.reason }];
    const out: FoundArgument[] = [];
    const note = this.follow(api, c.name, c.qualified, c.at, 0, new Set(), out);
    if (out.length === 0) out.push({ api, ...here, notAnalysed: note ?? `\`${c.name}\` is not given a string anywhere in this file` });
    return out;
  }

  /**
   * Appends what every assignment of `name` that can reach the use at token
   * `at` stands for; returns why nothing was found, when nothing was.
   */
  private follow(api: string, name: string, qualified: boolean, at: number, depth: number, seen: Set<number>, out: FoundArgument[]): string | undefined {
    const list = this.declarations.get(name);
    if (!list) return `\`${name}\` is not given a string in this file (a parameter, a property set elsewhere or a call result)`;
    if (!this.spend(list.length)) return `\`${name}\` is assigned too often in this file to follow`;
    const reaching = reachingAssignments(list, this.scope, at, qualified);
    if (reaching.length === 0) return `\`${name}\` is not given a string in this file (a parameter, a property set elsewhere or a call result)`;
    let onlyNull = true;
    for (const d of reaching.slice(0, MAX_ASSIGNMENTS)) {
      if (seen.has(d.at) || d.to <= d.from) continue;
      seen.add(d.at);
      const c = this.classify(d.from, d.to, depth);
      const here = { start: this.tokens[d.from]!.start, end: this.tokens[d.to - 1]!.end };
      if (c.kind === 'null') continue;
      onlyNull = false;
      if (c.kind === 'text') out.push({ api, pieces: c.pieces, start: c.start, end: c.end, form: c.form });
      else if (c.kind === 'partial') out.push({ api, ...here, notAnalysed: c.reason });
      else if (c.kind === 'other') out.push({ api, ...here, notAnalysed: `the value given to \`${name}\` here reaches ${api}, but ${c.reason}` });
      else if (depth + 1 >= MAX_FOLLOW_DEPTH) out.push({ api, ...here, notAnalysed: `the value of \`${name}\` comes through more than ${MAX_FOLLOW_DEPTH} names` });
      else {
        const before = out.length;
        const why = this.follow(api, c.name, c.qualified, c.at, depth + 1, seen, out);
        if (out.length === before) out.push({ api, ...here, notAnalysed: why ?? `\`${c.name}\` is not given a string anywhere in this file` });
      }
    }
    return onlyNull ? `\`${name}\` is only ever nil in this file` : undefined;
  }

  /** What an expression is, after removing casts, parentheses, CFSTR, wrappers and pass-through members. */
  private classify(from: number, to: number, depth: number): Classified {
    const tokens = this.tokens;
    const table = this.table;
    const swift = this.swift;
    for (let round = 0; ; round++) {
      if (to <= from || round > MAX_UNWRAP) return { kind: 'other', reason: 'the expression is too complex to follow' };
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
        // A force unwrap or optional chain at the end: `requirement!`.
        const end = tokens[to - 1]!;
        if (end.kind === 'punct' && (end.value === '!' || end.value === '?') && to - 1 > from) {
          to--;
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
      // Objective-C boxing `@(x)`.
      if (!swift && first.kind === 'punct' && first.value === '@' && tokens[from + 1]?.value === '(' && matching(table, from + 1, to) === to - 1) {
        from += 2;
        to--;
        continue;
      }
      // Pass-through members: `x.toNSString()`, `x.UTF8String`, `[x UTF8String]`.
      const last = tokens[to - 1]!;
      if (last.kind === 'punct' && last.value === ')' && to - from >= 4) {
        const open = table[to - 1]!;
        const member = tokens[open - 1];
        if (open === to - 2 && member?.kind === 'ident' && PASS_THROUGH_MEMBERS.has(member.value) && tokens[open - 2]?.value === '.' && open - 2 > from) {
          to = open - 2;
          continue;
        }
      }
      if (last.kind === 'ident' && PASS_THROUGH_MEMBERS.has(last.value) && tokens[to - 2]?.value === '.' && to - 2 > from && last.value !== 'data') {
        to -= 2;
        continue;
      }
      if (!swift && first.kind === 'punct' && first.value === '[' && matching(table, from, to) === to - 1) {
        const m = this.message(from, to - 1);
        if (m?.kind === 'unwrap') {
          from = m.from;
          to = m.to;
          continue;
        }
        if (m?.kind === 'format') return this.format(m.from, m.to, m.args, depth);
      }
      // Wrapper and format calls: `QString("…")`, `String(format: "…", x)`, `CFStringCreateWithCString(NULL, "…", enc)`.
      const callee = calleeAt(tokens, from);
      if (callee && tokens[callee.open]?.value === '(' && matching(table, callee.open, to) === to - 1) {
        const labelled = swift ? swiftFormatArgument(tokens, table, callee.open) : undefined;
        if (labelled) return this.format(labelled.from, labelled.to, labelled.args, depth);
        const formatIndex = FORMAT_CALLS[callee.name];
        if (formatIndex !== undefined) {
          const args = callArguments(tokens, table, callee.open);
          const fmt = args?.[formatIndex];
          if (fmt) return this.format(fmt[0], fmt[1], args!.length - formatIndex - 1, depth);
        }
        const wrapIndex = WRAPPER_CALLS[callee.name];
        if (wrapIndex !== undefined) {
          const a = callArgument(tokens, table, callee.open, wrapIndex);
          if (a && a[1] > a[0]) {
            // A Swift label (`NSString(string: x)`) is not part of the value.
            from = swift && tokens[a[0]]?.kind === 'ident' && tokens[a[0] + 1]?.value === ':' ? a[0] + 2 : a[0];
            to = a[1];
            continue;
          }
        }
      }
      break;
    }
    return this.leaf(from, to, depth);
  }

  /** A literal, adjacent literals with macros, Swift `+` joins, a name or `nil`, after unwrapping. */
  private leaf(from: number, to: number, depth: number): Classified {
    const tokens = this.tokens;
    // Counted from prefix sums: an argument can hold the rest of the file (nested calls), so no scan here.
    const strings = stringsBefore(tokens)[to]! - stringsBefore(tokens)[from]!;
    if (strings > 0) return this.joined(from, to, depth);
    if (to - from === 1 && tokens[from]!.kind === 'ident' && NULL_WORDS.has(tokens[from]!.value)) return { kind: 'null' };
    if (to - from === 1 && tokens[from]!.kind === 'number' && tokens[from]!.value === '0') return { kind: 'null' };
    // A plain name or a member chain (`self.requirement`, `Constants.requirement`, `self->_requirement`).
    let name: string | undefined;
    for (let k = from; k < to; k++) {
      const t = tokens[k]!;
      const expectName = (k - from) % 2 === 0;
      if (expectName && t.kind === 'ident') name = t.value;
      else if (!expectName && t.kind === 'punct' && (t.value === '.' || t.value === '->')) continue;
      else return { kind: 'other', reason: 'the requirement is computed at run time (a call or an expression this linter does not follow)' };
    }
    if (name !== undefined && (to - from) % 2 === 1) return { kind: 'name', name, qualified: to - from > 1, at: from };
    return { kind: 'other', reason: 'the requirement is computed at run time (a call or an expression this linter does not follow)' };
  }

  /**
   * String literals joined at compile time (C adjacency, possibly with macro
   * names between them) or with Swift `+`: one text, whose unresolved names
   * become holes.
   */
  private joined(from: number, to: number, depth: number): Classified {
    const tokens = this.tokens;
    const pieces = new PieceList();
    let firstLiteral: HostLiteral | undefined;
    let previousEnd = -1;
    let expectOperand = true;
    for (let k = from; k < to; k++) {
      const t = tokens[k]!;
      if (this.swift && t.kind === 'punct' && t.value === '+' && !expectOperand) {
        expectOperand = true;
        continue;
      }
      if (this.swift && !expectOperand) return { kind: 'partial', reason: 'requirement built from concatenated or formatted parts at run time' };
      expectOperand = false;
      if (t.kind === 'string') {
        const lit = t.literal!;
        if (lit.unterminated) return { kind: 'partial', reason: 'requirement built at run time: the string literal is not terminated' };
        if (previousEnd >= 0) pieces.gap(previousEnd, lit.contentStart);
        pieces.append(lit.decode());
        previousEnd = lit.contentEnd;
        firstLiteral ??= lit;
        continue;
      }
      // A name (a macro in C, a constant in Swift), possibly qualified.
      let e = k;
      while (e + 2 < to && (tokens[e + 1]!.value === '.' || tokens[e + 1]!.value === '::') && tokens[e + 2]!.kind === 'ident') e += 2;
      if (t.kind !== 'ident') return { kind: 'partial', reason: 'requirement built from concatenated or formatted parts at run time' };
      const hostStart = t.start;
      const hostEnd = tokens[e]!.end;
      if (previousEnd >= 0) pieces.gap(previousEnd, hostStart);
      const value = e === k ? this.constantText(tokens[e]!.value, k, depth) : undefined;
      if (value !== undefined) pieces.substitute(hostStart, hostEnd, value);
      else pieces.hole(hostStart, this.hostText(hostStart, hostEnd), this.swift ? 'Swift value' : 'macro defined outside this file');
      previousEnd = hostEnd;
      k = e;
    }
    if (!firstLiteral) return { kind: 'other', reason: 'the requirement is computed at run time' };
    const start = tokens[from]!.kind === 'string' ? firstLiteral.contentStart : tokens[from]!.start;
    return { kind: 'text', pieces, start, end: previousEnd, form: firstLiteral.form };
  }

  /** The text a name stands for when exactly one value of this file reaches `at` (a `#define` or a constant), else undefined. */
  private constant(name: string, at: number, depth: number): Extract<Classified, { kind: 'text' }> | undefined {
    if (depth + 1 >= MAX_FOLLOW_DEPTH) return undefined;
    const list = this.declarations.get(name);
    if (!list || !this.spend(list.length)) return undefined;
    const reaching = reachingAssignments(list, this.scope, at, false);
    if (reaching.length !== 1) return undefined;
    const c = this.classify(reaching[0]!.from, reaching[0]!.to, depth + 1);
    return c.kind === 'text' ? c : undefined;
  }

  /** The plain text (no holes) of a name that stands for one literal of this file. */
  private constantText(name: string, at: number, depth: number): string | undefined {
    const c = this.constant(name, at, depth);
    return c && c.pieces.holes.length === 0 ? c.pieces.text() : undefined;
  }

  private hostText(start: number, end: number): string {
    return this.src.slice(start, end);
  }

  /** An Objective-C message `[recv sel:arg …]` between `open` and `close`: a pass-through wrapper or a format call. */
  private message(open: number, close: number): { kind: 'unwrap'; from: number; to: number } | { kind: 'format'; from: number; to: number; args: number } | undefined {
    const tokens = this.tokens;
    const table = this.table;
    // `[x UTF8String]`, `[@(kReq) UTF8String]`, `[x copy]`: the receiver passes through.
    const lastWord = tokens[close - 1]!;
    if (lastWord.kind === 'ident' && PASS_THROUGH_MEMBERS.has(lastWord.value) && close - 1 > open + 1 && tokens[close - 2]!.value !== ':') {
      return { kind: 'unwrap', from: open + 1, to: close - 1 };
    }
    let k = open + 1;
    // The receiver: one token or a bracketed group (`[NSString alloc]`).
    if (isOpen(tokens[k]!)) k = table[k]!;
    k++;
    const sel = tokens[k];
    if (!sel || sel.kind !== 'ident' || tokens[k + 1]?.value !== ':') return undefined;
    if (!WRAPPER_SELECTORS.has(sel.value)) return undefined;
    const argFrom = k + 2;
    let argTo = argFrom;
    let commas = 0;
    let firstComma = -1;
    for (let j = argFrom; j < close; j++) {
      const t = tokens[j]!;
      if (isOpen(t)) {
        if (table[j]! < 0) return undefined;
        j = table[j]!;
        continue;
      }
      if (t.value === ',') {
        commas++;
        if (firstComma < 0) firstComma = j;
      } else if (t.kind === 'ident' && tokens[j + 1]?.value === ':' && commas === 0) {
        // The next part of the selector (`encoding:`).
        argTo = j;
        break;
      }
      argTo = j + 1;
    }
    if (FORMAT_SELECTORS.has(sel.value)) return { kind: 'format', from: argFrom, to: firstComma >= 0 ? firstComma : argTo, args: commas };
    return { kind: 'unwrap', from: argFrom, to: argTo };
  }

  /** A format string with `args` arguments: its specifiers are holes (none when there are no arguments: the text is a plain literal). */
  private format(from: number, to: number, args: number, depth: number): Classified {
    let c = this.classify(from, to, depth);
    if (c.kind === 'name') {
      // A format held in a constant of this file (`static NSString *const kFormat = @"…%@…"`).
      const constant = this.constant(c.name, c.at, depth);
      if (!constant) return { kind: 'partial', reason: `the format string \`${c.name}\` is not a constant of this file` };
      c = constant;
    }
    if (c.kind !== 'text' || args === 0) return c;
    const text = c.pieces.text();
    for (const m of text.matchAll(FORMAT_SPEC)) {
      if (m[0] === '%%') continue;
      c.pieces.markHole(m.index!, m[0].length, 'format argument');
    }
    c.pieces.holes.sort((a, b) => a.t - b.t);
    return c;
  }
}

/** The callee name at `from` (`QString`, `QString::fromUtf8`, `std::string`) and the index of the token after it. */
function calleeAt(tokens: HostToken[], from: number): { name: string; open: number } | undefined {
  const t = tokens[from];
  if (!t || t.kind !== 'ident') return undefined;
  if (tokens[from + 1]?.value === '::' && tokens[from + 2]?.kind === 'ident') return { name: `${t.value}::${tokens[from + 2]!.value}`, open: from + 3 };
  return { name: t.value, open: from + 1 };
}

/** Swift `String(format: "…", a, b)` / `NSString(format: …)`: the format argument and how many arguments follow. */
function swiftFormatArgument(tokens: HostToken[], table: Int32Array, open: number): { from: number; to: number; args: number } | undefined {
  const callee = tokens[open - 1]?.value;
  if (callee !== 'String' && callee !== 'NSString') return undefined;
  if (tokens[open + 1]?.value !== 'format' || tokens[open + 2]?.value !== ':') return undefined;
  const args = callArguments(tokens, table, open);
  if (!args || args.length === 0) return undefined;
  const [from, to] = args[0]!;
  // `arguments: [a, b]` holds the arguments in one array.
  const rest = args.slice(1);
  const arrayArg = rest.find(([f]) => tokens[f]?.value === 'arguments' && tokens[f + 1]?.value === ':');
  return { from: from + 2, to, args: arrayArg ? 1 : rest.length };
}

/** Every argument's token range of the call whose `(` is at `open`. */
function callArguments(tokens: HostToken[], table: Int32Array, open: number): [number, number][] | undefined {
  const close = table[open]!;
  if (close < 0) return undefined;
  const out: [number, number][] = [];
  let argStart = open + 1;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k]!;
    if (isOpen(t)) {
      if (table[k]! < 0) return undefined;
      k = table[k]!;
    } else if (t.kind === 'punct' && t.value === ',') {
      out.push([argStart, k]);
      argStart = k + 1;
    }
  }
  if (close > argStart) out.push([argStart, close]);
  return out;
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

/** Words before a name that make `name = …` an assignment statement rather than a declaration. */
const STATEMENT_WORDS = new Set(['return', 'else', 'do', 'case', 'default', 'try', 'await', 'in', 'then', 'goto']);

/**
 * Every `NAME = value` (or `let NAME: T = value`, `#define NAME value`) with
 * its token range, and declarations without a value (`NSString *req;`,
 * `let req: String`), marked as declaring or assigning.
 */
function collectDeclarations(tokens: HostToken[], table: Int32Array, swift: boolean, scope: Scope): Map<string, Declaration[]> {
  const map = new Map<string, Declaration[]>();
  const add = (name: string, from: number, to: number, at: number, declares: boolean) => {
    if (to < from || (to === from && !declares)) return;
    const list = map.get(name) ?? [];
    list.push({ name, from, to, block: scope.tokenBlock[at]!, at, declares });
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
      if (tokens[k + 2] && !tokens[k + 2]!.nl && tokens[k + 2]!.value !== '(') add(tokens[k + 1]!.value, k + 2, e, k, true);
      else if (tokens[k + 2]?.value === '(' && tokens[k + 2]!.start > tokens[k + 1]!.end) add(tokens[k + 1]!.value, k + 2, e, k, true);
      continue;
    }
    const declares = swift
      ? prev?.value === 'let' || prev?.value === 'var'
      : prev !== undefined && !t.nl && (prev.value === '*' || prev.value === '&' || (prev.kind === 'ident' && !STATEMENT_WORDS.has(prev.value)));
    let eq = k + 1;
    if (!swift && tokens[eq]?.value === '[') {
      const close = matching(table, eq, Math.min(tokens.length, eq + 8));
      if (close < 0) continue;
      eq = close + 1;
    } else if (swift && tokens[eq]?.value === ':' && declares) {
      // `let name: Type = value`, or `let name: Type` assigned later.
      let e = eq + 1;
      while (e < tokens.length && e < eq + 12 && tokens[e]!.value !== '=' && !tokens[e]!.nl) e++;
      if (tokens[e]?.value !== '=') {
        if (e >= tokens.length || tokens[e]!.nl) add(t.value, k, k, k, true);
        continue;
      }
      eq = e;
    }
    if (!swift && declares && prev!.kind === 'ident' && (tokens[eq]?.value === '(' || tokens[eq]?.value === '{') && tokens[eq + 1]?.kind === 'string') {
      // C++ direct initialisation: `QString req("…");`, `std::string req{"…"};`.
      const close = table[eq]!;
      if (close > eq) add(t.value, eq + 1, close, k, true);
      continue;
    }
    if (tokens[eq]?.kind !== 'punct' || tokens[eq]!.value !== '=') {
      // `NSString *req;` / `NSString *req, *other;`: declared here, given a value later.
      if (!swift && declares && (tokens[eq]?.value === ';' || tokens[eq]?.value === ',') && (prev!.value === '*' || prev!.kind === 'ident')) add(t.value, k, k, k, true);
      else if (swift && declares && (eq >= tokens.length || tokens[eq]!.nl)) add(t.value, k, k, k, true);
      continue;
    }
    const from = eq + 1;
    let e = from;
    let complete = false;
    for (; e < tokens.length && e < from + MAX_VALUE_TOKENS; e++) {
      const u = tokens[e]!;
      if (e > from && swift && u.nl && !(u.kind === 'punct' && (u.value === '+' || u.value === '.')) && tokens[e - 1]!.value !== '+') {
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
    if (complete || e === tokens.length) add(t.value, from, e, k, declares);
  }
  return map;
}

/** Whether block `b` is `outer` or lies inside it. */
function within(scope: Scope, b: number, outer: number): boolean {
  for (let depth = 0; depth <= MAX_SCOPE_DEPTH; depth++) {
    if (b === outer) return true;
    if (b < 0) return false;
    b = scope.blockParent[b]!;
  }
  return false;
}

/**
 * The declaration a use at token `at` sees: the nearest declaring entry
 * before the use in the same or an enclosing block, else one at file or type
 * level declared after the use (Swift members).
 */
function visibleDeclaration(list: Declaration[], scope: Scope, at: number): Declaration | undefined {
  const useBlock = scope.tokenBlock[at]!;
  let best: Declaration | undefined;
  let later: Declaration | undefined;
  for (const d of list) {
    if (!d.declares || !within(scope, useBlock, d.block)) continue;
    if (d.at < at) {
      if (!best || d.at > best.at) best = d;
    } else later ??= d;
  }
  return best ?? later;
}

/**
 * Every assignment of a name whose value can reach the use at token `at`:
 * the visible declaration's initial value and every later assignment to the
 * same variable (in any branch) before the use; for a file-level, member or
 * qualified name, every assignment in the file. An assignment overwritten
 * in the same block on the way to the use does not reach it.
 */
function reachingAssignments(list: Declaration[], scope: Scope, at: number, qualified: boolean): Declaration[] {
  let candidates: Declaration[];
  if (qualified) {
    candidates = list.filter((d) => d.to > d.from);
  } else {
    const decl = visibleDeclaration(list, scope, at);
    if (!decl) {
      // Not declared in a block the use sees: an instance variable or global assigned in another function.
      candidates = list.filter((d) => !d.declares && d.to > d.from && visibleDeclaration(list, scope, d.at) === undefined);
    } else {
      const everywhere = decl.block < 0 || decl.at > at;
      candidates = list.filter((d) => {
        if (d === decl) return d.to > d.from;
        if (d.declares || d.to <= d.from || d.at < decl.at) return false;
        if (!everywhere && d.at > at) return false;
        return visibleDeclaration(list, scope, d.at) === decl;
      });
    }
  }
  // Drop assignments overwritten unconditionally (same block, on the path to the use) before the use.
  const useBlock = scope.tokenBlock[at]!;
  return candidates.filter((d) => !candidates.some((e) => e.at > d.at && e.at < at && e.block === d.block && within(scope, useBlock, e.block)));
}
