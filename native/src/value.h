// A plain C++ value tree that the worker threads build and the JS thread turns
// into JavaScript values. Worker threads must not touch napi_env, so every
// backend result travels through this type.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace csrl {

class Value {
 public:
  enum class Kind { Undefined, Null, Bool, Number, String, Bytes, Array, Object };

  Value() = default;
  static Value Null() { Value v; v.kind_ = Kind::Null; return v; }
  static Value Bool(bool b) { Value v; v.kind_ = Kind::Bool; v.bool_ = b; return v; }
  static Value Number(double d) { Value v; v.kind_ = Kind::Number; v.number_ = d; return v; }
  static Value String(std::string s) { Value v; v.kind_ = Kind::String; v.string_ = std::move(s); return v; }
  static Value Bytes(std::vector<uint8_t> b) { Value v; v.kind_ = Kind::Bytes; v.bytes_ = std::move(b); return v; }
  static Value Array() { Value v; v.kind_ = Kind::Array; return v; }
  static Value Object() { Value v; v.kind_ = Kind::Object; return v; }

  Kind kind() const { return kind_; }
  bool boolValue() const { return bool_; }
  double numberValue() const { return number_; }
  const std::string& stringValue() const { return string_; }
  const std::vector<uint8_t>& bytesValue() const { return bytes_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<std::pair<std::string, Value>>& fields() const { return fields_; }

  Value& push(Value v) { items_.push_back(std::move(v)); return *this; }
  Value& set(std::string key, Value v) { fields_.emplace_back(std::move(key), std::move(v)); return *this; }
  const Value* get(const std::string& key) const {
    for (const auto& f : fields_) if (f.first == key) return &f.second;
    return nullptr;
  }

 private:
  Kind kind_ = Kind::Undefined;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<uint8_t> bytes_;
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> fields_;
};

// Stable error codes shared with native/index.ts.
namespace codes {
constexpr const char* kNoSuchProcess = "ERR_CSRL_NO_SUCH_PROCESS";
// The process exists but runs no executable file (a kernel thread, a zombie).
constexpr const char* kNoExecutable = "ERR_CSRL_NO_EXECUTABLE";
constexpr const char* kAccessDenied = "ERR_CSRL_ACCESS_DENIED";
constexpr const char* kProcessChanged = "ERR_CSRL_PROCESS_CHANGED";
constexpr const char* kUnsupportedPlatform = "ERR_CSRL_UNSUPPORTED_PLATFORM";
constexpr const char* kSystem = "ERR_CSRL_SYSTEM";
}  // namespace codes

struct Failure {
  std::string code;
  std::string message;
  int errnum = 0;
};

// Either a value or a failure; backends never throw across the worker boundary.
struct Outcome {
  bool ok = false;
  Value value;
  Failure failure;

  static Outcome Ok(Value v) { Outcome o; o.ok = true; o.value = std::move(v); return o; }
  static Outcome Fail(std::string code, std::string message, int errnum = 0) {
    Outcome o;
    o.failure = Failure{std::move(code), std::move(message), errnum};
    return o;
  }
};

}  // namespace csrl
