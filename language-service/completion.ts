import { APPLE_OIDS, DR_SNIPPETS, ENTITLEMENT_KEYS, INFO_KEYS, KEYWORD_DOCS, SUBJECT_FIELDS } from './knowledge.js';

/**
 * Completion works on the raw text before the cursor, with a small lexer of
 * its own: the text being typed is usually not a valid requirement yet, so
 * the parser's tokens and tree cannot be relied on.
 */

export type ItemKind = 'keyword' | 'snippet' | 'field' | 'value' | 'operator' | 'constant';

export interface Completion {
  label: string;
  kind: ItemKind;
  detail?: string;
  documentation?: string;
  /** Text that replaces [replaceStart, cursor); snippet syntax when `snippet` is true. */
  insert: string;
  snippet?: boolean;
  replaceStart: number;
  sortText?: string;
  filterText?: string;
}

interface PTok { type: 'word' | 'string' | 'number' | 'op' | 'hash'; text: string; start: number; end: number }

const LEX = /\s+|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?(\*\/|$)|"(?:\\"|[^"\\])*"?|H"[0-9A-Fa-f]*"?|0x[0-9A-Fa-f]*|[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]*)*|-?[0-9]+(?:\.[0-9A-Za-z]*)*|=>|<=|>=|==|[=<>~!*()[\];,\-]|./g;

function lexPrefix(text: string): PTok[] {
  const out: PTok[] = [];
  for (const m of text.matchAll(LEX)) {
    const s = m[0];
    const start = m.index!;
    const c = s[0]!;
    if (/\s/.test(c) || c === '#' || (c === '/' && (s[1] === '/' || s[1] === '*'))) continue;
    const type: PTok['type'] = c === '"' ? 'string' : s.startsWith('H"') ? 'hash' : /[A-Za-z]/.test(c) ? 'word' : /[0-9]/.test(c) || (c === '-' && s.length > 1) ? 'number' : 'op';
    out.push({ type, text: s, start, end: start + s.length });
  }
  return out;
}

const EXPR_STARTERS = ['identifier', 'anchor', 'certificate', 'cert', 'info', 'entitlement', 'cdhash', 'platform', 'notarized', 'legacy', 'always', 'never', 'true', 'false'];
const SET_TYPES = ['designated', 'host', 'guest', 'library', 'plugin'];

function kw(word: string, replaceStart: number, sortText = '1'): Completion {
  return { label: word, kind: 'keyword', insert: word, replaceStart, documentation: KEYWORD_DOCS[word], sortText: sortText + word };
}

function snip(label: string, body: string, replaceStart: number, detail?: string, kind: ItemKind = 'snippet'): Completion {
  return { label, kind, insert: body, snippet: true, replaceStart, ...(detail ? { detail } : {}), sortText: '2' + label };
}

