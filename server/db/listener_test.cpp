#include "db/listener.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "db/test_db.h"

namespace rounds::db {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Seen {
    std::vector<Notification> notes;
    std::vector<bool> states;
};

/// Waits (on the io_context, so the listener keeps running) until `done()` or 10 s.
asio::awaitable<bool> Eventually(const std::function<bool()>& done) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int i = 0; i < 1000; ++i) {
        if (done()) {
            co_return true;
        }
        timer.expires_after(10ms);
        co_await timer.async_wait(asio::use_awaitable);
    }
    co_return done();
}

TEST(Listener, RefusesChannelsThatAreNotPlainIdentifiers) {
    asio::io_context ioc;
    PoolOptions o;
    EXPECT_THROW(Listener(ioc, o, {"x; DROP TABLE y"}, {}), std::invalid_argument);
    EXPECT_THROW(Listener(ioc, o, {"Upper"}, {}), std::invalid_argument);
    EXPECT_THROW(Listener(ioc, o, {}, {}), std::invalid_argument);
}

TEST(Listener, DeliversNotificationsAndComesBackAfterTheConnectionIsKilled) {
    ROUNDS_REQUIRE_DB();
    asio::io_context ioc;
    PoolOptions o;
    o.url = testing::TestDatabaseUrl();
    o.application_name = "rounds-listener-test";
    Seen seen;
    Listener listener(ioc, o, {"rounds_test_a", "rounds_test_b"},
                      {[&](const Notification& n) { seen.notes.push_back(n); },
                       [&](bool listening) { seen.states.push_back(listening); }});
    PoolOptions other = o;
    other.application_name = "rounds-listener-test-sender";
    Pool pool(ioc, other);
    std::exception_ptr failure;
    listener.Start();
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            EXPECT_TRUE(co_await Eventually([&] { return listener.Listening(); }));
            auto lease = co_await pool.Acquire();
            co_await lease.Command("NOTIFY rounds_test_a, 'one'");
            co_await lease.Command("NOTIFY rounds_test_other, 'not listened to'");
            co_await lease.Command("SELECT pg_notify('rounds_test_b', 'two')");
            EXPECT_TRUE(co_await Eventually([&] { return seen.notes.size() >= 2; }));
            // A notification sent inside a transaction arrives only if it commits.
            co_await lease.Command("BEGIN; NOTIFY rounds_test_a, 'rolled back'; ROLLBACK");
            // Kill the listening backend: the listener notices, reconnects and listens again.
            co_await lease.Command(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'rounds-listener-test' AND pid <> pg_backend_pid()");
            EXPECT_TRUE(co_await Eventually([&] { return seen.states.size() >= 3 && listener.Listening(); }));
            co_await lease.Command("NOTIFY rounds_test_a, 'three'");
            EXPECT_TRUE(co_await Eventually([&] { return seen.notes.size() >= 3; }));
            ioc.stop();
        },
        [&](std::exception_ptr ep) {
            failure = ep;
            ioc.stop();
        });
    ioc.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
    ASSERT_EQ(seen.notes.size(), 3U);
    EXPECT_EQ(seen.notes[0].channel, "rounds_test_a");
    EXPECT_EQ(seen.notes[0].payload, "one");
    EXPECT_EQ(seen.notes[1].channel, "rounds_test_b");
    EXPECT_EQ(seen.notes[1].payload, "two");
    EXPECT_EQ(seen.notes[2].payload, "three");
    // listening, lost, listening again.
    EXPECT_EQ(seen.states, (std::vector<bool>{true, false, true}));
}

}  // namespace
}  // namespace rounds::db
