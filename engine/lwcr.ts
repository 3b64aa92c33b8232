/**
 * "Does this code satisfy this lightweight code requirement?", statically,
 * clause by clause (spec lwcr.md §5.2): T, F or undetermined per node, with
 * the OS error (E n) where the OS would stop. The result has the shape of a
 * classic check (engine/result.ts): the same verdicts, slices, posture and
 * signature folding, so a tampered binary is `invalid`, never satisfied.
 */
import type { Range } from '../grammar/ast.js';
import { bytesToHex, CONTEXT_FACTS, LAUNCH_TYPES, printLwcrJson, QUERY_OPS, QUERY_TYPES, VALIDATION_CATEGORIES, type FactTest, type LwcrContext, type LwFact, type LwGroup, type LwNode, type LwValue } from '../lwcr/index.js';
import { postureReport } from '../validator/posture.js';
import { CodeReadError, readCode, type CodeReport, type ReadOptions } from '../validator/read.js';
import type { CheckOptions } from './check.js';
import { sliceFacts, type FactState } from './lwcr-facts.js';
import { checkPidFile, type PidNative, type PidTarget } from './process-target.js';
import { failedResult, overall, type CheckResult, type SliceResult } from './result.js';
import { instantOf, type CheckTime } from './time.js';

export type LwcrVerdict = 'true' | 'false' | 'undetermined';

export interface LwcrEvalNode {
  kind: 'and' | 'or' | 'optional' | 'fact' | 'unknown-op';
  verdict: LwcrVerdict;
  explanation: string;
  range: Range;
  /** The clause as short text, e.g. `team-identifier = "X"`. */
  clause: string;
  children: LwcrEvalNode[];
  /** Why the node is undetermined: `runtime-fact` (only the running system knows) or `needs-macos`. */
  reason?: 'runtime-fact' | 'needs-macos';
  /** The OS error number (spec §1 E table) the OS would stop with here; the node then does not match. */
  error?: number;
  /** An `$optional` whose fact or operator is undefined: true under `$and`, no match under `$or`. */
  ignored?: boolean;
}

export interface LwcrSliceResult extends Omit<SliceResult, 'tree'> {
  tree: LwcrEvalNode | null;
}

export interface LwcrCheckResult extends Omit<CheckResult, 'slices' | 'apple' | 'target'> {
  /** A process check: the process and the file that was checked. */
  target?: PidTarget | { kind: 'static-file-check'; pid: number };
  slices: LwcrSliceResult[];
  /** Always 'lwcr': tells a reader of the JSON which tree it holds. */
  language: 'lwcr';
}

export interface LwcrEvalOptions {
  /** Which evaluator to model (§5.4): facts it does not define are E 5. Default 'launch' (the kernel, every fact). */
  context?: LwcrContext;
}

const oneLine = (v: LwValue) => printLwcrJson(v).replace(/\n\s*/g, ' ');

function clauseOf(f: LwFact): string {
  const t = f.test;
  switch (t.op) {
    case 'eq':
      return `${f.key} = ${oneLine(t.value)}`;
    case '$in':
      return `${f.key} $in [${t.values.map(oneLine).join(', ')}]`;
    case '$query':
      return `${f.key} $query ${t.steps.map((s) => `[${s.opcode}, ${oneLine(s.param)}]`).join(' ')}`;
    case 'unknown':
      return `${f.key} ${t.name}`;
    default:
      return `${f.key} ${t.op} ${oneLine(t.value)}`;
  }
}

function show(key: string, v: LwValue): string {
  if (v.kind === 'int') {
    const n = Number(v.value);
    if (key === 'validation-category' && n in VALIDATION_CATEGORIES) return `${n} (${VALIDATION_CATEGORIES[n]})`;
    if (key === 'launch-type' && n in LAUNCH_TYPES) return `${n} (${LAUNCH_TYPES[n]})`;
    if (key === 'code-signing-flags') return `0x${v.value.toString(16)}`;
  }
  return oneLine(v);
}

function scalarEqual(a: LwValue, b: LwValue): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'data') return bytesToHex(a.bytes) === bytesToHex((b as typeof a).bytes);
  if (a.kind === 'dict' || a.kind === 'array') return false;
  return a.value === (b as typeof a).value;
}

/** Integer view for the ordering operators: the runtime also accepts a bool fact (0/1). */
const asInt = (v: LwValue): bigint | undefined => (v.kind === 'int' ? v.value : v.kind === 'bool' ? (v.value ? 1n : 0n) : undefined);

