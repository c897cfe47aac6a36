// Asynchronous libpq on Asio: connections run in non-blocking mode and coroutines await readiness of the
// connection's socket, so a query never holds an I/O thread.
#include "db/pool.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <deque>
#include <mutex>
#include <unordered_set>

#include "core/error.h"
#include "core/log.h"
#include "db/sql_error.h"

namespace rounds::db {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
using Channel = asio::experimental::concurrent_channel<void(boost::system::error_code, Connection*)>;

struct Connection {
    PGconn* pg = nullptr;
    std::unique_ptr<asio::posix::stream_descriptor> socket;
    std::unordered_set<std::string> prepared;
    bool broken = false;

    ~Connection() {
        // libpq owns the file descriptor: release it from Asio before PQfinish closes it.
        if (socket) {
            socket->release();
        }
        if (pg != nullptr) {
            PQfinish(pg);
        }
    }
};

namespace {

core::Error Unavailable(std::string detail, std::string internal = {}) {
    return core::Error(core::ErrorKind::kUnavailable, std::move(detail), {}, std::move(internal)).WithRetryAfter(1);
}

std::string Trimmed(const char* msg) {
    std::string s = msg != nullptr ? msg : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

void BindSocket(Connection& c, asio::io_context& ioc) {
    int fd = PQsocket(c.pg);
    if (c.socket && c.socket->native_handle() == fd) {
        return;
    }
    if (c.socket) {
        c.socket->release();
    }
    c.socket = std::make_unique<asio::posix::stream_descriptor>(ioc, fd);
}

/// Waits until the connection's socket is ready, or throws when the deadline passes first.
asio::awaitable<void> WaitReady(Connection& c, asio::posix::descriptor_base::wait_type what,
                                Clock::time_point deadline) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(deadline);
    auto result = co_await (c.socket->async_wait(what, asio::as_tuple(asio::use_awaitable)) ||
                            timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (result.index() == 1) {
        c.broken = true;
        throw Unavailable("the database did not answer in time");
    }
    auto [ec] = std::get<0>(result);
    if (ec) {
        c.broken = true;
        throw Unavailable("the database connection failed", ec.message());
    }
}

asio::awaitable<void> Flush(Connection& c, Clock::time_point deadline) {
    for (;;) {
        int r = PQflush(c.pg);
        if (r == 0) {
            co_return;
        }
        if (r < 0) {
            c.broken = true;
            throw Unavailable("the database connection failed", Trimmed(PQerrorMessage(c.pg)));
        }
        co_await WaitReady(c, asio::posix::descriptor_base::wait_write, deadline);
    }
}

/// Reads every result of the command just sent; returns the last one or throws the first error.
asio::awaitable<Result> ReadResults(Connection& c, Clock::time_point deadline) {
    Result last;
    std::optional<SqlError> error;
    for (;;) {
        while (PQisBusy(c.pg) != 0) {
            co_await WaitReady(c, asio::posix::descriptor_base::wait_read, deadline);
            if (PQconsumeInput(c.pg) == 0) {
                c.broken = true;
                throw Unavailable("the database connection was lost", Trimmed(PQerrorMessage(c.pg)));
            }
        }
        PGresult* raw = PQgetResult(c.pg);
        if (raw == nullptr) {
            break;
        }
        Result r(raw);
        if (!error) {
            try {
                CheckResult(c.pg, raw);
                last = std::move(r);
            } catch (const SqlError& e) {
                error = e;
            }
        }
    }
    if (PQstatus(c.pg) != CONNECTION_OK) {
        c.broken = true;
        throw Unavailable("the database connection was lost", error ? error->what() : "");
    }
    if (error) {
        // Server shutting down (57P01..57P03) or crash recovery: the connection is finished.
        if (error->SqlState().starts_with("57P") || error->SqlState().starts_with("08")) {
            c.broken = true;
        }
        throw *error;
    }
    co_return last;
}

}  // namespace

struct PoolImpl : std::enable_shared_from_this<PoolImpl> {
    PoolImpl(asio::io_context& io, PoolOptions opts) : ioc(io), options(std::move(opts)) {}

    asio::io_context& ioc;
    PoolOptions options;
    mutable std::mutex mu;
    std::deque<std::unique_ptr<Connection>> idle;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> owned_in_use;
    int opening = 0;
    std::deque<std::shared_ptr<Channel>> waiters;
    PoolStats stats;

