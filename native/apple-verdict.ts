/**
 * Apple's verdict (Security.framework, through the native addon) beside
 * ours: turning an AppleCheck into the "Apple side" of a result, comparing it
 * with csrl's verdict, and the words both the CLI and the extension print.
 * One implementation for both, so `csrl check` and the results view can never
 * disagree about whether csrl and Apple disagree.
 *
 * Pure: only types come from native/index.ts, so the extension's small
 * activation bundle can use it without loading the addon.
 */
import type { AppleCheck, AppleStatus, Backend, Unsupported } from './index.js';

/** csrl's overall verdict (CheckResult.verdict of cli/commands/check.ts). */
export type OurVerdict = 'satisfied' | 'unsatisfied' | 'undetermined' | 'invalid';

/** What Apple said about the code csrl checked. */
export type AppleVerdict = 'satisfied' | 'not-satisfied' | 'requirement-rejected' | 'not-checked';

export type Agreement = 'agree' | 'disagree' | 'not-comparable';

export interface Comparison {
  outcome: Agreement;
  /** One sentence saying which side says what. */
  sentence: string;
}

/** Apple's verdict beside ours (`apple` in `csrl check --json`, docs/check-json.md). */
export interface AppleSide {
  /**
   * Apple's verdict on what csrl checked: the file on disk (a path check, or
   * the static check of a process's file when Apple made one).
   */
  verdict: AppleVerdict;
  /** Apple's verdict of its main check (for --pid: the live process); null when Apple gave none. */
  satisfied: boolean | null;
  /** What Apple checked: a file (SecStaticCode) or a running process (SecCode). */
  kind?: 'process' | 'path';
  result?: AppleStatus;
  /** Process checks: the same requirement against the code on disk, which is what our static check is compared with. */
  staticResult?: AppleStatus;
  requirementError?: AppleStatus;
  /** Why Apple's verdict is missing (verdict `not-checked`). */
  error?: string;
  /** Set by withComparison. */
  comparison?: Comparison;
  /** The comparison's sentence when csrl and Apple contradict each other: a bug in one of them. */
  disagreement?: string;
}

/** How much of the code our verdict covers, which limits what a difference means. */
export interface CompareOptions {
  /** Ours checked only some architecture slices (`--arch`); Apple checks every one. */
  someArchitectures?: boolean;
  /** Ours did not hash the code pages (`--no-verify-pages`); Apple always does. */
  pagesSkipped?: boolean;
}

const REQ_FAILED = -67050; // errSecCSReqFailed: the code is valid but does not satisfy the requirement

/** The Apple side of a check the addon answered (or said it cannot answer on this platform). */
export function appleSideOf(check: AppleCheck | Unsupported): AppleSide {
  if (!check.supported) return notChecked(check.reason);
  if (check.requirementError) {
    return { verdict: 'requirement-rejected', satisfied: null, kind: check.kind, requirementError: check.requirementError, ...(check.result ? { result: check.result } : {}) };
  }
  const compared = check.staticResult ?? check.result;
  // `satisfied` is the addon's word for the main check; a process's file is judged by its static status.
  const fileSatisfied = check.staticResult ? check.staticResult.status === 0 : check.satisfied;
  const side: AppleSide = { verdict: fileSatisfied ? 'satisfied' : 'not-satisfied', satisfied: check.satisfied, kind: check.kind };
  if (check.result) side.result = check.result;
  if (check.staticResult) side.staticResult = check.staticResult;
  if (!compared && !check.satisfied) side.error = 'Security.framework returned no status';
  return side;
}

/** An Apple side without Apple's verdict, saying why. */
export function notChecked(why: string): AppleSide {
  return { verdict: 'not-checked', satisfied: null, error: why };
}

/** An error thrown while asking Apple, as a missing verdict. */
export function appleSideOfError(err: unknown): AppleSide {
  return notChecked(err instanceof Error ? err.message : String(err));
}

/**
 * Why Apple cannot be asked through this loader result, or undefined when it
 * can (macOS with the addon's Security.framework backend).
 */
export function whyAppleUnavailable(native: { available: boolean; reason?: string; backend: Backend; platform?: string }): string | undefined {
  const platform = native.platform ?? process.platform;
  if (platform !== 'darwin') return `Security.framework exists only on macOS (this is ${platform})`;
  if (!native.available) return `the native addon is not available: ${native.reason ?? 'unknown reason'}`;
  if (native.backend !== 'security-framework') return 'the native addon was built without its Security.framework backend';
  return undefined;
}

/** `errSecCSReqFailed -67050: code failed to satisfy …` (Apple's own texts). */
export function statusText(s: AppleStatus | undefined): string {
  if (!s) return 'no status';
  return `${s.name || 'OSStatus'} ${s.status}${s.errorText ? `: ${s.errorText}` : s.message ? `: ${s.message}` : ''}`;
}

const OURS: Record<OurVerdict, string> = { satisfied: 'satisfied', unsatisfied: 'not satisfied', undetermined: 'undetermined', invalid: 'cannot be checked' };

