import { fromHex } from '../../grammar/bytes.js';
import type { RequirementDocument } from '../../grammar/ast.js';
import { BlobError, decompile } from '../../grammar/codec/decode.js';
import { printApple } from '../../grammar/print/apple.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { parseArgs } from '../args.js';
import { eachLine } from '../batched-output.js';
import { MAX_EACH_LINE_BYTES, MAX_INPUT_BYTES, MAX_LINE_BYTES, readInput, readLines } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { JsonTooLargeError, toJson } from '../json.js';

/**
 * Output is bounded by the blob: at most this many characters per blob byte
 * (and 1 MiB for small blobs). The decoder already refuses sets whose entries
 * share or overlap sub-blobs more than 4 times over, and every printer is
 * linear, so real output stays far below; this is the backstop that turns any
 * remaining amplification into a clear error instead of gigabytes.
 */
export const MAX_OUTPUT_PER_BYTE = 1024;
const MIN_OUTPUT_LIMIT = 1024 * 1024;

/** The text for a blob would be longer than the output bound. */
class OutputTooLarge extends Error {}

function outputLimit(blobBytes: number): number {
  return Math.max(MIN_OUTPUT_LIMIT, MAX_OUTPUT_PER_BYTE * blobBytes);
}

const HELP = `usage: csrl decompile [FILE | --hex HEX | -] [--style apple|canonical] [--json] [--each-line]

Prints a binary requirement (0xfade0c00) or requirement set (0xfade0c01) as text.

  --hex HEX         the blob as hex digits (white space allowed)
  --style apple     exactly what Apple's decompiler prints, as codesign -d -r- shows it (default)
  --style canonical text that always re-parses (e.g. 'certificate leaf trusted', dates as timestamp "...")
  --json            print the syntax tree as JSON (ranges are byte offsets in the blob)
  --each-line       every input line is a hex blob; one result per line

Input is at most ${MAX_INPUT_BYTES} bytes; with --each-line ${MAX_EACH_LINE_BYTES} in all
and ${MAX_LINE_BYTES} per line (a longer line is an error of its own). Standard
input is read as it comes and reading stops once a limit is passed (exit 64).

Exit status: 0 decoded, 1 invalid blob (the message names the byte offset) or
output that would be more than ${MAX_OUTPUT_PER_BYTE} characters per blob byte, 64 usage error.

Examples:
  csrl decompile --hex fade0c00000000100000000100000003
  csrl decompile developer-id.req --style canonical
`;

export async function run(args: string[], io: CommandIO): Promise<number> {
  const opts = parseArgs(args, {
    values: { hex: ['--hex'], style: ['--style'] },
    flags: { json: ['--json'], eachLine: ['--each-line'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const style = opts.values.style ?? 'apple';
  if (style !== 'apple' && style !== 'canonical') throw new UsageError(`--style must be apple or canonical, not '${style}'`);
  const print = (doc: RequirementDocument, blobBytes: number): string => {
    const limit = outputLimit(blobBytes);
    const tooLarge = () => new OutputTooLarge(`the ${opts.flags.json ? 'JSON' : 'text'} for this ${blobBytes}-byte blob would be more than ${limit} characters (${MAX_OUTPUT_PER_BYTE} per byte); not printed`);
    if (opts.flags.json) {
      try {
        return toJson(doc, 2, { maxLength: limit }) + '\n';
      } catch (err) {
        if (err instanceof JsonTooLargeError) throw tooLarge();
        throw err;
      }
    }
    const text = style === 'apple' ? printApple(doc) : printCanonical(doc);
    if (text.length > limit) throw tooLarge();
    return text.endsWith('\n') ? text : text + '\n';
  };

  if (opts.flags.eachLine) {
    if (opts.values.hex !== undefined) throw new UsageError('--each-line reads hex lines from FILE or standard input, not --hex');
    const { lines } = await readLines(undefined, opts.positionals, io);
    const failed = await eachLine(lines, io, (text) => {
      try {
        const blob = hexArgument(text);
        return { text: print(decompile(blob), blob.length).replace(/\n(?!$)/g, ' '), ok: true };
      } catch (err) {
        if (!(err instanceof BlobError) && !(err instanceof UsageError) && !(err instanceof OutputTooLarge)) throw err;
        return { text: `error: ${err.message}\n`, ok: false };
      }
    });
    return failed === 0 ? EXIT.ok : EXIT.failure;
  }

  let bytes: Uint8Array;
  let name: string;
  if (opts.values.hex !== undefined) {
    if (opts.positionals.length > 0) throw new UsageError('give either --hex HEX or a FILE, not both');
    bytes = hexArgument(opts.values.hex);
    name = '<hex>';
  } else {
    const input = await readInput(undefined, opts.positionals, io);
    bytes = input.bytes;
    name = input.name;
  }
  try {
    io.stdout(print(decompile(bytes), bytes.length));
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof BlobError) && !(err instanceof OutputTooLarge)) throw err;
    io.stderr(`${name}: error: ${err.message}\n`);
    return EXIT.failure;
  }
}

function hexArgument(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]*$/.test(digits)) throw new UsageError('hex blobs hold only the digits 0-9 and a-f');
  if (digits.length % 2 !== 0) throw new UsageError(`odd number of hex digits (${digits.length})`);
  return fromHex(digits);
}
