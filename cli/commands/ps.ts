import { readFileSync } from 'node:fs';
import os from 'node:os';
import { loadNative, NativeError, type AppleSigningInfo, type NativeValidator, type ProcessInfo, type Unsupported } from '../../native/index.js';
import { parseArgs } from '../args.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';

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

/** Signing lookups run a few at a time: Security.framework work is per process and I/O bound. */
const SIGNING_CONCURRENCY = 8;
/** /etc/passwd larger than this is not parsed (names fall back to numeric uids). */
const MAX_PASSWD_BYTES = 4 * 1024 * 1024;

export interface SigningSummary {
  identifier?: string;
  teamIdentifier?: string;
  /** Apple's status name for the process (errSecSuccess when it is signed and valid). */
  status: string;
  codeSigningFlags?: string[];
}

export interface PsRow {
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  name: string;
  executablePath?: string;
  startTime: string;
  startedAt?: string;
  signing?: SigningSummary;
}

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
  let processes: ProcessInfo[];
  try {
    processes = await native.listProcesses();
  } catch (err) {
    // e.g. UnsupportedPlatformError on Windows, where the addon loads but has no process backend
    if (!(err instanceof NativeError)) throw err;
    io.stderr(`csrl ps: ${err.message}\n`);
    return EXIT.cannotCheck;
  }
  const users = userNames();
  const rows: PsRow[] = processes.map((p) => toRow(p, users));
  if (opts.flags.signing) {
    if (native.backend === 'security-framework') await addSigning(rows, native);
    else io.stderr(`csrl ps: --signing needs Security.framework (macOS); ${native.platform} lists processes only\n`);
  }
  io.stdout(opts.flags.json ? toJson(rows) + '\n' : table(rows, Boolean(opts.flags.signing && native.backend === 'security-framework')));
  return EXIT.ok;
}

function toRow(p: ProcessInfo, users: Map<number, string>): PsRow {
  const row: PsRow = {
    pid: p.pid,
    ppid: p.ppid,
    uid: p.uid,
    user: users.get(p.uid) ?? String(p.uid),
    name: p.name,
    startTime: p.startTime,
  };
  if (p.executablePath !== undefined) row.executablePath = p.executablePath;
  if (p.startedAtMs !== undefined) row.startedAt = new Date(p.startedAtMs).toISOString();
  return row;
}

async function addSigning(rows: PsRow[], native: NativeValidator): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const row = rows[next++]!;
      try {
        row.signing = summarise(await native.signingInformation({ pid: row.pid }));
      } catch (err) {
        // The process exited or is not ours to inspect; the row stays without a summary.
        row.signing = { status: err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : 'error' };
      }
    }
  };
  await Promise.all(Array.from({ length: SIGNING_CONCURRENCY }, worker));
}

function summarise(info: AppleSigningInfo | Unsupported): SigningSummary {
  if (!info.supported) return { status: 'unsupported' };
  const summary: SigningSummary = { status: info.result.name || String(info.result.status) };
  if (info.signing?.identifier) summary.identifier = info.signing.identifier;
  if (info.signing?.teamIdentifier) summary.teamIdentifier = info.signing.teamIdentifier;
  if (info.codeSigningFlags) summary.codeSigningFlags = info.codeSigningFlags.names;
  return summary;
}

function table(rows: PsRow[], signing: boolean): string {
  const header = ['PID', 'PPID', 'USER', 'NAME', ...(signing ? ['SIGNING'] : []), 'PATH'];
  const cells = rows.map((r) => [
    String(r.pid),
    String(r.ppid),
    r.user,
    r.name,
    ...(signing ? [signingCell(r.signing)] : []),
    r.executablePath ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([0, 1]);
  const line = (c: string[]): string =>
    c
      .map((v, i) => (i === c.length - 1 ? v : numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ') + '\n';
  return line(header) + cells.map(line).join('');
}

function signingCell(s: SigningSummary | undefined): string {
  if (!s) return '-';
  if (s.status !== 'errSecSuccess') return s.status;
  return [s.identifier ?? '?', s.teamIdentifier ? `(${s.teamIdentifier})` : '(no team)'].join(' ');
}

/** uid → user name from /etc/passwd (no subprocess); the current user from os.userInfo as a fallback. */
function userNames(): Map<number, string> {
  const names = new Map<number, string>();
  try {
    const text = readFileSync('/etc/passwd');
    if (text.length <= MAX_PASSWD_BYTES) {
      for (const line of text.toString('utf8').split('\n')) {
        if (line.startsWith('#')) continue;
        const fields = line.split(':');
        const uid = Number(fields[2]);
        if (fields.length >= 3 && fields[0] && Number.isInteger(uid) && !names.has(uid)) names.set(uid, fields[0]);
      }
    }
  } catch {
    // no /etc/passwd (Windows) or unreadable: numeric uids
  }
  try {
    const me = os.userInfo();
    if (me.uid >= 0 && !names.has(me.uid)) names.set(me.uid, me.username);
  } catch {
    // no user database entry for the current uid
  }
  return names;
}
