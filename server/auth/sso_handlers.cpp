#include "auth/sso_handlers.h"

#include <boost/json.hpp>

#include "auth/handlers.h"
#include "core/error.h"
#include "http/json.h"

namespace rounds::auth {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

SsoService& Sso(SsoService* s) {
    if (s == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable, "single sign-on is not configured on this server");
    }
    return *s;
}

AuthService& Auth(AuthService* s) {
    if (s == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable, "the identity service is not configured");
    }
    return *s;
}

ClientInfo Client(const Request& req) {
    std::string ua(req.headers.Get("User-Agent").value_or(""));
    if (ua.size() > 300) {
        ua.resize(300);
    }
    return ClientInfo{req.remote_addr, ua, req.request_id};
}

const http::Principal& Who(const Request& req) {
    if (!req.principal) {
        throw core::Error(core::ErrorKind::kUnauthenticated, "authentication required");
    }
    return *req.principal;
}

/// This server as the browser reached it (used only when no public URL is configured).
std::string BaseUrl(const Request& req) {
    std::string host(req.headers.Get("Host").value_or("localhost"));
    if (host.find_first_of("/\\@ \r\n") != std::string::npos) {
        throw core::Invalid("Host", "is not a host name");
    }
    return "http://" + host;
}

std::optional<std::string> QueryStr(const Request& req, std::string_view key) {
    auto v = req.Query(key);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

Response Redirect(const std::string& location) {
    Response r;
    r.status = 302;
    r.headers.Set("Location", location);
    r.headers.Set("Cache-Control", "no-store");
    r.headers.Set("Referrer-Policy", "no-referrer");
    return r;
}

json::object Object(const Request& req, std::initializer_list<std::string_view> allowed) {
    json::value v = http::ParseJsonBody(req);
    if (!v.is_object()) {
        throw core::Invalid("body", "must be a JSON object");
    }
    for (const auto& [key, value] : v.as_object()) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
            throw core::Invalid(std::string(key), "cannot be set by this request");
        }
    }
    return std::move(v.as_object());
}

std::optional<std::string> Str(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_string()) {
        throw core::Invalid(std::string(key), "must be a string");
    }
    return std::string(v->as_string());
}

json::object ConnectionJson(const SsoConnectionView& v) {
    json::array domains;
    for (const auto& d : v.allowed_domains) {
        domains.emplace_back(d);
    }
    json::object o{{"protocol", v.protocol},         {"enabled", v.enabled},       {"provisioning", v.provisioning},
                   {"default_role", v.default_role}, {"allowed_domains", domains}, {"version", v.version},
                   {"updated_at", v.updated_at}};
    if (v.protocol == "oidc") {
        o["issuer"] = v.issuer;
        o["client_id"] = v.client_id;
        o["client_secret_set"] = v.client_secret_set;
        o["scopes"] = v.scopes;
    } else {
        o["idp_entity_id"] = v.idp_entity_id;
    }
    return o;
}

}  // namespace

http::Handler SsoHandlers::GetConnection(std::string protocol) const {
    return [&s = sso, protocol](Request& req) -> asio::awaitable<Response> {
        SsoConnectionView v = co_await Sso(s).GetConnection(Who(req), protocol);
        Response r = http::JsonResponse(200, ConnectionJson(v));
        r.headers.Set("ETag", "\"" + std::to_string(v.version) + "\"");
        co_return r;
    };
}

