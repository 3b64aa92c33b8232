/**
 * The host languages whose documents may embed requirement text, in one
 * table: VS Code language id, file extensions, the API markers without which
 * a document holds no requirement, which extractor reads it, and how
 * requirement text is escaped into its string literals.
 *
 * This module is light on purpose (no lexers): the VS Code client imports it
 * for its language list, its start-up pre-filter and "Insert designated
 * requirement". The extractors, keyed by `family`, are in extract.ts
 * (`EXTRACTORS`, typed so that every family has one).
 */
import { escapeForLiteral, insideCdata, shellQuotingAt, type LiteralForm } from './escape.js';

/** Which extractor reads a language: C-family and Swift calls, shell command lines, property lists, YAML (AutoPkg recipes). */
export type HostFamily = 'c' | 'swift' | 'shell' | 'plist' | 'yaml';

export interface HostLanguage {
  /** VS Code language id (also the `language` of `csrl lint --format json`). */
  id: string;
  family: HostFamily;
  /** File extensions, lower case, without the dot, that `csrl lint` reads as this language. */
  extensions: readonly string[];
  /** Plain substrings without which a document of this language holds no requirement (searched on raw bytes by `csrl lint`). */
  markers: readonly string[];
  /** The usual string literal of the language: what `escapeForLanguage` writes without a position. */
  literal: LiteralForm;
  /** The literal form in force at `offset` of `hostText` (as far as this light module can tell without lexing). */
  literalAt(hostText: string, offset: number): LiteralForm;
  /**
   * A minimal document of this language that passes a `literal` string whose
   * content is `content` to a requirement API (the round-trip tests use it).
   */
  example(content: string): string;
}

/** Every C-family and Swift API whose requirement argument is extracted contains one of these (embedded/calls.ts CALL_APIS). */
const CALL_MARKERS = ['SecRequirementCreateWithString', 'CodeSigningRequirement', 'code_signing_requirement', 'SecTaskValidateForRequirement'] as const;
const SHELL_MARKERS = ['codesign', 'csreq'] as const;
/** SMJobBless keys, configuration-profile payload keys (embedded/plist.ts PAYLOAD_REQUIREMENT_KEYS), AutoPkg's verifier. */
const PLIST_MARKERS = ['SMPrivilegedExecutables', 'SMAuthorizedClients', 'CodeRequirement', 'DesignatedRequirement', 'CodeSignatureVerifier'] as const;
const YAML_MARKERS = ['CodeSignatureVerifier'] as const;

const cFamily = (id: string, extensions: string[], example: (content: string) => string): HostLanguage => ({
  id, family: 'c', extensions, markers: CALL_MARKERS, literal: 'c', literalAt: () => 'c', example,
});

const plistExample = (content: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>SMAuthorizedClients</key>\n\t<array>\n\t\t<string>${content}</string>\n\t</array>\n</dict>\n</plist>\n`;

const plistLiteralAt = (hostText: string, offset: number): LiteralForm => {
  const open = hostText.lastIndexOf('<string>', offset - 1);
  return open >= 0 && insideCdata(hostText, open, offset) ? 'xml-cdata' : 'xml';
};

export const HOST_LANGUAGES: readonly HostLanguage[] = [
  {
    id: 'swift', family: 'swift', extensions: ['swift'], markers: CALL_MARKERS, literal: 'swift', literalAt: () => 'swift',
    example: (content) => `import Security\n\nvar requirement: SecRequirement?\nlet status = SecRequirementCreateWithString("${content}" as CFString, [], &requirement)\n`,
  },
  cFamily('objective-c', ['m', 'h'], (content) => `#import <Foundation/Foundation.h>\n\nvoid setUp(NSXPCConnection *connection) {\n    [connection setCodeSigningRequirement:@"${content}"];\n}\n`),
  cFamily('objective-cpp', ['mm'], (content) => `#import <Foundation/Foundation.h>\n\nvoid setUp(NSXPCConnection *connection) {\n    [connection setCodeSigningRequirement:@"${content}"];\n}\n`),
  cFamily('c', ['c'], (content) => `#include <Security/Security.h>\n\nSecRequirementRef make(void) {\n    SecRequirementRef r = NULL;\n    SecRequirementCreateWithString(CFSTR("${content}"), kSecCSDefaultFlags, &r);\n    return r;\n}\n`),
  cFamily('cpp', ['cc', 'cpp', 'cxx', 'c++', 'hh', 'hpp', 'hxx'], (content) => `#include <xpc/xpc.h>\n\nvoid guard(xpc_connection_t c) {\n    xpc_connection_set_peer_code_signing_requirement(c, "${content}");\n}\n`),
  {
    id: 'shellscript', family: 'shell', extensions: ['sh', 'bash', 'zsh', 'ksh', 'command', 'tool'], markers: SHELL_MARKERS, literal: 'shell-single',
    // Shell quoting runs within a line here; a word quoted across lines is rare in codesign/csreq calls.
    literalAt: (hostText, offset) => shellQuotingAt(hostText, hostText.lastIndexOf('\n', offset - 1) + 1, offset),
    example: (content) => `#!/bin/sh\nset -e\ncodesign --verify -R='${content}' "$APP"\n`,
  },
  // Configuration profiles and AutoPkg recipes are property lists too (a CMS-signed profile is unwrapped first: engine/profile.ts).
  { id: 'plist', family: 'plist', extensions: ['plist', 'mobileconfig', 'recipe'], markers: PLIST_MARKERS, literal: 'xml', literalAt: plistLiteralAt, example: plistExample },
  // VS Code's id for property lists when no plist extension is installed; `csrl lint` reads *.plist as `plist`.
  { id: 'xml', family: 'plist', extensions: [], markers: PLIST_MARKERS, literal: 'xml', literalAt: plistLiteralAt, example: plistExample },
  // AutoPkg recipes in YAML (`.recipe.yaml`); other YAML files lack the marker and are skipped unread.
  {
    id: 'yaml', family: 'yaml', extensions: ['yaml', 'yml'], markers: YAML_MARKERS, literal: 'yaml-double',
    literalAt: (hostText, offset) => yamlLiteralAt(hostText.slice(hostText.lastIndexOf('\n', offset - 1) + 1, offset)),
    example: (content) => `Identifier: com.example.download.App\nProcess:\n  - Processor: CodeSignatureVerifier\n    Arguments:\n      input_path: "%pathname%/App.app"\n      requirement: "${content}"\n`,
  },
];

