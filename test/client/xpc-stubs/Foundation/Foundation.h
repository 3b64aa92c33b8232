// Stub of <Foundation/Foundation.h>: only what the generated XPC code uses.
// NSXPCConnection / NSXPCListener / NSXPCListenerDelegate checked against a
// public copy of the SDK's NSXPCConnection.h (which imports <bsm/audit.h> and
// <xpc/xpc.h>); -setCodeSigningRequirement: and
// -setConnectionCodeSigningRequirement: as Apple documents them (macOS 13.0+).
// NSLog, NSString, NSNumber, NSData, NSDictionary, NSError with the SDK's
// signatures (NSObjCRuntime.h, NSValue.h, NSData.h, NSDictionary.h), including
// NSLog's format attribute, so a wrong %@ argument is an error here.
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#import <objc/NSObject.h>
#include <CoreFoundation/CoreFoundation.h>
#include <os/availability.h>
#include <xpc/xpc.h>

// NSObjCRuntime.h
typedef long NSInteger;
typedef unsigned long NSUInteger;
#define FOUNDATION_EXPORT extern
#define NS_FORMAT_FUNCTION(F, A) __attribute__((format(__NSString__, F, A)))

@class NSString;
FOUNDATION_EXPORT void NSLog(NSString *format, ...) NS_FORMAT_FUNCTION(1, 2);

// NSZone.h, NSObject.h
typedef struct _NSZone NSZone;
@protocol NSCopying
- (id)copyWithZone:(NSZone *)zone;
@end

// NSString.h
@interface NSString : NSObject <NSCopying>
@end

// NSValue.h
@interface NSValue : NSObject <NSCopying>
@end
@interface NSNumber : NSValue
+ (NSNumber *)numberWithInt:(int)value;
@end

// NSData.h
@interface NSData : NSObject <NSCopying>
+ (instancetype)dataWithBytes:(const void *)bytes length:(NSUInteger)length;
@end

// NSDictionary.h
@interface NSDictionary<__covariant KeyType, __covariant ObjectType> : NSObject <NSCopying>
+ (instancetype)dictionaryWithObjects:(const ObjectType[])objects
                              forKeys:(const KeyType<NSCopying>[])keys
                                count:(NSUInteger)cnt;
@end

// NSError.h
@interface NSError : NSObject <NSCopying>
@end

// NSXPCConnection.h
@class NSXPCListener;
@interface NSXPCConnection : NSObject
- (void)resume;
- (void)setCodeSigningRequirement:(NSString *)requirement API_AVAILABLE(macos(13.0));
@end

@interface NSXPCListener : NSObject
- (void)resume;
- (void)setConnectionCodeSigningRequirement:(NSString *)requirement API_AVAILABLE(macos(13.0));
@end

@protocol NSXPCListenerDelegate <NSObject>
@optional
- (BOOL)listener:(NSXPCListener *)listener shouldAcceptNewConnection:(NSXPCConnection *)newConnection;
@end
