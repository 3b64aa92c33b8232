/**
 * Canonical text: the meaning of the AST as text that Apple's parser accepts
 * and that re-parses to the same AST (up to ranges and spelling-only
 * fields). The formatter uses it; given the source's comments it keeps every
 * one of them.
 *
 * Choices (where Apple-style text does not re-parse, spec §8.3):
 * - `certificate leaf trusted` (Apple: `leaftrusted`); `anchor …` forms are
 *   kept where the AST says they were written so.
 * - dates as `timestamp "YYYYMMDDhhmmssZ"` (UTC), whatever zone was written;
 *   invalid timestamp text that Apple silently stored as 0 prints as
 *   `timestamp "20010101000000Z"`, making the quirk visible.
 * - `exists` is written out unless it was implicit in the source; `absent`
 *   has no trailing space; `! x` keeps Apple's space.
 * - strings: quoted and hex spellings are kept; otherwise Apple's dumper's
 *   spelling where it re-lexes (`identifier com.foo` → `identifier
 *   "com.foo"`; a decoded team ID stays bare), quoted where it does not
 *   (also non-ASCII UTF-8, which Apple shows as hex); a match value that no
 *   string can hold (non-UTF-8 bytes, NUL, backslash) as `0x…` hex, which
 *   stores the same bytes. File paths are always quoted.
 * - an empty OID as `field.0` (one arc, which Apple encodes as empty).
 * - minimal parentheses, as Apple. A right-nested `and`/`or` chain (Apple's
 *   DRMaker builds them) prints flat and re-parses left-nested: the same
 *   meaning and length, different bytes. `preserveNesting` adds the
 *   parentheses that keep the exact nesting (and so the exact bytes).
 * - one `type => requirement` line per set entry, in the AST's order.
 *
 * Some ASTs have no text form at all; canonicalProblems() lists them and the
 * printer still prints a best effort: strings with a backslash, a NUL or
 * non-UTF-8 bytes in keys, identifiers and names (there is no escape but
 * `\"`); OIDs whose bytes no dotted text produces; hashes other than 20 bytes;
 * dates outside years 0000–9999; empty sets; opInfoKeyValue (prints as the
 * equivalent `info[k] = v`); unknown opcodes and match operations (print as
 * comments plus the equivalent `never`/operand); lightweight code
 * requirements; syntax-error placeholders.
 */
import type { Comment, Expr, Match, Range, Requirement, RequirementDocument, RequirementSetEntry, CertSlot, Oid, Value } from '../ast.js';
import { bytesEqual, toHex } from '../bytes.js';
import { encodeOid, decodeOid } from '../oid.js';
import { formatTimestamp, parseTimestamp } from '../timestamp.js';
import { canonicalValue, type ValueContext } from './values.js';
import { isDottedNumber } from '../words.js';

export interface CanonicalOptions {
  /** Comments of the source (from the parser); every one is kept, before the token that followed it. */
  comments?: Comment[];
  /** The source text the ranges point into; comments are copied from it verbatim. */
  source?: string;
  /** Parenthesise right-nested `and`/`or` so the text re-parses to the exact tree (and bytes). */
  preserveNesting?: boolean;
  /**
   * Lay out for people: an `and`/`or` chain that does not fit in `width`
   * columns (or holds a line comment) is broken before each operator, one
   * indentation step deeper per level of nesting. Without it the text is one
   * line per requirement, as before.
   */
  layout?: { width: number; indent?: number };
}

export interface CanonicalProblem {
  range: Range;
  message: string;
}

export function printCanonical(node: RequirementDocument | Expr, options: CanonicalOptions = {}): string {
  return new CanonicalPrinter(options).document(node);
}

/** The parts of `node` that canonical text cannot express exactly (empty when the text re-parses to the same AST). */
export function canonicalProblems(node: RequirementDocument | Expr): CanonicalProblem[] {
  const p = new CanonicalPrinter({});
  p.document(node);
  return p.problems;
}

