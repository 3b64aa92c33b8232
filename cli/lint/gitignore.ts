/**
 * One .gitignore compiled once, so testing a path does not try every rule
 * (issue 19.11: the `ignore` package tests each rule for each path, so a
 * 20,000-line .gitignore made `csrl lint` cost 20,000 regular expressions per
 * file).
 *
 * The rules are still the `ignore` package's: it reads the file (comments,
 * `!`, escapes, trailing spaces, case-insensitive as it is by default) and
 * builds each rule's regular expression, so every rule means exactly what it
 * meant before. What changes is which rules are tried for a path:
 * - a literal rule (no `* ? [ \`) is a key in a hash map: by name (`foo`,
 *   `foo/`: the path's last segment) or by whole path (`/foo`, `a/b`, `a/b/`),
 *   holding the index of the last rule with that key (directory-only ones apart);
 * - a wildcard rule whose last segment starts or ends with literal text
 *   (`*.log`, `build-*`, `a/**\/b`, `?r`) is filed under that text, and is tried
 *   only for paths whose last segment ends (starts) with it;
 * - the rest (`*`, `*m*`, `z/**`) are tried in blocks of one combined regular
 *   expression each, and one by one only inside a block that matched.
 * The answer is the last rule that matches, as in git (a later `!rule`
 * re-includes): the highest index over the three, and the regular
 * expressions are only tried above the best index found so far.
 */
import ignore from 'ignore';

export type IgnoreVerdict = 'ignored' | 'unignored' | undefined;

export interface IgnoreMatcher {
  /** The verdict of the last rule matching `rel` (relative to the .gitignore's folder, `/`-separated), or undefined. */
  test(rel: string, isDir: boolean): IgnoreVerdict;
  /** How the rules were filed (for tests and the benchmark). */
  readonly counts: { literal: number; filed: number; scanned: number };
}

/** The package's rule: `regex` is built on first use (a getter), so literal rules never build one. */
interface Rule {
  readonly body: string;
  readonly negative: boolean;
  readonly regex: RegExp;
}

/** Indices of the last rule for a key: for files and folders alike, and directory-only (`foo/`). */
interface Last {
  any: number;
  dir: number;
}

const SPECIAL = /[*?[\]\\]/;
const BLOCK = 64;

/** ASCII-only lower case: the rules' regular expressions are /i without /u, which never folds a non-ASCII character to an ASCII one. */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

function rulesOf(text: string): { rules: Rule[] } | { fallback: ReturnType<typeof ignore> } {
  const ig = ignore().add(text);
  // The package's rule list (name, body, negative, regex): checked, and if it ever changes shape, its own test() is used instead.
  const raw = (ig as unknown as { _rules?: { _rules?: unknown } })._rules?._rules;
  if (!Array.isArray(raw)) return { fallback: ig };
  const rules = raw as Partial<Rule>[];
  for (const r of rules) if (typeof r.body !== 'string' || typeof r.negative !== 'boolean') return { fallback: ig };
  if (rules.length > 0 && !(rules[0]!.regex instanceof RegExp)) return { fallback: ig };
  return { rules: rules as Rule[] };
}

export function compileIgnore(text: string): IgnoreMatcher {
  const got = rulesOf(text);
  if ('fallback' in got) {
    const ig = got.fallback;
    return {
      test: (rel, isDir) => {
        const r = ig.test(isDir ? rel + '/' : rel);
        return r.ignored ? 'ignored' : r.unignored ? 'unignored' : undefined;
      },
      counts: { literal: 0, filed: 0, scanned: 0 },
    };
  }
  return new CompiledIgnore(got.rules);
}

class CompiledIgnore implements IgnoreMatcher {
  private readonly negative: boolean[] = [];
  private readonly rules: Rule[];
  private readonly names = new Map<string, Last>();
  private readonly paths = new Map<string, Last>();
  private readonly bySuffix = new Map<string, number[]>();
  private readonly byPrefix = new Map<string, number[]>();
  private suffixLengths: number[] = [];
  private prefixLengths: number[] = [];
  /** Blocks of the remaining rules, highest indices first; each block's indices ascending. */
  private readonly blocks: { combined: RegExp; indices: number[] }[] = [];
  readonly counts = { literal: 0, filed: 0, scanned: 0 };

