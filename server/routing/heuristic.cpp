#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "routing/instance.h"
#include "routing/segment.h"

namespace rounds::routing::internal {

namespace {

// DropAndRefill tries the served stops whose removal frees the most time and those whose removal saves the most
// travel, this many of each (3: on the 25-stop benchmark days with windows as close to the best-known selections as
// 6 or all of them, for +25-30 % CPU per solve instead of about +35 % / +50-80 %).
constexpr std::int32_t kDropTries = 3;

// splitmix64: tiny, fast, and identical on every platform (std distributions are not).
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t Next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n) for n > 0 (modulo bias is irrelevant at these sizes).
    std::int32_t Below(std::int32_t n) { return static_cast<std::int32_t>(Next() % static_cast<std::uint64_t>(n)); }

  private:
    std::uint64_t state_;
};

class Deadline {
  public:
    explicit Deadline(std::int64_t limit_ms)
        : unlimited_(limit_ms <= 0), end_(std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms)) {}
    bool Passed() const { return !unlimited_ && std::chrono::steady_clock::now() >= end_; }

  private:
    bool unlimited_;
    std::chrono::steady_clock::time_point end_;
};

// Lexicographic objective of a candidate route: less prize left unserved, then less penalty, then less travel.
using Score = std::tuple<std::int64_t, Ticks, Ticks>;

// A route (sequence of stops between start and end) with the per-position data that makes move evaluation
// cheap. Position m = seq.size() stands for the end of the route.
//
// A neighbour route is described as old[0, from) + middle + old[resume, m): every move below is of that
// form. Feasibility of a neighbour of a route without lateness is decided by simulating only `middle` from
// the departure before `from` and comparing the arrival at `resume` with latest_[resume], the latest arrival
// that keeps the old suffix feasible (Savelsbergh's forward/backward slack, generalised to several windows
// per stop: since Arrive is monotone the feasible arrivals at a position form a prefix of the time axis).
class Route {
  public:
    explicit Route(const Instance& instance) : in_(&instance) {}

    std::vector<std::int32_t> seq;
    std::vector<std::int32_t> unserved;

    void Update() {
        const auto m = static_cast<std::int32_t>(seq.size());
        const auto size = static_cast<std::size_t>(m) + 1;
        // resize, not assign: every entry is written below (no zero fill per move).
        start_.resize(size);
        dep_.resize(size);
        pen_.resize(size);
        cost_.resize(size);
        rev_.resize(size);
        latest_.resize(size);
        late_count_ = 0;
        Ticks time = in_->DayStart();
        Ticks pen = 0;
        Ticks cost = 0;
        std::int32_t prev = in_->Start();
        for (std::int32_t k = 0; k < m; ++k) {
            const std::int32_t u = seq[Idx(k)];
            cost += in_->Travel(prev, u);
            const Arrival a = in_->Arrive(u, time + in_->Travel(prev, u), true);
            if (a.lateness > 0) {
                ++late_count_;
                pen += a.lateness * Weight(u);
            }
            start_[Idx(k)] = a.start;
            time = a.start + in_->Service(u);
            dep_[Idx(k)] = time;
            pen_[Idx(k)] = pen;
            cost_[Idx(k)] = cost;
            rev_[Idx(k)] = k == 0 ? 0 : rev_[Idx(k - 1)] + in_->Travel(u, prev);
            prev = u;
        }
        const Ticks end_time = in_->Closed() ? time + in_->Travel(prev, in_->End()) : time;
        const Ticks end_pen = in_->EndPenalty(end_time, true);
        if (end_pen > 0) {
            ++late_count_;
        }
        pen_[Idx(m)] = pen + end_pen;
        dep_[Idx(m)] = 0;  // unused (no position after the end)
        rev_[Idx(m)] = 0;
        cost_[Idx(m)] = cost + Arc(prev, in_->End());
        start_[Idx(m)] = end_time;
        latest_[Idx(m)] = in_->DayEnd();
        for (std::int32_t k = m - 1; k >= 0; --k) {
            const std::int32_t u = seq[Idx(k)];
            const Ticks latest_start = latest_[Idx(k + 1)] - Arc(u, NodeAt(k + 1)) - in_->Service(u);
            latest_[Idx(k)] = in_->LatestArrival(u, latest_start);
        }
        max_room_ = -kInfinity;
        for (std::int32_t k = 0; k <= m; ++k) {
            max_room_ = std::max(max_room_, Room(k));
        }
    }

    std::int32_t Size() const { return static_cast<std::int32_t>(seq.size()); }
    Ticks Cost() const { return cost_.back(); }
    Ticks Penalty() const { return pen_.back(); }
    bool NoLateness() const { return late_count_ == 0; }
    Score GetScore() const {
        std::int64_t missed = 0;
        for (std::int32_t u : unserved) {
            missed += in_->Prize(u);
        }
        return {missed, Penalty(), Cost()};
    }

    std::int32_t PrevNode(std::int32_t k) const { return k == 0 ? in_->Start() : seq[Idx(k - 1)]; }
    /// Node at position k; the end node (or -1 for open routes) at k == m.
    std::int32_t NodeAt(std::int32_t k) const { return k < Size() ? seq[Idx(k)] : in_->End(); }
    /// Travel time, with the "virtual end" -1 of open routes costing nothing.
    Ticks Arc(std::int32_t from, std::int32_t to) const { return to < 0 ? 0 : in_->Travel(from, to); }
    /// Travel from the start to position k, including the arc into k.
    Ticks CostTo(std::int32_t k) const { return cost_[Idx(k)]; }
    /// Sum of reversed arcs seq[i+1] -> seq[i] for i < k.
    Ticks RevTo(std::int32_t k) const { return rev_[Idx(k)]; }

    Ticks DepartureBefore(std::int32_t k) const { return k == 0 ? in_->DayStart() : dep_[Idx(k - 1)]; }
    /// Service start at position k < m.
    Ticks StartAt(std::int32_t k) const { return start_[Idx(k)]; }
    Ticks LatestArrival(std::int32_t k) const { return latest_[Idx(k)]; }
    /// Time between the departure before position k and the latest arrival at k that keeps the rest on time.
    /// Inserting u at k needs Travel(prev, u) + Service(u) + Arc(u, node at k) <= Room(k) (waiting only adds):
    /// a necessary condition for Feasible, checked first because it is cheaper (only valid while NoLateness()).
    Ticks Room(std::int32_t k) const { return latest_[Idx(k)] - DepartureBefore(k); }
    /// Largest Room over all positions: a stop whose visit alone is longer fits nowhere.
    Ticks MaxRoom() const { return max_room_; }
    /// Necessary condition for Feasible(k, {u}, k) (see Room).
    bool MayInsert(std::int32_t k, std::int32_t u) const {
        return in_->Travel(PrevNode(k), u) + in_->Service(u) + Arc(u, NodeAt(k)) <= Room(k);
    }

    /// True when the neighbour has no lateness (only valid while NoLateness()).
    bool Feasible(std::int32_t from, std::span<const std::int32_t> middle, std::int32_t resume) const {
        Ticks time = from == 0 ? in_->DayStart() : dep_[Idx(from - 1)];
        std::int32_t prev = PrevNode(from);
        for (std::int32_t u : middle) {
            const Arrival a = in_->Arrive(u, time + in_->Travel(prev, u), false);
            if (!a.ok) {
                return false;
            }
            time = a.start + in_->Service(u);
            prev = u;
        }
        return time + Arc(prev, NodeAt(resume)) <= latest_[Idx(resume)];
    }

    /// Weighted lateness of the neighbour, or some value >= `cutoff` as soon as the result is known to be at
    /// least `cutoff`. Simulates the old suffix only until the schedule re-joins it or falls behind it: once
    /// service at an old position starts no earlier than before, the rest costs at least what it did.
    Ticks PenaltyOf(std::int32_t from, std::span<const std::int32_t> middle, std::int32_t resume,
                    Ticks cutoff = kInfinity) const {
        Ticks time = from == 0 ? in_->DayStart() : dep_[Idx(from - 1)];
        Ticks pen = from == 0 ? 0 : pen_[Idx(from - 1)];
        std::int32_t prev = PrevNode(from);
        for (std::int32_t u : middle) {
            const Arrival a = in_->Arrive(u, time + in_->Travel(prev, u), true);
            pen += a.lateness * Weight(u);
            if (pen >= cutoff) {
                return pen;
            }
            time = a.start + in_->Service(u);
            prev = u;
        }
        const std::int32_t m = Size();
        for (std::int32_t k = resume; k < m; ++k) {
            const std::int32_t u = seq[Idx(k)];
            const Arrival a = in_->Arrive(u, time + in_->Travel(prev, u), true);
            if (a.start >= start_[Idx(k)]) {
                const Ticks rest = pen_[Idx(m)] - (k == 0 ? 0 : pen_[Idx(k - 1)]);
                if (a.start == start_[Idx(k)] || pen + rest >= cutoff) {
                    return pen + rest;
                }
            }
            pen += a.lateness * Weight(u);
            if (pen >= cutoff) {
                return pen;
            }
            time = a.start + in_->Service(u);
            prev = u;
        }
        const Ticks end_time = in_->Closed() ? time + in_->Travel(prev, in_->End()) : time;
        return pen + in_->EndPenalty(end_time, true);
    }

