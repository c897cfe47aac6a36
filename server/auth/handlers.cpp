#include "auth/handlers.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <set>

#include "core/error.h"
#include "http/json.h"
#include "http/problem.h"
#include "tenancy/tenancy.h"

namespace rounds::auth {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

AuthService& Svc(AuthService* s) {
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

/// The body as a JSON object whose fields are all in `allowed`. Anything else is refused by name, so a client
/// cannot slip org_id, id, role or status past a handler that would ignore it today and honour it tomorrow.
json::object Body(const Request& req, std::initializer_list<std::string_view> allowed, bool optional = false) {
    if (optional && req.body.empty()) {
        return {};
    }
    json::value v = http::ParseJsonBody(req);
    if (!v.is_object()) {
        throw core::Invalid("body", "must be a JSON object");
    }
    std::vector<core::FieldError> errors;
    for (const auto& [key, value] : v.as_object()) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
            errors.push_back({std::string(key), "cannot be set by this request"});
        }
    }
    if (!errors.empty()) {
        std::string detail = "fields that cannot be set: ";
        for (size_t i = 0; i < errors.size(); ++i) {
            detail += (i ? ", " : "") + errors[i].field;
        }
        throw core::Error(core::ErrorKind::kInvalid, detail, errors);
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

/// Absent → nullopt; null → optional(nullopt); string → the string.
std::optional<std::optional<std::string>> NullableStr(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_null()) {
        return std::optional<std::string>();
    }
    if (!v->is_string()) {
        throw core::Invalid(std::string(key), "must be a string or null");
    }
    return std::optional<std::string>(std::string(v->as_string()));
}

std::optional<bool> Bool(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_bool()) {
        throw core::Invalid(std::string(key), "must be true or false");
    }
    return v->as_bool();
}

std::optional<std::string> QueryStr(const Request& req, std::string_view key) {
    auto v = req.Query(key);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

Page PageOf(const Request& req) {
    Page p;
    if (auto l = req.Query("limit")) {
        int n = 0;
        auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
        if (ec != std::errc() || ptr != l->data() + l->size()) {
            throw core::Invalid("limit", "must be a whole number from 1 to 200");
        }
        p.limit = n;
    }
    p.cursor = QueryStr(req, "cursor");
    return p;
}

/// If-Match: "<version>" (quotes optional, W/ refused: versions are exact).
std::optional<int64_t> IfMatch(const Request& req) {
    auto h = req.headers.Get("If-Match");
    if (!h) {
        return std::nullopt;
    }
    std::string_view v = *h;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        v = v.substr(1, v.size() - 2);
    }
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
        throw core::Invalid("If-Match", "must be the ETag of the resource");
    }
    return n;
}

std::optional<std::string> Cookie(const Request& req, std::string_view name) {
    for (const auto& [k, v] : req.headers.All()) {
        if (!http::IEquals(k, "Cookie")) {
            continue;
        }
        std::string_view rest = v;
        while (!rest.empty()) {
            auto semi = rest.find(';');
            std::string_view part = rest.substr(0, semi);
            rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
            while (!part.empty() && part.front() == ' ') {
                part.remove_prefix(1);
            }
            auto eq = part.find('=');
            if (eq != std::string_view::npos && part.substr(0, eq) == name) {
                return std::string(part.substr(eq + 1));
            }
        }
    }
    return std::nullopt;
}

