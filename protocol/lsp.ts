/**
 * The contract between the language server and its clients (the VS Code
 * extension, and any editor that drives `csrl lsp --stdio`): command ids,
 * custom request and notification names, their argument and result types,
 * and the settings with their defaults. Both sides import these; neither
 * spells a method name or casts a result of its own.
 */
import type { LwcrCheckResult } from '../engine/lwcr.js';
import type { CheckResult } from '../engine/result.js';

/** Commands the server executes (workspace/executeCommand) and offers in code lenses. */
export const SERVER_COMMANDS = {
  testAgainstPath: 'csrl.testAgainstPath',
  testAgainstPid: 'csrl.testAgainstPid',
  testLwcrAgainstPath: 'csrl.testLwcrAgainstPath',
  testLwcrAgainstPid: 'csrl.testLwcrAgainstPid',
  showCompiled: 'csrl.showCompiled',
  compareWithDesignated: 'csrl.compareWithDesignated',
} as const;

export type ServerCommand = (typeof SERVER_COMMANDS)[keyof typeof SERVER_COMMANDS];

/** Custom requests (client → server). */
export const REQUESTS = {
  decompile: 'csrl/decompile',
} as const;

/** Custom notifications (client → server). */
export const NOTIFICATIONS = {
  setTrust: 'csrl/setTrust',
} as const;

/** Which requirement of an open document a command is about. */
export interface RequirementArg {
  uri: string;
  /** Which requirement of the document (0 for .csreq files; the n-th embedded literal in host files). */
  requirement?: number;
  /** Which set entry; absent → the whole document (for a check: the set's designated requirement). */
  entry?: number;
}

/** How a check is made; the same options as `csrl check`. */
export interface CheckArgs {
  /** `signing-time` (default), `now` or an ISO-8601 date; a time without a zone is UTC. */
  at?: string;
  /** Hash every code page and sealed resource (default true), as `csrl check` without --no-verify-pages. */
  verifyPages?: boolean;
}

export interface TestAgainstPathArgs extends RequirementArg, CheckArgs {
  /** A Mach-O file or a bundle. */
  path: string;
}

export interface TestAgainstPidArgs extends RequirementArg, CheckArgs {
  pid: number;
}

/**
 * Which lightweight code requirement of an open host document (a launchd
 * plist, an LWCR JSON file, C/Swift XPC code): the one around `position`, or
 * the only one when `position` is absent.
 */
export interface LwcrArg {
  uri: string;
  position?: { line: number; character: number };
}

export interface TestLwcrAgainstPathArgs extends LwcrArg, CheckArgs {
  path: string;
}

export interface TestLwcrAgainstPidArgs extends LwcrArg, CheckArgs {
  pid: number;
}

/** What csrl.testLwcrAgainstPath and csrl.testLwcrAgainstPid return: exactly what `csrl check --json --lwcr …` prints. */
export type TestLwcrResult = LwcrCheckResult;

/** What csrl.testAgainstPath and csrl.testAgainstPid return: exactly what `csrl check --json` prints (docs/check-json.md). */
export type TestResult = CheckResult;

export interface CompiledResult {
  label: string;
  size: number;
  hex: string;
  /** Hex in 4-byte words, 8 words per line, as `csreq -b` dumps are usually shown. */
  dump: string;
  magic: string;
  diagnostics: string[];
}

export interface CompareWithDesignatedArgs extends RequirementArg {
  path: string;
}

export interface CompareWithDesignatedResult {
  path: string;
  ours: string;
  slices: { arch: string; designated?: string | undefined; sameText?: boolean; sameBytes?: boolean; note?: string }[];
}

/** csrl/decompile: a blob given inline (base64), or a file the client has open or inside the workspace. */
export interface DecompileParams {
  uri?: string;
  base64?: string;
}

export interface DecompileResult {
  text: string;
  kind: 'requirement' | 'set';
  size: number;
}

/** What each server command returns. */
export interface ServerCommandResults {
  'csrl.testAgainstPath': TestResult;
  'csrl.testAgainstPid': TestResult;
  'csrl.testLwcrAgainstPath': TestLwcrResult;
  'csrl.testLwcrAgainstPid': TestLwcrResult;
  'csrl.showCompiled': CompiledResult;
  'csrl.compareWithDesignated': CompareWithDesignatedResult;
}

/**
 * Executes a server command through `execute` (the language client's
 * executeCommand, or its middleware's `next`) and types its result by the
 * command: the one place where the protocol's untyped answer meets its type.
 */
export async function executeServerCommand<C extends ServerCommand>(execute: (command: string, args: unknown[]) => Promise<unknown>, command: C, args: unknown[]): Promise<ServerCommandResults[C]> {
  return (await execute(command, args)) as ServerCommandResults[C];
}

export interface SetTrustParams {
  trusted: boolean;
}

/** The extension's settings that change a check, with their defaults (package.json declares the same). */
export const CHECK_SETTINGS = {
  validator: 'auto' as 'auto' | 'portable' | 'security-framework',
  verificationTime: 'signing-time',
  verifyPages: true,
  defaultTargets: [] as string[],
};
