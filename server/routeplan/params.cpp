#include "routeplan/params.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/npi.h"

namespace rounds::routeplan {

namespace json = boost::json;

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, std::int64_t m, std::int64_t d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t& y, std::int64_t& m, std::int64_t& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

bool Digits(std::string_view s, std::size_t pos, std::size_t count, std::int64_t& out) {
    if (pos + count > s.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

std::int64_t DaysInMonth(std::int64_t y, std::int64_t m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

bool ValidDate(std::int64_t y, std::int64_t m, std::int64_t d) {
    return y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

const json::object& Object(const json::value& v, const std::string& field) {
    if (!v.is_object()) {
        throw core::Invalid(field, "must be a JSON object");
    }
    return v.as_object();
}

void OnlyKeys(const json::object& o, const std::string& prefix, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : o) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
            throw core::Invalid(prefix + std::string(key), "is not a field of this request");
        }
    }
}

std::optional<double> Number(const json::object& o, std::string_view key, const std::string& field) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    if (!v->is_number()) {
        throw core::Invalid(field, "must be a number");
    }
    const double d = v->to_number<double>();
    if (!std::isfinite(d)) {
        throw core::Invalid(field, "must be a finite number");
    }
    return d;
}

std::optional<std::string> String(const json::object& o, std::string_view key, const std::string& field,
                                  std::size_t max_len) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    if (!v->is_string()) {
        throw core::Invalid(field, "must be a string");
    }
    std::string s(v->as_string());
    if (s.size() > max_len) {
        throw core::Invalid(field, "must be at most " + std::to_string(max_len) + " characters");
    }
    return s;
}

std::int64_t Time(const json::object& o, std::string_view key, const std::string& field) {
    auto s = String(o, key, field, 64);
    if (!s) {
        throw core::Invalid(field, "is required (RFC 3339 date-time, e.g. 2026-11-24T08:00:00Z)");
    }
    auto t = ParseTimestamp(*s);
    if (!t) {
        throw core::Invalid(field, "must be an RFC 3339 date-time with a time zone, e.g. 2026-11-24T08:00:00Z");
    }
    return *t;
}

routing::GeoPoint LatLng(const json::object& o, const std::string& prefix) {
    auto lat = Number(o, "lat", prefix + "lat");
    auto lng = Number(o, "lng", prefix + "lng");
    if (!lat) {
        throw core::Invalid(prefix + "lat", "is required");
    }
    if (!lng) {
        throw core::Invalid(prefix + "lng", "is required");
    }
    if (*lat < -90 || *lat > 90) {
        throw core::Invalid(prefix + "lat", "must be between -90 and 90 degrees");
    }
    if (*lng < -180 || *lng > 180) {
        throw core::Invalid(prefix + "lng", "must be between -180 and 180 degrees");
    }
    return {*lat, *lng};
}

std::optional<std::int64_t> Npi(const json::object& o, const std::string& field) {
    const json::value* v = o.if_contains("npi");
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    std::string text;
    if (v->is_string()) {
        text = std::string(v->as_string());
    } else if (v->is_int64() || v->is_uint64()) {
        text = json::serialize(*v);
    } else {
        throw core::Invalid(field, "must be a 10-digit NPI string");
    }
    if (text.size() != 10 || text.find_first_not_of("0123456789") != std::string::npos) {
        throw core::Invalid(field, "must be exactly 10 digits");
    }
    auto npi = core::ParseNpi(text);
    if (!npi) {
        throw core::Invalid(field, "is not a valid NPI (check digit mismatch)");
    }
    return npi;
}

const json::array& Array(const json::object& o, std::string_view key, const std::string& field) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_array()) {
        throw core::Invalid(field, "is required and must be an array");
    }
    return v->as_array();
}

