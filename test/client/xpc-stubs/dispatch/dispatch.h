// Stub of <dispatch/dispatch.h> (object.h, queue.h): only dispatch_queue_t,
// the target-queue parameter of xpc_connection_create_mach_service.
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#include <os/object.h>

OS_OBJECT_DECL(dispatch_object);
OS_OBJECT_DECL_SUBCLASS(dispatch_queue, dispatch_object);
