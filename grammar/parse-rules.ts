/**
 * The Chevrotain grammar of the requirement language, rule for rule and
 * decision for decision the one Apple's ANTLR 2 parser makes (spec §2;
 * [SEC] RequirementParser.cpp, LL(2)).
 *
 * Embedded actions, no CST: each rule invocation fills one small frame
 * (parse-frames.ts) with the tokens and sub-frames grammar/parse-ast.ts turns
 * into the AST; a requirement set hands each entry over as soon as it is
 * read, so its frames do not outlive it.
 *
 * Where Apple's generated code chooses an empty alternative only for an
 * explicit set of next tokens (and otherwise reports `unexpected token`), the
 * rule checks that set in an action before a plain OPTION, so the first error
 * we find is the first error Apple finds, on the same token and of the same
 * kind. The error messages are Apple's own wording (see appleMessages);
 * grammar/parse-errors.ts adds the human explanation.
 *
 * The parser is built once per process.
 */
import {
  EarlyExitException, EmbeddedActionsParser, EOF, NoViableAltException, type IOrAlt, type IRecognitionException, type IParserErrorMessageProvider, type IToken, type TokenType,
} from 'chevrotain';
import {
  ALL_TOKEN_TYPES, APPLE_TOKEN_NAME, ARROW, COMMA, DOTKEY, EQL, EQQL, GE, GT, HASHCONSTANT, HEXCONSTANT, INTEGER, KW,
  LBRACK, LE, LESS, LPAREN, NEG, NOT, PATHNAME, RBRACK, RPAREN, SEMI, STAR, STRING, SUBS, type TokenPayload,
} from './lexer.js';
import {
  addFrame, addToken, AppleAnchorFrame, CertFrame, ElementFrame, EntryFrame, type Frame, InfoFrame, KeyFrame, ListFrame, PrimaryAlt, PrimaryFrame,
  RequirementFrame, SetFrame, SlotFrame, SlotSpecFrame, SuffixFrame, TimestampFrame,
} from './parse-frames.js';
import { readFollows, TableLookaheadStrategy, tokensByName } from './parse-lookahead.js';
import { LOOKAHEAD_PATHS, RESYNC_FOLLOWS } from './parse-lookahead-table.js';

/** The text ANTLR shows for a token: STRING without quotes, hash and hex constants as digits only. */
export function appleTokenText(t: IToken): string {
  if (t.tokenType === EOF) return '';
  const p = t.payload as TokenPayload | undefined;
  if (p?.value !== undefined) return p.value;
  return t.image;
}

/** Apple's wording (ANTLR 2 RecognitionException messages), without the `line L:C: ` prefix. */
const appleMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expecting ${APPLE_TOKEN_NAME.get(expected) ?? expected.name}, found '${appleTokenText(actual)}'`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expecting EOF, found '${appleTokenText(firstRedundant)}'`;
  },
  buildNoViableAltMessage({ actual }) {
    return unexpected(actual[0]!);
  },
  buildEarlyExitMessage({ actual }) {
    return unexpected(actual[0]!);
  },
};

function unexpected(t: IToken): string {
  return t.tokenType === EOF ? 'unexpected end of file' : `unexpected token: ${appleTokenText(t)}`;
}

/** Parser errors kept per document; the parse stops reading input after that many. */
export const MAX_ERRORS = 100;

const set = (...types: TokenType[]) => new Set(types.map((t) => t.tokenTypeIdx!));

/** Tokens that may follow an expression (Apple's _tokenSet_9). */
const EXPR_FOLLOW = set(EOF, KW.guest, KW.host, KW.designated, KW.library, KW.plugin, KW.or, KW.and, RPAREN, INTEGER, SEMI);
/** The empty alternative of `eql` (Apple's _tokenSet_12). */
const EQL_EMPTY = set(HASHCONSTANT, DOTKEY, STRING, PATHNAME, INTEGER);
const EQL_START = set(EQL, EQQL);
const APPLEANCHOR_START = set(KW.generic, DOTKEY, STRING);
const SUFFIX_START = set(KW.exists, KW.absent, EQL, EQQL, SUBS, LESS, GT, LE, GE);
const STAR_START = set(STAR);

