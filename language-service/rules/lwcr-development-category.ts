import { lw, VALIDATION_CATEGORIES } from '../../lwcr/index.js';
import { defineRule, type Finding } from './types.js';
import { acceptedCategories, allFacts, containerOf, lwcrHost } from './lwcr-tree.js';

/** Categories a production constraint should not admit (spec lwcr.md §8 pitfall 11; §2.7: 10 includes ad-hoc). */
const RISKY = [2, 3, 10];

/** R16: an LWCR that accepts development, TestFlight or ad-hoc signed code. */
export default defineRule({
  code: 'CSR116',
  id: 'lwcr-development-category',
  title: 'LWCR accepting development, TestFlight or ad-hoc signed code',
  defaultSeverity: 'warning',
  description: 'A `validation-category` test admits category 3 (development), 2 (TestFlight) or 10 (none of the above, including ad-hoc signatures).',
  help: 'Accept only production categories: 6 (Developer ID), 4 (App Store), 1 (platform).',
  docs: {
    firesOn: 'a `validation-category` test (literal, `$in`, `$lt`/`$lte`/`$gt`/`$gte`) that accepts 3, 2 or 10, e.g. `validation-category: 3`, `{$in: [6, 10]}`, `{$gte: 6}`',
    why: 'development builds are usually debuggable; category 10 includes ad-hoc signed code, which anyone can produce',
    fix: 'accept only 6 (Developer ID), 4 (App Store) or 1 (platform); the quick fix sets the value to 6 or 4 in the host\'s own form',
    catches: { text: '{"team-identifier": "ABCDE12345", "validation-category": {"$in": [3, 6]}}', language: 'lwcr-json' },
    spares: { text: '{"team-identifier": "ABCDE12345", "validation-category": {"$in": [4, 6]}}', language: 'lwcr-json', why: 'App Store and Developer ID are production categories' },
  },
  hostMarkers: ['validation-category'],
  host: lwcrHost((tree, l, at, fix) => {
    const out: Finding[] = [];
    for (const f of allFacts(tree)) {
      if (f.key !== 'validation-category') continue;
      const risky = (acceptedCategories(f) ?? []).filter((c) => RISKY.includes(c));
      if (risky.length === 0) continue;
      const value = containerOf(l.reqs, f.keyRange.start.offset)?.entry.value;
      const only = (n: number, name: string) => (value ? fix(`Accept only ${name} (${n})`, l.edit.replaceValue(value, lw.int(n), 'validation-category')) : []);
      const names = [...new Set(risky)].map((c) => `${c} (${VALIDATION_CATEGORIES[c]})`).join(', ');
      out.push({
        code: 'CSR116',
        message: `This \`validation-category\` test accepts ${names}: ${risky.includes(10) ? 'category 10 includes ad-hoc signed code, which anyone can produce' : 'development builds are usually debuggable'}. Accept only production categories (6 Developer ID, 4 App Store).`,
        range: at(f.keyRange),
        fixes: [...only(6, 'Developer ID'), ...only(4, 'App Store')],
      });
    }
    return out;
  }),
});
