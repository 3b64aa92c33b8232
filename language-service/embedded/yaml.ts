/**
 * Requirements in AutoPkg YAML recipes (`.recipe.yaml`): the `requirement`
 * argument of each `CodeSignatureVerifier` step under `Process`. Not a YAML
 * parser: a bounded line scanner for the block shape recipes are written in
 * (mappings by indentation, `- ` sequence items, plain, quoted and block
 * scalars), linear in the input, with exact offsets through quotes, escapes
 * and folded lines. Flow collections (`{…}`, `[…]`), anchors and tags around
 * a requirement are reported as not analysed rather than guessed at.
 */
import type { LiteralForm } from './escape.js';
import { PieceList } from './mapping.js';
import { AUTOPKG_VARIABLE, AUTOPKG_VERIFIER, isAutopkgVerifier } from './plist.js';
import { codePointText } from './tokens.js';

export interface YamlRequirement {
  api: typeof AUTOPKG_VERIFIER;
  pieces?: PieceList;
  /** Host range of the scalar's content (inside the quotes; the block's lines). */
  start: number;
  end: number;
  notAnalysed?: string;
  form?: LiteralForm;
}

/** Deepest nesting of mappings and sequence items followed; recipes nest four or five levels. */
export const MAX_YAML_DEPTH = 64;

interface Line {
  start: number;
  /** Offset after the last character before the line break. */
  end: number;
  indent: number;
}

interface Level {
  /** Column of the keys of this mapping (or of the `-` of a sequence item). */
  indent: number;
  key?: string;
  /** The sequence item (process step) this level belongs to. */
  item: Item;
}

interface Item {
  processor?: string;
  held: YamlRequirement[];
}

function lines(src: string): Line[] {
  const out: Line[] = [];
  let at = 0;
  while (at <= src.length) {
    let nl = src.indexOf('\n', at);
    if (nl < 0) nl = src.length;
    const end = nl > at && src[nl - 1] === '\r' ? nl - 1 : nl;
    let indent = 0;
    while (at + indent < end && src[at + indent] === ' ') indent++;
    out.push({ start: at, end, indent });
    at = nl + 1;
  }
  return out;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_.-]*|"[^"\\]*"|'[^']*'):(?=\s|$)/;

export function requirementsInYaml(src: string): YamlRequirement[] {
  const out: YamlRequirement[] = [];
  const ls = lines(src);
  const top: Item = { held: [] };
  const items: Item[] = [];
  const stack: Level[] = [];
  for (let k = 0; k < ls.length; k++) {
    const line = ls[k]!;
    let col = line.indent;
    const text = src.slice(line.start + col, line.end);
    if (text === '' || text.startsWith('#') || text === '---' || text === '...') continue;
    // `- ` starts a sequence item: a new process step whose keys sit after the dash.
    let item: Item | undefined;
    let rest = text;
    while (rest.startsWith('- ') || rest === '-') {
      while (stack.length && stack[stack.length - 1]!.indent >= col) stack.pop();
      item = { held: [] };
      items.push(item);
      stack.push({ indent: col, item });
      const skip = rest === '-' ? 1 : 2 + (/^ */.exec(rest.slice(2))?.[0].length ?? 0);
      col += skip;
      rest = rest.slice(skip);
    }
    if (rest === '') continue;
    const m = KEY.exec(rest);
    if (!m) continue;
    // A key closes what is indented as far or further: sibling keys, and a sequence item whose dash is not left of it.
    while (stack.length && stack[stack.length - 1]!.indent >= col) stack.pop();
    if (stack.length >= MAX_YAML_DEPTH) break;
    const owner = item ?? stack[stack.length - 1]?.item ?? top;
    const key = unquoteKey(m[1]!);
    const parent = stack[stack.length - 1];
    stack.push({ indent: col, key, item: owner });
    const valueAt = line.start + col + m[0].length;
    if (key === 'Processor' && parent?.indent !== undefined && parent.key === undefined) {
      const v = scalar(src, ls, k, valueAt, col);
      owner.processor = v.pieces?.text().trim();
      k = v.lastLine;
      continue;
    }
    // `requirement:` directly under the step's `Arguments:`.
    if (key === 'requirement' && parent?.key === 'Arguments' && stack[stack.length - 3]?.key === undefined && stack.length >= 3) {
      const v = scalar(src, ls, k, valueAt, col);
      k = v.lastLine;
      const found: YamlRequirement = { api: AUTOPKG_VERIFIER, start: v.start, end: v.end };
      if (v.notAnalysed) found.notAnalysed = v.notAnalysed;
      else if (v.pieces && AUTOPKG_VARIABLE.test(v.pieces.text())) found.notAnalysed = 'AutoPkg substitutes the %NAME% variables in it at run time';
      else {
        found.pieces = v.pieces!;
        found.form = v.form!;
      }
      owner.held.push(found);
    }
  }
  for (const it of items) if (it.processor !== undefined && isAutopkgVerifier(it.processor)) out.push(...it.held);
  return out;
}

