import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkLwcrPath, checkLwcrProcess, failedLwcrResult, type LwcrCheckResult } from '../../engine/lwcr.js';
import type { PidNative } from '../../engine/process-target.js';
import { loadLwcr, isBlocking, type LoadedLwcr } from '../../engine/lwcr-load.js';
import { renderLwcrText } from '../../engine/lwcr-render.js';
import { failureLine, pidLabel } from '../../engine/render.js';
import type { CheckOptions } from '../../engine/check.js';
import { parse } from '../../grammar/parser.js';
import {
  bytesToHex,
  canonical,
  classicToLwcr,
  lwcrToClassic,
  encodeDocument,
  lw,
  makeEnvelope,
  printLwcrJson,
  printLwcrXmlPlist,
  wrapConstraintBlob,
  wrapRequirementBlob,
  type LwcrContext,
  type LwcrDiagnostic,
  type LwDict,
  type LwValue,
  type TranslationNote,
} from '../../lwcr/index.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { parseArgs, type ParsedArgs } from '../args.js';
import { readInput } from '../input.js';
import { EXIT, UsageError, type CommandIO } from '../io.js';
import { toJson } from '../json.js';

const HELP = `usage: csrl lwcr parse  [-e TEXT | FILE | -] [--plist] [--context CONTEXT]
       csrl lwcr encode [-e TEXT | FILE | -] [--der | --requirement-blob] [--hex] [-o OUT] [--ccat N]
       csrl lwcr decode [-e HEX | FILE | -] [--plist | --reqs]
       csrl lwcr from-classic [-e TEXT | FILE | -] [--plist]
       csrl lwcr to-classic [-e TEXT | FILE | -]

Lightweight code requirements (launch and library constraints, XPC peer
requirements): the dictionary language of docs/lwcr.md.

Input, in any of these forms (sensed from the content):
  JSON (csrl's form: data as {"$data": "hex"}), an XML or binary property
  list of the requirements dictionary (what codesign --launch-constraint-*
  takes), the DER envelope, a 0xfade8181 constraint blob, a kind-2
  0xfade0c00 Requirement blob, or hex of any binary form.

  parse    validate; print the requirements as canonical JSON (keys sorted),
           or --plist as an XML plist; diagnostics as FILE:LINE:COL: error: … [LWxxx]
  encode   write the 0xfade8181 blob that goes in signature slots 8–11
           (default), --der the envelope DER only, --requirement-blob the
           kind-2 Requirement blob; keys sorted, ccat 0, comp 1, vers 1
  decode   print a blob or DER as JSON: the whole envelope (default), --reqs
           the requirements only, --plist the requirements as an XML plist
  from-classic  translate a classic requirement (text) to an LWCR
  to-classic    translate an LWCR to classic requirement text
           Both translate only where the meaning is the same; approximate
           clauses are noted, and a clause without an equivalent refuses the
           whole translation (exit 1), with the reason

  -e, --expr TEXT   the input itself
  --context C       the evaluator it is for: launch (default), on-disk, process, library;
                    facts that evaluator does not define are flagged (they are E 5 there)
  --hex             print lower-case hex instead of binary
  -o, --output OUT  write the result to OUT
  --ccat N          constraint category to put in the envelope (default 0)

Exit status: 0 valid / done, 1 errors in the input, 64 usage error.

Examples:
  csrl lwcr parse -e '{"team-identifier": "ABCDE12345", "validation-category": 6}'
  csrl lwcr encode --hex constraint.plist
  csrl lwcr decode -e fade818100000059704f020101b04a30090c046363617402010030090c04636f6d7002010130270c0472657173b01f301d0c0f7465616d2d6964656e7469666965720c0a38584355553232534e3230090c0476657273020101
  csrl lwcr from-classic -e 'identifier "com.example.tool" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"'
  csrl check --lwcr constraint.plist /Applications/Tool.app
`;