const Level = { Primary: 0, And: 1, Or: 2, Top: 3 } as const;
type Level = (typeof Level)[keyof typeof Level];

/** One `and`/`or` chain as laid out: broken chains put each operator at the start of a line indented `depth` steps. */
interface Chain {
  op: 'and' | 'or';
  broken: boolean;
  depth: number;
}

type Task = string | { e: Expr; level: Level; chain?: Chain } | { flush: number } | { op: 'and' | 'or'; chain: Chain };

const INDENT = '    ';

class CanonicalPrinter {
  readonly problems: CanonicalProblem[] = [];
  private readonly out = new Output();
  private readonly comments: Comment[];
  private next = 0;
  /** Inside an expression, once its first token is out, continuation lines (after a line comment) are indented. */
  private inExpr = false;
  private started = false;

  private readonly indentUnit: string;
  private scratch: CanonicalPrinter | undefined;

  constructor(private readonly options: CanonicalOptions) {
    this.comments = [...(options.comments ?? [])].sort((a, b) => a.range.start.offset - b.range.start.offset);
    this.indentUnit = options.layout ? ' '.repeat(Math.max(1, Math.min(8, options.layout.indent ?? INDENT.length))) : INDENT;
  }

  document(node: RequirementDocument | Expr): string {
    if (node.kind === 'set') {
      if (node.entries.length === 0) this.problem(node.range, 'an empty requirement set cannot be written in text');
      for (const entry of node.entries) this.setEntry(entry);
    } else if (node.kind === 'requirement') {
      this.requirement(node);
    } else {
      this.expr(node);
    }
    this.flush(Infinity);
    this.out.trimEnd();
    return this.out.toString();
  }

  private problem(range: Range, message: string): void {
    this.problems.push({ range, message });
  }

  // ---- output with comments -------------------------------------------------

  private write(text: string): void {
    if (text === '') return;
    if (this.out.empty || this.out.last === '\n') {
      text = text.replace(/^ +/, '');
      if (text === '') return;
      if (!this.out.empty && this.inExpr && this.started) this.out.append(this.indentUnit);
    } else if (this.out.last === ' ' && text.startsWith(' ')) {
      text = text.slice(1);
    }
    this.out.append(text);
    if (this.inExpr) this.started = true;
  }

