/**
 * TEST ONLY. Writes `_CodeSignature/CodeResources` the way codesign does for
 * a macOS bundle: v1 `files`/`rules` and v2 `files2`/`rules2` with Apple's
 * default rule sets. Deliberately independent of validator/resources (JS
 * RegExp instead of its POSIX matcher, its own walk), so tests compare two
 * implementations.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { build as buildPlist, parse as parsePlist } from 'plist';
import { cdhashOf } from './codesign.js';
import { readSignature, slicesOf } from './read.js';

type RuleValue = boolean | { omit?: boolean; optional?: boolean; nested?: boolean; weight?: number };
export type Rules = Record<string, RuleValue>;

/** codesign's defaults for v1 seals. */
export const DEFAULT_RULES: Rules = {
  '^Resources/': true,
  '^Resources/.*\\.lproj/': { optional: true, weight: 1000 },
  '^Resources/.*\\.lproj/locversion.plist$': { omit: true, weight: 1100 },
  '^Resources/Base\\.lproj/': { weight: 1010 },
  '^version.plist$': true,
};

/** codesign's defaults for v2 seals (macOS bundles). */
export const DEFAULT_RULES2: Rules = {
  '.*\\.dSYM($|/)': { weight: 11 },
  '^(.*/)?\\.DS_Store$': { omit: true, weight: 2000 },
  '^(Frameworks|SharedFrameworks|PlugIns|Plug-ins|XPCServices|Helpers|MacOS|Library/(Automator|Spotlight|LoginItems))/': { nested: true, weight: 10 },
  '^.*': true,
  '^Info\\.plist$': { omit: true, weight: 20 },
  '^PkgInfo$': { omit: true, weight: 20 },
  '^Resources/': { weight: 20 },
  '^Resources/.*\\.lproj/': { optional: true, weight: 1000 },
  '^Resources/.*\\.lproj/locversion.plist$': { omit: true, weight: 1100 },
  '^Resources/Base\\.lproj/': { weight: 1010 },
  '^[^/]+$': { nested: true, weight: 10 },
  '^embedded\\.provisionprofile$': { weight: 20 },
  '^version\\.plist$': { weight: 20 },
};

export interface SealOptions {
  /** The main executable, relative to the resource root (never sealed). */
  mainExecutable?: string;
  rules?: Rules;
  rules2?: Rules;
  /** Only `files`/`rules` (a pre-10.9 seal). */
  v1Only?: boolean;
  /** The requirement recorded for nested code; default `identifier "<its identifier>"`. */
  nestedRequirement?: (relPath: string, identifier: string) => string;
  /** Change the seal before it is written (hostile seals). */
  edit?: (seal: Record<string, unknown>) => void;
}

interface Rule {
  re: RegExp;
  weight: number;
  omit: boolean;
  optional: boolean;
  nested: boolean;
  exclude: boolean;
}

function compile(rules: Rules, excluded: string[]): Rule[] {
  const out: Rule[] = excluded.map((p) => ({ re: new RegExp(p), weight: 0, omit: false, optional: false, nested: false, exclude: true }));
  for (const key of Object.keys(rules).sort()) {
    const v = rules[key]!;
    const d = typeof v === 'boolean' ? { omit: !v } : v;
    out.push({ re: new RegExp(key), weight: d.weight ?? 1, omit: d.omit ?? false, optional: d.optional ?? false, nested: d.nested ?? false, exclude: false });
  }
  return out;
}

function pick(rules: Rule[], path: string): Rule | undefined {
  let best: Rule | undefined;
  for (const r of rules) {
    if (!r.re.test(path)) continue;
    if (r.exclude) return r;
    if (!best || r.weight > best.weight) best = r;
  }
  return best;
}

const sha = (alg: string, data: Uint8Array) => createHash(alg).update(data).digest();

function isMachO(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const m = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  return [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xcafebabf].includes(m);
}

