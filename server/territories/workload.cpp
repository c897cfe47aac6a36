#include "territories/workload.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

namespace rounds::territories {

namespace {

constexpr double kKmPerDegLat = 110.574;
constexpr double kKmPerDegLng = 111.320;
constexpr double kPi = 3.14159265358979323846;
// Beardwood–Halton–Hammersley: a shortest tour through k random points of an area A is about 0.7124·sqrt(k·A).
constexpr double kBhh = 0.7124;

struct Xy {
    double x, y;
};

double Cross(const Xy& o, const Xy& a, const Xy& b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/// Area of the convex hull (Andrew's monotone chain), in the units of the points squared.
double HullArea(std::vector<Xy> p) {
    if (p.size() < 3) {
        return 0;
    }
    std::sort(p.begin(), p.end(), [](const Xy& a, const Xy& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
    std::vector<Xy> h(2 * p.size());
    size_t k = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        while (k >= 2 && Cross(h[k - 2], h[k - 1], p[i]) <= 0) {
            --k;
        }
        h[k++] = p[i];
    }
    for (size_t i = p.size() - 1, t = k + 1; i > 0; --i) {
        while (k >= t && Cross(h[k - 2], h[k - 1], p[i - 1]) <= 0) {
            --k;
        }
        h[k++] = p[i - 1];
    }
    h.resize(k - 1);
    double a = 0;
    for (size_t i = 0; i < h.size(); ++i) {
        const Xy& u = h[i];
        const Xy& v = h[(i + 1) % h.size()];
        a += u.x * v.y - v.x * u.y;
    }
    return std::fabs(a) / 2;
}

double Calls(const ModelParams& params, int decile) {
    auto it = params.calls_per_year.find(decile);
    return it == params.calls_per_year.end() ? 0 : it->second;
}

/// The load of one territory from its members (indices into rows).
TerritoryLoad Load(const std::string& id, const std::vector<const MemberRow*>& members, const ModelParams& params) {
    TerritoryLoad t;
    t.id = id;
    std::vector<const MemberRow*> targets;
    for (const MemberRow* m : members) {
        t.physicians += 1;
        t.volume += m->volume;
        if (m->target) {
            targets.push_back(m);
            t.targets += 1;
            t.visits += Calls(params, m->decile);
        }
    }
    t.visit_hours = t.visits * params.visit_minutes / 60.0;
    if (!targets.empty() && t.visits > 0) {
        double lat0 = 0, lng0 = 0;
        for (const MemberRow* m : targets) {
            lat0 += m->lat;
            lng0 += m->lng;
        }
        lat0 /= static_cast<double>(targets.size());
        lng0 /= static_cast<double>(targets.size());
        double c = std::cos(lat0 * kPi / 180);
        std::vector<Xy> pts;
        double mean_r = 0;
        for (const MemberRow* m : targets) {
            Xy p{(m->lng - lng0) * kKmPerDegLng * c, (m->lat - lat0) * kKmPerDegLat};
            mean_r += std::hypot(p.x, p.y);
            pts.push_back(p);
        }
        mean_r /= static_cast<double>(targets.size());
        t.area_km2 = HullArea(std::move(pts));
        double per_day = std::min<double>(params.visits_per_day, static_cast<double>(targets.size()));
        double days = t.visits / params.visits_per_day;
        // A day: out from the territory's centre to the day's calls and back, and a tour among them.
        double km_per_day = kBhh * std::sqrt(per_day * t.area_km2) + 2 * mean_r;
        t.travel_hours = days * km_per_day * params.road_factor / params.speed_kmh;
    }
    t.workload_hours = t.visit_hours + t.travel_hours;
    return t;
}

}  // namespace

std::vector<TerritoryLoad> Evaluate(const std::vector<std::string>& ids, const std::vector<MemberRow>& rows,
                                    const ModelParams& params) {
    std::unordered_map<std::string, std::vector<const MemberRow*>> by;
    for (const auto& r : rows) {
        by[r.territory].push_back(&r);
    }
    std::vector<TerritoryLoad> out;
    for (const auto& id : ids) {
        out.push_back(Load(id, by[id], params));
    }
    return out;
}

double Spread(const std::vector<TerritoryLoad>& loads) {
    if (loads.size() < 2) {
        return 0;
    }
    auto [lo, hi] = std::minmax_element(
        loads.begin(), loads.end(), [](const auto& a, const auto& b) { return a.workload_hours < b.workload_hours; });
    return hi->workload_hours - lo->workload_hours;
}

Suggestion SuggestAlignment(const std::vector<std::string>& ids, const std::vector<MemberRow>& rows,
                            const ModelParams& params, int max_moves, int neighbours) {
    Suggestion s;
    s.before = Evaluate(ids, rows, params);
    s.spread_before = Spread(s.before);
    s.after = s.before;
    s.spread_after = s.spread_before;
    if (ids.size() < 2) {
        return s;
    }
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < ids.size(); ++i) {
        index[ids[i]] = i;
    }
    // ZIP units: (territory, zip) with their members and centroid.
    struct Unit {
        std::string zip;
        size_t owner;
        std::vector<const MemberRow*> members;
        double lat = 0, lng = 0;
        bool moved = false;
    };
    std::vector<Unit> units;
    std::map<std::pair<size_t, std::string>, size_t> unit_of;
    for (const auto& r : rows) {
        auto it = index.find(r.territory);
        if (it == index.end() || r.zip.empty()) {
            continue;
        }
        auto key = std::make_pair(it->second, r.zip);
        auto [u, fresh] = unit_of.emplace(key, units.size());
        if (fresh) {
            units.push_back(Unit{r.zip, it->second, {}, 0, 0, false});
        }
        units[u->second].members.push_back(&r);
    }
    for (auto& u : units) {
        for (const MemberRow* m : u.members) {
            u.lat += m->lat;
            u.lng += m->lng;
        }
        u.lat /= static_cast<double>(u.members.size());
        u.lng /= static_cast<double>(u.members.size());
    }
    // Nearest ZIPs of each unit (brute force: sibling sets hold thousands of ZIPs at most).
    std::vector<std::vector<size_t>> near(units.size());
    for (size_t i = 0; i < units.size(); ++i) {
        std::vector<std::pair<double, size_t>> d;
        double c = std::cos(units[i].lat * kPi / 180);
        for (size_t j = 0; j < units.size(); ++j) {
            if (j != i) {
                double dx = (units[j].lng - units[i].lng) * c, dy = units[j].lat - units[i].lat;
                d.emplace_back(dx * dx + dy * dy, j);
            }
        }
        size_t k = std::min<size_t>(static_cast<size_t>(std::max(1, neighbours)), d.size());
        std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k), d.end());
        for (size_t n = 0; n < k; ++n) {
            near[i].push_back(d[n].second);
        }
    }
    // Current members per territory.
    std::vector<std::vector<const MemberRow*>> members(ids.size());
    std::vector<int> unit_count(ids.size(), 0);
    for (const auto& u : units) {
        members[u.owner].insert(members[u.owner].end(), u.members.begin(), u.members.end());
        unit_count[u.owner] += 1;
    }
    std::vector<TerritoryLoad> loads = s.before;
    double spread = s.spread_before;
    auto without = [](const std::vector<const MemberRow*>& from, const std::vector<const MemberRow*>& gone) {
        std::set<const MemberRow*> g(gone.begin(), gone.end());
        std::vector<const MemberRow*> out;
        for (const MemberRow* m : from) {
            if (!g.count(m)) {
                out.push_back(m);
            }
        }
        return out;
    };
    for (int step = 0; step < max_moves; ++step) {
        double best = spread - 1e-9;
        size_t best_unit = units.size(), best_to = 0;
        TerritoryLoad best_from_load, best_to_load;
        for (size_t ui = 0; ui < units.size(); ++ui) {
            const Unit& u = units[ui];
            if (u.moved || unit_count[u.owner] <= 1) {
                continue;
            }
            std::set<size_t> tos;
            for (size_t n : near[ui]) {
                if (units[n].owner != u.owner) {
                    tos.insert(units[n].owner);
                }
            }
            if (tos.empty()) {
                continue;
            }
            TerritoryLoad from_load = Load(ids[u.owner], without(members[u.owner], u.members), params);
            for (size_t to : tos) {
                std::vector<const MemberRow*> grown = members[to];
                grown.insert(grown.end(), u.members.begin(), u.members.end());
                TerritoryLoad to_load = Load(ids[to], grown, params);
                double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
                for (size_t t = 0; t < loads.size(); ++t) {
                    double w = t == u.owner ? from_load.workload_hours
                               : t == to    ? to_load.workload_hours
                                            : loads[t].workload_hours;
                    lo = std::min(lo, w);
                    hi = std::max(hi, w);
                }
                if (hi - lo < best) {
                    best = hi - lo;
                    best_unit = ui;
                    best_to = to;
                    best_from_load = from_load;
                    best_to_load = to_load;
                }
            }
        }
        if (best_unit == units.size()) {
            break;
        }
        Unit& u = units[best_unit];
        ZipMove mv{u.zip, ids[u.owner], ids[best_to], 0, 0, 0, 0};
        for (const MemberRow* m : u.members) {
            mv.physicians += 1;
            mv.volume += m->volume;
            if (m->target) {
                mv.targets += 1;
                mv.visits += Calls(params, m->decile);
            }
        }
        s.moves.push_back(mv);
        members[u.owner] = without(members[u.owner], u.members);
        members[best_to].insert(members[best_to].end(), u.members.begin(), u.members.end());
        unit_count[u.owner] -= 1;
        unit_count[best_to] += 1;
        loads[u.owner] = best_from_load;
        loads[best_to] = best_to_load;
        u.owner = best_to;
        u.moved = true;
        spread = best;
    }
    s.after = loads;
    s.spread_after = Spread(loads);
    return s;
}

}  // namespace rounds::territories
