#include "routing/solver.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "routing/instance.h"

namespace rounds::routing {

namespace {

std::string FormatSeconds(Ticks t) {
    char buffer[48];
    std::snprintf(buffer, sizeof(buffer), "%.1f s", SecondsFromTicks(t));
    return buffer;
}

UnservedStop ExplainUnserved(const Problem& problem, const internal::Instance& lenient,
                             const internal::Instance& strict, std::int32_t node) {
    const Ticks direct_arrival = problem.day_start + problem.Travel(problem.start, node);
    const internal::Arrival a = lenient.Arrive(node, direct_arrival);
    const auto& own = problem.stops[static_cast<std::size_t>(node)].windows;
    const bool misses_own_windows = !own.empty() && std::all_of(own.begin(), own.end(), [&](const TimeWindow& w) {
        return w.latest < direct_arrival;
    });
    if (!misses_own_windows && direct_arrival > problem.day_end) {
        // No window of its own is missed: the day is too short to even get there.
        return {node, UnservedReason::kEndsAfterDayEnd,
                "earliest possible arrival " + FormatSeconds(direct_arrival) +
                    " (directly from the start) is after the day end " + FormatSeconds(problem.day_end)};
    }
    if (a.lateness > 0) {
        return {node, UnservedReason::kWindowUnreachable,
                "earliest possible arrival " + FormatSeconds(direct_arrival) +
                    " (directly from the start) is after its last window closes at " +
                    FormatSeconds(std::min(lenient.LastLatest(node), problem.day_end))};
    }
    if (!internal::ServableAlone(strict, node)) {
        return {node, UnservedReason::kEndsAfterDayEnd,
                "even visited alone, the route cannot finish by the day end " + FormatSeconds(problem.day_end)};
    }
    return {node, UnservedReason::kConflictsWithRoute,
            "fits on its own but not together with the stops served (serving it would drop at least one other "
            "stop or break a window)"};
}

void ValidateOrder(const Problem& problem, const std::vector<std::int32_t>& order) {
    std::vector<bool> seen(static_cast<std::size_t>(problem.node_count), false);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const std::int32_t node = order[k];
        const std::string field = "order[" + std::to_string(k) + "]";
        if (node < 0 || node >= problem.node_count) {
            throw std::invalid_argument(field + ": node " + std::to_string(node) + " out of range");
        }
        if (node == problem.start || (problem.end && node == *problem.end)) {
            throw std::invalid_argument(field + ": node " + std::to_string(node) + " is the start or end node");
        }
        if (seen[static_cast<std::size_t>(node)]) {
            throw std::invalid_argument(field + ": node " + std::to_string(node) + " appears twice");
        }
        seen[static_cast<std::size_t>(node)] = true;
    }
}

// Forward pass from a given departure; returns the end time and fills visits.
Ticks Simulate(const internal::Instance& lenient, const std::vector<std::int32_t>& order, Ticks departure,
               std::vector<Visit>& visits, std::vector<Ticks>& window_latest) {
    visits.clear();
    window_latest.clear();
    std::int32_t previous = lenient.Start();
    Ticks time = departure;
    for (std::int32_t node : order) {
        const Ticks arrival = time + lenient.Travel(previous, node);
        const internal::Arrival a = lenient.Arrive(node, arrival);
        Ticks latest = a.start;  // no slack when late
        for (const TimeWindow* w = lenient.WindowsBegin(node); w != lenient.WindowsEnd(node); ++w) {
            if (a.lateness == 0 && a.start >= w->earliest && a.start <= w->latest) {
                latest = w->latest;
                break;
            }
        }
        const Ticks departure_time = a.start + lenient.Service(node);
        visits.push_back({node, arrival, a.start, departure_time, a.start - arrival, a.lateness});
        window_latest.push_back(latest);
        time = departure_time;
        previous = node;
    }
    return lenient.Closed() ? time + lenient.Travel(previous, lenient.End()) : time;
}

}  // namespace

const char* UnservedReasonName(UnservedReason reason) {
    switch (reason) {
        case UnservedReason::kWindowUnreachable:
            return "window_unreachable";
        case UnservedReason::kEndsAfterDayEnd:
            return "ends_after_day_end";
        case UnservedReason::kConflictsWithRoute:
            return "conflicts_with_route";
    }
    return "unknown";
}