  private flush(before: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.range.start.offset < before) {
      this.comment(this.comments[this.next++]!);
    }
  }

  /** Comments that end the entry's last source line stay on its line. */
  private flushLine(line: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.range.start.line <= line) {
      this.comment(this.comments[this.next++]!);
    }
  }

  private comment(c: Comment): void {
    const { source } = this.options;
    const text = source !== undefined ? source.slice(c.range.start.offset, c.range.end.offset) : commentText(c);
    const lineEnd = source === undefined ? -1 : source.indexOf('\n', c.range.end.offset);
    const ownLine =
      source !== undefined &&
      /^[ \t]*$/.test(source.slice(source.lastIndexOf('\n', c.range.start.offset - 1) + 1, c.range.start.offset)) &&
      /^[ \t]*$/.test(source.slice(c.range.end.offset, lineEnd < 0 ? source.length : lineEnd));
    const runsToLineEnd = c.style !== 'block';
    const atLineStart = this.out.empty || this.out.last === '\n';
    if (ownLine && !atLineStart) {
      this.out.trimEnd();
      this.out.append('\n');
    } else if (!atLineStart && !' (['.includes(this.out.last)) this.out.append(' ');
    if (this.out.last === '\n' && this.inExpr && this.started) this.out.append(this.indentUnit);
    this.out.append(text);
    this.out.append(runsToLineEnd || ownLine ? '\n' : ' ');
  }

  // ---- structure ------------------------------------------------------------

  private setEntry(entry: RequirementSetEntry): void {
    this.flush(entry.typeRange.start.offset);
    if (!this.out.empty && this.out.last !== '\n') this.out.append('\n');
    const type = entry.type >>> 0;
    const name = ['', 'host', 'guest', 'designated', 'library', 'plugin'][type];
    this.write((name || String(type)) + ' => ');
    this.requirement(entry.requirement);
    this.flushLine(entry.requirement.range.end.line);
    this.out.trimEnd();
    if (this.out.last !== '\n') this.out.append('\n');
  }

  private requirement(req: Requirement): void {
    if (req.form === 2 && req.lwcr) {
      this.problem(req.range, 'a lightweight code requirement (kind 2) has no text form');
      this.write(`/* lightweight code requirement 0x${toHex(req.lwcr)} */`);
      return;
    }
    if (!req.expr) {
      this.problem(req.range, 'the requirement has no expression');
      return;
    }
    this.expr(req.expr);
  }

  private expr(root: Expr): void {
    const tasks: Task[] = [{ e: root, level: Level.Top }];
    const nest = this.options.preserveNesting === true;
    this.inExpr = true;
    this.started = false;
    while (tasks.length > 0) {
      const t = tasks.pop()!;
      if (typeof t === 'string') {
        this.write(t);
        continue;
      }
      if ('flush' in t) {
        this.flush(t.flush);
        continue;
      }
      if ('op' in t) {
        this.operator(t.op, t.chain);
        continue;
      }
      const e = t.e;
      this.flush(e.range.start.offset);
      switch (e.kind) {
        case 'and':
        case 'or': {
          const isAnd = e.kind === 'and';
          const parenthesised = isAnd ? t.level <= Level.Primary : t.level <= Level.And;
          const chain = !parenthesised && t.chain?.op === e.kind ? t.chain : this.chain(e, t.chain, parenthesised);
          const own: Level = isAnd ? Level.And : Level.Or;
          const right: Level = nest && e.right.kind === e.kind ? (isAnd ? Level.Primary : Level.And) : own;
          const parts: Task[] = [{ e: e.left, level: own, chain }, { flush: e.right.range.start.offset }, { op: e.kind, chain }, { e: e.right, level: right, chain }];
          pushAll(tasks, parenthesised ? ['(', ...parts, ')'] : parts);
          break;
        }
        case 'not':
          pushAll(tasks, ['! ', { e: e.operand, level: Level.Primary, chain: t.chain }]);
          break;
        case 'unknownOp': {
          this.problem(e.range, `unknown opcode ${e.opcode} has no text form`);
          const operand = e.operand;
          if (e.flags & 0x80 || !operand) this.write(`never /* unknown opcode ${e.opcode}: false */`);
          else {
            this.write(`/* unknown opcode ${e.opcode} skipped */ `);
            tasks.push({ e: operand, level: t.level, chain: t.chain });
          }
          break;
        }
        default:
          for (const piece of this.leaf(e)) {
            if (typeof piece === 'string') this.write(piece);
            else this.flush(piece.flush);
          }
      }
    }
    this.inExpr = false;
  }

  // ---- layout ---------------------------------------------------------------

  /** A new chain starts at `e`: broken when laid out and it does not fit on the rest of the line or holds a line comment. */
  private chain(e: Expr & { kind: 'and' | 'or' }, outer: Chain | undefined, parenthesised: boolean): Chain {
    const depth = outer ? outer.depth + 1 : 0;
    const layout = this.options.layout;
    if (!layout) return { op: e.kind, broken: false, depth };
    const room = layout.width - this.out.column - (parenthesised ? 2 : 0);
    const broken = this.hasLineComment(e) || !this.fitsFlat(e, room - this.blockCommentWidth(e));
    return { op: e.kind, broken, depth };
  }

  /** Whether `e` printed on one line takes at most `room` columns; stops measuring once it does not. */
  private fitsFlat(root: Expr, room: number): boolean {
    const scratch = this.scratch ?? (this.scratch = new CanonicalPrinter({}));
    const nest = this.options.preserveNesting === true;
    let width = 0;
    const stack: Array<{ e: Expr; level: Level }> = [{ e: root, level: Level.Top }];
    while (stack.length > 0 && width <= room) {
      const { e, level } = stack.pop()!;
      switch (e.kind) {
        case 'and':
        case 'or': {
          const isAnd = e.kind === 'and';
          if (isAnd ? level <= Level.Primary : level <= Level.And) width += 2;
          width += isAnd ? 5 : 4;
          const own: Level = isAnd ? Level.And : Level.Or;
          stack.push({ e: e.left, level: own }, { e: e.right, level: nest && e.right.kind === e.kind ? (isAnd ? Level.Primary : Level.And) : own });
          break;
        }
        case 'not':
          width += 2;
          stack.push({ e: e.operand, level: Level.Primary });
          break;
        case 'unknownOp':
          width += 40;
          if (e.operand) stack.push({ e: e.operand, level });
          break;
        default:
          for (const piece of scratch.leaf(e)) if (typeof piece === 'string') width += piece.length;
      }
    }
    return width <= room;
  }

  private operator(op: 'and' | 'or', chain: Chain): void {
    if (!chain.broken) {
      this.write(` ${op} `);
      return;
    }
    this.out.trimEnd();
    if (this.out.last !== '\n') this.out.append('\n');
    this.out.append(this.indentUnit.repeat(chain.depth + 1) + op + ' ');
  }

  /**
   * The comments that print inside `e`: those before its last token that takes
   * comments (a comment inside a leaf's words moves after the leaf, and after
   * the last leaf it is outside `e`). Counting only these keeps the layout
   * the same when the formatted text is formatted again.
   */
  private commentsWithin(e: Expr): Comment[] {
    const start = e.range.start.offset;
    const end = this.lastCommentPoint(e);
    const out: Comment[] = [];
    for (let i = this.next; i < this.comments.length; i++) {
      const c = this.comments[i]!;
      if (c.range.start.offset >= end) break;
      if (c.range.start.offset >= start) out.push(c);
    }
    return out;
  }

  private lastCommentPoint(e: Expr): number {
    for (;;) {
      if (e.kind === 'and' || e.kind === 'or') e = e.right;
      else if (e.kind === 'not') e = e.operand;
      else if (e.kind === 'unknownOp' && e.operand) e = e.operand;
      else break;
    }
    let point = e.range.start.offset;
    if (e.kind !== 'unknownOp') {
      const scratch = this.scratch ?? (this.scratch = new CanonicalPrinter({}));
      for (const piece of scratch.leaf(e)) if (typeof piece !== 'string') point = Math.max(point, piece.flush);
    }
    return point;
  }

  private hasLineComment(e: Expr): boolean {
    return this.commentsWithin(e).some((c) => c.style !== 'block');
  }

  private blockCommentWidth(e: Expr): number {
    const { source } = this.options;
    let width = 0;
    for (const c of this.commentsWithin(e)) width += (source !== undefined ? c.range.end.offset - c.range.start.offset : commentText(c).length) + 1;
    return width;
  }

  // ---- leaves ---------------------------------------------------------------

  private value(v: Value, context: ValueContext, dotOk: boolean, quoted = false): Piece[] {
    const c = canonicalValue(v.bytes, v.form, context, dotOk, quoted);
    if (!c.exact) this.problem(v.range, 'no token can spell this string (a backslash, a NUL or bytes that are not UTF-8)');
    return [at(v.range), c.text];
  }

  private slotWord(slot: CertSlot): string {
    const i = slot.index | 0;
    if (i === 0 && slot.spelling !== 'number') return 'leaf';
    if (i === -1 && slot.spelling !== 'number') return 'root';
    if (i >= 0) return String(i);
    // `-N` negates an int32 INTEGER; INT32_MIN is reached through atol's wrap-around instead.
    return i === -2147483648 ? '2147483648' : `-${-i}`;
  }

  private certPrefix(slot: CertSlot): Piece[] {
    return slot.spelling === 'anchor' && slot.index === -1 ? ['anchor'] : ['certificate ', at(slot.range), this.slotWord(slot)];
  }

  private oid(prefix: string, oid: Oid): Piece[] {
    return [at(oid.range), prefix + this.oidText(oid)];
  }

  private oidText(oid: Oid): string {
    const written = oid.text;
    if (isDottedNumber(written, 1) && bytesEqual(encodeOid(written).bytes, oid.bytes)) return written;
    if (oid.bytes.length === 0) return '0';
    const decoded = decodeOid(oid.bytes);
    if (!bytesEqual(encodeOid(decoded).bytes, oid.bytes)) {
      this.problem(oid.range, `no dotted OID text encodes to the bytes ${toHex(oid.bytes)}`);
    }
    return decoded;
  }

  private hash(bytes: Uint8Array, range: Range): string {
    if (bytes.length !== 20) this.problem(range, `a ${bytes.length}-byte hash cannot be written (H"…" takes exactly 40 hex digits)`);
    return `H"${toHex(bytes)}"`;
  }

  /** Leaves are printed as pieces, with a flush before each operand so a comment lands before the token it preceded. */
  private leaf(e: Exclude<Expr, { kind: 'and' | 'or' | 'not' | 'unknownOp' }>): Piece[] {
    switch (e.kind) {
      case 'const':
        return [e.value ? 'always' : 'never'];
      case 'identifier':
        return ['identifier ', ...this.value(e.value, 'name', false)];
      case 'cdhash':
        return ['cdhash ', this.hash(e.hash, e.range)];
      case 'platform':
        // `platform` takes no sign; atol's int32 wrap-around reaches negative values.
        return [`platform = ${e.value >>> 0}`];
      case 'notarized':
        return ['notarized'];
      case 'legacy':
        return ['legacy'];
      case 'anchorApple':
        return ['anchor apple'];
      case 'anchorAppleGeneric':
        return ['anchor apple generic'];
      case 'namedAnchor':
        return ['anchor apple ', ...this.value(e.name, 'name', false)];
      case 'namedCode':
        return ['(', ...this.value(e.name, 'name', false), ')'];
      case 'trustedCerts':
        return ['anchor trusted'];
      case 'trustedCert':
        return ['certificate ', at(e.slot.range), this.slotWord(e.slot), ' trusted'];
      case 'certHash': {
        const digest: Piece[] = e.hash
          ? [this.hash(e.hash, e.range)]
          : e.path
            ? this.value(e.path, 'name', false, true)
            : (this.problem(e.range, 'certificate digest with neither hash nor file'), ['H""']);
        return [...this.certPrefix(e.slot), ' = ', ...digest];
      }
      case 'certField': {
        if (!startsWithSubject(e.key.bytes)) {
          this.problem(e.key.range, 'a certificate field key must start with "subject." to be written as text');
        }
        return [...this.certPrefix(e.slot), '[', ...this.value(e.key, 'key', true), ']', ...this.match(e.match)];
      }
      case 'certGeneric':
        return [...this.certPrefix(e.slot), '[', ...this.oid(e.prefix === 'extension' ? 'extension.' : 'field.', e.oid), ']', ...this.match(e.match)];
      case 'certPolicy':
        return [...this.certPrefix(e.slot), '[', ...this.oid('policy.', e.oid), ']', ...this.match(e.match)];
      case 'certDate':
        return [...this.certPrefix(e.slot), '[', ...this.oid('timestamp.', e.oid), ']', ...this.match(e.match)];
      case 'info':
        return ['info[', ...this.value(e.key, 'key', true), ']', ...this.match(e.match)];
      case 'entitlement':
        return ['entitlement[', ...this.value(e.key, 'key', true), ']', ...this.match(e.match)];
      case 'infoKeyValue':
        this.problem(e.range, 'legacy opInfoKeyValue (5) prints as the equivalent info[key] = value, which compiles to opInfoKeyField (10)');
        return ['info[', ...this.value(e.key, 'key', true), '] = ', ...this.value(e.value, 'match', false)];
      case 'error':
        this.problem(e.range, 'syntax error');
        return ['/* syntax error */'];
    }
  }

  private match(m: Match): Piece[] {
    const v = (value: Value) => this.value(value, 'match', false);
    const head = at(m.range);
    switch (m.op) {
      case 'exists':
        return m.implicit ? [] : [head, ' exists'];
      case 'absent':
        return [head, ' absent'];
      case 'equal':
        return [head, ' = ', ...v(m.value)];
      case 'contains':
        return m.spelling === 'wildcards' ? [head, ' = *', ...v(m.value), '*'] : [head, ' ~ ', ...v(m.value)];
      case 'beginsWith':
        return [head, ' = ', ...v(m.value), '*'];
      case 'endsWith':
        return [head, ' = *', ...v(m.value)];
      case 'lessThan':
        return [head, ' < ', ...v(m.value)];
      case 'greaterThan':
        return [head, ' > ', ...v(m.value)];
      case 'lessEqual':
        return [head, ' <= ', ...v(m.value)];
      case 'greaterEqual':
        return [head, ' >= ', ...v(m.value)];
      case 'unknown':
        this.problem(m.range, `unknown match operation ${m.code} has no text form`);
        return [` /* match operation ${m.code} */`];
      default: {
        const text = formatTimestamp(m.seconds);
        const back = parseTimestamp(text);
        if (!back.valid || back.seconds !== m.seconds) this.problem(m.range, `the date ${m.seconds} s after 2001 is outside what timestamp "…" can write (years 0000–9999)`);
        const op = { on: ' = ', before: ' < ', after: ' > ', onOrBefore: ' <= ', onOrAfter: ' >= ' }[m.op];
        return [head, `${op}timestamp "${text}"`];
      }
    }
  }
}

