#include "routeplan/travel.h"

#include <curl/curl.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace rounds::routeplan {

namespace json = boost::json;

TravelTable GreatCircleTable(const std::vector<routing::GeoPoint>& points, double road_factor, double speed_kmh) {
    TravelTable t;
    t.n = static_cast<std::int32_t>(points.size());
    t.source = "great_circle";
    const std::size_t n = points.size();
    t.seconds.assign(n * n, 0.0);
    t.meters.assign(n * n, 0.0);
    const double metres_per_second = speed_kmh * 1000.0 / 3600.0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j) {
                continue;
            }
            const double road = routing::HaversineMeters(points[i], points[j]) * road_factor;
            t.meters[i * n + j] = road;
            t.seconds[i * n + j] = road / metres_per_second;
        }
    }
    return t;
}

std::string OsrmTableUrl(std::string_view base_url, const std::vector<routing::GeoPoint>& points) {
    std::string url(base_url);
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    url += "/table/v1/driving/";
    char buf[64];
    for (std::size_t i = 0; i < points.size(); ++i) {
        std::snprintf(buf, sizeof(buf), "%s%.6f,%.6f", i == 0 ? "" : ";", points[i].lng, points[i].lat);
        url += buf;
    }
    url += "?annotations=duration,distance";
    return url;
}

namespace {

std::vector<double> Matrix(const json::object& o, std::string_view key, std::int32_t n, double null_value,
                           bool& present) {
    const json::value* v = o.if_contains(key);
    present = v != nullptr && !v->is_null();
    if (!present) {
        return {};
    }
    if (!v->is_array() || v->as_array().size() != static_cast<std::size_t>(n)) {
        throw std::runtime_error("OSRM table: \"" + std::string(key) + "\" is not a " + std::to_string(n) + "x" +
                                 std::to_string(n) + " matrix");
    }
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(n) * static_cast<std::size_t>(n));
    for (const json::value& row : v->as_array()) {
        if (!row.is_array() || row.as_array().size() != static_cast<std::size_t>(n)) {
            throw std::runtime_error("OSRM table: a row of \"" + std::string(key) + "\" has the wrong length");
        }
        for (const json::value& cell : row.as_array()) {
            if (cell.is_null()) {
                out.push_back(null_value);
            } else if (cell.is_number()) {
                const double d = cell.to_number<double>();
                if (!std::isfinite(d) || d < 0) {
                    throw std::runtime_error("OSRM table: negative or non-finite entry in \"" + std::string(key) +
                                             "\"");
                }
                out.push_back(d);
            } else {
                throw std::runtime_error("OSRM table: non-numeric entry in \"" + std::string(key) + "\"");
            }
        }
    }
    return out;
}

}  // namespace

TravelTable ParseOsrmTable(std::string_view body, std::int32_t n, double fallback_speed_kmh) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) {
        throw std::runtime_error("OSRM table: response is not a JSON object");
    }
    const json::object& o = v.as_object();
    const json::value* code = o.if_contains("code");
    if (code == nullptr || !code->is_string()) {
        throw std::runtime_error("OSRM table: response has no \"code\"");
    }
    if (code->as_string() != "Ok") {
        std::string message;
        if (const json::value* m = o.if_contains("message"); m != nullptr && m->is_string()) {
            message = ": " + std::string(m->as_string());
        }
        throw std::runtime_error("OSRM table: " + std::string(code->as_string()) + message);
    }
    TravelTable t;
    t.n = n;
    t.source = "osrm";
    bool has_durations = false;
    bool has_distances = false;
    t.seconds = Matrix(o, "durations", n, kUnroutableSeconds, has_durations);
    if (!has_durations) {
        throw std::runtime_error("OSRM table: response has no \"durations\"");
    }
    t.meters = Matrix(o, "distances", n, 0.0, has_distances);
    if (!has_distances) {
        t.meters.resize(t.seconds.size());
        for (std::size_t i = 0; i < t.seconds.size(); ++i) {
            t.meters[i] = t.seconds[i] >= kUnroutableSeconds ? 0.0 : t.seconds[i] * fallback_speed_kmh / 3.6;
        }
    }
    for (std::int32_t i = 0; i < n; ++i) {
        const auto d = static_cast<std::size_t>(i) * static_cast<std::size_t>(n) + static_cast<std::size_t>(i);
        t.seconds[d] = 0;
        t.meters[d] = 0;
    }
    return t;
}

namespace {

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* user) {
    auto* out = static_cast<std::string*>(user);
    const std::size_t bytes = size * count;
    if (out->size() + bytes > std::size_t{64} << 20) {
        return 0;  // a table for 102 points is well under 1 MB; refuse runaway bodies
    }
    out->append(data, bytes);
    return bytes;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

}  // namespace

TravelTable FetchOsrmTable(const TravelSettings& settings, const std::vector<routing::GeoPoint>& points) {
    const std::string url = OsrmTableUrl(settings.osrm_url, points);
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        throw std::runtime_error("OSRM table: cannot initialise libcurl");
    }
    CURL* c = curl.get();
    std::string body;
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "rounds-routes/1");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.osrm_timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.osrm_timeout_ms));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        throw std::runtime_error(std::string("OSRM table request failed: ") +
                                 (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        // OSRM answers 400 with {"code": "InvalidQuery", ...}; include its code when there is one.
        std::string reason;
        try {
            ParseOsrmTable(body, static_cast<std::int32_t>(points.size()), 40.0);
        } catch (const std::runtime_error& e) {
            reason = std::string(" (") + e.what() + ")";
        }
        throw std::runtime_error("OSRM table: HTTP " + std::to_string(status) + reason);
    }
    return ParseOsrmTable(body, static_cast<std::int32_t>(points.size()), 40.0);
}

TravelTable BuildTravelTable(const TravelSettings& settings, const std::vector<routing::GeoPoint>& points) {
    if (settings.osrm_url.empty()) {
        return GreatCircleTable(points, settings.road_factor, settings.speed_kmh);
    }
    try {
        return FetchOsrmTable(settings, points);
    } catch (const std::runtime_error& e) {
        TravelTable t = GreatCircleTable(points, settings.road_factor, settings.speed_kmh);
        t.warning = std::string(e.what()) + "; travel times are great-circle estimates";
        return t;
    }
}

}  // namespace rounds::routeplan