const SEVERITY_WORD: Record<LwcrDiagnostic['severity'], string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** `FILE:LINE:COL: severity: message [CODE]`, as the classic diagnostics print. Binary inputs count columns as byte offset + 1. */
export function formatLwcrDiagnostic(file: string, d: LwcrDiagnostic): string {
  return `${file}:${d.range.start.line}:${d.range.start.column}: ${SEVERITY_WORD[d.severity]}: ${d.message} [${d.code}]`;
}

const CONTEXTS: readonly LwcrContext[] = ['launch', 'on-disk', 'process', 'library'];

export function contextOption(v: string | undefined): LwcrContext | undefined {
  if (v === undefined) return undefined;
  if (!(CONTEXTS as readonly string[]).includes(v)) throw new UsageError(`--context must be one of ${CONTEXTS.join(', ')}`);
  return v as LwcrContext;
}

export async function run(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    io.stdout(HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!['parse', 'encode', 'decode', 'from-classic', 'to-classic'].includes(sub)) throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}: parse, encode, decode, from-classic or to-classic`);
  const opts = parseArgs(rest, {
    values: { expr: ['-e', '--expr'], output: ['-o', '--output'], context: ['--context'], ccat: ['--ccat'] },
    flags: { plist: ['--plist'], hex: ['--hex'], der: ['--der'], requirementBlob: ['--requirement-blob'], reqs: ['--reqs'], help: ['-h', '--help'] },
  });
  if (opts.flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const input = await readInput(opts.values.expr, opts.positionals, io);
  if (sub === 'from-classic') return fromClassic(new TextDecoder().decode(input.bytes), input.name, opts.flags.plist === true, io);
  const loaded = loadLwcr(input.inline ? new TextDecoder().decode(input.bytes) : input.bytes, input.name, contextOption(opts.values.context));
  for (const d of loaded.diagnostics) io.stderr(formatLwcrDiagnostic(loaded.name, d) + '\n');
  const reqs = loaded.document?.reqs;
  const errors = loaded.diagnostics.some(isBlocking);
  if (sub === 'parse') {
    if (reqs) io.stdout(opts.flags.plist ? printLwcrXmlPlist(canonical(reqs)) : printLwcrJson(canonical(reqs)) + '\n');
    return errors || !reqs ? EXIT.failure : EXIT.ok;
  }
  if (sub === 'to-classic') {
    if (!loaded.tree) return EXIT.failure;
    const r = lwcrToClassic(loaded.tree);
    for (const n of r.notes) io.stderr(noteLine(loaded.name, n) + '\n');
    if (r.text === undefined) return EXIT.failure;
    io.stdout(r.text + '\n');
    return EXIT.ok;
  }
  if (sub === 'decode') {
    if (!loaded.document) return EXIT.failure;
    const env = loaded.document.envelope;
    if (opts.flags.plist || opts.flags.reqs) {
      if (!reqs) return EXIT.failure;
      io.stdout(opts.flags.plist ? printLwcrXmlPlist(reqs) : printLwcrJson(reqs) + '\n');
    } else if (env) {
      // The envelope as stored (order and unknown keys kept), with the DER version beside it.
      const shown: LwDict = lw.dict([['der-version', lw.int(env.derVersion)], ...env.dict.entries.map((e): [string, LwValue] => [e.key, e.value])]);
      io.stdout(`${printLwcrJson(shown)}\n`);
    } else if (reqs) io.stdout(printLwcrJson(reqs) + '\n');
    return loaded.diagnostics.some((d) => d.severity === 'error') ? EXIT.failure : EXIT.ok;
  }
  return encode(opts, loaded, reqs, io);
}

function noteLine(file: string, n: TranslationNote): string {
  return `${file}:${n.range.start.line}:${n.range.start.column}: ${n.kind === 'refused' ? 'error: refused' : 'note: approximate'}: ${n.clause}: ${n.reason}`;
}

function fromClassic(text: string, name: string, plist: boolean, io: CommandIO): number {
  const parsed = parse(text, { mode: 'single' });
  for (const d of parsed.diagnostics) io.stderr(formatDiagnostic(name, d) + '\n');
  if (!parsed.ok || parsed.document?.kind !== 'requirement') return EXIT.failure;
  const r = classicToLwcr(parsed.document);
  for (const n of r.notes) io.stderr(noteLine(name, n) + '\n');
  if (!r.lwcr) return EXIT.failure;
  io.stdout(plist ? printLwcrXmlPlist(canonical(r.lwcr)) : printLwcrJson(canonical(r.lwcr)) + '\n');
  return EXIT.ok;
}

function encode(opts: ParsedArgs, loaded: LoadedLwcr, reqs: LwValue | undefined, io: CommandIO): number {
  if (!reqs || reqs.kind !== 'dict' || loaded.diagnostics.some(isBlocking)) {
    io.stderr(`csrl lwcr: ${loaded.name}: not encoded: the requirement has errors\n`);
    return EXIT.failure;
  }
  if (opts.flags.der && opts.flags.requirementBlob) throw new UsageError('give --der or --requirement-blob, not both');
  let ccat: bigint | undefined;
  if (opts.values.ccat !== undefined) {
    if (!/^[0-9]+$/.test(opts.values.ccat)) throw new UsageError('--ccat takes a non-negative integer');
    ccat = BigInt(opts.values.ccat);
  }
  const der = encodeDocument(makeEnvelope(reqs, ccat !== undefined ? { ccat } : {}));
  const bytes = opts.flags.der ? der : opts.flags.requirementBlob ? wrapRequirementBlob(der) : wrapConstraintBlob(der);
  if (!opts.flags.hex && opts.values.output === undefined && io.stdoutIsTTY) throw new UsageError('refusing to write binary to a terminal; use --hex or -o FILE');
  const out = opts.flags.hex ? new TextEncoder().encode(bytesToHex(bytes) + '\n') : bytes;
  if (opts.values.output !== undefined) {
    const target = path.resolve(io.cwd, opts.values.output);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, out);
    renameSync(temp, target);
  } else if (opts.flags.hex) io.stdout(bytesToHex(bytes) + '\n');
  else io.stdoutBytes(out);
  return EXIT.ok;
}

/** `csrl check --lwcr FILE | --lwcr-json TEXT PATH`: the same exit codes and JSON shape as a classic check. */
export async function runLwcrCheck(
  source: { file?: string; text?: string; context?: string },
  target: string | { pid: number; native: PidNative },
  options: CheckOptions,
  json: boolean,
  io: CommandIO,
): Promise<LwcrCheckResult> {
  let loaded: LoadedLwcr;
  const context = contextOption(source.context);
  if (source.text !== undefined) loaded = loadLwcr(source.text, '<text>', context);
  else {
    const input = await readInput(undefined, [source.file!], io);
    loaded = loadLwcr(input.bytes, input.name, context);
  }
  for (const d of loaded.diagnostics) if (d.severity !== 'information') io.stderr(formatLwcrDiagnostic(loaded.name, d) + '\n');
  const name = typeof target === 'string' ? target : `process ${target.pid}`;
  let result: LwcrCheckResult;
  if (!loaded.tree) {
    result = failedLwcrResult(loaded.text, name, { code: 'requirement-invalid', message: `${loaded.name}: the requirement has errors, so nothing was checked` });
  } else if (typeof target === 'string') {
    result = await checkLwcrPath(loaded.tree, loaded.text, path.resolve(io.cwd, target), { ...options, ...(context ? { context } : {}) });
    result.path = target;
  } else {
    result = await checkLwcrProcess(target.pid, loaded.tree, loaded.text, target.native, { ...options, ...(context ? { context } : {}) });
  }
  // As for a classic process check: which file of which process was judged comes first.
  const label = result.target && 'executablePath' in result.target ? pidLabel(result.target) : '';
  if (json) io.stdout(toJson(result) + '\n');
  else if (result.slices.length === 0) io.stderr(label + `csrl check: ${failureLine({ ...result, slices: [] })}\n`);
  else io.stdout((label ? label + '\n' : '') + renderLwcrText(result));
  return result;
}
