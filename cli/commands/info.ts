import { infoJson, infoText, inspectPath, inspectProcess, type InfoOptions, type SigningNative } from '../../engine/info.js';
import { processNative, type PidNative } from '../../engine/process-target.js';
import { CheckTimeError, parseCheckTime } from '../../engine/time.js';
import { loadNative } from '../../native/index.js';
import { parseArgs, pidOption } from '../args.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';

export type { SliceInfo, SigningNative } from '../../engine/info.js';
export type { PidFailure, PidNative, PidTarget } from '../../engine/process-target.js';

const HELP = `usage: csrl info (PATH | --pid PID) [--json] [--arch ARCH] [--no-verify-pages] [--at signing-time|now|ISO-8601]

Shows the code signature of PATH (a Mach-O file, or an .app/.framework/.xpc/
.appex bundle) for every architecture slice, on any OS: identifier, team,
flags, CodeDirectories and cdhashes, entitlements, Info.plist, certificate
chain, signing time, the designated requirement (prefixed "# " when it is
implicit, as codesign -d -r- prints it), posture warnings, and whether the
signature verifies (every code page is hashed unless --no-verify-pages).

  --pid PID            inspect the executable file that process PID runs (via
                       the native addon): a point-in-time static check of the
                       file on disk, not of the live process
  --json               print everything as JSON
  --arch ARCH          only this slice (x86_64, arm64, arm64e, i386, ...)
  --no-verify-pages    check the signature only, not the code pages or sealed bundle resources (faster)
  --at WHEN            when certificates must be valid: signing-time (default),
                       now, or an ISO-8601 date (a time without a zone is UTC)

Exit status: 0 every slice is signed and its signature verifies; 3 not
Mach-O, an unsigned slice, or an invalid signature (the message says which),
or (--pid) no such process, the process changed during the check, or the
native addon is not available; on macOS also when csrl and Apple read the
signature differently; 64 usage error.

On macOS, Apple's own reading (Security.framework, through the native addon)
is shown beside ours, for PATH and for --pid: identifier, team, cdhash, flags,
signing time and format. Identifier, team, cdhash of the strongest
CodeDirectory, flags and entitlement keys are compared with the slice Apple
read; any difference is printed loudly. Elsewhere only csrl's reader answers.
`;

export interface InfoDeps {
  /** For --pid; the real addon (loaded on first use) when absent. */
  native?: PidNative;
  /**
   * Who reads Apple's signing information beside ours (PATH and --pid);
   * absent means ours only. The default deps set it on macOS only, so
   * elsewhere `info` never loads (or mentions) Security.framework.
   */
  appleNative?: () => SigningNative;
  /** Architectures in the order Apple prefers them here; from process.arch when absent. */
  preferredArchs?: readonly string[];
}

/** What `run` uses when called without deps: Apple's reading on macOS only. */
export function defaultInfoDeps(platform: NodeJS.Platform = process.platform): InfoDeps {
  return platform === 'darwin' ? { appleNative: loadNative } : {};
}

export async function run(args: string[], io: CommandIO, deps: InfoDeps = defaultInfoDeps()): Promise<number> {
  const opts = parseArgs(args, {
    values: { arch: ['--arch'], at: ['--at'], pid: ['--pid'] },
    flags: { json: ['--json'], noVerifyPages: ['--no-verify-pages'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const pid = pidOption(opts);
  if (pid === undefined && opts.positionals.length !== 1) throw new UsageError(opts.positionals.length === 0 ? 'missing PATH (or --pid PID)' : 'give exactly one PATH');
  const target = pid === undefined ? opts.positionals[0]! : `process ${pid}`;
  let at: InfoOptions['read']['at'];
  try {
    at = parseCheckTime(opts.values.at);
  } catch (err) {
    if (err instanceof CheckTimeError) throw new UsageError(`--at ${err.message}`);
    throw err;
  }
  const options: InfoOptions = { read: { verifyPages: !opts.flags.noVerifyPages, at }, apple: deps.appleNative?.() };
  if (opts.values.arch !== undefined) options.read.arch = opts.values.arch;
  if (deps.preferredArchs) options.preferredArchs = deps.preferredArchs;

  const outcome = pid === undefined ? await inspectPath(target, options) : await inspectProcess(pid, deps.native ?? processNative(), options);
  const json = opts.flags.json === true;
  // In JSON, Apple's lines are in the document; only the problems go to stderr.
  const text = infoText(json && outcome.kind === 'unreadable' ? { ...outcome, apple: undefined } : outcome, target);
  if (json) io.stdout(toJson(infoJson(outcome)) + '\n');
  else io.stdout(text.stdout);
  io.stderr(text.stderr);
  if (outcome.kind === 'process-failed') return EXIT.cannotCheck;
  if (outcome.kind === 'unreadable') return outcome.error.code === 'arch-not-found' ? EXIT.usage : EXIT.cannotCheck;
  return outcome.verdict === 'valid' && !outcome.apple?.disagreement ? EXIT.ok : EXIT.cannotCheck;
}
