/**
 * A faster form of Chevrotain's LL(k) decision for alternations: the same
 * lookahead paths (getLookaheadPaths, as LLkLookaheadStrategy computes them)
 * and the same answer (the first alternative with a path the next tokens
 * match), found through a table keyed by the next token's type instead of a
 * walk over every path of every alternative. `primary` has 15 alternatives
 * and `matchSuffix` 13, and the walk was the parser's largest single cost
 * after rule invocation.
 *
 * Used only where Chevrotain's own builder would use its plain path walk: no
 * gates, no token categories, no dynamic tokens; anything else is left to
 * LLkLookaheadStrategy.
 */
import { getLookaheadPaths, LLkLookaheadStrategy, type IOrAlt, type IToken, type LookaheadSequence, type Rule, type TokenType } from 'chevrotain';

/** What the parser offers a lookahead function (Chevrotain's unchecked token access). */
interface Lookahead {
  LA_FAST(howMuch: number): IToken;
}

/**
 * For one next token: the alternative when the first path it can start
 * decides alone, else the candidates in order as pairs [alternative, type the
 * token after must have, or -1 for any].
 */
type Choice = number | number[];

function usesCategories(paths: LookaheadSequence[]): boolean {
  return paths.some((alt) => alt.some((path) => path.some((t: TokenType) => (t.categoryMatches?.length ?? 0) > 0)));
}

function tableDecision(paths: LookaheadSequence[]): ((this: Lookahead) => number | undefined) | undefined {
  const firsts = new Set<number>();
  for (const alt of paths) {
    for (const path of alt) {
      // An empty path matches without reading a token; the grammar has none, so no table handles it.
      if (path.length === 0 || path.length > 2) return undefined;
      firsts.add(path[0]!.tokenTypeIdx!);
    }
  }
  const table: Array<Choice | undefined> = [];
  for (const first of firsts) {
    const pairs: number[] = [];
    for (let a = 0; a < paths.length; a++) {
      for (const path of paths[a]!) {
        if (path[0]!.tokenTypeIdx === first) pairs.push(a, path.length === 1 ? -1 : path[1]!.tokenTypeIdx!);
      }
    }
    table[first] = pairs[1] === -1 ? pairs[0]! : pairs;
  }
  return function decide(this: Lookahead): number | undefined {
    const choice = table[this.LA_FAST(1).tokenTypeIdx];
    if (typeof choice === 'number') return choice;
    if (choice === undefined) return undefined;
    // As Chevrotain's walk, the second token is read only when a path needs it.
    let second = -2;
    for (let i = 0; i < choice.length; i += 2) {
      const need = choice[i + 1]!;
      if (need === -1) return choice[i];
      if (second === -2) second = this.LA_FAST(2).tokenTypeIdx;
      if (need === second) return choice[i];
    }
    return undefined;
  };
}

export class TableLookaheadStrategy extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(options: {
    prodOccurrence: number;
    rule: Rule;
    maxLookahead: number;
    hasPredicates: boolean;
    dynamicTokensEnabled: boolean;
  }): (orAlts?: IOrAlt<unknown>[] | undefined) => number | undefined {
    if (!options.hasPredicates && !options.dynamicTokensEnabled) {
      const paths = getLookaheadPaths({ occurrence: options.prodOccurrence, rule: options.rule, prodType: 'Alternation', maxLookahead: options.maxLookahead });
      const decide = usesCategories(paths) ? undefined : tableDecision(paths);
      if (decide) return decide as () => number | undefined;
    }
    return super.buildLookaheadForAlternation(options);
  }
}
