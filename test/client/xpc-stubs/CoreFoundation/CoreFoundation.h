// Stub of <CoreFoundation/CoreFoundation.h>: only what the generated XPC code
// uses, declared as in MacTypes.h, CFBase.h, CFString.h, CFData.h,
// CFDictionary.h, CFNumber.h and CFError.h of the macOS SDK (the same shapes
// as native/mac-stubs, which the macOS workflow checks against the real SDK).
// CF_BRIDGED_TYPE marks the toll-free bridges, so ARC's __bridge casts in the
// generated Objective-C are checked as with the SDK.
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__OBJC__)
#define CF_BRIDGED_TYPE(T) __attribute__((objc_bridge(T)))
#else
#define CF_BRIDGED_TYPE(T)
#endif

// MacTypes.h (LP64)
typedef unsigned char Boolean;
typedef unsigned char UInt8;
typedef unsigned int UInt32;
typedef signed int SInt32;
typedef SInt32 OSStatus;

// CFBase.h
typedef signed long CFIndex;
typedef unsigned long CFTypeID;
typedef const void *CFTypeRef;
typedef const struct CF_BRIDGED_TYPE(NSString) __CFString *CFStringRef;
void CFRelease(CFTypeRef cf);
CFTypeID CFGetTypeID(CFTypeRef cf);

// CFString.h: CFSTR makes a compile-time constant string with clang's builtin.
// CFBase.h, CFString.h
typedef const struct __CFAllocator *CFAllocatorRef;
extern const CFAllocatorRef kCFAllocatorDefault;
typedef UInt32 CFStringEncoding;
enum : CFStringEncoding { kCFStringEncodingUTF8 = 0x08000100 };
CFStringRef CFStringCreateWithCString(CFAllocatorRef alloc, const char *cStr, CFStringEncoding encoding);

#define CFSTR(cStr) ((CFStringRef)__builtin___CFStringMakeConstantString("" cStr ""))

// CFData.h
typedef const struct CF_BRIDGED_TYPE(NSData) __CFData *CFDataRef;

// CFDictionary.h
typedef const struct CF_BRIDGED_TYPE(NSDictionary) __CFDictionary *CFDictionaryRef;
CFTypeID CFDictionaryGetTypeID(void);
const void *CFDictionaryGetValue(CFDictionaryRef theDict, const void *key);

// CFNumber.h
typedef const struct CF_BRIDGED_TYPE(NSNumber) __CFBoolean *CFBooleanRef;
typedef const struct CF_BRIDGED_TYPE(NSNumber) __CFNumber *CFNumberRef;
enum CFNumberType : CFIndex { kCFNumberSInt32Type = 3 };
typedef enum CFNumberType CFNumberType;
CFTypeID CFBooleanGetTypeID(void);
Boolean CFBooleanGetValue(CFBooleanRef boolean);
Boolean CFNumberGetValue(CFNumberRef number, CFNumberType theType, void *valuePtr);

// CFError.h
typedef struct CF_BRIDGED_TYPE(NSError) __CFError *CFErrorRef;