void CheckDay(std::int64_t start_time, std::int64_t day_end) {
    if (day_end <= start_time) {
        throw core::Invalid("day_end", "must be after start_time");
    }
    if (day_end - start_time > 24 * 3600) {
        throw core::Invalid("day_end", "must be at most 24 hours after start_time");
    }
}

}  // namespace

std::optional<std::int64_t> ParseTimestamp(std::string_view s) {
    // YYYY-MM-DDTHH:MM[:SS[.frac]](Z|+HH:MM|-HH:MM)
    std::int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (s.size() < 17 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
        !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, h) || s[13] != ':' ||
        !Digits(s, 14, 2, mi)) {
        return std::nullopt;
    }
    std::size_t pos = 16;
    if (pos < s.size() && s[pos] == ':') {
        if (!Digits(s, pos + 1, 2, sec)) {
            return std::nullopt;
        }
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
            ++pos;
            const std::size_t digits_start = pos;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                ++pos;
            }
            if (pos == digits_start) {
                return std::nullopt;
            }
        }
    }
    if (!ValidDate(y, mo, d) || h > 23 || mi > 59 || sec > 60) {
        return std::nullopt;
    }
    std::int64_t offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
        offset = 0;
    } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
        std::int64_t oh = 0, om = 0;
        if (!Digits(s, pos + 1, 2, oh) || !Digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset = (oh * 60 + om) * 60 * (s[pos] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + std::min<std::int64_t>(sec, 59) - offset;
}

std::optional<std::int64_t> ParseDate(std::string_view s) {
    std::int64_t y = 0, mo = 0, d = 0;
    if (s.size() != 10 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
        !Digits(s, 8, 2, d) || !ValidDate(y, mo, d)) {
        return std::nullopt;
    }
    return DaysFromCivil(y, mo, d) * 86400;
}

std::string FormatTimestamp(std::int64_t t) {
    const std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    const std::int64_t rest = t - days * 86400;
    std::int64_t y = 0, m = 0, d = 0;
    CivilFromDays(days, y, m, d);
    char buf[128];  // room for any 64-bit fields, so GCC can prove no truncation
    std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rest / 3600),
                  static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
    return buf;
}

std::string FormatIcsTimestamp(std::int64_t t) {
    std::string s = FormatTimestamp(t);  // YYYY-MM-DDTHH:MM:SSZ
    std::string out;
    for (char c : s) {
        if (c != '-' && c != ':') {
            out.push_back(c);
        }
    }
    return out;
}

routing::GeoPoint ParsePoint(const json::value& v, const std::string& field) {
    const json::object& o = Object(v, field);
    OnlyKeys(o, field + ".", {"lat", "lng"});
    return LatLng(o, field + ".");
}

