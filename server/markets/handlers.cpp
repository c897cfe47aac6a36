#include "markets/handlers.h"

#include <boost/json.hpp>

#include "core/error.h"
#include "http/json.h"
#include "markets/api.h"

namespace rounds::markets {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

MarketService& Svc(MarketService* s) {
    if (s == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable, "the markets service is not configured");
    }
    return *s;
}

MarketInput InputOf(const json::object& b) {
    MarketInput in;
    in.name = api::Str(b, "name");
    in.description = api::NullableStr(b, "description");
    in.partd_generic_names = api::StrList(b, "partd_generic_names");
    in.partd_brand_names = api::StrList(b, "partd_brand_names");
    in.hcpcs_codes = api::StrList(b, "hcpcs_codes");
    in.own_products = api::StrList(b, "own_products");
    in.competitor_products = api::StrList(b, "competitor_products");
    in.own_manufacturers = api::StrList(b, "own_manufacturers");
    in.competitor_manufacturers = api::StrList(b, "competitor_manufacturers");
    in.target_ccns = api::StrList(b, "target_ccns");
    return in;
}

#define ROUNDS_MARKET_FIELDS                                                                          \
    "name", "description", "partd_generic_names", "partd_brand_names", "hcpcs_codes", "own_products", \
        "competitor_products", "own_manufacturers", "competitor_manufacturers", "target_ccns"

/// A JSON object of non-negative numbers with keys from `allowed` (or 1..10 when `deciles`), as text.
std::optional<std::string> NumberMap(const json::object& b, std::string_view key,
                                     std::initializer_list<std::string_view> allowed, bool deciles, double max) {
    const json::value* v = b.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_object()) {
        throw core::Invalid(std::string(key), "must be an object of numbers");
    }
    for (const auto& [k, x] : v->as_object()) {
        std::string field = std::string(key) + "." + std::string(k);
        bool known = false;
        if (deciles) {
            for (int d = 1; d <= 10; ++d) {
                known = known || k == std::to_string(d);
            }
        } else {
            known = std::find(allowed.begin(), allowed.end(), std::string_view(k)) != allowed.end();
        }
        if (!known) {
            throw core::Invalid(field, deciles ? "keys must be deciles \"1\" to \"10\"" : "is not a known weight");
        }
        if (!x.is_number() || x.to_number<double>() < 0 || x.to_number<double>() > max) {
            throw core::Invalid(field, "must be a number from 0 to " + std::to_string(static_cast<int>(max)));
        }
    }
    return json::serialize(*v);
}

}  // namespace

http::Handler Handlers::List() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string body = co_await Svc(s).List(api::Who(req), api::Limit(req), api::QueryStr(req, "cursor"));
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::Create() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = api::Body(req, {ROUNDS_MARKET_FIELDS, "client_id"});
        MarketInput in = InputOf(b);
        in.client_id = api::Str(b, "client_id", 100);
        Doc d = co_await Svc(s).Create(api::Who(req), std::move(in), api::Client(req));
        Response r = api::JsonText(d.created ? 201 : 200, d.json, d.version);
        co_return r;
    };
}

http::Handler Handlers::Get() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        Doc d = co_await Svc(s).Get(api::Who(req), api::PathUuid(req));
        co_return api::JsonText(200, d.json, d.version);
    };
}

http::Handler Handlers::Update() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        json::object b = api::Body(req, {ROUNDS_MARKET_FIELDS});
        Doc d = co_await Svc(s).Update(api::Who(req), id, InputOf(b), api::IfMatch(req), api::Client(req));
        co_return api::JsonText(200, d.json, d.version);
    };
}

http::Handler Handlers::Delete() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        co_await Svc(s).Delete(api::Who(req), api::PathUuid(req), api::IfMatch(req), api::Client(req));
        co_return Response::Text(204, "");
    };
}

http::Handler Handlers::Recompute() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        int64_t job = co_await Svc(s).Recompute(api::Who(req), api::PathUuid(req), api::Client(req));
        json::object body{{"queued", job > 0}, {"job_id", job > 0 ? json::value(job) : json::value(nullptr)}};
        co_return http::JsonResponse(202, body);
    };
}

