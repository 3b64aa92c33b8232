/**
 * Sealed resources of bundles (codesign --verify's resource check), on
 * bundles the test signer seals the way codesign does: Apple's default v2
 * rules, SHA-1 and SHA-256 hashes, localisations optional, .DS_Store
 * omitted, links sealed by target text, nested code by CDHash and requirement.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parsePlist } from 'plist';
import { readCode, type CodeReport } from '../../validator/read.js';
import type { Problem } from '../../validator/problems.js';
import { filler, makeBundle, makeCa, makeMachO, sealResources, signMachO, type Bundle, type BundleOptions } from '../signer/index.js';
import { fixtureBundle, fixtureBytes } from '../support/fixtures.js';
import { runCli } from '../support/cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-resources-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const codes = (problems: Problem[]) => problems.map((p) => p.code);

function helper(identifier = 'com.example.helper', seed = 7): Uint8Array {
  return signMachO(makeMachO({ code: filler(6000, seed) }), { identifier, adhoc: true });
}

async function app(options: Partial<BundleOptions> = {}): Promise<Bundle> {
  const d = await mkdtemp(join(dir, 'app-'));
  return makeBundle(d, {
    name: 'Demo',
    identifier: 'com.example.demo',
    sign: { adhoc: true },
    resources: {
      'Resources/icon.png': filler(3000, 1),
      'Resources/logo.png': filler(70_000, 2),
      'Resources/en.lproj/Localizable.strings': '"hello" = "Hello";\n',
      'Resources/Base.lproj/Main.nib': filler(500, 3),
      'Resources/current.png': { symlink: 'icon.png' },
      'Resources/.DS_Store': 'finder',
    },
    populate: async (root) => {
      await writeFile(join(root, 'MacOS', 'helper'), helper());
      await makeBundle(join(root, 'Frameworks'), {
        name: 'Kit',
        extension: '.framework',
        layout: 'shallow',
        identifier: 'com.example.kit',
        sign: { adhoc: true },
        resources: { 'Strings.txt': 'kit strings\n' },
      });
    },
    ...options,
  });
}

async function verify(path: string, options: Parameters<typeof readCode>[1] = {}): Promise<{ report: CodeReport; problems: Problem[] }> {
  const report = await readCode(path, options);
  return { report, problems: report.slices[0]!.verification.problems };
}

async function expectOne(bundle: Bundle, code: string, message: RegExp): Promise<void> {
  const { report, problems } = await verify(bundle.path);
  assert.deepEqual(codes(problems), [code], JSON.stringify(problems));
  assert.match(problems[0]!.message, message);
  assert.equal(report.slices[0]!.verification.ok, false);
}

describe('a pristine bundle', () => {
  it('verifies: every sealed file, link and nested code matches', async () => {
    const bundle = await app();
    const seal = parsePlist(await readFile(bundle.codeResourcesPath, 'utf8')) as { files2: Record<string, Record<string, unknown>> };
    // The signer sealed what codesign would: resources, the link, nested code; not Info.plist, .DS_Store or the main executable.
    assert.deepEqual(Object.keys(seal.files2).sort(), [
      'Frameworks/Kit.framework',
      'MacOS/helper',
      'Resources/Base.lproj/Main.nib',
      'Resources/current.png',
      'Resources/en.lproj/Localizable.strings',
      'Resources/icon.png',
      'Resources/logo.png',
    ]);
    const { report, problems } = await verify(bundle.path);
    assert.deepEqual(problems, []);
    assert.equal(report.slices[0]!.verification.ok, true);
    assert.equal(report.resources?.version, 2);
    assert.equal(report.resources?.complete, true);
    assert.equal(report.resources?.sealed, 7);
    assert.equal(report.resources?.checked, 7);
    assert.equal(report.resources?.nested, 2);
    assert.equal(report.resources?.bytesHashed, 3000 + 70_000 + 19 + 500);
  });

  it('with a CA-signed main executable and SHA-1 + SHA-256 CodeDirectories', async () => {
    const ca = makeCa({ teamId: 'QWERTY1234' });
    const bundle = await app({ sign: { ca, teamId: 'QWERTY1234', hashTypes: ['sha1', 'sha256'], signingTime: new Date('2024-03-15T10:30:00Z') } });
    const { problems } = await verify(bundle.path);
    assert.deepEqual(problems, []);
  });

  it('a universal main executable: each slice carries the findings', async () => {
    const bundle = await app({ arches: ['x86_64', 'arm64'] });
    await writeFile(join(bundle.resourceRoot, 'Resources', 'icon.png'), 'changed');
    const report = await readCode(bundle.path);
    assert.equal(report.slices.length, 2);
    for (const s of report.slices) assert.deepEqual(codes(s.verification.problems), ['resource-modified']);
  });
});

describe('each tamper is one problem naming the file', () => {
  it('a modified file', async () => {
    const bundle = await app();
    const file = join(bundle.resourceRoot, 'Resources', 'logo.png');
    const bytes = await readFile(file);
    bytes[40_000] ^= 1;
    await writeFile(file, bytes);
    await expectOne(bundle, 'resource-modified', /^Contents\/Resources\/logo\.png: modified after signing: its SHA-256 is [0-9a-f]{64}, the seal says [0-9a-f]{64}$/);
  });

  it('a deleted file', async () => {
    const bundle = await app();
    await unlink(join(bundle.resourceRoot, 'Resources', 'icon.png'));
    await expectOne(bundle, 'resource-missing', /^Contents\/Resources\/icon\.png: sealed file is missing$/);
  });

  it('an added file', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'Resources', 'payload.dylib'), 'evil');
    await expectOne(bundle, 'resource-added', /^Contents\/Resources\/payload\.dylib: file added after signing/);
  });

  it('a file added outside Resources (the catch-all rule seals everything)', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'extra.txt'), 'x');
    await expectOne(bundle, 'resource-added', /^Contents\/extra\.txt: /);
  });

  it('a symbolic link pointed elsewhere', async () => {
    const bundle = await app();
    const link = join(bundle.resourceRoot, 'Resources', 'current.png');
    await unlink(link);
    await symlink('logo.png', link);
    await expectOne(bundle, 'resource-symlink-changed', /^Contents\/Resources\/current\.png: symbolic link points to "logo\.png", the seal says "icon\.png"$/);
  });

  it('a symbolic link replaced by a file', async () => {
    const bundle = await app();
    const link = join(bundle.resourceRoot, 'Resources', 'current.png');
    await unlink(link);
    await writeFile(link, filler(3000, 1));
    await expectOne(bundle, 'resource-type-changed', /^Contents\/Resources\/current\.png: sealed as a symbolic link, now a file$/);
  });

  it('a nested helper whose code was changed', async () => {
    const bundle = await app();
    const file = join(bundle.resourceRoot, 'MacOS', 'helper');
    const bytes = await readFile(file);
    bytes[5000] ^= 0xff;
    await writeFile(file, bytes);
    await expectOne(bundle, 'resource-nested-invalid', /^Contents\/MacOS\/helper: nested code \(x86_64\) does not verify: .*page-hash-mismatch/);
  });

  it('a nested helper replaced by other validly signed code that satisfies its requirement: a warning only, as Apple never checks the CDHash', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'MacOS', 'helper'), helper('com.example.helper', 99));
    const { report, problems } = await verify(bundle.path);
    assert.deepEqual(codes(problems), ['resource-nested-altered']);
    assert.equal(problems[0]!.severity, 'warning');
    assert.match(problems[0]!.message, /^Contents\/MacOS\/helper: nested code has CDHash [0-9a-f]{40}, the seal says [0-9a-f]{40} \(.*Apple does not check this/);
    assert.equal(report.slices[0]!.verification.ok, true);
  });

  it('a nested helper replaced by validly signed code that fails its requirement: the requirement is the error', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'MacOS', 'helper'), helper('com.example.intruder', 99));
    const { report, problems } = await verify(bundle.path);
    assert.deepEqual(codes(problems), ['resource-nested-altered', 'resource-nested-requirement']);
    assert.deepEqual(problems.map((p) => p.severity), ['warning', 'error']);
    assert.match(problems[1]!.message, /^Contents\/MacOS\/helper: nested code \(x86_64\) does not satisfy its sealed requirement identifier "com\.example\.helper"/);
    assert.equal(report.slices[0]!.verification.ok, false);
  });

  it("a nested framework's own resource changed", async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'Frameworks', 'Kit.framework', 'Strings.txt'), 'patched\n');
    await expectOne(bundle, 'resource-nested-invalid', /^Contents\/Frameworks\/Kit\.framework: nested code \(x86_64\) does not verify: Strings\.txt: modified after signing/);
  });

  it('nested code removed', async () => {
    const bundle = await app();
    await rm(join(bundle.resourceRoot, 'Frameworks', 'Kit.framework'), { recursive: true });
    await expectOne(bundle, 'resource-missing', /^Contents\/Frameworks\/Kit\.framework: sealed nested code is missing$/);
  });

  it('nested code that does not satisfy its sealed requirement', async () => {
    const bundle = await app({ seal: { nestedRequirement: (rel, id) => (rel === 'MacOS/helper' ? 'identifier "com.example.other"' : `identifier "${id}"`) } });
    await expectOne(bundle, 'resource-nested-requirement', /^Contents\/MacOS\/helper: nested code \(x86_64\) does not satisfy its sealed requirement identifier "com\.example\.other"/);
  });
});

describe('what the rules allow', () => {
  it('a missing optional (localised) file is fine', async () => {
    const bundle = await app();
    await unlink(join(bundle.resourceRoot, 'Resources', 'en.lproj', 'Localizable.strings'));
    const { problems } = await verify(bundle.path);
    assert.deepEqual(problems, []);
  });

  it('omitted files (.DS_Store anywhere, locversion.plist, Info.plist, PkgInfo) are ignored when added or changed', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'Resources', '.DS_Store'), 'changed');
    await writeFile(join(bundle.resourceRoot, 'Resources', 'en.lproj', '.DS_Store'), 'new');
    await writeFile(join(bundle.resourceRoot, '.DS_Store'), 'new');
    await writeFile(join(bundle.resourceRoot, 'Resources', 'en.lproj', 'locversion.plist'), 'new');
    await writeFile(join(bundle.resourceRoot, 'PkgInfo'), 'APPL????');
    const { problems } = await verify(bundle.path);
    assert.deepEqual(problems, []);
  });

  it('the main executable and _CodeSignature are never resources', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, '_CodeSignature', 'extra'), 'x');
    const { problems } = await verify(bundle.path);
    assert.deepEqual(problems, []);
  });

  it('a v1-only seal: only Resources/ is sealed, with SHA-1; links are ignored', async () => {
    const bundle = await app({ seal: { v1Only: true } });
    await writeFile(join(bundle.resourceRoot, 'notes.txt'), 'outside Resources: no v1 rule');
    const link = join(bundle.resourceRoot, 'Resources', 'current.png');
    await unlink(link);
    await symlink('elsewhere', link);
    let r = await verify(bundle.path);
    assert.deepEqual(r.problems, []);
    assert.equal(r.report.resources?.version, 1);
    await writeFile(join(bundle.resourceRoot, 'Resources', 'icon.png'), 'changed');
    r = await verify(bundle.path);
    assert.deepEqual(codes(r.problems), ['resource-modified']);
    assert.match(r.problems[0]!.message, /^Contents\/Resources\/icon\.png: modified after signing: its SHA-1 is [0-9a-f]{40}/);
  });

  it('a shallow bundle seals files at its root', async () => {
    const d = await mkdtemp(join(dir, 'shallow-'));
    const bundle = await makeBundle(d, { name: 'Tool', extension: '.xpc', layout: 'shallow', identifier: 'com.example.tool', sign: { adhoc: true }, resources: { 'data.bin': filler(100, 5) } });
    assert.deepEqual((await verify(bundle.path)).problems, []);
    await writeFile(join(bundle.path, 'data.bin'), 'x');
    await expectOne(bundle, 'resource-modified', /^data\.bin: modified after signing/);
  });

  it('a versioned framework: the resource root is Versions/A', async () => {
    const root = join(await mkdtemp(join(dir, 'fw-')), 'Kit.framework');
    const a = join(root, 'Versions', 'A');
    await mkdir(join(a, 'Resources'), { recursive: true });
    await mkdir(join(a, '_CodeSignature'), { recursive: true });
    const info = Buffer.from('<plist version="1.0"><dict><key>CFBundleExecutable</key><string>Kit</string><key>CFBundleIdentifier</key><string>com.example.kit</string></dict></plist>');
    await writeFile(join(a, 'Resources', 'Info.plist'), info);
    await writeFile(join(a, 'Resources', 'strings.txt'), 'hello');
    const seal = await sealResources(a, { mainExecutable: 'Kit' });
    await writeFile(join(a, '_CodeSignature', 'CodeResources'), seal);
    await writeFile(join(a, 'Kit'), signMachO(makeMachO({ fileType: 'dylib' }), { identifier: 'com.example.kit', adhoc: true, infoPlist: info, codeResources: seal }));
    await symlink('A', join(root, 'Versions', 'Current'));
    await symlink('Versions/Current/Kit', join(root, 'Kit'));
    await symlink('Versions/Current/Resources', join(root, 'Resources'));
    let r = await verify(root);
    assert.deepEqual(r.problems, []);
    // Resources/Info.plist is sealed in a framework (the omit rule is for a top-level Info.plist only).
    assert.equal(r.report.resources?.sealed, 2);
    await writeFile(join(a, 'Resources', 'strings.txt'), 'bye');
    r = await verify(root);
    assert.deepEqual(codes(r.problems), ['resource-modified']);
    assert.match(r.problems[0]!.message, /^Versions\/A\/Resources\/strings\.txt: /);
  });
});

describe('options, progress and cancellation', () => {
  it('--no-verify-pages (verifyPages: false) also skips resources unless verifyResources says otherwise', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'Resources', 'icon.png'), 'changed');
    let r = await verify(bundle.path, { verifyPages: false });
    assert.deepEqual(r.problems, []);
    assert.equal(r.report.resources, undefined);
    r = await verify(bundle.path, { verifyPages: false, verifyResources: true });
    assert.deepEqual(codes(r.problems), ['resource-modified']);
    r = await verify(bundle.path, { verifyResources: false });
    assert.deepEqual(r.problems, []);
  });

  it('a changed CodeResources is the slot-3 mismatch only: its listing is not trusted', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'Resources', 'icon.png'), 'changed');
    const seal = await readFile(bundle.codeResourcesPath, 'utf8');
    await writeFile(bundle.codeResourcesPath, seal.replace('<dict>', '<dict>\n'));
    const { problems } = await verify(bundle.path);
    assert.deepEqual(codes(problems), ['resources-mismatch']);
  });

  it('progress covers the pages, then the resource bytes', async () => {
    const bundle = await app();
    const seen: [number, number][] = [];
    await readCode(bundle.path, { onProgress: (done, total) => seen.push([done, total]) });
    const last = seen[seen.length - 1]!;
    assert.equal(last[0], last[1]);
    const pages = (await readCode(bundle.path, { verifyResources: false })).slices[0]!.signature!.dataOffset;
    assert.equal(last[1], pages + 3000 + 70_000 + 19 + 500);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0]);
  });

  it('an aborted signal stops resource hashing with the signal reason', async () => {
    const bundle = await app();
    const controller = new AbortController();
    const reason = new Error('stop');
    await assert.rejects(
      readCode(bundle.path, {
        signal: controller.signal,
        onProgress: (done) => {
          if (done > 20_000) controller.abort(reason);
        },
      }),
      (err) => err === reason,
    );
  });
});

describe('large resources', () => {
  const BIG = 64 * 1024 * 1024;
  // Sparse: 64 MB on disk costs nothing, and is sealed once for all the tests here.
  let bundle: Bundle;
  before(async () => {
    bundle = await app({
      resources: { 'Resources/a.txt': 'a' },
      populate: async (root) => {
        const file = join(root, 'Resources', 'huge.bin');
        await writeFile(file, '');
        await truncate(file, BIG);
      },
    });
  });

  it('are hashed whole', async () => {
    const { report, problems } = await verify(bundle.path);
    assert.deepEqual(problems, []);
    assert.equal(report.resources?.bytesHashed, BIG + 1);
  });

  it('are read in chunks the event loop runs between, and cancellation stops them within a chunk', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pages = (await readCode(bundle.path, { verifyResources: false })).slices[0]!.signature!.dataOffset;
    let abortedAt = -1;
    let last = 0;
    let turns = 0;
    let turnsAtStart = -1;
    let turnsAtAbort = -1;
    const timer = setInterval(() => turns++, 1);
    try {
      await assert.rejects(
        readCode(bundle.path, {
          signal: controller.signal,
          onProgress: (done) => {
            last = done;
            // a.txt (1 byte) is hashed first, then huge.bin.
            const inBig = done - pages - 1;
            if (inBig > 0 && turnsAtStart < 0) turnsAtStart = turns;
            if (inBig > 16 * 1024 * 1024 && abortedAt < 0) {
              abortedAt = done;
              turnsAtAbort = turns;
              controller.abort(reason);
            }
          },
        }),
        (err) => err === reason,
      );
    } finally {
      clearInterval(timer);
    }
    assert.ok(abortedAt > 0, 'the big file was being hashed');
    // Synchronous reading would hash all 64 MB after the abort; chunked reading stops after the current chunk.
    assert.ok(last - abortedAt <= 1024 * 1024, `read ${last - abortedAt} bytes after the abort`);
    assert.ok(turnsAtAbort > turnsAtStart, 'timers ran while the big file was read');
  });
});

describe('hostile names', () => {
  it('control characters in file names are escaped in messages, never printed raw', async () => {
    const bundle = await app();
    const evil = 'x\x1b[2K\rcodesign: valid on disk\x07\x9b31m\x7f\u202e\\.txt';
    await writeFile(join(bundle.resourceRoot, 'Resources', evil), 'added');
    const { problems } = await verify(bundle.path);
    assert.deepEqual(codes(problems), ['resource-added']);
    const message = problems[0]!.message;
    assert.equal(message, 'Contents/Resources/x\\x1b[2K\\x0dcodesign: valid on disk\\x07\\x9b31m\\x7f\\u{202e}\\\\.txt: file added after signing (not in the resource seal)');
    assert.doesNotMatch(message, /[\x00-\x1f\x7f-\x9f\u202e]/);
  });

  it('link targets are escaped too', async () => {
    const bundle = await app();
    const link = join(bundle.resourceRoot, 'Resources', 'current.png');
    await unlink(link);
    await symlink('\x1b]0;owned\x07', link);
    await expectOne(bundle, 'resource-symlink-changed', /^Contents\/Resources\/current\.png: symbolic link points to "\\x1b\]0;owned\\x07", the seal says "icon\.png"$/);
  });
});

describe('real fixtures', () => {
  it('terminal-notifier.app (node-notifier, shipped without _CodeSignature): no resource check, nothing invented', async () => {
    const report = await readCode(await fixtureBundle('node-notifier@5.4.5'));
    assert.equal(report.resources, undefined);
    assert.equal(report.slices[0]!.status, 'unsigned');
    assert.ok(!report.slices[0]!.verification.problems.some((p) => p.code.startsWith('resource')));
  });

  it('a real signed Mach-O fixture sealed as a nested helper: its CDHash is recomputed and compared', async () => {
    const real = await fixtureBytes('@sentry/cli-darwin@3.8.0');
    const bundle = await app({ populate: async (root) => writeFile(join(root, 'MacOS', 'sentry-cli'), real) });
    const { report, problems } = await verify(bundle.path);
    // sentry-cli is Developer ID signed: its signature, requirement and CDHash all check out.
    assert.deepEqual(problems, []);
    assert.equal(report.resources?.nested, 1);
    const bytes = Buffer.from(real);
    bytes[0x4000 + 0x20000] ^= 1; // inside the x86_64 slice's code pages
    await writeFile(join(bundle.resourceRoot, 'MacOS', 'sentry-cli'), bytes);
    const after = await verify(bundle.path);
    assert.deepEqual(codes(after.problems), ['resource-nested-invalid']);
    assert.match(after.problems[0]!.message, /^Contents\/MacOS\/sentry-cli: nested code \(.+\) does not verify: .*page-hash-mismatch/);
  });
});

describe('through the CLI', () => {
  it('csrl check: a tampered resource makes the bundle invalid (exit 3) and --no-verify-pages skips it', async () => {
    const bundle = await app();
    const ok = await runCli(['check', '-e', 'identifier "com.example.demo"', bundle.path, '--json']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    await writeFile(join(bundle.resourceRoot, 'Resources', 'icon.png'), 'changed');
    const bad = await runCli(['check', '-e', 'identifier "com.example.demo"', bundle.path, '--json']);
    assert.equal(bad.code, 3);
    const json = JSON.parse(bad.stdout) as { verdict: string; slices: { problems: Problem[] }[] };
    assert.equal(json.verdict, 'invalid');
    assert.deepEqual(codes(json.slices[0]!.problems), ['resource-modified']);
    assert.match(json.slices[0]!.problems[0]!.message, /^Contents\/Resources\/icon\.png: modified after signing/);
    const fast = await runCli(['check', '-e', 'identifier "com.example.demo"', bundle.path, '--no-verify-pages']);
    assert.equal(fast.code, 0, fast.stdout + fast.stderr);
  });

  it('csrl info summarises the seal (text and JSON) like codesign -d -vvv "Sealed Resources"', async () => {
    const bundle = await app();
    const text = await runCli(['info', bundle.path]);
    const line = /Sealed Resources version=2 files=(\d+): checked (\d+) on disk/.exec(text.stdout);
    assert.ok(line, text.stdout);
    const json = JSON.parse((await runCli(['info', bundle.path, '--json'])).stdout) as { resources: { version: number; sealed: number; checked: number; complete: boolean } | null };
    assert.ok(json.resources);
    assert.equal(json.resources.version, 2);
    assert.equal(json.resources.complete, true);
    assert.equal(String(json.resources.sealed), line[1]);
    assert.ok(json.resources.sealed > 0 && json.resources.checked >= json.resources.sealed - 1);
    const fast = JSON.parse((await runCli(['info', bundle.path, '--json', '--no-verify-pages'])).stdout) as { resources: unknown };
    assert.equal(fast.resources, null, 'with --no-verify-pages the resources are not checked');
  });

  it('csrl info names the modified file', async () => {
    const bundle = await app();
    await writeFile(join(bundle.resourceRoot, 'Resources', 'en.lproj', 'Localizable.strings'), 'x');
    const r = await runCli(['info', bundle.path]);
    assert.match(r.stdout, /Verification: INVALID/);
    assert.match(r.stdout, /Contents\/Resources\/en\.lproj\/Localizable\.strings: modified after signing/);
  });
});
