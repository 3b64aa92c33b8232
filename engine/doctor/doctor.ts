/**
 * `csrl doctor`: finds the code-signing relationships inside a bundle and
 * checks each one, every architecture. Requirements written in plists
 * (SMPrivilegedExecutables, SMAuthorizedClients) go through the same
 * evaluation as `csrl check` (engine/result.ts checkReport); rules that are
 * not requirements (same team, identifier prefix, library validation) are
 * comparisons of signed facts, answered in the same verdict words. Every
 * judged slice's signature must verify first: an invalid signature is never
 * satisfied. Nothing here loads or runs the inspected code.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { isInside, FileRefused, readInside } from '../../validator/bundle-files.js';
import type { PlistDict, PlistValue } from '../../validator/facts.js';
import { readLinkage, looksLikeMachO, type SliceLinkage } from '../../validator/macho/linkage.js';
import { oneLine } from '../../validator/printable.js';
import { CodeReadError, readCode, type CodeReport, type ReadOptions, type SliceReport } from '../../validator/read.js';
import { PlistError, readPlistDict } from '../../validator/signature/plist.js';
import { requirementFromText } from '../requirement.js';
import { checkReport, overall, type CheckResult, type OverallVerdict } from '../result.js';
import type { CheckTime } from '../time.js';
import { RANK, slicesOfCheck } from './clause.js';
import { checkSpawnConstraint } from './spawn-constraint.js';
import type { DoctorReport, Relationship, RelationshipKind, RelationshipSlice } from './types.js';

export type * from './types.js';
export { failingClause } from './clause.js';

export interface DoctorOptions {
  /** When certificates must be valid (default: signing time). */
  at?: CheckTime;
  /** Hash every code page and sealed resource (default true). */
  verifyPages?: boolean;
  signal?: AbortSignal;
  /** Who reads code signatures; tests replace it. */
  readCode?: (path: string, options: ReadOptions) => Promise<CodeReport>;
}

/** Files looked at when searching a bundle for code; a real app has a few thousand. */
export const MAX_WALK_ENTRIES = 100_000;
const MAX_PLIST_BYTES = 1 << 20;
const CS_RUNTIME = 0x10000;
const DISABLE_LV = 'com.apple.security.cs.disable-library-validation';

export interface Ctx {
  /** The bundle's real path, and the folder its parts are shown relative to. */
  root: string;
  shownBase: string;
  /** `Contents` of an app, the root of a shallow bundle. */
  contents: string;
  app: CodeReport;
  appIdentifier: string | undefined;
  options: DoctorOptions;
  read: (path: string) => Promise<CodeReport>;
  /** Load commands and embedded plists of a Mach-O file, read once per path (a CodeReadError: not readable as Mach-O). */
  linkage: (path: string) => Promise<SliceLinkage[] | CodeReadError>;
  skipped: DoctorReport['skipped'];
}

const show = (ctx: Ctx, p: string) => oneLine(relative(ctx.shownBase, p) || '.');

/** Each path is read once however many relationships it is part of. */
function memoReader(options: DoctorOptions): (path: string) => Promise<CodeReport> {
  const cache = new Map<string, Promise<CodeReport>>();
  // Shared with the reader: nested code read while verifying a bundle's seal is not read again on its own.
  const readOptions: ReadOptions = { verifyPages: options.verifyPages ?? true, at: options.at ?? 'signing-time', cache: new Map(), ...(options.signal ? { signal: options.signal } : {}) };
  const reader = options.readCode ?? readCode;
  return (path) => {
    let p = cache.get(path);
    if (!p) {
      cache.set(path, (p = reader(path, readOptions)));
      // A bundle's main executable is read as the bundle (resolveCode): the same report, not a second read.
      p.then((r) => {
        if (r.bundle && !cache.has(r.executablePath)) cache.set(r.executablePath, p!);
      }, () => undefined);
    }
    return p;
  };
}

function linkageReader(root: string): Ctx['linkage'] {
  const cache = new Map<string, Promise<SliceLinkage[] | CodeReadError>>();
  return (p) => {
    let l = cache.get(p);
    if (!l) cache.set(p, (l = readLinkage(p, root).catch((err) => (err instanceof CodeReadError ? err : Promise.reject(err)))));
    return l;
  };
}

