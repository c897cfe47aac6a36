#include "routing/segment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "routing/instance.h"
#include "routing/solver.h"
#include "routing/test_rng.h"

namespace rounds::routing::internal {
namespace {

using Lcg = testing::TestRng;

// Random asymmetric travel times (no triangle inequality), one window per stop, tight enough that most random
// orders are late somewhere.
Problem RandomSingleWindow(std::uint64_t seed, std::int32_t stops, bool closed) {
    Lcg rng(seed);
    Problem p;
    p.node_count = stops + 1;
    for (std::int32_t i = 0; i <= stops; ++i) {
        for (std::int32_t j = 0; j <= stops; ++j) {
            p.travel.push_back(i == j ? 0 : rng.Between(1, 60) * kTicksPerSecond);
        }
    }
    p.stops.resize(static_cast<std::size_t>(p.node_count));
    p.start = 0;
    if (closed) {
        p.end = 0;
    }
    p.day_start = 0;
    // Windows around the schedule of a hidden random tour, so a feasible order exists.
    std::vector<std::int32_t> hidden;
    for (std::int32_t i = 1; i <= stops; ++i) {
        hidden.push_back(i);
    }
    for (std::size_t i = hidden.size(); i > 1; --i) {
        std::swap(hidden[i - 1], hidden[static_cast<std::size_t>(rng.Between(0, static_cast<std::int64_t>(i) - 1))]);
    }
    Ticks time = p.day_start;
    std::int32_t prev = p.start;
    for (std::int32_t u : hidden) {
        Stop& s = p.stops[static_cast<std::size_t>(u)];
        s.service = rng.Between(0, 10) * kTicksPerSecond;
        time += p.Travel(prev, u) + rng.Between(0, 20) * kTicksPerSecond;
        s.windows = {{time - rng.Between(0, 60) * kTicksPerSecond, time + rng.Between(0, 60) * kTicksPerSecond}};
        time += s.service;
        prev = u;
    }
    p.day_end = time + p.Travel(prev, p.start) + rng.Between(0, 30) * kTicksPerSecond;
    return p;
}

// Time warp by definition: simulate, and on arriving after the window closes, count the excess and continue
// from the closing time.
struct Simulated {
    Ticks warp = 0;
    Ticks travel = 0;
};
Simulated Simulate(const Problem& p, const std::vector<std::int32_t>& order) {
    Simulated out;
    Ticks time = p.day_start;
    std::int32_t prev = p.start;
    for (std::int32_t u : order) {
        const Ticks arc = p.Travel(prev, u);
        out.travel += arc;
        time += arc;
        const TimeWindow w = p.stops[static_cast<std::size_t>(u)].windows.front();
        const Ticks latest = std::min(w.latest, p.day_end - p.stops[static_cast<std::size_t>(u)].service);
        if (time > latest) {
            out.warp += time - latest;
            time = latest;
        }
        time = std::max(time, w.earliest) + p.stops[static_cast<std::size_t>(u)].service;
        prev = u;
    }
    if (p.end) {
        out.travel += p.Travel(prev, *p.end);
        time += p.Travel(prev, *p.end);
    }
    out.warp += std::max<Ticks>(0, time - p.day_end);
    return out;
}

std::vector<std::int32_t> Shuffled(Lcg& rng, std::int32_t stops) {
    std::vector<std::int32_t> order;
    for (std::int32_t i = 1; i <= stops; ++i) {
        order.push_back(i);
    }
    for (std::size_t i = order.size(); i > 1; --i) {
        std::swap(order[i - 1], order[static_cast<std::size_t>(rng.Between(0, static_cast<std::int64_t>(i) - 1))]);
    }
    return order;
}

void ExpectSame(const Segment& a, const Segment& b) {
    EXPECT_EQ(a.duration, b.duration);
    EXPECT_EQ(a.warp, b.warp);
    EXPECT_EQ(a.earliest, b.earliest);
    EXPECT_EQ(a.latest, b.latest);
    EXPECT_EQ(a.travel, b.travel);
    EXPECT_EQ(a.first, b.first);
    EXPECT_EQ(a.last, b.last);
}

TEST(SegmentTest, WarpMatchesSimulationAndFeasibility) {
    std::int32_t feasible = 0;
    std::int32_t infeasible = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        const bool closed = seed % 2 == 0;
        const Problem p = RandomSingleWindow(seed, 12, closed);
        const Instance in(p, /*allow_lateness=*/false);
        Lcg rng(seed * 977);
        for (std::int32_t trial = 0; trial < 20; ++trial) {
            std::vector<std::int32_t> order = Shuffled(rng, 12);
            // Sorting by opening time makes some orders feasible.
            if (trial % 2 == 0) {
                std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
                    return p.stops[static_cast<std::size_t>(a)].windows[0].latest <
                           p.stops[static_cast<std::size_t>(b)].windows[0].latest;
                });
            }
            const Segment s = RouteSegment(in, order);
            const Simulated expected = Simulate(p, order);
            EXPECT_EQ(s.warp, expected.warp) << "seed " << seed << " trial " << trial;
            EXPECT_EQ(s.travel, expected.travel);
            const Solution schedule = ScheduleRoute(p, order);
            EXPECT_EQ(s.warp == 0, schedule.feasible) << "seed " << seed << " trial " << trial;
            (s.warp == 0 ? feasible : infeasible) += 1;
        }
    }
    // Both outcomes occur, so the equivalence is exercised in both directions.
    EXPECT_GT(feasible, 20);
    EXPECT_GT(infeasible, 20);
}

