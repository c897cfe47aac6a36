#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <vector>

#include "routing/instance.h"

namespace rounds::routing::internal {

namespace {

// A partial route start -> ... -> last. With time windows the cheapest partial route is not necessarily the
// one that is free earliest, so each (set, last) state keeps every label not dominated in
// (penalty, cost, departure); earlier departure is never worse because Instance::Arrive is monotone.
struct Label {
    Ticks penalty;
    Ticks cost;
    Ticks departure;
    std::int32_t parent;  // index into the label pool, -1 for the first visit
    std::int32_t last;    // index into the candidate list
};

bool Dominates(const Label& a, const Label& b) {
    return a.penalty <= b.penalty && a.cost <= b.cost && a.departure <= b.departure;
}

}  // namespace

std::vector<std::int32_t> SolveExactOrder(const Instance& instance) {
    std::vector<std::int32_t> nodes;
    for (std::int32_t node : instance.Stops()) {
        if (instance.AllowLateness() || ServableAlone(instance, node)) {
            nodes.push_back(node);
        }
    }
    const auto k = static_cast<std::int32_t>(nodes.size());
    const std::size_t masks = std::size_t{1} << k;
    const auto uk = static_cast<std::size_t>(k);
    std::vector<Label> pool;
    std::vector<std::vector<std::int32_t>> states(masks * uk);

    auto add = [&](std::size_t mask, std::int32_t last, const Label& label) {
        std::vector<std::int32_t>& labels = states[mask * uk + static_cast<std::size_t>(last)];
        for (std::int32_t id : labels) {
            if (Dominates(pool[static_cast<std::size_t>(id)], label)) {
                return;
            }
        }
        std::erase_if(labels, [&](std::int32_t id) { return Dominates(label, pool[static_cast<std::size_t>(id)]); });
        labels.push_back(static_cast<std::int32_t>(pool.size()));
        pool.push_back(label);
    };

    auto extend = [&](Ticks penalty, Ticks cost, Ticks departure, std::int32_t from, std::int32_t to, Label& out) {
        const std::int32_t node = nodes[static_cast<std::size_t>(to)];
        const Arrival a = instance.Arrive(node, departure + instance.Travel(from, node));
        if (!a.ok) {
            return false;
        }
        out.penalty = penalty + a.lateness * instance.Weight(node);
        out.cost = cost + instance.Travel(from, node);
        out.departure = a.start + instance.Service(node);
        return true;
    };

    for (std::int32_t j = 0; j < k; ++j) {
        Label label{};
        if (extend(0, 0, instance.DayStart(), instance.Start(), j, label)) {
            label.parent = -1;
            label.last = j;
            add(std::size_t{1} << j, j, label);
        }
    }

    // Total prize of each subset (built from the subset without its lowest stop).
    std::vector<std::int64_t> prize_of(masks, 0);
    for (std::size_t mask = 1; mask < masks; ++mask) {
        prize_of[mask] =
            prize_of[mask & (mask - 1)] + instance.Prize(nodes[static_cast<std::size_t>(std::countr_zero(mask))]);
    }
    // Best complete route, compared as (prize served desc, penalty, cost, end time); -1 = the empty route.
    const Ticks empty_end = instance.Closed() ? instance.DayStart() + instance.Travel(instance.Start(), instance.End())
                                              : instance.DayStart();
    const Ticks empty_cost = instance.Closed() ? instance.Travel(instance.Start(), instance.End()) : 0;
    std::int32_t best_label = -1;
    auto best_key = std::make_tuple(std::int64_t{instance.AllowLateness() && k > 0 ? 1 : 0},
                                    instance.EndPenalty(empty_end), empty_cost, empty_end);

    // Masks only grow along transitions, so numeric order processes every state after all its predecessors.
    for (std::size_t mask = 1; mask < masks; ++mask) {
        const auto served = static_cast<std::int32_t>(std::popcount(mask));
        for (std::int32_t last = 0; last < k; ++last) {
            // Copy: `add` may reallocate the pool while we extend.
            const std::vector<std::int32_t> labels = states[mask * uk + static_cast<std::size_t>(last)];
            const std::int32_t last_node = nodes[static_cast<std::size_t>(last)];
            for (std::int32_t id : labels) {
                const Label current = pool[static_cast<std::size_t>(id)];
                const Ticks end_time = instance.Closed()
                                           ? current.departure + instance.Travel(last_node, instance.End())
                                           : current.departure;
                const Ticks end_penalty = instance.EndPenalty(end_time);
                if (end_penalty < kInfinity && (!instance.AllowLateness() || served == k)) {
                    const Ticks cost =
                        current.cost + (instance.Closed() ? instance.Travel(last_node, instance.End()) : 0);
                    const auto key = std::make_tuple(-prize_of[mask], current.penalty + end_penalty, cost, end_time);
                    if (key < best_key) {
                        best_key = key;
                        best_label = id;
                    }
                }
                for (std::int32_t next = 0; next < k; ++next) {
                    const std::size_t bit = std::size_t{1} << next;
                    if ((mask & bit) != 0) {
                        continue;
                    }
                    Label label{};
                    if (extend(current.penalty, current.cost, current.departure, last_node, next, label)) {
                        label.parent = id;
                        label.last = next;
                        add(mask | bit, next, label);
                    }
                }
            }
        }
    }

    std::vector<std::int32_t> order;
    for (std::int32_t id = best_label; id >= 0; id = pool[static_cast<std::size_t>(id)].parent) {
        order.push_back(nodes[static_cast<std::size_t>(pool[static_cast<std::size_t>(id)].last)]);
    }
    std::reverse(order.begin(), order.end());
    return order;
}

}  // namespace rounds::routing::internal
