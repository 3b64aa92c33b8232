/**
 * Completion of LWCR facts, operators and enumerated values at a host
 * offset, in the host's own form. Completion runs while the text is being
 * typed and often does not parse, so the position is read from the text
 * before the cursor (a tolerant scan of plist tags or JSON tokens, or the
 * call around the cursor in C and Swift), not from a parse of the whole
 * document.
 */
import { FACT_BY_KEY, FACTS, isLogicalOp, isValueOp, LOGICAL_OPS, type FactType } from '../../lwcr/index.js';
import { hostLanguage } from '../embedded/hosts.js';
import { factMarkdown, operatorMarkdown, operatorsFor, SWIFT_CATEGORIES, SWIFT_CONSTRAINTS, SWIFT_PLATFORMS, valuesOf } from './knowledge.js';

export interface LwcrCompletion {
  label: string;
  kind: 'field' | 'operator' | 'value' | 'constant';
  detail?: string;
  documentation?: string;
  insert: string;
  /** Host offsets replaced by `insert`. */
  replaceStart: number;
  replaceEnd: number;
}

/** Completion looks this far back from the cursor: an LWCR dictionary is small. */
const MAX_SCAN = 256 * 1024;
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

export function lwcrCompletionAt(text: string, languageId: string, offset: number): LwcrCompletion[] {
  const family = languageId === 'json' || languageId === 'lwcr-json' ? 'json' : hostLanguage(languageId)?.family;
  switch (family) {
    case 'plist':
      return plist(text, offset);
    case 'json':
      return json(text, offset, languageId === 'lwcr-json');
    case 'c':
      return cFamily(text, offset);
    case 'swift':
      return swift(text, offset);
    default:
      return [];
  }
}

/** What goes at a position: a key under `parent` (the key that opened the dictionary), or the value of `fact`. */
type Slot = { kind: 'key'; parent: string | undefined; prefix: string } | { kind: 'value'; key: string; parent: string | undefined; prefix: string };

function items(slot: Slot, start: number, end: number, typeFilter?: FactType): LwcrCompletion[] {
  const at = { replaceStart: start, replaceEnd: end };
  if (slot.kind === 'key') {
    const parent = slot.parent;
    if (parent !== undefined && FACT_BY_KEY.has(parent)) {
      return operatorsFor(parent).map((op) => ({ label: op, kind: 'operator' as const, detail: `value operator on ${parent}`, documentation: operatorMarkdown(op) ?? '', insert: op, ...at }));
    }
    if (parent !== undefined && isValueOp(parent)) return [];
    const facts = FACTS.filter((f) => !typeFilter || f.type === typeFilter).map((f) => ({ label: f.key, kind: 'field' as const, detail: `LWCR fact (${f.type}${f.static ? '' : ', runtime'})`, documentation: factMarkdown(f.key) ?? '', insert: f.key, ...at }));
    const ops = typeFilter && typeFilter !== 'dict' ? [] : LOGICAL_OPS.map((op) => ({ label: op, kind: 'operator' as const, detail: 'LWCR logical operator', documentation: operatorMarkdown(op) ?? '', insert: op, ...at }));
    return [...facts, ...ops];
  }
  // A value: of the fact itself, or of a value operator on the fact (`$in`, `$lt` …).
  const fact = FACT_BY_KEY.has(slot.key) ? slot.key : isValueOp(slot.key) && slot.parent && FACT_BY_KEY.has(slot.parent) ? slot.parent : undefined;
  if (!fact) return [];
  return valuesOf(fact).map((v) => ({ label: String(v.value), kind: 'constant' as const, detail: `${fact}: ${v.name}`, documentation: `**${v.value}** — ${v.name}`, insert: String(v.value), ...at }));
}

// ---- property lists ----

interface Frame { kind: 'dict' | 'array'; key: string | undefined; pending?: string }

