#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "db/result.h"

namespace boost::asio {
class io_context;
}

namespace rounds::db {

/// A named SQL statement. Repositories declare these as constants; the name is used for the prepared
/// statement, in metrics and in logs.
struct Statement {
    std::string_view name;
    std::string_view sql;
};

struct PoolOptions {
    std::string url;
    int max_size = 16;
    std::chrono::milliseconds wait_timeout{2000};
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds statement_timeout{5000};
    std::string application_name = "rounds";
    /// Extra session settings, as `-c name=value` words for the connection's `options` (e.g. the trigram
    /// similarity threshold of name search).
    std::string session_options;
};

struct PoolStats {
    int size = 0;  // open connections (idle + in use + being opened)
    int idle = 0;
    int waiters = 0;
    uint64_t acquired = 0;
    uint64_t timeouts = 0;  // acquisitions that gave up after wait_timeout
    uint64_t connect_errors = 0;
    uint64_t discarded = 0;  // connections dropped as broken
    double wait_seconds_total = 0;
};

inline Param ToParam(std::nullopt_t) {
    return std::nullopt;
}
inline Param ToParam(std::string v) {
    return Param(std::move(v));
}
inline Param ToParam(std::string_view v) {
    return Param(std::string(v));
}
inline Param ToParam(const char* v) {
    return Param(std::string(v));
}
inline Param ToParam(Param v) {
    return v;
}
template <typename T>
requires std::is_arithmetic_v<T> Param ToParam(T v) {
    return Param(std::to_string(v));
}

/// A PostgreSQL NOTIFY received on a connection that LISTENs.
struct Notification {
    std::string channel;
    std::string payload;
};

class Pool;
struct Connection;
struct PoolImpl;

/// A connection on loan from the pool; returned when the lease is destroyed (dropped instead when it broke
/// or was left inside a transaction). All queries are asynchronous: a coroutine awaiting the database
/// holds no thread.
class Lease {
  public:
    Lease() = default;
    Lease(std::shared_ptr<PoolImpl> pool, Connection* conn) : pool_(std::move(pool)), conn_(conn) {}
    Lease(Lease&& other) noexcept : pool_(std::move(other.pool_)), conn_(other.conn_) { other.conn_ = nullptr; }
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    /// Runs a prepared statement (prepared once per connection) with text parameters. Throws SqlError for
    /// SQL errors, core::Error(kUnavailable) when the connection fails or times out.
    boost::asio::awaitable<Result> ExecParams(const Statement& stmt, std::vector<Param> params);
    /// The same with parameters given one by one: strings, numbers, std::nullopt (NULL) or optionals.
    /// (A variadic call also sidesteps a GCC 12 bug with braced lists inside co_await expressions.)
    template <typename... Args>
    boost::asio::awaitable<Result> Exec(const Statement& stmt, Args&&... args) {
        std::vector<Param> params;
        params.reserve(sizeof...(args));
        (params.push_back(ToParam(std::forward<Args>(args))), ...);
        return ExecParams(stmt, std::move(params));
    }
    /// Runs an unprepared, parameterless command (BEGIN, COMMIT, SET LOCAL ...).
    boost::asio::awaitable<Result> Command(std::string_view sql);
    /// After LISTEN on this connection: waits up to `timeout` for notifications and returns those that came
    /// (none when the time ran out). Throws core::Error(kUnavailable) when the connection is lost.
    boost::asio::awaitable<std::vector<Notification>> WaitNotifications(std::chrono::milliseconds timeout);

  private:
    // Shared, so a lease destroyed after the pool (a coroutine frame torn down with the io_context) is safe.
    std::shared_ptr<PoolImpl> pool_;
    Connection* conn_ = nullptr;
};

/// A bounded pool of non-blocking libpq connections driven by Asio. Acquire waits at most wait_timeout, then
/// throws core::Error(kUnavailable) with Retry-After; broken connections are detected at checkout and
/// replaced, so the pool recovers by itself when PostgreSQL comes back.
class Pool {
  public:
    Pool(boost::asio::io_context& ioc, PoolOptions options);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    boost::asio::awaitable<Lease> Acquire();
    PoolStats Stats() const;
    /// Appends the pool's Prometheus series, labelled with `name` (primary, replica).
    void RenderMetrics(std::string& out, std::string_view name) const;

  private:
    std::shared_ptr<PoolImpl> impl_;
};

}  // namespace rounds::db
