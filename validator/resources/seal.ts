/**
 * The contents of `_CodeSignature/CodeResources`: which files are sealed and
 * by which rules. Apple uses `files2`/`rules2` whenever `files2` exists and
 * falls back to `files`/`rules` otherwise (SecStaticCode::loadResources); an
 * entry is a bare hash (data) or a dictionary read like ResourceSeal does:
 * `requirement` makes it nested code, else `symlink` a link, else `hash`
 * (SHA-1) / `hash2` (SHA-256) a file; `optional` may accompany any of them.
 */
import type { PlistDict, PlistValue } from '../facts.js';
import type { Problem } from '../problems.js';
import { parseRules, RuleError, type ResourceRule } from './rules.js';
import { quoted } from '../printable.js';

export interface SealEntry {
  optional: boolean;
  /** SHA-1 of the file. */
  hash?: Uint8Array;
  /** SHA-256 of the file. */
  hash2?: Uint8Array;
  /** Link target text, compared verbatim. */
  symlink?: string;
  /** Nested code: the requirement it must satisfy. */
  requirement?: string;
  /** Nested code: its CDHash when the signer recorded it. */
  cdhash?: Uint8Array;
  /** Why the entry is unusable (the file is then reported once, by name). */
  invalid?: string;
}

export interface ResourceSeal {
  version: 1 | 2;
  rules: ResourceRule[];
  files: Map<string, SealEntry>;
}

export interface SealLimits {
  /** Sealed entries; more is refused. */
  maxFiles: number;
  /** Path components of a key. */
  maxDepth: number;
}

/** Longer than PATH_MAX (1024 on macOS) cannot be a path inside a bundle anyway. */
export const MAX_KEY_LENGTH = 1024;

function isDict(v: PlistValue | undefined): v is PlistDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

export class SealError extends Error {}
/** A seal over one of our limits: it says nothing about the bundle's validity (reported as resources-limit). */
export class SealLimitError extends SealError {}

/** Why a key cannot name a file inside the bundle, or undefined when it can. */
export function badKey(key: string, maxDepth: number): string | undefined {
  if (key === '') return 'is empty';
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  if (key.includes('\0')) return 'contains a NUL character';
  if (key.startsWith('/')) return 'is an absolute path';
  const parts = key.split('/');
  if (parts.some((p) => p === '..')) return 'leaves the bundle ("..")';
  if (parts.some((p) => p === '' || p === '.')) return 'is not a normalised relative path';
  if (parts.length > maxDepth) return `is nested deeper than ${maxDepth} folders`;
  return undefined;
}

function entryOf(value: PlistValue): SealEntry | string {
  if (value instanceof Uint8Array) return { optional: false, hash: value };
  if (!isDict(value)) return 'is neither data nor a dictionary';
  const optional = value['optional'];
  if (optional !== undefined && typeof optional !== 'boolean') return '"optional" is not a boolean';
  const entry: SealEntry = { optional: optional === true };
  const requirement = value['requirement'];
  const symlink = value['symlink'];
  if (requirement !== undefined) {
    if (typeof requirement !== 'string') return '"requirement" is not a string';
    entry.requirement = requirement;
    const cdhash = value['cdhash'];
    if (cdhash !== undefined) {
      if (!(cdhash instanceof Uint8Array)) return '"cdhash" is not data';
      entry.cdhash = cdhash;
    }
    return entry;
  }
  if (symlink !== undefined) {
    if (typeof symlink !== 'string') return '"symlink" is not a string';
    entry.symlink = symlink;
    return entry;
  }
  for (const [key, size] of [['hash', 20], ['hash2', 32]] as const) {
    const h = value[key];
    if (h === undefined) continue;
    if (!(h instanceof Uint8Array)) return `"${key}" is not data`;
    if (h.length !== size) return `"${key}" is ${h.length} bytes, not ${size}`;
    entry[key] = h;
  }
  if (!entry.hash && !entry.hash2) return 'has no "hash", "hash2", "symlink" or "requirement"';
  return entry;
}

/**
 * Reads the seal. Structural errors (no files or rules, unusable rules, too
 * many entries) throw SealError: nothing can be verified then. Bad entries
 * keys are problems and are left out; entries that cannot be read stay, marked `invalid`.
 */
export function readSeal(dict: PlistDict, limits: SealLimits, problems: Problem[], maxReported: number): ResourceSeal {
  const version = dict['files2'] !== undefined ? 2 : 1;
  const [filesKey, rulesKey] = version === 2 ? ['files2', 'rules2'] : ['files', 'rules'];
  const files = dict[filesKey];
  if (!isDict(files)) throw new SealError(`"${filesKey}" is ${files === undefined ? 'missing' : 'not a dictionary'}`);
  let rules: ResourceRule[];
  try {
    rules = parseRules(dict[rulesKey], rulesKey);
  } catch (err) {
    if (err instanceof RuleError) throw new SealError(err.message);
    throw err;
  }
  const keys = Object.keys(files);
  if (keys.length > limits.maxFiles) throw new SealLimitError(`"${filesKey}" lists ${keys.length} files, more than the limit of ${limits.maxFiles}`);
  const map = new Map<string, SealEntry>();
  let bad = 0;
  for (const key of keys) {
    if (key.split('/').length > limits.maxDepth) throw new SealLimitError(`a ${filesKey} key is nested deeper than ${limits.maxDepth} folders`);
    const why = badKey(key, limits.maxDepth);
    if (why !== undefined) {
      // Never looked up: the walk only produces normalised paths inside the bundle, so nothing outside is read.
      if (bad++ < maxReported) {
        problems.push({
          code: 'resource-seal-invalid',
          severity: 'error',
          message: `CodeResources: the ${filesKey} key ${quoted(key.length > 200 ? key.slice(0, 200) + '…' : key)} ${why}; it is ignored`,
        });
      }
      continue;
    }
    const entry = entryOf(files[key]!);
    map.set(key, typeof entry === 'string' ? { optional: false, invalid: entry } : entry);
  }
  if (bad > maxReported) problems.push({ code: 'resource-seal-invalid', severity: 'error', message: `CodeResources: ${bad - maxReported} more invalid ${filesKey} entries` });
  return { version, rules, files: map };
}
