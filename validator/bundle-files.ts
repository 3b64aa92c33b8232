/**
 * Opening the files of code we do not trust: the Mach-O named, and the parts
 * of a bundle (Info.plist, `_CodeSignature/CodeResources`, the main
 * executable, nested code). A bundle part must stay inside its bundle (a
 * symbolic link is resolved, never followed out of it), every file must be a
 * regular file (a FIFO, device or socket is refused after opening without
 * blocking, so a FIFO cannot hang the check) and reads are bounded by the
 * bytes actually read, never by `stat` (files under /proc say they are empty).
 */
import { constants, type BigIntStats } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { printable } from './printable.js';

/** Never blocks on a FIFO (open, then refused by fstat); a regular file reads as usual. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
/** The last component must not be a link (the path was resolved just before). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export type RefusalReason = 'missing' | 'outside' | 'not-regular' | 'too-large' | 'io';

/** A file that is refused or cannot be read; `message` names it and says why. */
export class FileRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'FileRefused';
  }
}

const errorCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/** True when `p` lies strictly below `root` (both absolute, resolved paths). */
export function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel);
}

/** What identifies the file that was opened: another open of "the same path" must find the same one. */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export function identityOf(st: BigIntStats): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

export interface OpenedFile {
  handle: FileHandle;
  stat: BigIntStats;
  /** The path that was opened (resolved, for bundle parts). */
  path: string;
}

function kind(st: BigIntStats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Opens a regular file for reading without blocking: a FIFO, device or
 * socket is opened non-blocking, seen by fstat and closed again. `what`
 * names the file in messages.
 */
export async function openRegular(path: string, what = printable(path), noFollow = false): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS | (noFollow ? NO_FOLLOW : 0));
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileRefused('missing', `${what}: no such file`, { cause: err });
    if (code === 'ELOOP') throw new FileRefused('outside', `${what}: is a symbolic link (it changed while being opened)`, { cause: err });
    throw new FileRefused('io', `${what}: cannot open (${code})`, { cause: err });
  }
  try {
    const st = await handle.stat({ bigint: true });
    if (!st.isFile()) throw new FileRefused('not-regular', `${what}: ${kind(st)}, not a regular file; it is not read`);
    return { handle, stat: st, path };
  } catch (err) {
    await handle.close();
    if (err instanceof FileRefused) throw err;
    throw new FileRefused('io', `${what}: cannot examine (${errorCode(err)})`, { cause: err });
  }
}

/**
 * Opens `path`, which must resolve to a regular file strictly inside `root`
 * (a real path): links are resolved first and the result must stay in the
 * bundle; after opening, the path must still resolve to the file that was
 * opened (on Linux the kernel's own name for the descriptor is checked too),
 * so a folder swapped for a link meanwhile cannot lead the open outside.
 */
export async function openInside(root: string, path: string, what: string): Promise<OpenedFile> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileRefused('missing', `${what}: no such file`, { cause: err });
    if (code === 'ELOOP') throw new FileRefused('outside', `${what}: too many levels of symbolic links`, { cause: err });
    throw new FileRefused('io', `${what}: cannot resolve (${code})`, { cause: err });
  }
  if (!isInside(root, real)) throw new FileRefused('outside', `${what}: resolves to ${printable(real)}, outside the bundle; it is not read`);
  const opened = await openRegular(real, what, true);
  try {
    await checkStillInside(root, path, real, opened, what);
  } catch (err) {
    await opened.handle.close();
    throw err;
  }
  return opened;
}

async function checkStillInside(root: string, path: string, real: string, opened: OpenedFile, what: string): Promise<void> {
  const moved = () => new FileRefused('outside', `${what}: changed while being opened (it no longer resolves to the file inside the bundle that was opened); it is not read`);
  if (process.platform === 'linux') {
    // The kernel's name for what was actually opened, whatever happened to the path meanwhile.
    const actual = await readlink(`/proc/self/fd/${opened.handle.fd}`).catch(() => undefined);
    if (actual !== undefined && actual !== real) throw moved();
  }
  let again: string;
  let st: BigIntStats;
  try {
    again = await realpath(path);
    st = await stat(again, { bigint: true });
  } catch {
    throw moved();
  }
  if (again !== real || !isInside(root, again) || st.dev !== opened.stat.dev || st.ino !== opened.stat.ino) throw moved();
}

/**
 * Reads an open file to its end, refusing it as soon as more than `max`
 * bytes have been read: the size `stat` reports is not trusted (/proc files
 * say 0 and hold gigabytes, a file may grow while being read).
 */
export async function readBounded(handle: FileHandle, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(Math.min(max + 1, 1 << 20));
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, max + 1 - total), total);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
      total += bytesRead;
      if (total > max) throw new FileRefused('too-large', `${what}: more than ${max} bytes, over the limit for it; it is not read`);
    }
  } catch (err) {
    if (err instanceof FileRefused) throw err;
    throw new FileRefused('io', `${what}: read error (${errorCode(err)})`, { cause: err });
  }
  return Buffer.concat(chunks, total);
}

/** The whole content of a bundle part (see openInside), at most `max` bytes, and the real path it was read from. */
export async function readInside(root: string, path: string, max: number, what: string): Promise<{ bytes: Uint8Array; path: string }> {
  const opened = await openInside(root, path, what);
  try {
    return { bytes: new Uint8Array(await readBounded(opened.handle, max, what)), path: opened.path };
  } finally {
    await opened.handle.close();
  }
}
