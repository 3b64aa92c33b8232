import { DIAGNOSTIC_CODES } from '../../grammar/diagnostics.js';
import type { RuleSeverity } from '../../language-service/analysis/analyze.js';
import { LANGUAGE_CODES, RULE_BY_CODE, RULE_BY_ID } from '../../language-service/rules/index.js';
import { LWCR_CODES } from '../../lwcr/index.js';
import { parseArgs } from '../args.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { formatJson, formatText } from '../lint/format.js';
import { lintPaths } from '../lint/lint.js';
import { formatSarif } from '../lint/sarif.js';
import { MissingPathError } from '../lint/walk.js';
import { version } from '../version.js';

const HELP = `usage: csrl lint [PATH...] [--format text|json|sarif] [--rule CODE=LEVEL]...
                 [--context default|privileged-helper] [--max-warnings N] [--mode single|set|auto]

Finds code-signing requirements in source trees and reports the same
diagnostics and security lint rules as the language server: standalone
requirement files (.csreq, .rqset) and requirements embedded in Swift,
Objective-C, C/C++ (SecRequirementCreateWithString, setCodeSigningRequirement,
xpc_connection_set_peer_code_signing_requirement, ...), shell scripts
(codesign -R/-r, csreq -r) and property lists (SMPrivilegedExecutables,
SMAuthorizedClients). Lightweight code requirements (LWCR) are read from
launchd plists (SpawnConstraint), launch-constraint plists, *.lwcr.json files
and JSON files whose keys look like LWCR facts (docs/lwcr.md, "Lint"); they
get validation (LW0xx) and lint findings. Folders are walked honouring
.gitignore; binary and unreadable files are skipped with a note.

  PATH                 files or folders to lint (default: the current folder)
  --format FORMAT      text (default): FILE:LINE:COL: severity: message [CODE]
                       json: the schema in docs/lint-json.md
                       sarif: SARIF 2.1.0, for GitHub code scanning
  --rule CODE=LEVEL    set a rule's level: off, error, warning, information or
                       hint; CODE is a code (CSR102) or a rule name
                       (apple-generic-without-team); may be repeated
  --context CONTEXT    privileged-helper applies the rules for clients of a
                       privileged service (R6-R8) everywhere
  --max-warnings N     fail when there are more than N warnings (default: no limit)
  --mode MODE          how .csreq/.rqset files are read: single, set, or auto
                       (default: decided by the first word, as csreq does)

Exit status: 0 no errors and warnings within the limit, 1 errors or too many
warnings, 64 usage error.

Examples:
  csrl lint
  csrl lint Sources Helper/Info.plist --max-warnings 0
  csrl lint --format sarif --context privileged-helper > csrl.sarif
  csrl lint --rule CSR106=off --rule no-minimum-version=error
`;

const LEVELS = new Set<RuleSeverity>(['off', 'error', 'warning', 'information', 'hint']);
const LEVEL_ALIASES: Record<string, RuleSeverity> = { info: 'information', note: 'information', warn: 'warning', none: 'off' };

function knownCode(name: string): boolean {
  return name in DIAGNOSTIC_CODES || name in LWCR_CODES || RULE_BY_CODE.has(name) || RULE_BY_ID.has(name) || LANGUAGE_CODES.some((c) => c.code === name || c.id === name);
}

export function parseRules(specs: string[]): Record<string, RuleSeverity> {
  const out: Record<string, RuleSeverity> = {};
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(`--rule needs CODE=LEVEL, got '${spec}'`);
    const name = spec.slice(0, eq).trim();
    const raw = spec.slice(eq + 1).trim().toLowerCase();
    const level = LEVEL_ALIASES[raw] ?? (raw as RuleSeverity);
    if (!LEVELS.has(level)) throw new UsageError(`unknown level '${raw}' for ${name} (use off, error, warning, information or hint)`);
    const code = name.toUpperCase();
    if (knownCode(code)) out[code] = level;
    else if (knownCode(name)) out[name] = level;
    else throw new UsageError(`unknown rule '${name}' (a code such as CSR101 or a rule name such as identifier-only)`);
  }
  return out;
}

export async function run(args: string[], io: CommandIO): Promise<number> {
  const opts = parseArgs(args, {
    values: { format: ['-f', '--format'], rule: ['--rule'], context: ['--context'], maxWarnings: ['--max-warnings'], mode: ['--mode'] },
    flags: { help: ['-h', '--help'] },
    repeatable: ['rule'],
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const format = opts.values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown format '${format}' (text, json or sarif)`);
  const context = opts.values.context ?? 'default';
  if (context !== 'default' && context !== 'privileged-helper') throw new UsageError(`unknown context '${context}' (default or privileged-helper)`);
  const mode = opts.values.mode;
  if (mode !== undefined && mode !== 'single' && mode !== 'set' && mode !== 'auto') throw new UsageError(`unknown mode '${mode}' (single, set or auto)`);
  let maxWarnings = -1;
  if (opts.values.maxWarnings !== undefined) {
    if (!/^\d{1,9}$/.test(opts.values.maxWarnings)) throw new UsageError(`--max-warnings needs a non-negative integer, got '${opts.values.maxWarnings}'`);
    maxWarnings = Number(opts.values.maxWarnings);
  }
  const severities = parseRules(opts.lists.rule ?? []);
  const paths = opts.positionals.length > 0 ? opts.positionals : ['.'];
  if (paths.includes('-')) throw new UsageError('standard input is not supported: give files or folders');

  let report;
  try {
    report = await lintPaths(paths, io.cwd, {
      analysis: { context, severities, trusted: true, ...(mode ? { mode } : {}) },
      maxWarnings,
    });
  } catch (err) {
    if (err instanceof MissingPathError) throw new UsageError(err.message);
    throw err;
  }
  if (format === 'json') {
    io.stdout(formatJson(report, version()));
  } else if (format === 'sarif') {
    io.stdout(formatSarif(report, version(), io.cwd));
  } else {
    const text = formatText(report);
    io.stdout(text.stdout);
    if (text.stderr) io.stderr(text.stderr);
  }
  return report.exitCode === 0 ? EXIT.ok : EXIT.failure;
}
