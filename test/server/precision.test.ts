/**
 * Precision of the lint rules on the shapes real projects hold: Apple's own
 * generated designated requirements are at most hints, one finding per cause
 * and range, the field mix-up named as such, development-only identities
 * reported where shipped code is checked. Also: every rule's documented
 * example fires, and its documented spared shape does not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeHostDocument, analyzeRequirement, type AnalysisOptions } from '../../language-service/analysis/analyze.js';
import { RULES } from '../../language-service/rules/index.js';
import type { RuleExample } from '../../language-service/rules/types.js';

const PRIV: AnalysisOptions = { context: 'privileged-helper' };
const XCODE_DEVID = 'identifier "com.example.app" and anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345")';
const XCODE_MAS = 'identifier "com.example.app" and anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */';
const XCODE_DEV = 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.CN] = "Apple Development: Jane Appleseed (K2L3M4N5P6)" and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */';
const XPC_PEER = 'anchor apple generic and identifier "com.example.app" and certificate leaf[subject.OU] = "ABCDE12345"';
const XPC_PEER_DEVID = 'anchor apple generic and identifier "com.example.app" and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "ABCDE12345"';

const loud = (text: string, options: AnalysisOptions = {}) =>
  analyzeRequirement(text, options).diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => `${d.code}: ${d.message}`);

