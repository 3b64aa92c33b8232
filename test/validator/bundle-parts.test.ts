/**
 * Every part of a bundle the reader opens (Info.plist,
 * `_CodeSignature/CodeResources`, the main executable, nested code) stays
 * inside the bundle, is a regular file and is read by bounded bytes: a part
 * that is a link to /etc/passwd, /proc/self/pagemap (gigabytes that say they
 * are empty) or /dev/zero, or a FIFO, inside or out, is refused with a
 * problem or error that names it. Nothing outside is read: the output never
 * holds /etc/passwd's hash, and (on Linux) the bytes this process read stay
 * small. A FIFO never blocks, including the Mach-O named directly.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeReadError, readCode, type CodeReport } from '../../validator/read.js';
import { ByteSource } from '../../validator/macho/source.js';
import { verifyPageHashes } from '../../validator/signature/pages.js';
import { filler, makeBundle, type Bundle } from '../signer/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-bundle-parts-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PASSWD = '/etc/passwd';
const passwdHashes = existsSync(PASSWD)
  ? ['sha1', 'sha256'].map((a) => createHash(a).update(readFileSync(PASSWD)).digest('hex'))
  : [];
const canFifo = (() => {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return process.platform !== 'win32';
  } catch {
    return false;
  }
})();

async function fifo(path: string): Promise<string> {
  execFileSync('mkfifo', [path]);
  return path;
}

/** Bytes this process has read so far (Linux /proc/self/io rchar), or undefined elsewhere. */
function bytesRead(): number | undefined {
  try {
    const m = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads with the process's read count watched: far less than a pagemap or /dev/zero would give. */
async function boundedRead(path: string): Promise<CodeReport> {
  const before = bytesRead();
  const report = await readCode(path);
  const after = bytesRead();
  if (before !== undefined && after !== undefined) assert.ok(after - before < 64 << 20, `read ${after - before} bytes`);
  return report;
}

async function bundleError(path: string): Promise<CodeReadError> {
  const before = bytesRead();
  try {
    await readCode(path);
  } catch (err) {
    assert.ok(err instanceof CodeReadError, `expected a CodeReadError, got ${String(err)}`);
    const after = bytesRead();
    if (before !== undefined && after !== undefined) assert.ok(after - before < 64 << 20, `read ${after - before} bytes`);
    return err;
  }
  assert.fail('expected readCode to reject');
}

let n = 0;
async function app(): Promise<Bundle> {
  const d = join(dir, `b${n++}`);
  await mkdir(d);
  return makeBundle(d, {
    name: 'Demo',
    identifier: 'com.example.demo',
    sign: { adhoc: true },
    resources: { 'Resources/a.txt': 'a', 'Resources/icon.png': filler(2000, 1) },
  });
}

function assertNoPasswdHash(report: unknown): void {
  const json = JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  for (const h of passwdHashes) assert.ok(!json.includes(h), 'the output holds the hash of /etc/passwd');
}

describe('bundle parts: _CodeSignature/CodeResources', () => {
  it('a pristine bundle verifies (the parts are read as before)', async () => {
    const b = await app();
    const report = await readCode(b.path);
    assert.deepEqual(report.slices[0]!.verification.problems, []);
    assert.equal(report.resources?.complete, true);
  });

  for (const target of [PASSWD, '/proc/self/pagemap', '/dev/zero']) {
    it(`a link to ${target} is refused, unread`, async (t) => {
      if (!existsSync(target)) return t.skip(`no ${target} here`);
      const b = await app();
      await unlink(b.codeResourcesPath);
      await symlink(target, b.codeResourcesPath);
      const report = await boundedRead(b.path);
      const s = report.slices[0]!;
      assert.equal(s.verification.ok, false);
      const p = s.verification.problems.find((x) => x.code === 'resources-unreadable');
      assert.ok(p, JSON.stringify(s.verification.problems));
      assert.match(p.message, /special slot 3 \(CodeResources\) has hash [0-9a-f]+, but Contents\/_CodeSignature\/CodeResources: resolves to \/\S+, outside the bundle; it is not read/);
      assert.equal(s.signature!.specialSlots.find((c) => c.slot === 3)!.status, 'missing');
      assert.equal(report.resources, undefined, 'no listing read from it');
      assertNoPasswdHash(report);
    });
  }

  it('a FIFO in its place is refused without blocking; so is a link to a FIFO outside', async (t) => {
    if (!canFifo) return t.skip('no mkfifo');
    const b = await app();
    await unlink(b.codeResourcesPath);
    await fifo(b.codeResourcesPath);
    let s = (await boundedRead(b.path)).slices[0]!;
    assert.match(s.verification.problems.map((p) => `[${p.code}] ${p.message}`).join('\n'), /\[resources-unreadable\] .*CodeResources: a FIFO, not a regular file; it is not read/);
    const c = await app();
    await unlink(c.codeResourcesPath);
    await symlink(await fifo(join(dir, `outside-fifo-${n++}`)), c.codeResourcesPath);
    s = (await boundedRead(c.path)).slices[0]!;
    assert.match(s.verification.problems.map((p) => `[${p.code}] ${p.message}`).join('\n'), /\[resources-unreadable\] .*resolves to .*outside-fifo-\d+, outside the bundle/);
  });

  it('a link that stays inside the bundle is followed (its bytes are the seal)', async () => {
    const b = await app();
    const moved = join(b.resourceRoot, 'Resources', 'seal.plist');
    await writeFile(moved, b.codeResources);
    await unlink(b.codeResourcesPath);
    await symlink('../Resources/seal.plist', b.codeResourcesPath);
    const s = (await readCode(b.path)).slices[0]!;
    assert.equal(s.signature!.specialSlots.find((c) => c.slot === 3)!.status, 'match');
  });
});

describe('bundle parts: Info.plist, the main executable, nested code', () => {
  for (const target of [PASSWD, '/proc/self/pagemap', '/dev/zero']) {
    it(`an Info.plist linked to ${target} is refused, unread`, async (t) => {
      if (!existsSync(target)) return t.skip(`no ${target} here`);
      const b = await app();
      await unlink(join(b.resourceRoot, 'Info.plist'));
      await symlink(target, join(b.resourceRoot, 'Info.plist'));
      const err = await bundleError(b.path);
      assert.equal(err.code, 'bad-bundle');
      assert.match(err.message, /Contents\/Info\.plist: resolves to \/\S+, outside the bundle; it is not read/);
      assertNoPasswdHash(err.message);
    });
  }

  it('an Info.plist over the limit is refused by the bytes read', async () => {
    const b = await app();
    await truncate(join(b.resourceRoot, 'Info.plist'), (8 << 20) + 1);
    const err = await bundleError(b.path);
    assert.equal(err.code, 'too-large');
    assert.match(err.message, /Contents\/Info\.plist: larger than the 8388608-byte limit for an Info\.plist/);
  });

  it('an Info.plist that is a FIFO is refused without blocking', async (t) => {
    if (!canFifo) return t.skip('no mkfifo');
    const b = await app();
    await unlink(join(b.resourceRoot, 'Info.plist'));
    await fifo(join(b.resourceRoot, 'Info.plist'));
    const err = await bundleError(b.path);
    assert.match(err.message, /Info\.plist: a FIFO, not a regular file; it is not read/);
  });

  it('a main executable that is a FIFO, or links to /dev/zero or /proc/self/pagemap', async (t) => {
    if (canFifo) {
      const b = await app();
      await unlink(b.executable);
      await fifo(b.executable);
      assert.match((await bundleError(b.path)).message, /main executable Contents\/MacOS\/Demo is not a regular file/);
    }
    for (const target of ['/dev/zero', '/proc/self/pagemap']) {
      if (!existsSync(target)) continue;
      const b = await app();
      await unlink(b.executable);
      await symlink(target, b.executable);
      assert.match((await bundleError(b.path)).message, /main executable Contents\/MacOS\/Demo resolves to \/\S+, outside the bundle/);
    }
    if (!canFifo && !existsSync('/dev/zero')) t.skip('no FIFO or /dev/zero here');
  });

  it('nested code whose Info.plist links to /etc/passwd does not verify, and /etc/passwd is not read', async (t) => {
    if (!existsSync(PASSWD)) return t.skip('no /etc/passwd');
    const d = join(dir, `nested${n++}`);
    await mkdir(d);
    let innerPlist = '';
    const outer = await makeBundle(d, {
      name: 'Outer',
      identifier: 'com.example.outer',
      sign: { adhoc: true },
      populate: async (root) => {
        const inner = await makeBundle(join(root, 'Frameworks'), { name: 'Inner', extension: '.framework', layout: 'shallow', identifier: 'com.example.inner', sign: { adhoc: true } });
        innerPlist = join(inner.path, 'Info.plist');
      },
    });
    await unlink(innerPlist);
    await symlink(PASSWD, innerPlist);
    const report = await boundedRead(outer.path);
    const s = report.slices[0]!;
    assert.equal(s.verification.ok, false);
    assert.match(s.verification.problems.map((p) => `[${p.code}] ${p.message}`).join('\n'), /\[resource-nested-invalid\] Contents\/Frameworks\/Inner\.framework: nested code cannot be read: .*Info\.plist: resolves to \/etc\/passwd, outside the bundle/);
    assertNoPasswdHash(report);
  });
});

describe('the Mach-O named directly', () => {
  it('a FIFO, a device, a /proc file: a clear CodeReadError, never a hang', async (t) => {
    const paths: [string, RegExp][] = [
      ['/dev/zero', /not a regular file/],
      ['/proc/self/pagemap', /0 bytes, too short for a Mach-O header/],
    ];
    if (canFifo) paths.push([await fifo(join(dir, `fifo${n++}`)), /not a regular file/]);
    let checked = 0;
    for (const [path, re] of paths) {
      if (!existsSync(path)) continue;
      const err = await bundleError(path);
      assert.equal(err.code, 'not-macho');
      assert.match(err.message, re);
      checked++;
    }
    if (checked === 0) t.skip('no FIFO, device or /proc here');
  });

  it('a FIFO reaching the open itself (swapped in after the first look) is refused, not waited on', async (t) => {
    if (!canFifo) return t.skip('no mkfifo');
    const path = await fifo(join(dir, `fifo${n++}`));
    await assert.rejects(ByteSource.open(path), (err: unknown) => err instanceof CodeReadError && err.code === 'not-macho' && /a FIFO, not a regular file/.test(err.message));
    await assert.rejects(verifyPageHashes({ path }, 0, []), /a FIFO, not a regular file/);
  });
});
