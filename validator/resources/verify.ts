/**
 * Verifies the files a bundle's resource seal lists, as `codesign --verify`
 * does (SecStaticCode::validateResources in Security's StaticCode.cpp): walk
 * the resource root without following links, pick each item's rule, and
 * compare what is on disk with its seal entry. Reported: modified, missing
 * (unless optional), added (not sealed, not omitted), links whose target text
 * changed, items whose type changed, and nested code that no longer matches.
 *
 * Nothing outside the resource root is ever opened: the walk only yields
 * entries it found by reading directories, files are opened with O_NOFOLLOW,
 * and seal keys are only looked up, never turned into paths.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, read, readSync, type Dirent } from 'node:fs';
import { opendir, readlink } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import type { PlistDict } from '../facts.js';
import type { Problem, ResourceProblemCode } from '../problems.js';
import type { Requirement } from '../../grammar/ast.js';
import type { CodeReport } from '../report.js';
import type { ResourceBudget, ResourceLimits, ResourceReport } from './types.js';
import { MatchBudgetExceeded } from './regex.js';
import { bundleExclusions, chooseRule, RULE_EXCLUSION, RULE_NESTED, RULE_OMITTED, type ResourceRule } from './rules.js';
import { readSeal, SealError, SealLimitError, type ResourceSeal, type SealEntry } from './seal.js';
import { printable, quoted } from '../printable.js';

export { DEFAULT_RESOURCE_LIMITS, type ResourceBudget, type ResourceLimits, type ResourceReport } from './types.js';

export interface ResourceCheckOptions {
  /** The resource root as a real path: `Contents` of an app, the root of a shallow bundle, `Versions/X` of a framework. */
  root: string;
  /** How the root is shown in messages, e.g. `Contents/` (empty for shallow bundles). */
  display: string;
  /** The main executable relative to the root, when it lies inside it (excluded from the seal). */
  mainExecutable?: string;
  /** The parsed CodeResources. */
  seal: PlistDict;
  /** True when some CodeDirectory uses SHA-1, so a `hash` beside a `hash2` is checked too. */
  checkSha1: boolean;
  limits: ResourceLimits;
  budget: ResourceBudget;
  /** Levels of nesting above this bundle (0 for the code the user named). */
  nesting: number;
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Reads and verifies nested code; a string is why it could not be read. */
  readNested: (path: string) => Promise<CodeReport | string>;
}

class LimitError extends Error {}

type Item = { rel: string; kind: 'file' | 'symlink' | 'nested-dir' };

/**
 * Resources are mostly small files, for which a thread-pool round trip per
 * open/read/close costs more than the hashing: they are read synchronously,
 * in slices of at most this many milliseconds between which the event loop
 * runs (progress, cancellation, a language server's other requests).
 */
const SLICE_MS = 10;
const READ_CHUNK = 1 << 20;

/** Files up to this size are read synchronously in one slice; larger ones asynchronously, chunk by chunk. */
const SYNC_READ_MAX = READ_CHUNK;

/** Time slices: synchronous work between which the event loop runs and cancellation is noticed. */
class Slicer {
  private started = performance.now();
  constructor(private readonly signal: AbortSignal | undefined) {}

  /** A promise to await when the slice is used up; undefined (nothing to await) otherwise. Throws when cancelled. */
  tick(): Promise<void> | undefined {
    this.signal?.throwIfAborted();
    if (performance.now() - this.started <= SLICE_MS) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.started = performance.now();
      this.signal?.throwIfAborted();
    });
  }
}

