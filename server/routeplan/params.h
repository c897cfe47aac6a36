#pragma once

// Request parsing of the route endpoints: pure functions (JSON in, value types out), unit-tested without a
// server. Every refusal is core::Invalid naming the JSON field, e.g. "stops[3].windows[0].end".

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "routing/travel_time.h"

namespace rounds::routeplan {

/// Most stops one optimisation accepts.
inline constexpr std::size_t kMaxStops = 100;

/// RFC 3339 date-time ("2026-11-24T08:00:00Z", "2026-11-24T09:00:00+01:00", optional fractional seconds,
/// which are truncated) to Unix seconds. nullopt when malformed or out of range (years 1970..9999).
std::optional<std::int64_t> ParseTimestamp(std::string_view text);
/// Unix seconds to "YYYY-MM-DDTHH:MM:SSZ" (UTC).
std::string FormatTimestamp(std::int64_t unix_seconds);
/// "YYYY-MM-DD" to Unix seconds at 00:00 UTC of that day.
std::optional<std::int64_t> ParseDate(std::string_view text);
/// Unix seconds to "YYYYMMDDTHHMMSSZ" (iCalendar UTC form).
std::string FormatIcsTimestamp(std::int64_t unix_seconds);

struct Window {
    std::int64_t start = 0;  // Unix seconds: the visit may start from ...
    std::int64_t end = 0;    // ... until (inclusive)
};

struct StopInput {
    /// Physician NPI (resolved to the primary practice location) or explicit coordinates.
    std::optional<std::int64_t> npi;
    std::optional<routing::GeoPoint> point;
    std::int64_t duration_seconds = 0;
    std::vector<Window> windows;
    /// Client's own label or id, echoed back (at most 200 characters).
    std::string ref;
    /// Value of serving the stop (routing::Stop::prize, >= 1): when not every stop fits, the optimiser keeps
    /// the stops with the highest total. Not part of the /optimize body (every stop counts 1 there); plan my
    /// day sets it from the target score.
    std::int64_t prize = 1;
};

struct OptimizeInput {
    routing::GeoPoint start;
    /// nullopt = the day ends after the last visit (open route).
    std::optional<routing::GeoPoint> end;
    std::int64_t start_time = 0;  // Unix seconds, earliest departure
    std::int64_t day_end = 0;     // latest arrival at `end` (or end of the last visit)
    std::vector<StopInput> stops;
};

/// A location object {"lat": .., "lng": ..}; `field` names it in errors.
routing::GeoPoint ParsePoint(const boost::json::value& v, const std::string& field);

/// Parses the body of POST /api/v1/routes/optimize:
/// {"start": {"lat","lng"}, "end"?: {"lat","lng"}, "start_time": RFC 3339, "day_end": RFC 3339,
///  "stops": [{"npi"?: "10 digits", "lat"?, "lng"?, "duration_minutes"?: 1..480 (default 20),
///             "windows"?: [{"start": RFC 3339, "end": RFC 3339}], "ref"?: string}]}
OptimizeInput ParseOptimize(const boost::json::value& body);

/// One visit of a saved route (POST /api/v1/routes body "stops" items; the optimiser's "route" items).
struct PlannedStop {
    std::optional<std::int64_t> npi;
    routing::GeoPoint point;
    std::string ref;
    std::string label;
    std::int64_t arrival = 0;
    std::int64_t service_start = 0;
    std::int64_t departure = 0;
};

struct SaveInput {
    std::optional<std::string> client_id;
    std::string name;
    std::string date;  // YYYY-MM-DD
    routing::GeoPoint start;
    std::optional<routing::GeoPoint> end;
    std::int64_t start_time = 0;
    std::int64_t day_end = 0;
    double travel_seconds = 0;
    double distance_meters = 0;
    std::vector<PlannedStop> stops;
};

/// Parses the body of POST /api/v1/routes: {"client_id"?, "name"?, "date": "YYYY-MM-DD", "start", "end"?,
/// "start_time", "day_end", "total_travel_seconds"?, "total_distance_meters"?, "stops": [{"npi"?, "lat",
/// "lng", "ref"?, "label"?, "arrival", "service_start", "departure"}]} (the optimiser's response fields, so a
/// client can post back what it was given). Checks the times are ordered and inside the day.
SaveInput ParseSave(const boost::json::value& body);

/// Offset from UTC in seconds of an RFC 3339 date-time ("+01:00" -> 3600, "Z" -> 0); nullopt if malformed.
std::optional<std::int64_t> ParseUtcOffset(std::string_view text);

/// Office hours from an account's free-text best_hours, as [open, close) minutes after local midnight:
/// "09:00-12:00, 14:00-17:30", "9-12; 14-17", "8:30 to 16:00". Parts that are not a time range are ignored
/// (the text is typed by people); a range whose end is not after its start is ignored too.
std::vector<std::pair<int, int>> ParseBestHours(std::string_view text);

/// Body of POST /api/v1/routes/plan-day.
struct PlanDayInput {
    std::string date;  // YYYY-MM-DD (local date of the day planned)
    routing::GeoPoint start;
    std::optional<routing::GeoPoint> end;
    std::int64_t start_time = 0;
    std::int64_t day_end = 0;
    /// Offset of the local time zone (from start_time), used to read best_hours.
    std::int64_t utc_offset = 0;
    std::int64_t visit_seconds = 20 * 60;
    std::optional<std::string> market_id;
    int recent_days = 14;
    int max_candidates = 60;
    std::optional<std::string> client_id;
    std::string name;
};

/// {"date": "YYYY-MM-DD", "start": {lat,lng}, "end"?: {lat,lng}, "start_time"?: RFC 3339 on that date (default
/// 08:00 UTC), "hours"?: 0.5..14 | "day_end"?: RFC 3339 (exactly one), "visit_minutes"?: 5..240 (default 20),
/// "market_id"?: uuid, "recent_days"?: 0..365 (default 14), "max_candidates"?: 1..100 (default 60),
/// "client_id"?, "name"?}
PlanDayInput ParsePlanDay(const boost::json::value& body);

}  // namespace rounds::routeplan
