import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeHostDocument } from '../../language-service/analysis/analyze.js';
import { extractRequirements, languageIdForPath } from '../../language-service/embedded/extract.js';
import { runCli } from '../support/cli.js';
import { REAL_WORLD } from './real-world-fixtures.js';

interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  range: { start: { offset: number }; end: { offset: number } };
}

/** [code, severity, host text of the range, offset of the range, template sentence or undefined]. */
type Expected = [string, string, string, number, string | undefined];

/** Offset of `needle` inside the first occurrence of `context` in `text`. */
function at(text: string, context: string, needle = context): number {
  const c = text.indexOf(context);
  assert.ok(c >= 0, `${context} not found`);
  const n = context.indexOf(needle);
  assert.ok(n >= 0, `${needle} not in ${context}`);
  return c + n;
}

const template = (holes: string, when = 'at run time', many = false) =>
  `[Template: ${holes} ${many ? 'are' : 'is'} filled in ${when}; this holds whatever ${many ? 'they hold' : 'it holds'}.]`;

/** The exact findings of every fixture: rule, severity, range in the host file, and which parts were holes. */
function expectations(): Record<string, Expected[]> {
  const m = REAL_WORLD['HelperTool.m']!;
  const swift = REAL_WORLD['XPCServer.swift']!;
  const cpp = REAL_WORLD['Guard.cpp']!;
  const c = REAL_WORLD['check.c']!;
  const sh = REAL_WORLD['release.sh']!;
  const plist = REAL_WORLD['Helper-Info.plist']!;
  return {
    // `= nil`, then assigned under `#if DEBUG` and in an `if`: both literals reach the call; the format string is a template.
    'HelperTool.m': [
      ['CSR101', 'error', 'identifier \\"com.example.App\\"', at(m, '@"identifier \\"com.example.App\\""', 'identifier'), undefined],
      ['CSR104', 'warning', 'anchor trusted', at(m, 'anchor trusted'), template('`%@` (format argument: a quoted string value)')],
    ],
    // String(format:) with two arguments is sound; an interpolated identifier alone is not; a CN with a development identity name.
    'XPCServer.swift': [
      ['CSR101', 'error', 'identifier \\"\\(bundleID)\\"', at(swift, 'identifier \\"\\(bundleID)'), template('`\\(bundleID)` (Swift interpolation: a quoted string value)')],
      ['CSR102', 'warning', 'anchor apple generic', at(swift, 'anchor apple generic and certificate leaf[subject.CN]', 'anchor apple generic'), template('`\\(name)` (Swift interpolation: a quoted string value)')],
      // Only Apple Development certificates: the development-identity rule (CSR109) in an XPC peer check; the CN rule is then a hint.
      ['CSR109', 'warning', 'certificate leaf[subject.CN] = \\"Apple Development: \\(name)\\"', at(swift, 'certificate leaf[subject.CN]'), template('`\\(name)` (Swift interpolation: a quoted string value)')],
      ['CSR105', 'hint', 'certificate leaf[subject.CN] = \\"Apple Development: \\(name)\\"', at(swift, 'certificate leaf[subject.CN]'), template('`\\(name)` (Swift interpolation: a quoted string value)')],
    ],
    // Through a file-level `const char *`, QStringLiteral + toCFString(), CFStringCreateWithCString, QString(...).toNSString().
    'Guard.cpp': [
      ['CSR104', 'warning', 'anchor trusted', at(cpp, 'anchor trusted'), undefined],
      ['CSR111', 'error', 'anchor apple', at(cpp, '"anchor apple and', 'anchor apple'), undefined],
      ['CSR101', 'error', 'identifier \\"org.example.tool\\"', at(cpp, 'identifier \\"org.example.tool'), undefined],
    ],
    // CFSTR with macros: resolved ones are followed (into the #define line), an unknown one is a hole.
    'check.c': [
      ['CSR102', 'warning', 'anchor apple generic', at(c, '"\\" and anchor apple generic"', 'anchor apple generic'), undefined],
      ['CSR104', 'warning', 'anchor trusted', at(c, 'anchor trusted'), template('`BRAND_ID` (macro defined outside this file: a quoted string value)', 'at build time')],
    ],
    // ${VAR} inside quotes is a string value; a bare ${EXTRA_REQUIREMENT} may be the rest of the requirement: nothing is claimed.
    'release.sh': [
      ['CSR101', 'error', 'identifier \\"${BUNDLE_ID}\\"', at(sh, 'identifier \\"${BUNDLE_ID}\\""', 'identifier'), template('`${BUNDLE_ID}` (shell variable: a quoted string value)')],
      ['CSR104', 'warning', 'anchor trusted', at(sh, 'anchor trusted'), template('`${SIGNING_NAME}` (shell variable: a quoted string value)')],
    ],
    // Build settings: a sound template, a bare placeholder that may be the rest, and one whose fixed text lacks team, version and injection checks.
    'Helper-Info.plist': [
      ['CSR107', 'information', 'identifier $(CLIENT_ID) and anchor apple generic', at(plist, 'identifier $(CLIENT_ID)'), template('`$(CLIENT_ID)` (build setting: an unquoted value)', 'at build time')],
      ['CSR108', 'information', 'identifier $(CLIENT_ID) and anchor apple generic', at(plist, 'identifier $(CLIENT_ID)'), template('`$(CLIENT_ID)` (build setting: an unquoted value)', 'at build time')],
      ['CSR102', 'warning', 'anchor apple generic', at(plist, 'identifier $(CLIENT_ID) and anchor apple generic', 'anchor apple generic'), template('`$(CLIENT_ID)` (build setting: an unquoted value)', 'at build time')],
    ],
  };
}

