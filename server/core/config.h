#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"

namespace rounds::core {

/// Every setting of the process. Only wiring code (app/) reads it; modules receive the values they need.
struct Config {
    // Database
    std::string database_url;
    int db_pool_size = 16;
    int db_pool_wait_ms = 2000;
    int db_connect_timeout_ms = 3000;
    int db_statement_timeout_ms = 5000;
    bool db_listen = true;
    // HTTP
    std::string http_addr = "127.0.0.1";
    int http_port = 8080;
    int io_threads = 0;
    int cpu_threads = 0;
    int http_max_connections = 10000;
    int64_t http_header_limit_bytes = int64_t{16} * 1024;
    int64_t http_body_limit_bytes = int64_t{1024} * 1024;
    int http_header_timeout_ms = 10000;
    int http_body_timeout_ms = 30000;
    int http_idle_timeout_ms = 60000;
    int http_write_timeout_ms = 30000;
    int shutdown_timeout_ms = 15000;
    int64_t gzip_min_bytes = 1024;
    std::string web_root;
    bool debug_routes = false;
    // Shared state across instances (server/redis): cache and rate limits
    std::string redis_url;        // empty: in-process only
    std::string trusted_proxies;  // empty: the TCP peer is the client
    int redis_timeout_ms = 100;
    int shared_cache_ttl_seconds = 86400;
    // Storage and logging
    std::string storage_dir = "var/storage";
    LogLevel log_level = LogLevel::kInfo;
    LogFormat log_format = LogFormat::kJson;
    // Identity (server/auth): tokens, password hashing, lock-out, rate limits
    std::string jwt_key_file;  // empty: <storage-dir>/keys/jwt-ed25519.pem, created on first start
    int access_token_ttl_seconds = 600;
    int refresh_token_ttl_seconds = 30 * 24 * 3600;
    int argon2_memory_kib = 19 * 1024;
    int argon2_time_cost = 2;
    int argon2_parallelism = 1;
    int login_lockout_threshold = 5;
    int login_ip_lockout_threshold = 50;
    int login_lockout_window_seconds = 900;
    int login_lockout_seconds = 900;
    int rate_limit_per_second = 20;
    int rate_limit_burst = 100;
    bool auth_cookie_secure = true;
    std::string mfa_issuer = "Rounds";
    // Single sign-on and secrets at rest (server/auth/sso.cpp, secret_box.cpp)
    std::string public_url;        // empty: from the Host header (development only)
    std::string secrets_key_file;  // empty: <storage-dir>/keys/secrets-aes256.key, created on first start
    int auth_status_cache_seconds = 5;
    bool sso_allow_private_addresses = false;
    // Route planning (server/routeplan)
    double route_road_factor = 1.3;
    int route_speed_kmh = 40;
    int route_time_limit_ms = 300;
    std::string osrm_url;
    int osrm_timeout_ms = 5000;
    // Targeting
    int territory_sync_members = 50000;
    // CRM
    int64_t import_body_limit_bytes = int64_t{1} << 30;
};

/// One entry of the settings table: the flag is `--<name>`, the variable `env`.
struct SettingDef {
    std::string name;
    std::string env;
    std::string type;  // "string", "int", "bool", "enum", "bytes", "milliseconds"
    std::string default_value;
    std::string help;
    /// Parses and stores the value; returns an error message saying what is allowed when it is refused.
    std::function<std::optional<std::string>(Config&, std::string_view)> apply;
};

/// The one table of settings. docs/configuration.md lists exactly these (a test checks it).
const std::vector<SettingDef>& Settings();

/// Builds the configuration: defaults, then ROUNDS_* variables from `env`, then `flags` (setting name →
/// value). Throws core::Error(kInvalid) naming every bad setting and its source.
Config LoadConfig(const std::map<std::string, std::string>& env, const std::map<std::string, std::string>& flags);

/// The process environment's ROUNDS_* variables.
std::map<std::string, std::string> ProcessEnv();

/// Settings table rendered as Markdown (used by `rounds settings` and the docs check).
std::string SettingsMarkdown();

/// Resolves 0 ("one per core") to the core count.
int EffectiveThreads(int configured);

/// The connection URL with any password replaced by "***", safe for logs and messages.
std::string RedactUrl(std::string_view url);

}  // namespace rounds::core
