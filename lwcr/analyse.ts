/**
 * Validation with positions: reads a requirements dictionary into the typed
 * tree (ast.ts) and reports every rule of spec §2 it breaks, each with a code
 * (diagnostics.ts), a range, and the OS error it would cause. Unknown facts
 * and operators still produce nodes: the OS parses them and fails (or, under
 * `$optional`, ignores them) only at evaluation (§2.6).
 */
import type { FactTest, LwGroup, LwNode, QueryStep } from './ast.js';
import type { LwcrCode, LwcrDiagnostic } from './diagnostics.js';
import {
  CONSTRAINT_INVALID_CATEGORIES,
  CONTEXT_FACTS,
  FACT_BY_KEY,
  isLogicalOp,
  isValueOp,
  MAX_DICT_DEPTH,
  QUERY_OP_DYNAMIC,
  QUERY_OPS,
  VALIDATION_CATEGORIES,
  VALUE_OP_FACT_TYPES,
  type FactInfo,
  type LogicalOp,
  type LwcrContext,
} from './model.js';
import { KIND_WORDS, type LwDict, type LwEntry, type LwValue, type Range } from './value.js';

export interface AnalyseOptions {
  /** Which evaluator the requirement is for: facts it does not define are flagged (§5.4). */
  context?: LwcrContext;
}

export interface Analysis {
  /** The requirements as a tree (an implicit `$and`); undefined when the input is not a dictionary. */
  tree: LwGroup | undefined;
  diagnostics: LwcrDiagnostic[];
}

/** The fact types as the value kinds that carry them. */
const TYPE_KIND = { bool: 'bool', int: 'int', string: 'string', data: 'data', dict: 'dict' } as const;
/** cdhash values are compared as 20-byte truncations; any other length never matches (§8.12). */
export const CDHASH_LENGTH = 20;

