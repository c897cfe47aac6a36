// Task reminders: the caller's due reminders and their acknowledgement (API), and the worker's sweep.
#include "crm/reminders.h"

#include <boost/json.hpp>
#include <charconv>

#include "auth/crypto.h"
#include "core/error.h"
#include "core/log.h"
#include "crm/service.h"
#include "crm/sql.h"

namespace rounds::crm {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<std::string> CrmService::Reminders(const http::Principal& who, int limit,
                                                   std::optional<std::string> cursor) {
    tenancy::Scope scope = tenancy::ScopeOf(who);
    db::Param after_at, after_id;
    if (cursor) {
        auto raw = auth::Base64UrlDecode(*cursor);
        auto bar = raw ? raw->find('|') : std::string::npos;
        if (!raw || bar == std::string::npos || !tenancy::IsUuid(raw->substr(bar + 1))) {
            throw core::Invalid("cursor", "is not a cursor of this list");
        }
        after_at = raw->substr(0, bar);
        after_id = raw->substr(bar + 1);
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kReminders, scope.org.Str(), scope.user_id, after_at, after_id, limit + 1);
    co_await tx.Commit();
    std::string body = "{\"items\":[";
    int n = std::min(r.Rows(), limit);
    for (int i = 0; i < n; ++i) {
        if (i) {
            body += ',';
        }
        body += r.Get(i, 0);
    }
    body += "],\"next_cursor\":";
    if (r.Rows() > limit) {
        body += "\"" + auth::Base64UrlEncode(std::string(r.Get(n - 1, 1)) + "|" + std::string(r.Get(n - 1, 2))) + "\"";
    } else {
        body += "null";
    }
    body += "}";
    co_return body;
}

asio::awaitable<Written> CrmService::AcknowledgeReminder(const http::Principal& who, std::string task_id,
                                                         auth::ClientInfo client) {
    const Entity& e = EntityByName("tasks");
    if (!tenancy::IsUuid(task_id)) {
        throw core::NotFound("no such task");
    }
    tenancy::Scope scope = tenancy::ScopeOf(who);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kAckReminder, scope.org.Str(), task_id, scope.user_id);
    if (r.Rows() == 0) {
        db::Result st = co_await lease.Exec(sql::kReminderState, scope.org.Str(), task_id);
        if (st.Rows() == 0) {
            throw core::NotFound("no such task");
        }
        if (st.Get(0, 0) != scope.user_id) {
            throw core::Error(core::ErrorKind::kForbidden, "only the task's assignee acknowledges its reminder");
        }
        throw core::Error(core::ErrorKind::kConflict,
                          st.GetBool(0, 2) ? "the reminder is acknowledged already" : "the task has no reminder due");
    }
    co_await Audit(lease, scope, "crm.task.reminder_ack", "task", task_id, std::nullopt, std::nullopt, std::nullopt,
                   client);
    Written w = co_await Load(lease, scope, e, task_id);
    co_await tx.Commit();
    co_return w;
}

void LogReminder(const DueReminder& r) {
    core::LogInfo("task_reminder_due",
                  {{"org_id", r.org_id}, {"task_id", r.task_id}, {"owner_id", r.owner_id}, {"remind_at", r.remind_at}});
}

int SweepReminders(db::SyncConnection& conn, const ReminderSink& sink, int limit) {
    conn.ExecScript("BEGIN; SELECT set_config('rounds.admin', 'on', true)");
    std::vector<DueReminder> due;
    try {
        db::Result r = conn.Exec(
            "SELECT org_id::text, task_id::text, owner_id::text, title, remind_at::text "
            "FROM crm.sweep_task_reminders(" +
            std::to_string(limit) + ")");
        for (int i = 0; i < r.Rows(); ++i) {
            due.push_back({std::string(r.Get(i, 0)), std::string(r.Get(i, 1)), std::string(r.Get(i, 2)),
                           std::string(r.Get(i, 3)), std::string(r.Get(i, 4))});
        }
        conn.ExecScript("COMMIT");
    } catch (...) {
        conn.ExecScript("ROLLBACK");
        throw;
    }
    // After the commit: a reminder is handed on once it is durably marked (at most once; a crash in between loses
    // the notification, never sends it twice).
    for (const auto& d : due) {
        sink(d);
    }
    return static_cast<int>(due.size());
}

void RegisterReminderJobs(jobs::Worker& worker, db::SyncConnection& conn, ReminderSink sink) {
    worker.Register(kReminderSweepJob, [&conn, sink = std::move(sink)](const jobs::Job& job) {
        int n = SweepReminders(conn, sink);
        core::LogInfo("task_reminders_swept", {{"job_id", job.id}, {"due", n}});
        jobs::Enqueue(conn, kReminderSweepJob, "{}", std::chrono::seconds(n >= 1000 ? 0 : 60));
    });
}

void ScheduleReminderSweep(db::SyncConnection& conn) {
    db::Result r = conn.Exec(
        "SELECT 1 FROM ops.job WHERE kind = 'crm.task_reminders' AND status IN ('queued', "
        "'running') LIMIT 1");
    if (r.Rows() == 0) {
        jobs::Enqueue(conn, kReminderSweepJob, "{}");
    }
}

}  // namespace rounds::crm
