/**
 * A bundle's resource seal as the reader uses it: reading
 * `_CodeSignature/CodeResources` (once, bounded, never outside the bundle)
 * and verifying the files it lists against every signed slice. Nested code is
 * read through a callback, so this module does not depend on the reader.
 */
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { PlistDict } from '../facts.js';
import type { Problem } from '../problems.js';
import type { ResolvedCode } from '../bundle.js';
import type { CodeReport, ReadOptions } from '../report.js';
import { FileRefused, readInside } from '../bundle-files.js';
import { SLOT_RESOURCEDIR } from '../signature/blobs.js';
import { parsePlistDict, PlistError } from '../signature/plist.js';
import { printable } from '../printable.js';
import type { ResourceBudget, ResourceLimits } from './types.js';
import { verifyResources } from './verify.js';
import { readXmlPlistDict, XmlPlistTooLarge, XmlPlistUnsupported } from './xml-plist.js';

/** Far above real resource seals (a few MB for the largest apps). */
const MAX_RESOURCE_SEAL_BYTES = 64 * 1024 * 1024;
/**
 * The general (DOM-based) property list reader needs many times a document's
 * size in memory (a 60 MB seal exhausted the heap); only seals up to this size
 * that the fast reader declines are handed to it.
 */
const MAX_GENERAL_SEAL_BYTES = 8 * 1024 * 1024;

/** The bundle's `_CodeSignature/CodeResources`, read once for the slot-3 hash and the listing alike. */
export interface SealFile {
  path: string;
  /** Undefined when the file does not exist, or was refused. */
  bytes?: Uint8Array;
  /** Why it was not read: a link out of the bundle, not a regular file, too large, unreadable. */
  refused?: string;
}

/**
 * Reads the bundle's resource seal, `_CodeSignature/CodeResources` beside the
 * folder holding Info.plist's parent (`Contents/` for apps, the root for
 * shallow and framework bundles). It must be a regular file inside the bundle
 * (a link is resolved and must not leave it; a FIFO or device is refused
 * without blocking) and is read to at most MAX_RESOURCE_SEAL_BYTES, counted
 * as read.
 */
export async function readResourceSeal(bundleRoot: string, infoPlistPath: string): Promise<SealFile> {
  const plistDir = dirname(infoPlistPath);
  const sealDir = basename(plistDir) === 'Resources' ? dirname(plistDir) : plistDir;
  const path = join(sealDir, '_CodeSignature', 'CodeResources');
  const name = printable(relative(bundleRoot, path).split(sep).join('/'));
  try {
    return { path, bytes: (await readInside(bundleRoot, path, MAX_RESOURCE_SEAL_BYTES, name)).bytes };
  } catch (err) {
    if (!(err instanceof FileRefused)) throw err;
    if (err.reason === 'missing') return { path };
    return { path, refused: err.message };
  }
}

/** Where a read sits among nested code; the outer bundle and everything inside it share the budget. */
export interface ResourceNesting {
  nesting: number;
  limits: ResourceLimits;
  budget: ResourceBudget;
}

const error = (code: string, message: string): Problem => ({ code, severity: 'error', message });

/**
 * Verifies the resource seal's files once per bundle and adds the findings to
 * every signed slice. Only a seal some CodeDirectory vouches for (slot 3
 * matches) is read: a changed or missing CodeResources is already reported,
 * and its listing proves nothing.
 *
 * A bundle always has a resource folder (its support-files directory), so
 * Apple refuses a bundle whose signature seals no resources at all
 * (SecStaticCode::validateResources: errSecCSResourcesNotFound).
 */
export async function checkResources(
  report: CodeReport,
  resolved: ResolvedCode,
  options: ReadOptions,
  nesting: ResourceNesting,
  seal: SealFile,
  readNested: (path: string) => Promise<CodeReport | string>,
): Promise<void> {
  const bundle = resolved.bundle!;
  const signed = report.slices.filter((s) => s.status !== 'unsigned' && s.signature);
  if (signed.length === 0) return;
  const sealed = signed.some((s) => s.signature!.specialSlots.some((c) => c.slot === SLOT_RESOURCEDIR && c.status === 'match'));
  const add = (problems: Problem[]) => {
    for (const s of signed) {
      s.verification.problems.push(...problems);
      s.verification.ok = !s.verification.problems.some((p) => p.severity === 'error');
    }
  };
  if (!signed.some((s) => s.signature!.specialSlots.some((c) => c.slot === SLOT_RESOURCEDIR))) {
    add([error('resources-not-sealed', `the signature seals no resources (special slot 3 is empty), but ${basename(bundle.path)} is a bundle: Apple refuses it (errSecCSResourcesNotFound)`)]);
    return;
  }
  if (!sealed || !seal.bytes) return;
  const root = dirname(dirname(seal.path));
  const display = relative(bundle.path, root);
  const sealName = printable(relative(bundle.path, seal.path).split(sep).join('/'));
  const dict = parseSeal(seal.bytes, seal.path, sealName, nesting.budget.files);
  if (!('dict' in dict)) {
    add([dict.problem]);
    return;
  }
  const exe = relative(root, resolved.executablePath);
  const hashTypes = new Set(signed.flatMap((s) => s.facts.codeDirectories.map((cd) => cd.hashType)));
  // Page hashing came first and counted each signed slice up to its signature.
  const base = options.verifyPages === false ? 0 : report.slices.reduce((sum, s) => sum + (s.signature ? s.signature.dataOffset : 0), 0);
  const result = await verifyResources({
    root,
    display: display === '' ? '' : display.split(sep).join('/') + '/',
    ...(exe === '..' || exe.startsWith('..' + sep) || isAbsolute(exe) ? {} : { mainExecutable: exe.split(sep).join('/') }),
    seal: dict.dict,
    checkSha1: hashTypes.has('sha1'),
    limits: nesting.limits,
    budget: nesting.budget,
    nesting: nesting.nesting,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (done: number, total: number) => options.onProgress!(base + done, base + total) } : {}),
    readNested,
  });
  report.resources = result;
  add(result.problems);
}

/** The seal's dictionary, or the problem that stops verification. */
function parseSeal(bytes: Uint8Array, path: string, sealName: string, maxFiles: number): { dict: PlistDict } | { problem: Problem } {
  try {
    try {
      // Counted while reading: a seal listing more than the file budget is refused before it is built whole.
      // Never below a handful, so that the top-level dictionary itself fits; readSeal applies the exact limit.
      return { dict: readXmlPlistDict(bytes, { maxEntries: Math.max(16, maxFiles) }) };
    } catch (err) {
      if (!(err instanceof XmlPlistUnsupported)) throw err;
      if (bytes.length > MAX_GENERAL_SEAL_BYTES) {
        throw new PlistError(`${sealName}: ${bytes.length} bytes that are not the plain XML that codesign writes (${err.message}); only seals up to ${MAX_GENERAL_SEAL_BYTES} bytes are read otherwise`);
      }
      return { dict: parsePlistDict(bytes, path) };
    }
  } catch (err) {
    if (err instanceof XmlPlistTooLarge) return { problem: error('resources-limit', `${sealName}: ${err.message} (the limit of files to verify); the resources cannot be verified`) };
    if (!(err instanceof PlistError)) throw err;
    return { problem: error('resource-seal-malformed', `${err.message}; the resources cannot be verified`) };
  }
}
