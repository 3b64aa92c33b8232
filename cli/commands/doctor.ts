import * as path from 'node:path';
import { doctor, type DoctorOptions, type DoctorReport, type Relationship, type RelationshipKind } from '../../engine/doctor/doctor.js';
import { checkDesignatedOf } from '../../engine/doctor/designated-of.js';
import type { CheckOptions } from '../../engine/check.js';
import { failureLine, renderApple, renderText, VERDICT_WORDS } from '../../engine/render.js';
import type { OverallVerdict } from '../../engine/result.js';
import { CheckTimeError, parseCheckTime } from '../../engine/time.js';
import { oneLine } from '../../validator/printable.js';
import { parseArgs, type ParsedArgs } from '../args.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';
import { sarifLog } from '../sarif-log.js';
import { version } from '../version.js';

const HELP = `usage: csrl doctor PATH [--json | --format text|json|sarif] [--at signing-time|now|ISO-8601]
                   [--no-verify-pages]

Finds every code-signing relationship inside an app (or other bundle) and
checks each one, every architecture, with the same evaluation and the same
verdict words as \`csrl check\`; for a relationship that breaks, it names the
clause that failed and the fact about the code that failed it:

  signature            the bundle's own signature, sealed resources and nested code
  smjobbless-helper    Info.plist SMPrivilegedExecutables requirement → the helper in
                       Contents/Library/LaunchServices/<label>
  smjobbless-client    the helper's embedded SMAuthorizedClients → the app (one must hold)
  smjobbless-launchd   the helper's embedded launchd Label and CFBundleIdentifier = <label>
  smappservice         Contents/Library/LaunchDaemons|LaunchAgents/*.plist BundleProgram:
                       present, signed, the app's team
  spawn-constraint     such a plist's SpawnConstraint (a lightweight code requirement)
                       → its BundleProgram, as launchd evaluates it
  xpc-service, login-item, app-extension
                       Contents/XPCServices, Contents/Library/LoginItems, Contents/PlugIns:
                       the app's team, identifier beginning with the app's identifier
  library-validation   a hardened-runtime executable without
                       com.apple.security.cs.disable-library-validation, and each library
                       it links from the bundle (@rpath, @executable_path, @loader_path):
                       the same team, or Apple's (platform code, or anchor apple)

  --json                   the report as JSON (schema: docs/doctor-json.md); same as --format json
  --format FORMAT          text (default), json or sarif (SARIF 2.1.0, one result per
                           relationship that does not hold)
  --at WHEN                when certificates must be valid: signing-time (default), now,
                           or an ISO-8601 date (a time without a zone is UTC)
  --no-verify-pages        check signatures only, not every code page or sealed resource

Marks: ✔ holds, ✘ does not hold (or cannot be checked), ? only a Mac can decide.

Exit status:
  0  every relationship holds
  1  a relationship does not hold (the clause and the fact are named)
  2  undetermined: only a Mac can decide a clause
  3  cannot be checked: PATH cannot be read or is not a bundle, or some code in a
     relationship cannot be read or its signature is invalid (never "holds")
  64 usage error

Examples:
  csrl doctor build/Tool.app
  csrl doctor --json build/Tool.app | jq '.relationships[] | select(.verdict != "satisfied")'
  csrl doctor --format sarif build/Tool.app > doctor.sarif
`;

const MARK: Record<OverallVerdict, string> = { satisfied: '✔', unsatisfied: '✘', undetermined: '?', invalid: '✘' };

function exitCode(v: OverallVerdict): number {
  return { satisfied: EXIT.ok, unsatisfied: EXIT.failure, undetermined: EXIT.undetermined, invalid: EXIT.cannotCheck }[v];
}

export interface DoctorDeps {
  readCode?: DoctorOptions['readCode'];
}

export async function run(args: string[], io: CommandIO): Promise<number> {
  return runDoctor(args, io, {});
}

