/**
 * File names, link targets and requirement texts come from the bundle under
 * test and end up in messages printed to a terminal: an ESC or CR in a name
 * could rewrite what the user sees (clear the line, fake a "valid"). Controls
 * and invisible reordering characters are shown as escapes instead; the
 * backslash is escaped too, so every escape shown is unambiguous.
 */

// C0, DEL, C1 and the backslash.
const BYTE = /[\x00-\x1f\x7f-\x9f\\]/;
// Bidirectional overrides/isolates/marks, line and paragraph separators, BOM, lone surrogates.
const WIDE = /[\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE = new RegExp(`${BYTE.source}|${WIDE.source}`, 'g');

// What a terminal acts on or reorders: C0 controls other than TAB and LF, DEL, C1, and the WIDE set.
const TERMINAL_UNSAFE = new RegExp(`[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]|${WIDE.source}`, 'g');

function escapeOne(c: string): string {
  if (c === '\\') return '\\\\';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** `s` with every control, invisible reordering character and backslash escaped (`\x1b`, `\u{202e}`, `\\`). */
export function printable(s: string): string {
  return s.replace(UNSAFE, escapeOne);
}

/**
 * Text for a terminal: lines and tabs kept, every other control and invisible
 * reordering character escaped, so names read from untrusted code (identifiers,
 * certificate subjects, file names) cannot move the cursor or fake a verdict.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, escapeOne);
}

/** `s` printable and in double quotes, a quote inside escaped. */
export function quoted(s: string): string {
  return `"${printable(s).replace(/"/g, '\\"')}"`;
}

// What may not appear inside one line of terminal output: every control, line breaks and tabs too, and the WIDE set.
const LINE_UNSAFE = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f]|${WIDE.source}`, 'g');

/**
 * A value read from inspected code (an identifier, a subject, a file name)
 * shown inside a line of text: line feeds and tabs are escaped too, so the
 * value cannot start a line of its own and fake a field or a verdict.
 */
export function oneLine(s: string): string {
  return s.replace(LINE_UNSAFE, escapeOne);
}
