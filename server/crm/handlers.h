#pragma once

#include <string>
#include <vector>

#include "crm/entity.h"
#include "crm/service.h"
#include "http/router.h"

namespace rounds::crm {

/// Thin HTTP shells over CrmService: parse (body, If-Match, list parameters), call, serialise with the ETag.
/// The report names served under /api/v1/reports/.
const std::vector<std::string>& ReportNames();

struct Handlers {
    CrmService* service = nullptr;

    // The generic record routes, one set per entity.
    http::Handler Create(const Entity& e) const;
    http::Handler List(const Entity& e) const;
    http::Handler Get(const Entity& e) const;
    http::Handler Patch(const Entity& e) const;
    http::Handler Delete(const Entity& e) const;
    /// GET /api/v1/<entity>/export?format=csv|xlsx&<the list's filters>: every row of the filtered list.
    http::Handler Export(const Entity& e) const;

    http::Handler GetSettings() const;
    http::Handler PatchSettings() const;
    http::Handler SubmitCall() const;
    http::Handler AmendCall() const;
    http::Handler Amendments() const;
    http::Handler DecideChangeRequest(bool approve) const;
    http::Handler Overlay() const;
    /// GET /api/v1/reports/<name> (see CrmService::Report) and the Open Payments file.
    http::Handler Report(std::string name) const;
    http::Handler SunshineExport() const;
    /// POST /api/v1/imports/<kind>[?dry_run=true] with a text/csv body; GET/revert an import.
    http::Handler Import(std::string kind) const;
    http::Handler GetImport() const;
    http::Handler ListImports() const;
    http::Handler RevertImport() const;
    /// GET /api/v1/crm/tasks/reminders[?limit&cursor]; POST /api/v1/tasks/{id}/reminder/acknowledge.
    http::Handler Reminders() const;
    http::Handler AcknowledgeReminder() const;
};

}  // namespace rounds::crm
