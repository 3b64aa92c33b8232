// Process backend for platforms without one (Windows and others): every
// operation fails with kUnsupportedPlatform, which the loader turns into a
// typed UnsupportedPlatformError.
#include "backend.h"

namespace csrl {

namespace {
Outcome Unsupported() {
  return Outcome::Fail(codes::kUnsupportedPlatform,
                       "process inspection is implemented for Linux (/proc) and macOS (libproc) only");
}
}  // namespace

const char* ProcessBackendName() { return "none"; }
Outcome ListProcesses() { return Unsupported(); }
Outcome ProcessIdentity(int32_t) { return Unsupported(); }
Outcome ExecutablePath(int32_t) { return Unsupported(); }
Outcome ExecutableFile(int32_t) { return Unsupported(); }

}  // namespace csrl
