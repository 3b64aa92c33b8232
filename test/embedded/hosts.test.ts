import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { CALL_APIS } from '../../language-service/embedded/calls.js';
import { LWCR_ONLY_LANGUAGES } from '../../language-service/lwcr/markers.js';
import { extractRequirements, mayContainRequirements } from '../../language-service/embedded/extract.js';
import { escapeForLanguage, EMBEDDING_LANGUAGES, HOST_LANGUAGES, hostLanguage, languageIdForPath, markersFor, REQUIREMENT_MARKERS } from '../../language-service/embedded/hosts.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Quotes of both kinds, backslashes, `$`, `<`, `&`, `>`, `]]>`, line breaks, a tab, non-ASCII: everything a host literal escapes. */
const HOSTILE = [
  'identifier "com.example.$HOME\'s `tool`" and anchor apple generic and',
  '  certificate leaf[subject.CN] = "A \\"quoted\\" <name> & co ]]> \\\\ back\\\\slash" or',
  '\tinfo[CFBundleName] = "été $(rm -rf) ${X} \'single\' \\"double\\""',
].join('\n');

function extractOne(doc: string, languageId: string): string {
  const found = extractRequirements(doc, languageId);
  assert.equal(found.length, 1, `${languageId}: expected one requirement in\n${doc}\ngot ${JSON.stringify(found.map((f) => f.text))}`);
  assert.equal(found[0]!.notAnalysed, undefined, `${languageId}: ${found[0]!.notAnalysed}`);
  return found[0]!.text;
}

test('every host language round-trips a hostile requirement through its escaper and its extractor', () => {
  for (const lang of HOST_LANGUAGES) {
    const doc = lang.example(escapeForLanguage(lang.id, HOSTILE));
    assert.equal(extractOne(doc, lang.id), HOSTILE, lang.id);
  }
});

test('every host language round-trips arbitrary text through its escaper and its extractor', () => {
  const chars = fc.constantFrom('a', 'Z', '0', ' ', '"', "'", '\\', '$', '`', '<', '>', '&', ';', ']', '[', '\n', '\t', '#', '(', ')', '{', '}', 'é', '😀');
  fc.assert(
    fc.property(fc.array(chars, { minLength: 1, maxLength: 40 }), fc.constantFrom(...HOST_LANGUAGES), (parts, lang) => {
      const text = 'x' + parts.join('');
      assert.equal(extractOne(lang.example(escapeForLanguage(lang.id, text)), lang.id), text, lang.id);
    }),
    { numRuns: 400 },
  );
});

test('escaping follows the literal at the insertion point (shell quotes, plist CDATA)', () => {
  const cases: { languageId: string; before: string; after: string }[] = [
    { languageId: 'shellscript', before: "codesign --verify -R='", after: "' \"$APP\"\n" },
    { languageId: 'shellscript', before: 'codesign --verify -R="', after: '" "$APP"\n' },
    { languageId: 'shellscript', before: "codesign --verify -R=$'", after: "' \"$APP\"\n" },
    { languageId: 'shellscript', before: 'codesign --verify -R=', after: ' "$APP"\n' },
    { languageId: 'shellscript', before: "echo 'it''s'\ncodesign --verify -R=\"", after: '" x\n' },
    { languageId: 'plist', before: '<plist><dict><key>SMAuthorizedClients</key><array><string><![CDATA[', after: ']]></string></array></dict></plist>\n' },
    { languageId: 'plist', before: '<plist><dict><key>SMAuthorizedClients</key><array><string>', after: '</string></array></dict></plist>\n' },
    { languageId: 'swift', before: 'SecRequirementCreateWithString("', after: '" as CFString, [], &r)\n' },
    { languageId: 'objective-c', before: 'SecRequirementCreateWithString(CFSTR("', after: '"), 0, &r);\n' },
    { languageId: 'yaml', before: 'Process:\n  - Processor: CodeSignatureVerifier\n    Arguments:\n      requirement: "', after: '"\n' },
  ];
  for (const { languageId, before, after } of cases) {
    const hostText = before + after;
    const escaped = escapeForLanguage(languageId, HOSTILE, { hostText, offset: before.length });
    assert.equal(extractOne(before + escaped + after, languageId), HOSTILE, `${languageId}: ${before}…`);
  }
});

test('text for languages outside the table (csreq, plain text) is inserted as it is', () => {
  assert.equal(escapeForLanguage('csreq', HOSTILE), HOSTILE);
  assert.equal(escapeForLanguage('plaintext', HOSTILE, { hostText: '"', offset: 1 }), HOSTILE);
});

