#include "routing/solver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "routing/test_rng.h"

namespace rounds::routing {
namespace {

constexpr Ticks kMinute = 60 * kTicksPerSecond;

using testing::TestRng;

// Random points on a grid with Euclidean travel times in minutes; windows optional (1 or 2 per stop).
Problem RandomProblem(std::uint64_t seed, std::int32_t stops, bool windows, bool closed = true) {
    TestRng rng(seed);
    const std::int32_t n = stops + 1;
    std::vector<std::pair<std::int64_t, std::int64_t>> xy;
    for (std::int32_t i = 0; i < n; ++i) {
        xy.emplace_back(rng.Between(0, 60), rng.Between(0, 60));
    }
    Problem p;
    p.node_count = n;
    p.stops.resize(static_cast<std::size_t>(n));
    for (std::int32_t i = 0; i < n; ++i) {
        for (std::int32_t j = 0; j < n; ++j) {
            const double dx =
                static_cast<double>(xy[static_cast<std::size_t>(i)].first - xy[static_cast<std::size_t>(j)].first);
            const double dy =
                static_cast<double>(xy[static_cast<std::size_t>(i)].second - xy[static_cast<std::size_t>(j)].second);
            p.travel.push_back(TicksFromSeconds(std::sqrt(dx * dx + dy * dy) * 60.0));
        }
    }
    p.start = 0;
    if (closed) {
        p.end = 0;
    }
    p.day_start = 0;
    p.day_end = 8 * 60 * kMinute;
    for (std::int32_t i = 1; i < n; ++i) {
        Stop& s = p.stops[static_cast<std::size_t>(i)];
        s.service = rng.Between(5, 30) * kMinute;
        if (windows) {
            const Ticks a = rng.Between(0, 400) * kMinute;
            s.windows.push_back({a, a + rng.Between(20, 90) * kMinute});
            if (rng.Between(0, 2) == 0) {
                const Ticks b = a + rng.Between(100, 200) * kMinute;
                s.windows.push_back({b, b + rng.Between(20, 60) * kMinute});
            }
        }
    }
    return p;
}

// (-prize served, lateness, travel) of the best order, by enumerating every sequence of distinct stops. With
// the default prize 1 the first component is minus the number of stops served.
using Key = std::tuple<std::int64_t, Ticks, Ticks>;

Key KeyOf(const Problem& p, const Solution& s) {
    std::int64_t prize = 0;
    for (const Visit& v : s.visits) {
        prize += p.stops[static_cast<std::size_t>(v.node)].prize;
    }
    return {-prize, s.weighted_lateness, s.total_travel};
}

void Enumerate(const Problem& p, std::vector<std::int32_t>& order, std::vector<bool>& used, bool allow_lateness,
               Key& best) {
    const Solution s = ScheduleRoute(p, order);
    const bool ok = allow_lateness || s.weighted_lateness == 0;
    if (!ok) {
        return;  // extending an order that already breaks a window cannot repair it
    }
    if (!allow_lateness || s.unserved.empty()) {
        best = std::min(best, KeyOf(p, s));
    }
    for (std::int32_t node = 0; node < p.node_count; ++node) {
        if (used[static_cast<std::size_t>(node)] || node == p.start || (p.end && node == *p.end)) {
            continue;
        }
        used[static_cast<std::size_t>(node)] = true;
        order.push_back(node);
        Enumerate(p, order, used, allow_lateness, best);
        order.pop_back();
        used[static_cast<std::size_t>(node)] = false;
    }
}

Key BruteForce(const Problem& p, bool allow_lateness) {
    std::vector<std::int32_t> order;
    std::vector<bool> used(static_cast<std::size_t>(p.node_count), false);
    Key best{1, 0, 0};
    Enumerate(p, order, used, allow_lateness, best);
    return best;
}

// The heuristic at a fixed effort and no time limit: the result depends only on (problem, options).
SolveOptions FixedEffort(std::int64_t max_iterations, std::int64_t stall_iterations) {
    SolveOptions options;
    options.method = SolverMethod::kHeuristic;
    options.time_limit = std::chrono::milliseconds(0);
    options.max_iterations = max_iterations;
    options.stall_iterations = stall_iterations;
    return options;
}

// A strict-mode schedule must never be late, and every stop is either visited or reported.
void ExpectConsistent(const Problem& p, const Solution& s) {
    for (const Visit& v : s.visits) {
        EXPECT_EQ(v.lateness, 0) << "node " << v.node;
        bool in_window = p.stops[static_cast<std::size_t>(v.node)].windows.empty();
        for (const TimeWindow& w : p.stops[static_cast<std::size_t>(v.node)].windows) {
            in_window = in_window || (v.service_start >= w.earliest && v.service_start <= w.latest);
        }
        EXPECT_TRUE(in_window) << "node " << v.node;
        EXPECT_LE(v.departure, p.day_end);
    }
    EXPECT_EQ(s.visits.size() + s.unserved.size(),
              static_cast<std::size_t>(p.node_count - 1 - (p.end && *p.end != p.start ? 1 : 0)));
    EXPECT_EQ(s.feasible, s.unserved.empty());
}

TEST(SolveTest, ExactMatchesBruteForceWithoutWindows) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        const Problem p = RandomProblem(seed, 5 + static_cast<std::int32_t>(seed % 3), false);
        const Solution s = Solve(p, {});
        EXPECT_TRUE(s.proven_optimal);
        EXPECT_EQ(KeyOf(p, s), BruteForce(p, false)) << "seed " << seed;
        ExpectConsistent(p, s);
    }
}

