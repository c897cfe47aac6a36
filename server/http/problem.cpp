#include "http/problem.h"

#include "core/log.h"

namespace rounds::http {

int StatusFor(core::ErrorKind kind) {
    using core::ErrorKind;
    switch (kind) {
        case ErrorKind::kInvalid:
            return 400;
        case ErrorKind::kUnauthenticated:
            return 401;
        case ErrorKind::kForbidden:
            return 403;
        case ErrorKind::kNotFound:
            return 404;
        case ErrorKind::kConflict:
            return 409;
        case ErrorKind::kPreconditionFailed:
            return 412;
        case ErrorKind::kPayloadTooLarge:
            return 413;
        case ErrorKind::kUnsupportedMediaType:
            return 415;
        case ErrorKind::kUnprocessable:
            return 422;
        case ErrorKind::kRateLimited:
            return 429;
        case ErrorKind::kUnavailable:
            return 503;
        case ErrorKind::kInternal:
            return 500;
    }
    return 500;
}

std::string_view ReasonPhrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Error";
    }
}

namespace {
std::string Slug(std::string_view reason) {
    std::string out;
    for (char c : reason) {
        if (c == ' ') {
            out += '-';
        } else {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

void AppendString(std::string& out, std::string_view s) {
    out += '"';
    core::AppendJsonEscaped(out, s);
    out += '"';
}
}  // namespace

Response Problem(int status, std::string_view detail, std::string_view request_id,
                 const std::vector<core::FieldError>& errors) {
    std::string_view reason = ReasonPhrase(status);
    std::string body = "{\"type\":";
    AppendString(body, "urn:rounds:problem:" + Slug(reason));
    body += ",\"title\":";
    AppendString(body, reason);
    body += ",\"status\":" + std::to_string(status) + ",\"detail\":";
    AppendString(body, detail);
    body += ",\"request_id\":";
    AppendString(body, request_id);
    if (!errors.empty()) {
        body += ",\"errors\":[";
        for (size_t i = 0; i < errors.size(); ++i) {
            body += i == 0 ? "{\"field\":" : ",{\"field\":";
            AppendString(body, errors[i].field);
            body += ",\"message\":";
            AppendString(body, errors[i].message);
            body += '}';
        }
        body += ']';
    }
    body += '}';
    Response r = Response::Text(status, std::move(body), "application/problem+json");
    return r;
}

Response ProblemFrom(const core::Error& error, std::string_view request_id) {
    int status = StatusFor(error.Kind());
    // Internal errors never leak their text to clients.
    // Both branches must be string_views: a ternary mixing a literal and std::string makes a temporary string.
    std::string_view detail = status == 500 ? std::string_view("an unexpected error occurred; quote the request id")
                                            : std::string_view(error.Detail());
    Response r = Problem(status, detail, request_id, error.Fields());
    if (error.RetryAfter() > 0) {
        r.headers.Set("Retry-After", std::to_string(error.RetryAfter()));
    }
    return r;
}

}  // namespace rounds::http
