#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <csignal>
#include <iostream>
#include <thread>

#include "app/commands.h"
#include "app/routes.h"
#include "core/error.h"
#include "core/log.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "db/sql_error.h"
#include "http/server.h"

namespace rounds::app {

namespace asio = boost::asio;

namespace {

/// Maps PostgreSQL errors escaping a handler to API errors, once, by SQLSTATE.
http::Middleware SqlErrorMapping() {
    return [](http::Request& req, const http::Handler& next) -> asio::awaitable<http::Response> {
        try {
            co_return co_await next(req);
        } catch (const db::SqlError& e) {
            core::Error mapped = db::MapSqlError(e);
            core::LogWarn("sql_error",
                          {{"request_id", req.request_id}, {"sqlstate", e.SqlState()}, {"error", e.what()}});
            throw mapped;
        }
    };
}

}  // namespace

int RunServe(const core::Config& config) {
    if (config.database_url.empty()) {
        std::cerr << "rounds serve: ROUNDS_DATABASE_URL (or --database-url) is required\n";
        return 2;
    }
    int io_threads = core::EffectiveThreads(config.io_threads);
    int cpu_threads = core::EffectiveThreads(config.cpu_threads);
    asio::io_context ioc(io_threads);
    asio::thread_pool cpu_pool(static_cast<size_t>(cpu_threads));

    db::PoolOptions pool_options;
    pool_options.url = config.database_url;
    pool_options.max_size = config.db_pool_size;
    pool_options.wait_timeout = std::chrono::milliseconds(config.db_pool_wait_ms);
    pool_options.connect_timeout = std::chrono::milliseconds(config.db_connect_timeout_ms);
    pool_options.statement_timeout = std::chrono::milliseconds(config.db_statement_timeout_ms);
    pool_options.application_name = "rounds-serve";
    db::Pool pool(ioc, pool_options);

    http::Metrics metrics;
    metrics.AddCollector([&pool](std::string& out) { pool.RenderMetrics(out, "primary"); });
    metrics.AddCollector([](std::string& out) {
        out += "# HELP rounds_build_info Build of the running binary.\n# TYPE rounds_build_info gauge\n";
        out += "rounds_build_info{version=\"" ROUNDS_VERSION "\",commit=\"" ROUNDS_GIT_COMMIT "\"} 1\n";
    });

    AppContext ctx;
    ctx.pool = &pool;
    ctx.metrics = &metrics;
    ctx.expected_migration = db::LatestVersion(db::EmbeddedMigrations());
    ctx.debug_routes = config.debug_routes;

    http::Router router;
    RegisterRoutes(router, ctx);

    http::ServerOptions so;
    so.address = config.http_addr;
    so.port = static_cast<uint16_t>(config.http_port);
    so.max_connections = config.http_max_connections;
    so.header_limit = static_cast<uint32_t>(config.http_header_limit_bytes);
    so.body_limit = static_cast<uint64_t>(config.http_body_limit_bytes);
    so.header_timeout = std::chrono::milliseconds(config.http_header_timeout_ms);
    so.body_timeout = std::chrono::milliseconds(config.http_body_timeout_ms);
    so.idle_timeout = std::chrono::milliseconds(config.http_idle_timeout_ms);
    so.write_timeout = std::chrono::milliseconds(config.http_write_timeout_ms);
    so.gzip_min_bytes = static_cast<uint64_t>(config.gzip_min_bytes);
    http::Server server(ioc, so, router, metrics, cpu_pool);
    server.Use(SqlErrorMapping());
    try {
        server.Start();
    } catch (const std::system_error& e) {
        std::cerr << "rounds serve: " << e.what() << " (check --http-addr / --http-port)\n";
        return 2;
    }
    core::LogInfo("listening", {{"addr", config.http_addr},
                                {"port", static_cast<int>(server.Port())},
                                {"io_threads", io_threads},
                                {"cpu_threads", cpu_threads},
                                {"db_pool_size", config.db_pool_size},
                                {"database", core::RedactUrl(config.database_url)}});
    std::cout << "rounds serve: listening on http://" << config.http_addr << ":" << server.Port() << std::endl;

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    int exit_code = 0;
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec) {
            return;
        }
        core::LogInfo("shutting_down", {{"signal", signo}, {"in_flight", metrics.InFlightNow()}});
        server.Shutdown(std::chrono::milliseconds(config.shutdown_timeout_ms), [&](bool drained) {
            core::LogInfo("stopped", {{"drained", drained}});
            ioc.stop();
        });
        // A second signal stops at once.
        signals.async_wait([&](const boost::system::error_code& ec2, int) {
            if (!ec2) {
                core::LogWarn("forced_stop");
                exit_code = 1;
                ioc.stop();
            }
        });
    });

    std::vector<std::thread> threads;
    for (int i = 1; i < io_threads; ++i) {
        threads.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    for (auto& t : threads) {
        t.join();
    }
    cpu_pool.join();
    return exit_code;
}

}  // namespace rounds::app