    void Apply(std::int32_t from, std::span<const std::int32_t> middle, std::int32_t resume) {
        // In place (no allocation once the capacity suffices); `middle` never points into `seq`.
        const auto removed = static_cast<std::ptrdiff_t>(resume - from);
        const auto added = static_cast<std::ptrdiff_t>(middle.size());
        const auto common = std::min(removed, added);
        std::copy(middle.begin(), middle.begin() + common, seq.begin() + from);
        if (added > removed) {
            seq.insert(seq.begin() + from + common, middle.begin() + common, middle.end());
        } else if (removed > added) {
            seq.erase(seq.begin() + from + common, seq.begin() + resume);
        }
        Update();
    }

  private:
    static std::size_t Idx(std::int32_t k) { return static_cast<std::size_t>(k); }
    // Strict problems weigh every late tick the same while searching for a feasible order.
    Ticks Weight(std::int32_t u) const { return in_->AllowLateness() ? in_->Weight(u) : 1; }

    const Instance* in_;
    std::vector<Ticks> start_;
    std::vector<Ticks> dep_;
    std::vector<Ticks> pen_;
    std::vector<Ticks> cost_;
    std::vector<Ticks> rev_;
    std::vector<Ticks> latest_;
    std::int32_t late_count_ = 0;
    Ticks max_room_ = 0;
};

class Search {
  public:
    Search(const Instance& instance, const HeuristicSettings& settings)
        : in_(instance), settings_(settings), rng_(settings.seed), deadline_(settings.time_limit_ms) {
        const auto n = static_cast<std::size_t>(in_.NodeCount());
        precede_.assign(n * n, 1);
        servable_.assign(n, 0);
        // need_[u]: the least time serving u adds between its neighbours (cheapest arc in, visit, cheapest arc
        // out to a stop or the end); a position whose Room is smaller cannot take u.
        need_.assign(n, 0);
        detour_.assign(n, 0);
        for (std::int32_t u : in_.Stops()) {
            Ticks in = in_.Travel(in_.Start(), u);
            Ticks out = in_.Closed() ? in_.Travel(u, in_.End()) : 0;
            for (std::int32_t v : in_.Stops()) {
                if (v != u) {
                    in = std::min(in, in_.Travel(v, u));
                    out = std::min(out, in_.Travel(u, v));
                }
            }
            need_[static_cast<std::size_t>(u)] = in + in_.Service(u) + out;
            detour_[static_cast<std::size_t>(u)] = in + out;
        }
        for (std::int32_t u : in_.Stops()) {
            servable_[static_cast<std::size_t>(u)] = in_.AllowLateness() || ServableAlone(in_, u) ? 1 : 0;
        }
        if (in_.AllowLateness()) {
            return;  // anything may precede anything when late visits are allowed
        }
        std::vector<std::int32_t> servable;
        for (std::int32_t u : in_.Stops()) {
            if (servable_[static_cast<std::size_t>(u)] != 0) {
                servable.push_back(u);
            }
        }
        over_full_ = OverFull(servable);
        warp_ = std::all_of(servable.begin(), servable.end(),
                            [&](std::int32_t u) { return in_.WindowsEnd(u) - in_.WindowsBegin(u) == 1; });
        for (std::int32_t u : in_.Stops()) {
            const Arrival a = in_.Arrive(u, in_.DayStart() + in_.Travel(in_.Start(), u), true);
            for (std::int32_t v : in_.Stops()) {
                const bool ok = a.start + in_.Service(u) + in_.Travel(u, v) <= in_.LastLatest(v);
                precede_[static_cast<std::size_t>(u) * n + static_cast<std::size_t>(v)] = ok ? 1 : 0;
            }
        }
    }

    std::vector<std::int32_t> Run(std::int64_t& iterations);

  private:
    void LocalSearch(Route& r);
    bool InsertUnserved(Route& r);
    /// Unserved stops by prize, highest first (stable), as InsertUnserved tries them.
    void SortUnserved(Route& r) const;
    bool ReplaceWithUnserved(Route& r);
    bool DropAndRefill(Route& r);
    bool RelocateStrict(Route& r, std::int32_t p);
    bool TwoOptStrict(Route& r, std::int32_t i);
    bool SwapStrict(Route& r, std::int32_t i);
    bool RelocatePenalty(Route& r);
    void WarpRepair(Route& r);
    bool WarpMove(std::vector<std::int32_t>& seq, std::int32_t p);
    void WarpRebuild(const std::vector<std::int32_t>& seq);
    void Perturb(Route& r);
    void InsertBest(Route& r, std::int32_t u);
    void DropLate(Route& r);
    Route Construct(std::vector<std::int32_t> pool);
    Ticks TimeUsed(const Route& r, std::int32_t q, std::int32_t u) const;
    /// Greedy insertion key: time used per unit of prize (less is better).
    double PerPrize(Ticks time_used, std::int32_t u) const {
        return static_cast<double>(time_used) / static_cast<double>(in_.Prize(u));
    }
    void SequentialRecreate(Route& r, std::vector<std::int32_t> removed, std::vector<std::int32_t> offered,
                            std::int32_t seed);
    bool InsertCheapest(Route& r, std::int32_t u, bool by_time);
    bool OverFull(const std::vector<std::int32_t>& servable) const;
    Route Initial();
    /// Whether u can be served before v on some feasible route (u's earliest start, its service and the
    /// travel still reach v before its last window closes). A necessary condition, used to prune.
    bool CanPrecede(std::int32_t u, std::int32_t v) const {
        return precede_[static_cast<std::size_t>(u) * static_cast<std::size_t>(in_.NodeCount()) +
                        static_cast<std::size_t>(v)] != 0;
    }

    const Instance& in_;
    HeuristicSettings settings_;
    Rng rng_;
    Deadline deadline_;
    std::vector<std::int32_t> middle_;
    std::vector<std::uint8_t> precede_;
    std::vector<std::uint8_t> servable_;
    std::vector<Ticks> need_;
    Ticks Need(std::int32_t u) const { return need_[static_cast<std::size_t>(u)]; }
    /// need_ without the visit: the least travel any position adds for u.
    std::vector<Ticks> detour_;
    Ticks LeastDetour(std::int32_t u) const { return detour_[static_cast<std::size_t>(u)]; }
    /// Strict mode and the servable stops cannot all fit in the day (OverFull): an orienteering problem.
    bool over_full_ = false;
    /// Strict mode and stop selection matters: the day is over-full, or the first local optimum leaves at least
    /// max(2, 10 %) of the servable stops out. Then ruins are larger, the recreate offers every unserved stop
    /// again, and the acceptance is looser.
    bool selecting_ = false;
    /// Strict mode and every servable stop has a single window: route lateness is repaired by minimising
    /// time warp with O(1) move evaluation (segment.h) instead of the O(m) lateness simulation.
    bool warp_ = false;
    Segment Seg(std::int32_t u) const { return NodeSegment(in_, u); }
    std::vector<Segment> fwd_;
    std::vector<Segment> bwd_;
    /// ReplaceWithUnserved's per-run buffers (index 3 p + len - 1), reused across calls.
    std::vector<Ticks> replace_removed_;
    std::vector<Ticks> replace_room_;
    /// DropAndRefill's trial route, reused across calls.
    Route trial_{in_};
    std::vector<std::array<Ticks, 3>> drop_keys_;
    std::vector<std::int32_t> drop_order_;
};

