// Stub of <bsm/libbsm.h>: the audit-token accessors native/src/mac_proc.cc uses.
#pragma once
#ifndef CSRL_MAC_SYNTAX_CHECK
#error "native/mac-stubs is only for the Linux syntax check of the macOS sources"
#endif

#include <mach/mach.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

pid_t audit_token_to_pid(audit_token_t atoken);
int audit_token_to_pidversion(audit_token_t atoken);

#ifdef __cplusplus
}
#endif