TEST(SolveTest, ExactMatchesBruteForceWithWindows) {
    for (std::uint64_t seed = 10; seed <= 19; ++seed) {
        const Problem p = RandomProblem(seed, 5 + static_cast<std::int32_t>(seed % 4), true);
        const Solution s = Solve(p, {});
        EXPECT_EQ(KeyOf(p, s), BruteForce(p, false)) << "seed " << seed;
        ExpectConsistent(p, s);
    }
}

TEST(SolveTest, ExactMatchesBruteForceOpenRoutes) {
    for (std::uint64_t seed = 30; seed <= 35; ++seed) {
        const Problem p = RandomProblem(seed, 6, seed % 2 == 0, /*closed=*/false);
        const Solution s = Solve(p, {});
        EXPECT_EQ(KeyOf(p, s), BruteForce(p, false)) << "seed " << seed;
        ExpectConsistent(p, s);
    }
}

// Random prizes on a short day: the optimum is the most valuable subset, not the largest.
Problem PrizeProblem(std::uint64_t seed, std::int32_t stops) {
    Problem p = RandomProblem(seed, stops, seed % 3 == 0);
    TestRng rng(seed * 31);
    p.day_end = (seed % 3 == 0 ? 6 : 2) * 60 * kMinute;
    for (std::size_t i = 1; i < p.stops.size(); ++i) {
        p.stops[i].prize = rng.Between(1, 100);
    }
    return p;
}

TEST(SolveTest, ExactMatchesBruteForceWithPrizes) {
    std::int32_t not_largest = 0;
    for (std::uint64_t seed = 200; seed <= 211; ++seed) {
        const Problem p = PrizeProblem(seed, 5 + static_cast<std::int32_t>(seed % 3));
        const Solution s = Solve(p, {});
        EXPECT_TRUE(s.proven_optimal);
        EXPECT_EQ(KeyOf(p, s), BruteForce(p, false)) << "seed " << seed;
        ExpectConsistent(p, s);
        // How often the most valuable subset is not a largest one (the prizes make a difference).
        Problem unit = p;
        for (Stop& stop : unit.stops) {
            stop.prize = 1;
        }
        const std::size_t largest = Solve(unit, {}).visits.size();
        not_largest += largest > s.visits.size() ? 1 : 0;
    }
    EXPECT_GT(not_largest, 0);
}