// Feasible cheapest insertion: starting from an empty route, repeatedly insert the stop that uses the least
// of the day (detour, waiting and its own visit: this favours fitting many stops into a full day) at a position
// that keeps the route free of lateness. A stop with no feasible position is set aside for good (inserting
// others only delays the schedule when travel times obey the triangle inequality; the local search tries the
// left-over stops again anyway). O(n * m * m) with O(1) feasibility checks.
// Time the insertion of u before position q uses: how much later the route reaches the node at q (the end for
// q == m), counting the detour, any waiting at u and u's visit. Call only for feasible insertions.
Ticks Search::TimeUsed(const Route& r, std::int32_t q, std::int32_t u) const {
    const Ticks leave = r.DepartureBefore(q);
    const std::int32_t a = r.PrevNode(q);
    const std::int32_t b = r.NodeAt(q);
    const Arrival at = in_.Arrive(u, leave + in_.Travel(a, u), true);
    return at.start + in_.Service(u) + r.Arc(u, b) - (leave + r.Arc(a, b));
}

Route Search::Construct(std::vector<std::int32_t> pool) {
    Route r(in_);
    r.Update();
    while (!pool.empty()) {
        std::size_t best_i = pool.size();
        std::int32_t best_q = -1;
        double best_key = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < pool.size();) {
            const std::int32_t u = pool[i];
            bool fits = false;
            for (std::int32_t q = 0; q <= r.Size(); ++q) {
                if (!r.MayInsert(q, u) || !r.Feasible(q, std::span(&u, 1), q)) {
                    continue;
                }
                const double key = PerPrize(TimeUsed(r, q, u), u);
                fits = true;
                if (key < best_key) {
                    best_key = key;
                    best_i = i;
                    best_q = q;
                }
            }
            if (fits) {
                ++i;
                continue;
            }
            r.unserved.push_back(u);
            pool[i] = pool.back();
            pool.pop_back();
            if (best_i == pool.size()) {
                best_i = i;  // the best candidate was just moved into slot i
            }
        }
        if (best_q < 0) {
            break;
        }
        const std::int32_t u = pool[best_i];
        pool[best_i] = pool.back();
        pool.pop_back();
        r.Apply(best_q, std::span(&u, 1), best_q);
    }
    r.unserved.insert(r.unserved.end(), pool.begin(), pool.end());
    return r;
}

// True when the stops cannot all be served however they are ordered: every stop needs its visit plus at least
// its cheapest incoming arc (and a closed route its cheapest arc back to the end), and that sum alone exceeds
// the day. Then drop-to-fit repair is wasted work: the day is built by insertion only.
bool Search::OverFull(const std::vector<std::int32_t>& servable) const {
    Ticks need = 0;
    Ticks cheapest_back = in_.Closed() ? kInfinity : 0;
    for (std::int32_t u : servable) {
        Ticks cheapest_in = in_.Travel(in_.Start(), u);
        for (std::int32_t v : servable) {
            if (v != u) {
                cheapest_in = std::min(cheapest_in, in_.Travel(v, u));
            }
        }
        need += cheapest_in + in_.Service(u);
        if (in_.Closed()) {
            cheapest_back = std::min(cheapest_back, in_.Travel(u, in_.End()));
        }
    }
    if (!servable.empty()) {
        need += cheapest_back;
    }
    return need > in_.DayEnd() - in_.DayStart();
}

Route Search::Initial() {
    Route r(in_);
    for (std::int32_t u : in_.Stops()) {
        if (in_.AllowLateness() || ServableAlone(in_, u)) {
            r.seq.push_back(u);
        } else {
            r.unserved.push_back(u);
        }
    }
    // Strict mode, over-full day (the stops provably cannot all fit): build only while feasible; dropping
    // stops one at a time from an all-stops route would cost O(m^2) per dropped stop.
    const std::vector<std::int32_t> servable = r.seq;
    const std::vector<std::int32_t> not_servable = r.unserved;
    if (over_full_) {
        Route inserted = Construct(servable);
        inserted.unserved.insert(inserted.unserved.end(), r.unserved.begin(), r.unserved.end());
        return inserted;
    }
    // Earliest deadline first is close to feasible when windows are tight, and penalty-driven local search
    // repairs the rest.
    std::stable_sort(r.seq.begin(), r.seq.end(), [&](std::int32_t a, std::int32_t b) {
        return std::make_pair(in_.LastLatest(a), in_.WindowsBegin(a)->earliest) <
               std::make_pair(in_.LastLatest(b), in_.WindowsBegin(b)->earliest);
    });
    r.Update();
    if (r.NoLateness()) {
        return r;
    }
    // Repair: relocation moves minimising lateness, with random kicks, for a bounded effort.
    LocalSearch(r);
    Route best = r;
    const std::int64_t rounds = std::max<std::int64_t>(20, settings_.max_iterations / 10);
    for (std::int64_t round = 0; round < rounds && !best.NoLateness() && !deadline_.Passed(); ++round) {
        r = best;
        for (std::int32_t kick = 0; kick < 2 && r.Size() > 1; ++kick) {
            const std::int32_t p = rng_.Below(r.Size());
            const std::int32_t u = r.seq[static_cast<std::size_t>(p)];
            r.seq.erase(r.seq.begin() + p);
            const std::int32_t q = rng_.Below(r.Size() + 1);
            r.seq.insert(r.seq.begin() + q, u);
        }
        r.Update();
        LocalSearch(r);
        if (r.GetScore() < best.GetScore()) {
            best = r;
        }
    }
    r = best;
    DropLate(r);
    // Many stops were dropped (a full day the bound did not detect): feasible insertion may serve more. A few
    // dropped stops (tight windows, TSPTW-like) are better left to the search, which forces them back in.
    const std::size_t dropped = r.unserved.size() - not_servable.size();
    if (!in_.AllowLateness() && dropped > std::max<std::size_t>(2, servable.size() / 10) && !deadline_.Passed()) {
        Route inserted = Construct(servable);
        inserted.unserved.insert(inserted.unserved.end(), not_servable.begin(), not_servable.end());
        if (inserted.GetScore() < r.GetScore()) {
            return inserted;
        }
    }
    return r;
}

// Strict problems only: a route with lateness is not a solution, so drop the stop whose removal removes the
// most lateness until none is left (the dropped stops become unserved and may be re-inserted later).
void Search::DropLate(Route& r) {
    if (in_.AllowLateness()) {
        return;
    }
    while (!r.NoLateness() && r.Size() > 0) {
        std::int32_t best_p = 0;
        auto best = std::make_pair(kInfinity, std::numeric_limits<std::int64_t>::max());
        for (std::int32_t p = 0; p < r.Size(); ++p) {
            const auto key = std::make_pair(r.PenaltyOf(p, {}, p + 1), in_.Prize(r.seq[static_cast<std::size_t>(p)]));
            if (key < best) {
                best = key;
                best_p = p;
            }
        }
        r.unserved.push_back(r.seq[static_cast<std::size_t>(best_p)]);
        r.Apply(best_p, {}, best_p + 1);
    }
}

void Search::SortUnserved(Route& r) const {
    const auto by_prize = [&](std::int32_t a, std::int32_t b) { return in_.Prize(a) > in_.Prize(b); };
    if (!std::is_sorted(r.unserved.begin(), r.unserved.end(), by_prize)) {
        std::stable_sort(r.unserved.begin(), r.unserved.end(), by_prize);
    }
}

bool Search::InsertUnserved(Route& r) {
    // Highest prize first (stable: equal prizes keep their order, so results stay deterministic).
    SortUnserved(r);
    const Ticks max_room = r.MaxRoom();
    for (std::size_t i = 0; i < r.unserved.size(); ++i) {
        const std::int32_t u = r.unserved[i];
        if (Need(u) > max_room) {
            continue;  // fits nowhere (the day is full): skips the scan that dominates over-full days
        }
        std::int32_t best_q = -1;
        Ticks best_delta = kInfinity;
        for (std::int32_t q = 0; q <= r.Size(); ++q) {
            const std::int32_t a = r.PrevNode(q);
            const std::int32_t b = r.NodeAt(q);
            if (Need(u) > r.Room(q)) {
                continue;
            }
            const Ticks delta = in_.Travel(a, u) + r.Arc(u, b) - r.Arc(a, b);
            if (delta < best_delta && r.MayInsert(q, u) && r.Feasible(q, std::span(&u, 1), q)) {
                best_delta = delta;
                best_q = q;
            }
        }
        if (best_q >= 0) {
            r.unserved.erase(r.unserved.begin() + static_cast<std::ptrdiff_t>(i));
            r.Apply(best_q, std::span(&u, 1), best_q);
            return true;
        }
    }
    return false;
}