    void Release(Connection* conn);

    int SizeLocked() const { return static_cast<int>(idle.size() + owned_in_use.size()) + opening; }

    asio::awaitable<std::unique_ptr<Connection>> Open() {
        auto deadline = Clock::now() + options.connect_timeout;
        std::string opts =
            fmt::format("-c statement_timeout={} {}", options.statement_timeout.count(), options.session_options);
        const char* keys[] = {
            "dbname",           "options", "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
            "keepalives_count", nullptr};
        const char* values[] = {
            options.url.c_str(), opts.c_str(), options.application_name.c_str(), "1", "30", "10", "3", nullptr};
        auto c = std::make_unique<Connection>();
        c->pg = PQconnectStartParams(keys, values, 1);
        if (c->pg == nullptr || PQstatus(c->pg) == CONNECTION_BAD) {
            throw Unavailable("the database is unavailable",
                              c->pg != nullptr ? Trimmed(PQerrorMessage(c->pg)) : "out of memory");
        }
        PostgresPollingStatusType st = PGRES_POLLING_WRITING;
        while (st != PGRES_POLLING_OK) {
            if (st == PGRES_POLLING_FAILED) {
                throw Unavailable("the database is unavailable", Trimmed(PQerrorMessage(c->pg)));
            }
            BindSocket(*c, ioc);
            co_await WaitReady(*c,
                               st == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                           : asio::posix::descriptor_base::wait_write,
                               deadline);
            st = PQconnectPoll(c->pg);
        }
        BindSocket(*c, ioc);
        PQsetNoticeProcessor(
            c->pg, [](void*, const char*) {}, nullptr);
        if (PQsetnonblocking(c->pg, 1) != 0) {
            throw Unavailable("the database is unavailable", "PQsetnonblocking failed");
        }
        co_return c;
    }

