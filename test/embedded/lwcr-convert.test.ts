import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../language-service/analysis/text.js';
import { convertClassicToLwcr, convertLwcrToClassic, lwcrAt, parseClassic } from '../../language-service/lwcr/target.js';
import { parseLwcrXmlPlist } from '../../lwcr/index.js';

const plist = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>Label</key>\n\t<string>x</string>\n\t<key>SpawnConstraint</key>\n\t<dict>\n${body}\t</dict>\n</dict>\n</plist>\n`;
const at = (text: string) => {
  const index = new LineIndex(text);
  return (o: number) => ({ line: index.positionAt(o).line, column: index.positionAt(o).column });
};
const lineOf = (text: string) => (o: number) => new LineIndex(text).positionAt(o).line;

describe('commands on LWCRs: the one under the cursor, and conversions', () => {
  it('finds the SpawnConstraint for a check, with its context and a label naming its line', () => {
    const text = plist('\t\t<key>team-identifier</key>\n\t\t<string>ABCDE12345</string>\n');
    const t = lwcrAt(text, 'plist', text.indexOf('team-identifier'), lineOf(text));
    assert.ok(!('error' in t));
    assert.equal(t.context, 'launch');
    assert.equal(t.label, 'SpawnConstraint at line 7');
    assert.equal(t.text, '{ "team-identifier": "ABCDE12345" }');
  });

  it('refuses an LWCR the OS would reject at parse time, naming the line', () => {
    const text = plist('\t\t<key>launch-type</key>\n\t\t<dict><key>$or</key><dict><key>$lt</key><integer>3</integer></dict></dict>\n');
    const t = lwcrAt(text, 'plist', 0, lineOf(text));
    assert.ok('error' in t);
    assert.match(t.error, /line 9: .*LW031/);
  });

  it('converts an LWCR to requirement text with a comment per approximate clause, or refuses per clause', () => {
    const ok = plist('\t\t<key>team-identifier</key>\n\t\t<string>ABCDE12345</string>\n\t\t<key>validation-category</key>\n\t\t<integer>6</integer>\n');
    const t = lwcrAt(ok, 'plist', 0, lineOf(ok));
    assert.ok(!('error' in t));
    const c = convertLwcrToClassic(t.tree, at(ok));
    assert.equal(c.translated, true);
    assert.match(c.text, /certificate leaf\[subject\.OU\] = "ABCDE12345"/);
    assert.ok(c.text.split('\n').filter((l) => l.startsWith('#')).length === c.notes.length);

    const bad = plist('\t\t<key>team-identifier</key>\n\t\t<string>ABCDE12345</string>\n\t\t<key>launch-type</key>\n\t\t<integer>1</integer>\n');
    const b = lwcrAt(bad, 'plist', 0, lineOf(bad));
    assert.ok(!('error' in b));
    const r = convertLwcrToClassic(b.tree, at(bad));
    assert.equal(r.translated, false);
    const refused = r.notes.filter((n) => n.kind === 'refused');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.line, 10, 'the note points at the launch-type line of the plist');
    assert.match(r.text, /^# line 10, column \d+: `launch-type.*NOT TRANSLATED/m);
  });

  it('converts a classic requirement to a launch-constraint plist that reads back, or says which clause has no equivalent', () => {
    const text = 'identifier "com.example.tool" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"';
    const req = parseClassic(text);
    assert.ok(!('error' in req));
    const c = convertClassicToLwcr(req, at(text));
    assert.equal(c.translated, true);
    const back = parseLwcrXmlPlist(c.text);
    assert.equal(back.kind, 'dict');
    assert.ok(back.kind === 'dict' && back.entries.some((e) => e.key === 'signing-identifier'));

    const info = 'identifier "com.example.tool" and info[CFBundleVersion] = "1"';
    const r = parseClassic(info);
    assert.ok(!('error' in r));
    const refused = convertClassicToLwcr(r, at(info));
    assert.equal(refused.translated, false);
    assert.equal(refused.notes.find((n) => n.kind === 'refused')!.column, info.indexOf('info[') + 1);
    assert.match(refused.text, /NOT TRANSLATED/);
    assert.ok('error' in parseClassic('identifier and'));
  });
});
