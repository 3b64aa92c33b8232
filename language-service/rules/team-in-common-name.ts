import { teamIdInCN } from '../analysis/branches.js';
import { defineRule, type Finding } from './types.js';

/** R5: team in the common name. */
export default defineRule({
  code: 'CSR105',
  id: 'team-in-common-name',
  title: 'Team check on `subject.CN`',
  defaultSeverity: 'warning',
  description: 'A CN such as "Developer ID Application: Name (TEAMID)" pins one certificate and breaks on renewal; a bare team ID in CN never matches.',
  help: 'Check `certificate leaf[subject.OU] = "TEAMID"` plus the channel\'s OID markers.',
  docs: {
    firesOn: '`subject.CN` holding a developer identity name or a team ID',
    why: 'pins one certificate, breaks on renewal; a bare team ID in CN never matches',
    fix: 'fix: `certificate leaf[subject.OU] = "TEAMID"` with the team taken from the CN',
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
      const bare = team === value;
      out.push({
        code: 'CSR105',
        message: bare
          ? `"${value}" looks like a team ID, but the team ID is in subject.OU, not subject.CN: this never matches. Use \`certificate leaf[subject.OU] = "${value}"\`.`
          : 'Checking the certificate\'s common name pins one certificate: it breaks when the certificate is renewed. Check the team ID in `subject.OU` (plus the channel\'s OID markers) instead.',
        range: e.range,
        fixes: team ? [{ title: `Check the team ID ${team} in subject.OU`, range: e.range, newText: `certificate leaf[subject.OU] = ${JSON.stringify(team)}` }] : [],
      });
    }
    return out;
  },
});