function actual(text: string, diagnostics: JsonDiagnostic[]): Expected[] {
  return diagnostics.map((d) => {
    const m = /\[Template: .*\]$/.exec(d.message);
    return [d.code, d.severity, text.slice(d.range.start.offset, d.range.end.offset), d.range.start.offset, m?.[0]];
  });
}

describe('csrl lint on real-world host files: values followed to the API, templates with holes', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csrl-templates-'));
    for (const [name, text] of Object.entries(REAL_WORLD)) await writeFile(join(dir, name), text);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('--format json reports exactly the expected findings, at their host ranges, naming the holes', async () => {
    const run = await runCli(['lint', '--format', 'json', dir]);
    const report = JSON.parse(run.stdout) as { files: { path: string; requirements: number; diagnostics: JsonDiagnostic[] }[]; summary: { requirements: number } };
    const expected = expectations();
    const seen = new Set<string>();
    for (const f of report.files) {
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      seen.add(name);
      assert.deepEqual(actual(REAL_WORLD[name]!, f.diagnostics), expected[name], name);
    }
    assert.deepEqual([...seen].sort(), Object.keys(REAL_WORLD).sort());
    // Every literal that reaches an API is counted: 3 + 3 + 4 + 3 + 4 + 3 (the `{{CLIENT_SIGNATURE}}` template counts too).
    assert.deepEqual(report.files.map((f) => [f.path.slice(f.path.lastIndexOf('/') + 1), f.requirements]).sort(), [
      ['Guard.cpp', 4], ['Helper-Info.plist', 3], ['HelperTool.m', 3], ['XPCServer.swift', 3], ['check.c', 3], ['release.sh', 4],
    ]);
  });

  test('every quick fix keeps the host file valid: applied, it removes its finding and adds no syntax error or lost requirement', () => {
    for (const [name, text] of Object.entries(REAL_WORLD)) {
      const lang = languageIdForPath(name)!;
      const before = analyzeHostDocument(text, lang);
      const holes = extractRequirements(text, lang).flatMap((r) => (r.holes ?? []).map((h) => [r.toHostOffset(h.start), r.toHostOffset(h.end)] as const));
      for (const d of before.diagnostics) {
        for (const fix of d.fixes ?? []) {
          const s = fix.range.start.offset;
          const e = fix.range.end.offset;
          for (const [hs, he] of holes) assert.ok(e <= hs || s >= he || (s === e && (s === hs || s === he)), `${name}: fix "${fix.title}" writes into a hole`);
          assert.doesNotMatch(fix.newText, /csrlHole/);
          const fixed = text.slice(0, s) + fix.newText + text.slice(e);
          const after = analyzeHostDocument(fixed, lang);
          assert.equal(after.requirements.length + after.templates.length, before.requirements.length + before.templates.length, `${name}: ${fix.title}`);
          assert.deepEqual(after.diagnostics.filter((x) => x.code < 'CSR100').map((x) => x.message), [], `${name}: ${fix.title}`);
          assert.ok(!after.diagnostics.some((x) => x.code === d.code && x.range.start.offset === s && x.message === d.message), `${name}: ${fix.title} left its finding`);
        }
      }
    }
  });
});

