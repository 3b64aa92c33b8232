/**
 * The client hardening check the requirement language cannot express, and
 * the audit-token helpers NSXPCConnection needs before macOS 13: shared by
 * every generated variant (moved unchanged from the first generator).
 */

export const WHY_HARDENING = `// Why check the client's hardening as well: a requirement says who signed the client,
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

export const WHY_AUDIT_TOKEN = `// NSXPCConnection.auditToken is private API: it is not in the SDK headers and may
// change in any release (App Store review may also reject it). It is still the
// only race-free way to identify an NSXPCConnection peer before macOS 13;
// processIdentifier is not (PIDs are reused). For a libxpc connection the
// equivalent is xpc_connection_get_audit_token, equally private, declared as
//     void xpc_connection_get_audit_token(xpc_connection_t, audit_token_t *);
// From macOS 11 on, SecCodeCreateWithXPCMessage (public) does this per message.`;

export function swiftHardening(): string {
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

export function swiftAuditToken(): string {
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

export function cHardening(): string {
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

export function objcAuditToken(): string {
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
