#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"

namespace rounds::physicians {

/// Validated query parameters. Every parser throws core::Error(kInvalid) naming the parameter and saying
/// what is allowed; nothing here touches the database.
struct GeoPoint {
    double lat = 0;
    double lng = 0;
};

inline constexpr int kMaxNearbyLimit = 500;
inline constexpr int kMaxListLimit = 100;
inline constexpr double kMaxRadiusMeters = 100.0 * 1609.344;  // 100 miles
inline constexpr double kDefaultRadiusMeters = 10.0 * 1609.344;

int64_t NpiParam(const http::Request& req, std::string_view name = "npi");
/// "10mi", "16km", "800m", or a bare number of miles; at most 100 miles.
double RadiusMeters(std::optional<std::string_view> text);
std::optional<GeoPoint> OptionalPoint(const http::Request& req);
GeoPoint RequiredPoint(const http::Request& req);
int Limit(const http::Request& req, int default_limit, int max_limit);
std::optional<std::string> StateParam(const http::Request& req);
std::optional<std::string> ZipParam(const http::Request& req);
/// 1 (individual) or 2 (organization).
std::optional<int> EntityTypeParam(const http::Request& req);
std::optional<int> YearParam(const http::Request& req, std::string_view name = "year");
std::optional<std::string> CcnParam(const http::Request& req);

/// A name query split into search tokens: letters and digits (any script) kept, everything else a separator,
/// lower-cased ASCII; at least one token of two or more characters. At most kMaxTokens are used for matching.
inline constexpr size_t kMaxTokens = 4;
std::vector<std::string> SearchTokens(std::string_view q);

/// Opaque cursors: base64url of a small text payload. Decoding a malformed cursor is a 400 on `cursor`.
std::string EncodeCursor(std::string_view payload);
std::string DecodeCursor(std::string_view cursor);

/// `sort=field` or `sort=-field` among `allowed`; returns {field, descending}.
std::pair<std::string, bool> SortParam(const http::Request& req, const std::vector<std::string>& allowed,
                                       std::string_view default_field, bool default_descending);

}  // namespace rounds::physicians