  constructor(rules: Rule[]) {
    this.rules = rules;
    const rest: number[] = [];
    const suffixLengths = new Set<number>();
    const prefixLengths = new Set<number>();
    rules.forEach((rule, i) => {
      this.negative.push(rule.negative);
      if (this.fileLiteral(rule, i)) {
        this.counts.literal++;
        return;
      }
      const filed = this.fileWildcard(rule, i);
      if (filed) {
        this.counts.filed++;
        (filed.kind === 'suffix' ? suffixLengths : prefixLengths).add(filed.key.length);
        return;
      }
      this.counts.scanned++;
      rest.push(i);
    });
    this.suffixLengths = [...suffixLengths].sort((a, b) => a - b);
    this.prefixLengths = [...prefixLengths].sort((a, b) => a - b);
    for (let end = rest.length; end > 0; end -= BLOCK) {
      const indices = rest.slice(Math.max(0, end - BLOCK), end);
      const flags = this.rules[indices[0]!]!.regex.flags;
      const same = indices.every((k) => this.rules[k]!.regex.flags === flags);
      // Rules with different flags (never, with one ignore() instance) get a block that always says "maybe".
      const combined = same ? new RegExp(indices.map((k) => `(?:${this.rules[k]!.regex.source})`).join('|'), flags.replace(/[gy]/g, '')) : /(?:)/;
      this.blocks.push({ combined, indices });
    }
  }

  /**
   * A rule without wildcards: filed by name (no slash but a trailing one: the
   * path's last segment) or by path (a leading or inner slash: anchored to
   * the .gitignore's folder). Its regular expression is never built.
   */
  private fileLiteral(rule: Rule, i: number): boolean {
    const { body } = rule;
    if (SPECIAL.test(body) || !isAscii(body)) return false;
    const dirOnly = body.endsWith('/');
    let key = dirOnly ? body.slice(0, -1) : body;
    const anchored = key.includes('/');
    if (key.startsWith('/')) key = key.slice(1);
    if (key === '' || key.startsWith('/') || key.endsWith('/') || key.includes('//')) return false;
    if (!anchored && key.includes('/')) return false;
    const map = anchored ? this.paths : this.names;
    const k = asciiLower(key);
    const last = map.get(k) ?? { any: -1, dir: -1 };
    if (dirOnly) last.dir = i;
    else last.any = i;
    map.set(k, last);
    return true;
  }

  /** A wildcard rule whose last segment begins or ends with literal text: filed under that text. */
  private fileWildcard(rule: Rule, i: number): { kind: 'suffix' | 'prefix'; key: string } | undefined {
    const body = rule.body.endsWith('/') ? rule.body.slice(0, -1) : rule.body;
    const last = body.slice(body.lastIndexOf('/') + 1);
    if (last === '' || last.includes('**') || !isAscii(last)) return undefined;
    let s = last.length;
    while (s > 0 && !SPECIAL.test(last[s - 1]!)) s--;
    let p = 0;
    while (p < last.length && !SPECIAL.test(last[p]!)) p++;
    // A literal part right after a backslash is an escaped character: not filed.
    if (s > 0 && last[s - 1] === '\\') s = last.length;
    const suffix = last.slice(s);
    const prefix = last.slice(0, p);
    const pick = suffix.length >= prefix.length ? { kind: 'suffix' as const, key: suffix } : { kind: 'prefix' as const, key: prefix };
    if (pick.key === '' || pick.key.length === last.length) return undefined;
    const map = pick.kind === 'suffix' ? this.bySuffix : this.byPrefix;
    const k = asciiLower(pick.key);
    const list = map.get(k);
    if (list) list.push(i);
    else map.set(k, [i]);
    return pick;
  }

  test(rel: string, isDir: boolean): IgnoreVerdict {
    const full = isDir ? rel + '/' : rel;
    const lower = asciiLower(rel);
    const name = lower.slice(lower.lastIndexOf('/') + 1);
    let best = -1;
    const byName = this.names.get(name);
    if (byName) best = Math.max(best, byName.any, isDir ? byName.dir : -1);
    const byPath = this.paths.get(lower);
    if (byPath) best = Math.max(best, byPath.any, isDir ? byPath.dir : -1);

    // Filed wildcard rules that could match this name and would come after the best so far.
    let candidates: number[] | undefined;
    const collect = (list: number[] | undefined): void => {
      if (!list) return;
      for (let k = list.length - 1; k >= 0 && list[k]! > best; k--) (candidates ??= []).push(list[k]!);
    };
    for (const n of this.suffixLengths) {
      if (n > name.length) break;
      collect(this.bySuffix.get(name.slice(name.length - n)));
    }
    for (const n of this.prefixLengths) {
      if (n > name.length) break;
      collect(this.byPrefix.get(name.slice(0, n)));
    }
    if (candidates) {
      candidates.sort((a, b) => b - a);
      for (const k of candidates) {
        if (k <= best) break;
        if (this.rules[k]!.regex.test(full)) {
          best = k;
          break;
        }
      }
    }

    for (const block of this.blocks) {
      if (block.indices[block.indices.length - 1]! <= best) break;
      if (!block.combined.test(full)) continue;
      let found = false;
      for (let j = block.indices.length - 1; j >= 0 && block.indices[j]! > best; j--) {
        if (this.rules[block.indices[j]!]!.regex.test(full)) {
          best = block.indices[j]!;
          found = true;
          break;
        }
      }
      if (found) break;
    }
    return best < 0 ? undefined : this.negative[best] ? 'unignored' : 'ignored';
  }
}