function countOf(rels: Relationship[]): Record<OverallVerdict, number> {
  const counts: Record<OverallVerdict, number> = { satisfied: 0, unsatisfied: 0, undetermined: 0, invalid: 0 };
  for (const r of rels) counts[r.verdict]++;
  return counts;
}

/** A bundle opened for judging its relationships (one run: reads are cached), or why it cannot be. */
export type OpenedBundle = { ctx: Ctx } | { error: { code: string; message: string } };

export async function openBundle(target: string, options: DoctorOptions = {}): Promise<OpenedBundle> {
  const read = memoReader(options);
  let app: CodeReport;
  try {
    app = await read(target);
  } catch (err) {
    if (err instanceof CodeReadError) return { error: { code: err.code, message: err.message } };
    throw err;
  }
  if (!app.bundle) return { error: { code: 'not-bundle', message: `${oneLine(target)}: not a bundle (doctor looks inside an .app, .xpc or other bundle folder)` } };
  const root = app.bundle.path;
  const contentsDir = join(root, 'Contents');
  const contents = (await isDir(contentsDir)) ? contentsDir : root;
  const first = app.slices.find((s) => s.status !== 'unsigned');
  return { ctx: { root, shownBase: dirname(root), contents, app, appIdentifier: first?.facts.identifier, options, read, linkage: linkageReader(root), skipped: [] } };
}

export async function doctor(target: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const opened = await openBundle(target, options);
  if ('error' in opened) return { path: target, verdict: 'invalid', relationships: [], counts: countOf([]), skipped: [], error: opened.error };
  const { ctx } = opened;
  const first = ctx.app.slices.find((s) => s.status !== 'unsigned');
  const rels: Relationship[] = [selfSignature(ctx)];
  rels.push(...(await smJobBless(ctx)));
  rels.push(...(await smAppService(ctx)));
  for (const [dir, kind] of [['XPCServices', 'xpc-service'], ['Library/LoginItems', 'login-item'], ['PlugIns', 'app-extension']] as const) {
    rels.push(...(await nestedBundles(ctx, join(ctx.contents, dir), kind)));
  }
  rels.push(...(await libraryValidation(ctx)));
  const report: DoctorReport = { path: target, verdict: overall(rels.map((r) => r.verdict)), relationships: rels, counts: countOf(rels), skipped: ctx.skipped };
  if (first?.facts.identifier !== undefined) report.identifier = first.facts.identifier;
  if (first?.facts.teamIdentifier !== undefined) report.teamIdentifier = first.facts.teamIdentifier;
  return report;
}

async function isDir(p: string): Promise<boolean> {
  return lstat(p).then((s) => s.isDirectory(), () => false);
}

/** A slice that cannot be judged: unsigned, or a signature that does not verify (as checkReport says it). */
function invalidSlice(s: SliceReport): string | undefined {
  if (s.status === 'unsigned') return 'the slice is not signed';
  if (!s.verification.ok) {
    const errors = s.verification.problems.filter((p) => p.severity === 'error');
    const shown = errors.slice(0, 3).map((p) => `${p.message} [${p.code}]`);
    if (errors.length > 3) shown.push(`and ${errors.length - 3} more`);
    return `invalid signature: ${shown.length > 0 ? shown.join('; ') : 'the signature did not verify'}`;
  }
  return undefined;
}

function relationship(kind: RelationshipKind, subject: string, against: string, rule: string, slices: RelationshipSlice[], extra: Partial<Relationship> = {}): Relationship {
  const verdict = overall(slices.map((s) => s.verdict));
  const r: Relationship = { kind, subject, against, rule, verdict, slices, ...extra };
  r.verdict = verdict;
  const failing = slices.find((s) => s.verdict === verdict && s.verdict !== 'satisfied');
  if (failing) {
    if (failing.clause !== undefined) r.clause = failing.clause;
    if (failing.fact !== undefined) r.fact = failing.fact;
    r.arch = failing.arch;
  }
  return r;
}

/** A relationship that fails before any slice is looked at (a missing file, an unreadable one, a broken rule). */
function whole(kind: RelationshipKind, subject: string, against: string, rule: string, verdict: OverallVerdict, clause: string, fact: string, extra: Partial<Relationship> = {}): Relationship {
  return relationship(kind, subject, against, rule, [{ arch: 'all', verdict, clause: oneLine(clause), fact: oneLine(fact) }], extra);
}

