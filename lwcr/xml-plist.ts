/**
 * XML property lists (what `codesign --launch-constraint-*` takes), read
 * with positions: the npm `plist` package drops them, and a diagnostic
 * without a line is little help. Only what a constraint can hold is
 * accepted: dict, array, string, integer, true/false and data; real and
 * date are refused (they cannot be encoded, spec §2.1).
 */
import { Locator } from './text-pos.js';
import { INT64_MAX, INT64_MIN, LwcrSyntaxError, type LwEntry, type LwValue } from './value.js';

const MAX_DEPTH = 64;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Tag { name: string; close: boolean; selfClosing: boolean; start: number; end: number }

export function parseLwcrXmlPlist(text: string): LwValue {
  const loc = new Locator(text);
  let i = 0;
  const fail = (message: string, start = i, end = start + 1): never => {
    throw new LwcrSyntaxError(message, loc.range(start, Math.min(end, text.length)));
  };
  /** Skips whitespace, comments, the XML declaration, processing instructions and the DOCTYPE. */
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i + 4);
        if (e < 0) fail('unterminated comment');
        i = e + 3;
      } else if (text.startsWith('<?', i)) {
        const e = text.indexOf('?>', i + 2);
        if (e < 0) fail('unterminated processing instruction');
        i = e + 2;
      } else if (text.startsWith('<!DOCTYPE', i)) {
        const e = text.indexOf('>', i);
        if (e < 0) fail('unterminated DOCTYPE');
        i = e + 1;
      } else return;
    }
  };
  const tag = (): Tag => {
    skip();
    const start = i;
    if (text[i] !== '<') fail('expected a tag');
    const m = /^<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(text.slice(i));
    if (!m) return fail('malformed tag');
    i += m[0].length;
    return { name: m[2]!, close: m[1] === '/', selfClosing: m[4] === '/', start, end: i };
  };
  const textUntilClose = (name: string): { value: string; start: number } => {
    const start = i;
    const e = text.indexOf(`</${name}`, i);
    if (e < 0) fail(`<${name}> is not closed`, start);
    const raw = text.slice(i, e);
    if (raw.includes('<')) fail(`unexpected markup inside <${name}>`, i + raw.indexOf('<'));
    i = e;
    const close = tag();
    if (close.name !== name) fail(`expected </${name}>`, close.start, close.end);
    const value = raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g, (whole, ent: string, at: number) => {
      if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
      if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
      return ENTITIES[ent] ?? fail(`unknown entity ${whole}`, start + at, start + at + whole.length);
    });
    return { value, start };
  };
  const val = (open: Tag, depth: number): LwValue => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`, open.start);
    const range = () => loc.range(open.start, i);
    switch (open.name) {
      case 'dict': {
        const entries: LwEntry[] = [];
        if (!open.selfClosing)
          for (;;) {
            const k = tag();
            if (k.close && k.name === 'dict') break;
            if (k.name !== 'key' || k.close) fail(`expected <key> or </dict>, found <${k.close ? '/' : ''}${k.name}>`, k.start, k.end);
            const key = k.selfClosing ? { value: '', start: k.end } : textUntilClose('key');
            const keyRange = loc.range(k.start, i);
            if (entries.some((e) => e.key === key.value)) fail(`duplicate key ${JSON.stringify(key.value)}`, k.start, i);
            const v = tag();
            if (v.close) fail(`key ${JSON.stringify(key.value)} has no value`, v.start, v.end);
            entries.push({ key: key.value, keyRange, value: val(v, depth + 1) });
          }
        return { kind: 'dict', entries, range: range() };
      }
      case 'array': {
        const items: LwValue[] = [];
        if (!open.selfClosing)
          for (;;) {
            const t = tag();
            if (t.close && t.name === 'array') break;
            if (t.close) fail(`unexpected </${t.name}>`, t.start, t.end);
            items.push(val(t, depth + 1));
          }
        return { kind: 'array', items, range: range() };
      }
      case 'string':
        return { kind: 'string', value: open.selfClosing ? '' : textUntilClose('string').value, range: range() };
      case 'integer': {
        if (open.selfClosing) fail('empty <integer/>', open.start, open.end);
        const { value } = textUntilClose('integer');
        const t = value.trim();
        // CFPropertyList also reads hex integers (0x…); decimal is what codesign users write.
        const m = /^([+-])?(0x[0-9a-fA-F]+|[0-9]+)$/.exec(t);
        if (!m) return fail(`<integer> ${JSON.stringify(t)} is not an integer`, open.start, i);
        const n = (m[1] === '-' ? -1n : 1n) * BigInt(m[2]!);
        if (n < INT64_MIN || n > INT64_MAX) fail('integer does not fit 64 bits', open.start, i);
        return { kind: 'int', value: n, range: range() };
      }
      case 'true':
      case 'false':
        if (!open.selfClosing) {
          const close = tag();
          if (!close.close || close.name !== open.name) fail(`expected </${open.name}>`, close.start, close.end);
        }
        return { kind: 'bool', value: open.name === 'true', range: range() };
      case 'data': {
        const raw = open.selfClosing ? '' : textUntilClose('data').value.replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 === 1) fail('<data> is not base64', open.start, i);
        return { kind: 'data', bytes: new Uint8Array(Buffer.from(raw, 'base64')), range: range() };
      }
      case 'real':
      case 'date':
        return fail(`<${open.name}> cannot be encoded in an LWCR (only dict, array, string, integer, boolean and data)`, open.start, open.end);
      default:
        return fail(`unknown plist element <${open.name}>`, open.start, open.end);
    }
  };
  let root = tag();
  if (root.name === 'plist' && !root.close) {
    const inner = tag();
    if (inner.close) fail('empty <plist>', inner.start, inner.end);
    const v = val(inner, 0);
    const close = tag();
    if (!close.close || close.name !== 'plist') fail('expected </plist>', close.start, close.end);
    skip();
    if (i < text.length) fail('text after </plist>');
    return v;
  }
  if (root.close) fail('unexpected closing tag', root.start, root.end);
  const v = val(root, 0);
  skip();
  if (i < text.length) fail('text after the value');
  return v;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An XML plist as `codesign --launch-constraint-*` takes it, tab-indented like Apple's tools write. */
export function printLwcrXmlPlist(v: LwValue): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">', '<plist version="1.0">'];
  const walk = (x: LwValue, ind: string) => {
    switch (x.kind) {
      case 'dict':
        if (x.entries.length === 0) return void out.push(`${ind}<dict/>`);
        out.push(`${ind}<dict>`);
        for (const e of x.entries) {
          out.push(`${ind}\t<key>${esc(e.key)}</key>`);
          walk(e.value, ind + '\t');
        }
        return void out.push(`${ind}</dict>`);
      case 'array':
        if (x.items.length === 0) return void out.push(`${ind}<array/>`);
        out.push(`${ind}<array>`);
        for (const item of x.items) walk(item, ind + '\t');
        return void out.push(`${ind}</array>`);
      case 'string':
        return void out.push(`${ind}<string>${esc(x.value)}</string>`);
      case 'int':
        return void out.push(`${ind}<integer>${x.value}</integer>`);
      case 'bool':
        return void out.push(`${ind}<${x.value}/>`);
      case 'data':
        return void out.push(`${ind}<data>${Buffer.from(x.bytes).toString('base64')}</data>`);
    }
  };
  walk(v, '');
  out.push('</plist>');
  return out.join('\n') + '\n';
}
