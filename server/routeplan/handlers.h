#pragma once

#include "http/router.h"
#include "routeplan/service.h"

namespace rounds::routeplan {

/// Thin HTTP handlers: parse the request, call the service, wrap the answer.
struct Handlers {
    RoutePlanService* service;  // not owned; may be null while only the route table is built (tests)

    http::Handler Optimize();
    http::Handler Save();
    http::Handler List();
    http::Handler Get();
    http::Handler Calendar();
    http::Handler Delete();
    http::Handler PlanDay();
};

}  // namespace rounds::routeplan
