#include "app/ops_handlers.h"

#include <charconv>

#include "app/routes.h"
#include "core/error.h"
#include "http/problem.h"

namespace rounds::app {

namespace asio = boost::asio;

namespace {
constexpr db::Statement kMigrationVersion{"ops_migration_version",
                                          "SELECT coalesce(max(version), 0) FROM public.schema_migrations"};
constexpr db::Statement kSleep{"debug_sleep", "SELECT pg_sleep($1::float8 / 1000.0), 'slept'"};
}  // namespace

http::Handler Healthz() {
    return [](http::Request&) -> asio::awaitable<http::Response> {
        co_return http::Response::Json(200, R"({"status":"ok"})");
    };
}

http::Handler Readyz(AppContext& ctx) {
    return [&ctx](http::Request& req) -> asio::awaitable<http::Response> {
        int version = 0;
        bool reachable = true;
        try {
            auto lease = co_await ctx.pool->Acquire();
            db::Result r = co_await lease.Exec(kMigrationVersion);
            version = static_cast<int>(r.GetInt(0, 0));
        } catch (const std::exception&) {
            reachable = false;  // answered below, outside the handler (see Server::Impl::Dispatch)
        }
        if (!reachable) {
            http::Response res = http::Problem(503, "the database is not reachable", req.request_id);
            res.headers.Set("Retry-After", "2");
            co_return res;
        }
        if (version != ctx.expected_migration) {
            http::Response res =
                http::Problem(503,
                              "the database is at migration " + std::to_string(version) + "; this server needs " +
                                  std::to_string(ctx.expected_migration) + " (run rounds migrate)",
                              req.request_id);
            res.headers.Set("Retry-After", "5");
            co_return res;
        }
        co_return http::Response::Json(
            200, R"({"status":"ready","database":"ok","migration":)" + std::to_string(version) + "}");
    };
}

http::Handler MetricsHandler(AppContext& ctx) {
    return [&ctx](http::Request&) -> asio::awaitable<http::Response> {
        co_return http::Response::Text(200, ctx.metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
    };
}

http::Handler OpenApi() {
    return [](http::Request&) -> asio::awaitable<http::Response> {
        http::Response r = http::Response::Json(200, std::string(OpenApiSpec()));
        r.headers.Set("Cache-Control", "no-cache");
        co_return r;
    };
}

http::Handler DebugSleep(AppContext& ctx) {
    return [&ctx](http::Request& req) -> asio::awaitable<http::Response> {
        auto ms_text = req.Query("ms").value_or("0");
        int ms = -1;
        auto [ptr, ec] = std::from_chars(ms_text.data(), ms_text.data() + ms_text.size(), ms);
        if (ec != std::errc() || ptr != ms_text.data() + ms_text.size() || ms < 0 || ms > 60000) {
            throw core::Invalid("ms", "must be a whole number of milliseconds from 0 to 60000");
        }
        auto lease = co_await ctx.pool->Acquire();
        db::Result r = co_await lease.Exec(kSleep, ms);
        co_return http::Response::Json(200, R"({"slept_ms":)" + std::to_string(ms) + "}");
    };
}

}  // namespace rounds::app
