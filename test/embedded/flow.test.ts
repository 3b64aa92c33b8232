import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractRequirements, type EmbeddedRequirement } from '../../language-service/embedded/extract.js';

/** [text, not-analysed reason or undefined, host text of the range] of every requirement found. */
function found(src: string, lang: string): [string, string | undefined, string][] {
  return extractRequirements(src, lang).map((r: EmbeddedRequirement) => [r.text, r.notAnalysed, src.slice(r.hostStart, r.hostEnd)]);
}

const RUN_TIME = 'the requirement is computed at run time (a call or an expression this linter does not follow)';

test('Objective-C helper: instance variables, properties, overwritten values, nil, calls: every API call gets a requirement or a reason', () => {
  const src = [
    '@implementation Helper {',
    '    NSString *_requirement;',
    '}',
    '- (instancetype)init {',
    '    if ((self = [super init])) {',
    '        _requirement = @"anchor apple generic and identifier \\"com.example.app\\"";',
    '    }',
    '    return self;',
    '}',
    '- (BOOL)listener:(NSXPCListener *)l shouldAcceptNewConnection:(NSXPCConnection *)c {',
    '    [c setCodeSigningRequirement:_requirement];',
    '    return YES;',
    '}',
    '- (void)configure:(NSXPCConnection *)c {',
    '    self.clientRequirement = @"identifier \\"com.example.a\\"";',
    '    [c setCodeSigningRequirement:self.clientRequirement];',
    '    NSString *r = @"identifier \\"overwritten\\"";',
    '    r = @"identifier \\"final\\"";',
    '    [c setCodeSigningRequirement:r];',
    '    NSString *none = nil;',
    '    [c setCodeSigningRequirement:none];',
    '    NSString *computed = [self loadRequirementFromDefaults];',
    '    [c setCodeSigningRequirement:computed];',
    '    SecRequirementCreateWithString(makeRequirement(), 0, &ref);',
    '}',
    '@end',
    'static const char kReq[] = "anchor apple generic and identifier \\"com.example.c\\"";',
    'void f(xpc_connection_t c, NSXPCConnection *n) {',
    '    NSString *s = [NSString stringWithUTF8String:kReq];',
    '    [n setCodeSigningRequirement:s];',
    '    xpc_connection_set_peer_code_signing_requirement(c, [@(kReq) UTF8String]);',
    '    NSString *t = @"identifier \\"com.example.t\\"";',
    '    xpc_connection_set_peer_code_signing_requirement(c, t.UTF8String);',
    '    xpc_connection_set_peer_code_signing_requirement(c, [t UTF8String]);',
    '}',
  ].join('\n');
  assert.deepEqual(found(src, 'objective-c'), [
    ['anchor apple generic and identifier "com.example.app"', undefined, 'anchor apple generic and identifier \\"com.example.app\\"'],
    ['identifier "com.example.a"', undefined, 'identifier \\"com.example.a\\"'],
    // The first value of `r` is overwritten in the same block before the call: only the last one reaches it.
    ['identifier "final"', undefined, 'identifier \\"final\\"'],
    ['', '`none` is only ever nil in this file', 'none'],
    ['', `the value given to \`computed\` here reaches setCodeSigningRequirement, but ${RUN_TIME}`, '[self loadRequirementFromDefaults]'],
    ['', RUN_TIME, 'makeRequirement()'],
    // stringWithUTF8String:, @(…) with UTF8String, .UTF8String and [t UTF8String] all pass the literal through (each literal once).
    ['anchor apple generic and identifier "com.example.c"', undefined, 'anchor apple generic and identifier \\"com.example.c\\"'],
    ['identifier "com.example.t"', undefined, 'identifier \\"com.example.t\\"'],
  ]);
});

test('Objective-C: `= nil`, then assigned in each branch: every literal that can reach the call', () => {
  const src = [
    '- (void)setUp:(NSXPCConnection *)connection {',
    '    NSString *req = nil;',
    '    if (@available(macOS 14, *)) {',
    '        req = @"anchor apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\"";',
    '    } else if (self.allowTestClients) {',
    '        req = @"identifier \\"com.example.tests\\"";',
    '    } else {',
    '        req = [NSString stringWithFormat:@"identifier \\"%@\\" and anchor apple generic", self.clientID];',
    '    }',
    '    [connection setCodeSigningRequirement:req];',
    '}',
    '- (void)other:(NSXPCConnection *)connection {',
    '    NSString *req = @"never reaches the call above";',
    '}',
  ].join('\n');
  const reqs = extractRequirements(src, 'objective-c');
  assert.deepEqual(reqs.map((r) => [r.text, r.holes?.map((h) => r.text.slice(h.start, h.end))]), [
    ['anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"', undefined],
    ['identifier "com.example.tests"', undefined],
    ['identifier "%@" and anchor apple generic', ['%@']],
  ]);
});

