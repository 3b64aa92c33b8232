/**
 * The shipped parser reads its lookahead paths and resync follow sets from
 * grammar/parse-lookahead-table.ts instead of computing them at start-up.
 * Here they are computed again by Chevrotain on the validated parser (which
 * reads no table) and must be the committed ones, so a grammar change without
 * a regenerated table fails; and every decision built from the table must
 * answer as Chevrotain's own LL(k) decision does, for every next two tokens.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EOF, LLkLookaheadStrategy, type IToken, type OptionalProductionType, type Rule, type TokenType } from 'chevrotain';
import { ALL_TOKEN_TYPES, COMMA } from '../../grammar/lexer.js';
import { TableLookaheadStrategy } from '../../grammar/parse-lookahead.js';
import { deriveLookaheadTables } from '../../grammar/parse-lookahead-derive.js';
import { LOOKAHEAD_PATHS, RESYNC_FOLLOWS } from '../../grammar/parse-lookahead-table.js';
import { requirementParser, validatedParser } from '../../grammar/parse-rules.js';

/** What a decision reads: the next tokens. */
interface Lookahead {
  LA_FAST(n: number): IToken;
}

const REGENERATE = 'grammar/parse-lookahead-table.ts no longer matches the grammar; regenerate it: npm run build && node scripts/gen-lookahead.mjs && npm run build';

test('the committed lookahead paths and follow sets are the ones Chevrotain computes for the grammar', () => {
  const derived = deriveLookaheadTables();
  assert.deepEqual(derived.paths, LOOKAHEAD_PATHS, REGENERATE);
  assert.deepEqual(derived.follows, RESYNC_FOLLOWS, REGENERATE);
});

test('the shipped parser computes no lookahead path and has the follow sets Chevrotain computes', () => {
  const shipped = requirementParser() as unknown as { lookaheadStrategy: TableLookaheadStrategy; resyncFollows: Record<string, TokenType[]> };
  const validated = validatedParser() as unknown as { resyncFollows: Record<string, TokenType[]> };
  assert.deepEqual([...shipped.lookaheadStrategy.computed.keys()], [], REGENERATE);
  assert.deepEqual(shipped.resyncFollows, validated.resyncFollows, REGENERATE);
});

test('every decision built from the table answers as Chevrotain\'s own, for every next two tokens', () => {
  const types = [...new Set([...ALL_TOKEN_TYPES, COMMA, EOF])];
  const rules = validatedParser().getGAstProductions() as Record<string, Rule>;
  const ours = new TableLookaheadStrategy({ maxLookahead: 2, tokenTypes: types, table: LOOKAHEAD_PATHS });
  const chevrotain = new LLkLookaheadStrategy({ maxLookahead: 2 });
  const tokens = types.map((tokenType) => ({ tokenType, tokenTypeIdx: tokenType.tokenTypeIdx! }) as unknown as IToken);
  let compared = 0;
  for (const key of Object.keys(LOOKAHEAD_PATHS)) {
    const [ruleName, prodType, occurrence] = key.split(' ') as [string, string, string];
    const rule = rules[ruleName]!;
    const common = { prodOccurrence: Number(occurrence), rule, maxLookahead: 2, dynamicTokensEnabled: false };
    const build = (s: typeof chevrotain) =>
      (prodType === 'Alternation'
        ? s.buildLookaheadForAlternation({ ...common, hasPredicates: false })
        : s.buildLookaheadForOptional({ ...common, prodType: prodType as OptionalProductionType })) as (this: Lookahead) => unknown;
    const [mine, theirs] = [build(ours), build(chevrotain)];
    for (const first of tokens) {
      for (const second of tokens) {
        const input: Lookahead = { LA_FAST: (n: number) => (n === 1 ? first : second) };
        assert.equal(mine.call(input), theirs.call(input), `${key} on ${first.tokenType.name} ${second.tokenType.name}`);
        compared++;
      }
    }
  }
  assert.equal(compared, Object.keys(LOOKAHEAD_PATHS).length * tokens.length ** 2);
});
