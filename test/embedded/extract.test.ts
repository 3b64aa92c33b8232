import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { extractRequirements, languageIdForPath, mayContainRequirements, type EmbeddedRequirement } from '../../language-service/embedded/extract.js';

function only(src: string, lang: string): EmbeddedRequirement {
  const found = extractRequirements(src, lang);
  assert.equal(found.length, 1, `expected one requirement, got ${JSON.stringify(found.map((f) => f.text))}`);
  return found[0]!;
}

/** Every value offset maps into the host and back to itself; hostStart/hostEnd are the ends. */
function assertRoundTrip(r: EmbeddedRequirement): void {
  assert.equal(r.toHostOffset(0), r.hostStart);
  assert.equal(r.toHostOffset(r.text.length), r.hostEnd);
  let previous = -1;
  for (let t = 0; t <= r.text.length; t++) {
    const h = r.toHostOffset(t);
    assert.ok(h >= r.hostStart && h <= r.hostEnd, `offset ${t} maps outside the literal`);
    assert.ok(h > previous, `host offsets must increase (${t})`);
    previous = h;
    assert.equal(r.fromHostOffset(h), t, `round trip of text offset ${t} (host ${h})`);
  }
  assert.equal(r.fromHostOffset(r.hostStart - 1), undefined);
  assert.equal(r.fromHostOffset(r.hostEnd + 1), undefined);
}

/**
 * An independent encoder: writes `value` as host source, choosing an escape
 * form per character, and records where each value code unit starts in the
 * host text. The extractor must reproduce exactly these offsets.
 */
interface Encoded {
  source: string;
  starts: number[];
}

type Encoder = (value: string, choose: (k: number) => number) => Encoded;