std::string RefreshCookie(const std::string& token, int64_t max_age, bool secure) {
    return std::string(kRefreshCookie) + "=" + token + "; Path=/api/v1/auth; Max-Age=" + std::to_string(max_age) +
           "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

json::value NullOr(const std::optional<std::string>& v) {
    return v ? json::value(*v) : json::value(nullptr);
}

json::object UserJson(const UserView& u) {
    json::object o{{"id", u.id},           {"email", u.email},           {"display_name", u.display_name},
                   {"role", u.role},       {"status", u.status},         {"mfa_enabled", u.mfa_enabled},
                   {"version", u.version}, {"created_at", u.created_at}, {"updated_at", u.updated_at}};
    o["manager_id"] = NullOr(u.manager_id);
    o["client_id"] = u.client_id.empty() ? json::value(nullptr) : json::value(u.client_id);
    o["last_login_at"] = u.last_login_at.empty() ? json::value(nullptr) : json::value(u.last_login_at);
    return o;
}

Response WithETag(Response r, int64_t version) {
    r.headers.Set("ETag", "\"" + std::to_string(version) + "\"");
    return r;
}

Response TokensResponse(const TokenPair& t, const std::vector<std::string>& recovery, bool secure) {
    json::object o{{"access_token", t.access_token},
                   {"token_type", "Bearer"},
                   {"expires_in", t.access_expires_in},
                   {"user", json::object{{"id", t.user_id}, {"org_id", t.org_id}, {"role", t.role}}}};
    if (!recovery.empty()) {
        json::array codes;
        for (const auto& c : recovery) {
            codes.emplace_back(c);
        }
        o["recovery_codes"] = std::move(codes);
    }
    Response r = http::JsonResponse(200, o);
    r.headers.Set("Set-Cookie", RefreshCookie(t.refresh_token, t.refresh_expires_in, secure));
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

Response LoginResponse(const LoginResult& res, bool secure) {
    if (res.tokens) {
        return TokensResponse(*res.tokens, res.recovery_codes, secure);
    }
    json::object o{
        {"mfa_required", true}, {"challenge", res.challenge}, {"enrolment_required", res.enrolment_required}};
    Response r = http::JsonResponse(200, o);
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

const http::Principal& Who(const Request& req) {
    if (!req.principal) {
        throw core::Error(core::ErrorKind::kUnauthenticated, "authentication required");
    }
    return *req.principal;
}

std::string PathId(const Request& req) {
    return std::string(req.Param("id"));
}

}  // namespace

http::Response SsoTokensResponse(const TokenPair& tokens, bool cookie_secure) {
    return TokensResponse(tokens, {}, cookie_secure);
}

http::Handler Handlers::Login() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"email", "password"});
        LoginResult res =
            co_await Svc(s).Login(Str(b, "email").value_or(""), Str(b, "password").value_or(""), Client(req));
        co_return LoginResponse(res, Svc(s).Settings().cookie_secure);
    };
}

http::Handler Handlers::Mfa() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"challenge", "code"});
        LoginResult res =
            co_await Svc(s).CompleteMfa(Str(b, "challenge").value_or(""), Str(b, "code").value_or(""), Client(req));
        co_return LoginResponse(res, Svc(s).Settings().cookie_secure);
    };
}

http::Handler Handlers::Refresh() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"refresh_token"}, true);
        std::string token = Cookie(req, kRefreshCookie).value_or(Str(b, "refresh_token").value_or(""));
        TokenPair t = co_await Svc(s).Refresh(token, Client(req));
        co_return TokensResponse(t, {}, Svc(s).Settings().cookie_secure);
    };
}

http::Handler Handlers::Logout() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"refresh_token"}, true);
        std::string token = Cookie(req, kRefreshCookie).value_or(Str(b, "refresh_token").value_or(""));
        co_await Svc(s).Logout(token, req.principal, Client(req));
        Response r;
        r.status = 204;
        r.headers.Set("Set-Cookie", RefreshCookie("", 0, Svc(s).Settings().cookie_secure));
        co_return r;
    };
}

http::Handler Handlers::AcceptInvite() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"token", "password"});
        co_await Svc(s).AcceptInvite(Str(b, "token").value_or(""), Str(b, "password").value_or(""), Client(req));
        Response r;
        r.status = 204;
        co_return r;
    };
}

http::Handler Handlers::MfaEnroll() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"challenge"}, true);
        MfaEnrolment e = co_await Svc(s).BeginEnrolment(req.principal, Str(b, "challenge").value_or(""), Client(req));
        Response r = http::JsonResponse(
            200, json::object{{"secret", e.secret}, {"otpauth_uri", e.otpauth_uri}, {"qr_svg", e.qr_svg}});
        r.headers.Set("Cache-Control", "no-store");
        co_return r;
    };
}

http::Handler Handlers::MfaConfirm() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"code"});
        std::vector<std::string> codes =
            co_await Svc(s).ConfirmEnrolment(Who(req), Str(b, "code").value_or(""), Client(req));
        json::array a;
        for (const auto& c : codes) {
            a.emplace_back(c);
        }
        Response r = http::JsonResponse(200, json::object{{"mfa_enabled", true}, {"recovery_codes", std::move(a)}});
        r.headers.Set("Cache-Control", "no-store");
        co_return r;
    };
}

http::Handler Handlers::MfaDisable() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"code"});
        co_await Svc(s).DisableMfa(Who(req), Str(b, "code").value_or(""), Client(req));
        Response r;
        r.status = 204;
        co_return r;
    };
}

http::Handler Handlers::Me() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        UserView u = co_await Svc(s).Me(Who(req));
        json::object o = UserJson(u);
        o["org_id"] = Who(req).org_id;
        co_return WithETag(http::JsonResponse(200, o), u.version);
    };
}

