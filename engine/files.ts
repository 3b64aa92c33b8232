/**
 * Reading a file named by untrusted input (a certificate path in requirement
 * text). `stat` sizes lie (/proc files report 0) and FIFOs or devices never
 * end, so the file is opened without blocking, must be a regular file once
 * open, and is read up to a byte limit counted as read.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export class FileReadError extends Error {
  override name = 'FileReadError';
  constructor(
    message: string,
    readonly code: 'not-found' | 'not-regular' | 'too-large' | 'unreadable',
  ) {
    super(message);
  }
}

/** The bytes of the regular file at `file`, at most `maxBytes` of them; else a FileReadError saying why. */
export function readRegularFile(file: string, maxBytes: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileReadError(code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? (err as Error).message})`, code === 'ENOENT' ? 'not-found' : 'unreadable');
  }
  try {
    if (!fstatSync(fd).isFile()) throw new FileReadError('not a regular file', 'not-regular');
    const buf = Buffer.alloc(Math.min(maxBytes + 1, 64 * 1024));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new FileReadError(`larger than ${maxBytes} bytes`, 'too-large');
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return new Uint8Array(Buffer.concat(chunks, total));
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(`cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'unreadable');
  } finally {
    closeSync(fd);
  }
}
