/**
 * POSIX extended regular expressions as Apple's resource rules use them:
 * `regcomp(REG_EXTENDED | REG_NOSUB)` then `regexec` on the relative path
 * (Security, libsecurity_codesigning/lib/resources.cpp, ResourceBuilder::Rule).
 * With REG_NOSUB only "does it match anywhere" matters, which a Thompson NFA
 * answers in time linear in path × pattern, unlike a backtracking engine:
 * a hostile CodeResources cannot make matching exponential (`(a*)*$` and
 * friends). Backreferences cannot be matched that way and are refused, as are
 * the GNU/enhanced escapes (`\d`, `\w`, …) that plain REG_EXTENDED lacks.
 */

export class RegexError extends Error {}

/** Far longer than any real rule (Apple's longest default is 89 characters). */
export const MAX_PATTERN_LENGTH = 1024;
/** RE_DUP_MAX on macOS. */
const MAX_REPEAT = 255;
/**
 * Bounds memory and the per-character cost of matching. Apple's default rules
 * need at most 112 states; a rule near this limit costs up to this many
 * steps per character of every path it is tried on, which the caller's step
 * budget (MatchBudget) bounds over a whole verification.
 */
export const MAX_NFA_STATES = 2_000;

/** Automaton steps left for matching; shared by every expression a verification runs. */
export interface MatchBudget {
  steps: number;
}

/** Thrown by PosixRegex.test when the MatchBudget runs out. */
export class MatchBudgetExceeded extends Error {}
const BUDGET_MESSAGE = 'regular expression matching used up its budget of steps';

type CharTest = (c: number) => boolean;
type Node =
  | { t: 'char'; test: CharTest; lit?: number }
  | { t: 'bol' }
  | { t: 'eol' }
  | { t: 'cat'; parts: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }; // max -1: unbounded

const CLASSES: Record<string, CharTest> = {
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  digit: (c) => c >= 48 && c <= 57,
  alnum: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57),
  upper: (c) => c >= 65 && c <= 90,
  lower: (c) => c >= 97 && c <= 122,
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  blank: (c) => c === 32 || c === 9,
  punct: (c) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126),
  print: (c) => c >= 32 && c <= 126,
  graph: (c) => c >= 33 && c <= 126,
  cntrl: (c) => c < 32 || c === 127,
  xdigit: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
};

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation(0);
    if (this.i < this.src.length) this.fail(`unmatched ")"`);
    return node;
  }

  private fail(what: string): never {
    throw new RegexError(`${what} at offset ${this.i}`);
  }

  private alternation(depth: number): Node {
    if (depth > 64) this.fail('groups nested deeper than 64 levels');
    const options = [this.branch(depth)];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.branch(depth));
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private branch(depth: number): Node {
    const parts: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      let atom = this.atom(depth);
      for (;;) {
        const q = this.quantifier();
        if (!q) break;
        if (atom.t === 'bol' || atom.t === 'eol') this.fail('a quantifier after an anchor');
        atom = { t: 'rep', node: atom, min: q.min, max: q.max };
      }
      parts.push(atom);
    }
    return parts.length === 1 ? parts[0]! : { t: 'cat', parts };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const c = this.src[this.i];
    if (c === '*') return this.i++, { min: 0, max: -1 };
    if (c === '+') return this.i++, { min: 1, max: -1 };
    if (c === '?') return this.i++, { min: 0, max: 1 };
    if (c !== '{') return undefined;
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.src.slice(this.i));
    if (!m) this.fail('a malformed {m,n} repetition');
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max !== -1 && max < min)) this.fail(`a repetition {${m[1]}${m[2] ?? ''}} outside 0..${MAX_REPEAT}`);
    this.i += m[0].length;
    return { min, max };
  }

  private atom(depth: number): Node {
    const c = this.src[this.i]!;
    switch (c) {
      case '(': {
        this.i++;
        const inner = this.alternation(depth + 1);
        if (this.src[this.i] !== ')') this.fail('unmatched "("');
        this.i++;
        return inner;
      }
      case '.':
        this.i++;
        return { t: 'char', test: () => true };
      case '^':
        this.i++;
        return { t: 'bol' };
      case '$':
        this.i++;
        return { t: 'eol' };
      case '[':
        return this.bracket();
      case '*':
      case '+':
      case '?':
      case '{':
        this.fail(`"${c}" with nothing to repeat`);
      // falls through: fail never returns
      case '\\': {
        const next = this.src[this.i + 1];
        if (next === undefined) this.fail('a trailing backslash');
        if (/[0-9]/.test(next)) this.fail(`a backreference \\${next} (not supported: it cannot be matched in bounded time)`);
        if (/[A-Za-z]/.test(next)) this.fail(`the escape \\${next}, which POSIX extended expressions do not define`);
        this.i += 2;
        const code = next.charCodeAt(0);
        return { t: 'char', test: (x) => x === code, lit: code };
      }
      default: {
        this.i++;
        const code = c.charCodeAt(0);
        return { t: 'char', test: (x) => x === code, lit: code };
      }
    }
  }

  /** A bracket expression; a backslash is an ordinary character inside one (POSIX). */
  private bracket(): Node {
    const src = this.src;
    this.i++;
    let negate = false;
    if (src[this.i] === '^') {
      negate = true;
      this.i++;
    }
    const tests: CharTest[] = [];
    let first = true;
    for (;;) {
      if (this.i >= src.length) this.fail('unmatched "["');
      const c = src[this.i]!;
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[' && (src[this.i + 1] === ':' || src[this.i + 1] === '.' || src[this.i + 1] === '=')) {
        const kind = src[this.i + 1]!;
        const end = src.indexOf(kind + ']', this.i + 2);
        if (end < 0) this.fail(`unterminated [${kind}`);
        const name = src.slice(this.i + 2, end);
        if (kind !== ':') this.fail(`collating elements [${kind}${name}${kind}] are not supported`);
        const cls = CLASSES[name];
        if (!cls) this.fail(`unknown character class [:${name}:]`);
        tests.push(cls);
        this.i = end + 2;
        continue;
      }
      const lo = c.charCodeAt(0);
      this.i++;
      if (src[this.i] === '-' && src[this.i + 1] !== undefined && src[this.i + 1] !== ']') {
        const hi = src.charCodeAt(this.i + 1);
        if (hi < lo) this.fail('a character range out of order');
        this.i += 2;
        tests.push((x) => x >= lo && x <= hi);
      } else {
        tests.push((x) => x === lo);
      }
    }
    return { t: 'char', test: negate ? (x) => !tests.some((t) => t(x)) : (x) => tests.some((t) => t(x)) };
  }
}

