#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <thread>

#include "core/error.h"

extern char** environ;

namespace rounds::core {
namespace {

std::optional<int64_t> ParseInt(std::string_view v) {
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || ptr != v.data() + v.size() || v.empty()) {
        return std::nullopt;
    }
    return out;
}

/// Accepts plain bytes or a k/m/g (KiB/MiB/GiB) suffix.
std::optional<int64_t> ParseBytes(std::string_view v) {
    if (v.empty()) {
        return std::nullopt;
    }
    int64_t mult = 1;
    char last = static_cast<char>(std::tolower(static_cast<unsigned char>(v.back())));
    if (last == 'k' || last == 'm' || last == 'g') {
        mult = last == 'k' ? 1024 : last == 'm' ? int64_t{1024} * 1024 : int64_t{1024} * 1024 * 1024;
        v.remove_suffix(1);
    }
    auto n = ParseInt(v);
    if (!n || *n < 0 || *n > (int64_t{1} << 50) / mult) {
        return std::nullopt;
    }
    return *n * mult;
}

template <typename T>
SettingDef IntSetting(std::string name, std::string env, T Config::*member, int64_t min, int64_t max, std::string type,
                      std::string help) {
    Config defaults;
    SettingDef d{std::move(name), std::move(env), type, std::to_string(defaults.*member), std::move(help), {}};
    d.apply = [member, min, max, type](Config& c, std::string_view v) -> std::optional<std::string> {
        auto n = type == "bytes" ? ParseBytes(v) : ParseInt(v);
        if (!n || *n < min || *n > max) {
            return "must be " + std::string(type == "bytes" ? "a byte size (e.g. 1048576 or 1m)" : "a whole number") +
                   " from " + std::to_string(min) + " to " + std::to_string(max);
        }
        c.*member = static_cast<T>(*n);
        return std::nullopt;
    };
    return d;
}

SettingDef StringSetting(std::string name, std::string env, std::string Config::*member, bool required,
                         std::string help) {
    Config defaults;
    SettingDef d{std::move(name), std::move(env), "string", defaults.*member, std::move(help), {}};
    d.apply = [member, required](Config& c, std::string_view v) -> std::optional<std::string> {
        if (required && v.empty()) {
            return "must not be empty";
        }
        c.*member = std::string(v);
        return std::nullopt;
    };
    return d;
}

SettingDef BoolSetting(std::string name, std::string env, bool Config::*member, std::string help) {
    Config defaults;
    SettingDef d{std::move(name), std::move(env), "bool", defaults.*member ? "true" : "false", std::move(help), {}};
    d.apply = [member](Config& c, std::string_view v) -> std::optional<std::string> {
        if (v == "true" || v == "1" || v == "yes" || v == "on") {
            c.*member = true;
        } else if (v == "false" || v == "0" || v == "no" || v == "off") {
            c.*member = false;
        } else {
            return "must be true or false";
        }
        return std::nullopt;
    };
    return d;
}

bool IsUrlLike(std::string_view v) {
    return v.starts_with("postgresql://") || v.starts_with("postgres://") || v.find('=') != std::string_view::npos;
}

std::vector<SettingDef> BuildSettings() {
    std::vector<SettingDef> s;
    {
        SettingDef d{"database-url",
                     "ROUNDS_DATABASE_URL",
                     "string",
                     "",
                     "PostgreSQL connection URL (postgresql://user:pass@host:port/db) or key=value conninfo. "
                     "Required by serve, worker, migrate, ingest and admin. `serve` must connect as a role "
                     "without BYPASSRLS.",
                     {}};
        d.apply = [](Config& c, std::string_view v) -> std::optional<std::string> {
            if (!v.empty() && !IsUrlLike(v)) {
                return "must be a postgresql:// URL or a key=value connection string";
            }
            c.database_url = std::string(v);
            return std::nullopt;
        };
        s.push_back(std::move(d));
    }
    s.push_back(IntSetting("db-pool-size", "ROUNDS_DB_POOL_SIZE", &Config::db_pool_size, 1, 1000, "int",
                           "Most PostgreSQL connections one process opens."));
    s.push_back(IntSetting("db-pool-wait-ms", "ROUNDS_DB_POOL_WAIT_MS", &Config::db_pool_wait_ms, 1, 600000,
                           "milliseconds", "Longest a request waits for a free connection before 503 + Retry-After."));
    s.push_back(IntSetting("db-connect-timeout-ms", "ROUNDS_DB_CONNECT_TIMEOUT_MS", &Config::db_connect_timeout_ms, 100,
                           600000, "milliseconds", "Longest a new database connection may take."));
    s.push_back(IntSetting("db-statement-timeout-ms", "ROUNDS_DB_STATEMENT_TIMEOUT_MS",
                           &Config::db_statement_timeout_ms, 10, 3600000, "milliseconds",
                           "PostgreSQL statement_timeout of the server's connections."));
    s.push_back(BoolSetting("db-listen", "ROUNDS_DB_LISTEN", &Config::db_listen,
                            "Keep one extra connection that LISTENs for cache invalidations (new data release, "
                            "changed corrections); off behind a pooler in transaction mode (then versions are "
                            "read from the database per request)."));
    {
        SettingDef d = StringSetting("http-addr", "ROUNDS_HTTP_ADDR", &Config::http_addr, true,
                                     "Address `serve` listens on (IPv4 or IPv6 literal).");
        s.push_back(std::move(d));
    }
    s.push_back(IntSetting("http-port", "ROUNDS_HTTP_PORT", &Config::http_port, 0, 65535, "int",
                           "TCP port `serve` listens on; 0 picks a free port (logged at start)."));
    s.push_back(IntSetting("io-threads", "ROUNDS_IO_THREADS", &Config::io_threads, 0, 256, "int",
                           "Threads running network I/O and request coroutines; 0 means one per core."));
    s.push_back(IntSetting("cpu-threads", "ROUNDS_CPU_THREADS", &Config::cpu_threads, 0, 256, "int",
                           "Threads of the bounded pool for CPU-heavy work (password hashing, gzip of large "
                           "bodies, route solving); 0 means one per core."));
    s.push_back(IntSetting("http-max-connections", "ROUNDS_HTTP_MAX_CONNECTIONS", &Config::http_max_connections, 1,
                           1000000, "int", "Open client connections at most; connections past it are closed at once."));
    s.push_back(IntSetting("http-header-limit", "ROUNDS_HTTP_HEADER_LIMIT", &Config::http_header_limit_bytes, 1024,
                           int64_t{1024} * 1024, "bytes",
                           "Largest request head (request line + headers); larger gets 431."));
    s.push_back(IntSetting("http-body-limit", "ROUNDS_HTTP_BODY_LIMIT", &Config::http_body_limit_bytes, 0,
                           int64_t{1} << 32, "bytes", "Largest request body; larger gets 413 without being read."));
    s.push_back(IntSetting("http-header-timeout-ms", "ROUNDS_HTTP_HEADER_TIMEOUT_MS", &Config::http_header_timeout_ms,
                           50, 600000, "milliseconds",
                           "Time allowed to receive a whole request head once it starts; slower clients are "
                           "dropped (slow-loris)."));
    s.push_back(IntSetting("http-body-timeout-ms", "ROUNDS_HTTP_BODY_TIMEOUT_MS", &Config::http_body_timeout_ms, 50,
                           3600000, "milliseconds", "Time allowed to receive a request body."));
    s.push_back(IntSetting("http-idle-timeout-ms", "ROUNDS_HTTP_IDLE_TIMEOUT_MS", &Config::http_idle_timeout_ms, 50,
                           3600000, "milliseconds", "Keep-alive connections idle longer than this are closed."));
    s.push_back(IntSetting("http-write-timeout-ms", "ROUNDS_HTTP_WRITE_TIMEOUT_MS", &Config::http_write_timeout_ms, 50,
                           3600000, "milliseconds", "Time allowed to send a response to a slow reader."));
    s.push_back(IntSetting("shutdown-timeout-ms", "ROUNDS_SHUTDOWN_TIMEOUT_MS", &Config::shutdown_timeout_ms, 0, 600000,
                           "milliseconds",
                           "On SIGTERM/SIGINT: how long in-flight requests may take to finish before exit."));
    s.push_back(IntSetting("gzip-min-bytes", "ROUNDS_GZIP_MIN_BYTES", &Config::gzip_min_bytes, 0, int64_t{1} << 30,
                           "bytes",
                           "Responses at least this large are gzipped when the client "
                           "accepts gzip."));
    s.push_back(StringSetting("web-root", "ROUNDS_WEB_ROOT", &Config::web_root, false,
                              "Directory of the built web client served at / (empty: no web client)."));
    s.push_back(BoolSetting("debug-routes", "ROUNDS_DEBUG_ROUTES", &Config::debug_routes,
                            "Adds /debug/* routes used by the integration tests (never enable in production)."));
    s.push_back(StringSetting("redis-url", "ROUNDS_REDIS_URL", &Config::redis_url, false,
                              "redis://[:password@]host[:port][/db] shared by every instance for API rate limits and "
                              "the physician response cache (empty: both in process)."));
    s.push_back(IntSetting("redis-timeout-ms", "ROUNDS_REDIS_TIMEOUT_MS", &Config::redis_timeout_ms, 1, 10000,
                           "milliseconds",
                           "Connect and command timeout for Redis; on timeout the instance falls back to its "
                           "in-process cache and limits and retries Redis a second later."));
    s.push_back(IntSetting("shared-cache-ttl-seconds", "ROUNDS_SHARED_CACHE_TTL_SECONDS",
                           &Config::shared_cache_ttl_seconds, 1, int64_t{30} * 86400, "int",
                           "Lifetime of a response in the Redis cache (entries of an older data release are never "
                           "read; this only bounds the memory they hold)."));
    s.push_back(StringSetting("storage-dir", "ROUNDS_STORAGE_DIR", &Config::storage_dir, true,
                              "Object storage directory for raw CMS files and exports."));
    s.push_back(StringSetting("jwt-key-file", "ROUNDS_JWT_KEY_FILE", &Config::jwt_key_file, false,
                              "PEM Ed25519 private key signing access tokens (share it between instances); empty: "
                              "<storage-dir>/keys/jwt-ed25519.pem, generated on first start."));
    s.push_back(IntSetting("access-token-ttl-seconds", "ROUNDS_ACCESS_TOKEN_TTL_SECONDS",
                           &Config::access_token_ttl_seconds, 30, 3600, "int",
                           "Lifetime of a JWT access token; also the longest a disabled user keeps API access."));
    s.push_back(IntSetting("refresh-token-ttl-seconds", "ROUNDS_REFRESH_TOKEN_TTL_SECONDS",
                           &Config::refresh_token_ttl_seconds, 300, int64_t{365} * 24 * 3600, "int",
                           "Lifetime of a refresh token (each refresh issues a new one)."));
    s.push_back(IntSetting("argon2-memory-kib", "ROUNDS_ARGON2_MEMORY_KIB", &Config::argon2_memory_kib, 1024,
                           int64_t{4} * 1024 * 1024, "int",
                           "Argon2id memory per password hash in KiB (see docs/security.md)."));
    s.push_back(IntSetting("argon2-time-cost", "ROUNDS_ARGON2_TIME_COST", &Config::argon2_time_cost, 1, 20, "int",
                           "Argon2id passes over memory."));
    s.push_back(IntSetting("argon2-parallelism", "ROUNDS_ARGON2_PARALLELISM", &Config::argon2_parallelism, 1, 16, "int",
                           "Argon2id lanes (threads per hash)."));
    s.push_back(IntSetting("login-lockout-threshold", "ROUNDS_LOGIN_LOCKOUT_THRESHOLD",
                           &Config::login_lockout_threshold, 1, 1000, "int",
                           "Failed sign-ins of one account within the window that lock it out (429 + Retry-After)."));
    s.push_back(IntSetting("login-ip-lockout-threshold", "ROUNDS_LOGIN_IP_LOCKOUT_THRESHOLD",
                           &Config::login_ip_lockout_threshold, 1, 100000, "int",
                           "Failed sign-ins from one client address within the window that lock the address out."));
    s.push_back(IntSetting("login-lockout-window-seconds", "ROUNDS_LOGIN_LOCKOUT_WINDOW_SECONDS",
                           &Config::login_lockout_window_seconds, 1, 86400, "int",
                           "Window in which failed sign-ins are counted."));
    s.push_back(IntSetting("login-lockout-seconds", "ROUNDS_LOGIN_LOCKOUT_SECONDS", &Config::login_lockout_seconds, 1,
                           86400, "int", "How long a lock-out lasts."));
    s.push_back(IntSetting("rate-limit-per-second", "ROUNDS_RATE_LIMIT_PER_SECOND", &Config::rate_limit_per_second, 1,
                           100000, "int", "Sustained API requests per second per client address and per user."));
    s.push_back(IntSetting("rate-limit-burst", "ROUNDS_RATE_LIMIT_BURST", &Config::rate_limit_burst, 1, 1000000, "int",
                           "API requests allowed at once (token-bucket size) per client address and per user."));
    s.push_back(StringSetting("trusted-proxies", "ROUNDS_TRUSTED_PROXIES", &Config::trusted_proxies, false,
                              "Comma-separated addresses or CIDR blocks of the load balancers in front of this "
                              "server (e.g. 10.0.0.0/8,127.0.0.1). A request from one of them is attributed to the "
                              "client its X-Forwarded-For names (the first untrusted hop from the right) for rate "
                              "limits, sign-in lock-outs, the audit log and the access log. Empty: always the TCP "
                              "peer, and the header is ignored."));
    s.push_back(BoolSetting("auth-cookie-secure", "ROUNDS_AUTH_COOKIE_SECURE", &Config::auth_cookie_secure,
                            "Secure flag of the refresh-token cookie (turn off only for plain-HTTP development)."));
    s.push_back(StringSetting("mfa-issuer", "ROUNDS_MFA_ISSUER", &Config::mfa_issuer, true,
                              "Issuer name shown in authenticator apps for TOTP enrolment."));
    // Single sign-on and secrets at rest
    s.push_back(StringSetting("public-url", "ROUNDS_PUBLIC_URL", &Config::public_url, false,
                              "Public base URL of this server (https://crm.example.com): OIDC redirect URI, SAML "
                              "entity id and ACS URL, web hand-off. Empty: taken from the Host header (development "
                              "only)."));
    s.push_back(StringSetting("secrets-key-file", "ROUNDS_SECRETS_KEY_FILE", &Config::secrets_key_file, false,
                              "32-byte AES-256-GCM key encrypting OIDC client secrets and TOTP secrets in the "
                              "database (share it between instances); empty: <storage-dir>/keys/secrets-aes256.key, "
                              "generated on first start."));
    s.push_back(IntSetting("auth-status-cache-seconds", "ROUNDS_AUTH_STATUS_CACHE_SECONDS",
                           &Config::auth_status_cache_seconds, 0, 300, "int",
                           "How long an instance trusts a user's status and role between database checks: a "
                           "disabled or demoted user's access tokens stop working within this."));
    s.push_back(BoolSetting("sso-allow-private-addresses", "ROUNDS_SSO_ALLOW_PRIVATE_ADDRESSES",
                            &Config::sso_allow_private_addresses,
                            "Let OpenID Connect discovery, JWKS and token requests reach loopback and private "
                            "addresses (tests, on-premise identity providers); off, an organisation admin cannot "
                            "make the server probe the internal network."));
    // Route planning (server/routeplan)
    {
        SettingDef d{"route-road-factor",
                     "ROUNDS_ROUTE_ROAD_FACTOR",
                     "number",
                     "1.3",
                     "Road distance / great-circle distance used for travel estimates without OSRM (1.0 to 3.0).",
                     {}};
        d.apply = [](Config& c, std::string_view v) -> std::optional<std::string> {
            const std::string text(v);
            char* end = nullptr;
            const double f = std::strtod(text.c_str(), &end);
            if (text.empty() || end != text.c_str() + text.size() || !(f >= 1.0 && f <= 3.0)) {
                return "must be a number from 1.0 to 3.0";
            }
            c.route_road_factor = f;
            return std::nullopt;
        };
        s.push_back(std::move(d));
    }
    s.push_back(IntSetting("route-speed-kmh", "ROUNDS_ROUTE_SPEED_KMH", &Config::route_speed_kmh, 5, 200, "int",
                           "Average door-to-door speed (km/h) of travel estimates without OSRM."));
    s.push_back(IntSetting("route-time-limit-ms", "ROUNDS_ROUTE_TIME_LIMIT_MS", &Config::route_time_limit_ms, 10, 10000,
                           "milliseconds", "Longest the route optimiser searches per request."));
    s.push_back(
        StringSetting("osrm-url", "ROUNDS_OSRM_URL", &Config::osrm_url, false,
                      "Base URL of an OSRM server (its table service gives road travel times); empty: "
                      "great-circle estimates. When OSRM fails the estimate is used and the response says so."));
    s.push_back(IntSetting("osrm-timeout-ms", "ROUNDS_OSRM_TIMEOUT_MS", &Config::osrm_timeout_ms, 100, 60000,
                           "milliseconds", "Longest an OSRM table request may take before the estimate is used."));
    // Targeting
    s.push_back(IntSetting("territory-sync-members", "ROUNDS_TERRITORY_SYNC_MEMBERS", &Config::territory_sync_members,
                           0, 10000000, "int",
                           "Practice locations up to which a territory write rebuilds the territory's members itself; "
                           "larger territories are left to the recompute job."));
    // CRM
    s.push_back(IntSetting("import-body-limit", "ROUNDS_IMPORT_BODY_LIMIT", &Config::import_body_limit_bytes, 0,
                           int64_t{1} << 40, "bytes",
                           "Largest CSV import body (POST /api/v1/imports/*); it is streamed, not held in memory, so "
                           "it may be far above --http-body-limit. Larger gets 413."));
    {
        SettingDef d{"log-level", "ROUNDS_LOG_LEVEL", "enum", "info", "debug, info, warn or error.", {}};
        d.apply = [](Config& c, std::string_view v) -> std::optional<std::string> {
            if (v == "debug") {
                c.log_level = LogLevel::kDebug;
            } else if (v == "info") {
                c.log_level = LogLevel::kInfo;
            } else if (v == "warn") {
                c.log_level = LogLevel::kWarn;
            } else if (v == "error") {
                c.log_level = LogLevel::kError;
            } else {
                return "must be one of debug, info, warn, error";
            }
            return std::nullopt;
        };
        s.push_back(std::move(d));
    }
    {
        SettingDef d{"log-format",
                     "ROUNDS_LOG_FORMAT",
                     "enum",
                     "json",
                     "json (one object per line, for collectors) or text (for people).",
                     {}};
        d.apply = [](Config& c, std::string_view v) -> std::optional<std::string> {
            if (v == "json") {
                c.log_format = LogFormat::kJson;
            } else if (v == "text") {
                c.log_format = LogFormat::kText;
            } else {
                return "must be json or text";
            }
            return std::nullopt;
        };
        s.push_back(std::move(d));
    }
    return s;
}

}  // namespace

