import { UsageError } from './io.js';

/** A tiny, strict option parser: unknown options are usage errors, never silently ignored. */
export interface OptionSpec {
  /** Options taking a value, by every spelling (e.g. ['-e', '--expr']). */
  values?: Record<string, string[]>;
  /** Boolean flags, by every spelling. */
  flags?: Record<string, string[]>;
  /** Options that may repeat (their values are collected). */
  repeatable?: string[];
}

export interface ParsedArgs {
  values: Record<string, string | undefined>;
  lists: Record<string, string[]>;
  flags: Record<string, boolean>;
  positionals: string[];
}

export function parseArgs(args: string[], spec: OptionSpec): ParsedArgs {
  const byName = new Map<string, { key: string; takesValue: boolean }>();
  for (const [key, names] of Object.entries(spec.values ?? {})) for (const n of names) byName.set(n, { key, takesValue: true });
  for (const [key, names] of Object.entries(spec.flags ?? {})) for (const n of names) byName.set(n, { key, takesValue: false });
  const out: ParsedArgs = { values: {}, lists: {}, flags: {}, positionals: [] };
  const repeatable = new Set(spec.repeatable ?? []);
  let onlyPositionals = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      out.positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const option = byName.get(name);
    if (!option) throw new UsageError(`unknown option '${name}'`);
    if (!option.takesValue) {
      if (eq > 0) throw new UsageError(`option '${name}' takes no value`);
      out.flags[option.key] = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = args[++i];
      if (value === undefined) throw new UsageError(`option '${name}' needs a value`);
    }
    if (repeatable.has(option.key)) (out.lists[option.key] ??= []).push(value);
    else if (out.values[option.key] !== undefined) throw new UsageError(`option '${name}' given twice`);
    else out.values[option.key] = value;
  }
  return out;
}

const MAX_PID = 2 ** 31 - 1;

/** `--pid` takes a positive decimal integer that fits a pid_t; anything else is a usage error, never a guess. */
function parsePid(value: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > MAX_PID) throw new UsageError(`--pid takes a positive integer process id, not '${value}'`);
  return Number(value);
}

/** PATH and --pid name the code to inspect in two different ways: exactly one of them. */
export function pidOption(opts: ParsedArgs): number | undefined {
  if (opts.values.pid === undefined) return undefined;
  const pid = parsePid(opts.values.pid);
  if (opts.positionals.length > 0) throw new UsageError('give either PATH or --pid PID, not both');
  return pid;
}
