import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { FileReadError, readRegularFile } from '../engine/files.js';
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

/**
 * With --each-line one line is one document, so it has the one-document
 * limit; a longer line is not kept (only counted until its line feed) and
 * gets an error of its own, so memory stays bounded by one line whatever
 * is piped in.
 */
export const MAX_LINE_BYTES = MAX_INPUT_BYTES;

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
    const bytes = await readStdinBounded(io, limit, limitNote(limit));
    return { name: '<stdin>', bytes, baseDir: io.cwd, inline: false };
  }
  const full = path.resolve(io.cwd, file);
  let bytes: Uint8Array;
  try {
    // Counted as read: /proc files report size 0, and a FIFO or device would never end.
    bytes = readRegularFile(full, limit);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    throw new UsageError(`${file}: ${err.code === 'not-found' ? 'no such file' : err.code === 'too-large' ? `larger than ${limit} bytes${limitNote(limit)}` : err.message}`);
  }
  return { name: file, bytes, baseDir: path.dirname(full), inline: false };
}

function limitNote(limit: number): string {
  return limit === MAX_INPUT_BYTES ? ` (the limit for one document; --each-line reads up to ${MAX_EACH_LINE_BYTES})` : '';
}

type Source = AsyncIterable<Uint8Array> | Promise<Uint8Array>;

async function* chunksOf(source: Source): AsyncGenerator<Uint8Array> {
  const s = await source;
  if (s instanceof Uint8Array) {
    yield s;
    return;
  }
  for await (const chunk of s) yield chunk;
}

/**
 * All of standard input, read as a stream and counted as read: once more than
 * `limit` bytes have arrived it stops reading (the stream is closed) with a
 * usage error, so `csrl parse - < /dev/zero` ends at once instead of growing.
 */
export async function readStdinBounded(io: CommandIO, limit = MAX_INPUT_BYTES, note = ''): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunksOf(io.readStdin())) {
    total += chunk.length;
    if (total > limit) throw new UsageError(`standard input is larger than ${limit} bytes${note}; stopped reading there`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** One item of --each-line: its text, or (when longer than MAX_LINE_BYTES) only its length, the text not kept. */
export type Line = { text: string; number: number } | { tooLong: number; number: number };

export interface LineInput {
  name: string;
  baseDir: string;
  lines: AsyncIterable<Line>;
}

/** The message for a line over the limit, as every --each-line command prints it. */
export function tooLongLine(line: { tooLong: number; number: number }): string {
  return `line ${line.number} is ${line.tooLong} bytes, more than ${MAX_LINE_BYTES} (the limit for one line); not read`;
}

/**
 * The input of --each-line (`-e TEXT`, a FILE or standard input) as a stream
 * of lines: LF only, like the language; a final empty line is not an item.
 * At most MAX_EACH_LINE_BYTES in all (counted as read, reading stops with a
 * usage error past it) and MAX_LINE_BYTES kept per line.
 */
export async function readLines(expr: string | undefined, positionals: string[], io: CommandIO): Promise<LineInput> {
  if (expr !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either -e TEXT or a FILE, not both');
    return { name: '<text>', baseDir: io.cwd, lines: linesOf(Promise.resolve(new TextEncoder().encode(expr)), '<text>') };
  }
  if (positionals.length > 1) throw new UsageError(`one input at a time (got ${positionals.length}); use --each-line for many items`);
  const file = positionals[0];
  if (file === undefined || file === '-') return { name: '<stdin>', baseDir: io.cwd, lines: linesOf(io.readStdin(), 'standard input') };
  const full = path.resolve(io.cwd, file);
  await checkedSize(file, full, MAX_EACH_LINE_BYTES);
  return { name: file, baseDir: path.dirname(full), lines: linesOf(createReadStream(full), file) };
}

async function* linesOf(source: Source, label: string): AsyncGenerator<Line> {
  let parts: Uint8Array[] = [];
  let lineBytes = 0;
  let total = 0;
  let number = 1;
  // Only the first line may start with a byte-order mark that is not text, as when the input was decoded whole.
  const firstLine = new TextDecoder('utf-8');
  const laterLines = new TextDecoder('utf-8', { ignoreBOM: true });
  const text = (): string => (number > 1 ? laterLines : firstLine).decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  for await (const chunk of chunksOf(source)) {
    total += chunk.length;
    if (total > MAX_EACH_LINE_BYTES) {
      const current = lineBytes > MAX_LINE_BYTES ? `, line ${number} alone more than ${MAX_LINE_BYTES}` : '';
      throw new UsageError(`${label}: more than ${MAX_EACH_LINE_BYTES} bytes in all (the limit for --each-line${current}); stopped reading there`);
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl);
      if (lineBytes + piece.length <= MAX_LINE_BYTES) parts.push(piece);
      else parts = []; // too long: from here on only counted
      lineBytes += piece.length;
      if (nl === -1) break;
      yield lineBytes > MAX_LINE_BYTES ? { tooLong: lineBytes, number } : { text: text(), number };
      parts = [];
      lineBytes = 0;
      number++;
      start = nl + 1;
    }
  }
  if (lineBytes > 0) yield lineBytes > MAX_LINE_BYTES ? { tooLong: lineBytes, number } : { text: text(), number };
}

async function checkedSize(file: string, full: string, limit: number): Promise<number> {
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
  return size;
}

export function modeFrom(flags: Record<string, boolean>): 'single' | 'set' | 'auto' {
  const chosen = (['single', 'set', 'auto'] as const).filter((m) => flags[m]);
  if (chosen.length > 1) throw new UsageError(`--${chosen.join(' and --')} exclude each other`);
  return chosen[0] ?? 'auto';
}
