/**
 * "Generate XPC validation code": Swift and Objective-C/C snippets that make
 * an XPC service accept only clients satisfying a requirement, each followed
 * by the client hardening check the requirement language cannot express.
 *
 * Pure (no `vscode`), so it is tested without an editor. The requirement text
 * reaches the output only through `swiftStringLiteral` / `cStringLiteral`,
 * never concatenated raw: a `"` or `\` in it must not end the literal early
 * or change its meaning.
 */

export type XpcLanguage = 'swift' | 'objc';
export type XpcApi = 'setCodeSigningRequirement' | 'xpc_connection_set_peer_code_signing_requirement' | 'audit-token';

export interface XpcCodegenOptions {
  language: XpcLanguage;
  api: XpcApi;
}

/** What the quick picks show; `minimum` is the macOS version the API needs. */
export const XPC_APIS: readonly { api: XpcApi; label: string; minimum: string; detail: string }[] = [
  { api: 'setCodeSigningRequirement', label: 'NSXPCConnection.setCodeSigningRequirement', minimum: 'macOS 13+', detail: 'The system checks every message of the connection.' },
  { api: 'xpc_connection_set_peer_code_signing_requirement', label: 'xpc_connection_set_peer_code_signing_requirement', minimum: 'macOS 12+', detail: 'libxpc C API; the system checks the peer.' },
  { api: 'audit-token', label: 'Audit token + SecCodeCheckValidityWithErrors', minimum: 'older systems', detail: 'Checks the client once, by audit token (never by PID).' },
];

/** The VS Code language id of the generated document. */
export function xpcDocumentLanguage(language: XpcLanguage): 'swift' | 'objective-c' {
  return language === 'swift' ? 'swift' : 'objective-c';
}

/** Characters that must not appear raw in source: controls, line/paragraph separators, bidi and zero-width format characters ("Trojan Source"). */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** Escapes spelled the same in Swift and C string literals. */
const SIMPLE_ESCAPES = new Map([
  ['\\', '\\\\'],
  ['"', '\\"'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) throw new Error('The requirement contains an unpaired UTF-16 surrogate, which no source file can hold.');
    out.push(cp);
  }
  return out;
}

function rejectNul(text: string): void {
  // A C string ends at NUL, and Swift hands Strings to these APIs as C strings:
  // everything after it would silently be dropped from the requirement.
  if (text.includes('\u0000')) throw new Error('The requirement contains a NUL character, which a C string cannot carry.');
}

