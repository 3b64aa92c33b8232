import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderLintRulesDoc, rulesTable } from '../../language-service/rules/docs.js';
import { DEFAULT_CONTEXT_SEVERITY, HOST_RULE_MARKERS, LINT_RULES, RULE_BY_CODE, RULE_BY_ID, RULES, ruleNumber } from '../../language-service/rules/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

describe('lint rule registry', () => {
  it('lists every rule once; LINT_RULES is its metadata by code; the lookups agree', () => {
    assert.equal(new Set(RULES.map((r) => r.code)).size, RULES.length);
    assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
    assert.deepEqual(LINT_RULES.map((r) => r.code), RULES.map((r) => r.code).sort());
    for (const meta of LINT_RULES) {
      const rule = RULES.find((r) => r.code === meta.code)!;
      assert.deepEqual(meta, { code: rule.code, id: rule.id, title: rule.title, defaultSeverity: rule.defaultSeverity, description: rule.description, help: rule.help });
      assert.equal(RULE_BY_CODE.get(rule.code), meta);
      assert.equal(RULE_BY_ID.get(rule.id), meta);
    }
  });

  it('every rule module has its docs, at least one check, and markers exactly when it checks host documents', () => {
    for (const r of RULES) {
      for (const [k, v] of Object.entries({ title: r.title, description: r.description, help: r.help, firesOn: r.docs.firesOn, why: r.docs.why, fix: r.docs.fix, catches: r.docs.catches.text, spares: r.docs.spares.text, sparesWhy: r.docs.spares.why })) assert.ok(v.trim().length > 0, `${r.code} ${k}`);
      assert.ok(r.requirement || r.branch || r.alwaysTrue || r.branches || r.host, `${r.code} checks something`);
      assert.equal(r.host !== undefined, (r.hostMarkers?.length ?? 0) > 0, `${r.code}: host checks need hostMarkers`);
      assert.match(ruleNumber(r.code), /^R\d+$/);
    }
  });

  it('derived tables keep their values', () => {
    assert.deepEqual(DEFAULT_CONTEXT_SEVERITY, { CSR106: 'hint', CSR107: 'off', CSR108: 'off' });
    assert.deepEqual(new Set(HOST_RULE_MARKERS), new Set(['shouldAcceptNewConnection', 'XPC_CONNECTION_MACH_SERVICE_LISTENER', 'xpc_listener_create', 'NSXPCListener', 'XPCListener', 'kSecGuestAttributePid', 'signing-identifier', 'team-identifier', '$optional', 'validation-category']));
  });
});

describe('docs/lint-rules.md', () => {
  it('is what the rule metadata and the template generate (run `node scripts/lint-docs.mjs` after changing a rule)', () => {
    const generated = renderLintRulesDoc(read('scripts/lint-rules.template.md'));
    assert.equal(read('docs/lint-rules.md'), generated, 'docs/lint-rules.md is stale: run `npm run build && node scripts/lint-docs.mjs`');
  });

  it('has one table row per rule with its code, id and default severity', () => {
    const rows = rulesTable().split('\n').slice(2);
    assert.equal(rows.length, RULES.length);
    for (const r of LINT_RULES) {
      const row = rows.find((x) => x.startsWith(`| ${r.code} | \`${r.id}\` | ${r.defaultSeverity}`));
      assert.ok(row, `${r.code} row`);
      assert.ok(read('docs/lint-rules.md').includes(row));
    }
  });

  it('unknown template placeholders are an error, not silently dropped', () => {
    assert.throws(() => renderLintRulesDoc('{{NO_SUCH_TABLE}}'), /unknown placeholder/);
  });

  it('scripts/lint-docs.mjs --check passes on the committed file and rejects bad arguments', () => {
    const ok = spawnSync(process.execPath, [path.join(root, 'scripts/lint-docs.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = spawnSync(process.execPath, [path.join(root, 'scripts/lint-docs.mjs'), '--write-elsewhere'], { encoding: 'utf8' });
    assert.equal(bad.status, 64);
  });

  it('names no module that does not exist', () => {
    for (const doc of ['docs/lint-rules.md', 'scripts/lint-rules.template.md']) {
      for (const m of read(doc).matchAll(/`((?:language-service|grammar|server|cli|client)\/[\w/.-]+\.ts)`/g)) {
        assert.doesNotThrow(() => read(m[1]!), `${doc} names ${m[1]}`);
      }
      for (const m of read(doc).matchAll(/'\.\/((?:language-service|grammar|server|cli)\/[\w/.-]+)\.js'/g)) {
        assert.doesNotThrow(() => read(`${m[1]!}.ts`), `${doc} imports ${m[1]}`);
      }
    }
  });
});

// Import cycles and layer direction are checked for every layer in test/architecture/layers.test.ts.