// Serve an unserved stop instead of a run of 1-3 consecutive served stops when that gains prize, or shortens the
// route at equal prize: the move that trades two cheap stops for one valuable one (or one for one elsewhere).
// Each candidate is an O(1) feasibility check.
bool Search::ReplaceWithUnserved(Route& r) {
    const std::int32_t m = r.Size();
    // Per run [p, p+len): the travel it saves and the room it leaves (latest arrival after it minus the
    // departure before it). Serving u there needs Travel(a, u) + Service(u) + Arc(u, b) <= room, a necessary
    // condition of Feasible that is checked first; a stop whose visit exceeds every room is skipped.
    replace_removed_.resize(static_cast<std::size_t>(3 * m));
    replace_room_.resize(static_cast<std::size_t>(3 * m));
    Ticks max_room = -kInfinity;
    Ticks max_removed = -kInfinity;
    std::int64_t least_prize = std::numeric_limits<std::int64_t>::max();
    for (std::int32_t u : r.seq) {
        least_prize = std::min(least_prize, in_.Prize(u));
    }
    for (std::int32_t p = 0; p < m; ++p) {
        const std::int32_t a = r.PrevNode(p);
        for (std::int32_t len = 1; len <= 3 && p + len <= m; ++len) {
            const std::int32_t b = r.NodeAt(p + len);
            const auto slot = static_cast<std::size_t>(3 * p + len - 1);
            replace_removed_[slot] = r.CostTo(p + len - 1) - r.CostTo(p) +
                                     in_.Travel(a, r.seq[static_cast<std::size_t>(p)]) +
                                     r.Arc(r.seq[static_cast<std::size_t>(p + len - 1)], b);
            replace_room_[slot] = r.LatestArrival(p + len) - r.DepartureBefore(p);
            max_room = std::max(max_room, replace_room_[slot]);
            max_removed = std::max(max_removed, replace_removed_[slot]);
        }
    }
    for (std::size_t i = 0; i < r.unserved.size(); ++i) {
        const std::int32_t u = r.unserved[i];
        if (servable_[static_cast<std::size_t>(u)] == 0 || Need(u) > max_room) {
            continue;
        }
        // No run is worth less than u: only a shorter route counts, and u's least detour bounds the travel.
        const bool shorter_only = in_.Prize(u) <= least_prize;
        if (shorter_only && LeastDetour(u) >= max_removed) {
            continue;
        }
        for (std::int32_t p = 0; p < m; ++p) {
            const std::int32_t a = r.PrevNode(p);
            const Ticks into_u = in_.Travel(a, u) + in_.Service(u);
            std::int64_t run_prize = 0;
            for (std::int32_t len = 1; len <= 3 && p + len <= m; ++len) {
                run_prize += in_.Prize(r.seq[static_cast<std::size_t>(p + len - 1)]);
                if (run_prize > in_.Prize(u)) {
                    break;
                }
                const auto slot = static_cast<std::size_t>(3 * p + len - 1);
                if (Need(u) > replace_room_[slot] || (shorter_only && LeastDetour(u) >= replace_removed_[slot])) {
                    continue;
                }
                const std::int32_t b = r.NodeAt(p + len);
                const Ticks out_of_u = r.Arc(u, b);
                if (into_u + out_of_u > replace_room_[slot]) {
                    continue;
                }
                const Ticks delta = in_.Travel(a, u) + out_of_u - replace_removed_[slot];
                const bool better = in_.Prize(u) > run_prize || delta < 0;
                if (better && r.Feasible(p, std::span(&u, 1), p + len)) {
                    r.unserved.erase(r.unserved.begin() + static_cast<std::ptrdiff_t>(i));
                    r.unserved.insert(r.unserved.end(), r.seq.begin() + p, r.seq.begin() + p + len);
                    r.Apply(p, std::span(&u, 1), p + len);
                    return true;
                }
            }
        }
    }
    return false;
}

// Selecting stops: take one served stop out and refill the day with unserved stops (highest prize first, each
// at its least-detour feasible position) while any fits; kept when that serves more prize, or the same prize
// with less travel. This covers "two unserved instead of one served" and "one unserved elsewhere instead of one
// served" (a more compact selection), which no move above makes: they keep the served positions or insert only
// into the current room. Per dropped stop an O(m) rebuild, then an O(1) test per unserved stop (its least added
// time against the largest room left) before any position scan, so on a full day it is cheap.
bool Search::DropAndRefill(Route& r) {
    const std::int32_t m = r.Size();
    if (m == 0 || r.unserved.empty()) {
        return false;
    }
    // Only the stops whose removal frees the most time (the route reaches the next node that much earlier) and
    // those whose removal saves the most travel are tried: trying every served stop cost 1.5-1.8x the CPU per
    // solve and found no better selections on the benchmark days.
    drop_keys_.clear();
    for (std::int32_t p = 0; p < m; ++p) {
        const std::int32_t a = r.PrevNode(p);
        const std::int32_t v = r.seq[static_cast<std::size_t>(p)];
        const std::int32_t b = r.NodeAt(p + 1);
        const Ticks saved = r.DepartureBefore(p + 1) + r.Arc(v, b) - (r.DepartureBefore(p) + r.Arc(a, b));
        const Ticks travel = in_.Travel(a, v) + r.Arc(v, b) - r.Arc(a, b);
        drop_keys_.push_back({saved, travel, p});
    }
    const auto tries = static_cast<std::size_t>(std::min(m, kDropTries));
    drop_order_.clear();
    std::partial_sort(
        drop_keys_.begin(), drop_keys_.begin() + static_cast<std::ptrdiff_t>(tries), drop_keys_.end(),
        [](const auto& x, const auto& y) { return std::make_pair(x[0], x[2]) > std::make_pair(y[0], y[2]); });
    for (std::size_t i = 0; i < tries; ++i) {
        drop_order_.push_back(static_cast<std::int32_t>(drop_keys_[i][2]));
    }
    std::partial_sort(
        drop_keys_.begin(), drop_keys_.begin() + static_cast<std::ptrdiff_t>(tries), drop_keys_.end(),
        [](const auto& x, const auto& y) { return std::make_pair(x[1], x[2]) > std::make_pair(y[1], y[2]); });
    for (std::size_t i = 0; i < tries; ++i) {
        const auto p = static_cast<std::int32_t>(drop_keys_[i][2]);
        if (std::find(drop_order_.begin(), drop_order_.end(), p) == drop_order_.end()) {
            drop_order_.push_back(p);
        }
    }
    const Score before = r.GetScore();
    for (const std::int32_t p : drop_order_) {
        const std::int32_t v = r.seq[static_cast<std::size_t>(p)];
        // Without the triangle inequality a removal can delay later stops: keep the route on time.
        if (!r.Feasible(p, {}, p + 1)) {
            continue;
        }
        trial_.seq.assign(r.seq.begin(), r.seq.end());
        trial_.seq.erase(trial_.seq.begin() + p);
        trial_.Update();
        const Ticks max_room = trial_.MaxRoom();
        bool any = false;
        for (std::int32_t u : r.unserved) {
            if (servable_[static_cast<std::size_t>(u)] != 0 && Need(u) <= max_room) {
                any = true;
                break;
            }
        }
        if (!any) {
            continue;
        }
        trial_.unserved.assign(r.unserved.begin(), r.unserved.end());
        for (;;) {
            std::size_t best_i = trial_.unserved.size();
            std::int32_t best_q = -1;
            std::int64_t best_prize = 0;
            Ticks best_delta = kInfinity;
            const Ticks room = trial_.MaxRoom();
            for (std::size_t k = 0; k < trial_.unserved.size(); ++k) {
                const std::int32_t u = trial_.unserved[k];
                if (servable_[static_cast<std::size_t>(u)] == 0 || Need(u) > room || in_.Prize(u) < best_prize) {
                    continue;
                }
                for (std::int32_t q = 0; q <= trial_.Size(); ++q) {
                    if (Need(u) > trial_.Room(q)) {
                        continue;
                    }
                    const std::int32_t a = trial_.PrevNode(q);
                    const std::int32_t b = trial_.NodeAt(q);
                    const Ticks delta = in_.Travel(a, u) + trial_.Arc(u, b) - trial_.Arc(a, b);
                    if ((in_.Prize(u) > best_prize || delta < best_delta) && trial_.MayInsert(q, u) &&
                        trial_.Feasible(q, std::span(&u, 1), q)) {
                        best_prize = in_.Prize(u);
                        best_delta = delta;
                        best_i = k;
                        best_q = q;
                    }
                }
            }
            if (best_q < 0) {
                break;
            }
            const std::int32_t u = trial_.unserved[best_i];
            trial_.unserved.erase(trial_.unserved.begin() + static_cast<std::ptrdiff_t>(best_i));
            trial_.Apply(best_q, std::span(&u, 1), best_q);
        }
        trial_.unserved.push_back(v);
        if (trial_.GetScore() < before) {
            std::swap(r, trial_);
            return true;
        }
    }
    return false;
}