/** First tokens of a single requirement / of a set (autosense, spec §2.1). */
export const REQUIREMENT_START = set(
  LPAREN, NOT, KW.always, KW.true, KW.never, KW.false, KW.identifier, KW.cdhash, KW.platform, KW.notarized,
  KW.legacy, KW.anchor, KW.certificate, KW.cert, KW.info, KW.entitlement,
);
export const SET_START = set(KW.guest, KW.host, KW.designated, KW.library, KW.plugin, INTEGER);

/** The token types the generated lookahead table names. */
const TABLE_TOKEN_TYPES = [...ALL_TOKEN_TYPES, COMMA, EOF];

/** Where the parser hands each set entry (grammar/parse-ast.ts's AstBuilder). */
export interface EntrySink {
  setEntry(entry: EntryFrame): void;
}

/** Chevrotain's rule-stack depth: the index of the current rule's frame. */
interface EngineState {
  RULE_STACK_IDX: number;
  RECORDING_PHASE: boolean;
}

/** Chevrotain's engine methods the parser hooks into (see ruleInvocationStateUpdate). */
interface Hooks {
  ruleInvocationStateUpdate(shortName: number, fullName: string, idxInCallingRule: number): void;
  invokeRuleCatch(e: Error, resyncEnabledConfig: boolean, recoveryValueFunc: (e: Error) => unknown): unknown;
  ruleFinallyStateUpdate(): void;
}

/** Chevrotain's token access (what consumeInternal uses). */
interface Lookahead {
  LA_FAST(howMuch: number): IToken;
  tokenMatcher(token: IToken, type: TokenType): boolean;
  consumeToken(): void;
}

/** A rule as Chevrotain's RULE returns it. */
interface WrappedRule {
  ruleName: string;
  originalGrammarAction: (this: unknown) => unknown;
  coreRule: (this: never) => unknown;
}

/** Chevrotain's recovery value of a rule without a recoveryValueFunc. */
const noRecoveryValue = (): undefined => undefined;

/** Written to while Chevrotain records the grammar (rules run once without input, their results unused). */
const RECORDING_FRAME = new (class extends PrimaryFrame {})() as unknown as Frame;

class RequirementParser extends EmbeddedActionsParser {
  /**
   * Alternatives are built once per call site (`this.altCache[site] ??= [...]`,
   * no closure per call): they reach the rule's frame through top(), and
   * allocating them on every invocation dominated the parse time.
   */
  private readonly altCache: IOrAlt<unknown>[][] = [];
  /** The frame of each rule on the stack, by depth: a recovering rule returns what it had read. */
  private readonly frames: Array<Frame | undefined> = [];
  /**
   * Receives each set entry as soon as it is read. An object with a method,
   * not a closure per parse: the call site's feedback would hold the last
   * closure, and young-generation GCs treat that weak link as strong, so each
   * parse's closure kept its text, tokens and AST alive into old space.
   */
  entrySink: EntrySink | undefined = undefined;

  /**
   * Chevrotain's grammar validations cost start-up time in every process and
   * can only fail on a change to this file, so they run in the grammar tests
   * (`validate: true`) rather than in the shipped parser.
   */
  /*
   * The lookahead paths and the resync follow sets are read from
   * parse-lookahead-table.ts, generated from Chevrotain's own analysis (and
   * checked against it in the grammar tests), instead of being computed in
   * every process; the validated parser computes them as Chevrotain does.
   */
  constructor(options: { validate?: boolean } = {}) {
    const tables = !options.validate;
    super([...ALL_TOKEN_TYPES, COMMA], {
      skipValidations: !options.validate,
      recoveryEnabled: true,
      maxLookahead: 2,
      lookaheadStrategy: new TableLookaheadStrategy({ maxLookahead: 2, tokenTypes: TABLE_TOKEN_TYPES, ...(tables ? { table: LOOKAHEAD_PATHS } : {}) }),
      errorMessageProvider: appleMessages,
    });
    const follows = tables && Object.keys(RESYNC_FOLLOWS).length > 0;
    const recovery = this as unknown as { recoveryEnabled: boolean; resyncFollows: Record<string, TokenType[]> };
    // Chevrotain computes the follow sets in performSelfAnalysis only when recovery is on; they are set here instead.
    if (follows) recovery.recoveryEnabled = false;
    this.performSelfAnalysis();
    if (follows) {
      recovery.recoveryEnabled = true;
      recovery.resyncFollows = readFollows(RESYNC_FOLLOWS, tokensByName(TABLE_TOKEN_TYPES));
    }
  }

