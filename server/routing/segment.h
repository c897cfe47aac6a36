#pragma once

// Internal: time-warp summaries of route segments (Vidal et al.'s concatenation), for O(1) evaluation of
// local-search moves while a route is still late. Not part of the public API.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "routing/instance.h"

namespace rounds::routing::internal {

/// Summary of visiting a sequence of nodes in order, each with one window [earliest, latest] on its service
/// start. Arriving after a window closes "travels back in time" to its closing time and the ticks travelled
/// back are counted as time warp; waiting is allowed. A route is feasible iff its total warp is 0; unlike
/// summed lateness, warp does not cascade, which is what makes the summary of a concatenation computable
/// from the summaries of its parts in O(1).
struct Segment {
    /// Duration from the service start at `first` to the departure from `last` (service, travel, waiting).
    Ticks duration = 0;
    /// Total time warp inside the segment.
    Ticks warp = 0;
    /// Earliest / latest service start at `first` that adds no waiting / no warp.
    Ticks earliest = 0;
    Ticks latest = 0;
    /// Sum of the travel times of the arcs inside the segment.
    Ticks travel = 0;
    std::int32_t first = 0;
    /// -1 = the virtual end of an open route (arcs into it cost nothing).
    std::int32_t last = 0;
};

/// The segment of one stop: its visit and the hull of its windows (exact when it has a single window).
inline Segment NodeSegment(const Instance& in, std::int32_t node) {
    const TimeWindow* w = in.WindowsBegin(node);
    const bool none = w == in.WindowsEnd(node);
    // A stop without any window cannot be served: make it warp by the whole day.
    return {in.Service(node),
            0,
            none ? in.DayEnd() : w->earliest,
            none ? in.DayStart() : in.LastLatest(node),
            0,
            node,
            node};
}

/// Departure from the start node at day_start.
inline Segment StartSegment(const Instance& in) {
    return {0, 0, in.DayStart(), in.DayStart(), 0, in.Start(), in.Start()};
}

/// Arrival at the end node (closed route) or the end of the last visit (open route) by day_end.
inline Segment EndSegment(const Instance& in) {
    return {0, 0, in.DayStart(), in.DayEnd(), 0, in.End(), in.End()};
}

/// Summary of `a` followed by `b`.
inline Segment Concat(const Instance& in, const Segment& a, const Segment& b) {
    const Ticks arc = b.first < 0 ? 0 : in.Travel(a.last, b.first);
    const Ticks delta = a.duration - a.warp + arc;
    const Ticks wait = std::max<Ticks>(b.earliest - delta - a.latest, 0);
    const Ticks warp = std::max<Ticks>(a.earliest + delta - b.latest, 0);
    Segment out;
    out.duration = a.duration + b.duration + arc + wait;
    out.warp = a.warp + b.warp + warp;
    out.earliest = std::max(b.earliest - delta, a.earliest) - wait;
    out.latest = std::min(b.latest - delta, a.latest) + warp;
    out.travel = a.travel + b.travel + arc;
    out.first = a.first;
    out.last = b.last;
    return out;
}

/// Summary of a whole route start -> order -> end, by concatenating node by node.
inline Segment RouteSegment(const Instance& in, std::span<const std::int32_t> order) {
    Segment s = StartSegment(in);
    for (std::int32_t u : order) {
        s = Concat(in, s, NodeSegment(in, u));
    }
    return Concat(in, s, EndSegment(in));
}

}  // namespace rounds::routing::internal