TEST(SolveTest, HeuristicMaximisesPrizeOnSmallInstances) {
    std::int32_t hits = 0;
    for (std::uint64_t seed = 220; seed <= 231; ++seed) {
        const Problem p = PrizeProblem(seed, 8 + static_cast<std::int32_t>(seed % 5));
        SolveOptions exact;
        exact.method = SolverMethod::kExact;
        SolveOptions heuristic;
        heuristic.method = SolverMethod::kHeuristic;
        heuristic.time_limit = std::chrono::milliseconds(0);
        heuristic.max_iterations = 300;
        const Solution optimum = Solve(p, exact);
        const Solution found = Solve(p, heuristic);
        ExpectConsistent(p, found);
        EXPECT_GE(KeyOf(p, found), KeyOf(p, optimum)) << "seed " << seed;
        hits += KeyOf(p, found) == KeyOf(p, optimum) ? 1 : 0;
    }
    EXPECT_GE(hits, 10);
}

// One valuable stop far away or two cheap ones near home: the day fits either, not all three.
TEST(SolveTest, PrizeNotCountIsMaximised) {
    Problem p;
    p.node_count = 4;
    const Ticks h = 60 * kMinute;
    // 0 = home, 1 and 2 near home, 3 far (40 minutes away).
    p.travel = {0,
                2 * kMinute,
                2 * kMinute,
                40 * kMinute,  //
                2 * kMinute,
                0,
                2 * kMinute,
                41 * kMinute,  //
                2 * kMinute,
                2 * kMinute,
                0,
                41 * kMinute,  //
                40 * kMinute,
                41 * kMinute,
                41 * kMinute,
                0};
    p.stops.resize(4);
    p.start = 0;
    p.end = 0;
    p.day_start = 8 * h;
    p.day_end = 10 * h;
    for (std::size_t i = 1; i < 4; ++i) {
        p.stops[i].service = 30 * kMinute;
    }
    for (SolverMethod method : {SolverMethod::kExact, SolverMethod::kHeuristic}) {
        SolveOptions options;
        options.method = method;
        options.time_limit = std::chrono::milliseconds(0);
        p.stops[3].prize = 1;
        Solution s = Solve(p, options);
        EXPECT_EQ(s.visits.size(), 2U);  // equal prizes: the two near stops
        p.stops[1].prize = 30;
        p.stops[2].prize = 30;
        p.stops[3].prize = 90;
        s = Solve(p, options);
        ASSERT_EQ(s.visits.size(), 1U);
        EXPECT_EQ(s.visits[0].node, 3);
        ASSERT_EQ(s.unserved.size(), 2U);
        EXPECT_EQ(s.unserved[0].reason, UnservedReason::kConflictsWithRoute);
        p.stops[3].prize = 59;  // 30 + 30 > 59: the near pair again
        s = Solve(p, options);
        EXPECT_EQ(s.visits.size(), 2U);
        p.stops[1].prize = p.stops[2].prize = p.stops[3].prize = 1;
    }
}

TEST(SolveTest, ExactMatchesBruteForceWithLateness) {
    for (std::uint64_t seed = 40; seed <= 44; ++seed) {
        const Problem p = RandomProblem(seed, 6, true);
        SolveOptions options;
        options.allow_lateness = true;
        const Solution s = Solve(p, options);
        EXPECT_TRUE(s.unserved.empty());
        EXPECT_EQ(KeyOf(p, s), BruteForce(p, true)) << "seed " << seed;
    }
}

TEST(SolveTest, HeuristicFindsTheOptimumOnSmallInstances) {
    std::int32_t exact_hits = 0;
    std::int32_t fewer_served = 0;
    for (std::uint64_t seed = 50; seed <= 61; ++seed) {
        const std::int32_t stops = 8 + static_cast<std::int32_t>(seed % 5);  // 8..12
        const Problem p = RandomProblem(seed, stops, seed % 3 != 0);
        SolveOptions exact;
        exact.method = SolverMethod::kExact;
        SolveOptions heuristic;
        heuristic.method = SolverMethod::kHeuristic;
        heuristic.time_limit = std::chrono::milliseconds(0);  // iteration-bounded only: deterministic
        heuristic.max_iterations = 300;
        const Solution optimum = Solve(p, exact);
        const Solution found = Solve(p, heuristic);
        ExpectConsistent(p, found);
        EXPECT_LE(found.visits.size(), optimum.visits.size()) << "seed " << seed;
        if (found.visits.size() < optimum.visits.size()) {
            ++fewer_served;
            continue;
        }
        EXPECT_GE(found.total_travel, optimum.total_travel) << "seed " << seed;
        // Equal on most seeds; the tolerances keep the test about regressions, not luck.
        EXPECT_LE(static_cast<double>(found.total_travel), 1.05 * static_cast<double>(optimum.total_travel))
            << "seed " << seed;
        exact_hits += found.total_travel == optimum.total_travel ? 1 : 0;
    }
    EXPECT_LE(fewer_served, 1);
    EXPECT_GE(exact_hits, 9);
}

