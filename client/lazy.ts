/**
 * Loads dist/check.cjs (client/check-entry.ts) on first use. It holds the
 * validator and its ASN.1 stack, which activation must not pay for.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

export type CheckModule = typeof import('./check-entry.js');

let cached: CheckModule | undefined;
let root: string | undefined;

export function setExtensionRoot(extensionPath: string): void {
  root = extensionPath;
}

export function checkModule(): CheckModule {
  if (cached) return cached;
  if (!root) throw new Error('csrl: extension root not set');
  const load = createRequire(path.join(root, 'package.json'));
  cached = load('./dist/check.cjs') as CheckModule;
  return cached;
}

export type NativeModule = typeof import('./native-entry.js');
let nativeCached: NativeModule | undefined;

export function nativeModule(): NativeModule {
  if (nativeCached) return nativeCached;
  if (!root) throw new Error('csrl: extension root not set');
  nativeCached = createRequire(path.join(root, 'package.json'))('./dist/native.cjs') as NativeModule;
  return nativeCached;
}
