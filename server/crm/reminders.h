#pragma once

#include <functional>
#include <string>

#include "db/sync_connection.h"
#include "jobs/queue.h"

namespace rounds::crm {

/// A task reminder that has just become due (the sweep reports each once).
struct DueReminder {
    std::string org_id, task_id, owner_id, title, remind_at;
};

/// Where due reminders go. Today: the log. The notifications issue plugs its sender in here (push, e-mail),
/// without touching the sweep.
using ReminderSink = std::function<void(const DueReminder&)>;
void LogReminder(const DueReminder& reminder);

inline constexpr const char* kReminderSweepJob = "crm.task_reminders";

/// Marks up to `limit` reminders that became due (crm.sweep_task_reminders, in one transaction) and hands each
/// to `sink`. Returns how many.
int SweepReminders(db::SyncConnection& conn, const ReminderSink& sink, int limit = 1000);
/// The job: sweeps, then queues itself again a minute later. ScheduleReminderSweep queues it when none is.
void RegisterReminderJobs(jobs::Worker& worker, db::SyncConnection& conn, ReminderSink sink = LogReminder);
void ScheduleReminderSweep(db::SyncConnection& conn);

}  // namespace rounds::crm
