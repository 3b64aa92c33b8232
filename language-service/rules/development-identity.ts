import { channel } from '../analysis/branches.js';
import { OID } from '../knowledge.js';
import { defineRule, type Finding } from './types.js';

/** R9: development identities next to production ones. */
export default defineRule({
  code: 'CSR109',
  id: 'development-identity',
  title: 'Development identities accepted next to production ones',
  defaultSeverity: 'warning',
  description: 'An `or` branch admits Apple Development builds (…6.2.1 / …6.1.12) where Developer ID or App Store builds are expected; development builds are usually debuggable.',
  help: 'Remove the development branch from production requirements.',
  docs: {
    firesOn: 'an `or` branch with development markers (WWDR CA …6.2.1, Mac Developer …6.1.12, iPhone Developer …6.1.2) next to a branch with production markers (Developer ID, Mac App Store)',
    why: 'development builds, usually debuggable, pass in production',
    fix: 'remove the development branch',
  },
  branches(facts) {
    const out: Finding[] = [];
    const chans = facts.map(channel);
    if (!chans.some((c) => c.production.length > 0 && c.development.length === 0)) return out;
    facts.forEach((_f, i) => {
      const dev = chans[i]!.development;
      if (dev.length === 0 || chans[i]!.production.length > 0) return;
      const m = dev[0]!;
      out.push({
        code: 'CSR109',
        message: `This branch admits development identities (${m.oid === OID.wwdrCA ? 'WWDR CA, Apple Development' : 'Mac/Apple Development'}) next to production ones: development builds, which are usually debuggable, also pass.`,
        range: m.literal.expr.range,
      });
    });
    return out;
  },
});
