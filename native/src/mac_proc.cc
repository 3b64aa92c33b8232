// macOS process backend: libproc (proc_listallpids, proc_pidinfo,
// proc_pidpath), the audit token (task_name_for_pid + task_info) and the live
// code-signing flags (csops). All are documented in the macOS SDK headers
// <libproc.h>, <sys/proc_info.h>, <mach/mach.h> and <bsm/libbsm.h>; csops is
// declared by hand below (its header, <sys/codesign.h>, is not in the SDK).
#include <bsm/libbsm.h>
#include <errno.h>
#include <libproc.h>
#include <mach/mach.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "backend.h"
#include "mac_proc.h"

extern "C" int csops(pid_t pid, unsigned int ops, void* useraddr, size_t usersize);

// PROC_PIDUNIQIDENTIFIERINFO and its struct moved to the private
// <sys/proc_info_private.h>; the ABI (flavor 17, 56 bytes) is stable and used
// by libdispatch. Declared under our own name so an SDK that still has it does
// not clash. p_idversion is 0 on kernels that predate it.
namespace {
constexpr int kProcPidUniqIdentifierInfo = 17;
struct UniqIdentifierInfo {
  uint8_t p_uuid[16];
  uint64_t p_uniqueid;
  uint64_t p_puniqueid;
  int32_t p_idversion;
  uint32_t p_orig_ppidversion;
  uint64_t p_reserve3;
  uint64_t p_reserve4;
};
static_assert(sizeof(UniqIdentifierInfo) == 56, "proc_uniqidentifierinfo is 56 bytes");
}  // namespace

