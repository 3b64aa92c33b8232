/**
 * The doors to an LWCR check, over one table of cases: `csrl check --lwcr-json
 * --json` (the CLI), the language server's csrl.testLwcrAgainstPath/Pid (as
 * any LSP editor calls them) and the extension's "Test LWCR against app or
 * binary…" (client/check-entry.ts testLwcr), each for a path and for a
 * process (`--pid`, "Test LWCR against running process…"). Both must give the same
 * verdict, slices and words; a tampered, unsigned or partly unsigned target,
 * or a process whose file was replaced, is never satisfied at either. A new
 * way to reach an LWCR check belongs in DOORS.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { lwcrAt, testLwcr, type LwcrCheckResult } from '../../client/check-entry.js';
import { failureLine } from '../../engine/render.js';
import { writeDoorFiles } from '../support/door-files.js';
import type { TestLwcrResult } from '../../protocol/lsp.js';
import { runCli } from '../support/cli.js';
import { LspClient } from '../server/lsp-client.js';

interface Case {
  name: string;
  lwcr: string;
  target: () => Promise<Target>;
  verdict: LwcrCheckResult['verdict'];
  words?: RegExp;
}

type Target = { path: string } | { pid: number };

interface Answer {
  verdict: string;
  slices: { arch: string; verdict: string; invalidReason?: string | undefined; tree?: string }[];
  words?: string;
}

function answerOf(r: LwcrCheckResult): Answer {
  return {
    verdict: r.verdict,
    slices: r.slices.map((s) => ({ arch: s.arch, verdict: s.verdict, invalidReason: s.invalidReason, ...(s.tree ? { tree: `${s.tree.verdict} ${s.tree.explanation}` } : {}) })),
    ...(r.slices.length === 0 ? { words: failureLine({ ...r, slices: [] }) } : {}),
  };
}

let dir: string;
const files: Record<string, string> = {};
const children: ChildProcess[] = [];
let lsp: LspClient;

async function started(exe: string): Promise<number> {
  const child = spawn(exe, ['60'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child.pid!;
}

before(async () => {
  lsp = await LspClient.start();
  dir = mkdtempSync(join(tmpdir(), 'csrl-lwcr-doors-'));
  Object.assign(files, writeDoorFiles(dir));
  files.text = join(dir, 'notes.txt');
  writeFileSync(files.text, 'not code\n');
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await lsp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const at = (name: string) => async (): Promise<Target> => ({ path: files[name]! });

const ID = '{"signing-identifier": "com.example.doors"}';
const CASES: Case[] = [
  { name: 'a satisfied binary', lwcr: ID, target: at('good'), verdict: 'satisfied' },
  { name: 'an unsatisfied binary', lwcr: '{"signing-identifier": "com.example.other"}', target: at('good'), verdict: 'unsatisfied', words: /signing-identifier = .*com\.example\.other.* does not hold/ },
  { name: 'a binary with one flipped code page', lwcr: ID, target: at('flipped'), verdict: 'invalid', words: /page/ },
  { name: 'a fat file with an unsigned slice', lwcr: ID, target: at('fat'), verdict: 'invalid', words: /not signed/ },
  { name: 'a file that is not code', lwcr: ID, target: at('text'), verdict: 'invalid', words: /not Mach-O|neither Mach-O|Mach-O/ },
  {
    name: `a process (own child, ${process.platform})`,
    lwcr: '{"team-identifier": "ABCDE12345"}',
    target: async () => ({ pid: await started('/bin/sleep') }),
    verdict: 'invalid',
    words: process.platform === 'darwin' ? /./ : /a Linux \(ELF\) executable or library; it carries no Apple code signature/,
  },
  {
    // The process's file was deleted and a signed Mach-O that satisfies the LWCR put at its path and at
    // "<path> (deleted)" (the name Linux's /proc/PID/exe link gives): no door may judge the decoy.
    name: `a process whose executable was deleted and replaced by a signed decoy (own child, ${process.platform})`,
    lwcr: ID,
    target: async () => {
      const exe = join(dir, `deleted-sleeper-${children.length}`);
      writeFileSync(exe, readFileSync('/bin/sleep'), { mode: 0o755 });
      const pid = await started(exe);
      rmSync(exe);
      writeFileSync(`${exe} (deleted)`, readFileSync(files.good!));
      writeFileSync(exe, readFileSync(files.good!));
      return { pid };
    },
    verdict: 'invalid',
    words: process.platform === 'darwin' ? /deleted|replaced|cannot tell which file/ : /deleted-sleeper-\d+, which was deleted or replaced after it started/,
  },
];

const DOORS: Record<string, (c: Case, target: Target) => Promise<Answer>> = {
  async 'csrl check --lwcr-json --json'(c, target) {
    const run = await runCli(['check', '--json', '--lwcr-json', c.lwcr, ...('pid' in target ? ['--pid', String(target.pid)] : [target.path])]);
    const r = JSON.parse(run.stdout) as LwcrCheckResult;
    assert.equal(run.code, { satisfied: 0, unsatisfied: 1, undetermined: 2, invalid: 3 }[r.verdict], run.stderr);
    return answerOf(r);
  },
  async 'LSP workspace/executeCommand'(c, target) {
    const uri = pathToFileURL(join(dir, `door-${Math.random().toString(36).slice(2)}.lwcr.json`)).href;
    lsp.open(uri, 'json', c.lwcr);
    await lsp.waitForDiagnostics(uri);
    const r = 'pid' in target
      ? await lsp.request<TestLwcrResult>('workspace/executeCommand', { command: 'csrl.testLwcrAgainstPid', arguments: [{ uri, pid: target.pid }] })
      : await lsp.request<TestLwcrResult>('workspace/executeCommand', { command: 'csrl.testLwcrAgainstPath', arguments: [{ uri, path: target.path, position: { line: 0, character: 1 } }] });
    return answerOf(r);
  },
  async 'the extension (testLwcr)'(c, target) {
    const lwcr = lwcrAt(c.lwcr, 'lwcr-json', 0, () => 1);
    assert.ok(!('error' in lwcr), JSON.stringify(lwcr));
    try {
      return answerOf(await testLwcr(lwcr, target));
    } catch (err) {
      // A check with no slice is shown as an error message: the engine's failure line.
      assert.equal((err as Error).name, 'UserError', (err as Error).stack);
      return { verdict: 'invalid', slices: [], words: (err as Error).message };
    }
  },
};

describe('every LWCR door gives the same answer, in the same words', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const target = await c.target();
      const answers = Object.fromEntries(await Promise.all(Object.entries(DOORS).map(async ([door, ask]) => [door, await ask(c, target)] as const)));
      for (const [door, a] of Object.entries(answers)) {
        assert.equal(a.verdict, c.verdict, `${door}: ${JSON.stringify(a)}`);
        if (c.words) assert.match(JSON.stringify(a), c.words, door);
      }
      const [first, ...rest] = Object.entries(answers);
      for (const [door, a] of rest) {
        assert.deepEqual(a.slices, first![1].slices, `${door} vs ${first![0]}`);
        assert.equal(a.words, first![1].words, `${door} vs ${first![0]}: the failure in the same words`);
      }
    });
  }
});