/// The same stops in the same order.
void ExpectSameOrder(const Solution& a, const Solution& b) {
    ASSERT_EQ(a.visits.size(), b.visits.size());
    for (std::size_t i = 0; i < a.visits.size(); ++i) {
        EXPECT_EQ(a.visits[i].node, b.visits[i].node);
    }
}

TEST(SolveTest, HeuristicIsDeterministicForSeedAndEffort) {
    const Problem p = RandomProblem(7, 30, true);
    SolveOptions options;
    options.method = SolverMethod::kHeuristic;
    options.time_limit = std::chrono::milliseconds(0);
    options.max_iterations = 50;
    options.seed = 99;
    const Solution a = Solve(p, options);
    ExpectSameOrder(a, Solve(p, options));
    EXPECT_EQ(a.iterations, 50);
    ExpectConsistent(p, a);
}

TEST(SolveTest, LargerInstancesNeverBreakWindows) {
    for (std::uint64_t seed = 70; seed <= 73; ++seed) {
        const Problem p = RandomProblem(seed, 40, true);
        SolveOptions options;
        options.time_limit = std::chrono::milliseconds(0);
        options.max_iterations = 30;
        const Solution s = Solve(p, options);
        ExpectConsistent(p, s);
        EXPECT_GT(s.visits.size(), 0U);
    }
}

// Home at 0, a stop whose only window closes before it can be reached, one too far to return in time, and
// two stops with the same appointment slot (only one can be served).
Problem ReasonsProblem() {
    Problem p;
    p.node_count = 5;
    const Ticks h = 60 * kMinute;
    p.travel = {
        0,
        30 * kMinute,
        5 * h,
        10 * kMinute,
        10 * kMinute,  //
        30 * kMinute,
        0,
        5 * h,
        10 * kMinute,
        10 * kMinute,  //
        5 * h,
        5 * h,
        0,
        5 * h,
        5 * h,  //
        10 * kMinute,
        10 * kMinute,
        5 * h,
        0,
        1 * kMinute,  //
        10 * kMinute,
        10 * kMinute,
        5 * h,
        1 * kMinute,
        0,  //
    };
    p.stops.resize(5);
    p.start = 0;
    p.end = 0;
    p.day_start = 8 * h;
    p.day_end = 16 * h;
    p.stops[1].windows = {{8 * h, 8 * h + 10 * kMinute}};  // reachable at 8:30 at the earliest
    p.stops[2].service = 30 * kMinute;                     // 5 h away: back at 18:30
    p.stops[3].service = 30 * kMinute;
    p.stops[3].windows = {{10 * h, 10 * h}};
    p.stops[4].service = 30 * kMinute;
    p.stops[4].windows = {{10 * h, 10 * h}};
    return p;
}

TEST(SolveTest, UnservedStopsAreReportedWithAReason) {
    for (SolverMethod method : {SolverMethod::kExact, SolverMethod::kHeuristic}) {
        const Problem p = ReasonsProblem();
        SolveOptions options;
        options.method = method;
        options.time_limit = std::chrono::milliseconds(0);
        options.max_iterations = 20;
        const Solution s = Solve(p, options);
        EXPECT_FALSE(s.feasible);
        ASSERT_EQ(s.visits.size(), 1U);
        ASSERT_EQ(s.unserved.size(), 3U);
        EXPECT_EQ(s.unserved[0].node, 1);
        EXPECT_EQ(s.unserved[0].reason, UnservedReason::kWindowUnreachable);
        EXPECT_EQ(s.unserved[1].node, 2);
        EXPECT_EQ(s.unserved[1].reason, UnservedReason::kEndsAfterDayEnd);
        EXPECT_EQ(s.unserved[2].reason, UnservedReason::kConflictsWithRoute);
        EXPECT_STREQ(UnservedReasonName(s.unserved[2].reason), "conflicts_with_route");
        EXPECT_FALSE(s.unserved[0].message.empty());
    }
}

