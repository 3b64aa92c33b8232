/**
 * TEST ONLY. Apps with code-signing relationships inside, made with the test
 * signer at run time: an SMJobBless helper, an SMAppService daemon, an XPC
 * service, a login item, an app extension and a hardened-runtime executable
 * linking a library through @rpath. Each part can be broken one way.
 */
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { DoctorReport, Relationship, RelationshipKind } from '../../engine/doctor/doctor.js';
import { build as buildPlist } from 'plist';
import { makeBundle, makeCa, makeFat, makeMachO, signMachO, type Arch, type Bundle, type SignOptions, type TestCa } from '../signer/index.js';

export const TEAM_A = 'TEAMAAAAAA';
export const TEAM_B = 'TEAMBBBBBB';
export const APP_ID = 'com.example.app';
export const HELPER = 'com.example.app.helper';
export const DAEMON_ID = 'com.example.app.daemon';
/** A SpawnConstraint the fixture daemon (team A, DAEMON_ID) satisfies. */
export const SPAWN_CONSTRAINT = { 'team-identifier': TEAM_A, 'signing-identifier': DAEMON_ID };

let cas: { a: TestCa; b: TestCa } | undefined;
/** Two throwaway teams (key generation is slow: made once per process). */
export function teams(): { a: TestCa; b: TestCa } {
  cas ??= { a: makeCa({ teamId: TEAM_A, keyType: 'ec' }), b: makeCa({ teamId: TEAM_B, keyType: 'ec' }) };
  return cas;
}

export function signer(team: 'A' | 'B' | 'adhoc'): Omit<SignOptions, 'identifier'> {
  if (team === 'adhoc') return { adhoc: true };
  const { a, b } = teams();
  return team === 'A' ? { ca: a, teamId: TEAM_A } : { ca: b, teamId: TEAM_B };
}

/** `identifier "<id>" and certificate leaf[subject.OU] = "<team>"`: what a test app would put in its plists. */
export const requirementFor = (id: string, team: string) => `identifier "${id}" and certificate leaf[subject.OU] = "${team}"`;

export interface AppSpec {
  appTeam?: 'A' | 'B' | 'adhoc';
  /** SMJobBless: helper signed by this team; its placement; its embedded plists. */
  helper?: {
    team?: 'A' | 'B' | 'adhoc';
    identifier?: string;
    /** Where the helper file is put (default: the label). */
    fileName?: string;
    /** The app's requirement for it (default: requirementFor(HELPER, TEAM_A)). */
    requirement?: string;
    clients?: string[];
    launchdLabel?: string;
    /** A universal helper whose arm64 slice is signed by this team. */
    arm64Team?: 'A' | 'B' | 'adhoc';
  };
  /** spawnConstraint: `true` for SPAWN_CONSTRAINT (which the daemon satisfies), or the plist value to write. */
  smappservice?: { team?: 'A' | 'B' | 'adhoc'; missing?: boolean; spawnConstraint?: true | unknown };
  xpc?: { team?: 'A' | 'B' | 'adhoc'; identifier?: string };
  loginItem?: { team?: 'A' | 'B' | 'adhoc'; identifier?: string };
  extension?: { team?: 'A' | 'B' | 'adhoc'; identifier?: string };
  /** A library in Contents/Frameworks linked by the (hardened) main executable through @rpath. */
  library?: { team?: 'A' | 'B' | 'adhoc'; hardened?: boolean; disableLibraryValidation?: boolean; platform?: boolean; arches?: Arch[]; appArches?: Arch[]; framework?: boolean; child?: 'A' | 'B' | 'adhoc'; sign?: Omit<SignOptions, 'identifier'> };
  name?: string;
}

