/**
 * Where, in a property list being edited, the entries sit that a built
 * bundle can be checked against (the editor's "Check against the built
 * bundle…" code lens): an app's SMPrivilegedExecutables entries and a
 * helper's SMAuthorizedClients requirements (embedded/plist.ts finds them
 * with exact offsets), or a launchd job plist's BundleProgram and
 * SpawnConstraint. Pure and linear in the text; judging is the engine's
 * (engine/doctor/entries.ts).
 */
import { requirementsInPlist } from './embedded/plist.js';
import { mightHoldBundleEntries, type LocatedEntry, type LocatedPlist } from './bundle-entries-filter.js';

export type { LocatedEntry, LocatedPlist };

export function locateBundleEntries(text: string): LocatedPlist | undefined {
  if (!mightHoldBundleEntries(text)) return undefined;
  const info = infoEntries(text);
  if (info) return info;
  return launchdEntries(text);
}

const KEY_OF = { privileged: 'SMPrivilegedExecutables', authorized: 'SMAuthorizedClients' } as const;


function infoEntries(text: string): LocatedPlist | undefined {
  if (!text.includes(KEY_OF.privileged) && !text.includes(KEY_OF.authorized)) return undefined;
  const entries: LocatedEntry[] = [];
  for (const r of requirementsInPlist(text)) {
    if (r.api === 'property list' || !r.pieces) continue;
    const kind = r.api === KEY_OF.privileged ? 'privileged' : 'authorized';
    entries.push({ kind, start: r.start, end: r.end, requirement: r.pieces.text(), ...(r.key !== undefined ? { label: r.key } : {}) });
  }
  if (entries.length === 0) return undefined;
  const lensAt: number[] = [];
  for (const kind of ['privileged', 'authorized'] as const) {
    const first = entries.find((e) => e.kind === kind);
    if (!first) continue;
    // The key element that opens the dictionary or array holding the first entry.
    const at = text.lastIndexOf(`<key>${KEY_OF[kind]}</key>`, first.start);
    lensAt.push(at >= 0 ? at : first.start);
  }
  return { kind: 'info', lensAt: lensAt.sort((a, b) => a - b), entries };
}

interface TopKey {
  name: string;
  start: number;
  /** Where the key element ends (its value follows). */
  end: number;
}

/** The keys of the root dictionary, with offsets (comments and CDATA skipped, nesting tracked). */
function topLevelKeys(text: string): TopKey[] {
  const out: TopKey[] = [];
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)(dict|array)\b[^>]*?(\/?)>|<key>([^<]*)<\/key>/g;
  let depth = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2] !== undefined) {
      if (m[3] === '/') continue;
      depth += m[1] === '/' ? -1 : 1;
      if (depth < 0) return out;
    } else if (m[4] !== undefined && depth === 1) {
      out.push({ name: m[4].trim(), start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}

function launchdEntries(text: string): LocatedPlist | undefined {
  const keys = topLevelKeys(text);
  const names = new Set(keys.map((k) => k.name));
  if (!names.has('Label') || !['BundleProgram', 'Program', 'ProgramArguments'].some((n) => names.has(n))) return undefined;
  const entries: LocatedEntry[] = [];
  const program = keys.find((k) => k.name === 'BundleProgram') ?? keys.find((k) => k.name === 'Program' || k.name === 'ProgramArguments');
  if (program) entries.push({ kind: 'launchd-program', ...valueAfter(text, program) });
  const constraint = keys.find((k) => k.name === 'SpawnConstraint');
  if (constraint) entries.push({ kind: 'spawn-constraint', start: constraint.start, end: constraint.end });
  const label = keys.find((k) => k.name === 'Label')!;
  return { kind: 'launchd', lensAt: [Math.min(label.start, program?.start ?? label.start)], entries };
}

/** The content of a `<string>` value right after a key, else the key itself. */
function valueAfter(text: string, key: TopKey): { start: number; end: number } {
  const m = /^\s*<string>([^<]*)<\/string>/.exec(text.slice(key.end, key.end + 4096));
  if (!m) return { start: key.start, end: key.end };
  const start = key.end + m[0].indexOf('<string>') + '<string>'.length;
  return { start, end: start + m[1]!.length };
}