http::Handler SsoHandlers::PutConnection(std::string protocol) const {
    return [&s = sso, protocol](Request& req) -> asio::awaitable<Response> {
        json::object b =
            protocol == "oidc"
                ? Object(req, {"enabled", "issuer", "client_id", "client_secret", "scopes", "provisioning",
                               "default_role", "allowed_domains"})
                : Object(req, {"enabled", "idp_metadata", "provisioning", "default_role", "allowed_domains"});
        SsoConnectionInput in;
        if (const json::value* e = b.if_contains("enabled")) {
            if (!e->is_bool()) {
                throw core::Invalid("enabled", "must be true or false");
            }
            in.enabled = e->as_bool();
        }
        in.issuer = Str(b, "issuer");
        in.client_id = Str(b, "client_id");
        in.client_secret = Str(b, "client_secret");
        in.scopes = Str(b, "scopes");
        in.idp_metadata = Str(b, "idp_metadata");
        in.provisioning = Str(b, "provisioning");
        in.default_role = Str(b, "default_role");
        if (const json::value* d = b.if_contains("allowed_domains")) {
            if (!d->is_array()) {
                throw core::Invalid("allowed_domains", "must be an array of domain names");
            }
            std::vector<std::string> domains;
            for (const auto& x : d->as_array()) {
                if (!x.is_string()) {
                    throw core::Invalid("allowed_domains", "must be an array of domain names");
                }
                domains.emplace_back(x.as_string());
            }
            in.allowed_domains = std::move(domains);
        }
        SsoConnectionView v = co_await Sso(s).PutConnection(Who(req), protocol, std::move(in), Client(req));
        Response r = http::JsonResponse(200, ConnectionJson(v));
        r.headers.Set("ETag", "\"" + std::to_string(v.version) + "\"");
        co_return r;
    };
}

http::Handler SsoHandlers::DeleteConnection(std::string protocol) const {
    return [&s = sso, protocol](Request& req) -> asio::awaitable<Response> {
        co_await Sso(s).DeleteConnection(Who(req), protocol, Client(req));
        Response r;
        r.status = 204;
        co_return r;
    };
}

http::Handler SsoHandlers::OidcStart() const {
    return [&s = sso](Request& req) -> asio::awaitable<Response> {
        SsoRedirect to = co_await Sso(s).StartOidc(std::string(req.Param("slug")), QueryStr(req, "return_to"),
                                                   BaseUrl(req), Client(req));
        co_return Redirect(to.location);
    };
}

http::Handler SsoHandlers::OidcCallback() const {
    return [&s = sso](Request& req) -> asio::awaitable<Response> {
        SsoRedirect to = co_await Sso(s).OidcCallback(QueryStr(req, "code"), QueryStr(req, "state"),
                                                      QueryStr(req, "error"), BaseUrl(req), Client(req));
        co_return Redirect(to.location);
    };
}

http::Handler SsoHandlers::SamlMetadata() const {
    return [&s = sso](Request& req) -> asio::awaitable<Response> {
        std::string xml = co_await Sso(s).SamlMetadata(std::string(req.Param("slug")), BaseUrl(req));
        co_return Response::Text(200, std::move(xml), "application/samlmetadata+xml");
    };
}

http::Handler SsoHandlers::SamlStart() const {
    return [&s = sso](Request& req) -> asio::awaitable<Response> {
        SsoRedirect to = co_await Sso(s).StartSaml(std::string(req.Param("slug")), QueryStr(req, "return_to"),
                                                   BaseUrl(req), Client(req));
        co_return Redirect(to.location);
    };
}

http::Handler SsoHandlers::SamlAcs() const {
    return [&s = sso](Request& req) -> asio::awaitable<Response> {
        auto ct = req.headers.Get("Content-Type").value_or("");
        if (!ct.starts_with("application/x-www-form-urlencoded")) {
            throw core::Error(core::ErrorKind::kUnsupportedMediaType,
                              "the ACS takes the HTTP-POST binding (application/x-www-form-urlencoded)");
        }
        auto form = http::ParseQuery(req.body);
        if (!form) {
            throw core::Invalid("body", "is not a valid form");
        }
        std::string response, relay;
        for (const auto& [k, v] : *form) {
            if (k == "SAMLResponse") {
                response = v;
            } else if (k == "RelayState") {
                relay = v;
            }
        }
        SsoRedirect to = co_await Sso(s).SamlAcs(std::string(req.Param("slug")), std::move(response), std::move(relay),
                                                 BaseUrl(req), Client(req));
        co_return Redirect(to.location);
    };
}

http::Handler SsoHandlers::Exchange() const {
    return [&a = auth](Request& req) -> asio::awaitable<Response> {
        json::object b = Object(req, {"code"});
        TokenPair t = co_await Auth(a).ExchangeSsoCode(Str(b, "code").value_or(""), Client(req));
        co_return SsoTokensResponse(t, Auth(a).Settings().cookie_secure);
    };
}

}  // namespace rounds::auth
