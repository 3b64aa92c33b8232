#!/usr/bin/env node
// Writes grammar/parse-lookahead-table.ts: the lookahead paths and resync
// follow sets Chevrotain computes for the grammar, so the shipped parser need
// not compute them at start-up. Run after a change to grammar/parse-rules.ts:
//   npm run build && node scripts/gen-lookahead.mjs && npm run build
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { deriveLookaheadTables, renderLookaheadTables } = await import(path.join(root, 'out', 'grammar', 'parse-lookahead-derive.js'));
const tables = deriveLookaheadTables();
const target = path.join(root, 'grammar', 'parse-lookahead-table.ts');
writeFileSync(target, renderLookaheadTables(tables));
console.log(`wrote ${path.relative(root, target)}: ${Object.keys(tables.paths).length} decisions, ${Object.keys(tables.follows).length} follow sets`);
