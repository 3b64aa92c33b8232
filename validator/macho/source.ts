import { open, type FileHandle } from 'node:fs/promises';
import { CodeReadError } from './errors.js';

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

  static async open(path: string): Promise<ByteSource> {
    return FileSource.open(path);
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
  abstract close(): Promise<void>;
}

class FileSource extends ByteSource {
  readonly bytes = undefined;
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {
    super();
  }

  static override async open(path: string): Promise<ByteSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new CodeReadError('not-found', `${path}: no such file`, { cause: err });
      throw new CodeReadError('io', `${path}: cannot open (${code ?? String(err)})`, { cause: err });
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new CodeReadError('not-macho', `${path}: not a regular file`);
      if (st.size > Number.MAX_SAFE_INTEGER) throw new CodeReadError('too-large', `${path}: file too large`);
      return new FileSource(path, handle, st.size);
    } catch (err) {
      await handle.close();
      throw err;
    }
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

  async close(): Promise<void> {
    await this.handle.close();
  }
}

class MemorySource extends ByteSource {
  readonly size: number;
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

  async close(): Promise<void> {}
}
