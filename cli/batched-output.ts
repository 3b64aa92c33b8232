import { tooLongLine, type Line } from './input.js';
import type { CommandIO } from './io.js';

/** Output gathered before one write: a write per line was a quarter of `--each-line`'s time. */
const BATCH_CHARS = 64 * 1024;

export interface BatchedOutput {
  /** Adds text to standard output. */
  write(text: string): void;
  /** Writes what is gathered (call in `finally`). */
  flush(): void;
}

/**
 * Standard output for `--each-line`: lines are gathered and written in
 * batches of about 64 KB, and whatever is gathered is written as soon as the
 * command waits for more input (a setImmediate runs once the input loop
 * yields), so output streamed from a slow producer still comes line by line.
 * A terminal gets every line at once.
 */
export function batchedOutput(io: CommandIO): BatchedOutput {
  let parts: string[] = [];
  let size = 0;
  let scheduled = false;
  const flush = (): void => {
    if (parts.length === 0) return;
    const text = parts.length === 1 ? parts[0]! : parts.join('');
    parts = [];
    size = 0;
    io.stdout(text);
  };
  return {
    write(text: string): void {
      if (io.stdoutIsTTY) {
        io.stdout(text);
        return;
      }
      parts.push(text);
      size += text.length;
      if (size >= BATCH_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flush();
        });
      }
    },
    flush,
  };
}

/** What one `--each-line` item prints (whole lines, each ending in LF), and whether it failed. */
export interface EachLineResult {
  text: string;
  ok: boolean;
}

/**
 * The `--each-line` loop of every command: each line goes to `item`, what it
 * prints is gathered by batchedOutput, a line over the length limit is
 * reported through `tooLong`; resolves to the number of failed items.
 */
export async function eachLine(
  lines: AsyncIterable<Line>,
  io: CommandIO,
  item: (text: string) => EachLineResult,
  tooLong: (message: string) => string = (message) => `error: ${message}\n`,
): Promise<number> {
  let failed = 0;
  const out = batchedOutput(io);
  try {
    for await (const line of lines) {
      if ('tooLong' in line) {
        failed++;
        out.write(tooLong(tooLongLine(line)));
        continue;
      }
      const r = item(line.text);
      if (!r.ok) failed++;
      out.write(r.text);
    }
  } finally {
    out.flush();
  }
  return failed;
}