/** CDHash (20 bytes, strongest CodeDirectory of the first slice) and identifier of a signed Mach-O. */
function codeIdentity(bytes: Uint8Array): { cdhash: Buffer; identifier: string } {
  // The first signed slice, as a universal binary may have unsigned ones.
  const sig = slicesOf(bytes).map(readSignature).find((x) => x !== undefined);
  if (!sig) throw new Error('nested code is not signed');
  const order = ['sha1', 'sha256Truncated', 'sha256', 'sha384'];
  const cd = [...sig.codeDirectories].sort((a, b) => order.indexOf(b.hashType) - order.indexOf(a.hashType))[0]!;
  return { cdhash: Buffer.from(cdhashOf(cd.hashType, cd.bytes).subarray(0, 20)), identifier: cd.identifier };
}

async function nestedExecutable(dir: string): Promise<Uint8Array> {
  for (const [plistPath, exeDir] of [
    [join(dir, 'Contents', 'Info.plist'), join(dir, 'Contents', 'MacOS')],
    [join(dir, 'Resources', 'Info.plist'), dir],
    [join(dir, 'Info.plist'), dir],
  ] as const) {
    try {
      const info = parsePlist(await readFile(plistPath, 'utf8')) as { CFBundleExecutable: string };
      return new Uint8Array(await readFile(join(exeDir, info.CFBundleExecutable)));
    } catch {
      continue;
    }
  }
  throw new Error(`${dir}: no nested bundle executable`);
}

/** Builds the CodeResources for the resource root `root` (Contents/ of an app, the root of a shallow bundle). */
export async function sealResources(root: string, options: SealOptions = {}): Promise<Uint8Array> {
  const excluded = ['^_CodeSignature$', '^CodeResources$', '^_MASReceipt$'];
  if (options.mainExecutable) excluded.push('^' + options.mainExecutable.replace(/[\\[\]{}().+*?^$|]/g, (c) => '\\' + c) + '$');
  const rules = options.rules ?? DEFAULT_RULES;
  const rules2 = options.rules2 ?? DEFAULT_RULES2;
  const v1 = compile(rules, excluded);
  const v2 = compile(rules2, excluded);
  const files: Record<string, unknown> = {};
  const files2: Record<string, unknown> = {};
  const requirementFor = options.nestedRequirement ?? ((_rel: string, id: string) => `identifier "${id}"`);

  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const abs = join(dir, name);
      const st = await lstat(abs);
      const r1 = pick(v1, path);
      const r2 = pick(v2, path);
      if (st.isDirectory()) {
        if (r2?.nested && !r2.omit && name.includes('.')) {
          const id = codeIdentity(await nestedExecutable(abs));
          files2[path] = { cdhash: id.cdhash, requirement: requirementFor(path, id.identifier) };
          continue;
        }
        if (r2?.exclude) continue;
        await walk(abs, path);
        continue;
      }
      if (st.isSymbolicLink()) {
        if (r2 && !r2.omit && !r2.exclude) files2[path] = { symlink: await readlink(abs) };
        continue;
      }
      const bytes = new Uint8Array(await readFile(abs));
      if (r1 && !r1.omit && !r1.exclude) files[path] = r1.optional ? { hash: sha('sha1', bytes), optional: true } : sha('sha1', bytes);
      if (r2 && !r2.omit && !r2.exclude) {
        if (r2.nested && isMachO(bytes)) {
          const id = codeIdentity(bytes);
          files2[path] = { cdhash: id.cdhash, requirement: requirementFor(path, id.identifier) };
        } else {
          files2[path] = { hash: sha('sha1', bytes), hash2: sha('sha256', bytes), ...(r2.optional ? { optional: true } : {}) };
        }
      }
    }
  };
  await walk(root, '');
  // Copies, so that `edit` cannot change the shared defaults.
  const seal: Record<string, unknown> = options.v1Only ? { files, rules: structuredClone(rules) } : { files, files2, rules: structuredClone(rules), rules2: structuredClone(rules2) };
  options.edit?.(seal);
  return new TextEncoder().encode(buildPlist(seal as Parameters<typeof buildPlist>[0]));
}