export async function makeApp(dir: string, spec: AppSpec): Promise<Bundle> {
  const appSign = signer(spec.appTeam ?? 'A');
  const info: Record<string, string | Record<string, string>> = {};
  if (spec.helper) info['SMPrivilegedExecutables'] = { [HELPER]: spec.helper.requirement ?? requirementFor(HELPER, TEAM_A) };
  const lib = spec.library;
  const entitlements = lib?.disableLibraryValidation ? { 'com.apple.security.cs.disable-library-validation': true } : undefined;
  return makeBundle(dir, {
    name: spec.name ?? 'Tool',
    identifier: APP_ID,
    info,
    ...(lib?.appArches ? { arches: lib.appArches } : {}),
    macho: lib ? { dylibs: [lib.framework ? '@rpath/Foo.framework/Foo' : '@rpath/libfoo.dylib', '/usr/lib/libSystem.B.dylib'], rpaths: ['@executable_path/../Frameworks'] } : {},
    sign: { ...appSign, ...(lib && lib.hardened !== false ? { runtime: 0x0a0f00 } : {}), ...(entitlements ? { entitlements } : {}) },
    populate: async (contents) => {
      if (spec.helper) {
        const h = spec.helper;
        const id = h.identifier ?? HELPER;
        const macho = (arch: Arch) =>
          makeMachO({
            arch,
            infoPlist: { CFBundleIdentifier: id, CFBundleInfoDictionaryVersion: '6.0', SMAuthorizedClients: h.clients ?? [requirementFor(APP_ID, TEAM_A)] },
            launchdPlist: { Label: h.launchdLabel ?? HELPER, MachServices: { [HELPER]: true } },
          });
        const file = join(contents, 'Library', 'LaunchServices', h.fileName ?? HELPER);
        await mkdir(join(contents, 'Library', 'LaunchServices'), { recursive: true });
        const x86 = signMachO(macho('x86_64'), { ...signer(h.team ?? 'A'), identifier: id, infoPlist: 'embedded' });
        await writeFile(file, h.arm64Team ? makeFat([x86, signMachO(macho('arm64'), { ...signer(h.arm64Team), identifier: id, infoPlist: 'embedded' })]) : x86);
      }
      if (spec.smappservice) {
        const s = spec.smappservice;
        await mkdir(join(contents, 'Library', 'LaunchDaemons'), { recursive: true });
        const plist: Record<string, unknown> = { Label: 'com.example.app.daemon', BundleProgram: 'Contents/MacOS/daemon' };
        if (s.spawnConstraint !== undefined) plist['SpawnConstraint'] = s.spawnConstraint === true ? SPAWN_CONSTRAINT : s.spawnConstraint;
        await writeFile(join(contents, 'Library', 'LaunchDaemons', 'com.example.app.daemon.plist'), buildPlist(plist as Parameters<typeof buildPlist>[0]));
        if (!s.missing) {
          await mkdir(join(contents, 'MacOS'), { recursive: true });
          await writeFile(join(contents, 'MacOS', 'daemon'), signMachO(makeMachO({ codeSize: 3000 }), { ...signer(s.team ?? 'A'), identifier: DAEMON_ID }));
        }
      }
      const nested = async (folder: string, name: string, extension: string, part: { team?: 'A' | 'B' | 'adhoc'; identifier?: string }, id: string) => {
        await mkdir(join(contents, folder), { recursive: true });
        await makeBundle(join(contents, folder), { name, extension, identifier: part.identifier ?? id, sign: signer(part.team ?? 'A'), macho: { codeSize: 3000 } });
      };
      if (spec.xpc) await nested('XPCServices', 'Service', '.xpc', spec.xpc, 'com.example.app.service');
      if (spec.loginItem) await nested('Library/LoginItems', 'Launcher', '.app', spec.loginItem, 'com.example.app.launcher');
      if (spec.extension) await nested('PlugIns', 'Share', '.appex', spec.extension, 'com.example.app.share');
      if (lib) {
        await mkdir(join(contents, 'Frameworks'), { recursive: true });
        if (lib.framework) {
          await makeBundle(join(contents, 'Frameworks'), {
            name: 'Foo',
            extension: '.framework',
            layout: 'shallow',
            identifier: 'com.example.foo',
            info: { CFBundlePackageType: 'FMWK' },
            macho: { fileType: 'dylib', installName: '@rpath/Foo.framework/Foo', codeSize: 3000 },
            sign: signer(lib.team ?? 'A'),
          });
        } else {
          const slices = (lib.arches ?? ['x86_64']).map((arch) =>
            signMachO(makeMachO({ arch, fileType: 'dylib', installName: '@rpath/libfoo.dylib', codeSize: 3000, ...(lib.child ? { dylibs: ['@loader_path/libbar.dylib'] } : {}) }), {
              ...(lib.sign ?? signer(lib.team ?? 'A')),
              identifier: 'com.example.libfoo',
              ...(lib.platform ? { platform: 1 } : {}),
            }),
          );
          await writeFile(join(contents, 'Frameworks', 'libfoo.dylib'), slices.length === 1 ? slices[0]! : makeFat(slices));
        }
        if (lib.child) {
          await writeFile(join(contents, 'Frameworks', 'libbar.dylib'), signMachO(makeMachO({ fileType: 'dylib', installName: '@rpath/libbar.dylib', codeSize: 3000 }), { ...signer(lib.child), identifier: 'com.example.libbar' }));
        }
      }
    },
  });
}

/**
 * The per-file set-up of the doctor tests: a temporary folder (removed after
 * the file), the test CAs, and a fresh app folder per call.
 */
export function appWorkspace(prefix: string): { nextApp: (spec: AppSpec) => Promise<Bundle>; file: (name: string) => string } {
  let dir: string | undefined;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    teams();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return { nextApp: (spec) => makeApp(join(dir!, String(n++)), spec), file: (name) => join(dir!, name) };
}

/** The one relationship of `kind` in a report (asserting there is exactly one). */
export function onlyRelationship(report: DoctorReport, kind: RelationshipKind): Relationship {
  const found = report.relationships.filter((r) => r.kind === kind);
  assert.equal(found.length, 1, `one ${kind} relationship in ${JSON.stringify(report.relationships.map((r) => r.kind))}`);
  return found[0]!;
}
