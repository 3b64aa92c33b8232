import { defineRule, type Finding } from './types.js';
import { lw } from '../../lwcr/index.js';
import { acceptedCategories, APPLE_ISSUED, containerOf, lwBranches, lwcrHost } from './lwcr-tree.js';

/** R14: an LWCR `team-identifier` that ad-hoc or self-signed code can claim (spec lwcr.md §8 pitfall 10). */
export default defineRule({
  code: 'CSR114',
  id: 'lwcr-team-without-category',
  title: 'LWCR `team-identifier` without a `validation-category` limited to Apple-issued categories',
  defaultSeverity: 'warning',
  description: 'The team ID is bound to the certificate only for Apple-issued signatures; ad-hoc or self-signed code can claim any team ID.',
  help: 'Add `validation-category` with Apple-issued categories only (e.g. 6 for Developer ID, 4 for App Store) next to `team-identifier`.',
  docs: {
    firesOn: 'a launch constraint or other LWCR (launchd `SpawnConstraint`, launch-constraint plist, LWCR JSON) where some `$or` branch checks `team-identifier` with no `cdhash` and no `validation-category` whose values are all Apple-issued (1–6), e.g. `{team-identifier: "ABCDE12345"}`',
    why: 'for ad-hoc or self-signed code the team ID is an unverified claim',
    fix: 'add `validation-category: 6` (Developer ID) or `{$in: [4, 6]}` next to `team-identifier`; the quick fix adds `validation-category` 6 or 4 in the host\'s own form (plist, JSON, XPC dictionary call, Swift builder), or narrows an existing one',
    catches: { text: '{"team-identifier": "ABCDE12345"}', language: 'lwcr-json' },
    spares: { text: '{"team-identifier": "ABCDE12345", "validation-category": 6}', language: 'lwcr-json', why: 'category 6 (Developer ID) makes the team ID Apple-issued' },
  },
  hostMarkers: ['team-identifier'],
  host: lwcrHost((tree, l, at, fix) => {
    const out: Finding[] = [];
    const seen = new Set<unknown>();
    for (const b of lwBranches(tree) ?? []) {
      const team = b.facts.find((f) => f.key === 'team-identifier');
      if (!team || seen.has(team)) continue;
      if (b.facts.some((f) => f.key === 'cdhash')) continue;
      const bound = b.facts.some((f) => {
        if (f.key !== 'validation-category') return false;
        const cats = acceptedCategories(f);
        return cats !== undefined && cats.length > 0 && cats.every((c) => APPLE_ISSUED.includes(c));
      });
      if (bound) continue;
      seen.add(team);
      // In a dictionary whose entries must all match, the category goes beside the team (or replaces a weak one).
      const c = containerOf(l.reqs, team.keyRange.start.offset);
      const existing = c?.all ? c.dict.entries.find((e) => e.key === 'validation-category') : undefined;
      const setCategory = (n: number) => (existing ? l.edit.replaceValue(existing.value, lw.int(n), 'validation-category') : c?.all ? l.edit.addEntry(c.dict, 'validation-category', lw.int(n)) : undefined);
      out.push({
        code: 'CSR114',
        message: 'This constraint trusts `team-identifier` without limiting `validation-category` to Apple-issued categories: ad-hoc or self-signed code can claim any team ID. Add `validation-category` (e.g. 6 for Developer ID) in the same branch.',
        range: at(team.keyRange),
        fixes: [...fix('Require `validation-category` 6 (Developer ID)', setCategory(6)), ...fix('Require `validation-category` 4 (App Store)', setCategory(4))],
      });
    }
    return out;
  }),
});
