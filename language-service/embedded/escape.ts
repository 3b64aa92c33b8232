/**
 * Writing requirement text back into a host literal (quick fixes, edits):
 * each literal form has its own escapes, and a wrong one changes the
 * requirement (a `\"` inside single shell quotes keeps its backslash, which
 * Apple's lexer rejects).
 */

export type LiteralForm =
  | 'c' // "…" in C, C++, Objective-C (also @"…", L"…")
  | 'c-raw' // C++ R"d(…)d"
  | 'swift' // "…"
  | 'swift-multiline' // """…"""
  | 'swift-raw' // #"…"#, #"""…"""#
  | 'shell-single' // '…'
  | 'shell-double' // "…"
  | 'shell-ansi' // $'…'
  | 'shell-bare' // unquoted word
  | 'xml' // character data
  | 'xml-cdata' // <![CDATA[…]]>
  | 'yaml-double' // YAML "…"
  | 'yaml-single' // YAML '…'
  | 'yaml-plain' // YAML plain scalar
  | 'yaml-block'; // YAML | or > block scalar

export function escapeForLiteral(form: LiteralForm, text: string): string {
  switch (form) {
    case 'c':
      return text.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
    case 'swift':
      return text.replace(/[\\"\n\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' })[c]!);
    case 'swift-multiline':
      // Every quote escaped: no run of three can form with the quotes around the insertion point.
      return text.replace(/[\\"]/g, (c) => '\\' + c);
    case 'c-raw':
    case 'swift-raw':
      return text;
    case 'shell-single':
      return text.replace(/'/g, "'\\''");
    case 'shell-double':
      return text.replace(/[\\"$`]/g, (c) => '\\' + c);
    case 'shell-ansi':
      return text.replace(/[\\']/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
    case 'shell-bare':
      return text.replace(/[^A-Za-z0-9_.,:/=+@%^-]/g, (c) => (c === '\n' ? "'\n'" : '\\' + c));
    case 'xml':
      return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
    case 'yaml-double':
      return text.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
    case 'yaml-single':
      return text.replace(/'/g, "''");
    case 'yaml-plain':
    case 'yaml-block':
      // Requirement text has no ` #` or `: ` of its own (only inside its quoted strings, rare): written as it is.
      return text.replace(/\n/g, ' ');
    case 'xml-cdata':
      // Leave the section, write character data, enter it again: nothing inserted can combine with the `]`s around it.
      return text === '' ? '' : `]]>${escapeForLiteral('xml', text)}<![CDATA[`;
  }
}

/** Quoting in force at `offset` of a shell word that starts at `wordStart` (the word is scanned again from its start). */
export function shellQuotingAt(src: string, wordStart: number, offset: number): LiteralForm {
  let mode: LiteralForm = 'shell-bare';
  for (let i = wordStart; i < offset && i < src.length; i++) {
    const c = src[i];
    if (mode === 'shell-single') {
      if (c === "'") mode = 'shell-bare';
    } else if (mode === 'shell-double') {
      if (c === '\\') i++;
      else if (c === '"') mode = 'shell-bare';
    } else if (mode === 'shell-ansi') {
      if (c === '\\') i++;
      else if (c === "'") mode = 'shell-bare';
    } else if (c === '\\') i++;
    else if (c === "'") mode = 'shell-single';
    else if (c === '"') mode = 'shell-double';
    else if (c === '$' && src[i + 1] === "'") {
      mode = 'shell-ansi';
      i++;
    }
  }
  return mode;
}

/** Whether `offset` lies inside a CDATA section opened after `contentStart`. */
export function insideCdata(src: string, contentStart: number, offset: number): boolean {
  const open = src.lastIndexOf('<![CDATA[', offset - 1);
  if (open < contentStart) return false;
  const close = src.indexOf(']]>', open);
  return close < 0 || close >= offset;
}

// ---- Complete literals for generated code ----
// Stricter than escapeForLiteral (which edits a literal a person wrote): the
// generated file must also be safe to read and to compile with every option,
// so invisible and bidi characters are spelled as escapes and no trigraph
// can form. The extractors of this folder read both back to the same text.

/** Characters that must not appear raw in source: controls, line/paragraph separators, bidi and zero-width format characters ("Trojan Source"). */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** Escapes spelled the same in Swift and C string literals. */
const SIMPLE_ESCAPES = new Map([
  ['\\', '\\\\'],
  ['"', '\\"'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) throw new Error('The requirement contains an unpaired UTF-16 surrogate, which no source file can hold.');
    out.push(cp);
  }
  return out;
}

function rejectNul(text: string): void {
  // A C string ends at NUL, and Swift hands Strings to these APIs as C strings:
  // everything after it would silently be dropped from the requirement.
  if (text.includes('\u0000')) throw new Error('The requirement contains a NUL character, which a C string cannot carry.');
}

/** A Swift `"…"` literal whose value is exactly `text`. */
export function swiftStringLiteral(text: string): string {
  rejectNul(text);
  let out = '"';
  for (const cp of codePoints(text)) {
    const ch = String.fromCodePoint(cp);
    const simple = SIMPLE_ESCAPES.get(ch);
    if (simple !== undefined) out += simple;
    else if (INVISIBLE.test(ch)) out += `\\u{${cp.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return out + '"';
}

function utf8OctalEscapes(ch: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(ch)) out += '\\' + byte.toString(8).padStart(3, '0');
  return out;
}

/**
 * A C `"…"` literal (prefix `@` for an Objective-C NSString) whose value is
 * the UTF-8 of `text`. Octal escapes take at most three digits, unlike `\x`,
 * which would swallow following hex letters; `?` after `?` is escaped so no
 * trigraph (`??/` is a backslash) can form.
 */
export function cStringLiteral(text: string, prefix: '' | '@' = ''): string {
  rejectNul(text);
  let out = `${prefix}"`;
  let prev = '';
  for (const cp of codePoints(text)) {
    const ch = String.fromCodePoint(cp);
    const simple = SIMPLE_ESCAPES.get(ch);
    if (simple !== undefined) out += simple;
    else if (ch === '?' && prev === '?') out += '\\?';
    // C forbids universal character names below U+00A0 (C11 6.4.3; clang: "universal
    // character name refers to a control character"), so ASCII and C1 controls are
    // written as the octal escapes of their UTF-8 bytes, which is the same string.
    else if (cp < 0xa0 && INVISIBLE.test(ch)) out += utf8OctalEscapes(ch);
    else if (INVISIBLE.test(ch)) out += cp > 0xffff ? `\\U${cp.toString(16).toUpperCase().padStart(8, '0')}` : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
    prev = ch;
  }
  return out + '"';
}
