#include "tenancy/tenancy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "core/error.h"
#include "db/result.h"
#include "db/test_db.h"

namespace rounds::tenancy {
namespace {

namespace asio = boost::asio;

std::string AppUrl() {
    const char* url = std::getenv("ROUNDS_TEST_APP_URL");
    return url != nullptr ? url : "";
}

template <typename F>
void RunAsync(asio::io_context& ioc, F&& body) {
    std::exception_ptr failure;
    asio::co_spawn(ioc, std::forward<F>(body)(), [&](std::exception_ptr ep) { failure = ep; });
    ioc.run();
    ioc.restart();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

/// Two organisations, each with an admin, a manager and a rep (the rep reports to the manager), created as
/// the owner in admin mode. Removed again at the end of the test.
struct TwoOrgs {
    std::string a, b;  // org ids
    std::string a_admin, a_manager, a_rep, a_rep2, b_admin, b_rep;

    TwoOrgs() {
        db::SyncConnection owner(db::testing::TestDatabaseUrl());
        owner.ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
        auto tag = std::to_string(::getpid()) + "-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
        auto org = [&](const std::string& slug) {
            std::vector<db::Param> p{"Tenancy test " + slug, "tt-" + slug + "-" + tag};
            return std::string(
                owner.Exec("INSERT INTO crm.org (name, slug) VALUES ($1, $2) RETURNING id", p).Get(0, 0));
        };
        auto user = [&](const std::string& o, const std::string& email, const std::string& role,
                        const db::Param& manager) {
            std::vector<db::Param> p{o, email + "." + tag + "@tenancy.test", role, manager};
            return std::string(owner
                                   .Exec("INSERT INTO crm.app_user (org_id, email, display_name, role, manager_id, "
                                         "status) VALUES ($1, $2, 'T', $3, $4::uuid, 'active') RETURNING id",
                                         p)
                                   .Get(0, 0));
        };
        a = org("a");
        b = org("b");
        a_admin = user(a, "admin.a", "admin", std::nullopt);
        a_manager = user(a, "manager.a", "manager", std::nullopt);
        a_rep = user(a, "rep.a", "rep", a_manager);
        a_rep2 = user(a, "rep2.a", "rep", std::nullopt);
        b_admin = user(b, "admin.b", "admin", std::nullopt);
        b_rep = user(b, "rep.b", "rep", std::nullopt);
        owner.ExecScript("COMMIT");
    }
};

Scope As(const std::string& org, const std::string& user, const std::string& role) {
    return Scope{TenantId(org), user, role};
}

// The deliberately unfiltered queries: no WHERE org_id anywhere.
constexpr db::Statement kAllUsers{"tt_all_users", "SELECT org_id::text FROM crm.app_user"};
constexpr db::Statement kAllOrgs{"tt_all_orgs", "SELECT id::text FROM crm.org"};
constexpr db::Statement kAllChanges{"tt_all_changes", "SELECT DISTINCT org_id::text FROM crm.change_log"};
constexpr db::Statement kUpdateAll{"tt_update_all", "UPDATE crm.app_user SET display_name = display_name"};
constexpr db::Statement kInsertForeign{
    "tt_insert_foreign", "INSERT INTO crm.app_user (org_id, email, display_name, role) VALUES ($1, $2, 'X', 'rep')"};
constexpr db::Statement kVisible{"tt_visible", "SELECT unnest(crm.visible_user_ids())::text ORDER BY 1"};

/// A pool of one connection as the application role (row-level security applies).
db::PoolOptions OneAppConnection() {
    db::PoolOptions o;
    o.url = AppUrl();
    o.max_size = 1;
    return o;
}

/// The first column of every row, as text.
std::vector<std::string> FirstColumn(const db::Result& r) {
    std::vector<std::string> out;
    for (int i = 0; i < r.Rows(); ++i) {
        out.emplace_back(r.Get(i, 0));
    }
    return out;
}
constexpr db::Statement kForeignAudit{"tt_audit_foreign",
                                      "INSERT INTO crm.audit_log (org_id, action) VALUES ($1, 'test')"};

TEST(Tenancy, BeginSqlRefusesAnythingButUuidsAndRoles) {
    EXPECT_THROW(TenantId("x' OR '1'='1"), core::Error);
    EXPECT_THROW(TenantId("6F9619FF-8B86-D011-B42D-00C04FC964FF"), core::Error);  // not canonical
    Scope s = As("6f9619ff-8b86-d011-b42d-00c04fc964ff", "6f9619ff-8b86-d011-b42d-00c04fc964f0", "rep");
    EXPECT_NE(BeginSql(s).find("set_config('rounds.org_id', '6f9619ff-8b86-d011-b42d-00c04fc964ff', true)"),
              std::string::npos);
    s.role = "admin'); DROP TABLE x; --";
    EXPECT_THROW(BeginSql(s), core::Error);
    s.role = "rep";
    s.user_id = "nope";
    EXPECT_THROW(BeginSql(s), core::Error);
}

// THE isolation proof: queries written without any org filter, run as rounds_app, see only the caller's org.
TEST(Tenancy, UnfilteredQueriesSeeOnlyTheCallersOrganisation) {
    ROUNDS_REQUIRE_DB();
    ASSERT_FALSE(AppUrl().empty()) << "ROUNDS_TEST_APP_URL must be set with ROUNDS_TEST_DATABASE_URL";
    TwoOrgs orgs;
    asio::io_context ioc;
    db::PoolOptions o;
    o.url = AppUrl();
    o.max_size = 2;
    db::Pool pool(ioc, o);
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool.Acquire();
        // No scope at all: nothing.
        db::Result r = co_await lease.Exec(kAllUsers);
        EXPECT_EQ(r.Rows(), 0);
        r = co_await lease.Exec(kAllOrgs);
        EXPECT_EQ(r.Rows(), 0);

        std::vector<std::pair<std::string, std::string>> admins{{orgs.a, orgs.a_admin}, {orgs.b, orgs.b_admin}};
        for (const auto& [org, user] : admins) {
            auto tx = co_await Begin(lease, As(org, user, "admin"));
            r = co_await lease.Exec(kAllUsers);
            EXPECT_GT(r.Rows(), 0);
            for (int i = 0; i < r.Rows(); ++i) {
                EXPECT_EQ(r.Get(i, 0), org);
            }
            r = co_await lease.Exec(kAllOrgs);
            EXPECT_EQ(r.Rows(), 1);
            EXPECT_EQ(r.Get(0, 0), org);
            r = co_await lease.Exec(kAllChanges);
            for (int i = 0; i < r.Rows(); ++i) {
                EXPECT_EQ(r.Get(i, 0), org);
            }
            // An unfiltered UPDATE touches only own rows (the trigger bumps their versions).
            r = co_await lease.Exec(kUpdateAll);
            EXPECT_EQ(r.Affected(), org == orgs.a ? 4 : 2);
            co_await tx.Rollback();
        }

        // The settings are transaction-local: after COMMIT the connection carries no tenant.
        {
            auto tx = co_await Begin(lease, As(orgs.a, orgs.a_admin, "admin"));
            co_await tx.Commit();
            r = co_await lease.Exec(kAllUsers);
            EXPECT_EQ(r.Rows(), 0);
        }

        // Writing into another organisation is refused by the policy's WITH CHECK.
        {
            auto tx = co_await Begin(lease, As(orgs.a, orgs.a_admin, "admin"));
            bool refused = false;
            try {
                co_await lease.Exec(kInsertForeign, orgs.b, "intruder@tenancy.test");
            } catch (const db::SqlError& e) {
                refused = e.SqlState() == "42501";
            }
            EXPECT_TRUE(refused);
            co_await tx.Rollback();
        }
        {
            auto tx = co_await Begin(lease, As(orgs.a, orgs.a_admin, "admin"));
            bool refused = false;
            try {
                co_await lease.Exec(kForeignAudit, orgs.b);
            } catch (const db::SqlError& e) {
                refused = e.SqlState() == "42501";
            }
            EXPECT_TRUE(refused);
            co_await tx.Rollback();
        }

        // The owner's escape hatch does nothing for rounds_app.
        {
            auto tx = co_await Begin(lease, As(orgs.a, orgs.a_admin, "admin"));
            co_await lease.Command("SELECT set_config('rounds.admin', 'on', true)");
            r = co_await lease.Exec(kAllOrgs);
            EXPECT_EQ(r.Rows(), 1);
            co_await tx.Rollback();
        }
    });
}

TEST(Tenancy, ManagersSeeTheirTeamRepsSeeThemselves) {
    ROUNDS_REQUIRE_DB();
    ASSERT_FALSE(AppUrl().empty());
    TwoOrgs orgs;
    asio::io_context ioc;
    db::Pool pool(ioc, OneAppConnection());
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool.Acquire();
        auto tx = co_await Begin(lease, As(orgs.a, orgs.a_manager, "manager"));
        db::Result r = co_await lease.Exec(kVisible);
        std::vector<std::string> seen = FirstColumn(r);
        std::vector<std::string> want;
        want.push_back(orgs.a_manager);
        want.push_back(orgs.a_rep);
        std::sort(want.begin(), want.end());
        EXPECT_EQ(seen, want);
        co_await tx.Rollback();

        auto tx2 = co_await Begin(lease, As(orgs.a, orgs.a_rep, "rep"));
        r = co_await lease.Exec(kVisible);
        EXPECT_EQ(r.Rows(), 1);
        if (r.Rows() == 1) {
            EXPECT_EQ(r.Get(0, 0), orgs.a_rep);
        }
        co_await tx2.Rollback();

        // A manager of org A claiming a user of org B as "team" sees nothing of B.
        auto tx3 = co_await Begin(lease, As(orgs.b, orgs.a_manager, "manager"));
        r = co_await lease.Exec(kAllUsers);
        for (int i = 0; i < r.Rows(); ++i) {
            EXPECT_EQ(r.Get(i, 0), orgs.b);
        }
        co_await tx3.Rollback();
    });
}

