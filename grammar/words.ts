/**
 * Word shapes checked by hand-written scanners instead of regular
 * expressions: a pattern such as `^[A-Za-z][A-Za-z0-9]*(\.(…))*$` makes V8's
 * backtracking engine recurse once per repetition, so a 7 MB dotted word
 * (`a.a.a…`) overflowed the stack. These run in linear time and constant
 * stack on any length.
 */

const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isLetter(c) || isDigit(c);

/**
 * True when `text` has the lexical form of a DOTKEY (spec §1.4):
 * IDENT ( `.` (IDENT | INTEGER) )*, IDENT = [A-Za-z][A-Za-z0-9]*, INTEGER = [0-9]+.
 */
export function isDotKeyForm(text: string): boolean {
  const n = text.length;
  if (n === 0 || !isLetter(text.charCodeAt(0))) return false;
  let i = 1;
  while (i < n && isAlnum(text.charCodeAt(i))) i++;
  for (;;) {
    if (i === n) return true;
    if (text.charCodeAt(i) !== 0x2e || i + 1 === n) return false;
    const c = text.charCodeAt(++i);
    if (isLetter(c)) {
      i++;
      while (i < n && isAlnum(text.charCodeAt(i))) i++;
    } else if (isDigit(c)) {
      // An INTEGER component; a letter right after it (`1b`) fails at the top of the loop.
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    } else {
      return false;
    }
  }
}

/** True when `text` is digit runs joined by single dots, with at least `minParts` runs (`1.2.3`). */
export function isDottedNumber(text: string, minParts: number): boolean {
  let parts = 0;
  let i = 0;
  for (;;) {
    const start = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === start) return false;
    parts++;
    if (i === text.length) return parts >= minParts;
    if (text.charCodeAt(i) !== 0x2e) return false;
    i++;
  }
}
