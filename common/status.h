// Status: the outcome of an operation that can fail, as a value.
//
// Errors cross every module boundary in leakmon as a Status (or a Result<T>,
// see result.h), never as an exception. A Status carries a code that callers
// branch on and a message written for the person running leakmon: it names
// the file, line or key that is wrong. Messages never contain page text,
// identifier values or key material.
//
// Thread-safety: a Status is a value; distinct objects may be used from
// distinct threads.
#pragma once

#include <string>
#include <utility>

namespace leakmon {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad input from the user: config, identifier file, flags
    kNotFound,         // a named file or record does not exist
    kAlreadyExists,    // refused to overwrite
    kIoError,          // the OS or a library failed to read or write
    kUnavailable,      // a peer (Tor, a site, an alert endpoint) did not answer
    kLimitExceeded,    // an input bound was hit
    kCorruption,       // stored data is not what leakmon wrote
    kInternal,         // a bug
  };

  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status LimitExceeded(std::string msg) { return Status(Code::kLimitExceeded, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid argument: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

const char* CodeName(Status::Code code);

}  // namespace leakmon

// Returns early from the enclosing function when `expr` is not ok.
#define LEAKMON_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::leakmon::Status leakmon_status_ = (expr);  \
    if (!leakmon_status_.ok()) return leakmon_status_; \
  } while (0)
