import { pinned, teamBound } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R2: any Apple developer. */
export default defineRule({
  code: 'CSR102',
  id: 'apple-generic-without-team',
  title: '`anchor apple generic` without a team check',
  defaultSeverity: 'warning',
  description: 'Every paying Apple developer holds a certificate that satisfies `anchor apple generic`.',
  help: 'Add `certificate leaf[subject.OU] = "TEAMID"`.',
  docs: {
    firesOn: '`anchor apple generic` with no `certificate leaf[subject.OU] = …` (the Mac App Store marker 1.2.840.113635.100.6.1.9 plus an identifier also counts as bound to one team)',
    why: 'every paying Apple developer satisfies it',
    fix: 'fix appends the team check (the team of another branch when there is one)',
    catches: { text: 'anchor apple generic and identifier "com.example.app"' },
    spares: { text: 'identifier "com.example.app" and anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */', why: 'Xcode\'s Mac App Store designated requirement: the App Store marker plus an identifier is bound to one team' },
  },
  marksBranch: true,
  branch(f, ctx) {
    if (!f.appleGeneric || teamBound(f) || pinned(f)) return [];
    const lit = f.appleGeneric;
    return [{
      code: 'CSR102',
      message: '`anchor apple generic` without a team check: every paying Apple developer holds a certificate that satisfies it. Add `certificate leaf[subject.OU] = "TEAMID"`.',
      range: lit.expr.range,
      fixes: ctx.appendAt(lit.expr.range, 'Add a team check', ctx.teamClause),
    }];
  },
});