export function completeAt(text: string, offset: number, mode: 'single' | 'set'): Completion[] {
  const before = text.slice(Math.max(0, offset - 4000), offset);
  const base = Math.max(0, offset - 4000);
  const toks = lexPrefix(before).map((t) => ({ ...t, start: t.start + base, end: t.end + base }));
  let last = toks[toks.length - 1];
  let replaceStart = offset;
  // A word (or string) ending at the cursor is the partial being typed.
  if (last && last.end === offset && (last.type === 'word' || last.type === 'number' || (last.type === 'string' && !/"$/.test(last.text.slice(1))))) {
    replaceStart = last.start;
    toks.pop();
    last = toks[toks.length - 1];
  }
  const prev = toks[toks.length - 2];
  const bracket = openBracket(toks);
  if (bracket !== undefined) return keyItems(toks, bracket, replaceStart, text.slice(replaceStart, offset));

  const lastText = last?.text;
  if (lastText === 'certificate' || lastText === 'cert') {
    return [
      { label: 'leaf', kind: 'keyword', insert: 'leaf', replaceStart, detail: 'slot 0: the signing certificate', sortText: '0' },
      { label: '1', kind: 'constant', insert: '1', replaceStart, detail: 'the first intermediate', sortText: '1' },
      { label: 'root', kind: 'keyword', insert: 'root', replaceStart, detail: 'slot -1: the anchor', sortText: '2' },
      { label: '2', kind: 'constant', insert: '2', replaceStart, detail: 'the second certificate above the leaf', sortText: '3' },
      { label: '-2', kind: 'constant', insert: '-2', replaceStart, detail: 'the certificate just below the anchor', sortText: '4' },
      { label: 'trusted', kind: 'keyword', insert: 'trusted', replaceStart, detail: 'any certificate of the chain is locally trusted', sortText: '5' },
    ];
  }
  if (last && (last.type === 'number' || lastText === 'leaf' || lastText === 'root') && (prev?.text === 'certificate' || prev?.text === 'cert')) {
    return [
      snip('[subject.OU] = "TEAMID"', '[subject.OU] = "${1:TEAMID}"', replaceStart, 'team check'),
      snip('[field.OID]', '[field.${1:1.2.840.113635.100.6.1.13}]', replaceStart, 'the certificate has an extension'),
      snip('[subject.CN] = "…"', '[subject.CN] = "${1}"', replaceStart, 'common name'),
      snip('= H"…"', '= H"${1}"', replaceStart, 'pin the certificate by SHA-1'),
      kw('trusted', replaceStart),
    ];
  }
  if (lastText === 'anchor') {
    return [
      { ...kw('apple', replaceStart, '0'), label: 'apple generic', insert: 'apple generic', documentation: KEYWORD_DOCS['generic'] },
      kw('apple', replaceStart, '1'),
      kw('trusted', replaceStart, '2'),
      snip('= H"…"', '= H"${1}"', replaceStart, 'pin the root by SHA-1'),
      snip('[field.OID]', '[field.${1}]', replaceStart, 'a field of the root certificate'),
    ];
  }
  if (lastText === 'apple' && prev?.text === 'anchor') return [kw('generic', replaceStart, '0')];
  if (lastText === 'identifier') return [snip('"com.example.app"', '"${1:com.example.app}"', replaceStart, 'the signing identifier', 'value')];
  if (lastText === 'cdhash') return [snip('H"…"', 'H"${1}"', replaceStart, '40 hex digits', 'value')];
  if (lastText === 'timestamp') return [snip('"YYYYMMDDhhmmssZ"', '"${1:20190408000000Z}"', replaceStart, 'GeneralizedTime', 'value')];
  if (lastText === ']') return matchItems(toks, replaceStart);
  if (last && ['=', '==', '~', '<', '>', '<=', '>='].includes(last.text)) return valueItems(toks, replaceStart);

  const exprStart = !last || ['and', 'or', '(', '!', '=>', ';'].includes(last.text);
  const items: Completion[] = [];
  if (exprStart) {
    if (mode === 'set' && (!last || last.text === ';')) {
      for (const t of SET_TYPES) items.push({ ...snip(`${t} =>`, `${t} => $0`, replaceStart, KEYWORD_DOCS[t], 'keyword'), sortText: '0' + t });
    }
    for (const w of EXPR_STARTERS) items.push(kw(w, replaceStart));
    items.push(snip('anchor apple generic', 'anchor apple generic', replaceStart, 'any Apple-issued certificate (add a team check)', 'keyword'));
    items.push(snip('certificate leaf[subject.OU] = "TEAMID"', 'certificate leaf[subject.OU] = "${1:TEAMID}"', replaceStart, 'team check'));
    items.push(snip('info[CFBundleVersion] >= "N"', 'info[CFBundleVersion] >= "${1:1}"', replaceStart, 'minimum version'));
    items.push(snip('! entitlement[get-task-allow] …', '! entitlement["com.apple.security.get-task-allow"] and ! entitlement["com.apple.security.cs.disable-library-validation"] and ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"]', replaceStart, 'anti-injection clauses'));
    for (const s of DR_SNIPPETS) items.push({ ...snip(s.label, s.body, replaceStart, s.detail), sortText: '3' + s.label });
    return items;
  }
  // After a complete primary: connectives, and in a set the next entry.
  items.push(kw('and', replaceStart, '0'), kw('or', replaceStart, '0'));
  if (mode === 'set') for (const t of SET_TYPES) items.push({ ...snip(`${t} =>`, `${t} => $0`, replaceStart, KEYWORD_DOCS[t], 'keyword'), sortText: '1' + t });
  return items;
}

/** Index of the `[` the cursor is right after (the partial key already removed), if any. */
function openBracket(toks: PTok[]): number | undefined {
  return toks[toks.length - 1]?.text === '[' ? toks.length - 1 : undefined;
}

function keyItems(toks: PTok[], bracket: number, replaceStart: number, partial: string): Completion[] {
  const owner = toks[bracket - 1]?.text;
  const quoted = partial.startsWith('"');
  const wrap = (key: string): string => (quoted || /^[A-Za-z][A-Za-z0-9]*(\.([A-Za-z][A-Za-z0-9]*|[0-9]+))*$/.test(key) ? (quoted ? `"${key}"` : key) : `"${key}"`);
  if (owner === 'info') {
    return INFO_KEYS.map((k) => ({ label: k.key, kind: 'field' as const, insert: wrap(k.key) + ']', replaceStart, documentation: k.meaning, filterText: quoted ? `"${k.key}` : k.key }));
  }
  if (owner === 'entitlement') {
    return ENTITLEMENT_KEYS.map((k) => ({ label: k.key, kind: 'field' as const, insert: wrap(k.key) + ']', replaceStart, documentation: k.meaning, filterText: quoted ? `"${k.key}` : k.key }));
  }
  const items: Completion[] = [];
  const bare = partial.replace(/^"/, '');
  if (!bare.includes('.')) {
    for (const [p, d] of [['subject.', 'a subject name attribute'], ['field.', 'an extension is present'], ['extension.', 'same as field.'], ['policy.', 'a certificate policy'], ['timestamp.', 'a date extension']] as const) {
      items.push({ label: p, kind: 'keyword', insert: p, replaceStart, detail: d, sortText: '0' + p });
    }
  }
  for (const f of SUBJECT_FIELDS) {
    const key = `subject.${f.name}`;
    items.push({ label: key, kind: 'field', insert: wrap(key), replaceStart, detail: f.meaning, sortText: (f.name === 'OU' ? '1' : '2') + key, filterText: quoted ? `"${key}` : key });
  }
  for (const o of APPLE_OIDS) {
    const prefix = o.oid.endsWith('.6.1.33') ? 'timestamp.' : o.oid.endsWith('.100.5.1') ? 'policy.' : 'field.';
    const key = prefix + o.oid;
    items.push({ label: key, kind: 'value', insert: key, replaceStart, detail: o.name, documentation: o.meaning, sortText: '3' + key, filterText: quoted ? `"${key}` : key });
  }
  return items;
}

function matchItems(toks: PTok[], replaceStart: number): Completion[] {
  const key = keyBefore(toks, toks.length - 1);
  const items: Completion[] = [
    kw('exists', replaceStart, '1'),
    kw('absent', replaceStart, '1'),
  ];
  if (key === 'subject.OU') items.unshift(snip('= "TEAMID"', '= "${1:TEAMID}"', replaceStart, 'the team ID', 'operator'));
  else if (key === 'CFBundleVersion' || key === 'CFBundleShortVersionString') items.unshift(snip('>= "N"', '>= "${1:1}"', replaceStart, 'minimum version (numeric comparison)', 'operator'));
  if (!key?.startsWith('field.') && !key?.startsWith('policy.')) {
    items.push(snip('= "value"', '= "${1}"', replaceStart, 'equals', 'operator'));
    items.push(snip('= "prefix"*', '= "${1}"*', replaceStart, 'begins with', 'operator'));
    items.push(snip('~ "text"', '~ "${1}"', replaceStart, 'contains', 'operator'));
  }
  return items;
}

function keyBefore(toks: PTok[], close: number): string | undefined {
  const k = toks[close - 1];
  if (!k) return undefined;
  return k.type === 'string' ? k.text.slice(1, -1) : k.text;
}

function valueItems(toks: PTok[], replaceStart: number): Completion[] {
  const close = toks.length - 2;
  if (toks[close]?.text !== ']') return [];
  const key = keyBefore(toks, close);
  if (key === 'subject.OU') return [snip('"TEAMID"', '"${1:TEAMID}"', replaceStart, 'a 10-character team ID, quoted', 'value')];
  if (key === 'CFBundleVersion') return [snip('"N"', '"${1:1}"', replaceStart, 'quoted version', 'value'), snip('timestamp "…"', 'timestamp "${1:20190408000000Z}"', replaceStart, 'a date', 'value')];
  return [snip('"…"', '"${1}"', replaceStart, 'a quoted value', 'value'), snip('timestamp "…"', 'timestamp "${1:20190408000000Z}"', replaceStart, 'a date', 'value')];
}