/** The CoreEntitlements query VM (§2.5). Returns valid/invalid, or an E number. */
function runQuery(ents: LwValue, steps: { opcode: number; param: LwValue }[]): { ok: boolean; error?: number; trace: string } {
  let state: LwValue | undefined = ents;
  const trace: string[] = [];
  for (const { opcode, param } of steps) {
    const info = QUERY_OPS.get(opcode);
    if (!info || !info.executed) return { ok: false, error: 1, trace: `op ${opcode} is not executed by the evaluator (E 1)` };
    if (param.kind !== info.param) return { ok: false, error: 3, trace: `op ${opcode} takes ${info.param} (E 3)` };
    const p = param as LwValue & { value: unknown };
    const s: LwValue | undefined = state;
    const strs = (x: LwValue | undefined): string[] => (x?.kind === 'string' ? [x.value] : x?.kind === 'array' ? x.items.flatMap((i) => (i.kind === 'string' ? [i.value] : [])) : []);
    switch (opcode) {
      case 1:
        state = s?.kind === 'dict' ? s.entries.find((e) => e.key === p.value)?.value : undefined;
        trace.push(state ? `key ${JSON.stringify(p.value)} present` : `no key ${JSON.stringify(p.value)}`);
        break;
      case 9: {
        const keys = s?.kind === 'dict' ? s.entries.filter((e) => e.key.startsWith(p.value as string)).sort((a, b) => b.key.length - a.key.length) : [];
        state = keys[0]?.value;
        trace.push(state ? `key ${JSON.stringify(keys[0]!.key)} has prefix ${JSON.stringify(p.value)}` : `no key with prefix ${JSON.stringify(p.value)}`);
        break;
      }
      case 3:
      case 5:
      case 7: {
        const ok = s !== undefined && s.kind === param.kind && scalarEqual(s, param);
        trace.push(ok ? `value is ${oneLine(param)}` : `value is ${s ? oneLine(s) : 'missing'}, not ${oneLine(param)}`);
        if (!ok) state = undefined;
        break;
      }
      case 4: {
        const ok = s?.kind === 'string' && s.value.startsWith(p.value as string);
        trace.push(ok ? `value starts with ${JSON.stringify(p.value)}` : `value ${s ? oneLine(s) : 'missing'} does not start with ${JSON.stringify(p.value)}`);
        if (!ok) state = undefined;
        break;
      }
      case 6:
      case 8: {
        const ok = strs(s).some((x) => (opcode === 6 ? x === p.value : x.startsWith(p.value as string)));
        trace.push(ok ? `${opcode === 6 ? 'allows' : 'has a value with prefix'} ${JSON.stringify(p.value)}` : `${s ? oneLine(s) : 'missing'} does not ${opcode === 6 ? 'allow' : 'have a value with prefix'} ${JSON.stringify(p.value)}`);
        if (!ok) state = undefined;
        break;
      }
      case 10: {
        const ok = s !== undefined && (s.kind === 'int' ? s.value === p.value : s.kind === 'array' && s.items.some((i) => i.kind === 'int' && i.value === p.value));
        trace.push(ok ? `allows ${p.value}` : `${s ? oneLine(s) : 'missing'} does not allow ${p.value}`);
        if (!ok) state = undefined;
        break;
      }
      case 11: {
        const want = QUERY_TYPES[Number(p.value)];
        const ok = s !== undefined && want === { dict: 'dict', array: 'array', int: 'int', string: 'string', bool: 'bool', data: 'data' }[s.kind];
        trace.push(ok ? `value is of type ${want}` : `value is ${s ? s.kind : 'missing'}, not ${want ?? `type ${p.value}`}`);
        if (!ok) state = undefined;
        break;
      }
    }
    if (state === undefined) return { ok: false, trace: trace.join('; ') };
  }
  return { ok: true, trace: trace.join('; ') };
}

interface Ctx {
  facts: Map<string, FactState>;
  context: LwcrContext;
}

