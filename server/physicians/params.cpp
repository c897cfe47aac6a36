#include "physicians/params.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "core/npi.h"

namespace rounds::physicians {
namespace {

std::optional<double> ParseDouble(std::string_view s) {
    if (s.empty() || s.size() > 32) {
        return std::nullopt;
    }
    std::string copy(s);
    char* end = nullptr;
    double v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

std::optional<int64_t> ParseInt(std::string_view s) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
        return std::nullopt;
    }
    return v;
}

constexpr std::string_view kStates[] = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI",
                                        "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN",
                                        "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
                                        "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
                                        "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP"};

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

int64_t NpiParam(const http::Request& req, std::string_view name) {
    std::string_view v = req.Param(name);
    if (v.size() != 10 || v.find_first_not_of("0123456789") != std::string_view::npos) {
        throw core::Invalid(std::string(name), "must be 10 digits (got \"" + std::string(v) + "\")");
    }
    auto npi = core::ParseNpi(v);
    if (!npi) {
        throw core::Invalid(std::string(name), "is not a valid NPI: its check digit does not match");
    }
    return *npi;
}

double RadiusMeters(std::optional<std::string_view> text) {
    if (!text) {
        return kDefaultRadiusMeters;
    }
    std::string_view t = *text;
    double factor = 1609.344;
    if (t.ends_with("mi")) {
        t.remove_suffix(2);
    } else if (t.ends_with("km")) {
        t.remove_suffix(2);
        factor = 1000.0;
    } else if (t.ends_with("m")) {
        t.remove_suffix(1);
        factor = 1.0;
    }
    auto v = ParseDouble(t);
    if (!v || *v <= 0) {
        throw core::Invalid("radius", "must be a positive distance like 10mi, 16km or 800m");
    }
    double meters = *v * factor;
    if (meters > kMaxRadiusMeters) {
        throw core::Invalid("radius", "must be at most 100mi (160.9km)");
    }
    return meters;
}

std::optional<GeoPoint> OptionalPoint(const http::Request& req) {
    auto lat_text = req.Query("lat");
    auto lng_text = req.Query("lng");
    if (!lat_text && !lng_text) {
        return std::nullopt;
    }
    if (!lat_text || !lng_text) {
        throw core::Invalid(lat_text ? "lng" : "lat", "lat and lng go together");
    }
    auto lat = ParseDouble(*lat_text);
    if (!lat || *lat < -90 || *lat > 90) {
        throw core::Invalid("lat", "must be a number from -90 to 90");
    }
    auto lng = ParseDouble(*lng_text);
    if (!lng || *lng < -180 || *lng > 180) {
        throw core::Invalid("lng", "must be a number from -180 to 180");
    }
    return GeoPoint{*lat, *lng};
}

GeoPoint RequiredPoint(const http::Request& req) {
    auto p = OptionalPoint(req);
    if (!p) {
        throw core::Invalid("lat", "lat and lng are required");
    }
    return *p;
}

int Limit(const http::Request& req, int default_limit, int max_limit) {
    auto text = req.Query("limit");
    if (!text) {
        return default_limit;
    }
    auto v = ParseInt(*text);
    if (!v || *v < 1 || *v > max_limit) {
        throw core::Invalid("limit", "must be a whole number from 1 to " + std::to_string(max_limit));
    }
    return static_cast<int>(*v);
}

std::optional<std::string> StateParam(const http::Request& req) {
    auto text = req.Query("state");
    if (!text || text->empty()) {
        return std::nullopt;
    }
    std::string s(*text);
    for (auto& c : s) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (auto st : kStates) {
        if (st == s) {
            return s;
        }
    }
    throw core::Invalid("state", "must be a two-letter US state or territory code (e.g. NY)");
}

std::optional<std::string> ZipParam(const http::Request& req) {
    auto text = req.Query("zip");
    if (!text || text->empty()) {
        return std::nullopt;
    }
    std::string_view z = *text;
    if (z.size() == 10 && z[5] == '-') {
        z = z.substr(0, 5);
    }
    if ((z.size() != 5 && z.size() != 9) || z.find_first_not_of("0123456789") != std::string_view::npos) {
        throw core::Invalid("zip", "must be a 5-digit ZIP code (or ZIP+4)");
    }
    return std::string(z.substr(0, 5));
}

std::optional<int> EntityTypeParam(const http::Request& req) {
    auto text = req.Query("entity_type");
    if (!text || text->empty()) {
        return std::nullopt;
    }
    if (*text == "individual" || *text == "1") {
        return 1;
    }
    if (*text == "organization" || *text == "2") {
        return 2;
    }
    throw core::Invalid("entity_type", "must be individual or organization");
}

std::optional<int> YearParam(const http::Request& req, std::string_view name) {
    auto text = req.Query(name);
    if (!text || text->empty()) {
        return std::nullopt;
    }
    auto v = ParseInt(*text);
    if (!v || *v < 2000 || *v > 2100) {
        throw core::Invalid(std::string(name), "must be a four-digit year");
    }
    return static_cast<int>(*v);
}

std::optional<std::string> CcnParam(const http::Request& req) {
    std::string_view v = req.Param("ccn");
    if (v.size() != 6 || v.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos) {
        throw core::Invalid("ccn", "must be a 6-character CMS Certification Number");
    }
    return std::string(v);
}

std::vector<std::string> SearchTokens(std::string_view q) {
    std::vector<std::string> tokens;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) {
            tokens.push_back(cur);
            cur.clear();
        }
    };
    for (unsigned char c : q) {
        if (c >= 0x80 || std::isalnum(c) || c == '\'') {
            cur += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
        } else {
            flush();
        }
    }
    flush();
    bool has_two = false;
    for (const auto& t : tokens) {
        has_two = has_two || t.size() >= 2;
    }
    if (!has_two) {
        throw core::Invalid("q", "must contain a name of at least two letters");
    }
    return tokens;
}

std::string EncodeCursor(std::string_view payload) {
    std::string out;
    uint32_t buf = 0;
    int bits = 0;
    for (unsigned char c : payload) {
        buf = (buf << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kB64[(buf >> bits) & 0x3F];
        }
    }
    if (bits > 0) {
        out += kB64[(buf << (6 - bits)) & 0x3F];
    }
    return out;
}

std::string DecodeCursor(std::string_view cursor) {
    std::string out;
    uint32_t buf = 0;
    int bits = 0;
    for (char c : cursor) {
        const char* p = std::strchr(kB64, c);
        if (c == '\0' || p == nullptr) {
            throw core::Invalid("cursor", "is not a cursor returned by this API");
        }
        buf = (buf << 6) | static_cast<uint32_t>(p - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xFF);
        }
    }
    if (out.empty() || out.size() > 512) {
        throw core::Invalid("cursor", "is not a cursor returned by this API");
    }
    return out;
}

std::pair<std::string, bool> SortParam(const http::Request& req, const std::vector<std::string>& allowed,
                                       std::string_view default_field, bool default_descending) {
    auto text = req.Query("sort");
    if (!text || text->empty()) {
        return {std::string(default_field), default_descending};
    }
    std::string_view f = *text;
    bool desc = false;
    if (f.front() == '-') {
        desc = true;
        f.remove_prefix(1);
    }
    for (const auto& a : allowed) {
        if (a == f) {
            return {a, desc};
        }
    }
    std::string list;
    for (const auto& a : allowed) {
        list += (list.empty() ? "" : ", ") + a;
    }
    throw core::Invalid("sort", "must be one of " + list + " (prefix - for descending)");
}

}  // namespace rounds::physicians
