/**
 * Every accept/reject example of requirement-language.md §1.6, §2.1–§2.4,
 * §2.6, §8.2, and the source texts of §6.2, §6.3 and §7. "accept" means
 * `ok` (Apple's parser accepts it); "reject" names the diagnostic code and its
 * exact range.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, Requirement } from '../../grammar/ast.js';
import { toHex } from '../../grammar/bytes.js';
import { parse, type ParseMode } from '../../grammar/parser.js';

const rng = (d: { range: { start: { line: number; column: number }; end: { line: number; column: number } } }) =>
  `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`;

function accept(text: string, mode: ParseMode = 'auto', warnings: string[] = []): void {
  const r = parse(text, { mode });
  assert.equal(r.ok, true, `${text}: ${JSON.stringify(r.diagnostics.map((d) => `${d.code} ${d.message}`))}`);
  assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${rng(d)}`), warnings, text);
}

function reject(text: string, code: string, range: string, mode: ParseMode = 'auto'): void {
  const r = parse(text, { mode });
  assert.equal(r.ok, false, text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => `${d.code} ${rng(d)}`)[0], `${code} ${range}`, `${text}: ${JSON.stringify(errors.map((d) => `${d.code} ${rng(d)} ${d.message}`))}`);
}

const first = (text: string, mode: ParseMode = 'auto'): Expr => (parse(text, { mode }).document as Requirement).expr!;

test('§1.6 bare words: digit-first team IDs, versions, `com.1password`, integers as values, `-` `_` `$` `:` and non-ASCII', () => {
  reject('certificate leaf[subject.OU] = 59GAB85EFG', 'CSR012', '1:32-1:42');
  const d = parse('certificate leaf[subject.OU] = 59GAB85EFG').diagnostics[0]!;
  assert.equal(d.message, 'team IDs that start with a digit must be quoted: "59GAB85EFG"');
  assert.equal(d.fixes![0]!.newText, '"59GAB85EFG"');
  accept('certificate leaf[subject.OU] = "59GAB85EFG"');
  accept('certificate leaf[subject.OU] = GA59B85EFG');
  reject('info[CFBundleVersion] >= 17.4.2', 'CSR013', '1:26-1:32');
  assert.equal(parse('info[CFBundleVersion] >= 17.4.2').diagnostics[0]!.message, 'version numbers must be quoted: "17.4.2"');
  accept('info[CFBundleVersion] >= "17.4.2"');
  reject('identifier com.1password', 'CSR022', '1:12-1:25');
  reject('info[X] = 1', 'CSR016', '1:11-1:12');
  reject('identifier com.foo-bar', 'CSR022', '1:12-1:23');
  reject('identifier com_foo', 'CSR022', '1:12-1:19');
  reject('identifier com foo', 'CSR010', '1:16-1:19');
  reject('identifier a$b', 'CSR022', '1:12-1:15');
  reject('identifier a:b', 'CSR022', '1:12-1:15');
  reject('identifier caf\u00e9', 'CSR022', '1:12-1:16');
  // Sparkle 2.7.2's generated requirement (users-and-lint-rules.md).
  reject('(anchor apple generic and certificate leaf[subject.OU] = 34XR7GXFPX)', 'CSR012', '1:58-1:68');
});

test('§1.5 keywords are case-sensitive and reserved; a dotted word containing one is fine', () => {
  reject('Anchor apple', 'CSR015', '1:1-1:7');
  assert.equal(parse('Anchor apple').diagnostics[0]!.message, 'keywords are case-sensitive: write `anchor`');
  reject('identifier legacy', 'CSR014', '1:12-1:18');
  assert.equal(parse('identifier exists').diagnostics[0]!.message, '`exists` is a reserved keyword; quote it: "exists"');
  reject('info[exists]', 'CSR014', '1:6-1:12');
  accept('info["exists"]');
  accept('identifier "legacy"');
  accept('identifier anchor.foo');
  accept('identifier timestamp.1.2.3');
  reject('info[x] = true', 'CSR014', '1:11-1:15');
});

test('§1.7 wildcards: `= *v`, `= v*`, `= *v*` only after `=`; quoted asterisks are literal (CSR067)', () => {
  const ops = ['= *v', '= v*', '= *v*', '== *v*', '~ v', '= v'].map((m) => {
    const e = first(`info[K] ${m}`);
    return e.kind === 'info' ? `${e.match.op}${'spelling' in e.match && e.match.spelling ? '/' + e.match.spelling : ''}` : e.kind;
  });
  assert.deepEqual(ops, ['endsWith', 'beginsWith', 'contains/wildcards', 'contains/wildcards', 'contains/tilde', 'equal']);
  reject('info[K] < *v', 'CSR010', '1:9-1:10');
  reject('info[K] ~ *v', 'CSR010', '1:11-1:12');
  reject('identifier *foo', 'CSR010', '1:12-1:13');
  accept('info[K] = "*foo*"', 'auto', ['CSR067 1:11-1:18']);
  const e = first('info[K] = "*foo*"');
  assert.ok(e.kind === 'info' && e.match.op === 'equal' && e.match.value.text === '*foo*');
  assert.equal(parse('info[K] = "*foo*"').diagnostics[0]!.fixes![0]!.newText, '*"foo"*');
  accept('info[K] = *"foo"*');
});

test('§2.1 entry points: a set where a single requirement is expected (CSR018) and vice versa (CSR019)', () => {
  reject('designated => anchor apple', 'CSR018', '1:1-1:14', 'single');
  accept('designated => anchor apple', 'set');
  accept('designated => anchor apple', 'auto');
  reject('anchor apple', 'CSR019', '1:1-1:7', 'set');
  accept('anchor apple', 'single');
  for (const t of ['guest', 'host', 'designated', 'library', 'plugin', '5']) assert.equal(parse(`${t} => always`).mode, 'set', t);
  for (const t of ['(always)', '! never', 'always', 'true', 'never', 'false', 'identifier x', 'cdhash H"0000000000000000000000000000000000000000"', 'platform 1', 'notarized', 'legacy', 'anchor trusted', 'certificate trusted', 'cert trusted', 'info[x]', 'entitlement[x]']) {
    const r = parse(t);
    assert.equal(r.mode, 'single', t);
    assert.equal(r.ok, true, t);
  }
  reject('=> anchor apple', 'CSR010', '1:1-1:3');
  reject('$self.identifier', 'CSR069', '1:1-1:17');
  reject('identifier $self.identifier', 'CSR069', '1:12-1:28');
  reject('designated => identifier $self.identifier', 'CSR069', '1:26-1:42', 'set');
});

test('§2.2 sets: no separator needed, `;` fluff, INTEGER types (atol → int32 → uint32), duplicates warned', () => {
  accept('host => anchor apple designated => identifier foo');
  accept('designated => anchor apple;;; host => never;');
  const r = parse('0 => always 4294967295 => never 4294967296 => never');
  assert.equal(r.ok, true);
  assert.deepEqual(r.document!.kind === 'set' && r.document!.entries.map((e) => e.type), [0, 4294967295, 0]);
  assert.deepEqual(r.diagnostics.map((d) => d.code).sort(), ['CSR066', 'CSR068']);
  accept('designated => always designated => never', 'auto', ['CSR066 1:1-1:11']);
  reject('designated => ', 'CSR011', '1:14-1:14');
  reject('designated anchor apple', 'CSR010', '1:12-1:18');
});

test('§2.3 precedence `!` > `and` > `or`, left-nested; `(name)` is named code; `guest`/`host` are no primaries; choice: a parenthesised node\'s range includes its parentheses', () => {
  const s = (t: string) => JSON.stringify(first(t), (k, v) => (k === 'range' ? undefined : v));
  assert.match(s('! always and never'), /^\{"kind":"and","left":\{"kind":"not"/);
  assert.match(s('always or never and always'), /^\{"kind":"or","left":\{"kind":"const","value":true\},"right":\{"kind":"and"/);
  assert.match(s('always or never or notarized'), /^\{"kind":"or","left":\{"kind":"or"/);
  accept('!!always');
  accept('! ! (always)');
  const named = first('(foo)');
  assert.ok(named.kind === 'namedCode' && named.name.text === 'foo');
  const namedQ = first('("com.x y")');
  assert.ok(namedQ.kind === 'namedCode' && namedQ.name.text === 'com.x y');
  const paren = first('(always)');
  assert.equal(paren.kind, 'const');
  assert.equal(paren.range.start.column, 1);
  reject('guest', 'CSR010', '1:1-1:6', 'single');
  reject('anchor apple and host', 'CSR010', '1:18-1:22');
});

test('§2.4 certificate forms', () => {
  const k = (t: string) => {
    const e = first(t);
    return 'slot' in e ? `${e.kind}:${e.slot.index}:${e.slot.spelling}` : e.kind;
  };
  assert.equal(k('anchor apple'), 'anchorApple');
  assert.equal(k('anchor apple generic'), 'anchorAppleGeneric');
  assert.equal(k('anchor generic apple'), 'anchorAppleGeneric');
  const named = first('anchor apple foo.bar');
  assert.ok(named.kind === 'namedAnchor' && named.name.text === 'foo.bar');
  assert.equal(k('anchor trusted'), 'trustedCerts');
  assert.equal(k('certificate trusted'), 'trustedCerts');
  assert.equal(k('cert trusted'), 'trustedCerts');
  assert.equal(k('certificate root trusted'), 'trustedCert:-1:root');
  assert.equal(k('certificate leaf trusted'), 'trustedCert:0:leaf');
  assert.equal(k('certificate -2 trusted'), 'trustedCert:-2:number');
  assert.equal(k('cert 1trusted'), 'trustedCert:1:number');
  assert.equal(k('certificate 2 = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"'), 'certHash:2:number');
  assert.equal(k('anchor = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"'), 'certHash:-1:anchor');
  assert.equal(k('anchor H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"'), 'certHash:-1:anchor');
  const h = first('anchor == H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"');
  assert.ok(h.kind === 'certHash' && h.hash && toHex(h.hash) === '0123456789abcdeffedcba98765432100a2bc5da');
  assert.equal(k('anchor[subject.CN] = foo'), 'certField:-1:anchor');
  const path = first('certificate root /tmp/root');
  assert.ok(path.kind === 'certHash' && path.hash === undefined && path.path?.form === 'path' && path.path.text === '/tmp/root');
  accept('anchor "/tmp/root.cer"');
  reject('anchor /tmp/root.cer', 'CSR022', '1:8-1:21');
  reject('anchor /root', 'CSR022', '1:8-1:13');
  reject('certificate anchor trusted', 'CSR023', '1:1-1:19');
  reject('certificate anchor[subject.CN] = x', 'CSR023', '1:1-1:19');
  reject('certificate root apple', 'CSR023', '1:1-1:23');
  reject('certificate root apple generic', 'CSR023', '1:1-1:23');
  assert.equal(parse('certificate root apple').diagnostics[0]!.fixes![0]!.newText, 'anchor apple');
  // A misspelled word after `anchor` is a certificate file path (accepted, warned).
  accept('anchor applle', 'auto', ['CSR063 1:8-1:14']);
  const w = parse('anchor applle').diagnostics[0]!;
  assert.equal(w.message, '`applle` is read as a certificate file path; did you mean `anchor apple`?');
  assert.equal(w.fixes![0]!.newText, 'apple');
  accept('certificate leaf trustd', 'auto', ['CSR063 1:18-1:24']);
  accept('anchor somecert', 'auto', ['CSR063 1:8-1:16']);
});

test('§2.6 match suffix and timestamps', () => {
  const m = (t: string) => {
    const e = first(t);
    return e.kind === 'info' || e.kind === 'certDate' ? e.match : undefined;
  };
  assert.deepEqual(m('info[k]'), { op: 'exists', implicit: true, range: m('info[k]')!.range });
  assert.equal(m('info[k]')!.range.start.column, 8);
  assert.equal(m('info[k] exists')!.op, 'exists');
  assert.equal(m('info[k] absent')!.op, 'absent');
  const ops = ['<', '>', '<=', '>='].map((o) => m(`info[k] ${o} v`)!.op);
  assert.deepEqual(ops, ['lessThan', 'greaterThan', 'lessEqual', 'greaterEqual']);
  const dates = ['=', '==', '<', '>', '<=', '>='].map((o) => m(`certificate leaf[timestamp.1.2.840.113635.100.6.1.33] ${o} timestamp "20190408000000Z"`)!);
  assert.deepEqual(dates.map((d) => d.op), ['on', 'on', 'before', 'after', 'onOrBefore', 'onOrAfter']);
  assert.ok(dates[0]!.op === 'on' && dates[0]!.seconds === 576374400n && dates[0]!.text === '20190408000000Z');
  const hex = m('info[k] = 0x41ff');
  assert.ok(hex && hex.op === 'equal' && hex.value.form === 'hex' && toHex(hex.value.bytes) === '41ff');
  reject('info[k] ~ timestamp "20190408000000Z"', 'CSR010', '1:11-1:20');
  reject('info[k] foo', 'CSR010', '1:9-1:12');
  accept('info[k] < timestamp "2019"', 'auto', ['CSR062 1:21-1:27']);
  assert.match(parse('info[k] < timestamp "20190231000000Z"').diagnostics[0]!.message, /day 31 out of range for month 2.*2001-01-01/);
  reject('info[k] = timestamp 20190408000000', 'CSR010', '1:21-1:35');
});

test('§2.7 semantic checks: hash length (CSR050), odd hex digits (CSR051), certificate field prefix (CSR052)', () => {
  reject('cdhash H"0123"', 'CSR050', '1:8-1:15');
  reject('certificate leaf = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA00"', 'CSR050', '1:20-1:65');
  accept('cdhash H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"');
  reject('info[k] = 0xabc', 'CSR051', '1:11-1:16');
  reject('certificate leaf[subjet.CN] = x', 'CSR052', '1:18-1:27');
  assert.equal(parse('certificate leaf[subjet.CN] = x').diagnostics[0]!.fixes![0]!.newText, 'subject.CN');
  reject('certificate leaf["1.2.840.113635.100.6.1.9"]', 'CSR052', '1:18-1:44');
  assert.equal(parse('certificate leaf["1.2.840.113635.100.6.1.9"]').diagnostics[0]!.fixes![0]!.newText, '"field.1.2.840.113635.100.6.1.9"');
  for (const p of ['subject.CN', 'field.1.2.3', 'extension.1.2.3', 'policy.1.2.3', 'timestamp.1.2.3']) accept(`certificate leaf[${p}]`);
});

test('§8.2 quirks: accepted but warned, or rejected', () => {
  // 2: only \" escapes
  reject('identifier "one \\\\ embedded backslash"', 'CSR004', '1:17-1:19');
  accept('identifier "say \\"hi\\""');
  // 7: no operator means exists
  accept('certificate leaf[field.1.2.840.113635.100.6.1.13]');
  // 8: comparisons on field./policy. never true
  accept('certificate leaf[field.1.2.840.113635.100.6.1.13] = foo', 'auto', ['CSR064 1:51-1:56']);
  accept('certificate 1[policy.1.2.3] > hello', 'auto', ['CSR064 1:29-1:36']);
  accept('certificate leaf[field.1.2.3] absent');
  // 9: unknown subject names
  accept('certificate leaf[subject.TeamID] = ABC', 'auto', ['CSR065 1:18-1:32']);
  accept('certificate leaf[subject.ou] = ABC', 'auto', ['CSR065 1:18-1:28']);
  assert.match(parse('certificate leaf[subject.ou] = ABC').diagnostics[0]!.message, /did you mean `subject\.OU`/);
  accept('certificate leaf["subject.C-OU"] = ABC');
  // 10: single-arc and non-numeric OIDs
  accept('certificate 2[field.42] = hello.world*', 'auto', ['CSR060 1:21-1:23', 'CSR064 1:25-1:39']);
  const e = first('certificate 2[field.42] = hello.world*');
  assert.ok(e.kind === 'certGeneric' && e.oid.bytes.length === 0 && e.oid.text === '42');
  accept('certificate leaf["field.1.2.x.4"]', 'auto', ['CSR061 1:25-1:32']);
  const oid = first('certificate 1[field.1.2.840.113635.100.6.2.6]');
  assert.ok(oid.kind === 'certGeneric' && toHex(oid.oid.bytes) === '2a864886f76364060206' && oid.prefix === 'field');
  assert.equal(oid.oid.range.start.column, 21);
  const ext = first('certificate 1[extension.1.2.3]');
  assert.ok(ext.kind === 'certGeneric' && ext.prefix === 'extension');
  // 13: integer overflow wraps through int32
  accept('certificate 4294967295 trusted', 'auto', ['CSR068 1:13-1:23']);
  const wrap = first('certificate 4294967295 trusted');
  assert.ok(wrap.kind === 'trustedCert' && wrap.slot.index === -1);
  accept('platform 4294967298', 'auto', ['CSR068 1:10-1:20']);
  // 14: platform takes no sign
  reject('platform = -1', 'CSR010', '1:12-1:14');
  // 15: optional `=`/`==`
  for (const t of ['identifier = foo', 'identifier == foo', 'cdhash = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"', 'platform == 2', 'certificate leaf H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"']) accept(t);
  // 16: fluff
  accept('anchor apple;;;');
  reject('anchor apple; and always', 'CSR010', '1:15-1:18');
  // 17: comma
  reject('anchor apple, identifier foo', 'CSR017', '1:13-1:14');
  // 18: comment quirk
  reject('/* x **/ anchor apple', 'CSR006', '1:1-1:3');
  // The dumper's own comment forms are accepted.
  accept('info[k] /* exists */');
  accept('info[k] absent ');
});

