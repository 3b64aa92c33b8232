import type { Problem } from '../problems.js';
import { CSMAGIC_EMBEDDED_SIGNATURE, hex32, slotName } from './blobs.js';

/** One entry of the superblob index. `offset` is relative to the superblob start. */
export interface BlobEntry {
  slot: number;
  magic: number;
  offset: number;
  length: number;
}

export interface ParsedBlob extends BlobEntry {
  /** The whole blob including its 8-byte header. */
  bytes: Buffer;
}

export interface SuperBlob {
  length: number;
  blobs: ParsedBlob[];
  problems: Problem[];
}

/**
 * Parses an embedded-signature superblob. `data` is the LC_CODE_SIGNATURE
 * range; `fileOffset` is where it starts in the file, so that every message
 * can point at absolute offsets. Entries that do not fit are reported and
 * dropped; nothing here trusts a length before comparing it with `data`.
 */
export function parseSuperBlob(data: Buffer, fileOffset: number): SuperBlob {
  const problems: Problem[] = [];
  const fail = (code: string, message: string): SuperBlob => {
    problems.push({ code, severity: 'error', message });
    return { length: 0, blobs: [], problems };
  };
  if (data.length < 12) return fail('signature-truncated', `code signature at file offset ${fileOffset} is ${data.length} bytes, too short for a superblob header (12)`);
  const magic = data.readUInt32BE(0);
  if (magic !== CSMAGIC_EMBEDDED_SIGNATURE) {
    return fail('signature-bad-magic', `code signature at file offset ${fileOffset} has magic ${hex32(magic)}, expected ${hex32(CSMAGIC_EMBEDDED_SIGNATURE)}`);
  }
  const length = data.readUInt32BE(4);
  const count = data.readUInt32BE(8);
  if (length < 12 || length > data.length) {
    return fail('signature-truncated', `superblob at file offset ${fileOffset} claims ${length} bytes but LC_CODE_SIGNATURE provides ${data.length}`);
  }
  const indexEnd = 12 + count * 8;
  if (indexEnd > length) {
    return fail('signature-truncated', `superblob at file offset ${fileOffset} claims ${count} entries (${indexEnd} bytes of index) but is ${length} bytes long`);
  }
  const blobs: ParsedBlob[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const slot = data.readUInt32BE(12 + i * 8);
    const offset = data.readUInt32BE(16 + i * 8);
    const name = `${slotName(slot)} (slot 0x${slot.toString(16)}, index entry ${i})`;
    if (seen.has(slot)) {
      problems.push({ code: 'blob-duplicate-slot', severity: 'error', message: `superblob index entry ${i} repeats slot 0x${slot.toString(16)}` });
      continue;
    }
    seen.add(slot);
    if (offset < indexEnd || offset + 8 > length) {
      problems.push({
        code: 'blob-out-of-bounds',
        severity: 'error',
        message: `${name}: offset ${offset} is outside the superblob's data area [${indexEnd}, ${length}) (file offset ${fileOffset + offset})`,
      });
      continue;
    }
    const blobMagic = data.readUInt32BE(offset);
    const blobLength = data.readUInt32BE(offset + 4);
    if (blobLength < 8 || blobLength > length - offset) {
      problems.push({
        code: 'blob-out-of-bounds',
        severity: 'error',
        message: `${name}: blob at superblob offset ${offset} (file offset ${fileOffset + offset}) claims ${blobLength} bytes, but only ${length - offset} remain in the superblob`,
      });
      continue;
    }
    blobs.push({ slot, magic: blobMagic, offset, length: blobLength, bytes: data.subarray(offset, offset + blobLength) });
  }
  const byOffset = [...blobs].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    const cur = byOffset[i]!;
    if (cur.offset < prev.offset + prev.length) {
      problems.push({
        code: 'blob-overlap',
        severity: 'error',
        message: `${slotName(cur.slot)} (superblob offset ${cur.offset}) overlaps ${slotName(prev.slot)} (superblob offset ${prev.offset}, ${prev.length} bytes) at file offset ${fileOffset + cur.offset}`,
      });
    }
  }
  return { length, blobs, problems };
}