  /**
   * Chevrotain calls a sub-rule through its `coreRule`, a wrapper taking rest
   * arguments (an array allocated and spread with `apply` on every rule
   * invocation). No rule here takes arguments, so each gets the same wrapper
   * without them: the state update, the rule, Chevrotain's recovery on an
   * error, and the stack pop in `finally`, as Chevrotain's own does.
   */
  defineRule(name: string, impl: (this: unknown) => unknown, config: { resyncEnabled?: boolean; recoveryValueFunc?: (e: Error) => unknown }): WrappedRule {
    const rule = (EmbeddedActionsParser.prototype as unknown as { defineRule(n: string, i: unknown, c: unknown): WrappedRule }).defineRule.call(this, name, impl, config);
    const shortName = (this as unknown as { fullRuleNameToShort: Record<string, number> }).fullRuleNameToShort[name]!;
    const resyncEnabled = config.resyncEnabled ?? true;
    const recoveryValueFunc = config.recoveryValueFunc ?? noRecoveryValue;
    rule.coreRule = function coreRule(this: Hooks & { subruleIdx: number }): unknown {
      try {
        this.ruleInvocationStateUpdate(shortName, name, this.subruleIdx);
        return impl.call(this);
      } catch (e) {
        return this.invokeRuleCatch(e as Error, resyncEnabled, recoveryValueFunc);
      } finally {
        this.ruleFinallyStateUpdate();
      }
    };
    return rule;
  }

  /**
   * Chevrotain's subruleInternal calls the rule with `apply(this, args)`; with
   * no arguments that generic path kept every rule call out of line. Its catch
   * only hands a partial CST to the caller, which an embedded-actions parser
   * never has, so the error propagates the same.
   */
  subruleInternal(ruleToCall: WrappedRule, idx: number): unknown {
    (this as unknown as { subruleIdx: number }).subruleIdx = idx;
    return ruleToCall.coreRule.call(this as never);
  }

  /** The expected token, taken without Chevrotain's try/catch; a mismatch goes the whole way (error, in-rule recovery). */
  consumeInternal(tokType: TokenType, idx: number, options: unknown): IToken {
    const self = this as unknown as Lookahead;
    const next = self.LA_FAST(1);
    if (self.tokenMatcher(next, tokType)) {
      self.consumeToken();
      return next;
    }
    return (EmbeddedActionsParser.prototype as unknown as { consumeInternal(t: TokenType, i: number, o: unknown): IToken }).consumeInternal.call(this, tokType, idx, options);
  }

  private get engine(): EngineState {
    return this as unknown as EngineState;
  }

  /** Registers the frame of the rule being entered. */
  private enter<F extends Frame>(f: F): F {
    const e = this.engine;
    if (!e.RECORDING_PHASE) this.frames[e.RULE_STACK_IDX] = f;
    return f;
  }

  /** The current rule's frame (inside alternatives built once per call site). */
  private top<F extends Frame>(): F {
    const e = this.engine;
    return (e.RECORDING_PHASE ? RECORDING_FRAME : this.frames[e.RULE_STACK_IDX]) as F;
  }

  /** Recovery value of a rule with a frame: the frame (marked recovered by invokeRuleCatch), with what was read before the error. */
  private readonly recovered = <F extends Frame>(): F => this.frames[this.engine.RULE_STACK_IDX] as F;

  /*
   * Chevrotain's CST attaches a rule's node to its parent's even when the
   * rule fails and the error propagates further up (marked recovered, with
   * what it had read), and a node's span covers its children's tokens. The
   * three hooks below give frames the same life: cleared at rule entry,
   * marked recovered when the rule catches an error, and added to the parent's
   * span at every exit. Structure that matters under recovery (a requirement's
   * element, expression lists, a primary's operand) is linked at entry.
   */
  ruleInvocationStateUpdate(shortName: number, fullName: string, idxInCallingRule: number): void {
    (EmbeddedActionsParser.prototype as unknown as Hooks).ruleInvocationStateUpdate.call(this, shortName, fullName, idxInCallingRule);
    this.frames[this.engine.RULE_STACK_IDX] = undefined;
  }