function selfSignature(ctx: Ctx): Relationship {
  const name = show(ctx, ctx.root);
  const slices = ctx.app.slices.map((s): RelationshipSlice => {
    const why = invalidSlice(s);
    return why ? { arch: s.arch, verdict: 'invalid', clause: 'the signature verifies', fact: oneLine(why) } : { arch: s.arch, verdict: 'satisfied' };
  });
  return relationship('signature', name, name, 'the signature verifies (code pages, sealed resources and nested code)', slices);
}

/** Reads code for a relationship; a read failure is that relationship's `invalid` answer. */
async function readFor(ctx: Ctx, path: string): Promise<CodeReport | { error: string }> {
  try {
    return await ctx.read(path);
  } catch (err) {
    if (err instanceof CodeReadError) return { error: `${err.message} [${err.code}]` };
    throw err;
  }
}

/** A path inside the bundle that exists (links resolved, and still inside); undefined if it does not. */
async function inside(ctx: Ctx, p: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(p);
  } catch {
    return undefined;
  }
  return isInside(ctx.root, real) ? real : undefined;
}

function checkRequirement(ctx: Ctx, report: CodeReport, text: string, shownSubject: string): CheckResult | { problem: string } {
  const loaded = requirementFromText(text, { name: '<plist>', baseDir: ctx.contents, readCertificateFiles: false });
  if (!loaded.requirement) {
    const d = loaded.diagnostics.find((x) => x.severity === 'error');
    return { problem: `the requirement has errors${d ? `: ${d.message}` : ''}` };
  }
  return checkReport(report, loaded.requirement, text, shownSubject, ctx.options.at);
}

function fromCheck(kind: RelationshipKind, subject: string, against: string, via: string, result: CheckResult, notes?: string[]): Relationship {
  return relationship(kind, subject, against, oneLine(result.requirement), slicesOfCheck(result), { via, check: result, ...(notes && notes.length > 0 ? { notes } : {}) });
}

async function smJobBless(ctx: Ctx): Promise<Relationship[]> {
  const info = ctx.app.bundle?.infoPlist;
  const privileged = info?.['SMPrivilegedExecutables'];
  if (privileged === undefined) return [];
  const appName = show(ctx, ctx.root);
  const via = 'Info.plist SMPrivilegedExecutables';
  if (!isDict(privileged)) return [whole('smjobbless-helper', appName, appName, 'SMPrivilegedExecutables is a dictionary', 'invalid', 'SMPrivilegedExecutables is a dictionary of label → requirement', 'it is not a dictionary', { via })];
  const out: Relationship[] = [];
  for (const [label, text] of Object.entries(privileged)) out.push(...(await blessEntry(ctx, label, text, via)));
  return out;
}

/**
 * One SMPrivilegedExecutables entry (label → requirement, written in the
 * app's Info.plist or in an editor) against the bundle's helper: the helper
 * relationship first, then, when the helper could be read, its
 * SMAuthorizedClients and launchd label.
 */
export async function blessEntry(ctx: Ctx, label: string, text: PlistValue, via = 'Info.plist SMPrivilegedExecutables'): Promise<Relationship[]> {
  const appName = show(ctx, ctx.root);
  const helperPath = join(ctx.contents, 'Library', 'LaunchServices', label);
  const shownHelper = show(ctx, helperPath);
  const entryVia = `${via}[${oneLine(JSON.stringify(label))}]`;
  if (typeof text !== 'string') {
    return [whole('smjobbless-helper', shownHelper, appName, String(text), 'invalid', 'the entry is a requirement string', `the entry is a ${Array.isArray(text) ? 'array' : typeof text}`, { via: entryVia })];
  }
  const real = label.includes('/') || label === '..' || label === '.' || label === '' ? undefined : await inside(ctx, helperPath);
  if (!real) {
    return [whole('smjobbless-helper', shownHelper, appName, oneLine(text), 'unsatisfied', `a helper at ${show(ctx, helperPath)} (the label's place)`, 'no such file: the helper is not where the label says', { via: entryVia })];
  }
  const helper = await readFor(ctx, real);
  if ('error' in helper) return [whole('smjobbless-helper', shownHelper, appName, oneLine(text), 'invalid', 'the helper can be read', helper.error, { via: entryVia })];
  const checked = checkRequirement(ctx, helper, text, shownHelper);
  return [
    'problem' in checked ? whole('smjobbless-helper', shownHelper, appName, oneLine(text), 'invalid', 'the requirement can be parsed', checked.problem, { via: entryVia }) : fromCheck('smjobbless-helper', shownHelper, appName, entryVia, checked),
    authorizedClients(ctx, helper, shownHelper, appName),
    await launchdLabel(ctx, real, helper, label, shownHelper, appName),
  ];
}

