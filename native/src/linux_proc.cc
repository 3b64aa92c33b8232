// Linux process backend, read straight from /proc (no `ps`).
//
// Identity: the kernel's start time of a process (field 22 of /proc/PID/stat,
// clock ticks since boot) together with the boot id is unique for the life of
// the machine's current boot, so (pid, boot id, start ticks) tells a process
// apart from a later one that reuses its PID. All reads for one PID go through
// one open /proc/PID directory descriptor: if the process exits in between,
// the kernel answers ESRCH instead of letting us read a successor's files.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "backend.h"

namespace csrl {

namespace {

constexpr size_t kMaxProcFile = 1 << 16;  // status/stat are a few KiB; bound hostile sizes anyway

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd) { if (fd_ >= 0) close(fd_); fd_ = fd; }
 private:
  int fd_;
};

// Returns 0 or an errno value.
int ReadAll(int fd, std::string& out, size_t limit = kMaxProcFile) {
  out.clear();
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    if (out.size() + static_cast<size_t>(n) > limit) return EFBIG;
    out.append(buf, static_cast<size_t>(n));
  }
}

int ReadAt(int dirfd, const char* name, std::string& out) {
  Fd fd(openat(dirfd, name, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  return ReadAll(fd.get(), out);
}

int ReadFile(const char* path, std::string& out, size_t limit = kMaxProcFile) {
  Fd fd(open(path, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  return ReadAll(fd.get(), out, limit);
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

const std::string& BootId() {
  static const std::string id = [] {
    std::string text;
    if (ReadFile("/proc/sys/kernel/random/boot_id", text) != 0) return std::string("unknown-boot");
    return Trim(text);
  }();
  return id;
}

// Boot time in seconds since the epoch (btime in /proc/stat), 0 if unknown.
long long BootTime() {
  static const long long btime = [] {
    // /proc/stat grows with CPUs and interrupts (the "intr" line alone can be
    // tens of KiB on large machines); btime comes after those lines.
    std::string text;
    if (ReadFile("/proc/stat", text, 16u << 20) != 0) return 0LL;
    size_t at = text.find("\nbtime ");
    if (at == std::string::npos) return 0LL;
    return std::strtoll(text.c_str() + at + 7, nullptr, 10);
  }();
  return btime;
}

Outcome ErrnoFailure(int err, int32_t pid, const char* what) {
  std::string subject = "process " + std::to_string(pid);
  if (err == ENOENT || err == ESRCH)
    return Outcome::Fail(codes::kNoSuchProcess, subject + " does not exist (it may have exited)", err);
  if (err == EACCES || err == EPERM)
    return Outcome::Fail(codes::kAccessDenied, std::string("permission denied reading ") + what + " of " + subject, err);
  return Outcome::Fail(codes::kSystem, std::string("cannot read ") + what + " of " + subject + ": " + strerror(err), err);
}

struct StatFields {
  std::string name;
  char state = '?';
  long long ppid = 0;
  unsigned long long flags = 0;
  unsigned long long startTicks = 0;
};

// PF_KTHREAD from the kernel's include/linux/sched.h (field 9 of /proc/PID/stat).
constexpr unsigned long long kPfKthread = 0x00200000;

// /proc/PID/stat is "pid (comm) state ppid … starttime(22) …". comm may hold
// spaces and parentheses, so fields are counted from the last ')'.
bool ParseStat(const std::string& text, StatFields& out) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  out.name = text.substr(open + 1, close - open - 1);
  const char* p = text.c_str() + close + 1;
  // Fields 3..22 follow; we need 3 (state), 4 (ppid), 9 (flags) and 22 (starttime).
  for (int field = 3; field <= 22; ++field) {
    while (*p == ' ') ++p;
    if (*p == '\0') return false;
    char* end = nullptr;
    if (field == 3) out.state = *p;
    else if (field == 4) out.ppid = std::strtoll(p, &end, 10);
    else if (field == 9) out.flags = std::strtoull(p, &end, 10);
    else if (field == 22) out.startTicks = std::strtoull(p, &end, 10);
    while (*p != ' ' && *p != '\0') ++p;
  }
  return true;
}

struct StatusFields {
  long long tgid = -1;
  long long euid = -1;
};

void ParseStatus(const std::string& text, StatusFields& out) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const char* line = text.c_str() + pos;
    if (strncmp(line, "Tgid:", 5) == 0) {
      out.tgid = std::strtoll(line + 5, nullptr, 10);
    } else if (strncmp(line, "Uid:", 4) == 0) {
      // real, effective, saved, filesystem: report the effective uid, as ps does.
      char* end = nullptr;
      std::strtoll(line + 4, &end, 10);
      out.euid = std::strtoll(end, nullptr, 10);
    }
    pos = eol + 1;
  }
}

std::string StartTimeToken(unsigned long long ticks) {
  return "linux:" + BootId() + ":" + std::to_string(ticks);
}

// One process, read through its directory descriptor.
struct ProcSnapshot {
  int32_t pid = 0;
  StatFields stat;
  StatusFields status;
};

Outcome OpenProc(int32_t pid, Fd& dir) {
  std::string path = "/proc/" + std::to_string(pid);
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoFailure(errno, pid, "/proc entry");
  dir.reset(fd);
  return Outcome::Ok(Value());
}

Outcome Snapshot(int32_t pid, int dirfd, ProcSnapshot& snap) {
  snap.pid = pid;
  std::string text;
  if (int err = ReadAt(dirfd, "stat", text)) return ErrnoFailure(err, pid, "stat");
  if (!ParseStat(text, snap.stat))
    return Outcome::Fail(codes::kSystem, "unexpected format of /proc/" + std::to_string(pid) + "/stat");
  if (int err = ReadAt(dirfd, "status", text)) return ErrnoFailure(err, pid, "status");
  ParseStatus(text, snap.status);
  // /proc/TID exists for every thread but is not listed; a thread id is not a process.
  if (snap.status.tgid >= 0 && snap.status.tgid != pid)
    return Outcome::Fail(codes::kNoSuchProcess, std::to_string(pid) + " is a thread of process " +
                                                    std::to_string(snap.status.tgid) + ", not a process");
  return Outcome::Ok(Value());
}

// Returns 0 and the target, or an errno value (ENOENT for kernel threads).
int ReadExe(int dirfd, std::string& out) {
  std::string buf(PATH_MAX, '\0');
  for (;;) {
    ssize_t n = readlinkat(dirfd, "exe", &buf[0], buf.size());
    if (n < 0) return errno;
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      out = std::move(buf);
      return 0;
    }
    if (buf.size() >= kMaxProcFile) return ENAMETOOLONG;
    buf.resize(buf.size() * 2);
  }
}

Value IdentityValue(const ProcSnapshot& snap) {
  Value v = Value::Object();
  v.set("pid", Value::Number(snap.pid));
  v.set("startTime", Value::String(StartTimeToken(snap.stat.startTicks)));
  return v;
}

}  // namespace

