#include "jobs/queue.h"

#include <thread>

#include "core/log.h"

namespace rounds::jobs {

namespace {

constexpr const char* kEnqueue =
    "INSERT INTO ops.job (kind, payload, run_at, max_attempts) "
    "VALUES ($1, $2::jsonb, now() + make_interval(secs => $3::int), $4::int) RETURNING id";

constexpr const char* kClaim = R"sql(
UPDATE ops.job SET status = 'running', attempts = attempts + 1, locked_by = $1, locked_at = now()
WHERE id = (
    SELECT id FROM ops.job
    WHERE status = 'queued' AND run_at <= now()
    ORDER BY run_at, id
    FOR UPDATE SKIP LOCKED
    LIMIT 1)
RETURNING id, kind, payload::text, attempts, max_attempts)sql";

constexpr const char* kComplete =
    "UPDATE ops.job SET status = 'done', finished_at = now(), locked_by = NULL, last_error = NULL WHERE id = $1";

// Back-off: 2^attempts seconds (2, 4, 8, ...), capped at one hour.
constexpr const char* kFail = R"sql(
UPDATE ops.job SET
    status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
    finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
    run_at = now() + make_interval(secs => least(3600, power(2, attempts))::int),
    locked_by = NULL, last_error = $2
WHERE id = $1)sql";

constexpr const char* kRequeueStale =
    "UPDATE ops.job SET status = 'queued', locked_by = NULL "
    "WHERE status = 'running' AND locked_at < now() - make_interval(secs => $1::int)";

}  // namespace

int64_t Enqueue(db::SyncConnection& conn, const std::string& kind, const std::string& payload_json,
                std::chrono::seconds delay, int max_attempts) {
    std::vector<db::Param> params = {kind, payload_json, std::to_string(delay.count()), std::to_string(max_attempts)};
    return conn.Exec(kEnqueue, params).GetInt(0, 0);
}

std::optional<Job> ClaimNext(db::SyncConnection& conn, const std::string& worker_id) {
    std::vector<db::Param> params = {worker_id};
    db::Result r = conn.Exec(kClaim, params);
    if (r.Rows() == 0) {
        return std::nullopt;
    }
    return Job{r.GetInt(0, 0), std::string(r.Get(0, 1)), std::string(r.Get(0, 2)), static_cast<int>(r.GetInt(0, 3)),
               static_cast<int>(r.GetInt(0, 4))};
}

void Complete(db::SyncConnection& conn, int64_t id) {
    std::vector<db::Param> params = {std::to_string(id)};
    conn.Exec(kComplete, params);
}

void Fail(db::SyncConnection& conn, const Job& job, const std::string& error) {
    std::vector<db::Param> params = {std::to_string(job.id), error};
    conn.Exec(kFail, params);
}

int64_t RequeueStale(db::SyncConnection& conn, std::chrono::seconds stale) {
    std::vector<db::Param> params = {std::to_string(stale.count())};
    return conn.Exec(kRequeueStale, params).Affected();
}

int64_t Worker::Run(const std::atomic<bool>& stop, bool once, std::chrono::milliseconds poll_interval) {
    int64_t ran = 0;
    while (!stop.load()) {
        auto job = ClaimNext(conn_, worker_id_);
        if (!job) {
            if (once) {
                break;
            }
            // Sleep in small steps so a stop request is honoured promptly.
            auto until = std::chrono::steady_clock::now() + poll_interval;
            while (!stop.load() && std::chrono::steady_clock::now() < until) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            continue;
        }
        auto started = std::chrono::steady_clock::now();
        auto it = handlers_.find(job->kind);
        try {
            if (it == handlers_.end()) {
                throw std::runtime_error("no handler for job kind \"" + job->kind + "\"");
            }
            it->second(*job);
            Complete(conn_, job->id);
            core::LogInfo("job_done", {{"job_id", job->id}, {"kind", job->kind}, {"attempt", job->attempts},
                                       {"duration_ms", std::chrono::duration<double, std::milli>(
                                                           std::chrono::steady_clock::now() - started)
                                                           .count()}});
        } catch (const std::exception& e) {
            Fail(conn_, *job, e.what());
            core::LogWarn("job_failed", {{"job_id", job->id}, {"kind", job->kind}, {"attempt", job->attempts},
                                         {"max_attempts", job->max_attempts}, {"error", e.what()}});
        }
        ++ran;
    }
    return ran;
}

}  // namespace rounds::jobs
