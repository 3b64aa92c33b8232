#!/usr/bin/env node
/**
 * Bundles the VS Code extension with esbuild (CommonJS, platform node,
 * `vscode` external):
 *   dist/client.cjs        the extension entry (package.json `main`), kept small
 *                          so activation is cheap
 *   dist/server.cjs        the language server, started over IPC
 *   dist/check.cjs         the validator, checker and native loader, loaded by the
 *                          client only when a test/signing command first runs
 *   dist/pages-worker.js   the page-hash worker the validator starts for large files
 *                          (ESM: the package is "type": "module")
 * The native addon (`.node`) is never bundled: native/index.ts finds it at run
 * time under the extension root (build/Release or prebuilds/).
 *
 * Options: --minify (used by `npm run package`), --e2e (also bundles the
 * extension-host test suite to .cache/e2e/suite.cjs).
 */
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const minify = args.has('--minify');

/**
 * In a CommonJS bundle import.meta.url is empty. The validator starts its worker
 * with `new URL('./pages-worker.js', import.meta.url)` and the native loader
 * finds the package root from it, so it is defined as the bundle's own file URL.
 */
mkdirSync(path.join(repo, '.cache', 'bundle'), { recursive: true });
const importMetaShim = path.join(repo, '.cache', 'bundle', 'import-meta-url.js');
writeFileSync(importMetaShim, "export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;\n");

/** `.node` files stay outside the bundle (the loader requires them by path at run time). */
const nativeExternal = {
  name: 'native-external',
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (a) => ({ path: a.path, external: true }));
  },
};

/**
 * The server loads the validator with `import(variable)` so it starts without it; a
 * bundle cannot follow that, so the variable specifiers become literals here and the
 * validator is bundled into the server.
 */
const literalValidatorImports = {
  name: 'literal-validator-imports',
  setup(build) {
    build.onLoad({ filter: /server[\\/]commands\.ts$/ }, async (a) => {
      const { readFile } = await import('node:fs/promises');
      let text = await readFile(a.path, 'utf8');
      text = text.replace(/await import\((readSpec|evalSpec)\)/g, (_m, name) => `await import(${name === 'readSpec' ? "'../validator/read.js'" : "'../validator/evaluate/evaluate.js'"})`);
      return { contents: text, loader: 'ts' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  sourcemap: minify ? false : 'linked',
  minify,
  logLevel: 'warning',
  mainFields: ['module', 'main'],
  plugins: [nativeExternal],
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: [importMetaShim],
  // TypeScript sources import './x.js' for './x.ts'.
  resolveExtensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
};

const builds = [
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'client', 'extension.ts')], outfile: path.join(repo, 'dist', 'client.cjs') },
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'client', 'check-entry.ts')], outfile: path.join(repo, 'dist', 'check.cjs') },
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'server', 'main.ts')], outfile: path.join(repo, 'dist', 'server.cjs'), plugins: [nativeExternal, literalValidatorImports] },
  {
    ...common,
    format: 'esm',
    define: {},
    inject: [],
    entryPoints: [path.join(repo, 'validator', 'signature', 'pages-worker.ts')],
    outfile: path.join(repo, 'dist', 'pages-worker.js'),
  },
];
if (args.has('--e2e')) {
  mkdirSync(path.join(repo, '.cache', 'e2e'), { recursive: true });
  builds.push({ ...common, format: 'cjs', sourcemap: 'inline', entryPoints: [path.join(repo, 'test', 'e2e', 'suite', 'index.ts')], outfile: path.join(repo, '.cache', 'e2e', 'suite.cjs') });
}

const t0 = performance.now();
const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, metafile: true })));
const sizes = results.map((r) => Object.entries(r.metafile.outputs).filter(([f]) => !f.endsWith('.map')).map(([f, o]) => `${path.relative(repo, f)} ${(o.bytes / 1024).toFixed(0)} KB`)).flat();
process.stdout.write(`bundled in ${Math.round(performance.now() - t0)} ms: ${sizes.join(', ')}\n`);
