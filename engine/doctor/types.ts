/**
 * The result of `csrl doctor`: every code-signing relationship found inside
 * a bundle, each with the verdict words of `csrl check` (engine/result.ts),
 * per architecture, and for a failure the clause that broke it and the fact
 * that broke the clause. Schema: docs/doctor-json.md.
 */
import type { LwcrCheckResult } from '../lwcr.js';
import type { CheckResult, OverallVerdict } from '../result.js';

export type RelationshipKind =
  /** The bundle's own signature (with its sealed resources and nested code): every other answer rests on it. */
  | 'signature'
  /** SMJobBless: the app's SMPrivilegedExecutables requirement against the helper in Contents/Library/LaunchServices. */
  | 'smjobbless-helper'
  /** SMJobBless: the helper's SMAuthorizedClients requirements (embedded Info.plist) against the app. */
  | 'smjobbless-client'
  /** SMJobBless: the helper's embedded launchd plist Label and Info.plist CFBundleIdentifier against its file name. */
  | 'smjobbless-launchd'
  /** SMAppService: a LaunchDaemons/LaunchAgents plist's BundleProgram: present, signed, same team as the app. */
  | 'smappservice'
  /** SMAppService: the plist's SpawnConstraint (a lightweight code requirement) against its BundleProgram, as launchd evaluates it. */
  | 'spawn-constraint'
  | 'xpc-service'
  | 'login-item'
  | 'app-extension'
  /** A hardened-runtime executable without disable-library-validation, and a library it links from inside the bundle. */
  | 'library-validation';

export interface RelationshipSlice {
  arch: string;
  verdict: OverallVerdict;
  /** For a verdict other than satisfied: the clause that did not hold. */
  clause?: string;
  /** The fact about the code that made the clause fail (or why it could not be checked). */
  fact?: string;
}

export interface Relationship {
  kind: RelationshipKind;
  /** The code being judged, relative to the folder that holds the bundle. */
  subject: string;
  /** The code whose rule it is (the app, the helper, the loading executable). */
  against: string;
  /** Where the rule is written (an Info.plist key, a launchd plist), when it is written somewhere. */
  via?: string;
  /** The requirement text, or the rule in words when the rule is not a requirement. */
  rule: string;
  verdict: OverallVerdict;
  /** The first failing slice's clause and fact (also in `slices`). */
  clause?: string;
  fact?: string;
  arch?: string;
  slices: RelationshipSlice[];
  /** What was seen but not checked (a SpawnConstraint, other requirements of a list). */
  notes?: string[];
  /** For a requirement rule: the whole `csrl check` result (clause trees per slice). */
  check?: CheckResult;
  /** For a lightweight code requirement (a SpawnConstraint): the whole `csrl check --lwcr` result. */
  lwcrCheck?: LwcrCheckResult;
}

export interface DoctorReport {
  /** The path as given. */
  path: string;
  verdict: OverallVerdict;
  /** The bundle's identifier and team as signed (first slice). */
  identifier?: string;
  teamIdentifier?: string;
  relationships: Relationship[];
  counts: Record<OverallVerdict, number>;
  /** Code seen but not judged, and why (library validation disabled, a library outside the bundle…). */
  skipped: { path: string; reason: string }[];
  /** The bundle itself could not be read: nothing else was checked. */
  error?: { code: string; message: string };
}
