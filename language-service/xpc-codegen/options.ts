/**
 * What "Generate XPC validation code" can produce: a flavour (language and
 * XPC API family) and the oldest macOS the service must run on. The newest
 * mechanism the flavour has is used where the system offers it, and every
 * older one down to the deployment target follows as an availability
 * fallback (`if #available` in Swift, `@available` / `__builtin_available`
 * in Objective-C and C).
 */

export type XpcLanguage = 'swift' | 'objc' | 'c';
/** `xpc`: the XPC framework (libxpc connections; in Swift also XPCListener). `nsxpc`: NSXPCConnection. */
export type XpcFamily = 'xpc' | 'nsxpc';
export type DeploymentTarget = '26' | '14.4' | '13' | '12' | '11';

export interface XpcCodegenOptions {
  language: XpcLanguage;
  family: XpcFamily;
  /** The oldest macOS the service supports. */
  target: DeploymentTarget;
}

/** One way of making the system (or the service) check the client, and the macOS release that has it. */
export type Tier =
  | 'xpc-listener-requirement' // macOS 26, Swift: XPCListener(service:requirement:…) with an XPCPeerRequirement
  | 'peer-lwcr' // macOS 14.4: xpc_connection_set_peer_lightweight_code_requirement and its platform/entitlement shorthands
  | 'ns-code-signing-requirement' // macOS 13: -[NSXPCConnection setCodeSigningRequirement:]
  | 'peer-code-signing-requirement' // macOS 12: xpc_connection_set_peer_code_signing_requirement
  | 'message-seccode' // macOS 11: SecCodeCreateWithXPCMessage + SecCodeCheckValidity, per message
  | 'audit-token-seccode'; // NSXPCConnection before 13: SecCodeCopyGuestWithAttributes(audit token) + SecCodeCheckValidityWithErrors

export const TIER_MINIMUM: Readonly<Record<Tier, DeploymentTarget>> = {
  'xpc-listener-requirement': '26',
  'peer-lwcr': '14.4',
  'ns-code-signing-requirement': '13',
  'peer-code-signing-requirement': '12',
  'message-seccode': '11',
  'audit-token-seccode': '11',
};

/** The mechanisms of each flavour, newest first; the last one works on every supported target. */
export const FLAVOUR_TIERS: Readonly<Record<`${XpcLanguage}/${XpcFamily}`, readonly Tier[]>> = {
  'swift/xpc': ['xpc-listener-requirement', 'peer-lwcr', 'peer-code-signing-requirement', 'message-seccode'],
  'objc/xpc': ['peer-lwcr', 'peer-code-signing-requirement', 'message-seccode'],
  'c/xpc': ['peer-lwcr', 'peer-code-signing-requirement', 'message-seccode'],
  'swift/nsxpc': ['ns-code-signing-requirement', 'audit-token-seccode'],
  'objc/nsxpc': ['ns-code-signing-requirement', 'audit-token-seccode'],
  'c/nsxpc': [],
};

/** What the quick picks show. */
export const XPC_FLAVOURS: readonly { language: XpcLanguage; family: XpcFamily; label: string; detail: string }[] = [
  { language: 'swift', family: 'xpc', label: 'Swift — XPC framework', detail: 'XPCListener with an XPCPeerRequirement on macOS 26, libxpc peer requirements before' },
  { language: 'swift', family: 'nsxpc', label: 'Swift — NSXPCConnection', detail: 'setCodeSigningRequirement on macOS 13, audit token + SecCode before' },
  { language: 'objc', family: 'nsxpc', label: 'Objective-C — NSXPCConnection', detail: 'setCodeSigningRequirement on macOS 13, audit token + SecCode before' },
  { language: 'objc', family: 'xpc', label: 'Objective-C — libxpc', detail: 'peer LWCR on macOS 14.4, peer requirement on 12, SecCodeCreateWithXPCMessage on 11' },
  { language: 'c', family: 'xpc', label: 'C — libxpc', detail: 'peer LWCR on macOS 14.4, peer requirement on 12, SecCodeCreateWithXPCMessage on 11' },
];

export const DEPLOYMENT_TARGETS: readonly { target: DeploymentTarget; label: string; detail: string }[] = [
  { target: '26', label: 'macOS 26', detail: 'XPCPeerRequirement, XPCListener(service:requirement:…)' },
  { target: '14.4', label: 'macOS 14.4', detail: 'xpc_connection_set_peer_lightweight_code_requirement and the team/platform/entitlement variants' },
  { target: '13', label: 'macOS 13', detail: 'NSXPCConnection.setCodeSigningRequirement' },
  { target: '12', label: 'macOS 12', detail: 'xpc_connection_set_peer_code_signing_requirement' },
  { target: '11', label: 'macOS 11', detail: 'SecCodeCreateWithXPCMessage + SecCodeCheckValidity' },
];

export function versionAtLeast(a: DeploymentTarget, b: DeploymentTarget): boolean {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? am > bm : an >= bn;
}

/** `14.4` → `14.4`, `13` → `13.0` (the spelling of availability checks). */
export function dotted(v: DeploymentTarget): string {
  return v.includes('.') ? v : `${v}.0`;
}

export function validateOptions(o: XpcCodegenOptions): void {
  if (!['swift', 'objc', 'c'].includes(o.language)) throw new Error(`Unknown language "${String(o.language)}" (swift, objc or c).`);
  if (!['xpc', 'nsxpc'].includes(o.family)) throw new Error(`Unknown XPC API family "${String(o.family)}" (xpc or nsxpc).`);
  if (!DEPLOYMENT_TARGETS.some((t) => t.target === o.target)) throw new Error(`Unknown deployment target "${String(o.target)}" (${DEPLOYMENT_TARGETS.map((t) => t.target).join(', ')}).`);
  if (FLAVOUR_TIERS[`${o.language}/${o.family}`].length === 0) throw new Error('NSXPCConnection is an Objective-C and Swift API; for C choose the xpc family.');
}

/**
 * The mechanisms to generate, newest first: every usable one newer than the
 * target (each behind an availability check), then the newest one the
 * target itself has (unguarded). `usable` drops a mechanism that cannot
 * express this requirement (an LWCR API for a requirement with no LWCR
 * translation).
 */
export function selectTiers(o: XpcCodegenOptions, usable: (t: Tier) => boolean): Tier[] {
  const out: Tier[] = [];
  for (const tier of FLAVOUR_TIERS[`${o.language}/${o.family}`]) {
    if (!usable(tier)) continue;
    out.push(tier);
    if (versionAtLeast(o.target, TIER_MINIMUM[tier])) break;
  }
  return out;
}