// A stop without windows that cannot be reached before the day ends is "day too short", not a window problem.
TEST(SolveTest, UnreachableBeforeDayEndIsEndsAfterDayEnd) {
    Problem p;
    p.node_count = 3;
    const Ticks h = 60 * kMinute;
    p.travel = {0, 10 * h, 10 * h, 10 * h, 0, 1 * h, 10 * h, 1 * h, 0};
    p.stops.resize(3);
    p.start = 0;
    p.day_start = 8 * h;
    p.day_end = 16 * h;
    p.stops[2].windows = {{9 * h, 12 * h}};
    for (SolverMethod method : {SolverMethod::kExact, SolverMethod::kHeuristic}) {
        SolveOptions options;
        options.method = method;
        options.time_limit = std::chrono::milliseconds(0);
        const Solution s = Solve(p, options);
        ASSERT_EQ(s.unserved.size(), 2U);
        EXPECT_EQ(s.unserved[0].reason, UnservedReason::kEndsAfterDayEnd) << s.unserved[0].message;
        EXPECT_EQ(s.unserved[1].reason, UnservedReason::kWindowUnreachable) << s.unserved[1].message;
    }
}

TEST(SolveTest, AllowLatenessSchedulesEverything) {
    const Problem p = ReasonsProblem();
    SolveOptions options;
    options.allow_lateness = true;
    const Solution s = Solve(p, options);
    EXPECT_TRUE(s.unserved.empty());
    EXPECT_EQ(s.visits.size(), 4U);
    EXPECT_GT(s.weighted_lateness, 0);
    EXPECT_FALSE(s.feasible);
}

TEST(SolveTest, MultipleWindowsUseTheAfternoonWhenTheMorningIsMissed) {
    Problem p;
    p.node_count = 2;
    const Ticks h = 60 * kMinute;
    p.travel = {0, 2 * h, 2 * h, 0};
    p.stops.resize(2);
    p.stops[1].service = 30 * kMinute;
    p.stops[1].windows = {{14 * h, 17 * h}, {9 * h, 9 * h + 30 * kMinute}};  // unsorted on purpose
    p.start = 0;
    p.day_start = 8 * h;
    p.day_end = 18 * h;
    const Solution s = Solve(p, {});
    ASSERT_EQ(s.visits.size(), 1U);
    EXPECT_EQ(s.visits[0].service_start, 14 * h);
    // Leaving later removes the wait: depart 12:00, arrive at 14:00.
    EXPECT_EQ(s.route_start, 12 * h);
    EXPECT_EQ(s.visits[0].wait, 0);
    EXPECT_EQ(s.route_end, 14 * h + 30 * kMinute);  // open route: ends after the visit
    EXPECT_TRUE(s.feasible);
}

TEST(SolveTest, OpenAndClosedRoutesDifferInTheReturnLeg) {
    Problem p = RandomProblem(5, 6, false, /*closed=*/false);
    const Solution open = Solve(p, {});
    p.end = p.start;
    const Solution closed = Solve(p, {});
    EXPECT_LT(open.total_travel, closed.total_travel);
    ASSERT_FALSE(closed.visits.empty());
    EXPECT_EQ(closed.route_end, closed.visits.back().departure + p.Travel(closed.visits.back().node, p.start));
    EXPECT_EQ(open.route_end, open.visits.back().departure);
}

TEST(SolveTest, DistinctEndNode) {
    Problem p = RandomProblem(6, 6, false);
    p.end = 3;
    const Solution s = Solve(p, {});
    EXPECT_EQ(s.visits.size(), 5U);
    for (const Visit& v : s.visits) {
        EXPECT_NE(v.node, 3);
        EXPECT_NE(v.node, 0);
    }
    EXPECT_EQ(KeyOf(p, s), BruteForce(p, false));
}

