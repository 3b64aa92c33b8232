/** Readers keep positions; every validation rule reports its code at the right place. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse, parseLwcrJson, parseLwcrXmlPlist, printLwcrJson, printLwcrXmlPlist, readLwcrText, lwEqual, LwcrSyntaxError, MAX_DICT_DEPTH, FACT_BY_KEY, type LwcrDiagnostic } from '../../lwcr/index.js';

function diags(json: string, context?: 'on-disk' | 'launch'): LwcrDiagnostic[] {
  return analyse(parseLwcrJson(json), context ? { context } : {}).diagnostics.filter((d) => d.severity !== 'information');
}
function codes(json: string, context?: 'on-disk' | 'launch'): string[] {
  return diags(json, context).map((d) => d.code);
}
/** Line:column of the first diagnostic with this code. */
function at(json: string, code: string): string {
  const d = analyse(parseLwcrJson(json)).diagnostics.find((x) => x.code === code);
  assert.ok(d, `${code} in ${json}`);
  return `${d.range.start.line}:${d.range.start.column}`;
}

describe('lwcr readers', () => {
  it('JSON: data as {"$data": hex}, exact 64-bit integers, positions on every node', () => {
    const v = parseLwcrJson('{\n  "cdhash": {"$data": "0011"},\n  "launch-type": 9223372036854775807\n}');
    assert.equal(v.kind, 'dict');
    if (v.kind !== 'dict') return;
    assert.equal(v.entries[0]!.value.kind, 'data');
    assert.deepEqual(v.entries[1]!.value.kind === 'int' && v.entries[1]!.value.value, 2n ** 63n - 1n);
    assert.deepEqual([v.entries[1]!.keyRange.start.line, v.entries[1]!.keyRange.start.column], [3, 3]);
  });

  it('JSON: reals, null and duplicate keys are refused with a position', () => {
    for (const [t, re] of [['{"a": 1.5}', /integers/], ['{"a": null}', /null/], ['{"a": 1, "a": 2}', /duplicate/]] as const) {
      assert.throws(() => parseLwcrJson(t), (e: unknown) => e instanceof LwcrSyntaxError && re.test(e.message) && e.range.start.column > 1);
    }
  });

  it('XML plist: what codesign takes, with line numbers; real/date refused; printing and reading back agree', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>team-identifier</key>
\t<string>8XCUU22SN2</string>
\t<key>cdhash</key>
\t<data>ASNFZ4mrze8BI0VniavN7wEjRWc=</data>
\t<key>is-init-proc</key>
\t<true/>
</dict>
</plist>`;
    const v = parseLwcrXmlPlist(xml);
    assert.ok(v.kind === 'dict' && v.entries[0]!.keyRange.start.line === 5);
    assert.ok(lwEqual(parseLwcrXmlPlist(printLwcrXmlPlist(v)), v));
    assert.ok(lwEqual(parseLwcrJson(printLwcrJson(v)), v));
    assert.throws(() => parseLwcrXmlPlist('<plist><dict><key>a</key><real>1.0</real></dict></plist>'), /cannot be encoded/);
  });

  it('readLwcrText senses the form: JSON, XML, hex of a blob', () => {
    assert.equal(readLwcrText('{"team-identifier": "X"}').form, 'json');
    assert.equal(readLwcrText('<dict><key>a</key><true/></dict>').form, 'xml-plist');
    assert.equal(readLwcrText('fade818100000059704f020101b04a30090c046363617402010030090c04636f6d7002010130270c0472657173b01f301d0c0f7465616d2d6964656e7469666965720c0a38584355553232534e3230090c0476657273020101').form, 'constraint-blob');
  });
});

describe('lwcr validation rules (codes and positions)', () => {
  it('valid requirements have no diagnostics', () => {
    for (const t of [
      '{"team-identifier": "8XCUU22SN2", "validation-category": 6}',
      '{"entitlements": {"$query": [[1, "com.apple.security.device.camera"], [5, true]]}}',
      '{"$or-array": [["$and", {"launch-type": {"$lt": 3}}], ["$and", {"launch-type": {"$gt": 3}}]]}',
      '{"$optional": {"is-sip-protected": true}, "signing-identifier": {"$in": ["a", "b"]}, "validation-category": {"$in": [2, 3, 4, 5, 6]}}',
      '{"$or": {"team-identifier": "self"}}',
    ]) assert.deepEqual(codes(t), [], t);
  });

  it('LW010 unknown fact (E 5), at the key; LW011 under $optional (a hidden typo)', () => {
    assert.deepEqual(codes('{"team-identifer": "X"}'), ['LW010']);
    assert.equal(at('{\n  "team-identifer": "X"}', 'LW010'), '2:3');
    assert.deepEqual(codes('{"$optional": {"team-identifer": "X"}}'), ['LW011']);
  });

  it('LW012 unknown operator: $not, $ne, $nin, $contains (E 1)', () => {
    assert.deepEqual(codes('{"$not": {"team-identifier": "X"}}'), ['LW012']);
    for (const op of ['$ne', '$nin', '$contains']) assert.deepEqual(codes(`{"launch-type": {"${op}": 3}}`), ['LW012'], op);
  });

  it('LW020 wrong value type: validation-category as string, cdhash as hex string, is-init-proc as 1 (E 3)', () => {
    assert.deepEqual(codes('{"validation-category": "6"}'), ['LW020']);
    assert.deepEqual(codes('{"cdhash": "0123456789abcdef0123456789abcdef01234567"}'), ['LW020']);
    assert.deepEqual(codes('{"is-init-proc": 1}'), ['LW020']);
    assert.equal(at('{"is-init-proc": 1}', 'LW020'), '1:18');
  });

  it('LW021 operator that does not apply: $in on a bool fact, $lt on a string, $query on another fact, a literal for entitlements', () => {
    assert.deepEqual(codes('{"is-init-proc": {"$in": [true]}}'), ['LW021']);
    assert.deepEqual(codes('{"signing-identifier": {"$lt": 3}}'), ['LW021']);
    assert.deepEqual(codes('{"signing-identifier": {"$query": [[1, "a"]]}}'), ['LW021']);
    assert.deepEqual(codes('{"entitlements": true}'), ['LW021']);
  });

  it('LW030 one operator per fact value (E 6), LW031 logical operator as a fact\'s value (forum 759443), LW032 fact inside an operator', () => {
    assert.deepEqual(codes('{"launch-type": {"$gt": 1, "$lt": 5}}'), ['LW030']);
    const d = diags('{"launch-type": {"$or": {"$lt": 3, "$gt": 3}}}');
    assert.deepEqual(d.map((x) => x.code), ['LW031']);
    assert.match(d[0]!.message, /\$or operator disallowed for active fact/);
    assert.match(diags('{"launch-type": {"$or-array": []}}')[0]!.message, /factless operator disallowed/);
    assert.deepEqual(codes('{"entitlements": {"team-identifier": "X"}}'), ['LW032']);
  });

  it('LW033 value operator where no fact is active; LW040 empty containers; LW002 empty requirements', () => {
    assert.deepEqual(codes('{"$in": [1]}'), ['LW033']);
    assert.deepEqual(codes('{"$and": {}}'), ['LW040']);
    assert.deepEqual(codes('{"$and-array": []}'), ['LW040']);
    assert.deepEqual(codes('{}'), ['LW002']);
  });

  it(`uncertain: LW041 nesting deeper than ${MAX_DICT_DEPTH} dictionaries counting the requirements dictionary`, () => {
    const nest = (n: number) => '{"$and": '.repeat(n - 1) + '{"is-init-proc": true}' + '}'.repeat(n - 1);
    assert.deepEqual(codes(nest(MAX_DICT_DEPTH)), []);
    assert.deepEqual(codes(nest(MAX_DICT_DEPTH + 1)), ['LW041']);
  });

  it('LW042 $optional with 0 or 2 entries; LW043 malformed array-form elements', () => {
    assert.deepEqual(codes('{"$optional": {}}'), ['LW042']);
    assert.deepEqual(codes('{"$optional": {"a": 1, "b": 2}}'), ['LW042']);
    assert.deepEqual(codes('{"$and-array": [["$and"]]}'), ['LW043']);
    assert.deepEqual(codes('{"$and-array": [["$and", [1]]]}'), ['LW043']);
    assert.deepEqual(codes('{"$and-array": [["$xor", {}]]}'), ['LW043']);
  });

  it('LW050/LW051 $in element types and empty $in; LW022 $in not an array', () => {
    assert.deepEqual(codes('{"validation-category": {"$in": [6, "6"]}}'), ['LW050']);
    assert.deepEqual(codes('{"signing-identifier": {"$in": []}}'), ['LW051']);
    assert.deepEqual(codes('{"signing-identifier": {"$in": "a"}}'), ['LW022']);
  });

  it('LW060–LW063 $query shapes: element shape, unknown opcode, parameter type, opcodes not executed (uncertain)', () => {
    assert.deepEqual(codes('{"entitlements": {"$query": [[1]]}}'), ['LW060']);
    assert.deepEqual(codes('{"entitlements": {"$query": [["1", "k"]]}}'), ['LW060']);
    assert.deepEqual(codes('{"entitlements": {"$query": [[99, "k"]]}}'), ['LW061']);
    assert.deepEqual(codes('{"entitlements": {"$query": [[1, 5]]}}'), ['LW062']);
    assert.deepEqual(codes('{"entitlements": {"$query": [[2, 0]]}}'), ['LW063']);
    assert.deepEqual(codes('{"entitlements": {"$query": [[4611686018427387905, "k"]]}}'), [], 'bit 62 (kCEOpDynamic) is masked off');
  });

  it('LW070 validation categories 0 and 7–9 (and unknown ones) in constraints; LW071 ordering on categories', () => {
    for (const n of [0, 7, 8, 9, 11]) assert.deepEqual(codes(`{"validation-category": ${n}}`), ['LW070'], String(n));
    for (const n of [1, 2, 3, 4, 5, 6, 10]) assert.deepEqual(codes(`{"validation-category": ${n}}`), [], String(n));
    assert.deepEqual(codes('{"validation-category": {"$in": [6, 8]}}'), ['LW070']);
    assert.deepEqual(codes('{"validation-category": {"$gt": 3}}'), ['LW071']);
  });

  it('LW072 cdhash not 20 bytes; LW073 wildcards in identifiers', () => {
    assert.deepEqual(codes('{"cdhash": {"$data": "0011"}}'), ['LW072']);
    assert.deepEqual(codes('{"signing-identifier": "com.example.*"}'), ['LW073']);
  });

  it('LW013 a fact the evaluator does not define (on-disk: launch-type is E 5)', () => {
    assert.deepEqual(codes('{"launch-type": 3}', 'on-disk'), ['LW013']);
    assert.deepEqual(codes('{"launch-type": 3}', 'launch'), []);
  });

  it('uncertain: fact keys Apple does not spell out are listed, with an information diagnostic (LW074)', () => {
    for (const k of ['code-signing-flags', 'info-plist-hash', 'is-main-binary', 'os-environment', 'platform-identifier', 'platform-type']) assert.ok(FACT_BY_KEY.get(k)?.uncertain, k);
    const d = analyse(parseLwcrJson('{"platform-type": 1}')).diagnostics;
    assert.deepEqual(d.map((x) => [x.code, x.severity]), [['LW074', 'information']]);
  });
});