/** One SMAuthorizedClients requirement (as a helper's Info.plist or an editor has it) against the bundle itself. */
export function authorizedClient(ctx: Ctx, text: string, via: string): Relationship {
  const appName = show(ctx, ctx.root);
  const checked = checkRequirement(ctx, ctx.app, text, appName);
  if ('problem' in checked) return whole('smjobbless-client', appName, via, oneLine(text), 'invalid', 'the requirement can be parsed', checked.problem, { via });
  return fromCheck('smjobbless-client', appName, via, via, checked);
}

function isDict(v: unknown): v is PlistDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** The helper's SMAuthorizedClients: the app must satisfy one of them (the best answer is the relationship's). */
function authorizedClients(ctx: Ctx, helper: CodeReport, shownHelper: string, appName: string): Relationship {
  const via = `${shownHelper} embedded Info.plist SMAuthorizedClients`;
  const plist = helper.slices.find((s) => s.facts.infoPlist)?.facts.infoPlist;
  if (!plist) return whole('smjobbless-client', appName, shownHelper, 'SMAuthorizedClients', 'unsatisfied', 'the helper embeds an Info.plist (__TEXT,__info_plist) with SMAuthorizedClients', 'the helper has no embedded Info.plist', { via });
  const clients = plist['SMAuthorizedClients'];
  if (!Array.isArray(clients) || clients.length === 0) {
    return whole('smjobbless-client', appName, shownHelper, 'SMAuthorizedClients', 'unsatisfied', 'SMAuthorizedClients lists requirements for the app', clients === undefined ? 'the helper\'s Info.plist has no SMAuthorizedClients' : 'SMAuthorizedClients is not a non-empty array', { via });
  }
  const results: (CheckResult | { problem: string; text: string })[] = clients.map((c) => {
    if (typeof c !== 'string') return { problem: 'an entry is not a string', text: String(c) };
    const r = checkRequirement(ctx, ctx.app, c, appName);
    return 'problem' in r ? { ...r, text: c } : r;
  });
  const checks = results.filter((r): r is CheckResult => !('problem' in r));
  const best = [...checks].sort((a, b) => RANK[a.verdict] - RANK[b.verdict])[0];
  const notes = clients.length > 1 ? [`${clients.length} requirements in SMAuthorizedClients; the app must satisfy one, the closest is shown`] : [];
  for (const r of results) if ('problem' in r) notes.push(`not checked: ${oneLine(r.text)}: ${r.problem}`);
  if (!best) return whole('smjobbless-client', appName, shownHelper, 'SMAuthorizedClients', 'invalid', 'the requirements can be parsed', notes.join('; '), { via });
  return fromCheck('smjobbless-client', appName, shownHelper, via, best, notes);
}

