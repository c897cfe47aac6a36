#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <thread>

#include "app/auth_cmd.h"
#include "app/commands.h"
#include "app/routes.h"
#include "auth/handlers.h"
#include "core/error.h"
#include "core/log.h"
#include "db/listener.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "db/sql_error.h"
#include "http/server.h"
#include "http/static_files.h"
#include "redis/client.h"
#include "redis/shared.h"

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
    http::TrustedProxies trusted_proxies;
    try {
        trusted_proxies = http::TrustedProxies::Parse(config.trusted_proxies);
    } catch (const std::invalid_argument& e) {
        std::cerr << "rounds serve: --trusted-proxies: " << e.what() << "\n";
        return 2;
    }
    int io_threads = core::EffectiveThreads(config.io_threads);
    int cpu_threads = core::EffectiveThreads(config.cpu_threads);
    // One io_context per I/O thread (see http::Server); the first also hosts the pool's sockets, the
    // acceptor and signal handling.
    // Destroyed last and in reverse, so the first context (whose reactor owns the database sockets) outlives
    // every coroutine frame that might still hold a pooled connection after a forced stop.
    struct Contexts {
        std::vector<std::unique_ptr<asio::io_context>> v;
        ~Contexts() {
            while (!v.empty()) {
                v.pop_back();
            }
        }
    } owned;
    auto& contexts = owned.v;
    std::vector<asio::io_context*> context_ptrs;
    for (int i = 0; i < io_threads; ++i) {
        contexts.push_back(std::make_unique<asio::io_context>());
        context_ptrs.push_back(contexts.back().get());
    }
    asio::io_context& ioc = *contexts.front();
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
    for (auto& c : contexts) {
        keep_running.push_back(asio::make_work_guard(*c));
    }
    auto stop_all = [&] {
        for (auto& c : contexts) {
            c->stop();
        }
    };
    asio::thread_pool cpu_pool(static_cast<size_t>(cpu_threads));

    db::PoolOptions pool_options;
    pool_options.url = config.database_url;
    pool_options.max_size = config.db_pool_size;
    pool_options.wait_timeout = std::chrono::milliseconds(config.db_pool_wait_ms);
    pool_options.connect_timeout = std::chrono::milliseconds(config.db_connect_timeout_ms);
    pool_options.statement_timeout = std::chrono::milliseconds(config.db_statement_timeout_ms);
    pool_options.application_name = "rounds-serve";
    // Name search treats trigram similarity >= 0.2 as a candidate (pg_trgm's default 0.3 misses short names
    // with two typos, e.g. "bin snug" for Binh Sung); ranking puts the best first.
    // JIT off: the planner's cost estimates for the geography and trigram queries cross the JIT thresholds, and
    // compiling then takes longer (measured: ~500 ms) than the query (a few ms).
    pool_options.session_options = "-c pg_trgm.similarity_threshold=0.2 -c jit=off";
    db::Pool pool(ioc, pool_options);

    http::Metrics metrics;
    metrics.AddCollector([&pool](std::string& out) { pool.RenderMetrics(out, "primary"); });
    metrics.AddCollector([](std::string& out) {
        out += "# HELP rounds_build_info Build of the running binary.\n# TYPE rounds_build_info gauge\n";
        out += "rounds_build_info{version=\"" ROUNDS_VERSION "\",commit=\"" ROUNDS_GIT_COMMIT "\"} 1\n";
    });

    physicians::PhysicianService physician_service(pool, 20000);
    // Cache invalidation from the database (migration 0036): new data versions and changed corrections, whoever
    // made them (another server process, an ingest run).
    db::PoolOptions listener_options = pool_options;
    listener_options.application_name = "rounds-serve-listener";
    db::Listener listener(
        ioc, listener_options, {"rounds_data", "rounds_overrides"},
        {[&physician_service](const db::Notification& n) { physician_service.OnNotification(n.channel); },
         [&physician_service](bool listening) { physician_service.OnListening(listening); }});
    if (config.db_listen) {
        listener.Start();
    }
    metrics.AddCollector([&physician_service](std::string& out) {
        const auto& c = physician_service.Cache();
        out +=
            "# HELP rounds_cache_entries Entries in the in-process response cache.\n"
            "# TYPE rounds_cache_entries gauge\n";
        out += "rounds_cache_entries{cache=\"physicians\"} " + std::to_string(c.Size()) + "\n";
        out +=
            "# HELP rounds_cache_lookups_total Cache lookups by result.\n# TYPE rounds_cache_lookups_total counter\n";
        out += "rounds_cache_lookups_total{cache=\"physicians\",result=\"hit\"} " + std::to_string(c.Hits()) + "\n";
        out += "rounds_cache_lookups_total{cache=\"physicians\",result=\"miss\"} " + std::to_string(c.Misses()) + "\n";
    });

    // Identity: the token key is loaded (or created once) before serving, so a bad key fails the start.
    // The secrets key (OIDC client secrets, TOTP secrets at rest) is loaded or created up front too.
    std::optional<auth::SecretBox> secrets;
    try {
        secrets.emplace(auth::SecretBox::LoadOrCreate(SecretsKeyPath(config)));
    } catch (const core::Error& e) {
        std::cerr << "rounds serve: " << e.Detail() << " (--secrets-key-file " << SecretsKeyPath(config) << ")\n";
        return 2;
    }
    std::optional<auth::AuthService> auth_service;
    try {
        auth_service.emplace(pool, cpu_pool, auth::TokenSigner::LoadOrCreate(JwtKeyPath(config)),
                             AuthSettingsFrom(config), nullptr, *secrets);
    } catch (const core::Error& e) {
        std::cerr << "rounds serve: " << e.Detail() << " (--jwt-key-file " << JwtKeyPath(config) << ")\n";
        return 2;
    }
    // Single sign-on (OIDC, SAML).
    auth::SsoSettings sso_settings;
    sso_settings.public_url = config.public_url;
    sso_settings.allow_private_addresses = config.sso_allow_private_addresses;
    auth::SsoService sso_service(pool, cpu_pool, *secrets, sso_settings);
    auth::RateLimiter rate_limiter(auth::RateLimitOptions{static_cast<double>(config.rate_limit_per_second),
                                                          static_cast<double>(config.rate_limit_burst)});

    // Shared state across instances: rate limits and the physician response cache in Redis, when configured.
    // An unreachable Redis is not fatal: each instance falls back to its in-process cache and limits.
    std::optional<redis::Client> redis_client;
    std::optional<redis::SharedCache> shared_cache;
    std::optional<redis::SharedRateLimiter> shared_limiter;
    if (!config.redis_url.empty()) {
        redis::Options ro;
        ro.url = config.redis_url;
        ro.connect_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
        ro.command_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
        try {
            redis_client.emplace(ro);
        } catch (const core::Error& e) {
            std::cerr << "rounds serve: " << e.Detail() << "\n";
            return 2;
        }
        try {
            redis_client->CommandBlocking({"PING"});
            core::LogInfo("redis", {{"host", redis_client->Target().host}, {"port", redis_client->Target().port}});
        } catch (const core::Error& e) {
            core::LogWarn("redis_unavailable_at_start", {{"error", e.Detail()}});
        }
        shared_cache.emplace(*redis_client, config.shared_cache_ttl_seconds);
        shared_limiter.emplace(*redis_client, static_cast<double>(config.rate_limit_per_second),
                               static_cast<double>(config.rate_limit_burst));
        physician_service.SetSharedCache(&*shared_cache);
        metrics.AddCollector([&shared_cache, &redis_client](std::string& out) {
            out +=
                "# HELP rounds_shared_cache_lookups_total Redis cache lookups by result.\n"
                "# TYPE rounds_shared_cache_lookups_total counter\n";
            out += "rounds_shared_cache_lookups_total{result=\"hit\"} " + std::to_string(shared_cache->Hits()) + "\n";
            out +=
                "rounds_shared_cache_lookups_total{result=\"miss\"} " + std::to_string(shared_cache->Misses()) + "\n";
            out +=
                "rounds_shared_cache_lookups_total{result=\"error\"} " + std::to_string(shared_cache->Errors()) + "\n";
            out +=
                "# HELP rounds_redis_failures_total Redis connections or commands that failed.\n"
                "# TYPE rounds_redis_failures_total counter\n";
            out += "rounds_redis_failures_total " + std::to_string(redis_client->Failures()) + "\n";
        });
    }
    // Route planning (issue 9): solving runs on the CPU pool.
    routeplan::RoutePlanSettings route_settings;
    route_settings.travel.road_factor = config.route_road_factor;
    route_settings.travel.speed_kmh = config.route_speed_kmh;
    route_settings.travel.osrm_url = config.osrm_url;
    route_settings.travel.osrm_timeout_ms = config.osrm_timeout_ms;
    route_settings.time_limit = std::chrono::milliseconds(config.route_time_limit_ms);
    routeplan::RoutePlanService route_service(pool, cpu_pool, route_settings);

    crm::CrmService crm_service(pool, config.storage_dir);
    crm_service.SetImportBodyLimit(static_cast<uint64_t>(config.import_body_limit_bytes));
    crm_service.SetCpuPool(&cpu_pool);
    crm_service.SetOverridesChanged([&physician_service] { physician_service.OverridesChanged(); });
    // Targeting (markets, territories)
    markets::MarketService market_service(pool);
    territories::TerritoryService territory_service(pool, config.territory_sync_members);

    AppContext ctx;
    ctx.pool = &pool;
    ctx.auth = &*auth_service;
    ctx.sso = &sso_service;
    ctx.physicians = &physician_service;
    ctx.crm = &crm_service;
    ctx.metrics = &metrics;
    ctx.routes = &route_service;
    ctx.markets = &market_service;
    ctx.territories = &territory_service;
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
    so.trusted_proxies = std::move(trusted_proxies);
    http::Server server(context_ptrs, so, router, metrics, cpu_pool);
    server.Use(SqlErrorMapping());
    // authentication -> access check per route -> rate limit (per address, and per user once known)
    server.Use(auth::Authenticate(router, ctx.auth));
    auth::SharedRateLimit shared_take;
    if (shared_limiter) {
        shared_take = [&shared_limiter](std::vector<std::string> keys) {
            return shared_limiter->Take(std::move(keys));
        };
    }
    server.Use(auth::RateLimit(
        rate_limiter,
        [] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); },
        shared_take));
    std::optional<http::StaticSite> web;
    if (!config.web_root.empty()) {
        try {
            web.emplace(config.web_root);
        } catch (const std::exception& e) {
            std::cerr << "rounds serve: " << e.what() << " (--web-root)\n";
            return 2;
        }
        server.SetFallback(web->MakeHandler());
        core::LogInfo("web_client", {{"root", config.web_root}, {"files", web->FileCount()}});
    }
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
            stop_all();
        });
        // A second signal stops at once.
        signals.async_wait([&](const boost::system::error_code& ec2, int) {
            if (!ec2) {
                core::LogWarn("forced_stop");
                exit_code = 1;
                stop_all();
            }
        });
    });

    std::vector<std::thread> threads;
    for (int i = 1; i < io_threads; ++i) {
        threads.emplace_back([c = contexts[static_cast<size_t>(i)].get()] { c->run(); });
    }
    ioc.run();
    for (auto& t : threads) {
        t.join();
    }
    cpu_pool.join();
    return exit_code;
}

}  // namespace rounds::app