const std::vector<SettingDef>& Settings() {
    static const std::vector<SettingDef> settings = BuildSettings();
    return settings;
}

Config LoadConfig(const std::map<std::string, std::string>& env, const std::map<std::string, std::string>& flags) {
    Config config;
    std::vector<FieldError> errors;
    for (const auto& def : Settings()) {
        if (auto it = env.find(def.env); it != env.end()) {
            if (auto err = def.apply(config, it->second)) {
                errors.push_back({def.env, *err + " (got \"" + it->second + "\")"});
            }
        }
        if (auto it = flags.find(def.name); it != flags.end()) {
            if (auto err = def.apply(config, it->second)) {
                errors.push_back({"--" + def.name, *err + " (got \"" + it->second + "\")"});
            }
        }
    }
    for (const auto& [name, value] : env) {
        (void)value;
        bool known =
            std::any_of(Settings().begin(), Settings().end(), [&](const SettingDef& d) { return d.env == name; });
        // Variables of the scripts and tests, not settings of the binary.
        bool ignored = name.starts_with("ROUNDS_TEST_") || name.starts_with("ROUNDS_SCRIPT_");
        if (!known && !ignored) {
            errors.push_back({name, "is not a setting of rounds (see docs/configuration.md)"});
        }
    }
    if (!errors.empty()) {
        std::string detail = "invalid configuration:";
        for (const auto& e : errors) {
            detail += "\n  " + e.field + ": " + e.message;
        }
        throw Error(ErrorKind::kInvalid, detail, errors);
    }
    return config;
}

std::map<std::string, std::string> ProcessEnv() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view kv(*e);
        if (!kv.starts_with("ROUNDS_")) {
            continue;
        }
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) {
            continue;
        }
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    return env;
}

std::string SettingsMarkdown() {
    std::string out = "| flag | environment variable | type | default | meaning |\n|---|---|---|---|---|\n";
    for (const auto& d : Settings()) {
        out += "| `--" + d.name + "` | `" + d.env + "` | " + d.type + " | " +
               (d.default_value.empty() ? std::string("(empty)") : "`" + d.default_value + "`") + " | " + d.help +
               " |\n";
    }
    return out;
}

int EffectiveThreads(int configured) {
    if (configured > 0) {
        return configured;
    }
    return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

std::string RedactUrl(std::string_view url) {
    std::string out(url);
    auto scheme = out.find("://");
    if (scheme != std::string::npos) {
        auto at = out.find('@', scheme + 3);
        auto colon = out.find(':', scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at) {
            out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    auto pw = out.find("password=");
    if (pw != std::string::npos) {
        auto end = out.find(' ', pw);
        out.replace(pw + 9, (end == std::string::npos ? out.size() : end) - pw - 9, "***");
    }
    return out;
}

}  // namespace rounds::core
