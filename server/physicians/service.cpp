#include "physicians/service.h"

#include <boost/json.hpp>
#include <cctype>

#include "core/error.h"
#include "physicians/sql.h"

namespace rounds::physicians {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// The elements of PostgreSQL's text form of a one-dimensional array whose elements need no quoting ("{A,B}",
/// "{1,2,3}", "{}").
std::vector<std::string> ArrayElements(std::string_view arr) {
    std::vector<std::string> out;
    if (arr.size() <= 2) {
        return out;
    }
    std::string_view inner = arr.substr(1, arr.size() - 2);
    size_t pos = 0;
    while (true) {
        size_t comma = inner.find(',', pos);
        out.emplace_back(inner.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
        if (comma == std::string_view::npos) {
            return out;
        }
        pos = comma + 1;
    }
}

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

db::Param OptText(const std::optional<std::string>& v) {
    return v ? db::Param(*v) : std::nullopt;
}

db::Param OptInt(const std::optional<int>& v) {
    return v ? db::Param(std::to_string(*v)) : std::nullopt;
}

/// PostgreSQL array literal of plain codes (taxonomy codes are [0-9A-Z]).
db::Param CodesArray(const std::optional<std::vector<std::string>>& codes) {
    if (!codes) {
        return std::nullopt;
    }
    std::string out = "{";
    for (size_t i = 0; i < codes->size(); ++i) {
        out += (i ? "," : "") + (*codes)[i];
    }
    return out + "}";
}

std::string DoubleText(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.8f", v);
    return buf;
}

}  // namespace

PhysicianService::PhysicianService(db::Pool& pool, size_t cache_entries) : pool_(pool), cache_(cache_entries) {}

void PhysicianService::OnNotification(std::string_view channel) {
    if (channel == "rounds_data") {
        version_checked_ms_.store(0);  // the next request reads the new version
    } else if (channel == "rounds_overrides") {
        ++override_generation_;
    }
}

void PhysicianService::OnListening(bool listening) {
    // Notifications may have been missed while the listener was down: treat everything as changed.
    listening_.store(listening);
    ++override_generation_;
    version_checked_ms_.store(0);
}

asio::awaitable<int64_t> PhysicianService::DataVersion() {
    int64_t now = NowMs();
    int64_t cached = data_version_.load();
    const int64_t max_age_ms = listening_.load() ? 30'000 : 2'000;
    if (cached >= 0 && now - version_checked_ms_.load() < max_age_ms) {
        co_return cached;
    }
    version_checked_ms_.store(now);
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.Exec(sql::kDataVersion);
    int64_t v = r.GetInt(0, 0);
    data_version_.store(v);
    co_return v;
}

asio::awaitable<std::optional<std::shared_ptr<const std::string>>> PhysicianService::Profile(int64_t npi) {
    int64_t version = co_await DataVersion();
    std::string key = "profile:" + std::to_string(npi);
    if (auto hit = cache_.Get(key, version)) {
        co_return *hit;
    }
    if (shared_ != nullptr) {
        if (auto shared = co_await shared_->Get(key, version)) {
            auto body = std::make_shared<const std::string>(std::move(*shared));
            cache_.Put(key, version, body);
            co_return body;
        }
    }
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.Exec(sql::kProfile, npi);
    if (r.Rows() == 0) {
        co_return std::nullopt;
    }
    auto body = std::make_shared<const std::string>(r.Get(0, 0));
    cache_.Put(key, version, body);
    if (shared_ != nullptr) {
        co_await shared_->Put(key, version, *body);
    }
    co_return body;
}

asio::awaitable<std::string> PhysicianService::OrgOverlay(const tenancy::Scope& scope, int64_t npi) {
    // Most physicians have no correction in an organisation: a per-user set of the NPIs that do, valid while the
    // override counter is unchanged, answers those without an RLS transaction. While listening for the database's
    // notifications the set is valid for a local generation (negative keys) and the answer needs no database at
    // all; otherwise for the counter read from the database (keys >= 0).
    db::Lease lease;
    int64_t epoch = -2 - override_generation_.load();
    if (!listening_.load()) {
        lease = co_await pool_.Acquire();
        db::Result e = co_await lease.Exec(sql::kOverrideEpoch);
        epoch = std::stoll(std::string(e.Get(0, 0)));
    }
    bool known = false;
    {
        std::lock_guard lock(override_mu_);
        auto it = override_npis_.find(scope.user_id);
        if (it != override_npis_.end() && it->second.epoch == epoch) {
            if (!it->second.npis.contains(npi)) {
                co_return "{}";
            }
            known = true;
        }
    }
    if (epoch < 0) {
        lease = co_await pool_.Acquire();
    }
    auto tx = co_await tenancy::Begin(lease, scope);
    if (!known) {
        db::Result r = co_await lease.Exec(sql::kOverrideNpis);
        OverrideNpis entry;
        entry.epoch = epoch;
        for (const std::string& element : ArrayElements(r.Get(0, 0))) {
            entry.npis.insert(std::stoll(element));
        }
        const bool has = entry.npis.contains(npi);
        {
            std::lock_guard lock(override_mu_);
            if (override_npis_.size() > 100000) {
                override_npis_.clear();  // bounded: users re-read their set on their next request
            }
            override_npis_[scope.user_id] = std::move(entry);
        }
        if (!has) {
            co_await tx.Commit();
            co_return "{}";
        }
    }
    db::Result r = co_await lease.Exec(sql::kOrgOverlay, npi);
    std::string overlay(r.Get(0, 0));
    co_await tx.Commit();
    co_return overlay;
}

asio::awaitable<std::vector<std::string>> PhysicianService::SpecialtyCodes(const std::string& filter) {
    // Nearby and search resolve their specialty filter on every request: a resolved filter is kept per data
    // version (the taxonomy only changes with a load), as the array text the statement returns. Unknown
    // filters are not kept, so arbitrary input cannot fill the cache.
    const int64_t version = co_await DataVersion();
    std::string key = "specialty:";
    for (char c : filter) {
        key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // the statement ignores case
    }
    if (auto hit = cache_.Get(key, version)) {
        co_return ArrayElements(**hit);
    }
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.Exec(sql::kSpecialtyCodes, filter);
    std::vector<std::string> codes = ArrayElements(r.Get(0, 0));
    if (!codes.empty()) {
        cache_.Put(key, version, std::make_shared<const std::string>(r.Get(0, 0)));
    }
    if (codes.empty()) {
        throw core::Invalid("specialty", "no specialty matches \"" + filter +
                                             "\"; use a taxonomy code or a name from GET /api/v1/specialties");
    }
    co_return codes;
}

asio::awaitable<Page> PhysicianService::Search(const SearchQuery& query) {
    // One token reads ranked posting lists (any word, however common, costs a page); several intersect their
    // candidate words in the GIN index. The cursor is "tier:key:npi" with key = rank or similarity.
    const bool one = query.tokens.size() == 1;
    std::vector<db::Param> params;
    if (one) {
        params.emplace_back(query.tokens.front());
    } else {
        std::string arr = "{";
        for (size_t i = 0; i < query.tokens.size() && i < kMaxTokens; ++i) {
            arr += (i == 0 ? "\"" : ",\"") + query.tokens[i] + "\"";  // tokens hold no quote or backslash
        }
        arr += "}";
        params.emplace_back(std::move(arr));
        params.emplace_back(query.q);
    }
    params.push_back(CodesArray(query.specialty_codes));
    params.push_back(OptText(query.state));
    params.push_back(OptText(query.city));
    params.push_back(OptText(query.zip));
    params.push_back(OptInt(query.entity_type));
    params.push_back(query.point ? db::Param(DoubleText(query.point->lng)) : std::nullopt);
    params.push_back(query.point ? db::Param(DoubleText(query.point->lat)) : std::nullopt);
    if (query.cursor) {
        // Validated here so a forged cursor is a 400, not a SQL error.
        const std::string& c = *query.cursor;
        auto a = c.find(':');
        auto b = c.rfind(':');
        bool ok = a != std::string::npos && b != a && c.find_first_not_of("0123456789.:e-") == std::string::npos &&
                  a > 0 && b > a + 1 && b + 1 < c.size() &&
                  c.find_first_not_of("0123456789", b + 1) == std::string::npos &&
                  c.find_first_not_of("0123456789", 0) == a;
        if (!ok) {
            throw core::Invalid("cursor", "is not a cursor returned by this API");
        }
        params.emplace_back(c.substr(0, a));
        params.emplace_back(c.substr(a + 1, b - a - 1));
        params.emplace_back(c.substr(b + 1));
    } else {
        params.insert(params.end(), 3, std::nullopt);
    }
    params.emplace_back(std::to_string(query.limit + 1));
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.ExecParams(one ? sql::kSearchOne : sql::kSearchMany, std::move(params));
    // The JSON is passed through as the database wrote it (numbers keep their decimal form).
    Page page;
    page.items_json = std::string(r.Get(0, 0));
    if (!r.IsNull(0, 1)) {
        page.next_cursor = std::string(r.Get(0, 1));
    }
    co_return page;
}

asio::awaitable<std::string> PhysicianService::Nearby(GeoPoint point, double radius_m,
                                                      const std::optional<std::vector<std::string>>& codes, int limit) {
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.Exec(sql::kNearby, DoubleText(point.lng), DoubleText(point.lat), DoubleText(radius_m),
                                       CodesArray(codes), limit);
    co_return std::string(r.Get(0, 0));
}

asio::awaitable<std::shared_ptr<const std::string>> PhysicianService::Specialties() {
    int64_t version = co_await DataVersion();
    if (auto hit = cache_.Get("specialties", version)) {
        co_return *hit;
    }
    if (shared_ != nullptr) {
        if (auto shared = co_await shared_->Get("specialties", version)) {
            auto body = std::make_shared<const std::string>(std::move(*shared));
            cache_.Put("specialties", version, body);
            co_return body;
        }
    }
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.Exec(sql::kSpecialties);
    auto body = std::make_shared<const std::string>(r.Get(0, 0));
    cache_.Put("specialties", version, body);
    if (shared_ != nullptr) {
        co_await shared_->Put("specialties", version, *body);
    }
    co_return body;
}

asio::awaitable<std::optional<Page>> PhysicianService::Detail(DetailKind kind, const DetailQuery& query) {
    auto lease = co_await pool_.Acquire();
    const db::Statement& stmt = kind == DetailKind::kPrescriptions ? sql::kPrescriptions
                                : kind == DetailKind::kServices    ? sql::kServices
                                                                   : sql::kPayments;
    db::Result r = co_await lease.Exec(stmt, query.npi, OptInt(query.year), query.sort,
                                       query.descending ? "true" : "false", query.offset, query.limit + 1);
    const std::string_view items(r.Get(0, 0));
    if (items == "[]" && query.offset == 0) {
        // An NPI absent from NPPES can still have claims rows (the files are published separately); only
        // an NPI known nowhere is a 404.
        db::Result exists = co_await lease.Exec(sql::kNpiExists, query.npi);
        if (exists.Rows() == 0) {
            co_return std::nullopt;
        }
    }
    Page page;
    if (r.Get(0, 1) == std::string_view("t")) {
        page.next_cursor = std::to_string(query.offset + query.limit);
    }
    page.items_json = std::string(items);
    co_return page;
}

asio::awaitable<std::optional<std::string>> PhysicianService::Facility(const std::string& ccn,
                                                                       std::optional<int64_t> after_npi, int limit,
                                                                       std::optional<std::string>* next_cursor) {
    auto lease = co_await pool_.Acquire();
    db::Param after = after_npi ? db::Param(std::to_string(*after_npi)) : std::nullopt;
    db::Result r = co_await lease.Exec(sql::kFacility, ccn, after, limit + 1);
    if (r.Rows() == 0) {
        co_return std::nullopt;
    }
    std::string facility(r.Get(0, 0));
    if (!r.IsNull(0, 1)) {
        *next_cursor = EncodeCursor("n:" + std::string(r.Get(0, 1)));
    }
    // The object as the database wrote it, with the cursor added as its last member.
    facility.pop_back();  // the closing brace
    facility += ", \"next_cursor\" : ";
    facility += *next_cursor ? json::serialize(json::value(**next_cursor)) : std::string("null");
    facility += "}";
    co_return facility;
}

asio::awaitable<std::optional<std::string>> PhysicianService::Zip(const std::string& zip5) {
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.Exec(sql::kZip, zip5);
    if (r.Rows() == 0) {
        co_return std::nullopt;
    }
    co_return std::string(r.Get(0, 0));
}

asio::awaitable<std::string> PhysicianService::FacilitiesNearby(GeoPoint point, double radius_m, int limit) {
    auto lease = co_await pool_.Acquire();
    db::Result r = co_await lease.Exec(sql::kFacilitiesNearby, DoubleText(point.lng), DoubleText(point.lat),
                                       DoubleText(radius_m), limit);
    co_return std::string(r.Get(0, 0));
}

}  // namespace rounds::physicians