http::Handler Handlers::UpdateMe() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"display_name"});
        UserView u = co_await Svc(s).UpdateMe(Who(req), Str(b, "display_name"), IfMatch(req), Client(req));
        json::object o = UserJson(u);
        o["org_id"] = Who(req).org_id;
        co_return WithETag(http::JsonResponse(200, o), u.version);
    };
}

http::Handler Handlers::Team() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        UserList l = co_await Svc(s).Team(Who(req));
        json::array items;
        for (const auto& u : l.items) {
            items.push_back(UserJson(u));
        }
        co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
    };
}

http::Handler Handlers::ListUsers() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        UserList l = co_await Svc(s).ListUsers(Who(req), PageOf(req), QueryStr(req, "role"), QueryStr(req, "status"));
        json::array items;
        for (const auto& u : l.items) {
            items.push_back(UserJson(u));
        }
        co_return http::JsonResponse(200,
                                     json::object{{"items", std::move(items)}, {"next_cursor", NullOr(l.next_cursor)}});
    };
}

http::Handler Handlers::CreateUser() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"email", "display_name", "role", "manager_id", "client_id"});
        UserInput in;
        in.email = Str(b, "email");
        in.display_name = Str(b, "display_name");
        in.role = Str(b, "role");
        in.manager_id = NullableStr(b, "manager_id");
        in.client_id = Str(b, "client_id");
        CreatedUser c = co_await Svc(s).CreateUser(Who(req), std::move(in), Client(req));
        json::object o = UserJson(c.user);
        if (c.invite_token) {
            o["invite_token"] = *c.invite_token;
        }
        Response r = WithETag(http::JsonResponse(c.created ? 201 : 200, o), c.user.version);
        r.headers.Set("Location", "/api/v1/admin/users/" + c.user.id);
        r.headers.Set("Cache-Control", "no-store");
        co_return r;
    };
}

http::Handler Handlers::GetUser() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        UserView u = co_await Svc(s).GetUser(Who(req), PathId(req));
        co_return WithETag(http::JsonResponse(200, UserJson(u)), u.version);
    };
}

http::Handler Handlers::UpdateUser() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"display_name", "role", "manager_id", "status"});
        UserInput in;
        in.display_name = Str(b, "display_name");
        in.role = Str(b, "role");
        in.manager_id = NullableStr(b, "manager_id");
        in.status = Str(b, "status");
        UserView u = co_await Svc(s).UpdateUser(Who(req), PathId(req), std::move(in), IfMatch(req), Client(req));
        co_return WithETag(http::JsonResponse(200, UserJson(u)), u.version);
    };
}

http::Handler Handlers::DisableUser() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        UserView u = co_await Svc(s).DisableUser(Who(req), PathId(req), Client(req));
        co_return WithETag(http::JsonResponse(200, UserJson(u)), u.version);
    };
}

http::Handler Handlers::ResetMfa() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        UserView u = co_await Svc(s).ResetMfa(Who(req), PathId(req), Client(req));
        co_return WithETag(http::JsonResponse(200, UserJson(u)), u.version);
    };
}

http::Handler Handlers::GetOrg() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        OrgView o = co_await Svc(s).GetOrg(Who(req));
        co_return WithETag(http::JsonResponse(200, json::object{{"id", o.id},
                                                                {"name", o.name},
                                                                {"slug", o.slug},
                                                                {"mfa_required", o.mfa_required},
                                                                {"version", o.version}}),
                           o.version);
    };
}

http::Handler Handlers::UpdateOrg() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        json::object b = Body(req, {"name", "mfa_required"});
        OrgView o = co_await Svc(s).UpdateOrg(Who(req), Str(b, "name"), Bool(b, "mfa_required"), Client(req));
        co_return WithETag(http::JsonResponse(200, json::object{{"id", o.id},
                                                                {"name", o.name},
                                                                {"slug", o.slug},
                                                                {"mfa_required", o.mfa_required},
                                                                {"version", o.version}}),
                           o.version);
    };
}

