#include "territories/handlers.h"

#include <boost/json.hpp>

#include "core/error.h"
#include "markets/api.h"

namespace rounds::territories {

namespace asio = boost::asio;
namespace json = boost::json;
namespace api = markets::api;
using http::Request;
using http::Response;

namespace {

TerritoryService& Svc(TerritoryService* s) {
    if (s == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable, "the territories service is not configured");
    }
    return *s;
}

TerritoryInput InputOf(const Request& req, const json::object& b) {
    TerritoryInput in;
    in.name = api::Str(b, "name");
    in.level = api::Str(b, "level", 20);
    in.parent_id = api::NullableStr(b, "parent_id");
    if (const json::value* g = b.if_contains("geometry")) {
        in.geometry = g->is_null() ? std::optional<json::value>() : std::optional<json::value>(*g);
    }
    in.zips = api::StrList(b, "zips", 5000, 5);
    in.excluded_zips = api::StrList(b, "excluded_zips", 5000, 5);
    in.user_ids = api::StrList(b, "user_ids", 500, 36);
    if (in.user_ids) {
        for (size_t i = 0; i < in.user_ids->size(); ++i) {
            if (!tenancy::IsUuid((*in.user_ids)[i])) {
                throw core::Invalid("user_ids[" + std::to_string(i) + "]", "must be a user id");
            }
        }
    }
    in.repair = api::QueryBool(req, "repair");
    return in;
}

std::string MarketParam(const Request& req) {
    auto m = api::QueryUuid(req, "market_id");
    if (!m) {
        throw core::Invalid("market_id", "is required (the market whose metrics to use)");
    }
    return *m;
}

}  // namespace

http::Handler Handlers::List() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string body = co_await Svc(s).List(api::Who(req), api::Limit(req), api::QueryStr(req, "cursor"),
                                                api::QueryUuid(req, "parent_id"), api::QueryStr(req, "level"));
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::Create() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = api::Body(req, {"name", "level", "parent_id", "geometry", "zips", "user_ids", "client_id"});
        TerritoryInput in = InputOf(req, b);
        in.client_id = api::Str(b, "client_id", 100);
        markets::Doc d = co_await Svc(s).Create(api::Who(req), std::move(in), api::Client(req));
        co_return api::JsonText(d.created ? 201 : 200, d.json, d.version);
    };
}

http::Handler Handlers::Get() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        markets::Doc d = co_await Svc(s).Get(api::Who(req), api::PathUuid(req));
        co_return api::JsonText(200, d.json, d.version);
    };
}

http::Handler Handlers::Update() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        json::object b =
            api::Body(req, {"name", "level", "parent_id", "geometry", "zips", "excluded_zips", "user_ids"});
        markets::Doc d =
            co_await Svc(s).Update(api::Who(req), id, InputOf(req, b), api::IfMatch(req), api::Client(req));
        co_return api::JsonText(200, d.json, d.version);
    };
}

http::Handler Handlers::Delete() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        co_await Svc(s).Delete(api::Who(req), api::PathUuid(req), api::IfMatch(req), api::Client(req));
        co_return Response::Text(204, "");
    };
}

http::Handler Handlers::Physicians() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string body = co_await Svc(s).Physicians(api::Who(req), api::PathUuid(req), api::Limit(req),
                                                      api::QueryStr(req, "cursor"));
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::Deciles() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        std::string body =
            co_await Svc(s).Deciles(api::Who(req), id, MarketParam(req), api::QueryInt(req, "year", 2000, 2100));
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::Balance() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        std::string body = co_await Svc(s).Balance(api::Who(req), id, MarketParam(req));
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::Alignment() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        std::string market = MarketParam(req);
        int max_moves = static_cast<int>(api::QueryInt(req, "max_moves", 1, 200).value_or(20));
        std::string body = co_await Svc(s).Alignment(api::Who(req), id, market, max_moves);
        co_return api::JsonText(200, std::move(body));
    };
}

http::Handler Handlers::AcceptAlignment() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        std::string id = api::PathUuid(req);
        json::object b = api::Body(req, {"moves"});
        const json::value* mv = b.if_contains("moves");
        if (mv == nullptr || !mv->is_array()) {
            throw core::Invalid("moves", "is required: the moves of a suggestion");
        }
        if (mv->as_array().size() > 500) {
            throw core::Invalid("moves", "at most 500 moves");
        }
        std::vector<MoveInput> moves;
        for (size_t i = 0; i < mv->as_array().size(); ++i) {
            const json::value& m = mv->as_array()[i];
            std::string f = "moves[" + std::to_string(i) + "]";
            if (!m.is_object()) {
                throw core::Invalid(f, "must be an object {zip, from_territory_id, to_territory_id}");
            }
            // Moves are echoed from a suggestion: extra fields (names, counts) are allowed and ignored.
            auto zip = api::Str(m.as_object(), "zip", 5);
            auto from = api::Str(m.as_object(), "from_territory_id", 36);
            auto to = api::Str(m.as_object(), "to_territory_id", 36);
            if (!zip || !from || !to) {
                throw core::Invalid(f, "needs zip, from_territory_id and to_territory_id");
            }
            moves.push_back({*zip, *from, *to});
        }
        std::string body = co_await Svc(s).AcceptAlignment(api::Who(req), id, std::move(moves), api::Client(req));
        co_return api::JsonText(200, std::move(body));
    };
}

}  // namespace rounds::territories
