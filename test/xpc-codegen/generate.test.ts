/**
 * The XPC validation code generator (language-service/xpc-codegen), for every
 * flavour and deployment target. Checked structurally here: the requirement
 * literal decodes (with an independent, test-side unescaper following the
 * Swift and C rules) back to exactly the input, and so does the project's own
 * extractor (language-service/embedded); the LWCR dictionary the code builds
 * is read back by a test-side interpreter and equals the translation; the
 * right APIs sit behind the right availability checks; brackets balance.
 * C and Objective-C are also compiled (test/client/xpc-compile.test.ts);
 * Swift is not compiled anywhere on Linux (no Swift toolchain here), only by
 * scripts/xpc-compile-macos.mjs on macOS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cStringLiteral, swiftStringLiteral } from '../../language-service/embedded/escape.js';
import { extractRequirements } from '../../language-service/embedded/extract.js';
import { analyzeHostDocument } from '../../language-service/analysis/analyze.js';
import {
  DEPLOYMENT_TARGETS,
  FLAVOUR_TIERS,
  generateXpcCode,
  TIER_MINIMUM,
  XPC_FLAVOURS,
  xpcCodegenConcerns,
  type DeploymentTarget,
  type Tier,
  type XpcCodegenOptions,
  type XpcFamily,
  type XpcLanguage,
} from '../../language-service/xpc-codegen/index.js';
import type { LwValue } from '../../lwcr/value.js';

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
function unescapeC(src: string, start: number): { value: string; end: number; bytes: number[] } {
  assert.equal(src[start], '"');
  const bytes: number[] = [];
  const push = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  let i = start + 1;
  for (;;) {
    const ch = src[i];
    assert.ok(ch !== undefined, 'unterminated C literal');
    assert.notEqual(ch, '\n', 'raw newline inside a C literal');
    if (ch === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1, bytes };
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
  const swift = language === 'swift';
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
      i = (swift ? unescapeSwift(src, i) : unescapeC(src, i)).end;
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

const TARGETS = DEPLOYMENT_TARGETS.map((t) => t.target);
const FLAVOURS = XPC_FLAVOURS.map((f) => ({ language: f.language, family: f.family }));
const ALL: XpcCodegenOptions[] = FLAVOURS.flatMap((f) => TARGETS.map((target) => ({ ...f, target })));
const label = (o: XpcCodegenOptions) => `${o.language}/${o.family}/macOS ${o.target}`;

/** Translates to an LWCR the Swift builder can say: every mechanism applies. */
const DEVELOPER_ID = 'anchor apple generic and identifier "com.example.client" and certificate 1[field.1.2.840.113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.6.1.13] exists and certificate leaf[subject.OU] = "ABCDE12345"';
/** Has no LWCR translation (LWCRs cannot read Info.plist keys). */
const WITH_INFO = 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" and info[CFBundleVersion] >= "2"';
const SAMPLES = [
  DEVELOPER_ID,
  WITH_INFO,
  'anchor apple and identifier "com.apple.\\"x\\"??/"',
  'entitlement["com.example.\\"e\\"??/"] exists',
  'entitlement["com.example.group"] = "a\\"b\u00e9\u{1F600}??/\u202e"',
  'cdhash H"0123456789abcdef0123456789abcdef01234567" or identifier "a??/" or identifier "b\\""',
  'anchor apple generic /* with \\"quotes\\" */ and certificate 1[field.1.2.840.113635.100.6.2.6] exists\n# a line comment\nand info[CFBundleVersion] >= "12"',
  'identifier "unterminated',
];

/** The declared classic requirement constant(s) of the output, decoded. */
function requirementLiterals(out: string, language: XpcLanguage): string[] {
  const decl = language === 'swift' ? /let clientRequirement = "/g : /kClientRequirement = @?"/g;
  return [...out.matchAll(decl)].map((m) => {
    const at = m.index! + m[0].length - 1;
    return (language === 'swift' ? unescapeSwift(out, at) : unescapeC(out, at)).value;
  });
}

