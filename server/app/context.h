#pragma once

#include "auth/service.h"
#include "auth/sso.h"
#include "crm/service.h"
#include "db/pool.h"
#include "http/metrics.h"
#include "markets/service.h"
#include "territories/service.h"
#include "physicians/service.h"
#include "routeplan/service.h"

namespace rounds::app {

/// What route handlers may use. Built by `serve` wiring; modules get the pieces they need from it.
struct AppContext {
    db::Pool* pool = nullptr;
    physicians::PhysicianService* physicians = nullptr;
    auth::AuthService* auth = nullptr;
    auth::SsoService* sso = nullptr;  // single sign-on (OIDC, SAML)
    http::Metrics* metrics = nullptr;
    routeplan::RoutePlanService* routes = nullptr;  // route planning (issue 9)
    crm::CrmService* crm = nullptr;
    // Targeting (markets, territories)
    markets::MarketService* markets = nullptr;
    territories::TerritoryService* territories = nullptr;
    int expected_migration = 0;
    bool debug_routes = false;
};

}  // namespace rounds::app
