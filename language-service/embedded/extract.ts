/**
 * Requirement text embedded in host languages: string literals passed to the
 * Security and XPC APIs (Swift, Objective-C, C, C++), `codesign`/`csreq`
 * command lines in shell scripts, and the SMJobBless keys of property lists.
 * Each result maps every offset of the requirement text to the host document
 * and back, exactly through the host's escapes, so diagnostics, hovers and
 * edits land on the right characters.
 */
import { lexC } from './clang.js';
import { escapeForLiteral, insideCdata, type LiteralForm } from './escape.js';
import { findCallArguments } from './calls.js';
import { hostLanguage, REQUIREMENT_MARKERS, type HostFamily } from './hosts.js';
import { finishMapping, type OffsetMap, type PieceList } from './mapping.js';
import { requirementsInPlist } from './plist.js';
import { requirementsInShell, shellMode } from './shell.js';
import { lexSwift } from './swift.js';
import { requirementsInYaml } from './yaml.js';

export interface EmbeddedRequirement {
  /** The requirement text after unescaping the host literal ('' when not analysed). */
  text: string;
  /**
   * Offset of the literal's content in the host document (after the opening
   * quote; for concatenated literals, of the first part). When the
   * requirement is not analysed, the start of the host expression.
   */
  hostStart: number;
  hostEnd: number;
  /** Requirement-text offset → host offset, exact through escapes. */
  toHostOffset(offset: number): number;
  /** Host offset → requirement-text offset; undefined outside [hostStart, hostEnd]. */
  fromHostOffset(hostOffset: number): number | undefined;
  /** languageId of the host document. */
  language: string;
  /** Where the text is used: an API name, 'codesign -R', 'codesign -r', 'csreq -r', 'SMPrivilegedExecutables', 'SMAuthorizedClients'. */
  api: string;
  mode: 'single' | 'set';
  /** Why the requirement cannot be analysed (a parameter, a call result, a value only `nil`, …). */
  notAnalysed?: string;
  /** How the host literal escapes text (where the requirement starts). */
  form?: LiteralForm;
  /** Requirement text escaped for insertion into this literal (quick fixes): `\"` in C and Swift, `'\''` in single shell quotes, entities in XML, … */
  escapeText?(text: string): string;
  /**
   * Parts of `text` known only at run or build time (format specifiers,
   * interpolations, shell and build-setting variables, macros defined
   * elsewhere), in order: the text is a template. Each keeps its host
   * spelling in `text`.
   */
  holes?: TemplateHole[];
}

/** A hole of a requirement template: `text.slice(start, end)` is its host spelling (`%@`, `\(team)`, `${TEAM_ID}`, `$(DEVELOPMENT_TEAM)`). */
export interface TemplateHole {
  start: number;
  end: number;
  /** What fills it: "format argument", "Swift interpolation", "shell variable", "build setting", … */
  what: string;
}

/** Build-setting and template placeholders of property lists: Xcode's `$(VAR)` and `${VAR}` (with `:modifiers`), and `{{VAR}}`. */
const PLIST_PLACEHOLDER = /\$\([A-Za-z_][A-Za-z0-9_]*(?::[^)\s]*)?\)|\$\{[A-Za-z_][A-Za-z0-9_]*(?::[^}\s]*)?\}|\{\{\s*[A-Za-z_][\w.-]*\s*\}\}/g;

function markPlaceholders(pieces: PieceList): PieceList {
  const text = pieces.text();
  if (!text.includes('$') && !text.includes('{{')) return pieces;
  for (const m of text.matchAll(PLIST_PLACEHOLDER)) pieces.markHole(m.index!, m[0].length, m[0].startsWith('{{') ? 'template variable' : 'build setting');
  return pieces;
}

export { EMBEDDING_LANGUAGES, languageIdForPath, markersFor, REQUIREMENT_MARKERS } from './hosts.js';