/** A Swift `"…"` literal whose value is exactly `text`. */
export function swiftStringLiteral(text: string): string {
  rejectNul(text);
  let out = '"';
  for (const cp of codePoints(text)) {
    const ch = String.fromCodePoint(cp);
    const simple = SIMPLE_ESCAPES.get(ch);
    if (simple !== undefined) out += simple;
    else if (INVISIBLE.test(ch)) out += `\\u{${cp.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return out + '"';
}

function utf8OctalEscapes(ch: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(ch)) out += '\\' + byte.toString(8).padStart(3, '0');
  return out;
}

/**
 * A C `"…"` literal (prefix `@` for an Objective-C NSString) whose value is
 * the UTF-8 of `text`. Octal escapes take at most three digits, unlike `\x`,
 * which would swallow following hex letters; `?` after `?` is escaped so no
 * trigraph (`??/` is a backslash) can form.
 */
export function cStringLiteral(text: string, prefix: '' | '@' = ''): string {
  rejectNul(text);
  let out = `${prefix}"`;
  let prev = '';
  for (const cp of codePoints(text)) {
    const ch = String.fromCodePoint(cp);
    const simple = SIMPLE_ESCAPES.get(ch);
    if (simple !== undefined) out += simple;
    else if (ch === '?' && prev === '?') out += '\\?';
    // C forbids universal character names below U+00A0 (C11 6.4.3; clang: "universal
    // character name refers to a control character"), so ASCII and C1 controls are
    // written as the octal escapes of their UTF-8 bytes, which is the same string.
    else if (cp < 0xa0 && INVISIBLE.test(ch)) out += utf8OctalEscapes(ch);
    else if (INVISIBLE.test(ch)) out += cp > 0xffff ? `\\U${cp.toString(16).toUpperCase().padStart(8, '0')}` : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
    prev = ch;
  }
  return out + '"';
}

export function generateXpcValidationCode(requirementText: string, options: XpcCodegenOptions): string {
  const { language, api } = options;
  if (language !== 'swift' && language !== 'objc') throw new Error(`Unknown language "${String(language)}" (swift or objc).`);
  if (!XPC_APIS.some((a) => a.api === api)) throw new Error(`Unknown API "${String(api)}".`);
  const literal = language === 'swift' ? swiftStringLiteral(requirementText) : cStringLiteral(requirementText, api === 'xpc_connection_set_peer_code_signing_requirement' ? '' : '@');
  const parts = language === 'swift' ? swift(api, literal) : objc(api, literal);
  return parts.map((p) => p.replace(/^\n+|\n+$/g, '')).join('\n\n') + '\n';
}

const WHY_HARDENING = `// Why check the client's hardening as well: a requirement says who signed the client,
// not what runs inside it. A client without library validation loads foreign code
// (DYLD_INSERT_LIBRARIES, a planted dylib or plug-in) that then speaks with the
// client's identity and passes any requirement. The hardened runtime turns library
// validation on unless the client has the disable-library-validation entitlement.
// The requirement language cannot express the hardened runtime, so it is checked
// here from the kernel's dynamic code-signing flags. (Add the anti-injection clauses
// to the requirement as well: ! entitlement["com.apple.security.get-task-allow"] and
// ! entitlement["com.apple.security.cs.disable-library-validation"] and
// ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"].)
// Do not read these flags with csops(pid, CS_OPS_STATUS, …): a PID can be reused
// by another process between the check and the use; a SecCode from an audit token
// or an XPC message cannot.`;

const WHY_AUDIT_TOKEN = `// NSXPCConnection.auditToken is private API: it is not in the SDK headers and may
// change in any release (App Store review may also reject it). It is still the
// only race-free way to identify an NSXPCConnection peer before macOS 13;
// processIdentifier is not (PIDs are reused). For a libxpc connection the
// equivalent is xpc_connection_get_audit_token, equally private, declared as
//     void xpc_connection_get_audit_token(xpc_connection_t, audit_token_t *);
// From macOS 11 on, SecCodeCreateWithXPCMessage (public) does this per message.`;

function swiftHardening(): string {
  return `${WHY_HARDENING}

// Dynamic status bits from <kern/cs_blobs.h> (not exported to Swift).
private let CS_VALID: UInt32 = 0x0000_0001
private let CS_GET_TASK_ALLOW: UInt32 = 0x0000_0004
private let CS_FORCED_LV: UInt32 = 0x0000_0010
private let CS_REQUIRE_LV: UInt32 = 0x0000_2000
private let CS_RUNTIME: UInt32 = 0x0001_0000

func clientIsHardened(_ code: SecCode) -> Bool {
    var information: CFDictionary?
    // A SecCode may be passed where a SecStaticCode is expected; with
    // kSecCSDynamicInformation the status is the running process's, not the file's.
    let flags = SecCSFlags(rawValue: kSecCSDynamicInformation | kSecCSRequirementInformation)
    guard SecCodeCopySigningInformation(unsafeBitCast(code, to: SecStaticCode.self), flags, &information) == errSecSuccess,
          let info = information as? [String: Any],
          let status = (info[kSecCodeInfoStatus as String] as? NSNumber)?.uint32Value else {
        return false
    }
    let entitlements = info[kSecCodeInfoEntitlementsDict as String] as? [String: Any] ?? [:]
    func entitled(_ key: String) -> Bool { (entitlements[key] as? Bool) == true }
    let hardenedRuntime = (status & CS_RUNTIME) != 0
    let libraryValidation = (status & (CS_REQUIRE_LV | CS_FORCED_LV)) != 0
        || (hardenedRuntime && !entitled("com.apple.security.cs.disable-library-validation"))
    return (status & CS_VALID) != 0
        && hardenedRuntime
        && libraryValidation
        && (status & CS_GET_TASK_ALLOW) == 0
        && !entitled("com.apple.security.cs.allow-dyld-environment-variables")
}`;
}

function swiftAuditToken(): string {
  return `${WHY_AUDIT_TOKEN}
// Swift cannot declare the private property, so it is read through key-value
// coding; if Apple ever removes it, value(forKey:) raises an Objective-C
// exception that Swift cannot catch (the service crashes instead of accepting).
func auditToken(of connection: NSXPCConnection) -> audit_token_t? {
    guard let value = connection.value(forKey: "auditToken") as? NSValue else { return nil }
    var token = audit_token_t()
    value.getValue(&token, size: MemoryLayout<audit_token_t>.size)
    return token
}

func secCode(forAuditToken token: audit_token_t) -> SecCode? {
    var token = token
    let tokenData = Data(bytes: &token, count: MemoryLayout<audit_token_t>.size)
    let attributes = [kSecGuestAttributeAudit as String: tokenData] as CFDictionary
    var code: SecCode?
    guard SecCodeCopyGuestWithAttributes(nil, attributes, [], &code) == errSecSuccess else { return nil }
    return code
}`;
}

function swift(api: XpcApi, literal: string): string[] {
  const head = `import Foundation
import Security`;
  const requirement = `// The requirement every client must satisfy. An unparsable requirement makes
// setCodeSigningRequirement raise an exception and the C API return EINVAL,
// at run time: test it with csrl before shipping.
let clientRequirement = ${literal}`;
  if (api === 'setCodeSigningRequirement') {
    return [
      head,
      requirement,
      `@available(macOS 13.0, *)
final class ServiceDelegate: NSObject, NSXPCListenerDelegate {
    func listener(_ listener: NSXPCListener, shouldAcceptNewConnection newConnection: NSXPCConnection) -> Bool {
        // The system checks the requirement against the peer's audit token for
        // every message; a client that fails it gets its connection invalidated
        // (NSXPCConnectionCodeSigningRequirementFailure, 4102). For all
        // connections at once: listener.setConnectionCodeSigningRequirement(_:).
        newConnection.setCodeSigningRequirement(clientRequirement)
        guard let token = auditToken(of: newConnection),
              let client = secCode(forAuditToken: token),
              clientIsHardened(client) else {
            return false
        }
        // newConnection.exportedInterface = NSXPCInterface(with: YourServiceProtocol.self)
        // newConnection.exportedObject = YourService()
        newConnection.resume()
        return true
    }
}`,
      swiftAuditToken(),
      swiftHardening(),
    ];
  }
  if (api === 'xpc_connection_set_peer_code_signing_requirement') {
    return [
      `${head}
import XPC`,
      requirement,
      `@available(macOS 12.0, *)
func startListener(machServiceName: String) -> xpc_connection_t {
    let listener = xpc_connection_create_mach_service(machServiceName, nil, UInt64(XPC_CONNECTION_MACH_SERVICE_LISTENER))
    xpc_connection_set_event_handler(listener) { peer in
        guard xpc_get_type(peer) == XPC_TYPE_CONNECTION else { return }
        // The system checks the requirement for every message of this peer; a
        // failing client's messages are dropped without calling the handler
        // (XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT only replaces a reply).
        guard xpc_connection_set_peer_code_signing_requirement(peer, clientRequirement) == 0 else {
            xpc_connection_cancel(peer)
            return
        }
        xpc_connection_set_event_handler(peer) { message in
            guard xpc_get_type(message) == XPC_TYPE_DICTIONARY else { return }
            // SecCodeCreateWithXPCMessage (macOS 11+) identifies the sender of
            // this very message by its audit token, so PID reuse cannot fool it.
            var code: SecCode?
            guard SecCodeCreateWithXPCMessage(message, [], &code) == errSecSuccess,
                  let client = code,
                  clientIsHardened(client) else {
                xpc_connection_cancel(peer)
                return
            }
            // Handle the message here.
        }
        xpc_connection_resume(peer)
    }
    xpc_connection_resume(listener)
    return listener
}`,
      swiftHardening(),
    ];
  }
  return [
    head,
    requirement,
    `final class ServiceDelegate: NSObject, NSXPCListenerDelegate {
    func listener(_ listener: NSXPCListener, shouldAcceptNewConnection newConnection: NSXPCConnection) -> Bool {
        // Identify the client by its audit token, never by processIdentifier:
        // a PID can be reused by another process between the check and the use.
        guard let token = auditToken(of: newConnection),
              let client = secCode(forAuditToken: token) else {
            return false
        }
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
        guard clientIsHardened(client) else { return false }
        // newConnection.exportedInterface = NSXPCInterface(with: YourServiceProtocol.self)
        // newConnection.exportedObject = YourService()
        newConnection.resume()
        return true
    }
}`,
    swiftAuditToken(),
    swiftHardening(),
  ];
}

function cHardening(): string {
  return `${WHY_HARDENING}

// Dynamic status bits from <kern/cs_blobs.h> (not in the public SDK headers).
#define CSRL_CS_VALID          0x00000001u
#define CSRL_CS_GET_TASK_ALLOW 0x00000004u
#define CSRL_CS_FORCED_LV      0x00000010u
#define CSRL_CS_REQUIRE_LV     0x00002000u
#define CSRL_CS_RUNTIME        0x00010000u

static bool csrl_entitled(CFDictionaryRef entitlements, CFStringRef key) {
    if (entitlements == NULL) return false;
    CFTypeRef value = CFDictionaryGetValue(entitlements, key);
    return value != NULL && CFGetTypeID(value) == CFBooleanGetTypeID() && CFBooleanGetValue((CFBooleanRef)value);
}

static bool csrl_client_is_hardened(SecCodeRef code) {
    CFDictionaryRef info = NULL;
    // A SecCodeRef may be passed as a SecStaticCodeRef; with kSecCSDynamicInformation
    // the status is the running process's, not the file's.
    if (SecCodeCopySigningInformation((SecStaticCodeRef)code, kSecCSDynamicInformation | kSecCSRequirementInformation, &info) != errSecSuccess || info == NULL) {
        return false;
    }
    uint32_t status = 0;
    CFNumberRef number = (CFNumberRef)CFDictionaryGetValue(info, kSecCodeInfoStatus);
    bool known = number != NULL && CFNumberGetValue(number, kCFNumberSInt32Type, &status);
    CFDictionaryRef entitlements = (CFDictionaryRef)CFDictionaryGetValue(info, kSecCodeInfoEntitlementsDict);
    if (entitlements != NULL && CFGetTypeID(entitlements) != CFDictionaryGetTypeID()) entitlements = NULL;
    bool hardenedRuntime = (status & CSRL_CS_RUNTIME) != 0;
    bool libraryValidation = (status & (CSRL_CS_REQUIRE_LV | CSRL_CS_FORCED_LV)) != 0 ||
        (hardenedRuntime && !csrl_entitled(entitlements, CFSTR("com.apple.security.cs.disable-library-validation")));
    bool ok = known && (status & CSRL_CS_VALID) != 0 && hardenedRuntime && libraryValidation &&
        (status & CSRL_CS_GET_TASK_ALLOW) == 0 &&
        !csrl_entitled(entitlements, CFSTR("com.apple.security.cs.allow-dyld-environment-variables"));
    CFRelease(info);
    return ok;
}`;
}

function objcAuditToken(): string {
  return `${WHY_AUDIT_TOKEN}
@interface NSXPCConnection (CSRLPrivateAuditToken)
@property (nonatomic, readonly) audit_token_t auditToken;
@end

static SecCodeRef CSRLCopyCodeForAuditToken(audit_token_t token) {
    NSData *tokenData = [NSData dataWithBytes:&token length:sizeof(token)];
    NSDictionary *attributes = @{ (__bridge NSString *)kSecGuestAttributeAudit: tokenData };
    SecCodeRef code = NULL;
    if (SecCodeCopyGuestWithAttributes(NULL, (__bridge CFDictionaryRef)attributes, kSecCSDefaultFlags, &code) != errSecSuccess) return NULL;
    return code;
}`;
}

function objc(api: XpcApi, literal: string): string[] {
  const requirementComment = `// The requirement every client must satisfy. An unparsable requirement makes
// setCodeSigningRequirement raise an exception and the C API return EINVAL,
// at run time: test it with csrl before shipping.`;
  if (api === 'xpc_connection_set_peer_code_signing_requirement') {
    // Plain C with CoreFoundation, so it builds as C or Objective-C.
    return [
      `#include <stdbool.h>
#include <xpc/xpc.h>
#include <Security/Security.h>`,
      `${requirementComment}
static const char *const kClientRequirement = ${literal};`,
      cHardening(),
      `xpc_connection_t csrl_start_listener(const char *mach_service_name) API_AVAILABLE(macos(12.0));

xpc_connection_t csrl_start_listener(const char *mach_service_name) {
    xpc_connection_t listener = xpc_connection_create_mach_service(mach_service_name, NULL, XPC_CONNECTION_MACH_SERVICE_LISTENER);
    xpc_connection_set_event_handler(listener, ^(xpc_object_t peer) {
        if (xpc_get_type(peer) != XPC_TYPE_CONNECTION) return;
        // The system checks the requirement for every message of this peer; a
        // failing client's messages are dropped without calling the handler
        // (XPC_ERROR_PEER_CODE_SIGNING_REQUIREMENT only replaces a reply).
        if (xpc_connection_set_peer_code_signing_requirement(peer, kClientRequirement) != 0) {
            xpc_connection_cancel(peer);
            return;
        }
        xpc_connection_set_event_handler(peer, ^(xpc_object_t message) {
            if (xpc_get_type(message) != XPC_TYPE_DICTIONARY) return;
            // SecCodeCreateWithXPCMessage (macOS 11+) identifies the sender of
            // this very message by its audit token, so PID reuse cannot fool it.
            SecCodeRef code = NULL;
            bool hardened = SecCodeCreateWithXPCMessage(message, kSecCSDefaultFlags, &code) == errSecSuccess && code != NULL && csrl_client_is_hardened(code);
            if (code != NULL) CFRelease(code);
            if (!hardened) {
                xpc_connection_cancel(peer);
                return;
            }
            // Handle the message here.
        });
        xpc_connection_resume(peer);
    });
    xpc_connection_resume(listener);
    return listener;
}`,
    ];
  }
  const head = `#import <Foundation/Foundation.h>
#import <Security/Security.h>
#include <stdbool.h>`;
  const requirement = `${requirementComment}
static NSString *const kClientRequirement = ${literal};`;
  const accept =
    api === 'setCodeSigningRequirement'
      ? `    // The system checks the requirement against the peer's audit token for every
    // message; a client that fails it gets its connection invalidated
    // (NSXPCConnectionCodeSigningRequirementFailure, 4102). For all connections
    // at once: -[NSXPCListener setConnectionCodeSigningRequirement:].
    if (@available(macOS 13.0, *)) {
        [newConnection setCodeSigningRequirement:kClientRequirement];
    } else {
        return NO; // Older systems: use the audit-token variant of this code.
    }
    SecCodeRef code = CSRLCopyCodeForAuditToken(newConnection.auditToken);
    if (code == NULL) return NO;
    bool hardened = csrl_client_is_hardened(code);
    CFRelease(code);
    if (!hardened) return NO;`
      : `    // Identify the client by its audit token, never by processIdentifier:
    // a PID can be reused by another process between the check and the use.
    SecCodeRef code = CSRLCopyCodeForAuditToken(newConnection.auditToken);
    if (code == NULL) return NO;
    SecRequirementRef requirement = NULL;
    if (SecRequirementCreateWithString((__bridge CFStringRef)kClientRequirement, kSecCSDefaultFlags, &requirement) != errSecSuccess) {
        CFRelease(code);
        return NO;
    }
    CFErrorRef error = NULL;
    OSStatus status = SecCodeCheckValidityWithErrors(code, kSecCSStrictValidate, requirement, &error);
    CFRelease(requirement);
    if (status != errSecSuccess) {
        // errSecCSReqFailed (-67050) when the client does not satisfy the requirement.
        NSLog(@"rejected XPC client: %@", error != NULL ? (__bridge NSError *)error : @(status));
        if (error != NULL) CFRelease(error);
        CFRelease(code);
        return NO;
    }
    bool hardened = csrl_client_is_hardened(code);
    CFRelease(code);
    if (!hardened) return NO;`;
  return [
    head,
    requirement,
    objcAuditToken(),
    cHardening(),
    `@interface ServiceDelegate : NSObject <NSXPCListenerDelegate>
@end

@implementation ServiceDelegate
- (BOOL)listener:(NSXPCListener *)listener shouldAcceptNewConnection:(NSXPCConnection *)newConnection {
${accept}
    // newConnection.exportedInterface = [NSXPCInterface interfaceWithProtocol:@protocol(YourServiceProtocol)];
    // newConnection.exportedObject = [[YourService alloc] init];
    [newConnection resume];
    return YES;
}
@end`,
  ];
}
