/** TEST ONLY. A signed `.app` bundle on disk: Contents/Info.plist, Contents/MacOS/<exe>, Contents/_CodeSignature/CodeResources. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build as buildPlist } from 'plist';
import type { PlistValue } from '../../validator/facts.js';
import { signMachO, type SignOptions } from './codesign.js';
import { makeFat, makeMachO, type Arch, type MachOOptions } from './macho.js';

export interface BundleOptions {
  /** Bundle folder name without `.app`; also the executable's name unless `executable` says otherwise. */
  name: string;
  executable?: string;
  /** CFBundleIdentifier and the signing identifier. */
  identifier: string;
  /** More Info.plist keys (CFBundleExecutable and CFBundleIdentifier are set from the options). */
  info?: { [key: string]: PlistValue };
  /** One slice per arch; more than one makes a universal executable. Default ['x86_64']. */
  arches?: Arch[];
  macho?: Omit<MachOOptions, 'arch'>;
  /** Signing options other than identifier, Info.plist and CodeResources, which the bundle provides. */
  sign: Omit<SignOptions, 'identifier' | 'infoPlist' | 'codeResources'>;
}

export interface Bundle {
  path: string;
  executable: string;
  infoPlist: Uint8Array;
}

export async function makeBundle(dir: string, options: BundleOptions): Promise<Bundle> {
  const exe = options.executable ?? options.name;
  const root = join(dir, `${options.name}.app`);
  const contents = join(root, 'Contents');
  await mkdir(join(contents, 'MacOS'), { recursive: true });
  await mkdir(join(contents, '_CodeSignature'), { recursive: true });
  const info = {
    CFBundleDevelopmentRegion: 'en',
    CFBundleExecutable: exe,
    CFBundleIdentifier: options.identifier,
    CFBundleName: options.name,
    CFBundlePackageType: 'APPL',
    CFBundleShortVersionString: '1.0',
    CFBundleVersion: '1',
    ...options.info,
  };
  const infoPlist = new TextEncoder().encode(buildPlist(info as Parameters<typeof buildPlist>[0]));
  const codeResources = new TextEncoder().encode(buildPlist({ files: {}, files2: {}, rules: { '^.*': true }, rules2: { '^.*': true } }));
  const slices = (options.arches ?? ['x86_64']).map((arch) =>
    signMachO(makeMachO({ ...options.macho, arch }), { ...options.sign, identifier: options.identifier, infoPlist, codeResources }),
  );
  const executable = join(contents, 'MacOS', exe);
  await writeFile(join(contents, 'Info.plist'), infoPlist);
  await writeFile(join(contents, '_CodeSignature', 'CodeResources'), codeResources);
  await writeFile(executable, slices.length === 1 ? slices[0]! : makeFat(slices));
  return { path: root, executable, infoPlist };
}
