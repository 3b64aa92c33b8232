/**
 * The pre-filter of `csrl lint`: whether a host file can earn any finding,
 * decided on its raw bytes before it is decoded, parsed or analysed.
 *
 * It is conservative by construction: its words are the gates the analysis
 * itself applies (analyzeHostDocument in language-service/analysis/analyze.ts),
 * taken from the same tables, so a file without any of them has no finding:
 * - requirement extraction returns nothing for a text without one of
 *   REQUIREMENT_MARKERS (embedded/extract.ts mayContainRequirements). The
 *   union, not only the file's own language's markers: past that gate an
 *   extractor also reads keys spelt with escapes (`SMAuthorized&#67;lients`);
 * - host lint rules (R12/R13 on a file without any requirement) report only
 *   in a text with one of their `hostMarkers`;
 * - lightweight code requirements are looked for only in a text with one of
 *   the language's LWCR markers (lwcr/markers.ts).
 * test/lint/prefilter.test.ts checks that every trigger of the extractors'
 * tables passes, and that no document the filter drops has a finding.
 */
import { HOST_RULE_MARKERS } from '../../language-service/rules/index.js';
import { hostLanguage, REQUIREMENT_MARKERS } from '../../language-service/embedded/hosts.js';
import { isLwcrHost, lwcrMarkersFor } from '../../language-service/embedded/lwcr.js';

/** Every word a document of `languageId` needs to hold at least one of, to be worth analysing. */
export function prefilterWords(languageId: string): readonly string[] {
  return [...new Set([...(hostLanguage(languageId) ? REQUIREMENT_MARKERS : []), ...HOST_RULE_MARKERS, ...(isLwcrHost(languageId) ? lwcrMarkersFor(languageId) : [])])];
}

/**
 * One regular expression per language over all of its words: a single scan
 * of the file's bytes (as latin1 text: every word is ASCII, and no byte of a
 * UTF-8 multi-byte sequence is ASCII) instead of one Buffer search per word.
 */
const patterns = new Map<string, RegExp>();
function pattern(languageId: string): RegExp {
  let found = patterns.get(languageId);
  if (!found) {
    found = new RegExp(prefilterWords(languageId).map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    patterns.set(languageId, found);
  }
  return found;
}

/** Whether a host document (its bytes as latin1 text) may hold a finding; `lwcr-json` files are always read. */
export function mayHoldFinding(languageId: string, latin1: string): boolean {
  return languageId === 'lwcr-json' || pattern(languageId).test(latin1);
}
