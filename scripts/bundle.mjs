#!/usr/bin/env node
/**
 * Bundles the VS Code extension with esbuild (CommonJS, platform node,
 * `vscode` external):
 *   dist/client.cjs        the extension entry (package.json `main`), kept small
 *                          so activation is cheap
 *   dist/lsp.cjs           the language client library, loaded when the server starts
 *   dist/server.cjs        the language server, started over IPC
 *   dist/server-validator.cjs  the validator as the server's test commands use it,
 *                          loaded by the server on the first such command
 *   dist/native.cjs        the native addon loader, for the status bar's validator
 *   dist/check.cjs         the validator, checker and native loader, loaded by the
 *                          client only when a test/signing command first runs
 *   dist/pages-worker.js   the page-hash worker the validator starts for large files
 *                          (ESM: the package is "type": "module")
 * The native addon (`.node`) is never bundled: native/index.ts finds it at run
 * time under the extension root (build/Release or prebuilds/).
 *
 * Options: --print-contributes (see below); --outdir DIR (instead of dist/); --minify; --e2e (also bundles the extension-host test suite to
 * .cache/e2e/suite.cjs); --package (`npm run package`: minified bundles, then
 * `vsce package` for this platform, e.g. csrl-0.1.0-linux-x64.vsix, holding the
 * native addon built here; --out FILE to choose the name).
 */
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
 * --print-contributes: prints the manifest's `contributes` (languages and grammars from
 * syntaxes/contributes.json with paths made relative to the extension root, plus the
 * commands, menus, results view and settings). Other helpers edit package.json at the
 * same time, so it is applied with one atomic edit:
 *   npm pkg set "contributes=$(node scripts/bundle.mjs --print-contributes)" --json
 */
