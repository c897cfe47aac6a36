#include "physicians/params.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace rounds::physicians {
namespace {

http::Request WithQuery(std::vector<std::pair<std::string, std::string>> q) {
    http::Request r;
    r.query = std::move(q);
    return r;
}

std::string FieldOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const core::Error& e) {
        EXPECT_EQ(e.Kind(), core::ErrorKind::kInvalid);
        return e.Fields().empty() ? "" : e.Fields()[0].field;
    }
    return "(no error)";
}

TEST(Params, NpiNamesTheParameterAndChecksTheDigit) {
    http::Request r;
    r.path_params["npi"] = "1234567893";
    EXPECT_EQ(NpiParam(r), 1234567893);
    r.path_params["npi"] = "1234567890";
    EXPECT_EQ(FieldOf([&] { NpiParam(r); }), "npi");
    r.path_params["npi"] = "12345";
    EXPECT_EQ(FieldOf([&] { NpiParam(r); }), "npi");
}

TEST(Params, RadiusUnitsAndMaximum) {
    EXPECT_NEAR(RadiusMeters("10mi"), 16093.44, 0.01);
    EXPECT_NEAR(RadiusMeters("16km"), 16000, 0.01);
    EXPECT_NEAR(RadiusMeters("800m"), 800, 0.01);
    EXPECT_NEAR(RadiusMeters("2"), 3218.688, 0.01);
    EXPECT_NEAR(RadiusMeters(std::nullopt), kDefaultRadiusMeters, 0.01);
    EXPECT_EQ(FieldOf([] { RadiusMeters("101mi"); }), "radius");
    EXPECT_EQ(FieldOf([] { RadiusMeters("-1km"); }), "radius");
    EXPECT_EQ(FieldOf([] { RadiusMeters("far"); }), "radius");
}

TEST(Params, PointsAreRangeChecked) {
    EXPECT_FALSE(OptionalPoint(WithQuery({})).has_value());
    auto p = OptionalPoint(WithQuery({{"lat", "44.97"}, {"lng", "-93.26"}}));
    ASSERT_TRUE(p);
    EXPECT_DOUBLE_EQ(p->lat, 44.97);
    EXPECT_EQ(FieldOf([] { OptionalPoint(WithQuery({{"lat", "91"}, {"lng", "0"}})); }), "lat");
    EXPECT_EQ(FieldOf([] { OptionalPoint(WithQuery({{"lat", "0"}, {"lng", "-181"}})); }), "lng");
    EXPECT_EQ(FieldOf([] { OptionalPoint(WithQuery({{"lat", "0"}})); }), "lng");
    EXPECT_EQ(FieldOf([] { OptionalPoint(WithQuery({{"lat", "nan"}, {"lng", "0"}})); }), "lat");
    EXPECT_EQ(FieldOf([] { RequiredPoint(WithQuery({})); }), "lat");
}

TEST(Params, LimitStateZipEntityYear) {
    EXPECT_EQ(Limit(WithQuery({}), 20, 500), 20);
    EXPECT_EQ(Limit(WithQuery({{"limit", "500"}}), 20, 500), 500);
    EXPECT_EQ(FieldOf([] { Limit(WithQuery({{"limit", "501"}}), 20, 500); }), "limit");
    EXPECT_EQ(FieldOf([] { Limit(WithQuery({{"limit", "0"}}), 20, 500); }), "limit");
    EXPECT_EQ(StateParam(WithQuery({{"state", "ny"}})), "NY");
    EXPECT_EQ(FieldOf([] { StateParam(WithQuery({{"state", "XX"}})); }), "state");
    EXPECT_EQ(ZipParam(WithQuery({{"zip", "55401-1234"}})), "55401");
    EXPECT_EQ(FieldOf([] { ZipParam(WithQuery({{"zip", "5540"}})); }), "zip");
    EXPECT_EQ(EntityTypeParam(WithQuery({{"entity_type", "organization"}})), 2);
    EXPECT_EQ(FieldOf([] { EntityTypeParam(WithQuery({{"entity_type", "robot"}})); }), "entity_type");
    EXPECT_EQ(FieldOf([] { YearParam(WithQuery({{"year", "24"}})); }), "year");
}

TEST(Params, SearchTokensSplitOnPunctuationAndKeepAccents) {
    EXPECT_EQ(SearchTokens("Smith-Jones, John"), (std::vector<std::string>{"smith", "jones", "john"}));
    EXPECT_EQ(SearchTokens("  josé   o'brien "), (std::vector<std::string>{"josé", "o'brien"}));
    EXPECT_EQ(SearchTokens("jon smiht"), (std::vector<std::string>{"jon", "smiht"}));
    EXPECT_EQ(FieldOf([] { SearchTokens("a"); }), "q");
    EXPECT_EQ(FieldOf([] { SearchTokens("!!! ?"); }), "q");
    // Regular-expression characters never reach the SQL pattern.
    EXPECT_EQ(SearchTokens("sm(ith|.*)"), (std::vector<std::string>{"sm", "ith"}));
}

TEST(Params, CursorsRoundTripAndForgeriesAreRefused) {
    for (std::string payload : {"3:0.5:1234567893", "n:1234567893", "x", "120"}) {
        EXPECT_EQ(DecodeCursor(EncodeCursor(payload)), payload);
    }
    EXPECT_EQ(FieldOf([] { DecodeCursor("not base64!"); }), "cursor");
    EXPECT_EQ(FieldOf([] { DecodeCursor(""); }), "cursor");
}

TEST(Params, SortFieldsAreWhitelisted) {
    std::vector<std::string> allowed = {"claims", "cost"};
    EXPECT_EQ(SortParam(WithQuery({}), allowed, "claims", true), std::make_pair(std::string("claims"), true));
    EXPECT_EQ(SortParam(WithQuery({{"sort", "cost"}}), allowed, "claims", true),
              std::make_pair(std::string("cost"), false));
    EXPECT_EQ(SortParam(WithQuery({{"sort", "-cost"}}), allowed, "claims", true),
              std::make_pair(std::string("cost"), true));
    EXPECT_EQ(FieldOf([&] { SortParam(WithQuery({{"sort", "npi; DROP"}}), allowed, "claims", true); }), "sort");
}

}  // namespace
}  // namespace rounds::physicians