/** SMJobBless also needs the helper's launchd Label and CFBundleIdentifier to be its file name. */
async function launchdLabel(ctx: Ctx, real: string, helper: CodeReport, label: string, shownHelper: string, appName: string): Promise<Relationship> {
  const via = `${shownHelper} embedded launchd plist (__TEXT,__launchd_plist)`;
  const rule = `Label and CFBundleIdentifier = ${JSON.stringify(label)}`;
  const linkage = await ctx.linkage(real);
  if (linkage instanceof CodeReadError) return whole('smjobbless-launchd', shownHelper, appName, oneLine(rule), 'invalid', 'the helper can be read', linkage.message, { via });
  const slices = helper.slices.map((s): RelationshipSlice => {
    const why = invalidSlice(s);
    if (why) return { arch: s.arch, verdict: 'invalid', clause: 'the signature verifies', fact: oneLine(why) };
    const l = linkage.find((x) => x.arch === s.arch);
    const fail = (clause: string, fact: string): RelationshipSlice => ({ arch: s.arch, verdict: 'unsatisfied', clause: oneLine(clause), fact: oneLine(fact) });
    if (!l?.launchdPlist) return fail('the helper embeds a launchd plist (__TEXT,__launchd_plist)', l?.launchdPlistProblem ?? 'the helper has no __TEXT,__launchd_plist section');
    let plist: PlistDict;
    try {
      plist = readPlistDict(l.launchdPlist, '__TEXT,__launchd_plist');
    } catch (err) {
      if (err instanceof PlistError) return fail('the launchd plist is a dictionary', err.message);
      throw err;
    }
    const got = plist['Label'];
    if (got !== label) return fail(`Label = ${JSON.stringify(label)}`, got === undefined ? 'the launchd plist has no Label' : `Label is ${JSON.stringify(got)}`);
    const id = s.facts.infoPlist?.['CFBundleIdentifier'];
    if (id !== label) return fail(`CFBundleIdentifier = ${JSON.stringify(label)}`, id === undefined ? 'the embedded Info.plist has no CFBundleIdentifier' : `CFBundleIdentifier is ${JSON.stringify(id)}`);
    return { arch: s.arch, verdict: 'satisfied' };
  });
  return relationship('smjobbless-launchd', shownHelper, appName, oneLine(rule), slices, { via });
}

