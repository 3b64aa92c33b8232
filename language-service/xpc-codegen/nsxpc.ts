/**
 * NSXPCConnection services in Objective-C and Swift: macOS 13's
 * setCodeSigningRequirement, and before it the client's audit token with
 * SecCodeCheckValidityWithErrors. Both check the client's hardening through
 * its audit token (never its PID).
 */
import { cStringLiteral, swiftStringLiteral } from '../embedded/escape.js';
import { cHardening, objcAuditToken, swiftAuditToken, swiftHardening } from './hardening.js';
import type { Tier, XpcCodegenOptions } from './options.js';
import { availabilityChain, REQUIREMENT_COMMENT, type Branch } from './words.js';

const SYSTEM_CHECKS = [
  '// The system checks the requirement against the peer\'s audit token for every',
  '// message; a client that fails it gets its connection invalidated',
  '// (NSXPCConnectionCodeSigningRequirementFailure, 4102). For all connections',
];

export function nsxpcCode(text: string, o: XpcCodegenOptions, tiers: Tier[]): string[] {
  return o.language === 'swift' ? swiftNsxpc(text, tiers) : objcNsxpc(text, tiers);
}

function branches(tiers: Tier[], modern: string[], legacy: string[]): Branch[] {
  return tiers.map((t, i) => ({ ...(i < tiers.length - 1 ? { since: '13.0' } : {}), body: t === 'ns-code-signing-requirement' ? modern : legacy }));
}

function objcNsxpc(text: string, tiers: Tier[]): string[] {
  const legacy = tiers.includes('audit-token-seccode');
  const chain = availabilityChain(
    'objc',
    branches(tiers, [...SYSTEM_CHECKS, '// at once: -[NSXPCListener setConnectionCodeSigningRequirement:].', '[newConnection setCodeSigningRequirement:kClientRequirement];'], ['// Before macOS 13 the service tests the client itself.', 'ok = ok && CSRLCodeSatisfiesRequirement(code);']),
    '    ',
  );
  const parts = [
    `#import <Foundation/Foundation.h>
#import <Security/Security.h>
#include <stdbool.h>`,
    `${REQUIREMENT_COMMENT}
static NSString *const kClientRequirement = ${cStringLiteral(text, '@')};`,
    objcAuditToken(),
    cHardening(),
  ];
  if (legacy) {
    parts.push(`static bool CSRLCodeSatisfiesRequirement(SecCodeRef code) {
    SecRequirementRef requirement = NULL;
    if (SecRequirementCreateWithString((__bridge CFStringRef)kClientRequirement, kSecCSDefaultFlags, &requirement) != errSecSuccess) return false;
    CFErrorRef error = NULL;
    OSStatus status = SecCodeCheckValidityWithErrors(code, kSecCSStrictValidate, requirement, &error);
    CFRelease(requirement);
    if (status != errSecSuccess) {
        // errSecCSReqFailed (-67050) when the client does not satisfy the requirement.
        NSLog(@"rejected XPC client: %@", error != NULL ? (__bridge NSError *)error : @(status));
        if (error != NULL) CFRelease(error);
        return false;
    }
    return true;
}`);
  }
  parts.push(`@interface ServiceDelegate : NSObject <NSXPCListenerDelegate>
@end

@implementation ServiceDelegate
- (BOOL)listener:(NSXPCListener *)listener shouldAcceptNewConnection:(NSXPCConnection *)newConnection {
    // Identify the client by its audit token, never by processIdentifier:
    // a PID can be reused by another process between the check and the use.
    SecCodeRef code = CSRLCopyCodeForAuditToken(newConnection.auditToken);
    if (code == NULL) return NO;
    bool ok = csrl_client_is_hardened(code);
${chain.join('\n')}
    CFRelease(code);
    if (!ok) return NO;
    // newConnection.exportedInterface = [NSXPCInterface interfaceWithProtocol:@protocol(YourServiceProtocol)];
    // newConnection.exportedObject = [[YourService alloc] init];
    [newConnection resume];
    return YES;
}
@end`);
  return parts;
}

function swiftNsxpc(text: string, tiers: Tier[]): string[] {
  const legacy = tiers.includes('audit-token-seccode');
  const chain = availabilityChain(
    'swift',
    branches(tiers, [...SYSTEM_CHECKS, '// at once: listener.setConnectionCodeSigningRequirement(_:).', 'newConnection.setCodeSigningRequirement(clientRequirement)'], ['// Before macOS 13 the service tests the client itself.', 'guard codeSatisfiesRequirement(client) else { return false }']),
    '        ',
  );
  const parts = [
    `import Foundation
import Security`,
    `${REQUIREMENT_COMMENT}
let clientRequirement = ${swiftStringLiteral(text)}`,
    `final class ServiceDelegate: NSObject, NSXPCListenerDelegate {
    func listener(_ listener: NSXPCListener, shouldAcceptNewConnection newConnection: NSXPCConnection) -> Bool {
        // Identify the client by its audit token, never by processIdentifier:
        // a PID can be reused by another process between the check and the use.
        guard let token = auditToken(of: newConnection),
              let client = secCode(forAuditToken: token),
              clientIsHardened(client) else {
            return false
        }
${chain.join('\n')}
        // newConnection.exportedInterface = NSXPCInterface(with: YourServiceProtocol.self)
        // newConnection.exportedObject = YourService()
        newConnection.resume()
        return true
    }
}`,
  ];
  if (legacy) {
    parts.push(`func codeSatisfiesRequirement(_ client: SecCode) -> Bool {
    var requirement: SecRequirement?
    guard SecRequirementCreateWithString(clientRequirement as CFString, [], &requirement) == errSecSuccess,
          let req = requirement else {
        return false
    }
    var error: Unmanaged<CFError>?
    let status = SecCodeCheckValidityWithErrors(client, SecCSFlags(rawValue: kSecCSStrictValidate), req, &error)
    guard status == errSecSuccess else {
        // errSecCSReqFailed (-67050) when the client does not satisfy the requirement.
        NSLog("rejected XPC client: %@", (error?.takeRetainedValue()).map { String(describing: $0) } ?? String(status))
        return false
    }
    return true
}`);
  }
  parts.push(swiftAuditToken(), swiftHardening());
  return parts;
}
