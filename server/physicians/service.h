#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "db/pool.h"
#include "physicians/cache.h"
#include "physicians/params.h"
#include "redis/shared.h"
#include "tenancy/tenancy.h"

namespace rounds::physicians {

struct SearchQuery {
    std::string q;
    std::vector<std::string> tokens;
    std::optional<std::vector<std::string>> specialty_codes;
    std::optional<std::string> state;
    std::optional<std::string> city;
    std::optional<std::string> zip;
    std::optional<int> entity_type;
    std::optional<GeoPoint> point;
    std::optional<std::string> cursor;  // decoded "tier:sim:npi"
    int limit = 20;
};

struct DetailQuery {
    int64_t npi = 0;
    std::optional<int> year;
    std::string sort;
    bool descending = true;
    int offset = 0;
    int limit = 50;
};

enum class DetailKind { kPrescriptions, kServices, kPayments };

/// A page of a list: the JSON array text of its items and, when more follow, the cursor payload.
struct Page {
    std::string items_json;
    std::optional<std::string> next_cursor;
};

/// Reads physician and facility data (public reference data, `ref` schema) for the API. Each call is one
/// or two round trips; bodies are built as JSON by PostgreSQL. Profiles and specialty lists are cached in
/// process and invalidated when a newer ingestion load succeeds (the data version).
class PhysicianService {
  public:
    PhysicianService(db::Pool& pool, size_t cache_entries);
    /// A second cache level shared by every instance (Redis), consulted after the in-process one.
    void SetSharedCache(redis::SharedCache* shared) { shared_ = shared; }
    const redis::SharedCache* Shared() const { return shared_; }

    /// Highest succeeded load id, re-read at most every two seconds; while the process listens for the database's
    /// change notifications, only after a `rounds_data` notification (and every 30 s as a safety net).
    boost::asio::awaitable<int64_t> DataVersion();
    /// Change notifications (db::Listener, migration 0036): `rounds_data` (a new data version) and
    /// `rounds_overrides` (corrections changed somewhere). While listening, the warm profile path asks the
    /// database nothing; when not (connection lost), it reads the versions from the database as before.
    void OnNotification(std::string_view channel);
    void OnListening(bool listening);
    /// Corrections were changed by this process (the CRM, right after its commit): forget the per-user sets now,
    /// before the notification comes back.
    void OverridesChanged() { ++override_generation_; }
    /// The profile JSON, or nullopt for an unknown NPI.
    boost::asio::awaitable<std::optional<std::shared_ptr<const std::string>>> Profile(int64_t npi);
    /// The caller's organisation's approved corrections to this physician still in force (a JSON object of
    /// field → value, "{}" when none), read under the caller's row-level security; never cached.
    boost::asio::awaitable<std::string> OrgOverlay(const tenancy::Scope& scope, int64_t npi);
    boost::asio::awaitable<Page> Search(const SearchQuery& query);
    boost::asio::awaitable<std::string> Nearby(GeoPoint point, double radius_m,
                                               const std::optional<std::vector<std::string>>& codes, int limit);
    /// Resolves a specialty filter (code or name) to taxonomy codes; throws 400 naming `specialty` when
    /// nothing matches.
    boost::asio::awaitable<std::vector<std::string>> SpecialtyCodes(const std::string& filter);
    boost::asio::awaitable<std::shared_ptr<const std::string>> Specialties();
    /// nullopt for an unknown NPI.
    boost::asio::awaitable<std::optional<Page>> Detail(DetailKind kind, const DetailQuery& query);
    boost::asio::awaitable<std::optional<std::string>> Facility(const std::string& ccn,
                                                                std::optional<int64_t> after_npi, int limit,
                                                                std::optional<std::string>* next_cursor);
    boost::asio::awaitable<std::string> FacilitiesNearby(GeoPoint point, double radius_m, int limit);
    /// A ZIP's centroid (Census ZCTA) with the city and state most of its practices give; nullopt when unknown.
    boost::asio::awaitable<std::optional<std::string>> Zip(const std::string& zip5);

    const ResponseCache& Cache() const { return cache_; }

  private:
    db::Pool& pool_;
    ResponseCache cache_;
    redis::SharedCache* shared_ = nullptr;
    // Per user: the NPIs with corrections visible to them, valid while crm.override_epoch has this value.
    struct OverrideNpis {
        int64_t epoch = -1;
        std::unordered_set<int64_t> npis;
    };
    std::mutex override_mu_;
    std::unordered_map<std::string, OverrideNpis> override_npis_;
    std::atomic<int64_t> data_version_{-1};
    std::atomic<int64_t> version_checked_ms_{0};
    std::atomic<bool> listening_{false};
    std::atomic<int64_t> override_generation_{0};  // bumped on every override notification or listener change
};

}  // namespace rounds::physicians
