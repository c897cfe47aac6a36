#include "db/migrate.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>

#include "core/error.h"
#include "core/hash.h"
#include "core/log.h"

namespace rounds::db {
namespace {

/// Arbitrary but fixed: the advisory lock key all `rounds migrate` processes agree on.
constexpr const char* kMigrationLockKey = "727001";

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS public.schema_migrations (
    version    integer PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))sql";

}  // namespace

int VersionOf(std::string_view file_name) {
    auto underscore = file_name.find('_');
    if (underscore == std::string_view::npos || underscore == 0 || !file_name.ends_with(".sql")) {
        throw std::invalid_argument("migration file name must look like 0001_name.sql: " + std::string(file_name));
    }
    int v = 0;
    auto [ptr, ec] = std::from_chars(file_name.data(), file_name.data() + underscore, v);
    if (ec != std::errc() || ptr != file_name.data() + underscore || v <= 0) {
        throw std::invalid_argument("migration file name must start with a positive number: " +
                                    std::string(file_name));
    }
    return v;
}

int LatestVersion(const std::vector<Migration>& migrations) {
    int latest = 0;
    for (const auto& m : migrations) {
        latest = std::max(latest, m.version);
    }
    return latest;
}

int AppliedVersion(SyncConnection& conn) {
    if (conn.Exec("SELECT to_regclass('public.schema_migrations') IS NULL").GetBool(0, 0)) {
        return 0;
    }
    return static_cast<int>(conn.Exec("SELECT coalesce(max(version), 0) FROM public.schema_migrations").GetInt(0, 0));
}

MigrateReport ApplyMigrations(SyncConnection& conn, const std::vector<Migration>& migrations) {
    MigrateReport report;
    conn.Exec(std::string("SELECT pg_advisory_lock(") + kMigrationLockKey + ")");
    struct Unlock {
        SyncConnection& c;
        ~Unlock() {
            try {
                c.Exec(std::string("SELECT pg_advisory_unlock(") + kMigrationLockKey + ")");
            } catch (const std::exception&) {
                // The session ends with the process; PostgreSQL releases the lock then.
            }
        }
    } unlock{conn};
    conn.ExecScript(kCreateTable);
    std::map<int, std::pair<std::string, std::string>> applied;
    Result rows = conn.Exec("SELECT version, name, checksum FROM public.schema_migrations");
    for (int i = 0; i < rows.Rows(); ++i) {
        applied[static_cast<int>(rows.GetInt(i, 0))] = {std::string(rows.Get(i, 1)), std::string(rows.Get(i, 2))};
    }
    int latest = LatestVersion(migrations);
    if (!applied.empty() && applied.rbegin()->first > latest) {
        throw core::Error(core::ErrorKind::kConflict,
                          "the database is at migration " + std::to_string(applied.rbegin()->first) +
                              ", newer than this binary's " + std::to_string(latest) + "; run a newer rounds");
    }
    for (const auto& m : migrations) {
        std::string checksum = core::Sha256Hex(m.sql);
        if (auto it = applied.find(m.version); it != applied.end()) {
            if (it->second.second != checksum) {
                throw core::Error(core::ErrorKind::kConflict,
                                  "migration " + m.name + " was changed after it was applied (checksum " +
                                      checksum.substr(0, 12) + " vs recorded " + it->second.second.substr(0, 12) +
                                      "); add a new migration instead");
            }
            continue;
        }
        conn.ExecScript("BEGIN");
        try {
            conn.ExecScript(m.sql);
            std::vector<Param> params = {std::to_string(m.version), m.name, checksum};
            conn.Exec("INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", params);
            conn.ExecScript("COMMIT");
        } catch (const SqlError& e) {
            conn.ExecScript("ROLLBACK");
            throw SqlError(e.SqlState(), "migration " + m.name + " failed: " + e.what());
        }
        core::LogInfo("migration_applied", {{"version", m.version}, {"name", m.name}});
        report.applied.push_back(m.name);
    }
    report.current_version = AppliedVersion(conn);
    return report;
}

}  // namespace rounds::db
