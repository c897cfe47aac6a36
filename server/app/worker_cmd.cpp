#include <unistd.h>

#include <csignal>
#include <iostream>

#include "app/commands.h"
#include "auth/retention.h"
#include "core/error.h"
#include "core/log.h"
#include "db/sql_error.h"
#include "jobs/queue.h"
#include "crm/reminders.h"
#include "markets/recompute.h"

namespace rounds::app {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) {
    g_stop = true;
}
}  // namespace

int RunWorker(const core::Config& config, bool once) {
    if (config.database_url.empty()) {
        std::cerr << "rounds worker: ROUNDS_DATABASE_URL (or --database-url) is required\n";
        return 2;
    }
    std::signal(SIGTERM, OnStopSignal);
    std::signal(SIGINT, OnStopSignal);
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    std::string worker_id = std::string(host) + ":" + std::to_string(getpid());
    core::LogInfo("worker_started", {{"worker_id", worker_id}});
    int64_t total = 0;
    // Reconnects with back-off when the database goes away; a job in flight is retried by the queue.
    while (!g_stop.load()) {
        try {
            db::SyncConnection conn(config.database_url);
            jobs::RequeueStale(conn, std::chrono::seconds(900));
            jobs::Worker worker(conn, worker_id);
            // Job kinds are registered here as modules add them (ingest, exports, notifications, retention).
            auth::RegisterAuditRetention(worker, conn);
            auth::ScheduleAuditRetention(conn);
            markets::RegisterJobs(worker, conn);
            crm::RegisterReminderJobs(worker, conn);  // notifications plug in as its sink (crm/reminders.h)
            crm::ScheduleReminderSweep(conn);
            total += worker.Run(g_stop, once, std::chrono::milliseconds(1000));
            if (once) {
                break;
            }
        } catch (const std::exception& e) {
            core::LogWarn("worker_db_error", {{"error", e.what()}});
            if (once) {
                std::cerr << "rounds worker: " << e.what() << "\n";
                return 3;
            }
            for (int i = 0; i < 40 && !g_stop.load(); ++i) {
                usleep(50000);
            }
        }
    }
    core::LogInfo("worker_stopped", {{"jobs_run", total}});
    return 0;
}

}  // namespace rounds::app
