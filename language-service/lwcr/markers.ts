/**
 * Which documents may hold a lightweight code requirement, by plain
 * substrings: light on purpose (no readers, no lexers), since the VS Code
 * client imports it to decide whether to start the language server.
 */
import { FACTS } from '../../lwcr/model.js';
import { hostLanguage } from '../embedded/hosts.js';

/** Languages read for lightweight code requirements only (no classic requirement is extracted from them). */
export const LWCR_ONLY_LANGUAGES: readonly string[] = ['json'];

/** Plain substrings without which a plist or JSON document holds no LWCR (embedded/lwcr.ts). */
export const LWCR_MARKERS: readonly string[] = ['SpawnConstraint', ...FACTS.map((f) => f.key), '$and', '$or', '$optional'];

/** Substrings without which a C-family or Swift file holds no LWCR (lwcr/source.ts). */
export const SOURCE_LWCR_MARKERS: readonly string[] = ['lightweight_code_requirement', 'xpc_peer_requirement_create_lwcr', 'lightweightCodeRequirements', 'XPCDictionary', 'allOf', 'anyOf'];

/** Whether documents of this language id may hold LWCR (JSON, property lists, C-family and Swift source). */
export function isLwcrHost(languageId: string): boolean {
  const family = hostLanguage(languageId)?.family;
  return languageId === 'json' || languageId === 'lwcr-json' || (family !== undefined && family !== 'shell');
}

/** Plain substrings without which a document of this language holds no LWCR. */
export function lwcrMarkersFor(languageId: string): readonly string[] {
  const family = hostLanguage(languageId)?.family;
  return family === 'c' || family === 'swift' ? SOURCE_LWCR_MARKERS : LWCR_MARKERS;
}

/** Whether a document may hold an LWCR (cheap: markers only), e.g. to start the language server for it. */
export function mayHoldLwcr(languageId: string, text: string): boolean {
  return isLwcrHost(languageId) && lwcrMarkersFor(languageId).some((m) => text.includes(m));
}
