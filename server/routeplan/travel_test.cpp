#include "routeplan/travel.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rounds::routeplan {
namespace {

TEST(RoutePlanTravel, GreatCircleUsesFactorAndSpeed) {
    // 0.1 degree of latitude ~ 11.1 km.
    const TravelTable t = GreatCircleTable({{40.0, -75.0}, {40.1, -75.0}}, 1.5, 30.0);
    ASSERT_EQ(t.n, 2);
    EXPECT_EQ(t.source, "great_circle");
    EXPECT_NEAR(t.meters[1], 11119.5 * 1.5, 20);
    EXPECT_NEAR(t.seconds[1], t.meters[1] / (30.0 / 3.6), 1e-6);
    EXPECT_EQ(t.seconds[0], 0);
    EXPECT_DOUBLE_EQ(t.seconds[1], t.seconds[2]);
}

TEST(RoutePlanTravel, OsrmUrlIsLonLat) {
    EXPECT_EQ(OsrmTableUrl("http://osrm:5000/", {{40.5, -75.25}, {41, -74}}),
              "http://osrm:5000/table/v1/driving/-75.250000,40.500000;-74.000000,41.000000"
              "?annotations=duration,distance");
}

TEST(RoutePlanTravel, ParsesOsrmTables) {
    const TravelTable t = ParseOsrmTable(
        R"({"code":"Ok","durations":[[0,10.5,null],[11,0,20],[30,21,0]],"distances":[[0,100,null],[110,0,200],[300,210,0]],"sources":[],"destinations":[]})",
        3, 40);
    EXPECT_EQ(t.source, "osrm");
    EXPECT_DOUBLE_EQ(t.seconds[1], 10.5);
    EXPECT_DOUBLE_EQ(t.seconds[2], kUnroutableSeconds);
    EXPECT_DOUBLE_EQ(t.meters[5], 200);
    EXPECT_DOUBLE_EQ(t.meters[2], 0);
    // Without distances: estimated from the durations.
    const TravelTable d = ParseOsrmTable(R"({"code":"Ok","durations":[[0,36],[36,0]]})", 2, 40);
    EXPECT_NEAR(d.meters[1], 400, 1e-9);
}

TEST(RoutePlanTravel, RejectsBadOsrmResponses) {
    EXPECT_THROW(ParseOsrmTable("not json", 2, 40), std::runtime_error);
    EXPECT_THROW(ParseOsrmTable(R"({"code":"InvalidQuery","message":"bad"})", 2, 40), std::runtime_error);
    EXPECT_THROW(ParseOsrmTable(R"({"code":"Ok"})", 2, 40), std::runtime_error);
    EXPECT_THROW(ParseOsrmTable(R"({"code":"Ok","durations":[[0,1]]})", 2, 40), std::runtime_error);
    EXPECT_THROW(ParseOsrmTable(R"({"code":"Ok","durations":[[0,1],[1]]})", 2, 40), std::runtime_error);
    EXPECT_THROW(ParseOsrmTable(R"({"code":"Ok","durations":[[0,-1],[1,0]]})", 2, 40), std::runtime_error);
    EXPECT_THROW(ParseOsrmTable(R"({"code":"Ok","durations":[[0,"1"],[1,0]]})", 2, 40), std::runtime_error);
    try {
        ParseOsrmTable(R"({"code":"NoTable","message":"no route"})", 2, 40);
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("NoTable"), std::string::npos);
    }
}

TEST(RoutePlanTravel, FallsBackWhenOsrmIsUnreachable) {
    TravelSettings s;
    s.osrm_url = "http://127.0.0.1:1";  // nothing listens on port 1
    s.osrm_timeout_ms = 500;
    const TravelTable t = BuildTravelTable(s, {{40.0, -75.0}, {40.1, -75.0}});
    EXPECT_EQ(t.source, "great_circle");
    EXPECT_NE(t.warning.find("OSRM"), std::string::npos);
    EXPECT_THROW(FetchOsrmTable(s, {{40.0, -75.0}, {40.1, -75.0}}), std::runtime_error);
}

}  // namespace
}  // namespace rounds::routeplan
