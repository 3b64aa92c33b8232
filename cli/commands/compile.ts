import { readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { toHex } from '../../grammar/bytes.js';
import { compile } from '../../grammar/codec/encode.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { parse, parseBytes } from '../../grammar/parser.js';
import { parseArgs } from '../args.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { MAX_EACH_LINE_BYTES, MAX_INPUT_BYTES, modeFrom, readInput, splitLines } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';

const HELP = `usage: csrl compile [-e TEXT | FILE | -] [--single | --set | --auto] [-o OUT] [--hex] [--each-line]

Compiles requirement text to the binary form Apple's compiler writes
(0xfade0c00 for one requirement, 0xfade0c01 for a set), byte for byte.

  -e, --expr TEXT   the requirement text itself
  --single | --set | --auto   how to read the text (default: --auto)
  -o, --output OUT  write the blob to OUT (default: standard output)
  --hex             print lower-case hex instead of binary
  --each-line       every input line is a separate item; prints one hex blob per line

Input is at most ${MAX_INPUT_BYTES} bytes (${MAX_EACH_LINE_BYTES} with --each-line).

Certificate files named in the text (anchor = "root.cer") are read relative
to the input file's folder (the current folder for -e and standard input).
Binary output is refused when standard output is a terminal: use --hex or -o.

Examples:
  csrl compile --hex -e 'anchor apple'
  csrl compile -o developer-id.req examples/developer-id.csreq
`;

/** Certificates are a few KB; anything larger is not a certificate. */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;

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
  const input = await readInput(opts.values.expr, opts.positionals, io, opts.flags.eachLine ? MAX_EACH_LINE_BYTES : MAX_INPUT_BYTES);
  const readCertificateFile = (file: string): Uint8Array | undefined => {
    const full = path.resolve(input.baseDir, file);
    try {
      if (statSync(full).size > MAX_CERTIFICATE_BYTES) return undefined;
      return readFileSync(full);
    } catch {
      return undefined;
    }
  };

  if (opts.flags.eachLine) {
    if (opts.values.output !== undefined) throw new UsageError('--each-line prints hex lines; it cannot be combined with -o');
    let failed = 0;
    for (const line of splitLines(input.bytes)) {
      const parsed = parse(line, { mode });
      const compiled = parsed.ok && parsed.document ? compile(parsed.document, { readCertificateFile }) : undefined;
      if (compiled?.bytes) io.stdout(toHex(compiled.bytes) + '\n');
      else {
        failed++;
        const first = [...parsed.diagnostics, ...(compiled?.diagnostics ?? [])].find((d) => d.severity === 'error');
        io.stdout(`error: ${first ? `${first.range.start.column}: ${first.message} [${first.code}]` : 'not accepted'}\n`);
      }
    }
    return failed === 0 ? EXIT.ok : EXIT.failure;
  }

  if (!opts.flags.hex && opts.values.output === undefined && io.stdoutIsTTY) {
    throw new UsageError('refusing to write binary to a terminal; use --hex or -o FILE');
  }
  const parsed = input.inline ? parse(new TextDecoder().decode(input.bytes), { mode }) : parseBytes(input.bytes, { mode });
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const compiled = parsed.ok && parsed.document ? compile(parsed.document, { readCertificateFile }) : undefined;
  if (compiled) diagnostics.push(...compiled.diagnostics);
  for (const d of diagnostics) io.stderr(formatDiagnostic(input.name, d) + '\n');
  if (!compiled?.bytes) return EXIT.failure;

  const out = opts.flags.hex ? new TextEncoder().encode(toHex(compiled.bytes) + '\n') : compiled.bytes;
  if (opts.values.output !== undefined) {
    // Write beside the target and rename, so a failed run never leaves half a blob behind.
    const target = path.resolve(io.cwd, opts.values.output);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, out);
    renameSync(temp, target);
  } else {
    io.stdoutBytes(out);
  }
  return EXIT.ok;
}
