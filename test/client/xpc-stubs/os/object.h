// Stub of <os/object.h>: XPC and dispatch objects are Objective-C objects
// (ARC-managed, NSObject<OS_xpc_object> *) when compiled as Objective-C, and
// opaque struct pointers in C, exactly as OS_OBJECT_USE_OBJC decides in the SDK.
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#ifndef OS_OBJECT_USE_OBJC
#if defined(__OBJC__)
#define OS_OBJECT_USE_OBJC 1
#else
#define OS_OBJECT_USE_OBJC 0
#endif
#endif

#if OS_OBJECT_USE_OBJC
#import <objc/NSObject.h>
#define OS_OBJECT_DECL(name) \
  @protocol OS_##name <NSObject> \
  @end \
  typedef NSObject<OS_##name> *name##_t
#define OS_OBJECT_DECL_SUBCLASS(name, super) \
  @protocol OS_##name <OS_##super> \
  @end \
  typedef NSObject<OS_##name> *name##_t
#define OS_OBJECT_RETURNS_RETAINED __attribute__((__ns_returns_retained__))
#else
#define OS_OBJECT_DECL(name) typedef struct name##_s *name##_t
#define OS_OBJECT_DECL_SUBCLASS(name, super) typedef struct name##_s *name##_t
#define OS_OBJECT_RETURNS_RETAINED
#endif
