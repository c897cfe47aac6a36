#include "db/migrate.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/error.h"
#include "db/sql_error.h"
#include "db/test_db.h"

namespace rounds::db {
namespace {

TEST(Migrate, VersionFromFileName) {
    EXPECT_EQ(VersionOf("0001_foundation.sql"), 1);
    EXPECT_EQ(VersionOf("0120_crm.sql"), 120);
    EXPECT_THROW(VersionOf("foundation.sql"), std::invalid_argument);
    EXPECT_THROW(VersionOf("0001_foundation.txt"), std::invalid_argument);
    EXPECT_THROW(VersionOf("x001_a.sql"), std::invalid_argument);
}

TEST(Migrate, EmbeddedFilesAreOrderedAndUnique) {
    const auto& ms = EmbeddedMigrations();
    ASSERT_FALSE(ms.empty());
    EXPECT_EQ(ms.front().version, 1);
    for (size_t i = 1; i < ms.size(); ++i) {
        EXPECT_LT(ms[i - 1].version, ms[i].version) << ms[i].name;
    }
    for (const auto& m : ms) {
        EXPECT_EQ(VersionOf(m.name), m.version);
        EXPECT_FALSE(m.sql.empty()) << m.name;
    }
}

TEST(Migrate, AppliesOnceAndIsIdempotent) {
    ROUNDS_REQUIRE_DB();
    testing::ScratchDatabase scratch("rounds_t_migrate_once");
    SyncConnection conn(scratch.Url());
    EXPECT_EQ(AppliedVersion(conn), 0);
    auto first = ApplyMigrations(conn, EmbeddedMigrations());
    EXPECT_EQ(first.applied.size(), EmbeddedMigrations().size());
    EXPECT_EQ(first.current_version, LatestVersion(EmbeddedMigrations()));
    auto second = ApplyMigrations(conn, EmbeddedMigrations());
    EXPECT_TRUE(second.applied.empty());
}

TEST(Migrate, ConcurrentRunnersApplyEachFileOnce) {
    ROUNDS_REQUIRE_DB();
    testing::ScratchDatabase scratch("rounds_t_migrate_race");
    std::vector<Migration> ms = {{1, "0001_a.sql", "CREATE TABLE race_a (id int); SELECT pg_sleep(0.2);"},
                                 {2, "0002_b.sql", "CREATE TABLE race_b (id int);"}};
    size_t applied_total = 0;
    std::mutex mu;
    std::vector<std::thread> threads;
    std::vector<std::string> errors;
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&] {
            try {
                SyncConnection conn(scratch.Url());
                auto r = ApplyMigrations(conn, ms);
                std::lock_guard lock(mu);
                applied_total += r.applied.size();
            } catch (const std::exception& e) {
                std::lock_guard lock(mu);
                errors.emplace_back(e.what());
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_TRUE(errors.empty()) << errors.front();
    EXPECT_EQ(applied_total, 2U);
}

TEST(Migrate, FailingFileIsRolledBackAndNamed) {
    ROUNDS_REQUIRE_DB();
    testing::ScratchDatabase scratch("rounds_t_migrate_fail");
    SyncConnection conn(scratch.Url());
    std::vector<Migration> ms = {{1, "0001_ok.sql", "CREATE TABLE ok_t (id int);"},
                                 {2, "0002_bad.sql", "CREATE TABLE half_t (id int); SELECT no_such_function();"}};
    try {
        ApplyMigrations(conn, ms);
        FAIL() << "expected failure";
    } catch (const SqlError& e) {
        EXPECT_NE(std::string(e.what()).find("0002_bad.sql"), std::string::npos);
    }
    EXPECT_EQ(AppliedVersion(conn), 1);
    auto r = conn.Exec("SELECT to_regclass('half_t') IS NULL");
    EXPECT_TRUE(r.GetBool(0, 0)) << "the failed file's table must not survive";
}

TEST(Migrate, ChangedFileIsRefused) {
    ROUNDS_REQUIRE_DB();
    testing::ScratchDatabase scratch("rounds_t_migrate_changed");
    SyncConnection conn(scratch.Url());
    ApplyMigrations(conn, {{1, "0001_a.sql", "CREATE TABLE a_t (id int);"}});
    try {
        ApplyMigrations(conn, {{1, "0001_a.sql", "CREATE TABLE a_t (id bigint);"}});
        FAIL() << "expected refusal";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kConflict);
        EXPECT_NE(e.Detail().find("0001_a.sql"), std::string::npos);
    }
}

TEST(Migrate, NewerDatabaseIsRefused) {
    ROUNDS_REQUIRE_DB();
    testing::ScratchDatabase scratch("rounds_t_migrate_newer");
    SyncConnection conn(scratch.Url());
    ApplyMigrations(conn, {{1, "0001_a.sql", "SELECT 1;"}, {2, "0002_b.sql", "SELECT 2;"}});
    EXPECT_THROW(ApplyMigrations(conn, {{1, "0001_a.sql", "SELECT 1;"}}), core::Error);
}

}  // namespace
}  // namespace rounds::db
