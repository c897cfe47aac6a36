#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/service.h"
#include "http/request.h"
#include "tenancy/tenancy.h"

/// Request parsing shared by the targeting modules (markets, territories): strict bodies (unknown fields are
/// refused by name), typed field readers that name the field in their 400, If-Match, pages and opaque cursors.
namespace rounds::markets::api {

/// The body as a JSON object whose fields are all in `allowed` (others: 400 naming them).
boost::json::object Body(const http::Request& req, std::initializer_list<std::string_view> allowed);

std::optional<std::string> Str(const boost::json::object& o, std::string_view key, size_t max_len = 200);
/// Absent → nullopt; null → optional(nullopt).
std::optional<std::optional<std::string>> NullableStr(const boost::json::object& o, std::string_view key);
/// An array of non-empty strings (each at most `max_len`, at most `max_items`), trimmed, duplicates dropped.
std::optional<std::vector<std::string>> StrList(const boost::json::object& o, std::string_view key,
                                                size_t max_items = 500, size_t max_len = 200);
std::optional<double> Number(const boost::json::object& o, std::string_view key);
std::optional<int64_t> Int(const boost::json::object& o, std::string_view key);

/// If-Match: "<version>" (quotes optional).
std::optional<int64_t> IfMatch(const http::Request& req);

std::optional<std::string> QueryStr(const http::Request& req, std::string_view key);
std::optional<int64_t> QueryInt(const http::Request& req, std::string_view key, int64_t min, int64_t max);
bool QueryBool(const http::Request& req, std::string_view key);
/// ?limit= (1..200, default 50).
int Limit(const http::Request& req);

/// Opaque keyset cursors: base64url of "a|b".
std::string EncodeCursor(const std::string& a, const std::string& b);
std::pair<std::string, std::string> DecodeCursor(const std::string& cursor);

/// A canonical UUID path/query parameter; anything else is 404 for paths (it names no record) and 400 for
/// query parameters.
std::string PathUuid(const http::Request& req, std::string_view name = "id");
std::optional<std::string> QueryUuid(const http::Request& req, std::string_view key);

const http::Principal& Who(const http::Request& req);
auth::ClientInfo Client(const http::Request& req);

/// JSON text → array literal parameter is avoided: lists go to SQL as JSON text (jsonb_array_elements_text).
std::string JsonList(const std::vector<std::string>& items);

/// A JSON response whose body PostgreSQL already built, with an ETag when `version` is set.
http::Response JsonText(int status, std::string body, std::optional<int64_t> version = std::nullopt);

}  // namespace rounds::markets::api
