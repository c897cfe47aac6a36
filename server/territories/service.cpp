#include "territories/service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "core/error.h"
#include "http/json.h"
#include "markets/api.h"
#include "markets/sql.h"
#include "tenancy/tenancy.h"
#include "territories/geometry.h"
#include "territories/sql.h"
#include "territories/workload.h"

namespace rounds::territories {

namespace asio = boost::asio;
namespace json = boost::json;
using core::Error;
using core::ErrorKind;
using markets::Doc;

namespace {

db::Param ListParam(const std::optional<std::vector<std::string>>& v) {
    return v ? db::Param(markets::api::JsonList(*v)) : std::nullopt;
}

db::Param Opt(const std::optional<std::string>& v) {
    return v ? db::Param(*v) : std::nullopt;
}

void RequireAdmin(const http::Principal& who) {
    if (who.role != "admin") {
        throw Error(ErrorKind::kForbidden, "only administrators may change territories");
    }
}

asio::awaitable<void> Audit(db::Lease& lease, const http::Principal& who, std::string action, std::string id,
                            std::optional<std::string> before, std::optional<std::string> after,
                            const auth::ClientInfo& client, std::optional<std::string> detail = std::nullopt) {
    auth::AuditEvent e;
    e.org_id = who.org_id;
    e.actor_id = who.user_id;
    e.action = std::move(action);
    e.target_type = "territory";
    e.target_id = std::move(id);
    e.before = std::move(before);
    e.after = std::move(after);
    e.detail = std::move(detail);
    e.client = client;
    co_await auth::WriteAudit(lease, e);
}

/// Rebuilds the members of the territories `ids` in the writer's transaction (so a write is never visible without
/// its members) and queues the organisation's recompute, which refreshes the containers (territories drawn only
/// through their children) and the market deciles that depend on membership. A territory covering more than
/// `limit` practice locations (setting --territory-sync-members; 50,000 take about half a second) is left to that job
/// too (returned, so the response can say so): a spatial join over hundreds of thousands of locations does not fit a
/// request's statement timeout.
asio::awaitable<std::vector<std::string>> RefreshMembers(db::Lease& lease, const std::string& org,
                                                         const std::vector<std::string>& ids, int64_t limit) {
    std::vector<std::string> deferred;
    for (const auto& id : ids) {
        db::Result n = co_await lease.Exec(sql::kCandidateLocations, org, id, limit + 1);
        if (n.GetInt(0, 0) > limit) {
            deferred.push_back(id);
            continue;
        }
        co_await lease.Exec(markets::sql::kDeleteMembers, org, id);
        co_await lease.Exec(markets::sql::kRefreshMembers, org, id);
    }
    co_await lease.Exec(markets::sql::kEnqueueRecompute, org, std::nullopt);
    co_return deferred;
}

/// Adds "members_deferred": true to a territory's JSON when its members are left to the recompute job.
std::string WithDeferral(std::string territory_json, bool deferred) {
    if (!deferred) {
        return territory_json;
    }
    territory_json.pop_back();
    return territory_json + ", \"members_deferred\" : true}";
}

/// 422 with one field error per problem.
[[noreturn]] void Refuse(const std::string& detail, const std::vector<core::FieldError>& fields) {
    throw Error(ErrorKind::kUnprocessable, detail, fields);
}

struct PreparedGeometry {
    std::optional<std::string> geojson;  // what is stored (NULL: no area)
    json::object report;                 // {"repaired": bool, "changes": [...], ...}
};

/// The geometry checks, in order: structure, ring closure, coordinate order and range, United States, then
/// PostGIS validity (self-intersections...). Refused with 422 naming each problem, or, with repair, repaired by
/// closing rings, swapping coordinates and ST_MakeValid, with a report of what changed.
asio::awaitable<PreparedGeometry> Prepare(db::Lease& lease, const std::optional<json::value>& geometry, bool repair) {
    PreparedGeometry out;
    out.report["repaired"] = false;
    if (!geometry) {
        co_return out;
    }
    GeoCheck check = CheckGeoJson(*geometry, repair);
    if (!check.problems.empty()) {
        std::vector<core::FieldError> fields;
        std::string detail = "geometry refused: ";
        for (size_t i = 0; i < check.problems.size(); ++i) {
            fields.push_back({"geometry", check.problems[i].code + ": " + check.problems[i].message});
            detail += (i ? "; " : "") + check.problems[i].message;
        }
        Refuse(detail, fields);
    }
    json::array changes;
    for (const auto& r : check.repairs) {
        changes.emplace_back(r);
    }
    db::Result v = co_await lease.Exec(sql::kGeometryCheck, check.multipolygon);
    out.geojson = check.multipolygon;
    if (!v.GetBool(0, 0)) {
        std::string reason(v.Get(0, 1));
        if (!repair) {
            Refuse("geometry refused: " + reason + " (send repair=true to have it repaired with ST_MakeValid)",
                   {{"geometry", "invalid: " + reason}});
        }
        if (!v.GetBool(0, 7)) {
            Refuse("geometry refused: " + reason + "; ST_MakeValid leaves no area",
                   {{"geometry", "invalid: " + reason}});
        }
        out.geojson = std::string(v.Get(0, 2));
        changes.emplace_back("made valid with ST_MakeValid (was: " + reason + "): area " + std::string(v.Get(0, 3)) +
                             " km² → " + std::string(v.Get(0, 4)) + " km², polygons " + std::string(v.Get(0, 5)) +
                             " → " + std::string(v.Get(0, 6)));
        out.report["invalid_reason"] = reason;
    }
    out.report["repaired"] = !changes.empty();
    out.report["changes"] = std::move(changes);
    co_return out;
}

/// Refuses overlaps with sibling territories (interiors of areas, or shared ZIPs).
asio::awaitable<void> CheckSiblings(db::Lease& lease, const std::string& org, const std::optional<std::string>& self,
                                    const std::optional<std::string>& geojson,
                                    const std::optional<std::vector<std::string>>& zips,
                                    const std::optional<std::string>& parent) {
    db::Result r =
        co_await lease.Exec(sql::kSiblingOverlaps, org, Opt(self), Opt(geojson), ListParam(zips), Opt(parent));
    if (r.Rows() == 0) {
        co_return;
    }
    std::vector<core::FieldError> fields;
    std::string detail = "overlaps sibling territories: ";
    for (int i = 0; i < r.Rows(); ++i) {
        std::string what = std::string(r.Get(i, 1)) + " (" + std::string(r.Get(i, 0)) + ")";
        if (!r.IsNull(i, 2)) {
            fields.push_back({"geometry", "overlaps " + what + " by " + std::string(r.Get(i, 2)) + " km²"});
        }
        if (r.Get(i, 3) != "{}") {
            fields.push_back({"zips", "shares ZIPs " + std::string(r.Get(i, 3)) + " with " + what});
        }
        detail += (i ? ", " : "") + what;
    }
    Refuse(detail, fields);
}

asio::awaitable<void> CheckParent(db::Lease& lease, const std::string& org, const std::string& level,
                                  const std::optional<std::string>& parent) {
    if (LevelRank(level) < 0) {
        throw core::Invalid("level", "must be nation, region, district or territory");
    }
    if (level == "nation") {
        if (parent) {
            throw core::Invalid("parent_id", "a nation has no parent");
        }
        co_return;
    }
    if (!parent) {
        throw core::Invalid("parent_id", "is required for a " + level);
    }
    if (!tenancy::IsUuid(*parent)) {
        throw core::Invalid("parent_id", "must be a territory id");
    }
    db::Result p = co_await lease.Exec(sql::kParentLevel, org, *parent);
    if (p.Rows() == 0) {
        throw core::Invalid("parent_id", "no such territory");
    }
    if (LevelRank(p.Get(0, 0)) >= LevelRank(level)) {
        Refuse("a " + level + " cannot sit below a " + std::string(p.Get(0, 0)),
               {{"parent_id", "the parent must be higher in nation → region → district → territory"}});
    }
}

asio::awaitable<void> AssignUsers(db::Lease& lease, const http::Principal& who, const std::string& id,
                                  const std::optional<std::vector<std::string>>& users) {
    if (!users) {
        co_return;
    }
    std::string list = markets::api::JsonList(*users);
    db::Result unknown = co_await lease.Exec(sql::kUnknownUsers, who.org_id, list);
    if (unknown.Rows() > 0) {
        throw core::Invalid("user_ids", "no such user: " + std::string(unknown.Get(0, 0)));
    }
    co_await lease.Exec(sql::kUnassignUsers, who.org_id, id, list);
    co_await lease.Exec(sql::kAssignUsers, who.org_id, id, list, who.user_id);
}

std::string WithReport(std::string territory_json, const json::object& report) {
    if (!report.at("repaired").as_bool()) {
        return territory_json;
    }
    territory_json.pop_back();  // the closing brace of the object PostgreSQL built
    return territory_json + ", \"repair_report\" : " + http::Serialize(report) + "}";
}

/// A page of (json, created_at, id) rows with a keyset cursor on (created_at, id).
std::string PageOf(const db::Result& r, int limit) {
    std::string out = "{\"items\":[";
    int n = std::min(r.Rows(), limit);
    for (int i = 0; i < n; ++i) {
        out += (i ? "," : "");
        out += r.Get(i, 0);
    }
    out += "],\"next_cursor\":";
    if (r.Rows() > limit) {
        out += "\"" + markets::api::EncodeCursor(std::string(r.Get(n - 1, 1)), std::string(r.Get(n - 1, 2))) + "\"";
    } else {
        out += "null";
    }
    return out + "}";
}

struct Model {
    ModelParams params;
    int min_decile = 7;
};

asio::awaitable<Model> LoadModel(db::Lease& lease, const std::string& org) {
    db::Result s = co_await lease.Exec(sql::kModelSettings, org);
    Model m;
    m.min_decile = static_cast<int>(s.GetInt(0, 0));
    m.params.visit_minutes = static_cast<int>(s.GetInt(0, 2));
    m.params.visits_per_day = static_cast<int>(s.GetInt(0, 3));
    m.params.road_factor = s.GetDouble(0, 4);
    m.params.speed_kmh = s.GetDouble(0, 5);
    db::Result calls = co_await lease.Exec(sql::kCallsPerDecile, std::string(s.Get(0, 1)));
    for (int i = 0; i < calls.Rows(); ++i) {
        m.params.calls_per_year[static_cast<int>(calls.GetInt(i, 0))] = calls.GetDouble(i, 1);
    }
    co_return m;
}

/// The siblings below `id` with their members' metrics: what balance and alignment work on.
struct Siblings {
    std::vector<std::string> ids;
    std::map<std::string, std::string> names;
    std::vector<MemberRow> rows;
    Model model;
    std::string data_year;
};

asio::awaitable<Siblings> LoadSiblings(db::Lease& lease, const http::Principal& who, const std::string& id,
                                       const std::string& market_id) {
    db::Result t = co_await lease.Exec(sql::kGetTerritory, who.org_id, id);
    if (t.Rows() == 0) {
        throw core::NotFound("no such territory");
    }
    db::Result m = co_await lease.Exec(sql::kMarketYear, who.org_id, market_id);
    if (m.Rows() == 0) {
        throw Error(ErrorKind::kNotFound, "no such market", {{"market_id", "no such market"}});
    }
    Siblings s;
    s.model = co_await LoadModel(lease, who.org_id);
    s.data_year = m.IsNull(0, 1) ? "0" : std::string(m.Get(0, 1));
    db::Result c = co_await lease.Exec(sql::kChildren, who.org_id, id);
    for (int i = 0; i < c.Rows(); ++i) {
        s.ids.emplace_back(c.Get(i, 0));
        s.names[std::string(c.Get(i, 0))] = std::string(c.Get(i, 1));
    }
    db::Result r = co_await lease.Exec(sql::kChildMembers, who.org_id, id, market_id, s.data_year);
    s.rows.reserve(static_cast<size_t>(r.Rows()));
    for (int i = 0; i < r.Rows(); ++i) {
        MemberRow row;
        row.territory = std::string(r.Get(i, 0));
        row.zip = std::string(r.Get(i, 1));
        row.lat = r.GetDouble(i, 2);
        row.lng = r.GetDouble(i, 3);
        row.volume = r.GetDouble(i, 4);
        row.decile = static_cast<int>(r.GetInt(i, 5));
        row.target = row.decile >= s.model.min_decile;
        s.rows.push_back(std::move(row));
    }
    co_return s;
}

/// Two decimals, as the nearest double to the decimal (so JSON shows 328.53, not 328.53000000000003).
double Round(double v) {
    return std::round(v * 100) / 100;
}

json::array LoadsJson(const std::vector<TerritoryLoad>& loads, const std::map<std::string, std::string>& names) {
    json::array a;
    for (const auto& l : loads) {
        a.push_back(json::object{{"territory_id", l.id},
                                 {"name", names.count(l.id) ? names.at(l.id) : ""},
                                 {"physicians", l.physicians},
                                 {"targets", l.targets},
                                 {"market_volume", Round(l.volume)},
                                 {"visits_per_year", Round(l.visits)},
                                 {"visit_hours", Round(l.visit_hours)},
                                 {"travel_hours", Round(l.travel_hours)},
                                 {"workload_hours", Round(l.workload_hours)},
                                 {"target_area_km2", Round(l.area_km2)}});
    }
    return a;
}

json::object ModelJson(const Model& m) {
    json::object calls;
    for (const auto& [d, c] : m.params.calls_per_year) {
        calls[std::to_string(d)] = c;
    }
    return json::object{{"target_min_decile", m.min_decile},       {"calls_per_year", calls},
                        {"visit_minutes", m.params.visit_minutes}, {"visits_per_day", m.params.visits_per_day},
                        {"road_factor", m.params.road_factor},     {"speed_kmh", m.params.speed_kmh}};
}

}  // namespace

int LevelRank(std::string_view level) {
    if (level == "nation") {
        return 0;
    }
    if (level == "region") {
        return 1;
    }
    if (level == "district") {
        return 2;
    }
    if (level == "territory") {
        return 3;
    }
    return -1;
}

void CheckZips(const std::optional<std::vector<std::string>>& zips, std::string_view field) {
    if (!zips) {
        return;
    }
    for (size_t i = 0; i < zips->size(); ++i) {
        const std::string& z = (*zips)[i];
        bool ok = z.size() == 5;
        for (char c : z) {
            ok = ok && std::isdigit(static_cast<unsigned char>(c)) != 0;
        }
        if (!ok) {
            throw core::Invalid(std::string(field) + "[" + std::to_string(i) + "]",
                                "\"" + z + "\" is not a 5-digit ZIP");
        }
    }
}

asio::awaitable<std::string> TerritoryService::List(const http::Principal& who, int limit,
                                                    std::optional<std::string> cursor,
                                                    std::optional<std::string> parent_id,
                                                    std::optional<std::string> level) {
    db::Param after_at, after_id;
    if (cursor) {
        auto [a, b] = markets::api::DecodeCursor(*cursor);
        if (!tenancy::IsUuid(b)) {
            throw core::Invalid("cursor", "is not a cursor this API returned");
        }
        after_at = a;
        after_id = b;
    }
    if (level && LevelRank(*level) < 0) {
        throw core::Invalid("level", "must be nation, region, district or territory");
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result r = co_await lease.Exec(sql::kListTerritories, who.org_id, after_at, after_id, limit + 1, Opt(parent_id),
                                       Opt(level));
    co_await tx.Commit();
    co_return PageOf(r, limit);
}

asio::awaitable<Doc> TerritoryService::Create(const http::Principal& who, TerritoryInput in, auth::ClientInfo client) {
    RequireAdmin(who);
    if (!in.name || in.name->empty()) {
        throw core::Invalid("name", "is required");
    }
    if (!in.level) {
        throw core::Invalid("level", "is required (nation, region, district or territory)");
    }
    CheckZips(in.zips, "zips");
    std::optional<std::string> parent = in.parent_id ? *in.parent_id : std::nullopt;
    std::optional<json::value> geometry = in.geometry ? *in.geometry : std::nullopt;
    if (!geometry && (!in.zips || in.zips->empty()) && *in.level == "territory") {
        throw Error(ErrorKind::kInvalid, "a territory needs an area (geometry) or a ZIP list",
                    {{"geometry", "give a GeoJSON Polygon/MultiPolygon or zips"}});
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    if (in.client_id) {
        db::Result found = co_await lease.Exec(sql::kTerritoryByClientId, who.org_id, *in.client_id);
        if (found.Rows() > 0) {
            co_await tx.Commit();
            if (found.GetBool(0, 2)) {
                throw Error(ErrorKind::kConflict, "client_id was used by a deleted territory", {{"client_id", "used"}});
            }
            co_return Doc{std::string(found.Get(0, 0)), found.GetInt(0, 1), false};
        }
    }
    co_await CheckParent(lease, who.org_id, *in.level, parent);
    PreparedGeometry g = co_await Prepare(lease, geometry, in.repair);
    co_await CheckSiblings(lease, who.org_id, std::nullopt, g.geojson, in.zips, parent);
    db::Result r = co_await lease.Exec(sql::kInsertTerritory, who.org_id, *in.name, *in.level, Opt(parent),
                                       Opt(g.geojson), ListParam(in.zips), Opt(in.client_id), who.user_id);
    std::string id(r.Get(0, 0));
    co_await AssignUsers(lease, who, id, in.user_ids);
    std::vector<std::string> refreshed{id};
    std::vector<std::string> deferred = co_await RefreshMembers(lease, who.org_id, refreshed, sync_member_limit_);
    db::Result t = co_await lease.Exec(sql::kGetTerritory, who.org_id, id);
    Doc doc{WithDeferral(WithReport(std::string(t.Get(0, 0)), g.report), !deferred.empty()), t.GetInt(0, 1), true};
    std::optional<std::string> repair_detail;
    if (g.report.at("repaired").as_bool()) {
        repair_detail = json::serialize(g.report);
    }
    co_await Audit(lease, who, "territories.territory.create", id, std::nullopt, std::string(t.Get(0, 0)), client,
                   repair_detail);
    co_await tx.Commit();
    co_return doc;
}

asio::awaitable<Doc> TerritoryService::Get(const http::Principal& who, std::string id) {
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result r = co_await lease.Exec(sql::kGetTerritory, who.org_id, id);
    co_await tx.Commit();
    if (r.Rows() == 0) {
        throw core::NotFound("no such territory");
    }
    co_return Doc{std::string(r.Get(0, 0)), r.GetInt(0, 1), false};
}

asio::awaitable<Doc> TerritoryService::Update(const http::Principal& who, std::string id, TerritoryInput in,
                                              std::optional<int64_t> if_match, auth::ClientInfo client) {
    RequireAdmin(who);
    if (in.name && in.name->empty()) {
        throw core::Invalid("name", "must not be empty");
    }
    CheckZips(in.zips, "zips");
    CheckZips(in.excluded_zips, "excluded_zips");
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result cur = co_await lease.Exec(sql::kLockTerritory, who.org_id, id);
    if (cur.Rows() == 0) {
        throw core::NotFound("no such territory");
    }
    if (if_match && *if_match != cur.GetInt(0, 1)) {
        throw Error(ErrorKind::kPreconditionFailed,
                    "the territory changed since you read it (version " + std::to_string(cur.GetInt(0, 1)) + ")");
    }
    std::string before(cur.Get(0, 0));
    std::string level = in.level ? *in.level : std::string(cur.Get(0, 2));
    std::optional<std::string> parent =
        in.parent_id ? *in.parent_id
                     : (cur.IsNull(0, 3) ? std::nullopt : std::optional<std::string>(std::string(cur.Get(0, 3))));
    if (parent && *parent == id) {
        throw core::Invalid("parent_id", "a territory cannot be its own parent");
    }
    if (in.level || in.parent_id) {
        co_await CheckParent(lease, who.org_id, level, parent);
    }
    std::optional<json::value> geometry = in.geometry ? *in.geometry : std::nullopt;
    PreparedGeometry g = co_await Prepare(lease, geometry, in.repair);
    // Sibling overlap with the territory's resulting area and ZIPs.
    std::optional<std::string> final_geom = g.geojson;
    if (!in.geometry && cur.GetBool(0, 4)) {
        db::Result old = co_await lease.Exec(
            db::Statement{"ter_current_geom",
                          "SELECT ST_AsGeoJSON(geom, 9) FROM crm.territory WHERE org_id = $1 AND id = $2"},
            who.org_id, id);
        final_geom = std::string(old.Get(0, 0));
    }
    std::optional<std::vector<std::string>> final_zips = in.zips;
    if (!final_zips) {
        db::Result z = co_await lease.Exec(
            db::Statement{"ter_current_zips",
                          "SELECT to_json(zips)::text FROM crm.territory WHERE org_id = $1 AND id = $2"},
            who.org_id, id);
        json::value zv = json::parse(z.Get(0, 0));
        final_zips.emplace();
        for (const auto& x : zv.as_array()) {
            final_zips->emplace_back(x.as_string());
        }
    }
    co_await CheckSiblings(lease, who.org_id, id, final_geom, final_zips, parent);
    bool geometry_given = in.geometry.has_value();
    co_await lease.Exec(sql::kUpdateTerritory, who.org_id, id, Opt(in.name), Opt(in.level),
                        in.parent_id ? "true" : "false", Opt(parent), geometry_given ? "true" : "false", Opt(g.geojson),
                        ListParam(in.zips), ListParam(in.excluded_zips));
    co_await AssignUsers(lease, who, id, in.user_ids);
    std::vector<std::string> refreshed{id};
    std::vector<std::string> deferred = co_await RefreshMembers(lease, who.org_id, refreshed, sync_member_limit_);
    db::Result t = co_await lease.Exec(sql::kGetTerritory, who.org_id, id);
    Doc doc{WithDeferral(WithReport(std::string(t.Get(0, 0)), g.report), !deferred.empty()), t.GetInt(0, 1), false};
    std::optional<std::string> repair_detail;
    if (g.report.at("repaired").as_bool()) {
        repair_detail = json::serialize(g.report);
    }
    co_await Audit(lease, who, "territories.territory.update", id, before, std::string(t.Get(0, 0)), client,
                   repair_detail);
    co_await tx.Commit();
    co_return doc;
}

asio::awaitable<void> TerritoryService::Delete(const http::Principal& who, std::string id,
                                               std::optional<int64_t> if_match, auth::ClientInfo client) {
    RequireAdmin(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result cur = co_await lease.Exec(sql::kLockTerritory, who.org_id, id);
    if (cur.Rows() == 0) {
        throw core::NotFound("no such territory");
    }
    if (if_match && *if_match != cur.GetInt(0, 1)) {
        throw Error(ErrorKind::kPreconditionFailed, "the territory changed since you read it");
    }
    db::Result kids = co_await lease.Exec(sql::kLiveChildren, who.org_id, id);
    if (kids.GetInt(0, 0) > 0) {
        throw Error(ErrorKind::kConflict, "the territory has " + std::to_string(kids.GetInt(0, 0)) +
                                              " child territories; delete or move them first");
    }
    std::string before(cur.Get(0, 0));
    co_await lease.Exec(sql::kDeleteTerritory, who.org_id, id);
    std::vector<std::string> refreshed{id};
    co_await RefreshMembers(lease, who.org_id, refreshed, sync_member_limit_);
    co_await Audit(lease, who, "territories.territory.delete", id, before, std::nullopt, client);
    co_await tx.Commit();
}

asio::awaitable<std::string> TerritoryService::Physicians(const http::Principal& who, std::string id, int limit,
                                                          std::optional<std::string> cursor) {
    db::Param after;
    if (cursor) {
        auto [a, b] = markets::api::DecodeCursor(*cursor);
        int64_t n = 0;
        auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), n);
        if (ec != std::errc() || p != a.data() + a.size() || b != "npi") {
            throw core::Invalid("cursor", "is not a cursor this API returned");
        }
        after = a;
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result t = co_await lease.Exec(sql::kGetTerritory, who.org_id, id);
    if (t.Rows() == 0) {
        throw core::NotFound("no such territory");
    }
    db::Result r = co_await lease.Exec(sql::kMembers, who.org_id, id, after, limit + 1);
    co_await tx.Commit();
    std::string out = "{\"territory_id\":\"" + id + "\",\"items\":[";
    int n = std::min(r.Rows(), limit);
    for (int i = 0; i < n; ++i) {
        out += (i ? "," : "");
        out += r.Get(i, 0);
    }
    out += "],\"next_cursor\":";
    out += r.Rows() > limit ? "\"" + markets::api::EncodeCursor(std::string(r.Get(n - 1, 1)), "npi") + "\""
                            : std::string("null");
    co_return out + "}";
}

asio::awaitable<std::string> TerritoryService::Deciles(const http::Principal& who, std::string id,
                                                       std::string market_id, std::optional<int64_t> year) {
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result t = co_await lease.Exec(sql::kGetTerritory, who.org_id, id);
    if (t.Rows() == 0) {
        throw core::NotFound("no such territory");
    }
    db::Result m = co_await lease.Exec(sql::kMarketYear, who.org_id, market_id);
    if (m.Rows() == 0) {
        throw Error(ErrorKind::kNotFound, "no such market", {{"market_id", "no such market"}});
    }
    std::string y = year ? std::to_string(*year) : (m.IsNull(0, 1) ? "0" : std::string(m.Get(0, 1)));
    Model model = co_await LoadModel(lease, who.org_id);
    db::Result r = co_await lease.Exec(sql::kDeciles, who.org_id, id, market_id, y, model.min_decile);
    co_await tx.Commit();
    co_return std::string(r.Get(0, 0));
}

asio::awaitable<std::string> TerritoryService::Balance(const http::Principal& who, std::string id,
                                                       std::string market_id) {
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    Siblings s = co_await LoadSiblings(lease, who, id, market_id);
    co_await tx.Commit();
    std::vector<TerritoryLoad> loads = Evaluate(s.ids, s.rows, s.model.params);
    double total = 0;
    for (const auto& l : loads) {
        total += l.workload_hours;
    }
    json::object out{{"parent_id", id},
                     {"market_id", market_id},
                     {"data_year", s.data_year == "0" ? json::value(nullptr) : json::value(std::stoi(s.data_year))},
                     {"model", ModelJson(s.model)},
                     {"territories", LoadsJson(loads, s.names)},
                     {"workload_spread_hours", Round(Spread(loads))},
                     {"mean_workload_hours", loads.empty() ? 0.0 : Round(total / static_cast<double>(loads.size()))}};
    co_return http::Serialize(out);
}

asio::awaitable<std::string> TerritoryService::Alignment(const http::Principal& who, std::string id,
                                                         std::string market_id, int max_moves) {
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    Siblings s = co_await LoadSiblings(lease, who, id, market_id);
    co_await tx.Commit();
    Suggestion sg = SuggestAlignment(s.ids, s.rows, s.model.params, max_moves);
    json::array moves;
    for (const auto& m : sg.moves) {
        moves.push_back(json::object{{"zip", m.zip},
                                     {"from_territory_id", m.from},
                                     {"from_name", s.names[m.from]},
                                     {"to_territory_id", m.to},
                                     {"to_name", s.names[m.to]},
                                     {"physicians", m.physicians},
                                     {"targets", m.targets},
                                     {"visits_per_year", Round(m.visits)},
                                     {"market_volume", Round(m.volume)}});
    }
    json::object out{{"parent_id", id},
                     {"market_id", market_id},
                     {"data_year", s.data_year == "0" ? json::value(nullptr) : json::value(std::stoi(s.data_year))},
                     {"model", ModelJson(s.model)},
                     {"moves", std::move(moves)},
                     {"before", LoadsJson(sg.before, s.names)},
                     {"after", LoadsJson(sg.after, s.names)},
                     {"workload_spread_before_hours", Round(sg.spread_before)},
                     {"workload_spread_after_hours", Round(sg.spread_after)}};
    co_return http::Serialize(out);
}

asio::awaitable<std::string> TerritoryService::AcceptAlignment(const http::Principal& who, std::string id,
                                                               std::vector<MoveInput> moves, auth::ClientInfo client) {
    RequireAdmin(who);
    for (size_t i = 0; i < moves.size(); ++i) {
        std::string f = "moves[" + std::to_string(i) + "]";
        bool zip_ok = moves[i].zip.size() == 5 && std::all_of(moves[i].zip.begin(), moves[i].zip.end(), [](char ch) {
                          return std::isdigit(static_cast<unsigned char>(ch)) != 0;
                      });
        if (!zip_ok) {
            throw core::Invalid(f + ".zip", "\"" + moves[i].zip + "\" is not a 5-digit ZIP");
        }
        if (!tenancy::IsUuid(moves[i].from) || !tenancy::IsUuid(moves[i].to) || moves[i].from == moves[i].to) {
            throw core::Invalid(f, "from_territory_id and to_territory_id must be two different territory ids");
        }
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result t = co_await lease.Exec(sql::kLockTerritory, who.org_id, id);
    if (t.Rows() == 0) {
        throw core::NotFound("no such territory");
    }
    db::Result c = co_await lease.Exec(sql::kChildren, who.org_id, id);
    std::set<std::string> children;
    for (int i = 0; i < c.Rows(); ++i) {
        children.emplace(c.Get(i, 0));
    }
    std::set<std::string> touched;
    for (size_t i = 0; i < moves.size(); ++i) {
        if (!children.count(moves[i].from) || !children.count(moves[i].to)) {
            throw core::Invalid("moves[" + std::to_string(i) + "]", "both territories must be children of " + id);
        }
        touched.insert(moves[i].from);
        touched.insert(moves[i].to);
    }
    std::vector<std::string> ids(touched.begin(), touched.end());
    db::Result before = co_await lease.Exec(sql::kZipsOf, who.org_id, markets::api::JsonList(ids));
    // Where each ZIP is now (from the memberships), updated as the diff's moves are applied in order.
    db::Result held = co_await lease.Exec(sql::kChildZips, who.org_id, id);
    std::set<std::pair<std::string, std::string>> where;  // (territory, zip)
    for (int i = 0; i < held.Rows(); ++i) {
        where.emplace(std::string(held.Get(i, 0)), std::string(held.Get(i, 1)));
    }
    for (size_t i = 0; i < moves.size(); ++i) {
        const MoveInput& m = moves[i];
        if (!where.count({m.from, m.zip})) {
            throw Error(ErrorKind::kConflict,
                        "ZIP " + m.zip + " is no longer in territory " + m.from + "; ask for a new suggestion",
                        {{"moves[" + std::to_string(i) + "]", "stale move"}});
        }
        where.erase({m.from, m.zip});
        where.emplace(m.to, m.zip);
        co_await lease.Exec(sql::kMoveZipOut, who.org_id, m.from, m.zip);
        co_await lease.Exec(sql::kMoveZipIn, who.org_id, m.to, m.zip);
    }
    if (!moves.empty()) {
        co_await RefreshMembers(lease, who.org_id, ids, sync_member_limit_);
    }
    db::Result after = co_await lease.Exec(sql::kZipsOf, who.org_id, markets::api::JsonList(ids));
    std::optional<std::string> zips_before, zips_after;
    if (!before.IsNull(0, 0)) {
        zips_before = std::string(before.Get(0, 0));
    }
    if (!after.IsNull(0, 0)) {
        zips_after = std::string(after.Get(0, 0));
    }
    co_await Audit(lease, who, "territories.alignment.accept", id, zips_before, zips_after, client,
                   std::to_string(moves.size()) + " ZIP move(s)");
    co_await tx.Commit();
    std::string body = "{\"parent_id\":\"" + id + "\",\"applied\":" + std::to_string(moves.size()) +
                       ",\"territories\":" + zips_after.value_or("{}") + "}";
    co_return body;
}

}  // namespace rounds::territories
