/**
 * The pre-filter of `csrl lint` (cli/lint/prefilter.ts) never hides a
 * finding: every trigger of the extractors' and rules' tables passes it, and
 * no document it drops has a finding when analysed, including documents that
 * spell a trigger through an escape the extractors decode.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { mayHoldFinding, prefilterWords } from '../../cli/lint/prefilter.js';
import { lintPaths } from '../../cli/lint/lint.js';
import { analyzeHostDocument } from '../../language-service/analysis/analyze.js';
import { CALL_APIS } from '../../language-service/embedded/calls.js';
import { HOST_LANGUAGES, type HostFamily } from '../../language-service/embedded/hosts.js';
import { AUTOPKG_VERIFIER, PAYLOAD_REQUIREMENT_KEYS, SMJOBBLESS_KEYS } from '../../language-service/embedded/plist.js';
import { REQUIREMENT_TOOLS } from '../../language-service/embedded/shell.js';
import { LWCR_MARKERS, SOURCE_LWCR_MARKERS } from '../../language-service/lwcr/markers.js';
import { HOST_RULE_MARKERS } from '../../language-service/rules/index.js';
import { APP_INFO_PLIST, HELPER_INFO_PLIST, PPPC_PROFILE, RECIPE_PLIST, RECIPE_YAML } from '../support/containers.js';
import { REAL_WORLD } from './real-world-fixtures.js';

const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const passes = (languageId: string, text: string) => mayHoldFinding(languageId, latin1(text));

/** What the extractor of each family reacts to, from the extractors' own tables. */
const EXTRACTOR_TRIGGERS: Record<HostFamily, readonly string[]> = {
  c: [...Object.keys(CALL_APIS), ...SOURCE_LWCR_MARKERS],
  swift: [...Object.keys(CALL_APIS), ...SOURCE_LWCR_MARKERS],
  shell: REQUIREMENT_TOOLS,
  plist: [...Object.values(SMJOBBLESS_KEYS), ...PAYLOAD_REQUIREMENT_KEYS, AUTOPKG_VERIFIER, ...LWCR_MARKERS],
  yaml: [AUTOPKG_VERIFIER],
};

function findings(text: string, languageId: string): number {
  const a = analyzeHostDocument(text, languageId, { trusted: true });
  return a.diagnostics.length + a.requirements.length + a.templates.length + a.lwcrCount;
}

const LWCR_PLIST = `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>Label</key>\n\t<string>com.example.helper</string>\n\t<key>SpawnConstraint</key>\n\t<dict>\n\t\t<key>team-identifier</key>\n\t\t<string>ABCDE12345</string>\n\t\t<key>$optional</key>\n\t\t<dict/>\n\t</dict>\n</dict>\n</plist>\n`;
const LWCR_JSON = `{ "team-identifier": "ABCDE12345", "signing-identifier": "com.example.tool" }\n`;

/** Documents with findings, by language: the tables' examples, the container fixtures, the real-world files, LWCR hosts. */
function corpus(): { languageId: string; text: string }[] {
  const docs = HOST_LANGUAGES.map((l) => ({ languageId: l.id, text: l.example('identifier "com.example.a"') }));
  for (const text of [APP_INFO_PLIST, HELPER_INFO_PLIST, PPPC_PROFILE, RECIPE_PLIST, LWCR_PLIST]) docs.push({ languageId: 'plist', text });
  docs.push({ languageId: 'yaml', text: RECIPE_YAML }, { languageId: 'json', text: LWCR_JSON });
  const byExtension: Record<string, string> = { m: 'objective-c', mm: 'objective-cpp', c: 'c', h: 'objective-c', cpp: 'cpp', swift: 'swift', sh: 'shellscript', plist: 'plist' };
  for (const [name, text] of Object.entries(REAL_WORLD)) {
    const languageId = byExtension[name.slice(name.lastIndexOf('.') + 1)];
    if (languageId) docs.push({ languageId, text });
  }
  return docs;
}

