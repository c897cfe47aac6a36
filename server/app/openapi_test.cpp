#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>

#include "app/routes.h"

namespace rounds::app {
namespace {

using Endpoint = std::pair<std::string, std::string>;  // method (upper case), path template

std::set<Endpoint> SpecEndpoints() {
    boost::json::value spec = boost::json::parse(OpenApiSpec());
    std::set<Endpoint> out;
    for (const auto& [path, item] : spec.at("paths").as_object()) {
        for (const auto& [method, op] : item.as_object()) {
            std::string m(method);
            if (m == "parameters" || m == "summary" || m == "description") {
                continue;
            }
            for (auto& c : m) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            EXPECT_TRUE(op.as_object().contains("responses")) << m << " " << path;
            EXPECT_TRUE(op.as_object().contains("operationId")) << m << " " << path;
            out.emplace(m, std::string(path));
        }
    }
    return out;
}

// Every live route is documented and every documented operation is served.
TEST(OpenApi, SpecMatchesTheLiveRouteTable) {
    AppContext ctx;  // handlers are built, never called
    http::Router router;
    RegisterRoutes(router, ctx);
    std::set<Endpoint> live;
    for (const auto& r : router.Routes()) {
        live.emplace(r->method, r->pattern);
    }
    std::set<Endpoint> spec = SpecEndpoints();
    for (const auto& e : live) {
        EXPECT_TRUE(spec.count(e)) << e.first << " " << e.second << " is served but not in api/openapi.json";
    }
    for (const auto& e : spec) {
        EXPECT_TRUE(live.count(e)) << e.first << " " << e.second << " is in api/openapi.json but not served";
    }
}

TEST(OpenApi, DebugRoutesStayOutOfTheSpecAndOffByDefault) {
    AppContext ctx;
    http::Router router;
    RegisterRoutes(router, ctx);
    for (const auto& r : router.Routes()) {
        EXPECT_FALSE(r->pattern.starts_with("/debug/")) << r->pattern;
    }
}

TEST(OpenApi, DocumentIsOpenApi3) {
    boost::json::value spec = boost::json::parse(OpenApiSpec());
    EXPECT_TRUE(std::string(spec.at("openapi").as_string()).starts_with("3."));
    EXPECT_TRUE(spec.at("components").at("schemas").as_object().contains("Problem"));
}

}  // namespace
}  // namespace rounds::app
