#pragma once

#include "auth/service.h"
#include "auth/sso.h"
#include "http/router.h"

namespace rounds::auth {

/// HTTP handlers of single sign-on: the admin API for an organisation's OIDC / SAML connection, the browser
/// redirects of the sign-in flows, and the exchange of the one-time hand-off code for tokens.
struct SsoHandlers {
    SsoService*& sso;
    AuthService*& auth;

    http::Handler GetConnection(std::string protocol) const;
    http::Handler PutConnection(std::string protocol) const;
    http::Handler DeleteConnection(std::string protocol) const;
    http::Handler OidcStart() const;
    http::Handler OidcCallback() const;
    http::Handler SamlMetadata() const;
    http::Handler SamlStart() const;
    http::Handler SamlAcs() const;
    http::Handler Exchange() const;
};

}  // namespace rounds::auth
