/**
 * `csrl lint --format json` on the containers Mac admins and helper authors
 * write requirements in: configuration profiles (plain and CMS-signed),
 * AutoPkg recipes (plist and YAML) and the SMJobBless Info.plists with the
 * designated requirements Xcode generates. Each test asserts the exact
 * findings (code, rule, severity, host range, message); the quick-fix test
 * applies every offered fix and checks the file still parses and gains no
 * finding.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';
import { parse as parsePlist } from 'plist';
import { analyzeHostDocument } from '../../language-service/analysis/analyze.js';
import { runCli } from '../support/cli.js';
import { APP_INFO_PLIST, HELPER_INFO_PLIST, PPPC_PROFILE, RECIPE_PLIST, RECIPE_YAML } from '../support/containers.js';

// A real YAML parser to check that fixed recipes are still YAML (js-yaml is in the lock file through the dev tools).
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface JsonDiagnostic {
  code: string;
  rule: string | null;
  severity: string;
  message: string;
  range: { start: { line: number; column: number; offset: number }; end: { line: number; column: number; offset: number } };
  fixes?: { title: string; range: { start: { offset: number }; end: { offset: number } }; newText: string }[];
}
interface JsonReport {
  files: { path: string; language: string; requirements: number; diagnostics: JsonDiagnostic[] }[];
  skipped: { path: string; reason: string }[];
  summary: { errors: number; warnings: number; information: number; hints: number };
}

let dir: string;

async function lint(...paths: string[]): Promise<JsonReport> {
  const run = await runCli(['lint', '--format', 'json', ...paths], { cwd: dir });
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as JsonReport;
}

/** Line, column (1-based) and offset of the `occurrence`-th `needle`. */
function at(text: string, needle: string, occurrence = 0): { line: number; column: number; offset: number } {
  let offset = -1;
  for (let k = 0; k <= occurrence; k++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${needle} not found`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n'), offset };
}

/** The finding expected on exactly `needle` (its `occurrence`-th place in the host text). */
function expect(text: string, code: string, rule: string, severity: string, needle: string, message: string | RegExp, occurrence = 0) {
  const start = at(text, needle, occurrence);
  const end = at(text, needle, occurrence);
  const endOffset = end.offset + needle.length;
  const before = text.slice(0, endOffset);
  return { code, rule, severity, start, end: { line: before.split('\n').length, column: endOffset - before.lastIndexOf('\n'), offset: endOffset }, message };
}

function assertFindings(actual: JsonDiagnostic[], expected: ReturnType<typeof expect>[]): void {
  const shown = JSON.stringify(actual.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.column, d.message]), null, 1);
  assert.equal(actual.length, expected.length, shown);
  expected.forEach((e, k) => {
    const d = actual[k]!;
    assert.deepEqual([d.code, d.rule, d.severity, d.range.start, d.range.end], [e.code, e.rule, e.severity, e.start, e.end], `finding ${k}: ${shown}`);
    if (typeof e.message === 'string') assert.equal(d.message, e.message);
    else assert.match(d.message, e.message);
  });
}

const TRUSTED = '`trusted` accepts any chain the local trust settings trust: whoever can add a trusted root (a user, an installer, an MDM profile) satisfies it, as in CVE-2026-24070. For third-party code use `anchor apple generic` and a team check.';
const TEAM_IN_CN = '"ABCDE12345" is a team ID in the wrong field: subject.CN holds the certificate\'s name (such as "Developer ID Application: Name (ABCDE12345)") and the team ID is in subject.OU, so this never matches. Compare subject.OU instead: `certificate leaf[subject.OU] = "ABCDE12345"`.';
const ID_ONLY = 'Only the identifier is checked: anyone can sign code with this identifier, even ad hoc, so any code that claims the name passes. Add `anchor apple generic and certificate leaf[subject.OU] = "TEAMID"`.';
const GENERIC = '`anchor apple generic` without a team check: every paying Apple developer holds a certificate that satisfies it. Add `certificate leaf[subject.OU] = "TEAMID"`.';

function pppcFindings(text: string) {
  return [
    expect(text, 'CSR104', 'anchor-trusted', 'warning', 'anchor trusted', TRUSTED),
    expect(text, 'CSR105', 'team-in-common-name', 'warning', 'certificate leaf[subject.CN] = "ABCDE12345"', TEAM_IN_CN),
    expect(text, 'CSR101', 'identifier-only', 'error', 'identifier "com.example.automator"', ID_ONLY),
  ];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-containers-'));
  await writeFile(join(dir, 'pppc.mobileconfig'), PPPC_PROFILE);
  await writeFile(join(dir, 'Example.download.recipe'), RECIPE_PLIST);
  await writeFile(join(dir, 'Example.download.recipe.plist'), RECIPE_PLIST);
  await writeFile(join(dir, 'Example.download.recipe.yaml'), RECIPE_YAML);
  await writeFile(join(dir, 'Helper-Info.plist'), HELPER_INFO_PLIST);
  await writeFile(join(dir, 'App-Info.plist'), APP_INFO_PLIST);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('configuration profiles', () => {
  test('PPPC profile: CodeRequirement and AEReceiverCodeRequirement of every service entry, in host positions', async () => {
    const r = await lint('pppc.mobileconfig');
    assert.equal(r.files.length, 1);
    assert.equal(r.files[0]!.language, 'plist');
    assert.equal(r.files[0]!.requirements, 4, 'two SystemPolicyAllFiles entries, one AppleEvents sender and its receiver');
    assertFindings(r.files[0]!.diagnostics, pppcFindings(PPPC_PROFILE));
    // The sound Developer ID requirement and Apple's own `anchor apple` receiver raise nothing.
  });

  test('CMS-signed profile (openssl, throwaway key): the signed content is read without verifying and says so; no fixes', async () => {
    const work = await mkdtemp(join(tmpdir(), 'csrl-signed-'));
    try {
      const key = join(work, 'key.pem');
      const cert = join(work, 'cert.pem');
      const input = join(work, 'pppc.mobileconfig');
      await writeFile(input, PPPC_PROFILE);
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=Example MDM Profile Signing', '-days', '2'], { stdio: 'ignore' });
      execFileSync('openssl', ['cms', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-in', input, '-signer', cert, '-inkey', key, '-out', join(dir, 'signed.mobileconfig')], { stdio: 'ignore' });
      execFileSync('openssl', ['smime', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-in', input, '-signer', cert, '-inkey', key, '-out', join(dir, 'smime.mobileconfig')], { stdio: 'ignore' });
      execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', input, '-signer', cert, '-inkey', key, '-out', join(dir, 'detached.mobileconfig')], { stdio: 'ignore' });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    const bytes = await readFile(join(dir, 'signed.mobileconfig'));
    assert.equal(bytes[0], 0x30, 'DER');
    for (const name of ['signed.mobileconfig', 'smime.mobileconfig']) {
      const r = await lint(name);
      assert.equal(r.files.length, 1, name);
      const ds = r.files[0]!.diagnostics;
      const note = ds[0]!;
      assert.deepEqual([note.code, note.rule, note.severity, note.range.start.offset], ['CSR190', null, 'information', 0]);
      assert.equal(note.message, 'CMS-signed configuration profile: the signed property list was read without verifying the signature or the signer\'s trust; positions are in that signed content. No quick fix is offered: editing signed content breaks the signature (edit the unsigned profile and sign it again).');
      // Positions are those of the signed property list, which is the plain profile byte for byte.
      assertFindings(ds.slice(1), pppcFindings(PPPC_PROFILE));
      for (const d of ds) assert.deepEqual(d.fixes ?? [], [], `${d.code} offers no fix in signed content`);
    }
    const detached = await lint('detached.mobileconfig');
    assert.equal(detached.files.length, 0);
    assert.deepEqual(detached.skipped.map((s) => s.reason), ['signed profile: the signature is detached: the profile content is not in the file']);
  });

  test('a DER file that is not a signed profile is skipped with the reason', async () => {
    await writeFile(join(dir, 'broken.mobileconfig'), Buffer.concat([Buffer.from('3081d206092a864886f70d010701a081c40481c1', 'hex'), Buffer.alloc(0xc1, 0x41)]));
    const r = await lint('broken.mobileconfig');
    assert.equal(r.files.length, 0);
    assert.equal(r.skipped.length, 1);
    assert.equal(r.skipped[0]!.reason, 'signed profile: CMS content type 1.2.840.113549.1.7.1 is not SignedData');
  });
});

describe('AutoPkg recipes', () => {
  const recipeFinding = expect(RECIPE_PLIST, 'CSR102', 'apple-generic-without-team', 'warning', 'anchor apple generic', GENERIC);

  test('.recipe and .recipe.plist: the CodeSignatureVerifier requirement, whichever key comes first; other processors are ignored', async () => {
    const r = await lint('Example.download.recipe', 'Example.download.recipe.plist');
    assert.deepEqual(r.files.map((f) => [f.path, f.language, f.requirements]), [['Example.download.recipe', 'plist', 1], ['Example.download.recipe.plist', 'plist', 1]]);
    for (const f of r.files) assertFindings(f.diagnostics, [recipeFinding]);
  });

  test('.recipe.yaml: plain and quoted scalars, Processor before or after Arguments, the shared-processor name', async () => {
    const r = await lint('Example.download.recipe.yaml');
    assert.deepEqual(r.files.map((f) => [f.language, f.requirements]), [['yaml', 2]]);
    assertFindings(r.files[0]!.diagnostics, [
      expect(RECIPE_YAML, 'CSR102', 'apple-generic-without-team', 'warning', 'anchor apple generic', GENERIC),
      expect(RECIPE_YAML, 'CSR105', 'team-in-common-name', 'warning', 'certificate leaf[subject.CN] = "ABCDE12345"', TEAM_IN_CN),
    ]);
  });

  test('a requirement holding AutoPkg %VARIABLES% is reported as not analysed, a non-verifier `requirement` is not read', async () => {
    const text = RECIPE_YAML.replace('identifier "com.example.Example" and', 'identifier "%BUNDLE_ID%" and').replace('  - Processor: EndOfCheckPhase', '  - Processor: com.example.SomethingElse\n    Arguments:\n      requirement: identifier "x"');
    const ds = analyzeHostDocument(text, 'yaml').diagnostics;
    assert.deepEqual(ds.map((d) => [d.code, d.message]), [['CSR100', 'Requirement not analysed: AutoPkg substitutes the %NAME% variables in it at run time.']]);
  });
});

describe('SMJobBless Info.plists with the designated requirements Xcode generates', () => {
  test('no warning or error: the canonical or is a hint, R7/R8 in the sensed helper context are information (once each)', async () => {
    const r = await lint('Helper-Info.plist');
    assert.equal(r.summary.errors + r.summary.warnings, 0, JSON.stringify(r.files));
    const req = HELPER_INFO_PLIST.slice(at(HELPER_INFO_PLIST, 'anchor apple generic and identifier').offset, at(HELPER_INFO_PLIST, '")</string>').offset + 2);
    assertFindings(r.files[0]!.diagnostics, [
      expect(HELPER_INFO_PLIST, 'CSR107', 'no-minimum-version', 'information', req, /^No minimum version/),
      expect(HELPER_INFO_PLIST, 'CSR108', 'no-anti-injection', 'information', req, /^A properly signed client/),
      expect(HELPER_INFO_PLIST, 'CSR110', 'trivial-or-dominated', 'hint', 'certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345"', /^Apple's tools write the designated requirement of Xcode builds this way/),
    ]);
  });

  test('--context privileged-helper makes R7/R8 warnings again', async () => {
    const r = await lint('Helper-Info.plist', '--context', 'privileged-helper');
    assert.deepEqual(r.files[0]!.diagnostics.map((d) => `${d.code}:${d.severity}`), ['CSR107:warning', 'CSR108:warning', 'CSR110:hint']);
  });

  test('app side: the Xcode DR is a hint only; a helper pinned to a development certificate is R9 in shipped code', async () => {
    const r = await lint('App-Info.plist');
    assertFindings(r.files[0]!.diagnostics, [
      expect(APP_INFO_PLIST, 'CSR110', 'trivial-or-dominated', 'hint', 'certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ABCDE12345', /^Apple's tools write/),
      expect(APP_INFO_PLIST, 'CSR105', 'team-in-common-name', 'hint', 'certificate leaf[subject.CN] = "Apple Development: Jane Appleseed (K2L3M4N5P6)"', /the ID in parentheses is the developer's, not the team's/),
      expect(APP_INFO_PLIST, 'CSR109', 'development-identity', 'warning', 'certificate 1[field.1.2.840.113635.100.6.2.1]', /^This requirement accepts only development-signed code/),
    ]);
  });

  test('the recommended XPC peer requirement passed to an XPC listener reports no warning or error', async () => {
    const swift = 'import Foundation\n\nlet listener = NSXPCListener(machServiceName: "com.example.PrivilegedHelper")\nlistener.setConnectionCodeSigningRequirement("anchor apple generic and identifier \\"com.example.App\\" and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = \\"ABCDE12345\\"")\nlistener.delegate = delegate\nlistener.resume()\n';
    await writeFile(join(dir, 'main.swift'), swift);
    const r = await lint('main.swift');
    assert.deepEqual(r.files[0]!.diagnostics.map((d) => `${d.code}:${d.severity}`), ['CSR107:information', 'CSR108:information']);
  });
});

describe('quick fixes keep the host file valid', () => {
  const cases: { name: string; text: string; language: string; parse: (text: string) => unknown }[] = [
    { name: 'PPPC profile', text: PPPC_PROFILE, language: 'plist', parse: (t) => parsePlist(t) },
    { name: 'plist recipe', text: RECIPE_PLIST, language: 'plist', parse: (t) => parsePlist(t) },
    { name: 'YAML recipe', text: RECIPE_YAML, language: 'yaml', parse: (t) => yaml.load(t) },
    { name: 'app Info.plist', text: APP_INFO_PLIST, language: 'plist', parse: (t) => parsePlist(t) },
    { name: 'helper Info.plist (privileged context)', text: HELPER_INFO_PLIST, language: 'plist', parse: (t) => parsePlist(t) },
  ];
  for (const c of cases) {
    test(`${c.name}: every offered fix parses again and adds no finding`, () => {
      const options = c.name.includes('privileged') ? { context: 'privileged-helper' as const } : {};
      const before = analyzeHostDocument(c.text, c.language, options).diagnostics;
      const fixes = before.flatMap((d) => (d.fixes ?? []).map((f) => ({ d, f })));
      assert.ok(fixes.length > 0, `${c.name} offers fixes`);
      for (const { d, f } of fixes) {
        const fixed = c.text.slice(0, f.range.start.offset) + f.newText + c.text.slice(f.range.end.offset);
        assert.doesNotThrow(() => c.parse(fixed), `${f.title} keeps the ${c.name} valid`);
        const after = analyzeHostDocument(fixed, c.language, options).diagnostics;
        const count = (ds: typeof before, code: string) => ds.filter((x) => x.code === code).length;
        for (const code of new Set(after.map((x) => x.code))) {
          assert.ok(count(after, code) <= count(before, code), `${f.title} (${d.code}) adds a ${code}: ${JSON.stringify(after.map((x) => x.message))}`);
        }
        assert.ok(count(after, d.code) < count(before, d.code), `${f.title} resolves its ${d.code}`);
      }
    });
  }
});
