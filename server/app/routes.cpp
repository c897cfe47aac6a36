#include "app/routes.h"

#include "app/ops_handlers.h"
#include "auth/handlers.h"
#include "auth/sso_handlers.h"
#include "crm/handlers.h"
#include "markets/handlers.h"
#include "territories/handlers.h"
#include "physicians/handlers.h"
#include "routeplan/handlers.h"

namespace rounds::app {

using http::Access;

void RegisterRoutes(http::Router& r, AppContext& ctx) {
    // Operations
    r.Add({"GET", "/healthz", Healthz(), Access::kPublic, "liveness"});
    r.Add({"GET", "/readyz", Readyz(ctx), Access::kPublic, "readiness: database reachable, migrations current"});
    r.Add({"GET", "/metrics", MetricsHandler(ctx), Access::kPublic, "Prometheus metrics"});
    r.Add({"GET", "/api/v1/openapi.json", OpenApi(), Access::kPublic, "this API's OpenAPI document"});

    // Identity: sign-in (public), the caller, administration of users, organisation settings and audit
    auth::Handlers au{ctx.auth};
    r.Add({"POST", "/api/v1/auth/login", au.Login(), Access::kPublic, "password sign-in: tokens or MFA challenge"});
    r.Add({"POST", "/api/v1/auth/mfa", au.Mfa(), Access::kPublic, "complete an MFA challenge"});
    r.Add({"POST", "/api/v1/auth/refresh", au.Refresh(), Access::kPublic, "rotate the refresh token"});
    r.Add({"POST", "/api/v1/auth/logout", au.Logout(), Access::kPublic, "revoke the session"});
    r.Add({"POST", "/api/v1/auth/invitations/accept", au.AcceptInvite(), Access::kPublic, "set a password"});
    r.Add({"POST", "/api/v1/auth/mfa/enroll", au.MfaEnroll(), Access::kPublic,
           "start TOTP enrolment (signed in, or with an enrolment challenge)"});
    r.Add({"POST", "/api/v1/auth/mfa/confirm", au.MfaConfirm(), Access::kAuthenticated, "finish TOTP enrolment"});
    r.Add({"POST", "/api/v1/auth/mfa/disable", au.MfaDisable(), Access::kAuthenticated, "turn MFA off"});
    r.Add({"GET", "/api/v1/me", au.Me(), Access::kAuthenticated, "the caller"});
    r.Add({"PATCH", "/api/v1/me", au.UpdateMe(), Access::kAuthenticated, "the caller's display name"});
    r.Add({"GET", "/api/v1/team", au.Team(), Access::kManager, "the caller's team (transitively)"});
    r.Add({"GET", "/api/v1/admin/users", au.ListUsers(), Access::kAdmin, "users of the organisation"});
    r.Add({"POST", "/api/v1/admin/users", au.CreateUser(), Access::kAdmin, "invite a user"});
    r.Add({"GET", "/api/v1/admin/users/{id}", au.GetUser(), Access::kAdmin, "one user"});
    r.Add({"PATCH", "/api/v1/admin/users/{id}", au.UpdateUser(), Access::kAdmin, "change role, manager, status"});
    r.Add({"POST", "/api/v1/admin/users/{id}/disable", au.DisableUser(), Access::kAdmin, "disable and sign out"});
    r.Add({"POST", "/api/v1/admin/users/{id}/reset-mfa", au.ResetMfa(), Access::kAdmin, "remove a user's MFA"});
    r.Add({"GET", "/api/v1/admin/org", au.GetOrg(), Access::kAdmin, "organisation settings"});
    r.Add({"PATCH", "/api/v1/admin/org", au.UpdateOrg(), Access::kAdmin, "change organisation settings"});
    r.Add({"GET", "/api/v1/admin/audit", au.ListAudit(), Access::kAdmin, "audit log"});

    // Single sign-on per organisation: admin connection settings, browser redirects, code hand-off
    auth::SsoHandlers sso{ctx.sso, ctx.auth};
    r.Add({"GET", "/api/v1/admin/sso/oidc", sso.GetConnection("oidc"), Access::kAdmin, "OpenID Connect settings"});
    r.Add({"PUT", "/api/v1/admin/sso/oidc", sso.PutConnection("oidc"), Access::kAdmin, "set OpenID Connect"});
    r.Add({"DELETE", "/api/v1/admin/sso/oidc", sso.DeleteConnection("oidc"), Access::kAdmin, "remove OIDC"});
    r.Add({"GET", "/api/v1/auth/sso/{slug}/oidc/start", sso.OidcStart(), Access::kPublic, "redirect to the IdP"});
    r.Add({"GET", "/api/v1/auth/sso/oidc/callback", sso.OidcCallback(), Access::kPublic, "OIDC redirect URI"});
    r.Add({"POST", "/api/v1/auth/sso/exchange", sso.Exchange(), Access::kPublic, "one-time SSO code -> tokens"});
    r.Add({"GET", "/api/v1/admin/sso/saml", sso.GetConnection("saml"), Access::kAdmin, "SAML settings"});
    r.Add({"PUT", "/api/v1/admin/sso/saml", sso.PutConnection("saml"), Access::kAdmin, "set SAML (IdP metadata)"});
    r.Add({"DELETE", "/api/v1/admin/sso/saml", sso.DeleteConnection("saml"), Access::kAdmin, "remove SAML"});
    r.Add({"GET", "/api/v1/auth/sso/{slug}/saml/metadata", sso.SamlMetadata(), Access::kPublic, "SP metadata"});
    r.Add({"GET", "/api/v1/auth/sso/{slug}/saml/start", sso.SamlStart(), Access::kPublic, "AuthnRequest redirect"});
    r.Add({"POST", "/api/v1/auth/sso/{slug}/saml/acs", sso.SamlAcs(), Access::kPublic, "SAML assertion consumer"});

    // Physician intelligence (public reference data; authenticated users only)
    physicians::Handlers ph{ctx.physicians};
    r.Add({"GET", "/api/v1/physicians/search", ph.Search(), Access::kAuthenticated, "typo-tolerant name search"});
    r.Add({"GET", "/api/v1/physicians/nearby", ph.Nearby(), Access::kAuthenticated, "GeoJSON by distance"});
    r.Add({"GET", "/api/v1/physicians/{npi}", ph.Profile(), Access::kAuthenticated, "full profile"});
    r.Add({"GET", "/api/v1/physicians/{npi}/prescriptions", ph.Prescriptions(), Access::kAuthenticated, "Part D rows"});
    r.Add({"GET", "/api/v1/physicians/{npi}/services", ph.Services(), Access::kAuthenticated, "Part B rows"});
    r.Add({"GET", "/api/v1/physicians/{npi}/payments", ph.Payments(), Access::kAuthenticated, "Open Payments rows"});
    r.Add({"GET", "/api/v1/specialties", ph.Specialties(), Access::kAuthenticated, "specialties with counts"});
    r.Add({"GET", "/api/v1/facilities/nearby", ph.FacilitiesNearby(), Access::kAuthenticated, "hospitals by distance"});
    r.Add({"GET", "/api/v1/facilities/{ccn}", ph.Facility(), Access::kAuthenticated, "hospital with physicians"});
    r.Add({"GET", "/api/v1/zips/{zip}", ph.Zip(), Access::kAuthenticated, "a ZIP's centroid (typed-ZIP search)"});

    // Route planning: optimise a day, saved route plans (own; a manager's team), calendar export
    routeplan::Handlers rp{ctx.routes};
    r.Add({"POST", "/api/v1/routes/optimize", rp.Optimize(), Access::kAuthenticated, "order stops with time windows"});
    r.Add({"POST", "/api/v1/routes", rp.Save(), Access::kAuthenticated, "save a route plan"});
    r.Add({"POST", "/api/v1/routes/plan-day", rp.PlanDay(), Access::kAuthenticated,
           "choose and route the day's best targets; saved with planned calls"});
    r.Add({"GET", "/api/v1/routes", rp.List(), Access::kAuthenticated, "route plans visible to the caller"});
    r.Add({"GET", "/api/v1/routes/{id}", rp.Get(), Access::kAuthenticated, "one route plan with its stops"});
    r.Add({"GET", "/api/v1/routes/{id}.ics", rp.Calendar(), Access::kAuthenticated, "route plan as iCalendar"});
    r.Add({"DELETE", "/api/v1/routes/{id}", rp.Delete(), Access::kAuthenticated, "delete a route plan (soft)"});
    // CRM (issue #8). Every record type of crm::Entities() gets the same five routes from one generic
    // implementation (create with client_id idempotency, get, PATCH with If-Match, soft DELETE, cursor list)
    // plus a CSV/XLSX export of the filtered list; visibility (rep own / manager team / admin org) is decided
    // per row, so these are open to every signed-in role. Then the routes particular to one record type.
    crm::Handlers cr{ctx.crm};
    for (const auto& e : crm::Entities()) {
        if (!e.routed) {
            continue;
        }
        const std::string base = "/api/v1/" + e.name;
        r.Add({"GET", base, cr.List(e), Access::kAuthenticated, "list " + e.name});
        r.Add({"POST", base, cr.Create(e), Access::kAuthenticated, "create a " + e.singular + " (client_id: once)"});
        r.Add({"GET", base + "/export", cr.Export(e), Access::kAuthenticated, "CSV/XLSX of the filtered list"});
        r.Add({"GET", base + "/{id}", cr.Get(e), Access::kAuthenticated, "one " + e.singular});
        r.Add({"PATCH", base + "/{id}", cr.Patch(e), Access::kAuthenticated, "change (If-Match required)"});
        r.Add({"DELETE", base + "/{id}", cr.Delete(e), Access::kAuthenticated, "soft delete (tombstone)"});
    }
    r.Add({"GET", "/api/v1/crm/settings", cr.GetSettings(), Access::kAuthenticated, "organisation CRM settings"});
    r.Add({"PATCH", "/api/v1/crm/settings", cr.PatchSettings(), Access::kAdmin, "change CRM settings"});
    r.Add({"POST", "/api/v1/calls/{id}/submit", cr.SubmitCall(), Access::kAuthenticated, "complete, sign, lock"});
    r.Add({"POST", "/api/v1/calls/{id}/amendments", cr.AmendCall(), Access::kAuthenticated, "audited correction"});
    r.Add({"GET", "/api/v1/calls/{id}/amendments", cr.Amendments(), Access::kAuthenticated, "a call's corrections"});
    r.Add({"POST", "/api/v1/change-requests/{id}/approve", cr.DecideChangeRequest(true), Access::kAdmin,
           "apply a data correction"});
    r.Add({"POST", "/api/v1/change-requests/{id}/reject", cr.DecideChangeRequest(false), Access::kAdmin,
           "reject a data correction"});
    r.Add({"GET", "/api/v1/crm/physicians/{npi}/overrides", cr.Overlay(), Access::kAuthenticated,
           "the organisation's corrections of a physician's public data"});
    for (const auto& name : crm::ReportNames()) {
        r.Add({"GET", "/api/v1/reports/" + name, cr.Report(name), Access::kAuthenticated, "report: " + name});
    }
    r.Add({"GET", "/api/v1/reports/sunshine/export", cr.SunshineExport(), Access::kAdmin,
           "Open Payments general-payment file (CSV)"});
    const uint64_t import_limit = ctx.crm != nullptr ? ctx.crm->ImportBodyLimit() : uint64_t{1} << 30;
    for (const char* kind : {"accounts", "call-plans", "calls"}) {
        // The CSV is streamed (Route::stream_body_limit): read and written while it arrives, --import-body-limit.
        r.Add({"POST", std::string("/api/v1/imports/") + kind, cr.Import(kind), Access::kAuthenticated,
               "CSV import keyed by NPI (dry_run=true: report only)", import_limit});
    }
    r.Add({"GET", "/api/v1/crm/tasks/reminders", cr.Reminders(), Access::kAuthenticated,
           "the caller's due, unacknowledged task reminders"});
    r.Add({"POST", "/api/v1/tasks/{id}/reminder/acknowledge", cr.AcknowledgeReminder(), Access::kAuthenticated,
           "the assignee acknowledges a due reminder"});
    r.Add({"GET", "/api/v1/imports", cr.ListImports(), Access::kAuthenticated, "imports you may see"});
    r.Add({"GET", "/api/v1/imports/{id}", cr.GetImport(), Access::kAuthenticated, "one import"});
    r.Add({"POST", "/api/v1/imports/{id}/revert", cr.RevertImport(), Access::kAuthenticated, "undo a whole import"});

    // Markets and targeting: everyone in the organisation reads, admins write (docs/markets.md)
    markets::Handlers mk{ctx.markets};
    r.Add({"GET", "/api/v1/markets", mk.List(), Access::kAuthenticated, "markets of the organisation"});
    r.Add({"POST", "/api/v1/markets", mk.Create(), Access::kAdmin, "define a market (product basket)"});
    r.Add({"GET", "/api/v1/markets/settings", mk.GetSettings(), Access::kAuthenticated, "targeting settings"});
    r.Add({"PATCH", "/api/v1/markets/settings", mk.UpdateSettings(), Access::kAdmin, "change targeting settings"});
    r.Add({"GET", "/api/v1/markets/{id}", mk.Get(), Access::kAuthenticated, "one market"});
    r.Add({"PATCH", "/api/v1/markets/{id}", mk.Update(), Access::kAdmin, "change a market"});
    r.Add({"DELETE", "/api/v1/markets/{id}", mk.Delete(), Access::kAdmin, "delete a market"});
    r.Add({"POST", "/api/v1/markets/{id}/recompute", mk.Recompute(), Access::kAdmin, "queue a recompute"});
    r.Add({"GET", "/api/v1/markets/{id}/summary", mk.Summary(), Access::kAuthenticated, "totals and deciles by year"});
    r.Add({"GET", "/api/v1/markets/{id}/physicians", mk.Physicians(), Access::kAuthenticated, "metrics per physician"});
    r.Add({"GET", "/api/v1/markets/{id}/targets", mk.Targets(), Access::kAuthenticated, "target list of a territory"});

    // Territories: reps and managers read the territories assigned to them or their team; admins manage
    territories::Handlers te{ctx.territories};
    r.Add({"GET", "/api/v1/territories", te.List(), Access::kAuthenticated, "territories the caller may read"});
    r.Add({"POST", "/api/v1/territories", te.Create(), Access::kAdmin, "create a territory (geometry checked)"});
    r.Add({"GET", "/api/v1/territories/{id}", te.Get(), Access::kAuthenticated, "one territory"});
    r.Add({"PATCH", "/api/v1/territories/{id}", te.Update(), Access::kAdmin, "change a territory"});
    r.Add({"DELETE", "/api/v1/territories/{id}", te.Delete(), Access::kAdmin, "delete a territory"});
    r.Add({"GET", "/api/v1/territories/{id}/physicians", te.Physicians(), Access::kAuthenticated, "members"});
    r.Add({"GET", "/api/v1/territories/{id}/deciles", te.Deciles(), Access::kAuthenticated, "physicians per decile"});
    r.Add({"GET", "/api/v1/territories/{id}/balance", te.Balance(), Access::kAuthenticated, "children's workload"});
    r.Add({"GET", "/api/v1/territories/{id}/alignment", te.Alignment(), Access::kAuthenticated, "ZIP moves (diff)"});
    r.Add({"POST", "/api/v1/territories/{id}/alignment", te.AcceptAlignment(), Access::kAdmin, "apply ZIP moves"});

    if (ctx.debug_routes) {
        r.Add({"GET", "/debug/sleep", DebugSleep(ctx), Access::kPublic, "test helper: hold a DB connection"});
    }
}

}  // namespace rounds::app