// An over-full day (far more stops than fit) is built by feasible insertion: never late, every left-out stop
// reported with a reason, and the day is actually filled (no room left for any unserved stop).
TEST(SolveTest, OverFullDayIsFilledWithoutLateness) {
    for (std::uint64_t seed = 80; seed <= 81; ++seed) {
        for (bool windows : {false, true}) {
            const Problem p = RandomProblem(seed, 60, windows);
            SolveOptions options;
            options.time_limit = std::chrono::milliseconds(0);
            options.max_iterations = 60;
            const Solution s = Solve(p, options);
            ExpectConsistent(p, s);
            EXPECT_GT(s.visits.size(), 5U) << "seed " << seed;
            EXPECT_GT(s.unserved.size(), 30U) << "seed " << seed;
            for (const UnservedStop& u : s.unserved) {
                EXPECT_FALSE(u.message.empty());
            }
            // Local optimum w.r.t. insertion: adding any unserved stop anywhere makes the route late.
            std::vector<std::int32_t> order;
            for (const Visit& v : s.visits) {
                order.push_back(v.node);
            }
            for (const UnservedStop& u : s.unserved) {
                for (std::size_t q = 0; q <= order.size(); ++q) {
                    std::vector<std::int32_t> longer = order;
                    longer.insert(longer.begin() + static_cast<std::ptrdiff_t>(q), u.node);
                    const Solution t = ScheduleRoute(p, longer);
                    const bool fits =
                        t.route_end <= p.day_end &&
                        std::all_of(t.visits.begin(), t.visits.end(), [](const Visit& v) { return v.lateness == 0; });
                    EXPECT_FALSE(fits) << "seed " << seed << ": stop " << u.node << " fits at " << q;
                }
            }
        }
    }
}

// Prize served by a greedy construction computed here independently of the solver: repeatedly insert the stop
// and position (checked with ScheduleRoute) that lengthens the route least per unit of prize, until none fits.
std::int64_t GreedyPrize(const Problem& p) {
    std::vector<std::int32_t> order;
    std::vector<bool> used(static_cast<std::size_t>(p.node_count), false);
    std::int64_t prize = 0;
    while (true) {
        const Solution current = ScheduleRoute(p, order);
        double best = 0;
        std::int32_t best_node = -1;
        std::size_t best_q = 0;
        for (std::int32_t node = 0; node < p.node_count; ++node) {
            if (used[static_cast<std::size_t>(node)] || node == p.start || (p.end && node == *p.end)) {
                continue;
            }
            for (std::size_t q = 0; q <= order.size(); ++q) {
                std::vector<std::int32_t> longer = order;
                longer.insert(longer.begin() + static_cast<std::ptrdiff_t>(q), node);
                const Solution t = ScheduleRoute(p, longer);
                if (t.weighted_lateness != 0 || t.route_end > p.day_end ||
                    std::any_of(t.visits.begin(), t.visits.end(), [](const Visit& v) { return v.lateness != 0; })) {
                    continue;
                }
                const double key =
                    static_cast<double>((t.route_end - t.route_start) - (current.route_end - current.route_start)) /
                    static_cast<double>(p.stops[static_cast<std::size_t>(node)].prize);
                if (best_node < 0 || key < best) {
                    best = key;
                    best_node = node;
                    best_q = q;
                }
            }
        }
        if (best_node < 0) {
            return prize;
        }
        order.insert(order.begin() + static_cast<std::ptrdiff_t>(best_q), best_node);
        used[static_cast<std::size_t>(best_node)] = true;
        prize += p.stops[static_cast<std::size_t>(best_node)].prize;
    }
}

