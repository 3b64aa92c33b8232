// The platform backends. Exactly one process backend (linux_proc.cc,
// mac_proc.cc or unsupported_proc.cc) and one security backend
// (mac_security.cc or security_unsupported.cc) are linked, chosen by
// binding.gyp. Every function here runs on a libuv worker thread: no N-API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "value.h"

namespace csrl {

// Name reported to JS as `backend`.
const char* ProcessBackendName();
const char* SecurityBackendName();

// Array of {pid, ppid, uid, name, executablePath?, startTime, startedAtMs?}.
Outcome ListProcesses();
// {pid, startTime, uniqueId?}; fails with kNoSuchProcess when the PID is gone.
Outcome ProcessIdentity(int32_t pid);
// String; fails with kNoSuchProcess, kNoExecutable or kAccessDenied.
Outcome ExecutablePath(int32_t pid);
// The executable file the process runs, and whether its path still names it:
// {path, readPath?, dev?, ino?, state, detail?}. `state` is "present" (the
// file at `path` is the one the process runs: same device and inode),
// "deleted" (nothing is at `path` any more), "replaced" (another file is at
// `path`) or "unverified" (the identity of the running file could not be
// read). `readPath` (Linux: /proc/PID/exe) opens the very file the process
// runs, whatever happened to its path. dev and ino are decimal strings.
// Fails with kNoSuchProcess, kNoExecutable or kAccessDenied.
Outcome ExecutableFile(int32_t pid);

// Security.framework operations. On platforms without it these return an
// Ok value {supported: false, platform, reason}.
struct ProcessTarget {
  int32_t pid = 0;
  bool hasAuditToken = false;
  std::vector<uint8_t> auditToken;  // 32 bytes when present
};
Outcome CheckProcess(const ProcessTarget& target, const std::string& requirement);
Outcome CheckPath(const std::string& path, const std::string& requirement);
Outcome SigningInformationForProcess(const ProcessTarget& target);
Outcome SigningInformationForPath(const std::string& path);
Outcome ParseRequirement(const std::string& text);

// The `{supported: false, …}` value shared by the stubs.
Value UnsupportedValue(const char* reason);

}  // namespace csrl
