import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FACTS, LOGICAL_OPS, VALUE_OPS } from '../../lwcr/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const grammar = (name: string) => JSON.parse(readFileSync(join(root, 'syntaxes', name), 'utf8')) as { patterns: { match: string; captures: Record<string, { name: string }> }[] };
/** The pattern whose key capture carries `scope` (Oniguruma syntax here is also valid JavaScript). */
const patternFor = (name: string, scope: string) => {
  const p = grammar(name).patterns.find((x) => Object.values(x.captures).some((c) => c.name === scope));
  assert.ok(p, `${name}: no pattern for ${scope}`);
  return new RegExp(`^${p.match}`);
};

test('the LWCR injections mark every fact and operator the model knows (plist and JSON), and nothing longer', () => {
  const plistFact = patternFor('lwcr-plist.injection.tmLanguage.json', 'support.type.property-name.fact.lwcr');
  const plistOp = patternFor('lwcr-plist.injection.tmLanguage.json', 'keyword.operator.lwcr');
  const jsonFact = patternFor('lwcr-json.injection.tmLanguage.json', 'support.type.property-name.fact.lwcr');
  const jsonOp = patternFor('lwcr-json.injection.tmLanguage.json', 'keyword.operator.lwcr');
  for (const f of FACTS) {
    assert.match(`<key>${f.key}</key>`, plistFact, f.key);
    assert.match(`"${f.key}": 1`, jsonFact, f.key);
    assert.doesNotMatch(`<key>${f.key}x</key>`, plistFact, `${f.key}x`);
  }
  for (const op of [...LOGICAL_OPS, ...VALUE_OPS]) {
    assert.match(`<key>${op}</key>`, plistOp, op);
    assert.match(`"${op}" : {}`, jsonOp, op);
  }
  assert.doesNotMatch('"$not": 1', jsonOp);
});
