#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/http_fetch.h"
#include "auth/oidc.h"
#include "auth/secret_box.h"
#include "auth/service.h"
#include "db/pool.h"
#include "http/request.h"

namespace boost::asio {
class thread_pool;
}

namespace rounds::auth {

struct SsoSettings {
    std::string public_url;  // scheme://host[:port] of this server; empty: taken from the Host header
    std::string web_landing_path = "/sso/complete";  // where the web client receives the one-time code
    int state_ttl_seconds = 600;                     // a sign-in must come back from the IdP within this
    int handoff_ttl_seconds = 60;                    // the one-time code's lifetime
    int leeway_seconds = 60;                         // clock skew tolerated on exp/iat/nbf, NotBefore/NotOnOrAfter
    int metadata_ttl_seconds = 3600;                 // discovery documents and key sets are cached this long
    bool allow_private_addresses = false;            // OIDC back channel may reach loopback/private addresses (tests)
};

/// An organisation's SSO connection as the admin API shows it (never the client secret).
struct SsoConnectionView {
    std::string protocol;
    bool enabled = true;
    std::string issuer, client_id, scopes;  // OIDC
    bool client_secret_set = false;
    std::string idp_entity_id;  // SAML
    std::string provisioning, default_role;
    std::vector<std::string> allowed_domains;
    int64_t version = 0;
    std::string updated_at;
};

/// What an admin sets. Absent fields keep their value on replace, except those required on create.
struct SsoConnectionInput {
    std::optional<bool> enabled;
    std::optional<std::string> issuer, client_id, client_secret, scopes;  // OIDC
    std::optional<std::string> idp_metadata;                              // SAML
    std::optional<std::string> provisioning, default_role;
    std::optional<std::vector<std::string>> allowed_domains;
};

/// Where a browser is sent next.
struct SsoRedirect {
    std::string location;
};

/// Single sign-on per organisation: OpenID Connect relying party (code flow + PKCE) and SAML 2.0 service
/// provider, user matching / provisioning, and the one-time code hand-off to the web client. The tokens
/// themselves come from AuthService::ExchangeSsoCode, exactly as for a password sign-in.
class SsoService {
  public:
    using Clock = std::function<int64_t()>;
    SsoService(db::Pool& pool, boost::asio::thread_pool& cpu_pool, SecretBox box, SsoSettings settings,
               Fetcher fetch = nullptr, Clock clock = nullptr);

    const SsoSettings& Settings() const { return settings_; }

    boost::asio::awaitable<SsoConnectionView> GetConnection(const http::Principal& admin, std::string protocol);
    boost::asio::awaitable<SsoConnectionView> PutConnection(const http::Principal& admin, std::string protocol,
                                                            SsoConnectionInput input, ClientInfo client);
    boost::asio::awaitable<void> DeleteConnection(const http::Principal& admin, std::string protocol,
                                                  ClientInfo client);

    /// `base_url` is this server as the browser reached it (used when no public URL is configured).
    boost::asio::awaitable<SsoRedirect> StartOidc(std::string slug, std::optional<std::string> return_to,
                                                  std::string base_url, ClientInfo client);
    boost::asio::awaitable<SsoRedirect> OidcCallback(std::optional<std::string> code, std::optional<std::string> state,
                                                     std::optional<std::string> error, std::string base_url,
                                                     ClientInfo client);

    boost::asio::awaitable<std::string> SamlMetadata(std::string slug, std::string base_url);
    boost::asio::awaitable<SsoRedirect> StartSaml(std::string slug, std::optional<std::string> return_to,
                                                  std::string base_url, ClientInfo client);
    boost::asio::awaitable<SsoRedirect> SamlAcs(std::string slug, std::string saml_response, std::string relay_state,
                                                std::string base_url, ClientInfo client);

  private:
    struct Connection;
    struct Identity;
    std::string Base(const std::string& base_url) const;
    boost::asio::awaitable<std::string> OrgBySlug(db::Lease& lease, const std::string& slug);
    boost::asio::awaitable<std::optional<Connection>> LoadConnection(db::Lease& lease, const std::string& org_id,
                                                                     const std::string& protocol);
    /// Finds or provisions the user per the connection's mode and writes the hand-off code; returns the
    /// redirect to the web client. Runs in the open tenant transaction; throws SsoDenied.
    boost::asio::awaitable<std::string> FinishSignIn(db::Lease& lease, const std::string& org_id,
                                                     const Connection& conn, const Identity& id,
                                                     const std::string& base, const std::string& return_to,
                                                     const ClientInfo& client);
    /// Audits and logs a refused sign-in; the redirect carries only `category`.
    boost::asio::awaitable<SsoRedirect> Refuse(const std::string& org_id, const std::string& category,
                                               const std::string& detail, const std::string& base,
                                               const ClientInfo& client);
    template <typename F>
    boost::asio::awaitable<std::invoke_result_t<F>> OnCpu(F f);

    db::Pool& pool_;
    boost::asio::thread_pool& cpu_pool_;
    SecretBox box_;
    SsoSettings settings_;
    Clock clock_;
    OidcProviders providers_;
};

}  // namespace rounds::auth
