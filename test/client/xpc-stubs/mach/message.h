// Stub of <mach/message.h>: audit_token_t, reached through
// <Security/Security.h> (SecTask.h includes <mach/message.h>).
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

typedef struct {
  unsigned int val[8];
} audit_token_t;