const char* ProcessBackendName() { return "linux-proc"; }

Outcome ListProcesses() {
  DIR* proc = opendir("/proc");
  if (!proc) return Outcome::Fail(codes::kSystem, std::string("cannot open /proc: ") + strerror(errno), errno);
  const long ticksPerSecond = sysconf(_SC_CLK_TCK);
  const long long btime = BootTime();
  std::vector<std::pair<int32_t, Value>> rows;
  while (dirent* entry = readdir(proc)) {
    const char* name = entry->d_name;
    if (name[0] < '1' || name[0] > '9') continue;
    char* end = nullptr;
    long long pid = std::strtoll(name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid > INT32_MAX) continue;
    Fd dir;
    if (!OpenProc(static_cast<int32_t>(pid), dir).ok) continue;  // exited since readdir
    ProcSnapshot snap;
    if (!Snapshot(static_cast<int32_t>(pid), dir.get(), snap).ok) continue;
    Value row = Value::Object();
    row.set("pid", Value::Number(static_cast<double>(pid)));
    row.set("ppid", Value::Number(static_cast<double>(snap.stat.ppid)));
    row.set("uid", Value::Number(static_cast<double>(snap.status.euid)));
    row.set("name", Value::String(snap.stat.name));
    std::string exe;
    if (ReadExe(dir.get(), exe) == 0) row.set("executablePath", Value::String(exe));
    row.set("startTime", Value::String(StartTimeToken(snap.stat.startTicks)));
    if (btime > 0 && ticksPerSecond > 0) {
      double ms = (static_cast<double>(btime) + static_cast<double>(snap.stat.startTicks) / ticksPerSecond) * 1000.0;
      row.set("startedAtMs", Value::Number(ms));
    }
    rows.emplace_back(static_cast<int32_t>(pid), std::move(row));
  }
  closedir(proc);
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Value list = Value::Array();
  for (auto& r : rows) list.push(std::move(r.second));
  return Outcome::Ok(std::move(list));
}

Outcome ProcessIdentity(int32_t pid) {
  Fd dir;
  Outcome opened = OpenProc(pid, dir);
  if (!opened.ok) return opened;
  ProcSnapshot snap;
  Outcome read = Snapshot(pid, dir.get(), snap);
  if (!read.ok) return read;
  return Outcome::Ok(IdentityValue(snap));
}

