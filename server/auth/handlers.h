#pragma once

#include <functional>

#include "auth/rate_limit.h"
#include "auth/service.h"
#include "http/router.h"
#include "http/server.h"

namespace rounds::auth {

/// HTTP handlers of the identity module: parse, call AuthService, serialise. Each takes a reference to the
/// service pointer held by the wiring, so the route table can be built before (or without) the service.
struct Handlers {
    AuthService*& service;

    http::Handler Login() const;
    http::Handler Mfa() const;
    http::Handler Refresh() const;
    http::Handler Logout() const;
    http::Handler AcceptInvite() const;
    http::Handler MfaEnroll() const;
    http::Handler MfaConfirm() const;
    http::Handler MfaDisable() const;
    http::Handler Me() const;
    http::Handler UpdateMe() const;
    http::Handler Team() const;
    http::Handler ListUsers() const;
    http::Handler CreateUser() const;
    http::Handler GetUser() const;
    http::Handler UpdateUser() const;
    http::Handler DisableUser() const;
    http::Handler ResetMfa() const;
    http::Handler GetOrg() const;
    http::Handler UpdateOrg() const;
    http::Handler ListAudit() const;
};

/// Authentication and access control: verifies a Bearer access token when present (sets req.principal), then
/// enforces the matched route's http::Access (401 without a valid token, 403 for a role below it). Public
/// routes stay public; an invalid token on a public route is ignored.
http::Middleware Authenticate(const http::Router& router, AuthService*& service);

/// Token-bucket rate limit on /api/ per client address and, when authenticated, per user; 429 problem+json
/// with Retry-After past it. `now` returns monotonic seconds.
http::Middleware RateLimit(RateLimiter& limiter, std::function<double()> now, SharedRateLimit shared = {});

/// The body and refresh cookie every sign-in ends with (password, MFA, refresh, SSO code exchange).
http::Response SsoTokensResponse(const TokenPair& tokens, bool cookie_secure);

/// The name of the httpOnly refresh cookie (Path=/api/v1/auth, SameSite=Strict).
inline constexpr std::string_view kRefreshCookie = "rounds_refresh";

}  // namespace rounds::auth
