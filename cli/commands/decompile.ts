import { fromHex } from '../../grammar/bytes.js';
import type { RequirementDocument } from '../../grammar/ast.js';
import { BlobError, decompile } from '../../grammar/codec/decode.js';
import { printApple } from '../../grammar/print/apple.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { parseArgs } from '../args.js';
import { readInput, splitLines } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';

const HELP = `usage: csrl decompile [FILE | --hex HEX | -] [--style apple|canonical] [--json] [--each-line]

Prints a binary requirement (0xfade0c00) or requirement set (0xfade0c01) as text.

  --hex HEX         the blob as hex digits (white space allowed)
  --style apple     exactly what Apple's decompiler prints, as codesign -d -r- shows it (default)
  --style canonical text that always re-parses (e.g. 'certificate leaf trusted', dates as timestamp "...")
  --json            print the syntax tree as JSON (ranges are byte offsets in the blob)
  --each-line       every input line is a hex blob; one result per line

Exit status: 0 decoded, 1 invalid blob (the message names the byte offset), 64 usage error.

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
  const print = (doc: RequirementDocument): string => {
    if (opts.flags.json) return toJson(doc) + '\n';
    const text = style === 'apple' ? printApple(doc) : printCanonical(doc);
    return text.endsWith('\n') ? text : text + '\n';
  };

  if (opts.flags.eachLine) {
    if (opts.values.hex !== undefined) throw new UsageError('--each-line reads hex lines from FILE or standard input, not --hex');
    const input = await readInput(undefined, opts.positionals, io);
    let failed = 0;
    for (const line of splitLines(input.bytes)) {
      try {
        io.stdout(print(decompile(hexArgument(line))).replace(/\n(?!$)/g, ' '));
      } catch (err) {
        if (!(err instanceof BlobError) && !(err instanceof UsageError)) throw err;
        failed++;
        io.stdout(`error: ${err.message}\n`);
      }
    }
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
    io.stdout(print(decompile(bytes)));
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof BlobError)) throw err;
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