test('§6.2, §6.3 and §7 source texts parse', () => {
  const texts = [
    'anchor apple',
    'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] exists',
    'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and (certificate leaf[field.1.2.840.113635.100.6.1.14] or certificate leaf[field.1.2.840.113635.100.6.1.13])',
    'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.6.1.13] exists and (certificate leaf[timestamp.1.2.840.113635.100.6.1.33] absent or certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z")',
    'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.6.1.13] exists and (certificate leaf[timestamp.1.2.840.113635.100.6.1.33] exists and certificate leaf[timestamp.1.2.840.113635.100.6.1.33] >= timestamp "20190408000000Z") and notarized',
    'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] or anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and certificate leaf[field.1.2.840.113635.100.6.1.12] or anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and certificate leaf[field.1.2.840.113635.100.6.1.7]',
    'host => anchor apple and identifier com.apple.LaunchCFMApp',
    'anchor apple and identifier com.apple.translate',
    'cdhash H"975d9247503b596784dd8a9665fd3ff43eb7722f"',
    'anchor apple generic and certificate 1[subject.CN] = "Apple Software Update Certification Authority"',
    'identifier "com.example" and anchor apple generic and certificate leaf[subject.CN] = "Apple Development: X (Y)" and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */',
    'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ABCDE12345',
    'identifier "com.example" and certificate root = H"0123456789abcdeffedcba98765432100a2bc5da"',
    'anchor apple generic and identifier "com.genkiyooka.developerid" and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = MQK467HD9A)',
    'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "43AQ936H96"',
    '(anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] or anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = K36BKF7T3D) and identifier "com.apple.iWork.Numbers"',
    'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.25.1]',
    'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and (certificate leaf[field.1.2.840.113635.100.6.1.2] or certificate leaf[field.1.2.840.113635.100.6.1.12])',
    'anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] or certificate leaf[field.1.2.840.113635.100.6.1.9.1] or certificate leaf[field.1.2.840.113635.100.6.1.3] or certificate leaf[field.1.2.840.113635.100.6.1.3.1] or certificate leaf[field.1.2.840.113635.100.6.1.24] or certificate leaf[field.1.2.840.113635.100.6.1.24.1])',
    'cdhash H"9eb61ad881f8eb0f48821e617fbf7034fe790f0c"',
    'never', 'always', 'identifier "foo.bar"', 'certificate root = H"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"', 'always and never', 'always or never',
    '! always', 'info[key] /* exists */', 'certificate root[subject.CN] /* exists */', 'anchor trusted', 'certificate root[field.2.5.4.3] /* exists */',
    'entitlement[key] /* exists */', 'certificate root[policy.2.5.4.3] /* exists */', 'anchor apple foo', '(foo)', 'platform = 10', 'notarized',
    'certificate root[timestamp.2.5.4.3] /* exists */', 'legacy', 'info[key] absent ', 'info[key] = value', 'info[key] ~ value', 'info[key] = value*',
    'info[key] = *value', 'info[key] < value', 'info[key] > value', 'info[key] <= value', 'info[key] >= value',
    'designated => anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and (certificate leaf[field.1.2.840.113635.100.6.1.14] or certificate leaf[field.1.2.840.113635.100.6.1.13])',
    'identifier com.apple.Safari and anchor apple', 'info[CFBundleShortVersionString] >= "1.0"', 'entitlement["com.apple.security.app-sandbox"] exists',
    'certificate leaf[subject.OU] = "2BUA8C4S2C"', 'platform = 2', '! anchor apple', 'info[CFBundleIdentifier] = com.foo*', 'info[CFBundleIdentifier] = *foo*',
    'certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z"', 'anchor = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"',
    'certificate -2 trusted', 'always or never and ! never', 'info[CFBundleVersion] absent', 'certificate leaf[policy.1.2.840.113635.100.5.1]',
    'host => anchor apple and identifier com.apple.perl designated => identifier "com.example.app" and anchor apple generic',
    'identifier node and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = HX7739G8FX',
    'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"',
  ];
  for (const t of texts) {
    const r = parse(t);
    assert.equal(r.ok, true, `${t}: ${JSON.stringify(r.diagnostics)}`);
    assert.equal(r.diagnostics.filter((d) => d.severity === 'warning').length, 0, t);
  }
  // Apple's own comment over testflightReqData (§7.1) is not valid text: `leaf[1.2.840…]` lacks `field.`.
  reject('anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.25.1] or certificate leaf[1.2.840.113635.100.6.1.25.2]', 'CSR013', '1:98-1:125');
  // Decompiler outputs that do not recompile (§8.3).
  reject('certificate roottrusted', 'CSR010', '1:1-1:24');
  assert.equal(parse('certificate leaftrusted').diagnostics[0]!.fixes![0]!.newText, 'certificate leaf trusted');
  reject('certificate leaf[timestamp.1.2.3] < <CFDate 0x1 [0x2]>{time = 1}', 'CSR010', '1:35-1:36');
  reject('certificate 2[field.] = "hello.world"*', 'CSR022', '1:15-1:21');
});