function plist(text: string, offset: number): LwcrCompletion[] {
  const from = Math.max(0, offset - MAX_SCAN);
  const before = text.slice(from, offset);
  const keyOpen = /<key>([^<]*)$/.exec(before);
  const valueOpen = /<(integer|string)>([^<]*)$/.exec(before);
  if (!keyOpen && !valueOpen) return [];
  const stack: Frame[] = [];
  const rootKeys: string[] = [];
  const tags = /<(\/?)(dict|array|key|string|integer|true|false|data|real|date)\b[^>]*?(\/?)>/g;
  let keyStart = -1;
  for (let m = tags.exec(before); m; m = tags.exec(before)) {
    const [, close, name, self] = m;
    const top = stack[stack.length - 1];
    if (name === 'key') {
      if (!close) keyStart = m.index + m[0].length;
      else if (top && keyStart >= 0) {
        top.pending = before.slice(keyStart, m.index).trim();
        if (stack.length === 1) rootKeys.push(top.pending);
      }
      continue;
    }
    if (close) {
      if ((name === 'dict' || name === 'array') && stack.length > 0) {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent?.kind === 'dict') parent.pending = undefined;
      } else if (top?.kind === 'dict') top.pending = undefined;
      continue;
    }
    if ((name === 'dict' || name === 'array') && !self) {
      stack.push({ kind: name, key: top?.kind === 'dict' ? top.pending : top?.kind === 'array' ? top.key : undefined });
    } else if (self && top?.kind === 'dict') top.pending = undefined;
  }
  // Which frames are LWCR: under SpawnConstraint, or the whole file when it reads as a constraint file.
  let path: Frame[];
  const spawn = stack.findIndex((f) => f.key === 'SpawnConstraint');
  if (spawn >= 0) path = stack.slice(spawn);
  else if (!text.includes('SpawnConstraint') && rootKeys.every((k) => FACT_BY_KEY.has(k) || k.startsWith('$') || KEBAB.test(k)) && stack[0]?.kind === 'dict') path = stack.map((f, i) => (i === 0 ? { ...f, key: undefined } : f));
  else return [];
  const top = path[path.length - 1];
  if (!top) return [];
  const parent = top.kind === 'dict' ? (top === path[0] ? undefined : top.key) : undefined;
  if (keyOpen && top.kind === 'dict') {
    const prefix = keyOpen[1]!;
    const after = /^[^<]*/.exec(text.slice(offset))![0];
    return items({ kind: 'key', parent, prefix }, offset - prefix.length, offset + after.length);
  }
  if (valueOpen) {
    const prefix = valueOpen[2]!;
    const after = /^[^<]*/.exec(text.slice(offset))![0];
    // In an array (`$in`), the values are the fact's above it.
    const key = top.kind === 'dict' ? top.pending : top.key;
    const above = top.kind === 'dict' ? parent : path[path.length - 2]?.key;
    if (!key) return [];
    if (valueOpen[1] !== 'integer') return [];
    return items({ kind: 'value', key, parent: above, prefix }, offset - prefix.length, offset + after.length);
  }
  return [];
}

// ---- JSON ----