OptimizeInput ParseOptimize(const json::value& body) {
    const json::object& o = Object(body, "body");
    OnlyKeys(o, "", {"start", "end", "start_time", "day_end", "stops"});
    OptimizeInput in;
    const json::value* start = o.if_contains("start");
    if (start == nullptr) {
        throw core::Invalid("start", "is required: {\"lat\": .., \"lng\": ..}");
    }
    in.start = ParsePoint(*start, "start");
    if (const json::value* end = o.if_contains("end"); end != nullptr && !end->is_null()) {
        in.end = ParsePoint(*end, "end");
    }
    in.start_time = Time(o, "start_time", "start_time");
    in.day_end = Time(o, "day_end", "day_end");
    CheckDay(in.start_time, in.day_end);
    const json::array& stops = Array(o, "stops", "stops");
    if (stops.empty()) {
        throw core::Invalid("stops", "must contain at least one stop");
    }
    if (stops.size() > kMaxStops) {
        throw core::Invalid(
            "stops", "too many stops: at most " + std::to_string(kMaxStops) + ", got " + std::to_string(stops.size()));
    }
    for (std::size_t i = 0; i < stops.size(); ++i) {
        const std::string prefix = "stops[" + std::to_string(i) + "]";
        const json::object& so = Object(stops[i], prefix);
        OnlyKeys(so, prefix + ".", {"npi", "lat", "lng", "duration_minutes", "windows", "ref"});
        StopInput stop;
        stop.npi = Npi(so, prefix + ".npi");
        const bool has_coords = so.contains("lat") || so.contains("lng");
        if (has_coords) {
            stop.point = LatLng(so, prefix + ".");
        }
        if (!stop.npi && !stop.point) {
            throw core::Invalid(prefix, "needs an npi or lat/lng");
        }
        const double minutes = Number(so, "duration_minutes", prefix + ".duration_minutes").value_or(20.0);
        if (minutes < 0 || minutes > 480) {
            throw core::Invalid(prefix + ".duration_minutes", "must be between 0 and 480");
        }
        stop.duration_seconds = static_cast<std::int64_t>(std::llround(minutes * 60));
        stop.ref = String(so, "ref", prefix + ".ref", 200).value_or("");
        if (const json::value* w = so.if_contains("windows"); w != nullptr && !w->is_null()) {
            if (!w->is_array()) {
                throw core::Invalid(prefix + ".windows", "must be an array");
            }
            if (w->as_array().size() > 16) {
                throw core::Invalid(prefix + ".windows", "at most 16 windows per stop");
            }
            for (std::size_t k = 0; k < w->as_array().size(); ++k) {
                const std::string wf = prefix + ".windows[" + std::to_string(k) + "]";
                const json::object& wo = Object(w->as_array()[k], wf);
                OnlyKeys(wo, wf + ".", {"start", "end"});
                Window win{Time(wo, "start", wf + ".start"), Time(wo, "end", wf + ".end")};
                if (win.end < win.start) {
                    throw core::Invalid(wf + ".end", "is before start");
                }
                stop.windows.push_back(win);
            }
        }
        in.stops.push_back(std::move(stop));
    }
    return in;
}

SaveInput ParseSave(const json::value& body) {
    const json::object& o = Object(body, "body");
    OnlyKeys(o, "",
             {"client_id", "name", "date", "start", "end", "start_time", "day_end", "total_travel_seconds",
              "total_distance_meters", "stops"});
    SaveInput in;
    in.client_id = String(o, "client_id", "client_id", 100);
    if (in.client_id && in.client_id->empty()) {
        throw core::Invalid("client_id", "must be 1 to 100 characters");
    }
    in.name = String(o, "name", "name", 200).value_or("");
    auto date = String(o, "date", "date", 10);
    if (!date || !ParseDate(*date)) {
        throw core::Invalid("date", "is required (YYYY-MM-DD)");
    }
    in.date = *date;
    const json::value* start = o.if_contains("start");
    if (start == nullptr) {
        throw core::Invalid("start", "is required: {\"lat\": .., \"lng\": ..}");
    }
    in.start = ParsePoint(*start, "start");
    if (const json::value* end = o.if_contains("end"); end != nullptr && !end->is_null()) {
        in.end = ParsePoint(*end, "end");
    }
    in.start_time = Time(o, "start_time", "start_time");
    in.day_end = Time(o, "day_end", "day_end");
    CheckDay(in.start_time, in.day_end);
    in.travel_seconds = Number(o, "total_travel_seconds", "total_travel_seconds").value_or(0);
    in.distance_meters = Number(o, "total_distance_meters", "total_distance_meters").value_or(0);
    if (in.travel_seconds < 0 || in.distance_meters < 0) {
        throw core::Invalid(in.travel_seconds < 0 ? "total_travel_seconds" : "total_distance_meters", "must be >= 0");
    }
    const json::array& stops = Array(o, "stops", "stops");
    if (stops.size() > kMaxStops) {
        throw core::Invalid("stops", "too many stops: at most " + std::to_string(kMaxStops));
    }
    std::int64_t previous = in.start_time;
    for (std::size_t i = 0; i < stops.size(); ++i) {
        const std::string prefix = "stops[" + std::to_string(i) + "]";
        const json::object& so = Object(stops[i], prefix);
        PlannedStop stop;
        stop.npi = Npi(so, prefix + ".npi");
        stop.point = LatLng(so, prefix + ".");
        stop.ref = String(so, "ref", prefix + ".ref", 200).value_or("");
        stop.label = String(so, "label", prefix + ".label", 300).value_or("");
        stop.arrival = Time(so, "arrival", prefix + ".arrival");
        stop.service_start = Time(so, "service_start", prefix + ".service_start");
        stop.departure = Time(so, "departure", prefix + ".departure");
        if (stop.arrival < previous) {
            throw core::Invalid(prefix + ".arrival", "is before the previous departure (or start_time)");
        }
        if (stop.service_start < stop.arrival) {
            throw core::Invalid(prefix + ".service_start", "is before arrival");
        }
        if (stop.departure < stop.service_start) {
            throw core::Invalid(prefix + ".departure", "is before service_start");
        }
        if (stop.departure > in.day_end) {
            throw core::Invalid(prefix + ".departure", "is after day_end");
        }
        previous = stop.departure;
        in.stops.push_back(std::move(stop));
    }
    return in;
}