/** Team (and identifier prefix) of each slice of `subject` against the app's slice of the same arch. */
function sameTeam(ctx: Ctx, subject: CodeReport, shownSubject: string, prefix: string | undefined): RelationshipSlice[] {
  return subject.slices.map((s): RelationshipSlice => {
    const why = invalidSlice(s);
    if (why) return { arch: s.arch, verdict: 'invalid', clause: 'the signature verifies', fact: oneLine(why) };
    const appSlice = ctx.app.slices.find((a) => a.arch === s.arch) ?? ctx.app.slices[0]!;
    const appWhy = invalidSlice(appSlice);
    if (appWhy) return { arch: s.arch, verdict: 'invalid', clause: 'the app\'s signature verifies', fact: oneLine(appWhy) };
    const want = appSlice.facts.teamIdentifier;
    const got = s.facts.teamIdentifier;
    const clause = want === undefined ? 'no team identifier (the app has none)' : `team identifier = ${JSON.stringify(want)}`;
    if (got !== want) {
      const fact = got === undefined ? `${shownSubject} (${s.arch}) is ${s.facts.adhoc ? 'ad-hoc signed' : 'signed'} without a team identifier` : `${shownSubject} (${s.arch}) has team identifier ${JSON.stringify(got)}`;
      return { arch: s.arch, verdict: 'unsatisfied', clause: oneLine(clause), fact: oneLine(fact) };
    }
    const id = s.facts.identifier ?? '';
    if (prefix !== undefined && !id.startsWith(prefix + '.')) {
      return { arch: s.arch, verdict: 'unsatisfied', clause: oneLine(`identifier begins with ${JSON.stringify(prefix + '.')}`), fact: oneLine(`identifier is ${JSON.stringify(id)}`) };
    }
    return { arch: s.arch, verdict: 'satisfied' };
  });
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function smAppService(ctx: Ctx): Promise<Relationship[]> {
  const out: Relationship[] = [];
  const appName = show(ctx, ctx.root);
  for (const dir of ['LaunchDaemons', 'LaunchAgents']) {
    const folder = join(ctx.contents, 'Library', dir);
    for (const name of (await listDir(folder)).filter((n) => n.endsWith('.plist'))) {
      const plistPath = join(folder, name);
      const via = show(ctx, plistPath);
      let bytes: Uint8Array;
      try {
        bytes = (await readInside(ctx.root, plistPath, MAX_PLIST_BYTES, via)).bytes;
      } catch (err) {
        if (err instanceof FileRefused) {
          out.push(whole('smappservice', via, appName, SMAPPSERVICE_RULE, 'invalid', 'the launchd plist can be read', err.message, { via }));
          continue;
        }
        throw err;
      }
      out.push(...(await launchdJob(ctx, bytes, via)));
    }
  }
  return out;
}

const SMAPPSERVICE_RULE = 'BundleProgram exists, is signed, and has the app\'s team identifier';

/**
 * One SMAppService launchd plist (from the bundle, or as an editor has it)
 * against the bundle: its BundleProgram, then its SpawnConstraint.
 */
export async function launchdJob(ctx: Ctx, bytes: Uint8Array, via: string): Promise<Relationship[]> {
  const appName = show(ctx, ctx.root);
  const rule = SMAPPSERVICE_RULE;
  let plist: PlistDict;
  try {
    plist = readPlistDict(bytes, via);
  } catch (err) {
    if (err instanceof PlistError) return [whole('smappservice', via, appName, rule, 'invalid', 'the launchd plist can be read', err.message, { via })];
    throw err;
  }
  const constraint = plist['SpawnConstraint'];
  const notes = constraint !== undefined ? { notes: ['SpawnConstraint: not checked (the program could not be judged)'] } : {};
  const program = plist['BundleProgram'];
  if (typeof program !== 'string' || program === '') {
    const fact = plist['Program'] !== undefined ? 'the plist has Program (a path outside the bundle), not BundleProgram' : 'the plist has no BundleProgram';
    return [whole('smappservice', via, appName, rule, 'unsatisfied', 'BundleProgram names a program in the bundle', fact, { via, ...notes })];
  }
  const programPath = join(ctx.root, program);
  const shown = show(ctx, programPath);
  const real = await inside(ctx, programPath);
  if (!real) return [whole('smappservice', shown, appName, rule, 'unsatisfied', `BundleProgram ${JSON.stringify(program)} exists in the bundle`, `no file at ${shown}`, { via, ...notes })];
  const code = await readFor(ctx, real);
  if ('error' in code) return [whole('smappservice', shown, appName, rule, 'invalid', 'the program can be read', code.error, { via, ...notes })];
  const out = [relationship('smappservice', shown, appName, rule, sameTeam(ctx, code, shown, undefined), { via })];
  if (constraint !== undefined) out.push(spawnConstraint(ctx, constraint, code, shown, appName, `${via} SpawnConstraint`));
  return out;
}

function spawnConstraint(ctx: Ctx, value: PlistValue, program: CodeReport, shown: string, appName: string, via: string): Relationship {
  const c = checkSpawnConstraint(value, program, shown, ctx.options.at);
  if ('problem' in c) return whole('spawn-constraint', shown, appName, c.text, 'invalid', 'the SpawnConstraint can be parsed', c.problem, { via });
  return relationship('spawn-constraint', shown, appName, c.text, c.slices, { via, lwcrCheck: c.check });
}

async function nestedBundles(ctx: Ctx, folder: string, kind: RelationshipKind): Promise<Relationship[]> {
  const out: Relationship[] = [];
  const appName = show(ctx, ctx.root);
  const ext = kind === 'xpc-service' ? '.xpc' : kind === 'login-item' ? '.app' : '.appex';
  const prefix = ctx.appIdentifier;
  const rule = `signed with the app's team identifier${prefix !== undefined ? `, identifier begins with ${JSON.stringify(prefix + '.')}` : ''}`;
  for (const name of await listDir(folder)) {
    if (!name.endsWith(ext)) continue;
    const p = join(folder, name);
    const shown = show(ctx, p);
    const real = await inside(ctx, p);
    if (!real) {
      out.push(whole(kind, shown, appName, oneLine(rule), 'invalid', 'the bundle lies inside the app', 'it resolves outside the app'));
      continue;
    }
    const code = await readFor(ctx, real);
    if ('error' in code) {
      out.push(whole(kind, shown, appName, oneLine(rule), 'invalid', 'the bundle can be read', code.error));
      continue;
    }
    out.push(relationship(kind, shown, appName, oneLine(rule), sameTeam(ctx, code, shown, prefix)));
  }
  return out;
}

/** Every Mach-O file in the bundle (links are not followed), bounded. */
async function machOFiles(ctx: Ctx): Promise<string[]> {
  const out: string[] = [];
  const stack = [ctx.root];
  let seen = 0;
  // Never follow a link, never wait on a FIFO swapped in after the listing.
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0);
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++seen > MAX_WALK_ENTRIES) {
        ctx.skipped.push({ path: show(ctx, ctx.root), reason: `more than ${MAX_WALK_ENTRIES} files: the rest was not searched for code` });
        return out;
      }
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '_CodeSignature') stack.push(p);
        continue;
      }
      if (!e.isFile()) continue;
      const handle = await open(p, flags).catch(() => undefined);
      if (!handle) continue;
      try {
        const head = new Uint8Array(4);
        const st = await handle.stat();
        const { bytesRead } = st.isFile() ? await handle.read(head, 0, 4, 0) : { bytesRead: 0 };
        if (bytesRead === 4 && looksLikeMachO(head)) out.push(p);
      } catch {
        // Unreadable: not code we can judge.
      } finally {
        await handle.close();
      }
    }
  }
  return out.sort();
}

