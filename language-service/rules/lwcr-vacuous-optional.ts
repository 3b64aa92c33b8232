import type { LwNode, LwOptional } from '../../lwcr/index.js';
import { defineRule } from './types.js';
import { allFacts, containerOf, lwcrHost, mayBeUndefined } from './lwcr-tree.js';

/** R15: `$optional` that leaves the whole constraint with nothing it must check (spec lwcr.md §5.2 rule 7). */
export default defineRule({
  code: 'CSR115',
  id: 'lwcr-vacuous-optional',
  title: 'LWCR whose every check is under `$optional`',
  defaultSeverity: 'warning',
  description: 'An `$optional` whose fact is undefined counts as true under `$and`: when every check is optional, code without those facts passes the constraint.',
  help: 'Take the security-relevant facts (e.g. `team-identifier`) out of `$optional`.',
  docs: {
    firesOn: 'an LWCR whose top-level checks are all `$optional` over facts that can be undefined (`team-identifier`, unknown or misspelt facts, facts the context does not define), e.g. `{$optional: {team-identifier: "ABCDE12345"}}`',
    why: 'code without a team ID (ad-hoc, unsigned team) passes: the constraint checks nothing',
    fix: 'move the fact out of `$optional` or add a required check next to it; the quick fix (plist, JSON) replaces the `$optional` entry with its fact',
    catches: { text: '{"$optional": {"team-identifier": "ABCDE12345"}}', language: 'lwcr-json' },
    spares: { text: '{"validation-category": 6, "$optional": {"team-identifier": "ABCDE12345"}}', language: 'lwcr-json', why: 'a required check stands next to the optional one' },
  },
  hostMarkers: ['$optional'],
  host: lwcrHost((tree, l, at, fix) => {
    // Only an `$and` chain of ignorable `$optional`s passes with every fact undefined: a plain fact must match,
    // and an ignored `$optional` does not satisfy an `$or`.
    const optionals: LwOptional[] = [];
    const vacuous = (n: LwNode): boolean => {
      if (n.kind === 'optional') {
        if (!n.child || !allFacts(n.child).some((f) => mayBeUndefined(f, l.context))) return false;
        optionals.push(n);
        return true;
      }
      if (n.kind === 'and') return n.children.length > 0 && n.children.every(vacuous);
      return false;
    };
    if (!vacuous(tree)) return [];
    return optionals.map((o) => {
      const entry = containerOf(l.reqs, o.range.start.offset)?.entry;
      const inner = entry?.value.kind === 'dict' ? entry.value.entries[0]?.key : undefined;
      const fixes = entry && inner ? fix(`Take \`${inner}\` out of \`$optional\``, l.edit.unwrapOptional(entry)) : [];
      return {
        code: 'CSR115' as const,
        message: 'Every check of this constraint is under `$optional`: code for which these facts are undefined (e.g. no team ID) passes it. Take the fact out of `$optional`.',
        range: at(o.range),
        ...(fixes.length ? { fixes } : {}),
      };
    });
  }),
});