// Or-opt: move a segment of 1-3 stops starting at position p elsewhere (same orientation). Each target is
// checked in O(len): forward targets extend the departure time of the stops the segment jumps over one stop
// at a time; backward targets extend, one stop at a time, the latest arrival of the stops it jumps in front
// of. Both stop early once the jumped-over stops alone are infeasible.
bool Search::RelocateStrict(Route& r, std::int32_t p) {
    const std::int32_t m = r.Size();
    for (std::int32_t len = 1; len <= 3 && p + len <= m; ++len) {
        const auto seg = std::span(r.seq).subspan(static_cast<std::size_t>(p), static_cast<std::size_t>(len));
        const std::int32_t first = seg.front();
        const std::int32_t last = seg.back();
        const std::int32_t before = r.PrevNode(p);
        const std::int32_t after = r.NodeAt(p + len);
        const Ticks removed_gain = in_.Travel(before, first) + r.Arc(last, after) - r.Arc(before, after);
        auto through_segment = [&](Ticks time, std::int32_t prev) {
            for (std::int32_t u : seg) {
                const Arrival a = in_.Arrive(u, time + in_.Travel(prev, u), false);
                if (!a.ok) {
                    return kInfinity;
                }
                time = a.start + in_.Service(u);
                prev = u;
            }
            return time;
        };
        // Forward: old[0, p) + old[p+len, q) + seg + old[q, m).
        // The schedule of the jumped-over stops is simulated lazily, only up to a target whose travel delta is
        // negative (most are not, and the delta needs no times): same moves, fewer Arrive calls. Once a
        // jumped-over stop starts when it did in the old route, the schedule has re-joined it: the departures
        // from there on are the old ones (and on time), so no more simulation is needed.
        Ticks time = r.DepartureBefore(p);
        std::int32_t done = p + len;  // seq[p+len, done) simulated; `time` = departure after the last of them
        bool rejoined = false;
        bool blocked = false;
        for (std::int32_t q = p + len + 1; q <= m; ++q) {
            const std::int32_t prev = r.seq[static_cast<std::size_t>(q - 1)];
            const std::int32_t b = r.NodeAt(q);
            const Ticks delta = in_.Travel(prev, first) + r.Arc(last, b) - r.Arc(prev, b) - removed_gain;
            if (delta >= 0) {
                continue;
            }
            for (; done < q; ++done) {
                if (rejoined) {
                    time = r.DepartureBefore(done + 1);
                    continue;
                }
                const std::int32_t jumped = r.seq[static_cast<std::size_t>(done)];
                const std::int32_t from = done == p + len ? before : r.seq[static_cast<std::size_t>(done - 1)];
                const Arrival a = in_.Arrive(jumped, time + in_.Travel(from, jumped), false);
                if (!a.ok) {
                    blocked = true;
                    break;
                }
                time = a.start + in_.Service(jumped);
                rejoined = a.start == r.StartAt(done);
            }
            if (blocked) {
                break;
            }
            const Ticks leave = through_segment(time, prev);
            if (leave < kInfinity && leave + r.Arc(last, b) <= r.LatestArrival(q)) {
                middle_.assign(r.seq.begin() + p + len, r.seq.begin() + q);
                middle_.insert(middle_.end(), seg.begin(), seg.end());
                r.Apply(p, middle_, q);
                return true;
            }
        }
        // Backward: old[0, q) + seg + old[q, p) + old[p+len, m).
        // Likewise lazily, and once a latest arrival equals the old one, the earlier ones are the old ones too.
        Ticks latest = r.LatestArrival(p + len);
        std::int32_t low = p;  // latest arrivals of seq[low, p) computed; `latest` = the one at seq[low]
        bool rejoined_back = false;
        blocked = false;
        for (std::int32_t q = p - 1; q >= 0; --q) {
            const std::int32_t jumped = r.seq[static_cast<std::size_t>(q)];
            const std::int32_t a = r.PrevNode(q);
            const Ticks delta = in_.Travel(a, first) + in_.Travel(last, jumped) - in_.Travel(a, jumped) - removed_gain;
            if (delta >= 0) {
                continue;
            }
            for (; low > q; --low) {
                if (rejoined_back) {
                    latest = r.LatestArrival(low - 1);
                    continue;
                }
                const std::int32_t node = r.seq[static_cast<std::size_t>(low - 1)];
                const std::int32_t next = low == p ? after : r.seq[static_cast<std::size_t>(low)];
                latest = in_.LatestArrival(node, latest - r.Arc(node, next) - in_.Service(node));
                if (latest <= -kInfinity) {
                    blocked = true;
                    break;
                }
                rejoined_back = latest == r.LatestArrival(low - 1);
            }
            if (blocked) {
                break;
            }
            const Ticks leave = through_segment(r.DepartureBefore(q), a);
            if (leave < kInfinity && leave + in_.Travel(last, jumped) <= latest) {
                middle_.assign(seg.begin(), seg.end());
                middle_.insert(middle_.end(), r.seq.begin() + q, r.seq.begin() + p);
                r.Apply(q, middle_, p + len);
                return true;
            }
        }
    }
    return false;
}

// 2-opt: reverse seq[i..j]. Asymmetric costs are handled with prefix sums of forward and reversed arcs.
bool Search::TwoOptStrict(Route& r, std::int32_t i) {
    const std::int32_t m = r.Size();
    {
        const std::int32_t before = r.PrevNode(i);
        const std::int32_t first = r.seq[static_cast<std::size_t>(i)];
        for (std::int32_t j = i + 1; j < m; ++j) {
            const std::int32_t last = r.seq[static_cast<std::size_t>(j)];
            // The reversal puts `last` before `first`, and so does every longer one.
            if (!CanPrecede(last, first)) {
                break;
            }
            const std::int32_t after = r.NodeAt(j + 1);
            const Ticks forward = r.CostTo(j) - r.CostTo(i);
            const Ticks backward = r.RevTo(j) - r.RevTo(i);
            const Ticks delta = in_.Travel(before, last) + r.Arc(first, after) + backward - in_.Travel(before, first) -
                                r.Arc(last, after) - forward;
            if (delta >= 0) {
                continue;
            }
            middle_.assign(r.seq.rbegin() + (m - 1 - j), r.seq.rbegin() + (m - i));
            if (r.Feasible(i, middle_, j + 1)) {
                r.Apply(i, middle_, j + 1);
                return true;
            }
        }
    }
    return false;
}

// Exchange two non-adjacent stops (adjacent exchanges are relocations).
bool Search::SwapStrict(Route& r, std::int32_t i) {
    const std::int32_t m = r.Size();
    if (i + 2 >= m) {
        return false;
    }
    {
        const std::int32_t a = r.seq[static_cast<std::size_t>(i)];
        const std::int32_t a_prev = r.PrevNode(i);
        const std::int32_t a_next = r.seq[static_cast<std::size_t>(i + 1)];
        for (std::int32_t j = i + 2; j < m; ++j) {
            const std::int32_t b = r.seq[static_cast<std::size_t>(j)];
            const std::int32_t b_prev = r.PrevNode(j);
            const std::int32_t b_next = r.NodeAt(j + 1);
            const Ticks delta = in_.Travel(a_prev, b) + in_.Travel(b, a_next) + in_.Travel(b_prev, a) +
                                r.Arc(a, b_next) - in_.Travel(a_prev, a) - in_.Travel(a, a_next) -
                                in_.Travel(b_prev, b) - r.Arc(b, b_next);
            if (delta >= 0) {
                continue;
            }
            middle_.assign(r.seq.begin() + i, r.seq.begin() + j + 1);
            std::swap(middle_.front(), middle_.back());
            if (r.Feasible(i, middle_, j + 1)) {
                r.Apply(i, middle_, j + 1);
                return true;
            }
        }
    }
    return false;
}

