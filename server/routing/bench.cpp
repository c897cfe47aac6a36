#include "routing/bench.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include "routing/solver.h"
#include "routing/travel_time.h"
#include "routing/tsptw.h"

namespace rounds::routing {

namespace {

class BenchRng {
  public:
    explicit BenchRng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t Next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double Unit() { return static_cast<double>(Next() >> 11) / static_cast<double>(std::uint64_t{1} << 53); }
    std::int32_t Between(std::int32_t lo, std::int32_t hi) {
        return lo + static_cast<std::int32_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
    }

  private:
    std::uint64_t state_;
};

constexpr Ticks Hours(double h) {
    return static_cast<Ticks>(h * 3600.0) * kTicksPerSecond;
}

std::string Format(const char* fmt, double a) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), fmt, a);
    return buffer;
}

// A rep's day: home in a 15 km radius disc around a city centre, stops in the same disc, haversine x 1.3 at
// 40 km/h, visits 15-30 min, day 8:00-18:00. With windows: half the stops keep office hours (service starts
// 9:00-12:00 or 14:00-17:00), a quarter have a 30-minute appointment slot, a quarter are free.
Problem RandomDay(BenchRng& rng, std::int32_t stops, bool windows) {
    constexpr double kCenterLat = 48.8566;
    constexpr double kCenterLng = 2.3522;
    constexpr double kRadiusM = 15'000.0;
    constexpr double kMetersPerDegree = 111'320.0;
    std::vector<GeoPoint> points;
    for (std::int32_t i = 0; i <= stops; ++i) {
        const double r = kRadiusM * std::sqrt(rng.Unit());
        const double theta = 2.0 * std::numbers::pi * rng.Unit();
        points.push_back(
            {kCenterLat + r * std::cos(theta) / kMetersPerDegree,
             kCenterLng + r * std::sin(theta) / (kMetersPerDegree * std::cos(kCenterLat * std::numbers::pi / 180))});
    }
    Problem p;
    p.node_count = stops + 1;
    p.travel = HaversineTravelTimeSource({1.3, 40.0}).Matrix(points);
    p.stops.resize(points.size());
    p.start = 0;
    p.end = 0;
    p.day_start = Hours(8);
    p.day_end = Hours(18);
    for (std::size_t i = 1; i < p.stops.size(); ++i) {
        Stop& s = p.stops[i];
        s.service = static_cast<Ticks>(rng.Between(15, 30)) * 60 * kTicksPerSecond;
        if (!windows) {
            continue;
        }
        const double kind = rng.Unit();
        if (kind < 0.5) {
            s.windows = {{Hours(9), Hours(12)}, {Hours(14), Hours(17)}};
        } else if (kind < 0.75) {
            const Ticks slot = Hours(9) + static_cast<Ticks>(rng.Between(0, 28)) * 15 * 60 * kTicksPerSecond;
            s.windows = {{slot, slot + 30 * 60 * kTicksPerSecond}};
        }
    }
    return p;
}