type Plain = string | boolean | { int: string } | { data: string } | Plain[] | { [k: string]: Plain };
function plain(v: LwValue): Plain {
  switch (v.kind) {
    case 'dict':
      return Object.fromEntries(v.entries.map((e) => [e.key, plain(e.value)]));
    case 'array':
      return v.items.map(plain);
    case 'int':
      return { int: v.value.toString() };
    case 'string':
      return v.value;
    case 'bool':
      return v.value;
    case 'data':
      return { data: Buffer.from(v.bytes).toString('hex') };
  }
}

/**
 * Runs the dictionary-building statements of the generated code (C,
 * Objective-C or Swift) and returns what `lwcr` holds; in C also checks that
 * every object is released exactly once.
 */
function interpretLwcr(code: string, language: XpcLanguage): Plain {
  const swift = language === 'swift';
  const values = new Map<string, Plain>();
  const released = new Map<string, number>();
  const lit = (line: string) => (swift ? unescapeSwift(line, line.indexOf('"')) : unescapeC(line, line.indexOf('"'))).value;
  const decl = swift ? /^\s*let (lwcr\d*) = (.*)$/ : /^\s*xpc_object_t (lwcr(?:_\d+)?) = (.*);$/;
  for (const line of code.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = decl.exec(line))) {
      const [, name, expr] = m as unknown as [string, string, string];
      let v: Plain;
      if (expr.startsWith('xpc_dictionary_create(')) v = {};
      else if (expr.startsWith('xpc_array_create(')) v = [];
      else if (expr.startsWith('xpc_string_create(')) v = lit(expr);
      else if (expr.startsWith('xpc_bool_create(')) v = expr.includes('true');
      else if (expr.startsWith('xpc_int64_create(')) {
        const n = /xpc_int64_create\((?:\(int64_t\))?(-?\d+)(?:LL)?\)$/.exec(expr);
        v = { int: expr.includes('Int64.min') || expr.includes('9223372036854775807LL - 1') ? (-(2n ** 63n)).toString() : BigInt(n![1]!).toString() };
      } else if (expr.startsWith('xpc_data_create(')) {
        v = { data: Buffer.from(unescapeC(expr, expr.indexOf('"')).bytes).toString('hex') };
      } else if (expr.startsWith('[UInt8]([')) {
        v = { data: [...expr.matchAll(/0x([0-9a-f]{2})/g)].map((x) => x[1]).join('') };
      } else assert.fail(`unexpected LWCR statement: ${line}`);
      values.set(name, v);
    } else if ((m = /xpc_dictionary_set_value\((lwcr\w*), (".*"), (lwcr\w*)\)/.exec(line))) {
      const dict = values.get(m[1]!) as Record<string, Plain>;
      dict[swift ? unescapeSwift(m[2]!, 0).value : unescapeC(m[2]!, 0).value] = values.get(m[3]!)!;
    } else if ((m = /xpc_array_append_value\((lwcr\w*), (lwcr\w*)\)/.exec(line))) {
      (values.get(m[1]!) as Plain[]).push(values.get(m[2]!)!);
    } else if ((m = /xpc_release\((lwcr\w*)\)/.exec(line))) {
      released.set(m[1]!, (released.get(m[1]!) ?? 0) + 1);
    }
  }
  assert.ok(values.has('lwcr'), 'the code builds `lwcr`');
  if (language === 'c') assert.deepEqual([...values.keys()].filter((k) => released.get(k) !== 1), [], 'C: every XPC object released exactly once');
  else assert.equal(released.size, 0, 'no xpc_release under ARC or in Swift');
  return values.get('lwcr')!;
}

/** The availability check that guards `tier` in the language of the output. */
function guardOf(tier: Tier, language: XpcLanguage, family: XpcFamily): string {
  const v = TIER_MINIMUM[tier];
  const dotted = v.includes('.') ? v : `${v}.0`;
  if (language === 'swift') return `if #available(macOS ${dotted}, *)`;
  return family === 'nsxpc' ? `if (@available(macOS ${dotted}, *))` : `if (__builtin_available(macOS ${dotted}, *))`;
}

