/**
 * Requirement text given on `codesign` and `csreq` command lines in shell
 * scripts. The script is split into words the way a POSIX shell does
 * (quotes, backslashes, `$'…'`, comments, command separators); each word
 * keeps the exact host offsets of its characters. Expansions (`$x`, `${x}`,
 * `$(…)`, backquotes) are known only when the script runs: they stay in the
 * word as holes, and the requirement is analysed as a template.
 */
import { shellQuotingAt, type LiteralForm } from './escape.js';
import { finishMapping, PieceList } from './mapping.js';

interface Word {
  pieces: PieceList;
  start: number;
  end: number;
}

export interface ShellRequirement {
  api: 'codesign -R' | 'codesign -r' | 'csreq -r';
  pieces?: PieceList;
  start: number;
  end: number;
  notAnalysed?: string;
  /** Quoting in force where the text starts. */
  form?: LiteralForm;
}

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Splits a script into simple commands, each a list of words. */
export function shellCommands(src: string): Word[][] {
  const commands: Word[][] = [];
  let words: Word[] = [];
  const n = src.length;
  let i = 0;
  let word: Word | undefined;
  let skipNextWord = false;
  const endWord = () => {
    if (!word) return;
    if (skipNextWord) skipNextWord = false;
    else words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  const current = (at: number): Word => (word ??= { pieces: new PieceList(), start: at, end: at });
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || ((c === '{' || c === '}') && !word)) {
      endCommand();
      i++;
      continue;
    }
    if (c === '<' || c === '>') {
      // A redirection: its target is not an argument.
      const numeric = word && /^\d+$/.test(word.pieces.text());
      if (numeric) word = undefined;
      else endWord();
      while (i < n && (src[i] === '<' || src[i] === '>' || src[i] === '&')) i++;
      skipNextWord = true;
      continue;
    }
    if (c === '#' && !word) {
      const e = src.indexOf('\n', i);
      i = e < 0 ? n : e;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n' && !word) {
      // A line continuation between words is only a separator.
      i += 2;
      continue;
    }
    const w = current(i);
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        w.pieces.gap(i, i + 2);
        i += 2;
      } else if (i + 1 < n) {
        const ch = String.fromCodePoint(src.codePointAt(i + 1)!);
        w.pieces.escape(i, i + 1 + ch.length, ch);
        i += 1 + ch.length;
      } else {
        i++;
      }
    } else if (c === "'") {
      const e = src.indexOf("'", i + 1);
      const close = e < 0 ? n : e;
      w.pieces.gap(i, i + 1);
      w.pieces.verbatim(i + 1, src.slice(i + 1, close));
      w.pieces.gap(close, Math.min(close + 1, n));
      i = close + 1;
    } else if (c === '$' && src[i + 1] === "'") {
      i = ansiQuoted(src, i, w);
    } else if (c === '"') {
      i = doubleQuoted(src, i, w);
    } else if (c === '$' || c === '`') {
      // Known only when the script runs: kept as a hole of the requirement template.
      const e = skipExpansion(src, i);
      w.pieces.hole(i, src.slice(i, e), expansionKind(src, i));
      i = e;
    } else {
      let j = i + 1;
      while (j < n && !/[\s;&|()<>\\'"$`]/.test(src[j]!)) j++;
      w.pieces.verbatim(i, src.slice(i, j));
      i = j;
    }
    w.end = i;
  }
  endCommand();
  return commands;
}

