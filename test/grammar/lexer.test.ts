import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DOTKEY, HASHCONSTANT, HEXCONSTANT, INTEGER, KW, lex, PATHNAME, STRING, type TokenPayload,
} from '../../grammar/lexer.js';

function kinds(text: string): string[] {
  return lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

test('DOTKEY: letters first, dotted parts letters/digits or digits only (spec §1.4)', () => {
  assert.deepEqual(kinds('com.apple.Safari'), ['DOTKEY:com.apple.Safari']);
  assert.deepEqual(kinds('timestamp.1.2.3'), ['DOTKEY:timestamp.1.2.3']);
  assert.deepEqual(kinds('anchor.foo'), ['DOTKEY:anchor.foo']);
  // com.1password is `com.1` then `password` (spec §1.6)
  assert.deepEqual(kinds('com.1password'), ['DOTKEY:com.1', 'DOTKEY:password']);
  // 59GAB85EFG is INTEGER 59 then DOTKEY GAB85EFG
  assert.deepEqual(kinds('59GAB85EFG'), ['INTEGER:59', 'DOTKEY:GAB85EFG']);
});

test('29 keywords are case-sensitive; a DOTKEY equal to one becomes that keyword', () => {
  const words = 'guest host designated library plugin or and always true never false identifier cdhash platform notarized legacy anchor apple generic certificate cert trusted info entitlement exists absent leaf root timestamp'.split(' ');
  assert.equal(words.length, 29);
  for (const w of words) {
    const [t] = lex(w).tokens;
    assert.equal(t!.tokenType, KW[w as keyof typeof KW], w);
  }
  assert.equal(lex('Anchor').tokens[0]!.tokenType, DOTKEY);
  assert.equal(lex('ANCHOR').tokens[0]!.tokenType, DOTKEY);
});

test('STRING: only \\" is an escape; the value is unescaped; raw LF and TAB are kept', () => {
  const [t] = lex('"a \\"b\\" c\n\td"').tokens;
  assert.equal(t!.tokenType, STRING);
  assert.equal((t!.payload as TokenPayload).value, 'a "b" c\n\td');
  assert.equal(lex('"a \\"b\\" c\n\td"').errors.length, 0);
});

test('STRING: any other backslash is CSR004 at the backslash, with Apple\'s mismatched-char message', () => {
  const r = lex('"one \\\\ embedded"');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'CSR004');
  assert.equal(r.errors[0]!.start, 5);
  assert.equal(r.errors[0]!.end, 7);
  assert.equal(r.errors[0]!.appleMessage, "expecting ''\"'', found ''\\''");
  // Recovery reads the pair, so the string still ends at its closing quote: one token.
  assert.equal(r.tokens.length, 1);
});

test('STRING: unterminated is CSR005; recovery ends the token at the line end so later lines still lex', () => {
  const r = lex('identifier "abc\nand anchor apple');
  assert.deepEqual(r.errors.map((e) => e.code), ['CSR005']);
  assert.equal(r.errors[0]!.appleMessage, "expecting ''\"'', found 'EOF'");
  assert.equal(r.errors[0]!.appleOffset, 32);
  assert.deepEqual(r.tokens.map((t) => t.image), ['identifier', '"abc', 'and', 'anchor', 'apple']);
});

test('HASHCONSTANT needs capital H and hex digits of either case; HEXCONSTANT needs lower-case x', () => {
  const [h] = lex('H"0aF9"').tokens;
  assert.equal(h!.tokenType, HASHCONSTANT);
  assert.equal((h!.payload as TokenPayload).value, '0aF9');
  assert.deepEqual(kinds('h"00"'), ['DOTKEY:h', 'STRING:"00"']);
  const [x] = lex('0x00Ff').tokens;
  assert.equal(x!.tokenType, HEXCONSTANT);
  assert.equal((x!.payload as TokenPayload).value, '00Ff');
  // 0X12 is INTEGER 0 then DOTKEY X12
  assert.deepEqual(kinds('0X12'), ['INTEGER:0', 'DOTKEY:X12']);
  const bad = lex('H"00g0"');
  assert.equal(bad.errors[0]!.code, 'CSR001');
  assert.equal(bad.errors[0]!.appleMessage, "expecting ''\"'', found ''g''");
  assert.equal(lex('0xZ').errors[0]!.appleMessage, "unexpected char: 'Z'");
});