// NFA: states in parallel arrays; kind 0 char, 1 split (two epsilons), 2 bol, 3 eol, 4 match.
const CHAR = 0,
  SPLIT = 1,
  BOL = 2,
  EOL = 3,
  MATCH = 4;

class Builder {
  kind: number[] = [];
  out1: number[] = [];
  out2: number[] = [];
  test: (CharTest | undefined)[] = [];

  add(kind: number, test?: CharTest): number {
    if (this.kind.length >= MAX_NFA_STATES) throw new RegexError(`the expression needs more than ${MAX_NFA_STATES} automaton states`);
    this.kind.push(kind);
    this.out1.push(-1);
    this.out2.push(-1);
    this.test.push(test);
    return this.kind.length - 1;
  }

  /** Builds `node` so that it continues at `next`; returns its entry state. */
  build(node: Node, next: number): number {
    switch (node.t) {
      case 'char': {
        const s = this.add(CHAR, node.test);
        this.out1[s] = next;
        return s;
      }
      case 'bol':
      case 'eol': {
        const s = this.add(node.t === 'bol' ? BOL : EOL);
        this.out1[s] = next;
        return s;
      }
      case 'cat': {
        let entry = next;
        for (let k = node.parts.length - 1; k >= 0; k--) entry = this.build(node.parts[k]!, entry);
        return entry;
      }
      case 'alt': {
        // A chain of splits, one per option.
        let entry = this.build(node.options[node.options.length - 1]!, next);
        for (let k = node.options.length - 2; k >= 0; k--) {
          const s = this.add(SPLIT);
          this.out1[s] = this.build(node.options[k]!, next);
          this.out2[s] = entry;
          entry = s;
        }
        return entry;
      }
      case 'rep': {
        let entry = next;
        if (node.max === -1) {
          // x* : split → (x → split) | next
          const loop = this.add(SPLIT);
          this.out1[loop] = this.build(node.node, loop);
          this.out2[loop] = next;
          entry = loop;
        } else {
          for (let k = node.max - node.min; k > 0; k--) {
            const s = this.add(SPLIT);
            this.out1[s] = this.build(node.node, entry);
            this.out2[s] = next;
            entry = s;
          }
        }
        for (let k = 0; k < node.min; k++) entry = this.build(node.node, entry);
        return entry;
      }
    }
  }
}

