/**
 * The nesting depth that bounds both compile and decompile, so that each
 * accepts exactly what the other writes.
 *
 * Apple's compiler, dumper and SecRequirementCreateWithData have no depth
 * limit (spec §2.3, §3.2, §4); only its interpreter stops, at 1000 nested
 * evaluations (spec §5.2), and that counts every level of a left-nested
 * `a and b and c …` chain, which is how Apple compiles chains. So a chain of
 * 100,000 clauses compiles and prints on a Mac (and never evaluates:
 * errSecCSReqInvalid), and we must read and write it too.
 *
 * The depth counted here is the parser's (grammar/parser.ts tooDeepAt): the
 * `!` and the parentheses of the text Apple's dumper prints for the tree. A
 * chain of one operator prints without parentheses, so its length is free;
 * `!` adds one, and so do the parentheses the dumper puts around an `and` or
 * `or` under `!` and around an `or` under `and` (spec §4.3). The blob's
 * Apple text therefore re-parses with `maxDepth` = this depth. An unknown
 * opcode that hands over to the next expression (opGenericSkip) counts like
 * `!`: nothing real nests them.
 */

/** Default limit of both directions. */
export const DEFAULT_MAX_DEPTH = 1000;

export type NestKind = 'and' | 'or' | 'not' | 'skip' | 'leaf';

/** Depth of a node of kind `child` whose parent (undefined at the top) has depth `parentDepth`. */
export function childDepth(parent: NestKind | undefined, parentDepth: number, child: NestKind): number {
  let d = parentDepth;
  if (child === 'not' || child === 'skip') d++;
  if (child === 'and' || child === 'or') {
    if (parent === 'not' || parent === 'skip' || (parent === 'and' && child === 'or')) d++;
  }
  return d;
}
