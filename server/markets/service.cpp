#include "markets/service.h"

#include <cctype>
#include <charconv>

#include "core/error.h"
#include "db/result.h"
#include "markets/api.h"
#include "markets/sql.h"
#include "tenancy/tenancy.h"

namespace rounds::markets {

namespace asio = boost::asio;
using core::Error;
using core::ErrorKind;

namespace {

db::Param ListParam(const std::optional<std::vector<std::string>>& v) {
    return v ? db::Param(api::JsonList(*v)) : std::nullopt;
}

db::Param Opt(const std::optional<std::string>& v) {
    return v ? db::Param(*v) : std::nullopt;
}

db::Param OptInt(const std::optional<int64_t>& v) {
    return v ? db::Param(std::to_string(*v)) : std::nullopt;
}

void RequireAdmin(const http::Principal& who) {
    if (who.role != "admin") {
        throw Error(ErrorKind::kForbidden, "only administrators may change markets");
    }
}

bool AllAlnum(std::string_view s) {
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
            return false;
        }
    }
    return true;
}

void CheckCodes(const std::optional<std::vector<std::string>>& codes, std::string_view field, size_t len,
                std::string_view what) {
    if (!codes) {
        return;
    }
    for (size_t i = 0; i < codes->size(); ++i) {
        const std::string& c = (*codes)[i];
        if (c.size() != len || !AllAlnum(c)) {
            throw core::Invalid(std::string(field) + "[" + std::to_string(i) + "]",
                                "\"" + c + "\" is not " + std::string(what));
        }
    }
}

size_t Count(const std::optional<std::vector<std::string>>& v) {
    return v ? v->size() : 0;
}

/// Audit record of an admin change to a market, in the change's transaction.
asio::awaitable<void> Audit(db::Lease& lease, const http::Principal& who, std::string action, std::string target_type,
                            std::string id, std::optional<std::string> before, std::optional<std::string> after,
                            const auth::ClientInfo& client, std::optional<std::string> detail = std::nullopt) {
    auth::AuditEvent e;
    e.org_id = who.org_id;
    e.actor_id = who.user_id;
    e.action = std::move(action);
    e.target_type = std::move(target_type);
    e.target_id = std::move(id);
    e.before = std::move(before);
    e.after = std::move(after);
    e.detail = std::move(detail);
    e.client = client;
    co_await auth::WriteAudit(lease, e);
}

std::string Page(const db::Result& r, int limit, const std::function<std::string(int)>& cursor_of) {
    std::string out = "{\"items\":[";
    int n = std::min(r.Rows(), limit);
    for (int i = 0; i < n; ++i) {
        if (i > 0) {
            out += ",";
        }
        out += r.Get(i, 0);
    }
    out += "],\"next_cursor\":";
    if (r.Rows() > limit) {
        out += "\"" + cursor_of(n - 1) + "\"";
    } else {
        out += "null";
    }
    return out + "}";
}

/// Keyset position of a metric list: (sort key, npi).
std::pair<db::Param, db::Param> MetricCursor(const std::optional<std::string>& cursor) {
    if (!cursor) {
        return {std::nullopt, std::nullopt};
    }
    auto [key, npi] = api::DecodeCursor(*cursor);
    char* end = nullptr;
    std::strtod(key.c_str(), &end);
    int64_t n = 0;
    auto [p, ec] = std::from_chars(npi.data(), npi.data() + npi.size(), n);
    if (key.empty() || end != key.c_str() + key.size() || ec != std::errc() || p != npi.data() + npi.size()) {
        throw core::Invalid("cursor", "is not a cursor this API returned");
    }
    return {key, npi};
}

std::string DirText(const Sort& s) {
    return s.dir < 0 ? "-1" : "1";
}

}  // namespace

