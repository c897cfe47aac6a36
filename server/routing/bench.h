#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "routing/solver.h"

namespace rounds::routing {

/// Settings of `rounds bench routes`: seeded random days of a sales rep in a ~30 km metro area.
struct RoutesBenchOptions {
    /// Stops per instance (the rep's home is added as start and end).
    std::vector<std::int32_t> sizes = {10, 25, 50, 100};
    /// Instances per (size, scenario); the two scenarios are "no windows" and "office hours + appointments".
    std::int32_t instances = 10;
    std::uint64_t seed = 42;
    /// Per-solve limits of the measured run: by default those of the route planner's API (ROUNDS_ROUTE_TIME_LIMIT_MS
    /// default, kPlannerMaxIterations, PlannerStallIterations(stops)). The convergence or iteration limit normally
    /// ends the search first, keeping it deterministic.
    std::chrono::milliseconds time_limit{300};
    std::int64_t max_iterations = kPlannerMaxIterations;
    /// Convergence stop of the measured run (SolveOptions::stall_iterations; the reference run never stops
    /// early); negative = the route planner's for the size, PlannerStallIterations(stops).
    std::int64_t stall_iterations = -1;
    /// The reference run gets reference_factor x the rounds the measured run actually ran (at least
    /// reference_factor x 100) and x its time limit, without convergence stop; 0 disables it.
    std::int32_t reference_factor = 100;
    /// Print one line per instance (served, prize, travel, time, rounds; and the reference's) before each row.
    bool per_instance = false;
    /// Also solve sizes <= this exactly and report the gap to the optimum.
    std::int32_t exact_max_stops = 12;
};

/// Prints a table and one JSON line (prefixed "JSON ") with solve-time p50/p99 and gaps. Returns 0, or 1 if
/// a solution broke a time window (a bug).
int RunRoutesBench(const RoutesBenchOptions& options, std::ostream& out);

/// Settings of `rounds bench tsptw`.
struct TsptwBenchOptions {
    /// Directory searched recursively for instance files, e.g. <shared>/data/tsptw/instances. The set name
    /// reported is the name of the file's parent directory.
    std::filesystem::path instances_dir;
    /// best_known.csv (columns instance, best_known_value), matched on the file name.
    std::filesystem::path best_known_csv;
    /// Per-instance wall-clock limit.
    std::chrono::milliseconds time_limit{1000};
    std::uint64_t seed = 1;
    /// Iteration cap; the default leaves the time limit in charge.
    std::int64_t max_iterations = 1'000'000'000;
    /// Convergence stop (SolveOptions::stall_iterations); 0 = use the whole time limit.
    std::int64_t stall_iterations = 0;
    /// Only files whose name contains this substring (empty = all).
    std::string filter;
};

/// Solves every instance, checks each tour with EvaluateTsptw and prints per-instance lines, a per-set table
/// (feasible count, mean/max gap to best known, mean/max time) and one JSON line (prefixed "JSON ").
/// Returns 0 if every instance was solved feasibly, 1 otherwise; throws std::invalid_argument if the
/// directory or CSV cannot be read.
int RunTsptwBench(const TsptwBenchOptions& options, std::ostream& out);

}  // namespace rounds::routing
