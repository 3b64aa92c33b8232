// Stub of <mach/mach.h> (mach/kern_return.h, mach/port.h, mach/message.h,
// mach/task_info.h, mach/mach_traps.h, mach/mach_init.h, mach/mach_port.h):
// only what native/src/mac_proc.cc uses, with the SDK's signatures and values.
#pragma once
#ifndef CSRL_MAC_SYNTAX_CHECK
#error "native/mac-stubs is only for the Linux syntax check of the macOS sources"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef int kern_return_t;
typedef unsigned int natural_t;
typedef int integer_t;
typedef natural_t mach_port_name_t;
typedef mach_port_name_t mach_port_t;
typedef mach_port_t task_t;
typedef mach_port_t task_name_t;
typedef mach_port_t ipc_space_t;
typedef natural_t mach_msg_type_number_t;
typedef natural_t task_flavor_t;
typedef integer_t* task_info_t;

#define KERN_SUCCESS 0
#define MACH_PORT_NULL 0

typedef struct {
  unsigned int val[8];
} audit_token_t;

#define TASK_AUDIT_TOKEN 15
#define TASK_AUDIT_TOKEN_COUNT (sizeof(audit_token_t) / sizeof(natural_t))

extern mach_port_t mach_task_self_;
#define mach_task_self() mach_task_self_

kern_return_t task_name_for_pid(mach_port_name_t target_tport, int pid, mach_port_name_t* tn);
kern_return_t task_info(task_name_t target_task, task_flavor_t flavor, task_info_t task_info_out,
                        mach_msg_type_number_t* task_info_outCnt);
kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_name_t name);

#ifdef __cplusplus
}
#endif
