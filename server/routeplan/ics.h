#pragma once

// RFC 5545 calendar of a saved route and map deep links per stop. Pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/travel_time.h"

namespace rounds::routeplan {

/// Escapes an iCalendar TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, newline.
std::string IcsEscape(std::string_view text);

/// Folds one content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence, and ends it with CRLF.
std::string IcsFold(std::string_view line);

struct MapLinks {
    std::string google;
    std::string apple;
    std::string geo;
};

/// Deep links that open directions to the point: Google Maps (api=1 URL), Apple Maps, and an RFC 5870 geo:
/// URI (Android and most desktop map apps). `label` names the place where the scheme supports it.
MapLinks LinksFor(routing::GeoPoint point, std::string_view label);

struct IcsStop {
    std::string uid;  // stable id (the stop row's id)
    std::string summary;
    routing::GeoPoint point;
    std::int64_t start = 0;  // Unix seconds (service start)
    std::int64_t end = 0;    // Unix seconds (departure)
    std::string description;
};

struct IcsCalendar {
    std::string name;
    std::int64_t stamp = 0;  // DTSTAMP: when the plan was last changed
    std::vector<IcsStop> stops;
};

/// VCALENDAR with one VEVENT per stop; times in UTC ("Z" form), CRLF line endings, folded lines.
std::string RenderIcs(const IcsCalendar& calendar);

}  // namespace rounds::routeplan
