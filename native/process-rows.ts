/**
 * Process rows for people: the native process list with user names and, on
 * macOS, each process's signing summary. Shared by `csrl ps` and the
 * extension's process picker, so both show the same thing.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import type { AppleSigningInfo, NativeValidator, ProcessInfo, Unsupported } from './index.js';

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

/** The native process list as rows with user names; with `signing`, Security.framework's summary of each (macOS only). */
export async function processRows(native: NativeValidator, options: { signing?: boolean } = {}): Promise<PsRow[]> {
  const users = userNames();
  const rows = (await native.listProcesses()).map((p) => toRow(p, users));
  if (options.signing) await addSigning(rows, native);
  return rows;
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
  const exe = p.executablePath ?? linuxExecutable(p.pid);
  if (exe !== undefined) row.executablePath = exe;
  if (p.startedAtMs !== undefined) row.startedAt = new Date(p.startedAtMs).toISOString();
  return row;
}

/**
 * Linux: the executable a process runs, as its /proc/PID/exe link names it,
 * where this user may read it (another user's processes and kernel threads,
 * which run no file, have none).
 */
function linuxExecutable(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Linux kernel threads (kthreadd, PID 2, and its children): they run no executable file, so there is nothing to check. */
export function isKernelThread(row: Pick<PsRow, 'pid' | 'ppid' | 'executablePath'>, platform: string = process.platform): boolean {
  return platform === 'linux' && row.executablePath === undefined && (row.pid === 2 || row.ppid === 2);
}

/** Fills in each row's signing summary from Security.framework (macOS; rows are left as they are elsewhere). */
export async function addSigning(rows: PsRow[], native: NativeValidator): Promise<void> {
  if (native.backend !== 'security-framework') return;
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

/** A short signing label: "identifier (TEAM)", or Apple's status when the process is not validly signed. */
export function signingCell(s: SigningSummary | undefined): string {
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
