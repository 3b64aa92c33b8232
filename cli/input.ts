import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UsageError, type CommandIO } from './io.js';

/**
 * Largest single input: far above anything real (Apple reads 10,239 bytes of
 * a requirement file). Parsing one document holds up to ~250 bytes of memory
 * per input byte at its peak (measured on a large requirement set, issue 19
 * item 10), so 8 MiB keeps a mistaken argument to about 2 GB; it was 64 MiB
 * (~15 GB).
 */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/** With --each-line every line is parsed on its own, so the whole input may be larger. */
export const MAX_EACH_LINE_BYTES = 64 * 1024 * 1024;

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
export async function readInput(expr: string | undefined, positionals: string[], io: CommandIO, limit = MAX_INPUT_BYTES): Promise<Input> {
  if (expr !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either -e TEXT or a FILE, not both');
    return { name: '<text>', bytes: new TextEncoder().encode(expr), baseDir: io.cwd, inline: true };
  }
  if (positionals.length > 1) throw new UsageError(`one input at a time (got ${positionals.length}); use --each-line for many items`);
  const file = positionals[0];
  if (file === undefined || file === '-') {
    const bytes = await io.readStdin();
    if (bytes.length > limit) throw new UsageError(`standard input is larger than ${limit} bytes${limitNote(limit)}`);
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
  if (size > limit) throw new UsageError(`${file}: larger than ${limit} bytes${limitNote(limit)}`);
  return { name: file, bytes: await readFile(full), baseDir: path.dirname(full), inline: false };
}

function limitNote(limit: number): string {
  return limit === MAX_INPUT_BYTES ? ` (the limit for one document; --each-line reads up to ${MAX_EACH_LINE_BYTES})` : '';
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
