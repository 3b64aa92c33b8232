/**
 * Requirements in XML property lists: the string values of the
 * `SMPrivilegedExecutables` dictionary (app side of SMJobBless: helper id →
 * requirement) and the string items of the `SMAuthorizedClients` array
 * (helper side); in configuration profiles (`.mobileconfig`), the payload
 * keys that hold a requirement (PAYLOAD_REQUIREMENT_KEYS); in AutoPkg recipes
 * (`.recipe`, `.recipe.plist`), the `requirement` argument of the
 * `CodeSignatureVerifier` processor. A streaming scan: no tree, no
 * recursion, linear in the input; entities and CDATA sections are decoded
 * with exact offsets.
 */
import { PieceList } from './mapping.js';
import { codePointText } from './tokens.js';

/** Deepest element nesting scanned; property lists nest a handful of levels (CFPropertyList itself gives up far earlier than 5,000). */
export const MAX_PLIST_DEPTH = 512;

/** SMJobBless keys: the app's helper-id → requirement dictionary, the helper's list of clients (the pre-filter of `csrl lint` is checked against these). */
export const SMJOBBLESS_KEYS = { privileged: 'SMPrivilegedExecutables', authorized: 'SMAuthorizedClients' } as const;

/**
 * Configuration-profile payload keys whose string value is a code requirement:
 * Privacy Preferences Policy Control (com.apple.TCC.configuration-profile-policy:
 * `CodeRequirement` of each service entry, `AEReceiverCodeRequirement` of an
 * AppleEvents receiver), content filters (com.apple.webcontent-filter) and VPN,
 * DNS proxy and relay providers (`…DesignatedRequirement`). System-extension and
 * kernel-extension policies name team IDs, not requirements.
 */
export const PAYLOAD_REQUIREMENT_KEYS: readonly string[] = [
  'CodeRequirement',
  'AEReceiverCodeRequirement',
  'FilterDataProviderDesignatedRequirement',
  'FilterPacketProviderDesignatedRequirement',
  'ProviderDesignatedRequirement',
];

/** The AutoPkg processor whose `requirement` argument is passed to `codesign --test-requirement`. */
export const AUTOPKG_VERIFIER = 'CodeSignatureVerifier';

/** `CodeSignatureVerifier`, also as a shared-processor reference (`com.github.autopkg.shared/CodeSignatureVerifier`). */
export function isAutopkgVerifier(processor: string): boolean {
  return processor === AUTOPKG_VERIFIER || processor.endsWith('/' + AUTOPKG_VERIFIER);
}

/** AutoPkg substitutes `%NAME%` from the recipe's Input before the processor runs. */
export const AUTOPKG_VARIABLE = /%[A-Za-z_][A-Za-z0-9_]*%/;

export interface PlistRequirement {
  /**
   * SMJobBless keys, a profile payload key (PAYLOAD_REQUIREMENT_KEYS), `CodeSignatureVerifier`;
   * `property list` marks where the scan stopped at MAX_PLIST_DEPTH (reported as not analysed).
   */
  api: 'SMPrivilegedExecutables' | 'SMAuthorizedClients' | 'property list' | typeof AUTOPKG_VERIFIER | (typeof PAYLOAD_REQUIREMENT_KEYS)[number];
  pieces?: PieceList;
  /** Content range of the `<string>` element. */
  start: number;
  end: number;
  notAnalysed?: string;
  /** The dictionary key (helper id) for SMPrivilegedExecutables entries. */
  key?: string;
}

interface Frame {
  kind: 'dict' | 'array';
  depth: number;
  role?: 'privileged' | 'authorized' | 'arguments';
  pendingKey?: string;
  /** A dict's `Processor` string (AutoPkg process step). */
  processor?: string;
  /** `requirement` arguments of this process step, kept until its Processor is known (keys come in any order). */
  held?: PlistRequirement[];
  /** The process-step dict an `Arguments` dict belongs to. */
  step?: Frame;
}

