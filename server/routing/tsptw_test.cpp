#include "routing/tsptw.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>

#include "routing/solver.h"

namespace rounds::routing {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kData = std::filesystem::path(ROUNDS_SHARED_DIR) / "data" / "tsptw";

std::string ParseError(const std::string& text) {
    std::istringstream in(text);
    try {
        ParseTsptw(in, "inline");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(TsptwParseTest, DumasFile) {
    const TsptwInstance inst = LoadTsptw(kData / "instances" / "Dumas" / "n20w20.001.txt");
    EXPECT_EQ(inst.name, "n20w20.001.txt");
    ASSERT_EQ(inst.node_count, 21);
    EXPECT_EQ(inst.travel[1], 19 * kTicksPerSecond);  // d[0][1]
    EXPECT_EQ(inst.travel[21 * 21 - 1], 0);
    EXPECT_EQ(inst.windows[0], (TimeWindow{0, 408 * kTicksPerSecond}));
    EXPECT_EQ(inst.windows[1], (TimeWindow{62 * kTicksPerSecond, 68 * kTicksPerSecond}));
    EXPECT_EQ(inst.windows[20], (TimeWindow{275 * kTicksPerSecond, 300 * kTicksPerSecond}));
}

TEST(TsptwParseTest, SolomonPesantFileWithCommentsAndRealValues) {
    const TsptwInstance inst = LoadTsptw(kData / "instances" / "SolomonPesant" / "rc201.0");
    ASSERT_EQ(inst.node_count, 26);
    EXPECT_EQ(inst.travel[1], 308'058);       // 30.8058
    EXPECT_EQ(inst.travel[26 + 0], 408'058);  // 40.8058: asymmetric, service included
    EXPECT_EQ(inst.travel[26 + 1], 100'000);  // diagonal 10.0000
    EXPECT_EQ(inst.windows[0], (TimeWindow{0, 960 * kTicksPerSecond}));
    EXPECT_EQ(inst.windows[1], (TimeWindow{152 * kTicksPerSecond, 272 * kTicksPerSecond}));
}

TEST(TsptwParseTest, RejectsMalformedInput) {
    EXPECT_THAT(ParseError(""), HasSubstr("empty"));
    EXPECT_THAT(ParseError("2\n0 1\n1 0\n0 10\n"), HasSubstr("file ends early"));
    EXPECT_THAT(ParseError("2\n0 x\n1 0\n0 10\n0 5\n"), HasSubstr("line 2: matrix[0][1]: expected a finite number"));
    EXPECT_THAT(ParseError("2\n0 nan\n1 0\n0 10\n0 5\n"), HasSubstr("matrix[0][1]"));
    EXPECT_THAT(ParseError("2\n0 -1\n1 0\n0 10\n0 5\n"), HasSubstr("negative"));
    EXPECT_THAT(ParseError("2\n0 1\n1 0\n0 10\n9 5\n"), HasSubstr("line 5: window[1]: earliest 9 > latest 5"));
    EXPECT_THAT(ParseError("2\n0 1\n1 0\n0 10\n0 5\n7\n"), HasSubstr("extra value"));
    EXPECT_THAT(ParseError("-3\n"), HasSubstr("node count"));
    EXPECT_EQ(ParseError("2 # nodes\n0 1 # row\n1 0\n0 10\n0 5 # last\n"), "");
    EXPECT_THROW(LoadTsptw(kData / "no-such-file"), std::invalid_argument);
}

TEST(TsptwEvaluateTest, FollowsTheBenchmarkDefinition) {
    std::istringstream in("3\n0 5 7\n5 0 2\n7 2 0\n0 20\n6 8\n0 9\n");
    const TsptwInstance inst = ParseTsptw(in, "tiny");
    // 0 -> 1 (arrive 5, wait to 6) -> 2 (arrive 8) -> 0 (arrive 15): objective 5 + 2 + 7, waiting excluded.
    TsptwEvaluation e = EvaluateTsptw(inst, {1, 2});
    EXPECT_TRUE(e.feasible) << e.violation;
    EXPECT_EQ(e.objective, 14 * kTicksPerSecond);
    // 0 -> 2 (7) -> 1 (arrive 9 > 8): infeasible, objective still reported.
    e = EvaluateTsptw(inst, {2, 1});
    EXPECT_FALSE(e.feasible);
    EXPECT_THAT(e.violation, HasSubstr("node 1"));
    EXPECT_FALSE(EvaluateTsptw(inst, {1}).feasible);
    EXPECT_FALSE(EvaluateTsptw(inst, {1, 1}).feasible);
}

TEST(TsptwEvaluateTest, SolverScheduleAgreesWithEvaluator) {
    const TsptwInstance inst = LoadTsptw(kData / "instances" / "SolomonPesant" / "rc201.0");
    const Problem p = ToProblem(inst);
    std::vector<std::int32_t> identity;
    for (std::int32_t i = 1; i < inst.node_count; ++i) {
        identity.push_back(i);
    }
    const Solution s = ScheduleRoute(p, identity);
    const TsptwEvaluation e = EvaluateTsptw(inst, identity);
    EXPECT_EQ(s.total_travel, e.objective);
    EXPECT_EQ(s.feasible, e.feasible);
}

TEST(TsptwBestKnownTest, LoadsTheCsv) {
    const auto values = LoadBestKnown(kData / "best_known.csv");
    EXPECT_EQ(values.at("n20w20.001.txt"), 378.0);
    EXPECT_DOUBLE_EQ(values.at("rc201.0"), 628.62);
    EXPECT_GE(values.size(), 300U);
}

// Fixed seed and iteration count (no time limit) make this deterministic. The bound is generous on purpose:
// the test guards against regressions that break feasibility or quality badly, not against small drift.
TEST(TsptwSolveTest, FeasibleAndCloseToBestKnownOnSmallInstances) {
    const auto best = LoadBestKnown(kData / "best_known.csv");
    for (const char* file : {"Dumas/n20w20.001.txt", "Dumas/n20w100.003.txt", "GendreauDumasExtended/n20w120.002.txt",
                             "SolomonPesant/rc201.0"}) {
        const TsptwInstance inst = LoadTsptw(kData / "instances" / file);
        SolveOptions options;
        options.time_limit = std::chrono::milliseconds(0);
        options.max_iterations = 200;
        options.seed = 3;
        const Solution s = Solve(ToProblem(inst), options);
        std::vector<std::int32_t> tour;
        for (const Visit& v : s.visits) {
            tour.push_back(v.node);
        }
        const TsptwEvaluation e = EvaluateTsptw(inst, tour);
        ASSERT_TRUE(e.feasible) << file << ": " << e.violation;
        EXPECT_TRUE(s.feasible);
        EXPECT_EQ(s.total_travel, e.objective);
        const double gap = SecondsFromTicks(e.objective) / best.at(inst.name) - 1.0;
        EXPECT_GE(gap, -1e-6) << file;  // never better than the best known
        EXPECT_LE(gap, 0.05) << file;
    }
}

}  // namespace
}  // namespace rounds::routing
