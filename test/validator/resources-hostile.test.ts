/**
 * Hostile resource seals and bundles: whatever CodeResources says, checking
 * stays inside the bundle, bounded in files, bytes, depth and matching time,
 * and ends with problems that name what is wrong.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCode, type ReadOptions } from '../../validator/read.js';
import type { Problem } from '../../validator/problems.js';
import { DEFAULT_RESOURCE_LIMITS } from '../../validator/resources/verify.js';
import { filler, makeBundle, makeMachO, signMachO, type Bundle, type BundleOptions, type SealOptions } from '../signer/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-resources-hostile-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const codes = (problems: Problem[]) => problems.map((p) => p.code);
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

type Seal = { files2: Record<string, unknown>; rules2: Record<string, unknown> };

async function app(edit?: (seal: Seal) => void, options: Partial<BundleOptions> = {}, seal: SealOptions = {}): Promise<Bundle> {
  const d = await mkdtemp(join(dir, 'app-'));
  return makeBundle(d, {
    name: 'Demo',
    identifier: 'com.example.demo',
    sign: { adhoc: true },
    resources: { 'Resources/icon.png': filler(2000, 1), 'Resources/a.txt': 'a' },
    seal: { ...seal, ...(edit ? { edit: (s) => edit(s as Seal) } : {}) },
    ...options,
  });
}

async function problemsOf(path: string, options: ReadOptions = {}): Promise<Problem[]> {
  return (await readCode(path, options)).slices[0]!.verification.problems;
}

describe('seal keys never lead outside the bundle', () => {
  it('traversal and absolute keys are invalid entries, named, and nothing else is reported', async () => {
    const bundle = await app((s) => {
      s.files2['../../etc/passwd'] = { hash2: sha256('x') };
      s.files2['/etc/passwd'] = { hash2: sha256('x') };
      s.files2['Resources/../Info.plist'] = { hash2: sha256('x') };
      s.files2['../../outside.txt'] = { hash2: sha256('outside') };
    });
    await writeFile(join(bundle.path, '..', 'outside.txt'), 'outside');
    const problems = await problemsOf(bundle.path);
    assert.deepEqual(codes(problems), ['resource-seal-invalid', 'resource-seal-invalid', 'resource-seal-invalid', 'resource-seal-invalid']);
    const text = problems.map((p) => p.message).join('\n');
    assert.match(text, /the files2 key "\.\.\/\.\.\/etc\/passwd" leaves the bundle \("\.\."\); it is ignored/);
    assert.match(text, /the files2 key "\/etc\/passwd" is an absolute path/);
    assert.match(text, /the files2 key "Resources\/\.\.\/Info\.plist" leaves the bundle/);
    assert.match(text, /"\.\.\/\.\.\/outside\.txt" leaves the bundle/);
  });

  it('a link to a folder outside is compared as text and never descended into', async () => {
    const bundle = await app(undefined, {
      populate: async (root) => {
        await symlink('/etc', join(root, 'Resources', 'escape'));
      },
    });
    // A seal that claims a file behind the link: Apple's physical walk never finds it, so it is missing.
    const withClaim = await app(
      (s) => {
        s.files2['Resources/escape/hostname'] = { hash2: sha256('x') };
      },
      { populate: async (root) => symlink('/etc', join(root, 'Resources', 'escape')) },
    );
    assert.deepEqual(await problemsOf(bundle.path), []);
    const problems = await problemsOf(withClaim.path);
    assert.deepEqual(codes(problems), ['resource-missing']);
    assert.match(problems[0]!.message, /^Contents\/Resources\/escape\/hostname: sealed file is missing$/);
  });

  it('link loops and cycles are never followed', async () => {
    const bundle = await app(undefined, {
      populate: async (root) => {
        await symlink('loop', join(root, 'Resources', 'loop'));
        await symlink('../Resources', join(root, 'Resources', 'cycle'));
        await symlink('../../../../../../../../..', join(root, 'Resources', 'up'));
      },
    });
    assert.deepEqual(await problemsOf(bundle.path), []);
  });
});

describe('hostile rules', () => {
  for (const [what, rule, message] of [
    ['a backreference', '(a)\\1', /rule "\(a\)\\\\1" in "rules2": a backreference/],
    ['a 2,000-character rule', 'a'.repeat(2000), /longer than 1024 characters/],
    ['a GNU escape', '^\\w+$', /the escape \\w/],
    ['a repetition over the limit', '^a{1,9999}$', /repetition/],
  ] as const) {
    it(`${what}: the seal is unusable, one problem`, async () => {
      const bundle = await app((s) => {
        s.rules2[rule] = { weight: 5 };
      });
      const problems = await problemsOf(bundle.path);
      assert.deepEqual(codes(problems), ['resource-seal-malformed']);
      assert.match(problems[0]!.message, message);
      assert.match(problems[0]!.message, /^Contents\/_CodeSignature\/CodeResources: .*; the resources cannot be verified$/);
    });
  }

  it('a rule that is exponential for backtracking engines is matched in linear time', async () => {
    const name = 'a'.repeat(240) + '!';
    const bundle = await app(
      (s) => {
        s.rules2['^Resources/(a|a)*$'] = { omit: true, weight: 5000 };
        s.rules2['^Resources/(a*)*$'] = { omit: true, weight: 5000 };
        // Added after sealing (the signer's backtracking RegExp would never finish), so unseal what they omit.
        delete s.files2['Resources/aaaa'];
      },
      { resources: { [`Resources/${name}`]: 'x', 'Resources/aaaa': 'omitted' } },
    );
    assert.deepEqual(await problemsOf(bundle.path), []);
    // The omitted file may change freely; the other may not.
    await writeFile(join(bundle.resourceRoot, 'Resources', 'aaaa'), 'changed');
    await writeFile(join(bundle.resourceRoot, 'Resources', name), 'changed');
    assert.deepEqual(codes(await problemsOf(bundle.path)), ['resource-modified']);
  });

  // Each costs ~1,800 automaton states × the path's length per match: 13 ms per 210-character path before the limits.
  const SLOW = '(.?.?.?.?.?.?.?.?.?.?){90}x';
  const slowSeal = (rules: number) => (s: Seal) => {
    for (let i = 0; i < rules; i++) s.rules2[`${SLOW}${i}`] = { weight: 5 };
  };
  const slowFiles = (count: number) => {
    const resources: Record<string, string> = {};
    for (let i = 0; i < count; i++) resources[`Resources/${String(i).padStart(200, 'n')}`] = String(i);
    return resources;
  };

  it('rules that are slow on every path: matching stops at the step budget and the bundle is invalid', { timeout: 20_000 }, async () => {
    // Added after sealing: the signer's backtracking RegExp would take far longer.
    const bundle = await app(slowSeal(480), { resources: slowFiles(200) });
    // Without a budget: some 20 minutes. The default budget (5·10⁸ steps) takes seconds; a tenth of it keeps the test short.
    const report = await readCode(bundle.path, { resourceLimits: { maxMatchSteps: 50_000_000 } });
    const problems = report.slices[0]!.verification.problems;
    assert.deepEqual(codes(problems), ['resources-limit']);
    assert.match(problems[0]!.message, /^the sealed resources in Contents\/ were not fully verified: choosing resource rules took more than 50000000 automaton steps \(at Contents\/Resources\/n+\d+\)$/);
    assert.equal(report.slices[0]!.verification.ok, false);
    assert.equal(report.resources?.complete, false);
  });

  it('the step budget is ample for ordinary rules', async () => {
    const bundle = await app(undefined, { resources: slowFiles(200) });
    // About 20 steps per character of a path: 200 files of 210 characters need about a million.
    assert.deepEqual(await problemsOf(bundle.path, { resourceLimits: { maxMatchSteps: 5_000_000 } }), []);
    assert.deepEqual(codes(await problemsOf(bundle.path, { resourceLimits: { maxMatchSteps: 100_000 } })), ['resources-limit']);
  });

  it('slow rule matching runs in time slices: timers run and cancellation is honoured', { timeout: 20_000 }, async () => {
    const bundle = await app(slowSeal(480), { resources: slowFiles(200) });
    const controller = new AbortController();
    const reason = new Error('stop');
    let turns = 0;
    const timer = setInterval(() => {
      if (++turns === 5) controller.abort(reason);
    }, 20);
    try {
      // A budget this large would take hours to use up; only the abort can end the check.
      await assert.rejects(readCode(bundle.path, { signal: controller.signal, resourceLimits: { maxMatchSteps: Number.MAX_SAFE_INTEGER } }), (err) => err === reason);
    } finally {
      clearInterval(timer);
    }
    assert.ok(turns >= 5);
  });

  it('a CodeResources over 8 MB that is not the plain XML codesign writes is refused, not parsed by the general reader', async () => {
    // A <real> makes the fast reader decline; below 8 MB the general reader still takes such a seal.
    const small = await app((s) => void ((s as unknown as Record<string, unknown>)['x'] = 1.5));
    assert.deepEqual(await problemsOf(small.path), []);
    const big = await app((s) => {
      (s as unknown as Record<string, unknown>)['x'] = 1.5;
      (s as unknown as Record<string, unknown>)['padding'] = 'p'.repeat(9 * 1024 * 1024);
    });
    const problems = await problemsOf(big.path);
    assert.deepEqual(codes(problems), ['resource-seal-malformed']);
    assert.match(problems[0]!.message, /^Contents\/_CodeSignature\/CodeResources: \d+ bytes that are not the plain XML that codesign writes \(<real>\); only seals up to 8388608 bytes are read otherwise; the resources cannot be verified$/);
  });

  it('files2 or rules2 of the wrong type', async () => {
    for (const edit of [(s: Seal) => void (s.files2 = 'x' as never), (s: Seal) => void delete (s as Partial<Seal>).rules2]) {
      const bundle = await app(edit);
      const problems = await problemsOf(bundle.path);
      assert.deepEqual(codes(problems), ['resource-seal-malformed']);
      assert.match(problems[0]!.message, /"(files2" is not a dictionary|rules2" is missing)/);
    }
  });

  it('a CodeResources that is not a property list, though slot 3 vouches for it', async () => {
    const bundle = await app(undefined, { seal: false });
    const garbage = Buffer.from('<plist><dict><key>files2</dict>');
    await writeFile(bundle.codeResourcesPath, garbage);
    await writeFile(bundle.executable, signMachO(makeMachO(), { identifier: 'com.example.demo', adhoc: true, infoPlist: bundle.infoPlist, codeResources: garbage }));
    const problems = await problemsOf(bundle.path);
    assert.deepEqual(codes(problems), ['resource-seal-malformed']);
    assert.match(problems[0]!.message, /CodeResources: not a valid property list/);
  });
});

describe('hostile entries', () => {
  it('an entry of the wrong shape is named once', async () => {
    const bundle = await app((s) => {
      s.files2['Resources/icon.png'] = { hash2: 'not data' };
      s.files2['Resources/gone.txt'] = 42;
    });
    const problems = await problemsOf(bundle.path);
    assert.deepEqual(codes(problems), ['resource-seal-invalid', 'resource-seal-invalid']);
    assert.match(problems[0]!.message, /^Contents\/Resources\/icon\.png: its CodeResources entry "hash2" is not data$/);
    assert.match(problems[1]!.message, /^Contents\/Resources\/gone\.txt: its CodeResources entry is neither data nor a dictionary$/);
  });

  it('a hash of the wrong length is an invalid entry, not a crash', async () => {
    const bundle = await app((s) => {
      s.files2['Resources/icon.png'] = { hash2: Buffer.alloc(7) };
    });
    assert.deepEqual(codes(await problemsOf(bundle.path)), ['resource-seal-invalid']);
  });

  it('a sealed requirement that does not parse', async () => {
    const bundle = await app(undefined, { populate: async (root) => writeFile(join(root, 'MacOS', 'helper'), signMachO(makeMachO(), { identifier: 'h', adhoc: true })) }, { nestedRequirement: () => 'identifier and and' });
    const problems = await problemsOf(bundle.path);
    assert.deepEqual(codes(problems), ['resource-seal-invalid']);
    assert.match(problems[0]!.message, /^Contents\/MacOS\/helper: the sealed requirement "identifier and and" does not parse$/);
  });
});

describe('limits', () => {
  it('the defaults', () => {
    assert.deepEqual({ ...DEFAULT_RESOURCE_LIMITS }, { maxFiles: 100_000, maxBytes: 16 * 2 ** 30, maxDepth: 64, maxNesting: 8, maxReported: 100, maxMatchSteps: 500_000_000 });
  });

  it('a seal listing more entries than the file limit', async () => {
    const bundle = await app((s) => {
      for (let i = 0; i < 3000; i++) s.files2[`Resources/bogus-${i}`] = { hash2: sha256(String(i)), optional: true };
    });
    const problems = await problemsOf(bundle.path, { resourceLimits: { maxFiles: 1000 } });
    // Our limit, not a fault of the bundle: reported as resources-limit (still fails closed).
    assert.deepEqual(codes(problems), ['resources-limit']);
    // Counted while the XML is read: refused at the 1001st entry, before the rest is built.
    assert.match(problems[0]!.message, /^Contents\/_CodeSignature\/CodeResources: "files2" has more than 1000 entries/);
    // Within the limit the optional entries are simply absent.
    assert.deepEqual(await problemsOf(bundle.path), []);
  });

  it('more files on disk than the limit', async () => {
    const resources: Record<string, string> = {};
    for (let i = 0; i < 50; i++) resources[`Resources/f${i}`] = String(i);
    const bundle = await app(undefined, { resources });
    const problems = await problemsOf(bundle.path, { resourceLimits: { maxFiles: 60 } });
    assert.deepEqual(codes(problems), ['resources-limit']);
    assert.match(problems[0]!.message, /^the sealed resources in Contents\/ were not fully verified: more than 60 files$/);
  });

  it('more bytes than the limit: refused before reading', async () => {
    const bundle = await app(undefined, { resources: { 'Resources/big.bin': filler(50_000, 9) } });
    const problems = await problemsOf(bundle.path, { resourceLimits: { maxBytes: 10_000 } });
    assert.deepEqual(codes(problems), ['resources-limit']);
    assert.match(problems[0]!.message, /50000 bytes of resources to hash, more than the 10000-byte limit/);
  });

  it('folders nested deeper than the limit', async () => {
    const bundle = await app(undefined, { resources: { 'Resources/1/2/3/4/5/6/f': 'deep' } });
    assert.deepEqual(await problemsOf(bundle.path), []);
    const problems = await problemsOf(bundle.path, { resourceLimits: { maxDepth: 4 } });
    // A seal key deeper than the limit stops the check at once, as our limit (nothing past it is looked at).
    assert.deepEqual(codes(problems), ['resources-limit']);
    assert.match(problems[0]!.message, /a files2 key is nested deeper than 4 folders/);
  });

  it('nested code deeper than the nesting limit fails verification: unverified code could be anything', async () => {
    const bundle = await app(undefined, { populate: async (root) => writeFile(join(root, 'MacOS', 'helper'), signMachO(makeMachO(), { identifier: 'h', adhoc: true })) });
    let report = await readCode(bundle.path, { resourceLimits: { maxNesting: 0 } });
    let problems = report.slices[0]!.verification.problems;
    assert.deepEqual(codes(problems), ['resources-limit']);
    assert.equal(problems[0]!.severity, 'error');
    assert.match(problems[0]!.message, /^the sealed resources in Contents\/ were not fully verified: nested code more than 0 levels deep \(Contents\/MacOS\/helper\)$/);
    assert.equal(report.slices[0]!.verification.ok, false);
    assert.equal(report.resources?.complete, false);
    assert.deepEqual(await problemsOf(bundle.path, { resourceLimits: { maxNesting: 1 } }), []);
    await writeFile(join(bundle.resourceRoot, 'MacOS', 'helper'), 'no longer code');
    report = await readCode(bundle.path, { resourceLimits: { maxNesting: 0 } });
    problems = report.slices[0]!.verification.problems;
    assert.deepEqual(codes(problems), ['resources-limit']);
    assert.deepEqual(codes(await problemsOf(bundle.path)), ['resource-nested-invalid']);
  });

  it('problems past the reporting limit are counted, not listed', async () => {
    const bundle = await app();
    await mkdir(join(bundle.resourceRoot, 'Resources', 'junk'));
    for (let i = 0; i < 130; i++) await writeFile(join(bundle.resourceRoot, 'Resources', 'junk', `f${i}`), 'x');
    const problems = await problemsOf(bundle.path);
    assert.equal(problems.length, 101);
    assert.deepEqual([...new Set(codes(problems))], ['resource-added', 'resources-more-problems']);
    assert.equal(problems[100]!.message, '30 more resource problems are not listed');
  });
});
