/**
 * Turns the parser's recognition errors into diagnostics a person
 * understands. The parser's own message is Apple's wording (parse-cst.ts);
 * this module finds what the user most likely meant: an unquoted team ID,
 * version or bundle ID, a keyword used as a value, a keyword in the wrong
 * case, `certificate root apple`, a comma, a missing `)`.
 */
import { EOF, type IRecognitionException, type IToken } from 'chevrotain';
import {
  classifyWord, quoteWord, COMMA, DOTKEY, EQL, EQQL, GE, GT, INTEGER, isWordChar, KEYWORD_TOKENS, keywordOf,
  KW, LE, LESS, LPAREN, NEG, STRING, SUBS, wordSpanAt,
} from './lexer.js';
import { tokEnd } from './parse-ast.js';
import type { RawDiag } from '../../../grammar/parse-diag.js';

const MATCH_OPS = new Set([EQL, EQQL, LESS, GT, LE, GE, SUBS].map((t) => t.tokenTypeIdx!));

const HUMAN_TOKEN: Record<string, string> = {
  EOF: 'the end of the requirement',
  RPAREN: '`)`',
  LPAREN: '`(`',
  RBRACK: '`]`',
  LBRACK: '`[`',
  ARROW: '`=>`',
  INTEGER: 'a number',
  HASHCONSTANT: 'a hash H"…" (40 hex digits)',
  STRING: 'a quoted string',
};

const RULE_EXPECTS: Record<string, string> = {
  requirement: 'a requirement such as `anchor apple generic`',
  requirementSet: 'a requirement type (host, guest, designated, library, plugin or a number) followed by `=>`',
  setEntry: 'a requirement type (host, guest, designated, library, plugin or a number) followed by `=>`',
  requirementType: 'a requirement type (host, guest, designated, library, plugin or a number)',
  requirementElement: 'a requirement clause',
  expr: 'a requirement clause',
  term: 'a requirement clause',
  primary:
    'a requirement clause (anchor, certificate, identifier, info[…], entitlement[…], cdhash, platform, notarized, legacy, always, never, `!` or `(`)',
  certspec: 'a certificate clause: `anchor apple [generic]`, `anchor trusted`, `certificate <slot> trusted`, `certificate <slot>[key] …` or `certificate <slot> = H"…"`',
  appleanchor: '`generic`, a name, or the end of the clause after `anchor apple`',
  certSlot: 'a certificate slot: leaf, root, a number or -number',
  certslotspec: '`[key]`, `= H"…"` or `trusted`',
  certificateDigest: 'a hash H"…" (40 hex digits) or a certificate file path',
  eql: '`=` or a value',
  identifierString: 'a name: an unquoted word or a quoted string',
  bracketKey: 'a key: an unquoted word or a quoted string',
  matchSuffix: 'a match (`exists`, `absent`, `= value`, `~ value`, `<`, `>`, `<=`, `>=`) or the end of the clause',
  datavalue: 'a value: an unquoted word, a quoted string or a 0x… hex constant',
  timestampValue: 'a quoted time after `timestamp`, e.g. timestamp "20190408000000Z"',
};

function describeToken(t: IToken): string {
  if (t.tokenType === EOF) return 'end of input';
  if (t.tokenType === STRING) return `string ${t.image.length > 40 ? t.image.slice(0, 37) + '…"' : t.image}`;
  if (KEYWORD_TOKENS.has(t.tokenType)) return `keyword \`${t.image}\``;
  return `\`${t.image.length > 40 ? t.image.slice(0, 40) + '…' : t.image}\``;
}

export interface ExplainContext {
  text: string;
  tokens: IToken[];
  /** Index of each token by start offset. */
  indexOf: Map<number, number>;
  /** Where a zero-width error at the end of the input is shown. */
  eofAt: number;
  /** Apple's end of input (for the EOF token's Apple position). */
  appleEnd: number;
  /** An unterminated block comment swallowed the end: errors there are its cascade. */
  endSwallowed: boolean;
}

function quoteFix(start: number, end: number, word: string): RawDiag['fixes'] {
  if (word.includes('"') || word.includes('\\')) return undefined;
  return [{ title: `Quote ${word}`, start, end, newText: quoteWord(word) }];
}

