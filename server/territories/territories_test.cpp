#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "core/error.h"
#include "territories/geometry.h"
#include "territories/service.h"
#include "territories/workload.h"

namespace rounds::territories {
namespace {

namespace json = boost::json;

json::value Square(double lng, double lat, double d, bool closed = true) {
    json::array ring{json::array{lng, lat}, json::array{lng + d, lat}, json::array{lng + d, lat + d},
                     json::array{lng, lat + d}};
    if (closed) {
        ring.push_back(json::array{lng, lat});
    }
    return json::object{{"type", "Polygon"}, {"coordinates", json::array{ring}}};
}

bool Has(const GeoCheck& c, const std::string& code) {
    for (const auto& p : c.problems) {
        if (p.code == code) {
            return true;
        }
    }
    return false;
}

TEST(Geometry, AcceptsAClosedSquareInMinnesota) {
    GeoCheck c = CheckGeoJson(Square(-93.3, 44.9, 0.1), false);
    EXPECT_TRUE(c.problems.empty());
    EXPECT_NE(c.multipolygon.find("MultiPolygon"), std::string::npos);
}

TEST(Geometry, UnclosedRingIsRefusedOrClosed) {
    GeoCheck c = CheckGeoJson(Square(-93.3, 44.9, 0.1, false), false);
    EXPECT_TRUE(Has(c, "unclosed_ring"));
    GeoCheck r = CheckGeoJson(Square(-93.3, 44.9, 0.1, false), true);
    EXPECT_TRUE(r.problems.empty());
    ASSERT_EQ(r.repairs.size(), 1u);
    EXPECT_NE(r.repairs[0].find("closed"), std::string::npos);
}

TEST(Geometry, SwappedCoordinatesAreDetectedAndSwappedBack) {
    // Minneapolis given as [lat, lng].
    json::value swapped =
        json::object{{"type", "Polygon"},
                     {"coordinates", json::array{json::array{json::array{44.9, -93.3}, json::array{44.9, -93.2},
                                                             json::array{45.0, -93.2}, json::array{44.9, -93.3}}}}};
    EXPECT_TRUE(Has(CheckGeoJson(swapped, false), "swapped_coordinates"));
    GeoCheck r = CheckGeoJson(swapped, true);
    EXPECT_TRUE(r.problems.empty());
    EXPECT_NE(r.multipolygon.find("[-9.33E1,4.49E1]"), std::string::npos) << r.multipolygon;
}

TEST(Geometry, OutOfRangeAndOutsideTheUs) {
    EXPECT_TRUE(Has(CheckGeoJson(Square(-200, 44.9, 1), false), "out_of_range"));
    EXPECT_TRUE(Has(CheckGeoJson(Square(2.3, 48.8, 0.1), true), "outside_us"));  // Paris is not a US territory
    EXPECT_TRUE(Has(
        CheckGeoJson(
            json::object{{"type", "Polygon"},
                         {"coordinates", json::array{json::array{json::array{-93.0, 45.0}, json::array{-93.0, 45.0}}}}},
            false),
        "too_few_points"));
}

TEST(Geometry, MalformedStructureIs400NamingGeometry) {
    for (const char* text : {R"("x")", R"({"type":"Point","coordinates":[1,2]})", R"({"type":"Polygon"})",
                             R"({"type":"Polygon","coordinates":[[["a","b"]]]})"}) {
        try {
            CheckGeoJson(json::parse(text), true);
            FAIL() << text;
        } catch (const core::Error& e) {
            EXPECT_EQ(e.Kind(), core::ErrorKind::kInvalid);
            ASSERT_FALSE(e.Fields().empty());
            EXPECT_EQ(e.Fields()[0].field, "geometry");
        }
    }
}

TEST(Territories, LevelsAndZips) {
    EXPECT_LT(LevelRank("nation"), LevelRank("region"));
    EXPECT_LT(LevelRank("district"), LevelRank("territory"));
    EXPECT_EQ(LevelRank("county"), -1);
    EXPECT_NO_THROW(CheckZips(std::vector<std::string>{"55401", "00601"}, "zips"));
    EXPECT_THROW(CheckZips(std::vector<std::string>{"5540"}, "zips"), core::Error);
}

ModelParams Params() {
    ModelParams p;
    p.calls_per_year = {{10, 24}, {9, 24}, {8, 12}, {7, 12}};
    return p;
}

/// Two territories side by side: West gets three ZIP clusters of targets, East one.
std::vector<MemberRow> Lopsided() {
    std::vector<MemberRow> rows;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> jitter(-0.02, 0.02);
    auto cluster = [&](const std::string& t, const std::string& zip, double lng, double lat, int n) {
        for (int i = 0; i < n; ++i) {
            rows.push_back({t, zip, lat + jitter(rng), lng + jitter(rng), 100, 7 + i % 4, true});
        }
    };
    cluster("W", "55401", -93.40, 45.0, 30);
    cluster("W", "55402", -93.30, 45.0, 30);
    cluster("W", "55403", -93.20, 45.0, 30);  // borders East
    cluster("E", "55404", -93.10, 45.0, 20);
    cluster("E", "55405", -93.00, 45.0, 5);
    return rows;
}

TEST(Workload, VisitsFollowDecilesAndTravelGrowsWithArea) {
    std::vector<MemberRow> rows = {{"A", "1", 45.0, -93.0, 10, 10, true},
                                   {"A", "1", 45.0, -93.1, 10, 7, true},
                                   {"A", "2", 45.1, -93.0, 10, 3, false}};
    auto loads = Evaluate({"A"}, rows, Params());
    ASSERT_EQ(loads.size(), 1u);
    EXPECT_EQ(loads[0].physicians, 3);
    EXPECT_EQ(loads[0].targets, 2);
    EXPECT_DOUBLE_EQ(loads[0].visits, 36);
    EXPECT_DOUBLE_EQ(loads[0].visit_hours, 18);
    EXPECT_GT(loads[0].travel_hours, 0);
    EXPECT_DOUBLE_EQ(loads[0].volume, 30);
    rows.push_back({"A", "3", 46.0, -92.0, 10, 10, true});  // far away: more area, more travel per visit
    auto spread_out = Evaluate({"A"}, rows, Params());
    EXPECT_GT(spread_out[0].travel_hours / spread_out[0].visits, loads[0].travel_hours / loads[0].visits);
}

TEST(Alignment, ReducesTheSpreadItReportsByMovingBorderZips) {
    auto rows = Lopsided();
    Suggestion s = SuggestAlignment({"W", "E"}, rows, Params(), 10);
    ASSERT_FALSE(s.moves.empty());
    EXPECT_LT(s.spread_after, s.spread_before);
    // The reported "after" is what the model gives for the rows with the moves applied.
    for (const auto& m : s.moves) {
        for (auto& r : rows) {
            if (r.territory == m.from && r.zip == m.zip) {
                r.territory = m.to;
            }
        }
    }
    auto again = Evaluate({"W", "E"}, rows, Params());
    EXPECT_NEAR(Spread(again), s.spread_after, 1e-6);
    // The first ZIP moved West → East is the one on the border, never the far west one.
    EXPECT_EQ(s.moves[0].from, "W");
    EXPECT_EQ(s.moves[0].zip, "55403");
}

TEST(Alignment, BalancedTerritoriesGetNoMoves) {
    std::vector<MemberRow> rows;
    for (int i = 0; i < 10; ++i) {
        rows.push_back({"A", "1000" + std::to_string(i % 2), 45.0, -93.0 - 0.001 * i, 1, 10, true});
        rows.push_back({"B", "2000" + std::to_string(i % 2), 45.0, -92.0 + 0.001 * i, 1, 10, true});
    }
    Suggestion s = SuggestAlignment({"A", "B"}, rows, Params(), 10);
    EXPECT_LE(s.spread_after, s.spread_before);
    EXPECT_TRUE(s.moves.empty() || s.spread_after < s.spread_before);
}

}  // namespace
}  // namespace rounds::territories
