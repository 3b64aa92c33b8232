/**
 * `csrl check` driven with synthetic read reports (the reader replaced by a
 * seam), so every verdict, exit status and output shape is tested without
 * binaries. End-to-end runs over real fixtures are in check-fixtures.test.ts.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCheck, overall, type CheckResult } from '../../cli/commands/check.js';
import { memoryIO, UsageError } from '../../cli/io.js';
import type { CodeFacts } from '../../validator/facts.js';
import { CodeReadError, type CodeReport, type ReadOptions, type SliceReport } from '../../validator/read.js';
import type { Problem } from '../../validator/problems.js';
import { developerIdChain, developerIdFacts, facts } from '../validator/evaluate-ast.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  calls: { path: string; options: ReadOptions }[];
}

function slice(arch: string, f: CodeFacts | undefined, problems: Problem[] = []): SliceReport {
  const status = f === undefined ? 'unsigned' : f.adhoc ? 'adhoc' : 'signed';
  return {
    arch,
    cpuType: 0,
    cpuSubtype: 0,
    fileType: 'execute',
    offset: 0,
    size: 0,
    status,
    facts: f ?? facts({ codeDirectories: [], identifier: undefined, cdhash: undefined }),
    blobs: [],
    verification: {
      ok: f !== undefined && !problems.some((p) => p.severity === 'error'),
      problems: f === undefined ? [{ code: 'unsigned', severity: 'error', message: `slice ${arch} has no code signature` }] : problems,
      pagesVerified: true,
    },
  };
}

function report(...slices: SliceReport[]): CodeReport {
  return { path: '/x/Tool', executablePath: '/x/Tool', container: slices.length > 1 ? 'fat' : 'thin', slices };
}

async function check(args: string[], result: CodeReport | Error, options: { cwd?: string } = {}): Promise<Captured> {
  const calls: Captured['calls'] = [];
  const m = memoryIO(options.cwd ?? tmpdir());
  const code = await runCheck(args, m.io, {
    readCode: async (p, o) => {
      calls.push({ path: p, options: o });
      if (result instanceof Error) throw result;
      return result;
    },
  });
  return { code, stdout: m.stdout(), stderr: m.stderr(), calls };
}

const DEVID = 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = ABCDE12345';

describe('verdicts and exit status', () => {
  it('satisfied: exit 0, every clause marked ✔', async () => {
    const r = await check(['-e', DEVID, 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Tool \(arm64\): satisfied$/m);
    assert.match(r.stdout, /✔ certificate leaf\[subject\.OU\] = ABCDE12345\n\s+certificate leaf\[subject\.OU\] is "ABCDE12345", expected "ABCDE12345"/);
    assert.match(r.stdout, /^result: satisfied \(1 slice: 1 satisfied\)$/m);
    assert.equal(r.stderr, '');
  });
  it('not satisfied: exit 1, the failing clause is named with its evidence', async () => {
    const r = await check(['-e', DEVID, 'Tool'], report(slice('arm64', developerIdFacts({ certificates: developerIdChain('97JCY7859U') }))));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✘ all of: certificate leaf\[subject\.OU\] = ABCDE12345 does not hold/);
    assert.match(r.stdout, /✘ certificate leaf\[subject\.OU\] = ABCDE12345\n\s+certificate leaf\[subject\.OU\] is "97JCY7859U", expected "ABCDE12345"/);
  });
  it('an and-chain is shown flat: one line per clause', async () => {
    const r = await check(['-e', DEVID, 'Tool'], report(slice('arm64', developerIdFacts())));
    const marks = r.stdout.split('\n').filter((l) => /^\s+[✔✘?] /.test(l));
    assert.equal(marks.length, 5, r.stdout); // "all of" + 4 clauses
  });
  it('undetermined: exit 2 with the reason', async () => {
    const r = await check(['-e', 'anchor apple generic and notarized', 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.equal(r.code, 2);
    assert.match(r.stdout, /\? notarized\n.*\[needs-notarization-ticket\]/);
  });
  it('a universal binary passes only if every slice passes', async () => {
    const good = slice('x86_64', developerIdFacts());
    const bad = slice('arm64', developerIdFacts({ certificates: developerIdChain('ZZZZZ99999') }));
    const r = await check(['-e', DEVID, 'Tool'], report(good, bad));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Tool \(x86_64\): satisfied/);
    assert.match(r.stdout, /Tool \(arm64\): not satisfied/);
    assert.match(r.stdout, /result: not satisfied \(2 slices: 1 satisfied, 1 not satisfied\)/);
  });
  it('an unsigned slice makes the whole invalid (exit 3) and says which', async () => {
    const r = await check(['-e', DEVID, 'Tool'], report(slice('x86_64', undefined), slice('arm64', developerIdFacts())));
    assert.equal(r.code, 3);
    assert.match(r.stdout, /Tool \(x86_64\): cannot be checked: the slice is not signed/);
  });
  it('an invalid signature is exit 3 and names the problem', async () => {
    const problems: Problem[] = [{ code: 'page-hash-mismatch', severity: 'error', message: 'page 3 hash mismatch' }];
    const r = await check(['-e', DEVID, 'Tool'], report(slice('arm64', developerIdFacts(), problems)));
    assert.equal(r.code, 3);
    assert.match(r.stdout, /cannot be checked: invalid signature: page 3 hash mismatch \[page-hash-mismatch\]/);
  });
  it('a file that cannot be read as code is exit 3 with the reader\'s reason', async () => {
    const r = await check(['-e', DEVID, 'notes.txt'], new CodeReadError('not-macho', 'notes.txt is not a Mach-O file (magic 0x68656c6c)'));
    assert.equal(r.code, 3);
    assert.match(r.stderr, /notes\.txt: cannot be checked: notes\.txt is not a Mach-O file/);
  });
  it('verdict precedence: invalid > unsatisfied > undetermined > satisfied', () => {
    assert.equal(overall(['satisfied', 'undetermined', 'unsatisfied']), 'unsatisfied');
    assert.equal(overall(['undetermined', 'invalid', 'unsatisfied']), 'invalid');
    assert.equal(overall(['satisfied', 'undetermined']), 'undetermined');
    assert.equal(overall(['satisfied', 'satisfied']), 'satisfied');
    assert.equal(overall([]), 'invalid');
  });
  it('posture warnings are printed beside the verdict', async () => {
    const f = developerIdFacts({ entitlements: { 'com.apple.security.get-task-allow': true } });
    const r = await check(['-e', DEVID, 'Tool'], report(slice('arm64', f)));
    assert.match(r.stdout, /posture:\n(.*\n)*\s+! com\.apple\.security\.get-task-allow is true: .* \[get-task-allow\]/);
  });
});

describe('requirement input', () => {
  it('a syntax error is exit 3 with FILE:LINE:COL diagnostics, and the code is not read', async () => {
    const r = await check(['-e', 'anchor apple generic and\ncertificate leaf[subject.OU] = 9ABCDE1234', 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^<text>:2:\d+: error: .* \[CSR\d+\]$/m);
    assert.match(r.stderr, /the requirement has errors/);
    assert.equal(r.calls.length, 0);
  });
  it('a requirement set where one requirement is expected is an error', async () => {
    const r = await check(['-e', 'designated => anchor apple generic', 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.equal(r.code, 3);
    assert.match(r.stderr, /error: .*\[CSR018\]/);
  });
  it('-r reads a text file relative to the working directory', async () => {
    const dir = tempDir('csrl-check-');
    writeFileSync(path.join(dir, 'req.txt'), `${DEVID}\n`);
    const r = await check(['-r', 'req.txt', 'Tool'], report(slice('arm64', developerIdFacts())), { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.calls[0]!.path, path.join(dir, 'Tool'));
  });
  it('-r reads a compiled blob (a file starting with 0xfa, as csreq does)', async () => {
    const dir = tempDir('csrl-check-');
    // `identifier "com.example.app" and anchor apple generic`
    writeFileSync(path.join(dir, 'req.bin'), Buffer.from('fade0c000000002c0000000100000006000000020000000f636f6d2e6578616d706c652e617070000000000f', 'hex'));
    const r = await check(['-r', 'req.bin', 'Tool'], report(slice('arm64', developerIdFacts())), { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const bad = Buffer.from('fade0c000000002c00000001', 'hex');
    writeFileSync(path.join(dir, 'bad.bin'), bad);
    const r2 = await check(['-r', 'bad.bin', 'Tool'], report(slice('arm64', developerIdFacts())), { cwd: dir });
    assert.equal(r2.code, 3);
    assert.match(r2.stderr, /not a valid requirement blob/);
  });
  it('a certificate file named in the requirement is hashed (SHA-1 of its bytes)', async () => {
    const dir = tempDir('csrl-check-');
    const f = developerIdFacts();
    writeFileSync(path.join(dir, 'leaf.cer'), f.certificates[0]!.der);
    writeFileSync(path.join(dir, 'req.txt'), 'certificate leaf = "leaf.cer"\n');
    const ok = await check(['-r', 'req.txt', 'Tool'], report(slice('arm64', f)), { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    writeFileSync(path.join(dir, 'req2.txt'), 'certificate leaf = "missing.cer"\n');
    const missing = await check(['-r', 'req2.txt', 'Tool'], report(slice('arm64', f)), { cwd: dir });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /missing\.cer: not found/);
  });
});

describe('options', () => {
  it('--no-verify-pages, --arch and --at reach the reader', async () => {
    const r = await check(['-e', DEVID, '--no-verify-pages', '--arch', 'arm64', '--at', '2024-01-31T12:00:00Z', 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.equal(r.code, 0);
    assert.equal(r.calls[0]!.options.verifyPages, false);
    assert.equal(r.calls[0]!.options.arch, 'arm64');
    assert.deepEqual(r.calls[0]!.options.at, new Date('2024-01-31T12:00:00Z'));
  });
  it('--at without a zone means UTC', async () => {
    const r = await check(['-e', DEVID, '--at', '2024-01-31T12:00', 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.deepEqual(r.calls[0]!.options.at, new Date('2024-01-31T12:00:00Z'));
  });
  it('many signature errors are summarised', async () => {
    const problems: Problem[] = Array.from({ length: 50 }, (_, i) => ({ code: 'page-hash-mismatch', severity: 'error' as const, message: `page ${i} hash mismatch` }));
    const r = await check(['-e', DEVID, 'Tool'], report(slice('arm64', developerIdFacts(), problems)));
    assert.equal(r.code, 3);
    assert.match(r.stdout, /page 2 hash mismatch \[page-hash-mismatch\]; and 47 more/);
  });
  it('defaults: pages verified, validity at the signing time', async () => {
    const r = await check(['-e', DEVID, 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.equal(r.calls[0]!.options.verifyPages, true);
    assert.equal(r.calls[0]!.options.at, 'signing-time');
    const now = await check(['-e', DEVID, '--at', 'now', 'Tool'], report(slice('arm64', developerIdFacts())));
    assert.equal(now.calls[0]!.options.at, 'now');
  });
  const usage: [string, string[]][] = [
    ['no requirement', ['Tool']],
    ['no path', ['-e', DEVID]],
    ['two paths', ['-e', DEVID, 'a', 'b']],
    ['both -e and -r', ['-e', DEVID, '-r', 'f', 'Tool']],
    ['a bad --at', ['-e', DEVID, '--at', 'yesterday', 'Tool']],
    ['an impossible --at date', ['-e', DEVID, '--at', '2024-13-45', 'Tool']],
    ['an unknown option', ['-e', DEVID, '--fast', 'Tool']],
  ];
  for (const [name, args] of usage) {
    it(`usage error: ${name}`, async () => {
      await assert.rejects(check(args, report()), UsageError);
    });
  }
  it('usage errors exit 64 through the dispatcher', async () => {
    const r = await runCli(['check', '-e', DEVID]);
    assert.equal(r.code, 64);
    assert.match(r.stderr, /PATH/);
  });
  it('--help exits 0 and documents the exit codes', async () => {
    const r = await runCli(['check', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /3 {2}cannot be checked/);
  });
});

describe('--json', () => {
  it('has verdict, requirement and per-slice arch, verdict, tree, posture, problems', async () => {
    const r = await check(['--json', '-e', DEVID, 'Tool'], report(slice('x86_64', undefined), slice('arm64', developerIdFacts({ certificates: developerIdChain('ZZZZZ99999') }))));
    assert.equal(r.code, 3);
    const j = JSON.parse(r.stdout) as CheckResult;
    assert.equal(j.verdict, 'invalid');
    assert.equal(j.requirement, DEVID);
    assert.deepEqual(j.slices.map((s) => [s.arch, s.verdict]), [['x86_64', 'invalid'], ['arm64', 'unsatisfied']]);
    assert.equal(j.slices[0]!.tree, null);
    const tree = j.slices[1]!.tree!;
    assert.equal(tree.kind, 'and');
    assert.equal(tree.verdict, 'false');
    assert.ok(tree.range.start.line === 1 && tree.range.end.offset === DEVID.length, 'ranges point into the text');
    assert.ok(Array.isArray(j.slices[1]!.posture) && Array.isArray(j.slices[1]!.problems));
    assert.equal(j.slices[0]!.problems[0]!.code, 'unsigned');
  });
  it('reports a read error as verdict invalid with the reader\'s code', async () => {
    const r = await check(['--json', '-e', DEVID, 'x'], new CodeReadError('not-found', 'x: no such file'));
    assert.equal(r.code, 3);
    const j = JSON.parse(r.stdout) as CheckResult;
    assert.equal(j.verdict, 'invalid');
    assert.deepEqual(j.error, { code: 'not-found', message: 'x: no such file' });
    assert.deepEqual(j.slices, []);
  });
  it('reports requirement errors as verdict invalid', async () => {
    const r = await check(['--json', '-e', 'anchor applle generic', 'x'], report());
    assert.equal(r.code, 3);
    assert.equal((JSON.parse(r.stdout) as CheckResult).error?.code, 'requirement-invalid');
  });
});