type Piece = string | { flush: number };

function at(range: Range): Piece {
  return { flush: range.start.offset };
}

/**
 * The text so far as chunks. Reading the end of a long `+=`-built string
 * makes V8 flatten it, which made comment placement quadratic; chunks and a
 * remembered last character keep it linear.
 */
class Output {
  private readonly parts: string[] = [];
  last = '';
  /** Characters since the last line break. */
  column = 0;

  get empty(): boolean {
    return this.parts.length === 0;
  }

  append(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    this.last = text[text.length - 1]!;
    const nl = text.lastIndexOf('\n');
    this.column = nl < 0 ? this.column + text.length : text.length - nl - 1;
  }

  /** Drops trailing spaces (never inside a string: the output only ever ends between tokens). */
  trimEnd(): void {
    while (this.parts.length > 0) {
      const p = this.parts[this.parts.length - 1]!;
      let end = p.length;
      while (end > 0 && p.charCodeAt(end - 1) === 0x20) end--;
      if (end === p.length) break;
      this.column -= p.length - end;
      if (end === 0) this.parts.pop();
      else {
        this.parts[this.parts.length - 1] = p.slice(0, end);
        break;
      }
    }
    const p = this.parts[this.parts.length - 1];
    this.last = p ? p[p.length - 1]! : '';
  }

  toString(): string {
    return this.parts.join('');
  }
}

function pushAll(tasks: Task[], inOrder: Task[]): void {
  for (let i = inOrder.length - 1; i >= 0; i--) tasks.push(inOrder[i]!);
}

/** A comment's text when no source is given: `text` as the parser stored it, with delimiters added if it lacks them. */
function commentText(c: Comment): string {
  const t = c.text;
  if (c.style === 'hash') return t.startsWith('#') ? t : '#' + t;
  if (c.style === 'line') return t.startsWith('//') ? t : '//' + t;
  return t.startsWith('/*') ? t : `/*${t}*/`;
}

const SUBJECT = [0x73, 0x75, 0x62, 0x6a, 0x65, 0x63, 0x74, 0x2e]; // "subject."

/** The parser classifies certificate keys by prefix, so only `subject.` keys come back as certField. */
function startsWithSubject(bytes: Uint8Array): boolean {
  return bytes.length >= SUBJECT.length && SUBJECT.every((b, i) => bytes[i] === b);
}
