#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rounds::ingest {

/// Progress of a long load: a live line on a terminal (rows, MB/s, ETA) and a JSON log line every
/// `log_every` (never per row). Time is read only here, and only to report.
class Progress {
  public:
    Progress(std::string dataset, uint64_t total_bytes, bool terminal,
             std::chrono::seconds log_every = std::chrono::seconds(10), bool count_rows = true);
    /// Sets the byte total once it becomes known (an HTTP download learns it from the response).
    void SetTotal(uint64_t total_bytes) { total_bytes_ = total_bytes; }
    void Update(uint64_t rows, uint64_t bytes);
    void Finish(uint64_t rows, uint64_t bytes);

  private:
    std::string Line(uint64_t rows, uint64_t bytes, double seconds) const;

    std::string dataset_;
    uint64_t total_bytes_;
    bool terminal_;
    bool count_rows_;
    std::chrono::seconds log_every_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
    std::chrono::steady_clock::time_point last_log_;
};

}  // namespace rounds::ingest
