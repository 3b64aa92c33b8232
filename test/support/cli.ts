import { main } from '../../cli/main.js';
import type { CommandIO } from '../../cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
}

/** Runs the CLI in-process with captured streams, as a script would see it. */
export async function runCli(args: string[], options: { stdin?: string | Uint8Array; tty?: boolean; cwd?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const chunks: Uint8Array[] = [];
  const io: CommandIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdoutBytes: (b) => {
      chunks.push(b);
    },
    readStdin: async () => (typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : (options.stdin ?? new Uint8Array())),
    stdoutIsTTY: options.tty ?? false,
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(args, io);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const stdoutBytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    stdoutBytes.set(c, at);
    at += c.length;
  }
  return { code, stdout, stderr, stdoutBytes };
}
