/** The linkage reader (validator/macho/linkage.ts): what it reads, and that lying offsets are never trusted. */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readLinkage } from '../../validator/macho/linkage.js';
import { CodeReadError, readCodeBytes } from '../../validator/read.js';
import { makeFat, makeMachO } from '../signer/index.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csrl-linkage-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, bytes);
  return p;
}

/** Offset of the first load command with this cmd value (little-endian 64-bit file). */
function commandAt(bytes: Uint8Array, cmd: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 32;
  for (let i = 0; i < v.getUint32(16, true); i++) {
    if (v.getUint32(at, true) === cmd) return at;
    at += v.getUint32(at + 4, true);
  }
  throw new Error('no such command');
}

describe('readLinkage', () => {
  it('dylibs (load, weak, re-export), rpaths and the launchd plist of every slice', async () => {
    const slice = (arch: 'x86_64' | 'arm64') =>
      makeMachO({ arch, dylibs: ['@rpath/A.framework/A', { name: '@loader_path/libw.dylib', kind: 'weak' }, { name: '/usr/lib/libre.dylib', kind: 'reexport' }], rpaths: ['@executable_path/../Frameworks'], launchdPlist: { Label: 'com.example.helper' } });
    const l = await readLinkage(await write('fat', makeFat([slice('x86_64'), slice('arm64')])));
    assert.deepEqual(l.map((s) => s.arch), ['x86_64', 'arm64']);
    for (const s of l) {
      assert.equal(s.fileType, 2);
      assert.deepEqual(s.dylibs, [
        { kind: 'load', name: '@rpath/A.framework/A' },
        { kind: 'weak', name: '@loader_path/libw.dylib' },
        { kind: 'reexport', name: '/usr/lib/libre.dylib' },
      ]);
      assert.deepEqual(s.rpaths, ['@executable_path/../Frameworks']);
      assert.match(new TextDecoder().decode(s.launchdPlist), /<string>com\.example\.helper<\/string>/);
    }
  });

  it('a name offset outside its command is ignored, not read', async () => {
    const bytes = makeMachO({ rpaths: ['@executable_path/x'], dylibs: ['@rpath/y'] });
    const v = new DataView(bytes.buffer);
    v.setUint32(commandAt(bytes, 0x8000001c) + 8, 0xffff, true);
    v.setUint32(commandAt(bytes, 0xc) + 8, 4, true);
    const [s] = await readLinkage(await write('bad-offsets', bytes));
    assert.deepEqual(s!.rpaths, []);
    assert.deepEqual(s!.dylibs, []);
  });

  it('a __launchd_plist section past the end of the slice is left out', async () => {
    const bytes = makeMachO({ launchdPlist: { Label: 'x' } });
    const v = new DataView(bytes.buffer);
    // The __TEXT segment's second section header (after __text): its offset field.
    const text = commandAt(bytes, 0x19) === 32 && new TextDecoder().decode(bytes.subarray(40, 50)).startsWith('__PAGEZERO') ? 32 + 72 : commandAt(bytes, 0x19);
    const sect = text + 72 + 80 * 1;
    assert.equal(new TextDecoder().decode(bytes.subarray(sect, sect + 15)), '__launchd_plist');
    v.setUint32(sect + 48, bytes.length - 4, true);
    const [s] = await readLinkage(await write('bad-section', bytes));
    assert.equal(s!.launchdPlist, undefined);
  });

  it('a load command larger than sizeofcmds is a read error', async () => {
    const bytes = makeMachO({ rpaths: ['x'] });
    new DataView(bytes.buffer).setUint32(commandAt(bytes, 0x8000001c) + 4, 0x7fffffff, true);
    await assert.rejects(readLinkage(await write('bad-size', bytes)), CodeReadError);
  });
});

describe('readLinkage: a dylib command too short for its fields', () => {
  it('is left out, and the signature reader still reads the file', async () => {
    const bytes = makeMachO({ rpaths: ['x'] });
    const at = commandAt(bytes, 0x8000001c);
    const v = new DataView(bytes.buffer);
    assert.equal(v.getUint32(at + 4, true), 16);
    v.setUint32(at, 0xc, true); // LC_LOAD_DYLIB in 16 bytes: no room for its 24-byte header
    const [s] = await readLinkage(await write('short-dylib', bytes));
    assert.deepEqual(s!.dylibs, []);
    const report = await readCodeBytes(bytes);
    assert.equal(report.slices[0]!.status, 'unsigned');
  });
});
