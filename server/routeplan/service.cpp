#include "routeplan/service.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <stdexcept>

#include "core/error.h"
#include "routeplan/ics.h"
#include "routeplan/sql.h"
#include "routing/solver.h"
#include "tenancy/tenancy.h"

namespace rounds::routeplan {

namespace asio = boost::asio;
namespace json = boost::json;
using routing::GeoPoint;
using routing::Ticks;

namespace {

std::string IntArray(const std::vector<std::int64_t>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += (i ? "," : "") + std::to_string(values[i]);
    }
    return out + "}";
}

std::string TextArray(const std::vector<std::string>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += i ? ",\"" : "\"";
        for (char c : values[i]) {
            if (c == '"' || c == '\\') {
                out.push_back('\\');
            }
            out.push_back(c);
        }
        out += "\"";
    }
    return out + "}";
}

std::string FloatArray(const std::vector<double>& values) {
    std::string out = "{";
    char buf[40];
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::snprintf(buf, sizeof(buf), "%s%.8f", i ? "," : "", values[i]);
        out += buf;
    }
    return out + "}";
}

std::string NullableIntArray(const std::vector<std::optional<std::int64_t>>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += (i ? "," : "") + (values[i] ? std::to_string(*values[i]) : std::string("NULL"));
    }
    return out + "}";
}

std::string HexEncode(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    return out;
}

std::optional<std::string> HexDecode(std::string_view s) {
    if (s.size() % 2 != 0 || s.size() > 400) {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            return -1;
        };
        const int hi = nibble(s[i]);
        const int lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

json::object PointJson(GeoPoint p) {
    return json::object{{"lat", p.lat}, {"lng", p.lng}};
}

json::object LinksJson(GeoPoint p, std::string_view label) {
    const MapLinks l = LinksFor(p, label);
    return json::object{{"google_maps", l.google}, {"apple_maps", l.apple}, {"geo", l.geo}};
}

std::int64_t Round(double seconds) {
    return static_cast<std::int64_t>(std::llround(seconds));
}

// Plan my day maximises the total target score of the visits: the optimiser's prize is the score in hundredths
// plus 1 (prizes must be >= 1, and a target without score still counts a little).
std::int64_t PrizeOfScore(double score) {
    if (!std::isfinite(score) || score <= 0) {
        return 1;
    }
    return 1 + static_cast<std::int64_t>(std::llround(std::min(score, 1e9) * 100.0));
}

struct NpiInfo {
    bool known = false;
    std::string name;
    std::optional<GeoPoint> point;
    std::string address;
};

// One stop as the optimiser sees it after NPI resolution.
struct Resolved {
    std::size_t index = 0;  // position in the request
    GeoPoint point;
    std::string label;
};

struct Unplaced {
    std::size_t index = 0;
    std::string reason;
    std::string message;
};

struct Computed {
    TravelTable table;
    routing::Solution solution;
    double ms = 0;
};

// Builds the routing problem (node 0 = start, node 1 = end when given, then the resolved stops) and solves it.
Computed Compute(const RoutePlanSettings& settings, const OptimizeInput& in, const std::vector<Resolved>& stops) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<GeoPoint> points{in.start};
    if (in.end) {
        points.push_back(*in.end);
    }
    const std::int32_t first_stop = static_cast<std::int32_t>(points.size());
    for (const Resolved& r : stops) {
        points.push_back(r.point);
    }
    Computed c;
    c.table = BuildTravelTable(settings.travel, points);
    routing::Problem p;
    p.node_count = static_cast<std::int32_t>(points.size());
    p.travel.reserve(c.table.seconds.size());
    for (double s : c.table.seconds) {
        p.travel.push_back(routing::TicksFromSeconds(s, "travel"));
    }
    p.stops.resize(points.size());
    p.start = 0;
    if (in.end) {
        p.end = 1;
    }
    p.day_start = 0;
    p.day_end = (in.day_end - in.start_time) * routing::kTicksPerSecond;
    for (std::size_t k = 0; k < stops.size(); ++k) {
        const StopInput& s = in.stops[stops[k].index];
        routing::Stop& node = p.stops[static_cast<std::size_t>(first_stop) + k];
        node.service = s.duration_seconds * routing::kTicksPerSecond;
        node.prize = s.prize;
        for (const Window& w : s.windows) {
            node.windows.push_back({(w.start - in.start_time) * routing::kTicksPerSecond,
                                    (w.end - in.start_time) * routing::kTicksPerSecond});
        }
    }
    routing::SolveOptions options;
    options.time_limit = settings.time_limit;
    options.max_iterations = routing::kPlannerMaxIterations;
    options.stall_iterations = routing::PlannerStallIterations(static_cast<std::int64_t>(stops.size()));
    c.solution = routing::Solve(p, options);
    c.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return c;
}

