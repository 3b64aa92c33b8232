import { parse, parseBytes, type ParseResult } from '../../grammar/parser.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { parseArgs } from '../args.js';
import { eachLine } from '../batched-output.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { MAX_EACH_LINE_BYTES, MAX_INPUT_BYTES, MAX_LINE_BYTES, modeFrom, readInput, readLines } from '../input.js';
import { EXIT, type CommandIO } from '../io.js';
import { toJson } from '../json.js';

const HELP = `usage: csrl parse [-e TEXT | FILE | -] [--single | --set | --auto] [--json] [--each-line]

Checks requirement text exactly as Apple's parser would and prints it in
canonical form (or, with --json, the syntax tree with source ranges).
Errors and warnings go to standard error as FILE:LINE:COL: severity: message [CODE].

  -e, --expr TEXT   the requirement text itself
  --single          a single requirement (SecRequirementCreateWithString)
  --set             a requirement set such as 'designated => ...' (codesign -r)
  --auto            decide by the first word, as csreq does (default)
  --json            print {ok, mode, document, diagnostics, comments} as JSON
  --each-line       every input line is a separate item; one result per line

Input is at most ${MAX_INPUT_BYTES} bytes; with --each-line ${MAX_EACH_LINE_BYTES} in all
and ${MAX_LINE_BYTES} per line (a longer line is an error of its own). Standard
input is read as it comes and reading stops once a limit is passed (exit 64).

Exit status: 0 accepted, 1 rejected, 64 usage error.

Examples:
  csrl parse -e 'identifier "com.example.app" and anchor apple generic'
  csrl parse --set examples/designated.rqset
  printf 'anchor apple\\nanchor applle\\n' | csrl parse --each-line
`;

export async function run(args: string[], io: CommandIO): Promise<number> {
  const opts = parseArgs(args, {
    values: { expr: ['-e', '--expr'] },
    flags: { single: ['--single'], set: ['--set'], auto: ['--auto'], json: ['--json'], eachLine: ['--each-line'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const mode = modeFrom(opts.flags);

  if (opts.flags.eachLine) {
    const { lines } = await readLines(opts.values.expr, opts.positionals, io);
    const failed = await eachLine(
      lines,
      io,
      (text) => {
        const result = parse(text, { mode });
        if (result.ok && result.document) {
          return { text: opts.flags.json ? toJson(summary(result), 0) + '\n' : printCanonical(result.document).replace(/\n+$/, '').replace(/\n/g, ' ') + '\n', ok: true };
        }
        const first = result.diagnostics.find((d) => d.severity === 'error');
        return { text: opts.flags.json ? toJson(summary(result), 0) + '\n' : `error: ${first ? `${first.range.start.column}: ${first.message} [${first.code}]` : 'not accepted'}\n`, ok: false };
      },
      (message) => (opts.flags.json ? toJson({ ok: false, error: message }, 0) + '\n' : `error: ${message}\n`),
    );
    return failed === 0 ? EXIT.ok : EXIT.failure;
  }

  const input = await readInput(opts.values.expr, opts.positionals, io);
  const result = input.inline ? parse(new TextDecoder().decode(input.bytes), { mode }) : parseBytes(input.bytes, { mode });
  for (const d of result.diagnostics) io.stderr(formatDiagnostic(input.name, d) + '\n');
  if (opts.flags.json) {
    io.stdout(toJson(summary(result)) + '\n');
  } else if (result.ok && result.document) {
    io.stdout(printCanonical(result.document, { comments: result.comments, source: new TextDecoder().decode(input.bytes) }).replace(/\n*$/, '\n'));
  }
  return result.ok ? EXIT.ok : EXIT.failure;
}

function summary(result: ParseResult) {
  return { ok: result.ok, mode: result.mode, document: result.document, diagnostics: result.diagnostics, comments: result.comments };
}