namespace {

// Why a process whose directory is still open has no /proc/PID/exe: a kernel
// thread or a zombie (no memory map, so no executable), or it exited meanwhile.
Outcome NoExecutable(int32_t pid, int dirfd, const ProcSnapshot& snap, int err) {
  std::string now;
  StatFields fresh;
  // The directory is still open, so a failed read means the process exited.
  if (ReadAt(dirfd, "stat", now) != 0 || !ParseStat(now, fresh)) return ErrnoFailure(ESRCH, pid, "executable");
  std::string subject = "process " + std::to_string(pid) + " (" + snap.stat.name + ")";
  if ((fresh.flags & kPfKthread) != 0)
    return Outcome::Fail(codes::kNoExecutable, subject + " is a kernel thread: it has no executable file to check", err);
  if (fresh.state == 'Z' || fresh.state == 'X')
    return Outcome::Fail(codes::kNoExecutable,
                         subject + " has exited (a zombie not yet reaped by its parent): it has no executable file to check",
                         err);
  return Outcome::Fail(codes::kNoExecutable, subject + " has no executable file (" + strerror(err) + ")", err);
}

// Outcome of ReadExe for the process whose directory is `dirfd`.
Outcome ExeFailure(int32_t pid, int dirfd, const ProcSnapshot& snap, int err) {
  if (err == ENOENT) return NoExecutable(pid, dirfd, snap, err);
  return ErrnoFailure(err, pid, "executable path");
}

const char kDeletedSuffix[] = " (deleted)";

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

Outcome ExecutablePath(int32_t pid) {
  Fd dir;
  Outcome opened = OpenProc(pid, dir);
  if (!opened.ok) return opened;
  ProcSnapshot snap;
  Outcome read = Snapshot(pid, dir.get(), snap);
  if (!read.ok) return read;
  std::string exe;
  if (int err = ReadExe(dir.get(), exe)) return ExeFailure(pid, dir.get(), snap, err);
  return Outcome::Ok(Value::String(exe));
}

// The kernel's link /proc/PID/exe is the file the process runs, even when it
// was deleted or renamed; its *name* (readlink) is only a path that named the
// file once: "<path> (deleted)" after an unlink, and whatever is at <path>
// now may be another file. So the identity of the running file is read
// through the link (fstatat follows it to the mapped file) and compared with
// the file now at the name; a caller reads the file through `readPath`
// (/proc/PID/exe), never through the name.
Outcome ExecutableFile(int32_t pid) {
  Fd dir;
  Outcome opened = OpenProc(pid, dir);
  if (!opened.ok) return opened;
  ProcSnapshot snap;
  Outcome read = Snapshot(pid, dir.get(), snap);
  if (!read.ok) return read;
  std::string name;
  if (int err = ReadExe(dir.get(), name)) return ExeFailure(pid, dir.get(), snap, err);
  struct stat running;
  if (fstatat(dir.get(), "exe", &running, 0) != 0) return ExeFailure(pid, dir.get(), snap, errno);

  std::string path = name;
  std::string state;
  std::string detail;
  struct stat at;
  const bool atName = stat(name.c_str(), &at) == 0;
  if (atName && at.st_dev == running.st_dev && at.st_ino == running.st_ino) {
    state = "present";
  } else {
    if (EndsWith(name, kDeletedSuffix)) path = name.substr(0, name.size() - (sizeof kDeletedSuffix - 1));
    struct stat now;
    const bool atPath = path != name ? stat(path.c_str(), &now) == 0 : atName;
    if (atPath && now.st_dev == running.st_dev && now.st_ino == running.st_ino) {
      // Unlinked under this name but still linked at it (another hard link): the same file.
      state = "present";
    } else if (atPath) {
      state = "replaced";
      detail = "another file (device " + std::to_string(static_cast<unsigned long long>(now.st_dev)) + ", inode " +
               std::to_string(static_cast<unsigned long long>(now.st_ino)) + ") is at that path now";
    } else {
      state = "deleted";
      detail = running.st_nlink == 0 ? "the file has no name left (it was deleted)" : "nothing is at that path now";
    }
  }
  Value v = Value::Object();
  v.set("path", Value::String(path));
  v.set("readPath", Value::String("/proc/" + std::to_string(pid) + "/exe"));
  v.set("dev", Value::String(std::to_string(static_cast<unsigned long long>(running.st_dev))));
  v.set("ino", Value::String(std::to_string(static_cast<unsigned long long>(running.st_ino))));
  v.set("links", Value::Number(static_cast<double>(running.st_nlink)));
  v.set("state", Value::String(state));
  if (!detail.empty()) v.set("detail", Value::String(detail));
  return Outcome::Ok(std::move(v));
}

}  // namespace csrl
