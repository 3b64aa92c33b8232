#include "mac_cf.h"

#include <cmath>

namespace csrl {
namespace mac {

namespace {
constexpr int kMaxDepth = 32;
constexpr CFIndex kMaxItems = 100000;
constexpr double kUnixEpochOffset = 978307200.0;  // CFAbsoluteTime counts from 2001-01-01
}  // namespace

std::string ToStdString(CFStringRef s) {
  if (!s) return std::string();
  CFIndex length = CFStringGetLength(s);
  CFIndex max = CFStringGetMaximumSizeForEncoding(length, kCFStringEncodingUTF8) + 1;
  if (max <= 0) return std::string();
  std::vector<char> buf(static_cast<size_t>(max));
  if (!CFStringGetCString(s, buf.data(), max, kCFStringEncodingUTF8)) return std::string();
  return std::string(buf.data());
}

CFStringRef CreateCFString(const std::string& utf8) {
  return CFStringCreateWithBytes(kCFAllocatorDefault, reinterpret_cast<const UInt8*>(utf8.data()),
                                 static_cast<CFIndex>(utf8.size()), kCFStringEncodingUTF8, false);
}

CFURLRef CreateFileURL(const std::string& path) {
  return CFURLCreateFromFileSystemRepresentation(kCFAllocatorDefault, reinterpret_cast<const UInt8*>(path.data()),
                                                 static_cast<CFIndex>(path.size()), false);
}

std::string UrlPath(CFURLRef url) {
  if (!url) return std::string();
  std::vector<UInt8> buf(4096 * 4);
  if (!CFURLGetFileSystemRepresentation(url, true, buf.data(), static_cast<CFIndex>(buf.size())))
    return std::string();
  return std::string(reinterpret_cast<const char*>(buf.data()));
}

std::vector<uint8_t> DataBytes(CFDataRef data) {
  if (!data) return {};
  const UInt8* p = CFDataGetBytePtr(data);
  CFIndex n = CFDataGetLength(data);
  if (!p || n <= 0) return {};
  return std::vector<uint8_t>(p, p + n);
}

Value ToValue(CFTypeRef ref, int depth) {
  if (!ref) return Value::Null();
  if (depth > kMaxDepth) return Value::String("<nested too deeply>");
  CFTypeID type = CFGetTypeID(ref);
  if (type == CFStringGetTypeID()) return Value::String(ToStdString(static_cast<CFStringRef>(ref)));
  if (type == CFBooleanGetTypeID()) return Value::Bool(CFBooleanGetValue(static_cast<CFBooleanRef>(ref)));
  if (type == CFNumberGetTypeID()) {
    CFNumberRef n = static_cast<CFNumberRef>(ref);
    if (CFNumberIsFloatType(n)) {
      double d = 0;
      CFNumberGetValue(n, kCFNumberDoubleType, &d);
      return Value::Number(d);
    }
    int64_t i = 0;
    CFNumberGetValue(n, kCFNumberSInt64Type, &i);
    return Value::Number(static_cast<double>(i));
  }
  if (type == CFDataGetTypeID()) return Value::Bytes(DataBytes(static_cast<CFDataRef>(ref)));
  if (type == CFDateGetTypeID()) {
    // Milliseconds since the Unix epoch, as JavaScript's Date expects.
    double t = CFDateGetAbsoluteTime(static_cast<CFDateRef>(ref));
    Value v = Value::Object();
    v.set("dateMs", Value::Number(std::round((t + kUnixEpochOffset) * 1000.0)));
    return v;
  }
  if (type == CFURLGetTypeID()) return Value::String(UrlPath(static_cast<CFURLRef>(ref)));
  if (type == CFArrayGetTypeID()) {
    CFArrayRef a = static_cast<CFArrayRef>(ref);
    CFIndex n = CFArrayGetCount(a);
    if (n > kMaxItems) n = kMaxItems;
    Value out = Value::Array();
    for (CFIndex i = 0; i < n; ++i) out.push(ToValue(CFArrayGetValueAtIndex(a, i), depth + 1));
    return out;
  }
  if (type == CFDictionaryGetTypeID()) {
    CFDictionaryRef d = static_cast<CFDictionaryRef>(ref);
    CFIndex n = CFDictionaryGetCount(d);
    if (n > kMaxItems) return Value::String("<dictionary too large>");
    std::vector<const void*> keys(static_cast<size_t>(n)), values(static_cast<size_t>(n));
    if (n > 0) CFDictionaryGetKeysAndValues(d, keys.data(), values.data());
    Value out = Value::Object();
    for (CFIndex i = 0; i < n; ++i) {
      CFTypeRef key = keys[static_cast<size_t>(i)];
      std::string name;
      if (key && CFGetTypeID(key) == CFStringGetTypeID()) {
        name = ToStdString(static_cast<CFStringRef>(key));
      } else {
        CFRef<CFStringRef> desc(key ? CFCopyDescription(key) : nullptr);
        name = ToStdString(desc.get());
      }
      out.set(name, ToValue(values[static_cast<size_t>(i)], depth + 1));
    }
    return out;
  }
  // Objects that are not property-list types (SecCertificate, SecTrust, …) are
  // described rather than dropped, so nothing disappears silently.
  CFRef<CFStringRef> desc(CFCopyDescription(ref));
  Value v = Value::Object();
  v.set("description", Value::String(ToStdString(desc.get())));
  return v;
}

Value DictValue(CFDictionaryRef dict, CFStringRef key) {
  if (!dict || !key) return Value();
  const void* v = CFDictionaryGetValue(dict, key);
  if (!v) return Value();
  return ToValue(static_cast<CFTypeRef>(v));
}

}  // namespace mac
}  // namespace csrl