function unquoteKey(k: string): string {
  return k.startsWith('"') || k.startsWith("'") ? k.slice(1, -1) : k;
}

interface Scalar {
  pieces?: PieceList;
  start: number;
  end: number;
  form?: LiteralForm;
  notAnalysed?: string;
  /** Index of the last line the scalar uses. */
  lastLine: number;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };

/** The scalar value that starts at `from` (after `key:`) on line `k`, whose key line is indented `keyIndent`. */
function scalar(src: string, ls: Line[], k: number, from: number, keyIndent: number): Scalar {
  const line = ls[k]!;
  let at = from;
  while (at < line.end && (src[at] === ' ' || src[at] === '\t')) at++;
  const c = src[at];
  if (at >= line.end || c === '#') return plainOrBlockBelow(src, ls, k, keyIndent, at);
  if (c === '"') return doubleQuoted(src, ls, k, at + 1);
  if (c === "'") return singleQuoted(src, ls, k, at + 1);
  if (c === '|' || c === '>') return block(src, ls, k, keyIndent, c, at);
  if (c === '{' || c === '[' || c === '&' || c === '*' || c === '!') {
    return { start: at, end: line.end, lastLine: k, notAnalysed: 'the value is a YAML flow collection, alias or tagged node' };
  }
  return plain(src, ls, k, keyIndent, at);
}

/** A value on the lines below its key (a plain scalar continued there). */
function plainOrBlockBelow(src: string, ls: Line[], k: number, keyIndent: number, at: number): Scalar {
  const next = ls[k + 1];
  if (!next || next.indent <= keyIndent) return { pieces: new PieceList(), start: at, end: at, form: 'yaml-plain', lastLine: k };
  return plain(src, ls, k + 1, keyIndent, next.start + next.indent);
}

/** A plain scalar: to the end of the line (a ` #` comment excluded), folded with more-indented continuation lines. */
function plain(src: string, ls: Line[], k: number, keyIndent: number, from: number): Scalar {
  const pieces = new PieceList();
  let last = k;
  let end = contentEnd(src, from, ls[k]!.end);
  pieces.verbatim(from, src.slice(from, end));
  for (let j = k + 1; j < ls.length; j++) {
    const l = ls[j]!;
    const body = src.slice(l.start + l.indent, l.end);
    if (body === '' || l.indent <= keyIndent || body.startsWith('#')) break;
    const s = l.start + l.indent;
    const e = contentEnd(src, s, l.end);
    // The line break and the indentation fold into one space.
    pieces.escape(end, s, ' ');
    pieces.verbatim(s, src.slice(s, e));
    end = e;
    last = j;
  }
  return { pieces, start: from, end, form: 'yaml-plain', lastLine: last };
}

