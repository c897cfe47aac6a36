#include "app/routes.h"

#include "app/ops_handlers.h"

namespace rounds::app {

using http::Access;

void RegisterRoutes(http::Router& r, AppContext& ctx) {
    // Operations
    r.Add({"GET", "/healthz", Healthz(), Access::kPublic, "liveness"});
    r.Add({"GET", "/readyz", Readyz(ctx), Access::kPublic, "readiness: database reachable, migrations current"});
    r.Add({"GET", "/metrics", MetricsHandler(ctx), Access::kPublic, "Prometheus metrics"});
    r.Add({"GET", "/api/v1/openapi.json", OpenApi(), Access::kPublic, "this API's OpenAPI document"});
    if (ctx.debug_routes) {
        r.Add({"GET", "/debug/sleep", DebugSleep(ctx), Access::kPublic, "test helper: hold a DB connection"});
    }
}

}  // namespace rounds::app
