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
import type { AppleCheck, AppleStatus, Backend, Unsupported } from '../../native/index.js';

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
  /** Apple could not be asked here at all (not macOS, or no Security.framework backend); `error` says why. */
  notAsked?: true;
  /** Set by withComparison. */
  comparison?: Comparison;
  /** The comparison's sentence when csrl and Apple contradict each other: a bug in one of them. */
  disagreement?: string;
}

/** A finding of our check, as in validator/problems.ts (only what the comparison reads). */
export interface OurProblem {
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

/** One slice of our result (CheckResult.slices of cli/commands/check.ts has this shape). */
export interface OurSlice {
  verdict: OurVerdict;
  problems: readonly OurProblem[];
}

/** How much of the code our verdict covers, which limits what a difference means. */
export interface CompareOptions {
  /** Ours checked only some architecture slices (`--arch`); Apple checks every one. */
  someArchitectures?: boolean;
  /** Ours did not hash the code pages nor the sealed resources (`--no-verify-pages`); Apple always does. */
  pagesSkipped?: boolean;
  /**
   * Our slices with their problems: a check that stopped at one of our limits
   * (resources-limit, nested code past the nesting limit, …) says nothing
   * about validity where it stopped, so it is not compared on validity.
   */
  slices?: readonly OurSlice[];
  /** Why ours could not read the code at all (CodeReadError's code and message), when it could not. */
  readError?: { code: string; message: string };
}

const REQ_FAILED = -67050; // errSecCSReqFailed: the code is valid but does not satisfy the requirement

// Problems that mean "our check stopped at one of its own limits", not "the code is bad".
const LIMIT_CODES: ReadonlySet<string> = new Set(['resources-limit', 'resource-nested-not-verified', 'signature-too-large', 'info-plist-too-large']);
// Read errors that are our limits (too-large) or that leave nothing checked that Apple checked (arch-not-found: only with --arch).
const LIMIT_READ_ERRORS: ReadonlySet<string> = new Set(['too-large', 'arch-not-found']);
function isLimitProblem(p: OurProblem): boolean {
  return LIMIT_CODES.has(p.code);
}

/**
 * The message of the limit our check stopped at, when that leaves our verdict
 * short of Apple's on validity: for `invalid`, when every invalid slice is
 * invalid only because of a limit (a real error beside it still stands); for
 * a valid verdict, any limit (nested code left unverified).
 */
export function stoppedAtLimit(ours: OurVerdict, options: CompareOptions = {}): string | undefined {
  if (options.readError) return LIMIT_READ_ERRORS.has(options.readError.code) ? options.readError.message : undefined;
  const slices = options.slices ?? [];
  if (ours === 'invalid') {
    const invalid = slices.filter((s) => s.verdict === 'invalid');
    let first: string | undefined;
    for (const s of invalid) {
      const limits = s.problems.filter(isLimitProblem);
      // resources-more-problems only counts problems not listed; the listed ones decide.
      const real = s.problems.some((p) => p.severity === 'error' && !isLimitProblem(p) && p.code !== 'resources-more-problems');
      if (limits.length === 0 || real) return undefined;
      first ??= limits[0]!.message;
    }
    return first;
  }
  for (const s of slices) {
    const limit = s.problems.find(isLimitProblem);
    if (limit) return limit.message;
  }
  return undefined;
}

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
  // A Security.framework backend is only ever built on macOS, whatever a caller says the platform is.
  if (platform !== 'darwin' && native.backend !== 'security-framework') return `Security.framework exists only on macOS (this is ${platform})`;
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
 * a Mac can decide those clauses), and neither does a missing verdict.
 *
 * "Not satisfied" is two different claims: the code is not valid (ours
 * `invalid`; Apple any failure but errSecCSReqFailed) or the code is valid
 * and a clause fails (ours `unsatisfied`; Apple errSecCSReqFailed). Where
 * csrl and Apple make different claims, that is a contradiction, unless ours
 * looked at less than Apple did (one architecture, no page or resource
 * hashes, stopped at a limit) or Apple judged the live process rather than
 * the file.
 */