if (args.has('--print-contributes')) {
  const { readFileSync } = await import('node:fs');
  const syn = JSON.parse(readFileSync(path.join(repo, 'syntaxes', 'contributes.json'), 'utf8')).contributes;
  const fix = (p) => './syntaxes/' + p.replace(/^\.\//, '');
  const languages = syn.languages.map((l) => (l.configuration ? { ...l, configuration: fix(l.configuration) } : l));
  const grammars = syn.grammars.map((g) => ({ ...g, path: fix(g.path) }));
  const cmd = (command, title, extra = {}) => ({ command, title, category: 'CSRL', ...extra });
  const ctx = "editorLangId == csreq || editorLangId == swift || editorLangId == objective-c || editorLangId == objective-cpp || editorLangId == c || editorLangId == cpp || editorLangId == shellscript || editorLangId == plist || editorLangId == xml";
  // Lightweight code requirements live in plists, JSON and C-family or Swift source.
  const lwcrCtx = 'editorLangId == swift || editorLangId == objective-c || editorLangId == objective-cpp || editorLangId == c || editorLangId == cpp || editorLangId == plist || editorLangId == xml || editorLangId == json';
  const contributes = {
    languages,
    grammars,
    commands: [
      cmd('csrl.testAgainstBinary', 'Test requirement against app or binary…', { icon: '$(beaker)' }),
      cmd('csrl.testAgainstProcess', 'Test requirement against running process…'),
      cmd('csrl.showSigningInfo', 'Show signing information of…'),
      cmd('csrl.insertDesignated', 'Insert designated requirement of…'),
      cmd('csrl.compileToBinary', 'Compile requirement to binary'),
      cmd('csrl.openCompiledAsText', 'Open compiled requirement as text'),
      cmd('csrl.generateXpcCode', 'Generate XPC validation code'),
      cmd('csrl.saveDecompiledText', 'Save decompiled text as…'),
      cmd('csrl.clearResults', 'Clear requirement test results', { icon: '$(clear-all)' }),
      cmd('csrl.showOutput', 'Show log'),
      cmd('csrl.testLwcrAgainstBinary', 'Test LWCR against app or binary…'),
      cmd('csrl.testLwcrAgainstProcess', 'Test LWCR against running process…'),
      cmd('csrl.convertToLwcr', 'Convert to LWCR'),
      cmd('csrl.convertToRequirement', 'Convert to requirement'),
    ],
    menus: {
      commandPalette: [
        { command: 'csrl.saveDecompiledText', when: 'resourceScheme == csreq-decompiled' },
      ],
      'editor/context': [
        { command: 'csrl.testAgainstBinary', when: ctx, group: 'csrl@1' },
        { command: 'csrl.testAgainstProcess', when: ctx, group: 'csrl@2' },
        { command: 'csrl.insertDesignated', when: ctx, group: 'csrl@3' },
        { command: 'csrl.compileToBinary', when: ctx, group: 'csrl@4' },
        { command: 'csrl.generateXpcCode', when: ctx, group: 'csrl@5' },
        { command: 'csrl.testLwcrAgainstBinary', when: lwcrCtx, group: 'csrl-lwcr@1' },
        { command: 'csrl.testLwcrAgainstProcess', when: lwcrCtx, group: 'csrl-lwcr@2' },
        { command: 'csrl.convertToLwcr', when: ctx, group: 'csrl-lwcr@3' },
        { command: 'csrl.convertToRequirement', when: lwcrCtx, group: 'csrl-lwcr@4' },
      ],
      'explorer/context': [
        { command: 'csrl.openCompiledAsText', when: '!explorerResourceIsFolder', group: 'csrl@1' },
        { command: 'csrl.showSigningInfo', group: 'csrl@2' },
      ],
      'view/title': [{ command: 'csrl.clearResults', when: 'view == csrl.results', group: 'navigation' }],
    },
    views: {
      explorer: [{ id: 'csrl.results', name: 'Requirement Test Results', icon: '$(shield)' }],
    },
    viewsWelcome: [{ view: 'csrl.results', contents: 'Test a requirement against an app, a binary or a running process to see, clause by clause, why it holds or not.\n[Test against app or binary…](command:csrl.testAgainstBinary)' }],
    configuration: {
      title: 'Code Signing Requirements',
      properties: {
        'csrl.rules': {
          type: 'object',
          scope: 'resource',
          default: {},
          markdownDescription: 'Severity per lint rule, by code or name, e.g. `{ "CSR101": "off", "no-minimum-version": "warning" }`. See docs/lint-rules.md.',
          additionalProperties: { type: 'string', enum: ['off', 'hint', 'information', 'warning', 'error'] },
        },
        'csrl.context': {
          type: 'string', scope: 'resource', enum: ['default', 'privileged-helper'], default: 'default',
          enumDescriptions: ['Ordinary requirements.', 'Requirements guarding a privileged helper or XPC service: the team and anti-injection rules become errors.'],
          description: 'What the requirements protect; tightens the lint rules for privileged helpers.',
        },
        'csrl.mode': { type: 'string', scope: 'resource', enum: ['auto', 'single', 'set'], default: 'auto', description: 'Whether .csreq files hold a single requirement or a requirement set (auto: sensed from the text).' },
        'csrl.validator': {
          type: 'string', enum: ['auto', 'portable', 'security-framework'], default: 'auto',
          enumDescriptions: ['Security.framework beside the portable checker on macOS when the native addon loads; the portable checker elsewhere.', 'Only the portable checker (same answer on every OS).', "Ask for Apple's Security.framework (macOS only)."],
          description: 'Which validator tests requirements against code.',
        },
        'csrl.verificationTime': { type: 'string', default: 'signing-time', markdownDescription: 'When certificates must be valid: `signing-time` (the secure timestamp, else the CMS signing time), `now`, or an ISO-8601 date such as `2024-01-31T12:00:00Z`.' },
        'csrl.verifyPages': { type: 'boolean', default: true, description: 'Hash every code page when testing against a binary (slower for large apps; cancellable).' },
        'csrl.defaultTargets': { type: 'array', items: { type: 'string' }, default: [], scope: 'resource', description: 'Apps and binaries offered first when testing a requirement (absolute paths).' },
      },
    },
  };
  process.stdout.write(JSON.stringify(contributes) + '\n');
  process.exit(0);
}

/**
 * In a CommonJS bundle import.meta.url is empty. The validator starts its worker
 * with `new URL('./pages-worker.js', import.meta.url)` and the native loader
 * finds the package root from it, so it is defined as the bundle's own file URL.
 */
mkdirSync(path.join(repo, '.cache', 'bundle'), { recursive: true });
const importMetaShim = path.join(repo, '.cache', 'bundle', 'import-meta-url.js');

/**
 * Bundles are rebuilt while tests and a running VS Code may be reading them:
 * a file is replaced by a rename (never seen half-written) and only when its
 * bytes change.
 */
function writeIfChanged(file, contents) {
  const bytes = typeof contents === 'string' ? Buffer.from(contents) : contents;
  try {
    if (Buffer.compare(readFileSync(file), bytes) === 0) return;
  } catch {
    // not there yet
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

writeIfChanged(importMetaShim, "export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;\n");

/** `.node` files stay outside the bundle (the loader requires them by path at run time). */
const nativeExternal = {
  name: 'native-external',
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (a) => ({ path: a.path, external: true }));
  },
};

/**
 * The validator only parses property lists (validator/signature/plist.ts), but
 * the `plist` package's entry also loads its builders and xmlbuilder (about
 * 260 KB): the bundles take its parser module alone, so `csrl check` does not
 * compile code it never runs. (The package's `exports` hide the module from
 * ordinary imports; the unbundled build keeps the full package.)
 * That parser is the general reader, which the fast one leaves only odd
 * property lists to; loading it starts xmldom (building its entity tables
 * took about a tenth of `csrl check`'s own time). So the bundles load it on
 * its first call: a getter that requires the module (esbuild runs a bundled
 * module's top level when it is first required).
 */
const plistParseOnly = {
  name: 'plist-parse-only',
  setup(build) {
    build.onResolve({ filter: /^plist$/ }, (a) =>
      /[\\/]validator[\\/]signature[\\/]plist\.ts$/.test(a.importer) ? { path: 'plist-parse-on-first-use', namespace: 'plist-lazy' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'plist-lazy' }, () => ({
      contents: `module.exports = { get parse() { return require(${JSON.stringify(path.join(repo, 'node_modules', 'plist', 'dist', 'parse.js'))}).parse; } };`,
      loader: 'js',
      resolveDir: repo,
    }));
  },
};

/**
 * The server imports the validator (server/validator-entry.ts) when a test command
 * first runs, so it starts without parsing it (about half of its code). In the
 * server bundle that import loads dist/server-validator.cjs, the file beside it;
 * the CLI's ESM bundle, split by dynamic imports, makes it a chunk without help.
 */
const validatorApart = {
  name: 'validator-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/validator-entry\.js$/ }, (a) =>
      /[\\/]server[\\/]commands\.ts$/.test(a.importer) ? { path: './server-validator.cjs', external: true } : undefined);
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
  plugins: [nativeExternal, plistParseOnly],
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
  // dynamic-import off: the validator's import becomes a require. import() of a CommonJS
  // file goes through Node's ESM loader, which also scans the whole file for export
  // names: measured, the first test command took about 100 ms longer than with require.
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'server', 'main.ts')], outfile: path.join(dist, 'server.cjs'), plugins: [nativeExternal, plistParseOnly, validatorApart], supported: { 'dynamic-import': false } },
  { ...common, format: 'cjs', entryPoints: [path.join(repo, 'server', 'validator-entry.ts')], outfile: path.join(dist, 'server-validator.cjs') },
  {
    ...common,
    format: 'esm',
    define: {},
    inject: [],
    entryPoints: [path.join(repo, 'validator', 'signature', 'pages-worker.ts')],
    outfile: path.join(dist, 'pages-worker.js'),
  },
];
// The CLI as ESM chunks, one per command (split so `csrl parse` never loads the
// signature reader): loading one file instead of hundreds of package modules is
// what makes a CLI process start fast. CommonJS dependencies inside an ESM bundle
// need a `require`, which the banner provides.
builds.push({
  ...common,
  format: 'esm',
  splitting: true,
  define: {},
  inject: [],
  entryPoints: { main: path.join(repo, 'cli', 'main.ts'), lsp: path.join(repo, 'server', 'stdio.ts'), 'pages-worker': path.join(repo, 'validator', 'signature', 'pages-worker.ts') },
  outdir: path.join(dist, 'cli'),
  banner: { js: "import { createRequire as __csrlCreateRequire } from 'node:module'; const require = __csrlCreateRequire(import.meta.url);" },
});
/**
 * `csrl check` and `csrl info` are loaded from one file, dist/cli/signature.js
 * (bin/csrl.js picks it): the CLI with those two commands bundled whole. Loading
 * the three dozen shared chunks they need from the split build cost about 30 ms
 * of CPU more (each ES module is resolved, read, compiled and linked on its own),
 * on a process whose whole budget is a few times `openssl dgst`. Every other
 * command in this file hands over to the split CLI beside it, so either file
 * answers every command alike.
 */
