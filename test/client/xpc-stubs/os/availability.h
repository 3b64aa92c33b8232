// Stub of <os/availability.h> (reached through <xpc/xpc.h> and Foundation):
// API_AVAILABLE expands to clang's availability attribute, so an unguarded
// call of a newer API is an -Wunguarded-availability error in the check.
// Only the single-platform form the stubs use is supported.
#pragma once
#ifndef CSRL_XPC_STUBS
#error "test/client/xpc-stubs is only for the Linux compile check of generated XPC code"
#endif

#define __CSRL_AVAILABLE_macos(version) macos, introduced = version
#define API_AVAILABLE(platform) __attribute__((availability(__CSRL_AVAILABLE_##platform)))
#define API_UNAVAILABLE(...)
