/**
 * The relationships of plist entries as an editor has them (unsaved text
 * included) against a built bundle: an app's SMPrivilegedExecutables
 * entries, a helper's SMAuthorizedClients requirements, an SMAppService
 * launchd plist. Judged by the doctor's own functions (doctor.ts), so an
 * entry's verdict, clause and fact are those `csrl doctor` prints.
 */
import { oneLine } from '../../validator/printable.js';
import { authorizedClient, blessEntry, launchdJob, openBundle, type DoctorOptions } from './doctor.js';
import type { Relationship } from './types.js';

export type BundleEntry =
  /** An app's SMPrivilegedExecutables[label] = requirement: the helper at Contents/Library/LaunchServices/<label>. */
  | { kind: 'privileged'; label: string; requirement: string }
  /** A helper's SMAuthorizedClients requirement: the bundle (the app) must satisfy it. */
  | { kind: 'authorized'; requirement: string }
  /** A launchd plist's text: its BundleProgram in the bundle, and its SpawnConstraint. */
  | { kind: 'launchd'; plist: string };

export interface BundleEntriesResult {
  /** The bundle as given. */
  bundle: string;
  /** The bundle cannot be read or is not a bundle: nothing was judged. */
  error?: { code: string; message: string };
  /** Per entry, in order: the relationships that judge it, the entry's own first. */
  results: Relationship[][];
}

/** Bounded like the doctor's reads of a plist in a bundle. */
const MAX_PLIST_CHARS = 1 << 20;

export async function checkBundleEntries(bundle: string, entries: BundleEntry[], options: DoctorOptions & { source?: string } = {}): Promise<BundleEntriesResult> {
  const opened = await openBundle(bundle, options);
  if ('error' in opened) return { bundle, error: opened.error, results: [] };
  const { ctx } = opened;
  const source = oneLine(options.source ?? 'the editor');
  const results: Relationship[][] = [];
  for (const e of entries) {
    options.signal?.throwIfAborted();
    if (e.kind === 'privileged') results.push(await blessEntry(ctx, e.label, e.requirement, `${source} SMPrivilegedExecutables`));
    else if (e.kind === 'authorized') results.push([authorizedClient(ctx, e.requirement, `${source} SMAuthorizedClients`)]);
    else results.push(await launchdJob(ctx, new TextEncoder().encode(e.plist.slice(0, MAX_PLIST_CHARS)), source));
  }
  return { bundle, results };
}
