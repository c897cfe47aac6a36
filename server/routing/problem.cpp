#include "routing/problem.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace rounds::routing {

namespace {

// Generous bound that keeps every sum of a route (n <= 10^5 legs) far from int64 overflow.
constexpr Ticks kMaxTicks = Ticks{1} << 50;

[[noreturn]] void Fail(const std::string& message) {
    throw std::invalid_argument(message);
}

}  // namespace

Ticks TicksFromSeconds(double seconds, const char* field) {
    if (!std::isfinite(seconds)) {
        Fail(std::string(field) + ": value is not a finite number");
    }
    const double scaled = std::round(seconds * static_cast<double>(kTicksPerSecond));
    if (std::fabs(scaled) > static_cast<double>(kMaxTicks)) {
        Fail(std::string(field) + ": value " + std::to_string(seconds) + " s is out of range");
    }
    return static_cast<Ticks>(scaled);
}

std::vector<Ticks> TravelMatrixFromSeconds(const std::vector<double>& seconds, std::int32_t node_count) {
    if (node_count < 0) {
        Fail("node_count: must be >= 0, got " + std::to_string(node_count));
    }
    const auto n = static_cast<std::size_t>(node_count);
    if (seconds.size() != n * n) {
        Fail("travel: matrix has " + std::to_string(seconds.size()) + " entries, expected " + std::to_string(n) + "x" +
             std::to_string(n) + "=" + std::to_string(n * n));
    }
    std::vector<Ticks> out(seconds.size());
    for (std::size_t k = 0; k < seconds.size(); ++k) {
        const std::string field = "travel[" + std::to_string(k / n) + "][" + std::to_string(k % n) + "]";
        if (seconds[k] < 0.0) {
            Fail(field + ": negative travel time " + std::to_string(seconds[k]));
        }
        out[k] = TicksFromSeconds(seconds[k], field.c_str());
    }
    return out;
}

void ValidateProblem(const Problem& problem) {
    const std::int32_t n = problem.node_count;
    if (n < 1) {
        Fail("node_count: must be >= 1 (the start node), got " + std::to_string(n));
    }
    const auto un = static_cast<std::size_t>(n);
    if (problem.travel.size() != un * un) {
        Fail("travel: matrix has " + std::to_string(problem.travel.size()) + " entries, expected " + std::to_string(n) +
             "x" + std::to_string(n) + "=" + std::to_string(un * un));
    }
    if (problem.stops.size() != un) {
        Fail("stops: has " + std::to_string(problem.stops.size()) +
             " entries, expected node_count=" + std::to_string(n));
    }
    for (std::size_t k = 0; k < problem.travel.size(); ++k) {
        const Ticks t = problem.travel[k];
        if (t < 0 || t > kMaxTicks) {
            Fail("travel[" + std::to_string(k / un) + "][" + std::to_string(k % un) +
                 "]: " + (t < 0 ? "negative travel time " : "travel time out of range ") + std::to_string(t));
        }
    }
    if (problem.start < 0 || problem.start >= n) {
        Fail("start: node " + std::to_string(problem.start) + " is not in [0, " + std::to_string(n) + ")");
    }
    if (problem.end && (*problem.end < 0 || *problem.end >= n)) {
        Fail("end: node " + std::to_string(*problem.end) + " is not in [0, " + std::to_string(n) + ")");
    }
    if (std::llabs(problem.day_start) > kMaxTicks || std::llabs(problem.day_end) > kMaxTicks) {
        Fail("day_start/day_end: out of range");
    }
    if (problem.day_start > problem.day_end) {
        Fail("day_end: " + std::to_string(problem.day_end) + " is before day_start " +
             std::to_string(problem.day_start));
    }
    for (std::size_t i = 0; i < un; ++i) {
        const Stop& stop = problem.stops[i];
        const std::string prefix = "stops[" + std::to_string(i) + "]";
        if (stop.service < 0 || stop.service > kMaxTicks) {
            Fail(prefix + ".service: must be in [0, 2^50], got " + std::to_string(stop.service));
        }
        if (stop.prize < 1 || stop.prize > kMaxPrize) {
            Fail(prefix + ".prize: must be in [1, 2^40], got " + std::to_string(stop.prize));
        }
        if (stop.lateness_weight < 0) {
            Fail(prefix + ".lateness_weight: must be >= 0, got " + std::to_string(stop.lateness_weight));
        }
        for (std::size_t w = 0; w < stop.windows.size(); ++w) {
            const TimeWindow& window = stop.windows[w];
            const std::string field = prefix + ".windows[" + std::to_string(w) + "]";
            if (window.earliest > window.latest) {
                Fail(field + ": earliest " + std::to_string(window.earliest) + " > latest " +
                     std::to_string(window.latest));
            }
            if (std::llabs(window.earliest) > kMaxTicks || std::llabs(window.latest) > kMaxTicks) {
                Fail(field + ": out of range");
            }
        }
    }
}

}  // namespace rounds::routing
