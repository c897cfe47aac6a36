#include "db/pool.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "core/error.h"
#include "db/sql_error.h"
#include "db/test_db.h"

namespace rounds::db {
namespace {

namespace asio = boost::asio;

/// Runs a coroutine to completion on a fresh io_context and rethrows its exception.
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

constexpr Statement kEcho{"test_echo", "SELECT $1::text || '!', $2::int + 1, $3::text IS NULL"};
constexpr Statement kBad{"test_bad_cast", "SELECT $1::int"};
constexpr Statement kOk{"test_ok", "SELECT 1"};
constexpr Statement kOne{"test_one", "SELECT 1"};
constexpr Statement kPid{"test_pid", "SELECT pg_backend_pid()"};

PoolOptions Options(std::string url, int size = 2) {
    PoolOptions o;
    o.url = std::move(url);
    o.max_size = size;
    o.wait_timeout = std::chrono::milliseconds(300);
    o.connect_timeout = std::chrono::milliseconds(2000);
    return o;
}

TEST(Pool, RunsPreparedStatementsWithBoundParameters) {
    ROUNDS_REQUIRE_DB();
    asio::io_context ioc;
    Pool pool(ioc, Options(testing::TestDatabaseUrl()));
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool.Acquire();
        // Quotes and semicolons in a parameter are data, never SQL.
        Result r = co_await lease.Exec(kEcho, "O'Brien; DROP TABLE x", 41, std::nullopt);
        EXPECT_EQ(r.Get(0, 0), "O'Brien; DROP TABLE x!");
        EXPECT_EQ(r.GetInt(0, 1), 42);
        EXPECT_TRUE(r.GetBool(0, 2));
        r = co_await lease.Exec(kEcho, "again", "1", "x");  // prepared once, reused
        EXPECT_EQ(r.GetInt(0, 1), 2);
    });
}

TEST(Pool, SqlErrorsCarrySqlStateAndLeaveConnectionUsable) {
    ROUNDS_REQUIRE_DB();
    asio::io_context ioc;
    Pool pool(ioc, Options(testing::TestDatabaseUrl(), 1));
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        auto lease = co_await pool.Acquire();
        std::string state;
        try {
            co_await lease.Exec(kBad, "not a number");
        } catch (const SqlError& e) {
            state = e.SqlState();
        }
        EXPECT_EQ(state, "22P02");
        EXPECT_EQ(MapSqlError(SqlError(state, "")).Kind(), core::ErrorKind::kInvalid);
        Result r = co_await lease.Exec(kOk);
        EXPECT_EQ(r.GetInt(0, 0), 1);
    });
}

TEST(Pool, WaitIsBoundedAndWaitersAreServedOnRelease) {
    ROUNDS_REQUIRE_DB();
    asio::io_context ioc;
    Pool pool(ioc, Options(testing::TestDatabaseUrl(), 1));
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        auto held = co_await pool.Acquire();
        bool timed_out = false;
        try {
            auto second = co_await pool.Acquire();
        } catch (const core::Error& e) {
            timed_out = e.Kind() == core::ErrorKind::kUnavailable && e.RetryAfter() > 0;
        }
        EXPECT_TRUE(timed_out);
        EXPECT_EQ(pool.Stats().timeouts, 1U);
        // A waiter gets the connection as soon as it is released.
        asio::steady_timer t(ioc);
        t.expires_after(std::chrono::milliseconds(50));
        t.async_wait([&](boost::system::error_code) { held = Lease(); });
        auto third = co_await pool.Acquire();
        Result r = co_await third.Exec(kOne);
        EXPECT_EQ(r.GetInt(0, 0), 1);
        EXPECT_EQ(pool.Stats().size, 1);
    });
}

TEST(Pool, ReplacesConnectionsTheServerKilled) {
    ROUNDS_REQUIRE_DB();
    asio::io_context ioc;
    Pool pool(ioc, Options(testing::TestDatabaseUrl(), 1));
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        std::string pid;
        {
            auto lease = co_await pool.Acquire();
            pid = std::string((co_await lease.Exec(kPid)).Get(0, 0));
        }
        SyncConnection killer(testing::TestDatabaseUrl());
        killer.Exec("SELECT pg_terminate_backend($1::int)", std::vector<Param>{pid});
        // Give the server a moment to close the socket, then the pool must hand out a live connection.
        asio::steady_timer t(ioc);
        t.expires_after(std::chrono::milliseconds(100));
        co_await t.async_wait(asio::use_awaitable);
        auto lease = co_await pool.Acquire();
        std::string new_pid((co_await lease.Exec(kPid)).Get(0, 0));
        EXPECT_NE(new_pid, pid);
        EXPECT_GE(pool.Stats().discarded, 1U);
    });
}

TEST(Pool, UnreachableDatabaseIsUnavailableNotACrash) {
    asio::io_context ioc;
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    Pool pool(ioc, Options("postgresql://nobody@127.0.0.1:1/none", 2));
    RunAsync(ioc, [&]() -> asio::awaitable<void> {
        bool unavailable = false;
        try {
            auto lease = co_await pool.Acquire();
        } catch (const core::Error& e) {
            unavailable = e.Kind() == core::ErrorKind::kUnavailable;
        }
        EXPECT_TRUE(unavailable);
        EXPECT_EQ(pool.Stats().size, 0);
        EXPECT_EQ(pool.Stats().connect_errors, 1U);
    });
}

}  // namespace
}  // namespace rounds::db
