/**
 * Chevrotain's own JSON example grammar (examples/grammars/json in the
 * Chevrotain repository: the same tokens, regex lexer and rules), as an
 * EmbeddedActionsParser that builds plain JavaScript values. The grammar
 * benchmark times it against JSON.parse on the same document: how close to
 * JSON.parse any Chevrotain parser gets on this machine, the floor that the
 * requirement parser's ratio is read against.
 */
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';

const True = createToken({ name: 'True', pattern: /true/ });
const False = createToken({ name: 'False', pattern: /false/ });
const Null = createToken({ name: 'Null', pattern: /null/ });
const LCurly = createToken({ name: 'LCurly', pattern: /{/ });
const RCurly = createToken({ name: 'RCurly', pattern: /}/ });
const LSquare = createToken({ name: 'LSquare', pattern: /\[/ });
const RSquare = createToken({ name: 'RSquare', pattern: /]/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Colon = createToken({ name: 'Colon', pattern: /:/ });
const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^\\"]|\\(?:[bfnrtv"\\/]|u[0-9a-fA-F]{4}))*"/ });
const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/ });
const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\r]+/, group: Lexer.SKIPPED, line_breaks: true });

const allTokens = [WhiteSpace, NumberLiteral, StringLiteral, LCurly, RCurly, LSquare, RSquare, Comma, Colon, True, False, Null];

const jsonLexer = new Lexer(allTokens);

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\', '/': '/' };

/** A string literal's value (the lexer has checked its escapes). */
function stringValue(t: IToken): string {
  const body = t.image.slice(1, -1);
  if (!body.includes('\\')) return body;
  return body.replace(/\\(?:u([0-9a-fA-F]{4})|(.))/g, (_m, u: string | undefined, c: string) => (u ? String.fromCharCode(parseInt(u, 16)) : ESCAPES[c]!));
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

class JsonParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens);
    this.performSelfAnalysis();
  }

  public json = this.RULE('json', (): Json => this.OR([{ ALT: () => this.SUBRULE(this.object) }, { ALT: () => this.SUBRULE(this.array) }]));

  private object = this.RULE('object', (): Json => {
    const obj: { [key: string]: Json } = {};
    this.CONSUME(LCurly);
    this.OPTION(() => {
      this.SUBRULE(this.objectItem, { ARGS: [obj] });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.objectItem, { ARGS: [obj] });
      });
    });
    this.CONSUME(RCurly);
    return obj;
  });

  private objectItem = this.RULE('objectItem', (obj: { [key: string]: Json }): void => {
    const key = this.CONSUME(StringLiteral);
    this.CONSUME(Colon);
    const value = this.SUBRULE(this.value);
    this.ACTION(() => {
      obj[stringValue(key)] = value;
    });
  });

  private array = this.RULE('array', (): Json => {
    const arr: Json[] = [];
    this.CONSUME(LSquare);
    this.OPTION(() => {
      arr.push(this.SUBRULE(this.value));
      this.MANY(() => {
        this.CONSUME(Comma);
        arr.push(this.SUBRULE2(this.value));
      });
    });
    this.CONSUME(RSquare);
    return arr;
  });

  private value = this.RULE('value', (): Json =>
    this.OR([
      { ALT: () => stringValue(this.CONSUME(StringLiteral)) },
      { ALT: () => Number(this.CONSUME(NumberLiteral).image) },
      { ALT: () => this.SUBRULE(this.object) },
      { ALT: () => this.SUBRULE(this.array) },
      { ALT: () => (this.CONSUME(True), true) },
      { ALT: () => (this.CONSUME(False), false) },
      { ALT: () => (this.CONSUME(Null), null) },
    ]),
  );
}

/** One instance for every parse, as Chevrotain recommends. */
const parser = new JsonParser();

/** Chevrotain's regex lexer of the example; throws on a lexing error. */
export function chevrotainJsonLex(text: string): IToken[] {
  const lexed = jsonLexer.tokenize(text);
  if (lexed.errors.length > 0) throw new Error(`Chevrotain JSON example: ${lexed.errors[0]!.message}`);
  return lexed.tokens;
}

/** The example's parser on tokens already lexed (the grammar engine alone); throws on a parsing error. */
export function chevrotainJsonParseTokens(tokens: IToken[]): unknown {
  parser.input = tokens;
  const value = parser.json();
  if (parser.errors.length > 0) throw new Error(`Chevrotain JSON example: ${parser.errors[0]!.message}`);
  return value;
}

/** Parses a JSON document with the Chevrotain example grammar (lexer and parser). */
export function chevrotainJsonParse(text: string): unknown {
  return chevrotainJsonParseTokens(chevrotainJsonLex(text));
}
