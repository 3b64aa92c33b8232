/**
 * The XPC validation code generator. No Swift or Clang compiler is available
 * here, so the output is checked structurally: the requirement literal decodes
 * (with an independent, test-side unescaper following the Swift and C rules)
 * back to exactly the input, the right APIs are called with it, and brackets
 * balance outside strings and comments. Whether the code compiles on macOS is
 * not tested here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cStringLiteral, generateXpcValidationCode, swiftStringLiteral, XPC_APIS, xpcDocumentLanguage, type XpcApi, type XpcLanguage } from '../../client/xpc-codegen.js';

const LANGUAGES: XpcLanguage[] = ['swift', 'objc'];
const APIS: XpcApi[] = ['setCodeSigningRequirement', 'xpc_connection_set_peer_code_signing_requirement', 'audit-token'];

/** Reads the string literal starting at `start` (the opening quote). Swift rules. */
function unescapeSwift(src: string, start: number): { value: string; end: number } {
  assert.equal(src[start], '"');
  let value = '';
  let i = start + 1;
  for (;;) {
    const ch = src[i];
    assert.ok(ch !== undefined, 'unterminated Swift literal');
    assert.notEqual(ch, '\n', 'raw newline inside a Swift literal');
    if (ch === '"') return { value, end: i + 1 };
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const e = src[i + 1];
    const simple: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', '0': '\0' };
    if (e !== undefined && e in simple) {
      value += simple[e];
      i += 2;
    } else if (e === 'u') {
      const m = /^\{([0-9a-fA-F]{1,8})\}/.exec(src.slice(i + 2));
      assert.ok(m, `bad \\u escape at ${i}`);
      value += String.fromCodePoint(parseInt(m[1]!, 16));
      i += 2 + m[0].length;
    } else {
      assert.fail(`invalid Swift escape \\${e} at ${i}`);
    }
  }
}

/** Reads a C/Objective-C string literal starting at its opening quote, as UTF-8 bytes decoded. C rules (octal ≤ 3 digits, \x greedy). */
function unescapeC(src: string, start: number): { value: string; end: number } {
  assert.equal(src[start], '"');
  const bytes: number[] = [];
  const push = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  let i = start + 1;
  for (;;) {
    const ch = src[i];
    assert.ok(ch !== undefined, 'unterminated C literal');
    assert.notEqual(ch, '\n', 'raw newline inside a C literal');
    if (ch === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    // Trigraphs are replaced before anything else in a C compiler that honours them.
    assert.ok(!(ch === '?' && src[i + 1] === '?'), `possible trigraph at ${i}`);
    if (ch !== '\\') {
      const cp = src.codePointAt(i)!;
      push(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = src[i + 1]!;
    const simple: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", '?': '?', n: '\n', r: '\r', t: '\t', a: '\u0007', b: '\b', f: '\f', v: '\v' };
    let m: RegExpExecArray | null;
    if (e in simple) {
      push(simple[e]!);
      i += 2;
    } else if ((m = /^[0-7]{1,3}/.exec(src.slice(i + 1)))) {
      bytes.push(parseInt(m[0], 8));
      i += 1 + m[0].length;
    } else if ((m = /^x([0-9a-fA-F]+)/.exec(src.slice(i + 1)))) {
      const v = parseInt(m[1]!, 16);
      assert.ok(v < 256, '\\x escape out of range (hex digits after it were swallowed)');
      bytes.push(v);
      i += 1 + m[0].length;
    } else if ((m = /^(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(src.slice(i + 1)))) {
      push(String.fromCodePoint(parseInt(m[1] ?? m[2]!, 16)));
      i += 1 + m[0].length;
    } else {
      assert.fail(`invalid C escape \\${e} at ${i}`);
    }
  }
}

/** The code with string/character literals and comments blanked, for bracket and API checks. */
function codeOnly(src: string, language: XpcLanguage): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      assert.ok(end >= 0, 'unterminated block comment');
      i = end + 2;
    } else if (src[i] === '"') {
      i = (language === 'swift' ? unescapeSwift(src, i) : unescapeC(src, i)).end;
      out += '""';
    } else {
      out += src[i];
      i++;
    }
  }
  return out;
}

function assertBalanced(code: string): void {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const [i, ch] of [...code].entries()) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs) assert.equal(stack.pop(), pairs[ch], `unbalanced ${ch} at ${i}`);
  }
  assert.deepEqual(stack, [], 'unclosed brackets');
}