const PAYLOAD_KEYS = new Set(PAYLOAD_REQUIREMENT_KEYS);

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function requirementsInPlist(src: string): PlistRequirement[] {
  const out: PlistRequirement[] = [];
  const n = src.length;
  const frames: Frame[] = [];
  let depth = 0;
  let i = 0;
  while (i < n) {
    const lt = src.indexOf('<', i);
    if (lt < 0) break;
    if (src.startsWith('<!--', lt)) {
      i = after(src, '-->', lt + 4);
      continue;
    }
    if (src.startsWith('<![CDATA[', lt)) {
      i = after(src, ']]>', lt + 9);
      continue;
    }
    if (src.startsWith('<?', lt)) {
      i = after(src, '?>', lt + 2);
      continue;
    }
    if (src.startsWith('<!', lt)) {
      i = skipDeclaration(src, lt);
      continue;
    }
    const tagEnd = endOfTag(src, lt + 1);
    if (tagEnd === -1) break;
    if (tagEnd < -1) {
      // Not a tag (a `<` inside it): go on from the next `<`.
      i = -tagEnd - 2;
      continue;
    }
    const closing = src[lt + 1] === '/';
    const selfClosing = !closing && src[tagEnd - 1] === '/';
    const nameMatch = /^[A-Za-z_:][-A-Za-z0-9_:.]*/.exec(src.slice(lt + (closing ? 2 : 1), Math.min(tagEnd, lt + 64)));
    const name = nameMatch ? nameMatch[0] : '';
    i = tagEnd + 1;
    if (closing) {
      const top = frames[frames.length - 1];
      if (top && top.depth === depth - 1 && (name === 'dict' || name === 'array')) {
        frames.pop();
        if (top.held && top.processor !== undefined && isAutopkgVerifier(top.processor)) out.push(...top.held);
      }
      depth = Math.max(0, depth - 1);
      continue;
    }
    const parent = frames[frames.length - 1];
    const direct = parent !== undefined && parent.depth === depth - 1;
    let valueKey: string | undefined;
    if (direct && parent.kind === 'dict' && name !== 'key') {
      valueKey = parent.pendingKey;
      parent.pendingKey = undefined;
    }
    if (name === 'key' && direct && parent.kind === 'dict' && !selfClosing) {
      const content = readText(src, i);
      parent.pendingKey = content.pieces.text();
      i = content.markup ? endOfElement(src, 'key', content.end) : closeTag(src, content.end);
      continue;
    }
    if (name === 'string' && direct && parent.kind === 'dict' && valueKey === 'Processor' && !selfClosing) {
      const content = readText(src, i);
      parent.processor = content.pieces.text().trim();
      i = content.markup ? endOfElement(src, 'string', content.end) : closeTag(src, content.end);
      continue;
    }
    if (name === 'string' && direct) {
      const role = parent.kind === 'dict'
        ? parent.role === 'privileged' ? 'SMPrivilegedExecutables'
          : valueKey !== undefined && PAYLOAD_KEYS.has(valueKey) ? valueKey as PlistRequirement['api']
          : parent.role === 'arguments' && valueKey === 'requirement' ? AUTOPKG_VERIFIER
          : undefined
        : parent.role === 'authorized' ? 'SMAuthorizedClients' : undefined;
      // A recipe's requirement counts once its step's Processor is known to be the verifier.
      const sink = role === AUTOPKG_VERIFIER && parent.step ? (parent.step.held ??= []) : out;
      if (role) {
        if (selfClosing) {
          sink.push({ api: role, pieces: new PieceList(), start: tagEnd + 1, end: tagEnd + 1, ...(valueKey !== undefined ? { key: valueKey } : {}) });
          continue;
        }
        const content = readText(src, i);
        const entry: PlistRequirement = { api: role, start: i, end: content.end, ...(valueKey !== undefined ? { key: valueKey } : {}) };
        if (content.markup) entry.notAnalysed = 'the <string> element contains markup';
        else if (role === AUTOPKG_VERIFIER && AUTOPKG_VARIABLE.test(content.pieces.text())) entry.notAnalysed = 'AutoPkg substitutes the %NAME% variables in it at run time';
        else entry.pieces = content.pieces;
        sink.push(entry);
        i = content.markup ? endOfElement(src, 'string', content.end) : closeTag(src, content.end);
        continue;
      }
    }
    if (selfClosing) continue;
    depth++;
    if (depth > MAX_PLIST_DEPTH) {
      out.push({ api: 'property list', start: lt, end: lt, notAnalysed: `the property list nests deeper than ${MAX_PLIST_DEPTH} elements here; the rest of the file is not scanned for requirements` });
      break;
    }
    if (name === 'dict' || name === 'array') {
      const frame: Frame = { kind: name, depth: depth - 1 };
      if (name === 'dict' && valueKey === SMJOBBLESS_KEYS.privileged) frame.role = 'privileged';
      if (name === 'array' && valueKey === SMJOBBLESS_KEYS.authorized) frame.role = 'authorized';
      if (name === 'dict' && valueKey === 'Arguments' && direct && parent.kind === 'dict') {
        frame.role = 'arguments';
        frame.step = parent;
      }
      frames.push(frame);
    }
  }
  return out;
}

