#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace rounds::routing {

/// Time and duration unit of the optimiser: fixed point, 1 tick = 100 microseconds (1e-4 s).
///
/// Integers rather than double so that feasibility tests ("service starts no later than the window closes")
/// are exact: the TSPTW benchmark files carry travel times with 4 decimals and a route that arrives exactly
/// at the closing time must be feasible, which summing doubles does not guarantee. 1e-4 s resolution
/// represents those files exactly and int64 still spans ~29 million years, so sums cannot overflow.
using Ticks = std::int64_t;

/// Number of ticks in one second.
inline constexpr Ticks kTicksPerSecond = 10'000;

/// Converts seconds to ticks, rounding to the nearest tick. Throws std::invalid_argument naming `field`
/// when `seconds` is NaN or infinite, or too large to represent.
Ticks TicksFromSeconds(double seconds, const char* field = "seconds");

/// Converts ticks to seconds (for display and JSON; never feed the result back into comparisons).
inline double SecondsFromTicks(Ticks ticks) {
    return static_cast<double>(ticks) / kTicksPerSecond;
}

/// Closed interval of allowed service *start* times, as in the TSPTW literature. A visit that must also
/// *finish* inside office hours is expressed by passing `latest = closing - service`.
struct TimeWindow {
    Ticks earliest = 0;
    Ticks latest = 0;

    friend bool operator==(const TimeWindow&, const TimeWindow&) = default;
};

/// Per-node data. For the start and end nodes only the location matters (their service and windows are
/// ignored: the day is bounded by Problem::day_start / day_end instead).
struct Stop {
    /// Time spent on site (the visit), >= 0.
    Ticks service = 0;
    /// Allowed service start intervals; empty means "any time during the day". Several windows model e.g.
    /// morning and afternoon office hours. They may be given in any order and may overlap; the solver uses
    /// their sorted union.
    std::vector<TimeWindow> windows;
    /// Weight of each tick of lateness in Solve's allow_lateness mode (>= 0). Unused otherwise.
    std::int32_t lateness_weight = 1;
    /// Value of serving the stop, in [1, kMaxPrize]. When not every stop fits, the solver maximises the total
    /// prize of the stops it serves (then minimises travel); with the default 1 everywhere that is "serve as
    /// many stops as possible". Plan my day passes the target score.
    std::int64_t prize = 1;
};

/// Upper bound of Stop::prize (sums over 10^5 stops stay far from int64 overflow).
inline constexpr std::int64_t kMaxPrize = std::int64_t{1} << 40;

/// One day's routing problem: node 0..n-1, a travel-time matrix, where to start and (optionally) end.
///
/// Every node that is neither `start` nor `end` is a stop the route should visit.
struct Problem {
    /// Number of nodes, including the start and end nodes.
    std::int32_t node_count = 0;
    /// Row-major n x n travel times in ticks: travel[i * n + j] is the time from i to j. Need not be
    /// symmetric nor satisfy the triangle inequality. Diagonal entries are never used.
    std::vector<Ticks> travel;
    /// Node data, size n.
    std::vector<Stop> stops;
    /// Node the route departs from, at `day_start` at the earliest.
    std::int32_t start = 0;
    /// Node the route must finish at by `day_end`. nullopt = open route (it ends after the last visit, which
    /// must finish by `day_end`); equal to `start` = closed tour.
    std::optional<std::int32_t> end;
    /// Earliest departure from `start`.
    Ticks day_start = 0;
    /// Horizon: latest arrival at `end` (closed routes) or latest end of the last visit (open routes).
    Ticks day_end = std::numeric_limits<std::int32_t>::max();

    /// Travel time from i to j (no bounds check; call ValidateProblem first).
    Ticks Travel(std::int32_t i, std::int32_t j) const {
        return travel[static_cast<std::size_t>(i) * static_cast<std::size_t>(node_count) + static_cast<std::size_t>(j)];
    }
};

/// Checks the invariants documented above. Throws std::invalid_argument with a message naming the offending
/// field (e.g. "stops[3].windows[1]: earliest 500 > latest 400"). Bad input is a caller error, not an
/// expected outcome, so an exception (mapped to HTTP 400 by the server) is used rather than a result type.
void ValidateProblem(const Problem& problem);

/// Builds a row-major tick matrix from a row-major matrix in seconds. Throws std::invalid_argument if the
/// size is not n*n or an entry is NaN, infinite or negative.
std::vector<Ticks> TravelMatrixFromSeconds(const std::vector<double>& seconds, std::int32_t node_count);

}  // namespace rounds::routing
