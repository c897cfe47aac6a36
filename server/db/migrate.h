#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/sync_connection.h"

namespace rounds::db {

/// One numbered SQL file of db/migrations ("0001_foundation.sql" → version 1), compiled into the binary so a
/// deployed `rounds` always carries the schema it expects.
struct Migration {
    int version = 0;
    std::string name;  // file name
    std::string_view sql;
};

/// The migrations embedded at build time, ordered by version.
const std::vector<Migration>& EmbeddedMigrations();
int LatestVersion(const std::vector<Migration>& migrations);

/// Parses "0001_name.sql" → 1; throws std::invalid_argument for names not of that form.
int VersionOf(std::string_view file_name);

struct MigrateReport {
    std::vector<std::string> applied;  // file names applied by this call
    int current_version = 0;
};

/// Applies pending migrations, each in its own transaction, recorded in public.schema_migrations. Holds a
/// PostgreSQL advisory lock throughout, so two processes migrating at once apply each file exactly once.
/// Refuses (core::Error kConflict) when an applied file's checksum changed, or the database is newer than
/// this binary. Throws SqlError naming the file when one fails (that file's changes are rolled back).
MigrateReport ApplyMigrations(SyncConnection& conn, const std::vector<Migration>& migrations);

/// The highest applied version (0 for an empty database).
int AppliedVersion(SyncConnection& conn);

}  // namespace rounds::db
