/**
 * What a Mach-O file links and what it embeds besides its code signature,
 * per slice: the libraries it loads (LC_LOAD_DYLIB and its kin), its
 * LC_RPATH entries and its `__TEXT,__launchd_plist` section (SMJobBless
 * helpers). Bounded like the signature reader: the load commands are read
 * within MAX_SIZEOFCMDS, the section within MAX_EMBEDDED_PLIST_BYTES, and
 * every offset is checked against the slice before it is read.
 */
import { readContainer } from './container.js';
import { CodeReadError } from './errors.js';
import { readMachHeader, type LinkedDylib } from './header.js';
import { ByteSource } from './source.js';

export type { LinkedDylib } from './header.js';

/** An embedded launchd plist is a few hundred bytes; anything near this is hostile. */
export const MAX_EMBEDDED_PLIST_BYTES = 1 << 20;

export interface SliceLinkage {
  arch: string;
  fileType: number;
  dylibs: LinkedDylib[];
  rpaths: string[];
  /** `__TEXT,__launchd_plist` bytes, when the slice has that section within bounds. */
  launchdPlist?: Uint8Array;
  /** Why a present `__launchd_plist` section was not read. */
  launchdPlistProblem?: string;
}

/** The linkage of every slice of the Mach-O file at `path` (with `within`: it must resolve inside that folder). */
export async function readLinkage(path: string, within?: string): Promise<SliceLinkage[]> {
  const src = await ByteSource.open(path, within);
  try {
    const container = await readContainer(src);
    const out: SliceLinkage[] = [];
    for (const loc of container.slices) {
      const header = await readMachHeader(src, loc);
      const slice: SliceLinkage = { arch: loc.arch, fileType: header.fileType, dylibs: header.dylibs, rpaths: header.rpaths };
      const sec = header.launchdPlistSection;
      if (sec) {
        if (sec.size > MAX_EMBEDDED_PLIST_BYTES) slice.launchdPlistProblem = `__TEXT,__launchd_plist is ${sec.size} bytes, over the ${MAX_EMBEDDED_PLIST_BYTES}-byte limit`;
        else slice.launchdPlist = new Uint8Array(await src.read(loc.offset + sec.offset, sec.size, '__TEXT,__launchd_plist section'));
      }
      out.push(slice);
    }
    return out;
  } finally {
    await src.close();
  }
}

/** Whether the first bytes of a file are a Mach-O or universal header (for finding code in a folder). */
export function looksLikeMachO(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const m = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  return m === 0xfeedface || m === 0xcefaedfe || m === 0xfeedfacf || m === 0xcffaedfe || m === 0xcafebabe || m === 0xcafebabf;
}

export { CodeReadError };
