#pragma once

#include "app/context.h"
#include "http/router.h"

namespace rounds::app {

/// /healthz: the process is up (no dependencies checked, so orchestrators do not restart it for a DB outage).
http::Handler Healthz();
/// /readyz: the database answers within a short deadline and its migrations are the ones this binary expects.
http::Handler Readyz(AppContext& ctx);
/// /metrics: Prometheus text exposition.
http::Handler MetricsHandler(AppContext& ctx);
http::Handler OpenApi();
/// /debug/sleep?ms=N: holds a database connection for N ms (pg_sleep). Only with --debug-routes; used by the
/// integration tests for slow requests and database outages.
http::Handler DebugSleep(AppContext& ctx);

}  // namespace rounds::app
