#include "jobs/queue.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "db/migrate.h"
#include "db/test_db.h"

namespace rounds::jobs {
namespace {

class JobsTest : public ::testing::Test {
protected:
    void SetUp() override {
        ROUNDS_REQUIRE_DB();
        scratch_ = std::make_unique<db::testing::ScratchDatabase>("rounds_t_jobs");
        conn_ = std::make_unique<db::SyncConnection>(scratch_->Url());
        db::ApplyMigrations(*conn_, db::EmbeddedMigrations());
    }
    std::unique_ptr<db::testing::ScratchDatabase> scratch_;
    std::unique_ptr<db::SyncConnection> conn_;
};

TEST_F(JobsTest, RunsRegisteredHandlersAndRetriesFailures) {
    Enqueue(*conn_, "greet", R"({"name":"Ada"})");
    Enqueue(*conn_, "flaky", "{}", std::chrono::seconds(0), 2);
    Enqueue(*conn_, "unknown_kind", "{}", std::chrono::seconds(0), 1);
    Worker w(*conn_, "test-worker");
    std::string seen;
    w.Register("greet", [&](const Job& j) { seen = j.payload; });
    w.Register("flaky", [](const Job&) { throw std::runtime_error("boom"); });
    std::atomic<bool> stop{false};
    EXPECT_EQ(w.Run(stop, true, std::chrono::milliseconds(10)), 3);
    EXPECT_EQ(seen, R"({"name": "Ada"})");
    auto r = conn_->Exec("SELECT kind, status, attempts, coalesce(last_error, '') FROM ops.job ORDER BY id");
    EXPECT_EQ(r.Get(0, 1), "done");
    EXPECT_EQ(r.Get(1, 1), "queued");  // retried later with back-off
    EXPECT_EQ(r.Get(1, 3), "boom");
    EXPECT_EQ(r.Get(2, 1), "failed");  // max_attempts 1
    EXPECT_NE(std::string(r.Get(2, 3)).find("unknown_kind"), std::string::npos);
}

TEST_F(JobsTest, ConcurrentWorkersNeverTakeTheSameJob) {
    for (int i = 0; i < 40; ++i) {
        Enqueue(*conn_, "count", "{\"i\":" + std::to_string(i) + "}");
    }
    std::mutex mu;
    std::multiset<int64_t> done;
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&, t] {
            db::SyncConnection c(scratch_->Url());
            Worker w(c, "w" + std::to_string(t));
            w.Register("count", [&](const Job& j) {
                std::lock_guard lock(mu);
                done.insert(j.id);
            });
            std::atomic<bool> stop{false};
            w.Run(stop, true, std::chrono::milliseconds(10));
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(done.size(), 40U);
    for (auto id : done) {
        EXPECT_EQ(done.count(id), 1U);
    }
}

TEST_F(JobsTest, EnqueueFollowsTheTransaction) {
    conn_->ExecScript("BEGIN");
    Enqueue(*conn_, "rolled_back", "{}");
    conn_->ExecScript("ROLLBACK");
    EXPECT_FALSE(ClaimNext(*conn_, "w").has_value());
}

}  // namespace
}  // namespace rounds::jobs