// Over-full days (only part of the stops fit), with and without windows and with random prizes: the search
// never serves less prize than a greedy construction, even at a small effort. With a larger effort it serves
// at least as much as with a small one on most days (the search is randomised, so not on every day).
TEST(SolveTest, OverFullDayServesAtLeastTheGreedyConstruction) {
    std::int32_t days = 0;
    std::int32_t larger_effort_not_worse = 0;
    for (std::uint64_t seed = 200; seed <= 202; ++seed) {
        for (bool windows : {false, true}) {
            for (bool prizes : {false, true}) {
                Problem p = RandomProblem(seed, 25, windows);
                TestRng rng(seed * 31 + 7);
                if (prizes) {
                    for (std::size_t i = 1; i < p.stops.size(); ++i) {
                        p.stops[i].prize = rng.Between(1, 20);
                    }
                }
                SolveOptions options = FixedEffort(20, 0);
                const Solution small = Solve(p, options);
                ExpectConsistent(p, small);
                const std::int64_t greedy = GreedyPrize(p);
                const std::int64_t served = -std::get<0>(KeyOf(p, small));
                EXPECT_GE(served, greedy) << "seed " << seed << " windows " << windows << " prizes " << prizes;
                EXPECT_GT(small.unserved.size(), 0U) << "not over-full: seed " << seed;
                options.max_iterations = 150;
                const Solution large = Solve(p, options);
                ExpectConsistent(p, large);
                larger_effort_not_worse += KeyOf(p, large) <= KeyOf(p, small) ? 1 : 0;
                ++days;
            }
        }
    }
    EXPECT_GE(larger_effort_not_worse, days - 2);
}

// The selection search (large ruins, randomised recreate) stays a pure function of (problem, options).
TEST(SolveTest, OverFullDayIsDeterministicForSeedAndEffort) {
    for (bool windows : {false, true}) {
        const Problem p = RandomProblem(210, 50, windows);
        SolveOptions options = FixedEffort(80, 0);
        options.seed = 5;
        const Solution a = Solve(p, options);
        const Solution b = Solve(p, options);
        ExpectSameOrder(a, b);
        EXPECT_EQ(a.total_travel, b.total_travel);
        EXPECT_EQ(a.iterations, 80);
        EXPECT_GT(a.unserved.size(), 0U);
        ExpectConsistent(p, a);
    }
}

TEST(SolveTest, StallLimitEndsTheSearchEarly) {
    const Problem p = RandomProblem(90, 40, true);
    SolveOptions options = FixedEffort(5000, 30);
    const Solution s = Solve(p, options);
    ExpectConsistent(p, s);
    EXPECT_LT(s.iterations, 5000);
    EXPECT_GE(s.iterations, 30);
    options.stall_iterations = 0;
    options.max_iterations = 200;
    EXPECT_EQ(Solve(p, options).iterations, 200);
}

TEST(SolveTest, PlannerStallGrowsWithTheDay) {
    EXPECT_EQ(PlannerStallIterations(0), kPlannerStallIterations);
    EXPECT_EQ(PlannerStallIterations(25), kPlannerStallIterations);
    EXPECT_EQ(PlannerStallIterations(50), kPlannerStallIterations + 25 * kPlannerStallPerStop);
    EXPECT_EQ(PlannerStallIterations(100), 225);
    for (std::int64_t stops = 1; stops <= 200; ++stops) {
        EXPECT_GE(PlannerStallIterations(stops), PlannerStallIterations(stops - 1));
        EXPECT_LT(PlannerStallIterations(stops), kPlannerMaxIterations);
    }
}

TEST(SolveTest, RejectsBadOptions) {
    const Problem p = RandomProblem(1, 3, false);
    SolveOptions options;
    options.exact_max_stops = kExactHardMaxStops + 1;
    EXPECT_THROW(Solve(p, options), std::invalid_argument);
    options = {};
    options.max_iterations = -1;
    EXPECT_THROW(Solve(p, options), std::invalid_argument);
    options = {};
    options.stall_iterations = -1;
    EXPECT_THROW(Solve(p, options), std::invalid_argument);
}

TEST(ScheduleRouteTest, RejectsBadOrders) {
    const Problem p = RandomProblem(1, 3, false);
    EXPECT_THROW(ScheduleRoute(p, {1, 1}), std::invalid_argument);
    EXPECT_THROW(ScheduleRoute(p, {0}), std::invalid_argument);
    EXPECT_THROW(ScheduleRoute(p, {9}), std::invalid_argument);
}

}  // namespace
}  // namespace rounds::routing