test('Swift: a constant declared without a value and assigned in both branches; optionals, NSString(string:), String(…)', () => {
  const src = [
    'func setUp(_ c: NSXPCConnection, debug: Bool) {',
    '    let requirement: String',
    '    if debug {',
    '        requirement = "identifier \\"com.example.debug\\""',
    '    } else {',
    '        requirement = "anchor apple generic and identifier \\"com.example.app\\""',
    '    }',
    '    c.setCodeSigningRequirement(requirement)',
    '    var r2: String? = nil',
    '    r2 = NSString(string: "identifier \\"x.y\\"") as String',
    '    c.setCodeSigningRequirement(r2!)',
    '    c.setCodeSigningRequirement(String("anchor apple generic"))',
    '}',
  ].join('\n');
  assert.deepEqual(found(src, 'swift').map((f) => f[0]), [
    'identifier "com.example.debug"',
    'anchor apple generic and identifier "com.example.app"',
    'identifier "x.y"',
    'anchor apple generic',
  ]);
});

test('C and C++: macros inside CFSTR concatenation are followed; unknown ones are holes; Qt and CoreFoundation wrappers', () => {
  const c = [
    '#define HELPER_ID "com.example.helper"',
    'void f(void) {',
    '    SecRequirementCreateWithString(CFSTR("identifier " HELPER_ID " and anchor apple generic and " TEAM_CLAUSE), 0, &r);',
    '}',
  ].join('\n');
  const [r] = extractRequirements(c, 'c');
  assert.equal(r!.text, 'identifier com.example.helper and anchor apple generic and TEAM_CLAUSE');
  assert.deepEqual(r!.holes, [{ start: 59, end: 70, what: 'macro defined outside this file' }]);
  // Every character of the macro's value maps to the macro's name at the call.
  const use = c.indexOf('HELPER_ID " and');
  assert.equal(r!.toHostOffset(11), use);
  assert.equal(r!.toHostOffset(28), use);
  assert.equal(c.slice(r!.toHostOffset(59), r!.toHostOffset(70)), 'TEAM_CLAUSE');

  const cpp = [
    'void Guard::check() {',
    '    QString direct("anchor apple generic and identifier \\"org.example.a\\"");',
    '    SecRequirementCreateWithString(direct.toCFString(), 0, &r);',
    '    std::string s{"identifier \\"org.example.b\\""};',
    '    xpc_connection_set_peer_code_signing_requirement(c, s.c_str());',
    '    SecRequirementCreateWithString(QString::fromUtf8("identifier \\"org.example.c\\"").toCFString(), 0, &r);',
    '    SecRequirementCreateWithString(CFStringCreateWithCString(NULL, "identifier \\"org.example.d\\"", kCFStringEncodingUTF8), 0, &r);',
    '    SecRequirementCreateWithString(CFStringCreateWithFormat(NULL, NULL, CFSTR("identifier \\"%s\\""), name), 0, &r);',
    '}',
  ].join('\n');
  assert.deepEqual(extractRequirements(cpp, 'cpp').map((x) => [x.text, x.holes?.length ?? 0]), [
    ['anchor apple generic and identifier "org.example.a"', 0],
    ['identifier "org.example.b"', 0],
    ['identifier "org.example.c"', 0],
    ['identifier "org.example.d"', 0],
    ['identifier "%s"', 1],
  ]);
});

test('a format string held in a constant of the file is a template; one from elsewhere gets a reason', () => {
  const src = [
    'static NSString *const kClientFormat = @"anchor apple generic and identifier \\"%@\\" and certificate leaf[subject.OU] = \\"%@\\"";',
    '- (void)accept:(NSXPCConnection *)c {',
    '    [c setCodeSigningRequirement:[NSString stringWithFormat:kClientFormat, self.bundleID, self.teamID]];',
    '    [c setCodeSigningRequirement:[NSString stringWithFormat:self.format, self.bundleID]];',
    '}',
  ].join('\n');
  const [constant, other] = extractRequirements(src, 'objective-c');
  assert.equal(constant!.text, 'anchor apple generic and identifier "%@" and certificate leaf[subject.OU] = "%@"');
  assert.deepEqual(constant!.holes?.map((h) => [constant!.text.slice(h.start, h.end), h.what]), [['%@', 'format argument'], ['%@', 'format argument']]);
  assert.equal(src.slice(constant!.hostStart - 2, constant!.hostStart), '@"');
  assert.equal(other!.notAnalysed, 'the format string `format` is not a constant of this file');
});