// The local search evaluates a neighbour as prefix + middle + suffix, where the middle is grown one stop at a
// time at either end (or-opt targets, reversals, swaps). Every way of building the summary must equal the
// node-by-node summary of the neighbour.
TEST(SegmentTest, MoveEvaluationEqualsFullRecomputation) {
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        const Problem p = RandomSingleWindow(seed, 15, seed % 3 != 0);
        const Instance in(p, false);
        Lcg rng(seed);
        const std::vector<std::int32_t> seq = Shuffled(rng, 15);
        const auto m = static_cast<std::int32_t>(seq.size());
        std::vector<Segment> fwd(seq.size() + 1);
        std::vector<Segment> bwd(seq.size() + 1);
        fwd[0] = StartSegment(in);
        for (std::size_t k = 0; k < seq.size(); ++k) {
            fwd[k + 1] = Concat(in, fwd[k], NodeSegment(in, seq[k]));
        }
        bwd[seq.size()] = EndSegment(in);
        for (std::size_t k = seq.size(); k-- > 0;) {
            bwd[k] = Concat(in, NodeSegment(in, seq[k]), bwd[k + 1]);
        }
        ExpectSame(Concat(in, fwd.back(), EndSegment(in)), RouteSegment(in, seq));
        ExpectSame(Concat(in, StartSegment(in), bwd.front()), RouteSegment(in, seq));
        for (std::int32_t i = 0; i < m; ++i) {
            // 2-opt: reverse [i, j], the reversed part grown at its front.
            Segment reversed = NodeSegment(in, seq[static_cast<std::size_t>(i)]);
            for (std::int32_t j = i + 1; j < m; ++j) {
                reversed = Concat(in, NodeSegment(in, seq[static_cast<std::size_t>(j)]), reversed);
                std::vector<std::int32_t> next = seq;
                std::reverse(next.begin() + i, next.begin() + j + 1);
                ExpectSame(Concat(in, Concat(in, fwd[static_cast<std::size_t>(i)], reversed),
                                  bwd[static_cast<std::size_t>(j) + 1]),
                           RouteSegment(in, next));
            }
            // Or-opt of stop i forwards before position q: the jumped-over stops grown at the back.
            Segment head = fwd[static_cast<std::size_t>(i)];
            for (std::int32_t q = i + 2; q <= m; ++q) {
                head = Concat(in, head, NodeSegment(in, seq[static_cast<std::size_t>(q) - 1]));
                std::vector<std::int32_t> next = seq;
                next.erase(next.begin() + i);
                next.insert(next.begin() + (q - 1), seq[static_cast<std::size_t>(i)]);
                ExpectSame(Concat(in, Concat(in, head, NodeSegment(in, seq[static_cast<std::size_t>(i)])),
                                  bwd[static_cast<std::size_t>(q)]),
                           RouteSegment(in, next));
            }
            // ... and backwards before position q: the jumped-over stops grown at the front.
            Segment tail = bwd[static_cast<std::size_t>(i) + 1];
            for (std::int32_t q = i - 1; q >= 0; --q) {
                tail = Concat(in, NodeSegment(in, seq[static_cast<std::size_t>(q)]), tail);
                std::vector<std::int32_t> next = seq;
                next.erase(next.begin() + i);
                next.insert(next.begin() + q, seq[static_cast<std::size_t>(i)]);
                ExpectSame(Concat(in,
                                  Concat(in, fwd[static_cast<std::size_t>(q)],
                                         NodeSegment(in, seq[static_cast<std::size_t>(i)])),
                                  tail),
                           RouteSegment(in, next));
            }
        }
    }
}