// Columns of ROUTEPLAN_PLAN_COLUMNS.
struct PlanRow {
    std::string id, owner_id, date, name, source;
    GeoPoint start;
    std::optional<GeoPoint> end;
    std::int64_t start_time = 0, day_end = 0;
    double travel = 0, distance = 0;
    std::int64_t version = 0;
    std::optional<std::string> client_id;
    std::string created_at, updated_at;
    std::int64_t updated_epoch = 0;
    std::string sort_key;
    std::int64_t stop_count = 0;
};

PlanRow ReadPlan(const db::Result& r, int i) {
    PlanRow p;
    p.id = r.Get(i, 0);
    p.owner_id = r.Get(i, 1);
    p.date = r.Get(i, 2);
    p.name = r.Get(i, 3);
    p.source = r.Get(i, 4);
    p.start = {r.GetDouble(i, 5), r.GetDouble(i, 6)};
    if (!r.IsNull(i, 7)) {
        p.end = GeoPoint{r.GetDouble(i, 7), r.GetDouble(i, 8)};
    }
    p.start_time = r.GetInt(i, 9);
    p.day_end = r.GetInt(i, 10);
    p.travel = r.GetDouble(i, 11);
    p.distance = r.GetDouble(i, 12);
    p.version = r.GetInt(i, 13);
    if (auto c = r.GetOpt(i, 14)) {
        p.client_id = std::string(*c);
    }
    p.created_at = r.Get(i, 15);
    p.updated_at = r.Get(i, 16);
    p.updated_epoch = r.GetInt(i, 17);
    p.sort_key = r.Get(i, 18);
    p.stop_count = r.GetInt(i, 19);
    return p;
}

json::object PlanJson(const PlanRow& p) {
    json::object o{{"id", p.id},
                   {"owner_id", p.owner_id},
                   {"date", p.date},
                   {"name", p.name},
                   {"source", p.source},
                   {"start", PointJson(p.start)},
                   {"end", p.end ? json::value(PointJson(*p.end)) : json::value(nullptr)},
                   {"start_time", FormatTimestamp(p.start_time)},
                   {"day_end", FormatTimestamp(p.day_end)},
                   {"total_travel_seconds", p.travel},
                   {"total_distance_meters", p.distance},
                   {"stop_count", p.stop_count},
                   {"version", p.version},
                   {"client_id", p.client_id ? json::value(*p.client_id) : json::value(nullptr)},
                   {"created_at", p.created_at},
                   {"updated_at", p.updated_at}};
    return o;
}

struct StopRow {
    std::string id;
    std::int64_t position = 0;
    std::optional<std::int64_t> npi;
    std::string ref, label;
    GeoPoint point;
    std::int64_t arrival = 0, start = 0, departure = 0;
    std::optional<std::string> call_id;
};

