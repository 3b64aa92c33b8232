/**
 * A sanity check of a native module file before it is handed to dlopen.
 *
 * dlopen maps the segments an ELF or Mach-O header describes; if the file is
 * shorter than that (an interrupted copy or download), touching the missing
 * pages kills the process with SIGBUS instead of returning an error. Checking
 * that every described file range lies inside the file turns that crash into
 * an ordinary "broken binary" result. This is about our own addon only; csrl
 * never loads inspected binaries.
 */
import { readFileSync, statSync } from 'node:fs';

const MAX_MODULE_BYTES = 512 * 1024 * 1024;

/** Returns undefined when the file looks complete, else the reason it is not. */
export function checkModuleFile(file: string): string | undefined {
  const size = statSync(file).size;
  if (size > MAX_MODULE_BYTES) return `file too large for a native module (${size} bytes)`;
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return checkElf(view);
  if (bytes.length >= 4) {
    const be = view.getUint32(0, false);
    if (be === 0xcafebabe || be === 0xcafebabf) return checkFat(view, be === 0xcafebabf);
    if (be === 0xfeedface || be === 0xfeedfacf || be === 0xcefaedfe || be === 0xcffaedfe) return checkMachO(view, 0, view.byteLength);
  }
  if (bytes.length >= 2 && bytes[0] === 0x4d && bytes[1] === 0x5a) return undefined; // PE: LoadLibrary fails cleanly on truncation
  return 'not a native module (not ELF, Mach-O or PE)';
}

function within(offset: number, length: number, size: number): boolean {
  return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= size;
}

function u64(view: DataView, at: number, le: boolean): number {
  return Number(view.getBigUint64(at, le));
}

function checkElf(view: DataView): string | undefined {
  const size = view.byteLength;
  if (size < 52) return 'truncated ELF header';
  const is64 = view.getUint8(4) === 2;
  const le = view.getUint8(5) === 1;
  if (is64 && size < 64) return 'truncated ELF header';
  const phoff = is64 ? u64(view, 0x20, le) : view.getUint32(0x1c, le);
  const shoff = is64 ? u64(view, 0x28, le) : view.getUint32(0x20, le);
  const phentsize = view.getUint16(is64 ? 0x36 : 0x2a, le);
  const phnum = view.getUint16(is64 ? 0x38 : 0x2c, le);
  const shentsize = view.getUint16(is64 ? 0x3a : 0x2e, le);
  const shnum = view.getUint16(is64 ? 0x3c : 0x30, le);
  if (!within(phoff, phentsize * phnum, size)) return 'truncated ELF file (program headers lie beyond the end)';
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (phentsize < (is64 ? 0x28 : 0x14)) return 'malformed ELF program header';
    const offset = is64 ? u64(view, at + 8, le) : view.getUint32(at + 4, le);
    const filesz = is64 ? u64(view, at + 0x20, le) : view.getUint32(at + 0x10, le);
    if (!within(offset, filesz, size)) return `truncated ELF file (segment ${i} ends at ${offset + filesz}, file has ${size} bytes)`;
  }
  if (shnum > 0) {
    if (!within(shoff, shentsize * shnum, size)) return 'truncated ELF file (section headers lie beyond the end)';
    if (shentsize < (is64 ? 0x28 : 0x18)) return 'malformed ELF section header';
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * shentsize;
      const type = view.getUint32(at + 4, le);
      if (type === 8) continue; // SHT_NOBITS occupies no file space
      const offset = is64 ? u64(view, at + 0x18, le) : view.getUint32(at + 0x10, le);
      const length = is64 ? u64(view, at + 0x20, le) : view.getUint32(at + 0x14, le);
      if (!within(offset, length, size)) return `truncated ELF file (section ${i} lies beyond the end)`;
    }
  }
  return undefined;
}

function checkFat(view: DataView, is64: boolean): string | undefined {
  const size = view.byteLength;
  if (size < 8) return 'truncated fat header';
  const count = view.getUint32(4, false);
  const entry = is64 ? 32 : 20;
  if (count > 64 || !within(8, count * entry, size)) return 'truncated or malformed fat header';
  for (let i = 0; i < count; i++) {
    const at = 8 + i * entry;
    const offset = is64 ? u64(view, at + 8, false) : view.getUint32(at + 8, false);
    const length = is64 ? u64(view, at + 16, false) : view.getUint32(at + 12, false);
    if (!within(offset, length, size)) return `truncated fat file (slice ${i} lies beyond the end)`;
    const problem = checkMachO(view, offset, length);
    if (problem) return `slice ${i}: ${problem}`;
  }
  return undefined;
}

function checkMachO(view: DataView, base: number, length: number): string | undefined {
  if (length < 28) return 'truncated Mach-O header';
  const magic = view.getUint32(base, false);
  const le = magic === 0xcefaedfe || magic === 0xcffaedfe;
  const is64 = magic === 0xfeedfacf || magic === 0xcffaedfe;
  if (!le && magic !== 0xfeedface && magic !== 0xfeedfacf) return 'not a Mach-O file';
  const header = is64 ? 32 : 28;
  const ncmds = view.getUint32(base + 16, le);
  const sizeofcmds = view.getUint32(base + 20, le);
  if (!within(header, sizeofcmds, length)) return 'truncated Mach-O load commands';
  let at = header;
  for (let i = 0; i < ncmds; i++) {
    if (!within(at, 8, header + sizeofcmds)) return 'malformed Mach-O load commands';
    const cmd = view.getUint32(base + at, le);
    const cmdsize = view.getUint32(base + at + 4, le);
    if (cmdsize < 8 || !within(at, cmdsize, header + sizeofcmds)) return 'malformed Mach-O load command size';
    if (cmd === 0x19 && cmdsize >= 56) {
      const offset = u64(view, base + at + 40, le);
      const filesize = u64(view, base + at + 48, le);
      if (!within(offset, filesize, length)) return `truncated Mach-O file (segment ${i} lies beyond the end)`;
    } else if (cmd === 0x1 && cmdsize >= 40) {
      const offset = view.getUint32(base + at + 32, le);
      const filesize = view.getUint32(base + at + 36, le);
      if (!within(offset, filesize, length)) return `truncated Mach-O file (segment ${i} lies beyond the end)`;
    }
    at += cmdsize;
  }
  return undefined;
}
