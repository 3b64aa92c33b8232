/**
 * LWCR diagnostics, shaped like the classic ones (grammar/diagnostics.ts):
 * a stable code, a severity, a message and a source range. `os` names the
 * error the OS would report (the E numbers of spec §1), when there is one.
 */
import type { Severity } from '../grammar/diagnostics.js';
import type { Range } from './value.js';

export const LWCR_CODES = {
  LW001: 'not readable (syntax)',
  LW002: 'the requirements dictionary is empty',
  LW010: 'unknown fact',
  LW011: '$optional hides an unknown fact or operator (a typo is silently ignored)',
  LW012: 'unknown operator',
  LW013: 'fact not defined in this context',
  LW020: 'value type does not match the fact',
  LW021: 'operator does not apply to this fact',
  LW022: 'operand of the wrong type',
  LW030: 'more than one operator for one fact',
  LW031: 'logical operator as the value of a fact',
  LW032: 'fact key inside an operator',
  LW033: 'value operator where no fact is active',
  LW040: 'empty dictionary or array',
  LW041: 'nested too deeply',
  LW042: '$optional needs exactly one entry',
  LW043: 'malformed $and-array / $or-array element',
  LW050: '$in element of another type than the fact (skipped)',
  LW051: 'empty $in never matches',
  LW060: 'malformed $query element',
  LW061: 'unknown $query opcode',
  LW062: '$query parameter of the wrong type',
  LW063: '$query opcode not executed by the evaluator examined',
  LW070: 'validation category not valid in a constraint',
  LW071: 'ordering comparison on validation-category',
  LW072: 'cdhash that is not 20 bytes never matches',
  LW073: 'wildcard character in an exact-match identifier',
  LW074: 'fact key rests on uncertain facts',
  LW090: 'envelope without integer vers and comp',
  LW091: 'envelope key of the wrong type',
  LW092: 'unsupported compatible version',
  LW093: 'negative constraint category',
  LW094: 'constraint category 0 without requirements',
  LW095: 'unusual envelope value',
} as const;

export type LwcrCode = keyof typeof LWCR_CODES;

export interface LwcrDiagnostic {
  code: LwcrCode;
  severity: Severity;
  message: string;
  range: Range;
  /** The OS error number (spec §1 E table) this would produce, when known. */
  os?: number;
}
