import { serviceLevel } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R7: no minimum version for the clients of a privileged service. */
export default defineRule({
  code: 'CSR107',
  id: 'no-minimum-version',
  title: 'No minimum version for clients of a privileged service',
  defaultSeverity: 'warning',
  outsidePrivileged: 'off',
  inferredPrivileged: 'information',
  description: 'Old, injectable builds of the client keep passing.',
  help: 'Add `info[CFBundleVersion] >= "N"` (needs an Info.plist; compared numerically).',
  docs: {
    firesOn: 'no `info[CFBundleVersion] >= "N"`',
    why: 'old, injectable client builds keep passing',
    fix: 'fix appends `and info[CFBundleVersion] >= "1"`',
    catches: { text: 'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345"', privileged: true },
    spares: { text: 'identifier "com.example.app" and cdhash H"1234567890abcdef1234567890abcdef12345678"', privileged: true, why: 'a cdhash pins one build: older builds cannot pass' },
  },
  branch(f) {
    if (!serviceLevel(f) || f.minVersion || f.cdhash) return [];
    return [{
      code: 'CSR107',
      message: 'No minimum version: old builds of the client, which may be injectable, keep passing. Add `info[CFBundleVersion] >= "N"` (compared numerically; needs an Info.plist).',
      range: f.branch.range,
      clause: { title: 'Add a minimum CFBundleVersion', text: 'info[CFBundleVersion] >= "1"', at: 'end' },
    }];
  },
});
