// macOS process facts shared by mac_proc.cc and mac_security.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "value.h"

namespace csrl {
namespace mac {

struct Identity {
  int32_t pid = 0;
  std::string startTime;  // "darwin:<sec>.<usec>" from proc_bsdinfo
  std::string uniqueId;   // proc_uniqidentifierinfo.p_uniqueid (never reused during a boot)
  bool hasPidVersion = false;
  int32_t pidVersion = 0;  // from the audit token; changes on exec
};

// Reads start time and unique id; fails with kNoSuchProcess / kAccessDenied.
Outcome ReadIdentity(int32_t pid, Identity& out);
Value IdentityToValue(const Identity& id);
// True when both describe the same process incarnation.
bool SameIdentity(const Identity& a, const Identity& b);

// The audit token of a process, when the caller may have one
// (task_name_for_pid + task_info(TASK_AUDIT_TOKEN)); false otherwise.
bool AuditTokenForPid(int32_t pid, std::vector<uint8_t>& token);
int32_t AuditTokenPid(const std::vector<uint8_t>& token);
int32_t AuditTokenPidVersion(const std::vector<uint8_t>& token);

// Live code-signing status flags (csops CS_OPS_STATUS). false if unavailable.
bool CodeSigningFlags(int32_t pid, uint32_t& flags);
Value CodeSigningFlagsValue(uint32_t flags);

}  // namespace mac
}  // namespace csrl
