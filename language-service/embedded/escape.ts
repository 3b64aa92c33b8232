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