function json(text: string, offset: number, named: boolean): LwcrCompletion[] {
  const from = Math.max(0, offset - MAX_SCAN);
  const before = text.slice(from, offset);
  const stack: Frame[] = [];
  const rootKeys: string[] = [];
  let expectKey = false;
  let i = 0;
  let openString: { start: number; key: boolean } | undefined;
  while (i < before.length) {
    const c = before[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < before.length && before[j] !== '"') j += before[j] === '\\' ? 2 : 1;
      if (j >= before.length) {
        openString = { start: i + 1, key: expectKey };
        break;
      }
      const s = before.slice(i + 1, j);
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'dict') {
        top.pending = s;
        if (stack.length === 1) rootKeys.push(s);
      }
      expectKey = false;
      i = j + 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      stack.push({ kind: c === '{' ? 'dict' : 'array', key: top?.kind === 'dict' ? top.pending : top?.key });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') expectKey = top?.kind === 'dict';
    i++;
  }
  if (!named && !rootKeys.every((k) => FACT_BY_KEY.has(k) || k.startsWith('$') || KEBAB.test(k))) return [];
  const top = stack[stack.length - 1];
  if (!top) return [];
  const parent = top === stack[0] ? undefined : top.key;
  if (openString) {
    if (!openString.key || top.kind !== 'dict') return [];
    const prefix = before.slice(openString.start);
    const after = /^[^"\n]*/.exec(text.slice(offset))![0];
    return items({ kind: 'key', parent, prefix }, offset - prefix.length, offset + after.length);
  }
  // After `"key": ` (and any digits typed): a value.
  const v = /:\s*(-?\d*)$/.exec(before);
  if (v && top.kind === 'dict' && top.pending) {
    const after = /^\d*/.exec(text.slice(offset))![0];
    return items({ kind: 'value', key: top.pending, parent, prefix: v[1]! }, offset - v[1]!.length, offset + after.length);
  }
  const inArray = /[[,]\s*(-?\d*)$/.exec(before);
  if (inArray && top.kind === 'array' && top.key) {
    const above = stack[stack.length - 2];
    return items({ kind: 'value', key: top.key, parent: above === stack[0] ? undefined : above?.key, prefix: inArray[1]! }, offset - inArray[1]!.length, offset);
  }
  return [];
}

// ---- C family: xpc_dictionary_set_* ----

const XPC_SETTER_TYPES: Record<string, FactType | undefined> = { string: 'string', int64: 'int', uint64: 'int', bool: 'bool', data: 'data', value: undefined };

function cFamily(text: string, offset: number): LwcrCompletion[] {
  const line = text.slice(Math.max(0, text.lastIndexOf('\n', offset - 1) + 1, offset - 4096), offset);
  const after = /^[^"\n]*/.exec(text.slice(offset))![0];
  const key = /xpc_dictionary_set_(\w+)\s*\(\s*\w+\s*,\s*"([^"\\]*)$/.exec(line);
  if (key && key[1]! in XPC_SETTER_TYPES) {
    const prefix = key[2]!;
    const type = XPC_SETTER_TYPES[key[1]!];
    const list = items({ kind: 'key', parent: undefined, prefix }, offset - prefix.length, offset + after.length, type);
    // xpc_dictionary_set_value takes a dictionary or an array: operators and dictionary facts.
    return key[1] === 'value' ? list.filter((x) => isLogicalOp(x.label) || FACT_BY_KEY.get(x.label)?.type === 'dict' || x.kind === 'field') : list;
  }
  const value = /xpc_dictionary_set_u?int64\s*\(\s*\w+\s*,\s*"([a-z-]+)"\s*,\s*(\d*)$/.exec(line);
  if (value) {
    const digits = /^\d*/.exec(text.slice(offset))![0];
    return items({ kind: 'value', key: value[1]!, parent: undefined, prefix: value[2]! }, offset - value[2]!.length, offset + digits.length);
  }
  return [];
}

// ---- Swift: builder enums, builder blocks, XPCDictionary literals ----

function swift(text: string, offset: number): LwcrCompletion[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(Math.max(lineStart, offset - 4096), offset);
  const word = /^\w*/.exec(text.slice(offset))![0];
  const member = /\b(ValidationCategory|PlatformType)\(\s*\.(\w*)$/.exec(line);
  if (member) {
    const table = member[1] === 'ValidationCategory' ? SWIFT_CATEGORIES : SWIFT_PLATFORMS;
    const fact = member[1] === 'ValidationCategory' ? 'validation-category' : 'platform-type';
    const prefix = member[2]!;
    return Object.entries(table).map(([name, n]) => ({ label: name, kind: 'constant' as const, detail: `${fact} ${n}`, documentation: `**${fact} ${n}** — ${valuesOf(fact, true).find((v) => v.value === n)?.name ?? name}`, insert: name, replaceStart: offset - prefix.length, replaceEnd: offset + word.length }));
  }
  const dictKey = /(?:\[|,)\s*"([^"\\]*)$/.exec(line);
  if (dictKey && /lightweightCodeRequirements\s*:|XPCDictionary/.test(text.slice(Math.max(0, offset - 4096), offset))) {
    const prefix = dictKey[1]!;
    const after = /^[^"\n]*/.exec(text.slice(offset))![0];
    return items({ kind: 'key', parent: undefined, prefix }, offset - prefix.length, offset + after.length);
  }
  // A new line in a builder block: the constraint types.
  const typed = /^\s*(\w*)$/.exec(line);
  if (typed && inBuilderBlock(text, lineStart)) {
    const prefix = typed[1]!;
    return Object.entries(SWIFT_CONSTRAINTS).map(([name, c]) => ({
      label: name, kind: 'field' as const, detail: `LWCR fact ${c.fact}`, documentation: factMarkdown(c.fact, 'swift-builder') ?? '',
      insert: `${name}(${c.value === 'string' ? '""' : c.value === 'category' ? '.developerID' : c.value === 'platform' ? '.macOS' : ''})`,
      replaceStart: offset - prefix.length, replaceEnd: offset + word.length,
    }));
  }
  return [];
}

/** Whether the line at `lineStart` lies directly in an `allOf {` / `anyOf {` block (by the previous non-blank line). */
function inBuilderBlock(text: string, lineStart: number): boolean {
  let end = lineStart - 1;
  for (let n = 0; n < 50 && end > 0; n++) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const prev = text.slice(start, end).trim();
    if (prev !== '') {
      if (/\b(allOf|anyOf)\s*\{$/.test(prev)) return true;
      const call = /^(?:try\s+)?(\w+)\s*\(/.exec(prev);
      return call !== null && call[1]! in SWIFT_CONSTRAINTS;
    }
    end = start - 1;
  }
  return false;
}
