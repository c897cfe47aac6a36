#include "auth/retention.h"

#include "core/log.h"

namespace rounds::auth {

void RegisterAuditRetention(jobs::Worker& worker, db::SyncConnection& conn) {
    worker.Register(kAuditMaintainJob, [&conn](const jobs::Job& job) {
        db::Result r = conn.Exec("SELECT created, dropped FROM crm.audit_maintain(24, 3)");
        core::LogInfo(
            "audit_maintained",
            {{"job_id", job.id}, {"partitions_created", r.GetInt(0, 0)}, {"partitions_dropped", r.GetInt(0, 1)}});
        jobs::Enqueue(conn, kAuditMaintainJob, "{}", std::chrono::hours(24));
    });
}

void ScheduleAuditRetention(db::SyncConnection& conn) {
    db::Result r =
        conn.Exec("SELECT 1 FROM ops.job WHERE kind = 'audit.maintain' AND status IN ('queued', 'running') LIMIT 1");
    if (r.Rows() == 0) {
        jobs::Enqueue(conn, kAuditMaintainJob, "{}");
    }
}

}  // namespace rounds::auth
