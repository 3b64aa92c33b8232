import type { FileHandle } from 'node:fs/promises';
import { FileRefused, identityOf, openInside, openRegular, type FileIdentity, type OpenedFile } from '../bundle-files.js';
import { CodeReadError, type CodeReadErrorCode } from './errors.js';

/**
 * Random access to bytes whose claims we do not trust: every read is checked
 * against the real size first, so a length field saying "4 GB" can never make
 * us allocate more than the file holds.
 */
export abstract class ByteSource {
  /** For messages; a file path, or a name given to in-memory bytes. */
  abstract readonly path: string;
  abstract readonly size: number;
  /** The whole content when it is already in memory (then no file is opened for page hashing). */
  abstract readonly bytes: Uint8Array | undefined;
  /** The file that was opened (undefined in memory): page-hash workers must find this very file at `path`. */
  abstract readonly identity: FileIdentity | undefined;

  /**
   * Opens a regular file without blocking (a FIFO or device is refused, not
   * waited on). With `within` (a bundle's real path) the file must resolve
   * inside it.
   */
  static async open(path: string, within?: string): Promise<ByteSource> {
    return FileSource.open(path, within);
  }

  static fromBytes(bytes: Uint8Array, name: string): ByteSource {
    return new MemorySource(bytes, name);
  }

  protected check(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new CodeReadError('truncated', `${what} at offset ${offset}, ${length} bytes, extends past the end of the file (${this.size} bytes)`);
    }
  }

  /** Exactly `length` bytes at `offset`; `what` names the structure for the error message. */
  abstract read(offset: number, length: number, what: string): Promise<Buffer>;
  /** Up to `length` bytes at `position` into `buf` (0 at the end), from the file that was opened; for page hashing. */
  abstract readInto(buf: Buffer, length: number, position: number): Promise<number>;
  abstract close(): Promise<void>;
}

const REFUSAL_CODES: Record<FileRefused['reason'], CodeReadErrorCode> = {
  missing: 'not-found',
  outside: 'bad-bundle',
  'not-regular': 'not-macho',
  'too-large': 'too-large',
  io: 'io',
};

class FileSource extends ByteSource {
  readonly bytes = undefined;
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
    readonly identity: FileIdentity,
  ) {
    super();
  }

  static override async open(path: string, within?: string): Promise<ByteSource> {
    let opened: OpenedFile;
    try {
      opened = within === undefined ? await openRegular(path) : await openInside(within, path, path);
    } catch (err) {
      if (err instanceof FileRefused) throw new CodeReadError(REFUSAL_CODES[err.reason], err.message, { cause: err });
      throw err;
    }
    const { handle, stat } = opened;
    if (stat.size > BigInt(Number.MAX_SAFE_INTEGER)) {
      await handle.close();
      throw new CodeReadError('too-large', `${path}: file too large`);
    }
    return new FileSource(path, handle, Number(stat.size), identityOf(stat));
  }

  async read(offset: number, length: number, what: string): Promise<Buffer> {
    this.check(offset, length, what);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const { bytesRead } = await this.handle.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) throw new CodeReadError('truncated', `${what}: file shrank while reading at offset ${offset + done}`);
        done += bytesRead;
      }
    } catch (err) {
      if (err instanceof CodeReadError) throw err;
      throw new CodeReadError('io', `${this.path}: read error at offset ${offset + done} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
    return buf;
  }

  async readInto(buf: Buffer, length: number, position: number): Promise<number> {
    return (await this.handle.read(buf, 0, length, position)).bytesRead;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

class MemorySource extends ByteSource {
  readonly size: number;
  readonly identity = undefined;
  constructor(
    readonly bytes: Uint8Array,
    readonly path: string,
  ) {
    super();
    this.size = bytes.byteLength;
  }

  async read(offset: number, length: number, what: string): Promise<Buffer> {
    this.check(offset, length, what);
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + offset, length);
  }

  async readInto(buf: Buffer, length: number, position: number): Promise<number> {
    const n = Math.max(0, Math.min(length, this.size - position));
    buf.set(this.bytes.subarray(position, position + n));
    return n;
  }

  async close(): Promise<void> {}
}
