#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "db/pool.h"
#include "http/request.h"
#include "markets/service.h"

namespace rounds::territories {

/// Fields of a territory. Absent optionals are left alone on update.
struct TerritoryInput {
    std::optional<std::string> name, level, client_id;
    std::optional<std::optional<std::string>> parent_id;
    std::optional<std::optional<boost::json::value>> geometry;  // present-and-null clears the area
    std::optional<std::vector<std::string>> zips, excluded_zips, user_ids;
    bool repair = false;
};

struct MoveInput {
    std::string zip, from, to;
};

/// Territories: CRUD with geometry validation, members, deciles, balance report and ZIP alignment.
/// Writes are admin-only; reads are limited to the territories visible to the caller.
class TerritoryService {
  public:
    /// `sync_member_limit`: practice locations up to which a write rebuilds a territory's members in the request.
    explicit TerritoryService(db::Pool& pool, int64_t sync_member_limit = 50000)
        : pool_(pool), sync_member_limit_(sync_member_limit) {}

    boost::asio::awaitable<std::string> List(const http::Principal& who, int limit, std::optional<std::string> cursor,
                                             std::optional<std::string> parent_id, std::optional<std::string> level);
    boost::asio::awaitable<markets::Doc> Create(const http::Principal& who, TerritoryInput in, auth::ClientInfo client);
    boost::asio::awaitable<markets::Doc> Get(const http::Principal& who, std::string id);
    boost::asio::awaitable<markets::Doc> Update(const http::Principal& who, std::string id, TerritoryInput in,
                                                std::optional<int64_t> if_match, auth::ClientInfo client);
    boost::asio::awaitable<void> Delete(const http::Principal& who, std::string id, std::optional<int64_t> if_match,
                                        auth::ClientInfo client);
    boost::asio::awaitable<std::string> Physicians(const http::Principal& who, std::string id, int limit,
                                                   std::optional<std::string> cursor);
    boost::asio::awaitable<std::string> Deciles(const http::Principal& who, std::string id, std::string market_id,
                                                std::optional<int64_t> year);
    boost::asio::awaitable<std::string> Balance(const http::Principal& who, std::string id, std::string market_id);
    boost::asio::awaitable<std::string> Alignment(const http::Principal& who, std::string id, std::string market_id,
                                                  int max_moves);
    boost::asio::awaitable<std::string> AcceptAlignment(const http::Principal& who, std::string id,
                                                        std::vector<MoveInput> moves, auth::ClientInfo client);

  private:
    db::Pool& pool_;
    int64_t sync_member_limit_;
};

/// ZIPs are five digits.
void CheckZips(const std::optional<std::vector<std::string>>& zips, std::string_view field);
/// The order of levels: nation 0, region 1, district 2, territory 3; -1 for anything else.
int LevelRank(std::string_view level);

}  // namespace rounds::territories
