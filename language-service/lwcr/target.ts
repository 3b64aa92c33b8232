/**
 * The LWCR a command applies to (test against a binary or a process,
 * convert to a classic requirement): the one under the cursor in a host
 * document, ready for the engine's evaluator, and the LWCR ↔ classic
 * translations as documents that say, clause by clause, what was not
 * translated (lwcr/translate.ts decides; this writes it down).
 */
import type { Requirement } from '../../grammar/ast.js';
import { parse } from '../../grammar/parser.js';
import { analyse, canonical, classicToLwcr, lwcrToClassic, printLwcrJson, printLwcrXmlPlist, type LwcrContext, type LwGroup, type TranslationNote } from '../../lwcr/index.js';
import { findLwcr, type HostLwcr } from '../embedded/lwcr.js';
import type { LwcrSource } from './knowledge.js';

export interface LwcrTarget {
  /** The requirements as the OS evaluates them (entries in encoder order); ranges are host offsets. */
  tree: LwGroup;
  /** The evaluator the host says it is for (launchd: launch; XPC: process; builders by their type). */
  context?: LwcrContext;
  source: LwcrSource;
  /** For messages: "SpawnConstraint at line 7". */
  label: string;
  /** Host offset of the LWCR's start (where a result's code lens goes). */
  anchor: number;
  /** The requirements as one line of JSON: the text a check result names. */
  text: string;
}

const SOURCE_WORDS: Record<LwcrSource, string> = {
  'spawn-constraint': 'SpawnConstraint',
  'constraint-plist': 'launch constraint',
  json: 'LWCR',
  'xpc-dictionary': 'XPC peer requirement',
  'swift-dictionary': 'XPCDictionary requirement',
  'swift-builder': 'LightweightCodeRequirements builder',
};

/** Errors the OS raises when it parses the LWCR, which make a check meaningless (E 1 and E 5 are deferred to evaluation, as the OS defers them). */
const blocking = (l: HostLwcr) => l.analysis.diagnostics.find((d) => d.severity === 'error' && d.os !== 1 && d.os !== 5 && d.code !== 'LW070');

/**
 * The LWCR under `cursor` (or the only one) of a host document, or why there
 * is none to use. `line` turns a host offset into a 1-based line for labels.
 */
export function lwcrAt(text: string, languageId: string, cursor: number, line: (offset: number) => number): LwcrTarget | { error: string } {
  const found = findLwcr(text, languageId);
  if (found.syntaxError) return { error: `The LWCR cannot be read: ${found.syntaxError.message}` };
  if (found.found.length === 0) return { error: 'No lightweight code requirement found here (a launchd SpawnConstraint, a launch-constraint plist, an LWCR JSON file, an XPC dictionary passed to xpc_connection_set_peer_lightweight_code_requirement, or a LightweightCodeRequirements builder).' };
  const within = (l: HostLwcr) => l.reqs.range.start.offset <= cursor && cursor <= l.reqs.range.end.offset;
  const l = found.found.find(within) ?? (found.found.length === 1 ? found.found[0] : undefined);
  if (!l) return { error: `This file has ${found.found.length} lightweight code requirements: put the cursor inside the one to use.` };
  const bad = blocking(l);
  if (bad) return { error: `The LWCR has errors the OS rejects it for (line ${line(bad.range.start.offset)}: ${bad.message} [${bad.code}]); fix them first (see the Problems view).` };
  // Evaluated in the order an encoder writes (spec §5.2); the ranges stay those of the host text.
  const a = analyse(canonical(l.reqs), l.context ? { context: l.context } : {});
  if (!a.tree) return { error: 'The LWCR is not a dictionary.' };
  const anchor = l.reqs.range.start.offset;
  return { tree: a.tree, ...(l.context ? { context: l.context } : {}), source: l.source, label: `${SOURCE_WORDS[l.source]} at line ${line(anchor)}`, anchor, text: oneLineJson(l) };
}

function oneLineJson(l: HostLwcr): string {
  return printLwcrJson(l.reqs).trim().replace(/\n\s*/g, ' ');
}

export interface Conversion {
  /** The converted text with a comment per note, or only comments when a clause was refused. */
  text: string;
  /** The language id of `text`: `xml` (a launch-constraint plist) or `csreq`. */
  language: 'xml' | 'csreq';
  translated: boolean;
  notes: (TranslationNote & { line: number; column: number })[];
}

type At = (offset: number) => { line: number; column: number };

const noteLine = (n: Conversion['notes'][number]) => `line ${n.line}, column ${n.column}: \`${n.clause}\` ${n.kind === 'refused' ? 'NOT TRANSLATED' : 'approximate'}: ${n.reason}`;

/**
 * A classic requirement as a launch-constraint plist (what `codesign
 * --launch-constraint-*` takes), with an XML comment per approximate or
 * refused clause. `at` maps the requirement's offsets to the editor's lines.
 */
export function convertClassicToLwcr(requirement: Requirement, at: At): Conversion {
  const r = classicToLwcr(requirement);
  const notes = r.notes.map((n) => ({ ...n, ...at(n.range.start.offset) }));
  const comments = notes.map((n) => `<!-- ${noteLine(n).replace(/--/g, '- -')} -->`);
  if (!r.lwcr) {
    return { text: ['<!-- Not converted: a clause has no LWCR equivalent, and dropping it would weaken the requirement. -->', ...comments, ''].join('\n'), language: 'xml', translated: false, notes };
  }
  const plist = printLwcrXmlPlist(r.lwcr).split('\n');
  // Comments go after the XML declaration and DOCTYPE, where a plist reader skips them.
  return { text: [...plist.slice(0, 2), ...comments, ...plist.slice(2)].join('\n'), language: 'xml', translated: true, notes };
}

/** An LWCR as classic requirement text, with a `#` comment per approximate or refused clause. */
export function convertLwcrToClassic(tree: LwGroup, at: At): Conversion {
  const r = lwcrToClassic(tree);
  const notes = r.notes.map((n) => ({ ...n, ...at(n.range.start.offset) }));
  const comments = notes.map((n) => `# ${noteLine(n).replace(/\n/g, ' ')}`);
  if (r.text === undefined) {
    return { text: ['# Not converted: a clause has no classic equivalent, and dropping it would weaken the requirement.', ...comments, ''].join('\n'), language: 'csreq', translated: false, notes };
  }
  return { text: [...comments, r.text, ''].join('\n'), language: 'csreq', translated: true, notes };
}

/** Classic requirement text (a selection) parsed for conversion, or why it cannot be. */
export function parseClassic(text: string): Requirement | { error: string } {
  const p = parse(text, { mode: 'single' });
  const err = p.diagnostics.find((d) => d.severity === 'error');
  if (err || !p.document || p.document.kind !== 'requirement') return { error: `The selection is not a requirement${err ? ` (line ${err.range.start.line}: ${err.message})` : ''}.` };
  return p.document;
}
