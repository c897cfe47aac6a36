#include "core/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/error.h"

namespace rounds::core {
namespace {

TEST(Config, DefaultsEnvThenFlags) {
    Config c = LoadConfig({{"ROUNDS_HTTP_PORT", "9000"}, {"ROUNDS_LOG_FORMAT", "text"}}, {{"http-port", "9100"}});
    EXPECT_EQ(c.http_port, 9100);  // flag beats environment
    EXPECT_EQ(c.log_format, LogFormat::kText);
    EXPECT_EQ(c.db_pool_size, 16);
}

TEST(Config, ByteSizesAcceptSuffixes) {
    Config c = LoadConfig({{"ROUNDS_HTTP_BODY_LIMIT", "2m"}}, {});
    EXPECT_EQ(c.http_body_limit_bytes, 2 * 1024 * 1024);
}

TEST(Config, BadValuesNameTheSettingAndWhatIsAllowed) {
    try {
        LoadConfig({{"ROUNDS_DB_POOL_SIZE", "zero"}}, {{"log-level", "loud"}});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.Kind(), ErrorKind::kInvalid);
        std::string d = e.Detail();
        EXPECT_NE(d.find("ROUNDS_DB_POOL_SIZE"), std::string::npos) << d;
        EXPECT_NE(d.find("from 1 to 1000"), std::string::npos) << d;
        EXPECT_NE(d.find("--log-level"), std::string::npos) << d;
        EXPECT_NE(d.find("debug, info, warn, error"), std::string::npos) << d;
        EXPECT_EQ(e.Fields().size(), 2U);
    }
}

TEST(Config, UnknownRoundsVariableIsRefused) {
    EXPECT_THROW(LoadConfig({{"ROUNDS_HTTP_PROT", "1"}}, {}), Error);
    EXPECT_NO_THROW(LoadConfig({{"ROUNDS_TEST_DATABASE_URL", "x"}}, {}));
}

TEST(Config, DatabaseUrlMustLookLikeOne) {
    EXPECT_THROW(LoadConfig({{"ROUNDS_DATABASE_URL", "localhost"}}, {}), Error);
    EXPECT_NO_THROW(LoadConfig({{"ROUNDS_DATABASE_URL", "postgresql://a@127.0.0.1:5432/db"}}, {}));
}

TEST(Config, RedactUrlHidesPasswords) {
    EXPECT_EQ(RedactUrl("postgresql://app:s3cret@127.0.0.1:5/db"), "postgresql://app:***@127.0.0.1:5/db");
    EXPECT_EQ(RedactUrl("host=x password=s3cret user=y"), "host=x password=*** user=y");
    EXPECT_EQ(RedactUrl("postgresql://app@h/db"), "postgresql://app@h/db");
}

// docs/configuration.md must list exactly the settings of the code, each with its flag and variable.
TEST(Config, DocumentationTableMatchesCode) {
    std::ifstream in(std::string(ROUNDS_SOURCE_DIR) + "/docs/configuration.md");
    ASSERT_TRUE(in) << "docs/configuration.md is missing";
    std::stringstream ss;
    ss << in.rdbuf();
    std::string doc = ss.str();
    std::set<std::string> documented_env;
    std::regex row(R"(\|\s*`--([a-z0-9-]+)`\s*\|\s*`(ROUNDS_[A-Z0-9_]+)`)");
    for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it) {
        documented_env.insert((*it)[2].str());
        bool found = false;
        for (const auto& d : Settings()) {
            if (d.env == (*it)[2].str()) {
                found = true;
                EXPECT_EQ(d.name, (*it)[1].str()) << "flag of " << d.env;
            }
        }
        EXPECT_TRUE(found) << (*it)[2].str() << " is documented but not a setting";
    }
    for (const auto& d : Settings()) {
        EXPECT_TRUE(documented_env.count(d.env)) << d.env << " is not in docs/configuration.md";
    }
}

}  // namespace
}  // namespace rounds::core
