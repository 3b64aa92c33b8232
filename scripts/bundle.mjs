#!/usr/bin/env node
/**
 * Bundles the VS Code extension with esbuild (CommonJS, platform node,
 * `vscode` external):
 *   dist/client.cjs        the extension entry (package.json `main`), kept small
 *                          so activation is cheap
 *   dist/lsp.cjs           the language client library, loaded when the server starts
 *   dist/server.cjs        the language server, started over IPC
 *   dist/native.cjs        the native addon loader, for the status bar's validator
 *   dist/check.cjs         the validator, checker and native loader, loaded by the
 *                          client only when a test/signing command first runs
 *   dist/pages-worker.js   the page-hash worker the validator starts for large files
 *                          (ESM: the package is "type": "module")
 * The native addon (`.node`) is never bundled: native/index.ts finds it at run
 * time under the extension root (build/Release or prebuilds/).
 *
 * Options: --outdir DIR (instead of dist/); --minify; --e2e (also bundles the extension-host test suite to
 * .cache/e2e/suite.cjs); --package (`npm run package`: minified bundles, then
 * `vsce package` for this platform, e.g. csrl-0.1.0-linux-x64.vsix, holding the
 * native addon built here; --out FILE to choose the name).
 */
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const argv = process.argv.slice(2);
const minify = args.has('--minify') || args.has('--package');
const outDirIdx = argv.indexOf('--outdir');
// Another output folder (tests bundle into one of their own so parallel runs do not collide).
const dist = outDirIdx >= 0 ? path.resolve(argv[outDirIdx + 1]) : path.join(repo, 'dist');

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
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'client', 'extension.ts')], outfile: path.join(dist, 'client.cjs') },
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'client', 'lsp-entry.ts')], outfile: path.join(dist, 'lsp.cjs') },
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'client', 'native-entry.ts')], outfile: path.join(dist, 'native.cjs') },
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'client', 'check-entry.ts')], outfile: path.join(dist, 'check.cjs') },
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'server', 'main.ts')], outfile: path.join(dist, 'server.cjs'), plugins: [nativeExternal, literalValidatorImports] },
  {
    ...common,
    format: 'esm',
    define: {},
    inject: [],
    entryPoints: [path.join(repo, 'validator', 'signature', 'pages-worker.ts')],
    outfile: path.join(dist, 'pages-worker.js'),
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

if (args.has('--package')) {
  const { spawnSync } = await import('node:child_process');
  const { copyFileSync, existsSync, readFileSync, rmSync, statSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
  // vsce's platform names (a .vsix with a native addon is platform-specific).
  const target = `${{ darwin: 'darwin', linux: 'linux', win32: 'win32' }[process.platform] ?? process.platform}-${process.arch}`;
  const outIdx = argv.indexOf('--out');
  const out = outIdx >= 0 ? path.resolve(argv[outIdx + 1]) : path.join(repo, `${pkg.name}-${pkg.version}-${target}.vsix`);

  // The root package.json has an npm `files` list (CLI package), which vsce refuses to
  // combine with ignore rules; so the extension is staged with exactly what it runs:
  // the bundles (holding every JS dependency), grammars, language configuration,
  // the native addon built here, and the docs.
  const stage = path.join(repo, '.cache', `vsix-stage-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  const files = [
    'README.md',
    'docs/extension.md',
    'dist/client.cjs',
    'dist/lsp.cjs',
    'dist/check.cjs',
    'dist/native.cjs',
    'dist/server.cjs',
    'dist/pages-worker.js',
    ...(await import('node:fs')).readdirSync(path.join(repo, 'syntaxes')).filter((f) => f.endsWith('.tmLanguage.json') || f === 'language-configuration.json').map((f) => `syntaxes/${f}`),
  ];
  const addon = 'build/Release/csrl_native.node';
  if (existsSync(path.join(repo, addon))) files.push(addon);
  else process.stderr.write('bundle: warning: build/Release/csrl_native.node is missing (run `node native/scripts/install.js`); the .vsix will use the portable checker only\n');
  for (const f of files) {
    const from = f.startsWith('dist/') ? path.join(dist, f.slice(5)) : path.join(repo, f);
    if (!existsSync(from)) throw new Error(`missing ${from}`);
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    copyFileSync(from, path.join(stage, f));
  }
  const { files: _npmFiles, scripts: _scripts, dependencies: _deps, devDependencies: _dev, bin: _bin, allowScripts: _allow, ...manifest } = pkg;
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  // The stage holds only what ships; this keeps vsce from asking for an ignore list.
  writeFileSync(path.join(stage, '.vscodeignore'), '**/*.map\n');
  const vsce = path.join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--target', target, '--out', out], { cwd: stage, stdio: 'inherit' });
  rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0) process.exit(r.status ?? 1);
  process.stdout.write(`packaged ${path.relative(repo, out)} (${(statSync(out).size / 1024).toFixed(0)} KB)\n`);
}