test('PATHNAME needs two or more components (spec §1.4)', () => {
  assert.deepEqual(kinds('/tmp/foo'), ['PATHNAME:/tmp/foo']);
  const one = lex('/foo');
  assert.equal(one.errors.length, 1);
  assert.equal(one.errors[0]!.appleMessage, 'unexpected char: EOF');
  assert.equal(lex('/tmp/foo').tokens[0]!.tokenType, PATHNAME);
});

test('INTEGER is decimal digits; `17.4.2` is INTEGER, unexpected `.`, … and is reported once as a version (CSR013)', () => {
  assert.deepEqual(kinds('42'), ['INTEGER:42']);
  assert.equal(lex('42').tokens[0]!.tokenType, INTEGER);
  const r = lex('17.4.2');
  assert.deepEqual(r.errors.map((e) => [e.code, e.start, e.end]), [['CSR013', 0, 6]]);
  assert.equal(r.errors[0]!.appleMessage, "unexpected char: '.'");
  assert.equal(r.errors[0]!.appleOffset, 2);
  assert.deepEqual(r.tokens.map((t) => t.image), ['17.4.2']);
});

test('operators include the never-valid comma; two-character operators win', () => {
  assert.deepEqual(
    kinds('=> <= >= == < > = ; ( ) [ ] , ~ - ! *'),
    ['ARROW:=>', 'LE:<=', 'GE:>=', 'EQQL:==', 'LESS:<', 'GT:>', 'EQL:=', 'SEMI:;', 'LPAREN:(', 'RPAREN:)', 'LBRACK:[', 'RBRACK:]', 'COMMA:,', 'SUBS:~', 'NEG:-', 'NOT:!', 'STAR:*'],
  );
});

test('comments: #, // and /* */ are skipped and kept for the formatter', () => {
  const r = lex('# a\nanchor // b\n/* c\n d */ apple');
  assert.deepEqual(r.tokens.map((t) => t.image), ['anchor', 'apple']);
  assert.deepEqual(r.comments.map((c) => c.image), ['# a', '// b', '/* c\n d */']);
  assert.equal(r.errors.length, 0);
});

test('`/* x **/` does not close the comment (spec §1.3): CSR006 with the star-pair hint', () => {
  const r = lex('/* x **/ anchor apple');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'CSR006');
  assert.match(r.errors[0]!.message, /`\*\*` as a pair/);
  assert.equal(r.errors[0]!.appleMessage, "expecting ''*'', found 'EOF'");
  // An odd run of stars does close it, and so does `/**/`.
  assert.equal(lex('/* x ***/ anchor').errors.length, 0);
  assert.equal(lex('/**/ anchor').errors.length, 0);
  assert.equal(lex('/***/ anchor').errors[0]!.code, 'CSR006');
});

test('whitespace is space, TAB and LF only: CR is CSR002 with a fix, VT and FF are CSR001', () => {
  const r = lex('anchor\r\napple');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'CSR002');
  assert.equal(r.errors[0]!.appleMessage, 'unexpected char: 0x0D');
  assert.deepEqual(r.errors[0]!.fix, { title: 'Remove the carriage return', start: 6, end: 7, newText: '' });
  assert.equal(lex('anchor\vapple').errors[0]!.code, 'CSR001');
  assert.equal(lex('anchor\fapple').errors[0]!.appleMessage, 'unexpected char: 0x0C');
  // CR inside a string or a # comment is not an error.
  assert.equal(lex('"a\rb" # x\r\n').errors.length, 0);
});

test('the lexer keeps going after errors: every bad character is reported', () => {
  const r = lex('anchor ` apple \v generic');
  assert.deepEqual(r.errors.map((e) => e.code), ['CSR001', 'CSR001']);
  assert.deepEqual(r.tokens.map((t) => t.image), ['anchor', 'apple', 'generic']);
});

test('a NUL ends Apple\'s input: nothing after it is lexed', () => {
  const r = lex('anchor apple\0garbage');
  assert.equal(r.end, 12);
  assert.deepEqual(r.tokens.map((t) => t.image), ['anchor', 'apple']);
});

test('non-ASCII is fine inside strings and comments, an error outside', () => {
  assert.equal(lex('"café" # ü').errors.length, 0);
  const r = lex('identifier café');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.code, 'CSR022');
  assert.equal(r.errors[0]!.appleMessage, 'unexpected char: 0xC3');
});

test('a `*/` swallowed by the star-pair quirk inside a comment that does end later is warning CSR006', () => {
  const r = lex('/* a **/ anchor apple /* b */');
  assert.deepEqual(r.errors.map((e) => [e.code, e.severity, e.start, e.end]), [['CSR006', 'warning', 6, 8]]);
  assert.deepEqual(r.tokens, []);
});