function evalFact(f: LwFact, ctx: Ctx): LwcrEvalNode {
  const base = { kind: 'fact' as const, range: f.range, clause: clauseOf(f), children: [] };
  if (!f.info || !CONTEXT_FACTS[ctx.context].has(f.key)) {
    return { ...base, verdict: 'false', error: 5, explanation: f.info ? `${f.key} is not defined for ${ctx.context} requirements (E 5: undefined fact)` : `unknown fact ${JSON.stringify(f.key)} (E 5: undefined fact)` };
  }
  const st = ctx.facts.get(f.key) ?? { state: 'undefined', why: 'no CodeDirectory' };
  if (st.state === 'undefined') return { ...base, verdict: 'false', error: 5, explanation: `${st.why} (E 5: undefined fact)` };
  if (st.state === 'undetermined') return { ...base, verdict: 'undetermined', reason: f.info.static ? 'needs-macos' : 'runtime-fact', explanation: st.why };
  const fact = st.value;
  const t: FactTest = f.test;
  const have = `${f.key} is ${show(f.key, fact)} (${st.source})${st.uncertain ? ` [uncertain: ${st.uncertain}]` : ''}`;
  const res = (ok: boolean, extra = '') => ({ ...base, verdict: ok ? ('true' as const) : ('false' as const), explanation: have + extra });
  switch (t.op) {
    case 'eq':
      if (t.value.kind !== fact.kind) return { ...base, verdict: 'false', error: 3, explanation: `${have}; the value is ${t.value.kind} (E 3)` };
      return res(scalarEqual(fact, t.value));
    case '$in': {
      const ok = t.values.some((x) => scalarEqual(fact, x));
      return res(ok, t.values.length === 0 ? '; the $in array is empty' : '');
    }
    case '$lt':
    case '$lte':
    case '$gt':
    case '$gte':
    case '$flag-check': {
      const a = asInt(fact);
      const b = asInt(t.value);
      if (a === undefined || b === undefined || t.value.kind !== 'int') return { ...base, verdict: 'false', error: 3, explanation: `${have}; ${t.op} needs integers (E 3)` };
      const ok = t.op === '$lt' ? a < b : t.op === '$lte' ? a <= b : t.op === '$gt' ? a > b : t.op === '$gte' ? a >= b : (b & ~a) === 0n;
      return res(ok);
    }
    case '$query': {
      if (fact.kind !== 'dict') return { ...base, verdict: 'false', error: 3, explanation: `${have}; $query needs the entitlements dictionary (E 3)` };
      const q = runQuery(fact, t.steps);
      return { ...base, verdict: q.ok ? 'true' : 'false', ...(q.error ? { error: q.error } : {}), explanation: `${st.source}: ${q.trace}` };
    }
    case 'unknown':
      return { ...base, verdict: 'false', error: 1, explanation: `operator ${t.name} cannot be evaluated (E 1)` };
  }
}

function evalNode(n: LwNode, ctx: Ctx): LwcrEvalNode {
  switch (n.kind) {
    case 'fact':
      return evalFact(n, ctx);
    case 'unknown-op':
      return { kind: 'unknown-op', verdict: 'false', error: 1, range: n.range, clause: n.op, children: [], explanation: `unknown operator ${JSON.stringify(n.op)} (E 1)` };
    case 'optional': {
      if (!n.child) return { kind: 'optional', verdict: 'false', error: 6, range: n.range, clause: '$optional', children: [], explanation: 'malformed $optional (E 6)' };
      const c = evalNode(n.child, ctx);
      if (c.error === 5 || c.error === 1) return { kind: 'optional', verdict: 'true', ignored: true, range: n.range, clause: '$optional', children: [c], explanation: `ignored: the inner ${c.error === 5 ? 'fact is undefined' : 'operator is unknown'} (true under $and, no match under $or)` };
      return { kind: 'optional', verdict: c.verdict, range: n.range, clause: '$optional', children: [c], explanation: c.verdict === 'undetermined' ? 'as the inner clause: $optional does not make a runtime fact true' : 'as the inner clause', ...(c.error !== undefined ? { error: c.error } : {}) };
    }
    case 'and':
    case 'or':
      return evalGroup(n, ctx);
  }
}

function evalGroup(g: LwGroup, ctx: Ctx): LwcrEvalNode {
  const children = g.children.map((c) => evalNode(c, ctx));
  const clause = g.via === 'top' ? 'requirements' : g.via;
  const out = (verdict: LwcrVerdict, explanation: string, error?: number): LwcrEvalNode => ({ kind: g.kind, verdict, explanation, range: g.range, clause, children, ...(error !== undefined ? { error } : {}) });
  if (g.kind === 'and') {
    // §5.2 step 5: the OS stops at the first false or error; both are non-matches.
    const stop = children.find((c) => c.verdict === 'false');
    if (stop) return out('false', `${stop.clause} ${stop.error !== undefined ? `fails with E ${stop.error}` : 'does not hold'}`, stop.error);
    if (children.every((c) => c.verdict === 'true')) return out('true', `all ${children.length} hold${children.some((c) => c.ignored) ? ' (ignored $optional entries count as true)' : ''}`);
    return out('undetermined', 'the rest holds; some clauses depend on the running system');
  }
  // §5.2 step 6.
  let sawU = false;
  for (const c of children) {
    if (c.verdict === 'true' && !c.ignored) return out('true', `${c.clause} holds`);
    if (c.error !== undefined && !c.ignored) return sawU ? out('undetermined', `an earlier clause is undetermined, then ${c.clause} fails with E ${c.error}`) : out('false', `${c.clause} fails with E ${c.error}`, c.error);
    if (c.verdict === 'undetermined') sawU = true;
  }
  return sawU ? out('undetermined', 'no clause holds statically; some depend on the running system') : out('false', children.length === 0 ? 'nothing to match' : 'no clause holds (an ignored $optional never satisfies $or)');
}