function encodeWith(value: string, choose: (k: number) => number, forms: (ch: string, pick: number) => string): Encoded {
  let source = '';
  const starts: number[] = [];
  const chars = Array.from(value);
  chars.forEach((ch, k) => {
    starts.push(source.length);
    if (ch.length === 2) starts.push(-1); // the second unit of a pair: position depends on the form
    source += forms(ch, choose(k));
  });
  return { source, starts };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

const cEncoder: Encoder = (value, choose) =>
  encodeWith(value, choose, (ch, pick) => {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') return '\\"';
    if (ch === '\\') return '\\\\';
    if (ch === '\n') return '\\n';
    if (ch === '\t') return pick % 2 ? '\\t' : '\\011';
    if (cp > 0x7f) return pick % 2 ? `\\U${hex(cp, 8)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    if (cp < 0x20) return `\\${cp.toString(8).padStart(3, '0')}`;
    // \x escapes swallow following hex digits, so only plain or octal for printable characters.
    return pick % 3 === 0 ? `\\${cp.toString(8).padStart(3, '0')}` : ch;
  });

const swiftEncoder: Encoder = (value, choose) =>
  encodeWith(value, choose, (ch, pick) => {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') return '\\"';
    if (ch === '\\') return '\\\\';
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    if (cp < 0x20 || pick % 4 === 0) return `\\u{${cp.toString(16)}}`;
    return ch;
  });

const xmlEncoder: Encoder = (value, choose) =>
  encodeWith(value, choose, (ch, pick) => {
    const cp = ch.codePointAt(0)!;
    if (ch === '&') return '&amp;';
    if (ch === '<') return '&lt;';
    if (ch === '>') return pick % 2 ? '&gt;' : '&#62;';
    if (ch === '"') return pick % 2 ? '&quot;' : '&#x22;';
    if (pick % 5 === 0) return `&#${cp};`;
    return ch;
  });

const shellDoubleEncoder: Encoder = (value, choose) =>
  encodeWith(value, choose, (ch) => ('"\\$`'.includes(ch) ? `\\${ch}` : ch));

/** Characters a requirement can hold, including the ones every host must escape. */
const valueChar = fc.constantFrom(...'abcXYZ019 .=[]()!<>*~"\\\n\t&;#/é€😀'.split(/(?:)/u));
const values = fc.array(valueChar, { maxLength: 40 }).map((a) => a.join(''));

function checkEncoded(wrap: (lit: string) => { src: string; lang: string; at: number }, encoder: Encoder, filter: (v: string) => boolean = () => true): void {
  fc.assert(
    fc.property(values.filter(filter), fc.array(fc.nat(100), { minLength: 50, maxLength: 50 }), (value, picks) => {
      const enc = encoder(value, (k) => picks[k % picks.length]!);
      const { src, lang, at } = wrap(enc.source);
      const r = only(src, lang);
      assert.equal(r.text, value);
      assert.equal(r.notAnalysed, undefined);
      for (let t = 0; t < value.length; t++) {
        const expected = enc.starts[t]!;
        if (expected < 0) continue;
        assert.equal(r.toHostOffset(t), at + expected, `text offset ${t} of ${JSON.stringify(value)}`);
      }
      if (value.length > 0) assert.equal(r.hostStart, at + enc.starts[0]!);
      assert.equal(r.hostEnd, at + enc.source.length);
      assertRoundTrip(r);
    }),
    { numRuns: 400, seed: 20261128 },
  );
}

test('C: every offset maps exactly through octal, \\u, \\U and simple escapes', () => {
  checkEncoded((lit) => {
    const prefix = 'int main(void) {\n  OSStatus s = SecRequirementCreateWithString(CFSTR("';
    return { src: `${prefix}${lit}"), kSecCSDefaultFlags, &req);\n}\n`, lang: 'c', at: prefix.length };
  }, cEncoder);
});

test('Objective-C @"…" literal passed to setCodeSigningRequirement:', () => {
  checkEncoded((lit) => {
    const prefix = '[connection setCodeSigningRequirement:@"';
    return { src: `${prefix}${lit}"];`, lang: 'objective-c', at: prefix.length };
  }, cEncoder);
});

test('Swift: every offset maps exactly through \\", \\\\, \\n, \\u{…}', () => {
  checkEncoded((lit) => {
    const prefix = 'let status = SecRequirementCreateWithString("';
    return { src: `${prefix}${lit}" as CFString, [], &requirement)\n`, lang: 'swift', at: prefix.length };
  }, swiftEncoder);
});

test('plist: entities (named, decimal, hex) map exactly', () => {
  checkEncoded((lit) => {
    const prefix = '<?xml version="1.0"?>\n<plist version="1.0"><dict>\n<key>SMAuthorizedClients</key>\n<array>\n\t<string>';
    return { src: `${prefix}${lit}</string>\n</array></dict></plist>\n`, lang: 'plist', at: prefix.length };
  }, xmlEncoder);
});

test('shell: double-quoted word with \\" \\\\ \\$ escapes maps exactly', () => {
  checkEncoded((lit) => {
    const prefix = 'codesign --verify -R "=';
    return { src: `${prefix}${lit}" build/Tool.app\n`, lang: 'shellscript', at: prefix.length };
  }, shellDoubleEncoder);
});

test('C: adjacent literals are joined and both parts are mapped', () => {
  const src = 'SecRequirementCreateWithString(CFSTR("identifier \\"com.x\\" "\n    /* team */ "and anchor apple generic"), 0, &r);';
  const r = only(src, 'c');
  assert.equal(r.text, 'identifier "com.x" and anchor apple generic');
  assertRoundTrip(r);
  const andAt = r.text.indexOf('and');
  assert.equal(src.slice(r.toHostOffset(andAt), r.toHostOffset(andAt) + 3), 'and');
  // The gap between the parts (closing quote, comment, opening quote) maps to the join point.
  const gap = src.indexOf('/* team */');
  assert.equal(r.fromHostOffset(gap), andAt);
  assert.equal(src.slice(r.hostStart, r.hostStart + 10), 'identifier');
  assert.equal(src[r.hostEnd], '"');
});

test('C: UTF-8 byte escapes decode as one character covering all escapes', () => {
  const src = 'xpc_connection_set_peer_code_signing_requirement(peer, "identifier \\"caf\\303\\251\\"");';
  const r = only(src, 'c');
  assert.equal(r.api, 'xpc_connection_set_peer_code_signing_requirement');
  assert.equal(r.text, 'identifier "café"');
  const e = r.text.indexOf('é');
  assert.equal(src.slice(r.toHostOffset(e), r.toHostOffset(e + 1)), '\\303\\251');
  assertRoundTrip(r);
});

test('C++ raw string and line splice', () => {
  const raw = only('SecRequirementCreateWithString(CFSTR(R"req(identifier "a" and\nanchor apple)req"), 0, &r);', 'cpp');
  assert.equal(raw.text, 'identifier "a" and\nanchor apple');
  assertRoundTrip(raw);
  const spliced = only('SecRequirementCreateWithString(CFSTR("anchor \\\napple"), 0, &r);', 'c');
  assert.equal(spliced.text, 'anchor apple');
  assertRoundTrip(spliced);
});

test('Swift multi-line string: indentation stripped, line continuation, CRLF', () => {
  const src = [
    'connection.setCodeSigningRequirement("""',
    '        identifier "com.example.app" \\',
    '        and anchor apple generic',
    '          and certificate leaf[subject.OU] = "ABCDE12345"',
    '        """)',
  ].join('\r\n');
  const r = only(src, 'swift');
  assert.equal(r.text, 'identifier "com.example.app" and anchor apple generic\n  and certificate leaf[subject.OU] = "ABCDE12345"');
  assertRoundTrip(r);
  const cert = r.text.indexOf('certificate');
  assert.equal(src.slice(r.toHostOffset(cert), r.toHostOffset(cert) + 11), 'certificate');
  const nl = r.text.indexOf('\n');
  assert.equal(src.slice(r.toHostOffset(nl), r.toHostOffset(nl) + 2), '\r\n');
  assert.equal(r.fromHostOffset(r.toHostOffset(nl) + 1), nl);
  // Stripped indentation belongs to no character: it maps to the start of the line's text.
  const indentAt = src.indexOf('          and certificate');
  assert.equal(r.fromHostOffset(indentAt), nl + 1);
});

test('Swift raw strings: #"…"# keeps backslashes, \\#n is an escape', () => {
  const r = only('let r = SecRequirementCreateWithString(#"identifier "a\\b" and\\#nanchor apple"# as CFString, [], &x)', 'swift');
  assert.equal(r.text, 'identifier "a\\b" and\nanchor apple');
  assertRoundTrip(r);
});

test('Swift: interpolation and + concatenation are templates whose holes keep their host spelling', () => {
  const interp = only('conn.setCodeSigningRequirement("identifier \\"\\(bundleID)\\" and anchor apple generic")', 'swift');
  assert.equal(interp.notAnalysed, undefined);
  assert.equal(interp.text, 'identifier "\\(bundleID)" and anchor apple generic');
  assert.deepEqual(interp.holes, [{ start: 12, end: 23, what: 'Swift interpolation' }]);
  assertRoundTrip(interp);
  const plus = only('conn.setCodeSigningRequirement("identifier \\"com.x\\" and " + teamClause)', 'swift');
  assert.equal(plus.text, 'identifier "com.x" and teamClause');
  assert.deepEqual(plus.holes, [{ start: 23, end: 33, what: 'Swift value' }]);
});

test('a constant assigned once and passed by name is found at its literal', () => {
  const swift = [
    'enum Config {',
    '    static let clientRequirement: String = "identifier \\"com.example.app\\" and anchor apple generic"',
    '}',
    'func setUp(_ listener: NSXPCListener) {',
    '    listener.setConnectionCodeSigningRequirement(Config.clientRequirement)',
    '}',
  ].join('\n');
  const r = only(swift, 'swift');
  assert.equal(r.api, 'setConnectionCodeSigningRequirement');
  assert.equal(r.text, 'identifier "com.example.app" and anchor apple generic');
  assert.equal(swift.slice(r.hostStart - 1, r.hostStart + 10), '"identifier');

  const objc = [
    '#define HELPER_REQ "identifier \\"com.example.helper\\" and anchor apple generic"',
    'static NSString *const kClientReq = @"anchor apple generic";',
    'void f(void) {',
    '  SecRequirementCreateWithString(CFSTR(HELPER_REQ), 0, &a);',
    '  SecRequirementCreateWithString((__bridge CFStringRef)kClientReq, 0, &b);',
    '  SecRequirementCreateWithString((__bridge CFStringRef)kClientReq, 0, &c);',
    '}',
  ].join('\n');
  const found = extractRequirements(objc, 'objective-c');
  assert.deepEqual(found.map((f) => f.text), ['identifier "com.example.helper" and anchor apple generic', 'anchor apple generic']);
});

test('names declared in two functions resolve to the one in scope; a parameter gets a not-analysed note', () => {
  const src = [
    'func a(_ c: NSXPCConnection) {',
    '    let req = "identifier \\"one\\""',
    '    c.setCodeSigningRequirement(req)',
    '}',
    'func b(_ c: NSXPCConnection) {',
    '    let req = "identifier \\"two\\""',
    '    c.setCodeSigningRequirement(req)',
    '}',
    'func c(_ c: NSXPCConnection, requirement: String) {',
    '    c.setCodeSigningRequirement(requirement)',
    '}',
  ].join('\n');
  const found = extractRequirements(src, 'swift');
  assert.deepEqual(found.map((r) => r.text), ['identifier "one"', 'identifier "two"', '']);
  assert.match(found[2]!.notAnalysed ?? '', /`requirement` is not given a string in this file/);
  assert.equal(src.slice(found[2]!.hostStart, found[2]!.hostEnd), 'requirement');
});

test('declarations, comments and character literals are not calls', () => {
  const src = [
    'OSStatus SecRequirementCreateWithString(CFStringRef text, SecCSFlags flags, SecRequirementRef *requirement);',
    '- (void)setCodeSigningRequirement:(NSString *)requirement;',
    '// SecRequirementCreateWithString(CFSTR("anchor apple"), 0, &r);',
    '/* [c setCodeSigningRequirement:@"anchor apple"]; */',
    "char q = '\"'; SecRequirementCreateWithString(CFSTR(\"identifier x\"), 0, &r);",
  ].join('\n');
  const found = extractRequirements(src, 'objective-c');
  assert.deepEqual(found.map((f) => f.text), ['identifier x']);
});

test('Objective-C stringWithFormat: specifiers are holes; without arguments the format is a plain literal', () => {
  const r = only('[conn setCodeSigningRequirement:[NSString stringWithFormat:@"identifier \\"%@\\"", bundleID]];', 'objective-c');
  assert.equal(r.text, 'identifier "%@"');
  assert.deepEqual(r.holes, [{ start: 12, end: 14, what: 'format argument' }]);
  const plain = only('[conn setCodeSigningRequirement:[NSString stringWithFormat:@"anchor apple generic and identifier \\"100%@\\""]];', 'objective-c');
  assert.equal(plain.holes, undefined);
  assert.equal(plain.text, 'anchor apple generic and identifier "100%@"');
});

test('shell: -R=, --test-requirement, -r= sets, csreq -r, quoting and file arguments', () => {
  const src = [
    '#!/bin/sh',
    "codesign -v -R='anchor apple generic' App.app",
    'codesign --verify --test-requirement="=identifier \\"com.x\\"" App.app',
    "codesign -s \"$IDENTITY\" -r='designated => anchor apple generic' App.app",
    'codesign -s - -r requirements.rqset App.app',
    "csreq -r='host => anchor apple' -b out.bin",
    'csreq -r=anchor\\ apple -t',
    "codesign -v -R='=never' x   # getopt keeps the first '=': the text is '=never'",
    'codesign -R "$REQ" App.app   # a file named by a variable: not text',
    'echo codesign is great # codesign -R=never',
  ].join('\n');
  const found = extractRequirements(src, 'shellscript');
  assert.deepEqual(
    found.map((f) => [f.api, f.mode, f.text]),
    [
      ['codesign -R', 'single', 'anchor apple generic'],
      ['codesign -R', 'single', 'identifier "com.x"'],
      ['codesign -r', 'set', 'designated => anchor apple generic'],
      ['csreq -r', 'set', 'host => anchor apple'],
      ['csreq -r', 'single', 'anchor apple'],
      ['codesign -R', 'single', '=never'],
    ],
  );
  for (const r of found) assertRoundTrip(r);
  const quoted = found[1]!;
  assert.equal(src.slice(quoted.toHostOffset(11), quoted.toHostOffset(12)), '\\"');
});

test('shell: expansions are holes of a template; requirement text without "=" is flagged as a file path', () => {
  const dyn = only('codesign -v -R="=identifier $BUNDLE_ID" x', 'shellscript');
  assert.equal(dyn.text, '=identifier $BUNDLE_ID');
  assert.deepEqual(dyn.holes, [{ start: 12, end: 22, what: 'shell variable' }]);
  const sub = only('codesign -v -R="anchor apple generic and $(cat rest.txt)" x', 'shellscript');
  assert.deepEqual(sub.holes?.map((h) => [sub.text.slice(h.start, h.end), h.what]), [['$(cat rest.txt)', 'command substitution']]);
  const path = only("codesign -v -R 'anchor apple generic' x", 'shellscript');
  assert.match(path.notAnalysed ?? '', /file path/);
});

test('plist: SMPrivilegedExecutables values and SMAuthorizedClients items, not other strings', () => {
  const src = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleIdentifier</key><string>com.example.app</string>
  <key>SMPrivilegedExecutables</key>
  <dict>
    <key>com.example.helper</key>
    <string>identifier &quot;com.example.helper&quot; and anchor apple generic</string>
    <!-- <key>old</key><string>anchor apple</string> -->
    <key>com.example.other</key>
    <string><![CDATA[identifier "com.example.other"]]> and anchor apple generic</string>
  </dict>
  <key>SMAuthorizedClients</key>
  <array>
    <string>info[CFBundleVersion] &gt;= &quot;42&quot;</string>
  </array>
  <key>Other</key><array><string>anchor apple</string></array>
</dict>
</plist>`;
  const found = extractRequirements(src, 'plist');
  assert.deepEqual(
    found.map((f) => [f.api, f.text]),
    [
      ['SMPrivilegedExecutables', 'identifier "com.example.helper" and anchor apple generic'],
      ['SMPrivilegedExecutables', 'identifier "com.example.other" and anchor apple generic'],
      ['SMAuthorizedClients', 'info[CFBundleVersion] >= "42"'],
    ],
  );
  for (const r of found) assertRoundTrip(r);
  const cdata = found[1]!;
  assert.equal(src.slice(cdata.toHostOffset(0), cdata.toHostOffset(0) + 10), 'identifier');
});

test('the repository examples are found', async () => {
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('../../../examples/xpc-helper/', import.meta.url));
  const expectations: Record<string, string[]> = {
    'HelperListener.swift': ['setCodeSigningRequirement'],
    'Info.plist': ['SMPrivilegedExecutables', 'SMAuthorizedClients'],
    'check.m': ['SecRequirementCreateWithString'],
    'sign.sh': ['codesign -r', 'codesign -R'],
  };
  for (const [name, apis] of Object.entries(expectations)) {
    const text = await readFile(root + name, 'utf8');
    const lang = languageIdForPath(name)!;
    const found = extractRequirements(text, lang);
    assert.deepEqual(found.map((f) => f.api), apis, name);
    for (const r of found) {
      assert.equal(r.notAnalysed, undefined);
      assert.ok(r.text.length > 10);
      assertRoundTrip(r);
    }
  }
});

test('mayContainRequirements is a cheap literal pre-filter', () => {
  assert.equal(mayContainRequirements('let x = 1\nprint("hello")\n'), false);
  assert.equal(mayContainRequirements('xpc_connection_set_peer_code_signing_requirement(c, r)'), true);
  assert.equal(mayContainRequirements('<key>SMAuthorizedClients</key>'), true);
  assert.equal(extractRequirements('print("anchor apple")', 'swift').length, 0);
});

test('1 MB hostile and large inputs are scanned in linear time and give the right answers', { timeout: 60_000 }, () => {
  const call = 'SecRequirementCreateWithString(CFSTR("anchor apple generic and identifier \\"a\\""), 0, &r);\n';
  const many = call.repeat(Math.ceil(1_000_000 / call.length));
  assert.equal(extractRequirements(many, 'c').length, Math.ceil(1_000_000 / call.length));
  // One huge literal full of escapes.
  const big = 'SecRequirementCreateWithString(CFSTR("' + 'ab\\"\\\\\\101'.repeat(100_000) + '"), 0, &r);';
  const r = only(big, 'c');
  assert.equal(r.text.length, 500_000);
  assert.equal(r.fromHostOffset(r.toHostOffset(499_999)), 499_999);
  // Unterminated constructs must not make the scanners quadratic.
  const hostile: [string, string][] = [
    ['c', 'SecRequirementCreateWithString(' + '"\\'.repeat(500_000)],
    ['c', 'SecRequirementCreateWithString(' + '('.repeat(1_000_000)],
    ['c', 'SecRequirementCreateWithString(x' + ' x = x'.repeat(150_000)],
    ['swift', 'setCodeSigningRequirement("' + '\\('.repeat(500_000)],
    ['swift', 'setCodeSigningRequirement(' + '#"'.repeat(500_000)],
    ['swift', 'setCodeSigningRequirement("""\n' + '  \\\n'.repeat(250_000)],
    ['shellscript', 'codesign -R="=' + '\\"$('.repeat(250_000)],
    ['shellscript', 'codesign ' + "-R '=a' ".repeat(120_000)],
    ['plist', '<dict><key>SMAuthorizedClients</key><array>' + '<string>&amp;<'.repeat(100_000)],
    ['plist', '<dict><key>SMPrivilegedExecutables</key><dict>' + '<dict>'.repeat(150_000)],
    ['plist', '<dict><key>SMAuthorizedClients</key><array>' + '<a "'.repeat(300_000)],
    // Balanced but deep: unwrapping must not rescan the argument once per level.
    ['c', 'SecRequirementCreateWithString(' + '('.repeat(450_000) + '"a"' + ')'.repeat(450_000) + ', 0, &r);'],
    // Nested calls whose first argument spans the rest of the file.
    ['objective-c', 'SecRequirementCreateWithString('.repeat(33_000) + 'x' + ')'.repeat(33_000)],
    ['objective-c', '[c setCodeSigningRequirement:'.repeat(33_000) + 'x' + ']'.repeat(33_000)],
    // Many declarations that never end, and a name to resolve.
    ['swift', 'c.setCodeSigningRequirement(req)\n' + 'let req = (req'.repeat(70_000)],
    ['c', 'SecRequirementCreateWithString(req, 0, &r); ' + 'req = req '.repeat(100_000)],
    ['cpp', 'SecRequirementCreateWithString(' + 'R"'.repeat(500_000)],
    ['swift', 'c.setCodeSigningRequirement(req)\n' + '{'.repeat(900_000) + 'let req = "a"'],
  ];
  for (const [lang, text] of hostile) {
    assert.ok(text.length >= 900_000);
    const found = extractRequirements(text, lang);
    for (const f of found.slice(0, 3)) if (!f.notAnalysed) assertRoundTrip(f);
  }
});

test('languageIdForPath', () => {
  assert.equal(languageIdForPath('a/b/Helper.swift'), 'swift');
  assert.equal(languageIdForPath('x.mm'), 'objective-cpp');
  assert.equal(languageIdForPath('Info.plist'), 'plist');
  assert.equal(languageIdForPath('build.sh'), 'shellscript');
  assert.equal(languageIdForPath('README.md'), undefined);
});

test('host offsets inside an escape map to the character it produces', () => {
  const src = 'SecRequirementCreateWithStringAndErrors(CFSTR("a\\x41\\u00e9z"), 0, &errors, &r);';
  const r = only(src, 'c');
  assert.equal(r.api, 'SecRequirementCreateWithStringAndErrors');
  assert.equal(r.text, 'aAéz');
  const x = src.indexOf('\\x41');
  for (let h = x; h < x + 4; h++) assert.equal(r.fromHostOffset(h), 1);
  const u = src.indexOf('\\u00e9');
  for (let h = u; h < u + 6; h++) assert.equal(r.fromHostOffset(h), 2);
  assert.equal(r.fromHostOffset(u + 6), 3);
});

test('second-argument APIs and shell ANSI-C quoting', () => {
  const task = only('SecTaskValidateForRequirement(task, CFSTR("anchor apple"));', 'c');
  assert.equal(task.api, 'SecTaskValidateForRequirement');
  assert.equal(task.text, 'anchor apple');
  const ansi = only("codesign -v -R $'=identifier \\'a\\'\\tand anchor apple' x", 'shellscript');
  assert.equal(ansi.text, "identifier 'a'\tand anchor apple");
  assertRoundTrip(ansi);
});

test('shell: a command continued over several lines', () => {
  const src = "codesign --verify \\\n  -R \\\n  '=anchor apple generic' \\\n  build/Tool\n";
  const r = only(src, 'shellscript');
  assert.equal(r.text, 'anchor apple generic');
  assert.equal(src.slice(r.hostStart, r.hostEnd), 'anchor apple generic');
});

test('escapeText: text inserted at any offset of any literal form reads back exactly', () => {
  const hosts: [string, string, string][] = [
    ['c', 'SecRequirementCreateWithString(CFSTR("identifier \\"a\\" and anchor apple"), 0, &r);', 'c'],
    ['objective-c', '[c setCodeSigningRequirement:@"anchor apple"];', 'c'],
    ['cpp', 'SecRequirementCreateWithString(CFSTR(R"x(anchor "a" apple)x"), 0, &r);', 'c-raw'],
    ['swift', 'c.setCodeSigningRequirement("identifier \\"a\\"")', 'swift'],
    ['swift', 'c.setCodeSigningRequirement("""\n    identifier "a"\n    and anchor apple\n    """)', 'swift-multiline'],
    ['swift', 'c.setCodeSigningRequirement(#"identifier "a""#)', 'swift-raw'],
    ['shellscript', "codesign -v -R '=identifier \"a\"' x", 'shell-single'],
    ['shellscript', 'codesign -v -R "=identifier \\"a\\"" x', 'shell-double'],
    ['shellscript', "codesign -v -R $'=identifier \\'a\\'' x", 'shell-ansi'],
    ['shellscript', 'codesign -v -R=anchor\\ apple x', 'shell-bare'],
    ['plist', '<dict><key>SMAuthorizedClients</key><array><string>info[V] &gt;= &quot;1&quot;</string></array></dict>', 'xml'],
    ['plist', '<dict><key>SMAuthorizedClients</key><array><string><![CDATA[info[V] >= "1"]]></string></array></dict>', 'xml-cdata'],
  ];
  const inserts = fc.array(fc.constantFrom(...'a "\\\'$`&<>]]>\n\t#é;'.split(/(?:)/u)), { maxLength: 12 }).map((a) => a.join(''));
  for (const [lang, src, form] of hosts) {
    const r = only(src, lang);
    assert.equal(r.form, form, src);
    fc.assert(
      fc.property(fc.nat(r.text.length), inserts, (at, insert) => {
        // Multi-line Swift strings cannot hold a line break without re-indenting; raw literals cannot hold their delimiter (escapeText leaves them as they are).
        if (form === 'swift-multiline' && /[\n\r]/.test(insert)) return;
        if ((form === 'swift-raw' || form === 'c-raw') && /["\n)\\#]/.test(insert)) return;
        const h = r.toHostOffset(at);
        const edited = src.slice(0, h) + r.escapeText!(insert) + src.slice(h);
        const again = only(edited, lang);
        assert.equal(again.text, r.text.slice(0, at) + insert + r.text.slice(at), `${form}: ${JSON.stringify(edited)}`);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  }
});

test('unbalanced brackets elsewhere do not hide a call', () => {
  const src = 'void f() { if (x)) { y]; }\n  SecRequirementCreateWithString(CFSTR("anchor apple"), 0, &r);\n}\n';
  assert.equal(only(src, 'c').text, 'anchor apple');
});
