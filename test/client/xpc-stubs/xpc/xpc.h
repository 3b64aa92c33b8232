// Stub of <xpc/xpc.h> (base.h, xpc.h, connection.h): only what the generated
// code uses. Object model checked against a public copy of the SDK's xpc.h
// (OS_OBJECT_DECL(xpc_object) and XPC_DECL(name) typedef xpc_object_t name##_t
// in Objective-C, void * and struct pointers in C). Signatures from Apple's
// XPC documentation; xpc_connection_set_peer_code_signing_requirement is
// macOS 12.0+ and XPC_WARN_RESULT, so ignoring its result is an error here.
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#include <dispatch/dispatch.h>
#include <os/availability.h>
#include <os/object.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// base.h
#define XPC_EXPORT extern __attribute__((visibility("default")))
#define XPC_MALLOC __attribute__((__malloc__))
#define XPC_NONNULL1 __attribute__((__nonnull__(1)))
#define XPC_NONNULL_ALL __attribute__((__nonnull__))
#define XPC_WARN_RESULT __attribute__((__warn_unused_result__))

// xpc.h
typedef const struct _xpc_type_s *xpc_type_t;
#define XPC_TYPE(type) const struct _xpc_type_s type
#if OS_OBJECT_USE_OBJC
OS_OBJECT_DECL(xpc_object);
#define XPC_DECL(name) typedef xpc_object_t name##_t
#define XPC_RETURNS_RETAINED OS_OBJECT_RETURNS_RETAINED
#else
typedef void *xpc_object_t;
#define XPC_DECL(name) typedef struct _##name##_s *name##_t
#define XPC_RETURNS_RETAINED
#endif
#if __BLOCKS__
typedef void (^xpc_handler_t)(xpc_object_t object);
#endif

#define XPC_TYPE_CONNECTION (&_xpc_type_connection)
XPC_EXPORT XPC_TYPE(_xpc_type_connection);
XPC_DECL(xpc_connection);
#define XPC_TYPE_DICTIONARY (&_xpc_type_dictionary)
XPC_EXPORT XPC_TYPE(_xpc_type_dictionary);

XPC_EXPORT XPC_NONNULL_ALL XPC_WARN_RESULT xpc_type_t xpc_get_type(xpc_object_t object);

// xpc.h, object construction (macOS 10.7). Under ARC, xpc_release is a message
// send of -release, which ARC forbids, as in the SDK (OS_OBJECT_USE_OBJC).
#if OS_OBJECT_USE_OBJC
#define xpc_release(object) [(object) release]
#else
XPC_EXPORT XPC_NONNULL1 void xpc_release(xpc_object_t object);
#endif
XPC_EXPORT XPC_MALLOC XPC_RETURNS_RETAINED XPC_WARN_RESULT xpc_object_t
xpc_dictionary_create(const char *const *keys, const xpc_object_t *values, size_t count);
XPC_EXPORT void xpc_dictionary_set_value(xpc_object_t xdict, const char *key, xpc_object_t value)
    __attribute__((__nonnull__(1, 2)));
XPC_EXPORT XPC_MALLOC XPC_RETURNS_RETAINED XPC_WARN_RESULT xpc_object_t xpc_array_create(const xpc_object_t *objects,
                                                                                       size_t count);
XPC_EXPORT XPC_NONNULL_ALL void xpc_array_append_value(xpc_object_t xarray, xpc_object_t value);
XPC_EXPORT XPC_MALLOC XPC_RETURNS_RETAINED XPC_WARN_RESULT XPC_NONNULL1 xpc_object_t xpc_string_create(const char *string);
XPC_EXPORT XPC_MALLOC XPC_RETURNS_RETAINED XPC_WARN_RESULT xpc_object_t xpc_int64_create(int64_t value);
XPC_EXPORT XPC_RETURNS_RETAINED XPC_WARN_RESULT xpc_object_t xpc_bool_create(bool value);
XPC_EXPORT XPC_MALLOC XPC_RETURNS_RETAINED XPC_WARN_RESULT xpc_object_t xpc_data_create(const void *bytes, size_t length);

// connection.h
#define XPC_CONNECTION_MACH_SERVICE_LISTENER (1 << 0)
XPC_EXPORT XPC_MALLOC XPC_RETURNS_RETAINED XPC_WARN_RESULT XPC_NONNULL1 xpc_connection_t
xpc_connection_create_mach_service(const char *name, dispatch_queue_t targetq, uint64_t flags);
#if __BLOCKS__
XPC_EXPORT XPC_NONNULL_ALL void xpc_connection_set_event_handler(xpc_connection_t connection,
                                                                 xpc_handler_t handler);
#endif
XPC_EXPORT XPC_NONNULL_ALL void xpc_connection_resume(xpc_connection_t connection);
XPC_EXPORT XPC_NONNULL_ALL void xpc_connection_cancel(xpc_connection_t connection);
API_AVAILABLE(macos(12.0))
XPC_EXPORT XPC_NONNULL_ALL XPC_WARN_RESULT int
xpc_connection_set_peer_code_signing_requirement(xpc_connection_t connection, const char *requirement);

// connection.h, macOS 14.4 (Apple's XPC documentation: each returns 0 on
// success; the signing identifier may be NULL for "any"). Availability as
// documented: macOS 14.4.
API_AVAILABLE(macos(14.4))
XPC_EXPORT XPC_NONNULL_ALL int xpc_connection_set_peer_lightweight_code_requirement(xpc_connection_t connection,
                                                                                    xpc_object_t lwcr);
API_AVAILABLE(macos(14.4))
XPC_EXPORT XPC_NONNULL1 int xpc_connection_set_peer_team_identity_requirement(xpc_connection_t connection,
                                                                              const char *signing_identifier);
API_AVAILABLE(macos(14.4))
XPC_EXPORT XPC_NONNULL1 int xpc_connection_set_peer_platform_identity_requirement(xpc_connection_t connection,
                                                                                  const char *signing_identifier);
API_AVAILABLE(macos(14.4))
XPC_EXPORT XPC_NONNULL_ALL int xpc_connection_set_peer_entitlement_exists_requirement(xpc_connection_t connection,
                                                                                      const char *entitlement);
API_AVAILABLE(macos(14.4))
XPC_EXPORT XPC_NONNULL_ALL int xpc_connection_set_peer_entitlement_matches_value_requirement(
    xpc_connection_t connection, const char *entitlement, xpc_object_t value);
