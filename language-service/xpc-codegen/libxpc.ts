/**
 * C and Objective-C for a libxpc Mach service (xpc_connection_t), from the
 * macOS 14.4 LWCR peer requirements down to macOS 11's per-message
 * SecCodeCreateWithXPCMessage check. Plain C with CoreFoundation, so the
 * `c` output also builds as Objective-C; the `objc` output is the same code
 * under ARC (no xpc_release).
 */
import { cStringLiteral } from '../embedded/escape.js';
import { cHardening } from './hardening.js';
import { cLwcrBuilder } from './lwcr-code.js';
import { dotted, TIER_MINIMUM, type Tier, type XpcCodegenOptions } from './options.js';
import type { PeerPlan } from './peer.js';
import { availabilityChain, commentSafe, REQUIREMENT_COMMENT, translationComment, type Branch } from './words.js';

export function libxpcCode(text: string, o: XpcCodegenOptions, tiers: Tier[], plan: PeerPlan): string[] {
  const release = o.language === 'c';
  const floor = tiers[tiers.length - 1]!;
  const usesText = tiers.includes('peer-code-signing-requirement') || tiers.includes('message-seccode');
  const parts: string[] = [
    `#include <stdbool.h>
#include <stdint.h>
#include <xpc/xpc.h>
#include <Security/Security.h>`,
  ];
  if (usesText) parts.push(`${REQUIREMENT_COMMENT}\nstatic const char *const kClientRequirement = ${cStringLiteral(text)};`);
  parts.push(cHardening());

  if (tiers.includes('peer-lwcr')) parts.push(lwcrSetter(plan, release, floor === 'peer-lwcr'));

  // One function per peer: the newest mechanism the running system has.
  const branches: Branch[] = tiers.map((tier) => ({
    ...(tier === floor ? {} : { since: dotted(TIER_MINIMUM[tier]) }),
    body:
      tier === 'peer-lwcr'
        ? ['return csrl_set_peer_lwcr(peer);']
        : tier === 'peer-code-signing-requirement'
          ? ['return xpc_connection_set_peer_code_signing_requirement(peer, kClientRequirement) == 0;']
          : ['// macOS 11: nothing to set; every message is checked in csrl_sender_is_acceptable.', 'return true;'],
  }));
  parts.push(`// Makes the system check every message of this peer against the requirement;
// false when it cannot (the peer is then cancelled: fail closed). The system
// drops a failing client's messages without calling the handler.
static bool csrl_set_peer_requirement(xpc_connection_t peer) {
${availabilityChain('c', branches, '    ').join('\n')}
}`);

  const perMessage = tiers.includes('message-seccode');
  const guardedRequirement = perMessage && floor === 'message-seccode' && tiers.length > 1;
  const checkLines: string[] = ['    bool ok = csrl_client_is_hardened(code);'];
  if (perMessage) {
    if (guardedRequirement) {
      checkLines.push(`    if (ok && !csrl_system_checks_requirement()) ok = csrl_code_satisfies_requirement(code);`);
    } else {
      checkLines.push('    if (ok) ok = csrl_code_satisfies_requirement(code);');
    }
  }
  if (perMessage) {
    parts.push(`// macOS 11: the service itself tests the sender of each message against the
// requirement (SecCodeCheckValidity with the parsed requirement).
static bool csrl_code_satisfies_requirement(SecCodeRef code) {
    CFStringRef text = CFStringCreateWithCString(kCFAllocatorDefault, kClientRequirement, kCFStringEncodingUTF8);
    if (text == NULL) return false;
    SecRequirementRef requirement = NULL;
    OSStatus status = SecRequirementCreateWithString(text, kSecCSDefaultFlags, &requirement);
    CFRelease(text);
    if (status != errSecSuccess || requirement == NULL) return false;
    status = SecCodeCheckValidity(code, kSecCSDefaultFlags, requirement);
    CFRelease(requirement);
    // errSecCSReqFailed (-67050) when the client does not satisfy the requirement.
    return status == errSecSuccess;
}`);
  }
  if (guardedRequirement) {
    parts.push(`// From macOS 12 the system checks the requirement (csrl_set_peer_requirement).
static bool csrl_system_checks_requirement(void) {
    if (__builtin_available(macOS 12.0, *)) {
        return true;
    }
    return false;
}`);
  }
  parts.push(`// Every message: the sender's code, found by the message's own audit token, so
// PID reuse cannot fool it (SecCodeCreateWithXPCMessage, macOS 11+), must be hardened${perMessage ? ' and,\n// where the system does not check it, satisfy the requirement' : ''}.
static bool csrl_sender_is_acceptable(xpc_object_t message) {
    SecCodeRef code = NULL;
    if (SecCodeCreateWithXPCMessage(message, kSecCSDefaultFlags, &code) != errSecSuccess || code == NULL) return false;
${checkLines.join('\n')}
    CFRelease(code);
    return ok;
}`);
  parts.push(`xpc_connection_t csrl_start_listener(const char *mach_service_name) {
    xpc_connection_t listener = xpc_connection_create_mach_service(mach_service_name, NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    xpc_connection_set_event_handler(listener, ^(xpc_object_t peer) {
        if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
        if (!csrl_set_peer_requirement(peer)) {
            xpc_connection_cancel(peer);
            return;
        }
        xpc_connection_set_event_handler(peer, ^(xpc_object_t message) {
            if (xpc_get_type(message) != XPC_TYPE_DICTIONARY) return;
            if (!csrl_sender_is_acceptable(message)) {
                xpc_connection_cancel(peer);
                return;
            }
            // Handle the message here.
        });
        xpc_connection_resume(peer);
    });
    xpc_connection_resume(listener);
    return listener;
}`);
  return parts;
}