/**
 * Compares csrl's verdict with Apple's. Ours is a static check of the file,
 * so it meets Apple's static result. `undetermined` contradicts nothing (only
 * a Mac can decide those clauses), and neither does a missing verdict. Our
 * `invalid` (unsigned, broken signature) agrees with any refusal by Apple.
 */
export function compareVerdicts(ours: OurVerdict, apple: AppleSide, options: CompareOptions = {}): Comparison {
  const which = apple.kind === 'process' && !apple.staticResult ? 'check of the process' : 'static check of the file';
  const appleStatus = statusText(apple.staticResult ?? apple.result);
  if (apple.verdict === 'requirement-rejected') {
    return { outcome: 'disagree', sentence: `csrl accepted the requirement but Apple's compiler rejected it (${statusText(apple.requirementError)})` };
  }
  if (apple.verdict === 'not-checked') return { outcome: 'not-comparable', sentence: `Apple did not check: ${apple.error ?? 'unknown reason'}` };
  const appleSays = apple.verdict === 'satisfied';
  if (ours === 'undetermined') {
    return { outcome: 'not-comparable', sentence: `csrl cannot decide some clauses off the Mac (undetermined); Apple's ${which} says ${appleSays ? 'satisfied' : `not satisfied (${appleStatus})`}` };
  }
  const oursSays = ours === 'satisfied';
  if (oursSays === appleSays) return { outcome: 'agree', sentence: `csrl and Apple agree: csrl says ${OURS[ours]}, Apple's ${which} says ${appleSays ? 'satisfied' : `not satisfied (${appleStatus})`}` };
  if (oursSays) {
    // Apple checks every slice and every page; ours may have looked at less.
    if (options.someArchitectures) {
      return { outcome: 'not-comparable', sentence: `csrl checked only the chosen architecture and says satisfied; Apple's ${which} covers every architecture and says not satisfied (${appleStatus})` };
    }
    const status = apple.staticResult ?? apple.result;
    if (options.pagesSkipped && status && status.status !== REQ_FAILED) {
      return { outcome: 'not-comparable', sentence: `csrl did not hash the code pages and says satisfied; Apple's ${which} hashed them and says not satisfied (${appleStatus})` };
    }
    return { outcome: 'disagree', sentence: `csrl says satisfied, Apple's ${which} says not satisfied (${appleStatus})` };
  }
  return { outcome: 'disagree', sentence: `csrl says ${OURS[ours]}, Apple's ${which} says satisfied` };
}

/** The side with its comparison attached (and `disagreement` set when they contradict each other). */
export function withComparison(ours: OurVerdict, apple: AppleSide, options: CompareOptions = {}): AppleSide {
  const comparison = compareVerdicts(ours, apple, options);
  const { disagreement: _old, ...rest } = apple;
  return { ...rest, comparison, ...(comparison.outcome === 'disagree' ? { disagreement: comparison.sentence } : {}) };
}

const WHO = 'Apple (Security.framework)';

/** A short verdict for a code lens or a message: "not satisfied (errSecCSReqFailed -67050: …)". */
export function appleShort(a: AppleSide): string {
  switch (a.verdict) {
    case 'satisfied':
      return 'satisfied';
    case 'not-satisfied':
      return `not satisfied (${statusText(a.staticResult ?? a.result)})`;
    case 'requirement-rejected':
      return `requirement rejected by Apple's compiler (${statusText(a.requirementError)})`;
    case 'not-checked':
      return `not checked (${a.error ?? 'unknown reason'})`;
  }
}

/** One thing Apple checked, for a row of the results view or a line of `csrl check`. */
export interface AppleRow {
  text: string;
  verdict: AppleVerdict;
}

/**
 * The rows that show Apple's side, one per thing Apple checked:
 * "Apple (Security.framework): not satisfied (errSecCSReqFailed -67050: …)";
 * for a process, its live check and the check of its file on disk.
 */
export function appleRows(a: AppleSide): AppleRow[] {
  if (a.verdict === 'requirement-rejected') return [{ text: `${WHO}: requirement rejected (${statusText(a.requirementError)})`, verdict: a.verdict }];
  if (a.verdict === 'not-checked') return [{ text: `${WHO}: no verdict (${a.error ?? 'unknown reason'})`, verdict: a.verdict }];
  const row = (label: string, ok: boolean, s: AppleStatus | undefined): AppleRow => ({ text: `${label}: ${ok ? 'satisfied' : 'not satisfied'} (${statusText(s)})`, verdict: ok ? 'satisfied' : 'not-satisfied' });
  if (a.kind === 'process') {
    const out = [row(`${WHO}, live process`, a.satisfied === true, a.result)];
    if (a.staticResult) out.push(row(`${WHO}, file on disk`, a.staticResult.status === 0, a.staticResult));
    return out;
  }
  return [row(WHO, a.verdict === 'satisfied', a.result)];
}

export function appleLines(a: AppleSide): string[] {
  return appleRows(a).map((r) => r.text);
}

/** The loud line printed under a disagreement. */
export function disagreementLine(sentence: string): string {
  return `!!! DISAGREEMENT: ${sentence}. This is a bug in csrl or in Apple's check; do not rely on either verdict.`;
}