const SIGNATURE_COMMANDS = new Set(['check', 'info']);
const otherCommandsElsewhere = {
  name: 'other-commands-elsewhere',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (a) => {
      const name = /([\w-]+)\.js$/.exec(a.path)[1];
      return /[\\/]cli[\\/]main\.ts$/.test(a.importer) && !SIGNATURE_COMMANDS.has(name) ? { path: name, namespace: 'split-cli' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'split-cli' }, (a) => ({
      contents: `export const run = (argv, io) => import('./main.js').then((m) => m.main([${JSON.stringify(a.path)}, ...argv], io));`,
      loader: 'js',
    }));
  },
};
builds.push({
  ...common,
  format: 'esm',
  define: {},
  inject: [],
  entryPoints: { signature: path.join(repo, 'cli', 'main.ts') },
  outdir: path.join(dist, 'cli'),
  // No comments or line breaks: besides being a quarter smaller, the file is then pure ASCII, which V8 keeps
  // and scans as a one-byte string (a few non-ASCII characters in comments made all 1.4 MB two-byte).
  minifyWhitespace: true,
  plugins: [...common.plugins, otherCommandsElsewhere],
  external: [...common.external, './main.js'],
  banner: { js: "import { createRequire as __csrlCreateRequire } from 'node:module'; const require = __csrlCreateRequire(import.meta.url);" },
});
if (args.has('--e2e')) {
  mkdirSync(path.join(repo, '.cache', 'e2e'), { recursive: true });
  builds.push({ ...common, format: 'cjs', sourcemap: 'inline', entryPoints: [path.join(repo, 'test', 'e2e', 'suite', 'index.ts')], outfile: path.join(repo, '.cache', 'e2e', 'suite.cjs') });
}