http::Handler Handlers::ListAudit() const {
    return [&s = service](Request& req) -> asio::awaitable<Response> {
        AuditFilter f;
        f.action = QueryStr(req, "action");
        f.actor_id = QueryStr(req, "actor_id");
        f.outcome = QueryStr(req, "outcome");
        f.since = QueryStr(req, "since");
        f.until = QueryStr(req, "until");
        f.target_id = QueryStr(req, "target_id");
        AuditList l = co_await Svc(s).ListAudit(Who(req), PageOf(req), std::move(f));
        json::array items;
        for (const auto& a : l.items) {
            auto parsed = [](const std::optional<std::string>& text) {
                return text ? json::parse(*text) : json::value(nullptr);
            };
            items.push_back(json::object{{"id", a.id},
                                         {"at", a.at},
                                         {"action", a.action},
                                         {"outcome", a.outcome},
                                         {"actor_id", NullOr(a.actor_id)},
                                         {"actor_email", NullOr(a.actor_email)},
                                         {"target_type", NullOr(a.target_type)},
                                         {"target_id", NullOr(a.target_id)},
                                         {"before", parsed(a.before)},
                                         {"after", parsed(a.after)},
                                         {"detail", NullOr(a.detail)},
                                         {"ip", NullOr(a.ip)},
                                         {"user_agent", NullOr(a.user_agent)},
                                         {"request_id", NullOr(a.request_id)}});
        }
        co_return http::JsonResponse(200,
                                     json::object{{"items", std::move(items)}, {"next_cursor", NullOr(l.next_cursor)}});
    };
}

namespace {

int Rank(std::string_view role) {
    return role == "admin" ? 3 : role == "manager" ? 2 : role == "rep" ? 1 : 0;
}

Response Unauthorized(const Request& req, std::string_view detail) {
    Response r = http::Problem(401, detail, req.request_id);
    r.headers.Set("WWW-Authenticate", "Bearer realm=\"rounds\"");
    return r;
}

}  // namespace

http::Middleware Authenticate(const http::Router& router, AuthService*& service) {
    return [&router, &service](Request& req, const http::Handler& next) -> asio::awaitable<Response> {
        const http::Route* route = req.route;
        if (route == nullptr) {
            route = router.Find(req.method, req.path).route;
        }
        std::optional<std::string> failure;
        if (auto h = req.headers.Get("Authorization")) {
            std::string_view v = *h;
            if (v.size() > 7 && http::IEquals(v.substr(0, 7), "Bearer ")) {
                try {
                    AccessClaims c = Svc(service).Signer().Verify(v.substr(7), Svc(service).Now());
                    if (!tenancy::IsUuid(c.user_id) || !tenancy::IsUuid(c.org_id) || Rank(c.role) == 0) {
                        throw core::Error(core::ErrorKind::kUnauthenticated, "invalid access token: bad claims");
                    }
                    req.principal = http::Principal{c.user_id, c.org_id, c.role, c.session_id};
                } catch (const core::Error& e) {
                    failure = e.Detail();
                }
            } else {
                failure = "the Authorization header must be \"Bearer <access token>\"";
            }
        }
        // A valid signature is not enough: the user must still be active with that role (cached briefly).
        bool still_valid = true;
        if (req.principal) {
            still_valid = co_await Svc(service).StillValid(*req.principal);
        }
        if (!still_valid) {
            req.principal.reset();
            failure = "the account was disabled or its role changed; sign in again";
        }
        http::Access access = route != nullptr ? route->access : http::Access::kPublic;
        if (access != http::Access::kPublic) {
            if (!req.principal) {
                co_return Unauthorized(req, failure.value_or("authentication required: send an access token"));
            }
            int need = access == http::Access::kAdmin ? 3 : access == http::Access::kManager ? 2 : 1;
            if (Rank(req.principal->role) < need) {
                co_return http::Problem(403, "your role may not use this endpoint", req.request_id);
            }
        }
        co_return co_await next(req);
    };
}

http::Middleware RateLimit(RateLimiter& limiter, std::function<double()> now, SharedRateLimit shared) {
    return [&limiter, now = std::move(now), shared = std::move(shared)](
               Request& req, const http::Handler& next) -> asio::awaitable<Response> {
        if (req.path.starts_with("/api/")) {
            std::vector<std::string> keys{"ip:" + req.remote_addr};
            if (req.principal) {
                keys.push_back("user:" + req.principal->user_id);
            }
            std::optional<double> shared_wait;
            if (shared) {
                shared_wait = co_await shared(keys);
            }
            double wait = 0;
            if (shared_wait) {
                wait = *shared_wait;
            } else {
                const double t = now();
                for (const std::string& k : keys) {
                    wait = std::max(wait, limiter.Take(k, t));
                }
            }
            if (wait > 0) {
                Response r = http::Problem(429, "too many requests; slow down", req.request_id);
                r.headers.Set("Retry-After", std::to_string(static_cast<int>(std::ceil(wait))));
                co_return r;
            }
        }
        co_return co_await next(req);
    };
}

}  // namespace rounds::auth
