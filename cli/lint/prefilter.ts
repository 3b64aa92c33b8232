/**
 * The pre-filter of `csrl lint`: whether a host file can earn any finding,
 * decided on its raw bytes before it is decoded, parsed or analysed.
 *
 * It is conservative by construction: its words are the gates the analysis
 * itself applies (language-service/analysis/analyze.ts analyzeHostDocument),
 * taken from the same tables:
 * - requirement extraction: the host language's markers (embedded/hosts.ts),
 *   which every extractor trigger contains (calls.ts CALL_APIS, shell.ts
 *   REQUIREMENT_TOOLS, plist.ts keys, the AutoPkg verifier);
 * - host lint rules (R12/R13 on a file without any requirement): each rule's
 *   `hostMarkers`;
 * - lightweight code requirements: lwcr/markers.ts for the language.
 * test/lint/prefilter.test.ts checks every trigger of those tables passes,
 * and that no document the filter drops has a finding.
 */
import { HOST_RULE_MARKERS } from '../../language-service/rules/index.js';
import { markersFor } from '../../language-service/embedded/hosts.js';
import { isLwcrHost, LWCR_MARKERS, lwcrMarkersFor } from '../../language-service/embedded/lwcr.js';

/** Every word a document of `languageId` needs to hold at least one of, to be worth analysing. */
export function prefilterWords(languageId: string): readonly string[] {
  // JSON is read only for LWCR; property lists may hold LWCR (SpawnConstraint, launch-constraint files) too.
  if (languageId === 'json') return LWCR_MARKERS;
  return [...new Set([...markersFor(languageId), ...HOST_RULE_MARKERS, ...(isLwcrHost(languageId) ? lwcrMarkersFor(languageId) : [])])];
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
