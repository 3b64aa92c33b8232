import { appleAnchored } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R3: subject checks on an unanchored chain. */
export default defineRule({
  code: 'CSR103',
  id: 'subject-without-apple-anchor',
  title: 'Team or subject checks without an Apple anchor',
  defaultSeverity: 'error',
  description: 'Subject fields of an unanchored chain are self-asserted: a self-signed certificate can carry any OU or CN.',
  help: 'Conjoin `anchor apple generic` (or `anchor apple` for Apple\'s own code).',
  docs: {
    firesOn: '`certificate …[subject.…]`/`[field.…]` checks with no Apple anchor, pinned certificate or cdhash',
    why: 'an unanchored chain is self-asserted: a self-signed certificate can carry any OU or CN',
    fix: 'fix prepends `anchor apple generic and`',
    catches: { text: 'identifier "com.example.app" and certificate leaf[subject.OU] = "ABCDE12345"' },
    spares: { text: 'certificate root = H"1234567890abcdef1234567890abcdef12345678" and certificate leaf[subject.OU] = "ABCDE12345"', why: 'a pinned root certificate is an anchor of its own' },
  },
  marksBranch: true,
  branch(f) {
    if (f.subjectChecks.length === 0 || appleAnchored(f) || f.certHash || f.trusted.length > 0 || f.cdhash) return [];
    return [{
      code: 'CSR103',
      message: 'Certificate fields are checked but nothing says who issued the chain: a self-signed certificate can carry any OU or CN. Add `anchor apple generic` (or `anchor apple` for Apple\'s own code).',
      range: f.subjectChecks[0]!.expr.range,
      clause: { title: 'Add `anchor apple generic`', text: 'anchor apple generic', at: 'start' },
    }];
  },
});
