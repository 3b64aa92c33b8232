import { loadNative, NativeError, type NativeValidator } from '../../native/index.js';
import { processRows, signingCell, type PsRow } from '../../native/process-rows.js';
import { parseArgs } from '../args.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';
import { oneLine } from '../../validator/printable.js';

const HELP = `usage: csrl ps [--json] [--signing]

Lists running processes (PID, PPID, USER, NAME, PATH), read directly from the
kernel through the native addon (/proc on Linux, libproc on macOS).

  --json      print an array of {pid, ppid, uid, user, name, executablePath,
              startTime, startedAt, signing?}
  --signing   add each process's signing summary (identifier, team, flags)
              from Security.framework; macOS only (elsewhere a note is printed
              and the listing is unchanged)

Exit status: 0 listed, 3 the native addon is not available, 64 usage error.

Examples:
  csrl ps
  csrl ps --json | jq '.[] | select(.name == "node")'
`;

export async function run(args: string[], io: CommandIO, native: NativeValidator = loadNative()): Promise<number> {
  const opts = parseArgs(args, { flags: { json: ['--json'], signing: ['--signing'], help: ['-h', '--help'] } });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (opts.positionals.length > 0) {
    throw new UsageError(`unexpected argument '${opts.positionals[0]}'`);
  }
  if (!native.available) {
    io.stderr(`csrl ps: native addon not available: ${native.reason ?? 'unknown reason'}\n`);
    return EXIT.cannotCheck;
  }
  let rows: PsRow[];
  try {
    rows = await processRows(native, { signing: Boolean(opts.flags.signing) });
  } catch (err) {
    // e.g. UnsupportedPlatformError on Windows, where the addon loads but has no process backend
    if (!(err instanceof NativeError)) throw err;
    io.stderr(`csrl ps: ${err.message}\n`);
    return EXIT.cannotCheck;
  }
  if (opts.flags.signing && native.backend !== 'security-framework') {
    io.stderr(`csrl ps: --signing needs Security.framework (macOS); ${native.platform} lists processes only\n`);
  }
  io.stdout(opts.flags.json ? toJson(rows) + '\n' : table(rows, Boolean(opts.flags.signing && native.backend === 'security-framework')));
  return EXIT.ok;
}

function table(rows: PsRow[], signing: boolean): string {
  const header = ['PID', 'PPID', 'USER', 'NAME', ...(signing ? ['SIGNING'] : []), 'PATH'];
  const cells = rows.map((r) => [
    String(r.pid),
    String(r.ppid),
    oneLine(r.user),
    // Names and paths are whatever the process chose: one line each, so none can fake a row.
    oneLine(r.name),
    ...(signing ? [oneLine(signingCell(r.signing))] : []),
    r.executablePath !== undefined ? oneLine(r.executablePath) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([0, 1]);
  const line = (c: string[]): string =>
    c
      .map((v, i) => (i === c.length - 1 ? v : numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ') + '\n';
  return line(header) + cells.map(line).join('');
}

