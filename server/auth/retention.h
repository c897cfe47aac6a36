#pragma once

#include "db/sync_connection.h"
#include "jobs/queue.h"

namespace rounds::auth {

/// Job kind that keeps the audit log's monthly partitions: creates the coming months, drops those older
/// than the two-year retention (crm.audit_maintain), then schedules itself again a day later.
inline constexpr const char* kAuditMaintainJob = "audit.maintain";

/// Registers the handler on `worker` (which runs jobs on `conn`).
void RegisterAuditRetention(jobs::Worker& worker, db::SyncConnection& conn);

/// Queues the first run unless one is already queued or running (called when a worker starts).
void ScheduleAuditRetention(db::SyncConnection& conn);

}  // namespace rounds::auth