/** Runs `step` over `items` in time slices. */
async function sliced<T>(items: readonly T[], slicer: Slicer, step: (item: T) => void | Promise<void>): Promise<void> {
  for (const item of items) {
    const pause = slicer.tick();
    if (pause) await pause;
    const pending = step(item);
    if (pending) await pending;
  }
  const pause = slicer.tick();
  if (pause) await pause;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export async function verifyResources(opts: ResourceCheckOptions): Promise<ResourceReport> {
  const problems: Problem[] = [];
  let reported = 0;
  let unreported = 0;
  const report = (code: ResourceProblemCode, message: string, severity: Problem['severity'] = 'error') => {
    if (reported < opts.limits.maxReported) {
      reported++;
      problems.push({ code, severity, message });
    } else unreported++;
  };
  const result: ResourceReport = { version: 2, sealed: 0, checked: 0, bytesHashed: 0, nested: 0, complete: false, problems };
  const name = (rel: string) => printable(opts.display + rel);
  opts.budget.steps ??= opts.limits.maxMatchSteps;
  const slicer = new Slicer(opts.signal);
  let seal: ResourceSeal;
  try {
    seal = readSeal(opts.seal, { maxFiles: Math.max(0, opts.budget.files), maxDepth: opts.limits.maxDepth }, problems, opts.limits.maxReported);
  } catch (err) {
    if (!(err instanceof SealError)) throw err;
    problems.push({ code: err instanceof SealLimitError ? 'resources-limit' : 'resource-seal-malformed', severity: 'error', message: `${name('_CodeSignature/CodeResources')}: ${err.message}; the resources cannot be verified` });
    return result;
  }
  reported = problems.length;
  result.version = seal.version;
  result.sealed = seal.files.size;
  opts.budget.files -= seal.files.size;
  const rules: ResourceRule[] = [...bundleExclusions(opts.mainExecutable), ...seal.rules];
  /**
   * ResourceBuilder::findRule, yielding between rules when the time slice is
   * used up (a hostile rule may take milliseconds per path); synchronous,
   * without a promise, when it is not.
   */
  const findRule = (path: string, from = 0, best: ResourceRule | undefined = undefined): ResourceRule | undefined | Promise<ResourceRule | undefined> => {
    const budget = opts.budget as { steps: number };
    for (let k = from; k < rules.length; k++) {
      const pause = slicer.tick();
      if (pause) return pause.then(() => findRule(path, k, best));
      const rule = rules[k]!;
      let matches: boolean;
      try {
        matches = rule.regex.test(path, budget);
      } catch (err) {
        if (err instanceof MatchBudgetExceeded) throw new LimitError(`choosing resource rules took more than ${opts.limits.maxMatchSteps} automaton steps (at ${name(path)})`);
        throw err;
      }
      if (!matches) continue;
      const chosen = chooseRule(best, rule);
      if (chosen.final) return chosen.rule;
      best = chosen.rule;
    }
    return best;
  };

  try {
    // 1. Walk the root (ResourceBuilder::scan).
    const items: Item[] = [];
    const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
      opts.signal?.throwIfAborted();
      // Streamed and counted as read, so a folder with millions of entries is refused without listing it whole.
      const entries: Dirent[] = [];
      try {
        const handle = await opendir(dir, { bufferSize: 256 });
        for await (const e of handle) {
          if (--opts.budget.files < 0) throw new LimitError(`more than ${opts.limits.maxFiles} files`);
          entries.push(e);
        }
      } catch (err) {
        if (err instanceof LimitError) throw err;
        report('resource-unreadable', `${name(rel)}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const path = rel === '' ? e.name : `${rel}/${e.name}`;
        let rule = findRule(path);
        if (rule instanceof Promise) rule = await rule;
        const skipped = rule === undefined || (rule.flags & (RULE_OMITTED | RULE_EXCLUSION)) !== 0;
        if (e.isDirectory()) {
          if (rule && rule.flags & RULE_EXCLUSION) continue;
          // A folder a nested rule matches is nested code when its name has an extension (Foo.framework, Bar.app).
          if (rule && !(rule.flags & RULE_OMITTED) && rule.flags & RULE_NESTED && e.name.includes('.')) {
            items.push({ rel: path, kind: 'nested-dir' });
            continue;
          }
          if (depth + 1 > opts.limits.maxDepth) throw new LimitError(`folders nested deeper than ${opts.limits.maxDepth} levels (${name(path)})`);
          await walk(join(dir, e.name), path, depth + 1);
        } else if (e.isFile()) {
          if (!skipped) items.push({ rel: path, kind: 'file' });
        } else if (e.isSymbolicLink()) {
          if (!skipped) items.push({ rel: path, kind: 'symlink' });
        } else if (!(rule && rule.flags & RULE_EXCLUSION)) {
          // codesign's strict validation refuses sockets, FIFOs and devices (errSecCSResourceNotSupported).
          report('resource-unsupported-type', `${name(path)}: not a file, folder or symbolic link; a bundle cannot seal it`);
        }
      }
    };
    await walk(opts.root, '', 0);

    // 2. Compare every item with its entry (SecStaticCode::validateResource).
    const toHash: { rel: string; entry: SealEntry }[] = [];
    const nested: { rel: string; entry: SealEntry }[] = [];
    for (const item of items) {
      const entry = seal.files.get(item.rel);
      seal.files.delete(item.rel);
      result.checked++;
      if (!entry) {
        // Version 1 seals ignore symbolic links altogether.
        if (seal.version === 1 && item.kind === 'symlink') continue;
        report('resource-added', `${name(item.rel)}: ${item.kind === 'nested-dir' ? 'nested code' : item.kind === 'symlink' ? 'symbolic link' : 'file'} added after signing (not in the resource seal)`);
        continue;
      }
      if (entry.invalid) {
        report('resource-seal-invalid', `${name(item.rel)}: its CodeResources entry ${entry.invalid}`);
        continue;
      }
      const sealedKind = entry.requirement !== undefined ? 'nested code' : entry.symlink !== undefined ? 'a symbolic link' : 'a file';
      const actualKind = item.kind === 'symlink' ? 'a symbolic link' : item.kind === 'nested-dir' ? 'a folder' : 'a file';
      if (entry.requirement !== undefined) {
        if (item.kind === 'symlink') report('resource-type-changed', `${name(item.rel)}: sealed as nested code, now ${actualKind}`);
        else nested.push({ rel: item.rel, entry });
      } else if (entry.symlink !== undefined) {
        if (item.kind !== 'symlink') {
          report('resource-type-changed', `${name(item.rel)}: sealed as ${sealedKind}, now ${actualKind}`);
          continue;
        }
        let target: string;
        try {
          target = await readlink(join(opts.root, item.rel));
        } catch (err) {
          report('resource-unreadable', `${name(item.rel)}: cannot read the link (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
          continue;
        }
        // Apple compares the link text, never what it resolves to.
        if (target !== entry.symlink) report('resource-symlink-changed', `${name(item.rel)}: symbolic link points to ${quoted(target)}, the seal says ${quoted(entry.symlink)}`);
      } else if (item.kind !== 'file') {
        report('resource-type-changed', `${name(item.rel)}: sealed as ${sealedKind}, now ${actualKind}`);
      } else {
        toHash.push({ rel: item.rel, entry });
      }
    }

    // 3. Sealed but not found (SecStaticCode::checkOptionalResource).
    for (const [key, entry] of seal.files) {
      if (entry.invalid) report('resource-seal-invalid', `${name(key)}: its CodeResources entry ${entry.invalid}`);
      else if (!entry.optional) report('resource-missing', `${name(key)}: sealed ${entry.requirement !== undefined ? 'nested code' : entry.symlink !== undefined ? 'symbolic link' : 'file'} is missing`);
    }

    // 4. Hash the files; sizes first, so the byte limit holds before any reading and progress has a total.
    const sizes: number[] = [];
    await sliced(toHash, slicer, ({ rel }) => {
      try {
        sizes.push(lstatSync(join(opts.root, rel)).size);
      } catch {
        sizes.push(0);
      }
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total > opts.budget.bytes) throw new LimitError(`${total} bytes of resources to hash, more than the ${opts.limits.maxBytes}-byte limit`);
    let done = 0;
    opts.onProgress?.(0, total);
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    await sliced(toHash, slicer, ({ rel, entry }) => {
      const outcome = hashFile(join(opts.root, rel), entry, opts.checkSha1, buf, opts.signal, (n) => {
        done += n;
        result.bytesHashed += n;
        opts.budget.bytes -= n;
        if (opts.budget.bytes < 0) throw new LimitError(`more than ${opts.limits.maxBytes} bytes of resources (files grew while being read)`);
        opts.onProgress?.(Math.min(done, total), total);
      });
      const judge = (o: HashOutcome) => {
        if (typeof o === 'string') report('resource-unreadable', `${name(rel)}: ${o}`);
        else if (o) report('resource-modified', `${name(rel)}: modified after signing: its ${o.algorithm} is ${o.actual}, the seal says ${o.expected}`);
      };
      if (outcome instanceof Promise) return outcome.then(judge);
      judge(outcome);
    });

    // 5. Nested code, one at a time: each may hash a lot itself.
    for (const { rel, entry } of nested) {
      opts.signal?.throwIfAborted();
      // Fail closed: code too deep to verify could be anything.
      if (opts.nesting + 1 > opts.limits.maxNesting) throw new LimitError(`nested code more than ${opts.limits.maxNesting} levels deep (${name(rel)})`);
      result.nested++;
      for (const problem of await checkNested(await opts.readNested(join(opts.root, rel)), entry)) report(problem.code, `${name(rel)}: ${problem.message}`, problem.severity);
    }
    result.complete = true;
  } catch (err) {
    if (!(err instanceof LimitError)) throw err;
    problems.push({ code: 'resources-limit', severity: 'error', message: `the sealed resources${opts.display ? ` in ${opts.display}` : ''} were not fully verified: ${err.message}` });
  }
  if (unreported > 0) problems.push({ code: 'resources-more-problems', severity: 'error', message: `${unreported} more resource problems are not listed` });
  return result;
}

type Mismatch = { algorithm: string; actual: string; expected: string };
/** `undefined` when the file matches, a mismatch, or a string saying why it could not be read. */
type HashOutcome = Mismatch | string | undefined;
type Check = { label: string; expected: Uint8Array; hash: Hash };

const readAsync = (fd: number, buf: Buffer, position: number) =>
  new Promise<number>((resolve, reject) => read(fd, buf, 0, buf.length, position, (err, n) => (err ? reject(err) : resolve(n))));

const errorCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

function outcomeOf(checks: Check[]): HashOutcome {
  for (const c of checks) {
    const actual = c.hash.digest();
    if (!actual.equals(c.expected)) return { algorithm: c.label, actual: actual.toString('hex'), expected: hex(c.expected) };
  }
  return undefined;
}

/**
 * Hashes a file. Files up to SYNC_READ_MAX are read synchronously (no
 * thread-pool round trip, no promise); the rest of a larger file, however it
 * grew, is read asynchronously chunk by chunk (a promise is returned), so a
 * huge resource neither blocks the event loop nor delays cancellation by more
 * than one chunk.
 */
function hashFile(path: string, entry: SealEntry, checkSha1: boolean, buf: Buffer, signal: AbortSignal | undefined, progress: (bytes: number) => void): HashOutcome | Promise<HashOutcome> {
  const checks: Check[] = [];
  if (entry.hash2) checks.push({ label: 'SHA-256', expected: entry.hash2, hash: createHash('sha256') });
  if (entry.hash && (!entry.hash2 || checkSha1)) checks.push({ label: 'SHA-1', expected: entry.hash, hash: createHash('sha1') });
  let fd: number;
  try {
    // O_NOFOLLOW: a file swapped for a link since the walk is not followed out of the bundle; O_NONBLOCK: nor does a FIFO block the open.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return `cannot be opened (${errorCode(err)})`;
  }
  let handedOver = false;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'is no longer a regular file';
    let position = 0;
    // The size is only a hint: a small file that grows past the limit continues asynchronously.
    if (st.size <= SYNC_READ_MAX) {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, position);
        if (n === 0) return outcomeOf(checks);
        position += n;
        const chunk = buf.subarray(0, n);
        for (const c of checks) c.hash.update(chunk);
        progress(n);
        if (position >= SYNC_READ_MAX) break;
      }
    }
    handedOver = true;
    return hashRest(fd, position, checks, buf, signal, progress);
  } catch (err) {
    if (err instanceof LimitError) throw err;
    return `cannot be read (${errorCode(err)})`;
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

/** The asynchronous part of hashFile, from `position` on; closes `fd`. */
async function hashRest(fd: number, position: number, checks: Check[], buf: Buffer, signal: AbortSignal | undefined, progress: (bytes: number) => void): Promise<HashOutcome> {
  try {
    for (;;) {
      signal?.throwIfAborted();
      const n = await readAsync(fd, buf, position);
      if (n === 0) break;
      position += n;
      const chunk = buf.subarray(0, n);
      for (const c of checks) c.hash.update(chunk);
      progress(n);
    }
  } catch (err) {
    if (err instanceof LimitError || (signal?.aborted && err === signal.reason)) throw err;
    return `cannot be read (${errorCode(err)})`;
  } finally {
    closeSync(fd);
  }
  return outcomeOf(checks);
}

type NestedProblem = Problem & { code: ResourceProblemCode };

/**
 * Problems of a piece of nested code, as SecStaticCode::validateNestedCode
 * judges it: its own signature must verify and it must satisfy the sealed
 * requirement. Apple never compares the sealed `cdhash` (the requirement is
 * what binds nested code, so it may be re-signed); it is used here only to
 * pick which slice of a universal binary is "the" nested code, and a
 * mismatch is a warning.
 */
async function checkNested(outcome: CodeReport | string, entry: SealEntry): Promise<NestedProblem[]> {
  if (typeof outcome === 'string') return [{ code: 'resource-nested-invalid', severity: 'error', message: `nested code cannot be read: ${printable(outcome)}` }];
  const problems: NestedProblem[] = [];
  const slices = outcome.slices;
  // A universal binary is sealed by the CDHash of one architecture (the signing Mac's); that slice is "the" nested code.
  const cdhashesOf = (s: (typeof slices)[number], size: number) => {
    const set = new Set<string>();
    if (s.facts.cdhash) set.add(hex(s.facts.cdhash.subarray(0, size)));
    for (const cd of s.facts.codeDirectories) set.add(hex(cd.cdhash.subarray(0, size)));
    return set;
  };
  let sealedSlices = slices;
  if (entry.cdhash) {
    const want = hex(entry.cdhash);
    const matching = slices.filter((s) => cdhashesOf(s, entry.cdhash!.length).has(want));
    if (matching.length > 0) sealedSlices = matching;
    else {
      const have = [...new Set(slices.flatMap((s) => (s.facts.cdhash ? [hex(s.facts.cdhash)] : [])))];
      problems.push({
        code: 'resource-nested-altered',
        severity: 'warning',
        message: `nested code has CDHash ${have.slice(0, 4).join(', ') || '(none: unsigned)'}, the seal says ${want} (re-signed since; Apple does not check this, only the nested signature and the sealed requirement)`,
      });
    }
  }
  for (const s of slices) {
    if (s.status === 'unsigned') return [...problems, { code: 'resource-nested-invalid', severity: 'error', message: `nested code (${s.arch}) is not signed` }];
    const first = s.verification.problems.find((p) => p.severity === 'error');
    if (!s.verification.ok) {
      // Only a limit stopped the nested check: that says nothing about the nested code, and it is reported as the limit it is.
      const onlyLimits = s.verification.problems.every((p) => p.severity !== 'error' || p.code === 'resources-limit' || p.code === 'hash-limit');
      return [...problems, { code: onlyLimits ? 'resources-limit' : 'resource-nested-invalid', severity: 'error', message: `nested code (${s.arch}) ${onlyLimits ? 'was not checked to the end' : 'does not verify'}: ${first ? `${first.message} [${first.code}]` : 'invalid'}` }];
    }
  }
  // Loaded on first use: most bundles have no nested code.
  // One after the other: concurrent dynamic imports with shared dependencies can fail to link on Node 20 (nodejs/node#52187).
  const { parse } = await import('../../grammar/parser.js');
  const { evaluate } = await import('../evaluate/evaluate.js');
  const parsed = parse(entry.requirement!, { mode: 'single' });
  if (!parsed.ok || parsed.document?.kind !== 'requirement') {
    return [...problems, { code: 'resource-seal-invalid', severity: 'error', message: `the sealed requirement ${quoted(entry.requirement!)} does not parse` }];
  }
  // Apple judges the architecture it validates; without knowing which, any sealed slice that satisfies the requirement will do.
  const verdicts = sealedSlices.map((s) => ({ s, node: evaluate(parsed.document as Requirement, s.facts) }));
  if (verdicts.some((v) => v.node.verdict === 'true')) return problems;
  const open = verdicts.find((v) => v.node.verdict === 'undetermined');
  if (open) {
    problems.push({ code: 'resource-nested-requirement-undetermined', severity: 'warning', message: `nested code (${open.s.arch}): its sealed requirement ${printable(entry.requirement!)} cannot be decided here: ${open.node.explanation}` });
    return problems;
  }
  const first = verdicts[0]!;
  problems.push({ code: 'resource-nested-requirement', severity: 'error', message: `nested code (${first.s.arch}) does not satisfy its sealed requirement ${printable(entry.requirement!)}: ${first.node.explanation}` });
  return problems;
}
