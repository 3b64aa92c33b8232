/**
 * Finds the files `csrl lint` reads: requirement files and host-language
 * files under the given paths, honouring `.gitignore` (and
 * `.git/info/exclude`) the way git does, never following a symbolic link
 * into a directory already being walked, and never opening anything that is
 * not a regular file (a FIFO would block the read forever).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { languageIdForPath } from '../../language-service/embedded/hosts.js';
import { compileIgnore, type IgnoreMatcher } from './gitignore.js';

export type FileKind = { kind: 'requirement' } | { kind: 'host'; languageId: string };

export interface Candidate {
  /** Absolute path. */
  path: string;
  kind: FileKind;
  /** Reached through a symbolic link: read only if the file itself was not (see lintPaths). */
  viaLink: boolean;
}

export interface SkipNote {
  path: string;
  reason: string;
}

interface IgnoreLevel {
  /** Directory the patterns are relative to. */
  base: string;
  /** Compiled once (see gitignore.ts): a path's test does not try every rule. */
  ig: IgnoreMatcher;
}

/** Kind of file by its name; undefined for files lint does not read. */
export function kindOf(path: string): FileKind | undefined {
  const lower = path.toLowerCase();
  // Both are auto-sensed, as the language server does (a first-line `# csrl: set` comment or --mode forces one).
  if (lower.endsWith('.csreq') || lower.endsWith('.rqset')) return { kind: 'requirement' };
  // JSON is read for lightweight code requirements only (language-service/embedded/lwcr.ts):
  // `*.lwcr.json` always counts as one, any other `*.json` when its top-level keys look like one.
  if (lower.endsWith('.lwcr.json')) return { kind: 'host', languageId: 'lwcr-json' };
  if (lower.endsWith('.json')) return { kind: 'host', languageId: 'json' };
  const languageId = languageIdForPath(path);
  return languageId ? { kind: 'host', languageId } : undefined;
}

/** A path given on the command line does not exist (a usage error for the command). */
export class MissingPathError extends Error {}

/** Directories never worth walking: version-control metadata. */
const SKIPPED_DIRECTORIES = new Set(['.git', '.hg', '.svn']);

export class Walker {
  readonly candidates: Candidate[] = [];
  readonly notes: SkipNote[] = [];
  /** dev:ino of every directory entered, so loops are walked once. */
  private readonly seen = new Set<string>();

