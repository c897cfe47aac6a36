#pragma once

// Internal: the solver's preprocessed view of a Problem. Not part of the public API.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "routing/problem.h"

namespace rounds::routing::internal {

/// Larger than any reachable time, small enough that adding a few of them cannot overflow.
inline constexpr Ticks kInfinity = Ticks{1} << 60;

/// Result of arriving at a node: when service starts and how late that is (0 unless lateness is allowed).
struct Arrival {
    Ticks start = 0;
    Ticks lateness = 0;
    /// False when no window can take the arrival and lateness is not allowed.
    bool ok = true;
};

/// Preprocessed problem: sorted, merged windows per node and the list of stops to visit.
///
/// In strict mode (lateness not allowed) windows are also clipped to `day_end - service`, since a visit must
/// end by the end of the day for either route type (travel times are >= 0); a stop whose windows all vanish
/// cannot be served.
class Instance {
  public:
    Instance(const Problem& problem, bool allow_lateness);

    std::int32_t NodeCount() const { return n_; }
    Ticks Travel(std::int32_t i, std::int32_t j) const {
        return travel_[static_cast<std::size_t>(i) * static_cast<std::size_t>(n_) + static_cast<std::size_t>(j)];
    }
    Ticks Service(std::int32_t node) const { return service_[static_cast<std::size_t>(node)]; }
    Ticks Weight(std::int32_t node) const { return weight_[static_cast<std::size_t>(node)]; }
    /// Stop::prize (value of serving the stop).
    std::int64_t Prize(std::int32_t node) const { return prize_[static_cast<std::size_t>(node)]; }
    std::int32_t Start() const { return start_; }
    /// -1 for an open route.
    std::int32_t End() const { return end_; }
    bool Closed() const { return end_ >= 0; }
    Ticks DayStart() const { return day_start_; }
    Ticks DayEnd() const { return day_end_; }
    bool AllowLateness() const { return allow_lateness_; }
    /// Nodes to visit (every node but start and end), ascending.
    const std::vector<std::int32_t>& Stops() const { return stops_; }

    /// Windows of `node` (sorted, disjoint; possibly empty in strict mode).
    const TimeWindow* WindowsBegin(std::int32_t node) const {
        return windows_.data() + window_offset_[static_cast<std::size_t>(node)];
    }
    const TimeWindow* WindowsEnd(std::int32_t node) const {
        return windows_.data() + window_offset_[static_cast<std::size_t>(node) + 1];
    }
    Ticks LastLatest(std::int32_t node) const {
        const TimeWindow* end = WindowsEnd(node);
        return end == WindowsBegin(node) ? -kInfinity : (end - 1)->latest;
    }

    /// Earliest service start for an arrival at time `arrival` (waiting allowed). The start function is
    /// non-decreasing in the arrival time, which is what makes "earliest arrival" dominance valid.
    /// `lenient` = start late (and report lateness) instead of failing when every window has closed.
    Arrival Arrive(std::int32_t node, Ticks arrival, bool lenient) const {
        for (const TimeWindow* w = WindowsBegin(node); w != WindowsEnd(node); ++w) {
            if (arrival <= w->latest) {
                return {std::max(arrival, w->earliest), 0, true};
            }
        }
        if (lenient) {
            const Ticks last = LastLatest(node);
            return {arrival, last == -kInfinity ? kInfinity : arrival - last, true};
        }
        return {arrival, 0, false};
    }
    Arrival Arrive(std::int32_t node, Ticks arrival) const { return Arrive(node, arrival, allow_lateness_); }

    /// Latest arrival at `node` such that service can start no later than `latest_start` (the set of such
    /// arrivals is a prefix of the time axis because Arrive is monotone). -kInfinity if none.
    Ticks LatestArrival(std::int32_t node, Ticks latest_start) const {
        for (const TimeWindow* w = WindowsEnd(node); w != WindowsBegin(node);) {
            --w;
            if (w->earliest <= latest_start) {
                return std::min(latest_start, w->latest);
            }
        }
        return -kInfinity;
    }

    /// Penalty for reaching the end of the route at `end_time` (arrival at the end node for closed routes,
    /// last departure for open ones): ticks past day_end when lenient, else 0 or kInfinity.
    Ticks EndPenalty(Ticks end_time, bool lenient) const {
        if (end_time <= day_end_) {
            return 0;
        }
        return lenient ? end_time - day_end_ : kInfinity;
    }
    Ticks EndPenalty(Ticks end_time) const { return EndPenalty(end_time, allow_lateness_); }

  private:
    std::int32_t n_;
    const Ticks* travel_;
    std::vector<Ticks> service_;
    std::vector<Ticks> weight_;
    std::vector<std::int64_t> prize_;
    std::vector<std::size_t> window_offset_;
    std::vector<TimeWindow> windows_;
    std::vector<std::int32_t> stops_;
    std::int32_t start_;
    std::int32_t end_;
    Ticks day_start_;
    Ticks day_end_;
    bool allow_lateness_;
};

/// True when `node` can be served on a route start -> node -> end (strict mode).
bool ServableAlone(const Instance& instance, std::int32_t node);

/// Exact dynamic programme over subsets of the servable stops; returns the optimal visiting order.
std::vector<std::int32_t> SolveExactOrder(const Instance& instance);

/// Iterated local search; returns the visiting order. `iterations` receives the rounds run.
struct HeuristicSettings {
    /// 0 = no wall-clock limit.
    std::int64_t time_limit_ms = 1000;
    std::uint64_t seed = 1;
    std::int64_t max_iterations = 2000;
    /// Stop after this many consecutive rounds without a new best; 0 = never.
    std::int64_t stall_iterations = 0;
};
std::vector<std::int32_t> SolveHeuristicOrder(const Instance& instance, const HeuristicSettings& settings,
                                              std::int64_t& iterations);

/// Test hook: for `trials` random neighbours of the lateness-free route `order` (a run of 0-4 stops replaced by
/// a shuffled subset of it plus up to two unserved stops: the shape of every strict move and of the insertions
/// of the recreate), how often the O(1)-per-stop feasibility check the moves use disagrees with simulating the
/// whole neighbour. -1 if `order` itself is late.
std::int32_t CountFeasibilityMismatches(const Instance& instance, const std::vector<std::int32_t>& order,
                                        std::uint64_t seed, std::int32_t trials);

}  // namespace rounds::routing::internal