Solution ScheduleRoute(const Problem& problem, const std::vector<std::int32_t>& order) {
    ValidateProblem(problem);
    ValidateOrder(problem, order);
    const internal::Instance lenient(problem, /*allow_lateness=*/true);
    const internal::Instance strict(problem, /*allow_lateness=*/false);

    Solution solution;
    std::vector<Ticks> window_latest;
    Simulate(lenient, order, problem.day_start, solution.visits, window_latest);

    // Leaving later by delta delays visit k by max(0, delta - waits up to and including k); choose the largest
    // delta that keeps every visit in its window and the end time unchanged (delta <= total wait).
    Ticks waited = 0;
    Ticks delta = internal::kInfinity;
    for (std::size_t k = 0; k < solution.visits.size(); ++k) {
        waited += solution.visits[k].wait;
        delta = std::min(delta, waited + (window_latest[k] - solution.visits[k].service_start));
    }
    delta = std::clamp(std::min(delta, waited), Ticks{0}, internal::kInfinity);
    solution.route_start = problem.day_start + delta;
    solution.route_end = Simulate(lenient, order, solution.route_start, solution.visits, window_latest);

    std::int32_t previous = problem.start;
    for (const Visit& visit : solution.visits) {
        solution.total_travel += problem.Travel(previous, visit.node);
        solution.total_wait += visit.wait;
        solution.weighted_lateness += visit.lateness * lenient.Weight(visit.node);
        previous = visit.node;
    }
    if (problem.end) {
        solution.total_travel += problem.Travel(previous, *problem.end);
    }
    solution.weighted_lateness += lenient.EndPenalty(solution.route_end);

    std::vector<bool> served(static_cast<std::size_t>(problem.node_count), false);
    for (std::int32_t node : order) {
        served[static_cast<std::size_t>(node)] = true;
    }
    for (std::int32_t node : lenient.Stops()) {
        if (!served[static_cast<std::size_t>(node)]) {
            solution.unserved.push_back(ExplainUnserved(problem, lenient, strict, node));
        }
    }
    solution.feasible =
        solution.unserved.empty() && solution.weighted_lateness == 0 &&
        std::all_of(solution.visits.begin(), solution.visits.end(), [](const Visit& v) { return v.lateness == 0; });
    return solution;
}

Solution Solve(const Problem& problem, const SolveOptions& options) {
    ValidateProblem(problem);
    if (options.time_limit.count() < 0) {
        throw std::invalid_argument("time_limit: must be >= 0");
    }
    if (options.max_iterations < 0) {
        throw std::invalid_argument("max_iterations: must be >= 0");
    }
    if (options.stall_iterations < 0) {
        throw std::invalid_argument("stall_iterations: must be >= 0");
    }
    if (options.exact_max_stops < 0 || options.exact_max_stops > kExactHardMaxStops) {
        throw std::invalid_argument("exact_max_stops: must be in [0, " + std::to_string(kExactHardMaxStops) + "]");
    }
    const internal::Instance instance(problem, options.allow_lateness);
    std::int32_t candidates = 0;
    for (std::int32_t node : instance.Stops()) {
        if (options.allow_lateness || internal::ServableAlone(instance, node)) {
            ++candidates;
        }
    }
    bool exact = options.method == SolverMethod::kExact ||
                 (options.method == SolverMethod::kAuto && candidates <= options.exact_max_stops);
    if (exact && candidates > kExactHardMaxStops) {
        throw std::invalid_argument("method: the exact solver supports at most " + std::to_string(kExactHardMaxStops) +
                                    " stops, got " + std::to_string(candidates));
    }
    std::vector<std::int32_t> order;
    std::int64_t iterations = 0;
    if (exact) {
        order = internal::SolveExactOrder(instance);
    } else {
        internal::HeuristicSettings settings;
        settings.time_limit_ms = options.time_limit.count();
        settings.seed = options.seed;
        settings.max_iterations = options.max_iterations;
        settings.stall_iterations = options.stall_iterations;
        order = internal::SolveHeuristicOrder(instance, settings, iterations);
    }
    Solution solution = ScheduleRoute(problem, order);
    solution.proven_optimal = exact;
    solution.iterations = iterations;
    return solution;
}

}  // namespace rounds::routing
