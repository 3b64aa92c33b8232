import type { TextFix } from '../../grammar/diagnostics.js';
import { teamBound } from '../analysis/branches.js';
import { defineRule, type Finding } from './types.js';

/** R4: locally trusted roots. */
export default defineRule({
  code: 'CSR104',
  id: 'anchor-trusted',
  title: '`anchor trusted` / `certificate N trusted` for third-party code',
  defaultSeverity: 'warning',
  description: 'Accepts any chain the local trust settings trust; whoever can add a trusted root satisfies it (CVE-2026-24070).',
  help: 'Use `anchor apple generic and certificate leaf[subject.OU] = "TEAMID"`.',
  docs: {
    firesOn: '`anchor trusted`, `certificate trusted`, `certificate N trusted`',
    why: 'accepts any chain the local trust settings trust (CVE-2026-24070)',
    fix: 'fix replaces it with `anchor apple generic` (and a team check)',
    catches: { text: 'anchor trusted and certificate leaf[subject.CN] = "Developer ID Application: Example Audio Inc (ABCDE12345)"' },
    spares: { text: 'certificate root = H"1234567890abcdef1234567890abcdef12345678" and certificate leaf[subject.OU] = "ABCDE12345"', why: 'a pinned root names one root, not whatever the local trust settings trust' },
  },
  marksBranch: true,
  branch(f, ctx) {
    const out: Finding[] = [];
    for (const t of f.trusted) {
      const fix: TextFix[] = t.expr.kind === 'trustedCerts' || (t.expr.kind === 'trustedCert' && t.expr.slot.index === -1)
        ? ctx.replaceAt(t.expr.range, 'Use `anchor apple generic`', teamBound(f) ? 'anchor apple generic' : `anchor apple generic and ${ctx.teamClause}`)
        : [];
      out.push({
        code: 'CSR104',
        message: '`trusted` accepts any chain the local trust settings trust: whoever can add a trusted root (a user, an installer, an MDM profile) satisfies it, as in CVE-2026-24070. For third-party code use `anchor apple generic` and a team check.',
        range: t.expr.range,
        fixes: fix,
      });
    }
    return out;
  },
});