namespace csrl {
namespace mac {

namespace {

constexpr unsigned int kCsOpsStatus = 0;  // CS_OPS_STATUS in xnu's bsd/sys/codesign.h

Outcome ErrnoFailure(int err, int32_t pid, const char* what) {
  std::string subject = "process " + std::to_string(pid);
  if (err == ESRCH || err == ENOENT)
    return Outcome::Fail(codes::kNoSuchProcess, subject + " does not exist (it may have exited)", err);
  if (err == EPERM || err == EACCES)
    return Outcome::Fail(codes::kAccessDenied, std::string("permission denied reading ") + what + " of " + subject, err);
  return Outcome::Fail(codes::kSystem, std::string("cannot read ") + what + " of " + subject + ": " + strerror(err), err);
}

bool ReadBsdInfo(int32_t pid, proc_bsdinfo& info, int& err) {
  std::memset(&info, 0, sizeof info);
  errno = 0;
  int n = proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &info, static_cast<int>(sizeof info));
  if (n == static_cast<int>(sizeof info)) return true;
  err = errno != 0 ? errno : ESRCH;  // a short answer means the process is gone
  return false;
}

std::string StartToken(const proc_bsdinfo& info) {
  return "darwin:" + std::to_string(info.pbi_start_tvsec) + "." + std::to_string(info.pbi_start_tvusec);
}

}  // namespace

Outcome ReadIdentity(int32_t pid, Identity& out) {
  proc_bsdinfo info;
  int err = 0;
  if (!ReadBsdInfo(pid, info, err)) return ErrnoFailure(err, pid, "process information");
  out.pid = pid;
  out.startTime = StartToken(info);
  UniqIdentifierInfo unique;
  std::memset(&unique, 0, sizeof unique);
  if (proc_pidinfo(pid, kProcPidUniqIdentifierInfo, 0, &unique, static_cast<int>(sizeof unique)) ==
      static_cast<int>(sizeof unique)) {
    out.uniqueId = std::to_string(unique.p_uniqueid);
    if (unique.p_idversion != 0) {
      out.hasPidVersion = true;
      out.pidVersion = unique.p_idversion;
    }
  }
  std::vector<uint8_t> token;
  if (!out.hasPidVersion && AuditTokenForPid(pid, token) && AuditTokenPid(token) == pid) {
    out.hasPidVersion = true;
    out.pidVersion = AuditTokenPidVersion(token);
  }
  return Outcome::Ok(Value());
}

Value IdentityToValue(const Identity& id) {
  Value v = Value::Object();
  v.set("pid", Value::Number(id.pid));
  v.set("startTime", Value::String(id.startTime));
  if (!id.uniqueId.empty()) v.set("uniqueId", Value::String(id.uniqueId));
  if (id.hasPidVersion) v.set("pidVersion", Value::Number(id.pidVersion));
  return v;
}

bool SameIdentity(const Identity& a, const Identity& b) {
  if (a.pid != b.pid || a.startTime != b.startTime || a.uniqueId != b.uniqueId) return false;
  // exec keeps the PID, start time and unique id but bumps the PID version.
  if (a.hasPidVersion && b.hasPidVersion && a.pidVersion != b.pidVersion) return false;
  return true;
}

bool AuditTokenForPid(int32_t pid, std::vector<uint8_t>& token) {
  mach_port_name_t task = MACH_PORT_NULL;
  if (task_name_for_pid(mach_task_self(), pid, &task) != KERN_SUCCESS) return false;
  audit_token_t audit;
  mach_msg_type_number_t count = TASK_AUDIT_TOKEN_COUNT;
  kern_return_t kr = task_info(task, TASK_AUDIT_TOKEN, reinterpret_cast<task_info_t>(&audit), &count);
  mach_port_deallocate(mach_task_self(), task);
  if (kr != KERN_SUCCESS) return false;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(&audit);
  token.assign(p, p + sizeof audit);
  return true;
}

namespace {
audit_token_t TokenFromBytes(const std::vector<uint8_t>& token) {
  audit_token_t audit;
  std::memset(&audit, 0, sizeof audit);
  std::memcpy(&audit, token.data(), std::min(token.size(), sizeof audit));
  return audit;
}
}  // namespace

int32_t AuditTokenPid(const std::vector<uint8_t>& token) { return audit_token_to_pid(TokenFromBytes(token)); }
int32_t AuditTokenPidVersion(const std::vector<uint8_t>& token) {
  return audit_token_to_pidversion(TokenFromBytes(token));
}

bool CodeSigningFlags(int32_t pid, uint32_t& flags) {
  flags = 0;
  return csops(pid, kCsOpsStatus, &flags, sizeof flags) == 0;
}

Value CodeSigningFlagsValue(uint32_t flags) {
  // Bit values from xnu osfmk/kern/cs_blobs.h (CS_VALID … CS_DATAVAULT_CONTROLLER).
  static const struct { uint32_t bit; const char* name; } kFlags[] = {
      {0x00000001, "CS_VALID"},          {0x00000002, "CS_ADHOC"},
      {0x00000004, "CS_GET_TASK_ALLOW"}, {0x00000008, "CS_INSTALLER"},
      {0x00000010, "CS_FORCED_LV"},      {0x00000020, "CS_INVALID_ALLOWED"},
      {0x00000100, "CS_HARD"},           {0x00000200, "CS_KILL"},
      {0x00000400, "CS_CHECK_EXPIRATION"}, {0x00000800, "CS_RESTRICT"},
      {0x00001000, "CS_ENFORCEMENT"},    {0x00002000, "CS_REQUIRE_LV"},
      {0x00004000, "CS_ENTITLEMENTS_VALIDATED"}, {0x00008000, "CS_NVRAM_UNRESTRICTED"},
      {0x00010000, "CS_RUNTIME"},        {0x00020000, "CS_LINKER_SIGNED"},
      {0x00100000, "CS_EXEC_SET_HARD"},  {0x00200000, "CS_EXEC_SET_KILL"},
      {0x00400000, "CS_EXEC_SET_ENFORCEMENT"}, {0x00800000, "CS_EXEC_INHERIT_SIP"},
      {0x01000000, "CS_KILLED"},         {0x02000000, "CS_DYLD_PLATFORM"},
      {0x04000000, "CS_PLATFORM_BINARY"}, {0x08000000, "CS_PLATFORM_PATH"},
      {0x10000000, "CS_DEBUGGED"},       {0x20000000, "CS_SIGNED"},
      {0x40000000, "CS_DEV_CODE"},       {0x80000000, "CS_DATAVAULT_CONTROLLER"},
  };
  Value names = Value::Array();
  uint32_t known = 0;
  for (const auto& f : kFlags) {
    known |= f.bit;
    if (flags & f.bit) names.push(Value::String(f.name));
  }
  Value v = Value::Object();
  v.set("value", Value::Number(flags));
  v.set("names", std::move(names));
  if (flags & ~known) v.set("unknownBits", Value::Number(flags & ~known));
  v.set("valid", Value::Bool(flags & 0x00000001));
  v.set("hardenedRuntime", Value::Bool(flags & 0x00010000));
  v.set("libraryValidation", Value::Bool(flags & (0x00002000 | 0x00000010)));
  return v;
}

}  // namespace mac