const t0 = performance.now();
const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, metafile: true, write: false })));
for (const r of results) for (const o of r.outputFiles) writeIfChanged(o.path, o.contents);
// Chunk names carry content hashes, so each change of the code leaves the old chunks behind; they would be packaged.
const written = new Set(results.flatMap((r) => r.outputFiles.map((o) => o.path)));
const cliDir = path.join(dist, 'cli');
for (const name of readdirSync(cliDir)) if (!written.has(path.join(cliDir, name))) rmSync(path.join(cliDir, name));
// One short line: the entry bundles by name, the CLI's code-split chunks as a count (every chunk listed made a ~3 KB line).
const outputs = results.flatMap((r) => Object.entries(r.metafile.outputs)).filter(([f]) => !f.endsWith('.map'));
const chunks = outputs.filter(([f]) => path.basename(path.dirname(f)) === 'cli');
const entries = outputs.filter(([f]) => path.basename(path.dirname(f)) !== 'cli');
const kb = (bytes) => `${Math.round(bytes / 1024)} KB`;
const chunkBytes = chunks.reduce((n, [, o]) => n + o.bytes, 0);
process.stdout.write(
  `bundled in ${Math.round(performance.now() - t0)} ms: ${entries.map(([f, o]) => `${path.basename(f)} ${kb(o.bytes)}`).join(', ')}${chunks.length ? `; cli/ ${chunks.length} files ${kb(chunkBytes)}` : ''}\n`,
);

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
    'docs/extension.md',
    'dist/client.cjs',
    'dist/lsp.cjs',
    'dist/check.cjs',
    'dist/native.cjs',
    'dist/server.cjs',
    'dist/server-validator.cjs',
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
  // The extension's own guide is its marketplace README (the repository README
  // links into the source tree, which vsce rejects without a repository URL).
  copyFileSync(path.join(repo, 'docs', 'extension.md'), path.join(stage, 'README.md'));
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
