/**
 * The layers, and what may import what (README, "Architecture"):
 *
 *   client, cli, server        front ends: never import each other
 *     → language-service, engine, protocol
 *       → validator, native    (native: the addon's binding only)
 *         → grammar, lwcr      (pure: no I/O; lwcr may import grammar)
 *
 * The extension (client/) reaches the validator, the native addon and the
 * grammar's codec only through the engine. No import cycle anywhere
 * (`import type` excepted: it does not exist at run time). This test reads
 * the import graph of the sources and fails on any import against these rules.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../e2e/harness.js';

const LAYERS = ['client', 'cli', 'server', 'language-service', 'engine', 'protocol', 'validator', 'native', 'lwcr', 'grammar'] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import (itself always). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  client: ['language-service', 'engine', 'protocol', 'grammar'],
  cli: ['language-service', 'engine', 'protocol', 'validator', 'native', 'lwcr', 'grammar'],
  server: ['language-service', 'engine', 'protocol', 'validator', 'native', 'lwcr', 'grammar'],
  'language-service': ['lwcr', 'grammar'],
  engine: ['validator', 'native', 'lwcr', 'grammar'],
  protocol: ['engine'],
  validator: ['grammar'],
  native: ['grammar'],
  lwcr: ['grammar'],
  grammar: [],
};

/** Inside an allowed layer, modules a layer still may not use: the client gets the codec through the engine. */
const FORBIDDEN: Partial<Record<Layer, RegExp>> = { client: /^grammar\/codec\// };

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Every relative import of the layers' sources: static (`import type` marked), re-exports and dynamic import(). */
function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of LAYERS.flatMap(sources)) {
    const src = readFileSync(path.join(REPO, file), 'utf8');
    const add = (spec: string, typeOnly: boolean) => out.push({ from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.replace(/\.js$/, '.ts'))), typeOnly });
    for (const m of src.matchAll(/^(import|export)\s+(type\s+)?[^;'"]*?from\s+'(\.[^']+)'/gm)) add(m[3]!, m[2] !== undefined);
    for (const m of src.matchAll(/^import\s+'(\.[^']+)'/gm)) add(m[1]!, false);
    for (const m of src.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) add(m[1]!, false);
  }
  return out;
}

const layerOf = (file: string): Layer | undefined => LAYERS.find((l) => file.startsWith(`${l}/`));

describe('architecture: layers and import direction', () => {
  const all = edges();

  it('reads a real import graph (the test can see what it checks)', () => {
    assert.ok(all.length > 300, `${all.length} imports`);
    assert.ok(all.some((e) => e.from === 'cli/commands/check.ts' && e.to === 'engine/check.ts'));
    assert.ok(all.some((e) => e.typeOnly && e.from === 'protocol/lsp.ts'));
  });

  it('every import goes down the layers, never up or sideways between front ends', () => {
    const bad: string[] = [];
    for (const e of all) {
      const from = layerOf(e.from);
      const to = layerOf(e.to);
      if (!from) continue;
      if (!to) {
        bad.push(`${e.from} imports ${e.to}, outside the layers`);
        continue;
      }
      if (from !== to && !MAY_IMPORT[from].includes(to)) bad.push(`${e.from} (${from}) imports ${e.to} (${to})`);
      if (FORBIDDEN[from]?.test(e.to)) bad.push(`${e.from} imports ${e.to}: ${from}/ reaches it through the engine`);
    }
    assert.deepEqual(bad, []);
  });

  it('no import cycle (value imports; `import type` is erased)', () => {
    const g = new Map<string, string[]>();
    for (const e of all) if (!e.typeOnly) g.set(e.from, [...(g.get(e.from) ?? []), e.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    // Iterative depth-first search, so the check itself has no depth limit.
    for (const start of g.keys()) {
      if (state.has(start)) continue;
      const stack: { file: string; next: number }[] = [{ file: start, next: 0 }];
      state.set(start, 'open');
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const deps = g.get(top.file) ?? [];
        if (top.next >= deps.length) {
          state.set(top.file, 'done');
          stack.pop();
          continue;
        }
        const dep = deps[top.next++]!;
        if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.findIndex((s) => s.file === dep)).map((s) => s.file), dep].join(' → '));
        else if (!state.has(dep)) {
          state.set(dep, 'open');
          stack.push({ file: dep, next: 0 });
        }
      }
    }
    assert.deepEqual(cycles, []);
  });
});
