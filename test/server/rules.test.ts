import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeHostDocument, analyzeRequirement, type AnalysisOptions } from '../../language-service/analysis/analyze.js';
import { LANGUAGE_CODES, LINT_RULES, RULES } from '../../language-service/rules/index.js';
import { summarizeRequirement } from '../../language-service/analysis/summary.js';
import { DIAGNOSTIC_CODES } from '../../grammar/diagnostics.js';
import { tempDir } from '../support/tmp.js';

const DEV_ID = 'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"';
const HARDENED_CLIENT = DEV_ID + ' and info[CFBundleVersion] >= "42" and ! entitlement["com.apple.security.get-task-allow"] and ! entitlement["com.apple.security.cs.disable-library-validation"] and ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"]';
const PRIV: AnalysisOptions = { context: 'privileged-helper' };

function codes(text: string, options: AnalysisOptions = {}): string[] {
  return analyzeRequirement(text, options).diagnostics.map((d) => d.code);
}

function find(text: string, code: string, options: AnalysisOptions = {}) {
  return analyzeRequirement(text, options).diagnostics.filter((d) => d.code === code);
}

/** Each rule: [code, text that fires, text that does not, options]. */
const CASES: [string, string, string, AnalysisOptions?][] = [
  ['CSR101', 'identifier "com.example.app"', DEV_ID],
  ['CSR102', 'identifier "com.example.app" and anchor apple generic', DEV_ID],
  ['CSR103', 'identifier "com.example.app" and certificate leaf[subject.OU] = "ABCDE12345"', DEV_ID],
  ['CSR104', 'anchor trusted and certificate leaf[subject.OU] = "ABCDE12345"', DEV_ID],
  ['CSR105', 'anchor apple generic and certificate leaf[subject.CN] = "Developer ID Application: Example Inc (ABCDE12345)"', DEV_ID],
  ['CSR106', 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"', DEV_ID, PRIV],
  ['CSR107', DEV_ID, DEV_ID + ' and info[CFBundleVersion] >= "42"', PRIV],
  ['CSR108', DEV_ID + ' and info[CFBundleVersion] >= "42"', HARDENED_CLIENT, PRIV],
  ['CSR109', 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" and (certificate 1[field.1.2.840.113635.100.6.2.6] or certificate 1[field.1.2.840.113635.100.6.2.1])', DEV_ID],
  ['CSR110', 'always', DEV_ID],
  ['CSR111', 'identifier "com.example.app" and anchor apple', 'identifier "com.apple.Safari" and anchor apple'],
];

describe('lint rules: each fires and stays quiet', () => {
  it('every registered rule that reads requirements has a case here (host rules: see the R12/R13 tests)', () => {
    for (const r of RULES) if (!r.host) assert.ok(CASES.some(([code]) => code === r.code), `${r.code} (${r.id}) needs a firing and a quiet case in CASES`);
  });

  for (const [code, fires, quiet, options] of CASES) {
    it(`${code} fires`, () => assert.ok(codes(fires, options).includes(code), `${code} expected in ${JSON.stringify(codes(fires, options))}`));
    it(`${code} stays quiet`, () => assert.ok(!codes(quiet, options).includes(code), `${code} unexpected in ${JSON.stringify(codes(quiet, options))}`));
  }

  it('a fully hardened privileged-helper client requirement has no lint finding', () => {
    assert.deepEqual(codes(HARDENED_CLIENT, PRIV), []);
  });

  it('the Developer ID DR has no finding in the default context', () => {
    assert.deepEqual(codes(DEV_ID), []);
  });

  it('every rule has metadata with a stable code and id', () => {
    assert.deepEqual(LINT_RULES.map((r) => r.code), Array.from({ length: 16 }, (_, i) => `CSR${101 + i}`));
    for (const r of LINT_RULES) assert.match(r.id, /^[a-z0-9-]+$/);
    for (const code of Object.keys(DIAGNOSTIC_CODES)) assert.ok(LANGUAGE_CODES.some((c) => c.code === code), code);
  });
});

describe('rule details', () => {
  it('R1 fix appends an Apple anchor and team check', () => {
    const text = 'identifier "com.example.app"';
    const [d] = find(text, 'CSR101');
    assert.equal(d!.severity, 'error');
    const fix = d!.fixes![0]!;
    assert.equal(fix.range.start.offset, text.length);
    assert.match(fix.newText, /anchor apple generic and certificate leaf\[subject\.OU\]/);
  });

  it('each disjunct is linted on its own: the weak branch of an `or` fires R1', () => {
    const text = `${DEV_ID} or identifier "com.example.other"`;
    const ds = find(text, 'CSR101');
    assert.equal(ds.length, 1);
    assert.equal(text.slice(ds[0]!.range.start.offset, ds[0]!.range.end.offset), 'identifier "com.example.other"');
  });

  it('R5 with a bare team ID in CN offers moving it to OU', () => {
    const text = 'anchor apple generic and certificate leaf[subject.CN] = "ABCDE12345"';
    const [d] = find(text, 'CSR105');
    assert.match(d!.message, /subject\.OU/);
    assert.equal(d!.fixes![0]!.newText, 'certificate leaf[subject.OU] = "ABCDE12345"');
  });

  it('R5 stays quiet for a CN that names no developer identity', () => {
    assert.deepEqual(find('anchor apple generic and certificate 1[subject.CN] = "Apple Software Update Certification Authority"', 'CSR105'), []);
  });

  it('R4 fix replaces the trusted anchor with anchor apple generic', () => {
    const text = 'anchor trusted and certificate leaf[subject.OU] = "ABCDE12345"';
    const [d] = find(text, 'CSR104');
    assert.equal(text.slice(d!.range.start.offset, d!.range.end.offset), 'anchor trusted');
    assert.equal(d!.fixes![0]!.newText, 'anchor apple generic');
  });

  it('R6/R7/R8 are tightened in the privileged-helper context', () => {
    const text = 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"';
    assert.equal(find(text, 'CSR106')[0]?.severity, 'hint');
    assert.equal(find(text, 'CSR106', PRIV)[0]?.severity, 'warning');
    assert.deepEqual(find(text, 'CSR107'), []);
    assert.equal(find(text, 'CSR107', PRIV)[0]?.severity, 'warning');
    assert.deepEqual(find(text, 'CSR108'), []);
    assert.match(find(text, 'CSR108', PRIV)[0]!.message, /Hardened runtime/);
  });

  it('R8 fix adds exactly the missing clauses', () => {
    const text = DEV_ID + ' and ! entitlement["com.apple.security.get-task-allow"]';
    const [d] = find(text, 'CSR108', PRIV);
    const fix = d!.fixes![0]!.newText;
    assert.doesNotMatch(fix, /get-task-allow/);
    assert.match(fix, /disable-library-validation/);
    assert.match(fix, /allow-dyld-environment-variables/);
  });

  it('R10 flags unparenthesised `a and b or c` and not the parenthesised form', () => {
    assert.equal(find('anchor apple or anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"', 'CSR110').filter((d) => /binds tighter/.test(d.message)).length, 1);
    assert.equal(find('anchor apple or (anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345")', 'CSR110').filter((d) => /binds tighter/.test(d.message)).length, 0);
  });

  it('R10 flags `! never` and an or-branch weaker than its sibling', () => {
    assert.ok(find('! never', 'CSR110').length > 0);
    const weaker = 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" or (anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345")';
    assert.ok(find(weaker, 'CSR110').some((d) => /weaker/.test(d.message)));
  });

  it('R10 flags wildcard identifiers without a team', () => {
    assert.ok(find('anchor apple generic and info[CFBundleIdentifier] = com.example*', 'CSR110').some((d) => /wildcard/.test(d.message)));
    assert.ok(!find('anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" and info[CFBundleIdentifier] = com.example*', 'CSR110').some((d) => /wildcard/.test(d.message)));
  });

  it('R11 fix turns anchor apple into anchor apple generic', () => {
    const [d] = find('identifier "com.example.app" and anchor apple', 'CSR111');
    assert.equal(d!.fixes![0]!.newText, 'anchor apple generic');
  });

  it('branches with syntax errors are not judged; the other branches are', () => {
    assert.ok(!codes('identifier "com.example.app" and (').some((c) => c.startsWith('CSR1')));
    assert.ok(!codes('identifier "x.y" and anchor apple generic and certificate leaf[subject.OU] = 9ABCDE1234').some((c) => c.startsWith('CSR1')));
    // examples/insecure.csreq: the error is in the second branch; the first is identifier-only.
    const text = 'identifier "com.example.helper" or certificate leaf[subject.CN] = 9ABCDE1234';
    const r1 = find(text, 'CSR101');
    assert.equal(r1.length, 1);
    assert.equal(text.slice(r1[0]!.range.start.offset, r1[0]!.range.end.offset), 'identifier "com.example.helper"');
  });
});

describe('severity configuration', () => {
  it('a rule can be turned off or re-levelled by code or by id', () => {
    assert.deepEqual(find('identifier "x.y"', 'CSR101', { severities: { CSR101: 'off' } }), []);
    assert.equal(find('identifier "x.y"', 'CSR101', { severities: { 'identifier-only': 'hint' } })[0]?.severity, 'hint');
    assert.equal(find('anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"', 'CSR107', { severities: { CSR107: 'error' } })[0]?.severity, 'error');
  });
  it('diagnostics are sorted by position', () => {
    const ds = analyzeRequirement('identifier "a.b" or anchor trusted or always').diagnostics;
    const offs = ds.map((d) => d.range.start.offset);
    assert.deepEqual(offs, [...offs].sort((a, b) => a - b));
  });
});

describe('language diagnostics and fixes', () => {
  it('an unquoted team ID starting with a digit (Sparkle 2.7.2) is an error with a quote fix', () => {
    const text = '(anchor apple generic and certificate leaf[subject.OU] = 34XR7GXFPX)';
    const ds = analyzeRequirement(text).diagnostics.filter((d) => d.severity === 'error');
    assert.ok(ds.length > 0);
    const fix = ds.flatMap((d) => d.fixes ?? []).find((f) => f.newText === '"34XR7GXFPX"');
    assert.ok(fix, JSON.stringify(ds));
  });

  it('`# csrl: single` forces single mode and a pasted `designated =>` gets a fix', () => {
    const text = '# csrl: single\ndesignated => anchor apple';
    const a = analyzeRequirement(text);
    assert.ok(a.diagnostics.some((d) => d.code === 'CSR018' && d.severity === 'error'));
    const fix = a.diagnostics.flatMap((d) => d.fixes ?? []).find((f) => /designated/.test(f.title));
    assert.ok(fix, JSON.stringify(a.diagnostics));
    const fixed = text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset);
    assert.equal(fixed, '# csrl: single\nanchor apple');
  });

  it('`# csrl: set` forces set mode', () => {
    const forced = analyzeRequirement('# csrl: set\ndesignated => anchor apple', { mode: 'single' });
    assert.equal(forced.parse.mode, 'set');
    assert.ok(!forced.diagnostics.some((d) => d.code === 'CSR018'));
    assert.ok(analyzeRequirement('designated => anchor apple', { mode: 'single' }).diagnostics.some((d) => d.code === 'CSR018'));
    assert.ok(analyzeRequirement('# csrl: single\nanchor apple', { mode: 'set' }).diagnostics.every((d) => d.code !== 'CSR019'));
  });

  it('untrusted workspaces do not read certificate files and say so', () => {
    const ds = analyzeRequirement('anchor = "/etc/hostname"', { trusted: false }).diagnostics.filter((d) => d.code === 'CSR053');
    assert.equal(ds.length, 1);
    assert.match(ds[0]!.message, /not trusted/);
  });

  it('trusted workspaces report a missing certificate file', () => {
    const ds = analyzeRequirement('anchor = "/nonexistent/csrl/root.cer"', { trusted: true }).diagnostics.filter((d) => d.code === 'CSR053');
    assert.equal(ds.length, 1);
    assert.match(ds[0]!.message, /cannot be read/);
  });

  it('relative certificate paths are checked next to the document', () => {
    const dir = tempDir('csrl-cert-');
    writeFileSync(join(dir, 'root.cer'), 'not really a certificate');
    assert.deepEqual(find('anchor = "root.cer"', 'CSR053', { baseDir: dir }), []);
    assert.equal(find('anchor = "other.cer"', 'CSR053', { baseDir: dir })[0]?.severity, 'warning');
    assert.deepEqual(find('anchor = "other.cer"', 'CSR053'), []);
  });

  it('a text over the analysis limit gets one diagnostic and no parse', () => {
    const a = analyzeRequirement('#' + 'x'.repeat(5 * 1024 * 1024));
    assert.equal(a.diagnostics.length, 1);
    assert.equal(a.parse.document, undefined);
  });
});