  invokeRuleCatch(e: Error, resyncEnabledConfig: boolean, recoveryValueFunc: (e: Error) => unknown): unknown {
    const f = this.frames[this.engine.RULE_STACK_IDX];
    if (f !== undefined) f.recovered = true;
    return (EmbeddedActionsParser.prototype as unknown as Hooks).invokeRuleCatch.call(this, e, resyncEnabledConfig, recoveryValueFunc);
  }

  ruleFinallyStateUpdate(): void {
    const idx = this.engine.RULE_STACK_IDX;
    const f = this.frames[idx];
    if (f !== undefined) {
      if (idx > 0) addFrame(this.frames[idx - 1]!, f);
      // A set's entries are at depth 1 (requirementSet → setEntry): the depth is checked before the class.
      if (idx === 1 && f instanceof EntryFrame) this.entrySink?.setEntry(f);
    }
    (EmbeddedActionsParser.prototype as unknown as Hooks).ruleFinallyStateUpdate.call(this);
  }

  /** The frame of the rule that called the current one. */
  private parentFrame(): Frame | undefined {
    const e = this.engine;
    return e.RECORDING_PHASE ? undefined : this.frames[e.RULE_STACK_IDX - 1];
  }

  private tok(f: Frame, type: TokenType, idx = 0): IToken {
    const t = this.consume(idx, type);
    addToken(f, t);
    return t;
  }

  /**
   * Apple takes an optional part's empty alternative only when the next token
   * is in an explicit set, and reports `unexpected token` otherwise. Gated
   * empty alternatives would say the same but make Chevrotain use its slow
   * predicate lookahead on every decision, so the check runs here, before a
   * plain OPTION (not while Chevrotain records the grammar, as for an ACTION).
   */
  private emptyOnlyBefore(start: ReadonlySet<number>, follow: ReadonlySet<number>): void {
    if (this.engine.RECORDING_PHASE) return;
    const la = this.LA(1).tokenTypeIdx;
    if (!start.has(la) && !follow.has(la)) this.raiseNoAltException();
  }

  /**
   * Chevrotain computes every expected path of a failed decision to word its
   * message; Apple's message needs only the next token, and the path
   * computation made hostile inputs with thousands of errors take seconds.
   */
  raiseNoAltException(): never {
    throw this.SAVE_ERROR(new NoViableAltException(unexpected(this.LA(1)), this.LA(1), this.LA(0)));
  }

  raiseEarlyExitException(): never {
    throw this.SAVE_ERROR(new EarlyExitException(unexpected(this.LA(1)), this.LA(1), this.LA(0)));
  }

