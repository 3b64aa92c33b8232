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

export class Frame {
  /** Offset of the first real token read, -1 while none. */
  start = -1;
  /** End (exclusive) of the last real token read. */
  end = -1;
  recovered = false;
}

export class RequirementFrame extends Frame {
  element: ElementFrame | undefined = undefined;
}

export class SetFrame extends Frame {}

export class EntryFrame extends Frame {
  /** The requirement type token (keyword or INTEGER); undefined when requirementType failed. */
  type: IToken | undefined = undefined;
  element: ElementFrame | undefined = undefined;
}

export class ElementFrame extends Frame {
  expr: ListFrame | undefined = undefined;
}

/** `expr` (terms joined by `or`) and `term` (primaries joined by `and`). */
export class ListFrame extends Frame {
  readonly items: Array<ListFrame | PrimaryFrame> = [];
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

export class PrimaryFrame extends Frame {
  alt = PrimaryAlt.None;
  /** The token the alternative starts with (`!`, a keyword, `(`). */
  first: IToken | undefined = undefined;
  /** HASHCONSTANT of cdhash, INTEGER of platform, `)` of a parenthesised expression. */
  arg: IToken | undefined = undefined;
  /** The operand of `!`, a certspec, info/entitlement spec, or the expression in parentheses. */
  node: PrimaryFrame | CertFrame | InfoFrame | ListFrame | undefined = undefined;
  /** identifierString of `identifier` or of a named code `(NAME)`. */
  name: IToken | undefined = undefined;
}

export class CertFrame extends Frame {
  anchor: IToken | undefined = undefined;
  generic: IToken | undefined = undefined;
  trusted: IToken | undefined = undefined;
  appleanchor: AppleAnchorFrame | undefined = undefined;
  slot: SlotFrame | undefined = undefined;
  spec: SlotSpecFrame | undefined = undefined;
}

export class AppleAnchorFrame extends Frame {
  generic: IToken | undefined = undefined;
  /** identifierString was entered (its token is `name`, undefined when it failed). */
  named = false;
  name: IToken | undefined = undefined;
}

export class SlotFrame extends Frame {
  leaf: IToken | undefined = undefined;
  root: IToken | undefined = undefined;
  neg: IToken | undefined = undefined;
  integer: IToken | undefined = undefined;
}

export class SlotSpecFrame extends Frame {
  /** `=` or `==` before a digest. */
  eq: IToken | undefined = undefined;
  /** certificateDigest was entered (its token is `digest`, undefined when it failed). */
  digested = false;
  digest: IToken | undefined = undefined;
  key: KeyFrame | undefined = undefined;
  suffix: SuffixFrame | undefined = undefined;
}

export class InfoFrame extends Frame {
  key: KeyFrame | undefined = undefined;
  suffix: SuffixFrame | undefined = undefined;
}

export class KeyFrame extends Frame {
  key: IToken | undefined = undefined;
  rbrack: IToken | undefined = undefined;
}

export class SuffixFrame extends Frame {
  exists: IToken | undefined = undefined;
  absent: IToken | undefined = undefined;
  op: IToken | undefined = undefined;
  leadStar: IToken | undefined = undefined;
  trailStar: IToken | undefined = undefined;
  timestamp: TimestampFrame | undefined = undefined;
  /** datavalue was entered (its token is `value`, undefined when it failed). */
  valued = false;
  value: IToken | undefined = undefined;
}

export class TimestampFrame extends Frame {
  string: IToken | undefined = undefined;
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