/** End of a plain scalar on one line: before ` #` and trailing blanks. */
function contentEnd(src: string, from: number, lineEnd: number): number {
  let e = lineEnd;
  const hash = src.slice(from, lineEnd).search(/\s#/);
  if (hash >= 0) e = from + hash;
  while (e > from && (src[e - 1] === ' ' || src[e - 1] === '\t')) e--;
  return e;
}

function doubleQuoted(src: string, ls: Line[], k: number, from: number): Scalar {
  const pieces = new PieceList();
  let i = from;
  let run = from;
  let j = k;
  for (;;) {
    const lineEnd = ls[j]!.end;
    while (i < lineEnd) {
      const c = src[i]!;
      if (c === '"') {
        if (i > run) pieces.verbatim(run, src.slice(run, i));
        return { pieces, start: from, end: i, form: 'yaml-double', lastLine: j };
      }
      if (c === '\\') {
        if (i > run) pieces.verbatim(run, src.slice(run, i));
        const e = src[i + 1] ?? '';
        const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (hex > 0) {
          const digits = src.slice(i + 2, i + 2 + hex);
          if (!new RegExp(`^[0-9A-Fa-f]{${hex}}$`).test(digits)) return { start: from, end: i, lastLine: j, notAnalysed: 'the quoted value has an invalid escape' };
          pieces.escape(i, i + 2 + hex, codePointText(parseInt(digits, 16)));
          i += 2 + hex;
        } else if (ESCAPES[e] !== undefined) {
          pieces.escape(i, i + 2, ESCAPES[e]!);
          i += 2;
        } else {
          return { start: from, end: i, lastLine: j, notAnalysed: 'the quoted value has an invalid escape' };
        }
        run = i;
        continue;
      }
      i++;
    }
    // The quoted value goes on: the line break folds into one space.
    if (i > run) pieces.verbatim(run, src.slice(run, i));
    const next = ls[j + 1];
    if (!next) return { start: from, end: i, lastLine: j, notAnalysed: 'the quoted value is not closed' };
    const s = next.start + next.indent;
    pieces.escape(i, s, ' ');
    j++;
    i = s;
    run = s;
  }
}

function singleQuoted(src: string, ls: Line[], k: number, from: number): Scalar {
  const pieces = new PieceList();
  let i = from;
  let run = from;
  let j = k;
  for (;;) {
    const lineEnd = ls[j]!.end;
    while (i < lineEnd) {
      if (src[i] === "'") {
        if (i > run) pieces.verbatim(run, src.slice(run, i));
        if (src[i + 1] === "'") {
          pieces.escape(i, i + 2, "'");
          i += 2;
          run = i;
          continue;
        }
        return { pieces, start: from, end: i, form: 'yaml-single', lastLine: j };
      }
      i++;
    }
    if (i > run) pieces.verbatim(run, src.slice(run, i));
    const next = ls[j + 1];
    if (!next) return { start: from, end: i, lastLine: j, notAnalysed: 'the quoted value is not closed' };
    const s = next.start + next.indent;
    pieces.escape(i, s, ' ');
    j++;
    i = s;
    run = s;
  }
}

/** `|` (lines kept) or `>` (lines folded into spaces) block scalar on the lines below. */
function block(src: string, ls: Line[], k: number, keyIndent: number, style: '|' | '>', at: number): Scalar {
  const pieces = new PieceList();
  let indent: number | undefined;
  let last = k;
  let start: number | undefined;
  let end = ls[k]!.end;
  for (let j = k + 1; j < ls.length; j++) {
    const l = ls[j]!;
    const blank = l.start + l.indent === l.end;
    if (!blank && l.indent <= keyIndent) break;
    if (blank) continue;
    indent ??= l.indent;
    if (l.indent < indent) break;
    const s = l.start + indent;
    if (start === undefined) start = s;
    else pieces.escape(end, s, style === '|' ? '\n' : ' ');
    pieces.verbatim(s, src.slice(s, l.end));
    end = l.end;
    last = j;
  }
  if (start === undefined) return { pieces, start: at + 1, end: at + 1, form: 'yaml-block', lastLine: k };
  return { pieces, start, end, form: 'yaml-block', lastLine: last };
}
