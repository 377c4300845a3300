// Result<T>: a value or the Status that explains why there is none.
//
//   Result<Config> r = LoadConfig(path);
//   if (!r.ok()) return r.status();
//   const Config& c = *r;
//
// Dereferencing a Result that is not ok() is a bug and aborts.
#pragma once

#include <cstdlib>
#include <optional>
#include <utility>

#include "common/status.h"

namespace leakmon {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status::Internal("Result built from an ok Status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& operator*() & { Check(); return *value_; }
  const T& operator*() const& { Check(); return *value_; }
  T&& operator*() && { Check(); return std::move(*value_); }
  T* operator->() { Check(); return &*value_; }
  const T* operator->() const { Check(); return &*value_; }

 private:
  void Check() const {
    if (!value_) std::abort();
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace leakmon

// Evaluates `rexpr` (a Result); on error returns its Status, otherwise moves
// the value into `lhs`.
#define LEAKMON_CONCAT_INNER_(a, b) a##b
#define LEAKMON_CONCAT_(a, b) LEAKMON_CONCAT_INNER_(a, b)
#define LEAKMON_ASSIGN_OR_RETURN(lhs, rexpr) \
  LEAKMON_ASSIGN_OR_RETURN_IMPL_(LEAKMON_CONCAT_(leakmon_result_, __LINE__), lhs, rexpr)
#define LEAKMON_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(*tmp)
