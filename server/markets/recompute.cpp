#include "markets/recompute.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "markets/sql.h"
#include "tenancy/tenancy.h"

namespace rounds::markets {

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

db::Result Run(db::SyncConnection& conn, const db::Statement& stmt, std::vector<db::Param> params = {}) {
    return conn.Exec(stmt.sql, params);
}

/// Rolls back unless committed (an exception leaves nothing half-written).
class TxGuard {
  public:
    explicit TxGuard(db::SyncConnection& conn) : conn_(conn) { conn_.ExecScript("BEGIN"); }
    ~TxGuard() {
        if (!done_) {
            try {
                conn_.ExecScript("ROLLBACK");
            } catch (const std::exception&) {
                // The connection is broken; the server rolled the transaction back already.
            }
        }
    }
    void Commit() {
        conn_.ExecScript("COMMIT");
        done_ = true;
    }

  private:
    db::SyncConnection& conn_;
    bool done_ = false;
};

int64_t RecomputeMarket(db::SyncConnection& conn, const std::string& org, const std::string& market,
                        RecomputeStats& stats) {
    auto t0 = Clock::now();
    Run(conn, sql::kDeleteMetrics, {org, market});
    db::Result r = Run(conn, sql::kRecomputeMetrics, {org, market, std::string(sql::kDefaultWeights)});
    int64_t rows = r.Affected();
    Run(conn, sql::kDeleteTerritoryDeciles, {org, market});
    db::Result d = Run(conn, sql::kRecomputeTerritoryDeciles, {org, market});
    auto ms = static_cast<int64_t>(Since(t0) * 1000);
    Run(conn, sql::kRecordRun, {org, market, std::to_string(rows), std::to_string(ms)});
    stats.metric_rows += rows;
    stats.decile_rows += d.Affected();
    stats.markets += 1;
    return rows;
}

}  // namespace

RecomputeStats RecomputeOrg(db::SyncConnection& conn, const std::string& org_id,
                            const std::optional<std::string>& market_id) {
    if (!tenancy::IsUuid(org_id) || (market_id && !tenancy::IsUuid(*market_id))) {
        throw core::Invalid("org_id", "organisation and market ids must be UUIDs");
    }
    auto t0 = Clock::now();
    RecomputeStats stats;
    stats.orgs = 1;
    TxGuard tx(conn);
    Run(conn, sql::kWorkerScope, {org_id});
    std::vector<std::string> markets;
    if (market_id) {
        markets.push_back(*market_id);
    } else {
        Run(conn, sql::kDeleteMembers, {org_id});
        stats.member_rows += Run(conn, sql::kRefreshMembers, {org_id}).Affected();
        stats.member_rows += Run(conn, sql::kRefreshContainerMembers, {org_id}).Affected();
        db::Result ids = Run(conn, sql::kLiveMarketIds, {org_id});
        for (int i = 0; i < ids.Rows(); ++i) {
            markets.emplace_back(ids.Get(i, 0));
        }
    }
    for (const auto& m : markets) {
        RecomputeMarket(conn, org_id, m, stats);
    }
    tx.Commit();
    stats.seconds = Since(t0);
    core::LogInfo("markets_recomputed", {{"org_id", org_id},
                                         {"markets", stats.markets},
                                         {"member_rows", stats.member_rows},
                                         {"metric_rows", stats.metric_rows},
                                         {"seconds", stats.seconds}});
    return stats;
}

RecomputeStats RecomputeAll(db::SyncConnection& conn) {
    RecomputeStats total;
    auto t0 = Clock::now();
    db::Result orgs = conn.Exec(sql::kOrgsWithMarkets.sql);
    std::vector<std::string> ids;
    for (int i = 0; i < orgs.Rows(); ++i) {
        ids.emplace_back(orgs.Get(i, 0));
    }
    for (const auto& org : ids) {
        RecomputeStats s = RecomputeOrg(conn, org);
        total.orgs += 1;
        total.markets += s.markets;
        total.member_rows += s.member_rows;
        total.metric_rows += s.metric_rows;
        total.decile_rows += s.decile_rows;
    }
    total.seconds = Since(t0);
    return total;
}

void RegisterJobs(jobs::Worker& worker, db::SyncConnection& conn) {
    worker.Register(kRecomputeJob, [&conn](const jobs::Job& job) {
        db::Result p =
            conn.Exec("SELECT $1::jsonb->>'org_id', $1::jsonb->>'market_id'", std::vector<db::Param>{job.payload});
        std::optional<std::string> org, market;
        if (!p.IsNull(0, 0)) {
            org = std::string(p.Get(0, 0));
        }
        if (!p.IsNull(0, 1)) {
            market = std::string(p.Get(0, 1));
        }
        RecomputeStats s = org ? RecomputeOrg(conn, *org, market) : RecomputeAll(conn);
        core::LogInfo("markets_recompute_job", {{"job_id", job.id},
                                                {"orgs", s.orgs},
                                                {"markets", s.markets},
                                                {"metric_rows", s.metric_rows},
                                                {"seconds", s.seconds}});
    });
}