/** The YAML scalar style in force at the end of `lineBefore` (the line up to an offset). */
function yamlLiteralAt(lineBefore: string): LiteralForm {
  if (/:\s*"(?:[^"\\]|\\.)*$/.test(lineBefore)) return 'yaml-double';
  if (/:\s*'(?:[^']|'')*$/.test(lineBefore)) return 'yaml-single';
  return 'yaml-plain';
}

const BY_ID = new Map(HOST_LANGUAGES.map((l) => [l.id, l]));
const BY_EXTENSION = new Map(HOST_LANGUAGES.flatMap((l) => l.extensions.map((e) => [e, l] as const)));

/** The table entry of a VS Code language id (undefined: not a host language). */
export function hostLanguage(languageId: string): HostLanguage | undefined {
  return BY_ID.get(languageId);
}

/** Host languages whose documents may embed requirements (VS Code language ids). */
export const EMBEDDING_LANGUAGES: readonly string[] = HOST_LANGUAGES.map((l) => l.id);

/**
 * Literal markers of every host language: a document that contains none of
 * them holds no requirement. Searched as plain substrings.
 */
export const REQUIREMENT_MARKERS: readonly string[] = [...new Set(HOST_LANGUAGES.flatMap((l) => l.markers))];

/** The markers of one host language (a narrower pre-filter than REQUIREMENT_MARKERS); for other languages, all of them. */
export function markersFor(languageId: string): readonly string[] {
  return BY_ID.get(languageId)?.markers ?? REQUIREMENT_MARKERS;
}

/** The languageId for a file name, by extension (undefined: not a host language). */
export function languageIdForPath(path: string): string | undefined {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  return BY_EXTENSION.get(ext)?.id;
}

/** Whether a document of this language may hold requirements: a host language and one of its markers in the text. */
export function mayHoldRequirements(languageId: string, text: string): boolean {
  const lang = BY_ID.get(languageId);
  return lang !== undefined && lang.markers.some((m) => text.includes(m));
}

/**
 * Requirement text escaped for a string literal of a document in `languageId`:
 * the literal in force at `at.offset` of `at.hostText` when given (inside
 * `'…'` or `"…"` of a shell line, CDATA in a plist), else the language's usual
 * literal. Text for other languages (`csreq`, plain text) is returned as it is.
 */
export function escapeForLanguage(languageId: string, text: string, at?: { hostText: string; offset: number }): string {
  const lang = BY_ID.get(languageId);
  if (!lang) return text;
  return escapeForLiteral(at ? lang.literalAt(at.hostText, at.offset) : lang.literal, text);
}

/**
 * Requirement text written by quick fixes and edits into the literal of an
 * embedded requirement that starts at `hostStart`: `\"` in C and Swift
 * strings, entities in XML, nothing in raw strings, single-quoted shell words
 * and Swift multi-line strings.
 */
export function escapeForHost(text: string, hostText: string, hostStart: number, languageId: string): string {
  const family = BY_ID.get(languageId)?.family;
  if (family === 'yaml') {
    const before = hostText[hostStart - 1];
    return escapeForLiteral(before === '"' ? 'yaml-double' : before === "'" ? 'yaml-single' : 'yaml-plain', text);
  }
  if (family === 'plist') {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }
  const before = hostText.slice(Math.max(0, hostStart - 4), hostStart);
  if (before.endsWith('#"') || before.endsWith('"""') || before.endsWith("'") || before.endsWith('"""\n')) return text;
  if (before.endsWith('"') || family !== 'shell') return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return text;
}