    /// A cheap liveness check of an idle connection without a round trip: if the server closed the
    /// socket (restart, idle kill), consuming input fails or the status turns bad.
    static bool LooksAlive(Connection& c) {
        if (c.broken || PQstatus(c.pg) != CONNECTION_OK || PQtransactionStatus(c.pg) != PQTRANS_IDLE) {
            return false;
        }
        // An idle session has nothing to read: end-of-file means the server closed it, and bytes mean it
        // sent something unsolicited (a FATAL termination or shutdown notice) before closing.
        char probe = 0;
        ssize_t n = ::recv(PQsocket(c.pg), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || n > 0) {
            return false;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
};

Pool::Pool(asio::io_context& ioc, PoolOptions options) : impl_(std::make_shared<PoolImpl>(ioc, std::move(options))) {}

Pool::~Pool() = default;

asio::awaitable<Lease> Pool::Acquire() {
    auto& im = *impl_;
    auto started = Clock::now();
    auto deadline = started + im.options.wait_timeout;
    for (;;) {
        std::shared_ptr<Channel> waiter;
        bool open_new = false;
        {
            std::unique_lock lock(im.mu);
            while (!im.idle.empty()) {
                auto c = std::move(im.idle.front());
                im.idle.pop_front();
                if (!PoolImpl::LooksAlive(*c)) {
                    ++im.stats.discarded;
                    continue;  // dropped; the slot is free again
                }
                Connection* raw = c.get();
                im.owned_in_use.emplace(raw, std::move(c));
                ++im.stats.acquired;
                im.stats.wait_seconds_total += std::chrono::duration<double>(Clock::now() - started).count();
                co_return Lease(impl_, raw);
            }
            if (im.SizeLocked() < im.options.max_size) {
                ++im.opening;
                open_new = true;
            } else {
                waiter = std::make_shared<Channel>(im.ioc, 1);
                im.waiters.push_back(waiter);
            }
        }
        if (open_new) {
            std::unique_ptr<Connection> c;
            try {
                c = co_await im.Open();
            } catch (const core::Error&) {
                std::lock_guard lock(im.mu);
                --im.opening;
                ++im.stats.connect_errors;
                // A waiter may now try to open a connection itself.
                while (!im.waiters.empty()) {
                    auto w = im.waiters.front();
                    im.waiters.pop_front();
                    if (w->try_send(boost::system::error_code{}, nullptr)) {
                        break;
                    }
                }
                throw;
            }
            std::lock_guard lock(im.mu);
            --im.opening;
            Connection* raw = c.get();
            im.owned_in_use.emplace(raw, std::move(c));
            ++im.stats.acquired;
            im.stats.wait_seconds_total += std::chrono::duration<double>(Clock::now() - started).count();
            co_return Lease(impl_, raw);
        }
        if (Clock::now() >= deadline) {
            std::lock_guard lock(im.mu);
            std::erase(im.waiters, waiter);
            ++im.stats.timeouts;
            throw Unavailable("all database connections are busy; retry shortly");
        }
        asio::steady_timer timer(im.ioc);
        timer.expires_at(deadline);
        timer.async_wait([waiter](const boost::system::error_code& ec) {
            if (!ec) {
                waiter->try_send(asio::error::timed_out, nullptr);
            }
        });
        auto [ec, conn] = co_await waiter->async_receive(asio::as_tuple(asio::use_awaitable));
        timer.cancel();
        {
            std::lock_guard lock(im.mu);
            std::erase(im.waiters, waiter);
        }
        if (conn != nullptr) {
            std::lock_guard lock(im.mu);
            ++im.stats.acquired;
            im.stats.wait_seconds_total += std::chrono::duration<double>(Clock::now() - started).count();
            co_return Lease(impl_, conn);
        }
        if (ec == asio::error::timed_out) {
            std::lock_guard lock(im.mu);
            ++im.stats.timeouts;
            throw Unavailable("all database connections are busy; retry shortly");
        }
        // Woken without a connection: a slot was freed; loop to take an idle one or open a new one.
    }
}

void PoolImpl::Release(Connection* conn) {
    auto& im = *this;
    std::lock_guard lock(im.mu);
    auto it = im.owned_in_use.find(conn);
    if (it == im.owned_in_use.end()) {
        return;
    }
    std::unique_ptr<Connection> c = std::move(it->second);
    im.owned_in_use.erase(it);
    bool reusable = !c->broken && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    if (!reusable) {
        ++im.stats.discarded;
        c.reset();
    }
    // Hand a reusable connection straight to a waiter (it stays "in use"); otherwise wake one so it can open.
    while (!im.waiters.empty()) {
        auto w = im.waiters.front();
        im.waiters.pop_front();
        Connection* raw = c ? c.get() : nullptr;
        if (w->try_send(boost::system::error_code{}, raw)) {
            if (c) {
                im.owned_in_use.emplace(raw, std::move(c));
            }
            return;
        }
    }
    if (c) {
        im.idle.push_back(std::move(c));
    }
}

PoolStats Pool::Stats() const {
    std::lock_guard lock(impl_->mu);
    PoolStats s = impl_->stats;
    s.size = impl_->SizeLocked();
    s.idle = static_cast<int>(impl_->idle.size());
    s.waiters = static_cast<int>(impl_->waiters.size());
    return s;
}

void Pool::RenderMetrics(std::string& out, std::string_view name) const {
    PoolStats s = Stats();
    out += "# HELP rounds_db_pool_connections Open database connections.\n# TYPE rounds_db_pool_connections gauge\n";
    out += fmt::format("rounds_db_pool_connections{{pool=\"{}\"}} {}\n", name, s.size);
    out += "# HELP rounds_db_pool_in_use Connections lent to requests.\n# TYPE rounds_db_pool_in_use gauge\n";
    out += fmt::format("rounds_db_pool_in_use{{pool=\"{}\"}} {}\n", name, s.size - s.idle);
    out += "# HELP rounds_db_pool_max Most connections the pool opens.\n# TYPE rounds_db_pool_max gauge\n";
    out += fmt::format("rounds_db_pool_max{{pool=\"{}\"}} {}\n", name, impl_->options.max_size);
    out += "# HELP rounds_db_pool_waiters Requests waiting for a connection.\n# TYPE rounds_db_pool_waiters gauge\n";
    out += fmt::format("rounds_db_pool_waiters{{pool=\"{}\"}} {}\n", name, s.waiters);
    out +=
        "# HELP rounds_db_pool_acquired_total Connections handed out.\n# TYPE rounds_db_pool_acquired_total counter\n";
    out += fmt::format("rounds_db_pool_acquired_total{{pool=\"{}\"}} {}\n", name, s.acquired);
    out +=
        "# HELP rounds_db_pool_wait_seconds_total Time spent waiting for connections.\n"
        "# TYPE rounds_db_pool_wait_seconds_total counter\n";
    out += fmt::format("rounds_db_pool_wait_seconds_total{{pool=\"{}\"}} {:.6f}\n", name, s.wait_seconds_total);
    out +=
        "# HELP rounds_db_pool_timeouts_total Acquisitions that gave up (answered 503).\n"
        "# TYPE rounds_db_pool_timeouts_total counter\n";
    out += fmt::format("rounds_db_pool_timeouts_total{{pool=\"{}\"}} {}\n", name, s.timeouts);
    out +=
        "# HELP rounds_db_pool_connect_errors_total Failed connection attempts.\n"
        "# TYPE rounds_db_pool_connect_errors_total counter\n";
    out += fmt::format("rounds_db_pool_connect_errors_total{{pool=\"{}\"}} {}\n", name, s.connect_errors);
    out +=
        "# HELP rounds_db_pool_discarded_total Broken connections dropped.\n"
        "# TYPE rounds_db_pool_discarded_total counter\n";
    out += fmt::format("rounds_db_pool_discarded_total{{pool=\"{}\"}} {}\n", name, s.discarded);
}

Lease& Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        if (conn_ != nullptr) {
            pool_->Release(conn_);
        }
        pool_ = std::move(other.pool_);
        conn_ = other.conn_;
        other.conn_ = nullptr;
    }
    return *this;
}

Lease::~Lease() {
    if (conn_ != nullptr) {
        pool_->Release(conn_);
    }
}

asio::awaitable<Result> Lease::ExecParams(const Statement& stmt, std::vector<Param> params) {
    Connection& c = *conn_;
    auto deadline = Clock::now() + pool_->options.statement_timeout + std::chrono::seconds(2);
    std::string name(stmt.name);
    if (!c.prepared.contains(name)) {
        std::string sql(stmt.sql);
        if (PQsendPrepare(c.pg, name.c_str(), sql.c_str(), 0, nullptr) == 0) {
            c.broken = true;
            throw Unavailable("the database connection failed", Trimmed(PQerrorMessage(c.pg)));
        }
        co_await Flush(c, deadline);
        co_await ReadResults(c, deadline);
        c.prepared.insert(name);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) {
        values.push_back(p ? p->c_str() : nullptr);
    }
    if (PQsendQueryPrepared(c.pg, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0) ==
        0) {
        c.broken = true;
        throw Unavailable("the database connection failed", Trimmed(PQerrorMessage(c.pg)));
    }
    co_await Flush(c, deadline);
    co_return co_await ReadResults(c, deadline);
}

asio::awaitable<Result> Lease::Command(std::string_view sql) {
    Connection& c = *conn_;
    auto deadline = Clock::now() + pool_->options.statement_timeout + std::chrono::seconds(2);
    std::string text(sql);
    if (PQsendQuery(c.pg, text.c_str()) == 0) {
        c.broken = true;
        throw Unavailable("the database connection failed", Trimmed(PQerrorMessage(c.pg)));
    }
    co_await Flush(c, deadline);
    co_return co_await ReadResults(c, deadline);
}

namespace {

void DrainNotifications(Connection& c, std::vector<Notification>& out) {
    while (PGnotify* n = PQnotifies(c.pg)) {
        out.push_back({n->relname != nullptr ? n->relname : "", n->extra != nullptr ? n->extra : ""});
        PQfreemem(n);
    }
}

}  // namespace

asio::awaitable<std::vector<Notification>> Lease::WaitNotifications(std::chrono::milliseconds timeout) {
    Connection& c = *conn_;
    std::vector<Notification> out;
    DrainNotifications(c, out);  // some may have come with the last command's results
    if (!out.empty()) {
        co_return out;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(timeout);
    auto result =
        co_await (c.socket->async_wait(asio::posix::descriptor_base::wait_read, asio::as_tuple(asio::use_awaitable)) ||
                  timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (result.index() == 1) {
        co_return out;  // quiet: the caller decides whether to probe the connection
    }
    auto [ec] = std::get<0>(result);
    if (ec || PQconsumeInput(c.pg) == 0 || PQstatus(c.pg) != CONNECTION_OK) {
        c.broken = true;
        throw Unavailable("the database connection was lost", ec ? ec.message() : Trimmed(PQerrorMessage(c.pg)));
    }
    DrainNotifications(c, out);
    co_return out;
}

}  // namespace rounds::db