/** Evaluates a requirements tree against one slice's facts. Pure. */
export function evaluateLwcr(tree: LwGroup, facts: Map<string, FactState>, options: LwcrEvalOptions = {}): LwcrEvalNode {
  return evalGroup(tree, { facts, context: options.context ?? 'launch' });
}

const sliceVerdict = (v: LwcrVerdict) => (v === 'true' ? 'satisfied' : v === 'false' ? 'unsatisfied' : 'undetermined');

/** Every slice of a read report, with the classic check's signature folding: unsigned or an invalid signature is `invalid`. */
export function checkLwcrReport(report: CodeReport, tree: LwGroup, text: string, target: string, options: LwcrEvalOptions & { at?: CheckTime } = {}): LwcrCheckResult {
  const slices = report.slices.map((slice): LwcrSliceResult => {
    const problems = slice.verification.problems;
    const facts = slice.facts;
    const postureAt = instantOf(options.at ?? 'signing-time', slice.verification.at ?? facts.secureTimestamp ?? facts.signingTime);
    const base = { arch: slice.arch, status: slice.status, problems, posture: postureReport(facts, undefined, { at: postureAt }) };
    if (slice.status === 'unsigned') return { ...base, verdict: 'invalid', invalidReason: 'the slice is not signed', tree: null };
    const node = evaluateLwcr(tree, sliceFacts(slice), options);
    if (!slice.verification.ok) {
      const errors = problems.filter((p) => p.severity === 'error');
      const shown = errors.slice(0, 3).map((p) => `${p.message} [${p.code}]`);
      if (errors.length > 3) shown.push(`and ${errors.length - 3} more`);
      return { ...base, verdict: 'invalid', invalidReason: `invalid signature: ${shown.length > 0 ? shown.join('; ') : 'the signature did not verify'}`, tree: node };
    }
    return { ...base, verdict: sliceVerdict(node.verdict), tree: node };
  });
  return { verdict: overall(slices.map((s) => s.verdict)), requirement: text, path: target, slices, language: 'lwcr' };
}

export function failedLwcrResult(text: string, target: string, error: { code: string; message: string }): LwcrCheckResult {
  return { ...failedResult(text, target, error), slices: [], language: 'lwcr' };
}

/** Reads the code at `target` and checks it; a read failure is the result (`invalid`, with why). */
export async function checkLwcrPath(tree: LwGroup, text: string, target: string, options: CheckOptions & LwcrEvalOptions = {}): Promise<LwcrCheckResult> {
  const read: ReadOptions = { verifyPages: options.verifyPages ?? true, at: options.at ?? 'signing-time', ...(options.arch !== undefined ? { arch: options.arch } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  let report: CodeReport;
  try {
    report = await (options.readCode ?? readCode)(target, read);
  } catch (err) {
    if (err instanceof CodeReadError) return failedLwcrResult(text, target, { code: err.code, message: err.message });
    throw err;
  }
  return checkLwcrReport(report, tree, text, target, { ...(options.context ? { context: options.context } : {}), ...(options.at ? { at: options.at } : {}) });
}

/**
 * Checks the executable file that process `pid` runs, inside the same
 * PID-reuse guard as a classic process check (engine/check.ts): a static
 * check of the file, labelled so in `target`. Runtime facts (launch type,
 * init process, volumes) stay undetermined: they are not read from the
 * running process.
 */
export async function checkLwcrProcess(pid: number, tree: LwGroup, text: string, native: PidNative, options: CheckOptions & LwcrEvalOptions = {}): Promise<LwcrCheckResult> {
  const read: ReadOptions = { verifyPages: options.verifyPages ?? true, at: options.at ?? 'signing-time', ...(options.arch !== undefined ? { arch: options.arch } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const checked = await checkPidFile(pid, native, async (readPath, _identity, expect): Promise<{ report: CodeReport } | { error: { code: string; message: string } }> => {
    try {
      return { report: await (options.readCode ?? readCode)(readPath, read, expect) };
    } catch (err) {
      if (err instanceof CodeReadError) return { error: { code: err.code, message: err.message } };
      throw err;
    }
  });
  if (!checked.ok) {
    if ('notChecked' in checked) return { ...failedLwcrResult(text, checked.notChecked.target.executablePath || `process ${pid}`, checked.notChecked.error), target: checked.notChecked.target };
    return { ...failedLwcrResult(text, `process ${pid}`, checked.failure), target: { kind: 'static-file-check', pid } };
  }
  const { target, result } = checked;
  if ('error' in result) return { ...failedLwcrResult(text, target.executablePath, result.error), target };
  return { ...checkLwcrReport(result.report, tree, text, target.executablePath, { ...(options.context ? { context: options.context } : {}), ...(options.at ? { at: options.at } : {}) }), target };
}
