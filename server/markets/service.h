#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "db/pool.h"
#include "http/request.h"

namespace rounds::markets {

/// Fields of a market. Absent optionals are left alone on update (and empty on create).
struct MarketInput {
    std::optional<std::string> name;
    std::optional<std::optional<std::string>> description;
    std::optional<std::vector<std::string>> partd_generic_names, partd_brand_names, hcpcs_codes, own_products,
        competitor_products, own_manufacturers, competitor_manufacturers, target_ccns;
    std::optional<std::string> client_id;
};

struct SettingsInput {
    std::optional<std::string> weights_json;         // validated object of known weights
    std::optional<std::string> calls_per_year_json;  // validated object "decile" -> calls
    std::optional<std::vector<std::string>> target_ccns;
    std::optional<int64_t> target_min_decile, visit_minutes, visits_per_day;
    std::optional<double> road_factor, speed_kmh;
};

/// A JSON document built by PostgreSQL, with the row version (ETag) where there is one.
struct Doc {
    std::string json;
    int64_t version = 0;
    bool created = false;
};

/// Sort of metric lists: a whitelisted field, ascending or descending.
struct Sort {
    std::string field = "score";
    int dir = -1;  // -1 descending
};
/// Parses "field" or "-field" (volume, score, growth, competitor_share, competitor_payments, decile, npi).
Sort ParseSort(const std::optional<std::string>& text, const Sort& fallback);

struct MetricQuery {
    std::optional<int64_t> year, min_decile, npi;
    std::optional<std::string> state, cursor;
    Sort sort;
    int limit = 50;
};

struct TargetQuery {
    std::string territory_id;
    std::optional<int64_t> year, min_decile;
    std::optional<std::string> cursor;
    Sort sort;
    int limit = 50;
    bool csv = false;
};

/// CSV text of a target list (one line per physician), or JSON.
struct TargetList {
    std::string body;
    bool csv = false;
    int64_t rows = 0;
};

/// Markets (an organisation's product baskets), targeting settings and the derived metrics' reads.
/// Writes are admin-only (the route table says so; the service checks again), every write queues a
/// recompute and an audit record in its own transaction.
class MarketService {
  public:
    explicit MarketService(db::Pool& pool) : pool_(pool) {}

    boost::asio::awaitable<std::string> List(const http::Principal& who, int limit, std::optional<std::string> cursor);
    boost::asio::awaitable<Doc> Create(const http::Principal& who, MarketInput in, auth::ClientInfo client);
    boost::asio::awaitable<Doc> Get(const http::Principal& who, std::string id);
    boost::asio::awaitable<Doc> Update(const http::Principal& who, std::string id, MarketInput in,
                                       std::optional<int64_t> if_match, auth::ClientInfo client);
    boost::asio::awaitable<void> Delete(const http::Principal& who, std::string id, std::optional<int64_t> if_match,
                                        auth::ClientInfo client);
    /// Queues a recompute of one market; returns the job id (0 when one is already queued).
    boost::asio::awaitable<int64_t> Recompute(const http::Principal& who, std::string id, auth::ClientInfo client);

    boost::asio::awaitable<std::string> Summary(const http::Principal& who, std::string id);
    boost::asio::awaitable<std::string> Physicians(const http::Principal& who, std::string id, MetricQuery q);
    boost::asio::awaitable<TargetList> Targets(const http::Principal& who, std::string id, TargetQuery q,
                                               auth::ClientInfo client);

    boost::asio::awaitable<Doc> GetSettings(const http::Principal& who);
    boost::asio::awaitable<Doc> UpdateSettings(const http::Principal& who, SettingsInput in,
                                               std::optional<int64_t> if_match, auth::ClientInfo client);

  private:
    db::Pool& pool_;
};

/// Validates a market's fields (HCPCS codes, CCNs, name); `creating` requires a name and a basket.
void ValidateMarket(const MarketInput& in, bool creating);

/// RFC 4180 field quoting.
std::string CsvField(std::string_view v);

}  // namespace rounds::markets
