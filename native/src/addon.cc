// N-API entry point. Validates arguments synchronously (TypeError/RangeError,
// so bad input never reaches a backend), runs every backend call on a libuv
// worker thread and settles a promise on the JS thread.
#include <napi.h>

#include <cmath>
#include <exception>
#include <functional>
#include <string>
#include <utility>

#include "backend.h"

namespace csrl {
namespace {

constexpr size_t kMaxRequirementBytes = 64 * 1024;
constexpr size_t kMaxPathBytes = 16 * 1024;
constexpr size_t kAuditTokenBytes = 32;  // sizeof(audit_token_t)
constexpr int kMaxDepth = 64;

Napi::Value ToJs(Napi::Env env, const Value& v, int depth = 0) {
  if (depth > kMaxDepth) return env.Null();
  switch (v.kind()) {
    case Value::Kind::Undefined: return env.Undefined();
    case Value::Kind::Null: return env.Null();
    case Value::Kind::Bool: return Napi::Boolean::New(env, v.boolValue());
    case Value::Kind::Number: return Napi::Number::New(env, v.numberValue());
    case Value::Kind::String: return Napi::String::New(env, v.stringValue());
    case Value::Kind::Bytes:
      return Napi::Buffer<uint8_t>::Copy(env, v.bytesValue().data(), v.bytesValue().size());
    case Value::Kind::Array: {
      Napi::Array a = Napi::Array::New(env, v.items().size());
      uint32_t i = 0;
      for (const auto& item : v.items()) a.Set(i++, ToJs(env, item, depth + 1));
      return a;
    }
    case Value::Kind::Object: {
      Napi::Object o = Napi::Object::New(env);
      for (const auto& f : v.fields()) o.Set(f.first, ToJs(env, f.second, depth + 1));
      return o;
    }
  }
  return env.Undefined();
}

class Task : public Napi::AsyncWorker {
 public:
  Task(Napi::Env env, const char* name, std::function<Outcome()> fn)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)), fn_(std::move(fn)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      outcome_ = fn_();
    } catch (const std::exception& e) {
      outcome_ = Outcome::Fail(codes::kSystem, std::string("native backend failed: ") + e.what());
    } catch (...) {
      outcome_ = Outcome::Fail(codes::kSystem, "native backend failed");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (outcome_.ok) {
      deferred_.Resolve(ToJs(env, outcome_.value));
      return;
    }
    Napi::Error error = Napi::Error::New(env, outcome_.failure.message);
    error.Set("code", Napi::String::New(env, outcome_.failure.code));
    if (outcome_.failure.errnum != 0) error.Set("errno", Napi::Number::New(env, outcome_.failure.errnum));
    deferred_.Reject(error.Value());
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<Outcome()> fn_;
  Outcome outcome_;
};

Napi::Value Run(Napi::Env env, const char* name, std::function<Outcome()> fn) {
  Task* task = new Task(env, name, std::move(fn));  // AsyncWorker deletes itself after OnOK/OnError
  Napi::Promise promise = task->Promise();
  task->Queue();
  return promise;
}

int32_t PidArg(const Napi::CallbackInfo& info, size_t index) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsNumber())
    throw Napi::TypeError::New(env, "pid must be a number");
  double d = info[index].As<Napi::Number>().DoubleValue();
  if (std::isnan(d) || std::isinf(d) || d != std::floor(d))
    throw Napi::RangeError::New(env, "pid must be a positive integer");
  if (d < 1 || d > 2147483647.0)
    throw Napi::RangeError::New(env, "pid must be between 1 and 2147483647");
  return static_cast<int32_t>(d);
}

std::string StringArg(const Napi::CallbackInfo& info, size_t index, const char* what, size_t maxBytes,
                      bool allowEmpty, bool allowNul) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsString())
    throw Napi::TypeError::New(env, std::string(what) + " must be a string");
  // Measure before copying, so an oversized string is refused without being duplicated.
  size_t length = 0;
  if (napi_get_value_string_utf8(env, info[index], nullptr, 0, &length) != napi_ok)
    throw Napi::TypeError::New(env, std::string(what) + " must be a string");
  if (length > maxBytes)
    throw Napi::RangeError::New(env, std::string(what) + " is longer than " + std::to_string(maxBytes) + " bytes");
  std::string s = info[index].As<Napi::String>().Utf8Value();
  if (!allowEmpty && s.empty()) throw Napi::RangeError::New(env, std::string(what) + " must not be empty");
  if (!allowNul && s.find('\0') != std::string::npos)
    throw Napi::TypeError::New(env, std::string(what) + " must not contain NUL characters");
  return s;
}

