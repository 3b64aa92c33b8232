/**
 * The one way any door asks Apple (Security.framework through the native
 * addon, macOS only): a verdict on a requirement, or a reading of the
 * signing information, of a file or a process. It never throws for Apple's
 * failures (they become a side without an answer, saying why); inside a
 * process check the guard's own errors pass through, so the whole result is
 * discarded when the process changed.
 */
import { ProcessChangedError, ProcessNotFoundError, type NativeValidator } from '../../native/index.js';
import { appleReadingOf, appleReadingOfError, notRead, type AppleReading } from './signing.js';
import { appleSideOf, appleSideOfError, notChecked, whyAppleUnavailable, type AppleSide } from './verdict.js';

/** What asking Apple needs of the addon; `platform` only sharpens the reason when it is unavailable. */
export type Asked = Pick<NativeValidator, 'available' | 'reason' | 'backend'> & { platform?: string };

export type AppleTarget = { path: string } | { pid: number };

interface Outcomes<T> {
  answer: () => Promise<T>;
  unavailable: (why: string) => T;
  failed: (err: unknown) => T;
}

async function ask<T>(native: Asked, target: AppleTarget, o: Outcomes<T>): Promise<T> {
  const why = whyAppleUnavailable(native);
  if (why) return o.unavailable(why);
  try {
    return await o.answer();
  } catch (err) {
    if ('pid' in target && (err instanceof ProcessChangedError || err instanceof ProcessNotFoundError)) throw err;
    return o.failed(err);
  }
}

function notAskedSide(why: string): AppleSide {
  return { ...notChecked(why), notAsked: true };
}

/** Apple's verdict on `requirement` (canonical text) for the file or bundle at `path`. */
export function askAppleVerdictOfPath(native: Asked & Pick<NativeValidator, 'checkPath'>, path: string, requirement: string): Promise<AppleSide> {
  return ask(native, { path }, { answer: async () => appleSideOf(await native.checkPath(path, requirement)), unavailable: notAskedSide, failed: appleSideOfError });
}

/** Apple's verdict on `requirement` for running process `pid` (inside the caller's PID-reuse guard). */
export function askAppleVerdictOfProcess(native: Asked & Pick<NativeValidator, 'checkProcess'>, pid: number, requirement: string): Promise<AppleSide> {
  return ask(native, { pid }, { answer: async () => appleSideOf(await native.checkProcess(pid, requirement)), unavailable: notAskedSide, failed: appleSideOfError });
}

/** Apple's reading of the signing information of the code at `target`. */
export function askAppleReading(native: Asked & Pick<NativeValidator, 'signingInformation'>, target: AppleTarget): Promise<AppleReading> {
  return ask(native, target, { answer: async () => appleReadingOf(await native.signingInformation(target)), unavailable: (why) => notRead(why), failed: appleReadingOfError });
}
