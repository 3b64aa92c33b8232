import { channel } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R11: `anchor apple` with third-party traits. */
export default defineRule({
  code: 'CSR111',
  id: 'anchor-apple-third-party',
  title: '`anchor apple` used for third-party code',
  defaultSeverity: 'error',
  description: '`anchor apple` matches only Apple\'s own code; third-party code never satisfies it.',
  help: 'Use `anchor apple generic` with a team check.',
  docs: {
    firesOn: '`anchor apple` with a non-Apple identifier, a team check or developer markers',
    why: '`anchor apple` matches only Apple\'s own code: never true for third-party code',
    fix: 'fix: `anchor apple generic`',
    catches: { text: 'identifier "com.example.app" and anchor apple' },
    spares: { text: 'identifier "com.apple.Safari" and anchor apple', why: 'Apple\'s own code is what `anchor apple` is for' },
  },
  marksBranch: true,
  branch(f) {
    if (!f.appleAnchor) return [];
    const ident = f.identifier?.expr.kind === 'identifier' ? f.identifier.expr.value.text : undefined;
    const { production, development } = channel(f);
    const thirdParty = (ident !== undefined && !ident.startsWith('com.apple.')) || f.teamOU !== undefined || production.length + development.length > 0;
    if (!thirdParty) return [];
    return [{
      code: 'CSR111',
      message: '`anchor apple` matches only Apple\'s own code (a macOS Software Signing leaf); third-party code never satisfies it. Use `anchor apple generic` with a team check.',
      range: f.appleAnchor.expr.range,
      fixes: [{ title: 'Use `anchor apple generic`', range: f.appleAnchor.expr.range, newText: 'anchor apple generic' }],
    }];
  },
});