double Percentile(std::vector<double> values, double q) {
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double Mean(const std::vector<double>& values) {
    return values.empty() ? 0.0
                          : std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double Max(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}

// Gap of `got` against `ref` for the lexicographic objective (prize served first, then travel), one value per
// instance, none dropped:
//  - both serve the same total prize: the travel gap, 100 x (travel - ref travel) / ref travel;
//  - `got` serves less (more) prize: the prize gap, 100 x (ref prize - prize) / ref prize, positive (negative).
// With prize 1 per stop, one stop fewer of 20 is a 5 % gap. Also kept apart: how many instances serve less /
// more, and the travel gaps of the instances serving the same.
struct GapStats {
    std::vector<double> gaps;
    std::vector<double> travel_gaps;
    std::int32_t fewer_served = 0;
    std::int32_t more_served = 0;

    static std::int64_t Prize(const Problem& p, const Solution& s) {
        std::int64_t total = 0;
        for (const Visit& v : s.visits) {
            total += p.stops[static_cast<std::size_t>(v.node)].prize;
        }
        return total;
    }

    void Add(const Problem& p, const Solution& got, const Solution& ref) {
        const std::int64_t prize = Prize(p, got);
        const std::int64_t ref_prize = Prize(p, ref);
        if (prize != ref_prize) {
            (prize < ref_prize ? fewer_served : more_served) += 1;
            gaps.push_back(100.0 * static_cast<double>(ref_prize - prize) /
                           static_cast<double>(std::max<std::int64_t>(1, ref_prize)));
            return;
        }
        const double base = std::max<double>(1.0, static_cast<double>(ref.total_travel));
        const double travel = 100.0 * static_cast<double>(got.total_travel - ref.total_travel) / base;
        gaps.push_back(travel);
        travel_gaps.push_back(travel);
    }
};

// CPU time of this thread in ms (per-instance lines: less sensitive to a loaded machine than wall time).
double ThreadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ElapsedMs(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

bool BreaksWindows(const Solution& s) {
    return s.weighted_lateness != 0 ||
           std::any_of(s.visits.begin(), s.visits.end(), [](const Visit& v) { return v.lateness != 0; });
}

}  // namespace

int RunRoutesBench(const RoutesBenchOptions& options, std::ostream& out) {
    if (options.instances < 1) {
        throw std::invalid_argument("instances: must be >= 1");
    }
    if (options.reference_factor < 0) {
        throw std::invalid_argument("reference_factor: must be >= 0");
    }
    int status = 0;
    char line[512];
    std::snprintf(line, sizeof(line), "%6s %-7s %3s %8s %8s %6s %6s | %7s %7s %5s %4s %7s | %7s %7s %5s %8s\n", "stops",
                  "windows", "K", "p50_ms", "p99_ms", "rounds", "served", "gap%", "max%", "fewer", "more", "trav%",
                  "gapopt%", "maxopt%", "fewer", "exact_ms");
    out << line;
    std::string json = "{\"bench\":\"routes\",\"seed\":" + std::to_string(options.seed) +
                       ",\"max_iterations\":" + std::to_string(options.max_iterations) +
                       ",\"stall_iterations\":" + std::to_string(options.stall_iterations) +
                       ",\"time_limit_ms\":" + std::to_string(options.time_limit.count()) +
                       ",\"reference_factor\":" + std::to_string(options.reference_factor) + ",\"results\":[";
    bool first_json = true;
    for (std::int32_t size : options.sizes) {
        const std::int64_t stall =
            options.stall_iterations < 0 ? PlannerStallIterations(size) : options.stall_iterations;
        for (bool windows : {false, true}) {
            BenchRng rng(options.seed ^ (static_cast<std::uint64_t>(size) << 32) ^ (windows ? 0x5a5a : 0));
            std::vector<double> times;
            std::vector<double> exact_times;
            std::vector<double> served;
            std::vector<double> rounds;
            GapStats vs_reference;
            GapStats vs_optimum;
            for (std::int32_t k = 0; k < options.instances; ++k) {
                const Problem problem = RandomDay(rng, size, windows);
                SolveOptions solve;
                solve.method = SolverMethod::kHeuristic;
                solve.seed = options.seed + static_cast<std::uint64_t>(k);
                solve.time_limit = options.time_limit;
                solve.max_iterations = options.max_iterations;
                solve.stall_iterations = stall;
                const auto started = std::chrono::steady_clock::now();
                const double cpu_started = ThreadCpuMs();
                const Solution solution = Solve(problem, solve);
                times.push_back(ElapsedMs(started));
                const double cpu_ms = ThreadCpuMs() - cpu_started;
                served.push_back(static_cast<double>(solution.visits.size()));
                rounds.push_back(static_cast<double>(solution.iterations));
                if (BreaksWindows(solution)) {
                    status = 1;
                }
                if (options.reference_factor > 0) {
                    SolveOptions longer = solve;
                    longer.time_limit *= options.reference_factor;
                    longer.max_iterations = options.reference_factor * std::max<std::int64_t>(100, solution.iterations);
                    longer.stall_iterations = 0;
                    const Solution reference = Solve(problem, longer);
                    vs_reference.Add(problem, solution, reference);
                    if (options.per_instance) {
                        std::snprintf(line, sizeof(line), "  ref %d %s %d served %zu prize %lld travel %.1f\n", size,
                                      windows ? "yes" : "no", k, reference.visits.size(),
                                      static_cast<long long>(GapStats::Prize(problem, reference)),
                                      SecondsFromTicks(reference.total_travel));
                        out << line;
                    }
                }
                if (options.per_instance) {
                    std::snprintf(line, sizeof(line),
                                  "  run %d %s %d served %zu prize %lld travel %.1f ms %.2f cpu %.2f rounds %lld\n",
                                  size, windows ? "yes" : "no", k, solution.visits.size(),
                                  static_cast<long long>(GapStats::Prize(problem, solution)),
                                  SecondsFromTicks(solution.total_travel), times.back(), cpu_ms,
                                  static_cast<long long>(solution.iterations));
                    out << line;
                }
                if (size <= options.exact_max_stops && size <= kExactHardMaxStops) {
                    SolveOptions exact = solve;
                    exact.method = SolverMethod::kExact;
                    const auto exact_started = std::chrono::steady_clock::now();
                    const Solution optimum = Solve(problem, exact);
                    exact_times.push_back(ElapsedMs(exact_started));
                    vs_optimum.Add(problem, solution, optimum);
                }
            }
            const bool has_ref = options.reference_factor > 0;
            const bool has_opt = !exact_times.empty();
            auto cell = [](bool present, const std::string& text) { return present ? text : std::string("-"); };
            std::snprintf(
                line, sizeof(line), "%6d %-7s %3d %8.2f %8.2f %6.0f %6.1f | %7s %7s %5s %4s %7s | %7s %7s %5s %8s\n",
                size, windows ? "yes" : "no", options.instances, Percentile(times, 0.5), Percentile(times, 0.99),
                Mean(rounds), Mean(served), cell(has_ref, Format("%.3f", Mean(vs_reference.gaps))).c_str(),
                cell(has_ref, Format("%.3f", Max(vs_reference.gaps))).c_str(),
                cell(has_ref, std::to_string(vs_reference.fewer_served)).c_str(),
                cell(has_ref, std::to_string(vs_reference.more_served)).c_str(),
                cell(has_ref && !vs_reference.travel_gaps.empty(), Format("%.3f", Mean(vs_reference.travel_gaps)))
                    .c_str(),
                cell(has_opt, Format("%.3f", Mean(vs_optimum.gaps))).c_str(),
                cell(has_opt, Format("%.3f", Max(vs_optimum.gaps))).c_str(),
                cell(has_opt, std::to_string(vs_optimum.fewer_served)).c_str(),
                cell(has_opt, Format("%.2f", Percentile(exact_times, 0.5))).c_str());
            out << line;
            json +=
                std::string(first_json ? "" : ",") + "{\"stops\":" + std::to_string(size) +
                ",\"windows\":" + (windows ? "true" : "false") + ",\"instances\":" + std::to_string(options.instances) +
                ",\"stall_iterations\":" + std::to_string(stall) +
                ",\"p50_ms\":" + Format("%.3f", Percentile(times, 0.5)) +
                ",\"p99_ms\":" + Format("%.3f", Percentile(times, 0.99)) +
                ",\"rounds_mean\":" + Format("%.1f", Mean(rounds)) + ",\"served_mean\":" + Format("%.2f", Mean(served));
            if (has_ref) {
                json += ",\"gap_ref_mean_pct\":" + Format("%.4f", Mean(vs_reference.gaps)) +
                        ",\"gap_ref_max_pct\":" + Format("%.4f", Max(vs_reference.gaps)) +
                        ",\"fewer_served_than_ref\":" + std::to_string(vs_reference.fewer_served) +
                        ",\"more_served_than_ref\":" + std::to_string(vs_reference.more_served) +
                        ",\"travel_gap_ref_mean_pct\":" + Format("%.4f", Mean(vs_reference.travel_gaps));
            }
            if (has_opt) {
                json += ",\"gap_opt_mean_pct\":" + Format("%.4f", Mean(vs_optimum.gaps)) +
                        ",\"gap_opt_max_pct\":" + Format("%.4f", Max(vs_optimum.gaps)) +
                        ",\"fewer_served_than_opt\":" + std::to_string(vs_optimum.fewer_served) +
                        ",\"exact_p50_ms\":" + Format("%.3f", Percentile(exact_times, 0.5));
            }
            json += "}";
            first_json = false;
        }
    }
    out << "JSON " << json << "]}\n";
    if (status != 0) {
        out << "ERROR: a solution broke a time window\n";
    }
    return status;
}

int RunTsptwBench(const TsptwBenchOptions& options, std::ostream& out) {
    std::error_code ec;
    if (!std::filesystem::is_directory(options.instances_dir, ec)) {
        throw std::invalid_argument("instances_dir: '" + options.instances_dir.string() + "' is not a directory");
    }
    const std::map<std::string, double> best_known = LoadBestKnown(options.best_known_csv);
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(options.instances_dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && best_known.count(name) != 0 &&
            (options.filter.empty() || name.find(options.filter) != std::string::npos)) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());

    struct SetStats {
        std::int32_t count = 0;
        std::int32_t feasible = 0;
        std::vector<double> gaps;
        std::vector<double> times;
    };
    std::map<std::string, SetStats> sets;
    char line[512];
    std::snprintf(line, sizeof(line), "%-22s %-22s %5s %4s %12s %12s %8s %9s\n", "set", "instance", "n", "feas",
                  "objective", "best_known", "gap%", "time_ms");
    out << line;
    for (const auto& path : files) {
        const TsptwInstance instance = LoadTsptw(path);
        SolveOptions solve;
        solve.time_limit = options.time_limit;
        solve.seed = options.seed;
        solve.max_iterations = options.max_iterations;
        solve.stall_iterations = options.stall_iterations;
        const auto started = std::chrono::steady_clock::now();
        const Solution solution = Solve(ToProblem(instance), solve);
        const double ms = ElapsedMs(started);
        std::vector<std::int32_t> tour;
        for (const Visit& v : solution.visits) {
            tour.push_back(v.node);
        }
        const TsptwEvaluation evaluation = EvaluateTsptw(instance, tour);
        const double objective = SecondsFromTicks(evaluation.objective);
        const double best = best_known.at(instance.name);
        const double gap = 100.0 * (objective - best) / best;
        SetStats& stats = sets[path.parent_path().filename().string()];
        ++stats.count;
        stats.times.push_back(ms);
        if (evaluation.feasible) {
            ++stats.feasible;
            stats.gaps.push_back(gap);
        }
        std::snprintf(line, sizeof(line), "%-22s %-22s %5d %4s %12.4f %12.4f %8.3f %9.1f\n",
                      path.parent_path().filename().string().c_str(), instance.name.c_str(), instance.node_count,
                      evaluation.feasible ? "yes" : "NO", objective, best, gap, ms);
        out << line;
    }
    out << "\n";
    std::snprintf(line, sizeof(line), "%-22s %5s %5s %9s %9s %9s %9s\n", "set", "files", "feas", "mean_gap%",
                  "max_gap%", "mean_ms", "max_ms");
    out << line;
    std::string json = "{\"bench\":\"tsptw\",\"time_limit_ms\":" + std::to_string(options.time_limit.count()) +
                       ",\"seed\":" + std::to_string(options.seed) + ",\"sets\":[";
    bool all_feasible = true;
    bool first_json = true;
    for (const auto& [name, stats] : sets) {
        all_feasible = all_feasible && stats.feasible == stats.count;
        std::snprintf(line, sizeof(line), "%-22s %5d %5d %9.3f %9.3f %9.1f %9.1f\n", name.c_str(), stats.count,
                      stats.feasible, Mean(stats.gaps), Max(stats.gaps), Mean(stats.times), Max(stats.times));
        out << line;
        json += std::string(first_json ? "" : ",") + "{\"set\":\"" + name +
                "\",\"files\":" + std::to_string(stats.count) + ",\"feasible\":" + std::to_string(stats.feasible) +
                ",\"mean_gap_pct\":" + Format("%.4f", Mean(stats.gaps)) +
                ",\"max_gap_pct\":" + Format("%.4f", Max(stats.gaps)) +
                ",\"mean_ms\":" + Format("%.1f", Mean(stats.times)) +
                ",\"max_ms\":" + Format("%.1f", Max(stats.times)) + "}";
        first_json = false;
    }
    out << "JSON " << json << "]}\n";
    return all_feasible && !files.empty() ? 0 : 1;
}

}  // namespace rounds::routing