function after(src: string, marker: string, from: number): number {
  const e = src.indexOf(marker, from);
  return e < 0 ? src.length : e + marker.length;
}

/** `<!DOCTYPE …>` with an optional internal subset in brackets. */
function skipDeclaration(src: string, lt: number): number {
  const gt = src.indexOf('>', lt);
  const bracket = src.indexOf('[', lt);
  if (bracket >= 0 && (gt < 0 || bracket < gt)) {
    const close = src.indexOf(']', bracket);
    return close < 0 ? src.length : after(src, '>', close);
  }
  return gt < 0 ? src.length : gt + 1;
}

/**
 * Offset of the `>` ending a tag that starts before `from`, skipping quoted
 * attribute values; -1 at the end of the input; `-(k + 2)` when a `<` at `k`
 * comes first (the text was not a tag).
 */
function endOfTag(src: string, from: number): number {
  const n = src.length;
  let quote = '';
  for (let j = from; j < n; j++) {
    const c = src[j]!;
    if (quote) {
      if (c === quote) quote = '';
      // An unterminated quote: let a new tag end it rather than scan to the end for every tag.
      else if (c === '<') return -(j + 2);
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
    else if (c === '<') return -(j + 2);
  }
  return -1;
}

/** Offset after the end tag starting at `at` (`</name>`). */
function closeTag(src: string, at: number): number {
  if (!src.startsWith('</', at)) return at;
  const gt = src.indexOf('>', at);
  return gt < 0 ? src.length : gt + 1;
}

/** Offset after the next `</name>` from `from` (used when an element unexpectedly holds markup). */
function endOfElement(src: string, name: string, from: number): number {
  const at = src.indexOf(`</${name}`, from);
  return at < 0 ? src.length : closeTag(src, at);
}

/** Character data from `from` to the next end tag, with entities and CDATA decoded. */
function readText(src: string, from: number): { pieces: PieceList; end: number; markup: boolean } {
  const pieces = new PieceList();
  const n = src.length;
  let i = from;
  let run = from;
  let markup = false;
  const flush = (to: number) => {
    if (to > run) pieces.verbatim(run, src.slice(run, to));
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 38 /* & */) {
      const semi = src.indexOf(';', i + 1);
      const name = semi > i && semi - i <= 12 ? src.slice(i + 1, semi) : '';
      let value: string | undefined;
      if (/^#[0-9]{1,7}$/.test(name)) value = codePointText(parseInt(name.slice(1), 10));
      else if (/^#x[0-9A-Fa-f]{1,6}$/.test(name)) value = codePointText(parseInt(name.slice(2), 16));
      else value = NAMED_ENTITIES[name];
      if (value !== undefined) {
        flush(i);
        pieces.escape(i, semi + 1, value);
        i = semi + 1;
        run = i;
        continue;
      }
      i++;
      continue;
    }
    if (c === 60 /* < */) {
      if (src.startsWith('<![CDATA[', i)) {
        flush(i);
        const close = src.indexOf(']]>', i + 9);
        const contentEnd = close < 0 ? n : close;
        pieces.gap(i, i + 9);
        pieces.verbatim(i + 9, src.slice(i + 9, contentEnd));
        pieces.gap(contentEnd, Math.min(contentEnd + 3, n));
        i = Math.min(contentEnd + 3, n);
        run = i;
        continue;
      }
      if (src.startsWith('<!--', i)) {
        flush(i);
        const e = after(src, '-->', i + 4);
        pieces.gap(i, e);
        i = e;
        run = i;
        continue;
      }
      if (src.startsWith('</', i)) break;
      markup = true;
      // Skip the child element's tag and keep looking for the end tag.
      const e = endOfTag(src, i + 1);
      flush(i);
      const next = e === -1 ? n : e < -1 ? -e - 2 : e + 1;
      pieces.gap(i, next);
      i = next;
      run = i;
      continue;
    }
    i++;
  }
  flush(i);
  return { pieces, end: i, markup };
}
