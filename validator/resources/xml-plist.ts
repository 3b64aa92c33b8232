/**
 * A fast reader for the XML property lists codesign writes as CodeResources:
 * a big seal has hundreds of thousands of elements, and the general DOM-based
 * reader spends most of resource verification's time on them. It accepts only
 * the plain subset (no CDATA, no entities beyond the XML and numeric ones) and
 * throws XmlPlistUnsupported on anything else, so the caller can fall back to
 * the general reader; it never accepts what that reader would refuse.
 */
import type { PlistDict, PlistValue } from '../facts.js';

export class XmlPlistUnsupported extends Error {}

/** A dictionary or array with more entries than the caller allows: the document is refused, not handed to another reader. */
export class XmlPlistTooLarge extends Error {}

export interface XmlPlistLimits {
  /** Entries of any one dictionary or array, counted as they are read. */
  maxEntries: number;
}

const MAX_DEPTH = 256;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (whole, name: string | undefined) => {
    if (name === undefined) throw new XmlPlistUnsupported('a bare "&"');
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!(code > 0 && code <= 0x10ffff)) throw new XmlPlistUnsupported(`character reference ${whole}`);
      return String.fromCodePoint(code);
    }
    const e = ENTITIES[name];
    if (e === undefined) throw new XmlPlistUnsupported(`entity ${whole}`);
    return e;
  });
}

class Reader {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly maxEntries: number,
  ) {}

  private tooMany(key: string | undefined): never {
    throw new XmlPlistTooLarge(`${key === undefined ? 'a collection' : `"${key.length > 40 ? key.slice(0, 40) + '…' : key}"`} has more than ${this.maxEntries} entries`);
  }

  /** Skips blanks, comments, the XML declaration and the DOCTYPE. */
  private skip(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && (s.charCodeAt(this.i) <= 32)) this.i++;
      if (s.startsWith('<!--', this.i)) {
        const end = s.indexOf('-->', this.i + 4);
        if (end < 0) throw new XmlPlistUnsupported('unterminated comment');
        this.i = end + 3;
      } else if (s.startsWith('<?', this.i)) {
        const end = s.indexOf('?>', this.i + 2);
        if (end < 0) throw new XmlPlistUnsupported('unterminated declaration');
        this.i = end + 2;
      } else if (s.startsWith('<!DOCTYPE', this.i)) {
        const end = s.indexOf('>', this.i);
        if (end < 0 || s.slice(this.i, end).includes('[')) throw new XmlPlistUnsupported('DOCTYPE with an internal subset');
        this.i = end + 1;
      } else return;
    }
  }

  /** The next tag: its name and whether it is `<x/>` or `</x>`. */
  private tag(): { name: string; close: boolean; empty: boolean } {
    this.skip();
    const s = this.s;
    if (s[this.i] !== '<') throw new XmlPlistUnsupported(`text where a tag was expected at offset ${this.i}`);
    const end = s.indexOf('>', this.i);
    if (end < 0) throw new XmlPlistUnsupported('unterminated tag');
    let body = s.slice(this.i + 1, end);
    this.i = end + 1;
    const close = body.startsWith('/');
    const empty = body.endsWith('/');
    if (close) body = body.slice(1);
    if (empty) body = body.slice(0, -1);
    const m = /^([A-Za-z]+)(\s+[A-Za-z]+\s*=\s*("[^"<&]*"|'[^'<&]*'))*\s*$/.exec(body);
    if (!m || (close && empty)) throw new XmlPlistUnsupported(`unsupported tag <${body.slice(0, 40)}>`);
    return { name: m[1]!, close, empty };
  }

  /** Text up to `</name>`. */
  private text(name: string): string {
    const s = this.s;
    const end = s.indexOf('<', this.i);
    if (end < 0) throw new XmlPlistUnsupported('unterminated element');
    const raw = s.slice(this.i, end);
    this.i = end;
    const t = this.tag();
    if (!t.close || t.name !== name) throw new XmlPlistUnsupported(`<${name}> contains markup`);
    return decodeText(raw);
  }

  /** `key`: the dictionary key the value is under, for messages. */
  value(depth: number, open?: { name: string; close: boolean; empty: boolean }, key?: string): PlistValue {
    if (depth > MAX_DEPTH) throw new XmlPlistUnsupported('nested too deeply');
    const t = open ?? this.tag();
    if (t.close) throw new XmlPlistUnsupported(`unexpected </${t.name}>`);
    switch (t.name) {
      case 'dict': {
        const out: PlistDict = {};
        if (t.empty) return out;
        for (let n = 0; ; n++) {
          const k = this.tag();
          if (k.close && k.name === 'dict') return out;
          if (k.name !== 'key' || k.close) throw new XmlPlistUnsupported(`<${k.name}> where a <key> was expected`);
          if (n >= this.maxEntries) this.tooMany(key);
          const name = k.empty ? '' : this.text('key');
          // defineProperty: a key named __proto__ is data, not the object's prototype.
          Object.defineProperty(out, name, { value: this.value(depth + 1, undefined, name), enumerable: true, writable: true, configurable: true });
        }
      }
      case 'array': {
        const out: PlistValue[] = [];
        if (t.empty) return out;
        for (;;) {
          const v = this.tag();
          if (v.close && v.name === 'array') return out;
          if (out.length >= this.maxEntries) this.tooMany(key);
          out.push(this.value(depth + 1, v));
        }
      }
      case 'string':
        return t.empty ? '' : this.text('string');
      case 'data': {
        const b64 = t.empty ? '' : this.text('data').replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) throw new XmlPlistUnsupported('malformed base64 in <data>');
        return new Uint8Array(Buffer.from(b64, 'base64'));
      }
      case 'true':
      case 'false':
        if (!t.empty) {
          const c = this.tag();
          if (!c.close || c.name !== t.name) throw new XmlPlistUnsupported(`<${t.name}> is not empty`);
        }
        return t.name === 'true';
      case 'integer': {
        const text = t.empty ? '' : this.text('integer').trim();
        if (!/^[+-]?\d{1,15}$/.test(text)) throw new XmlPlistUnsupported('an integer outside the simple range');
        return Number(text);
      }
      default:
        // real, date and anything else: left to the general reader.
        throw new XmlPlistUnsupported(`<${t.name}>`);
    }
  }

  document(): PlistDict {
    const root = this.tag();
    if (root.name !== 'plist' || root.close || root.empty) throw new XmlPlistUnsupported('no <plist> root');
    const v = this.value(0);
    const end = this.tag();
    if (!end.close || end.name !== 'plist') throw new XmlPlistUnsupported('more than one value in <plist>');
    this.skip();
    if (this.i !== this.s.length) throw new XmlPlistUnsupported('content after </plist>');
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date) throw new XmlPlistUnsupported('the top level is not a dictionary');
    return v as PlistDict;
  }
}

/**
 * Reads an XML property list whose top level is a dictionary, or throws
 * XmlPlistUnsupported, or XmlPlistTooLarge as soon as a collection passes
 * `limits.maxEntries` (before the rest is read).
 */
export function readXmlPlistDict(bytes: Uint8Array, limits: XmlPlistLimits = { maxEntries: Infinity }): PlistDict {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.includes('\uFFFD') || text.includes('\0')) throw new XmlPlistUnsupported('not clean UTF-8');
  // XML turns CR LF and lone CR into LF; rather than copy that, such files take the general path.
  if (text.includes('\r')) throw new XmlPlistUnsupported('carriage returns');
  return new Reader(text, limits.maxEntries).document();
}
