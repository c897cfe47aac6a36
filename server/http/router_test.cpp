#include "http/router.h"

#include <gtest/gtest.h>

namespace rounds::http {
namespace {

Handler Noop() {
    return [](Request&) -> boost::asio::awaitable<Response> { co_return Response::Text(200, "ok"); };
}

TEST(Router, LiteralBeatsParameterWhateverTheOrder) {
    Router r;
    r.Add({"GET", "/api/v1/physicians/{npi}", Noop(), Access::kPublic, ""});
    r.Add({"GET", "/api/v1/physicians/search", Noop(), Access::kPublic, ""});
    auto m = r.Find("GET", "/api/v1/physicians/search");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/physicians/search");
    m = r.Find("GET", "/api/v1/physicians/1234567893");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params.at("npi"), "1234567893");
}

TEST(Router, ParameterWithLiteralSuffix) {
    Router r;
    r.Add({"GET", "/api/v1/routes/{id}", Noop(), Access::kPublic, ""});
    r.Add({"GET", "/api/v1/routes/{id}.ics", Noop(), Access::kPublic, ""});
    r.Add({"GET", "/api/v1/routes/plan.ics", Noop(), Access::kPublic, ""});
    auto m = r.Find("GET", "/api/v1/routes/abc.ics");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/routes/{id}.ics");
    EXPECT_EQ(m.params.at("id"), "abc");
    m = r.Find("GET", "/api/v1/routes/abc");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/routes/{id}");
    EXPECT_EQ(m.params.at("id"), "abc");
    // The suffix alone is not a value; a literal still wins.
    EXPECT_EQ(r.Find("GET", "/api/v1/routes/.ics").route->pattern, "/api/v1/routes/{id}");
    EXPECT_EQ(r.Find("GET", "/api/v1/routes/plan.ics").route->pattern, "/api/v1/routes/plan.ics");
    EXPECT_THROW(r.Add({"GET", "/x/{a}.i}cs", Noop(), Access::kPublic, ""}), std::invalid_argument);
    EXPECT_THROW(r.Add({"GET", "/x/pre{a}", Noop(), Access::kPublic, ""}), std::invalid_argument);
}

TEST(Router, MethodMismatchListsAllowedMethods) {
    Router r;
    r.Add({"GET", "/things/{id}", Noop(), Access::kPublic, ""});
    r.Add({"PATCH", "/things/{id}", Noop(), Access::kPublic, ""});
    auto m = r.Find("POST", "/things/7");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "PATCH"}));
    EXPECT_NE(r.Find("HEAD", "/things/7").route, nullptr);
}

TEST(Router, UnknownPathHasNoAllowList) {
    Router r;
    r.Add({"GET", "/healthz", Noop(), Access::kPublic, ""});
    auto m = r.Find("GET", "/nope");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_TRUE(m.allowed.empty());
    EXPECT_EQ(r.Find("GET", "/healthz/extra").route, nullptr);
}

TEST(Router, TrailingAndDoubleSlashesAreTolerated) {
    Router r;
    r.Add({"GET", "/a/b", Noop(), Access::kPublic, ""});
    EXPECT_NE(r.Find("GET", "/a/b/").route, nullptr);
    EXPECT_NE(r.Find("GET", "//a//b").route, nullptr);
}

TEST(Router, RejectsDuplicatesAndMalformedTemplates) {
    Router r;
    r.Add({"GET", "/a/{id}", Noop(), Access::kPublic, ""});
    EXPECT_THROW(r.Add({"GET", "/a/{id}", Noop(), Access::kPublic, ""}), std::invalid_argument);
    EXPECT_THROW(r.Add({"GET", "/a/{id", Noop(), Access::kPublic, ""}), std::invalid_argument);
    EXPECT_THROW(r.Add({"GET", "a", Noop(), Access::kPublic, ""}), std::invalid_argument);
}

}  // namespace
}  // namespace rounds::http