/** Explains one parser error; returns undefined when it only repeats an error already reported. */
export function explain(e: IRecognitionException, ctx: ExplainContext, covered: Array<[number, number]>): RawDiag | undefined {
  const t = e.token;
  const atEof = t.tokenType === EOF || !Number.isFinite(t.startOffset);
  const idx = atEof ? ctx.tokens.length : (ctx.indexOf.get(t.startOffset) ?? -1);
  const prev = idx > 0 ? ctx.tokens[idx - 1] : undefined;
  const next = idx >= 0 && idx + 1 < ctx.tokens.length ? ctx.tokens[idx + 1] : undefined;
  const rule = e.context?.ruleStack?.[e.context.ruleStack.length - 1] ?? '';
  const appleOffset = atEof ? ctx.appleEnd : t.startOffset;
  const apple = { message: e.message, offset: appleOffset, positional: true, order: appleOffset, lexical: false };
  const mk = (d: Omit<RawDiag, 'severity' | 'apple'>): RawDiag | undefined => {
    if (!atEof && covered.some(([s, en]) => d.start >= s && d.start < en && d.end <= en)) return undefined;
    covered.push([d.start, d.end]);
    return { ...d, severity: 'error', apple };
  };

  if (atEof) {
    if (ctx.endSwallowed) return undefined;
    const expecting = /^expecting (\S+),/.exec(e.message)?.[1];
    const what = expecting ? (HUMAN_TOKEN[expecting] ?? `\`${expecting.replace(/"/g, '')}\``) : RULE_EXPECTS[rule] ?? 'more text';
    const empty = ctx.tokens.length === 0;
    return mk({
      code: 'CSR011',
      message: empty
        ? e.context?.ruleStack?.[0] === 'requirementSet'
          ? 'empty requirement set: write entries such as `designated => anchor apple generic`'
          : 'empty requirement: write an expression such as `anchor apple generic`'
        : `unexpected end of input: expected ${what}`,
      start: ctx.eofAt,
      end: ctx.eofAt,
    });
  }

  if (t.tokenType === NEG && rule === 'primary' && prev && (prev.tokenType === KW.platform || prev.tokenType === EQL || prev.tokenType === EQQL)) {
    return mk({ code: 'CSR010', message: '`platform` takes a non-negative number; a `-` is not allowed', start: t.startOffset, end: next ? tokEnd(next) : tokEnd(t) });
  }

  // The value after a match operator decides Apple's choice, so it is the real culprit.
  let culprit = t;
  if (MATCH_OPS.has(t.tokenTypeIdx) && next && rule === 'matchSuffix') culprit = next;
  else if ((t.tokenType === EQL || t.tokenType === EQQL) && next && rule === 'eql') culprit = next;
  else if (t.tokenType === LPAREN && next && rule === 'primary' && KEYWORD_TOKENS.has(next.tokenType)) culprit = next;

  // A value glued from several tokens: 59GAB85EFG, com.foo-bar, com.1password.
  const span = wordSpanAt(ctx.text, culprit.startOffset);
  const cIdx = ctx.indexOf.get(culprit.startOffset) ?? -1;
  const before = cIdx > 0 ? ctx.tokens[cIdx - 1] : undefined;
  const glued = isWordChar(ctx.text.charCodeAt(culprit.startOffset)) && (span.end - span.start > culprit.image.length || (before !== undefined && tokEnd(before) === culprit.startOffset && isWordChar(ctx.text.charCodeAt(culprit.startOffset - 1)) && before.tokenType !== NEG));
  const spanStart = Math.min(span.start, culprit.startOffset);
  const spanEnd = Math.max(span.end, tokEnd(culprit));
  if (glued && spanEnd > spanStart && /[0-9A-Za-z]/.test(ctx.text.slice(spanStart, spanEnd)) && !KEYWORD_TOKENS.has(culprit.tokenType)) {
    const word = ctx.text.slice(spanStart, spanEnd);
    const problem = classifyWord(word, MATCH_OPS.has(t.tokenTypeIdx) ? 'match' : 'value');
    return mk({ code: problem.code, message: problem.message, start: spanStart, end: spanEnd, fixes: quoteFix(spanStart, spanEnd, word) });
  }
  // A number right after a match operator: Apple's decision at the operator fails on it.
  if (culprit.tokenType === INTEGER && culprit !== t) {
    const problem = classifyWord(culprit.image, 'match');
    return mk({ code: problem.code, message: problem.message, start: culprit.startOffset, end: tokEnd(culprit), fixes: quoteFix(culprit.startOffset, tokEnd(culprit), culprit.image) });
  }
  if (culprit.tokenType === INTEGER && (rule === 'identifierString' || rule === 'bracketKey' || rule === 'datavalue' || rule === 'appleanchor')) {
    const problem = classifyWord(culprit.image, rule === 'datavalue' ? 'match' : 'value');
    return mk({ code: problem.code, message: problem.message, start: culprit.startOffset, end: tokEnd(culprit), fixes: quoteFix(culprit.startOffset, tokEnd(culprit), culprit.image) });
  }

  // A keyword where a value belongs: identifier legacy, info[exists], = true.
  const valueRule = ['identifierString', 'bracketKey', 'datavalue', 'eql', 'appleanchor', 'certificateDigest'].includes(rule);
  if (KEYWORD_TOKENS.has(culprit.tokenType) && (culprit !== t || valueRule) && culprit.tokenType !== KW.timestamp) {
    const word = culprit.image;
    return mk({
      code: 'CSR014',
      message: `\`${word}\` is a reserved keyword; quote it: "${word}"`,
      start: culprit.startOffset,
      end: tokEnd(culprit),
      fixes: quoteFix(culprit.startOffset, tokEnd(culprit), word),
    });
  }

  // Keywords are case-sensitive: Anchor apple, anchor Apple generic, identifier x AND y.
  for (const cand of [t, prev]) {
    if (!cand || cand.tokenType !== DOTKEY) continue;
    const kw = keywordOf(cand.image.toLowerCase());
    if (kw && kw !== cand.image) {
      return mk({
        code: 'CSR015',
        message: `keywords are case-sensitive: write \`${kw}\``,
        start: cand.startOffset,
        end: tokEnd(cand),
        fixes: [{ title: `Write ${kw}`, start: cand.startOffset, end: tokEnd(cand), newText: kw }],
      });
    }
  }

  // Apple's decompiler prints opTrustedCert without a space (spec §4.1).
  const glue = next ? /^(leaf|root)trusted$/.exec(next.image) : null;
  if (rule === 'certspec' && (t.tokenType === KW.certificate || t.tokenType === KW.cert) && next && glue) {
    const fixed = `${t.image} ${glue[1]} trusted`;
    return mk({
      code: 'CSR010',
      message: `\`${next.image}\` is how Apple's decompiler prints this form, but it does not parse: write \`${fixed}\``,
      start: t.startOffset,
      end: tokEnd(next),
      fixes: [{ title: `Write ${fixed}`, start: t.startOffset, end: tokEnd(next), newText: fixed }],
    });
  }

  // certificate anchor …, certificate root apple.
  if (rule === 'certspec' && (t.tokenType === KW.certificate || t.tokenType === KW.cert) && next?.tokenType === KW.anchor) {
    return mk({
      code: 'CSR023',
      message: `\`anchor\` is not a certificate slot: write \`anchor …\` or \`${t.image} root …\``,
      start: t.startOffset,
      end: tokEnd(next),
      fixes: [{ title: 'Write anchor', start: t.startOffset, end: tokEnd(next), newText: 'anchor' }],
    });
  }
  if (t.tokenType === KW.apple && prev && (rule === 'certspec' || rule === 'certslotspec')) {
    const start = idx >= 2 ? ctx.tokens[idx - 2]! : prev;
    const leadIsCert = start.tokenType === KW.certificate || start.tokenType === KW.cert;
    return mk({
      code: 'CSR023',
      message: 'the `apple` forms exist only after `anchor`: write `anchor apple` (or `anchor apple generic`)',
      start: leadIsCert ? start.startOffset : t.startOffset,
      end: tokEnd(t),
      ...(leadIsCert && prev.tokenType === KW.root
        ? { fixes: [{ title: 'Write anchor apple', start: start.startOffset, end: tokEnd(t), newText: 'anchor apple' }] }
        : {}),
    });
  }

  if (t.tokenType === COMMA) {
    return mk({
      code: 'CSR017',
      message: 'a comma is never valid in a requirement: join clauses with `and` or `or`',
      start: t.startOffset,
      end: tokEnd(t),
      fixes: [{ title: 'Replace with and', start: t.startOffset, end: tokEnd(t), newText: ' and' }],
    });
  }

  const expecting = /^expecting (\S+),/.exec(e.message)?.[1];
  let message: string;
  if (expecting === 'EOF') {
    message = `unexpected ${describeToken(t)} after a complete requirement; join clauses with \`and\` or \`or\``;
  } else if (expecting) {
    message = `expected ${HUMAN_TOKEN[expecting] ?? `\`${expecting.replace(/"/g, '')}\``}, found ${describeToken(t)}`;
  } else {
    message = `unexpected ${describeToken(t)}: expected ${RULE_EXPECTS[rule] ?? 'something else'}`;
  }
  return mk({ code: 'CSR010', message, start: t.startOffset, end: tokEnd(t) });
}
