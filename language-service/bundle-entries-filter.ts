/**
 * The shapes of language-service/bundle-entries.ts's answer, and the cheap
 * test the editor runs on every plist before loading the scanner: whether a
 * text might hold entries a built bundle can be checked against.
 */
export interface LocatedEntry {
  kind: 'privileged' | 'authorized' | 'launchd-program' | 'spawn-constraint';
  /** Offsets of what a mark follows: a requirement's <string> content, a launchd key's value. */
  start: number;
  end: number;
  /** SMPrivilegedExecutables: the helper's label (the dictionary key). */
  label?: string;
  /** SMPrivilegedExecutables and SMAuthorizedClients: the requirement text, entities decoded. */
  requirement?: string;
}

export interface LocatedPlist {
  /** `info`: an Info.plist with SMJobBless keys; `launchd`: a launchd job plist. */
  kind: 'info' | 'launchd';
  /** Offsets of the `<key>` elements the code lens goes above. */
  lensAt: number[];
  entries: LocatedEntry[];
}

/** Property lists far larger than any Info.plist or launchd plist are not scanned. */
export const MAX_LOCATE_CHARS = 1 << 20;

export function mightHoldBundleEntries(text: string): boolean {
  if (text.length > MAX_LOCATE_CHARS || !text.includes('<dict')) return false;
  return text.includes('SMPrivilegedExecutables') || text.includes('SMAuthorizedClients') || (/<key>\s*Label\s*<\/key>/.test(text) && /<key>\s*(?:BundleProgram|Program|ProgramArguments)\s*<\/key>/.test(text));
}
