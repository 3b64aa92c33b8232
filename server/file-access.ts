/**
 * Which files requests may read, and reading them boundedly: regular files
 * only (a FIFO or device is refused without blocking on it), at most `max`
 * bytes counted as they are read (a file whose size stat reports wrongly,
 * such as /proc files, cannot make the server read more).
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** The first `max` bytes of a regular file, or undefined when it is not one, cannot be read, or holds more than `max` bytes. */
export function readRegularFile(path: string, max: number): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(max + 1);
    let have = 0;
    while (have < buf.length) {
      const n = readSync(fd, buf, have, buf.length - have, null);
      if (n === 0) break;
      have += n;
    }
    return have > max ? undefined : buf.subarray(0, have);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether `path` lies inside one of `roots`, also after resolving symbolic
 * links (a link inside the workspace to /etc/shadow does not count). The
 * lexical check comes first, so a path outside is refused without touching
 * the file system.
 */
export function insideRoots(path: string, roots: readonly string[]): boolean {
  const abs = resolve(path);
  const lexical = roots.filter((r) => inside(resolve(r), abs));
  if (lexical.length === 0) return false;
  const target = real(abs);
  if (target === undefined) return true; // missing: the read fails and says so
  return roots.some((r) => inside(real(r) ?? resolve(r), target));
}