std::optional<std::int64_t> ParseUtcOffset(std::string_view text) {
    if (!ParseTimestamp(text)) {
        return std::nullopt;
    }
    const char last = text.back();
    if (last == 'Z' || last == 'z') {
        return 0;
    }
    const std::string_view zone = text.substr(text.size() - 6);
    std::int64_t h = 0, m = 0;
    Digits(zone, 1, 2, h);
    Digits(zone, 4, 2, m);
    return (h * 3600 + m * 60) * (zone[0] == '-' ? -1 : 1);
}

std::vector<std::pair<int, int>> ParseBestHours(std::string_view text) {
    // Scan for "<time> <separator> <time>" where time = H[H][:MM] and separator = '-', en dash or "to".
    std::vector<std::pair<int, int>> out;
    std::size_t i = 0;
    auto read_time = [&](std::size_t& pos, int& minutes) -> bool {
        std::size_t p = pos;
        int h = 0;
        int digits = 0;
        while (p < text.size() && digits < 2 && text[p] >= '0' && text[p] <= '9') {
            h = h * 10 + (text[p] - '0');
            ++p;
            ++digits;
        }
        if (digits == 0 || h > 24) {
            return false;
        }
        int m = 0;
        if (p + 3 <= text.size() && (text[p] == ':' || text[p] == '.') && text[p + 1] >= '0' && text[p + 1] <= '9' &&
            text[p + 2] >= '0' && text[p + 2] <= '9') {
            m = (text[p + 1] - '0') * 10 + (text[p + 2] - '0');
            p += 3;
        }
        if (m > 59 || h * 60 + m > 24 * 60) {
            return false;
        }
        minutes = h * 60 + m;
        pos = p;
        return true;
    };
    auto skip_spaces = [&](std::size_t& pos) {
        while (pos < text.size() && text[pos] == ' ') {
            ++pos;
        }
    };
    while (i < text.size()) {
        // A time starts at a digit that does not continue a number ("12", "9:30", "8.15").
        const bool continues =
            i > 0 && ((text[i - 1] >= '0' && text[i - 1] <= '9') || text[i - 1] == ':' || text[i - 1] == '.');
        if (text[i] < '0' || text[i] > '9' || continues) {
            ++i;
            continue;
        }
        std::size_t p = i;
        int open = 0;
        int close = 0;
        if (!read_time(p, open)) {
            ++i;
            continue;
        }
        skip_spaces(p);
        bool separator = false;
        if (p < text.size() && text[p] == '-') {
            ++p;
            separator = true;
        } else if (text.substr(p, 3) == "\xE2\x80\x93") {  // en dash
            p += 3;
            separator = true;
        } else if (text.substr(p, 2) == "to") {
            p += 2;
            separator = true;
        }
        skip_spaces(p);
        if (separator && read_time(p, close) && close > open) {
            out.emplace_back(open, close);
            i = p;
            continue;
        }
        i = std::max(i + 1, p);
    }
    return out;
}

