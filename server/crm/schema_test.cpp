// Database-level checks of the CRM schema: every tenant table follows the common rules (catalogue), and the
// row-level security rules hold for the server's role whatever a query forgets (behaviour).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "db/result.h"
#include "db/sql_error.h"
#include "db/sync_connection.h"
#include "db/test_db.h"

namespace rounds::crm {
namespace {

std::string AppUrl() {
    const char* url = std::getenv("ROUNDS_TEST_APP_URL");
    return url != nullptr ? url : "";
}

const std::vector<std::string> kTables{
    "crm_settings",      "product",     "import_job", "account",         "call",           "sample_lot",
    "sample_txn",        "call_sample", "spend_item", "spend_recipient", "call_amendment", "opportunity",
    "opportunity_stage", "task",        "note",       "restriction",     "call_plan",      "change_request",
    "physician_override"};

TEST(CrmSchema, EveryTenantTableHasTheCommonColumnsTriggersAndPolicies) {
    ROUNDS_REQUIRE_DB();
    db::SyncConnection owner(db::testing::TestDatabaseUrl());
    for (const auto& t : kTables) {
        std::vector<db::Param> p{t};
        auto cols = owner.Exec(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'crm' AND table_name = $1 "
            "AND column_name IN ('org_id','id','owner_id','client_id','version','created_at','created_by',"
            "'updated_at','updated_by','deleted_at')",
            p);
        EXPECT_EQ(cols.GetInt(0, 0), 10) << t;
        auto rls = owner.Exec(
            "SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = ('crm.' || $1)::regclass", p);
        EXPECT_TRUE(rls.GetBool(0, 0)) << t << ": RLS must be enabled and forced";
        auto triggers = owner.Exec(
            "SELECT count(*) FROM pg_trigger g JOIN pg_proc f ON f.oid = g.tgfoid WHERE g.tgrelid = "
            "('crm.' || $1)::regclass AND f.proname IN ('touch_row', 'track_change')",
            p);
        EXPECT_EQ(triggers.GetInt(0, 0), 2) << t << ": touch_row and track_change";
        auto policies = owner.Exec("SELECT count(*) FROM pg_policies WHERE schemaname = 'crm' AND tablename = $1", p);
        EXPECT_GE(policies.GetInt(0, 0), 4) << t;
        auto client = owner.Exec(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm' AND tablename = $1 "
            "AND indexdef LIKE '%UNIQUE%(org_id, client_id)%'",
            p);
        EXPECT_EQ(client.GetInt(0, 0), 1) << t << ": client_id unique per organisation";
        auto del = owner.Exec("SELECT has_table_privilege('rounds_app', 'crm.' || $1, 'DELETE')", p);
        EXPECT_FALSE(del.GetBool(0, 0)) << t << ": deletes are soft";
    }
}

/// Two organisations; A has a manager, a rep in the manager's team and a rep outside it, each with a task.
struct World {
    std::string a, b, manager, rep, rep2, b_rep;

    World() {
        db::SyncConnection owner(db::testing::TestDatabaseUrl());
        owner.ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
        auto tag = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000000);
        auto one = [&](const std::string& sql, std::vector<db::Param> p) {
            return std::string(owner.Exec(sql, p).Get(0, 0));
        };
        a = one("INSERT INTO crm.org (name, slug) VALUES ('crm a', $1) RETURNING id", {"crm-a-" + tag});
        b = one("INSERT INTO crm.org (name, slug) VALUES ('crm b', $1) RETURNING id", {"crm-b-" + tag});
        auto user = [&](const std::string& org, const std::string& name, const std::string& role, db::Param mgr) {
            return one(
                "INSERT INTO crm.app_user (org_id, email, display_name, role, manager_id, status) "
                "VALUES ($1, $2, 'T', $3, $4::uuid, 'active') RETURNING id",
                {org, name + "." + tag + "@crm.test", role, std::move(mgr)});
        };
        manager = user(a, "m", "manager", std::nullopt);
        rep = user(a, "r", "rep", manager);
        rep2 = user(a, "r2", "rep", std::nullopt);
        b_rep = user(b, "br", "rep", std::nullopt);
        for (const auto& [org, who] :
             std::vector<std::pair<std::string, std::string>>{{a, manager}, {a, rep}, {a, rep2}, {b, b_rep}}) {
            one("INSERT INTO crm.task (org_id, owner_id, title) VALUES ($1, $2::uuid, 'task of ' || $2::text) "
                "RETURNING id",
                {org, who});
        }
        owner.ExecScript("COMMIT");
    }

    /// Titles of the tasks the server role sees as `user` with `role`, with a query that filters nothing.
    std::vector<std::string> Seen(const std::string& org, const std::string& user, const std::string& role) {
        db::SyncConnection app(AppUrl());
        std::vector<db::Param> p{org, user, role};
        app.Exec(
            "SELECT set_config('rounds.org_id', $1, false), set_config('rounds.user_id', $2, false), "
            "set_config('rounds.role', $3, false)",
            p);
        auto r = app.Exec("SELECT owner_id::text FROM crm.task ORDER BY owner_id");
        std::vector<std::string> out;
        for (int i = 0; i < r.Rows(); ++i) {
            out.emplace_back(r.Get(i, 0));
        }
        return out;
    }
};

bool Has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(CrmSchema, PoliciesScopeRowsByOrganisationAndTeam) {
    ROUNDS_REQUIRE_DB();
    if (AppUrl().empty()) {
        GTEST_SKIP() << "ROUNDS_TEST_APP_URL is not set";
    }
    World w;
    auto rep = w.Seen(w.a, w.rep, "rep");
    EXPECT_EQ(rep, std::vector<std::string>{w.rep});
    auto mgr = w.Seen(w.a, w.manager, "manager");
    EXPECT_TRUE(Has(mgr, w.manager) && Has(mgr, w.rep));
    EXPECT_FALSE(Has(mgr, w.rep2));
    auto admin = w.Seen(w.a, w.rep2, "admin");
    EXPECT_TRUE(Has(admin, w.rep) && Has(admin, w.rep2) && Has(admin, w.manager));
    EXPECT_FALSE(Has(admin, w.b_rep));
    // A rep cannot write a row for someone else, nor delete for real.
    db::SyncConnection app(AppUrl());
    std::vector<db::Param> p{w.a, w.rep, "rep"};
    app.Exec(
        "SELECT set_config('rounds.org_id', $1, false), set_config('rounds.user_id', $2, false), "
        "set_config('rounds.role', $3, false)",
        p);
    std::vector<db::Param> other{w.a, w.rep2};
    EXPECT_THROW(app.Exec("INSERT INTO crm.task (org_id, owner_id, title) VALUES ($1, $2, 'x')", other), db::SqlError);
    EXPECT_THROW(app.Exec("DELETE FROM crm.task"), db::SqlError);
    std::vector<db::Param> foreign{w.b, w.rep};
    EXPECT_THROW(app.Exec("INSERT INTO crm.task (org_id, owner_id, title) VALUES ($1, $2, 'x')", foreign),
                 db::SqlError);
    // Shared rows (products) are read by all and written by admins only.
    std::vector<db::Param> prod{w.a};
    EXPECT_THROW(app.Exec("INSERT INTO crm.product (org_id, name) VALUES ($1, 'x')", prod), db::SqlError);
}

}  // namespace
}  // namespace rounds::crm