const APIS: Record<Tier, Record<'swift' | 'c', string>> = {
  'xpc-listener-requirement': { swift: 'XPCListener(service: machServiceName, requirement: clientPeerRequirement())', c: '' },
  'peer-lwcr': { swift: 'setPeerLwcr(peer)', c: 'csrl_set_peer_lwcr(peer)' },
  'ns-code-signing-requirement': { swift: 'newConnection.setCodeSigningRequirement(clientRequirement)', c: '[newConnection setCodeSigningRequirement:kClientRequirement]' },
  'peer-code-signing-requirement': { swift: 'xpc_connection_set_peer_code_signing_requirement(peer, clientRequirement)', c: 'xpc_connection_set_peer_code_signing_requirement(peer, kClientRequirement)' },
  'message-seccode': { swift: 'codeSatisfiesRequirement(client)', c: 'csrl_code_satisfies_requirement(code)' },
  'audit-token-seccode': { swift: 'SecCodeCheckValidityWithErrors(client, SecCSFlags(rawValue: kSecCSStrictValidate)', c: 'SecCodeCheckValidityWithErrors(code, kSecCSStrictValidate, requirement, &error)' },
};

describe('generateXpcCode: the mechanisms by deployment target', () => {
  const expected: [XpcLanguage, XpcFamily, DeploymentTarget, string, Tier[]][] = [
    ['swift', 'xpc', '26', DEVELOPER_ID, ['xpc-listener-requirement']],
    ['swift', 'xpc', '14.4', DEVELOPER_ID, ['xpc-listener-requirement', 'peer-lwcr']],
    ['swift', 'xpc', '13', DEVELOPER_ID, ['xpc-listener-requirement', 'peer-lwcr', 'peer-code-signing-requirement']],
    ['swift', 'xpc', '12', DEVELOPER_ID, ['xpc-listener-requirement', 'peer-lwcr', 'peer-code-signing-requirement']],
    ['swift', 'xpc', '11', DEVELOPER_ID, ['xpc-listener-requirement', 'peer-lwcr', 'peer-code-signing-requirement', 'message-seccode']],
    ['c', 'xpc', '26', DEVELOPER_ID, ['peer-lwcr']],
    ['c', 'xpc', '14.4', DEVELOPER_ID, ['peer-lwcr']],
    ['objc', 'xpc', '12', DEVELOPER_ID, ['peer-lwcr', 'peer-code-signing-requirement']],
    ['objc', 'xpc', '11', DEVELOPER_ID, ['peer-lwcr', 'peer-code-signing-requirement', 'message-seccode']],
    ['objc', 'nsxpc', '26', DEVELOPER_ID, ['ns-code-signing-requirement']],
    ['swift', 'nsxpc', '13', DEVELOPER_ID, ['ns-code-signing-requirement']],
    ['objc', 'nsxpc', '12', DEVELOPER_ID, ['ns-code-signing-requirement', 'audit-token-seccode']],
    ['swift', 'nsxpc', '11', DEVELOPER_ID, ['ns-code-signing-requirement', 'audit-token-seccode']],
  ];
  for (const [language, family, target, req, tiers] of expected) {
    it(`${language}/${family} for macOS ${target}: ${tiers.join(' > ')}`, () => {
      assert.deepEqual(generateXpcCode(req, { language, family, target }).tiers, tiers);
    });
  }

  it('spec choice: a requirement without an LWCR translation keeps the classic requirement API even on macOS 26 (dropping a clause would weaken it), and says why', () => {
    for (const language of ['swift', 'objc', 'c'] as const) {
      const g = generateXpcCode(WITH_INFO, { language, family: 'xpc', target: '26' });
      assert.deepEqual(g.tiers, ['peer-code-signing-requirement']);
      assert.equal(g.plan.lwcr, undefined);
      assert.match(g.plan.noLwcr!, /Info\.plist/);
      assert.doesNotMatch(g.code, /lightweight_code_requirement|XPCPeerRequirement/);
      assert.deepEqual(generateXpcCode(WITH_INFO, { language, family: 'xpc', target: '11' }).tiers, ['peer-code-signing-requirement', 'message-seccode']);
    }
  });

  it('every tier is newer than the next; the last one has no availability check, every other one has its own', () => {
    for (const o of ALL.filter((x) => !(x.language === 'c' && x.family === 'nsxpc'))) {
      for (const req of [DEVELOPER_ID, WITH_INFO]) {
        const { code, tiers } = generateXpcCode(req, o);
        const last = tiers[tiers.length - 1]!;
        const checked = codeOnly(code, o.language);
        for (const tier of tiers) {
          const guard = guardOf(tier, o.language, o.family);
          if (tier === last) assert.ok(!code.includes(guard), `${label(o)}: ${tier} is the floor and unguarded`);
          else assert.ok(code.includes(guard) || code.includes(`@available(macOS ${TIER_MINIMUM[tier].includes('.') ? TIER_MINIMUM[tier] : TIER_MINIMUM[tier] + '.0'}, *)`), `${label(o)}: ${tier} guarded`);
          const api = APIS[tier][o.language === 'swift' ? 'swift' : 'c'];
          assert.ok(checked.includes(api.replace(/"[^"]*"/g, '""')), `${label(o)}: ${tier} calls ${api}`);
        }
        // Every mechanism the flavour has above the floor and newer than the target is present.
        const offered = FLAVOUR_TIERS[`${o.language}/${o.family}`];
        assert.ok(tiers.every((t) => offered.includes(t)));
      }
    }
  });

  it('C for macOS 26 uses the 14.4 functions (the C API of macOS 26 is not generated), and C has no NSXPCConnection', () => {
    assert.deepEqual(generateXpcCode(DEVELOPER_ID, { language: 'c', family: 'xpc', target: '26' }).tiers, ['peer-lwcr']);
    assert.throws(() => generateXpcCode(DEVELOPER_ID, { language: 'c', family: 'nsxpc', target: '13' }), /NSXPCConnection is an Objective-C and Swift API/);
  });

  it('rejects unknown options, NUL and unpaired surrogates with a message', () => {
    assert.throws(() => generateXpcCode('anchor apple', { language: 'rust' as XpcLanguage, family: 'xpc', target: '11' }), /Unknown language/);
    assert.throws(() => generateXpcCode('anchor apple', { language: 'swift', family: 'mig' as XpcFamily, target: '11' }), /Unknown XPC API family/);
    assert.throws(() => generateXpcCode('anchor apple', { language: 'swift', family: 'xpc', target: '10.15' as DeploymentTarget }), /Unknown deployment target/);
    for (const o of [{ language: 'swift', family: 'nsxpc', target: '11' }, { language: 'c', family: 'xpc', target: '11' }] as const) {
      assert.throws(() => generateXpcCode('anchor apple\0 or always', o), /NUL/);
      assert.throws(() => generateXpcCode('identifier "a\ud800"', o), /surrogate/);
    }
  });
});

describe('generateXpcCode: structure and escaping of every flavour and target', () => {
  for (const o of ALL.filter((x) => !(x.language === 'c' && x.family === 'nsxpc'))) {
    const swiftNote = o.language === 'swift' ? ' (Swift: structure only, no Swift compiler here)' : '';
    it(`${label(o)}: the requirement round-trips (own decoder and the project's extractor), the hardening check is called, brackets balance${swiftNote}`, () => {
      for (const req of SAMPLES) {
        const g = generateXpcCode(req, o);
        const { code } = g;
        const literals = requirementLiterals(code, o.language);
        const usesClassic = g.tiers.some((t) => t !== 'peer-lwcr' && t !== 'xpc-listener-requirement');
        assert.deepEqual(literals, usesClassic ? [req] : [], 'one declaration holding exactly the requirement, where a classic API uses it');
        if (usesClassic) {
          // The project's own reader of requirements embedded in source finds the same text.
          const found = extractRequirements(code, g.languageId);
          assert.ok(found.length >= 1, `${label(o)}: the extractor finds the requirement`);
          for (const f of found) assert.equal(f.text, req, `${label(o)}: ${f.api} reads back the requirement`);
        }
        const only = codeOnly(code, o.language);
        assertBalanced(only);
        if (g.tiers.includes('xpc-listener-requirement')) {
          assert.match(code, /ProcessCodeSigningFlags\.isSuperset\(of: \[\.isHardenedRuntimeEnforced\]\)/, 'macOS 26: the hardened runtime is part of the peer requirement');
        }
        if (g.tiers.some((t) => t !== 'xpc-listener-requirement')) {
          const check = o.language === 'swift' ? 'clientIsHardened(' : 'csrl_client_is_hardened(';
          assert.ok(only.split(check).length - 1 >= 2, 'hardening check defined and called');
          assert.match(code, /kSecCSDynamicInformation/);
          assert.match(code, /com\.apple\.security\.cs\.disable-library-validation/);
        }
        assert.doesNotMatch(only, /processIdentifier|kSecGuestAttributePid|csops\(|xpc_connection_get_pid/, 'never identify a client by PID');
        if (req.includes('"')) assert.ok(!code.includes(req), 'the raw text with quotes never appears unescaped');
        if (g.tiers.includes('peer-lwcr') && !g.plan.shortcut) assert.deepEqual(interpretLwcr(code, o.language), plain(g.plan.lwcr!), 'the LWCR the code builds is the translation');
      }
    });
  }

  it("the generated code passes the project's own XPC lint (CSR112 knows every API it uses, the 14.4 shorthands included)", () => {
    for (const o of ALL.filter((x) => !(x.language === 'c' && x.family === 'nsxpc'))) {
      for (const req of SAMPLES) {
        const g = generateXpcCode(req, o);
        const found = analyzeHostDocument(g.code, g.languageId).diagnostics.filter((d) => d.code === 'CSR112');
        assert.deepEqual(found.map((d) => d.message), [], `${label(o)}: ${req}`);
      }
    }
  });

  it('the single-purpose 14.4 functions stand in for the LWCR where they say the same (platform identity, entitlement exists / matches value)', () => {
    const cases: [string, RegExp, RegExp][] = [
      ['anchor apple and identifier "com.apple.x"', /xpc_connection_set_peer_platform_identity_requirement\(peer, "com\.apple\.x"\)/, /xpc_connection_set_peer_platform_identity_requirement\(peer, "com\.apple\.x"\)/],
      ['entitlement["com.example.e"] exists', /xpc_connection_set_peer_entitlement_exists_requirement\(peer, "com\.example\.e"\)/, /xpc_connection_set_peer_entitlement_exists_requirement\(peer, "com\.example\.e"\)/],
      ['entitlement["com.example.g"] = "v"', /xpc_string_create\("v"\);\n\s+int result = xpc_connection_set_peer_entitlement_matches_value_requirement\(peer, "com\.example\.g", value\)/, /xpc_connection_set_peer_entitlement_matches_value_requirement\(peer, "com\.example\.g", xpc_string_create\("v"\)\)/],
    ];
    for (const [req, c, swift] of cases) {
      assert.match(generateXpcCode(req, { language: 'c', family: 'xpc', target: '14.4' }).code, c);
      assert.match(generateXpcCode(req, { language: 'swift', family: 'xpc', target: '14.4' }).code, swift);
      assert.doesNotMatch(generateXpcCode(req, { language: 'c', family: 'xpc', target: '14.4' }).code, /xpc_connection_set_peer_lightweight_code_requirement/);
    }
    // A team requirement names its team in the LWCR and mentions the same-team function for services of that team.
    const team = generateXpcCode(DEVELOPER_ID, { language: 'c', family: 'xpc', target: '14.4' }).code;
    assert.match(team, /xpc_connection_set_peer_lightweight_code_requirement\(peer, lwcr\)/);
    assert.match(team, /\/\/ xpc_connection_set_peer_team_identity_requirement\(peer, <signing identifier or NULL>\)/);
  });

  it('macOS 26 (Swift): XPCListener(service:requirement:) with the requirement as LightweightCodeRequirements constraints plus the hardened runtime (Swift: structure only, no Swift compiler here)', () => {
    const { code } = generateXpcCode(DEVELOPER_ID, { language: 'swift', family: 'xpc', target: '12' });
    assert.match(code, /^import LightweightCodeRequirements$/m);
    assert.match(code, /@available\(macOS 26\.0, \*\)\nfunc clientPeerRequirement\(\) throws -> XPCPeerRequirement \{/);
    assert.match(code, /let requirement = try ProcessCodeRequirement\.allOf \{\n {8}ValidationCategory\(\.developerID\)\n {8}TeamIdentifier\("ABCDE12345"\)\n {8}SigningIdentifier\("com\.example\.client"\)\n {8}ProcessCodeSigningFlags\.isSuperset\(of: \[\.isHardenedRuntimeEnforced\]\)\n {4}\}\n {4}return \.codeRequirement\(requirement\)/);
    assert.match(code, /if #available\(macOS 26\.0, \*\) \{\n\s+\/\/ The system checks every incoming session[^]*?return try XPCListener\(service: machServiceName, requirement: clientPeerRequirement\(\)\)[^]*?\}\n {4}return startLibxpcListener\(machServiceName: machServiceName\)/);
    const only26 = generateXpcCode(DEVELOPER_ID, { language: 'swift', family: 'xpc', target: '26' }).code;
    assert.doesNotMatch(codeOnly(only26, 'swift'), /@available|#available|xpc_connection_create_mach_service/, 'macOS 26 only: no fallback');
    // Categories as a set: the free anyOf inside allOf.
    const anyCategory = generateXpcCode('anchor apple generic and identifier "a" and certificate leaf[subject.OU] = "ABCDE12345"', { language: 'swift', family: 'xpc', target: '26' }).code;
    assert.match(anyCategory, /anyOf \{\n {12}ValidationCategory\(\.testflight\)\n[^]*?ValidationCategory\(\.developerID\)\n {8}\}/);
  });

  it('comments never carry requirement text that could end them or continue them onto code', () => {
    const hostile = 'anchor apple generic and identifier "x" and certificate leaf[subject.OU] = "T??/\u2028*/"';
    for (const o of ALL.filter((x) => !(x.language === 'c' && x.family === 'nsxpc'))) {
      const { code } = generateXpcCode(hostile, o);
      for (const line of code.split('\n')) {
        const at = line.indexOf('//');
        if (at < 0 || line.slice(0, at).includes('"')) continue;
        const comment = line.slice(at);
        assert.doesNotMatch(comment, /\\$|\?\?\/|[\u2028\u2029]/, `${label(o)}: ${JSON.stringify(line)}`);
      }
    }
  });

  it('special characters round-trip inside the full generated code of every flavour', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z "\\\n\t?#/*()\[\]{}]{0,40}$/), fc.constantFrom(...ALL.filter((x) => !(x.language === 'c' && x.family === 'nsxpc'))), (s, o) => {
        const g = generateXpcCode(s, o);
        const classic = g.tiers.some((t) => t !== 'peer-lwcr' && t !== 'xpc-listener-requirement');
        assert.deepEqual(requirementLiterals(g.code, o.language), classic ? [s] : []);
        assertBalanced(codeOnly(g.code, o.language));
      }),
      { numRuns: 300 },
    );
  });
});

describe('string literal writers (language-service/embedded/escape.ts)', () => {
  it('escape backslashes, quotes and newlines (Swift)', () => {
    assert.equal(swiftStringLiteral('a\\b"c\nd'), '"a\\\\b\\"c\\nd"');
    assert.equal(swiftStringLiteral('\\(x)'), '"\\\\(x)"', 'no interpolation');
    assert.equal(swiftStringLiteral('x\u202Ey'), '"x\\u{202E}y"', 'bidi control made visible');
  });

  it('escape backslashes, quotes, newlines and trigraphs (C / Objective-C)', () => {
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
          const back = unescapeC(c, 0);
          assert.deepEqual({ value: back.value, end: back.end }, { value: s, end: c.length });
          assert.ok(!sw.includes('\n') && !c.includes('\n'));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('xpcCodegenConcerns: what the editor asks about before generating', () => {
  it('errors and security findings of the language service, nothing for a sound requirement', () => {
    const broken = xpcCodegenConcerns('identifier "unterminated');
    assert.ok(broken.errors.length >= 1);
    assert.ok(broken.errors.every((d) => d.severity === 'error'));
    const weak = xpcCodegenConcerns('identifier "com.example.client"');
    assert.equal(weak.errors.length, 0);
    assert.ok(weak.security.some((d) => d.code.startsWith('CSR1')), JSON.stringify(weak.security));
    const sound = xpcCodegenConcerns(DEVELOPER_ID + ' and !entitlement["com.apple.security.get-task-allow"] and !entitlement["com.apple.security.cs.disable-library-validation"] and !entitlement["com.apple.security.cs.allow-dyld-environment-variables"] and info[CFBundleVersion] >= "1"');
    assert.deepEqual([...sound.errors, ...sound.security].map((d) => `${d.code}: ${d.message}`), []);
  });
});
