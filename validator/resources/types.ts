/**
 * The limits, shared budget and outcome of a bundle's resource check: plain
 * data that the reader's report (validator/report.ts) and the resource
 * verifier (verify.ts) both refer to, kept apart so neither imports the other.
 */
import type { Problem } from '../problems.js';

export interface ResourceLimits {
  /** Entries on disk (files, links, folders) plus sealed entries, over the bundle and its nested code. */
  maxFiles: number;
  /** Bytes hashed, over the bundle and its nested code (real sizes, as read). */
  maxBytes: number;
  /** Folder depth below the resource root. */
  maxDepth: number;
  /** Levels of nested code verified below the outer bundle; deeper nested code makes verification fail. */
  maxNesting: number;
  /** Problems listed one by one; the rest are counted. */
  maxReported: number;
  /**
   * Regular-expression automaton steps spent choosing rules, over the bundle
   * and its nested code. Apple's default rules take about 20 steps per
   * character of a path (2·10⁸ for 100,000 files of 100 characters); a hostile
   * seal can ask for millions per path, and spends the default budget in
   * seconds (about 10⁸ steps a second).
   */
  maxMatchSteps: number;
}

export const DEFAULT_RESOURCE_LIMITS: Readonly<ResourceLimits> = Object.freeze({
  maxFiles: 100_000,
  maxBytes: 16 * 2 ** 30,
  maxDepth: 64,
  maxNesting: 8,
  maxReported: 100,
  maxMatchSteps: 500_000_000,
});

/** What is left of the limits; shared by a bundle and all the code nested in it. */
export interface ResourceBudget {
  files: number;
  bytes: number;
  /** Matching steps; set from `maxMatchSteps` by the first (outermost) verification when absent. */
  steps?: number;
}

export interface ResourceReport {
  /** 2 when `files2`/`rules2` were used, else 1. */
  version: 1 | 2;
  /** Entries in the seal. */
  sealed: number;
  /** Items on disk compared with the seal. */
  checked: number;
  bytesHashed: number;
  /** Nested code verified. */
  nested: number;
  /** False when a limit or an unusable seal stopped the check. */
  complete: boolean;
  problems: Problem[];
}
