#include <iostream>

#include "app/commands.h"
#include "core/error.h"
#include "db/migrate.h"
#include "db/sql_error.h"

namespace rounds::app {

int RunMigrate(const core::Config& config, bool status_only) {
    if (config.database_url.empty()) {
        std::cerr << "rounds migrate: ROUNDS_DATABASE_URL (or --database-url) is required\n";
        return 2;
    }
    try {
        db::SyncConnection conn(config.database_url);
        const auto& migrations = db::EmbeddedMigrations();
        if (status_only) {
            int applied = db::AppliedVersion(conn);
            int latest = db::LatestVersion(migrations);
            std::cout << "database at migration " << applied << "; this binary has " << latest << "\n";
            for (const auto& m : migrations) {
                std::cout << (m.version <= applied ? "  applied  " : "  pending  ") << m.name << "\n";
            }
            return applied == latest ? 0 : 3;
        }
        auto report = db::ApplyMigrations(conn, migrations);
        for (const auto& name : report.applied) {
            std::cout << "applied " << name << "\n";
        }
        std::cout << "database at migration " << report.current_version
                  << (report.applied.empty() ? " (nothing to do)" : "") << "\n";
        return 0;
    } catch (const core::Error& e) {
        std::cerr << "rounds migrate: " << e.Detail() << "\n";
        return e.Kind() == core::ErrorKind::kUnavailable ? 3 : 1;
    } catch (const db::SqlError& e) {
        std::cerr << "rounds migrate: " << e.what() << " (SQLSTATE " << e.SqlState() << ")\n";
        return 1;
    }
}

}  // namespace rounds::app