/** The requirement literal(s) of the output: the value the declared constant holds. */
function requirementLiterals(out: string, language: XpcLanguage): string[] {
  const decl = language === 'swift' ? /let clientRequirement = "/g : /kClientRequirement = @?"/g;
  const found: string[] = [];
  for (const m of out.matchAll(decl)) {
    const at = m.index! + m[0].length - 1;
    found.push((language === 'swift' ? unescapeSwift(out, at) : unescapeC(out, at)).value);
  }
  return found;
}

const EXPECTED: Record<XpcApi, Record<XpcLanguage, (string | RegExp)[]>> = {
  setCodeSigningRequirement: {
    swift: ['func listener(_ listener: NSXPCListener, shouldAcceptNewConnection newConnection: NSXPCConnection) -> Bool', 'newConnection.setCodeSigningRequirement(clientRequirement)', 'value(forKey: "auditToken")', 'kSecGuestAttributeAudit'],
    objc: ['- (BOOL)listener:(NSXPCListener *)listener shouldAcceptNewConnection:(NSXPCConnection *)newConnection', '[newConnection setCodeSigningRequirement:kClientRequirement]', '@available(macOS 13.0, *)', 'audit_token_t auditToken;', 'kSecGuestAttributeAudit'],
  },
  xpc_connection_set_peer_code_signing_requirement: {
    swift: ['xpc_connection_set_peer_code_signing_requirement(peer, clientRequirement)', 'SecCodeCreateWithXPCMessage(message', 'xpc_connection_create_mach_service', '@available(macOS 12.0, *)'],
    objc: ['xpc_connection_set_peer_code_signing_requirement(peer, kClientRequirement)', 'SecCodeCreateWithXPCMessage(message', 'static const char *const kClientRequirement = "', 'API_AVAILABLE(macos(12.0))'],
  },
  'audit-token': {
    swift: ['SecCodeCopyGuestWithAttributes(nil', 'kSecGuestAttributeAudit', 'SecRequirementCreateWithString(clientRequirement as CFString', 'SecCodeCheckValidityWithErrors(client, SecCSFlags(rawValue: kSecCSStrictValidate)', 'value(forKey: "auditToken")'],
    objc: ['SecCodeCopyGuestWithAttributes(NULL', 'kSecGuestAttributeAudit', 'SecRequirementCreateWithString((__bridge CFStringRef)kClientRequirement', 'SecCodeCheckValidityWithErrors(code, kSecCSStrictValidate, requirement, &error)', 'newConnection.auditToken'],
  },
};

const HARDENING: Record<XpcLanguage, string[]> = {
  swift: ['SecCodeCopySigningInformation(', 'kSecCSDynamicInformation', 'kSecCodeInfoStatus', 'CS_RUNTIME', 'com.apple.security.cs.disable-library-validation', 'clientIsHardened('],
  objc: ['SecCodeCopySigningInformation(', 'kSecCSDynamicInformation', 'kSecCodeInfoStatus', 'CSRL_CS_RUNTIME', 'com.apple.security.cs.disable-library-validation', 'csrl_client_is_hardened('],
};

const SAMPLES = [
  'anchor apple generic and certificate leaf[subject.OU] = "34XR7GXFPX"',
  'identifier "com.example.helper" and anchor apple generic and ! entitlement["com.apple.security.get-task-allow"]',
  'anchor apple generic /* with \\"quotes\\" */ and certificate 1[field.1.2.840.113635.100.6.2.6] exists\n# a line comment\nand info[CFBundleVersion] >= "12"',
];

