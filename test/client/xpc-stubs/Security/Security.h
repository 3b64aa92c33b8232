// Stub of <Security/Security.h>: only what the generated XPC code uses.
// Checked against public copies of the SDK headers: SecCode.h (guest
// attributes incl. kSecGuestAttributeAudit, SecCodeCopyGuestWithAttributes,
// SecCodeCheckValidityWithErrors, the kSecCS*Information flags,
// SecCodeCopySigningInformation, kSecCodeInfo* keys), CSCommon.h (the ref
// types, SecCSFlags), SecStaticCode.h (kSecCSStrictValidate = 1 << 4),
// SecRequirement.h; SecCodeCreateWithXPCMessage as Apple documents it
// (SecCode.h, macOS 11 SDK on, no availability attribute in the header).
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#include <CoreFoundation/CoreFoundation.h>
#include <mach/message.h>
#include <xpc/xpc.h>

#if defined(__OBJC__)
#define CSRL_SEC_BRIDGED __attribute__((objc_bridge(id)))
#else
#define CSRL_SEC_BRIDGED
#endif

// SecBase.h
enum : OSStatus { errSecSuccess = 0 };

// CSCommon.h
typedef struct CSRL_SEC_BRIDGED __SecCode *SecCodeRef;
typedef struct CSRL_SEC_BRIDGED __SecCode const *SecStaticCodeRef;
typedef struct CSRL_SEC_BRIDGED __SecRequirement *SecRequirementRef;
typedef uint32_t SecCSFlags;
enum : SecCSFlags { kSecCSDefaultFlags = 0 };

// SecCode.h
extern const CFStringRef kSecGuestAttributeAudit;
OSStatus SecCodeCopyGuestWithAttributes(SecCodeRef host, CFDictionaryRef attributes, SecCSFlags flags,
                                        SecCodeRef *guest);
OSStatus SecCodeCheckValidity(SecCodeRef code, SecCSFlags flags, SecRequirementRef requirement);
OSStatus SecCodeCheckValidityWithErrors(SecCodeRef code, SecCSFlags flags, SecRequirementRef requirement,
                                        CFErrorRef *errors);
enum : uint32_t {
  kSecCSInternalInformation = 1 << 0,
  kSecCSSigningInformation = 1 << 1,
  kSecCSRequirementInformation = 1 << 2,
  kSecCSDynamicInformation = 1 << 3,
  kSecCSContentInformation = 1 << 4,
};
extern const CFStringRef kSecCodeInfoEntitlementsDict; /* Requirement */
extern const CFStringRef kSecCodeInfoStatus;           /* Dynamic */
OSStatus SecCodeCopySigningInformation(SecStaticCodeRef code, SecCSFlags flags, CFDictionaryRef *information);
OSStatus SecCodeCreateWithXPCMessage(xpc_object_t message, SecCSFlags flags, SecCodeRef *target);

// SecStaticCode.h
enum : uint32_t {
  kSecCSCheckAllArchitectures = 1 << 0,
  kSecCSDoNotValidateExecutable = 1 << 1,
  kSecCSDoNotValidateResources = 1 << 2,
  kSecCSCheckNestedCode = 1 << 3,
  kSecCSStrictValidate = 1 << 4,
};

// SecRequirement.h
OSStatus SecRequirementCreateWithString(CFStringRef text, SecCSFlags flags, SecRequirementRef *requirement);
