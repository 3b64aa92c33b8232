/**
 * What the signature reader reports: plain data (serialisable to JSON) that
 * the reader (read.ts), the resource verifier (resources/verify.ts) and the
 * tools built on them share. It imports only types, so nothing here forms
 * an import cycle.
 */
import type { CodeFacts, PlistDict } from './facts.js';
import type { Problem } from './problems.js';
import type { CmsFacts } from './cms/parse.js';
import type { BlobEntry } from './signature/superblob.js';
import type { ResourceLimits, ResourceReport } from './resources/types.js';

export interface ReadOptions {
  /** Only this architecture (as named in SliceReport.arch); CodeReadError 'arch-not-found' when absent. */
  arch?: string;
  /** Check every code-page hash against the file (default true). */
  verifyPages?: boolean;
  /** When certificate validity is judged: the secure timestamp, else the CMS signing time ('signing-time', the default), the clock, or a fixed date. */
  at?: 'signing-time' | 'now' | Date;
  /** Cancels page hashing; readCode then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Page-hashing progress over all slices, then resource hashing (the total grows once the resources are counted). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * Check the files a bundle's `_CodeSignature/CodeResources` seals, and its
   * nested code, like `codesign --verify` (default: the same as verifyPages).
   */
  verifyResources?: boolean;
  /** Bounds on resource verification (defaults: DEFAULT_RESOURCE_LIMITS). */
  resourceLimits?: Partial<ResourceLimits>;
  /**
   * Bytes of code-page hashing, summed over CodeDirectories, slices and nested
   * code (default DEFAULT_MAX_HASH_BYTES). Pages a CodeDirectory would hash
   * past it are not hashed, and the slice has a `hash-limit` error.
   */
  maxHashBytes?: number;
  /**
   * Reports already read by this caller, by real path: a piece of code is read
   * once however often it is asked for (as nested code of a bundle, then on
   * its own). A report depends on the other options: share a cache only
   * between reads with the same options, and only within one run (files
   * change). Not used for a read of one architecture (`arch`).
   */
  cache?: CodeReportCache;
}

export type CodeReportCache = Map<string, Promise<CodeReport>>;

/** Far above real code: a 4 GB universal binary with two CodeDirectories per slice hashes 8 GB. */
export const DEFAULT_MAX_HASH_BYTES = 64 * 2 ** 30;

/** The outcome of checking one special slot of one CodeDirectory. */
export interface SpecialSlotCheck {
  /** CodeDirectory slot (0 or 0x1000 + n). */
  directory: number;
  slot: number;
  name: string;
  /** 'match', 'mismatch', 'missing' (hash but no data), 'unbound' (data but no hash slot), 'not-checked' (CodeResources). */
  status: 'match' | 'mismatch' | 'missing' | 'unbound' | 'not-checked';
  expected?: string;
  actual?: string;
}

export interface SignatureLayout {
  /** LC_CODE_SIGNATURE dataoff/datasize (relative to the slice). */
  dataOffset: number;
  dataSize: number;
  /** Length field of the superblob (0 when unreadable). */
  superBlobLength: number;
  /** DER size of the CMS signature (0 for an empty wrapper, as ad-hoc signers write). */
  cmsSize?: number;
  /** Raw DER entitlements (slot 7), when present. */
  derEntitlements?: Uint8Array;
  /** The same, decoded (also in facts.entitlements when there is no XML blob). */
  derEntitlementsDict?: PlistDict;
  /** Launch and library constraint blobs (slots 8–11, 0xfade8181…) as stored, whole; their hashes are checked with the special slots. */
  constraints?: { slot: number; blob: Uint8Array }[];
  specialSlots: SpecialSlotCheck[];
  /** Pages checked per CodeDirectory slot, when pages were verified. */
  pages?: { directory: number; pages: number; mismatches: number }[];
}

export interface SliceReport {
  arch: string;
  cpuType: number;
  cpuSubtype: number;
  /** execute, dylib, bundle, object, … */
  fileType: string;
  /** Slice offset and size in the file. */
  offset: number;
  size: number;
  /**
   * 'unsigned': no LC_CODE_SIGNATURE. 'adhoc': the primary CodeDirectory has
   * the adhoc flag. 'signed' otherwise, including signatures too damaged to
   * read (their verification lists why).
   */
  status: 'unsigned' | 'adhoc' | 'signed';
  facts: CodeFacts;
  blobs: BlobEntry[];
  verification: { ok: boolean; problems: Problem[]; pagesVerified: boolean; at?: Date };
  cms?: CmsFacts;
  signature?: SignatureLayout;
  /** LC_ID_DYLIB install name, for dylibs. */
  dylibId?: string;
}

export interface CodeReport {
  path: string;
  executablePath: string;
  bundle?: { path: string; infoPlist?: PlistDict };
  container: 'thin' | 'fat' | 'fat64';
  slices: SliceReport[];
  /** The bundle's sealed resources, when they were verified; their problems are also in every signed slice's verification. */
  resources?: ResourceReport;
}
