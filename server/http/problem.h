#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/request.h"

namespace rounds::http {

/// The one table from error kinds to HTTP status codes.
int StatusFor(core::ErrorKind kind);
std::string_view ReasonPhrase(int status);

/// An RFC 9457 application/problem+json response. `type` is "urn:rounds:problem:<slug>" where the slug
/// comes from the status (e.g. not-found), so clients can switch on it.
Response Problem(int status, std::string_view detail, std::string_view request_id,
                 const std::vector<core::FieldError>& errors = {});
Response ProblemFrom(const core::Error& error, std::string_view request_id);

}  // namespace rounds::http