  /** After MAX_ERRORS the rest of the input is skipped: later errors are noise and cost time. */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    if (this.errors.length >= MAX_ERRORS) {
      (this as unknown as { moveToTerminatedState(): void }).moveToTerminatedState();
      return error;
    }
    return (EmbeddedActionsParser.prototype as unknown as { SAVE_ERROR(e: IRecognitionException): IRecognitionException }).SAVE_ERROR.call(this, error);
  }

  /** Clears what the last parse left (the parser is a singleton: let go of the text's tokens). */
  release(): void {
    this.input = [];
    // Emptied, not shrunk: the next parse would grow the array again, rule by rule.
    if (this.frames.length > 64) this.frames.length = 0;
    else this.frames.fill(undefined);
    this.entrySink = undefined;
  }

  public requirement = this.RULE('requirement', (): RequirementFrame => {
    const f = this.enter(new RequirementFrame());
    this.SUBRULE(this.requirementElement);
    this.CONSUME(EOF);
    return f;
  }, { recoveryValueFunc: this.recovered });

  public requirementSet = this.RULE('requirementSet', (): SetFrame => {
    const f = this.enter(new SetFrame());
    // Each entry goes to entrySink when it ends (ruleFinallyStateUpdate), also when it fails.
    this.AT_LEAST_ONE(this.entry);
    this.CONSUME(EOF);
    return f;
  }, { recoveryValueFunc: this.recovered });

  private readonly entry = (): void => {
    this.SUBRULE(this.setEntry);
  };

  public setEntry = this.RULE('setEntry', (): EntryFrame => {
    const f = this.enter(new EntryFrame());
    const type = this.SUBRULE(this.requirementType);
    f.type = type;
    if (type !== undefined) addToken(f, type);
    this.tok(f, ARROW);
    this.SUBRULE(this.requirementElement);
    return f;
  }, { recoveryValueFunc: this.recovered });

  public requirementType = this.RULE('requirementType', (): IToken => {
    return this.OR((this.altCache[1] ??= [
      { ALT: () => this.CONSUME(KW.guest) },
      { ALT: () => this.CONSUME(KW.host) },
      { ALT: () => this.CONSUME(KW.designated) },
      { ALT: () => this.CONSUME(KW.library) },
      { ALT: () => this.CONSUME(KW.plugin) },
      { ALT: () => this.CONSUME(INTEGER) },
    ])) as IToken;
  });

  public requirementElement = this.RULE('requirementElement', (): ElementFrame => {
    const f = this.enter(new ElementFrame());
    const parent = this.parentFrame();
    if (parent instanceof RequirementFrame || parent instanceof EntryFrame) parent.element = f;
    this.SUBRULE(this.expr);
    this.MANY(this.semicolon);
    return f;
  }, { recoveryValueFunc: this.recovered });

  /* Bodies of repetitions and options: bound once, not a closure per rule invocation. */
  private readonly semicolon = (): void => {
    this.tok(this.top(), SEMI);
  };

  public expr = this.RULE('expr', (): ListFrame => {
    const f = this.enter(new ListFrame());
    const parent = this.parentFrame();
    if (parent instanceof ElementFrame) parent.expr = f;
    else if (parent instanceof PrimaryFrame) parent.node = f;
    this.SUBRULE(this.term);
    this.MANY(this.orTerm);
    return f;
  }, { recoveryValueFunc: this.recovered });

  private readonly orTerm = (): void => {
    this.tok(this.top(), KW.or);
    this.SUBRULE2(this.term);
  };

  public term = this.RULE('term', (): ListFrame => {
    const f = this.enter(new ListFrame());
    (this.parentFrame() as ListFrame | undefined)?.items.push(f);
    this.SUBRULE(this.primary);
    this.MANY(this.andPrimary);
    return f;
  }, { recoveryValueFunc: this.recovered });

  private readonly andPrimary = (): void => {
    this.tok(this.top(), KW.and);
    this.SUBRULE2(this.primary);
  };

  /** Starts a primary alternative: records which one and its first token. */
  private primaryStart(alt: PrimaryAlt, type: TokenType, idx = 0): PrimaryFrame {
    const f = this.top<PrimaryFrame>();
    f.alt = alt;
    f.first = this.tok(f, type, idx);
    return f;
  }

  private primaryNode<C extends Frame>(f: PrimaryFrame, alt: PrimaryAlt, c: C): void {
    f.alt = alt;
    f.node = c as unknown as PrimaryFrame;
  }

  public primary = this.RULE('primary', (): PrimaryFrame => {
    const f = this.enter(new PrimaryFrame());
    const parent = this.parentFrame();
    if (parent instanceof ListFrame) parent.items.push(f);
    else if (parent instanceof PrimaryFrame) parent.node = f;
    this.OR((this.altCache[2] ??= [
      {
        ALT: () => {
          this.primaryStart(PrimaryAlt.Not, NOT);
          this.SUBRULE(this.primary);
        },
      },
      { ALT: () => this.primaryStart(PrimaryAlt.True, KW.always) },
      { ALT: () => this.primaryStart(PrimaryAlt.True, KW.true) },
      { ALT: () => this.primaryStart(PrimaryAlt.False, KW.never) },
      { ALT: () => this.primaryStart(PrimaryAlt.False, KW.false) },
      { ALT: () => this.primaryNode(this.top<PrimaryFrame>(), PrimaryAlt.Cert, this.SUBRULE(this.certspec)) },
      { ALT: () => this.primaryNode(this.top<PrimaryFrame>(), PrimaryAlt.Info, this.SUBRULE(this.infospec)) },
      { ALT: () => this.primaryNode(this.top<PrimaryFrame>(), PrimaryAlt.Entitlement, this.SUBRULE(this.entitlementspec)) },
      {
        ALT: () => {
          const p = this.primaryStart(PrimaryAlt.Identifier, KW.identifier);
          const eq = this.SUBRULE(this.eql);
          if (eq !== undefined) addToken(p, eq);
          const name = this.SUBRULE(this.identifierString);
          p.name = name;
          if (name !== undefined) addToken(p, name);
        },
      },
      {
        ALT: () => {
          const p = this.primaryStart(PrimaryAlt.Cdhash, KW.cdhash);
          const eq = this.SUBRULE2(this.eql);
          if (eq !== undefined) addToken(p, eq);
          p.arg = this.tok(p, HASHCONSTANT);
        },
      },
      {
        ALT: () => {
          const p = this.primaryStart(PrimaryAlt.Platform, KW.platform);
          const eq = this.SUBRULE3(this.eql);
          if (eq !== undefined) addToken(p, eq);
          p.arg = this.tok(p, INTEGER);
        },
      },
      { ALT: () => this.primaryStart(PrimaryAlt.Notarized, KW.notarized) },
      { ALT: () => this.primaryStart(PrimaryAlt.Legacy, KW.legacy) },
      {
        ALT: () => {
          const p = this.primaryStart(PrimaryAlt.Paren, LPAREN);
          this.SUBRULE(this.expr);
          p.arg = this.tok(p, RPAREN);
        },
      },
      {
        ALT: () => {
          const p = this.primaryStart(PrimaryAlt.Named, LPAREN, 2);
          const name = this.SUBRULE2(this.identifierString);
          p.name = name;
          if (name !== undefined) addToken(p, name);
          this.tok(p, RPAREN, 2);
        },
      },
    ]));
    return f;
  }, { recoveryValueFunc: this.recovered });

  public certspec = this.RULE('certspec', (): CertFrame => {
    const f = this.enter(new CertFrame());
    this.OR((this.altCache[3] ??= [
      {
        ALT: () => {
          const c = this.top<CertFrame>();
          const t = this.tok(c, KW.anchor);
          c.anchor ??= t;
          this.tok(c, KW.apple);
          c.appleanchor = this.SUBRULE(this.appleanchor);
        },
      },
      {
        ALT: () => {
          const c = this.top<CertFrame>();
          const t = this.tok(c, KW.anchor, 2);
          c.anchor ??= t;
          c.generic = this.tok(c, KW.generic);
          this.tok(c, KW.apple, 2);
        },
      },
      {
        ALT: () => {
          const c = this.top<CertFrame>();
          this.OR2((this.altCache[4] ??= [
            { ALT: () => this.tok(this.top(), KW.certificate) },
            { ALT: () => this.tok(this.top(), KW.cert) },
            {
              ALT: () => {
                const a = this.top<CertFrame>();
                const t = this.tok(a, KW.anchor, 3);
                a.anchor ??= t;
              },
            },
          ]));
          c.trusted = this.tok(c, KW.trusted);
        },
      },
      {
        ALT: () => {
          const c = this.top<CertFrame>();
          this.OR3((this.altCache[5] ??= [
            { ALT: () => this.tok(this.top(), KW.certificate, 2) },
            { ALT: () => this.tok(this.top(), KW.cert, 2) },
          ]));
          c.slot = this.SUBRULE(this.certSlot);
          this.OR4((this.altCache[6] ??= [
            {
              ALT: () => {
                const d = this.top<CertFrame>();
                d.spec = this.SUBRULE(this.certslotspec);
              },
            },
            {
              ALT: () => {
                const d = this.top<CertFrame>();
                const t = this.tok(d, KW.trusted, 2);
                d.trusted ??= t;
              },
            },
          ]));
        },
      },
      {
        ALT: () => {
          const c = this.top<CertFrame>();
          const t = this.tok(c, KW.anchor, 4);
          c.anchor ??= t;
          c.spec = this.SUBRULE2(this.certslotspec);
        },
      },
    ]));
    return f;
  }, { recoveryValueFunc: this.recovered });

  public appleanchor = this.RULE('appleanchor', (): AppleAnchorFrame => {
    const f = this.enter(new AppleAnchorFrame());
    this.emptyOnlyBefore(APPLEANCHOR_START, EXPR_FOLLOW);
    this.OPTION(this.appleAnchorName);
    return f;
  }, { recoveryValueFunc: this.recovered });

  private readonly appleAnchorName = (): void => {
    this.OR((this.altCache[7] ??= [
        {
          ALT: () => {
            const a = this.top<AppleAnchorFrame>();
            a.generic = this.tok(a, KW.generic);
          },
        },
        {
          ALT: () => {
            const a = this.top<AppleAnchorFrame>();
            const name = this.SUBRULE(this.identifierString);
            a.named = true;
            a.name = name;
            if (name !== undefined) addToken(a, name);
          },
        },
      ]));
  };

  public certSlot = this.RULE('certSlot', (): SlotFrame => {
    const f = this.enter(new SlotFrame());
    this.OR((this.altCache[8] ??= [
      {
        ALT: () => {
          const s = this.top<SlotFrame>();
          s.integer = this.tok(s, INTEGER);
        },
      },
      {
        ALT: () => {
          const s = this.top<SlotFrame>();
          s.neg = this.tok(s, NEG);
          s.integer = this.tok(s, INTEGER, 2);
        },
      },
      {
        ALT: () => {
          const s = this.top<SlotFrame>();
          s.leaf = this.tok(s, KW.leaf);
        },
      },
      {
        ALT: () => {
          const s = this.top<SlotFrame>();
          s.root = this.tok(s, KW.root);
        },
      },
    ]));
    return f;
  }, { recoveryValueFunc: this.recovered });

  public certslotspec = this.RULE('certslotspec', (): SlotSpecFrame => {
    const f = this.enter(new SlotSpecFrame());
    this.OR((this.altCache[9] ??= [
      {
        ALT: () => {
          // Apple calls eql() here too, but its own switch has already ruled out every token
          // eql() would reject; a plain option keeps the LL(2) decision of certspec able to see past it.
          this.OPTION(this.certEq);
          const s = this.top<SlotSpecFrame>();
          const digest = this.SUBRULE(this.certificateDigest);
          s.digested = true;
          s.digest = digest;
          if (digest !== undefined) addToken(s, digest);
        },
      },
      {
        ALT: () => {
          const s = this.top<SlotSpecFrame>();
          s.key = this.SUBRULE(this.bracketKey);
          s.suffix = this.SUBRULE(this.matchSuffix);
        },
      },
    ]));
    return f;
  }, { recoveryValueFunc: this.recovered });

  private readonly certEq = (): void => {
    this.OR2((this.altCache[10] ??= [
      {
        ALT: () => {
          const s = this.top<SlotSpecFrame>();
          const t = this.tok(s, EQL);
          s.eq ??= t;
        },
      },
      {
        ALT: () => {
          const s = this.top<SlotSpecFrame>();
          const t = this.tok(s, EQQL);
          s.eq ??= t;
        },
      },
    ]));
  };

  public certificateDigest = this.RULE('certificateDigest', (): IToken => {
    return this.OR((this.altCache[11] ??= [
      { ALT: () => this.CONSUME(HASHCONSTANT) },
      { ALT: () => this.CONSUME(DOTKEY) },
      { ALT: () => this.CONSUME(STRING) },
      { ALT: () => this.CONSUME(PATHNAME) },
    ])) as IToken;
  });

  /** The `=` or `==` read, if any (the rule reads at most one token). */
  public eql = this.RULE('eql', (): IToken | undefined => {
    this.emptyOnlyBefore(EQL_START, EQL_EMPTY);
    return this.OPTION(this.eqlToken) as IToken | undefined;
  });

  private readonly eqlToken = (): IToken =>
    this.OR((this.altCache[12] ??= [
      { ALT: () => this.CONSUME(EQL) },
      { ALT: () => this.CONSUME(EQQL) },
    ])) as IToken;

  public identifierString = this.RULE('identifierString', (): IToken => {
    return this.OR((this.altCache[13] ??= [{ ALT: () => this.CONSUME(DOTKEY) }, { ALT: () => this.CONSUME(STRING) }])) as IToken;
  });

  public infospec = this.RULE('infospec', (): InfoFrame => {
    const f = this.enter(new InfoFrame());
    this.tok(f, KW.info);
    f.key = this.SUBRULE(this.bracketKey);
    f.suffix = this.SUBRULE(this.matchSuffix);
    return f;
  }, { recoveryValueFunc: this.recovered });

  public entitlementspec = this.RULE('entitlementspec', (): InfoFrame => {
    const f = this.enter(new InfoFrame());
    this.tok(f, KW.entitlement);
    f.key = this.SUBRULE(this.bracketKey);
    f.suffix = this.SUBRULE(this.matchSuffix);
    return f;
  }, { recoveryValueFunc: this.recovered });

  public bracketKey = this.RULE('bracketKey', (): KeyFrame => {
    const f = this.enter(new KeyFrame());
    this.tok(f, LBRACK);
    this.OR((this.altCache[14] ??= [
      {
        ALT: () => {
          const k = this.top<KeyFrame>();
          k.key = this.tok(k, DOTKEY);
        },
      },
      {
        ALT: () => {
          const k = this.top<KeyFrame>();
          k.key = this.tok(k, STRING);
        },
      },
    ]));
    f.rbrack = this.tok(f, RBRACK);
    return f;
  }, { recoveryValueFunc: this.recovered });

  private op(type: TokenType, idx: number): SuffixFrame {
    const s = this.top<SuffixFrame>();
    const t = this.tok(s, type, idx);
    s.op ??= t;
    return s;
  }

  private readValue(idx: number, s: SuffixFrame): void {
    const v = this.subrule(idx, this.datavalue);
    s.valued = true;
    s.value = v;
    if (v !== undefined) addToken(s, v);
  }

  private readTimestamp(idx: number, s: SuffixFrame): void {
    const ts = this.subrule(idx, this.timestampValue);
    s.timestamp = ts;
  }

  public matchSuffix = this.RULE('matchSuffix', (): SuffixFrame => {
    const f = this.enter(new SuffixFrame());
    this.emptyOnlyBefore(SUFFIX_START, EXPR_FOLLOW);
    this.OPTION3(this.suffixChoice);
    return f;
  }, { recoveryValueFunc: this.recovered });

  private readonly suffixChoice = (): void => {
    this.OR((this.altCache[15] ??= [
      {
        ALT: () => {
          const s = this.top<SuffixFrame>();
          s.exists = this.tok(s, KW.exists);
        },
      },
      {
        ALT: () => {
          const s = this.top<SuffixFrame>();
          s.absent = this.tok(s, KW.absent);
        },
      },
      {
        ALT: () => {
          this.OR2((this.altCache[16] ??= [
            { ALT: () => this.op(EQL, 0) },
            { ALT: () => this.op(EQQL, 0) },
          ]));
          // The enclosing decision already saw `*` or a data value here (LL(2)), as Apple's does.
          this.OPTION(this.leadStar);
          this.readValue(0, this.top<SuffixFrame>());
          this.emptyOnlyBefore(STAR_START, EXPR_FOLLOW);
          this.OPTION2(this.trailStar);
        },
      },
      {
        ALT: () => {
          this.OR5((this.altCache[18] ??= [
            { ALT: () => this.op(EQL, 2) },
            { ALT: () => this.op(EQQL, 2) },
          ]));
          this.readTimestamp(0, this.top<SuffixFrame>());
        },
      },
      {
        ALT: () => {
          const s = this.op(SUBS, 0);
          this.readValue(2, s);
        },
      },
      ...([LESS, GT, LE, GE] as const).flatMap((type, i) => [
        {
          ALT: () => {
            const s = this.op(type, 10 + i);
            this.readValue(10 + i, s);
          },
        },
        {
          ALT: () => {
            const s = this.op(type, 20 + i);
            this.readTimestamp(20 + i, s);
          },
        },
      ]),
    ]));
  };

  private readonly leadStar = (): void => {
    const s = this.top<SuffixFrame>();
    const t = this.tok(s, STAR);
    s.leadStar ??= t;
  };

  private readonly trailStar = (): void => {
    const s = this.top<SuffixFrame>();
    const t = this.tok(s, STAR, 2);
    s.trailStar ??= t;
  };

  public timestampValue = this.RULE('timestampValue', (): TimestampFrame => {
    const f = this.enter(new TimestampFrame());
    this.tok(f, KW.timestamp);
    f.string = this.tok(f, STRING);
    return f;
  }, { recoveryValueFunc: this.recovered });

  public datavalue = this.RULE('datavalue', (): IToken => {
    return this.OR((this.altCache[19] ??= [
      { ALT: () => this.CONSUME(DOTKEY) },
      { ALT: () => this.CONSUME(STRING) },
      { ALT: () => this.CONSUME(HEXCONSTANT) },
    ])) as IToken;
  });
}

let instance: RequirementParser | undefined;

/** The process-wide parser (built on first use). */
export function requirementParser(): RequirementParser {
  return (instance ??= new RequirementParser());
}

export type { RequirementParser };

/** A parser built with Chevrotain's grammar validations on (they throw on an ambiguous or broken grammar): for the grammar tests. */
export function validatedParser(): RequirementParser {
  return new RequirementParser({ validate: true });
}
