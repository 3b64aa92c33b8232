/**
 * TEST ONLY. A signed bundle on disk: an `.app` (Contents/Info.plist,
 * Contents/MacOS/<exe>, Contents/_CodeSignature/CodeResources) or a shallow
 * bundle (Info.plist, <exe>, _CodeSignature/CodeResources at the root), with
 * resources, links and nested code sealed as codesign would seal them.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build as buildPlist } from 'plist';
import type { PlistValue } from '../../validator/facts.js';
import { signMachO, type SignOptions } from './codesign.js';
import { makeFat, makeMachO, type Arch, type MachOOptions } from './macho.js';
import { sealResources, type SealOptions } from './resources.js';

/** A resource file's content, or a symbolic link with this target text. */
export type ResourceContent = string | Uint8Array | { symlink: string };

export interface BundleOptions {
  /** Bundle folder name without the extension; also the executable's name unless `executable` says otherwise. */
  name: string;
  /** Default `.app`. */
  extension?: string;
  /** `app`: Contents/…; `shallow`: everything at the root (iOS apps, frameworks without versions). Default `app`. */
  layout?: 'app' | 'shallow';
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
  /** Files and links to write, by path relative to the resource root (`Contents/` of an app). */
  resources?: Record<string, ResourceContent>;
  /** Called with the resource root after `resources` are written and before sealing (e.g. to add nested code). */
  populate?: (resourceRoot: string) => Promise<void>;
  /** How to seal; `false` writes the old fixed placeholder seal that lists no files. */
  seal?: SealOptions | false;
}

export interface Bundle {
  path: string;
  executable: string;
  infoPlist: Uint8Array;
  /** `Contents` of an app, the bundle itself when shallow. */
  resourceRoot: string;
  /** The `_CodeSignature/CodeResources` file and its bytes as sealed. */
  codeResourcesPath: string;
  codeResources: Uint8Array;
}

export async function writeResources(root: string, resources: Record<string, ResourceContent>): Promise<void> {
  for (const [rel, content] of Object.entries(resources)) {
    const path = join(root, rel);
    await mkdir(dirname(path), { recursive: true });
    if (typeof content === 'object' && !(content instanceof Uint8Array)) await symlink(content.symlink, path);
    else await writeFile(path, content);
  }
}

export async function makeBundle(dir: string, options: BundleOptions): Promise<Bundle> {
  const exe = options.executable ?? options.name;
  const root = join(dir, `${options.name}${options.extension ?? '.app'}`);
  const shallow = options.layout === 'shallow';
  const resourceRoot = shallow ? root : join(root, 'Contents');
  const exeRel = shallow ? exe : `MacOS/${exe}`;
  await mkdir(join(resourceRoot, '_CodeSignature'), { recursive: true });
  await mkdir(dirname(join(resourceRoot, exeRel)), { recursive: true });
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
  await writeFile(join(resourceRoot, 'Info.plist'), infoPlist);
  if (options.resources) await writeResources(resourceRoot, options.resources);
  await options.populate?.(resourceRoot);
  const codeResources =
    options.seal === false
      ? new TextEncoder().encode(buildPlist({ files: {}, files2: {}, rules: { '^.*': true }, rules2: { '^.*': true } }))
      : await sealResources(resourceRoot, { mainExecutable: exeRel, ...options.seal });
  const slices = (options.arches ?? ['x86_64']).map((arch) =>
    signMachO(makeMachO({ ...options.macho, arch }), { ...options.sign, identifier: options.identifier, infoPlist, codeResources }),
  );
  const executable = join(resourceRoot, exeRel);
  const codeResourcesPath = join(resourceRoot, '_CodeSignature', 'CodeResources');
  await writeFile(codeResourcesPath, codeResources);
  await writeFile(executable, slices.length === 1 ? slices[0]! : makeFat(slices));
  return { path: root, executable, infoPlist, resourceRoot, codeResourcesPath, codeResources };
}