/** Spellings of `word` that an extractor may decode but that do not contain it: an XML character reference, a YAML `\u` escape, a C universal character name. */
function escapedSpellings(word: string): string[] {
  const first = word.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return [`&#${word.charCodeAt(0)};${word.slice(1)}`, `&#x${first};${word.slice(1)}`, `\\u${first}${word.slice(1)}`, `${word.slice(0, 1)}\\\n${word.slice(1)}`];
}

describe('lint pre-filter', () => {
  test('every trigger of the extractors and of the host rules passes, for every language of its family', () => {
    for (const lang of HOST_LANGUAGES) {
      for (const trigger of [...EXTRACTOR_TRIGGERS[lang.family], ...HOST_RULE_MARKERS]) {
        assert.ok(passes(lang.id, `x ${trigger} y`), `${lang.id}: '${trigger}' passes`);
      }
    }
    for (const trigger of [...LWCR_MARKERS, ...HOST_RULE_MARKERS]) assert.ok(passes('json', `{"${trigger}": 1}`), `json: '${trigger}' passes`);
    assert.ok(passes('lwcr-json', '{}'), 'a *.lwcr.json file is always read');
  });

  test('its words are the analysis gates: every language marker, rule marker and LWCR marker of the language', () => {
    for (const lang of HOST_LANGUAGES) {
      const words = new Set(prefilterWords(lang.id));
      for (const other of HOST_LANGUAGES) for (const m of other.markers) assert.ok(words.has(m), `${lang.id} has ${other.id}'s marker ${m}`);
      for (const m of HOST_RULE_MARKERS) assert.ok(words.has(m));
    }
  });

  test('every document of the corpus with a finding passes', () => {
    for (const { languageId, text } of corpus()) {
      assert.ok(findings(text, languageId) > 0, `the ${languageId} corpus document has a finding:\n${text}`);
      assert.ok(passes(languageId, text), `${languageId} document passes:\n${text}`);
    }
  });

  test('a document the filter drops has no finding, whichever words are escaped or added', () => {
    const docs = corpus();
    const words = [...new Set([...HOST_LANGUAGES.flatMap((l) => prefilterWords(l.id)), ...prefilterWords('json')])];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: docs.length - 1 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: words.length - 1 }), fc.integer({ min: 0, max: 3 })), { maxLength: 12 }),
        fc.option(fc.integer({ min: 0, max: words.length - 1 })),
        (d, escapes, added) => {
          const { languageId, text: original } = docs[d]!;
          let text = original;
          // Escape every occurrence of the chosen words, then (usually) of all words: a document left with no literal word.
          for (const [w, form] of escapes) text = text.split(words[w]!).join(escapedSpellings(words[w]!)[form]!);
          for (const w of words) text = text.split(w).join(escapedSpellings(w)[0]!);
          if (added !== null) text += `\n<!-- // # ${words[added]} -->\n`;
          if (!passes(languageId, text)) assert.equal(findings(text, languageId), 0, `dropped ${languageId} document has findings:\n${text}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a property list whose SMJobBless key is a character reference is linted when another marker is present', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csrl-prefilter-'));
    try {
      const plist = `<?xml version="1.0"?>\n<plist version="1.0">\n<dict>\n<!-- signed by codesign in CI -->\n\t<key>SMAuthorized&#67;lients</key>\n\t<array>\n\t\t<string>identifier "com.example.a"</string>\n\t</array>\n</dict>\n</plist>\n`;
      writeFileSync(join(dir, 'Info.plist'), plist);
      const report = await lintPaths(['.'], dir, { analysis: { trusted: true }, maxWarnings: -1 });
      assert.equal(report.summary.requirements, 1);
      assert.deepEqual(report.files.map((f) => f.path), ['Info.plist']);
      assert.ok(report.files[0]!.diagnostics.some((diag) => diag.code === 'CSR101'), 'identifier-only is reported');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
