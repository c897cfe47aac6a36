#pragma once

#include "http/router.h"
#include "physicians/service.h"

namespace rounds::physicians {

/// Thin HTTP handlers: parse and validate parameters, call the service, wrap the JSON.
struct Handlers {
    PhysicianService* service;  // not owned; may be null while only the route table is built (tests)

    http::Handler Profile();
    http::Handler Search();
    http::Handler Nearby();
    http::Handler Prescriptions();
    http::Handler Services();
    http::Handler Payments();
    http::Handler Specialties();
    http::Handler Facility();
    http::Handler FacilitiesNearby();
    http::Handler Zip();
};

}  // namespace rounds::physicians
