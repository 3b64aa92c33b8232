import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { isatty } from 'node:tty';
import * as path from 'node:path';
import { toHex } from '../../grammar/bytes.js';
import { compile } from '../../grammar/codec/encode.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { parse, parseBytes } from '../../grammar/parser.js';
import { parseArgs } from '../args.js';
import { eachLine } from '../batched-output.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { MAX_EACH_LINE_BYTES, MAX_INPUT_BYTES, MAX_LINE_BYTES, modeFrom, readInput, readLines } from '../input.js';
import { FileReadError, readRegularFile } from '../../engine/files.js';
import { oneLine } from '../../validator/printable.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';

const HELP = `usage: csrl compile [-e TEXT | FILE | -] [--single | --set | --auto] [-o OUT] [--hex] [--each-line]

Compiles requirement text to the binary form Apple's compiler writes
(0xfade0c00 for one requirement, 0xfade0c01 for a set), byte for byte.

  -e, --expr TEXT   the requirement text itself
  --single | --set | --auto   how to read the text (default: --auto)
  -o, --output OUT  write the blob to OUT (default: standard output)
  --hex             print lower-case hex instead of binary
  --each-line       every input line is a separate item; prints one hex blob per line

Input is at most ${MAX_INPUT_BYTES} bytes; with --each-line ${MAX_EACH_LINE_BYTES} in all
and ${MAX_LINE_BYTES} per line (a longer line is an error of its own). Standard
input is read as it comes and reading stops once a limit is passed (exit 64).

Certificate files named in the text (anchor = "root.cer") are read relative
to the input file's folder (the current folder for -e and standard input).
Binary output is refused when standard output is a terminal: use --hex or -o.
Certificate files must be regular files of at most 1 MiB.

-o OUT writes a regular file through a temporary file beside it and a
rename (never half a blob); a symbolic link is followed and the file it points
to is written (the link stays); a character device or FIFO is written through
(-o /dev/null, -o /dev/stdout), as cp does. A folder, a block device, a
dangling link or a missing folder is refused: exit 73, nothing left behind.

Exit status: 0 compiled, 1 rejected, 64 usage error, 73 OUT cannot be written.

Examples:
  csrl compile --hex -e 'anchor apple'
  csrl compile -o developer-id.req examples/developer-id.csreq
`;

/** Certificates are a few KB; anything larger is not a certificate. */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;

/** The output file cannot be written where -o says (sysexits' EX_CANTCREAT). */
export const EXIT_CANNOT_CREATE = 73;

class OutputError extends Error {}

