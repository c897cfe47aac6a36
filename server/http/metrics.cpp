#include "http/metrics.h"

#include <fmt/format.h>

namespace rounds::http {

void Histogram::Observe(double seconds) {
    size_t i = 0;
    while (i < kBuckets.size() && seconds > kBuckets[i]) {
        ++i;
    }
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::Render(std::string& out, std::string_view name, std::string_view labels) const {
    uint64_t cumulative = 0;
    std::string sep = labels.empty() ? "" : ",";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += counts_[i].load(std::memory_order_relaxed);
        out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, kBuckets[i], cumulative);
    }
    cumulative += counts_[kBuckets.size()].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cumulative);
    out += fmt::format("{}_sum{{{}}} {:.6f}\n", name, labels,
                       static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
    out += fmt::format("{}_count{{{}}} {}\n", name, labels, cumulative);
}

std::string LabelValue(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status, double seconds) {
    // Series are created once and never removed: the common path is a shared lock and a lookup without
    // allocating.
    Series* s = nullptr;
    {
        std::shared_lock lock(mu_);
        auto it = series_.find(std::make_tuple(route, method, status));
        if (it != series_.end()) {
            s = it->second.get();
        }
    }
    if (s == nullptr) {
        std::unique_lock lock(mu_);
        auto key = std::make_tuple(std::string(route), std::string(method), status);
        auto it = series_.find(key);
        if (it == series_.end()) {
            it = series_.emplace(std::move(key), std::make_unique<Series>()).first;
        }
        s = it->second.get();
    }
    s->count.fetch_add(1, std::memory_order_relaxed);
    s->latency.Observe(seconds);
}

void Metrics::AddCollector(std::function<void(std::string&)> collector) {
    std::unique_lock lock(mu_);
    collectors_.push_back(std::move(collector));
}

std::string Metrics::Render() const {
    std::string out;
    out.reserve(16384);
    std::shared_lock lock(mu_);
    out += "# HELP rounds_http_requests_total HTTP requests answered, by route template, method and status.\n";
    out += "# TYPE rounds_http_requests_total counter\n";
    for (const auto& [key, s] : series_) {
        out += fmt::format("rounds_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                           LabelValue(std::get<0>(key)), LabelValue(std::get<1>(key)), std::get<2>(key),
                           s->count.load(std::memory_order_relaxed));
    }
    out += "# HELP rounds_http_request_duration_seconds Time from request head received to response written.\n";
    out += "# TYPE rounds_http_request_duration_seconds histogram\n";
    for (const auto& [key, s] : series_) {
        s->latency.Render(out, "rounds_http_request_duration_seconds",
                          fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", LabelValue(std::get<0>(key)),
                                      LabelValue(std::get<1>(key)), std::get<2>(key)));
    }
    out += "# HELP rounds_http_in_flight_requests Requests being handled now.\n";
    out += "# TYPE rounds_http_in_flight_requests gauge\n";
    out += fmt::format("rounds_http_in_flight_requests {}\n", in_flight_.load());
    out += "# HELP rounds_http_open_connections Client connections open now.\n";
    out += "# TYPE rounds_http_open_connections gauge\n";
    out += fmt::format("rounds_http_open_connections {}\n", connections_.load());
    out += "# HELP rounds_http_rejected_connections_total Connections closed at accept: over the limit.\n";
    out += "# TYPE rounds_http_rejected_connections_total counter\n";
    out += fmt::format("rounds_http_rejected_connections_total {}\n", connections_rejected_.load());
    out += "# HELP rounds_http_timeouts_total Connections dropped for a read or write timeout.\n";
    out += "# TYPE rounds_http_timeouts_total counter\n";
    out += fmt::format("rounds_http_timeouts_total {}\n", timeouts_.load());
    for (const auto& c : collectors_) {
        c(out);
    }
    return out;
}

}  // namespace rounds::http