/** The code report a library is judged by: its framework bundle when it is one's main executable, else the file. */
async function libraryReport(ctx: Ctx, lib: string): Promise<CodeReport | { error: string }> {
  for (let d = dirname(lib); d !== ctx.root && isInside(ctx.root, d); d = dirname(d)) {
    if (d.endsWith('.framework')) {
      const r = await readFor(ctx, d);
      if (!('error' in r) && r.executablePath === lib) return r;
      break;
    }
  }
  return readFor(ctx, lib);
}

function expand(p: string, exe: string, loader: string): string | undefined {
  if (p.startsWith('@executable_path/')) return join(dirname(exe), p.slice('@executable_path/'.length));
  if (p.startsWith('@loader_path/')) return join(dirname(loader), p.slice('@loader_path/'.length));
  if (p.startsWith('@')) return undefined;
  return p;
}

/** The bundle file a load command names, through @rpath, @executable_path and @loader_path; undefined outside the bundle. */
async function resolveDylib(ctx: Ctx, name: string, exe: string, loader: string, rpaths: { path: string; loader: string }[]): Promise<string | undefined> {
  const candidates: string[] = [];
  if (name.startsWith('@rpath/')) {
    const rest = name.slice('@rpath/'.length);
    for (const r of rpaths) {
      const base = expand(r.path, exe, r.loader);
      if (base !== undefined) candidates.push(join(base, rest));
    }
  } else {
    const p = expand(name, exe, loader);
    if (p !== undefined) candidates.push(p);
  }
  for (const c of candidates) {
    const real = await inside(ctx, c);
    if (real && (await lstat(real).then((s) => s.isFile(), () => false))) return real;
  }
  return undefined;
}

const MAX_LINK_DEPTH = 64;

async function libraryValidation(ctx: Ctx): Promise<Relationship[]> {
  const files = await machOFiles(ctx);
  const linkageOf = ctx.linkage;
  const pairs = new Map<string, { exe: string; lib: string; slices: RelationshipSlice[] }>();
  for (const exe of files) {
    const linkage = await linkageOf(exe);
    if (linkage instanceof CodeReadError || !linkage.some((s) => s.fileType === 2)) continue;
    const exeReport = await readFor(ctx, exe);
    if ('error' in exeReport) {
      ctx.skipped.push({ path: show(ctx, exe), reason: `library validation not checked: ${oneLine(exeReport.error)}` });
      continue;
    }
    for (const slice of exeReport.slices) {
      const l = linkage.find((x) => x.arch === slice.arch);
      if (!l || l.fileType !== 2) continue;
      const where = `${show(ctx, exe)} (${slice.arch})`;
      const why = invalidSlice(slice);
      if (why) {
        // Its flags cannot be trusted, so neither can "library validation is off": every library is judged invalid.
        pairs.set(`${exe}\0${exe}\0${slice.arch}`, { exe, lib: exe, slices: [{ arch: slice.arch, verdict: 'invalid', clause: 'the executable\'s signature verifies', fact: oneLine(why) }] });
        continue;
      }
      const flags = slice.facts.codeDirectories.find((c) => c.slot === 0)?.flags ?? 0;
      if ((flags & CS_RUNTIME) === 0) continue;
      if (slice.facts.entitlements?.[DISABLE_LV] === true) {
        ctx.skipped.push({ path: where, reason: `library validation is off (${DISABLE_LV})` });
        continue;
      }
      const team = slice.facts.teamIdentifier;
      const seen = new Set<string>([exe]);
      const queue: { image: string; linkage: SliceLinkage; rpaths: { path: string; loader: string }[]; depth: number }[] = [
        { image: exe, linkage: l, rpaths: l.rpaths.map((r) => ({ path: r, loader: exe })), depth: 0 },
      ];
      while (queue.length > 0) {
        const { image, linkage: il, rpaths, depth } = queue.shift()!;
        for (const d of il.dylibs) {
          const lib = await resolveDylib(ctx, d.name, exe, image, rpaths);
          if (!lib) {
            if (!d.name.startsWith('/')) ctx.skipped.push({ path: where, reason: `${oneLine(d.name)} is not found inside the bundle; not checked` });
            continue;
          }
          if (seen.has(lib)) continue;
          seen.add(lib);
          const key = `${exe}\0${lib}`;
          const entry = pairs.get(key) ?? { exe, lib, slices: [] };
          pairs.set(key, entry);
          entry.slices.push(await judgeLibrary(ctx, lib, slice.arch, team));
          const libLinkages = await linkageOf(lib);
          const libLinkage = libLinkages instanceof CodeReadError ? undefined : libLinkages.find((x) => x.arch === slice.arch);
          if (libLinkage && depth < MAX_LINK_DEPTH) queue.push({ image: lib, linkage: libLinkage, rpaths: [...libLinkage.rpaths.map((r) => ({ path: r, loader: lib })), ...rpaths], depth: depth + 1 });
        }
      }
    }
  }
  return [...pairs.values()].map(({ exe, lib, slices }) =>
    relationship('library-validation', show(ctx, lib), show(ctx, exe), 'library validation: signed by the same team as the executable, or by Apple (platform code, or anchor apple)', slices),
  );
}

