// macOS security backend: Apple's own verdicts through Security.framework's
// documented C API (SecCode.h, SecStaticCode.h, SecRequirement.h, CSCommon.h).
//
// A check by PID is a point-in-time developer check: the PID can be reused by
// another process between any two calls. We therefore pin the process by its
// audit token where we can get one, and compare its identity (PID, start time,
// unique id, PID version) before and after; if it changed, the result is
// discarded. Services must not authorise clients this way; they must use
// NSXPCConnection.setCodeSigningRequirement,
// xpc_connection_set_peer_code_signing_requirement, or an audit-token check.
#include <CoreFoundation/CoreFoundation.h>
#include <Security/Security.h>

#include <cstring>
#include <string>
#include <vector>

#include "backend.h"
#include "mac_cf.h"
#include "mac_proc.h"

namespace csrl {

namespace {

using mac::CFRef;

constexpr const char* kPointInTimeNote =
    "A check by PID is a point-in-time developer check: the process can change or its PID be reused at any "
    "moment. Services must authorise clients with NSXPCConnection.setCodeSigningRequirement (macOS 13+), "
    "xpc_connection_set_peer_code_signing_requirement (macOS 12+) or an audit-token based check.";

// OSStatus names from CSCommon.h (errSecCS…) and SecBase.h.
const char* StatusName(OSStatus status) {
  switch (status) {
    case 0: return "errSecSuccess";
    case -4: return "errSecUnimplemented";
    case -50: return "errSecParam";
    case -108: return "errSecAllocate";
    case -128: return "userCanceledErr";
    case -25293: return "errSecAuthFailed";
    case -67072: return "errSecCSUnimplemented";
    case -67071: return "errSecCSInvalidObjectRef";
    case -67070: return "errSecCSInvalidFlags";
    case -67069: return "errSecCSObjectRequired";
    case -67068: return "errSecCSStaticCodeNotFound";
    case -67067: return "errSecCSUnsupportedGuestAttributes";
    case -67066: return "errSecCSInvalidAttributeValues";
    case -67065: return "errSecCSNoSuchCode";
    case -67064: return "errSecCSMultipleGuests";
    case -67063: return "errSecCSGuestInvalid";
    case -67062: return "errSecCSUnsigned";
    case -67061: return "errSecCSSignatureFailed";
    case -67060: return "errSecCSSignatureNotVerifiable";
    case -67059: return "errSecCSSignatureUnsupported";
    case -67058: return "errSecCSBadDictionaryFormat";
    case -67057: return "errSecCSResourcesNotSealed";
    case -67056: return "errSecCSResourcesNotFound";
    case -67055: return "errSecCSResourcesInvalid";
    case -67054: return "errSecCSBadResource";
    case -67053: return "errSecCSResourceRulesInvalid";
    case -67052: return "errSecCSReqInvalid";
    case -67051: return "errSecCSReqUnsupported";
    case -67050: return "errSecCSReqFailed";
    case -67049: return "errSecCSBadObjectFormat";
    case -67048: return "errSecCSInternalError";
    case -67047: return "errSecCSHostReject";
    case -67046: return "errSecCSNotAHost";
    case -67045: return "errSecCSSignatureInvalid";
    case -67044: return "errSecCSHostProtocolRelativePath";
    case -67043: return "errSecCSHostProtocolContradiction";
    case -67042: return "errSecCSHostProtocolDedicationError";
    case -67041: return "errSecCSHostProtocolNotProxy";
    case -67040: return "errSecCSHostProtocolStateError";
    case -67039: return "errSecCSHostProtocolUnrelated";
    case -67037: return "errSecCSNotSupported";
    case -67036: return "errSecCSCMSTooLarge";
    case -67035: return "errSecCSHostProtocolInvalidHash";
    case -67034: return "errSecCSStaticCodeChanged";
    case -67033: return "errSecCSDBDenied";
    case -67032: return "errSecCSDBAccess";
    case -67031: return "errSecCSHostProtocolInvalidAttribute";
    case -67030: return "errSecCSInfoPlistFailed";
    case -67029: return "errSecCSNoMainExecutable";
    case -67028: return "errSecCSBadBundleFormat";
    case -67027: return "errSecCSNoMatches";
    case -67026: return "errSecCSFileHardQuarantined";
    case -67025: return "errSecCSOutdated";
    case -67024: return "errSecCSDbCorrupt";
    case -67023: return "errSecCSResourceDirectoryFailed";
    case -67022: return "errSecCSUnsignedNestedCode";
    case -67021: return "errSecCSBadNestedCode";
    case -67020: return "errSecCSBadCallbackValue";
    case -67019: return "errSecCSHelperFailed";
    case -67018: return "errSecCSVetoed";
    case -67017: return "errSecCSBadLVArch";
    case -67016: return "errSecCSResourceNotSupported";
    case -67015: return "errSecCSRegularFile";
    case -67014: return "errSecCSUnsealedAppRoot";
    case -67013: return "errSecCSWeakResourceRules";
    case -67012: return "errSecCSDSStoreSymlink";
    case -67011: return "errSecCSAmbiguousBundleFormat";
    case -67010: return "errSecCSBadMainExecutable";
    case -67009: return "errSecCSBadFrameworkVersion";
    case -67008: return "errSecCSUnsealedFrameworkRoot";
    case -67007: return "errSecCSWeakResourceEnvelope";
    case -67006: return "errSecCSCancelled";
    case -67005: return "errSecCSInvalidPlatform";
    case -67004: return "errSecCSTooBig";
    case -67003: return "errSecCSInvalidSymlink";
    case -67002: return "errSecCSNotAppLike";
    case -67001: return "errSecCSBadDiskImageFormat";
    case -67000: return "errSecCSUnsupportedDigestAlgorithm";
    case -66999: return "errSecCSInvalidAssociatedFileData";
    case -66998: return "errSecCSInvalidTeamIdentifier";
    case -66997: return "errSecCSBadTeamIdentifier";
    case -66996: return "errSecCSSignatureUntrusted";
    case -66995: return "errSecMultipleExecSegments";
    case -66994: return "errSecCSInvalidEntitlements";
    case -66993: return "errSecCSInvalidRuntimeVersion";
    case -66992: return "errSecCSRevokedNotarization";
    case -66991: return "errSecCSCMSConstructionFailed";
    case -66990: return "errSecCSRemoteSignerFailed";
    default: return "";
  }
}

// {status, name, message, errorText?, userInfo?}: the OSStatus, its symbolic
// name, Apple's message for it, and the CFError's own description and details.
Value StatusValue(OSStatus status, CFErrorRef error) {
  Value v = Value::Object();
  v.set("status", Value::Number(status));
  v.set("name", Value::String(StatusName(status)));
  CFRef<CFStringRef> message(SecCopyErrorMessageString(status, nullptr));
  v.set("message", Value::String(mac::ToStdString(message.get())));
  if (error) {
    CFRef<CFStringRef> description(CFErrorCopyDescription(error));
    v.set("errorText", Value::String(mac::ToStdString(description.get())));
    CFRef<CFDictionaryRef> info(CFErrorCopyUserInfo(error));
    if (info) {
      Value syntax = mac::DictValue(info.get(), kSecCFErrorRequirementSyntax);
      if (syntax.kind() == Value::Kind::String) v.set("syntaxErrors", syntax);
      v.set("userInfo", mac::ToValue(info.get()));
    }
  }
  return v;
}

// Compiles requirement text with Apple's compiler; on failure `out` holds the status value.
bool CompileRequirement(const std::string& text, CFRef<SecRequirementRef>& req, Value& out) {
  CFRef<CFStringRef> string(mac::CreateCFString(text));
  if (!string) {
    out = StatusValue(errSecParam, nullptr);
    out.set("errorText", Value::String("requirement text is not valid UTF-8"));
    return false;
  }
  CFRef<CFErrorRef> errors;
  OSStatus status = SecRequirementCreateWithStringAndErrors(string.get(), kSecCSDefaultFlags, errors.out(), req.out());
  if (status != errSecSuccess || !req) {
    out = StatusValue(status != errSecSuccess ? status : errSecCSReqInvalid, errors.get());
    return false;
  }
  return true;
}

Value RequirementText(SecRequirementRef req) {
  Value v = Value::Object();
  CFRef<CFStringRef> text;
  if (SecRequirementCopyString(req, kSecCSDefaultFlags, text.out()) == errSecSuccess)
    v.set("text", Value::String(mac::ToStdString(text.get())));
  CFRef<CFDataRef> data;
  if (SecRequirementCopyData(req, kSecCSDefaultFlags, data.out()) == errSecSuccess)
    v.set("bytes", Value::Bytes(mac::DataBytes(data.get())));
  return v;
}

Value Unsupported(const char* platform, const char* reason) {
  Value v = Value::Object();
  v.set("supported", Value::Bool(false));
  v.set("platform", Value::String(platform));
  v.set("reason", Value::String(reason));
  return v;
}

// The dynamic code object of a running process. Uses the audit token when one
// was given or can be had, so Security.framework binds to that exact process
// incarnation rather than to whatever holds the PID when it looks.
OSStatus GuestForProcess(const ProcessTarget& target, CFRef<SecCodeRef>& code, bool& usedAuditToken) {
  std::vector<uint8_t> token = target.auditToken;
  usedAuditToken = target.hasAuditToken || mac::AuditTokenForPid(target.pid, token);
  int32_t pidValue = target.pid;
  CFRef<CFNumberRef> pid(CFNumberCreate(kCFAllocatorDefault, kCFNumberSInt32Type, &pidValue));
  CFRef<CFDataRef> audit;
  std::vector<const void*> keys{kSecGuestAttributePid};
  std::vector<const void*> values{pid.get()};
  if (usedAuditToken) {
    *audit.out() = CFDataCreate(kCFAllocatorDefault, token.data(), static_cast<CFIndex>(token.size()));
    keys.push_back(kSecGuestAttributeAudit);
    values.push_back(audit.get());
  }
  CFRef<CFDictionaryRef> attributes(CFDictionaryCreate(kCFAllocatorDefault, keys.data(), values.data(),
                                                       static_cast<CFIndex>(keys.size()),
                                                       &kCFTypeDictionaryKeyCallBacks,
                                                       &kCFTypeDictionaryValueCallBacks));
  return SecCodeCopyGuestWithAttributes(nullptr, attributes.get(), kSecCSDefaultFlags, code.out());
}

Outcome ProcessChanged(const mac::Identity& before, const Outcome& afterRead) {
  std::string why = afterRead.ok ? "was replaced by another process (PID reuse or exec)" : "exited";
  return Outcome::Fail(codes::kProcessChanged, "process " + std::to_string(before.pid) + " " + why +
                                                   " while it was being checked; the result was discarded");
}

// `codesign --verify --deep --strict`: without kSecCSCheckNestedCode Apple only does a basic
// check of nested code, while the portable checker verifies it fully (pages, resources, recursively).
constexpr SecCSFlags kStaticCheckFlags = kSecCSCheckAllArchitectures | kSecCSCheckNestedCode | kSecCSStrictValidate;

Value SigningInformation(SecStaticCodeRef code, bool dynamic) {
  Value v = Value::Object();
  SecCSFlags flags = kSecCSSigningInformation | kSecCSRequirementInformation;
  if (dynamic) flags |= kSecCSDynamicInformation;
  CFRef<CFDictionaryRef> info;
  OSStatus status = SecCodeCopySigningInformation(code, flags, info.out());
  v.set("status", StatusValue(status, nullptr));
  if (status != errSecSuccess || !info) return v;
  CFDictionaryRef d = info.get();
  struct { const char* name; CFStringRef key; } simple[] = {
      {"identifier", kSecCodeInfoIdentifier},
      {"teamIdentifier", kSecCodeInfoTeamIdentifier},
      {"flags", kSecCodeInfoFlags},
      {"format", kSecCodeInfoFormat},
      {"source", kSecCodeInfoSource},
      {"digestAlgorithm", kSecCodeInfoDigestAlgorithm},
      {"digestAlgorithms", kSecCodeInfoDigestAlgorithms},
      {"cdhash", kSecCodeInfoUnique},
      {"cdhashes", kSecCodeInfoCdHashes},
      {"entitlements", kSecCodeInfoEntitlementsDict},
      {"infoPlist", kSecCodeInfoPList},
      {"mainExecutable", kSecCodeInfoMainExecutable},
      {"signingTime", kSecCodeInfoTime},
      {"timestamp", kSecCodeInfoTimestamp},
      {"runtimeVersion", kSecCodeInfoRuntimeVersion},
      {"platformIdentifier", kSecCodeInfoPlatformIdentifier},
      {"requirementsText", kSecCodeInfoRequirements},
      {"requirementsData", kSecCodeInfoRequirementData},
      {"dynamicStatus", kSecCodeInfoStatus},
  };
  for (const auto& s : simple) {
    Value value = mac::DictValue(d, s.key);
    if (value.kind() != Value::Kind::Undefined) v.set(s.name, std::move(value));
  }
  const void* implicit = CFDictionaryGetValue(d, kSecCodeInfoImplicitDesignatedRequirement);
  if (implicit && CFGetTypeID(implicit) == SecRequirementGetTypeID())
    v.set("implicitDesignatedRequirement",
          RequirementText(static_cast<SecRequirementRef>(const_cast<void*>(implicit))));
  // Certificates are SecCertificateRefs, not property-list values: export their DER.
  const void* certs = CFDictionaryGetValue(d, kSecCodeInfoCertificates);
  if (certs && CFGetTypeID(certs) == CFArrayGetTypeID()) {
    Value list = Value::Array();
    CFArrayRef array = static_cast<CFArrayRef>(certs);
    for (CFIndex i = 0, n = CFArrayGetCount(array); i < n; ++i) {
      const void* item = CFArrayGetValueAtIndex(array, i);
      if (!item || CFGetTypeID(item) != SecCertificateGetTypeID()) continue;
      CFRef<CFDataRef> der(SecCertificateCopyData(static_cast<SecCertificateRef>(const_cast<void*>(item))));
      list.push(Value::Bytes(mac::DataBytes(der.get())));
    }
    v.set("certificates", std::move(list));
  }
  CFRef<SecRequirementRef> designated;
  OSStatus drStatus = SecCodeCopyDesignatedRequirement(code, kSecCSDefaultFlags, designated.out());
  if (drStatus == errSecSuccess && designated) v.set("designatedRequirement", RequirementText(designated.get()));
  else v.set("designatedRequirementStatus", StatusValue(drStatus, nullptr));
  return v;
}

// A check starts by compiling the requirement with Apple's compiler; when it
// rejects the text, the result says so and nothing is checked.
bool CompileInto(Value& v, const std::string& requirement, CFRef<SecRequirementRef>& req) {
  Value failure;
  if (!CompileRequirement(requirement, req, failure)) {
    v.set("satisfied", Value::Bool(false));
    v.set("requirementError", std::move(failure));
    return false;
  }
  v.set("requirement", RequirementText(req.get()));
  return true;
}

}  // namespace

const char* SecurityBackendName() { return "security-framework"; }

Value UnsupportedValue(const char* reason) { return Unsupported("darwin", reason); }

Outcome ParseRequirement(const std::string& text) {
  CFRef<SecRequirementRef> req;
  Value failure;
  Value v = Value::Object();
  v.set("supported", Value::Bool(true));
  if (!CompileRequirement(text, req, failure)) {
    v.set("accepted", Value::Bool(false));
    v.set("result", std::move(failure));
    return Outcome::Ok(std::move(v));
  }
  v.set("accepted", Value::Bool(true));
  v.set("result", StatusValue(errSecSuccess, nullptr));
  Value printed = RequirementText(req.get());
  if (const Value* t = printed.get("text")) v.set("text", *t);
  if (const Value* b = printed.get("bytes")) v.set("bytes", *b);
  return Outcome::Ok(std::move(v));
}

Outcome CheckPath(const std::string& path, const std::string& requirement) {
  Value v = Value::Object();
  v.set("supported", Value::Bool(true));
  v.set("kind", Value::String("path"));
  v.set("path", Value::String(path));
  v.set("flags", Value::String("kSecCSCheckAllArchitectures | kSecCSCheckNestedCode | kSecCSStrictValidate"));
  CFRef<SecRequirementRef> req;
  if (!CompileInto(v, requirement, req)) return Outcome::Ok(std::move(v));
  CFRef<CFURLRef> url(mac::CreateFileURL(path));
  CFRef<SecStaticCodeRef> code;
  OSStatus status = url ? SecStaticCodeCreateWithPath(url.get(), kSecCSDefaultFlags, code.out()) : errSecParam;
  if (status != errSecSuccess) {
    v.set("satisfied", Value::Bool(false));
    v.set("result", StatusValue(status, nullptr));
    return Outcome::Ok(std::move(v));
  }
  CFRef<CFErrorRef> errors;
  status = SecStaticCodeCheckValidityWithErrors(code.get(), kStaticCheckFlags, req.get(), errors.out());
  v.set("satisfied", Value::Bool(status == errSecSuccess));
  v.set("result", StatusValue(status, errors.get()));
  return Outcome::Ok(std::move(v));
}

Outcome CheckProcess(const ProcessTarget& target, const std::string& requirement) {
  mac::Identity before;
  Outcome read = mac::ReadIdentity(target.pid, before);
  if (!read.ok) return read;
  if (target.hasAuditToken && mac::AuditTokenPid(target.auditToken) != target.pid)
    return Outcome::Fail(codes::kProcessChanged, "the audit token belongs to process " +
                                                     std::to_string(mac::AuditTokenPid(target.auditToken)) +
                                                     ", not " + std::to_string(target.pid));

  Value v = Value::Object();
  v.set("supported", Value::Bool(true));
  v.set("kind", Value::String("process"));
  v.set("pid", Value::Number(target.pid));
  v.set("identity", mac::IdentityToValue(before));
  v.set("note", Value::String(kPointInTimeNote));
  CFRef<SecRequirementRef> req;
  if (!CompileInto(v, requirement, req)) return Outcome::Ok(std::move(v));

  CFRef<SecCodeRef> code;
  bool usedAuditToken = false;
  OSStatus status = GuestForProcess(target, code, usedAuditToken);
  v.set("usedAuditToken", Value::Bool(usedAuditToken));
  if (status != errSecSuccess) {
    v.set("satisfied", Value::Bool(false));
    v.set("result", StatusValue(status, nullptr));
  } else {
    CFRef<CFErrorRef> errors;
    status = SecCodeCheckValidityWithErrors(code.get(), kSecCSDefaultFlags, req.get(), errors.out());
    v.set("satisfied", Value::Bool(status == errSecSuccess));
    v.set("result", StatusValue(status, errors.get()));
    // Dynamic validity and the file on disk can disagree (rule 8): report both.
    CFRef<SecStaticCodeRef> onDisk;
    if (SecCodeCopyStaticCode(code.get(), kSecCSDefaultFlags, onDisk.out()) == errSecSuccess) {
      CFRef<CFErrorRef> staticErrors;
      OSStatus staticStatus =
          SecStaticCodeCheckValidityWithErrors(onDisk.get(), kStaticCheckFlags, req.get(), staticErrors.out());
      v.set("staticResult", StatusValue(staticStatus, staticErrors.get()));
      CFRef<CFURLRef> url;
      if (SecCodeCopyPath(onDisk.get(), kSecCSDefaultFlags, url.out()) == errSecSuccess)
        v.set("path", Value::String(mac::UrlPath(url.get())));
    }
  }
  uint32_t csFlags = 0;
  if (mac::CodeSigningFlags(target.pid, csFlags)) v.set("codeSigningFlags", mac::CodeSigningFlagsValue(csFlags));

  mac::Identity after;
  Outcome again = mac::ReadIdentity(target.pid, after);
  if (!again.ok || !mac::SameIdentity(before, after)) return ProcessChanged(before, again);
  return Outcome::Ok(std::move(v));
}

Outcome SigningInformationForProcess(const ProcessTarget& target) {
  mac::Identity before;
  Outcome read = mac::ReadIdentity(target.pid, before);
  if (!read.ok) return read;
  Value v = Value::Object();
  v.set("supported", Value::Bool(true));
  v.set("kind", Value::String("process"));
  v.set("pid", Value::Number(target.pid));
  v.set("identity", mac::IdentityToValue(before));
  v.set("note", Value::String(kPointInTimeNote));
  CFRef<SecCodeRef> code;
  bool usedAuditToken = false;
  OSStatus status = GuestForProcess(target, code, usedAuditToken);
  v.set("usedAuditToken", Value::Bool(usedAuditToken));
  if (status != errSecSuccess) {
    v.set("result", StatusValue(status, nullptr));
  } else {
    v.set("result", StatusValue(errSecSuccess, nullptr));
    v.set("signing", SigningInformation(code.get(), true));
  }
  uint32_t csFlags = 0;
  if (mac::CodeSigningFlags(target.pid, csFlags)) v.set("codeSigningFlags", mac::CodeSigningFlagsValue(csFlags));
  mac::Identity after;
  Outcome again = mac::ReadIdentity(target.pid, after);
  if (!again.ok || !mac::SameIdentity(before, after)) return ProcessChanged(before, again);
  return Outcome::Ok(std::move(v));
}

Outcome SigningInformationForPath(const std::string& path) {
  Value v = Value::Object();
  v.set("supported", Value::Bool(true));
  v.set("kind", Value::String("path"));
  v.set("path", Value::String(path));
  CFRef<CFURLRef> url(mac::CreateFileURL(path));
  CFRef<SecStaticCodeRef> code;
  OSStatus status = url ? SecStaticCodeCreateWithPath(url.get(), kSecCSDefaultFlags, code.out()) : errSecParam;
  v.set("result", StatusValue(status, nullptr));
  if (status == errSecSuccess) v.set("signing", SigningInformation(code.get(), false));
  return Outcome::Ok(std::move(v));
}

}  // namespace csrl