describe("Apple's generated shapes", () => {
  for (const [name, text] of [['Xcode Developer ID / App Store DR', XCODE_DEVID], ['Mac App Store DR', XCODE_MAS], ['Apple Development DR', XCODE_DEV], ['recommended XPC peer requirement', XPC_PEER], ['XPC peer requirement with Developer ID markers', XPC_PEER_DEVID]] as const) {
    it(`${name}: no warning or error`, () => assert.deepEqual(loud(text), []));
  }

  it('the unparenthesised `a or b and c` of the Xcode DR is a hint with a fix; the same grouping with identifiers stays a warning', () => {
    const [hint] = analyzeRequirement(XCODE_DEVID).diagnostics;
    assert.equal(hint?.code, 'CSR110');
    assert.equal(hint.severity, 'hint');
    assert.match(hint.message, /^Apple's tools write the designated requirement of Xcode builds this way/);
    assert.equal(hint.fixes?.[0]?.title, 'Add parentheses');
    const ambiguous = analyzeRequirement('anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" and identifier "com.example.app" or identifier "com.example.app.beta"').diagnostics.filter((d) => d.code === 'CSR110' && /binds tighter/.test(d.message));
    assert.deepEqual(ambiguous.map((d) => d.severity), ['warning']);
  });

  it('a configured severity does not lift a hint on an Apple shape above hint (choice: the shape caps the rule)', () => {
    assert.deepEqual(analyzeRequirement(XCODE_DEVID, { severities: { CSR110: 'error' } }).diagnostics.map((d) => d.severity), ['hint']);
    assert.deepEqual(analyzeRequirement(XCODE_DEVID, { severities: { CSR110: 'off' } }).diagnostics, []);
  });
});

describe('one finding per cause and range', () => {
  it('a clause missing from the shared part of `X and (A or B)` is reported once over the whole requirement, with a fix after it', () => {
    const ds = analyzeRequirement(XCODE_DEVID, PRIV).diagnostics.filter((d) => d.code === 'CSR107' || d.code === 'CSR108');
    assert.deepEqual(ds.map((d) => [d.code, d.range.start.offset, d.range.end.offset]), [['CSR107', 0, XCODE_DEVID.length], ['CSR108', 0, XCODE_DEVID.length]]);
    const fixed = XCODE_DEVID + ds[0]!.fixes![0]!.newText;
    assert.equal(ds[0]!.fixes![0]!.range.start.offset, XCODE_DEVID.length);
    assert.deepEqual(analyzeRequirement(fixed, PRIV).diagnostics.filter((d) => d.code === 'CSR107'), []);
  });

  it('side-by-side branches keep one finding each', () => {
    const ds = analyzeRequirement('identifier "com.example.a" or identifier "com.example.b"').diagnostics.filter((d) => d.code === 'CSR101');
    assert.deepEqual(ds.map((d) => d.range.start.offset), [0, 30]);
  });

  it('no two findings share code, range and message in a host document', () => {
    const plist = `<plist version="1.0"><dict><key>SMAuthorizedClients</key><array><string>${XCODE_DEVID.replace(/"/g, '&quot;')}</string></array></dict></plist>`;
    const keys = analyzeHostDocument(plist, 'plist').diagnostics.map((d) => `${d.code}@${d.range.start.offset}-${d.range.end.offset}`);
    assert.equal(new Set(keys).size, keys.length, keys.join(' '));
  });
});

describe('CSR105 names the field mix-up', () => {
  it('a bare team ID in subject.CN is "a team ID in the wrong field", fixed to subject.OU', () => {
    const [d] = analyzeRequirement('anchor apple generic and certificate leaf[subject.CN] = "ABCDE12345"').diagnostics.filter((x) => x.code === 'CSR105');
    assert.match(d!.message, /^"ABCDE12345" is a team ID in the wrong field: subject\.CN holds the certificate's name .* the team ID is in subject\.OU, so this never matches/);
    assert.equal(d!.fixes?.[0]?.newText, 'certificate leaf[subject.OU] = "ABCDE12345"');
  });

  it('a Developer ID name: the team in its parentheses belongs in subject.OU; a development name offers no team fix (the ID is the developer\'s)', () => {
    const [devid] = analyzeRequirement('anchor apple generic and certificate leaf[subject.CN] = "Developer ID Application: Example Inc (ABCDE12345)"').diagnostics.filter((x) => x.code === 'CSR105');
    assert.match(devid!.message, /The team ID ABCDE12345 in its parentheses belongs in subject\.OU/);
    assert.equal(devid!.severity, 'warning');
    const [dev] = analyzeRequirement(XCODE_DEV).diagnostics.filter((x) => x.code === 'CSR105');
    assert.equal(dev!.severity, 'hint');
    assert.deepEqual(dev!.fixes ?? [], []);
  });
});

describe('CSR109 on development-only requirements', () => {
  const DEV_ONLY_MARKER = 'identifier "com.example.helper" and anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.12] and certificate leaf[subject.OU] = "ABCDE12345"';

  it('fires where shipped code is checked: privileged context, SMPrivilegedExecutables, XPC peer checks, profiles', () => {
    assert.deepEqual(analyzeRequirement(DEV_ONLY_MARKER, PRIV).diagnostics.filter((d) => d.code === 'CSR109').map((d) => d.severity), ['warning']);
    assert.deepEqual(analyzeRequirement(XCODE_DEV, PRIV).diagnostics.filter((d) => d.code === 'CSR109').length, 1, 'the "Apple Development:" common name counts');
    const plist = `<plist version="1.0"><dict><key>SMPrivilegedExecutables</key><dict><key>com.example.helper</key><string>${DEV_ONLY_MARKER.replace(/"/g, '&quot;')}</string></dict></dict></plist>`;
    assert.deepEqual(analyzeHostDocument(plist, 'plist').diagnostics.filter((d) => d.code === 'CSR109').length, 1);
    const swift = `connection.setCodeSigningRequirement("${DEV_ONLY_MARKER.replace(/"/g, '\\"')}")\n`;
    assert.deepEqual(analyzeHostDocument(swift, 'swift').diagnostics.filter((d) => d.code === 'CSR109').length, 1);
    const tcc = `<plist version="1.0"><dict><key>CodeRequirement</key><string>${DEV_ONLY_MARKER.replace(/"/g, '&quot;')}</string></dict></plist>`;
    assert.deepEqual(analyzeHostDocument(tcc, 'plist').diagnostics.filter((d) => d.code === 'CSR109').length, 1);
  });

  it('stays quiet in a plain requirement file or SecRequirementCreateWithString, and when a production channel is accepted too', () => {
    assert.deepEqual(analyzeRequirement(DEV_ONLY_MARKER).diagnostics.filter((d) => d.code === 'CSR109'), []);
    const c = `SecRequirementCreateWithString(CFSTR("${DEV_ONLY_MARKER.replace(/"/g, '\\"')}"), 0, &r);\n`;
    assert.deepEqual(analyzeHostDocument(c, 'c').diagnostics.filter((d) => d.code === 'CSR109'), []);
    assert.deepEqual(analyzeRequirement(XPC_PEER_DEVID, PRIV).diagnostics.filter((d) => d.code === 'CSR109'), []);
  });
});

describe('the rule docs examples', () => {
  const run = (e: RuleExample) => {
    const options: AnalysisOptions = e.privileged ? PRIV : {};
    return e.language ? analyzeHostDocument(e.text, e.language, options).diagnostics : analyzeRequirement(e.text, options).diagnostics;
  };
  for (const r of RULES) {
    it(`${r.code} catches its documented shape and spares the other`, () => {
      assert.ok(run(r.docs.catches).some((d) => d.code === r.code && d.severity !== 'hint'), `${r.code} catches ${r.docs.catches.text}`);
      assert.deepEqual(run(r.docs.spares).filter((d) => d.code === r.code && d.severity !== 'hint').map((d) => d.message), [], `${r.code} spares ${r.docs.spares.text}`);
    });
  }
});
