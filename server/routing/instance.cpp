#include "routing/instance.h"

namespace rounds::routing::internal {

Instance::Instance(const Problem& problem, bool allow_lateness)
    : n_(problem.node_count),
      travel_(problem.travel.data()),
      start_(problem.start),
      end_(problem.end ? *problem.end : -1),
      day_start_(problem.day_start),
      day_end_(problem.day_end),
      allow_lateness_(allow_lateness) {
    const auto n = static_cast<std::size_t>(n_);
    service_.resize(n);
    weight_.resize(n);
    prize_.resize(n);
    window_offset_.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const Stop& stop = problem.stops[i];
        service_[i] = stop.service;
        weight_[i] = stop.lateness_weight;
        prize_[i] = stop.prize;
        window_offset_[i] = windows_.size();
        const auto node = static_cast<std::int32_t>(i);
        if (node == start_ || node == end_) {
            continue;
        }
        stops_.push_back(node);
        std::vector<TimeWindow> sorted = stop.windows;
        if (sorted.empty()) {
            sorted.push_back({day_start_, day_end_});
        }
        std::sort(sorted.begin(), sorted.end(),
                  [](const TimeWindow& a, const TimeWindow& b) { return a.earliest < b.earliest; });
        const std::size_t first = windows_.size();
        for (TimeWindow w : sorted) {
            if (!allow_lateness_) {
                w.latest = std::min(w.latest, day_end_ - stop.service);
                if (w.latest < w.earliest) {
                    continue;
                }
            }
            // Merge overlapping windows so that Arrive's first match is the earliest possible start.
            if (windows_.size() > first && w.earliest <= windows_.back().latest) {
                windows_.back().latest = std::max(windows_.back().latest, w.latest);
            } else {
                windows_.push_back(w);
            }
        }
    }
    window_offset_[n] = windows_.size();
}

bool ServableAlone(const Instance& instance, std::int32_t node) {
    const Arrival a = instance.Arrive(node, instance.DayStart() + instance.Travel(instance.Start(), node));
    if (!a.ok) {
        return false;
    }
    const Ticks departure = a.start + instance.Service(node);
    const Ticks end_time = instance.Closed() ? departure + instance.Travel(node, instance.End()) : departure;
    return instance.EndPenalty(end_time) == 0;
}

}  // namespace rounds::routing::internal
