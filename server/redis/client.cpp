#include "redis/client.h"

#include <hiredis/hiredis.h>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "core/error.h"
#include "core/log.h"

namespace rounds::redis {

namespace asio = boost::asio;

namespace {

int64_t SteadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

timeval ToTimeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

Reply Convert(const redisReply* r) {
    Reply out;
    switch (r->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
            out.type = Reply::Type::kString;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = Reply::Type::kError;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = Reply::Type::kInteger;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = Reply::Type::kArray;
            for (size_t i = 0; i < r->elements; ++i) {
                out.elements.push_back(Convert(r->element[i]));
            }
            break;
        default:
            out.type = Reply::Type::kNil;
    }
    return out;
}

core::Error Unavailable(const std::string& what) {
    return core::Error(core::ErrorKind::kUnavailable, "redis: " + what);
}

}  // namespace

struct Client::Conn {
    redisContext* ctx = nullptr;
    ~Conn() {
        if (ctx != nullptr) {
            redisFree(ctx);
        }
    }
};

Endpoint ParseUrl(const std::string& url) {
    const std::string scheme = "redis://";
    if (!url.starts_with(scheme)) {
        throw core::Invalid("redis-url", "must start with redis:// (got \"" + url + "\")");
    }
    Endpoint e;
    std::string rest = url.substr(scheme.size());
    if (const size_t at = rest.rfind('@'); at != std::string::npos) {
        const std::string creds = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const size_t colon = creds.find(':');
        if (colon == std::string::npos) {
            e.password = creds;
        } else {
            e.user = creds.substr(0, colon);
            e.password = creds.substr(colon + 1);
        }
    }
    std::string hostport = rest;
    if (const size_t slash = rest.find('/'); slash != std::string::npos) {
        hostport = rest.substr(0, slash);
        const std::string db = rest.substr(slash + 1);
        if (!db.empty()) {
            auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
            if (ec != std::errc() || p != db.data() + db.size() || e.db < 0 || e.db > 15) {
                throw core::Invalid("redis-url", "database must be a number from 0 to 15 (got \"" + db + "\")");
            }
        }
    }
    if (const size_t colon = hostport.rfind(':'); colon != std::string::npos) {
        const std::string port = hostport.substr(colon + 1);
        hostport = hostport.substr(0, colon);
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
        if (ec != std::errc() || p != port.data() + port.size() || e.port < 1 || e.port > 65535) {
            throw core::Invalid("redis-url", "port must be 1-65535 (got \"" + port + "\")");
        }
    }
    if (hostport.empty()) {
        throw core::Invalid("redis-url", "has no host");
    }
    e.host = hostport;
    return e;
}

Client::Client(Options options)
    : options_(std::move(options)),
      endpoint_(ParseUrl(options_.url)),
      threads_(static_cast<size_t>(std::max(1, options_.connections))) {}

Client::~Client() {
    threads_.join();
}

std::unique_ptr<Client::Conn> Client::Connect() {
    const int64_t now = SteadyMs();
    if (now < down_until_ms_.load(std::memory_order_relaxed)) {
        throw Unavailable("unreachable at " + endpoint_.host + ":" + std::to_string(endpoint_.port) +
                          " (retrying shortly)");
    }
    auto conn = std::make_unique<Conn>();
    conn->ctx = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, ToTimeval(options_.connect_timeout));
    auto fail = [&](const std::string& why) {
        down_until_ms_.store(now + options_.retry_after_failure.count(), std::memory_order_relaxed);
        failures_.fetch_add(1, std::memory_order_relaxed);
        core::LogWarn("redis_unavailable", {{"host", endpoint_.host}, {"port", endpoint_.port}, {"error", why}});
        return Unavailable(why);
    };
    if (conn->ctx == nullptr) {
        throw fail("cannot allocate a connection");
    }
    if (conn->ctx->err != 0) {
        throw fail(conn->ctx->errstr);
    }
    redisSetTimeout(conn->ctx, ToTimeval(options_.command_timeout));
    auto setup = [&](std::vector<std::string> args) {
        std::vector<const char*> argv;
        std::vector<size_t> lens;
        for (const auto& a : args) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        auto* r = static_cast<redisReply*>(
            redisCommandArgv(conn->ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
        if (r == nullptr) {
            throw fail(conn->ctx->errstr);
        }
        const bool error = r->type == REDIS_REPLY_ERROR;
        const std::string message = error ? std::string(r->str, r->len) : std::string();
        freeReplyObject(r);
        if (error) {
            throw fail(args[0] + ": " + message);
        }
    };
    if (!endpoint_.password.empty()) {
        if (endpoint_.user.empty()) {
            setup({"AUTH", endpoint_.password});
        } else {
            setup({"AUTH", endpoint_.user, endpoint_.password});
        }
    }
    if (endpoint_.db != 0) {
        setup({"SELECT", std::to_string(endpoint_.db)});
    }
    return conn;
}

std::unique_ptr<Client::Conn> Client::Take() {
    {
        std::lock_guard lock(mu_);
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
    }
    return Connect();
}

void Client::Give(std::unique_ptr<Conn> conn) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
}

Reply Client::CommandBlocking(const std::vector<std::string>& args) {
    auto conn = Take();
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    auto* r =
        static_cast<redisReply*>(redisCommandArgv(conn->ctx, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (r == nullptr) {
        // The connection is unusable after an I/O error or timeout: drop it, and hold off reconnecting.
        const std::string why = conn->ctx->errstr;
        down_until_ms_.store(SteadyMs() + options_.retry_after_failure.count(), std::memory_order_relaxed);
        failures_.fetch_add(1, std::memory_order_relaxed);
        core::LogWarn("redis_unavailable", {{"host", endpoint_.host}, {"port", endpoint_.port}, {"error", why}});
        throw Unavailable(why);
    }
    Reply out = Convert(r);
    freeReplyObject(r);
    Give(std::move(conn));
    return out;
}

asio::awaitable<Reply> Client::Command(std::vector<std::string> args) {
    auto caller = co_await asio::this_coro::executor;
    co_await asio::post(threads_, asio::use_awaitable);
    std::optional<Reply> reply;
    std::optional<core::Error> error;
    try {
        reply = CommandBlocking(args);
    } catch (const core::Error& e) {
        error = e;
    }
    co_await asio::post(caller, asio::use_awaitable);
    if (error) {
        throw *error;
    }
    co_return std::move(*reply);
}

}  // namespace rounds::redis
