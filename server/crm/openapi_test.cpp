#include "crm/openapi.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace rounds::crm {
namespace {

namespace json = boost::json;

// api/openapi.json must carry exactly the CRM paths and schemas generated from the entity table. On a
// difference the generated fragment is left in the build tree; `scripts/openapi-crm.py <fragment>` merges it.
TEST(CrmOpenApi, CheckedInDocumentMatchesTheEntityTable) {
    std::ifstream in(ROUNDS_SOURCE_DIR "/api/openapi.json");
    ASSERT_TRUE(in.good());
    std::stringstream buf;
    buf << in.rdbuf();
    json::value spec = json::parse(buf.str());
    json::object fragment = OpenApiFragment();
    {
        std::ofstream out(ROUNDS_BINARY_DIR "/crm-openapi-fragment.json");
        out << json::serialize(fragment);
    }
    const auto& paths = spec.at("paths").as_object();
    for (const auto& [path, item] : fragment.at("paths").as_object()) {
        ASSERT_TRUE(paths.contains(path))
            << path << " missing: run scripts/openapi-crm.py " ROUNDS_BINARY_DIR "/crm-openapi-fragment.json";
        EXPECT_EQ(paths.at(path), item) << path << " differs: run scripts/openapi-crm.py";
    }
    const auto& schemas = spec.at("components").at("schemas").as_object();
    for (const auto& [name, schema] : fragment.at("schemas").as_object()) {
        ASSERT_TRUE(schemas.contains(name)) << name << " missing: run scripts/openapi-crm.py";
        EXPECT_EQ(schemas.at(name), schema) << name << " differs: run scripts/openapi-crm.py";
    }
}

}  // namespace
}  // namespace rounds::crm