describe('generateXpcValidationCode', () => {
  for (const language of LANGUAGES) {
    for (const api of APIS) {
      it(`${language} × ${api}: the requirement round-trips, the APIs are called, brackets balance`, () => {
        for (const req of SAMPLES) {
          const out = generateXpcValidationCode(req, { language, api });
          assert.deepEqual(requirementLiterals(out, language), [req], 'one declaration holding exactly the requirement');
          const code = codeOnly(out, language);
          assertBalanced(code);
          for (const want of [...EXPECTED[api][language], ...HARDENING[language]]) {
            if (typeof want === 'string') assert.ok(out.includes(want), `${language}/${api} contains ${want}`);
            else assert.match(out, want);
          }
          // The constant is used, not a second copy of the text.
          const name = language === 'swift' ? 'clientRequirement' : 'kClientRequirement';
          assert.ok(code.split(name).length - 1 >= 2, 'constant declared and used');
          // The hardening check is called, not just defined.
          const check = language === 'swift' ? 'clientIsHardened(' : 'csrl_client_is_hardened(';
          assert.ok(code.split(check).length - 1 >= 2, 'hardening check defined and called');
          // No PID-based identification in code (comments may warn about it).
          assert.doesNotMatch(code, /processIdentifier|kSecGuestAttributePid|csops\(/);
          // The reasons are in comments.
          assert.match(out, /library validation/);
          assert.match(out, /loads foreign code/);
          if (req.includes('"')) assert.ok(!out.includes(req), 'the raw text with quotes never appears unescaped');
        }
      });
    }
  }

  it('audit-token variants say that NSXPCConnection.auditToken is private and show xpc_connection_get_audit_token', () => {
    for (const language of LANGUAGES) {
      const out = generateXpcValidationCode('anchor apple', { language, api: 'audit-token' });
      assert.match(out, /auditToken is private API/);
      assert.match(out, /void xpc_connection_get_audit_token\(xpc_connection_t, audit_token_t \*\);/);
    }
    assert.match(generateXpcValidationCode('anchor apple', { language: 'swift', api: 'audit-token' }), /key-value\s*\/\/ coding/);
  });

  it('output differs per API and language', () => {
    const outs = new Set(LANGUAGES.flatMap((language) => APIS.map((api) => generateXpcValidationCode('anchor apple', { language, api }))));
    assert.equal(outs.size, 6);
  });

  it('rejects unknown options, NUL and unpaired surrogates with a message', () => {
    assert.throws(() => generateXpcValidationCode('anchor apple', { language: 'rust' as XpcLanguage, api: 'audit-token' }), /Unknown language/);
    assert.throws(() => generateXpcValidationCode('anchor apple', { language: 'swift', api: 'pid' as XpcApi }), /Unknown API/);
    for (const language of LANGUAGES) {
      assert.throws(() => generateXpcValidationCode('anchor apple\0 or always', { language, api: 'audit-token' }), /NUL/);
      assert.throws(() => generateXpcValidationCode('identifier "a\ud800"', { language, api: 'audit-token' }), /surrogate/);
    }
  });

  it('every API has a quick-pick entry and the document languages are VS Code ids', () => {
    assert.deepEqual(XPC_APIS.map((a) => a.api).sort(), [...APIS].sort());
    assert.equal(xpcDocumentLanguage('swift'), 'swift');
    assert.equal(xpcDocumentLanguage('objc'), 'objective-c');
  });
});

describe('string literal escaping', () => {
  it('escapes backslashes, quotes and newlines (Swift)', () => {
    assert.equal(swiftStringLiteral('a\\b"c\nd'), '"a\\\\b\\"c\\nd"');
    assert.equal(swiftStringLiteral('\\(x)'), '"\\\\(x)"', 'no interpolation');
    assert.equal(swiftStringLiteral('x\u202Ey'), '"x\\u{202E}y"', 'bidi control made visible');
  });

  it('escapes backslashes, quotes, newlines and trigraphs (C / Objective-C)', () => {
    assert.equal(cStringLiteral('a\\b"c\nd'), '"a\\\\b\\"c\\nd"');
    assert.equal(cStringLiteral('a"b', '@'), '@"a\\"b"');
    assert.equal(cStringLiteral('what??/'), '"what?\\?/"');
    assert.equal(cStringLiteral('\u00017'), '"\\0017"', 'octal escape of 3 digits so the 7 stays a character');
    assert.equal(cStringLiteral('x\u202Ey'), '"x\\u202Ey"');
  });

  it('any text without NUL round-trips through both literal forms', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !s.includes('\0') && !/\p{Cs}/u.test(s)),
        (s) => {
          const sw = swiftStringLiteral(s);
          assert.deepEqual(unescapeSwift(sw, 0), { value: s, end: sw.length });
          const c = cStringLiteral(s);
          assert.deepEqual(unescapeC(c, 0), { value: s, end: c.length });
          assert.ok(!sw.includes('\n') && !c.includes('\n'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('special characters round-trip inside the full generated code', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z "\\\n\t?#/*()\[\]{}]{0,40}$/), fc.constantFrom(...LANGUAGES), fc.constantFrom(...APIS), (s, language, api) => {
        const out = generateXpcValidationCode(s, { language, api });
        assert.deepEqual(requirementLiterals(out, language), [s]);
        assertBalanced(codeOnly(out, language));
      }),
      { numRuns: 300 },
    );
  });
});
