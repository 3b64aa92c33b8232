/**
 * The editor side of "Generate XPC validation code" and of read-only result
 * documents, without VS Code: the quick-pick items, the question asked before
 * a requirement with errors or security findings is embedded in code, and
 * the store behind the `csrl-result:` content provider.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RESULTS, RESULT_SCHEME, ResultStore, resultTitle } from '../../client/result-store.js';
import { codegenQuestion, flavourItems, targetItems } from '../../client/xpc-codegen.js';
import { DEPLOYMENT_TARGETS, FLAVOUR_TIERS, xpcCodegenConcerns } from '../../language-service/xpc-codegen/index.js';

describe('Generate XPC validation code: pickers and the question', () => {
  it('offers every flavour that has mechanisms, and every deployment target for each', () => {
    const flavours = flavourItems().map((i) => `${i.value.language}/${i.value.family}`);
    assert.deepEqual(flavours.sort(), Object.entries(FLAVOUR_TIERS).filter(([, t]) => t.length > 0).map(([k]) => k).sort());
    for (const f of flavourItems()) {
      const targets = targetItems(f.value.family, f.value.language);
      assert.deepEqual(targets.map((t) => t.value), DEPLOYMENT_TARGETS.map((t) => t.target));
      assert.ok(targets.every((t) => t.label.startsWith('macOS ') && t.detail));
    }
    assert.match(targetItems('nsxpc', 'swift').find((t) => t.value === '26')!.detail!, /setCodeSigningRequirement \(macOS 13\) is its newest/);
  });

  it('asks nothing about a sound requirement', () => {
    assert.equal(codegenQuestion({ errors: [], security: [] }), undefined);
  });

  it('lists errors first, then security findings, with lines and codes, and says what an error means at run time', () => {
    const q = codegenQuestion(xpcCodegenConcerns('identifier "com.example.client" or identifier "x'));
    assert.ok(q);
    assert.match(q.message, /^The requirement has \d+ errors? and \d+ security findings?\. Generate XPC validation code anyway\?$/);
    assert.equal(q.proceed, 'Generate anyway');
    const lines = q.detail.split('\n');
    assert.match(lines[0]!, /^• line 1: .+ \(CSR0\d\d\)$/);
    assert.ok(lines.some((l) => /^• line 1: .+ \(CSR1\d\d\)$/.test(l)), q.detail);
    assert.match(q.detail, /accepts no client at all/);
  });

  it('a weak requirement without errors: only the findings, no run-time warning', () => {
    const q = codegenQuestion(xpcCodegenConcerns('identifier "com.example.client"'));
    assert.ok(q);
    assert.match(q.message, /^The requirement has \d+ security findings?\./);
    assert.doesNotMatch(q.detail, /accepts no client/);
  });

  it('a long list is cut and counted', () => {
    const d = (i: number) => ({ code: 'CSR101' as const, severity: 'warning' as const, message: `finding ${i}`, range: { start: { offset: 0, line: i, column: 1 }, end: { offset: 0, line: i, column: 1 } } });
    const q = codegenQuestion({ errors: [], security: Array.from({ length: 12 }, (_, i) => d(i + 1)) as never })!;
    assert.equal(q.detail.split('\n').filter((l) => l.startsWith('•')).length, 8);
    assert.match(q.detail, /… and 4 more \(see the Problems view\)\./);
  });
});

describe('read-only result documents (the csrl-result: store)', () => {
  it('gives each result its own URI (title + language extension, serial query) and returns its text', () => {
    const store = new ResultStore();
    assert.equal(RESULT_SCHEME, 'csrl-result');
    const a = store.add('Signing information — sentry-cli', 'Identifier=x\n', 'plaintext');
    const b = store.add('Signing information — sentry-cli', 'Identifier=y\n', 'plaintext');
    const c = store.add('XPC validation (swift, macOS 14.4)', 'import XPC\n', 'swift');
    assert.equal(a.path, '/Signing information — sentry-cli.txt');
    assert.equal(a.path, b.path, 'same title');
    assert.notEqual(a.query, b.query, 'two results of the same title stay apart');
    assert.equal(c.path, '/XPC validation (swift, macOS 14.4).swift');
    assert.equal(store.add('x', '', 'objective-c').path, '/x.m');
    assert.equal(store.add('x', '', 'c').path, '/x.c');
    assert.equal(store.add('x', '', 'csreq').path, '/x.csreq');
    assert.equal(store.text(a.path, a.query), 'Identifier=x\n');
    assert.equal(store.text(b.path, b.query), 'Identifier=y\n');
  });

  it('an unknown or forgotten result says to run the command again instead of failing', () => {
    const store = new ResultStore();
    const first = store.add('first', 'one', 'plaintext');
    assert.match(store.text('/nothing.txt', '999'), /no longer available: run its command again/);
    assert.match(store.text('/other.txt', first.query), /no longer available/, 'path and query must both match');
    for (let i = 0; i < MAX_RESULTS; i++) store.add(`r${i}`, String(i), 'plaintext');
    assert.equal(store.size, MAX_RESULTS, 'bounded');
    assert.match(store.text(first.path, first.query), /no longer available/);
  });

  it('titles cannot change the URI path or hide text (separators, query and fragment characters, bidi, controls)', () => {
    assert.equal(resultTitle('a/b\\c?d#e%f'), 'a_b_c_d_e_f');
    assert.equal(resultTitle('x\u202Ey\u0000z'), 'x_y_z');
    assert.equal(resultTitle('   '), 'result');
    assert.equal(resultTitle('a'.repeat(500)).length, 120);
  });
});