/** A compiled POSIX extended regular expression, matched like `regexec(…, REG_NOSUB)`. */
export class PosixRegex {
  private readonly kind: Uint8Array;
  private readonly out1: Int32Array;
  private readonly out2: Int32Array;
  private readonly tests: (CharTest | undefined)[];
  private readonly start: number;
  /** `^literal…`: the literal, checked before running the automaton (most rules are of this form). */
  private readonly prefix: string | undefined;
  /** Starts with `^`: no match can begin after position 0. */
  private readonly anchored: boolean;
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  private readonly listA: Int32Array;
  private readonly listB: Int32Array;
  /** Entries filled in the list `closure` writes to. */
  private count = 0;
  private generation = 0;
  /** States visited by closure since the last charge to the budget. */
  private visited = 0;

  constructor(readonly source: string) {
    if (source.length > MAX_PATTERN_LENGTH) throw new RegexError(`longer than ${MAX_PATTERN_LENGTH} characters`);
    const ast = new Parser(source).parse();
    const first = ast.t === 'cat' ? ast.parts[0] : ast;
    this.anchored = first?.t === 'bol';
    let prefix = '';
    if (ast.t === 'cat' && this.anchored) {
      for (const part of ast.parts.slice(1)) {
        if (part.t !== 'char' || part.lit === undefined) break;
        prefix += String.fromCharCode(part.lit);
      }
    }
    this.prefix = prefix === '' ? undefined : prefix;
    const b = new Builder();
    const match = b.add(MATCH);
    this.start = b.build(ast, match);
    this.kind = Uint8Array.from(b.kind);
    this.out1 = Int32Array.from(b.out1);
    this.out2 = Int32Array.from(b.out2);
    this.tests = b.test;
    this.mark = new Int32Array(b.kind.length);
    this.stack = new Int32Array(b.kind.length * 2 + 2);
    this.listA = new Int32Array(b.kind.length);
    this.listB = new Int32Array(b.kind.length);
  }

  /** Automaton states: the per-character cost of matching, at worst. */
  get states(): number {
    return this.kind.length;
  }

  /**
   * True if the expression matches anywhere in `text` (it is unanchored unless
   * it says `^`/`$`). Each state visited costs one step of `budget`; when it
   * runs out, MatchBudgetExceeded is thrown.
   */
  test(text: string, budget?: MatchBudget): boolean {
    if (this.prefix !== undefined && !text.startsWith(this.prefix)) return false;
    this.visited = 0;
    let matched: boolean;
    try {
      matched = this.run(text, budget);
    } finally {
      if (budget) budget.steps -= this.visited;
    }
    if (budget && budget.steps < 0) throw new MatchBudgetExceeded(BUDGET_MESSAGE);
    return matched;
  }

  private run(text: string, budget: MatchBudget | undefined): boolean {
    const n = text.length;
    // Two preallocated lists: closure writes the character states waiting for the next character into
    // one; stepping writes their successors into the other, which the next closure pass reads.
    const waiting = this.listA;
    const stepped = this.listB;
    let steppedCount = 0;
    for (let i = 0; i <= n; i++) {
      this.generation++;
      if (this.generation === 0x7fffffff) {
        this.mark.fill(0);
        this.generation = 1;
      }
      const gen = this.generation;
      this.count = 0;
      for (let k = 0; k < steppedCount; k++) if (this.closure(stepped[k]!, i, n, gen, waiting)) return true;
      // Re-entering the start state at every position is the unanchored search.
      if (i === 0 || !this.anchored) {
        if (this.closure(this.start, i, n, gen, waiting)) return true;
      } else if (this.count === 0) return false;
      if (i === n) break;
      const c = text.charCodeAt(i);
      steppedCount = 0;
      const count = this.count;
      this.visited += count;
      if (budget && budget.steps - this.visited < 0) throw new MatchBudgetExceeded(BUDGET_MESSAGE);
      for (let k = 0; k < count; k++) {
        const st = waiting[k]!;
        if (this.tests[st]!(c)) stepped[steppedCount++] = this.out1[st]!;
      }
    }
    return false;
  }

  /** Follows epsilon edges from `s`, collecting character states into `into`; true when MATCH is reached. */
  private closure(s: number, i: number, n: number, gen: number, into: Int32Array): boolean {
    const stack = this.stack;
    let top = 0;
    stack[top++] = s;
    while (top > 0) {
      const q = stack[--top]!;
      if (q < 0 || this.mark[q] === gen) continue;
      this.mark[q] = gen;
      this.visited++;
      switch (this.kind[q]) {
        case MATCH:
          return true;
        case CHAR:
          into[this.count++] = q;
          break;
        case SPLIT:
          stack[top++] = this.out2[q]!;
          stack[top++] = this.out1[q]!;
          break;
        case BOL:
          if (i === 0) stack[top++] = this.out1[q]!;
          break;
        case EOL:
          if (i === n) stack[top++] = this.out1[q]!;
          break;
      }
    }
    return false;
  }
}
