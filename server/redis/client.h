#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct redisContext;

namespace rounds::redis {

/// Where and how to reach Redis: `redis://[:password@]host[:port][/db]` (also `redis://user:password@…`).
struct Endpoint {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string user;
    std::string password;
    int db = 0;
};

/// Parses a redis:// URL. Throws core::Error(kInvalid) naming what is wrong.
Endpoint ParseUrl(const std::string& url);

struct Options {
    std::string url;
    int connections = 4;  // blocking connections, each used by one call at a time
    std::chrono::milliseconds connect_timeout{200};
    std::chrono::milliseconds command_timeout{100};
    std::chrono::milliseconds retry_after_failure{1000};  // no new connection attempt sooner than this
};

/// One reply, flattened to what Rounds uses: nil, a string (bulk or status), an integer, an array of those,
/// or an error (kError with the message in `str`).
struct Reply {
    enum class Type { kNil, kString, kInteger, kArray, kError };
    Type type = Type::kNil;
    std::string str;
    int64_t integer = 0;
    std::vector<Reply> elements;
    bool IsNil() const { return type == Type::kNil; }
    bool IsError() const { return type == Type::kError; }
};

/// A small Redis client for the shared cache and the shared rate limit. hiredis is blocking, so commands run
/// on the client's own threads and the calling coroutine resumes on its executor when the reply is in: an I/O
/// thread never waits on Redis. A command that cannot be sent or answered in time throws core::Error
/// (kUnavailable); the callers treat that as "Redis is down" and fall back to their in-process behaviour.
/// After a failure no reconnect is tried for `retry_after_failure`, so an outage costs one timeout per
/// period, not one per request.
class Client {
  public:
    explicit Client(Options options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    boost::asio::awaitable<Reply> Command(std::vector<std::string> args);
    /// The same, blocking the calling thread (CLIs and tests).
    Reply CommandBlocking(const std::vector<std::string>& args);

    const Endpoint& Target() const { return endpoint_; }
    uint64_t Failures() const { return failures_.load(std::memory_order_relaxed); }

  private:
    struct Conn;
    std::unique_ptr<Conn> Take();
    void Give(std::unique_ptr<Conn> conn);
    std::unique_ptr<Conn> Connect();

    Options options_;
    Endpoint endpoint_;
    boost::asio::thread_pool threads_;
    std::mutex mu_;
    std::vector<std::unique_ptr<Conn>> idle_;
    std::atomic<int64_t> down_until_ms_{0};
    std::atomic<uint64_t> failures_{0};
};

}  // namespace rounds::redis
