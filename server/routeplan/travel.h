#pragma once

// Travel-time and distance matrices for the optimiser: great-circle x road factor at an average speed, or an
// OSRM `table` service. Pure except FetchOsrmTable (one blocking HTTP request; call it on the CPU pool).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "routing/travel_time.h"

namespace rounds::routeplan {

struct TravelTable {
    std::int32_t n = 0;
    /// Row-major n x n, seconds and metres.
    std::vector<double> seconds;
    std::vector<double> meters;
    /// "great_circle" or "osrm".
    std::string source;
    /// Set when OSRM was configured but failed and the great-circle estimate was used instead.
    std::string warning;
};

struct TravelSettings {
    double road_factor = 1.3;
    double speed_kmh = 40.0;
    /// Base URL of an OSRM server (e.g. http://osrm:5000); empty = great-circle only.
    std::string osrm_url;
    std::int64_t osrm_timeout_ms = 5000;
};

/// Seconds used for a pair OSRM cannot route (null in its matrix): a week, so the stop is reported as
/// unreachable rather than planned.
inline constexpr double kUnroutableSeconds = 7 * 24 * 3600.0;

/// Great-circle distance x road factor; time = that distance / speed.
TravelTable GreatCircleTable(const std::vector<routing::GeoPoint>& points, double road_factor, double speed_kmh);

/// GET URL of the OSRM table request for the points (coordinates as lon,lat with 6 decimals).
std::string OsrmTableUrl(std::string_view base_url, const std::vector<routing::GeoPoint>& points);

/// Parses an OSRM table response ({"code":"Ok","durations":[[..]],"distances":[[..]]}). Throws
/// std::runtime_error with the reason when the code is not Ok or the matrices are missing or not n x n.
/// Null entries (no route) become kUnroutableSeconds and 0 m. Missing "distances" (older servers) are
/// estimated from the durations at `fallback_speed_kmh`.
TravelTable ParseOsrmTable(std::string_view body, std::int32_t n, double fallback_speed_kmh);

/// Requests the table from OSRM (blocking, bounded by settings.osrm_timeout_ms). Throws std::runtime_error
/// on a network error, timeout, non-200 status or bad response.
TravelTable FetchOsrmTable(const TravelSettings& settings, const std::vector<routing::GeoPoint>& points);

/// What the optimiser uses: OSRM when configured, falling back to the great-circle estimate (with
/// `warning` saying why) when the OSRM request fails. Never throws for an OSRM failure.
TravelTable BuildTravelTable(const TravelSettings& settings, const std::vector<routing::GeoPoint>& points);

}  // namespace rounds::routeplan