export function analyse(reqs: LwValue, options: AnalyseOptions = {}): Analysis {
  const diagnostics: LwcrDiagnostic[] = [];
  const report = (code: LwcrCode, severity: LwcrDiagnostic['severity'], message: string, range: Range, os?: number) => {
    diagnostics.push({ code, severity, message, range, ...(os !== undefined ? { os } : {}) });
  };
  /** An error the OS would raise; a warning when `$optional` would absorb it (E 1 and E 5 only). */
  const absorbable = (optional: boolean, code: LwcrCode, message: string, range: Range, os: 1 | 5) => {
    if (optional) report('LW011', 'warning', `${message}; $optional ignores it silently (a typo?)`, range, os);
    else report(code, 'error', message, range, os);
  };

  const depthCheck = (d: LwDict, depth: number) => {
    if (depth === MAX_DICT_DEPTH + 1) report('LW041', 'error', `dictionaries nested ${depth} deep: at most ${MAX_DICT_DEPTH} levels, counting the requirements dictionary (E 8)`, d.range, 8);
  };

  const group = (d: LwDict, depth: number, via: LogicalOp | 'top', optional: boolean): LwGroup => {
    depthCheck(d, depth);
    if (d.entries.length === 0) report(via === 'top' ? 'LW002' : 'LW040', 'error', via === 'top' ? 'the requirements dictionary is empty (E 2)' : `empty ${via} dictionary (E 4)`, d.range, via === 'top' ? 2 : 4);
    const children = d.entries.map((e) => logicalEntry(e, depth, optional));
    return { kind: via === '$or' || via === '$or-array' ? 'or' : 'and', via, children, range: d.range };
  };

  const logicalEntry = (e: LwEntry, depth: number, optional: boolean): LwNode => {
    const { key, value } = e;
    const range = { start: e.keyRange.start, end: value.range.end };
    if (!key.startsWith('$')) return fact(e, depth, optional);
    if (key === '$and' || key === '$or') {
      if (value.kind !== 'dict') {
        report('LW022', 'error', `${key} takes a dictionary, not ${KIND_WORDS[value.kind]} (E 3)`, value.range, 3);
        return { kind: key === '$and' ? 'and' : 'or', via: key, children: [], range };
      }
      return { ...group(value, depth + 1, key, optional), range };
    }
    if (key === '$and-array' || key === '$or-array') return arrayGroup(key, value, depth, optional, range);
    if (key === '$optional') {
      if (value.kind !== 'dict' || value.entries.length !== 1) {
        report('LW042', 'error', `$optional takes a dictionary with exactly one entry, not ${value.kind === 'dict' ? `${value.entries.length} entries` : KIND_WORDS[value.kind]} (E ${value.kind === 'dict' ? 6 : 3})`, value.range, value.kind === 'dict' ? 6 : 3);
        return { kind: 'optional', child: undefined, range };
      }
      depthCheck(value, depth + 1);
      return { kind: 'optional', child: logicalEntry(value.entries[0]!, depth + 1, true), range };
    }
    if (isValueOp(key)) {
      report('LW033', 'error', `${key} applies to the value of a fact; here no fact is active (E 3)`, e.keyRange, 3);
      return { kind: 'unknown-op', op: key, range };
    }
    absorbable(optional, 'LW012', `unknown operator ${JSON.stringify(key)} (E 1)`, e.keyRange, 1);
    return { kind: 'unknown-op', op: key, range };
  };

  const arrayGroup = (op: '$and-array' | '$or-array', value: LwValue, depth: number, optional: boolean, range: Range): LwGroup => {
    const node: LwGroup = { kind: op === '$and-array' ? 'and' : 'or', via: op, children: [], range };
    if (value.kind !== 'array') {
      report('LW022', 'error', `${op} takes an array of [operator, operand] pairs, not ${KIND_WORDS[value.kind]} (E 3)`, value.range, 3);
      return node;
    }
    if (value.items.length === 0) report('LW040', 'error', `empty ${op} (E 4)`, value.range, 4);
    for (const item of value.items) {
      const bad = (why: string) => report('LW043', 'error', `${op} element: ${why} (E 6)`, item.range, 6);
      if (item.kind !== 'array' || item.items.length !== 2) {
        bad('each element must be a 2-element array [operator, operand]');
        continue;
      }
      const [opv, operand] = item.items as [LwValue, LwValue];
      if (opv.kind !== 'string') {
        bad('the operator must be a string');
        continue;
      }
      const inner = opv.value;
      if (inner === '$and' || inner === '$or' || inner === '$optional') {
        if (operand.kind !== 'dict') {
          bad(`"${inner}" needs a dictionary operand, not ${KIND_WORDS[operand.kind]}`);
          continue;
        }
        if (inner === '$optional') {
          if (operand.entries.length !== 1) {
            report('LW042', 'error', `$optional takes exactly one entry, not ${operand.entries.length} (E 6)`, operand.range, 6);
            node.children.push({ kind: 'optional', child: undefined, range: item.range });
          } else {
            depthCheck(operand, depth + 1);
            node.children.push({ kind: 'optional', child: logicalEntry(operand.entries[0]!, depth + 1, true), range: item.range });
          }
        } else node.children.push({ ...group(operand, depth + 1, inner, optional), range: item.range });
      } else if (inner === '$and-array' || inner === '$or-array') {
        node.children.push(arrayGroup(inner, operand, depth, optional, item.range));
      } else {
        bad(`unknown operator ${JSON.stringify(inner)} (use $and, $or, $optional, $and-array or $or-array)`);
      }
    }
    return node;
  };

  const fact = (e: LwEntry, depth: number, optional: boolean): LwNode => {
    const info = FACT_BY_KEY.get(e.key);
    const range = { start: e.keyRange.start, end: e.value.range.end };
    if (!info) absorbable(optional, 'LW010', `unknown fact ${JSON.stringify(e.key)} (E 5)`, e.keyRange, 5);
    else {
      if (options.context && !CONTEXT_FACTS[options.context].has(info.key)) {
        report('LW013', optional ? 'information' : 'warning', `${info.key} is not defined for ${options.context} requirements: undefined fact (E 5)${optional ? ', ignored under $optional' : ''}`, e.keyRange, 5);
      }
      if (info.uncertain) report('LW074', 'information', `${info.key}: ${info.uncertain} (uncertain)`, e.keyRange);
    }
    return { kind: 'fact', key: e.key, info, test: factTest(info, e, depth), range, keyRange: e.keyRange };
  };

  const factTest = (info: FactInfo | undefined, e: LwEntry, depth: number): FactTest => {
    const v = e.value;
    if (v.kind !== 'dict') {
      if (info) literal(info, v);
      return { op: 'eq', value: v };
    }
    depthCheck(v, depth + 1);
    if (v.entries.length === 0) {
      report('LW040', 'error', `empty dictionary as the value of ${e.key} (E 4)`, v.range, 4);
      return { op: 'unknown', name: '{}', range: v.range };
    }
    if (v.entries.length > 1) {
      report('LW030', 'error', `${e.key} has ${v.entries.length} entries: only one operation may match a fact (E 6); split them with $and-array`, v.range, 6);
      return { op: 'unknown', name: v.entries.map((x) => x.key).join(','), range: v.range };
    }
    const { key: op, value: operand, keyRange } = v.entries[0]!;
    if (isLogicalOp(op)) {
      const what = op === '$and' || op === '$or' ? `${op} operator` : 'factless operator';
      report('LW031', 'error', `${what} disallowed for active fact ${e.key} (E 6); write it at the enclosing level, e.g. with $or-array`, keyRange, 6);
      return { op: 'unknown', name: op, range: v.range };
    }
    if (!op.startsWith('$')) {
      // A dictionary literal for entitlements is still an error: only $query applies to it.
      report('LW032', 'error', `fact not allowed in context: ${JSON.stringify(op)} inside the value of ${e.key}${info?.type === 'dict' ? ' (entitlements take only $query)' : ''}`, keyRange, 6);
      return { op: 'unknown', name: op, range: v.range };
    }
    if (!isValueOp(op)) {
      report('LW012', 'error', `unknown operator ${JSON.stringify(op)} (E 1)${['$not', '$ne', '$nin'].includes(op) ? ': LWCRs have no negation; see the $or-array rewrite' : ''}`, keyRange, 1);
      return { op: 'unknown', name: op, range: v.range };
    }
    if (info && !VALUE_OP_FACT_TYPES[op].includes(info.type)) {
      report('LW021', 'error', `${op} does not apply to ${info.key} (${info.type === 'dict' ? 'a dictionary' : `a ${info.type}`} fact) (E 3)`, keyRange, 3);
    }
    if (op === '$in') {
      if (operand.kind !== 'array') {
        report('LW022', 'error', `$in takes an array, not ${KIND_WORDS[operand.kind]} (E 3)`, operand.range, 3);
        return { op: 'unknown', name: op, range: v.range };
      }
      if (operand.items.length === 0) report('LW051', 'warning', '$in with an empty array never matches', operand.range);
      for (const x of operand.items) {
        if (info && x.kind !== TYPE_KIND[info.type]) report('LW050', 'warning', `$in element is ${KIND_WORDS[x.kind]}, ${info.key} is ${KIND_WORDS[TYPE_KIND[info.type]]}: it is skipped and never matches`, x.range);
        else if (info) literal(info, x);
      }
      return { op, values: operand.items, range: v.range };
    }
    if (op === '$query') return { op, steps: query(operand), range: v.range };
    if (operand.kind !== 'int') {
      report('LW022', 'error', `${op} takes an integer, not ${KIND_WORDS[operand.kind]} (E 3)`, operand.range, 3);
      return { op: 'unknown', name: op, range: v.range };
    }
    if (info?.key === 'validation-category' && op !== '$flag-check') report('LW071', 'warning', `${op} on validation-category: the categories are names, their numbers carry no order`, keyRange);
    return { op, value: operand, range: v.range };
  };

  const literal = (info: FactInfo, v: LwValue) => {
    if (info.type === 'dict') {
      report('LW021', 'error', `${info.key} takes only {$query: [...]}, not ${KIND_WORDS[v.kind]} (E 3)`, v.range, 3);
      return;
    }
    if (v.kind !== TYPE_KIND[info.type]) {
      report('LW020', 'error', `${info.key} is ${KIND_WORDS[TYPE_KIND[info.type]]} fact, the value is ${KIND_WORDS[v.kind]} (E 3)${info.type === 'data' && v.kind === 'string' ? ': write <data>, not a hex string' : ''}`, v.range, 3);
      return;
    }
    if (info.key === 'validation-category' && v.kind === 'int') {
      const n = Number(v.value);
      if (CONSTRAINT_INVALID_CATEGORIES.includes(n) || !(n in VALIDATION_CATEGORIES)) {
        report('LW070', 'error', `validation category ${v.value}${n in VALIDATION_CATEGORIES ? ` (${VALIDATION_CATEGORIES[n]})` : ''} is not valid in a constraint: use 1–6 or 10`, v.range);
      }
    }
    if (info.key === 'cdhash' && v.kind === 'data' && v.bytes.length !== CDHASH_LENGTH) report('LW072', 'warning', `a cdhash of ${v.bytes.length} bytes never matches: cdhashes are ${CDHASH_LENGTH} bytes`, v.range);
    if ((info.key === 'signing-identifier' || info.key === 'team-identifier') && v.kind === 'string' && /[*?]/.test(v.value)) {
      report('LW073', 'warning', `${info.key} is compared byte for byte: "*" and "?" are literal characters, not wildcards`, v.range);
    }
  };

  const query = (operand: LwValue): QueryStep[] => {
    if (operand.kind !== 'array') {
      report('LW022', 'error', `$query takes an array of [opcode, parameter] pairs, not ${KIND_WORDS[operand.kind]} (E 3)`, operand.range, 3);
      return [];
    }
    if (operand.items.length === 0) report('LW040', 'error', 'empty $query (E 4)', operand.range, 4);
    const steps: QueryStep[] = [];
    for (const item of operand.items) {
      if (item.kind !== 'array' || item.items.length !== 2 || item.items[0]!.kind !== 'int' || ['dict', 'array'].includes(item.items[1]!.kind)) {
        report('LW060', 'error', '$query elements are 2-element arrays [integer opcode, scalar parameter] (E 6)', item.range, 6);
        continue;
      }
      const [opv, param] = item.items as [LwValue & { kind: 'int' }, LwValue];
      const opcode = Number(opv.value & ~QUERY_OP_DYNAMIC);
      const info = QUERY_OPS.get(opcode);
      if (!info) report('LW061', 'error', `unknown $query opcode ${opv.value} (E 1)`, opv.range, 1);
      else {
        if (param.kind !== info.param) report('LW062', 'error', `$query op ${opcode} (${info.name}) takes ${KIND_WORDS[info.param]}, not ${KIND_WORDS[param.kind]} (E 3)`, param.range, 3);
        if (!info.executed) report('LW063', 'warning', `$query op ${opcode} (${info.name}) is rejected by the evaluator examined (E 1; uncertain across OS versions)`, opv.range, 1);
        if (info.uncertain && info.executed) report('LW063', 'information', `$query op ${opcode} (${info.name}): ${info.uncertain} (uncertain)`, opv.range);
      }
      steps.push({ opcode, param, range: item.range });
    }
    return steps;
  };

  if (reqs.kind !== 'dict') {
    report('LW022', 'error', `the requirements must be a dictionary, not ${KIND_WORDS[reqs.kind]}`, reqs.range, 7);
    return { tree: undefined, diagnostics };
  }
  return { tree: group(reqs, 1, 'top', false), diagnostics };
}
