import { channel, developmentOnly } from '../analysis/branches.js';
import { OID } from '../knowledge.js';
import { defineRule, type Finding } from './types.js';

/** R9: development identities next to production ones. */
export default defineRule({
  code: 'CSR109',
  id: 'development-identity',
  title: 'Development identities accepted in production',
  defaultSeverity: 'warning',
  description: 'An `or` branch admits Apple Development builds (…6.2.1 / …6.1.12) where Developer ID or App Store builds are expected, or a requirement guarding shipped code accepts only development certificates; development builds are usually debuggable.',
  help: 'Remove the development branch, or require the production channel (Developer ID or App Store markers) with the team in subject.OU.',
  docs: {
    firesOn: 'an `or` branch with development markers (WWDR CA …6.2.1, Mac Developer …6.1.12, iPhone Developer …6.1.2) next to a branch with production markers (Developer ID, Mac App Store); a requirement that accepts only development certificates (those markers, or a common name starting `Apple Development:`, `Mac Developer:`, `iPhone Developer:`) where shipped code is checked: SMJobBless keys, XPC peer checks, configuration profiles, AutoPkg verifiers, the privileged-helper context',
    why: 'development builds, usually debuggable, pass in production',
    fix: 'remove the development branch; require the Developer ID or App Store markers',
    catches: { text: 'identifier "com.example.helper" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345"', privileged: true },
    spares: { text: 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.CN] = "Apple Development: Jane Appleseed (K2L3M4N5P6)" and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */', why: 'a development build\'s own designated requirement, outside shipped-code contexts (SMJobBless keys, XPC peer checks, profiles, the privileged-helper context)' },
  },
  branches(facts, ctx) {
    const out: Finding[] = [];
    // Shipped code (a helper, an XPC service, SMJobBless keys, a profile) pinned to development certificates only.
    const devOnly = facts.map(developmentOnly);
    if (ctx.release && facts.length > 0 && devOnly.every((l) => l !== undefined)) {
      for (const l of new Set(devOnly)) {
        out.push({
          code: 'CSR109',
          message: 'This requirement accepts only development-signed code (Apple Development / Mac Developer certificates) where shipped code is checked: the release build, signed with Developer ID or for the App Store, never satisfies it, while any development build — usually debuggable — does. Require the production channel instead (Developer ID: `certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13]`) with the team in `subject.OU`.',
          range: l!.expr.range,
        });
      }
      return out;
    }
    // A loop rather than map: see disjuncts (analysis/branches.ts).
    const chans: ReturnType<typeof channel>[] = [];
    for (const f of facts) chans.push(channel(f));
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
