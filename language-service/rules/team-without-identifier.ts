import { serviceLevel, teamBound } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R6: team-only requirement. */
export default defineRule({
  code: 'CSR106',
  id: 'team-without-identifier',
  title: 'Team-only requirement (no identifier)',
  defaultSeverity: 'warning',
  outsidePrivileged: 'hint',
  description: 'Any other program of the same team satisfies it, so any tool of that team can drive a privileged service. Some projects do this on purpose.',
  help: 'Add `identifier "…"`, or an `or` of the exact client identifiers.',
  docs: {
    firesOn: 'a team-bound branch with no `identifier`',
    why: 'any other tool of the same team can drive the service',
    fix: 'fix prepends `identifier "…" and`',
  },
  branch(f, ctx) {
    if (!serviceLevel(f) || !teamBound(f) || f.identifier || f.cdhash) return [];
    return [{
      code: 'CSR106',
      message: `No identifier: any other program signed by team ${ctx.teamText} satisfies this, so any tool of that team can drive a privileged service. Add \`identifier "…"\` (or an \`or\` of the exact client identifiers).`,
      range: f.branch.range,
      fixes: ctx.prepend(f, 'Add an identifier check', 'identifier "com.example.client"'),
    }];
  },
});
