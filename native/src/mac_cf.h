// CoreFoundation helpers for the macOS backend: ownership (CFRelease on every
// path) and conversion of CF property lists into csrl::Value on the worker
// thread. Only documented CoreFoundation C APIs are used.
#pragma once

#include <CoreFoundation/CoreFoundation.h>

#include <string>
#include <vector>

#include "value.h"

namespace csrl {
namespace mac {

// Owns one +1 reference ("Create"/"Copy" rule).
template <typename T>
class CFRef {
 public:
  CFRef() = default;
  explicit CFRef(T ref) : ref_(ref) {}
  ~CFRef() { reset(); }
  CFRef(const CFRef&) = delete;
  CFRef& operator=(const CFRef&) = delete;
  CFRef(CFRef&& other) noexcept : ref_(other.ref_) { other.ref_ = nullptr; }
  T get() const { return ref_; }
  T* out() { reset(); return &ref_; }
  explicit operator bool() const { return ref_ != nullptr; }
  void reset() {
    if (ref_) CFRelease(ref_);
    ref_ = nullptr;
  }
 private:
  T ref_ = nullptr;
};

std::string ToStdString(CFStringRef s);
// Returns a +1 CFString, or nullptr if the bytes are not valid UTF-8.
CFStringRef CreateCFString(const std::string& utf8);
// Returns a +1 CFURL for a file system path.
CFURLRef CreateFileURL(const std::string& path);
std::string UrlPath(CFURLRef url);
std::vector<uint8_t> DataBytes(CFDataRef data);

// Converts a property-list-like CF object. Bounded in depth and element count
// because entitlements and Info.plist come from the inspected code.
Value ToValue(CFTypeRef ref, int depth = 0);

// Looks a key up in a dictionary and converts it; Undefined if absent.
Value DictValue(CFDictionaryRef dict, CFStringRef key);

}  // namespace mac
}  // namespace csrl