// Lateness repair by time warp (single-window stops) must end with routes that never break a window, including
// when the stops are given in an order that is late almost everywhere.
TEST(SegmentTest, WarpRepairedSolutionsAreFeasible) {
    std::int32_t all_served = 0;
    for (std::uint64_t seed = 100; seed < 110; ++seed) {
        const Problem p = RandomSingleWindow(seed, 40, true);
        SolveOptions options;
        options.method = SolverMethod::kHeuristic;
        options.time_limit = std::chrono::milliseconds(0);
        options.max_iterations = 50;
        const Solution s = Solve(p, options);
        for (const Visit& v : s.visits) {
            EXPECT_EQ(v.lateness, 0);
        }
        EXPECT_EQ(s.weighted_lateness, 0);
        EXPECT_EQ(s.visits.size() + s.unserved.size(), 40U);
        all_served += s.unserved.empty() ? 1 : 0;
    }
    EXPECT_GE(all_served, 9);
}

}  // namespace
}  // namespace rounds::routing::internal

namespace rounds::routing::internal {
namespace {

// Over-full random days with office-hour-like pairs of windows (and some without), the shape the selection
// search works on: a served subset, many stops left out.
Problem RandomOverFullDay(std::uint64_t seed, std::int32_t stops, bool closed) {
    Lcg rng(seed);
    Problem p;
    p.node_count = stops + 1;
    std::vector<std::pair<std::int64_t, std::int64_t>> xy;
    for (std::int32_t i = 0; i <= stops; ++i) {
        xy.emplace_back(rng.Between(0, 40), rng.Between(0, 40));
    }
    for (const auto& [xi, yi] : xy) {
        for (const auto& [xj, yj] : xy) {
            p.travel.push_back((std::abs(xi - xj) + std::abs(yi - yj)) * 60 * kTicksPerSecond);
        }
    }
    p.stops.resize(static_cast<std::size_t>(p.node_count));
    p.start = 0;
    if (closed) {
        p.end = 0;
    }
    p.day_start = 0;
    p.day_end = 480 * 60 * kTicksPerSecond;
    for (std::int32_t i = 1; i <= stops; ++i) {
        Stop& s = p.stops[static_cast<std::size_t>(i)];
        s.service = rng.Between(10, 30) * 60 * kTicksPerSecond;
        const std::int64_t kind = rng.Between(0, 3);
        if (kind == 0) {
            s.windows = {{60 * 60 * kTicksPerSecond, 200 * 60 * kTicksPerSecond},
                         {300 * 60 * kTicksPerSecond, 420 * 60 * kTicksPerSecond}};
        } else if (kind == 1) {
            const Ticks a = rng.Between(0, 440) * 60 * kTicksPerSecond;
            s.windows = {{a, a + 30 * 60 * kTicksPerSecond}};
        }
    }
    return p;
}

// The strict moves, the insertions of unserved stops and the selection recreate decide feasibility from the
// per-position departure / latest-arrival data in O(|middle|); on random neighbours of solved routes (one and
// several windows, open and closed, over-full and TSPTW-like) that must agree with simulating the whole route.
TEST(RouteFeasibilityTest, FastCheckEqualsFullSimulation) {
    std::int32_t routes = 0;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        for (bool closed : {true, false}) {
            for (bool over_full : {true, false}) {
                const Problem p =
                    over_full ? RandomOverFullDay(seed, 40, closed) : RandomSingleWindow(seed, 25, closed);
                SolveOptions options;
                options.method = SolverMethod::kHeuristic;
                options.time_limit = std::chrono::milliseconds(0);
                options.max_iterations = 10;
                const Solution s = Solve(p, options);
                std::vector<std::int32_t> order;
                for (const Visit& v : s.visits) {
                    order.push_back(v.node);
                }
                const Instance instance(p, /*allow_lateness=*/false);
                EXPECT_EQ(CountFeasibilityMismatches(instance, order, seed, 3000), 0)
                    << "seed " << seed << " closed " << closed << " over-full " << over_full;
                routes += order.empty() ? 0 : 1;
                if (over_full) {
                    EXPECT_FALSE(s.unserved.empty()) << "seed " << seed;
                }
            }
        }
    }
    EXPECT_EQ(routes, 24);
}

}  // namespace
}  // namespace rounds::routing::internal
