#!/usr/bin/env node
// Writes docs/lint-rules.md from the lint rule registry (language-service/rules/*.ts, compiled to
// out/ by `npm run build`) and the hand-written template scripts/lint-rules.template.md.
//   node scripts/lint-docs.mjs           write docs/lint-rules.md
//   node scripts/lint-docs.mjs --check   exit 1 when docs/lint-rules.md differs from what would be written
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
if (args.some((a) => a !== '--check')) {
  console.error('usage: node scripts/lint-docs.mjs [--check]');
  process.exit(64);
}
const compiled = path.join(root, 'out', 'language-service', 'rules', 'docs.js');
if (!existsSync(compiled)) {
  console.error('out/language-service/rules/docs.js is missing: run `npm run build` first');
  process.exit(2);
}
const { renderLintRulesDoc } = await import(pathToFileURL(compiled).href);
const template = readFileSync(path.join(root, 'scripts', 'lint-rules.template.md'), 'utf8');
const target = path.join(root, 'docs', 'lint-rules.md');
const generated = renderLintRulesDoc(template);
const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
if (check) {
  if (current === generated) process.exit(0);
  console.error('docs/lint-rules.md is out of date with the rule metadata: run `npm run build && node scripts/lint-docs.mjs`');
  process.exit(1);
}
if (current !== generated) writeFileSync(target, generated);
console.log(current === generated ? 'docs/lint-rules.md is up to date' : 'wrote docs/lint-rules.md');