/** Findings of a one-requirement plist whose string is `req` (SMAuthorizedClients: the privileged context). */
function plistFindings(req: string): [string, string, string | undefined][] {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>SMAuthorizedClients</key>\n\t<array>\n\t\t<string>${req}</string>\n\t</array>\n</dict>\n</plist>\n`;
  return analyzeHostDocument(text, 'plist', { severities: { CSR107: 'off', CSR108: 'off' } }).diagnostics.map((d) => [
    d.code,
    text.slice(d.range.start.offset, d.range.end.offset),
    /\[Template: .*\]$/.exec(d.message)?.[0],
  ]);
}

describe('template semantics', () => {
  test('a bare placeholder that may stand for the rest of the requirement: no "identifier only", no missing team', () => {
    assert.deepEqual(plistFindings('identifier "com.example.app" and $(CLIENT_REQUIREMENT)'), []);
    assert.deepEqual(plistFindings('identifier "com.example.app" and ${REST}'), []);
    assert.deepEqual(plistFindings('anchor apple generic and {{TEAM_CHECK}}'), []);
  });

  test('a placeholder never causes a syntax error, quoted or bare, as a value or as a clause', () => {
    const sound = 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = ';
    assert.deepEqual(plistFindings(sound + '$(DEVELOPMENT_TEAM)'), []);
    assert.deepEqual(plistFindings(sound + '"${DEVELOPMENT_TEAM}"'), []);
    assert.deepEqual(plistFindings('identifier $(PRODUCT_BUNDLE_IDENTIFIER).helper and anchor apple generic and certificate leaf[subject.OU] = {{TEAM}}'), []);
    assert.deepEqual(plistFindings('info[$(KEY)] = "1" and {{REST}}'), []);
  });

  test('syntax errors of the fixed text are still reported, with the holes named', () => {
    const found = plistFindings('identifier "$(ID)" and and anchor apple generic and certificate leaf[subject.OU] = "T"');
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]![0], 'CSR010');
    assert.equal(found[0]![1], 'and');
    assert.equal(found[0]![2], template('`$(ID)` (build setting: a quoted string value)', 'at build time'));
  });

  test('anchor kind and common-name checks in the fixed text are judged whatever the holes hold', () => {
    assert.deepEqual(plistFindings('anchor trusted and certificate leaf[subject.CN] = "{{NAME}}"'), [
      ['CSR104', 'anchor trusted', template('`{{NAME}}` (template variable: a quoted string value)', 'at build time')],
    ]);
    assert.deepEqual(plistFindings('anchor apple generic and certificate leaf[subject.CN] = "Developer ID Application: $(TEAM_NAME) (ABCDE12345)" and identifier "x"').map((f) => f[0]), ['CSR105']);
    // A CN that is only a hole may hold anything: no claim about it.
    assert.deepEqual(plistFindings('anchor apple generic and certificate leaf[subject.CN] = "$(CN)" and identifier "x" and certificate leaf[subject.OU] = "T"'), []);
  });

  test('`anchor apple` with a hole for the identifier: third-party or not depends on the hole, so no claim', () => {
    assert.deepEqual(plistFindings('anchor apple and identifier "$(ID)"'), []);
    assert.deepEqual(plistFindings('anchor apple and identifier "com.example.$(NAME)"').map((f) => f[0]), ['CSR111']);
  });

  test('or branches: a weak branch in the fixed text is reported; the branch a hole fills is not judged', () => {
    assert.deepEqual(plistFindings('$(SIGNED_CLIENT) or identifier "com.example.legacy"'), [
      ['CSR101', 'identifier "com.example.legacy"', template('`$(SIGNED_CLIENT)` (build setting: an unknown part of the requirement)', 'at build time')],
    ]);
  });

  test('development markers in the fixed text next to production ones are reported', () => {
    const dev = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and certificate leaf[subject.OU] = "$(TEAM)" and identifier "$(ID)"';
    const prod = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "$(TEAM)" and identifier "$(ID)"';
    const found = plistFindings(`(${dev}) or (${prod})`);
    assert.deepEqual(found.map((f) => [f[0], f[1]]), [['CSR109', 'certificate 1[field.1.2.840.113635.100.6.2.1]']]);
  });

  test('a requirement that is only a placeholder gets the not-analysed note', () => {
    const found = plistFindings('$(CLIENT_REQUIREMENT)');
    assert.deepEqual(found.map((f) => f[0]), ['CSR100']);
    const text = '#!/bin/sh\ncodesign --verify -R="$REQUIREMENT" "$APP"\ncodesign --verify -R="=$REQUIREMENT" "$APP"\n';
    const d = analyzeHostDocument(text, 'shellscript').diagnostics;
    assert.deepEqual(d.map((x) => [x.code, text.slice(x.range.start.offset, x.range.end.offset)]), [['CSR100', '$REQUIREMENT']]);
    assert.match(d[0]!.message, /the whole requirement is `\$REQUIREMENT` \(a shell variable\), filled in at run time/);
  });

  test('stringWithFormat: and String(format:) without arguments are plain literals', () => {
    const objc = '[c setCodeSigningRequirement:[NSString stringWithFormat:@"anchor trusted"]];\n';
    const d = analyzeHostDocument(objc, 'objective-c').diagnostics;
    assert.deepEqual(d.map((x) => [x.code, /\[Template/.test(x.message)]), [['CSR104', false]]);
    const swift = 'c.setCodeSigningRequirement(String(format: "identifier \\"a.b\\""))\n';
    assert.deepEqual(analyzeHostDocument(swift, 'swift').diagnostics.map((x) => [x.code, /\[Template/.test(x.message)]), [['CSR101', false]]);
  });
});
