import { hostLanguage } from '../embedded/hosts.js';
import { defineRule, type Finding } from './types.js';

/**
 * R12: XPC listeners with no requirement, or a PID-based check. Text
 * heuristics on C-family and Swift source with comments blanked out.
 */

/**
 * Where connections are accepted. Creating an NSXPCListener is not enough: its
 * delegate (often in another file) is where the requirement belongs.
 */
const LISTENER = /shouldAcceptNewConnection|XPC_CONNECTION_MACH_SERVICE_LISTENER|xpc_listener_create/g;
const REQUIREMENT_API = /setCodeSigningRequirement|setConnectionCodeSigningRequirement|xpc_connection_set_peer_(?:code_signing|team_identity|platform_identity|lightweight_code|entitlement_exists|entitlement_matches_value)_requirement|xpc_session_set_peer_code_signing_requirement|SecCodeCheckValidity|SecStaticCodeCheckValidity|SecTaskValidateForRequirement|SecTaskCreateWithAuditToken|kSecGuestAttributeAudit|xpc_connection_get_audit_token|auditToken|audit_token_t|peerRequirement|requirement\s*:/;
const PID_CHECK = /kSecGuestAttributePid|xpc_connection_get_pid|\bprocessIdentifier\b|proc_pidpath/g;
const AUDIT = /kSecGuestAttributeAudit|xpc_connection_get_audit_token|auditToken|audit_token_t|SecTaskCreateWithAuditToken/;

export default defineRule({
  code: 'CSR112',
  id: 'xpc-without-requirement',
  title: 'XPC listener without a code-signing requirement, or a PID-based check',
  defaultSeverity: 'warning',
  description: 'A listener that accepts every connection, or checks the peer by process ID (which can be reused and raced), lets any local process drive the service.',
  help: 'Use `setCodeSigningRequirement` (macOS 13+), `xpc_connection_set_peer_code_signing_requirement` (macOS 12+), or an audit-token based check.',
  docs: {
    firesOn: 'Swift/Objective-C/C/C++ code with an XPC listener (`shouldAcceptNewConnection`, `XPC_CONNECTION_MACH_SERVICE_LISTENER`, …) and no requirement API, or a check by process ID (`processIdentifier`, `xpc_connection_get_pid`, `kSecGuestAttributePid`)',
    why: 'any local process can drive the service; PIDs can be reused and raced',
    fix: '`setCodeSigningRequirement` (macOS 13+), `xpc_connection_set_peer_code_signing_requirement` (macOS 12+), or an audit-token check',
    catches: { text: 'final class HelperDelegate: NSObject, NSXPCListenerDelegate {\n    func listener(_ listener: NSXPCListener, shouldAcceptNewConnection connection: NSXPCConnection) -> Bool {\n        connection.exportedInterface = NSXPCInterface(with: HelperProtocol.self)\n        connection.resume()\n        return true\n    }\n}\n', language: 'swift' },
    spares: { text: 'final class HelperDelegate: NSObject, NSXPCListenerDelegate {\n    func listener(_ listener: NSXPCListener, shouldAcceptNewConnection connection: NSXPCConnection) -> Bool {\n        connection.setCodeSigningRequirement("identifier \\"com.example.app\\" and anchor apple generic and certificate leaf[subject.OU] = \\"ABCDE12345\\"")\n        connection.exportedInterface = NSXPCInterface(with: HelperProtocol.self)\n        connection.resume()\n        return true\n    }\n}\n', language: 'swift', why: 'the connection-level requirement is set before the connection resumes' },
  },
  hostMarkers: ['shouldAcceptNewConnection', 'XPC_CONNECTION_MACH_SERVICE_LISTENER', 'xpc_listener_create', 'NSXPCListener', 'XPCListener', 'kSecGuestAttributePid'],
  host(hostText, languageId, index) {
    const family = hostLanguage(languageId)?.family;
    if (family !== 'c' && family !== 'swift') return [];
    const text = blankComments(hostText);
    const out: Finding[] = [];
    const listeners = [...text.matchAll(LISTENER)];
    const pidUses = [...text.matchAll(PID_CHECK)];
    const hasAudit = AUDIT.test(text);
    const pidGuest = /kSecGuestAttributePid/.test(text);
    if (pidUses.length > 0 && (pidGuest || (listeners.length > 0 && !hasAudit))) {
      const m = pidUses.find((p) => p[0] === 'kSecGuestAttributePid') ?? pidUses[0]!;
      out.push({
        code: 'CSR112',
        message: 'The peer is identified by its process ID: a PID can be reused, so another process can be checked in place of the one that connected. Use the connection-level requirement (`setCodeSigningRequirement`, macOS 13+; `xpc_connection_set_peer_code_signing_requirement`, macOS 12+) or an audit-token based check (`kSecGuestAttributeAudit`).',
        range: index.range(m.index!, m.index! + m[0].length),
      });
    } else if (listeners.length > 0 && !REQUIREMENT_API.test(text)) {
      const m = listeners[0]!;
      out.push({
        code: 'CSR112',
        message: 'This XPC listener sets no code-signing requirement on its connections: any local process can connect and drive the service. Call `setCodeSigningRequirement` (macOS 13+) or `xpc_connection_set_peer_code_signing_requirement` (macOS 12+), or check the audit token.',
        range: index.range(m.index!, m.index! + m[0].length),
      });
    }
    return out;
  },
});

/** The text with C/Swift comments replaced by spaces, so offsets stay valid. */
export function blankComments(text: string): string {
  const out = text.split('');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== '\n') out[i] = ' ';
      i--;
    }
  }
  return out.join('');
}