// Relocation of 1-3 stops judged by (penalty, cost); used while the route has lateness.
bool Search::RelocatePenalty(Route& r) {
    const std::int32_t m = r.Size();
    const Ticks pen = r.Penalty();
    const std::int32_t offset = m > 0 ? rng_.Below(m) : 0;
    for (std::int32_t len = 1; len <= 3; ++len) {
        for (std::int32_t pi = 0; pi < m; ++pi) {
            const std::int32_t p = (pi + offset) % m;
            if (p + len > m) {
                continue;
            }
            const std::int32_t first = r.seq[static_cast<std::size_t>(p)];
            const std::int32_t last = r.seq[static_cast<std::size_t>(p + len - 1)];
            const std::int32_t before = r.PrevNode(p);
            const std::int32_t after = r.NodeAt(p + len);
            const Ticks removed_gain = in_.Travel(before, first) + r.Arc(last, after) - r.Arc(before, after);
            for (std::int32_t q = 0; q <= m; ++q) {
                if (q >= p && q <= p + len) {
                    continue;
                }
                const std::int32_t a = r.PrevNode(q);
                const std::int32_t b = r.NodeAt(q);
                const Ticks delta = in_.Travel(a, first) + r.Arc(last, b) - r.Arc(a, b) - removed_gain;
                middle_.clear();
                std::int32_t from = 0;
                std::int32_t resume = 0;
                if (q > p) {
                    from = p;
                    resume = q;
                    middle_.insert(middle_.end(), r.seq.begin() + p + len, r.seq.begin() + q);
                    middle_.insert(middle_.end(), r.seq.begin() + p, r.seq.begin() + p + len);
                } else {
                    from = q;
                    resume = p + len;
                    middle_.insert(middle_.end(), r.seq.begin() + p, r.seq.begin() + p + len);
                    middle_.insert(middle_.end(), r.seq.begin() + q, r.seq.begin() + p);
                }
                // Accept when new_pen < pen, or (when lateness is allowed, so the route may stay late) new_pen ==
                // pen and the move is shorter. Strict problems only need the repair; the strict moves then
                // shorten the route much faster.
                const bool shorter_counts = in_.AllowLateness() && delta < 0;
                const Ticks new_pen = r.PenaltyOf(from, middle_, resume, shorter_counts ? pen + 1 : pen);
                if (new_pen < pen || (new_pen == pen && shorter_counts)) {
                    r.Apply(from, middle_, resume);
                    return true;
                }
            }
        }
    }
    return false;
}

// Prefix and suffix summaries of the route: fwd_[k] = start + seq[0, k), bwd_[k] = seq[k, m) + end.
void Search::WarpRebuild(const std::vector<std::int32_t>& seq) {
    const auto m = seq.size();
    fwd_.resize(m + 1);
    bwd_.resize(m + 1);
    fwd_[0] = StartSegment(in_);
    for (std::size_t k = 0; k < m; ++k) {
        fwd_[k + 1] = Concat(in_, fwd_[k], Seg(seq[k]));
    }
    bwd_[m] = EndSegment(in_);
    for (std::size_t k = m; k-- > 0;) {
        bwd_[k] = Concat(in_, Seg(seq[k]), bwd_[k + 1]);
    }
}

// The best move involving position p by (time warp, travel), applied if it improves on the route: or-opt of
// the 1-3 stops starting at p (forwards and backwards, either orientation), 2-opt reversals starting at p,
// and swaps of p with a later stop. Every candidate is evaluated in O(1) from the prefix/suffix summaries and
// one summary extended by a stop per target; since warp never decreases under concatenation, a scan stops
// once that extended summary alone warps more than the best candidate.
bool Search::WarpMove(std::vector<std::int32_t>& seq, std::int32_t p) {
    const auto m = static_cast<std::int32_t>(seq.size());
    auto at = [&](std::int32_t k) { return seq[static_cast<std::size_t>(k)]; };
    auto fwd = [&](std::int32_t k) -> const Segment& { return fwd_[static_cast<std::size_t>(k)]; };
    auto bwd = [&](std::int32_t k) -> const Segment& { return bwd_[static_cast<std::size_t>(k)]; };
    const Segment& total = fwd(m);
    const Segment whole = Concat(in_, total, EndSegment(in_));
    Ticks best_warp = whole.warp;
    Ticks best_travel = whole.travel;
    // Move kind: 0 none, 1 relocate (len, reversed, target q), 2 reverse [p, j], 3 swap p, j.
    std::int32_t kind = 0;
    std::int32_t best_len = 0;
    bool best_rev = false;
    std::int32_t best_q = 0;
    auto consider = [&](const Segment& s, std::int32_t k, std::int32_t len, bool rev, std::int32_t q) {
        if (s.warp < best_warp || (s.warp == best_warp && s.travel < best_travel)) {
            best_warp = s.warp;
            best_travel = s.travel;
            kind = k;
            best_len = len;
            best_rev = rev;
            best_q = q;
        }
    };
    for (std::int32_t len = 1; len <= 3 && p + len <= m; ++len) {
        Segment seg = Seg(at(p));
        Segment rev = seg;
        for (std::int32_t k = p + 1; k < p + len; ++k) {
            seg = Concat(in_, seg, Seg(at(k)));
            rev = Concat(in_, Seg(at(k)), rev);
        }
        for (const bool reversed : {false, true}) {
            if (reversed && len == 1) {
                break;
            }
            const Segment& moved = reversed ? rev : seg;
            // Forwards: old[0, p) + old[p+len, q) + moved + old[q, m).
            Segment head = fwd(p);
            for (std::int32_t q = p + len + 1; q <= m; ++q) {
                head = Concat(in_, head, Seg(at(q - 1)));
                if (head.warp > best_warp) {
                    break;
                }
                consider(Concat(in_, Concat(in_, head, moved), bwd(q)), 1, len, reversed, q);
            }
            // Backwards: old[0, q) + moved + old[q, p) + old[p+len, m).
            Segment tail = bwd(p + len);
            for (std::int32_t q = p - 1; q >= 0; --q) {
                tail = Concat(in_, Seg(at(q)), tail);
                if (tail.warp > best_warp) {
                    break;
                }
                consider(Concat(in_, Concat(in_, fwd(q), moved), tail), 1, len, reversed, q);
            }
            if (len == 1) {
                break;
            }
        }
    }
    // 2-opt: old[0, p) + reverse(old[p, j]) + old[j+1, m).
    {
        Segment reversed = Seg(at(p));
        for (std::int32_t j = p + 1; j < m; ++j) {
            reversed = Concat(in_, Seg(at(j)), reversed);
            if (reversed.warp > best_warp) {
                break;
            }
            consider(Concat(in_, Concat(in_, fwd(p), reversed), bwd(j + 1)), 2, 0, false, j);
        }
    }
    // Swap p and j: old[0, p) + old[j] + old[p+1, j) + old[p] + old[j+1, m).
    if (p + 2 < m) {
        const Segment a = Seg(at(p));
        Segment between = Seg(at(p + 1));
        for (std::int32_t j = p + 2; j < m; ++j) {
            if (j > p + 2) {
                between = Concat(in_, between, Seg(at(j - 1)));
            }
            if (between.warp > best_warp) {
                break;
            }
            const Segment head = Concat(in_, Concat(in_, fwd(p), Seg(at(j))), between);
            consider(Concat(in_, Concat(in_, head, a), bwd(j + 1)), 3, 0, false, j);
        }
    }
    if (kind == 0) {
        return false;
    }
    auto begin = seq.begin();
    if (kind == 1) {
        std::vector<std::int32_t> moved(begin + p, begin + p + best_len);
        if (best_rev) {
            std::reverse(moved.begin(), moved.end());
        }
        seq.erase(begin + p, begin + p + best_len);
        const std::int32_t q = best_q > p ? best_q - best_len : best_q;
        seq.insert(seq.begin() + q, moved.begin(), moved.end());
    } else if (kind == 2) {
        std::reverse(begin + p, begin + best_q + 1);
    } else {
        std::swap(seq[static_cast<std::size_t>(p)], seq[static_cast<std::size_t>(best_q)]);
    }
    WarpRebuild(seq);
    return true;
}

// Lateness repair for single-window problems: best-improvement sweeps over the positions minimising (time
// warp, travel) until the route has no warp (= no lateness), no move improves, or time is up.
void Search::WarpRepair(Route& r) {
    WarpRebuild(r.seq);
    bool improved = true;
    std::int32_t steps = 0;
    while (improved) {
        improved = false;
        for (std::int32_t p = 0; p < r.Size(); ++p) {
            while (WarpMove(r.seq, p)) {
                improved = true;
                if (Concat(in_, fwd_.back(), EndSegment(in_)).warp == 0) {
                    r.Update();
                    return;
                }
            }
            if (++steps % 16 == 0 && deadline_.Passed()) {
                r.Update();
                return;
            }
        }
    }
    r.Update();
}

