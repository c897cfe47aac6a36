// Runs against a real redis-server started by the test on a free loopback port (installed by scripts/deps.sh).
#include "redis/client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <thread>

#include "core/error.h"
#include "redis/shared.h"

namespace rounds::redis {
namespace {

int FreePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

class RedisServer {
  public:
    RedisServer() : port_(FreePort()) { Start(); }
    ~RedisServer() { Stop(); }
    void Start() {
        const std::string port = std::to_string(port_);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execl("/usr/bin/redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save",
                    "", "--appendonly", "no", "--loglevel", "warning", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        Options o;
        o.url = Url();
        Client probe(o);
        for (int i = 0; i < 100; ++i) {
            try {
                if (probe.CommandBlocking({"PING"}).str == "PONG") {
                    return;
                }
            } catch (const core::Error&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the client's back-off
        }
        FAIL() << "redis-server did not start on port " << port_;
    }
    void Stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    std::string Url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  private:
    int port_;
    pid_t pid_ = -1;
};

template <typename T>
T Await(boost::asio::awaitable<T> a) {
    boost::asio::io_context ioc;
    auto f = boost::asio::co_spawn(ioc, std::move(a), boost::asio::use_future);
    ioc.run();
    return f.get();
}

TEST(RedisUrl, ParsesEveryPart) {
    Endpoint e = ParseUrl("redis://:s3cret@cache.internal:6380/2");
    EXPECT_EQ(e.host, "cache.internal");
    EXPECT_EQ(e.port, 6380);
    EXPECT_EQ(e.password, "s3cret");
    EXPECT_EQ(e.user, "");
    EXPECT_EQ(e.db, 2);
    Endpoint u = ParseUrl("redis://app:pw@10.0.0.5");
    EXPECT_EQ(u.user, "app");
    EXPECT_EQ(u.password, "pw");
    EXPECT_EQ(u.port, 6379);
    EXPECT_EQ(ParseUrl("redis://localhost/").db, 0);
}

TEST(RedisUrl, RejectsBadUrlsNamingTheSetting) {
    for (const char* bad :
         {"http://x", "redis://", "redis://h:99999", "redis://h:abc", "redis://h/16", "redis://h/x"}) {
        try {
            ParseUrl(bad);
            ADD_FAILURE() << bad;
        } catch (const core::Error& e) {
            EXPECT_EQ(e.Kind(), core::ErrorKind::kInvalid) << bad;
            EXPECT_NE(std::string(e.Detail()).find("redis-url"), std::string::npos) << e.Detail();
        }
    }
}

TEST(RedisClient, CommandsRoundTripBinarySafe) {
    RedisServer server;
    Options o;
    o.url = server.Url();
    Client c(o);
    const std::string value("a\0b\r\nc", 6);
    EXPECT_EQ(Await(c.Command({"SET", "k", value})).str, "OK");
    Reply got = Await(c.Command({"GET", "k"}));
    EXPECT_EQ(got.type, Reply::Type::kString);
    EXPECT_EQ(got.str, value);
    EXPECT_TRUE(Await(c.Command({"GET", "absent"})).IsNil());
    EXPECT_EQ(Await(c.Command({"INCRBY", "n", "5"})).integer, 5);
    EXPECT_TRUE(Await(c.Command({"NOSUCHCOMMAND"})).IsError());
}

TEST(SharedRateLimiter, OneBucketAcrossInstancesThenRefills) {
    RedisServer server;
    Options o;
    o.url = server.Url();
    Client a(o);
    Client b(o);  // a second instance
    SharedRateLimiter la(a, 2.0, 3.0);
    SharedRateLimiter lb(b, 2.0, 3.0);
    EXPECT_EQ(Await(la.Take({"ip:1.2.3.4"})), 0.0);
    EXPECT_EQ(Await(lb.Take({"ip:1.2.3.4"})), 0.0);
    EXPECT_EQ(Await(la.Take({"ip:1.2.3.4"})), 0.0);
    const std::optional<double> wait = Await(lb.Take({"ip:1.2.3.4"}));
    ASSERT_TRUE(wait.has_value());
    EXPECT_GT(*wait, 0.3);
    EXPECT_LE(*wait, 0.5);
    // Another key is untouched; the denied key refills at the rate.
    EXPECT_EQ(Await(la.Take({"ip:5.6.7.8"})), 0.0);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    EXPECT_EQ(Await(la.Take({"ip:1.2.3.4"})), 0.0);
    // Two keys at once: denied when either is empty.
    for (int i = 0; i < 3; ++i) {
        Await(la.Take({"user:u1"}));
    }
    EXPECT_GT(Await(la.Take({"ip:9.9.9.9", "user:u1"})).value_or(0), 0.0);
}

TEST(SharedCache, VersionedKeysAndOutagesReadAsMisses) {
    auto server = std::make_unique<RedisServer>();
    Options o;
    o.url = server->Url();
    o.command_timeout = std::chrono::milliseconds(50);
    o.connect_timeout = std::chrono::milliseconds(50);
    Client c(o);
    SharedCache cache(c, 60);
    Await(cache.Put("profile:1", 7, "{\"a\":1}"));
    EXPECT_EQ(Await(cache.Get("profile:1", 7)).value_or(""), "{\"a\":1}");
    EXPECT_FALSE(Await(cache.Get("profile:1", 8)).has_value()) << "a newer release never reads an old body";
    EXPECT_EQ(cache.Hits(), 1u);
    EXPECT_EQ(cache.Misses(), 1u);
    const int64_t ttl = Await(c.Command({"TTL", SharedCache::Key("profile:1", 7)})).integer;
    EXPECT_GT(ttl, 0);
    EXPECT_LE(ttl, 60);

    server->Stop();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(Await(cache.Get("profile:1", 7)).has_value());
    EXPECT_FALSE(Await(cache.Get("profile:1", 7)).has_value());
    Await(cache.Put("profile:2", 7, "x"));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << "an outage costs one timeout";
    EXPECT_GE(cache.Errors(), 3u);
    EXPECT_GE(c.Failures(), 1u);
    SharedRateLimiter limiter(c, 1, 1);
    EXPECT_FALSE(Await(limiter.Take({"ip:x"})).has_value()) << "the caller falls back to its own limiter";
}

}  // namespace
}  // namespace rounds::redis
