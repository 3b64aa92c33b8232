import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UsageError, type CommandIO } from './io.js';

/** Far above anything real (Apple reads 10,239 bytes of a requirement file); keeps a mistaken argument from eating memory. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface Input {
  /** Name used in messages: the file path, `<stdin>` or `<text>`. */
  name: string;
  bytes: Uint8Array;
  /** Folder against which relative certificate-file paths in the text are resolved. */
  baseDir: string;
  /** True when given with -e (already text, not a file's bytes). */
  inline: boolean;
}

/** Reads the single input of a command: `-e TEXT`, a FILE, or `-`/nothing for standard input. */
export async function readInput(expr: string | undefined, positionals: string[], io: CommandIO): Promise<Input> {
  if (expr !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either -e TEXT or a FILE, not both');
    return { name: '<text>', bytes: new TextEncoder().encode(expr), baseDir: io.cwd, inline: true };
  }
  if (positionals.length > 1) throw new UsageError(`one input at a time (got ${positionals.length}); use --each-line for many items`);
  const file = positionals[0];
  if (file === undefined || file === '-') {
    const bytes = await io.readStdin();
    if (bytes.length > MAX_INPUT_BYTES) throw new UsageError(`standard input is larger than ${MAX_INPUT_BYTES} bytes`);
    return { name: '<stdin>', bytes, baseDir: io.cwd, inline: false };
  }
  const full = path.resolve(io.cwd, file);
  let size: number;
  try {
    const s = await stat(full);
    if (!s.isFile()) throw new UsageError(`${file}: not a regular file`);
    size = s.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (size > MAX_INPUT_BYTES) throw new UsageError(`${file}: larger than ${MAX_INPUT_BYTES} bytes`);
  return { name: file, bytes: await readFile(full), baseDir: path.dirname(full), inline: false };
}

/** Splits input into lines for --each-line (LF only, like the language; a final empty line is not an item). */
export function splitLines(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes);
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function modeFrom(flags: Record<string, boolean>): 'single' | 'set' | 'auto' {
  const chosen = (['single', 'set', 'auto'] as const).filter((m) => flags[m]);
  if (chosen.length > 1) throw new UsageError(`--${chosen.join(' and --')} exclude each other`);
  return chosen[0] ?? 'auto';
}
