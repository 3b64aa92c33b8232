import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '../../grammar/parser.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cases = join(root, 'test/syntaxes/cases');
const hostGrammars = ['swift', 'objective-c', 'c', 'shellscript', 'xml', 'json', 'yaml'].map((g) => join(root, 'node_modules/tm-grammars/grammars', `${g}.json`));
const config = join(root, 'syntaxes/contributes.json');

interface Run {
  code: number;
  output: string;
}

/** Runs a vscode-tmgrammar-test tool (no shell: arguments are passed as they are; the tool expands the globs). */
function tool(name: 'unit' | 'snapshot', args: string[]): Promise<Run> {
  const script = join(root, 'node_modules/vscode-tmgrammar-test/dist', `${name}.js`);
  return new Promise((resolve) => {
    execFile(process.execPath, [script, '--config', config, ...hostGrammars.flatMap((g) => ['-g', g]), ...args], { cwd: root }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

test('scope assertions of every case pass (csreq grammar and the injections into Swift, Objective-C, shell, plist, YAML)', async () => {
  const files = (await readdir(cases)).filter((f) => !f.endsWith('.snap'));
  assert.ok(files.length >= 9);
  const run = await tool('unit', files.map((f) => join(cases, f)));
  assert.equal(run.code, 0, run.output);
  for (const f of files) assert.match(run.output, new RegExp(`✓ .*${f.replace('.', '\\.')}`), `${f} was not run`);
});

test('snapshots of the csreq cases are unchanged', async () => {
  const files = (await readdir(cases)).filter((f) => /\.(csreq|rqset)$/.test(f));
  for (const f of files) assert.ok((await readdir(cases)).includes(`${f}.snap`), `${f}.snap missing`);
  const run = await tool('snapshot', files.map((f) => join(cases, f)));
  assert.equal(run.code, 0, run.output);
});

test('a wrong scope assertion makes the runner fail (the check can fail)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'csrl-tm-'));
  try {
    const file = join(dir, 'wrong.csreq');
    await writeFile(file, '// SYNTAX TEST "source.csreq"\nanchor apple\n// <------ string.unquoted.csreq\n');
    const run = await tool('unit', [file]);
    assert.notEqual(run.code, 0, run.output);
    assert.match(run.output, /missing required scopes: string\.unquoted\.csreq/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the csreq cases are valid requirement text (assertion lines are // comments)', async () => {
  const files = (await readdir(cases)).filter((f) => /\.(csreq|rqset)$/.test(f));
  for (const f of files) {
    const text = await readFile(join(cases, f), 'utf8');
    const result = parse(text, { mode: f.endsWith('.rqset') ? 'set' : 'single' });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`), [], f);
  }
});

test('the grammar JSON files are what syntaxes/generate.mjs writes', async () => {
  const generator = (await import(join(root, 'syntaxes/generate.mjs'))) as { FILES: Record<string, unknown> };
  const names = Object.keys(generator.FILES);
  assert.ok(names.includes('csreq.tmLanguage.json') && names.includes('language-configuration.json'));
  for (const name of names) {
    const onDisk = JSON.parse(await readFile(join(root, 'syntaxes', name), 'utf8')) as unknown;
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(generator.FILES[name])), `${name} is stale: run node syntaxes/generate.mjs`);
  }
});

test('language configuration: comments, brackets and auto-closing quotes', async () => {
  const conf = JSON.parse(await readFile(join(root, 'syntaxes/language-configuration.json'), 'utf8')) as {
    comments: { lineComment: string; blockComment: [string, string] };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string }[];
  };
  assert.equal(conf.comments.lineComment, '//');
  assert.deepEqual(conf.comments.blockComment, ['/*', '*/']);
  assert.deepEqual(conf.brackets, [['(', ')'], ['[', ']']]);
  assert.ok(conf.autoClosingPairs.some((p) => p.open === '"' && p.close === '"'));
});
