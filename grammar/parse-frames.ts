/**
 * What the parser (parse-rules.ts) records of one rule invocation: the tokens
 * and sub-results grammar/parse-ast.ts needs to build the AST, and the span
 * of the real tokens read (tokens inserted by Chevrotain's recovery have no
 * offsets and do not count). One small class per rule with fixed fields,
 * instead of Chevrotain's CST nodes with a dictionary of token lists each.
 *
 * `recovered` is set when Chevrotain re-synchronised after an error inside the
 * rule: the frame then holds what was read before the error (as a CST node
 * with `recoveredNode` did).
 */
import type { IToken } from 'chevrotain';

/** What every frame has (fields set in each class's constructor: one hidden class per rule, no field initialisers). */
export interface Frame {
  /** Offset of the first real token read, -1 while none. */
  start: number;
  /** End (exclusive) of the last real token read. */
  end: number;
  recovered: boolean;
}

export class RequirementFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare element: ElementFrame | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.element = undefined;
  }
}

export class SetFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
  }
}

export class EntryFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  /** The requirement type token (keyword or INTEGER); undefined when requirementType failed. */
  declare type: IToken | undefined;
  declare element: ElementFrame | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.type = undefined;
    this.element = undefined;
  }
}

export class ElementFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare expr: ListFrame | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.expr = undefined;
  }
}

export class ListFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare readonly items: Array<ListFrame | PrimaryFrame>;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.items = [];
  }
}

export const enum PrimaryAlt {
  None,
  Not,
  True,
  False,
  Cert,
  Info,
  Entitlement,
  Identifier,
  Cdhash,
  Platform,
  Notarized,
  Legacy,
  Paren,
  Named,
}

export class PrimaryFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare alt: PrimaryAlt;
  /** The token the alternative starts with (`!`, a keyword, `(`). */
  declare first: IToken | undefined;
  /** HASHCONSTANT of cdhash, INTEGER of platform, `)` of a parenthesised expression. */
  declare arg: IToken | undefined;
  /** The operand of `!`, a certspec, info/entitlement spec, or the expression in parentheses. */
  declare node: PrimaryFrame | CertFrame | InfoFrame | ListFrame | undefined;
  /** identifierString of `identifier` or of a named code `(NAME)`. */
  declare name: IToken | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.alt = PrimaryAlt.None;
    this.first = undefined;
    this.arg = undefined;
    this.node = undefined;
    this.name = undefined;
  }
}

export class CertFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare anchor: IToken | undefined;
  declare generic: IToken | undefined;
  declare trusted: IToken | undefined;
  declare appleanchor: AppleAnchorFrame | undefined;
  declare slot: SlotFrame | undefined;
  declare spec: SlotSpecFrame | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.anchor = undefined;
    this.generic = undefined;
    this.trusted = undefined;
    this.appleanchor = undefined;
    this.slot = undefined;
    this.spec = undefined;
  }
}

export class AppleAnchorFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare generic: IToken | undefined;
  /** identifierString was entered (its token is `name`, undefined when it failed). */
  declare named: boolean;
  declare name: IToken | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.generic = undefined;
    this.named = false;
    this.name = undefined;
  }
}

export class SlotFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare leaf: IToken | undefined;
  declare root: IToken | undefined;
  declare neg: IToken | undefined;
  declare integer: IToken | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.leaf = undefined;
    this.root = undefined;
    this.neg = undefined;
    this.integer = undefined;
  }
}

export class SlotSpecFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  /** `=` or `==` before a digest. */
  declare eq: IToken | undefined;
  /** certificateDigest was entered (its token is `digest`, undefined when it failed). */
  declare digested: boolean;
  declare digest: IToken | undefined;
  declare key: KeyFrame | undefined;
  declare suffix: SuffixFrame | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.eq = undefined;
    this.digested = false;
    this.digest = undefined;
    this.key = undefined;
    this.suffix = undefined;
  }
}

export class InfoFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare key: KeyFrame | undefined;
  declare suffix: SuffixFrame | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.key = undefined;
    this.suffix = undefined;
  }
}

export class KeyFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare key: IToken | undefined;
  declare rbrack: IToken | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.key = undefined;
    this.rbrack = undefined;
  }
}

export class SuffixFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare exists: IToken | undefined;
  declare absent: IToken | undefined;
  declare op: IToken | undefined;
  declare leadStar: IToken | undefined;
  declare trailStar: IToken | undefined;
  declare timestamp: TimestampFrame | undefined;
  /** datavalue was entered (its token is `value`, undefined when it failed). */
  declare valued: boolean;
  declare value: IToken | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.exists = undefined;
    this.absent = undefined;
    this.op = undefined;
    this.leadStar = undefined;
    this.trailStar = undefined;
    this.timestamp = undefined;
    this.valued = false;
    this.value = undefined;
  }
}

export class TimestampFrame implements Frame {
  declare start: number;
  declare end: number;
  declare recovered: boolean;
  declare string: IToken | undefined;
  constructor() {
    this.start = -1;
    this.end = -1;
    this.recovered = false;
    this.string = undefined;
  }
}

/** Whether a token was read from the text (not inserted by recovery). */
export function realToken(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

/** Adds a token read by the rule to its span. */
export function addToken(f: Frame, t: IToken): void {
  if (!realToken(t)) return;
  if (f.start < 0) f.start = t.startOffset;
  f.end = t.startOffset + t.image.length;
}

/** Adds a sub-rule's span (it returned, normally or recovered). */
export function addFrame(f: Frame, c: Frame | undefined): void {
  if (c === undefined || !(c.start >= 0)) return;
  if (f.start < 0) f.start = c.start;
  f.end = c.end;
}
