/**
 * Which validator answers, for the extension's status bar. The extension
 * bundles it apart (dist/native.cjs, a few KB, through client/native-entry.ts)
 * so showing the status loads only the native addon, not the validator.
 */
import { loadNative } from '../native/index.js';

export interface ValidatorStatus {
  name: 'Security.framework' | 'portable checker';
  why: string;
  processes: boolean;
  processReason?: string;
}

/** Which validator answers, and why: Apple's on macOS with the addon, ours everywhere else. */
export function validatorStatus(preference: 'auto' | 'portable' | 'security-framework'): ValidatorStatus {
  const native = loadNative();
  const processes = native.available && native.processBackend !== 'none';
  const processReason = native.available ? (processes ? undefined : `the native addon has no process backend on ${process.platform}`) : native.reason;
  if (preference === 'portable') return { name: 'portable checker', why: 'chosen in settings (csrl.validator)', processes, ...(processReason ? { processReason } : {}) };
  if (native.available && native.backend === 'security-framework') {
    return { name: 'Security.framework', why: `native addon loaded from ${native.loadedFrom}`, processes, ...(processReason ? { processReason } : {}) };
  }
  const why = native.available
    ? `Security.framework exists only on macOS (this is ${process.platform}); the native addon lists processes only`
    : `native addon not loaded: ${native.reason}`;
  return { name: 'portable checker', why: preference === 'security-framework' ? `Security.framework requested but unavailable: ${why}` : why, processes, ...(processReason ? { processReason } : {}) };
}