export async function run(args: string[], io: CommandIO): Promise<number> {
  const opts = parseArgs(args, {
    values: { expr: ['-e', '--expr'], output: ['-o', '--output'] },
    flags: { single: ['--single'], set: ['--set'], auto: ['--auto'], hex: ['--hex'], eachLine: ['--each-line'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const mode = modeFrom(opts.flags);
  // Why a certificate file could not be read, by the path as written: the compiler itself only says "not found".
  const unreadable = new Map<string, string>();
  const certificateReader = (baseDir: string) => (file: string): Uint8Array | undefined => {
    try {
      // Regular files only, opened without blocking and counted as read (/proc files, devices and FIFOs never end).
      return readRegularFile(path.resolve(baseDir, file), MAX_CERTIFICATE_BYTES);
    } catch (err) {
      if (!(err instanceof FileReadError)) throw err;
      if (err.code !== 'not-found') unreadable.set(file, `not a certificate file (${err.message})`);
      return undefined;
    }
  };
  const explained = (d: Diagnostic): Diagnostic => {
    if (d.code !== 'CSR053') return d;
    for (const [file, why] of unreadable) if (d.message === `${file}: not found`) return { ...d, message: `${file}: ${why}` };
    return d;
  };

  if (opts.flags.eachLine) {
    if (opts.values.output !== undefined) throw new UsageError('--each-line prints hex lines; it cannot be combined with -o');
    const { lines, baseDir } = await readLines(opts.values.expr, opts.positionals, io);
    const readCertificateFile = certificateReader(baseDir);
    const failed = await eachLine(lines, io, (text) => {
      const parsed = parse(text, { mode, tokens: false });
      const compiled = parsed.ok && parsed.document ? compile(parsed.document, { readCertificateFile }) : undefined;
      if (compiled?.bytes) return { text: toHex(compiled.bytes) + '\n', ok: true };
      const first = [...parsed.diagnostics, ...(compiled?.diagnostics ?? [])].find((d) => d.severity === 'error');
      return { text: `error: ${first ? `${first.range.start.column}: ${explained(first).message} [${first.code}]` : 'not accepted'}\n`, ok: false };
    });
    return failed === 0 ? EXIT.ok : EXIT.failure;
  }

  if (!opts.flags.hex && opts.values.output === undefined && io.stdoutIsTTY) {
    throw new UsageError('refusing to write binary to a terminal; use --hex or -o FILE');
  }
  const input = await readInput(opts.values.expr, opts.positionals, io);
  const readCertificateFile = certificateReader(input.baseDir);
  const parsed = input.inline ? parse(new TextDecoder().decode(input.bytes), { mode }) : parseBytes(input.bytes, { mode });
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const compiled = parsed.ok && parsed.document ? compile(parsed.document, { readCertificateFile }) : undefined;
  if (compiled) diagnostics.push(...compiled.diagnostics.map(explained));
  for (const d of diagnostics) io.stderr(formatDiagnostic(input.name, d) + '\n');
  if (!compiled?.bytes) return EXIT.failure;

  const out = opts.flags.hex ? new TextEncoder().encode(toHex(compiled.bytes) + '\n') : compiled.bytes;
  if (opts.values.output !== undefined) {
    try {
      const target = path.resolve(io.cwd, opts.values.output);
      if (isStandardOutput(target)) {
        // -o /dev/stdout (or /dev/fd/1): whatever standard output is, a pipe, a socket or a terminal.
        if (!opts.flags.hex && io.stdoutIsTTY) throw new UsageError('refusing to write binary to a terminal; use --hex or -o FILE');
        io.stdoutBytes(out);
      } else writeOutput(target, out, !opts.flags.hex);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      io.stderr(`csrl compile: ${oneLine(opts.values.output)}: ${err.message}\n`);
      return EXIT_CANNOT_CREATE;
    }
  } else {
    io.stdoutBytes(out);
  }
  return EXIT.ok;
}

/**
 * OUT is the very file standard output is, named through a link (/dev/stdout,
 * /dev/fd/1) or a device, pipe or socket: written as standard output (a
 * socket cannot be opened by name; `-o /dev/stdout >> log` appends).
 */
function isStandardOutput(target: string): boolean {
  try {
    const st = statSync(target);
    if (st.isFile() && !lstatSync(target).isSymbolicLink()) return false;
    const out = fstatSync(1);
    return st.dev === out.dev && st.ino === out.ino;
  } catch {
    return false;
  }
}

const why = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of the path is not a folder' : (code ?? (err as Error).message);
};

/**
 * `-o OUT`, as cp writes: a regular file (or a name not yet taken) gets the
 * blob through a temporary file beside it and a rename, so it is never half
 * written; a character device (/dev/null, a terminal) or a FIFO the user names,
 * /dev/stdout included, is written through and stays what it is; a symbolic
 * link is followed and the file it points to is written (the link stays a
 * link; a dangling link is refused, as cp refuses it). Folders, block devices,
 * sockets and a missing folder are refused with OutputError, and no temporary
 * file is left behind on any failure.
 */
function writeOutput(target: string, bytes: Uint8Array, binary: boolean): void {
  let st: Stats | undefined;
  try {
    st = statSync(target); // follows links
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new OutputError('a part of the path is not a folder');
    if (code !== 'ENOENT') throw new OutputError(`cannot write (${why(err)})`);
    let dangling = false;
    try {
      dangling = lstatSync(target).isSymbolicLink();
    } catch {
      // no entry at all: a new file
    }
    if (dangling) throw new OutputError('a symbolic link to a file that does not exist; not writing through it');
  }
  if (st === undefined || st.isFile()) {
    // Beside the file itself when OUT is a link to it, so the link is kept.
    const file = st === undefined ? target : realFile(target);
    const dir = path.dirname(file);
    let dirStat: Stats;
    try {
      dirStat = statSync(dir);
    } catch (err) {
      throw new OutputError(`the folder ${dir} ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be used (${why(err)})`}`);
    }
    if (!dirStat.isDirectory()) throw new OutputError(`${dir} is not a folder`);
    atomicWrite(file, bytes, st?.mode);
    return;
  }
  if (st.isDirectory()) throw new OutputError('is a folder; name the file to write');
  if (!st.isCharacterDevice() && !st.isFIFO()) throw new OutputError(`is a ${st.isBlockDevice() ? 'block device' : st.isSocket() ? 'socket' : 'special file'}; only regular files, character devices and FIFOs are written`);
  // Written through: /dev/null stays /dev/null. A FIFO is first opened without blocking, so one without a reader is an error, not a hang.
  if (st.isFIFO()) {
    try {
      closeSync(openSync(target, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch (err) {
      throw new OutputError((err as NodeJS.ErrnoException).code === 'ENXIO' ? 'a FIFO with no reader' : `cannot write (${why(err)})`);
    }
  }
  let fd: number;
  try {
    fd = openSync(target, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (err) {
    throw new OutputError(`cannot write (${why(err)})`);
  }
  try {
    if (binary && isatty(fd)) throw new OutputError('is a terminal; refusing to write binary there (use --hex)');
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  } catch (err) {
    if (err instanceof OutputError) throw err;
    throw new OutputError(`cannot write (${why(err)})`);
  } finally {
    closeSync(fd);
  }
}

function realFile(target: string): string {
  try {
    return realpathSync(target);
  } catch (err) {
    throw new OutputError(`cannot follow the link (${why(err)})`);
  }
}

/** A new temporary file beside `file` (never an existing one), then a rename over it; the temporary file is removed on any failure. */
function atomicWrite(file: string, bytes: Uint8Array, mode: number | undefined): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
  } catch (err) {
    throw new OutputError(`cannot create a file in ${path.dirname(file)} (${why(err)})`);
  }
  let done = false;
  try {
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      // An existing file keeps its permissions.
      if (mode !== undefined) fchmodSync(fd, mode & 0o7777);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    done = true;
  } catch (err) {
    throw new OutputError(`cannot write (${why(err)})`);
  } finally {
    if (!done) rmSync(temp, { force: true });
  }
}