int RunRecomputeCommand(const std::string& database_url, const std::optional<std::string>& org_id,
                        const std::optional<std::string>& market_id, std::ostream& out) {
    if (market_id && !org_id) {
        out << "rounds markets recompute: --market needs --org\n";
        return 2;
    }
    db::SyncConnection conn(database_url);
    RecomputeStats s = org_id ? RecomputeOrg(conn, *org_id, market_id) : RecomputeAll(conn);
    out << "recomputed " << s.markets << " market(s) of " << s.orgs << " organisation(s): " << s.metric_rows
        << " physician-year metrics, " << s.member_rows << " territory memberships, " << s.decile_rows
        << " territory deciles in " << std::fixed << std::setprecision(3) << s.seconds << " s\n";
    return 0;
}

int RunMarketsBench(const std::string& database_url, const std::string& generics, int repeats, std::ostream& out) {
    db::SyncConnection conn(database_url);
    repeats = std::max(1, repeats);
    // A throw-away organisation and market (owner role, admin mode for the set-up only).
    std::string slug = "bench-markets-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    conn.ExecScript("BEGIN");
    conn.ExecScript("SELECT set_config('rounds.admin', 'on', true)");
    std::vector<db::Param> p{slug};
    std::string org = std::string(
        conn.Exec("INSERT INTO crm.org (name, slug) VALUES ('Markets benchmark', $1) RETURNING id", p).Get(0, 0));
    std::vector<db::Param> mp{org, generics};
    std::string market =
        std::string(conn.Exec("INSERT INTO crm.market (org_id, name, partd_generic_names, competitor_manufacturers) "
                              "VALUES ($1, 'Benchmark basket', string_to_array($2, ','), "
                              "ARRAY['Eli Lilly and Company', 'Novo Nordisk Inc']) RETURNING id",
                              mp)
                        .Get(0, 0));
    conn.ExecScript("COMMIT");

    auto time_it = [&](const std::string& sql, std::vector<db::Param> params) {
        auto t0 = Clock::now();
        db::Result r = conn.Exec(sql, params);
        return std::make_pair(Since(t0), std::string(r.Rows() > 0 ? r.Get(0, 0) : ""));
    };
    std::vector<double> full, basket, recompute;
    std::string rows_all, rows_basket;
    int64_t metric_rows = 0;
    for (int i = 0; i < repeats; ++i) {
        auto [t1, n1] = time_it("SELECT count(*) FROM ref.partd_drug", {});
        auto [t2, n2] = time_it(
            "SELECT count(*) FROM ref.partd_drug WHERE removed_at IS NULL AND upper(generic_name) = ANY "
            "(ARRAY(SELECT upper(x) FROM unnest(string_to_array($1, ',')) x))",
            {generics});
        RecomputeStats s = RecomputeOrg(conn, org, market);
        full.push_back(t1);
        basket.push_back(t2);
        recompute.push_back(s.seconds);
        rows_all = n1;
        rows_basket = n2;
        metric_rows = s.metric_rows;
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    double f = median(full), b = median(basket), r = median(recompute);
    out << std::fixed << std::setprecision(3);
    out << "markets recompute benchmark (median of " << repeats << ")\n";
    out << "  basket: " << generics << "\n";
    out << "  part D rows: " << rows_all << ", basket rows: " << rows_basket << ", metric rows: " << metric_rows
        << "\n";
    out << "  reference  SELECT count(*) FROM ref.partd_drug        " << f << " s\n";
    out << "  reference  count(*) of the basket rows (same filter)   " << b << " s\n";
    out << "  recompute  metrics + deciles + score                   " << r << " s\n";
    out << "  ratio recompute / plain count(*) scan: " << std::setprecision(2) << (f > 0 ? r / f : 0)
        << "x, / basket scan: " << (b > 0 ? r / b : 0) << "x\n";

    conn.ExecScript("BEGIN");
    conn.ExecScript("SELECT set_config('rounds.admin', 'on', true)");
    std::vector<db::Param> op{org};
    conn.Exec("DELETE FROM mkt.territory_decile WHERE org_id = $1", op);
    conn.Exec("DELETE FROM mkt.market_metric WHERE org_id = $1", op);
    conn.Exec("DELETE FROM mkt.market_run WHERE org_id = $1", op);
    conn.Exec("DELETE FROM crm.change_log WHERE org_id = $1", op);
    conn.Exec("DELETE FROM crm.market WHERE org_id = $1", op);
    conn.Exec("DELETE FROM crm.org WHERE id = $1", op);
    conn.ExecScript("COMMIT");
    return 0;
}

}  // namespace rounds::markets
