/**
 * Requirement templates: text with holes that are filled in at run or build
 * time (`%@` of a format string, Swift `\(x)`, `${TEAM_ID}` in a shell
 * script, `$(DEVELOPMENT_TEAM)` in a property list, a macro defined
 * elsewhere). The grammar itself never sees a hole: each is replaced by a
 * sentinel the grammar accepts where it stands, so Apple's accept/reject of
 * plain text is untouched.
 *
 * A hole inside quotes is an unknown string value; a bare hole glued to a
 * word or after `identifier`, `=`, `[`, … is an unknown unquoted value; any
 * other bare hole is an unknown part of the requirement. The template is
 * analysed twice: once with every hole as weak as it can be (a value that
 * means nothing, a part that checks nothing) and once as strong as it can be
 * (an Apple value, a part that checks anchor, team, identifier, channel,
 * version and injection). A finding is reported only when both analyses give
 * it at the same place: then the fixed text decides it, whatever the holes
 * hold. A syntax error at a hole is the hole's doing and is not reported.
 */
import type { Diagnostic, TextFix } from '../../grammar/diagnostics.js';
import type { EmbeddedRequirement, TemplateHole } from '../embedded/extract.js';
import type { LineIndex } from './text.js';

export type HoleKind = 'string' | 'value' | 'expression';

/** Most holes a template may have to be analysed (real ones have a handful). */
export const MAX_TEMPLATE_HOLES = 32;

/** Sentinel of hole `n`: a word the lexer reads as one unquoted string (DOTKEY), unlikely in real text. */
const sentinel = (n: number) => `csrlHole${n}x`;
const SENTINEL = /(?:com\.apple\.)?csrlHole(\d+)x/g;

/** The strongest part a bare hole can stand for: an Apple anchor, one team, an identifier, Developer ID markers, a minimum version, no injection. */
const strongPart = (n: number) =>
  `(anchor apple generic and identifier "com.apple.${sentinel(n)}" and certificate leaf[subject.OU] = "${sentinel(n)}"` +
  ' and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate 1[field.1.2.840.113635.100.6.2.6]' +
  ' and info[CFBundleVersion] >= "1" and ! entitlement["com.apple.security.get-task-allow"]' +
  ' and ! entitlement["com.apple.security.cs.disable-library-validation"]' +
  ' and ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"])';

/** The weakest: a check that says nothing about who signed the code. */
const weakPart = (n: number) => `info[${sentinel(n)}]`;

