/**
 * `csrl xpc-codegen`: the code of the editor's "Generate XPC validation
 * code" (language-service/xpc-codegen), for scripts and CI. A requirement
 * with errors or security findings is refused (exit 1, findings on standard
 * error) unless --force, the command-line "Generate anyway".
 */
import { parse } from '../../grammar/parser.js';
import { DEPLOYMENT_TARGETS, generateXpcCode, xpcCodegenConcerns, type DeploymentTarget, type XpcFamily, type XpcLanguage } from '../../language-service/xpc-codegen/index.js';
import { parseArgs } from '../args.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { readInput } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';

const HELP = `usage: csrl xpc-codegen [-e TEXT | FILE | -] --language swift|objc|c --target VERSION [--api xpc|nsxpc] [--force]

Prints code that makes an XPC service accept only clients satisfying the
requirement and checks the clients' hardened runtime: the newest mechanism
the system offers, with availability fallbacks down to --target.

  -e, --expr TEXT   the requirement text itself
  --language L      swift, objc or c
  --api A           xpc (libxpc; Swift: XPCListener on macOS 26), the default,
                    or nsxpc (NSXPCConnection; Swift and Objective-C)
  --target V        the oldest macOS the service supports: ${DEPLOYMENT_TARGETS.map((t) => t.target).join(', ')}
  --force           generate even when the requirement has errors or security findings

Exit status: 0 generated, 1 refused (errors or findings; see standard error), 64 usage error.

Example:
  csrl xpc-codegen --language c --target 12 examples/developer-id.csreq
`;

export async function run(args: string[], io: CommandIO): Promise<number> {
  const opts = parseArgs(args, {
    values: { expr: ['-e', '--expr'], language: ['--language'], api: ['--api'], target: ['--target'] },
    flags: { force: ['--force'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const language = opts.values.language;
  if (!language || !['swift', 'objc', 'c'].includes(language)) throw new UsageError('--language must be swift, objc or c');
  const family = opts.values.api ?? 'xpc';
  if (!['xpc', 'nsxpc'].includes(family)) throw new UsageError('--api must be xpc or nsxpc');
  const target = opts.values.target;
  if (!target || !DEPLOYMENT_TARGETS.some((t) => t.target === target)) throw new UsageError(`--target must be one of ${DEPLOYMENT_TARGETS.map((t) => t.target).join(', ')}`);
  if (language === 'c' && family === 'nsxpc') throw new UsageError('NSXPCConnection is an Objective-C and Swift API; use --api xpc for C');

  const input = await readInput(opts.values.expr, opts.positionals, io);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(input.bytes);
  } catch {
    throw new UsageError(`${input.name}: not UTF-8 text`);
  }
  // The requirement without the comments and blank lines around it, as the editor takes it.
  const doc = parse(source, { mode: 'single' }).document;
  const text = doc ? source.slice(doc.range.start.offset, doc.range.end.offset) : source.trim();

  const { errors, security } = xpcCodegenConcerns(text);
  for (const d of [...errors, ...security]) io.stderr(formatDiagnostic(input.name, d) + '\n');
  if ((errors.length > 0 || security.length > 0) && !opts.flags.force) {
    io.stderr(`csrl xpc-codegen: not generated: the requirement has ${errors.length} error(s) and ${security.length} security finding(s); --force generates anyway\n`);
    return EXIT.failure;
  }
  const generated = generateXpcCode(text, { language: language as XpcLanguage, family: family as XpcFamily, target: target as DeploymentTarget });
  io.stdout(generated.code);
  return EXIT.ok;
}
