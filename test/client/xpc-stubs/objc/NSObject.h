// Stub of <objc/objc.h> and <objc/NSObject.h>: the root class and the
// NSObject protocol, with BOOL as the SDK defines it per architecture
// (clang predefines __OBJC_BOOL_IS_BOOL for Apple targets).
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#include <stdbool.h>

#if defined(__OBJC_BOOL_IS_BOOL) && __OBJC_BOOL_IS_BOOL
typedef bool BOOL;
#else
typedef signed char BOOL;
#endif
#define YES __objc_yes
#define NO __objc_no

#if __has_feature(objc_arc)
#define OBJC_ARC_UNAVAILABLE __attribute__((unavailable("not available in automatic reference counting mode")))
#else
#define OBJC_ARC_UNAVAILABLE
#endif

@protocol NSObject
- (BOOL)isEqual:(id)object;
// <objc/NSObject.h>: manual reference counting is unavailable under ARC.
- (oneway void)release OBJC_ARC_UNAVAILABLE;
@end

__attribute__((objc_root_class))
@interface NSObject <NSObject> {
  Class isa;
}
@end