// Repairs lateness first (penalty-driven relocations), then sweeps the positions applying improving strict
// moves around each one; a sweep costs O(m^2) move evaluations however many moves it applies. Stops
// when a sweep, insertion of unserved stops and replacement by unserved stops all fail.
void Search::LocalSearch(Route& r) {
    std::int32_t steps = 0;
    if (warp_ && !r.NoLateness()) {
        WarpRepair(r);
    }
    // Lateness mode, or several windows per stop: relocations judged by the simulated lateness. (A warp
    // repair on one chosen window per stop, re-chosen between rounds, was tried: faster, but 10-stop days
    // with office hours ended further from the optimum, 1.07 % vs 0.63 % mean over 20 days.)
    while (!warp_ && !r.NoLateness() && RelocatePenalty(r)) {
        // Checking the clock costs ~20 ns; every few moves keeps the overshoot far below a millisecond.
        if (++steps % 16 == 0 && deadline_.Passed()) {
            return;
        }
    }
    if (!r.NoLateness()) {
        return;
    }
    bool improved = true;
    while (improved) {
        improved = false;
        while (InsertUnserved(r)) {
            improved = true;
        }
        for (std::int32_t p = 0; p < r.Size(); ++p) {
            while (p < r.Size() && (RelocateStrict(r, p) || TwoOptStrict(r, p) || SwapStrict(r, p))) {
                improved = true;
            }
            if (p % 32 == 31 && deadline_.Passed()) {
                return;
            }
        }
        if (!improved) {
            improved = ReplaceWithUnserved(r);
        }
        if (!improved && selecting_) {
            improved = DropAndRefill(r);
        }
    }
}

// Cheapest insertion of u at a position that keeps the route free of lateness; if there is none (or the
// route is already late), the position with the least (penalty, cost). Letting the route become late
// here, and repairing it in the local search, is what lets the search cross between the disconnected
// feasible regions that tight windows create.
void Search::InsertBest(Route& r, std::int32_t u) {
    std::int32_t best_q = -1;
    Ticks best_delta = kInfinity;
    if (r.NoLateness()) {
        for (std::int32_t q = 0; q <= r.Size(); ++q) {
            const std::int32_t a = r.PrevNode(q);
            const std::int32_t b = r.NodeAt(q);
            const Ticks delta = in_.Travel(a, u) + r.Arc(u, b) - r.Arc(a, b);
            if (delta < best_delta && r.MayInsert(q, u) && r.Feasible(q, std::span(&u, 1), q)) {
                best_delta = delta;
                best_q = q;
            }
        }
    }
    // Forcing a stop in pays when the route serves (almost) every stop (the TSPTW case). On an over-full day
    // (several stops left out) the repair would mostly drop a stop again: measured on the 50-stop benchmark
    // days with windows, forcing served 0.5 more stops but took 3-7x the time per round.
    if (best_q < 0 && !in_.AllowLateness() && r.unserved.size() > 1) {
        r.unserved.push_back(u);
        return;
    }
    // Strict mode: the position that adds the least time warp (then travel), from the prefix/suffix summaries
    // in O(m); the repair (WarpRepair, then DropLate) follows in the local search.
    if (best_q < 0 && warp_) {
        WarpRebuild(r.seq);
        auto best = std::make_pair(kInfinity, kInfinity);
        const Segment node = Seg(u);
        for (std::int32_t q = 0; q <= r.Size(); ++q) {
            const Segment s =
                Concat(in_, Concat(in_, fwd_[static_cast<std::size_t>(q)], node), bwd_[static_cast<std::size_t>(q)]);
            const auto key = std::make_pair(s.warp, s.travel);
            if (key < best) {
                best = key;
                best_q = q;
            }
        }
    }
    if (best_q < 0) {
        auto best = std::make_pair(kInfinity, kInfinity);
        for (std::int32_t q = 0; q <= r.Size(); ++q) {
            const std::int32_t a = r.PrevNode(q);
            const std::int32_t b = r.NodeAt(q);
            const Ticks delta = in_.Travel(a, u) + r.Arc(u, b) - r.Arc(a, b);
            const auto key = std::make_pair(r.PenaltyOf(q, std::span(&u, 1), q, best.first + 1), delta);
            if (key < best) {
                best = key;
                best_q = q;
            }
        }
    }
    r.Apply(best_q, std::span(&u, 1), best_q);
}

// Feasible insertion of u at its cheapest position, by travel added or (by_time) by the time of the day it
// uses; each position is skipped with probability 1/64 ("blinks", SISR) so repeated recreates differ. False
// (u left out) when no position keeps the route on time.
bool Search::InsertCheapest(Route& r, std::int32_t u, bool by_time) {
    std::int32_t best_q = -1;
    Ticks best = kInfinity;
    for (std::int32_t q = 0; q <= r.Size(); ++q) {
        if ((rng_.Next() & 63U) == 0) {
            continue;
        }
        const std::int32_t a = r.PrevNode(q);
        const std::int32_t b = r.NodeAt(q);
        const Ticks detour = in_.Travel(a, u) + r.Arc(u, b) - r.Arc(a, b);
        // Time used >= detour, so neither key can beat `best` when the detour does not.
        if (detour >= best || !r.MayInsert(q, u) || !r.Feasible(q, std::span(&u, 1), q)) {
            continue;
        }
        const Ticks key = by_time ? TimeUsed(r, q, u) : detour;
        if (key < best) {
            best = key;
            best_q = q;
        }
    }
    if (best_q < 0) {
        return false;
    }
    r.Apply(best_q, std::span(&u, 1), best_q);
    return true;
}

// Recreate for stop selection: the removed stops and every unserved servable stop are inserted one at a time
// in a random order of a random kind (shuffled, nearest to the ruin's seed first, highest prize first), each at
// its cheapest feasible position (by travel or by time used); what does not fit stays unserved. The order
// varies from round to round, so the selection does. (It replaced a greedy rebuild, least time per prize first
// over the whole pool, which kept rebuilding the same selection and cost O(pool^2 m) per round.)
void Search::SequentialRecreate(Route& r, std::vector<std::int32_t> removed, std::vector<std::int32_t> offered,
                                std::int32_t seed) {
    std::vector<std::int32_t> pool = std::move(removed);
    pool.insert(pool.end(), offered.begin(), offered.end());
    for (std::size_t i = pool.size(); i > 1; --i) {
        std::swap(pool[i - 1], pool[static_cast<std::size_t>(rng_.Below(static_cast<std::int32_t>(i)))]);
    }
    const std::int32_t kind = rng_.Below(3);
    if (kind == 1) {
        std::stable_sort(pool.begin(), pool.end(), [&](std::int32_t a, std::int32_t b) {
            return in_.Travel(seed, a) + in_.Travel(a, seed) < in_.Travel(seed, b) + in_.Travel(b, seed);
        });
    } else if (kind == 2) {
        std::stable_sort(pool.begin(), pool.end(),
                         [&](std::int32_t a, std::int32_t b) { return in_.Prize(a) > in_.Prize(b); });
    }
    const bool by_time = rng_.Below(2) == 0;
    for (std::int32_t u : pool) {
        if (!InsertCheapest(r, u, by_time)) {
            r.unserved.push_back(u);
        }
    }
}

