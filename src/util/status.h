// Status and Result<T>: how every fallible operation in unspin reports
// failure. A Status carries a code (what kind of failure, which decides the
// CLI's exit code) and a message written for the person who must act on it.
#ifndef UNSPIN_UTIL_STATUS_H_
#define UNSPIN_UTIL_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace unspin {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller's options are wrong (usage)
  kInvalidInput,      // the text or records given are unusable
  kNotFound,          // a file or resource does not exist
  kDataLoss,          // a file exists but is corrupt, truncated or foreign
  kVersionMismatch,   // a file was written by an incompatible version
  kResourceExhausted, // over a size limit
  kIoError,           // the operating system refused a read or write
  kInternal,          // a bug in unspin
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Prepends context ("loading model: ") to the message, keeping the code.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
const char* StatusCodeName(StatusCode code);

Status InvalidArgumentError(std::string message);
Status InvalidInputError(std::string message);
Status NotFoundError(std::string message);
Status DataLossError(std::string message);
Status VersionMismatchError(std::string message);
Status ResourceExhaustedError(std::string message);
Status IoError(std::string message);
Status InternalError(std::string message);

// Either a value or a non-OK Status. Invariant: exactly one is meaningful;
// value() may only be called when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = InternalError("Result built from OK status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace unspin

#define UNSPIN_CONCAT_INNER(a, b) a##b
#define UNSPIN_CONCAT(a, b) UNSPIN_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    ::unspin::Status _unspin_status = (expr);     \
    if (!_unspin_status.ok()) return _unspin_status; \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(UNSPIN_CONCAT(_unspin_result_, __LINE__), lhs, expr)

#endif  // UNSPIN_UTIL_STATUS_H_
