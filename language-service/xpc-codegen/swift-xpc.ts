/**
 * Swift services on the XPC framework: on macOS 26 an XPCListener that the
 * system guards with an XPCPeerRequirement, before it a libxpc listener with
 * the peer requirement APIs of macOS 14.4 and 12 and the per-message check
 * of macOS 11. Swift cannot be compiled here; signatures follow Apple's
 * XPC and LightweightCodeRequirements documentation, and
 * scripts/xpc-compile-macos.mjs type-checks the output on macOS.
 */
import { swiftStringLiteral } from '../embedded/escape.js';
import { swiftHardening } from './hardening.js';
import { swiftLwcrBuilder } from './lwcr-code.js';
import { dotted, TIER_MINIMUM, type Tier } from './options.js';
import type { PeerPlan } from './peer.js';
import { availabilityChain, commentSafe, REQUIREMENT_COMMENT, translationComment, type Branch } from './words.js';

export function swiftXpcCode(text: string, tiers: Tier[], plan: PeerPlan): string[] {
  const floor = tiers[tiers.length - 1]!;
  const modern = tiers.includes('xpc-listener-requirement');
  const libxpc = tiers.filter((t) => t !== 'xpc-listener-requirement');
  const usesText = libxpc.includes('peer-code-signing-requirement') || libxpc.includes('message-seccode');
  const parts: string[] = [['import Foundation', 'import Security', 'import XPC', ...(modern ? ['import LightweightCodeRequirements'] : [])].join('\n')];
  if (usesText) parts.push(`${REQUIREMENT_COMMENT}\nlet clientRequirement = ${swiftStringLiteral(text)}`);
  if (modern) parts.push(peerRequirement(plan, floor === 'xpc-listener-requirement'));
  if (libxpc.length > 0) parts.push(...libxpcListener(libxpc, plan), swiftHardening());
  if (modern) {
    const body = libxpc.length > 0 ? ['    if #available(macOS 26.0, *) {', ...listener('        '), '    }', '    return startLibxpcListener(machServiceName: machServiceName)'] : listener('    ');
    parts.push(`// Starts the service${libxpc.length > 0 ? ': an XPCListener on macOS 26, the libxpc listener below before it' : ''}.
// Clients connect with XPCSession (or xpc_connection_create_mach_service).
func startService(machServiceName: String) throws -> AnyObject {
${body.join('\n')}
}`);
  }
  return parts;
}

function listener(indent: string): string[] {
  return [
    '// The system checks every incoming session against the requirement',
    '// ("requests that do not satisfy the requirement are dropped").',
    'return try XPCListener(service: machServiceName, requirement: clientPeerRequirement()) { request in',
    '    request.accept { message in',
    '        // Handle the message here; return a reply (Encodable) or nil.',
    '        return nil',
    '    }',
    '}',
  ].map((l) => indent + l);
}

/** macOS 26: the requirement and the client's hardened runtime in one XPCPeerRequirement. */
function peerRequirement(plan: PeerPlan, isFloor: boolean): string {
  const constraints = plan.builder!.flatMap((c) =>
    c.kind === 'ValidationCategory'
      ? [`        ValidationCategory(.${c.value})`]
      : c.kind === 'AnyValidationCategory'
        ? ['        anyOf {', ...c.values.map((v) => `            ValidationCategory(.${v})`), '        }']
        : [`        ${c.kind}(${swiftStringLiteral(c.value)})`],
  );
  return `${translationComment(plan)}
// The hardened runtime is part of the requirement here: on macOS 26 the system
// evaluates the whole XPCPeerRequirement, and the service never sees a SecCode.
// (The LWCR cannot say "entitlement absent": sign clients without
// com.apple.security.cs.disable-library-validation and
// com.apple.security.cs.allow-dyld-environment-variables.)
${isFloor ? '' : '@available(macOS 26.0, *)\n'}func clientPeerRequirement() throws -> XPCPeerRequirement {
    let requirement = try ProcessCodeRequirement.allOf {
${constraints.join('\n')}
        ProcessCodeSigningFlags.isSuperset(of: [.isHardenedRuntimeEnforced])
    }
    return .codeRequirement(requirement)
}`;
}