// crm.visible_user_ids() remembers its answer for the transaction (0035): the memory must never outlive a change of
// the team, a change of the caller's settings inside the transaction, or the transaction itself.
TEST(Tenancy, RememberedTeamFollowsTeamAndCallerChanges) {
    ROUNDS_REQUIRE_DB();
    ASSERT_FALSE(AppUrl().empty());
    TwoOrgs orgs;
    asio::io_context ioc;
    db::Pool pool(ioc, OneAppConnection());
    static constexpr db::Statement kDropFromTeam{"tt_drop_from_team",
                                                 "UPDATE crm.app_user SET manager_id = NULL WHERE id = $1"};
    static constexpr db::Statement kBecome{
        "tt_become", "SELECT set_config('rounds.user_id', $1, true), set_config('rounds.role', $2, true)"};
    std::vector<std::string> team{orgs.a_manager, orgs.a_rep};
    std::sort(team.begin(), team.end());
    const std::vector<std::string> manager_only(1, orgs.a_manager);
    const std::vector<std::string> rep_only(1, orgs.a_rep);
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool.Acquire();
        {
            auto tx = co_await Begin(lease, As(orgs.a, orgs.a_manager, "manager"));
            EXPECT_EQ(FirstColumn(co_await lease.Exec(kVisible)), team);
            EXPECT_EQ(FirstColumn(co_await lease.Exec(kVisible)), team);  // the remembered answer is the same
            // The rep leaves the team: the next statement of the same transaction no longer sees them.
            co_await lease.Exec(kDropFromTeam, orgs.a_rep);
            EXPECT_EQ(FirstColumn(co_await lease.Exec(kVisible)), manager_only);
            // Another caller in the same transaction computes their own team.
            co_await lease.Exec(kBecome, orgs.a_rep, "rep");
            EXPECT_EQ(FirstColumn(co_await lease.Exec(kVisible)), rep_only);
            co_await tx.Rollback();
        }
        {
            // The rolled-back change and the memory are gone with the transaction.
            auto tx = co_await Begin(lease, As(orgs.a, orgs.a_manager, "manager"));
            EXPECT_EQ(FirstColumn(co_await lease.Exec(kVisible)), team);
            co_await tx.Rollback();
        }
        {
            auto tx = co_await Begin(lease, As(orgs.a, orgs.a_rep, "rep"));
            EXPECT_EQ(FirstColumn(co_await lease.Exec(kVisible)), rep_only);
            co_await tx.Rollback();
        }
    });
}

}  // namespace
}  // namespace rounds::tenancy
