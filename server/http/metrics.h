#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace rounds::http {

/// A latency histogram with fixed buckets (seconds), lock-free to observe.
class Histogram {
  public:
    static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
    void Observe(double seconds);
    /// Appends Prometheus lines `<name>_bucket{<labels>,le=..}`, `_sum`, `_count`.
    void Render(std::string& out, std::string_view name, std::string_view labels) const;

  private:
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> counts_{};
    std::atomic<uint64_t> sum_micros_{0};
};

/// Process metrics in the Prometheus text format. Request series are keyed by route template (never the raw
/// path, which would explode cardinality), method and status.
class Metrics {
  public:
    void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);
    void InFlight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }
    void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
    void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
    void ConnectionRejected() { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
    void TimedOut() { timeouts_.fetch_add(1, std::memory_order_relaxed); }
    int64_t InFlightNow() const { return in_flight_.load(); }

    /// Other modules (the database pool, build info) append their own series when rendered.
    void AddCollector(std::function<void(std::string&)> collector);
    std::string Render() const;

  private:
    struct Series {
        std::atomic<uint64_t> count{0};
        Histogram latency;
    };
    mutable std::shared_mutex mu_;
    std::map<std::tuple<std::string, std::string, int>, std::unique_ptr<Series>, std::less<>> series_;
    std::vector<std::function<void(std::string&)>> collectors_;
    std::atomic<int64_t> in_flight_{0};
    std::atomic<int64_t> connections_{0};
    std::atomic<uint64_t> connections_rejected_{0};
    std::atomic<uint64_t> timeouts_{0};
};

/// Escapes a Prometheus label value.
std::string LabelValue(std::string_view v);

}  // namespace rounds::http