/** The macOS 14.4 mechanism: a single-purpose function where one says the same, else the whole LWCR. */
function lwcrSetter(plan: PeerPlan, release: boolean, isFloor: boolean): string {
  const availability = isFloor ? '' : ' API_AVAILABLE(macos(14.4))';
  const head = `${translationComment(plan, '//')}
static bool csrl_set_peer_lwcr(xpc_connection_t peer)${availability};
static bool csrl_set_peer_lwcr(xpc_connection_t peer) {`;
  const s = plan.shortcut;
  if (s?.kind === 'platform-identity') {
    return `${head}
    // An Apple-signed (platform) binary with this signing identifier.
    return xpc_connection_set_peer_platform_identity_requirement(peer, ${cStringLiteral(s.signingIdentifier)}) == 0;
}`;
  }
  if (s?.kind === 'entitlement-exists') {
    return `${head}
    return xpc_connection_set_peer_entitlement_exists_requirement(peer, ${cStringLiteral(s.entitlement)}) == 0;
}`;
  }
  if (s?.kind === 'entitlement-matches-value') {
    return `${head}
    xpc_object_t value = xpc_string_create(${cStringLiteral(s.value)});
    int result = xpc_connection_set_peer_entitlement_matches_value_requirement(peer, ${cStringLiteral(s.entitlement)}, value);${release ? '\n    xpc_release(value);' : ''}
    return result == 0;
}`;
  }
  const team = plan.team;
  const sameTeam = team !== undefined
    ? `    // If this service is signed by team ${commentSafe(team)} too, the shorter
    // xpc_connection_set_peer_team_identity_requirement(peer, <signing identifier or NULL>)
    // says "same team as this process" without naming the team.\n`
    : '';
  return `${head}
${sameTeam}${cLwcrBuilder(plan.lwcr!, 'lwcr', release).join('\n')}
    int result = xpc_connection_set_peer_lightweight_code_requirement(peer, lwcr);${release ? '\n    xpc_release(lwcr);' : ''}
    return result == 0;
}`;
}