Sort ParseSort(const std::optional<std::string>& text, const Sort& fallback) {
    if (!text || text->empty()) {
        return fallback;
    }
    Sort s;
    std::string_view v = *text;
    s.dir = 1;
    if (v.front() == '-') {
        s.dir = -1;
        v.remove_prefix(1);
    }
    static constexpr std::string_view kFields[] = {
        "volume", "score", "growth", "competitor_share", "competitor_payments", "decile", "npi"};
    for (auto f : kFields) {
        if (v == f) {
            s.field = std::string(f);
            return s;
        }
    }
    throw core::Invalid("sort",
                        "must be one of volume, score, growth, competitor_share, competitor_payments, decile, npi "
                        "(prefix - for descending)");
}

void ValidateMarket(const MarketInput& in, bool creating) {
    if (creating && (!in.name || in.name->empty())) {
        throw core::Invalid("name", "is required");
    }
    if (in.name && in.name->empty()) {
        throw core::Invalid("name", "must not be empty");
    }
    if (in.description && *in.description && (*in.description)->size() > 2000) {
        throw core::Invalid("description", "must be at most 2000 characters");
    }
    CheckCodes(in.hcpcs_codes, "hcpcs_codes", 5, "a 5-character HCPCS code");
    CheckCodes(in.target_ccns, "target_ccns", 6, "a 6-character CMS Certification Number");
    bool basket_given = in.partd_generic_names || in.partd_brand_names || in.hcpcs_codes;
    size_t basket = Count(in.partd_generic_names) + Count(in.partd_brand_names) + Count(in.hcpcs_codes);
    if ((creating || (in.partd_generic_names && in.partd_brand_names && in.hcpcs_codes)) && basket == 0) {
        throw Error(ErrorKind::kInvalid, "a market needs at least one Part D name or HCPCS code in its basket",
                    {{"partd_generic_names", "give Part D generic or brand names, or HCPCS codes"}});
    }
    (void)basket_given;
    if (in.client_id && (in.client_id->empty() || in.client_id->size() > 100)) {
        throw core::Invalid("client_id", "must be 1 to 100 characters");
    }
}

std::string CsvField(std::string_view v) {
    bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
    // Cells starting with = + - @ are prefixed so spreadsheets do not evaluate them as formulas.
    bool formula =
        !v.empty() && (v.front() == '=' || v.front() == '+' || v.front() == '@' ||
                       (v.front() == '-' && v.size() > 1 && std::isdigit(static_cast<unsigned char>(v[1])) == 0));
    std::string out;
    if (quote || formula) {
        out += '"';
    }
    if (formula) {
        out += '\'';
    }
    for (char c : v) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    if (quote || formula) {
        out += '"';
    }
    return out;
}