PlanDayInput ParsePlanDay(const json::value& body) {
    const json::object& o = Object(body, "body");
    OnlyKeys(o, "",
             {"date", "start", "end", "start_time", "hours", "day_end", "visit_minutes", "market_id", "recent_days",
              "max_candidates", "client_id", "name"});
    PlanDayInput in;
    auto date = String(o, "date", "date", 10);
    if (!date || !ParseDate(*date)) {
        throw core::Invalid("date", "is required (YYYY-MM-DD)");
    }
    in.date = *date;
    const json::value* start = o.if_contains("start");
    if (start == nullptr) {
        throw core::Invalid("start", "is required: {\"lat\": .., \"lng\": ..}");
    }
    in.start = ParsePoint(*start, "start");
    if (const json::value* end = o.if_contains("end"); end != nullptr && !end->is_null()) {
        in.end = ParsePoint(*end, "end");
    }
    if (auto text = String(o, "start_time", "start_time", 64)) {
        in.start_time = Time(o, "start_time", "start_time");
        if (text->substr(0, 10) != in.date) {
            throw core::Invalid("start_time", "must be on the planned date (local time)");
        }
        in.utc_offset = *ParseUtcOffset(*text);
    } else {
        in.start_time = *ParseDate(in.date) + 8 * 3600;
    }
    const auto hours = Number(o, "hours", "hours");
    const bool has_day_end = o.contains("day_end") && !o.at("day_end").is_null();
    if (hours.has_value() == has_day_end) {
        throw core::Invalid("hours", "give either hours (0.5 to 14) or day_end");
    }
    if (hours) {
        if (*hours < 0.5 || *hours > 14) {
            throw core::Invalid("hours", "must be between 0.5 and 14");
        }
        in.day_end = in.start_time + static_cast<std::int64_t>(std::llround(*hours * 3600));
    } else {
        in.day_end = Time(o, "day_end", "day_end");
    }
    CheckDay(in.start_time, in.day_end);
    const double visit = Number(o, "visit_minutes", "visit_minutes").value_or(20);
    if (visit < 5 || visit > 240) {
        throw core::Invalid("visit_minutes", "must be between 5 and 240");
    }
    in.visit_seconds = static_cast<std::int64_t>(std::llround(visit * 60));
    in.market_id = String(o, "market_id", "market_id", 36);
    if (in.market_id) {
        const std::string& m = *in.market_id;
        const bool uuid = m.size() == 36 && m[8] == '-' && m[13] == '-' && m[18] == '-' && m[23] == '-' &&
                          m.find_first_not_of("0123456789abcdef-") == std::string::npos;
        if (!uuid) {
            throw core::Invalid("market_id", "must be a market id (UUID)");
        }
    }
    const double recent = Number(o, "recent_days", "recent_days").value_or(14);
    if (recent < 0 || recent > 365 || recent != std::floor(recent)) {
        throw core::Invalid("recent_days", "must be a whole number from 0 to 365");
    }
    in.recent_days = static_cast<int>(recent);
    const double max_candidates = Number(o, "max_candidates", "max_candidates").value_or(60);
    if (max_candidates < 1 || max_candidates > static_cast<double>(kMaxStops) ||
        max_candidates != std::floor(max_candidates)) {
        throw core::Invalid("max_candidates", "must be a whole number from 1 to 100");
    }
    in.max_candidates = static_cast<int>(max_candidates);
    in.client_id = String(o, "client_id", "client_id", 100);
    if (in.client_id && in.client_id->empty()) {
        throw core::Invalid("client_id", "must be 1 to 100 characters");
    }
    in.name = String(o, "name", "name", 200).value_or("");
    return in;
}

}  // namespace rounds::routeplan