  /** Adds a path given on the command line; a missing path throws (the caller makes it a usage error). */
  addRoot(path: string, shown: string = path): void {
    const abs = resolve(path);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new MissingPathError(`no such file or directory: ${shown}`);
      this.notes.push({ path: abs, reason: describeError(err) });
      return;
    }
    if (st.isDirectory()) {
      this.walk(abs, st, this.ignoreChain(abs));
    } else if (st.isFile()) {
      const kind = kindOf(abs);
      if (!kind) this.notes.push({ path: abs, reason: 'not a requirement file (.csreq, .rqset) or a Swift, Objective-C, C/C++, shell, property-list (also .mobileconfig, .recipe), YAML or JSON file' });
      else this.candidates.push({ path: abs, kind, viaLink: false });
    } else {
      this.notes.push({ path: abs, reason: 'not a regular file' });
    }
  }

  /** The .gitignore files that apply to `dir`: those of the repository root down to `dir` itself. */
  private ignoreChain(dir: string): IgnoreLevel[] {
    const ancestors: string[] = [];
    let root: string | undefined;
    for (let d = dir, guard = 0; guard < 256; guard++) {
      ancestors.push(d);
      if (existsSync(join(d, '.git'))) {
        root = d;
        break;
      }
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
    if (!root) return [];
    const chain: IgnoreLevel[] = [];
    const exclude = readText(join(root, '.git', 'info', 'exclude'));
    if (exclude) chain.push({ base: root, ig: compileIgnore(exclude) });
    // Levels above `dir`; `dir`'s own .gitignore is added by walk().
    for (const d of ancestors.slice(1).reverse()) {
      const level = gitignoreAt(d);
      if (level) chain.push(level);
    }
    return chain;
  }

  private walk(rootDir: string, rootStat: Stats, rootChain: IgnoreLevel[]): void {
    // Links to folders are followed only inside the folder being linted (loops end at `seen`).
    let rootReal = rootDir;
    try {
      rootReal = realpathSync(rootDir);
    } catch {
      // Keep the path as given.
    }
    const stack: { dir: string; st: Stats; chain: IgnoreLevel[] }[] = [{ dir: rootDir, st: rootStat, chain: rootChain }];
    while (stack.length > 0) {
      const { dir, st, chain: parentChain } = stack.pop()!;
      const id = `${st.dev}:${st.ino}`;
      if (this.seen.has(id)) {
        this.notes.push({ path: dir, reason: 'directory already visited (symbolic link loop or duplicate link)' });
        continue;
      }
      this.seen.add(id);
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        this.notes.push({ path: dir, reason: describeError(err) });
        continue;
      }
      // The listing says whether there is a .gitignore: no stat (and no ENOENT) for the folders without one.
      const own = entries.some((e) => e.name === '.gitignore') ? gitignoreAt(dir) : undefined;
      const chain = own ? [...parentChain, own] : parentChain;
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: { dir: string; st: Stats; chain: IgnoreLevel[] }[] = [];
      // `dir` is absolute and normalised and a listed name has no separator: joining is concatenating.
      const prefix = dir.endsWith(sep) ? dir : dir + sep;
      for (const entry of entries) {
        const path = prefix + entry.name;
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        let entryStat: Stats | undefined;
        const viaLink = entry.isSymbolicLink();
        if (viaLink) {
          try {
            entryStat = statSync(path);
          } catch (err) {
            // A dangling link is worth a note only where a file would have been read; a loop always is.
            if (kindOf(path) || (err as NodeJS.ErrnoException).code === 'ELOOP') this.notes.push({ path, reason: describeError(err) });
            continue;
          }
          isDir = entryStat.isDirectory();
          isFile = entryStat.isFile();
        }
        if (isDir && SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (ignored(chain, path, isDir)) continue;
        if (isDir) {
          try {
            entryStat ??= statSync(path);
          } catch (err) {
            this.notes.push({ path, reason: describeError(err) });
            continue;
          }
          if (viaLink && !inside(rootReal, path)) {
            this.notes.push({ path, reason: 'symbolic link to a folder outside the linted folder: not followed' });
            continue;
          }
          subdirs.push({ dir: path, st: entryStat, chain });
          continue;
        }
        const kind = kindOf(entry.name);
        if (!kind) continue;
        if (!isFile) {
          this.notes.push({ path, reason: 'not a regular file' });
          continue;
        }
        // No stat here: most trees have thousands of files, and the reader's fstat identifies them.
        this.candidates.push({ path, kind, viaLink });
      }
      // Pushed in reverse so they come off the stack in name order.
      for (let k = subdirs.length - 1; k >= 0; k--) stack.push(subdirs[k]!);
    }
  }
}

function inside(rootReal: string, path: string): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return false;
  }
  return real === rootReal || real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
}

function gitignoreAt(dir: string): IgnoreLevel | undefined {
  const text = readText(join(dir, '.gitignore'));
  return text ? { base: dir, ig: compileIgnore(text) } : undefined;
}

function readText(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > 1 << 20) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Git semantics: the deepest .gitignore that has an opinion decides (a `!pattern` there re-includes). */
function ignored(chain: IgnoreLevel[], path: string, isDir: boolean): boolean {
  for (let k = chain.length - 1; k >= 0; k--) {
    const level = chain[k]!;
    let rel = relative(level.base, path);
    if (!rel || rel.startsWith('..')) continue;
    if (sep !== '/') rel = rel.split(sep).join('/');
    // The folders above `path` were tested on the way down (an ignored folder is not entered), so only `path` itself is.
    const result = level.ig.test(rel, isDir);
    if (result === 'ignored') return true;
    if (result === 'unignored') return false;
  }
  return false;
}

export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'dangling symbolic link or vanished file';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.code ? `cannot read (${e.code})` : `cannot read (${e.message})`;
  }
}
