import { serviceLevel } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R7: no minimum version for the clients of a privileged service. */
export default defineRule({
  code: 'CSR107',
  id: 'no-minimum-version',
  title: 'No minimum version for clients of a privileged service',
  defaultSeverity: 'warning',
  outsidePrivileged: 'off',
  description: 'Old, injectable builds of the client keep passing.',
  help: 'Add `info[CFBundleVersion] >= "N"` (needs an Info.plist; compared numerically).',
  docs: {
    firesOn: 'no `info[CFBundleVersion] >= "N"`',
    why: 'old, injectable client builds keep passing',
    fix: 'fix appends `and info[CFBundleVersion] >= "1"`',
  },
  branch(f, ctx) {
    if (!serviceLevel(f) || f.minVersion || f.cdhash) return [];
    return [{
      code: 'CSR107',
      message: 'No minimum version: old builds of the client, which may be injectable, keep passing. Add `info[CFBundleVersion] >= "N"` (compared numerically; needs an Info.plist).',
      range: f.branch.range,
      fixes: ctx.append(f, 'Add a minimum CFBundleVersion', 'info[CFBundleVersion] >= "1"'),
    }];
  },
});
