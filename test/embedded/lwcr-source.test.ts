import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findLwcr } from '../../language-service/embedded/lwcr.js';
import { printLwcrJson, type LwValue } from '../../lwcr/index.js';

/** The requirements as compact JSON, and the host text at each key (so ranges are checked too). */
const json = (v: LwValue) => printLwcrJson(v).replace(/\s+/g, '');
const keysAt = (text: string, v: LwValue): string[] => (v.kind === 'dict' ? v.entries.flatMap((e) => [text.slice(e.keyRange.start.offset, e.keyRange.end.offset), ...keysAt(text, e.value)]) : v.kind === 'array' ? v.items.flatMap((x) => keysAt(text, x)) : []);

describe('LWCRs in source code', () => {
  it('reads nested XPC dictionaries and arrays built with xpc_dictionary_set_* / xpc_array_*', () => {
    const src = `void f(xpc_connection_t c) {
  xpc_object_t ids = xpc_array_create_empty();
  xpc_array_set_string(ids, XPC_ARRAY_APPEND, "com.example.a");
  xpc_array_append_value(ids, xpc_string_create("com.example.b"));
  xpc_object_t sid = xpc_dictionary_create_empty();
  xpc_dictionary_set_value(sid, "$in", ids);
  xpc_object_t req = xpc_dictionary_create(NULL, NULL, 0);
  xpc_dictionary_set_value(req, "signing-identifier", sid);
  xpc_dictionary_set_string(req, "team-identifier", "ABCDE12345");
  xpc_dictionary_set_int64(req, "validation-category", 6);
  xpc_dictionary_set_bool(req, "is-init-proc", NO);
  xpc_connection_set_peer_lightweight_code_requirement(c, req);
}`;
    const [l] = findLwcr(src, 'objective-c').found;
    assert.ok(l);
    assert.equal(l.context, 'process');
    assert.equal(json(l.reqs), '{"signing-identifier":{"$in":["com.example.a","com.example.b"]},"team-identifier":"ABCDE12345","validation-category":6,"is-init-proc":false}');
    assert.deepEqual(keysAt(src, l.reqs), ['"signing-identifier"', '"$in"', '"team-identifier"', '"validation-category"', '"is-init-proc"']);
    assert.deepEqual(l.analysis.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('leaves out values computed at run time and says so, instead of guessing', () => {
    const src = `void f(xpc_connection_t c, const char *team) {
  xpc_object_t req = xpc_dictionary_create(NULL, NULL, 0);
  xpc_dictionary_set_string(req, "team-identifier", team);
  xpc_dictionary_set_int64(req, "validation-category", 6);
  xpc_connection_set_peer_lightweight_code_requirement(c, req);
}`;
    const [l] = findLwcr(src, 'c').found;
    assert.equal(json(l!.reqs), '{"validation-category":6}');
    assert.equal(l!.skipped?.length, 1);
    assert.equal(src.slice(l!.skipped![0]!.start, l!.skipped![0]!.end), 'team');
  });

  it('reads only the sets made since the dictionary was last created (two requirements, one variable name)', () => {
    const src = `void f(xpc_connection_t a, xpc_connection_t b) {
  xpc_object_t r = xpc_dictionary_create_empty();
  xpc_dictionary_set_string(r, "team-identifier", "AAAAAAAAAA");
  xpc_connection_set_peer_lightweight_code_requirement(a, r);
  r = xpc_dictionary_create_empty();
  xpc_dictionary_set_string(r, "signing-identifier", "com.example.b");
  xpc_connection_set_peer_lightweight_code_requirement(b, r);
}`;
    assert.deepEqual(findLwcr(src, 'c').found.map((l) => json(l.reqs)), ['{"team-identifier":"AAAAAAAAAA"}', '{"signing-identifier":"com.example.b"}']);
  });

  it('maps the Swift builder to the dictionary it encodes: allOf is the top level, anyOf an $or, enums by number', () => {
    const src = `import LightweightCodeRequirements
let r = try ProcessCodeRequirement.anyOf {
    allOf {
        TeamIdentifier("ABCDE12345")
        ValidationCategory(.developerID)
    }
    try IsInitProcess()
    PlatformType(.macCatalyst)
}`;
    const [l] = findLwcr(src, 'swift').found;
    assert.equal(l!.context, 'process');
    assert.equal(json(l!.reqs), '{"$or":{"$and":{"team-identifier":"ABCDE12345","validation-category":6},"is-init-proc":true,"platform-type":6}}');
    assert.deepEqual(keysAt(src, l!.reqs), ['anyOf', 'allOf', 'TeamIdentifier', 'ValidationCategory', 'IsInitProcess', 'PlatformType']);
  });

  it('ignores allOf/anyOf blocks that hold no LWCR constraint (e.g. a test helper of the same name)', () => {
    assert.deepEqual(findLwcr('let x = allOf {\n  check(a)\n  check(b)\n}\n', 'swift').found, []);
  });

  it('reads a Swift XPCDictionary literal with nested dictionaries and arrays', () => {
    const src = 'let d: XPCDictionary = ["signing-identifier": ["$in": ["a", "b"]], "validation-category": 6, "is-init-proc": false]\n';
    const [l] = findLwcr(src, 'swift').found;
    assert.equal(json(l!.reqs), '{"signing-identifier":{"$in":["a","b"]},"validation-category":6,"is-init-proc":false}');
  });

  it('does not hang or throw on hostile source (unbalanced brackets, deep nesting)', () => {
    const deep = 'let d: XPCDictionary = ' + '['.repeat(5000) + '"a": 1' + ']'.repeat(4000);
    assert.doesNotThrow(() => findLwcr(deep, 'swift'));
    const calls = 'xpc_connection_set_peer_lightweight_code_requirement(c, r);\n'.repeat(2000) + 'xpc_dictionary_set_string(r, "team-identifier", "X"'.repeat(100);
    assert.doesNotThrow(() => findLwcr(calls, 'c'));
  });
});