const char* ProcessBackendName() { return "darwin-libproc"; }

Outcome ListProcesses() {
  int estimate = proc_listallpids(nullptr, 0);
  if (estimate < 0) return Outcome::Fail(codes::kSystem, std::string("proc_listallpids: ") + strerror(errno), errno);
  std::vector<pid_t> pids(static_cast<size_t>(estimate) + 256);
  int count = proc_listallpids(pids.data(), static_cast<int>(pids.size() * sizeof(pid_t)));
  if (count < 0) return Outcome::Fail(codes::kSystem, std::string("proc_listallpids: ") + strerror(errno), errno);
  pids.resize(std::min(static_cast<size_t>(count), pids.size()));
  std::sort(pids.begin(), pids.end());
  Value list = Value::Array();
  std::vector<char> path(PROC_PIDPATHINFO_MAXSIZE);
  for (pid_t pid : pids) {
    if (pid < 0) continue;
    proc_bsdinfo info;
    std::memset(&info, 0, sizeof info);
    if (proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &info, static_cast<int>(sizeof info)) != static_cast<int>(sizeof info))
      continue;  // exited since the listing, or not visible to us
    Value row = Value::Object();
    row.set("pid", Value::Number(pid));
    row.set("ppid", Value::Number(info.pbi_ppid));
    row.set("uid", Value::Number(info.pbi_uid));
    std::string name(info.pbi_name, strnlen(info.pbi_name, sizeof info.pbi_name));
    if (name.empty()) name.assign(info.pbi_comm, strnlen(info.pbi_comm, sizeof info.pbi_comm));
    row.set("name", Value::String(name));
    int n = proc_pidpath(pid, path.data(), static_cast<uint32_t>(path.size()));
    if (n > 0) row.set("executablePath", Value::String(std::string(path.data(), static_cast<size_t>(n))));
    row.set("startTime", Value::String("darwin:" + std::to_string(info.pbi_start_tvsec) + "." +
                                       std::to_string(info.pbi_start_tvusec)));
    row.set("startedAtMs", Value::Number(static_cast<double>(info.pbi_start_tvsec) * 1000.0 +
                                         static_cast<double>(info.pbi_start_tvusec) / 1000.0));
    list.push(std::move(row));
  }
  return Outcome::Ok(std::move(list));
}

Outcome ProcessIdentity(int32_t pid) {
  mac::Identity id;
  Outcome read = mac::ReadIdentity(pid, id);
  if (!read.ok) return read;
  return Outcome::Ok(mac::IdentityToValue(id));
}

namespace {

// proc_pidpath's answer, or its errno.
int PidPath(int32_t pid, std::string& out) {
  std::vector<char> path(PROC_PIDPATHINFO_MAXSIZE);
  errno = 0;
  int n = proc_pidpath(pid, path.data(), static_cast<uint32_t>(path.size()));
  if (n <= 0) return errno != 0 ? errno : ESRCH;
  out.assign(path.data(), static_cast<size_t>(n));
  return 0;
}

Outcome PidPathFailure(int32_t pid, int err) {
  std::string subject = "process " + std::to_string(pid);
  if (err == ESRCH) return Outcome::Fail(codes::kNoSuchProcess, subject + " does not exist (it may have exited)", err);
  if (err == EPERM || err == EACCES)
    return Outcome::Fail(codes::kAccessDenied, "permission denied reading the executable path of " + subject, err);
  return Outcome::Fail(codes::kSystem, "cannot read the executable path of " + subject + ": " + strerror(err), err);
}

struct VnodeId {
  uint32_t dev = 0;
  uint64_t ino = 0;
};

// Bounds the walk over a process's memory regions (real processes have a few thousand).
constexpr int kMaxRegions = 1 << 16;

// The vnodes of the memory regions of `pid` mapped from a file whose current
// name is `path` (PROC_PIDREGIONPATHINFO, as lsof reads them). The main
// executable is among them when its vnode still has that name. Returns 0 or an
// errno value (EPERM for another user's process without privilege).
int RegionVnodesNamed(int32_t pid, const std::string& path, std::vector<VnodeId>& out) {
  uint64_t address = 0;
  for (int i = 0; i < kMaxRegions; ++i) {
    proc_regionwithpathinfo region;
    std::memset(&region, 0, sizeof region);
    errno = 0;
    int n = proc_pidinfo(pid, PROC_PIDREGIONPATHINFO, address, &region, static_cast<int>(sizeof region));
    if (n != static_cast<int>(sizeof region)) {
      // Past the last region the kernel answers 0 (EINVAL or ESRCH in errno); a refusal is EPERM.
      int err = errno;
      if (err == EPERM || err == EACCES) return err;
      if (i == 0 && err == ESRCH) return ESRCH;
      return 0;
    }
    const char* name = region.prp_vip.vip_path;
    size_t len = strnlen(name, sizeof region.prp_vip.vip_path);
    if (len > 0 && path.compare(0, std::string::npos, name, len) == 0)
      out.push_back(VnodeId{region.prp_vip.vip_vi.vi_stat.vst_dev, region.prp_vip.vip_vi.vi_stat.vst_ino});
    uint64_t next = region.prp_prinfo.pri_address + region.prp_prinfo.pri_size;
    if (next <= address) return 0;  // no progress (or wrapped): the end
    address = next;
  }
  return 0;
}

}  // namespace