// Ruin and recreate: remove a few stops (random, a consecutive string, or stops near a random stop) and
// reinsert them one by one at their cheapest position.
void Search::Perturb(Route& r) {
    const std::int32_t m = r.Size();
    if (m < 2) {
        return;
    }

    // At least 3: removing 2 stops from small routes mostly leads back to the same local optimum.
    // Selecting stops: ruins of up to 10 stops (with 3, the day's selection rarely changes; 10 reached the
    // best-known selection on ~2x as many over-full benchmark days; 15-22 were no better and slower).
    const std::int32_t max_k = selecting_ ? std::min(10, m) : std::clamp(m / 8, 3, 12);
    const std::int32_t k = 2 + rng_.Below(std::max(1, max_k - 1));
    std::vector<std::int32_t> removed;
    const std::int32_t kind = rng_.Below(3);
    const std::int32_t seed_pos = rng_.Below(m);
    const std::int32_t seed = r.seq[static_cast<std::size_t>(seed_pos)];
    std::vector<std::int32_t> targets;
    if (kind == 0) {
        for (std::int32_t i = 0; i < k; ++i) {
            targets.push_back(r.seq[static_cast<std::size_t>(rng_.Below(m))]);
        }
    } else if (kind == 1) {
        for (std::int32_t i = 0; i < k && seed_pos + i < m; ++i) {
            targets.push_back(r.seq[static_cast<std::size_t>(seed_pos + i)]);
        }
    } else {
        std::vector<std::int32_t> by_distance = r.seq;
        std::sort(by_distance.begin(), by_distance.end(), [&](std::int32_t a, std::int32_t b) {
            return std::make_pair(in_.Travel(seed, a) + in_.Travel(a, seed), a) <
                   std::make_pair(in_.Travel(seed, b) + in_.Travel(b, seed), b);
        });
        targets.assign(by_distance.begin(), by_distance.begin() + std::min(k, m));
    }
    for (std::int32_t u : targets) {
        const auto it = std::find(r.seq.begin(), r.seq.end(), u);
        if (it == r.seq.end()) {
            continue;
        }
        const auto p = static_cast<std::int32_t>(it - r.seq.begin());
        // Without the triangle inequality a removal can delay later stops; keep the route free of lateness.
        if (r.NoLateness() && !r.Feasible(p, {}, p + 1)) {
            continue;
        }
        r.Apply(p, {}, p + 1);
        removed.push_back(u);
    }
    // Selecting stops (several left out): offer every servable unserved stop too, so the freed time can go to
    // a better selection of stops.
    if (selecting_ && r.unserved.size() > 1 && rng_.Below(2) == 0) {
        std::vector<std::int32_t> offered;
        for (std::int32_t u : r.unserved) {
            if (servable_[static_cast<std::size_t>(u)] != 0) {
                offered.push_back(u);
            }
        }
        for (std::int32_t u : offered) {
            r.unserved.erase(std::find(r.unserved.begin(), r.unserved.end(), u));
        }
        SequentialRecreate(r, std::move(removed), std::move(offered), seed);
        return;
    }
    // Give unserved stops another chance: they compete with the removed ones for the freed time.
    if (!r.unserved.empty() && rng_.Below(2) == 0) {
        const auto i = static_cast<std::size_t>(rng_.Below(static_cast<std::int32_t>(r.unserved.size())));
        if (servable_[static_cast<std::size_t>(r.unserved[i])] != 0) {
            removed.push_back(r.unserved[i]);
            r.unserved.erase(r.unserved.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
    // Random order, or by closing time (which favours feasibility when windows are tight).
    if (rng_.Below(2) == 0) {
        for (std::size_t i = removed.size(); i > 1; --i) {
            std::swap(removed[i - 1], removed[static_cast<std::size_t>(rng_.Below(static_cast<std::int32_t>(i)))]);
        }
    } else {
        std::sort(removed.begin(), removed.end(),
                  [&](std::int32_t a, std::int32_t b) { return in_.LastLatest(a) < in_.LastLatest(b); });
    }
    for (std::int32_t u : removed) {
        InsertBest(r, u);
    }
}

std::vector<std::int32_t> Search::Run(std::int64_t& iterations) {
    Route current = Initial();
    LocalSearch(current);
    if (!in_.AllowLateness()) {
        const auto left_out = std::count_if(current.unserved.begin(), current.unserved.end(), [&](std::int32_t u) {
            return servable_[static_cast<std::size_t>(u)] != 0;
        });
        selecting_ = over_full_ || left_out >= std::max<std::ptrdiff_t>(2, current.Size() / 10);
    }
    Route best = current;
    Route candidate = current;
    std::int64_t since_improvement = 0;
    std::int64_t since_best = 0;
    const std::int64_t restart_after = std::max<std::int64_t>(20, settings_.max_iterations / 10);
    // Record-to-record travel: accept any route within 0.5 % of the best with as much prize served; when selecting
    // stops 2 % on days of up to 25 stops, rising linearly to 10 % at 100 (measured on the over-full benchmark
    // days: at 25 stops 2 % reached the best-known selection more often than 0.5 %, 1 %, 5 % or 10 %; at 100 stops
    // 10 % found better days than 2 % with and without windows on two sets of days: larger days have more
    // selections of equal prize to walk through). TSPTW instances keep 0.5 %.
    const double stops = static_cast<double>(in_.Stops().size());
    const double tolerance = selecting_ ? 0.02 + 0.08 * std::clamp((stops - 25.0) / 75.0, 0.0, 1.0) : 0.005;
    iterations = 0;
    while (iterations < settings_.max_iterations && !deadline_.Passed() && !best.seq.empty()) {
        // Converged: this many rounds in a row found nothing better than the best.
        if (settings_.stall_iterations > 0 && since_best >= settings_.stall_iterations) {
            break;
        }
        ++iterations;
        ++since_best;
        candidate = current;  // reuses candidate's buffers: no allocation once they are large enough
        Perturb(candidate);
        if (!in_.AllowLateness() && candidate.NoLateness() && candidate.seq == current.seq) {
            // The ruin and recreate rebuilt the current route (frequent on over-full days). `current` is a local
            // optimum (every route kept comes out of a completed LocalSearch; an interrupted one ends the
            // search), so LocalSearch would fail every move and only sort the unserved stops by prize.
            SortUnserved(candidate);
        } else {
            LocalSearch(candidate);
        }
        if (!candidate.NoLateness()) {
            DropLate(candidate);
            LocalSearch(candidate);
        }
        const Score score = candidate.GetScore();
        const Score best_score = best.GetScore();
        if (score < best_score) {
            best = candidate;
            std::swap(current, candidate);
            since_improvement = 0;
            since_best = 0;
            continue;
        }
        if (std::get<0>(score) == std::get<0>(best_score) && std::get<1>(score) == std::get<1>(best_score) &&
            static_cast<double>(std::get<2>(score)) <= static_cast<double>(std::get<2>(best_score)) * (1 + tolerance)) {
            std::swap(current, candidate);
        }
        if (++since_improvement >= restart_after) {
            current = best;
            since_improvement = 0;
        }
    }
    return best.seq;
}

}  // namespace

std::vector<std::int32_t> SolveHeuristicOrder(const Instance& instance, const HeuristicSettings& settings,
                                              std::int64_t& iterations) {
    Search search(instance, settings);
    return search.Run(iterations);
}

namespace {

// Strict feasibility of start -> order -> end by direct simulation (the reference for Route::Feasible).
bool SimulateStrict(const Instance& in, const std::vector<std::int32_t>& order) {
    Ticks time = in.DayStart();
    std::int32_t prev = in.Start();
    for (std::int32_t u : order) {
        const Arrival a = in.Arrive(u, time + in.Travel(prev, u), false);
        if (!a.ok) {
            return false;
        }
        time = a.start + in.Service(u);
        prev = u;
    }
    const Ticks end = in.Closed() ? time + in.Travel(prev, in.End()) : time;
    return end <= in.DayEnd();
}

}  // namespace

std::int32_t CountFeasibilityMismatches(const Instance& instance, const std::vector<std::int32_t>& order,
                                        std::uint64_t seed, std::int32_t trials) {
    Route r(instance);
    r.seq = order;
    r.Update();
    if (!r.NoLateness()) {
        return -1;
    }
    std::vector<std::int32_t> unserved;
    std::vector<bool> in_route(static_cast<std::size_t>(instance.NodeCount()), false);
    for (std::int32_t u : order) {
        in_route[static_cast<std::size_t>(u)] = true;
    }
    for (std::int32_t u : instance.Stops()) {
        if (!in_route[static_cast<std::size_t>(u)]) {
            unserved.push_back(u);
        }
    }
    Rng rng(seed);
    std::int32_t mismatches = 0;
    const std::int32_t m = r.Size();
    std::vector<std::int32_t> middle;
    for (std::int32_t t = 0; t < trials; ++t) {
        // A random neighbour old[0, from) + middle + old[resume, m): the removals, insertions, replacements and
        // reorderings the moves produce (middle = a shuffled run of old stops plus, sometimes, unserved ones).
        const std::int32_t from = rng.Below(m + 1);
        const std::int32_t resume = from + rng.Below(std::min(m - from, 4) + 1);
        middle.assign(order.begin() + from, order.begin() + resume);
        for (std::size_t i = middle.size(); i > 1; --i) {
            std::swap(middle[i - 1], middle[static_cast<std::size_t>(rng.Below(static_cast<std::int32_t>(i)))]);
        }
        if (!middle.empty() && rng.Below(3) == 0) {
            middle.erase(middle.begin() + rng.Below(static_cast<std::int32_t>(middle.size())));
        }
        for (std::int32_t k = rng.Below(3); k > 0 && !unserved.empty(); --k) {
            const std::int32_t u =
                unserved[static_cast<std::size_t>(rng.Below(static_cast<std::int32_t>(unserved.size())))];
            if (std::find(middle.begin(), middle.end(), u) == middle.end()) {
                middle.insert(middle.begin() + rng.Below(static_cast<std::int32_t>(middle.size()) + 1), u);
            }
        }
        std::vector<std::int32_t> full(order.begin(), order.begin() + from);
        full.insert(full.end(), middle.begin(), middle.end());
        full.insert(full.end(), order.begin() + resume, order.end());
        mismatches += r.Feasible(from, middle, resume) != SimulateStrict(instance, full) ? 1 : 0;
    }
    return mismatches;
}

}  // namespace rounds::routing::internal
