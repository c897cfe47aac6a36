#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "routing/problem.h"

namespace rounds::routing {

/// Which algorithm Solve uses.
enum class SolverMethod : std::uint8_t {
    /// Exact when the number of stops is <= SolveOptions::exact_max_stops, heuristic otherwise.
    kAuto,
    /// Dynamic programming over subsets; throws std::invalid_argument above kExactHardMaxStops stops.
    kExact,
    /// Construction + iterated local search.
    kHeuristic,
};

/// Upper bound for the exact solver (memory grows as 2^n * n labels).
inline constexpr std::int32_t kExactHardMaxStops = 16;

/// Effort of the route planner's searches (`POST /routes/optimize`, plan my day; server/routeplan): rounds of the
/// iterated local search and the convergence stop. `rounds bench routes` measures the same settings by default.
inline constexpr std::int64_t kPlannerMaxIterations = 2000;
inline constexpr std::int64_t kPlannerStallIterations = 150;
/// The planner's convergence stop for a day of `stops` stops: kPlannerStallIterations up to 25 stops, then
/// kPlannerStallPerStop more rounds per stop (225 at 100 stops). Larger days have more selections to try and a
/// larger time goal (25 stops: 20 ms, 100 stops: 300 ms). 2 per stop (300 at 100) found slightly better days but
/// took 1.3x the time of 1 per stop, too close to the time goal on the shared machine (docs/benchmarks.md).
inline constexpr std::int64_t kPlannerStallPerStop = 1;
constexpr std::int64_t PlannerStallIterations(std::int64_t stops) {
    return kPlannerStallIterations + kPlannerStallPerStop * (stops > 25 ? stops - 25 : 0);
}

/// Solver settings. Results are a pure function of (problem, options) as long as the time limit is not hit:
/// the search is single-threaded, uses only the given seed for randomness and stops after `max_iterations`.
/// When the wall-clock limit stops the search first, the result depends on machine speed.
struct SolveOptions {
    /// Wall-clock budget for the heuristic (the exact solver ignores it and always finishes); 0 = none.
    std::chrono::milliseconds time_limit{300};
    /// Seed of the heuristic's pseudo-random generator.
    std::uint64_t seed = 1;
    /// Effort knob: number of perturbation + local-search rounds of the iterated local search. The search
    /// also restarts from the best solution when `max_iterations / 10` rounds bring no improvement.
    std::int64_t max_iterations = 500;
    /// Convergence stop: end the search after this many consecutive rounds that bring no new best solution
    /// (0 = never; then only max_iterations and time_limit end it).
    std::int64_t stall_iterations = 100;
    /// Instead of leaving stops unserved, schedule every stop and minimise weighted lateness
    /// (sum of Stop::lateness_weight x ticks late, plus ticks past day_end), then travel time.
    bool allow_lateness = false;
    SolverMethod method = SolverMethod::kAuto;
    /// kAuto uses the exact solver up to this many stops (at most kExactHardMaxStops).
    std::int32_t exact_max_stops = 12;
};

/// One scheduled visit.
struct Visit {
    std::int32_t node = 0;
    Ticks arrival = 0;
    /// max(arrival, opening of the window used); equal to arrival when late.
    Ticks service_start = 0;
    Ticks departure = 0;
    Ticks wait = 0;
    /// Ticks the service starts after the last window closes (only non-zero with allow_lateness).
    Ticks lateness = 0;
};

/// Why a stop is not in the route.
enum class UnservedReason : std::uint8_t {
    /// Every window of the stop closes before it can be reached, even going there directly from the start.
    kWindowUnreachable,
    /// The day is too short: the stop cannot be reached before day_end (and no own window was missed), or it
    /// can, but then the route cannot finish by day_end.
    kEndsAfterDayEnd,
    /// Feasible on its own, but not together with the stops that were chosen (the objective prefers serving
    /// more prize; the solver found no order serving this one as well).
    kConflictsWithRoute,
};

/// Stable lower-case name of a reason, e.g. "window_unreachable", for APIs and logs.
const char* UnservedReasonName(UnservedReason reason);

struct UnservedStop {
    std::int32_t node = 0;
    UnservedReason reason = UnservedReason::kConflictsWithRoute;
    /// Human-readable explanation with the times involved.
    std::string message;
};

/// Result of Solve or ScheduleRoute.
///
/// Objective, in order of priority: (1) serve the largest total Stop::prize within the windows (with the default
/// prize 1: as many stops as possible; with
/// allow_lateness: serve all, minimise weighted lateness); (2) minimise total travel time; (3) minimise the
/// route duration (which also minimises waiting).
struct Solution {
    /// Visits in route order (the start and end nodes are not included).
    std::vector<Visit> visits;
    /// Departure from the start node. It may be later than day_start when leaving later removes waiting
    /// without delaying the end of the route.
    Ticks route_start = 0;
    /// Arrival at the end node (closed routes) or departure from the last visit (open routes).
    Ticks route_end = 0;
    Ticks total_travel = 0;
    Ticks total_wait = 0;
    /// Sum of lateness_weight x lateness over visits plus ticks past day_end. 0 unless allow_lateness.
    Ticks weighted_lateness = 0;
    /// Stops not in the route, by ascending node.
    std::vector<UnservedStop> unserved;
    /// True when every stop is served and no window or the day end is violated.
    bool feasible = false;
    /// True when the exact solver proved the objective optimal.
    bool proven_optimal = false;
    /// Local-search rounds run (0 for the exact solver).
    std::int64_t iterations = 0;
};

/// Computes the schedule of a fixed visiting order (earliest service starts, waiting allowed, departure from
/// the start delayed to cut waiting). Stops missing from `order` are reported as unserved (with
/// kConflictsWithRoute unless infeasible on their own). Visits that break their windows get `lateness` and
/// make the solution infeasible. Throws std::invalid_argument on an invalid problem or order (duplicate node,
/// start/end node in the order, node out of range).
Solution ScheduleRoute(const Problem& problem, const std::vector<std::int32_t>& order);

/// Optimises the route. Validates the problem first (see ValidateProblem); also throws std::invalid_argument
/// for invalid options (negative time limit or iterations, exact_max_stops out of [0, kExactHardMaxStops]).
Solution Solve(const Problem& problem, const SolveOptions& options);

}  // namespace rounds::routing
