#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "db/sync_connection.h"

namespace rounds::db::testing {

/// The throw-away database the test command provides (owner role, migrations applied), or "" to skip.
inline std::string TestDatabaseUrl() {
    const char* url = std::getenv("ROUNDS_TEST_DATABASE_URL");
    return url != nullptr ? url : "";
}

/// Replaces the database name of a postgresql:// URL.
inline std::string WithDatabase(const std::string& url, const std::string& db) {
    auto q = url.find('?');
    std::string base = url.substr(0, q);
    auto slash = base.rfind('/');
    return base.substr(0, slash + 1) + db + (q == std::string::npos ? "" : url.substr(q));
}

/// A scratch database created from the test database's template for one test, dropped afterwards.
class ScratchDatabase {
public:
    explicit ScratchDatabase(const std::string& name)
        : admin_url_(TestDatabaseUrl()), name_(name + "_" + std::to_string(::getpid())) {
        SyncConnection admin(admin_url_);
        admin.ExecScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        admin.ExecScript("CREATE DATABASE " + name_ + " TEMPLATE rounds_template");
    }
    ~ScratchDatabase() {
        try {
            SyncConnection admin(admin_url_);
            admin.ExecScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (const std::exception&) {
            // Leftover scratch databases are dropped by the next run of the same test.
        }
    }
    std::string Url() const { return WithDatabase(admin_url_, name_); }

private:
    std::string admin_url_;
    std::string name_;
};

}  // namespace rounds::db::testing

#define ROUNDS_REQUIRE_DB()                                                                  \
    do {                                                                                     \
        if (rounds::db::testing::TestDatabaseUrl().empty()) {                                \
            GTEST_SKIP() << "ROUNDS_TEST_DATABASE_URL is not set (the test command sets it)"; \
        }                                                                                    \
    } while (0)