export async function runDoctor(args: string[], io: CommandIO, deps: DoctorDeps): Promise<number> {
  const opts = parseArgs(args, {
    values: { format: ['-f', '--format'], at: ['--at'] },
    flags: { json: ['--json'], noVerifyPages: ['--no-verify-pages'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (opts.positionals.length !== 1) throw new UsageError(opts.positionals.length === 0 ? 'the bundle to examine is needed: PATH' : `one PATH at a time (got ${opts.positionals.length})`);
  const format = opts.values.format ?? (opts.flags.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown format '${format}' (use text, json or sarif)`);
  if (opts.flags.json && format !== 'json') throw new UsageError('give either --json or --format, not both');
  const options: DoctorOptions = { verifyPages: !opts.flags.noVerifyPages };
  try {
    options.at = parseCheckTime(opts.values.at);
  } catch (err) {
    if (err instanceof CheckTimeError) throw new UsageError(`--at ${err.message}`);
    throw err;
  }
  if (deps.readCode) options.readCode = deps.readCode;
  const target = opts.positionals[0]!;
  const report = await doctor(path.resolve(io.cwd, target), options);
  report.path = target;
  if (format === 'json') io.stdout(toJson(report) + '\n');
  else if (format === 'sarif') io.stdout(JSON.stringify(toSarif(report, io.cwd), null, 2) + '\n');
  else if (report.error) io.stderr(`csrl doctor: ${oneLine(report.error.message)}\n`);
  else io.stdout(renderDoctor(report));
  if (report.error && format !== 'text') io.stderr(`csrl doctor: ${oneLine(report.error.message)}\n`);
  return exitCode(report.verdict);
}

/** One line per relationship; a failure names the clause, the slice and the fact. */
export function renderDoctor(report: DoctorReport): string {
  const out: string[] = [];
  for (const r of report.relationships) {
    const parties = r.subject === r.against ? oneLine(r.subject) : `${oneLine(r.subject)} ← ${oneLine(r.against)}`;
    let line = `${MARK[r.verdict]} ${r.kind}: ${parties}`;
    if (r.verdict !== 'satisfied') {
      line += `: ${VERDICT_WORDS[r.verdict]}`;
      if (r.clause !== undefined) line += `: ${oneLine(r.clause)}${r.arch && r.arch !== 'all' ? ` (${oneLine(r.arch)})` : ''}`;
      if (r.fact !== undefined) line += ` — ${oneLine(r.fact)}`;
    }
    out.push(line);
    for (const n of r.notes ?? []) out.push(`    note: ${oneLine(n)}`);
  }
  for (const s of report.skipped) out.push(`  skipped: ${oneLine(s.path)}: ${oneLine(s.reason)}`);
  const n = report.relationships.length;
  const counts = (['satisfied', 'unsatisfied', 'undetermined', 'invalid'] as const)
    .filter((v) => report.counts[v] > 0)
    .map((v) => `${report.counts[v]} ${VERDICT_WORDS[v]}`);
  out.push(`result: ${VERDICT_WORDS[report.verdict]} (${n} relationship${n === 1 ? '' : 's'}: ${counts.join(', ')})`);
  return out.join('\n') + '\n';
}

const KINDS: { id: RelationshipKind; text: string }[] = [
  { id: 'signature', text: "The bundle's own signature, sealed resources and nested code verify." },
  { id: 'smjobbless-helper', text: "The privileged helper satisfies the app's SMPrivilegedExecutables requirement." },
  { id: 'smjobbless-client', text: "The app satisfies one of the helper's SMAuthorizedClients requirements." },
  { id: 'smjobbless-launchd', text: "The helper's embedded launchd Label and CFBundleIdentifier are its file name." },
  { id: 'smappservice', text: "A LaunchDaemons/LaunchAgents plist's BundleProgram exists, is signed and has the app's team." },
  { id: 'spawn-constraint', text: "A LaunchDaemons/LaunchAgents plist's BundleProgram satisfies its SpawnConstraint." },
  { id: 'xpc-service', text: "An XPC service has the app's team and an identifier beginning with the app's." },
  { id: 'login-item', text: "A login item has the app's team and an identifier beginning with the app's." },
  { id: 'app-extension', text: "An app extension has the app's team and an identifier beginning with the app's." },
  { id: 'library-validation', text: 'A library loaded by a hardened-runtime executable has its team, or is signed by Apple.' },
];

const SARIF_LEVEL: Record<OverallVerdict, 'error' | 'warning' | 'note' | 'none'> = { satisfied: 'none', unsatisfied: 'error', invalid: 'error', undetermined: 'warning' };

function uri(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0: every relationship kind a rule, every relationship that does not hold a result at its subject. */
export function toSarif(report: DoctorReport, cwd: string) {
  const ruleIndex = new Map(KINDS.map((k, i) => [k.id, i]));
  const base = path.dirname(path.resolve(cwd, report.path));
  const results = report.relationships
    .filter((r) => r.verdict !== 'satisfied')
    .map((r: Relationship) => ({
      ruleId: r.kind,
      ruleIndex: ruleIndex.get(r.kind)!,
      level: SARIF_LEVEL[r.verdict],
      message: { text: `${r.subject} ← ${r.against}: ${VERDICT_WORDS[r.verdict]}${r.clause !== undefined ? `: ${r.clause}` : ''}${r.arch && r.arch !== 'all' ? ` (${r.arch})` : ''}${r.fact !== undefined ? ` — ${r.fact}` : ''}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri(r.subject), uriBaseId: 'BUNDLEROOT' } } }],
      properties: { verdict: r.verdict, against: r.against, rule: r.rule, ...(r.via ? { via: r.via } : {}) },
    }));
  return sarifLog({
    toolVersion: version(),
    informationUri: 'https://developer.apple.com/documentation/technotes/tn3127-inside-code-signing-requirements',
    rules: KINDS.map((k) => ({ id: k.id, name: k.id, shortDescription: { text: k.text }, defaultConfiguration: { level: 'error' }, properties: { tags: ['security'] } })),
    baseId: 'BUNDLEROOT',
    baseFolder: base,
    results,
    invocation: {
      executionSuccessful: report.error === undefined,
      exitCode: exitCode(report.verdict),
      toolExecutionNotifications: [
        ...(report.error ? [{ level: 'error', message: { text: report.error.message } }] : []),
        ...report.skipped.map((s) => ({ level: 'note', message: { text: `skipped: ${s.path}: ${s.reason}` } })),
      ],
    },
  });
}

