import { missingAntiInjection, serviceLevel } from '../analysis/branches.js';
import { defineRule } from './types.js';

/** R8: no anti-injection clauses. */
export default defineRule({
  code: 'CSR108',
  id: 'no-anti-injection',
  title: 'No anti-injection clauses',
  defaultSeverity: 'warning',
  outsidePrivileged: 'off',
  inferredPrivileged: 'information',
  description: 'A properly signed client with get-task-allow, disable-library-validation or allow-dyld-environment-variables can be injected and still passes. Hardened runtime itself cannot be expressed in the language: check the code-signing flags.',
  help: 'Add `! entitlement["com.apple.security.get-task-allow"] and ! entitlement["com.apple.security.cs.disable-library-validation"] and ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"]`.',
  docs: {
    firesOn: 'missing `! entitlement["com.apple.security.get-task-allow"]`, `…cs.disable-library-validation`, `…cs.allow-dyld-environment-variables`',
    why: 'a properly signed but injectable client still passes; hardened runtime itself cannot be expressed in the language — check the code-signing flags (`csrl check` reports them)',
    fix: 'fix appends the missing clauses',
    catches: { text: 'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345" and info[CFBundleVersion] >= "42"', privileged: true },
    spares: { text: 'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345"', why: 'outside a privileged helper\'s clients (a plain designated requirement) the rule is off; under SMAuthorizedClients or an XPC listener it is information, a warning with `--context privileged-helper`' },
  },
  branch(f) {
    const missing = missingAntiInjection(f);
    if (!serviceLevel(f) || missing.length === 0) return [];
    return [{
      code: 'CSR108',
      message: `A properly signed client that has ${missing.map((m) => '`' + m + '`').join(', ')} can be injected and still passes. Add \`! entitlement[…]\` for each. Hardened runtime itself cannot be expressed in the language: check the code-signing flags too (csrl check reports them).`,
      range: f.branch.range,
      clause: { title: 'Add the anti-injection clauses', text: missing.map((m) => `! entitlement[${JSON.stringify(m)}]`).join(' and '), at: 'end' },
    }];
  },
});