asio::awaitable<std::string> MarketService::List(const http::Principal& who, int limit,
                                                 std::optional<std::string> cursor) {
    db::Param after_at, after_id;
    if (cursor) {
        auto [a, b] = api::DecodeCursor(*cursor);
        if (!tenancy::IsUuid(b)) {
            throw core::Invalid("cursor", "is not a cursor this API returned");
        }
        after_at = a;
        after_id = b;
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result r = co_await lease.Exec(sql::kListMarkets, who.org_id, after_at, after_id, limit + 1);
    co_await tx.Commit();
    co_return Page(r, limit,
                   [&r](int i) { return api::EncodeCursor(std::string(r.Get(i, 1)), std::string(r.Get(i, 2))); });
}

asio::awaitable<Doc> MarketService::Create(const http::Principal& who, MarketInput in, auth::ClientInfo client) {
    RequireAdmin(who);
    ValidateMarket(in, true);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    if (in.client_id) {
        db::Result found = co_await lease.Exec(sql::kMarketByClientId, who.org_id, *in.client_id);
        if (found.Rows() > 0) {
            co_await tx.Commit();
            if (found.GetBool(0, 2)) {
                throw Error(ErrorKind::kConflict, "client_id was used by a market that has been deleted",
                            {{"client_id", "already used"}});
            }
            co_return Doc{std::string(found.Get(0, 0)), found.GetInt(0, 1), false};
        }
    }
    db::Param description = in.description && *in.description ? db::Param(**in.description) : std::nullopt;
    db::Result r = co_await lease.Exec(
        sql::kInsertMarket, who.org_id, *in.name, description, ListParam(in.partd_generic_names),
        ListParam(in.partd_brand_names), ListParam(in.hcpcs_codes), ListParam(in.own_products),
        ListParam(in.competitor_products), ListParam(in.own_manufacturers), ListParam(in.competitor_manufacturers),
        ListParam(in.target_ccns), Opt(in.client_id), who.user_id);
    std::string id(r.Get(0, 0));
    Doc doc{std::string(r.Get(0, 1)), r.GetInt(0, 2), true};
    co_await lease.Exec(sql::kEnqueueRecompute, who.org_id, id);
    co_await Audit(lease, who, "markets.market.create", "market", id, std::nullopt, doc.json, client);
    co_await tx.Commit();
    co_return doc;
}

asio::awaitable<Doc> MarketService::Get(const http::Principal& who, std::string id) {
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result r = co_await lease.Exec(sql::kGetMarket, who.org_id, id);
    co_await tx.Commit();
    if (r.Rows() == 0) {
        throw core::NotFound("no such market");
    }
    co_return Doc{std::string(r.Get(0, 0)), r.GetInt(0, 1), false};
}

asio::awaitable<Doc> MarketService::Update(const http::Principal& who, std::string id, MarketInput in,
                                           std::optional<int64_t> if_match, auth::ClientInfo client) {
    RequireAdmin(who);
    ValidateMarket(in, false);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result cur = co_await lease.Exec(sql::kLockMarket, who.org_id, id);
    if (cur.Rows() == 0) {
        throw core::NotFound("no such market");
    }
    if (if_match && *if_match != cur.GetInt(0, 1)) {
        throw Error(ErrorKind::kPreconditionFailed,
                    "the market changed since you read it (version " + std::to_string(cur.GetInt(0, 1)) + ")");
    }
    std::string before(cur.Get(0, 0));
    bool description_given = in.description.has_value();
    db::Param description = in.description && *in.description ? db::Param(**in.description) : std::nullopt;
    db::Result r;
    bool empty_basket = false;
    try {
        r = co_await lease.Exec(sql::kUpdateMarket, who.org_id, id, Opt(in.name), description,
                                description_given ? "true" : "false", ListParam(in.partd_generic_names),
                                ListParam(in.partd_brand_names), ListParam(in.hcpcs_codes), ListParam(in.own_products),
                                ListParam(in.competitor_products), ListParam(in.own_manufacturers),
                                ListParam(in.competitor_manufacturers), ListParam(in.target_ccns));
    } catch (const db::SqlError& e) {
        if (e.SqlState() != "23514") {
            throw;
        }
        empty_basket = true;
    }
    if (empty_basket) {
        throw Error(ErrorKind::kInvalid, "a market needs at least one Part D name or HCPCS code in its basket",
                    {{"partd_generic_names", "the basket would be empty"}});
    }
    Doc doc{std::string(r.Get(0, 0)), r.GetInt(0, 1), false};
    co_await lease.Exec(sql::kEnqueueRecompute, who.org_id, id);
    co_await Audit(lease, who, "markets.market.update", "market", id, before, doc.json, client);
    co_await tx.Commit();
    co_return doc;
}

asio::awaitable<void> MarketService::Delete(const http::Principal& who, std::string id, std::optional<int64_t> if_match,
                                            auth::ClientInfo client) {
    RequireAdmin(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result cur = co_await lease.Exec(sql::kLockMarket, who.org_id, id);
    if (cur.Rows() == 0) {
        throw core::NotFound("no such market");
    }
    if (if_match && *if_match != cur.GetInt(0, 1)) {
        throw Error(ErrorKind::kPreconditionFailed, "the market changed since you read it");
    }
    std::string before(cur.Get(0, 0));
    co_await lease.Exec(sql::kDeleteMarket, who.org_id, id);
    co_await lease.Exec(sql::kDeleteMarketMetrics, who.org_id, id);
    co_await Audit(lease, who, "markets.market.delete", "market", id, before, std::nullopt, client);
    co_await tx.Commit();
}

asio::awaitable<int64_t> MarketService::Recompute(const http::Principal& who, std::string id, auth::ClientInfo client) {
    RequireAdmin(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result cur = co_await lease.Exec(sql::kGetMarket, who.org_id, id);
    if (cur.Rows() == 0) {
        throw core::NotFound("no such market");
    }
    db::Result job = co_await lease.Exec(sql::kEnqueueRecompute, who.org_id, id);
    int64_t job_id = job.Rows() > 0 ? job.GetInt(0, 0) : 0;
    co_await Audit(lease, who, "markets.market.recompute", "market", id, std::nullopt, std::nullopt, client);
    co_await tx.Commit();
    co_return job_id;
}

asio::awaitable<std::string> MarketService::Summary(const http::Principal& who, std::string id) {
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result r = co_await lease.Exec(sql::kSummary, who.org_id, id);
    co_await tx.Commit();
    if (r.Rows() == 0) {
        throw core::NotFound("no such market");
    }
    co_return std::string(r.Get(0, 0));
}

asio::awaitable<std::string> MarketService::Physicians(const http::Principal& who, std::string id, MetricQuery q) {
    // Not a structured binding: GCC 12 loses those across co_await in a coroutine frame.
    std::pair<db::Param, db::Param> position = MetricCursor(q.cursor);
    db::Param ckey = position.first;
    db::Param cnpi = position.second;
    if (q.state && (q.state->size() != 2)) {
        throw core::Invalid("state", "must be a two-letter state code");
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result m = co_await lease.Exec(sql::kGetMarket, who.org_id, id);
    if (m.Rows() == 0) {
        throw core::NotFound("no such market");
    }
    db::Param year = OptInt(q.year);
    if (!year) {
        db::Result y = co_await lease.Exec(sql::kLatestYear, who.org_id, id);
        year = y.IsNull(0, 0) ? db::Param("0") : db::Param(std::string(y.Get(0, 0)));
    }
    db::Result r = co_await lease.Exec(sql::kPhysicianMetrics, who.org_id, id, year, q.sort.field, DirText(q.sort),
                                       ckey, cnpi, q.limit + 1, Opt(q.state), OptInt(q.min_decile), OptInt(q.npi));
    co_await tx.Commit();
    std::string page =
        Page(r, q.limit, [&r](int i) { return api::EncodeCursor(std::string(r.Get(i, 1)), std::string(r.Get(i, 2))); });
    std::string year_json = *year == "0" ? std::string("null") : *year;
    std::string body = "{\"market_id\":\"" + id + "\",\"data_year\":" + year_json + "," + page.substr(1);
    co_return body;
}

asio::awaitable<TargetList> MarketService::Targets(const http::Principal& who, std::string id, TargetQuery q,
                                                   auth::ClientInfo client) {
    // Not a structured binding: GCC 12 loses those across co_await in a coroutine frame.
    std::pair<db::Param, db::Param> position = MetricCursor(q.cursor);
    db::Param ckey = position.first;
    db::Param cnpi = position.second;
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result m = co_await lease.Exec(sql::kGetMarket, who.org_id, id);
    if (m.Rows() == 0) {
        throw core::NotFound("no such market");
    }
    db::Result t = co_await lease.Exec(sql::kTerritoryVisible, who.org_id, q.territory_id);
    if (t.Rows() == 0) {
        throw Error(ErrorKind::kNotFound, "no such territory", {{"territory_id", "no such territory"}});
    }
    db::Param year = OptInt(q.year);
    if (!year) {
        db::Result y = co_await lease.Exec(sql::kLatestYear, who.org_id, id);
        year = y.IsNull(0, 0) ? db::Param("0") : db::Param(std::string(y.Get(0, 0)));
    }
    db::Param limit = q.csv ? std::nullopt : db::Param(std::to_string(q.limit + 1));
    // Named values, not conditional temporaries: GCC 12 destroys a conditional's temporary inside a co_await
    // expression twice (a crash once the optional holds a string).
    db::Param after_key = q.csv ? std::nullopt : ckey;
    db::Param after_npi = q.csv ? std::nullopt : cnpi;
    db::Result r = co_await lease.Exec(sql::kTerritoryTargets, who.org_id, id, year, q.sort.field, DirText(q.sort),
                                       after_key, after_npi, limit, q.territory_id, OptInt(q.min_decile));
    TargetList out;
    out.rows = q.csv ? r.Rows() : std::min(r.Rows(), q.limit);
    if (q.csv) {
        out.csv = true;
        out.body =
            "npi,name,credential,city,state,zip5,volume,growth,competitor_share,competitor_payments_cents,affiliated,"
            "decile_national,decile_territory,score,data_year\r\n";
        for (int i = 0; i < r.Rows(); ++i) {
            for (int c = 2; c <= 16; ++c) {
                if (c > 2) {
                    out.body += ',';
                }
                out.body += CsvField(r.Get(i, c));
            }
            out.body += "\r\n";
        }
        co_await Audit(lease, who, "markets.targets.export", "territory", q.territory_id, std::nullopt, std::nullopt,
                       client, "market " + id + ", " + std::to_string(r.Rows()) + " rows, CSV");
    } else {
        std::string page = Page(
            r, q.limit, [&r](int i) { return api::EncodeCursor(std::string(r.Get(i, 1)), std::string(r.Get(i, 2))); });
        std::string year_json = *year == "0" ? std::string("null") : *year;
        out.body = "{\"market_id\":\"" + id + "\",\"territory_id\":\"" + q.territory_id +
                   "\",\"data_year\":" + year_json + "," + page.substr(1);
    }
    co_await tx.Commit();
    co_return out;
}

asio::awaitable<Doc> MarketService::GetSettings(const http::Principal& who) {
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result r = co_await lease.Exec(sql::kGetSettings, who.org_id);
    co_await tx.Commit();
    co_return Doc{std::string(r.Get(0, 0)), r.GetInt(0, 1), false};
}

asio::awaitable<Doc> MarketService::UpdateSettings(const http::Principal& who, SettingsInput in,
                                                   std::optional<int64_t> if_match, auth::ClientInfo client) {
    RequireAdmin(who);
    CheckCodes(in.target_ccns, "target_ccns", 6, "a 6-character CMS Certification Number");
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(who));
    db::Result cur = co_await lease.Exec(sql::kGetSettings, who.org_id);
    if (if_match && *if_match != cur.GetInt(0, 1)) {
        throw Error(ErrorKind::kPreconditionFailed, "the settings changed since you read them");
    }
    db::Param road = in.road_factor ? db::Param(std::to_string(*in.road_factor)) : std::nullopt;
    db::Param speed = in.speed_kmh ? db::Param(std::to_string(*in.speed_kmh)) : std::nullopt;
    db::Result r = co_await lease.Exec(
        sql::kUpsertSettings, who.org_id, Opt(in.weights_json), ListParam(in.target_ccns), OptInt(in.target_min_decile),
        Opt(in.calls_per_year_json), OptInt(in.visit_minutes), OptInt(in.visits_per_day), road, speed, who.user_id);
    Doc doc{std::string(r.Get(0, 0)), r.GetInt(0, 1), false};
    // Weights and target hospitals change every score: recompute the whole organisation.
    co_await lease.Exec(sql::kEnqueueRecompute, who.org_id, std::nullopt);
    co_await Audit(lease, who, "markets.settings.update", "market_settings", who.org_id, std::string(cur.Get(0, 0)),
                   doc.json, client);
    co_await tx.Commit();
    co_return doc;
}

}  // namespace rounds::markets
