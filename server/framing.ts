/**
 * The byte level of the protocol, before anything reaches vscode-jsonrpc:
 * `Content-Length` framing with bounded headers and bodies, resynchronising
 * on the next header after malformed framing, and a linear pre-scan of each
 * body's JSON nesting (vscode-jsonrpc's handling of invalid messages recurses
 * over the message and overflows the stack on deep nesting).
 */

/** Longest header block (all header lines and the blank line); real clients send under 100 bytes. */
export const MAX_HEADER_BYTES = 8 * 1024;
/** Largest message body. Documents over 4 MB are not analysed anyway; a 64 MB didOpen is still read. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Deepest JSON nesting of a message; LSP messages nest under 20 levels. */
export const MAX_JSON_DEPTH = 256;
/** A body that stops arriving for this long while the bytes so far hold a new header is taken as cut short. */
export const STALLED_BODY_MS = 2000;

export type Frame = { kind: 'body'; body: Buffer } | { kind: 'error'; message: string };

const HEADER_START = /content-length[ \t]*:/i;
/** Bytes kept while skipping: enough for a `Content-Length:` split across two reads. */
const KEEP_WHILE_SKIPPING = 32;

/**
 * Splits a byte stream into message bodies. Every malformed frame gives one
 * short `error` and the decoder skips to the next `Content-Length:` header
 * (resynchronises); memory stays bounded by MAX_HEADER_BYTES plus the body
 * being read, at most MAX_BODY_BYTES.
 */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);
  /** Body being read: declared length and the chunks so far. */
  private body: { length: number; chunks: Buffer[]; have: number } | undefined;
  /** Bytes of a rejected body still to drop (its length is known). */
  private discard = 0;
  /** Looking for the next header after malformed framing; counts what was dropped. */
  private skipping: { dropped: number } | undefined;

  /** Bytes held for an incomplete body (for the stall check). */
  get pendingBody(): { have: number; length: number } | undefined {
    return this.body ? { have: this.body.have, length: this.body.length } : undefined;
  }

  push(data: Buffer): Frame[] {
    const out: Frame[] = [];
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    for (;;) {
      if (this.discard > 0) {
        const n = Math.min(this.discard, this.buf.length);
        this.discard -= n;
        this.buf = this.buf.subarray(n);
        if (this.discard > 0) return out;
        continue;
      }
      if (this.body) {
        const b = this.body;
        const n = Math.min(b.length - b.have, this.buf.length);
        if (n > 0) {
          b.chunks.push(this.buf.subarray(0, n));
          b.have += n;
          this.buf = this.buf.subarray(n);
        }
        if (b.have < b.length) {
          // Copy out of the (possibly large) read buffer so it can be freed.
          if (b.chunks.length > 64) b.chunks = [Buffer.concat(b.chunks)];
          return out;
        }
        this.body = undefined;
        out.push({ kind: 'body', body: b.chunks.length === 1 ? b.chunks[0]! : Buffer.concat(b.chunks, b.length) });
        continue;
      }
      if (this.skipping) {
        const text = this.buf.toString('latin1');
        const m = HEADER_START.exec(text);
        if (!m) {
          const keep = Math.min(this.buf.length, KEEP_WHILE_SKIPPING);
          this.skipping.dropped += this.buf.length - keep;
          this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
          return out;
        }
        this.skipping.dropped += m.index;
        if (this.skipping.dropped > 0) out.push({ kind: 'error', message: `skipped ${this.skipping.dropped} bytes to the next Content-Length header` });
        this.skipping = undefined;
        this.buf = this.buf.subarray(m.index);
        continue;
      }
      if (this.buf.length === 0) return out;
      const frame = this.header(out);
      if (frame === 'wait') return out;
    }
  }

  /** The next message after a body that stalled: when the bytes so far hold a header, they were a body cut short. */
  resyncStalled(): Frame[] {
    const b = this.body;
    if (!b) return [];
    const partial = Buffer.concat([...b.chunks, this.buf]);
    const m = HEADER_START.exec(partial.toString('latin1'));
    if (!m) return [];
    this.body = undefined;
    this.buf = Buffer.from(partial.subarray(m.index));
    const out: Frame[] = [{ kind: 'error', message: `a message declared ${b.length} bytes but a new header came after ${m.index}: dropped it` }];
    out.push(...this.push(Buffer.alloc(0)));
    return out;
  }

  private startSkipping(message: string, from: number, out: Frame[]): void {
    out.push({ kind: 'error', message });
    this.buf = this.buf.subarray(from);
    this.skipping = { dropped: from };
    // The header that failed is not found again: skip past its own name.
    const m = HEADER_START.exec(this.buf.subarray(0, 64).toString('latin1'));
    if (m && m.index === 0) {
      this.buf = this.buf.subarray(m[0].length);
      this.skipping.dropped += m[0].length;
    }
  }

  private header(out: Frame[]): 'wait' | 'next' {
    const window = this.buf.subarray(0, MAX_HEADER_BYTES + 4).toString('latin1');
    const crlf = window.indexOf('\r\n\r\n');
    const lf = window.indexOf('\n\n');
    if (lf >= 0 && (crlf < 0 || lf < crlf)) {
      this.startSkipping('malformed header: header lines must end with CRLF (\\r\\n)', 0, out);
      return 'next';
    }
    if (crlf < 0) {
      if (this.buf.length > MAX_HEADER_BYTES) {
        this.startSkipping(`malformed header: no end of header within ${MAX_HEADER_BYTES} bytes`, 0, out);
        return 'next';
      }
      return 'wait';
    }
    const end = crlf + 4;
    const lines = window.slice(0, crlf).split('\r\n');
    let length: number | undefined;
    let problem: string | undefined;
    let charset: string | undefined;
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0 || !/^[A-Za-z0-9-]+$/.test(line.slice(0, colon).trim())) {
        problem = `malformed header line ${JSON.stringify(line.slice(0, 40))}`;
        break;
      }
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^[0-9]{1,12}$/.test(value)) {
          problem = `Content-Length must be a decimal number of bytes, got ${JSON.stringify(value.slice(0, 40))}`;
          break;
        }
        if (length !== undefined && length !== Number(value)) {
          problem = 'two different Content-Length headers';
          break;
        }
        length = Number(value);
      } else if (name === 'content-type') {
        const m = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(value);
        if (m) charset = m[1]!.toLowerCase();
      }
    }
    if (!problem && length === undefined) problem = 'header without Content-Length';
    if (problem) {
      // From the start: a header that lost its blank line may hold the next message's header.
      this.startSkipping(`malformed header: ${problem}`, 0, out);
      return 'next';
    }
    if (length! > MAX_BODY_BYTES) {
      // The body may never come; whatever comes is scanned for the next header without being kept.
      this.startSkipping(`message of ${length} bytes refused: larger than the ${MAX_BODY_BYTES / 1048576} MB limit`, 0, out);
      return 'next';
    }
    this.buf = this.buf.subarray(end);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      out.push({ kind: 'error', message: `message in charset ${JSON.stringify(charset.slice(0, 20))} refused: only utf-8 is supported` });
      this.discard = length!;
      return 'next';
    }
    this.body = { length: length!, chunks: [], have: 0 };
    return 'next';
  }
}

