import { terminalSafe } from '../validator/printable.js';

/** The process boundary of a command, so commands can be run in-process by tests. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Writes raw bytes to standard output. */
  stdoutBytes: (bytes: Uint8Array) => void;
  /**
   * Standard input: a stream of chunks (the process's stdin), or all of it at
   * once when it is already in memory (tests, the extension). Commands read it
   * only through cli/input.ts, which stops at the input limit.
   */
  readStdin: () => AsyncIterable<Uint8Array> | Promise<Uint8Array>;
  /** Whether standard output is a terminal (binary output is refused there). */
  stdoutIsTTY: boolean;
  cwd: string;
}

export type CommandRun = (args: string[], io: CommandIO) => Promise<number>;

/** Exit codes shared by all commands. */
export const EXIT = {
  ok: 0,
  failure: 1,
  undetermined: 2,
  cannotCheck: 3,
  usage: 64,
  internal: 70,
} as const;

/** A usage error: printed with a hint to --help, exit 64. */
export class UsageError extends Error {}

export function processIO(): CommandIO {
  return {
    // Only a terminal acts on controls; pipes and files get the text exactly.
    stdout: (t) => process.stdout.write(process.stdout.isTTY ? terminalSafe(t) : t),
    stderr: (t) => process.stderr.write(process.stderr.isTTY ? terminalSafe(t) : t),
    stdoutBytes: (b) => process.stdout.write(b),
    // The stream itself, never buffered here: cli/input.ts counts it and stops at the limit.
    readStdin: () => process.stdin,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
  };
}

/** A CommandIO that keeps text output in memory: for running a command in process (the extension, tests). */
export function memoryIO(cwd: string = process.cwd()): { io: CommandIO; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
      stdoutBytes: () => undefined,
      readStdin: async () => new Uint8Array(),
      stdoutIsTTY: false,
      cwd,
    },
    stdout: () => out,
    stderr: () => err,
  };
}