Outcome ExecutablePath(int32_t pid) {
  std::string path;
  if (int err = PidPath(pid, path)) return PidPathFailure(pid, err);
  return Outcome::Ok(Value::String(path));
}

// NOT COMPILED OR RUN ON macOS BY THIS CHANGE: written against the SDK's
// documented <libproc.h>/<sys/proc_info.h> (type-checked on Linux against
// native/mac-stubs only); the macOS workflow is its first real build.
//
// proc_pidpath names the process's text vnode by path and then looks that
// path up again: after the executable is deleted it fails (ENOENT) when the
// path is empty, and returns the stale path when another file was put there.
// So the path is trusted only when the file now at it (stat) is the vnode a
// memory region of the process maps under that name (PROC_PIDREGIONPATHINFO's
// vinfo_stat dev+ino), and every region mapped under that name agrees.
// Limit: a region's name comes from the same name cache, so the running
// file's region is recognised by its name; a process that has no region left
// under that name is "unverified" (and so not checked), never "present".
Outcome ExecutableFile(int32_t pid) {
  mac::Identity id;
  Outcome alive = mac::ReadIdentity(pid, id);
  if (!alive.ok) return alive;
  std::string path;
  std::string state;
  std::string detail;
  Value v = Value::Object();
  int err = PidPath(pid, path);
  if (err == ENOENT) {
    state = "deleted";
    detail = "proc_pidpath finds no file at the executable's path (it was deleted)";
  } else if (err != 0) {
    return PidPathFailure(pid, err);
  } else {
    std::vector<VnodeId> mapped;
    int rerr = RegionVnodesNamed(pid, path, mapped);
    struct stat at;
    const bool present = stat(path.c_str(), &at) == 0;
    if (rerr == ESRCH) return PidPathFailure(pid, ESRCH);
    if (rerr != 0) {
      state = "unverified";
      detail = std::string("cannot read the memory map of the process to identify its executable (") + strerror(rerr) +
               "); run as its user or as root";
    } else if (mapped.empty()) {
      state = present ? "unverified" : "deleted";
      detail = present ? "no memory region of the process is mapped from the file at that path" : "nothing is at that path now";
    } else {
      bool same = present;
      for (const VnodeId& m : mapped)
        if (!present || m.dev != static_cast<uint32_t>(at.st_dev) || m.ino != static_cast<uint64_t>(at.st_ino)) same = false;
      if (same) {
        state = "present";
        v.set("dev", Value::String(std::to_string(mapped.front().dev)));
        v.set("ino", Value::String(std::to_string(mapped.front().ino)));
      } else {
        state = present ? "replaced" : "deleted";
        detail = present ? "the file at that path is not the one the process maps under that name" : "nothing is at that path now";
      }
    }
  }
  v.set("path", Value::String(path));
  v.set("state", Value::String(state));
  if (!detail.empty()) v.set("detail", Value::String(detail));
  return Outcome::Ok(std::move(v));
}

}  // namespace csrl