function doubleQuoted(src: string, open: number, w: Word): number {
  const n = src.length;
  w.pieces.gap(open, open + 1);
  let i = open + 1;
  let run = i;
  const flush = (to: number) => {
    if (to > run) w.pieces.verbatim(run, src.slice(run, to));
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '"') {
      flush(i);
      w.pieces.gap(i, i + 1);
      return i + 1;
    }
    if (c === '\\' && i + 1 < n && '$`"\\\n'.includes(src[i + 1]!)) {
      flush(i);
      if (src[i + 1] === '\n') w.pieces.gap(i, i + 2);
      else w.pieces.escape(i, i + 2, src[i + 1]!);
      i += 2;
      run = i;
      continue;
    }
    if (c === '$' || c === '`') {
      const next = src[i + 1];
      if (c === '`' || (next !== undefined && /[A-Za-z_{(0-9@*#?$!-]/.test(next))) {
        flush(i);
        const e = skipExpansion(src, i);
        w.pieces.hole(i, src.slice(i, e), expansionKind(src, i));
        i = e;
        run = i;
        continue;
      }
    }
    i++;
  }
  flush(n);
  return n;
}

function ansiQuoted(src: string, dollar: number, w: Word): number {
  const n = src.length;
  w.pieces.gap(dollar, dollar + 2);
  let i = dollar + 2;
  let run = i;
  const flush = (to: number) => {
    if (to > run) w.pieces.verbatim(run, src.slice(run, to));
  };
  while (i < n) {
    const c = src[i]!;
    if (c === "'") {
      flush(i);
      w.pieces.gap(i, i + 1);
      return i + 1;
    }
    if (c === '\\' && i + 1 < n) {
      flush(i);
      const e = src[i + 1]!;
      let end = i + 2;
      if (e === 'x') {
        let v = 0;
        while (end < n && end < i + 4 && /[0-9A-Fa-f]/.test(src[end]!)) v = v * 16 + parseInt(src[end++]!, 16);
        w.pieces.escape(i, end, String.fromCharCode(v));
      } else if (e >= '0' && e <= '7') {
        let v = 0;
        end = i + 1;
        while (end < n && end < i + 4 && src[end]! >= '0' && src[end]! <= '7') v = v * 8 + (src.charCodeAt(end++) - 48);
        w.pieces.escape(i, end, String.fromCharCode(v & 0xff));
      } else if (ANSI_ESCAPES[e] !== undefined) {
        w.pieces.escape(i, end, ANSI_ESCAPES[e]!);
      } else {
        w.pieces.verbatim(i, src.slice(i, end));
      }
      i = end;
      run = i;
      continue;
    }
    i++;
  }
  flush(n);
  return n;
}

/** What an expansion at `i` is, for messages. */
function expansionKind(src: string, i: number): string {
  if (src[i] === '`' || (src[i + 1] === '(' && src[i + 2] !== '(')) return 'command substitution';
  if (src[i + 1] === '(') return 'arithmetic expansion';
  return /[A-Za-z_{]/.test(src[i + 1] ?? '') ? 'shell variable' : 'shell parameter';
}

/** Skips `$name`, `${…}`, `$(…)`, `$((…))` or a backquoted command; returns the offset after it. */
function skipExpansion(src: string, i: number): number {
  const n = src.length;
  if (src[i] === '`') {
    let j = i + 1;
    while (j < n && src[j] !== '`') j += src[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, n);
  }
  const next = src[i + 1];
  if (next === '{' || next === '(') {
    const close = next === '{' ? '}' : ')';
    let depth = 0;
    for (let j = i + 1; j < n; j++) {
      const c = src[j];
      if (c === next) depth++;
      else if (c === close && --depth === 0) return j + 1;
      else if (c === '\\') j++;
    }
    return n;
  }
  let j = i + 1;
  if (next !== undefined && /[@*#?$!0-9-]/.test(next)) return i + 2;
  while (j < n && /[A-Za-z0-9_]/.test(src[j]!)) j++;
  return j;
}

/** The commands whose arguments are read for requirements (the pre-filter of `csrl lint` is checked against this table). */
export const REQUIREMENT_TOOLS = ['codesign', 'csreq'] as const;
const isRequirementTool = (name: string): name is (typeof REQUIREMENT_TOOLS)[number] => (REQUIREMENT_TOOLS as readonly string[]).includes(name);

/** codesign options that take an argument (so the next word is not an option). */
const CODESIGN_ARG_OPTIONS = new Set(['a', 'D', 'h', 'i', 'o', 'P', 'r', 'R', 's', 'e']);
const CSREQ_ARG_OPTIONS = new Set(['r', 'b', 'c']);

/** The first requirement token decides whether csreq reads a set (spec §2.1 autosense). */
const SET_START = /^(?:\s|#[^\n]*\n|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:host|guest|designated|library|plugin|[0-9])(?![A-Za-z0-9.])/;

export function requirementsInShell(src: string): ShellRequirement[] {
  const out: ShellRequirement[] = [];
  for (const words of shellCommands(src)) {
    for (let k = 0; k < words.length; k++) {
      const name = words[k]!.pieces.text();
      const base = name.slice(name.lastIndexOf('/') + 1);
      if (!isRequirementTool(base)) continue;
      const argOptions = base === 'codesign' ? CODESIGN_ARG_OPTIONS : CSREQ_ARG_OPTIONS;
      for (let a = k + 1; a < words.length; a++) {
        const w = words[a]!;
        const text = w.pieces.text();
        if (text === '--') break;
        if (text.startsWith('--')) {
          const eq = text.indexOf('=');
          const opt = text.slice(2, eq < 0 ? undefined : eq);
          const kind = base === 'codesign' ? (opt === 'test-requirement' ? 'R' : opt === 'requirements' ? 'r' : undefined) : undefined;
          if (!kind) continue;
          if (eq >= 0) pushRequirement(src, out, base, kind, w, eq + 1);
          else if (words[a + 1]) pushRequirement(src, out, base, kind, words[++a]!, 0);
          continue;
        }
        if (!text.startsWith('-') || text.length < 2) continue;
        for (let p = 1; p < text.length; p++) {
          const opt = text[p]!;
          if (!argOptions.has(opt)) continue;
          const wanted = opt === 'R' && base === 'codesign' ? 'R' : opt === 'r' ? 'r' : undefined;
          if (p + 1 < text.length) {
            if (wanted) pushRequirement(src, out, base, wanted, w, p + 1);
          } else if (words[a + 1]) {
            a++;
            if (wanted) pushRequirement(src, out, base, wanted, words[a]!, 0);
          }
          break;
        }
      }
    }
  }
  return out;
}

/** `arg` is the option argument from value offset `from`: text when it starts with `=`, else a file path. */
function pushRequirement(src: string, out: ShellRequirement[], tool: 'codesign' | 'csreq', kind: 'R' | 'r', w: Word, from: number): void {
  const api = tool === 'csreq' ? 'csreq -r' : kind === 'R' ? 'codesign -R' : 'codesign -r';
  const value = w.pieces.text().slice(from);
  if (!value.startsWith('=')) {
    // A file path (or `-` for standard input) is legitimate; requirement text without the `=` is a mistake codesign reports as a missing file.
    if (/^\s*(?:anchor|identifier|certificate|cert|info|entitlement|designated|host|guest|library|plugin|cdhash|always|never|!|\()[\s[(="]/.test(value)) {
      out.push({ api, start: w.start, end: w.end, notAnalysed: `${api.split(' ')[0]} reads this argument as a file path: requirement text must start with '='` });
    }
    return;
  }
  // An empty text sits just after the `=`.
  const after = finishMapping(w.pieces, w.start).toHostOffset(from + 1);
  out.push({ api, pieces: w.pieces.sliceFrom(from + 1), start: after, end: w.end, form: shellQuotingAt(src, w.start, after) });
}

export function shellMode(api: ShellRequirement['api'], text: string): 'single' | 'set' {
  if (api === 'codesign -R') return 'single';
  // The signer parses `-r` text as a set (spec §2.1); csreq autosenses.
  if (api === 'codesign -r') return 'set';
  return SET_START.test(text) ? 'set' : 'single';
}
