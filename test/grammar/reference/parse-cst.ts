/**
 * The Chevrotain grammar of the requirement language, rule for rule and
 * decision for decision the one Apple's ANTLR 2 parser makes (spec §2;
 * [SEC] RequirementParser.cpp, LL(2)).
 *
 * Where Apple's generated code chooses an empty alternative only for an
 * explicit set of next tokens (and otherwise reports `unexpected token`), the
 * rule has a gated empty alternative, so the first error we find is the
 * first error Apple finds, on the same token and of the same kind. The error
 * messages are Apple's own wording (see appleMessages); grammar/parse-errors.ts
 * adds the human explanation.
 *
 * The parser is built once per process; `performSelfAnalysis` is costly.
 */
import {
  CstParser, EarlyExitException, EOF, NoViableAltException, type CstNode, type IOrAlt, type IRecognitionException, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import {
  ALL_TOKEN_TYPES, APPLE_TOKEN_NAME, ARROW, COMMA, DOTKEY, EQL, EQQL, GE, GT, HASHCONSTANT, HEXCONSTANT, INTEGER, KW,
  LBRACK, LE, LESS, LPAREN, NEG, NOT, PATHNAME, RBRACK, RPAREN, SEMI, STAR, STRING, SUBS, type TokenPayload,
} from './lexer.js';

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

class RequirementCstParser extends CstParser {
  private readonly altCache: IOrAlt<unknown>[][] = [];

  /**
   * Apple takes an optional part's empty alternative only when the next token
   * is in an explicit set, and reports `unexpected token` otherwise. Gated
   * empty alternatives would say the same but make Chevrotain use its slow
   * predicate lookahead on every decision, so the check runs here, in an
   * action, before a plain OPTION.
   */
  private emptyOnlyBefore(start: ReadonlySet<number>, follow: ReadonlySet<number>): void {
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
    return (CstParser.prototype as unknown as { SAVE_ERROR(e: IRecognitionException): IRecognitionException }).SAVE_ERROR.call(this, error);
  }

  /**
   * Alternatives are built once per call site: the closures use no rule-local
   * state, and allocating them on every invocation dominated the parse time.
   */
  private alts(site: number, make: () => IOrAlt<unknown>[]): IOrAlt<unknown>[] {
    return (this.altCache[site] ??= make());
  }
  /**
   * Chevrotain's grammar validations cost start-up time in every process and
   * can only fail on a change to this file, so they run in the grammar tests
   * (`validate: true`) rather than in the shipped parser.
   */
  constructor(options: { validate?: boolean } = {}) {
    super([...ALL_TOKEN_TYPES, COMMA], {
      skipValidations: !options.validate,
      recoveryEnabled: true,
      maxLookahead: 2,
      errorMessageProvider: appleMessages,
      nodeLocationTracking: 'onlyOffset',
    });
    this.performSelfAnalysis();
  }

  public requirement = this.RULE('requirement', () => {
    this.SUBRULE(this.requirementElement);
    this.CONSUME(EOF);
  });

  public requirementSet = this.RULE('requirementSet', () => {
    this.AT_LEAST_ONE(() => this.SUBRULE(this.setEntry));
    this.CONSUME(EOF);
  });

  public setEntry = this.RULE('setEntry', () => {
    this.SUBRULE(this.requirementType);
    this.CONSUME(ARROW);
    this.SUBRULE(this.requirementElement);
  });

  public requirementType = this.RULE('requirementType', () => {
    this.OR(this.alts(1, () => [
      { ALT: () => this.CONSUME(KW.guest) },
      { ALT: () => this.CONSUME(KW.host) },
      { ALT: () => this.CONSUME(KW.designated) },
      { ALT: () => this.CONSUME(KW.library) },
      { ALT: () => this.CONSUME(KW.plugin) },
      { ALT: () => this.CONSUME(INTEGER) },
    ]));
  });

  public requirementElement = this.RULE('requirementElement', () => {
    this.SUBRULE(this.expr);
    this.MANY(() => this.CONSUME(SEMI));
  });

  public expr = this.RULE('expr', () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.CONSUME(KW.or);
      this.SUBRULE2(this.term);
    });
  });

  public term = this.RULE('term', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(KW.and);
      this.SUBRULE2(this.primary);
    });
  });

  public primary = this.RULE('primary', () => {
    this.OR(this.alts(2, () => [
      {
        ALT: () => {
          this.CONSUME(NOT);
          this.SUBRULE(this.primary);
        },
      },
      { ALT: () => this.CONSUME(KW.always) },
      { ALT: () => this.CONSUME(KW.true) },
      { ALT: () => this.CONSUME(KW.never) },
      { ALT: () => this.CONSUME(KW.false) },
      { ALT: () => this.SUBRULE(this.certspec) },
      { ALT: () => this.SUBRULE(this.infospec) },
      { ALT: () => this.SUBRULE(this.entitlementspec) },
      {
        ALT: () => {
          this.CONSUME(KW.identifier);
          this.SUBRULE(this.eql);
          this.SUBRULE(this.identifierString);
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.cdhash);
          this.SUBRULE2(this.eql);
          this.CONSUME(HASHCONSTANT);
        },
      },
      {
        ALT: () => {
          this.CONSUME(KW.platform);
          this.SUBRULE3(this.eql);
          this.CONSUME(INTEGER);
        },
      },
      { ALT: () => this.CONSUME(KW.notarized) },
      { ALT: () => this.CONSUME(KW.legacy) },
      {
        ALT: () => {
          this.CONSUME(LPAREN);
          this.SUBRULE(this.expr);
          this.CONSUME(RPAREN);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(LPAREN, { LABEL: 'namedLParen' });
          this.SUBRULE2(this.identifierString, { LABEL: 'namedCode' });
          this.CONSUME2(RPAREN, { LABEL: 'namedRParen' });
        },
      },
    ]));
  });

  public certspec = this.RULE('certspec', () => {
    this.OR(this.alts(3, () => [
      {
        ALT: () => {
          this.CONSUME(KW.anchor);
          this.CONSUME(KW.apple);
          this.SUBRULE(this.appleanchor);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(KW.anchor);
          this.CONSUME(KW.generic);
          this.CONSUME2(KW.apple);
        },
      },
      {
        ALT: () => {
          this.OR2(this.alts(4, () => [
            { ALT: () => this.CONSUME(KW.certificate) },
            { ALT: () => this.CONSUME(KW.cert) },
            { ALT: () => this.CONSUME3(KW.anchor) },
          ]));
          this.CONSUME(KW.trusted);
        },
      },
      {
        ALT: () => {
          this.OR3(this.alts(5, () => [
            { ALT: () => this.CONSUME2(KW.certificate) },
            { ALT: () => this.CONSUME2(KW.cert) },
          ]));
          this.SUBRULE(this.certSlot);
          this.OR4(this.alts(6, () => [
            { ALT: () => this.SUBRULE(this.certslotspec) },
            { ALT: () => this.CONSUME2(KW.trusted) },
          ]));
        },
      },
      {
        ALT: () => {
          this.CONSUME4(KW.anchor);
          this.SUBRULE2(this.certslotspec);
        },
      },
    ]));
  });

  public appleanchor = this.RULE('appleanchor', () => {
    this.ACTION(() => this.emptyOnlyBefore(APPLEANCHOR_START, EXPR_FOLLOW));
    this.OPTION(() =>
      this.OR(this.alts(7, () => [
        { ALT: () => this.CONSUME(KW.generic) },
        { ALT: () => this.SUBRULE(this.identifierString) },
      ])),
    );
  });

  public certSlot = this.RULE('certSlot', () => {
    this.OR(this.alts(8, () => [
      { ALT: () => this.CONSUME(INTEGER) },
      {
        ALT: () => {
          this.CONSUME(NEG);
          this.CONSUME2(INTEGER);
        },
      },
      { ALT: () => this.CONSUME(KW.leaf) },
      { ALT: () => this.CONSUME(KW.root) },
    ]));
  });

  public certslotspec = this.RULE('certslotspec', () => {
    this.OR(this.alts(9, () => [
      {
        ALT: () => {
          // Apple calls eql() here too, but its own switch has already ruled out every token
          // eql() would reject; a plain option keeps the LL(2) decision of certspec able to see past it.
          this.OPTION(() =>
            this.OR2(this.alts(10, () => [
              { ALT: () => this.CONSUME(EQL) },
              { ALT: () => this.CONSUME(EQQL) },
            ])),
          );
          this.SUBRULE(this.certificateDigest);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.bracketKey);
          this.SUBRULE(this.matchSuffix);
        },
      },
    ]));
  });

  public certificateDigest = this.RULE('certificateDigest', () => {
    this.OR(this.alts(11, () => [
      { ALT: () => this.CONSUME(HASHCONSTANT) },
      { ALT: () => this.CONSUME(DOTKEY) },
      { ALT: () => this.CONSUME(STRING) },
      { ALT: () => this.CONSUME(PATHNAME) },
    ]));
  });

  public eql = this.RULE('eql', () => {
    this.ACTION(() => this.emptyOnlyBefore(EQL_START, EQL_EMPTY));
    this.OPTION(() =>
      this.OR(this.alts(12, () => [
        { ALT: () => this.CONSUME(EQL) },
        { ALT: () => this.CONSUME(EQQL) },
      ])),
    );
  });

  public identifierString = this.RULE('identifierString', () => {
    this.OR(this.alts(13, () => [{ ALT: () => this.CONSUME(DOTKEY) }, { ALT: () => this.CONSUME(STRING) }]));
  });

  public infospec = this.RULE('infospec', () => {
    this.CONSUME(KW.info);
    this.SUBRULE(this.bracketKey);
    this.SUBRULE(this.matchSuffix);
  });

  public entitlementspec = this.RULE('entitlementspec', () => {
    this.CONSUME(KW.entitlement);
    this.SUBRULE(this.bracketKey);
    this.SUBRULE(this.matchSuffix);
  });

  public bracketKey = this.RULE('bracketKey', () => {
    this.CONSUME(LBRACK);
    this.OR(this.alts(14, () => [{ ALT: () => this.CONSUME(DOTKEY) }, { ALT: () => this.CONSUME(STRING) }]));
    this.CONSUME(RBRACK);
  });

  public matchSuffix = this.RULE('matchSuffix', () => {
    this.ACTION(() => this.emptyOnlyBefore(SUFFIX_START, EXPR_FOLLOW));
    this.OPTION3(() => this.OR(this.alts(15, () => [
      { ALT: () => this.CONSUME(KW.exists) },
      { ALT: () => this.CONSUME(KW.absent) },
      {
        ALT: () => {
          this.OR2(this.alts(16, () => [
            { ALT: () => this.CONSUME(EQL, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(EQQL, { LABEL: 'op' }) },
          ]));
          // The enclosing decision already saw `*` or a data value here (LL(2)), as Apple's does.
          this.OPTION(() => this.CONSUME(STAR, { LABEL: 'leadStar' }));
          this.SUBRULE(this.datavalue);
          this.ACTION(() => this.emptyOnlyBefore(STAR_START, EXPR_FOLLOW));
          this.OPTION2(() => this.CONSUME2(STAR, { LABEL: 'trailStar' }));
        },
      },
      {
        ALT: () => {
          this.OR5(this.alts(18, () => [
            { ALT: () => this.CONSUME2(EQL, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME2(EQQL, { LABEL: 'op' }) },
          ]));
          this.SUBRULE(this.timestampValue);
        },
      },
      {
        ALT: () => {
          this.CONSUME(SUBS, { LABEL: 'op' });
          this.SUBRULE2(this.datavalue);
        },
      },
      ...([LESS, GT, LE, GE] as const).flatMap((op, i) => [
        {
          ALT: () => {
            this.consume(10 + i, op, { LABEL: 'op' });
            this.subrule(10 + i, this.datavalue);
          },
        },
        {
          ALT: () => {
            this.consume(20 + i, op, { LABEL: 'op' });
            this.subrule(20 + i, this.timestampValue);
          },
        },
      ]),
    ])));
  });

  public timestampValue = this.RULE('timestampValue', () => {
    this.CONSUME(KW.timestamp);
    this.CONSUME(STRING);
  });

  public datavalue = this.RULE('datavalue', () => {
    this.OR(this.alts(19, () => [
      { ALT: () => this.CONSUME(DOTKEY) },
      { ALT: () => this.CONSUME(STRING) },
      { ALT: () => this.CONSUME(HEXCONSTANT) },
    ]));
  });
}

let instance: RequirementCstParser | undefined;

/** The process-wide parser (built on first use). */
export function cstParser(): RequirementCstParser {
  return (instance ??= new RequirementCstParser());
}

export type { RequirementCstParser, CstNode };

/** A parser built with Chevrotain's grammar validations on (they throw on an ambiguous or broken grammar): for the grammar tests. */
export function validatedCstParser(): RequirementCstParser {
  return new RequirementCstParser({ validate: true });
}
