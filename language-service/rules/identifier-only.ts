import { pinned } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R1: a branch with no signature check at all. */
export default defineRule({
  code: 'CSR101',
  id: 'identifier-only',
  title: 'Identifier (or Info.plist) checked without any signature check',
  defaultSeverity: 'error',
  description: 'Anyone can sign code, even ad hoc, with any identifier: a requirement that checks only the identifier, Info.plist or entitlements accepts impostors.',
  help: 'Add `anchor apple generic and certificate leaf[subject.OU] = "TEAMID"`.',
  docs: {
    firesOn: 'a branch with no signature check at all: `identifier "com.example.app"`, `info[…]`, `entitlement[…]`, `notarized` alone',
    why: 'anyone can sign code, even ad hoc, with any identifier',
    fix: 'fix appends `and anchor apple generic and certificate leaf[subject.OU] = "TEAMID"`',
    catches: { text: 'identifier "com.example.HelperTool"' },
    spares: { text: 'identifier "com.example.tool" and cdhash H"1234567890abcdef1234567890abcdef12345678"', why: 'a cdhash pins the exact code: no one else can produce it' },
  },
  marksBranch: true,
  branch(f, ctx) {
    if (f.certificateConstraint || pinned(f)) return [];
    const what = f.identifier ? 'Only the identifier is checked: anyone can sign code with this identifier, even ad hoc, so any code that claims the name passes.'
      : 'Nothing here checks who signed the code: any code, even ad-hoc signed, can satisfy it.';
    return [{
      code: 'CSR101',
      message: `${what} Add \`anchor apple generic and certificate leaf[subject.OU] = "TEAMID"\`.`,
      range: f.branch.range,
      clause: { title: 'Add an Apple anchor and a team check', text: `anchor apple generic and ${ctx.teamClause}`, at: 'end' },
    }];
  },
});
