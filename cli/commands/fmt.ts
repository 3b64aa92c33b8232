import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FORMAT_INDENT, DEFAULT_FORMAT_WIDTH, formatRequirementText, type FormatResult } from '../../grammar/print/format.js';
import { parseArgs } from '../args.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { modeFrom, readInput } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';

const HELP = `usage: csrl fmt [-e TEXT | FILE... | -] [--check | --write] [--width N] [--indent N] [--single | --set | --auto]

Lays out requirement text as the editor's Format Document does: short
requirements on one line; longer ones broken before each top-level and/or,
one indentation step deeper per level of nesting; every comment kept; the
compiled bytes never change. Text that does not parse is not formatted
(its errors go to standard error).

  -e, --expr TEXT   the requirement text itself
  --check           print nothing for formatted files; name each file that is
                    not formatted on standard error and exit 1 (for CI)
  --write, -w       rewrite each file that is not formatted, in place
  --width N         line width (default ${DEFAULT_FORMAT_WIDTH}, at least 20)
  --indent N        spaces per level of nesting (default ${DEFAULT_FORMAT_INDENT}, 1–8)
  --single | --set | --auto   how to read the text (default: by its first word)

Without --check or --write the formatted text of the one input goes to
standard output. Exit status: 0 formatted (or already so), 1 not formatted
or does not parse, 64 usage error.

Examples:
  csrl fmt examples/developer-id.csreq
  csrl fmt --check requirements/*.csreq
  csrl fmt --write --width 100 helper.csreq
`;

export async function run(args: string[], io: CommandIO): Promise<number> {
  const opts = parseArgs(args, {
    values: { expr: ['-e', '--expr'], width: ['--width'], indent: ['--indent'] },
    flags: { check: ['--check'], write: ['--write', '-w'], single: ['--single'], set: ['--set'], auto: ['--auto'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const width = numberOption(opts.values.width, '--width', 20, 1000, DEFAULT_FORMAT_WIDTH);
  const indent = numberOption(opts.values.indent, '--indent', 1, 8, DEFAULT_FORMAT_INDENT);
  const mode = modeFrom(opts.flags);
  const { check, write } = opts.flags;
  if (check && write) throw new UsageError('give --check or --write, not both');
  const files = opts.positionals;
  if (write && (opts.values.expr !== undefined || files.length === 0 || files.includes('-'))) throw new UsageError('--write needs FILE arguments (it rewrites files)');
  if (!check && !write && files.length > 1) throw new UsageError('several files need --check or --write');

  const inputs = opts.values.expr !== undefined || files.length === 0 ? [undefined] : files;
  let failed = false;
  for (const file of inputs) {
    const input = await readInput(opts.values.expr, file === undefined ? [] : [file], io);
    const text = decodeUtf8(input.bytes);
    const result: FormatResult =
      text === undefined
        ? { ok: false, reason: 'not formatted: the file is not UTF-8 text', diagnostics: [] }
        : formatRequirementText(text, { mode, width, indent });
    if (!result.ok) {
      failed = true;
      for (const d of result.diagnostics) io.stderr(formatDiagnostic(input.name, d) + '\n');
      if (result.diagnostics.length === 0) io.stderr(`${input.name}: ${result.reason}\n`);
      continue;
    }
    if (check) {
      if (result.changed) {
        failed = true;
        io.stderr(`${input.name}: not formatted (run csrl fmt --write)\n`);
      }
    } else if (write) {
      if (result.changed) {
        replaceFile(path.resolve(io.cwd, input.name), result.text);
        io.stderr(`formatted ${input.name}\n`);
      }
    } else {
      io.stdout(result.text);
    }
  }
  return failed ? EXIT.failure : EXIT.ok;
}

function numberOption(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} takes a whole number from ${min} to ${max} (got '${value}')`);
  return n;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Written beside the file and renamed over it, so an interrupted write never
 * leaves half a file; through a symbolic link to its target, keeping the mode.
 */
function replaceFile(file: string, text: string): void {
  const target = realpathSync(file);
  const mode = statSync(target).mode & 0o7777;
  const temp = `${target}.csrl-fmt-${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, { flag: 'wx', mode });
    renameSync(temp, target);
  } finally {
    rmSync(temp, { force: true });
  }
}
