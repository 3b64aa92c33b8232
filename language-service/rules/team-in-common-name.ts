import { DEVELOPMENT_NAME, teamIdInCN } from '../analysis/branches.js';
import { defineRule, type Finding } from './types.js';

/** R5: team in the common name. */
export default defineRule({
  code: 'CSR105',
  id: 'team-in-common-name',
  title: 'Team check on `subject.CN`',
  defaultSeverity: 'warning',
  description: 'A team ID compared with `subject.CN` is in the wrong field (the team ID is in `subject.OU`) and never matches; a CN such as "Developer ID Application: Name (TEAMID)" pins one certificate and breaks on renewal.',
  help: 'Check `certificate leaf[subject.OU] = "TEAMID"` plus the channel\'s OID markers.',
  docs: {
    firesOn: '`subject.CN` holding a team ID (the wrong field: the team ID is in `subject.OU`) or a signing identity name (only a hint for the `Apple Development:` name Apple writes into development builds\' designated requirements)',
    why: 'pins one certificate, breaks on renewal; a bare team ID in CN never matches',
    fix: 'fix: `certificate leaf[subject.OU] = "TEAMID"` with the team taken from the CN',
    catches: { text: 'anchor apple generic and identifier "com.example.app" and certificate leaf[subject.CN] = "ABCDE12345"' },
    spares: { text: 'identifier "com.example.app" and anchor apple generic and certificate leaf[subject.CN] = "Apple Development: Jane Appleseed (K2L3M4N5P6)" and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */', why: 'the designated requirement Apple\'s tools write for a development-signed build: at most a hint (in shipped code R9 speaks up)' },
  },
  branch(f) {
    const out: Finding[] = [];
    for (const cn of f.cnChecks) {
      const e = cn.expr;
      if (e.kind !== 'certField' || !('value' in e.match)) continue;
      const value = e.match.value.text;
      const team = teamIdInCN(value);
      const identityName = /^(Developer ID|Apple Development|Apple Distribution|Mac Developer|3rd Party Mac Developer|iPhone (Developer|Distribution))/.test(value);
      if (!team && !identityName) continue;
      const fixes = team ? [{ title: `Check the team ID ${team} in subject.OU`, range: e.range, newText: `certificate leaf[subject.OU] = ${JSON.stringify(team)}` }] : [];
      if (team === value) {
        out.push({
          code: 'CSR105',
          message: `"${value}" is a team ID in the wrong field: subject.CN holds the certificate's name (such as "Developer ID Application: Name (${value})") and the team ID is in subject.OU, so this never matches. Compare subject.OU instead: \`certificate leaf[subject.OU] = "${value}"\`.`,
          range: e.range,
          fixes,
        });
      } else if (DEVELOPMENT_NAME.test(value)) {
        // Apple's own designated requirement of a development-signed build names the developer's certificate.
        out.push({
          code: 'CSR105',
          message: 'Apple\'s tools write this common name into the designated requirement of development-signed builds: it pins one developer\'s certificate and breaks when that is renewed (the ID in parentheses is the developer\'s, not the team\'s). For code you ship, check the team in `subject.OU` with the channel\'s OID markers.',
          range: e.range,
          fixes,
          atMost: 'hint',
        });
      } else {
        out.push({
          code: 'CSR105',
          message: team
            ? `Checking the certificate's common name pins one certificate: it breaks when the certificate is renewed. The team ID ${team} in its parentheses belongs in subject.OU: check \`certificate leaf[subject.OU] = "${team}"\` (plus the channel's OID markers) instead.`
            : 'Checking the certificate\'s common name pins one certificate: it breaks when the certificate is renewed. Check the team ID in `subject.OU` (plus the channel\'s OID markers) instead.',
          range: e.range,
          fixes,
        });
      }
    }
    return out;
  },
});
