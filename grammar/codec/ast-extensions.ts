/**
 * Two facts about Apple's binary form that the shared AST (grammar/ast.ts)
 * has no field for yet. The decoder fills these optional fields and the
 * encoder and printers read them, so decode → encode stays byte-identical:
 *
 * - An unknown opcode flagged opGenericSkip (0x40000000) is a prefix: the
 *   evaluator skips its payload and then evaluates the *following*
 *   expression as its result (spec §5.9). That expression is `operand`.
 * - An unknown match opcode (> 14) is followed by one data item, which the
 *   evaluator consumes (reqinterp `Match::Match`). That item is `value`.
 *
 * Both are structural supersets of the contract types, so code that does
 * not know them still type-checks.
 */
import type { Expr, Match, UnknownOpExpr, Value } from '../ast.js';

export type UnknownOpWithOperand = UnknownOpExpr & { operand?: Expr };
export type UnknownMatchWithValue = Extract<Match, { op: 'unknown' }> & { value?: Value };

export function skipOperand(node: UnknownOpExpr): Expr | undefined {
  return (node as UnknownOpWithOperand).operand;
}

export function unknownMatchValue(match: Extract<Match, { op: 'unknown' }>): Value | undefined {
  return (match as UnknownMatchWithValue).value;
}
