#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rounds::core {

/// What went wrong, independent of transport. http/problem.cpp holds the one table that maps each kind to
/// an HTTP status; the CLI maps them to exit codes.
enum class ErrorKind {
    kInvalid,          // bad input: 400 (with field errors: still 400)
    kUnauthenticated,  // 401
    kForbidden,        // 403
    kNotFound,         // 404
    kConflict,         // 409 (duplicate, state conflict)
    kPreconditionFailed,  // 412 (stale If-Match)
    kPayloadTooLarge,  // 413
    kUnsupportedMediaType,  // 415
    kUnprocessable,    // 422 (well-formed but semantically refused)
    kRateLimited,      // 429
    kUnavailable,      // 503 (database down, pool exhausted, shutting down)
    kInternal,         // 500
};

struct FieldError {
    std::string field;
    std::string message;
};

/// An expected failure carrying a client-safe message. `detail` is shown to clients; `internal` goes to
/// logs only (it may contain SQL text, never secrets).
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string detail, std::vector<FieldError> fields = {}, std::string internal = {})
        : std::runtime_error(detail), kind_(kind), detail_(std::move(detail)), fields_(std::move(fields)),
          internal_(std::move(internal)) {}

    ErrorKind Kind() const { return kind_; }
    const std::string& Detail() const { return detail_; }
    const std::vector<FieldError>& Fields() const { return fields_; }
    const std::string& Internal() const { return internal_; }
    /// Seconds a client should wait before retrying (429/503); 0 when not applicable.
    int RetryAfter() const { return retry_after_; }
    Error& WithRetryAfter(int seconds) {
        retry_after_ = seconds;
        return *this;
    }

private:
    ErrorKind kind_;
    std::string detail_;
    std::vector<FieldError> fields_;
    std::string internal_;
    int retry_after_ = 0;
};

inline Error Invalid(std::string field, std::string message) {
    std::string detail = field + ": " + message;
    return Error(ErrorKind::kInvalid, std::move(detail), {FieldError{std::move(field), std::move(message)}});
}

inline Error NotFound(std::string detail) { return Error(ErrorKind::kNotFound, std::move(detail)); }

}  // namespace rounds::core
