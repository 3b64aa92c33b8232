// Security.framework exists only on macOS. Elsewhere every signing operation
// answers with a typed "unsupported" value instead of failing, so callers can
// fall back to the portable validator and label the result a static check.
#include "backend.h"

namespace csrl {

namespace {
const char* PlatformName() {
#if defined(_WIN32)
  return "win32";
#elif defined(__linux__)
  return "linux";
#elif defined(__FreeBSD__)
  return "freebsd";
#else
  return "unknown";
#endif
}
constexpr const char* kReason =
    "Security.framework is only available on macOS; use the portable validator on the executable file "
    "(a static check of the file, not of the running process)";
}  // namespace

const char* SecurityBackendName() { return "none"; }

Value UnsupportedValue(const char* reason) {
  Value v = Value::Object();
  v.set("supported", Value::Bool(false));
  v.set("platform", Value::String(PlatformName()));
  v.set("reason", Value::String(reason));
  return v;
}

Outcome CheckProcess(const ProcessTarget&, const std::string&) { return Outcome::Ok(UnsupportedValue(kReason)); }
Outcome CheckPath(const std::string&, const std::string&) { return Outcome::Ok(UnsupportedValue(kReason)); }
Outcome SigningInformationForProcess(const ProcessTarget&) { return Outcome::Ok(UnsupportedValue(kReason)); }
Outcome SigningInformationForPath(const std::string&) { return Outcome::Ok(UnsupportedValue(kReason)); }
Outcome ParseRequirement(const std::string&) { return Outcome::Ok(UnsupportedValue(kReason)); }

}  // namespace csrl
