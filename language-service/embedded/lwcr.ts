/**
 * Finds lightweight code requirements (LWCR) in host documents, with ranges
 * in host coordinates, for the LWCR lint rules and `csrl lint`:
 *
 * - property lists (XML): the `SpawnConstraint` value of a launchd plist, or
 *   a whole launch-constraint plist (what `codesign --launch-constraint-*`
 *   takes) whose top-level dictionary looks like requirements (see
 *   `looksLikeRequirements`);
 * - JSON: language id `json` when its top-level object looks like
 *   requirements; language id `lwcr-json` (what `csrl lint` gives files named
 *   `*.lwcr.json`) always, and a syntax error there is reported;
 * - C-family and Swift source: XPC dictionaries, `XPCDictionary` literals and
 *   the LightweightCodeRequirements builder (language-service/lwcr/source.ts).
 *
 * "Looks like requirements": at least one top-level key is a known fact or an
 * LWCR logical operator, and every top-level key is a known fact, a
 * `$`-operator, or hyphenated lower-case kebab-case (so a typo such as
 * `team-identifer` still counts, while Info.plist or package.json keys such as
 * `name` or `CFBundleIdentifier` do not).
 */
import { analyse, FACT_BY_KEY, isLogicalOp, LwcrSyntaxError, parseLwcrJson, parseLwcrXmlPlist, type Analysis, type LwcrContext, type LwDict, type LwValue } from '../../lwcr/index.js';
import type { Range } from '../../grammar/ast.js';
import { hostLanguage } from './hosts.js';
import { editorFor, type LwcrEditor } from '../lwcr/edit.js';
import type { LwcrSource } from '../lwcr/knowledge.js';
import { findSourceLwcr } from '../lwcr/source.js';
import { LWCR_MARKERS } from '../lwcr/markers.js';

export type { LwcrSource };

export interface HostLwcr {
  source: LwcrSource;
  /** The requirements dictionary (ranges in host coordinates). */
  reqs: LwValue;
  /** The evaluator it is meant for, when the host says (launchd: launch). */
  context?: LwcrContext;
  analysis: Analysis;
  /** Edits in the host's own form, for quick fixes. */
  edit: LwcrEditor;
  /** Source entries left out because their value is not a literal (host offsets). */
  skipped?: { start: number; end: number; why: string }[];
}

export interface HostLwcrResult {
  found: HostLwcr[];
  /** A document recognised as LWCR (or holding `SpawnConstraint`) that could not be read. */
  syntaxError?: { message: string; range?: Range };
}

export { isLwcrHost, LWCR_MARKERS, lwcrMarkersFor, mayHoldLwcr } from '../lwcr/markers.js';

/** A key that could be a misspelt fact: kebab-case with at least one hyphen (like every fact but `cdhash`, `entitlements`). */
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

/** Whether a top-level dictionary looks like LWCR requirements (see the module comment). */
export function looksLikeRequirements(d: LwDict): boolean {
  if (d.entries.length === 0) return false;
  return d.entries.some((e) => FACT_BY_KEY.has(e.key) || isLogicalOp(e.key)) && d.entries.every((e) => FACT_BY_KEY.has(e.key) || e.key.startsWith('$') || KEBAB.test(e.key));
}

let cache: { text: string; languageId: string; result: HostLwcrResult } | undefined;

/** The LWCRs of a host document. The last result is cached: every LWCR rule asks for the same document in turn. */
export function findLwcr(text: string, languageId: string): HostLwcrResult {
  if (cache && cache.text === text && cache.languageId === languageId) return cache.result;
  const result = find(text, languageId);
  cache = { text, languageId, result };
  return result;
}

function find(text: string, languageId: string): HostLwcrResult {
  if (languageId === 'json' || languageId === 'lwcr-json') return findJson(text, languageId === 'lwcr-json');
  const family = hostLanguage(languageId)?.family;
  if (family === 'c' || family === 'swift') {
    return { found: findSourceLwcr(text, family).map((s) => ({ ...make(s.source, s.reqs, text, s.context), ...(s.skipped.length ? { skipped: s.skipped } : {}) })) };
  }
  if (family !== 'plist') return { found: [] };
  if (!LWCR_MARKERS.some((m) => text.includes(m))) return { found: [] };
  let root: LwValue | undefined;
  try {
    root = parseLwcrXmlPlist(text);
  } catch {
    root = undefined;
  }
  if (root?.kind === 'dict') {
    const spawn = root.entries.find((e) => e.key === 'SpawnConstraint');
    if (spawn) return { found: [make('spawn-constraint', spawn.value, text, 'launch')] };
    if (looksLikeRequirements(root)) return { found: [make('constraint-plist', root, text)] };
    return { found: [] };
  }
  // The whole plist did not read (e.g. <real> or <date> elsewhere in a launchd plist): read the
  // SpawnConstraint value alone, with everything else blanked so offsets and lines stay put.
  const slice = spawnConstraintSlice(text);
  if (!slice) return { found: [] };
  const masked = blank(text.slice(0, slice.start)) + text.slice(slice.start, slice.end) + blank(text.slice(slice.end));
  try {
    return { found: [make('spawn-constraint', parseLwcrXmlPlist(masked), text, 'launch')] };
  } catch (err) {
    return { found: [], syntaxError: syntaxError(err) };
  }
}

function findJson(text: string, named: boolean): HostLwcrResult {
  if (!named && !LWCR_MARKERS.some((m) => text.includes(m))) return { found: [] };
  let root: LwValue;
  try {
    root = parseLwcrJson(text);
  } catch (err) {
    return named ? { found: [], syntaxError: syntaxError(err) } : { found: [] };
  }
  if (named || (root.kind === 'dict' && looksLikeRequirements(root))) return { found: [make('json', root, text)] };
  return { found: [] };
}

function make(source: LwcrSource, reqs: LwValue, text: string, context?: LwcrContext): HostLwcr {
  return { source, reqs, ...(context ? { context } : {}), analysis: analyse(reqs, context ? { context } : {}), edit: editorFor(source, text) };
}

function syntaxError(err: unknown): HostLwcrResult['syntaxError'] {
  if (err instanceof LwcrSyntaxError) return { message: err.message, ...(err.range ? { range: err.range } : {}) };
  return { message: (err as Error).message };
}

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** The `<dict>…</dict>` (or `<dict/>`) after `<key>SpawnConstraint</key>`, by tag depth. */
function spawnConstraintSlice(text: string): { start: number; end: number } | undefined {
  const key = /<key>\s*SpawnConstraint\s*<\/key>\s*/.exec(text);
  if (!key) return undefined;
  const start = key.index + key[0].length;
  const open = /^<dict\s*(\/?)>/.exec(text.slice(start));
  if (!open) return undefined;
  if (open[1] === '/') return { start, end: start + open[0].length };
  const tags = /<(\/?)dict\s*(\/?)>/g;
  tags.lastIndex = start + open[0].length;
  let depth = 1;
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    if (m[2] === '/') continue;
    depth += m[1] === '/' ? -1 : 1;
    if (depth === 0) return { start, end: m.index + m[0].length };
  }
  return undefined;
}
