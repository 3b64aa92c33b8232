/**
 * Which files requests may read: documents the client opened, files inside
 * the workspace folders (read through the engine's bounded reader).
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

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