function libxpcListener(tiers: Tier[], plan: PeerPlan): string[] {
  const floor = tiers[tiers.length - 1]!;
  const parts: string[] = [];
  if (tiers.includes('peer-lwcr')) parts.push(lwcrSetter(plan, floor === 'peer-lwcr'));
  const branches: Branch[] = tiers.map((tier) => ({
    ...(tier === floor ? {} : { since: dotted(TIER_MINIMUM[tier]) }),
    body:
      tier === 'peer-lwcr'
        ? ['return setPeerLwcr(peer)']
        : tier === 'peer-code-signing-requirement'
          ? ['return xpc_connection_set_peer_code_signing_requirement(peer, clientRequirement) == 0']
          : ['// macOS 11: nothing to set; every message is checked in senderIsAcceptable.', 'return true'],
  }));
  parts.push(`// Makes the system check every message of this peer against the requirement;
// false when it cannot (the peer is then cancelled: fail closed).
func setPeerRequirement(_ peer: xpc_connection_t) -> Bool {
${availabilityChain('swift', branches, '    ').join('\n')}
}`);
  const perMessage = tiers.includes('message-seccode');
  if (perMessage) {
    parts.push(`// macOS 11: the service itself tests the sender of each message against the requirement.
func codeSatisfiesRequirement(_ client: SecCode) -> Bool {
    var requirement: SecRequirement?
    guard SecRequirementCreateWithString(clientRequirement as CFString, [], &requirement) == errSecSuccess,
          let req = requirement else {
        return false
    }
    // errSecCSReqFailed (-67050) when the client does not satisfy the requirement.
    return SecCodeCheckValidity(client, [], req) == errSecSuccess
}`);
  }
  const requirementCheck = !perMessage ? '' : tiers.length > 1 ? `\n    if #available(macOS 12.0, *) {\n        return true // the system checks the requirement (setPeerRequirement)\n    }\n    return codeSatisfiesRequirement(client)` : '\n    return codeSatisfiesRequirement(client)';
  parts.push(`// Every message: the sender's code, found by the message's own audit token, so
// PID reuse cannot fool it (SecCodeCreateWithXPCMessage, macOS 11+), must be hardened.
func senderIsAcceptable(_ message: xpc_object_t) -> Bool {
    var code: SecCode?
    guard SecCodeCreateWithXPCMessage(message, [], &code) == errSecSuccess,
          let client = code,
          clientIsHardened(client) else {
        return false
    }${requirementCheck || '\n    return true'}
}`);
  parts.push(`func startLibxpcListener(machServiceName: String) -> xpc_connection_t {
    let listener = xpc_connection_create_mach_service(machServiceName, nil, UInt64(XPC_CONNECTION_MACH_SERVICE_LISTENER))
    xpc_connection_set_event_handler(listener) { peer in
        guard xpc_get_type(peer) == XPC_TYPE_CONNECTION else { return }
        guard setPeerRequirement(peer) else {
            xpc_connection_cancel(peer)
            return
        }
        xpc_connection_set_event_handler(peer) { message in
            guard xpc_get_type(message) == XPC_TYPE_DICTIONARY else { return }
            guard senderIsAcceptable(message) else {
                xpc_connection_cancel(peer)
                return
            }
            // Handle the message here.
        }
        xpc_connection_resume(peer)
    }
    xpc_connection_resume(listener)
    return listener
}`);
  return parts;
}

function lwcrSetter(plan: PeerPlan, isFloor: boolean): string {
  const head = `${translationComment(plan)}
${isFloor ? '' : '@available(macOS 14.4, *)\n'}func setPeerLwcr(_ peer: xpc_connection_t) -> Bool {`;
  const s = plan.shortcut;
  if (s?.kind === 'platform-identity') return `${head}\n    // An Apple-signed (platform) binary with this signing identifier.\n    return xpc_connection_set_peer_platform_identity_requirement(peer, ${swiftStringLiteral(s.signingIdentifier)}) == 0\n}`;
  if (s?.kind === 'entitlement-exists') return `${head}\n    return xpc_connection_set_peer_entitlement_exists_requirement(peer, ${swiftStringLiteral(s.entitlement)}) == 0\n}`;
  if (s?.kind === 'entitlement-matches-value') return `${head}\n    return xpc_connection_set_peer_entitlement_matches_value_requirement(peer, ${swiftStringLiteral(s.entitlement)}, xpc_string_create(${swiftStringLiteral(s.value)})) == 0\n}`;
  const team = plan.team;
  const sameTeam = team !== undefined ? `    // If this service is signed by team ${commentSafe(team)} too, the shorter\n    // xpc_connection_set_peer_team_identity_requirement(peer, <signing identifier or nil>)\n    // says "same team as this process" without naming the team.\n` : '';
  return `${head}
${sameTeam}${swiftLwcrBuilder(plan.lwcr!, 'lwcr').join('\n')}
    return xpc_connection_set_peer_lightweight_code_requirement(peer, lwcr) == 0
}`;
}
