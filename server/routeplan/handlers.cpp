#include "routeplan/handlers.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/error.h"
#include "http/json.h"

namespace rounds::routeplan {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

const http::Principal& Caller(const http::Request& req) {
    if (!req.principal) {
        throw core::Error(core::ErrorKind::kUnauthenticated, "sign in first");
    }
    return *req.principal;
}

int LimitParam(const http::Request& req) {
    auto text = req.Query("limit");
    if (!text || text->empty()) {
        return 50;
    }
    int v = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || ptr != text->data() + text->size() || v < 1 || v > 200) {
        throw core::Invalid("limit", "must be a whole number from 1 to 200");
    }
    return v;
}

std::optional<std::string> QueryString(const http::Request& req, std::string_view key) {
    auto v = req.Query(key);
    if (!v || v->empty()) {
        return std::nullopt;
    }
    return std::string(*v);
}

http::Response NoStore(http::Response r) {
    r.headers.Set("Cache-Control", "private, no-store");
    return r;
}

}  // namespace

http::Handler Handlers::Optimize() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        OptimizeInput in = ParseOptimize(http::ParseJsonBody(req));
        json::object out = co_await svc->Optimize(Caller(req), std::move(in));
        co_return NoStore(http::JsonResponse(200, out));
    };
}

http::Handler Handlers::Save() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        SaveInput in = ParseSave(http::ParseJsonBody(req));
        auto [plan, created] = co_await svc->Save(Caller(req), std::move(in));
        http::Response r = http::JsonResponse(created ? 201 : 200, plan);
        r.headers.Set("Location", "/api/v1/routes/" + std::string(plan.at("id").as_string()));
        co_return NoStore(std::move(r));
    };
}

http::Handler Handlers::List() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        const int limit = LimitParam(req);
        json::object out = co_await svc->List(Caller(req), QueryString(req, "cursor"), limit,
                                              QueryString(req, "owner_id"), QueryString(req, "date"));
        co_return NoStore(http::JsonResponse(200, out));
    };
}

http::Handler Handlers::Get() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        json::object out = co_await svc->Get(Caller(req), std::string(req.Param("id")));
        co_return NoStore(http::JsonResponse(200, out));
    };
}

http::Handler Handlers::Calendar() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        const std::string id(req.Param("id"));
        std::string ics = co_await svc->Calendar(Caller(req), id);
        http::Response r = http::Response::Text(200, std::move(ics), "text/calendar; charset=utf-8");
        r.headers.Set("Content-Disposition", "attachment; filename=\"route-" + id + ".ics\"");
        co_return NoStore(std::move(r));
    };
}

http::Handler Handlers::Delete() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        co_await svc->Delete(Caller(req), std::string(req.Param("id")));
        http::Response r;
        r.status = 204;
        co_return r;
    };
}

http::Handler Handlers::PlanDay() {
    return [svc = service](http::Request& req) -> asio::awaitable<http::Response> {
        PlanDayInput in = ParsePlanDay(http::ParseJsonBody(req));
        auto [plan, created] = co_await svc->PlanDay(Caller(req), std::move(in));
        http::Response r = http::JsonResponse(created ? 201 : 200, plan);
        r.headers.Set("Location", "/api/v1/routes/" + std::string(plan.at("id").as_string()));
        co_return NoStore(std::move(r));
    };
}

}  // namespace rounds::routeplan
