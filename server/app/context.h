#pragma once

#include "db/pool.h"
#include "http/metrics.h"

namespace rounds::app {

/// What route handlers may use. Built by `serve` wiring; modules get the pieces they need from it.
struct AppContext {
    db::Pool* pool = nullptr;
    http::Metrics* metrics = nullptr;
    int expected_migration = 0;
    bool debug_routes = false;
};

}  // namespace rounds::app