async function judgeLibrary(ctx: Ctx, lib: string, arch: string, team: string | undefined): Promise<RelationshipSlice> {
  const shown = show(ctx, lib);
  const report = await libraryReport(ctx, lib);
  if ('error' in report) return { arch, verdict: 'invalid', clause: 'the library can be read', fact: oneLine(report.error) };
  const s = report.slices.find((x) => x.arch === arch);
  if (!s) return { arch, verdict: 'unsatisfied', clause: `the library has a ${arch} slice`, fact: oneLine(`${shown} has ${report.slices.map((x) => x.arch).join(', ')}`) };
  const why = invalidSlice(s);
  if (why) return { arch, verdict: 'invalid', clause: 'the signature verifies', fact: oneLine(why) };
  if (s.facts.platform !== undefined && s.facts.platform !== 0) return { arch, verdict: 'satisfied' };
  const got = s.facts.teamIdentifier;
  if (team !== undefined && got === team) return { arch, verdict: 'satisfied' };
  // Library validation also accepts code signed by Apple that is not platform code (Xcode's, Safari's): `anchor apple`.
  const apple = appleSigned(ctx, report, arch, shown);
  if (apple.verdict === 'satisfied') return { arch, verdict: 'satisfied' };
  if (apple.verdict === 'undetermined') return { arch, verdict: 'undetermined', clause: APPLE, fact: oneLine(apple.fact) };
  const clause = team === undefined ? `platform code or ${APPLE} (the executable has no team identifier)` : `team identifier = ${JSON.stringify(team)}`;
  const fact = got === undefined ? `${shown} (${arch}) is ${s.facts.adhoc ? 'ad-hoc signed' : 'signed'} without a team identifier` : `${shown} (${arch}) has team identifier ${JSON.stringify(got)}`;
  return { arch, verdict: 'unsatisfied', clause: oneLine(clause), fact: oneLine(fact) };
}

const APPLE = 'signed by Apple (anchor apple)';

/** `anchor apple` on one slice, through the requirement evaluator: Apple's own code, by its certificate chain. */
function appleSigned(ctx: Ctx, report: CodeReport, arch: string, shown: string): { verdict: OverallVerdict; fact: string } {
  const checked = checkRequirement(ctx, report, 'anchor apple', shown);
  if ('problem' in checked) return { verdict: 'invalid', fact: checked.problem };
  const slice = checked.slices.find((x) => x.arch === arch);
  return { verdict: slice?.verdict ?? 'invalid', fact: slice?.tree?.explanation ?? slice?.invalidReason ?? `no ${arch} slice` };
}

