#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "db/sync_connection.h"
#include "jobs/queue.h"

/// The targeting engine's batch side: rebuilds the derived tables (mkt.territory_member,
/// mkt.market_metric, mkt.territory_decile, mkt.market_run) with a handful of set-based statements per
/// organisation. Runs as the job "markets.recompute" (queued by every market or territory change and by
/// every successful ingest), as `rounds markets recompute`, and inside `rounds bench markets`.
namespace rounds::markets {

inline constexpr const char* kRecomputeJob = "markets.recompute";

struct RecomputeStats {
    int orgs = 0;
    int markets = 0;
    int64_t member_rows = 0;
    int64_t metric_rows = 0;
    int64_t decile_rows = 0;
    double seconds = 0;
};

/// One organisation, in one transaction: memberships of its territories, then every live market (or only
/// `market_id`, whose memberships are then left as they are).
RecomputeStats RecomputeOrg(db::SyncConnection& conn, const std::string& org_id,
                            const std::optional<std::string>& market_id = std::nullopt);

/// Every organisation with live markets or territories (the ingest hook's job).
RecomputeStats RecomputeAll(db::SyncConnection& conn);

/// Registers the "markets.recompute" job handler (payload {} | {org_id} | {org_id, market_id}).
void RegisterJobs(jobs::Worker& worker, db::SyncConnection& conn);

/// `rounds markets recompute [--org UUID] [--market UUID]`: prints what it did; exit code 0/1.
int RunRecomputeCommand(const std::string& database_url, const std::optional<std::string>& org_id,
                        const std::optional<std::string>& market_id, std::ostream& out);

/// `rounds bench markets`: on the loaded reference data, creates a throw-away organisation with a market
/// basket of `generics` (comma-separated), times the recompute `repeats` times and, in the same run, the
/// reference scans (a plain count(*) of the Part D rows and a count of the basket's rows). Removes its
/// organisation afterwards. Needs the owner role (it creates an organisation).
int RunMarketsBench(const std::string& database_url, const std::string& generics, int repeats, std::ostream& out);

}  // namespace rounds::markets
