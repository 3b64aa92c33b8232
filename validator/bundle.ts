import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { PlistDict } from './facts.js';
import { FileRefused, isInside, readInside } from './bundle-files.js';
import { CodeReadError } from './macho/errors.js';
import { printable } from './printable.js';
import { PlistError, readPlistDict } from './signature/plist.js';

/** An Info.plist is a few kilobytes; anything near this is hostile. */
export const MAX_INFO_PLIST_BYTES = 8 << 20;

export interface ResolvedCode {
  /** The path as given. */
  path: string;
  /** The Mach-O file to read. */
  executablePath: string;
  bundle?: {
    path: string;
    infoPlistPath: string;
    /** Exact bytes, for the Info.plist special-slot hash. */
    infoPlistBytes: Uint8Array;
    infoPlist: PlistDict;
  };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Something is there (a file, a link, a FIFO…), not a folder: a layout's Info.plist, to be read or refused. */
async function isPresent(p: string): Promise<boolean> {
  try {
    return !(await stat(p)).isDirectory();
  } catch (err) {
    // A dangling link or a link loop is present, and refused when read.
    return (err as NodeJS.ErrnoException).code === 'ELOOP' || (await lstat(p).then((st) => st.isSymbolicLink(), () => false));
  }
}

const REFUSAL_CODES = { missing: 'bad-bundle', outside: 'bad-bundle', 'not-regular': 'bad-bundle', 'too-large': 'too-large', io: 'io' } as const;

/** The Info.plist, read inside the bundle (no link out of it, no FIFO or device), at most MAX_INFO_PLIST_BYTES as read. */
async function readInfoPlist(root: string, file: string, dir: string): Promise<{ path: string; bytes: Uint8Array; dict: PlistDict }> {
  const name = `${dir}: ${printable(relative(root, file))}`;
  let read: { bytes: Uint8Array; path: string };
  try {
    read = await readInside(root, file, MAX_INFO_PLIST_BYTES, name);
  } catch (err) {
    if (err instanceof FileRefused) throw new CodeReadError(REFUSAL_CODES[err.reason], err.reason === 'too-large' ? `${name}: larger than the ${MAX_INFO_PLIST_BYTES}-byte limit for an Info.plist` : err.message, { cause: err });
    throw err;
  }
  const { bytes, path } = read;
  try {
    return { path, bytes, dict: readPlistDict(bytes, path) };
  } catch (err) {
    if (err instanceof PlistError) throw new CodeReadError('bad-bundle', err.message);
    throw err;
  }
}

/**
 * Finds the main executable of a bundle directory, following Apple's layouts:
 * `Contents/Info.plist` + `Contents/MacOS/<exe>` (apps, XPC services, app
 * extensions), `Resources/Info.plist` + `<exe>` (versioned frameworks, through
 * their `Versions/Current` links) and `Info.plist` + `<exe>` (shallow bundles).
 * Symbolic links are resolved and must stay inside the bundle, so a link
 * cannot point the check at some other file; a main executable that is itself
 * a directory is refused, which bounds nesting to one level. With `within`
 * (nested code: the outer bundle's real path), the bundle itself must
 * resolve inside that.
 */
export async function resolveBundle(dir: string, within?: string): Promise<ResolvedCode> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch (err) {
    throw new CodeReadError('bad-bundle', `${dir}: cannot resolve (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  if (within !== undefined && !isInside(within, root)) throw new CodeReadError('bad-bundle', `${dir}: resolves to ${printable(root)}, outside the bundle it is nested in`);
  const layouts: { plist: string; exeDir: string }[] = [
    { plist: join(root, 'Contents', 'Info.plist'), exeDir: join(root, 'Contents', 'MacOS') },
    { plist: join(root, 'Resources', 'Info.plist'), exeDir: root },
    { plist: join(root, 'Info.plist'), exeDir: root },
  ];
  for (const layout of layouts) {
    if (!(await isPresent(layout.plist))) continue;
    const { path: plistReal, bytes, dict } = await readInfoPlist(root, layout.plist, dir);
    const exe = dict['CFBundleExecutable'];
    if (typeof exe !== 'string' || exe === '' || exe.includes('/') || exe === '.' || exe === '..') {
      throw new CodeReadError('bad-bundle', `${layout.plist}: CFBundleExecutable is ${typeof exe === 'string' ? JSON.stringify(exe) : 'missing'}; cannot find the main executable`);
    }
    const candidate = join(layout.exeDir, exe);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CodeReadError(
        'bad-bundle',
        `${dir}: main executable ${relative(root, candidate)} ${code === 'ENOENT' ? 'does not exist' : `cannot be resolved (${code})`}`,
        { cause: err },
      );
    }
    if (real === root) throw new CodeReadError('bad-bundle', `${dir}: main executable ${relative(root, candidate)} links back to the bundle itself`);
    if (!isInside(root, real)) throw new CodeReadError('bad-bundle', `${dir}: main executable ${relative(root, candidate)} resolves to ${real}, outside the bundle`);
    const st = await lstat(real);
    if (!st.isFile()) throw new CodeReadError('bad-bundle', `${dir}: main executable ${relative(root, candidate)} is not a regular file${st.isDirectory() ? ' (a directory: nested bundles are not followed)' : ''}`);
    return { path: dir, executablePath: real, bundle: { path: root, infoPlistPath: plistReal, infoPlistBytes: bytes, infoPlist: dict } };
  }
  throw new CodeReadError('bad-bundle', `${dir}: a directory without Contents/Info.plist, Resources/Info.plist or Info.plist is not a bundle`);
}

/**
 * Resolves what the user named: a bundle directory, the main executable
 * inside a bundle (treated as the bundle, as Apple's tools do, so that the
 * Info.plist slot can be checked), or a plain Mach-O file.
 */
export async function resolveCode(path: string, within?: string): Promise<ResolvedCode> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CodeReadError('not-found', `${path}: no such file or directory`, { cause: err });
    if (code === 'ELOOP') throw new CodeReadError('bad-bundle', `${path}: too many levels of symbolic links`, { cause: err });
    throw new CodeReadError('io', `${path}: ${code ?? String(err)}`, { cause: err });
  }
  if (st.isDirectory()) return resolveBundle(path, within);
  if (!st.isFile()) throw new CodeReadError('not-macho', `${path}: not a regular file or bundle directory`);
  const real = await realpath(path);
  if (within !== undefined && !isInside(within, real)) throw new CodeReadError('bad-bundle', `${path}: resolves to ${printable(real)}, outside the bundle it is nested in`);
  const macos = dirname(real);
  const contents = dirname(macos);
  if (basename(macos) === 'MacOS' && basename(contents) === 'Contents' && (await isFile(join(contents, 'Info.plist')))) {
    try {
      const resolved = await resolveBundle(dirname(contents));
      if (resolved.executablePath === real) return { ...resolved, path };
    } catch {
      // Not a well-formed bundle around it: read the file on its own.
    }
  }
  return { path, executablePath: real };
}