// An optional audit_token_t (32 bytes) pins the exact process incarnation on macOS.
void AuditTokenArg(const Napi::CallbackInfo& info, size_t index, ProcessTarget& target) {
  if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return;
  Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(info.Env(), "auditToken must be a Uint8Array");
  Napi::Uint8Array bytes = v.As<Napi::Uint8Array>();
  if (bytes.ByteLength() != kAuditTokenBytes)
    throw Napi::RangeError::New(info.Env(), "auditToken must be exactly 32 bytes (audit_token_t)");
  target.hasAuditToken = true;
  target.auditToken.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
}

Napi::Value JsListProcesses(const Napi::CallbackInfo& info) {
  return Run(info.Env(), "csrl.listProcesses", [] { return ListProcesses(); });
}

Napi::Value JsProcessIdentity(const Napi::CallbackInfo& info) {
  int32_t pid = PidArg(info, 0);
  return Run(info.Env(), "csrl.processIdentity", [pid] { return ProcessIdentity(pid); });
}

Napi::Value JsExecutablePath(const Napi::CallbackInfo& info) {
  int32_t pid = PidArg(info, 0);
  return Run(info.Env(), "csrl.executablePath", [pid] { return ExecutablePath(pid); });
}

Napi::Value JsExecutableFile(const Napi::CallbackInfo& info) {
  int32_t pid = PidArg(info, 0);
  return Run(info.Env(), "csrl.executableFile", [pid] { return ExecutableFile(pid); });
}

Napi::Value JsCheckProcess(const Napi::CallbackInfo& info) {
  // (pid, requirement, auditToken?)
  ProcessTarget target;
  target.pid = PidArg(info, 0);
  std::string requirement = StringArg(info, 1, "requirement", kMaxRequirementBytes, true, true);
  AuditTokenArg(info, 2, target);
  return Run(info.Env(), "csrl.checkProcess",
             [target, requirement] { return CheckProcess(target, requirement); });
}

Napi::Value JsCheckPath(const Napi::CallbackInfo& info) {
  std::string path = StringArg(info, 0, "path", kMaxPathBytes, false, false);
  std::string requirement = StringArg(info, 1, "requirement", kMaxRequirementBytes, true, true);
  return Run(info.Env(), "csrl.checkPath", [path, requirement] { return CheckPath(path, requirement); });
}

Napi::Value JsSigningInformationForProcess(const Napi::CallbackInfo& info) {
  // (pid, auditToken?)
  ProcessTarget target;
  target.pid = PidArg(info, 0);
  AuditTokenArg(info, 1, target);
  return Run(info.Env(), "csrl.signingInformation", [target] { return SigningInformationForProcess(target); });
}

Napi::Value JsSigningInformationForPath(const Napi::CallbackInfo& info) {
  std::string path = StringArg(info, 0, "path", kMaxPathBytes, false, false);
  return Run(info.Env(), "csrl.signingInformation", [path] { return SigningInformationForPath(path); });
}

Napi::Value JsParseRequirement(const Napi::CallbackInfo& info) {
  std::string text = StringArg(info, 0, "requirement text", kMaxRequirementBytes, true, true);
  return Run(info.Env(), "csrl.parseRequirement", [text] { return ParseRequirement(text); });
}

const char* PlatformName() {
#if defined(__APPLE__)
  return "darwin";
#elif defined(_WIN32)
  return "win32";
#elif defined(__linux__)
  return "linux";
#else
  return "unknown";
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("platform", Napi::String::New(env, PlatformName()));
  exports.Set("processBackend", Napi::String::New(env, ProcessBackendName()));
  exports.Set("securityBackend", Napi::String::New(env, SecurityBackendName()));
  exports.Set("abi", Napi::Number::New(env, 1));
  exports.Set("listProcesses", Napi::Function::New(env, JsListProcesses, "listProcesses"));
  exports.Set("processIdentity", Napi::Function::New(env, JsProcessIdentity, "processIdentity"));
  exports.Set("executablePath", Napi::Function::New(env, JsExecutablePath, "executablePath"));
  exports.Set("executableFile", Napi::Function::New(env, JsExecutableFile, "executableFile"));
  exports.Set("checkProcess", Napi::Function::New(env, JsCheckProcess, "checkProcess"));
  exports.Set("checkPath", Napi::Function::New(env, JsCheckPath, "checkPath"));
  exports.Set("signingInformationForProcess",
              Napi::Function::New(env, JsSigningInformationForProcess, "signingInformationForProcess"));
  exports.Set("signingInformationForPath",
              Napi::Function::New(env, JsSigningInformationForPath, "signingInformationForPath"));
  exports.Set("parseRequirement", Napi::Function::New(env, JsParseRequirement, "parseRequirement"));
  return exports;
}

}  // namespace
}  // namespace csrl

static Napi::Object InitCsrlNative(Napi::Env env, Napi::Object exports) { return csrl::Init(env, exports); }

NODE_API_MODULE(csrl_native, InitCsrlNative)
