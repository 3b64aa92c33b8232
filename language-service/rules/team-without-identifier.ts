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
    catches: { text: 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"', privileged: true },
    spares: { text: 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345" and (identifier "com.example.app" or identifier "com.example.cli") and info[CFBundleVersion] >= "42" and ! entitlement["com.apple.security.get-task-allow"] and ! entitlement["com.apple.security.cs.disable-library-validation"] and ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"]', privileged: true, why: 'an `or` of the exact client identifiers names every client' },
  },
  branch(f, ctx) {
    if (!serviceLevel(f) || !teamBound(f) || f.identifier || f.cdhash) return [];
    return [{
      code: 'CSR106',
      message: `No identifier: any other program signed by team ${ctx.teamText} satisfies this, so any tool of that team can drive a privileged service. Add \`identifier "…"\` (or an \`or\` of the exact client identifiers).`,
      range: f.branch.range,
      clause: { title: 'Add an identifier check', text: 'identifier "com.example.client"', at: 'start' },
    }];
  },
});