/**
 * `csrl check --designated-of OLD NEW` (options already parsed by `csrl check`):
 * NEW against OLD's designated requirement, with the requirement shown first.
 */
export async function runDesignatedOf(
  opts: ParsedArgs,
  io: CommandIO,
  deps: { readCode?: CheckOptions['readCode']; pathNative?: () => NonNullable<ReturnType<NonNullable<CheckOptions['apple']>>> },
): Promise<number> {
  if (opts.values['expr'] !== undefined || opts.values['file'] !== undefined) throw new UsageError('--designated-of OLD is the requirement: give no -e or -r');
  if (opts.values['pid'] !== undefined) throw new UsageError('--designated-of checks a PATH, not --pid');
  if (opts.positionals.length !== 1) throw new UsageError(opts.positionals.length === 0 ? 'the new version to check is needed: --designated-of OLD NEW' : `one NEW at a time (got ${opts.positionals.length})`);
  const options: CheckOptions = { verifyPages: !opts.flags['noVerifyPages'] };
  try {
    options.at = parseCheckTime(opts.values['at']);
  } catch (err) {
    if (err instanceof CheckTimeError) throw new UsageError(`--at ${err.message}`);
    throw err;
  }
  if (opts.values['arch'] !== undefined) options.arch = opts.values['arch'];
  if (deps.readCode) options.readCode = deps.readCode;
  if (deps.pathNative) options.apple = () => deps.pathNative!();
  const oldShown = opts.values['designatedOf']!;
  const target = opts.positionals[0]!;
  const out = await checkDesignatedOf(path.resolve(io.cwd, oldShown), path.resolve(io.cwd, target), oldShown, options);
  for (const r of out.results) r.path = target;
  const json = opts.flags['json'] === true;
  if (json) {
    io.stdout(toJson({ ...out.result, designatedOf: { path: oldShown, designated: out.designated }, ...(out.results.length > 1 ? { results: out.results } : {}) }) + '\n');
  } else {
    for (const d of out.designated) io.stdout(`designated requirement of ${oneLine(oldShown)} (${oneLine(d.arch)}${d.implicit ? ', implicit' : ''}): ${oneLine(d.text)}\n`);
    for (const r of out.results) {
      if (r.slices.length === 0) io.stderr(`csrl check: ${failureLine(r)}\n`);
      else io.stdout(renderText(r) + (r.apple ? renderApple(r.apple) : ''));
    }
  }
  if (json && out.result.slices.length === 0) io.stderr(`csrl check: ${failureLine(out.result)}\n`);
  if (out.results.some((r) => r.apple?.disagreement)) {
    io.stderr(`csrl check: DISAGREEMENT WITH APPLE for ${oneLine(target)}\n`);
    return EXIT.cannotCheck;
  }
  return exitCode(out.result.verdict);
}