test('the table: unique ids and extensions, file names map back to their language', () => {
  assert.deepEqual(EMBEDDING_LANGUAGES, HOST_LANGUAGES.map((l) => l.id));
  assert.equal(new Set(EMBEDDING_LANGUAGES).size, EMBEDDING_LANGUAGES.length);
  const extensions = HOST_LANGUAGES.flatMap((l) => l.extensions);
  assert.equal(new Set(extensions).size, extensions.length, 'an extension belongs to one language');
  for (const lang of HOST_LANGUAGES) {
    assert.equal(hostLanguage(lang.id), lang);
    assert.ok(lang.markers.length > 0, `${lang.id} has markers`);
    assert.deepEqual(markersFor(lang.id), lang.markers);
    for (const ext of lang.extensions) {
      assert.equal(languageIdForPath(`dir/File.${ext}`), lang.id);
      assert.equal(languageIdForPath(`dir\\FILE.${ext.toUpperCase()}`), lang.id);
    }
  }
  assert.equal(languageIdForPath('README.md'), undefined);
  assert.equal(languageIdForPath('Makefile'), undefined);
  assert.deepEqual(markersFor('markdown'), REQUIREMENT_MARKERS);
});

test('markers: the union is the requirement pre-filter, and every extracted API contains its language\'s marker', () => {
  assert.deepEqual(new Set(REQUIREMENT_MARKERS), new Set(HOST_LANGUAGES.flatMap((l) => l.markers)));
  for (const lang of HOST_LANGUAGES) {
    const doc = lang.example('anchor apple');
    assert.ok(lang.markers.some((m) => doc.includes(m)), `${lang.id}: its example holds a marker`);
    assert.ok(mayContainRequirements(doc));
  }
  for (const family of ['c', 'swift'] as const) {
    const markers = HOST_LANGUAGES.find((l) => l.family === family)!.markers;
    for (const api of Object.keys(CALL_APIS)) assert.ok(markers.some((m) => api.includes(m)), `${api} contains a ${family} marker`);
  }
});

test('the VS Code client takes its languages and markers from the table', () => {
  // client/server.ts imports `vscode`, which exists only inside the editor: load it with a stub.
  const loader = `
    export async function resolve(specifier, context, next) {
      if (specifier === 'vscode') return { url: 'data:text/javascript,export default {}', shortCircuit: true };
      return next(specifier, context);
    }`;
  const probe = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(loader)}));
    const { EMBEDDING_LANGUAGES, hasRequirements } = await import(${JSON.stringify(new URL('../../client/server.js', import.meta.url).href)});
    const doc = (languageId, text) => ({ languageId, getText: () => text });
    const tables = await import(${JSON.stringify(new URL('../../language-service/embedded/hosts.js', import.meta.url).href)});
    const starts = tables.HOST_LANGUAGES.map((l) => [l.id, hasRequirements(doc(l.id, l.example('anchor apple'))), hasRequirements(doc(l.id, 'nothing here'))]);
    console.log(JSON.stringify({ languages: EMBEDDING_LANGUAGES, starts, csreq: hasRequirements(doc('csreq', '')), other: hasRequirements(doc('markdown', 'codesign SecRequirementCreateWithString')) }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout) as { languages: string[]; starts: [string, boolean, boolean][]; csreq: boolean; other: boolean };
  assert.deepEqual(seen.languages, HOST_LANGUAGES.map((l) => l.id));
  for (const [id, withMarker, without] of seen.starts) {
    assert.equal(withMarker, true, `${id}: a document with a requirement starts the server`);
    assert.equal(without, false, `${id}: a document without markers does not`);
  }
  assert.equal(seen.csreq, true);
  assert.equal(seen.other, false);

  // The extension manifest activates on, and offers its commands in, exactly csreq plus the table's languages
  // and the languages read for lightweight code requirements only (JSON).
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { activationEvents: string[] };
  const activated = pkg.activationEvents.filter((e) => e.startsWith('onLanguage:')).map((e) => e.slice('onLanguage:'.length));
  assert.deepEqual(activated, ['csreq', ...EMBEDDING_LANGUAGES, ...LWCR_ONLY_LANGUAGES]);
  const source = readFileSync(`${root}client/server.ts`, 'utf8');
  assert.doesNotMatch(source, /'objective-cpp'|'shellscript'|'SMAuthorizedClients'/, 'no copy of the table in the client');
});
