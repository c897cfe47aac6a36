#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "db/pool.h"
#include "http/request.h"
#include "routeplan/params.h"
#include "routeplan/travel.h"

namespace rounds::routeplan {

struct RoutePlanSettings {
    TravelSettings travel;
    /// Wall-clock budget of one optimisation (the search usually converges long before).
    std::chrono::milliseconds time_limit{300};
};

/// Route optimisation and saved route plans. Solving (and the OSRM request) runs on the CPU pool; database
/// work in tenant transactions (row-level security decides what the caller sees).
class RoutePlanService {
  public:
    RoutePlanService(db::Pool& pool, boost::asio::thread_pool& cpu_pool, RoutePlanSettings settings)
        : pool_(pool), cpu_pool_(cpu_pool), settings_(std::move(settings)) {}

    /// POST /api/v1/routes/optimize: the response object (see api/openapi.json OptimizeResult).
    boost::asio::awaitable<boost::json::object> Optimize(const http::Principal& caller, OptimizeInput input);

    /// POST /api/v1/routes: saves a plan for the caller; returns the saved plan and whether it was created
    /// (false: an earlier request with the same client_id created it).
    boost::asio::awaitable<std::pair<boost::json::object, bool>> Save(const http::Principal& caller, SaveInput input,
                                                                      std::string source = "optimize");

    /// GET /api/v1/routes: plans visible to the caller (own; a manager's team; an admin's organisation).
    boost::asio::awaitable<boost::json::object> List(const http::Principal& caller, std::optional<std::string> cursor,
                                                     int limit, std::optional<std::string> owner_id,
                                                     std::optional<std::string> date);

    /// GET /api/v1/routes/{id}; core::NotFound when missing, deleted or not visible.
    boost::asio::awaitable<boost::json::object> Get(const http::Principal& caller, std::string id);

    /// GET /api/v1/routes/{id}.ics
    boost::asio::awaitable<std::string> Calendar(const http::Principal& caller, std::string id);

    /// DELETE /api/v1/routes/{id} (soft). 404 when not visible, 403 when visible but not the caller's (a
    /// manager may read the team's plans, not delete them).
    boost::asio::awaitable<void> Delete(const http::Principal& caller, std::string id);

    /// POST /api/v1/routes/plan-day: picks the best-scoring targets of the caller's territories that fit
    /// (crm.plan_day_candidates), routes them, and saves the result as a route plan (source plan_day) with a
    /// planned call per stop. Returns the plan (+ "unplaced", "candidates") and whether it was created.
    boost::asio::awaitable<std::pair<boost::json::object, bool>> PlanDay(const http::Principal& caller,
                                                                         PlanDayInput input);

    const RoutePlanSettings& Settings() const { return settings_; }

  private:
    /// Inserts a plan and its stops inside the caller's open transaction (or finds the plan of client_id);
    /// returns (id, created).
    boost::asio::awaitable<std::pair<std::string, bool>> SaveInTx(db::Lease& lease, const std::string& org,
                                                                  const std::string& user, const SaveInput& in,
                                                                  const std::string& source);
    /// Reads a plan with its stops inside an open transaction; nullopt when not visible.
    boost::asio::awaitable<std::optional<boost::json::object>> LoadInTx(db::Lease& lease, const std::string& org,
                                                                        const std::string& id);

    db::Pool& pool_;
    boost::asio::thread_pool& cpu_pool_;
    RoutePlanSettings settings_;
};

}  // namespace rounds::routeplan
