#include "markets/api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "auth/crypto.h"
#include "core/error.h"
#include "http/json.h"

namespace rounds::markets::api {

namespace json = boost::json;

json::object Body(const http::Request& req, std::initializer_list<std::string_view> allowed) {
    json::value v = http::ParseJsonBody(req);
    if (!v.is_object()) {
        throw core::Invalid("body", "must be a JSON object");
    }
    std::vector<core::FieldError> errors;
    std::string detail = "fields that cannot be set: ";
    for (const auto& [key, value] : v.as_object()) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
            detail += (errors.empty() ? "" : ", ") + std::string(key);
            errors.push_back({std::string(key), "cannot be set by this request"});
        }
    }
    if (!errors.empty()) {
        throw core::Error(core::ErrorKind::kInvalid, detail, errors);
    }
    return std::move(v.as_object());
}

namespace {

std::string Trim(std::string_view s) {
    size_t b = 0;
    size_t e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) {
        ++b;
    }
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) {
        --e;
    }
    return std::string(s.substr(b, e - b));
}

}  // namespace

std::optional<std::string> Str(const json::object& o, std::string_view key, size_t max_len) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_string()) {
        throw core::Invalid(std::string(key), "must be a string");
    }
    std::string s = Trim(v->as_string());
    if (s.size() > max_len) {
        throw core::Invalid(std::string(key), "must be at most " + std::to_string(max_len) + " characters");
    }
    return s;
}

std::optional<std::optional<std::string>> NullableStr(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_null()) {
        return std::optional<std::string>();
    }
    if (!v->is_string()) {
        throw core::Invalid(std::string(key), "must be a string or null");
    }
    return std::optional<std::string>(Trim(v->as_string()));
}

std::optional<std::vector<std::string>> StrList(const json::object& o, std::string_view key, size_t max_items,
                                                size_t max_len) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_array()) {
        throw core::Invalid(std::string(key), "must be an array of strings");
    }
    if (v->as_array().size() > max_items) {
        throw core::Invalid(std::string(key), "must have at most " + std::to_string(max_items) + " items");
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < v->as_array().size(); ++i) {
        const json::value& item = v->as_array()[i];
        std::string field = std::string(key) + "[" + std::to_string(i) + "]";
        if (!item.is_string()) {
            throw core::Invalid(field, "must be a string");
        }
        std::string s = Trim(item.as_string());
        if (s.empty() || s.size() > max_len) {
            throw core::Invalid(field, "must be 1 to " + std::to_string(max_len) + " characters");
        }
        if (std::find(out.begin(), out.end(), s) == out.end()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::optional<double> Number(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_number()) {
        throw core::Invalid(std::string(key), "must be a number");
    }
    double d = v->to_number<double>();
    if (!std::isfinite(d)) {
        throw core::Invalid(std::string(key), "must be a finite number");
    }
    return d;
}

std::optional<int64_t> Int(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_int64()) {
        return v->as_int64();
    }
    if (v->is_uint64() && v->as_uint64() < (1ULL << 62)) {
        return static_cast<int64_t>(v->as_uint64());
    }
    throw core::Invalid(std::string(key), "must be a whole number");
}

std::optional<int64_t> IfMatch(const http::Request& req) {
    auto h = req.headers.Get("If-Match");
    if (!h) {
        return std::nullopt;
    }
    std::string_view v = *h;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        v = v.substr(1, v.size() - 2);
    }
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
        throw core::Invalid("If-Match", "must be the ETag of the resource");
    }
    return n;
}

std::optional<std::string> QueryStr(const http::Request& req, std::string_view key) {
    auto v = req.Query(key);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

std::optional<int64_t> QueryInt(const http::Request& req, std::string_view key, int64_t min, int64_t max) {
    auto v = req.Query(key);
    if (!v) {
        return std::nullopt;
    }
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || ptr != v->data() + v->size() || n < min || n > max) {
        throw core::Invalid(std::string(key),
                            "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return n;
}

bool QueryBool(const http::Request& req, std::string_view key) {
    auto v = req.Query(key);
    if (!v) {
        return false;
    }
    if (*v == "true" || *v == "1") {
        return true;
    }
    if (*v == "false" || *v == "0") {
        return false;
    }
    throw core::Invalid(std::string(key), "must be true or false");
}

int Limit(const http::Request& req) {
    return static_cast<int>(QueryInt(req, "limit", 1, 200).value_or(50));
}

std::string EncodeCursor(const std::string& a, const std::string& b) {
    return auth::Base64UrlEncode(a + "|" + b);
}

std::pair<std::string, std::string> DecodeCursor(const std::string& cursor) {
    auto raw = auth::Base64UrlDecode(cursor);
    auto bar = raw ? raw->rfind('|') : std::string::npos;
    if (!raw || bar == std::string::npos || raw->size() > 300) {
        throw core::Invalid("cursor", "is not a cursor this API returned");
    }
    return {raw->substr(0, bar), raw->substr(bar + 1)};
}

std::string PathUuid(const http::Request& req, std::string_view name) {
    std::string id(req.Param(name));
    if (!tenancy::IsUuid(id)) {
        throw core::NotFound("no such record");
    }
    return id;
}

std::optional<std::string> QueryUuid(const http::Request& req, std::string_view key) {
    auto v = QueryStr(req, key);
    if (v && !tenancy::IsUuid(*v)) {
        throw core::Invalid(std::string(key), "must be a UUID");
    }
    return v;
}

const http::Principal& Who(const http::Request& req) {
    if (!req.principal) {
        throw core::Error(core::ErrorKind::kUnauthenticated, "authentication required");
    }
    return *req.principal;
}

auth::ClientInfo Client(const http::Request& req) {
    std::string ua(req.headers.Get("User-Agent").value_or(""));
    if (ua.size() > 300) {
        ua.resize(300);
    }
    return auth::ClientInfo{req.remote_addr, ua, req.request_id};
}

std::string JsonList(const std::vector<std::string>& items) {
    json::array a;
    for (const auto& s : items) {
        a.emplace_back(s);
    }
    return json::serialize(a);
}

http::Response JsonText(int status, std::string body, std::optional<int64_t> version) {
    http::Response r = http::Response::Json(status, std::move(body));
    if (version) {
        r.headers.Set("ETag", "\"" + std::to_string(*version) + "\"");
    }
    return r;
}

}  // namespace rounds::markets::api
