#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "db/sync_connection.h"

namespace rounds::jobs {

struct Job {
    int64_t id = 0;
    std::string kind;
    std::string payload;  // JSON text
    int attempts = 0;     // including this one
    int max_attempts = 0;
};

/// Enqueues a job on `conn`, inside whatever transaction `conn` is in (so a job exists iff the write that
/// caused it committed). Returns the job id.
int64_t Enqueue(db::SyncConnection& conn, const std::string& kind, const std::string& payload_json,
                std::chrono::seconds delay = std::chrono::seconds(0), int max_attempts = 5);

/// Claims the oldest due job with FOR UPDATE SKIP LOCKED, so many workers never take the same job.
std::optional<Job> ClaimNext(db::SyncConnection& conn, const std::string& worker_id);
void Complete(db::SyncConnection& conn, int64_t id);
/// Records the failure; the job is retried with exponential back-off until max_attempts, then marked failed.
void Fail(db::SyncConnection& conn, const Job& job, const std::string& error);
/// Jobs left "running" by a worker that died are handed out again after `stale`.
int64_t RequeueStale(db::SyncConnection& conn, std::chrono::seconds stale);

using JobHandler = std::function<void(const Job&)>;

/// Runs jobs until `stop` is set (or, with `once`, until no job is due). A job kind with no handler fails
/// with a message naming the kind.
class Worker {
public:
    Worker(db::SyncConnection& conn, std::string worker_id) : conn_(conn), worker_id_(std::move(worker_id)) {}
    void Register(const std::string& kind, JobHandler handler) { handlers_[kind] = std::move(handler); }
    /// Returns how many jobs ran (succeeded or failed).
    int64_t Run(const std::atomic<bool>& stop, bool once, std::chrono::milliseconds poll_interval);

private:
    db::SyncConnection& conn_;
    std::string worker_id_;
    std::map<std::string, JobHandler> handlers_;
};

}  // namespace rounds::jobs