http::Handler Handlers::Summary() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string body = co_await Svc(s).Summary(api::Who(req), api::PathUuid(req));
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::Physicians() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        MetricQuery q;
        q.year = api::QueryInt(req, "year", 2000, 2100);
        q.min_decile = api::QueryInt(req, "min_decile", 1, 10);
        q.npi = api::QueryInt(req, "npi", 1000000000, 9999999999);
        q.state = api::QueryStr(req, "state");
        q.cursor = api::QueryStr(req, "cursor");
        q.sort = ParseSort(api::QueryStr(req, "sort"), Sort{"volume", -1});
        q.limit = api::Limit(req);
        std::string body = co_await Svc(s).Physicians(api::Who(req), id, std::move(q));
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::Targets() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        TargetQuery q;
        auto territory = api::QueryUuid(req, "territory_id");
        if (!territory) {
            throw core::Invalid("territory_id", "is required (the territory whose targets to list)");
        }
        q.territory_id = *territory;
        q.year = api::QueryInt(req, "year", 2000, 2100);
        q.min_decile = api::QueryInt(req, "min_decile", 1, 10);
        q.cursor = api::QueryStr(req, "cursor");
        q.sort = ParseSort(api::QueryStr(req, "sort"), Sort{"score", -1});
        q.limit = api::Limit(req);
        auto format = api::QueryStr(req, "format");
        if (format && *format != "json" && *format != "csv") {
            throw core::Invalid("format", "must be json or csv");
        }
        q.csv = format && *format == "csv";
        TargetList list = co_await Svc(s).Targets(api::Who(req), id, std::move(q), api::Client(req));
        if (list.csv) {
            Response r = Response::Text(200, std::move(list.body), "text/csv; charset=utf-8");
            r.headers.Set("Content-Disposition", "attachment; filename=\"targets.csv\"");
            r.headers.Set("Cache-Control", "no-store");
            co_return r;
        }
        co_return api::JsonText(200, std::move(list.body));
    };
}

http::Handler Handlers::GetSettings() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        Doc d = co_await Svc(s).GetSettings(api::Who(req));
        co_return api::JsonText(200, d.json, d.version);
    };
}

http::Handler Handlers::UpdateSettings() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = api::Body(req, {"weights", "target_ccns", "target_min_decile", "calls_per_year",
                                         "visit_minutes", "visits_per_day", "road_factor", "speed_kmh"});
        SettingsInput in;
        in.weights_json = NumberMap(
            b, "weights", {"decile", "growth", "competitor_share", "competitor_payments", "affiliation"}, false, 100);
        in.calls_per_year_json = NumberMap(b, "calls_per_year", {}, true, 365);
        in.target_ccns = api::StrList(b, "target_ccns");
        in.target_min_decile = api::Int(b, "target_min_decile");
        in.visit_minutes = api::Int(b, "visit_minutes");
        in.visits_per_day = api::Int(b, "visits_per_day");
        in.road_factor = api::Number(b, "road_factor");
        in.speed_kmh = api::Number(b, "speed_kmh");
        auto range = [](const auto& v, std::string_view field, double lo, double hi) {
            if (v && (static_cast<double>(*v) < lo || static_cast<double>(*v) > hi)) {
                throw core::Invalid(std::string(field), "must be from " + std::to_string(lo).substr(0, 4) + " to " +
                                                            std::to_string(hi).substr(0, 5));
            }
        };
        range(in.target_min_decile, "target_min_decile", 1, 10);
        range(in.visit_minutes, "visit_minutes", 1, 480);
        range(in.visits_per_day, "visits_per_day", 1, 40);
        range(in.road_factor, "road_factor", 1, 3);
        range(in.speed_kmh, "speed_kmh", 5, 150);
        Doc d = co_await Svc(s).UpdateSettings(api::Who(req), std::move(in), api::IfMatch(req), api::Client(req));
        co_return api::JsonText(200, d.json, d.version);
    };
}

}  // namespace rounds::markets