/** Before a bare hole, these make it a value (`identifier $(ID)`, `… = ${TEAM}`, `info[%s]`); `=>` starts a requirement. */
const VALUE_BEFORE = /(?:\bidentifier|\bcdhash|[=<>~[])\s*$/;
const WORD_CHAR = /[A-Za-z0-9._\-/]/;

/** The kind of every hole, from where it stands in the fixed text (quotes and comments are followed). */
export function holeKinds(text: string, holes: readonly TemplateHole[]): HoleKind[] {
  const kinds: HoleKind[] = [];
  let i = 0;
  let quoted = false;
  let comment: '' | 'line' | 'block' = '';
  for (const h of holes) {
    for (; i < h.start; i++) {
      const c = text[i]!;
      if (comment === 'line') {
        if (c === '\n') comment = '';
      } else if (comment === 'block') {
        if (c === '*' && text[i + 1] === '/') {
          comment = '';
          i++;
        }
      } else if (quoted) {
        if (c === '\\' && text[i + 1] === '"') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '#' || (c === '/' && text[i + 1] === '/')) comment = 'line';
      else if (c === '/' && text[i + 1] === '*') comment = 'block';
    }
    // Skip the hole itself: its spelling (`\(x)`, `${x}`) is not requirement syntax.
    i = Math.max(i, h.end);
    if (quoted || comment) {
      kinds.push('string');
      continue;
    }
    const before = text.slice(Math.max(0, h.start - 40), h.start);
    const glued = (h.start > 0 && WORD_CHAR.test(text[h.start - 1]!)) || (h.end < text.length && /[A-Za-z0-9.]/.test(text[h.end]!));
    kinds.push(glued || (VALUE_BEFORE.test(before) && !/=>\s*$/.test(before)) ? 'value' : 'expression');
  }
  return kinds;
}

interface Instance {
  text: string;
  /** Offset in the instance → offset in the template text (a sentinel maps to its hole). */
  toTemplate(offset: number): number;
}

/** The template with every hole replaced by its weak or strong sentinel. */
function instantiate(text: string, holes: readonly TemplateHole[], kinds: readonly HoleKind[], strong: boolean): Instance {
  const parts: string[] = [];
  const spans: { at: number; end: number; start: number; stop: number }[] = [];
  let from = 0;
  let length = 0;
  holes.forEach((h, n) => {
    parts.push(text.slice(from, h.start));
    length += h.start - from;
    const glued = h.start > 0 && WORD_CHAR.test(text[h.start - 1]!);
    const s = kinds[n] === 'expression' ? (strong ? strongPart(n) : weakPart(n)) : strong && !glued ? `com.apple.${sentinel(n)}` : sentinel(n);
    parts.push(s);
    spans.push({ at: length, end: length + s.length, start: h.start, stop: h.end });
    length += s.length;
    from = h.end;
  });
  parts.push(text.slice(from));
  return {
    text: parts.join(''),
    toTemplate(offset: number): number {
      let shift = 0;
      for (const s of spans) {
        if (offset < s.at) break;
        if (offset < s.end) return offset === s.at ? s.start : s.stop;
        shift = s.stop - s.end;
      }
      return offset + shift;
    },
  };
}

export interface TemplateResult {
  /** The weak instance as an embedded requirement (for counts; its text holds sentinels). */
  embedded: EmbeddedRequirement;
  /** Diagnostics in host coordinates. */
  diagnostics: Diagnostic[];
  /** Set when the fixed text is empty: the whole requirement is a hole. */
  notAnalysed?: string;
}

interface Analysed {
  parse: { diagnostics: Diagnostic[] };
  diagnostics: Diagnostic[];
}

/**
 * Analyses a template (an embedded requirement with holes) with `analyze`
 * (the plain-text analysis with the caller's options) and returns what the
 * fixed text decides, in host coordinates, each message naming the holes.
 */
export function analyzeTemplate<A extends Analysed>(
  emb: EmbeddedRequirement,
  hostIndex: LineIndex,
  analyze: (text: string) => A,
  escape: (text: string) => string,
): TemplateResult & { analysis: A } {
  const holes = [...(emb.holes ?? [])].sort((a, b) => a.start - b.start);
  if (holes.length > MAX_TEMPLATE_HOLES) {
    // Each bare hole grows into a long clause in the strong instance: hostile input must not grow without bound.
    const analysis = analyze('');
    return { embedded: emb, diagnostics: [], analysis, notAnalysed: `the requirement is a template with ${holes.length} parts filled in at run time (more than ${MAX_TEMPLATE_HOLES})` };
  }
  const kinds = holeKinds(emb.text, holes);
  const weak = instantiate(emb.text, holes, kinds, false);
  const strong = instantiate(emb.text, holes, kinds, true);
  const weakAnalysis = analyze(weak.text);
  // Nothing found with the weakest holes: nothing to confirm (the strong instance is only analysed to intersect).
  const strongAnalysis = weakAnalysis.diagnostics.length > 0 ? analyze(strong.text) : weakAnalysis;
  const holeRanges = holes.map((h) => [emb.toHostOffset(h.start), emb.toHostOffset(h.end)] as const);
  const toHost = (inst: Instance, offset: number) => emb.toHostOffset(inst.toTemplate(offset));
  const hostRange = (inst: Instance, r: Diagnostic['range']) => {
    const s = toHost(inst, r.start.offset);
    const e = r.end.offset === r.start.offset ? s : Math.max(s, toHost(inst, r.end.offset));
    return [s, e] as const;
  };
  const touchesHole = (s: number, e: number) => holeRanges.some(([hs, he]) => s <= he && e >= hs);
  const overlapsHole = (s: number, e: number) => holeRanges.some(([hs, he]) => (s === e ? s > hs && s < he : s < he && e > hs));

  const inStrong = new Set(strongAnalysis.diagnostics.map((d) => {
    const [s, e] = hostRange(strong, d.range);
    return `${d.code}:${s}:${e}`;
  }));
  const summary = describeHoles(emb.text, holes, kinds);
  const restore = (s: string) => s.replace(SENTINEL, (_m, n: string) => emb.text.slice(holes[Number(n)]!.start, holes[Number(n)]!.end));
  const diagnostics: Diagnostic[] = [];
  for (const d of weakAnalysis.diagnostics) {
    const [s, e] = hostRange(weak, d.range);
    if (!inStrong.has(`${d.code}:${s}:${e}`)) continue;
    // Syntax and language errors at a hole are the hole's doing.
    if (d.code < 'CSR100' && touchesHole(s, e)) continue;
    const out: Diagnostic = { ...d, message: `${restore(d.message)} ${summary}`, range: hostIndex.range(s, e) };
    const fixes: TextFix[] = [];
    for (const f of d.fixes ?? []) {
      // A fix must not write into a hole, nor write a sentinel into the host.
      const [fs, fe] = hostRange(weak, f.range);
      if (overlapsHole(fs, fe) || /csrlHole\d+x/.test(f.newText)) continue;
      fixes.push({ title: f.title, range: hostIndex.range(fs, fe), newText: escape(f.newText) });
    }
    if (fixes.length > 0) out.fixes = fixes;
    else delete out.fixes;
    diagnostics.push(out);
  }
  const embedded: EmbeddedRequirement = {
    ...emb,
    text: weak.text,
    toHostOffset: (o) => toHost(weak, o),
    fromHostOffset: () => undefined,
  };
  let notAnalysed: string | undefined;
  let fixed = '';
  let at = 0;
  for (const h of holes) {
    fixed += emb.text.slice(at, h.start);
    at = h.end;
  }
  fixed += emb.text.slice(at);
  if (fixed.trim() === '') notAnalysed = `the whole requirement is ${holes.map((h) => `\`${emb.text.slice(h.start, h.end)}\` (a ${h.what})`).join(' ')}, filled in ${BUILD_TIME.has(holes[0]!.what) ? 'at build time' : 'at run time'}`;
  return { embedded, diagnostics: notAnalysed ? [] : diagnostics, analysis: weakAnalysis, ...(notAnalysed ? { notAnalysed } : {}) };
}

/** Holes whose value is fixed when the project is built, not when it runs. */
const BUILD_TIME = new Set(['build setting', 'template variable', 'macro defined outside this file']);

const KIND_WORDS: Record<HoleKind, string> = {
  string: 'a quoted string value',
  value: 'an unquoted value',
  expression: 'an unknown part of the requirement',
};

/** "[Template: `%@` (format argument: a quoted string value) is filled in at run time; this holds whatever it holds.]" */
export function describeHoles(text: string, holes: readonly TemplateHole[], kinds: readonly HoleKind[]): string {
  const MAX_LISTED = 6;
  const listed = holes.slice(0, MAX_LISTED).map((h, n) => `\`${abbreviate(text.slice(h.start, h.end))}\` (${h.what}: ${KIND_WORDS[kinds[n]!]})`);
  if (holes.length > MAX_LISTED) listed.push(`${holes.length - MAX_LISTED} more`);
  const built = holes.map((h) => BUILD_TIME.has(h.what));
  const when = built.every(Boolean) ? 'at build time' : built.some(Boolean) ? 'at build or run time' : 'at run time';
  return `[Template: ${listed.join(', ')} ${holes.length === 1 ? 'is' : 'are'} filled in ${when}; this holds whatever ${holes.length === 1 ? 'it holds' : 'they hold'}.]`;
}

function abbreviate(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? one.slice(0, 37) + '…' : one;
}