std::vector<StopRow> ReadStops(const db::Result& r) {
    std::vector<StopRow> out;
    for (int i = 0; i < r.Rows(); ++i) {
        StopRow s;
        s.id = r.Get(i, 0);
        s.position = r.GetInt(i, 1);
        if (!r.IsNull(i, 2)) {
            s.npi = r.GetInt(i, 2);
        }
        s.ref = r.Get(i, 3);
        s.label = r.Get(i, 4);
        s.point = {r.GetDouble(i, 5), r.GetDouble(i, 6)};
        s.arrival = r.GetInt(i, 7);
        s.start = r.GetInt(i, 8);
        s.departure = r.GetInt(i, 9);
        if (auto c = r.GetOpt(i, 10)) {
            s.call_id = std::string(*c);
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::string StopTitle(const StopRow& s) {
    if (!s.label.empty()) {
        return s.label;
    }
    if (!s.ref.empty()) {
        return s.ref;
    }
    return s.npi ? "NPI " + std::to_string(*s.npi) : std::string("Stop");
}

json::object StopJson(const StopRow& s) {
    return json::object{{"id", s.id},
                        {"position", s.position},
                        {"npi", s.npi ? json::value(std::to_string(*s.npi)) : json::value(nullptr)},
                        {"ref", s.ref},
                        {"label", s.label},
                        {"lat", s.point.lat},
                        {"lng", s.point.lng},
                        {"arrival", FormatTimestamp(s.arrival)},
                        {"service_start", FormatTimestamp(s.start)},
                        {"departure", FormatTimestamp(s.departure)},
                        {"call_id", s.call_id ? json::value(*s.call_id) : json::value(nullptr)},
                        {"links", LinksJson(s.point, StopTitle(s))}};
}

void RequireUuid(const std::string& id) {
    if (!tenancy::IsUuid(id)) {
        throw core::NotFound("no route plan " + id);
    }
}

}  // namespace

asio::awaitable<json::object> RoutePlanService::Optimize(const http::Principal& caller, OptimizeInput in) {
    const tenancy::Scope scope = tenancy::ScopeOf(caller);
    // 1. NPIs -> primary practice locations (stops with coordinates keep them).
    std::vector<std::int64_t> npis;
    for (const StopInput& s : in.stops) {
        if (s.npi && std::find(npis.begin(), npis.end(), *s.npi) == npis.end()) {
            npis.push_back(*s.npi);
        }
    }
    std::map<std::int64_t, NpiInfo> info;
    if (!npis.empty()) {
        auto lease = co_await pool_.Acquire();
        auto tx = co_await tenancy::Begin(lease, scope);
        db::Result r = co_await lease.Exec(sql::kResolveNpis, IntArray(npis));
        co_await tx.Commit();
        for (int i = 0; i < r.Rows(); ++i) {
            NpiInfo n;
            n.known = r.GetBool(i, 1);
            n.name = r.Get(i, 2);
            if (!r.IsNull(i, 3)) {
                n.point = GeoPoint{r.GetDouble(i, 3), r.GetDouble(i, 4)};
            }
            n.address = r.Get(i, 5);
            info[r.GetInt(i, 0)] = std::move(n);
        }
    }
    std::vector<Resolved> resolved;
    std::vector<Unplaced> unplaced;
    std::vector<std::string> labels(in.stops.size());
    for (std::size_t i = 0; i < in.stops.size(); ++i) {
        const StopInput& s = in.stops[i];
        if (s.npi) {
            const NpiInfo& n = info[*s.npi];
            labels[i] = n.name;
            if (!s.point && !n.known) {
                unplaced.push_back({i, "unknown_npi", "NPI " + std::to_string(*s.npi) + " is not in the registry"});
                continue;
            }
            if (!s.point && !n.point) {
                unplaced.push_back(
                    {i, "no_location",
                     "NPI " + std::to_string(*s.npi) + " has no geocoded practice location; send lat/lng"});
                continue;
            }
        }
        resolved.push_back({i, s.point ? *s.point : *info[*s.npi].point, labels[i]});
    }
    // 2. Travel table and solve on the CPU pool (never on an I/O thread).
    Computed computed;
    if (!resolved.empty()) {
        auto home = co_await asio::this_coro::executor;
        co_await asio::post(cpu_pool_, asio::use_awaitable);
        std::exception_ptr failure;
        try {
            computed = Compute(settings_, in, resolved);
        } catch (...) {
            failure = std::current_exception();
        }
        co_await asio::post(home, asio::use_awaitable);
        if (failure) {
            try {
                std::rethrow_exception(failure);
            } catch (const std::invalid_argument& e) {
                throw core::Invalid("stops", e.what());
            }
        }
    }
    // 3. The response.
    const routing::Solution& sol = computed.solution;
    const std::int32_t first_stop = in.end ? 2 : 1;
    const auto n = static_cast<std::size_t>(computed.table.n);
    auto at = [&](Ticks t) { return FormatTimestamp(in.start_time + Round(routing::SecondsFromTicks(t))); };
    json::array route;
    double total_distance = 0;
    std::int64_t prev = 0;
    for (std::size_t k = 0; k < sol.visits.size(); ++k) {
        const routing::Visit& v = sol.visits[k];
        const Resolved& r = resolved[static_cast<std::size_t>(v.node - first_stop)];
        const StopInput& s = in.stops[r.index];
        const auto arc = static_cast<std::size_t>(prev) * n + static_cast<std::size_t>(v.node);
        total_distance += computed.table.meters[arc];
        const std::string title = !r.label.empty() ? r.label : s.ref;
        route.push_back(json::object{{"position", k},
                                     {"stop_index", r.index},
                                     {"ref", s.ref},
                                     {"npi", s.npi ? json::value(std::to_string(*s.npi)) : json::value(nullptr)},
                                     {"label", r.label},
                                     {"lat", r.point.lat},
                                     {"lng", r.point.lng},
                                     {"arrival", at(v.arrival)},
                                     {"service_start", at(v.service_start)},
                                     {"departure", at(v.departure)},
                                     {"wait_seconds", Round(routing::SecondsFromTicks(v.wait))},
                                     {"lateness_seconds", Round(routing::SecondsFromTicks(v.lateness))},
                                     {"travel_seconds", Round(computed.table.seconds[arc])},
                                     {"distance_meters", Round(computed.table.meters[arc])},
                                     {"links", LinksJson(r.point, title)}});
        prev = v.node;
    }
    if (in.end && !sol.visits.empty()) {
        total_distance += computed.table.meters[static_cast<std::size_t>(prev) * n + 1];
    }
    for (const routing::UnservedStop& u : sol.unserved) {
        const Resolved& r = resolved[static_cast<std::size_t>(u.node - first_stop)];
        std::string message = u.message;
        if (std::string_view(routing::UnservedReasonName(u.reason)) == "ends_after_day_end") {
            message = "the day is too short: " + message;
        }
        unplaced.push_back({r.index, routing::UnservedReasonName(u.reason), message});
    }
    std::sort(unplaced.begin(), unplaced.end(), [](const Unplaced& a, const Unplaced& b) { return a.index < b.index; });
    json::array unplaced_json;
    for (const Unplaced& u : unplaced) {
        const StopInput& s = in.stops[u.index];
        unplaced_json.push_back(
            json::object{{"stop_index", u.index},
                         {"ref", s.ref},
                         {"npi", s.npi ? json::value(std::to_string(*s.npi)) : json::value(nullptr)},
                         {"reason", u.reason},
                         {"message", u.message}});
    }
    json::object out{
        {"start", PointJson(in.start)},
        {"end", in.end ? json::value(PointJson(*in.end)) : json::value(nullptr)},
        {"start_time", FormatTimestamp(in.start_time)},
        {"day_end", FormatTimestamp(in.day_end)},
        {"route_start", sol.visits.empty() ? FormatTimestamp(in.start_time) : at(sol.route_start)},
        {"route_end", sol.visits.empty() ? FormatTimestamp(in.start_time) : at(sol.route_end)},
        {"stops", route},
        {"unplaced", unplaced_json},
        {"served", sol.visits.size()},
        {"total_travel_seconds", Round(routing::SecondsFromTicks(sol.total_travel))},
        {"total_distance_meters", Round(total_distance)},
        {"total_wait_seconds", Round(routing::SecondsFromTicks(sol.total_wait))},
        {"total_lateness_seconds", Round(routing::SecondsFromTicks(sol.weighted_lateness))},
        {"travel_source", resolved.empty() ? json::value(nullptr) : json::value(computed.table.source)},
        {"travel_warning", computed.table.warning.empty() ? json::value(nullptr) : json::value(computed.table.warning)},
        {"solver", json::object{{"proven_optimal", sol.proven_optimal},
                                {"iterations", sol.iterations},
                                {"milliseconds", std::round(computed.ms * 10) / 10}}}};
    co_return out;
}

asio::awaitable<std::pair<std::string, bool>> RoutePlanService::SaveInTx(db::Lease& lease, const std::string& org,
                                                                         const std::string& user, const SaveInput& in,
                                                                         const std::string& source) {
    if (in.client_id) {
        db::Result found = co_await lease.Exec(sql::kFindByClientId, org, *in.client_id);
        if (found.Rows() > 0) {
            co_return std::make_pair(std::string(found.Get(0, 0)), false);
        }
    }
    auto coord = [](double v) {
        char buf[40];
        std::snprintf(buf, sizeof(buf), "%.8f", v);
        return std::string(buf);
    };
    std::optional<std::string> end_lat, end_lng;
    if (in.end) {
        end_lat = coord(in.end->lat);
        end_lng = coord(in.end->lng);
    }
    db::Result r = co_await lease.Exec(sql::kInsertPlan, org, in.client_id, user, in.date, in.name, source,
                                       coord(in.start.lat), coord(in.start.lng), end_lat, end_lng, in.start_time,
                                       in.day_end, in.travel_seconds, in.distance_meters);
    std::string id(r.Get(0, 0));
    if (!in.stops.empty()) {
        std::vector<std::optional<std::int64_t>> npis;
        std::vector<std::string> refs, labels;
        std::vector<double> lats, lngs;
        std::vector<std::int64_t> arr, st, dep;
        for (const PlannedStop& s : in.stops) {
            npis.push_back(s.npi);
            refs.push_back(s.ref);
            labels.push_back(s.label);
            lats.push_back(s.point.lat);
            lngs.push_back(s.point.lng);
            arr.push_back(s.arrival);
            st.push_back(s.service_start);
            dep.push_back(s.departure);
        }
        co_await lease.Exec(sql::kInsertStops, org, id, user, NullableIntArray(npis), TextArray(refs),
                            TextArray(labels), FloatArray(lats), FloatArray(lngs), IntArray(arr), IntArray(st),
                            IntArray(dep));
    }
    co_return std::make_pair(std::move(id), true);
}

asio::awaitable<std::optional<json::object>> RoutePlanService::LoadInTx(db::Lease& lease, const std::string& org,
                                                                        const std::string& id) {
    db::Result plan = co_await lease.Exec(sql::kGetPlan, org, id);
    if (plan.Rows() == 0) {
        co_return std::nullopt;
    }
    db::Result stops = co_await lease.Exec(sql::kGetStops, org, id);
    json::object o = PlanJson(ReadPlan(plan, 0));
    json::array items;
    for (const StopRow& s : ReadStops(stops)) {
        items.push_back(StopJson(s));
    }
    o["stops"] = std::move(items);
    co_return o;
}

asio::awaitable<std::pair<json::object, bool>> RoutePlanService::Save(const http::Principal& caller, SaveInput in,
                                                                      std::string source) {
    const tenancy::Scope scope = tenancy::ScopeOf(caller);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    auto [id, created] = co_await SaveInTx(lease, scope.org.Str(), scope.user_id, in, source);
    std::optional<json::object> plan = co_await LoadInTx(lease, scope.org.Str(), id);
    co_await tx.Commit();
    if (!plan) {
        // The client_id belongs to a plan the caller cannot see (another user's).
        throw core::Error(core::ErrorKind::kConflict, "client_id: already used by another route plan");
    }
    co_return std::make_pair(std::move(*plan), created);
}

asio::awaitable<std::pair<json::object, bool>> RoutePlanService::PlanDay(const http::Principal& caller,
                                                                         PlanDayInput in) {
    const tenancy::Scope scope = tenancy::ScopeOf(caller);
    // 1. Candidates: the best-scoring targets of the caller's territories, filtered in SQL.
    OptimizeInput problem;
    problem.start = in.start;
    problem.end = in.end;
    problem.start_time = in.start_time;
    problem.day_end = in.day_end;
    const std::int64_t midnight = *ParseDate(in.date) - in.utc_offset;  // local midnight in Unix seconds
    {
        auto lease = co_await pool_.Acquire();
        auto tx = co_await tenancy::Begin(lease, scope);
        db::Result r = co_await lease.Exec(sql::kPlanDayCandidates, scope.user_id, in.date, in.recent_days,
                                           in.market_id, in.max_candidates);
        co_await tx.Commit();
        for (int i = 0; i < r.Rows(); ++i) {
            StopInput stop;
            stop.npi = r.GetInt(i, 0);
            stop.point = GeoPoint{r.GetDouble(i, 2), r.GetDouble(i, 3)};
            stop.duration_seconds = in.visit_seconds;
            stop.ref = std::string(r.GetOpt(i, 4).value_or(""));  // the account, when there is one
            stop.prize = PrizeOfScore(r.GetDouble(i, 1));
            // Office hours: the visit must start and end inside them.
            for (const auto& [open, close] : ParseBestHours(r.Get(i, 5))) {
                const std::int64_t latest_start = midnight + close * 60 - in.visit_seconds;
                if (latest_start >= midnight + open * 60) {
                    stop.windows.push_back({midnight + open * 60, latest_start});
                }
            }
            problem.stops.push_back(std::move(stop));
        }
    }
    const std::size_t candidates = problem.stops.size();
    // 2. Route them (on the CPU pool, inside Optimize).
    json::object result;
    if (candidates > 0) {
        result = co_await Optimize(caller, problem);
    } else {
        result = json::object{{"stops", json::array{}},     {"unplaced", json::array{}}, {"total_travel_seconds", 0},
                              {"total_distance_meters", 0}, {"travel_source", nullptr},  {"travel_warning", nullptr}};
    }
    // 3. Save the plan with its stops and a planned call per stop, in one transaction.
    SaveInput save;
    save.client_id = in.client_id;
    save.name = in.name.empty() ? "Plan for " + in.date : in.name;
    save.date = in.date;
    save.start = in.start;
    save.end = in.end;
    save.start_time = in.start_time;
    save.day_end = in.day_end;
    save.travel_seconds = result.at("total_travel_seconds").to_number<double>();
    save.distance_meters = result.at("total_distance_meters").to_number<double>();
    for (const json::value& v : result.at("stops").as_array()) {
        const json::object& o = v.as_object();
        PlannedStop stop;
        if (o.at("npi").is_string()) {
            stop.npi = std::stoll(std::string(o.at("npi").as_string()));
        }
        stop.point = {o.at("lat").to_number<double>(), o.at("lng").to_number<double>()};
        stop.ref = std::string(o.at("ref").as_string());
        stop.label = std::string(o.at("label").as_string());
        stop.arrival = *ParseTimestamp(o.at("arrival").as_string());
        stop.service_start = *ParseTimestamp(o.at("service_start").as_string());
        stop.departure = *ParseTimestamp(o.at("departure").as_string());
        save.stops.push_back(std::move(stop));
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    auto [id, created] = co_await SaveInTx(lease, scope.org.Str(), scope.user_id, save, "plan_day");
    if (created && !save.stops.empty()) {
        co_await lease.Exec(sql::kPlannedCalls, scope.org.Str(), id, scope.user_id);
    }
    std::optional<json::object> plan = co_await LoadInTx(lease, scope.org.Str(), id);
    co_await tx.Commit();
    if (!plan) {
        throw core::Error(core::ErrorKind::kConflict, "client_id: already used by another route plan");
    }
    (*plan)["unplaced"] = result.at("unplaced");
    (*plan)["candidates"] = candidates;
    (*plan)["travel_source"] = result.at("travel_source");
    (*plan)["travel_warning"] = result.at("travel_warning");
    co_return std::make_pair(std::move(*plan), created);
}

asio::awaitable<json::object> RoutePlanService::List(const http::Principal& caller, std::optional<std::string> cursor,
                                                     int limit, std::optional<std::string> owner_id,
                                                     std::optional<std::string> date) {
    std::optional<std::string> after_at, after_id;
    if (cursor) {
        auto decoded = HexDecode(*cursor);
        const auto bar = decoded ? decoded->rfind('|') : std::string::npos;
        if (!decoded || bar == std::string::npos || !tenancy::IsUuid(decoded->substr(bar + 1))) {
            throw core::Invalid("cursor", "is not a cursor this API returned");
        }
        after_at = decoded->substr(0, bar);
        after_id = decoded->substr(bar + 1);
    }
    if (owner_id && !tenancy::IsUuid(*owner_id)) {
        throw core::Invalid("owner_id", "must be a user id (UUID)");
    }
    if (date && !ParseDate(*date)) {
        throw core::Invalid("date", "must be a date (YYYY-MM-DD)");
    }
    const tenancy::Scope scope = tenancy::ScopeOf(caller);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kListPlans, scope.org.Str(), after_at, after_id, limit + 1, owner_id, date);
    co_await tx.Commit();
    json::array items;
    std::optional<std::string> next;
    for (int i = 0; i < r.Rows() && i < limit; ++i) {
        PlanRow p = ReadPlan(r, i);
        if (i == limit - 1 && r.Rows() > limit) {
            next = HexEncode(p.sort_key + "|" + p.id);
        }
        items.push_back(PlanJson(p));
    }
    co_return json::object{{"items", std::move(items)},
                           {"next_cursor", next ? json::value(*next) : json::value(nullptr)}};
}

asio::awaitable<json::object> RoutePlanService::Get(const http::Principal& caller, std::string id) {
    RequireUuid(id);
    const tenancy::Scope scope = tenancy::ScopeOf(caller);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    std::optional<json::object> plan = co_await LoadInTx(lease, scope.org.Str(), id);
    co_await tx.Commit();
    if (!plan) {
        throw core::NotFound("no route plan " + id);
    }
    co_return std::move(*plan);
}

asio::awaitable<std::string> RoutePlanService::Calendar(const http::Principal& caller, std::string id) {
    RequireUuid(id);
    const tenancy::Scope scope = tenancy::ScopeOf(caller);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result plan = co_await lease.Exec(sql::kGetPlan, scope.org.Str(), id);
    db::Result stops = co_await lease.Exec(sql::kGetStops, scope.org.Str(), id);
    co_await tx.Commit();
    if (plan.Rows() == 0) {
        throw core::NotFound("no route plan " + id);
    }
    const PlanRow p = ReadPlan(plan, 0);
    IcsCalendar cal;
    cal.name = p.name.empty() ? "Route " + p.date : p.name;
    cal.stamp = p.updated_epoch;
    const std::vector<StopRow> rows = ReadStops(stops);
    for (const StopRow& s : rows) {
        IcsStop e;
        e.uid = s.id;
        e.summary = StopTitle(s);
        e.point = s.point;
        e.start = s.start;
        e.end = s.departure;
        const MapLinks links = LinksFor(s.point, e.summary);
        e.description = "Stop " + std::to_string(s.position + 1) + " of " + std::to_string(rows.size()) +
                        (s.npi ? "\nNPI: " + std::to_string(*s.npi) : std::string()) +
                        "\nArrive: " + FormatTimestamp(s.arrival) + "\nGoogle Maps: " + links.google +
                        "\nApple Maps: " + links.apple;
        cal.stops.push_back(std::move(e));
    }
    co_return RenderIcs(cal);
}

asio::awaitable<void> RoutePlanService::Delete(const http::Principal& caller, std::string id) {
    RequireUuid(id);
    const tenancy::Scope scope = tenancy::ScopeOf(caller);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result plan = co_await lease.Exec(sql::kGetPlan, scope.org.Str(), id);
    if (plan.Rows() == 0) {
        co_await tx.Rollback();
        throw core::NotFound("no route plan " + id);
    }
    db::Result deleted = co_await lease.Exec(sql::kDeletePlan, scope.org.Str(), id);
    if (deleted.Rows() == 0) {
        co_await tx.Rollback();
        throw core::Error(core::ErrorKind::kForbidden, "only the owner or an admin can delete a route plan");
    }
    co_await lease.Exec(sql::kDeleteStops, scope.org.Str(), id);
    co_await tx.Commit();
}

}  // namespace rounds::routeplan
