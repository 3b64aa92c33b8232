import type { Finding } from './rules.js';
import type { LineIndex } from './text.js';

/**
 * Rules that look at the code or property list around requirements rather
 * than at a requirement: R12 (XPC listeners with no requirement or a
 * PID-based check) and R13 (launch constraints). Text heuristics on source
 * with comments blanked out; they never execute anything.
 */

const CODE_LANGUAGES = new Set(['swift', 'objective-c', 'objective-cpp', 'c', 'cpp']);
const PLIST_LANGUAGES = new Set(['plist', 'xml']);

/**
 * Where connections are accepted. Creating an NSXPCListener is not enough: its
 * delegate (often in another file) is where the requirement belongs.
 */
const LISTENER = /shouldAcceptNewConnection|XPC_CONNECTION_MACH_SERVICE_LISTENER|xpc_listener_create/g;
const REQUIREMENT_API = /setCodeSigningRequirement|setConnectionCodeSigningRequirement|xpc_connection_set_peer_(?:code_signing|team_identity|platform_identity|lightweight_code)_requirement|SecCodeCheckValidity|SecStaticCodeCheckValidity|SecTaskValidateForRequirement|SecTaskCreateWithAuditToken|kSecGuestAttributeAudit|xpc_connection_get_audit_token|auditToken|audit_token_t|peerRequirement|requirement\s*:/;
const PID_CHECK = /kSecGuestAttributePid|xpc_connection_get_pid|\bprocessIdentifier\b|proc_pidpath/g;
const AUDIT = /kSecGuestAttributeAudit|xpc_connection_get_audit_token|auditToken|audit_token_t|SecTaskCreateWithAuditToken/;

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

export function lintHost(hostText: string, languageId: string, index: LineIndex): Finding[] {
  if (CODE_LANGUAGES.has(languageId)) return lintXpc(hostText, index);
  if (PLIST_LANGUAGES.has(languageId)) return lintLaunchConstraints(hostText, index);
  return [];
}

function lintXpc(hostText: string, index: LineIndex): Finding[] {
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
}

interface DictScope { keys: { name: string; start: number; end: number }[] }

/** R13: every `<dict>` that has `signing-identifier` needs `team-identifier` or `validation-category` next to it. */
function lintLaunchConstraints(text: string, index: LineIndex): Finding[] {
  const out: Finding[] = [];
  const stack: DictScope[] = [];
  const tag = /<(\/?)(dict)\s*>|<dict\s*\/>|<key>([^<]*)<\/key>/g;
  for (const m of text.matchAll(tag)) {
    if (m[0].startsWith('<dict') && m[0].endsWith('/>')) continue;
    if (m[2] === 'dict' && m[1] === '') stack.push({ keys: [] });
    else if (m[2] === 'dict') {
      const scope = stack.pop();
      if (scope) check(scope);
    } else if (m[3] !== undefined && stack.length > 0) {
      stack[stack.length - 1]!.keys.push({ name: m[3].trim(), start: m.index!, end: m.index! + m[0].length });
    }
  }
  function check(scope: DictScope): void {
    const sid = scope.keys.find((k) => k.name === 'signing-identifier');
    if (!sid) return;
    if (scope.keys.some((k) => k.name === 'team-identifier' || k.name === 'validation-category')) return;
    out.push({
      code: 'CSR113',
      message: 'This launch constraint checks `signing-identifier` alone: anyone can sign code with that identifier. Add `team-identifier` (or `validation-category`) in the same dictionary.',
      range: index.range(sid.start, sid.end),
    });
  }
  return out;
}

/**
 * Plain substrings without which R12/R13 cannot fire: a file holding none of
 * them (and no requirement marker) can be skipped by a pre-filter.
 */
export const HOST_RULE_MARKERS: readonly string[] = [
  'shouldAcceptNewConnection',
  'XPC_CONNECTION_MACH_SERVICE_LISTENER',
  'xpc_listener_create',
  'NSXPCListener',
  'XPCListener',
  'kSecGuestAttributePid',
  'signing-identifier',
];
