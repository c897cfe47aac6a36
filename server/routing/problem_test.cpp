#include "routing/problem.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "routing/solver.h"
#include "routing/travel_time.h"

namespace rounds::routing {
namespace {

using ::testing::HasSubstr;

Problem TwoNodes() {
    Problem p;
    p.node_count = 2;
    p.travel = {0, 100, 100, 0};
    p.stops.resize(2);
    p.end = 0;
    p.day_end = 10'000;
    return p;
}

std::string ErrorOf(const Problem& p) {
    try {
        ValidateProblem(p);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(ValidateProblemTest, AcceptsAValidProblem) {
    EXPECT_EQ(ErrorOf(TwoNodes()), "");
}

TEST(ValidateProblemTest, NamesTheBadField) {
    Problem p = TwoNodes();
    p.travel.pop_back();
    EXPECT_THAT(ErrorOf(p), HasSubstr("travel: matrix has 3 entries, expected 2x2=4"));

    p = TwoNodes();
    p.travel[1] = -1;
    EXPECT_THAT(ErrorOf(p), HasSubstr("travel[0][1]: negative"));

    p = TwoNodes();
    p.stops[1].service = -5;
    EXPECT_THAT(ErrorOf(p), HasSubstr("stops[1].service"));

    p = TwoNodes();
    p.stops[1].windows = {{0, 10}, {500, 400}};
    EXPECT_THAT(ErrorOf(p), HasSubstr("stops[1].windows[1]: earliest 500 > latest 400"));

    p = TwoNodes();
    p.stops.pop_back();
    EXPECT_THAT(ErrorOf(p), HasSubstr("stops: has 1 entries"));

    p = TwoNodes();
    p.end = 7;
    EXPECT_THAT(ErrorOf(p), HasSubstr("end: node 7"));

    p = TwoNodes();
    p.stops[1].prize = 0;
    EXPECT_THAT(ErrorOf(p), HasSubstr("stops[1].prize: must be in [1, 2^40], got 0"));

    p = TwoNodes();
    p.day_end = -1;
    EXPECT_THAT(ErrorOf(p), HasSubstr("day_end"));
}

TEST(ValidateProblemTest, SolveValidatesToo) {
    Problem p = TwoNodes();
    p.stops[1].windows = {{9, 1}};
    EXPECT_THROW(Solve(p, {}), std::invalid_argument);
}

TEST(TicksTest, ConvertsAndRejectsNonFinite) {
    EXPECT_EQ(TicksFromSeconds(1.5), 15'000);
    EXPECT_EQ(TicksFromSeconds(45.1774), 451'774);
    EXPECT_DOUBLE_EQ(SecondsFromTicks(451'774), 45.1774);
    EXPECT_THROW(TicksFromSeconds(std::nan("")), std::invalid_argument);
    EXPECT_THROW(TicksFromSeconds(std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST(TicksTest, MatrixFromSecondsChecksEntries) {
    EXPECT_EQ(TravelMatrixFromSeconds({0, 1.25, 2, 0}, 2), (std::vector<Ticks>{0, 12'500, 20'000, 0}));
    EXPECT_THROW(TravelMatrixFromSeconds({0, 1, 2}, 2), std::invalid_argument);
    EXPECT_THROW(TravelMatrixFromSeconds({0, std::nan(""), 2, 0}, 2), std::invalid_argument);
    try {
        TravelMatrixFromSeconds({0, -3, 2, 0}, 2);
        FAIL() << "expected an exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("travel[0][1]"));
    }
}

TEST(HaversineTest, KnownDistances) {
    // One degree of latitude is ~111.2 km on the mean sphere.
    EXPECT_NEAR(HaversineMeters({0, 0}, {1, 0}), 111'195.0, 10.0);
    // Paris (Notre-Dame) to London (Trafalgar Square): ~344 km great circle.
    EXPECT_NEAR(HaversineMeters({48.8530, 2.3499}, {51.5080, -0.1281}), 344'000.0, 2'000.0);
    EXPECT_DOUBLE_EQ(HaversineMeters({10, 20}, {10, 20}), 0.0);
    EXPECT_NEAR(HaversineMeters({0, 0}, {0, 180}), std::acos(-1.0) * 6'371'008.8, 1.0);
}

TEST(HaversineTest, MatrixUsesRoadFactorAndSpeed) {
    const HaversineTravelTimeSource source({1.3, 40.0});
    const std::vector<GeoPoint> points = {{48.85, 2.35}, {48.86, 2.36}, {48.90, 2.30}};
    const std::vector<Ticks> m = source.Matrix(points);
    ASSERT_EQ(m.size(), 9U);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(m[i * 3 + i], 0);
        for (std::size_t j = 0; j < 3; ++j) {
            EXPECT_EQ(m[i * 3 + j], m[j * 3 + i]);
        }
    }
    const double meters = HaversineMeters(points[0], points[1]);
    EXPECT_NEAR(SecondsFromTicks(m[1]), meters * 1.3 / (40'000.0 / 3600.0), 1e-3);
    const TravelTimeSource& as_interface = source;
    EXPECT_EQ(as_interface.Matrix(points), m);
}

TEST(HaversineTest, RejectsBadInput) {
    const HaversineTravelTimeSource source;
    EXPECT_THROW(source.Matrix({{std::nan(""), 0}}), std::invalid_argument);
    EXPECT_THROW(source.Matrix({{0, 0}, {91, 0}}), std::invalid_argument);
    EXPECT_THROW(HaversineTravelTimeSource({1.3, 0.0}), std::invalid_argument);
    EXPECT_THROW(HaversineTravelTimeSource({-1.0, 40.0}), std::invalid_argument);
    EXPECT_TRUE(source.Matrix({}).empty());
}

}  // namespace
}  // namespace rounds::routing
