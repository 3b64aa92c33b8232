/**
 * Which files requests may read (documents the client opened, files inside
 * the workspace folders), and reading them boundedly through the engine's
 * one reader of files named by untrusted input.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { FileReadError, readRegularFile as readFile } from '../engine/files.js';

/** The bytes of a regular file (engine/files.ts: no FIFO or device, counted as read), or undefined when it cannot be had within `max`. */
export function readRegularFile(path: string, max: number): Uint8Array | undefined {
  try {
    return readFile(path, max);
  } catch (err) {
    if (err instanceof FileReadError) return undefined;
    throw err;
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
