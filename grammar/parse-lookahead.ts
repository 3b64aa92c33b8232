/**
 * Chevrotain's LL(k) decisions, built from lookahead paths that need not be
 * computed at start-up.
 *
 * Paths: getLookaheadPaths walks the recorded grammar for every decision,
 * most of the parser's construction time in every process that parses. The
 * shipped parser reads them from parse-lookahead-table.ts instead, generated
 * from Chevrotain's own computation (scripts/gen-lookahead.mjs) and checked
 * against it by test/grammar/lookahead-table.test.ts; a decision the table
 * lacks is computed as before.
 *
 * Decisions: the same answer as Chevrotain's (the first alternative with a
 * path the next tokens match; for an optional part, whether a path into it
 * matches), found through a table keyed by the next token's type instead of
 * a walk over every path. `primary` has 15 alternatives and `matchSuffix` 13,
 * and the walk was the parser's largest single cost after rule invocation.
 * Used only where Chevrotain's own builder would use a plain path walk or
 * token lookup: no gates, no token categories, no dynamic tokens, paths of
 * one or two tokens (one for an optional part); anything else is left to
 * LLkLookaheadStrategy.
 */
import { getLookaheadPaths, LLkLookaheadStrategy, type IOrAlt, type IToken, type LookaheadProductionType, type LookaheadSequence, type OptionalProductionType, type Rule, type TokenType } from 'chevrotain';

/** What the parser offers a lookahead function (Chevrotain's unchecked token access). */
interface Lookahead {
  LA_FAST(howMuch: number): IToken;
}

/** Lookahead paths by decision (see decisionKey), token types by name: the generated table's form. */
export type LookaheadTable = Readonly<Record<string, ReadonlyArray<ReadonlyArray<readonly string[]>>>>;

/** Resync follow sets by Chevrotain's key (`rule` + occurrence + `_~_` + calling rule), token types by name. */
export type FollowTable = Readonly<Record<string, readonly string[]>>;

/** A decision's name: its rule, kind and occurrence index (`primary Alternation 0`, `expr Repetition 0`). */
export function decisionKey(rule: string, prodType: LookaheadProductionType, occurrence: number): string {
  return `${rule} ${prodType} ${occurrence}`;
}

/** Token types by name, for reading the tables. */
export function tokensByName(types: readonly TokenType[]): (name: string) => TokenType {
  const byName = new Map(types.map((t) => [t.name, t]));
  return (name) => {
    const t = byName.get(name);
    if (t === undefined) throw new Error(`lookahead table names an unknown token type ${name} (regenerate it: node scripts/gen-lookahead.mjs)`);
    return t;
  };
}

/** The follow sets Chevrotain's computeAllProdsFollows would give, from the table. */
export function readFollows(table: FollowTable, token: (name: string) => TokenType): Record<string, TokenType[]> {
  const follows: Record<string, TokenType[]> = {};
  for (const [key, names] of Object.entries(table)) follows[key] = names.map(token);
  return follows;
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

/**
 * Whether to enter an optional part (OPTION, MANY, …) when every path into it
 * is one token long, as Chevrotain decides it then: by the next token's type.
 * Longer paths are left to Chevrotain's walk.
 */
function optionalDecision(inside: LookaheadSequence): ((this: Lookahead) => boolean) | undefined {
  if (!inside.every((path) => path.length === 1)) return undefined;
  if (inside.length === 1) {
    const only = inside[0]![0]!.tokenTypeIdx!;
    return function enters(this: Lookahead): boolean {
      return this.LA_FAST(1).tokenTypeIdx === only;
    };
  }
  const starts: boolean[] = [];
  for (const path of inside) starts[path[0]!.tokenTypeIdx!] = true;
  return function enters(this: Lookahead): boolean {
    return starts[this.LA_FAST(1).tokenTypeIdx] === true;
  };
}

export class TableLookaheadStrategy extends LLkLookaheadStrategy {
  /** The paths computed here because the table had none for the decision, by decision key: what the generator writes. */
  readonly computed = new Map<string, LookaheadSequence[]>();
  private readonly table: LookaheadTable | undefined;
  private readonly token: (name: string) => TokenType;

  /** `table` is left out to compute every path as Chevrotain does (the grammar tests, the generator). */
  constructor(options: { maxLookahead: number; tokenTypes: readonly TokenType[]; table?: LookaheadTable }) {
    super({ maxLookahead: options.maxLookahead });
    this.table = options.table;
    this.token = tokensByName(options.tokenTypes);
  }

  private paths(rule: Rule, prodType: LookaheadProductionType, occurrence: number, maxLookahead: number): LookaheadSequence[] {
    const key = decisionKey(rule.name, prodType, occurrence);
    const committed = this.table?.[key];
    if (committed !== undefined) return committed.map((alt) => alt.map((path) => path.map(this.token)));
    const paths = getLookaheadPaths({ occurrence, rule, prodType, maxLookahead });
    this.computed.set(key, paths);
    return paths;
  }

  override buildLookaheadForAlternation(options: {
    prodOccurrence: number;
    rule: Rule;
    maxLookahead: number;
    hasPredicates: boolean;
    dynamicTokensEnabled: boolean;
  }): (orAlts?: IOrAlt<unknown>[] | undefined) => number | undefined {
    if (!options.hasPredicates && !options.dynamicTokensEnabled) {
      const paths = this.paths(options.rule, 'Alternation', options.prodOccurrence, options.maxLookahead);
      const decide = usesCategories(paths) ? undefined : tableDecision(paths);
      if (decide) return decide as () => number | undefined;
    }
    return super.buildLookaheadForAlternation(options);
  }

  override buildLookaheadForOptional(options: {
    prodOccurrence: number;
    prodType: OptionalProductionType;
    rule: Rule;
    maxLookahead: number;
    dynamicTokensEnabled: boolean;
  }): () => boolean {
    if (!options.dynamicTokensEnabled) {
      // Chevrotain's paths for an optional part: [into it, past it]; the decision reads the first.
      const paths = this.paths(options.rule, options.prodType, options.prodOccurrence, options.maxLookahead);
      const enters = usesCategories(paths) ? undefined : optionalDecision(paths[0]!);
      if (enters) return enters as () => boolean;
    }
    return super.buildLookaheadForOptional(options);
  }
}
