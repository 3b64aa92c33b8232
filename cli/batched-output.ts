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