export function compareVerdicts(ours: OurVerdict, apple: AppleSide, options: CompareOptions = {}): Comparison {
  const live = apple.kind === 'process' && !apple.staticResult;
  const which = live ? 'check of the process' : 'static check of the file';
  const status = apple.staticResult ?? apple.result;
  const appleStatus = statusText(status);
  if (apple.verdict === 'requirement-rejected') {
    return { outcome: 'disagree', sentence: `csrl accepted the requirement but Apple's compiler rejected it (${statusText(apple.requirementError)})` };
  }
  if (apple.verdict === 'not-checked') return { outcome: 'not-comparable', sentence: `Apple did not check: ${apple.error ?? 'unknown reason'}` };
  const appleSays = apple.verdict === 'satisfied';
  const appleWords = appleSays ? 'satisfied' : `not satisfied (${appleStatus})`;
  const notComparable = (why: string): Comparison => ({ outcome: 'not-comparable', sentence: `${why}; Apple's ${which} says ${appleWords}` });
  if (ours === 'undetermined') return notComparable('csrl cannot decide some clauses off the Mac (undetermined)');
  const limit = stoppedAtLimit(ours, options);
  if (ours === 'invalid' && limit) return notComparable(`csrl stopped at one of its limits (${limit}), so it has no verdict on the code's validity`);

  const agree = (): Comparison => ({ outcome: 'agree', sentence: `csrl and Apple agree: csrl says ${OURS[ours]}, Apple's ${which} says ${appleWords}` });
  const disagree = (sentence: string): Comparison => ({ outcome: 'disagree', sentence });
  if (appleSays) return ours === 'satisfied' ? agree() : disagree(`csrl says ${OURS[ours]}, Apple's ${which} says satisfied`);

  // Apple says not satisfied; is that "valid code, the requirement fails" or "not valid"?
  const appleFoundValid = status?.status === REQ_FAILED;
  const appleFoundInvalid = status !== undefined && !appleFoundValid;
  // What Apple found invalid may lie where ours did not look.
  const lookedLess = options.someArchitectures
    ? 'csrl checked only the chosen architecture'
    : options.pagesSkipped
      ? 'csrl did not hash the code pages or sealed resources'
      : limit
        ? `csrl stopped at one of its limits (${limit})`
        : live
          ? 'Apple checked the live process, not the file csrl checked'
          : undefined;
  const notCompared = (why: string): Comparison => ({ outcome: 'not-comparable', sentence: `${why}: csrl says ${OURS[ours]}, Apple's ${which} says ${appleWords}` });

  if (ours === 'satisfied') {
    // Apple checks every slice; ours may have looked at one.
    if (options.someArchitectures) {
      return { outcome: 'not-comparable', sentence: `csrl checked only the chosen architecture and says satisfied; Apple's ${which} covers every architecture and says not satisfied (${appleStatus})` };
    }
    if (appleFoundInvalid && lookedLess) return notCompared(lookedLess);
    return disagree(`csrl says satisfied, Apple's ${which} says not satisfied (${appleStatus})`);
  }
  if (!status) return notComparable(`csrl says ${OURS[ours]}; Apple gave no status, so whether it found the code valid is unknown`);

  if (ours === 'invalid') {
    if (appleFoundInvalid) return agree();
    // Ours found the file's signature bad; the live process can be valid code from before the file changed.
    if (live) return notComparable('csrl says the file cannot be checked (invalid signature or not code); Apple checked the live process, not the file');
    return disagree(`csrl says the code cannot be checked (it is not validly signed), Apple's ${which} found it validly signed and says only that the requirement is not satisfied (${appleStatus})`);
  }
  // ours unsatisfied: valid code, a clause fails.
  if (appleFoundValid) return agree();
  if (lookedLess) return notCompared(lookedLess);
  return disagree(`csrl says not satisfied because a clause fails on validly signed code, Apple's ${which} says the code is not valid (${appleStatus})`);
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
