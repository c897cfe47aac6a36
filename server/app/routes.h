#pragma once

#include <string_view>

#include "app/context.h"
#include "http/router.h"

namespace rounds::app {

/// The one route table of the API: every endpoint, its method, handler and who may call it.
void RegisterRoutes(http::Router& router, AppContext& ctx);

/// The OpenAPI 3 document served at /api/v1/openapi.json (api/openapi.json, embedded at build time).
std::string_view OpenApiSpec();

}  // namespace rounds::app