export interface JsonScan {
  /** Deepest nesting of arrays and objects. */
  depth: number;
  /** The top-level `id` when it is a number or a string (to answer a refused request). */
  id?: number | string;
}

/**
 * Nesting depth of a JSON text and its top-level `id`, in one linear pass
 * without recursion (strings are skipped, escapes honoured). Not a
 * validator: JSON.parse follows for texts that are not too deep.
 */
export function scanJson(b: Uint8Array): JsonScan {
  let depth = 0;
  let max = 0;
  let lastString: [number, number] | undefined;
  let inIdValue = false;
  let id: number | string | undefined;
  const n = b.length;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22) {
      const start = i;
      for (i++; i < n; i++) {
        const d = b[i]!;
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      if (depth === 1) {
        if (inIdValue && id === undefined) {
          try {
            id = JSON.parse(Buffer.from(b.subarray(start, i + 1)).toString('utf8')) as string;
          } catch {
            // Not a valid string: no id.
          }
          inIdValue = false;
        } else {
          lastString = [start, i + 1];
        }
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
      inIdValue = false;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (depth === 1) {
      if (c === 0x3a) {
        inIdValue = !!lastString && lastString[1] - lastString[0] === 4 && b[lastString[0] + 1] === 0x69 && b[lastString[0] + 2] === 0x64;
      } else if (c === 0x2c) {
        inIdValue = false;
        lastString = undefined;
      } else if (inIdValue && id === undefined && (c === 0x2d || (c >= 0x30 && c <= 0x39))) {
        let j = i;
        while (j < n && /[-+.eE0-9]/.test(String.fromCharCode(b[j]!))) j++;
        const v = Number(Buffer.from(b.subarray(i, j)).toString('latin1'));
        if (Number.isFinite(v)) id = v;
        inIdValue = false;
        i = j - 1;
      }
    }
  }
  return { depth: max, ...(id !== undefined ? { id } : {}) };
}
