// Stub of <Security/Security.h> (SecBase.h, CSCommon.h, SecCode.h,
// SecStaticCode.h, SecRequirement.h, SecCertificate.h): only what
// native/src/mac_security.cc uses, with the SDK's signatures and values.
#pragma once
#ifndef CSRL_MAC_SYNTAX_CHECK
#error "native/mac-stubs is only for the Linux syntax check of the macOS sources"
#endif

#include <CoreFoundation/CoreFoundation.h>

#ifdef __cplusplus
extern "C" {
#endif

// SecBase.h
typedef struct __SecCertificate* SecCertificateRef;
enum : OSStatus { errSecSuccess = 0, errSecParam = -50 };
CFStringRef SecCopyErrorMessageString(OSStatus status, void* reserved);

// CSCommon.h
typedef struct __SecCode* SecCodeRef;
typedef const struct __SecCode* SecStaticCodeRef;
typedef struct __SecRequirement* SecRequirementRef;
typedef uint32_t SecCSFlags;
enum : SecCSFlags { kSecCSDefaultFlags = 0 };
enum : OSStatus { errSecCSReqInvalid = -67052, errSecCSReqFailed = -67050, errSecCSUnsigned = -67062 };
extern const CFStringRef kSecCFErrorRequirementSyntax;

// SecCode.h
extern const CFStringRef kSecGuestAttributePid;
extern const CFStringRef kSecGuestAttributeAudit;
OSStatus SecCodeCopyStaticCode(SecCodeRef code, SecCSFlags flags, SecStaticCodeRef* staticCode);
OSStatus SecCodeCopyGuestWithAttributes(SecCodeRef host, CFDictionaryRef attributes, SecCSFlags flags,
                                        SecCodeRef* guest);
OSStatus SecCodeCheckValidityWithErrors(SecCodeRef code, SecCSFlags flags, SecRequirementRef requirement,
                                        CFErrorRef* errors);
OSStatus SecCodeCopyPath(SecStaticCodeRef staticCode, SecCSFlags flags, CFURLRef* path);
OSStatus SecCodeCopyDesignatedRequirement(SecStaticCodeRef code, SecCSFlags flags, SecRequirementRef* requirement);
enum : SecCSFlags {
  kSecCSInternalInformation = 1 << 0,
  kSecCSSigningInformation = 1 << 1,
  kSecCSRequirementInformation = 1 << 2,
  kSecCSDynamicInformation = 1 << 3,
  kSecCSContentInformation = 1 << 4,
  kSecCSSkipResourceDirectory = 1 << 5,
  kSecCSCalculateCMSDigest = 1 << 6,
};
OSStatus SecCodeCopySigningInformation(SecStaticCodeRef code, SecCSFlags flags, CFDictionaryRef* information);
extern const CFStringRef kSecCodeInfoCertificates;
extern const CFStringRef kSecCodeInfoDigestAlgorithm;
extern const CFStringRef kSecCodeInfoDigestAlgorithms;
extern const CFStringRef kSecCodeInfoPlatformIdentifier;
extern const CFStringRef kSecCodeInfoFormat;
extern const CFStringRef kSecCodeInfoIdentifier;
extern const CFStringRef kSecCodeInfoImplicitDesignatedRequirement;
extern const CFStringRef kSecCodeInfoMainExecutable;
extern const CFStringRef kSecCodeInfoPList;
extern const CFStringRef kSecCodeInfoRequirements;
extern const CFStringRef kSecCodeInfoRequirementData;
extern const CFStringRef kSecCodeInfoSource;
extern const CFStringRef kSecCodeInfoStatus;
extern const CFStringRef kSecCodeInfoTeamIdentifier;
extern const CFStringRef kSecCodeInfoTime;
extern const CFStringRef kSecCodeInfoTimestamp;
extern const CFStringRef kSecCodeInfoUnique;
extern const CFStringRef kSecCodeInfoCdHashes;
extern const CFStringRef kSecCodeInfoRuntimeVersion;
extern const CFStringRef kSecCodeInfoFlags;
extern const CFStringRef kSecCodeInfoEntitlementsDict;

// SecStaticCode.h
OSStatus SecStaticCodeCreateWithPath(CFURLRef path, SecCSFlags flags, SecStaticCodeRef* staticCode);
enum : SecCSFlags {
  kSecCSCheckAllArchitectures = 1 << 0,
  kSecCSDoNotValidateExecutable = 1 << 1,
  kSecCSDoNotValidateResources = 1 << 2,
  kSecCSCheckNestedCode = 1 << 3,
  kSecCSStrictValidate = 1 << 4,
};
OSStatus SecStaticCodeCheckValidityWithErrors(SecStaticCodeRef staticCode, SecCSFlags flags,
                                              SecRequirementRef requirement, CFErrorRef* errors);

// SecRequirement.h
CFTypeID SecRequirementGetTypeID(void);
OSStatus SecRequirementCreateWithStringAndErrors(CFStringRef text, SecCSFlags flags, CFErrorRef* errors,
                                                 SecRequirementRef* requirement);
OSStatus SecRequirementCopyData(SecRequirementRef requirement, SecCSFlags flags, CFDataRef* data);
OSStatus SecRequirementCopyString(SecRequirementRef requirement, SecCSFlags flags, CFStringRef* text);

// SecCertificate.h
CFTypeID SecCertificateGetTypeID(void);
CFDataRef SecCertificateCopyData(SecCertificateRef certificate);

#ifdef __cplusplus
}
#endif
