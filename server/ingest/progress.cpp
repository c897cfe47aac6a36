#include "ingest/progress.h"

#include <cstdio>

#include "core/log.h"

namespace rounds::ingest {

Progress::Progress(std::string dataset, uint64_t total_bytes, bool terminal, std::chrono::seconds log_every,
                   bool count_rows)
    : dataset_(std::move(dataset)),
      total_bytes_(total_bytes),
      terminal_(terminal),
      count_rows_(count_rows),
      log_every_(log_every),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      last_log_(start_) {}

std::string Progress::Line(uint64_t rows, uint64_t bytes, double seconds) const {
    const double mb = static_cast<double>(bytes) / 1e6;
    const double rate = seconds > 0 ? mb / seconds : 0;
    char buf[160];
    char rows_text[40] = "";
    if (count_rows_) {
        std::snprintf(rows_text, sizeof rows_text, " %llu rows,", static_cast<unsigned long long>(rows));
    }
    if (total_bytes_ > 0 && bytes > 0 && bytes <= total_bytes_) {
        const double eta = rate > 0 ? (static_cast<double>(total_bytes_ - bytes) / 1e6) / rate : 0;
        std::snprintf(buf, sizeof buf, "%s:%s %.1f MB (%.0f%%), %.1f MB/s, ETA %.0fs", dataset_.c_str(), rows_text, mb,
                      100.0 * static_cast<double>(bytes) / static_cast<double>(total_bytes_), rate, eta);
    } else {
        std::snprintf(buf, sizeof buf, "%s:%s %.1f MB, %.1f MB/s", dataset_.c_str(), rows_text, mb, rate);
    }
    return buf;
}

void Progress::Update(uint64_t rows, uint64_t bytes) {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    if (terminal_ && now - last_draw_ >= std::chrono::milliseconds(250)) {
        last_draw_ = now;
        std::fprintf(stderr, "\r\033[K%s", Line(rows, bytes, seconds).c_str());
        std::fflush(stderr);
    }
    if (now - last_log_ >= log_every_) {
        last_log_ = now;
        const double mbps = seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0;
        core::LogInfo("ingest_progress", {{"dataset", dataset_},
                                          {"rows", static_cast<int64_t>(rows)},
                                          {"bytes", static_cast<int64_t>(bytes)},
                                          {"total_bytes", static_cast<int64_t>(total_bytes_)},
                                          {"mb_per_s", mbps}});
    }
}

void Progress::Finish(uint64_t rows, uint64_t bytes) {
    if (terminal_) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        std::fprintf(stderr, "\r\033[K%s\n", Line(rows, bytes, seconds).c_str());
    }
}

}  // namespace rounds::ingest