describe('summary', () => {
  it('says who is allowed in plain English', () => {
    const a = analyzeRequirement('identifier "com.example.helper" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"');
    assert.equal(a.parse.document?.kind, 'requirement');
    assert.equal(summarizeRequirement(a.parse.document as never),
      'code signed by Apple-issued Developer ID certificates of team ABCDE12345, with identifier com.example.helper');
  });
  it('lists the alternatives of an or', () => {
    const a = analyzeRequirement('identifier "a.b" or anchor apple');
    assert.match(summarizeRequirement(a.parse.document as never), /^either \(1\) .*signed by anyone.*; or \(2\) code signed by Apple itself/);
  });
});

describe('host documents (R12, R13)', () => {
  it('R12 fires for an XPC listener that accepts every connection', () => {
    const swift = 'class D: NSObject, NSXPCListenerDelegate {\n  func listener(_ l: NSXPCListener, shouldAcceptNewConnection c: NSXPCConnection) -> Bool {\n    c.resume()\n    return true\n  }\n}\n';
    const ds = analyzeHostDocument(swift, 'swift').diagnostics.filter((d) => d.code === 'CSR112');
    assert.equal(ds.length, 1);
    assert.equal(swift.slice(ds[0]!.range.start.offset, ds[0]!.range.end.offset), 'shouldAcceptNewConnection');
  });
  it('R12 fires for a PID-based check', () => {
    const objc = '- (BOOL)listener:(NSXPCListener *)l shouldAcceptNewConnection:(NSXPCConnection *)c {\n  pid_t pid = c.processIdentifier;\n  NSDictionary *a = @{(__bridge id)kSecGuestAttributePid: @(pid)};\n  return check(a);\n}\n';
    const ds = analyzeHostDocument(objc, 'objective-c').diagnostics.filter((d) => d.code === 'CSR112');
    assert.equal(ds.length, 1);
    assert.match(ds[0]!.message, /process ID/);
  });
  it('R12 stays quiet when the connection gets a requirement', () => {
    const swift = 'func listener(_ l: NSXPCListener, shouldAcceptNewConnection c: NSXPCConnection) -> Bool {\n  c.setCodeSigningRequirement("identifier \\"com.example.app\\" and anchor apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\"")\n  return true\n}\n';
    assert.deepEqual(analyzeHostDocument(swift, 'swift').diagnostics.filter((d) => d.code === 'CSR112'), []);
  });
  it('R12 ignores APIs mentioned only in comments', () => {
    const swift = '// shouldAcceptNewConnection is not implemented here\nlet x = 1\n';
    assert.deepEqual(analyzeHostDocument(swift, 'swift').diagnostics.filter((d) => d.code === 'CSR112'), []);
  });
  it('R13 fires for signing-identifier alone and not with team-identifier', () => {
    const lone = '<plist><dict><key>SpawnConstraint</key><dict><key>signing-identifier</key><string>com.example.helper</string></dict></dict></plist>';
    const paired = '<plist><dict><key>SpawnConstraint</key><dict><key>signing-identifier</key><string>com.example.helper</string><key>team-identifier</key><string>ABCDE12345</string></dict></dict></plist>';
    assert.equal(analyzeHostDocument(lone, 'plist').diagnostics.filter((d) => d.code === 'CSR113').length, 1);
    assert.equal(analyzeHostDocument(paired, 'plist').diagnostics.filter((d) => d.code === 'CSR113').length, 0);
  });
});

describe('bounded work on hostile requirements', () => {
  it('a 5,000-branch or-chain is linted branch by branch with a bounded number of findings', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `identifier a${i}`).join(' or ');
    const ds = analyzeRequirement(text).diagnostics.filter((d) => d.code === 'CSR101');
    assert.ok(ds.length > 0 && ds.length <= 500, String(ds.length));
  });
  it('a 20,000-term and-chain is judged; 2^300 alternatives are left alone', () => {
    const chain = Array.from({ length: 20000 }, (_, i) => `info[k${i}] = v`).join(' and ');
    assert.deepEqual(analyzeRequirement(chain).diagnostics.map((d) => d.code), ['CSR101']);
    const product = Array.from({ length: 300 }, (_, i) => `(identifier a${i} or anchor apple generic)`).join(' and ');
    assert.deepEqual(analyzeRequirement(product).diagnostics.filter((d) => d.code.startsWith('CSR1')), []);
  });
});