export function mayContainRequirements(hostText: string): boolean {
  for (const marker of REQUIREMENT_MARKERS) if (hostText.includes(marker)) return true;
  return false;
}

type Extractor = (hostText: string, languageId: string) => EmbeddedRequirement[];

/** The extractor of each host family (hosts.ts): every family of the table has one. */
export const EXTRACTORS: Readonly<Record<HostFamily, Extractor>> = {
  c: (hostText, languageId) => callArguments(hostText, languageId, false),
  swift: (hostText, languageId) => callArguments(hostText, languageId, true),
  shell: (hostText, languageId) =>
    requirementsInShell(hostText).map((r) => {
      const text = r.pieces ? r.pieces.text() : '';
      return make(languageId, r.api, shellMode(r.api, text), r.pieces, r.start, r.end, r.notAnalysed, r.form);
    }),
  plist: (hostText, languageId) =>
    requirementsInPlist(hostText).map((r) => {
      const made = make(languageId, r.api, 'single', r.pieces && markPlaceholders(r.pieces), r.start, r.end, r.notAnalysed, 'xml');
      if (!made.notAnalysed && insideCdata(hostText, r.start, made.hostStart)) withForm(made, 'xml-cdata');
      return made;
    }),
  yaml: (hostText, languageId) => requirementsInYaml(hostText).map((r) => make(languageId, r.api, 'single', r.pieces, r.start, r.end, r.notAnalysed, r.form)),
};

/** Requirement arguments of the Security and XPC calls in C-family or Swift code. */
function callArguments(hostText: string, languageId: string, swift: boolean): EmbeddedRequirement[] {
  const tokens = swift ? lexSwift(hostText) : lexC(hostText);
  return findCallArguments(tokens, swift, hostText).map((arg) => make(languageId, arg.api, 'single', arg.pieces, arg.start, arg.end, arg.notAnalysed, arg.form));
}

export function extractRequirements(hostText: string, languageId: string): EmbeddedRequirement[] {
  if (!mayContainRequirements(hostText)) return [];
  const lang = hostLanguage(languageId);
  if (!lang) return [];
  const out = EXTRACTORS[lang.family](hostText, languageId);
  // One constant can be passed to several calls: report each literal once.
  out.sort((a, b) => a.hostStart - b.hostStart || a.hostEnd - b.hostEnd);
  return out.filter((r, k) => k === 0 || r.hostStart !== out[k - 1]!.hostStart || r.hostEnd !== out[k - 1]!.hostEnd);
}

function make(
  language: string,
  api: string,
  mode: 'single' | 'set',
  pieces: PieceList | undefined,
  start: number,
  end: number,
  notAnalysed: string | undefined,
  form: LiteralForm | undefined,
): EmbeddedRequirement {
  if (notAnalysed !== undefined || !pieces) {
    return {
      text: '',
      hostStart: start,
      hostEnd: end,
      toHostOffset: () => start,
      fromHostOffset: (h) => (h >= start && h <= end ? 0 : undefined),
      language,
      api,
      mode,
      notAnalysed: notAnalysed ?? 'the requirement is not a compile-time string',
    };
  }
  const map: OffsetMap = finishMapping(pieces, start);
  const holes = pieces.holes.length > 0 ? pieces.holes.map((h) => ({ start: h.t, end: h.t + h.tl, what: h.what })) : undefined;
  return {
    text: map.text,
    hostStart: map.hostStart,
    hostEnd: map.hostEnd,
    toHostOffset: map.toHostOffset,
    fromHostOffset: map.fromHostOffset,
    language,
    api,
    mode,
    ...(form ? { form, escapeText: (t: string) => escapeForLiteral(form, t) } : {}),
    ...(holes ? { holes } : {}),
  };
}

function withForm(r: EmbeddedRequirement, form: LiteralForm): void {
  r.form = form;
  r.escapeText = (t: string) => escapeForLiteral(form, t);
}
