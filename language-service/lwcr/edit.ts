/**
 * Edits to an LWCR in its host's own form, for quick fixes: an entry added
 * to a dictionary is a `<key>…</key><integer>…</integer>` pair in a plist,
 * `"key": value` in JSON or a Swift dictionary literal, an
 * `xpc_dictionary_set_int64(d, "key", 6);` line in C, and a
 * `ValidationCategory(.developerID)` call in a Swift builder block. Offsets
 * are host offsets; undefined means the form cannot express the edit.
 */
import { printLwcrJson, type LwDict, type LwEntry, type LwValue } from '../../lwcr/index.js';
import { lineIndent, SOURCE_DICTS } from './source.js';
import { SWIFT_CATEGORIES, SWIFT_CONSTRAINT_OF_FACT, SWIFT_CONSTRAINTS, SWIFT_PLATFORMS, type LwcrSource } from './knowledge.js';

export interface HostEdit {
  start: number;
  end: number;
  newText: string;
}

export interface LwcrEditor {
  /** `key: value` added after the dictionary's last entry. */
  addEntry(dict: LwDict, key: string, value: LwValue): HostEdit | undefined;
  /** A scalar value replaced by another (same fact). */
  replaceValue(old: LwValue, value: LwValue, fact: string): HostEdit | undefined;
  /** `$optional: {fact: v}` replaced by `fact: v`. */
  unwrapOptional(outer: LwEntry): HostEdit | undefined;
  /** A key spelt anew (a misspelt fact). */
  renameKey(entry: LwEntry, key: string): HostEdit | undefined;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function plistScalar(v: LwValue): string | undefined {
  switch (v.kind) {
    case 'string':
      return `<string>${xmlEscape(v.value)}</string>`;
    case 'int':
      return `<integer>${v.value}</integer>`;
    case 'bool':
      return `<${v.value}/>`;
    default:
      return undefined;
  }
}

function jsonScalar(v: LwValue): string | undefined {
  return v.kind === 'string' || v.kind === 'int' || v.kind === 'bool' ? printLwcrJson(v).trim() : undefined;
}

/** A C or Swift string literal (both read `\"`, `\\`, `\n`). */
const quoted = (s: string) => JSON.stringify(s);

/** The text of one dictionary entry (key through value), re-indented to `indent`. */
function entryText(text: string, e: LwEntry, indent: string): string {
  const from = e.keyRange.start.offset;
  const own = lineIndent(text, from);
  return text.slice(from, e.value.range.end.offset).split('\n').map((l, i) => (i === 0 || !l.startsWith(own) ? l : indent + l.slice(own.length))).join('\n');
}

/** Unwrapping `$optional` in text forms where an entry's text can be moved as it is. */
function unwrapByText(text: string, outer: LwEntry): HostEdit | undefined {
  if (outer.value.kind !== 'dict' || outer.value.entries.length !== 1) return undefined;
  const inner = outer.value.entries[0]!;
  return { start: outer.keyRange.start.offset, end: outer.value.range.end.offset, newText: entryText(text, inner, lineIndent(text, outer.keyRange.start.offset)) };
}

function plistEditor(text: string): LwcrEditor {
  return {
    addEntry(dict, key, value) {
      const last = dict.entries[dict.entries.length - 1];
      const scalar = plistScalar(value);
      if (!last || !scalar) return undefined;
      const ind = lineIndent(text, last.keyRange.start.offset);
      const at = last.value.range.end.offset;
      return { start: at, end: at, newText: `\n${ind}<key>${xmlEscape(key)}</key>\n${ind}${scalar}` };
    },
    replaceValue(old, value) {
      const scalar = plistScalar(value);
      return scalar ? { start: old.range.start.offset, end: old.range.end.offset, newText: scalar } : undefined;
    },
    unwrapOptional: (outer) => unwrapByText(text, outer),
    renameKey: (e, key) => ({ start: e.keyRange.start.offset, end: e.keyRange.end.offset, newText: `<key>${xmlEscape(key)}</key>` }),
  };
}

function jsonEditor(text: string): LwcrEditor {
  return {
    addEntry(dict, key, value) {
      const last = dict.entries[dict.entries.length - 1];
      const scalar = jsonScalar(value);
      if (!last || !scalar) return undefined;
      const at = last.value.range.end.offset;
      const multiline = text.slice(dict.range.start.offset, last.keyRange.start.offset).includes('\n');
      return { start: at, end: at, newText: multiline ? `,\n${lineIndent(text, last.keyRange.start.offset)}${quoted(key)}: ${scalar}` : `, ${quoted(key)}: ${scalar}` };
    },
    replaceValue(old, value) {
      const scalar = jsonScalar(value);
      return scalar ? { start: old.range.start.offset, end: old.range.end.offset, newText: scalar } : undefined;
    },
    unwrapOptional: (outer) => unwrapByText(text, outer),
    renameKey: (e, key) => ({ start: e.keyRange.start.offset, end: e.keyRange.end.offset, newText: quoted(key) }),
  };
}

function cScalar(v: LwValue): string | undefined {
  return v.kind === 'string' ? quoted(v.value) : v.kind === 'int' ? String(v.value) : v.kind === 'bool' ? String(v.value) : undefined;
}

function xpcEditor(): LwcrEditor {
  const setter: Partial<Record<LwValue['kind'], string>> = { string: 'xpc_dictionary_set_string', int: 'xpc_dictionary_set_int64', bool: 'xpc_dictionary_set_bool' };
  return {
    addEntry(dict, key, value) {
      const where = SOURCE_DICTS.get(dict);
      const fn = setter[value.kind];
      const scalar = cScalar(value);
      if (!where?.name || !fn || !scalar) return undefined;
      return { start: where.insertAt, end: where.insertAt, newText: `\n${where.indent}${fn}(${where.name}, ${quoted(key)}, ${scalar});` };
    },
    replaceValue(old, value) {
      const scalar = cScalar(value);
      return scalar && old.kind === value.kind ? { start: old.range.start.offset, end: old.range.end.offset, newText: scalar } : undefined;
    },
    unwrapOptional: () => undefined,
    renameKey: (e, key) => ({ start: e.keyRange.start.offset, end: e.keyRange.end.offset, newText: quoted(key) }),
  };
}

function swiftDictionaryEditor(text: string): LwcrEditor {
  return {
    addEntry(dict, key, value) {
      const where = SOURCE_DICTS.get(dict);
      const scalar = cScalar(value);
      if (!where || !scalar || dict.entries.length === 0) return undefined;
      const multiline = text.slice(dict.range.start.offset, where.insertAt).includes('\n');
      return { start: where.insertAt, end: where.insertAt, newText: multiline ? `,\n${where.indent}${quoted(key)}: ${scalar}` : `, ${quoted(key)}: ${scalar}` };
    },
    replaceValue(old, value) {
      const scalar = cScalar(value);
      return scalar && old.kind === value.kind ? { start: old.range.start.offset, end: old.range.end.offset, newText: scalar } : undefined;
    },
    unwrapOptional: () => undefined,
    renameKey: (e, key) => ({ start: e.keyRange.start.offset, end: e.keyRange.end.offset, newText: quoted(key) }),
  };
}

const nameOf = (table: Record<string, number>, n: bigint) => Object.entries(table).find(([, v]) => BigInt(v) === n)?.[0];

/** The builder spelling of a fact's value argument, e.g. `.developerID` or `"ABCDE12345"`. */
function builderArgument(fact: string, v: LwValue): string | undefined {
  const name = SWIFT_CONSTRAINT_OF_FACT.get(fact);
  const kind = name ? SWIFT_CONSTRAINTS[name]!.value : undefined;
  if (kind === 'string' && v.kind === 'string') return quoted(v.value);
  if (kind === 'category' && v.kind === 'int') return nameOf(SWIFT_CATEGORIES, v.value) && `.${nameOf(SWIFT_CATEGORIES, v.value)}`;
  if (kind === 'platform' && v.kind === 'int') return nameOf(SWIFT_PLATFORMS, v.value) && `.${nameOf(SWIFT_PLATFORMS, v.value)}`;
  if (kind === 'bool' && v.kind === 'bool') return v.value ? '' : 'false';
  return undefined;
}

function swiftBuilderEditor(): LwcrEditor {
  return {
    addEntry(dict, key, value) {
      const where = SOURCE_DICTS.get(dict);
      const name = SWIFT_CONSTRAINT_OF_FACT.get(key);
      const arg = builderArgument(key, value);
      if (!where || !name || arg === undefined) return undefined;
      return { start: where.insertAt, end: where.insertAt, newText: `\n${where.indent}${name}(${arg})` };
    },
    replaceValue(old, value, fact) {
      const arg = builderArgument(fact, value);
      return arg ? { start: old.range.start.offset, end: old.range.end.offset, newText: arg } : undefined;
    },
    unwrapOptional: () => undefined,
    renameKey: () => undefined,
  };
}

/** The editor for an LWCR found in `text` in the form `source`. */
export function editorFor(source: LwcrSource, text: string): LwcrEditor {
  switch (source) {
    case 'spawn-constraint':
    case 'constraint-plist':
      return plistEditor(text);
    case 'json':
      return jsonEditor(text);
    case 'xpc-dictionary':
      return xpcEditor();
    case 'swift-dictionary':
      return swiftDictionaryEditor(text);
    case 'swift-builder':
      return swiftBuilderEditor();
  }
}
