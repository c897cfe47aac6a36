#include "auth/sso.h"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "auth/crypto.h"
#include "auth/saml.h"
#include "auth/sql.h"
#include "core/error.h"
#include "core/log.h"
#include "tenancy/tenancy.h"

namespace rounds::auth {

namespace asio = boost::asio;
namespace json = boost::json;
using core::Error;
using core::ErrorKind;
using tenancy::Scope;
using tenancy::TenantId;

namespace {

/// Pre-authentication work in an organisation (reading its SSO connection, writing a sign-in state,
/// provisioning a user) runs with this user id and the narrowest role: RLS keys on the organisation, and no
/// user has this id.
const std::string kSystemUser = "00000000-0000-0000-0000-000000000000";

/// A sign-in that is refused; `category` goes to the browser (?error=), `detail` to the audit log.
struct SsoDenied {
    std::string category, detail;
};

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string Trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return "";
    }
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

bool ValidSlug(std::string_view s) {
    if (s.empty() || s.size() > 63) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

bool ValidDomain(std::string_view d) {
    if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.' || d.find('.') == std::string_view::npos) {
        return false;
    }
    for (char c : d) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
            return false;
        }
    }
    return true;
}

bool ValidEmail(const std::string& email) {
    auto at = email.find('@');
    return email.size() >= 3 && email.size() <= 254 && at != std::string::npos && at > 0 && at < email.size() - 1 &&
           email.find('@', at + 1) == std::string::npos && email.find_first_of(" \t\r\n,;<>\"'") == std::string::npos;
}

std::string ArrayLiteral(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        out += (i ? "," : "") + items[i];  // domains are validated to [a-z0-9.-]: nothing to quote
    }
    return out + "}";
}

std::vector<std::string> ParseArray(std::string_view text) {
    std::vector<std::string> out;
    if (text.size() < 2) {
        return out;
    }
    text = text.substr(1, text.size() - 2);
    while (!text.empty()) {
        auto comma = text.find(',');
        out.emplace_back(text.substr(0, comma));
        if (comma == std::string_view::npos) {
            break;
        }
        text = text.substr(comma + 1);
    }
    return out;
}

std::optional<std::string> ValidReturnTo(const std::optional<std::string>& r) {
    if (!r || r->empty()) {
        return std::nullopt;
    }
    // Only a path of this site: no scheme, no //host, no backslash tricks.
    if (r->size() > 500 || r->front() != '/' || r->starts_with("//") || r->find('\\') != std::string::npos ||
        r->find_first_of("\r\n\t ") != std::string::npos) {
        throw core::Invalid("return_to", "must be a path on this site, starting with a single /");
    }
    return r;
}

std::string Landing(const std::string& base, const SsoSettings& s, const std::string& query) {
    return base + s.web_landing_path + "?" + query;
}

}  // namespace

struct SsoService::Connection {
    bool enabled = true;
    std::string issuer, client_id, client_secret, scopes, idp_metadata, idp_entity_id, provisioning, default_role;
    bool client_secret_set = false;
    std::vector<std::string> allowed_domains;
    int64_t version = 0;
    std::string updated_at, id;
};

struct SsoService::Identity {
    std::string protocol, issuer, subject, email, name;
    std::optional<bool> email_verified;
};

SsoService::SsoService(db::Pool& pool, asio::thread_pool& cpu_pool, SecretBox box, SsoSettings settings, Fetcher fetch,
                       Clock clock)
    : pool_(pool),
      cpu_pool_(cpu_pool),
      box_(std::move(box)),
      settings_(std::move(settings)),
      clock_(clock ? std::move(clock) : Clock([] {
          return static_cast<int64_t>(
              std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count());
      })),
      providers_(fetch ? std::move(fetch) : Fetcher([allow = settings_.allow_private_addresses](const FetchRequest& r) {
                     return CurlFetch(r, allow);
                 }),
                 clock_, settings_.metadata_ttl_seconds, 60) {}

template <typename F>
asio::awaitable<std::invoke_result_t<F>> SsoService::OnCpu(F f) {
    auto home = co_await asio::this_coro::executor;
    co_await asio::post(cpu_pool_, asio::use_awaitable);
    std::optional<std::invoke_result_t<F>> out;
    std::exception_ptr failure;
    try {
        out.emplace(f());
    } catch (...) {
        failure = std::current_exception();
    }
    co_await asio::post(home, asio::use_awaitable);
    if (failure) {
        std::rethrow_exception(failure);
    }
    co_return std::move(*out);
}

std::string SsoService::Base(const std::string& base_url) const {
    std::string b = settings_.public_url.empty() ? base_url : settings_.public_url;
    while (!b.empty() && b.back() == '/') {
        b.pop_back();
    }
    return b;
}

asio::awaitable<std::string> SsoService::OrgBySlug(db::Lease& lease, const std::string& slug) {
    co_await lease.Exec(sql::kSetOrgSlug, slug);
    db::Result r = co_await lease.Exec(sql::kOrgBySlug, slug);
    co_return r.Rows() == 1 ? std::string(r.Get(0, 0)) : std::string();
}

asio::awaitable<std::optional<SsoService::Connection>> SsoService::LoadConnection(db::Lease& lease,
                                                                                  const std::string& org_id,
                                                                                  const std::string& protocol) {
    db::Result r = co_await lease.Exec(sql::kSsoConnection, org_id, protocol);
    if (r.Rows() == 0) {
        co_return std::nullopt;
    }
    Connection c;
    c.enabled = r.GetBool(0, 0);
    c.issuer = r.GetOpt(0, 1).value_or("");
    c.client_id = r.GetOpt(0, 2).value_or("");
    if (auto sealed = r.GetOpt(0, 3)) {
        c.client_secret_set = true;
        auto open = box_.Open(*sealed, "sso-client-secret:" + org_id);
        c.client_secret = open.value_or("");
    }
    c.scopes = r.GetOpt(0, 4).value_or("");
    c.idp_metadata = r.GetOpt(0, 5).value_or("");
    c.idp_entity_id = r.GetOpt(0, 6).value_or("");
    c.provisioning = r.Get(0, 7);
    c.default_role = r.Get(0, 8);
    c.allowed_domains = ParseArray(r.Get(0, 9));
    c.version = r.GetInt(0, 10);
    c.updated_at = r.Get(0, 11);
    c.id = r.Get(0, 12);
    co_return c;
}

namespace {

SsoConnectionView ViewOf(const std::string& protocol, const auto& c) {
    SsoConnectionView v;
    v.protocol = protocol;
    v.enabled = c.enabled;
    v.issuer = c.issuer;
    v.client_id = c.client_id;
    v.client_secret_set = c.client_secret_set;
    v.scopes = c.scopes;
    v.idp_entity_id = c.idp_entity_id;
    v.provisioning = c.provisioning;
    v.default_role = c.default_role;
    v.allowed_domains = c.allowed_domains;
    v.version = c.version;
    v.updated_at = c.updated_at;
    return v;
}

std::string AuditJson(const SsoConnectionView& v) {
    json::array domains;
    for (const auto& d : v.allowed_domains) {
        domains.emplace_back(d);
    }
    json::object o{{"protocol", v.protocol},         {"enabled", v.enabled},       {"provisioning", v.provisioning},
                   {"default_role", v.default_role}, {"allowed_domains", domains}, {"version", v.version}};
    if (v.protocol == "oidc") {
        o["issuer"] = v.issuer;
        o["client_id"] = v.client_id;
        o["scopes"] = v.scopes;
        o["client_secret_set"] = v.client_secret_set;
    } else {
        o["idp_entity_id"] = v.idp_entity_id;
    }
    return json::serialize(o);
}

void CheckProtocol(const std::string& p) {
    if (p != "oidc" && p != "saml") {
        throw core::NotFound("no SSO protocol " + p);
    }
}

}  // namespace

asio::awaitable<SsoConnectionView> SsoService::GetConnection(const http::Principal& admin, std::string protocol) {
    CheckProtocol(protocol);
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    auto c = co_await LoadConnection(lease, scope.org.Str(), protocol);
    co_await tx.Commit();
    if (!c) {
        throw core::NotFound("no " + protocol + " connection is configured for your organisation");
    }
    co_return ViewOf(protocol, *c);
}

asio::awaitable<SsoConnectionView> SsoService::PutConnection(const http::Principal& admin, std::string protocol,
                                                             SsoConnectionInput in, ClientInfo client) {
    CheckProtocol(protocol);
    Scope scope = tenancy::ScopeOf(admin);
    // Validate everything that needs no database first.
    if (in.provisioning && *in.provisioning != "email" && *in.provisioning != "subject" && *in.provisioning != "auto") {
        throw core::Invalid("provisioning", "must be email, subject or auto");
    }
    if (in.default_role && *in.default_role != "rep" && *in.default_role != "manager" && *in.default_role != "admin") {
        throw core::Invalid("default_role", "must be rep, manager or admin");
    }
    if (in.allowed_domains) {
        if (in.allowed_domains->size() > 50) {
            throw core::Invalid("allowed_domains", "at most 50 domains");
        }
        for (auto& d : *in.allowed_domains) {
            d = Lower(Trim(d));
            if (!ValidDomain(d)) {
                throw core::Invalid("allowed_domains", "\"" + d + "\" is not a domain name");
            }
        }
    }
    std::string idp_entity_id;
    if (protocol == "oidc") {
        if (in.idp_metadata) {
            throw core::Invalid("idp_metadata", "belongs to a SAML connection");
        }
        if (in.issuer && (in.issuer->size() > 500 || !AllowedFetchUrl(*in.issuer) ||
                          in.issuer->find_first_of("?#") != std::string::npos)) {
            throw core::Invalid("issuer", "must be an https URL without query or fragment");
        }
        if (in.client_id && (in.client_id->empty() || in.client_id->size() > 255)) {
            throw core::Invalid("client_id", "must be 1 to 255 characters");
        }
        if (in.client_secret && in.client_secret->size() > 1000) {
            throw core::Invalid("client_secret", "is too long");
        }
        if (in.scopes) {
            std::string s = " " + *in.scopes + " ";
            if (in.scopes->size() > 500 || s.find(" openid ") == std::string::npos ||
                in.scopes->find_first_of("\"&#?\r\n") != std::string::npos) {
                throw core::Invalid("scopes", "must be space-separated scopes including openid");
            }
        }
    } else {
        if (in.issuer || in.client_id || in.client_secret || in.scopes) {
            throw core::Invalid(in.issuer          ? "issuer"
                                : in.client_id     ? "client_id"
                                : in.client_secret ? "client_secret"
                                                   : "scopes",
                                "belongs to an OpenID Connect connection");
        }
        if (in.idp_metadata) {
            if (in.idp_metadata->size() > 200000) {
                throw core::Invalid("idp_metadata", "is too large");
            }
            std::string md = *in.idp_metadata;
            auto parse = [md] { return IdpEntityId(md); };
            idp_entity_id = co_await OnCpu(parse);
        }
    }
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    auto before = co_await LoadConnection(lease, scope.org.Str(), protocol);
    Connection after = before.value_or(Connection{});
    if (!before) {
        after.provisioning = "email";
        after.default_role = "rep";
        after.scopes = "openid email profile";
    }
    after.enabled = in.enabled.value_or(after.enabled);
    if (in.provisioning) {
        after.provisioning = *in.provisioning;
    }
    if (in.default_role) {
        after.default_role = *in.default_role;
    }
    if (in.allowed_domains) {
        after.allowed_domains = *in.allowed_domains;
    }
    std::optional<std::string> sealed;
    if (protocol == "oidc") {
        if (in.issuer) {
            after.issuer = *in.issuer;
        }
        if (in.client_id) {
            after.client_id = *in.client_id;
        }
        if (in.scopes) {
            after.scopes = Trim(*in.scopes);
        }
        if (in.client_secret) {
            sealed = box_.Seal(*in.client_secret, "sso-client-secret:" + scope.org.Str());
            after.client_secret_set = true;
        }
        if (after.issuer.empty() || after.client_id.empty()) {
            co_await tx.Rollback();
            throw core::Invalid(after.issuer.empty() ? "issuer" : "client_id", "is required");
        }
    } else {
        if (in.idp_metadata) {
            after.idp_metadata = *in.idp_metadata;
            after.idp_entity_id = idp_entity_id;
        }
        if (after.idp_metadata.empty()) {
            co_await tx.Rollback();
            throw core::Invalid("idp_metadata", "is required");
        }
    }
    db::Result r;
    if (protocol == "oidc") {
        r = co_await lease.Exec(sql::kUpsertOidc, scope.org.Str(), after.enabled ? "true" : "false", after.issuer,
                                after.client_id, sealed, after.scopes, after.provisioning, after.default_role,
                                ArrayLiteral(after.allowed_domains), scope.user_id);
    } else {
        r = co_await lease.Exec(sql::kUpsertSaml, scope.org.Str(), after.enabled ? "true" : "false", after.idp_metadata,
                                after.idp_entity_id, after.provisioning, after.default_role,
                                ArrayLiteral(after.allowed_domains), scope.user_id);
    }
    auto stored = co_await LoadConnection(lease, scope.org.Str(), protocol);
    SsoConnectionView view = ViewOf(protocol, *stored);
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = "admin.sso.update";
    e.target_type = "sso_connection";
    e.target_id = protocol;
    if (before) {
        e.before = AuditJson(ViewOf(protocol, *before));
    }
    e.after = AuditJson(view);
    e.detail = sealed ? "client secret replaced" : "";
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    co_return view;
}

asio::awaitable<void> SsoService::DeleteConnection(const http::Principal& admin, std::string protocol,
                                                   ClientInfo client) {
    CheckProtocol(protocol);
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    auto before = co_await LoadConnection(lease, scope.org.Str(), protocol);
    db::Result r = co_await lease.Exec(sql::kDeleteConnection, scope.org.Str(), protocol);
    if (r.Rows() == 0 || !before) {
        co_await tx.Rollback();
        throw core::NotFound("no " + protocol + " connection is configured for your organisation");
    }
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = "admin.sso.delete";
    e.target_type = "sso_connection";
    e.target_id = protocol;
    e.before = AuditJson(ViewOf(protocol, *before));
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
}

// ----- OpenID Connect --------------------------------------------------------------------------------------

asio::awaitable<SsoRedirect> SsoService::StartOidc(std::string slug, std::optional<std::string> return_to_in,
                                                   std::string base_url, ClientInfo client) {
    (void)client;
    auto return_to = ValidReturnTo(return_to_in);
    std::string base = Base(base_url);
    if (!ValidSlug(slug)) {
        throw core::NotFound("no organisation with OpenID Connect sign-in at " + slug);
    }
    std::string org_id;
    std::optional<Connection> conn;
    {
        auto lease = co_await pool_.Acquire();
        co_await lease.Command("BEGIN");
        org_id = co_await OrgBySlug(lease, slug);
        if (!org_id.empty()) {
            const Scope sys{TenantId(org_id), kSystemUser, "rep"};
            co_await tenancy::EnterScope(lease, sys);
            conn = co_await LoadConnection(lease, org_id, "oidc");
        }
        co_await lease.Command("COMMIT");
    }
    if (!conn || !conn->enabled) {
        throw core::NotFound("no organisation with OpenID Connect sign-in at " + slug);
    }
    std::string issuer = conn->issuer;
    // (Named lambdas: GCC 12 destroys temporaries inside a co_await expression twice.)
    auto discover = [this, issuer] { return providers_.Metadata(issuer); };
    OidcMetadata md = co_await OnCpu(discover);
    std::string state = NewOpaqueToken();
    std::string nonce = NewOpaqueToken();
    std::string verifier = NewOpaqueToken();  // 43 characters of base64url: RFC 7636's minimum length
    {
        auto lease = co_await pool_.Acquire();
        const Scope sys{TenantId(org_id), kSystemUser, "rep"};
        auto tx = co_await tenancy::Begin(lease, sys);
        co_await lease.Exec(sql::kPurgeStates, org_id);
        co_await lease.Exec(sql::kInsertState, org_id, "oidc", TokenHash(state), nonce, verifier, std::nullopt,
                            return_to, settings_.state_ttl_seconds);
        co_await tx.Commit();
    }
    std::string url = md.authorization_endpoint;
    url += url.find('?') == std::string::npos ? "?" : "&";
    url += "response_type=code&client_id=" + FormEncode(conn->client_id) +
           "&redirect_uri=" + FormEncode(base + "/api/v1/auth/sso/oidc/callback") +
           "&scope=" + FormEncode(conn->scopes) + "&state=" + FormEncode(state) + "&nonce=" + FormEncode(nonce) +
           "&code_challenge=" + PkceChallenge(verifier) + "&code_challenge_method=S256";
    co_return SsoRedirect{url};
}

asio::awaitable<SsoRedirect> SsoService::OidcCallback(std::optional<std::string> code, std::optional<std::string> state,
                                                      std::optional<std::string> idp_error, std::string base_url,
                                                      ClientInfo client) {
    std::string base = Base(base_url);
    if (!state || state->empty() || state->size() > 200) {
        throw core::Invalid("state", "is required");
    }
    std::optional<SsoDenied> denied;
    std::string org_id, nonce, verifier, return_to;
    {
        auto lease = co_await pool_.Acquire();
        co_await lease.Command("BEGIN");
        std::string hash = TokenHash(*state);
        co_await lease.Exec(sql::kSetTokenHash, hash);
        db::Result st = co_await lease.Exec(sql::kStateByHash, hash);
        if (st.Rows() == 0 || st.Get(0, 2) != "oidc") {
            denied = SsoDenied{"invalid_request", "oidc: unknown sign-in state"};
        } else {
            std::string id(st.Get(0, 0));
            org_id = st.Get(0, 1);
            nonce = st.GetOpt(0, 3).value_or("");
            verifier = st.GetOpt(0, 4).value_or("");
            return_to = st.GetOpt(0, 6).value_or("");
            const Scope sys{TenantId(org_id), kSystemUser, "rep"};
            co_await tenancy::EnterScope(lease, sys);
            if (st.GetBool(0, 7)) {
                denied = SsoDenied{"invalid_request", "oidc: the sign-in state was already used (replay)"};
            } else if (st.GetBool(0, 8)) {
                denied = SsoDenied{"invalid_request", "oidc: the sign-in state expired"};
            } else {
                db::Result used = co_await lease.Exec(sql::kUseState, org_id, id);
                if (used.Rows() == 0) {
                    denied = SsoDenied{"invalid_request", "oidc: the sign-in state was already used (replay)"};
                }
            }
        }
        // The state is spent whatever happens next.
        co_await lease.Command("COMMIT");
    }
    std::optional<Connection> conn;
    if (!denied) {
        auto lease = co_await pool_.Acquire();
        const Scope sys{TenantId(org_id), kSystemUser, "rep"};
        auto tx = co_await tenancy::Begin(lease, sys);
        conn = co_await LoadConnection(lease, org_id, "oidc");
        co_await tx.Commit();
        if (!conn || !conn->enabled) {
            denied = SsoDenied{"access_denied", "oidc: the connection is not configured or disabled"};
        } else if (idp_error) {
            denied = SsoDenied{"idp_error", "oidc: the identity provider answered " + idp_error->substr(0, 100)};
        } else if (!code || code->empty() || code->size() > 2000) {
            denied = SsoDenied{"invalid_request", "oidc: no authorization code"};
        }
    }
    std::optional<IdClaims> claims;
    if (!denied) {
        std::string why;
        std::string category;
        try {
            Connection c = *conn;
            std::string redirect_uri = base + "/api/v1/auth/sso/oidc/callback";
            std::string the_code = *code;
            IdTokenExpectations expect;
            expect.issuer = c.issuer;
            expect.audience = c.client_id;
            expect.nonce = nonce;
            expect.now = clock_();
            expect.leeway_seconds = settings_.leeway_seconds;
            auto redeem = [this, c, redirect_uri, the_code, verifier, expect] {
                OidcMetadata md = providers_.Metadata(c.issuer);
                FetchRequest req;
                req.method = "POST";
                req.url = md.token_endpoint;
                req.form = {{"grant_type", "authorization_code"},
                            {"code", the_code},
                            {"redirect_uri", redirect_uri},
                            {"code_verifier", verifier}};
                bool basic = md.token_auth_methods.empty() ||
                             std::find(md.token_auth_methods.begin(), md.token_auth_methods.end(),
                                       "client_secret_basic") != md.token_auth_methods.end();
                if (basic && !c.client_secret.empty()) {
                    req.basic_user = c.client_id;
                    req.basic_password = c.client_secret;
                } else {
                    req.form.emplace_back("client_id", c.client_id);
                    if (!c.client_secret.empty()) {
                        req.form.emplace_back("client_secret", c.client_secret);
                    }
                }
                FetchResponse r = providers_.Fetch()(req);
                boost::system::error_code ec;
                json::value v = json::parse(r.body, ec);
                if (r.status != 200 || ec || !v.is_object()) {
                    throw Error(ErrorKind::kUnavailable,
                                "the token endpoint answered HTTP " + std::to_string(r.status));
                }
                const json::value* id_token = v.as_object().if_contains("id_token");
                if (id_token == nullptr || !id_token->is_string()) {
                    throw IdTokenRejected("the token response has no id_token");
                }
                std::string token(id_token->as_string());
                auto keys = providers_.Keys(md.jwks_uri);
                std::string unknown_kid;
                try {
                    return VerifyIdToken(token, *keys, expect);
                } catch (const IdTokenRejected& e) {
                    if (!e.UnknownKey()) {
                        throw;
                    }
                    unknown_kid = e.Kid().empty() ? "(none)" : e.Kid();
                }
                // An unknown kid: the provider may have rotated its keys since we cached them.
                keys = providers_.Keys(md.jwks_uri, unknown_kid);
                return VerifyIdToken(token, *keys, expect);
            };
            claims = co_await OnCpu(redeem);
        } catch (const IdTokenRejected& e) {
            category = "invalid_token";
            why = std::string("oidc: ID token rejected: ") + e.what();
        } catch (const Error& e) {
            category = "idp_error";
            why = "oidc: " + e.Detail() + (e.Internal().empty() ? "" : " (" + e.Internal() + ")");
        }
        if (!category.empty()) {
            denied = SsoDenied{category, why};
        }
    }
    std::string location;
    if (!denied) {
        Identity id;
        id.protocol = "oidc";
        id.issuer = conn->issuer;
        id.subject = claims->subject;
        id.email = claims->email;
        id.name = claims->name;
        id.email_verified = claims->email_verified;
        auto lease = co_await pool_.Acquire();
        const Scope sys{TenantId(org_id), kSystemUser, "rep"};
        auto tx = co_await tenancy::Begin(lease, sys);
        bool rollback = false;
        try {
            location = co_await FinishSignIn(lease, org_id, *conn, id, base, return_to, client);
        } catch (const SsoDenied& d) {
            denied = d;
            rollback = true;
        }
        if (rollback) {
            co_await tx.Rollback();
        } else {
            co_await tx.Commit();
        }
    }
    if (denied) {
        co_return co_await Refuse(org_id, denied->category, denied->detail, base, client);
    }
    co_return SsoRedirect{location};
}

// A refused sign-in: audited (in the organisation when it is known), logged, and sent to the web client's landing
// page with only the error category.
asio::awaitable<SsoRedirect> SsoService::Refuse(const std::string& org_id, const std::string& category,
                                                const std::string& detail, const std::string& base,
                                                const ClientInfo& client) {
    auto lease = co_await pool_.Acquire();
    AuditEvent e;
    e.action = "auth.login";
    e.outcome = "failure";
    e.detail = detail;
    e.client = client;
    if (!org_id.empty()) {
        e.org_id = org_id;
        const Scope sys{TenantId(org_id), kSystemUser, "rep"};
        auto tx = co_await tenancy::Begin(lease, sys);
        co_await WriteAudit(lease, e);
        co_await tx.Commit();
    } else {
        co_await WriteAudit(lease, e);
    }
    core::LogInfo("sso_denied", {{"request_id", client.request_id}, {"org_id", org_id}, {"detail", detail}});
    co_return SsoRedirect{Landing(base, settings_, "error=" + category)};
}

// ----- Matching, provisioning and the hand-off -------------------------------------------------------------

asio::awaitable<std::string> SsoService::FinishSignIn(db::Lease& lease, const std::string& org_id,
                                                      const Connection& conn, const Identity& id,
                                                      const std::string& base, const std::string& return_to,
                                                      const ClientInfo& client) {
    const std::string tag = id.protocol + ": ";
    std::string email = Lower(Trim(id.email));
    bool usable_email = !email.empty() && ValidEmail(email) && id.email_verified.value_or(true);
    if (!conn.allowed_domains.empty()) {
        if (!usable_email) {
            throw SsoDenied{"access_denied", tag + "no verified e-mail address to check against the allowed domains"};
        }
        std::string domain = email.substr(email.find('@') + 1);
        if (std::find(conn.allowed_domains.begin(), conn.allowed_domains.end(), domain) == conn.allowed_domains.end()) {
            throw SsoDenied{"access_denied", tag + "e-mail domain " + domain + " is not allowed"};
        }
    }
    db::Result link = co_await lease.Exec(sql::kIdentityBySubject, org_id, id.issuer, id.subject);
    db::Result user;
    std::string how;
    bool provisioned = false;
    if (conn.provisioning == "email") {
        if (!usable_email) {
            throw SsoDenied{"access_denied", tag + "no verified e-mail address to match"};
        }
        user = co_await lease.Exec(sql::kSsoUserByEmail, org_id, email);
        how = "e-mail";
    } else if (link.Rows() == 1) {
        user = co_await lease.Exec(sql::kSsoUserById, org_id, std::string(link.Get(0, 0)));
        how = "subject";
    } else {
        if (usable_email) {
            user = co_await lease.Exec(sql::kSsoUserByEmail, org_id, email);
            how = "e-mail (first sign-in, now linked)";
            if (user.Rows() == 1) {
                db::Result other =
                    co_await lease.Exec(sql::kIdentityOfUser, org_id, std::string(user.Get(0, 0)), id.issuer);
                if (other.Rows() > 0) {
                    throw SsoDenied{"access_denied",
                                    tag + "the account is linked to another subject at this identity provider"};
                }
            }
        }
        if (user.Rows() == 0 && conn.provisioning == "auto") {
            if (!usable_email) {
                throw SsoDenied{"access_denied", tag + "cannot provision a user without a verified e-mail address"};
            }
            std::string name = Trim(id.name).empty() ? email.substr(0, email.find('@')) : Trim(id.name);
            if (name.size() > 200) {
                name.resize(200);
            }
            db::Result ins = co_await lease.Exec(sql::kSsoProvisionUser, org_id, email, name, conn.default_role);
            if (ins.Rows() == 0) {
                throw SsoDenied{"access_denied", tag + "cannot provision " + email + ": the address is taken"};
            }
            user = co_await lease.Exec(sql::kSsoUserById, org_id, std::string(ins.Get(0, 0)));
            provisioned = true;
            how = "provisioned as " + conn.default_role;
        }
    }
    if (user.Rows() == 0) {
        throw SsoDenied{"access_denied", tag + "no user of this organisation matches (" + conn.provisioning + " mode)"};
    }
    std::string user_id(user.Get(0, 0));
    std::string user_email(user.Get(0, 1));
    std::string role(user.Get(0, 2));
    std::string status(user.Get(0, 3));
    if (status == "disabled") {
        throw SsoDenied{"access_denied", tag + "account disabled"};
    }
    if (status == "invited") {
        co_await lease.Exec(sql::kSsoActivateInvited, org_id, user_id);
    }
    co_await lease.Exec(sql::kUpsertIdentity, org_id, user_id, id.protocol, id.issuer, id.subject);
    co_await lease.Exec(sql::kTouchLogin, org_id, user_id);
    std::string code = NewOpaqueToken();
    co_await lease.Exec(sql::kInsertHandoff, org_id, user_id, TokenHash(code), id.protocol,
                        settings_.handoff_ttl_seconds);
    AuditEvent e;
    e.org_id = org_id;
    e.actor_id = user_id;
    e.actor_email = user_email;
    e.target_type = "user";
    e.target_id = user_id;
    e.client = client;
    if (provisioned) {
        e.action = "auth.sso.provision";
        e.after =
            json::serialize(json::object{{"id", user_id}, {"email", user_email}, {"role", role}, {"status", "active"}});
        e.detail = tag + id.issuer;
        co_await WriteAudit(lease, e);
        e.after.reset();
    }
    e.action = "auth.login";
    e.detail = "sso " + id.protocol + " " + id.issuer + " (matched by " + how + ")";
    co_await WriteAudit(lease, e);
    std::string query = "code=" + code;
    if (!return_to.empty()) {
        query += "&return_to=" + FormEncode(return_to);
    }
    co_return Landing(base, settings_, query);
}

// ----- SAML 2.0 ---------------------------------------------------------------------------------------------

namespace {
SamlSp SpFor(const std::string& base, const std::string& slug) {
    return SamlSp{base + "/api/v1/auth/sso/" + slug + "/saml/metadata",
                  base + "/api/v1/auth/sso/" + slug + "/saml/acs"};
}
}  // namespace

asio::awaitable<std::string> SsoService::SamlMetadata(std::string slug, std::string base_url) {
    if (!ValidSlug(slug)) {
        throw core::NotFound("no organisation with SAML sign-in at " + slug);
    }
    std::string org_id;
    {
        auto lease = co_await pool_.Acquire();
        co_await lease.Command("BEGIN");
        org_id = co_await OrgBySlug(lease, slug);
        co_await lease.Command("COMMIT");
    }
    // Served for every existing organisation: an admin gives it to the IdP before SAML is configured here.
    if (org_id.empty()) {
        throw core::NotFound("no organisation with SAML sign-in at " + slug);
    }
    co_return SpMetadataXml(SpFor(Base(base_url), slug));
}

asio::awaitable<SsoRedirect> SsoService::StartSaml(std::string slug, std::optional<std::string> return_to_in,
                                                   std::string base_url, ClientInfo client) {
    (void)client;
    auto return_to = ValidReturnTo(return_to_in);
    std::string base = Base(base_url);
    if (!ValidSlug(slug)) {
        throw core::NotFound("no organisation with SAML sign-in at " + slug);
    }
    std::string org_id;
    std::optional<Connection> conn;
    {
        auto lease = co_await pool_.Acquire();
        co_await lease.Command("BEGIN");
        org_id = co_await OrgBySlug(lease, slug);
        if (!org_id.empty()) {
            const Scope sys{TenantId(org_id), kSystemUser, "rep"};
            co_await tenancy::EnterScope(lease, sys);
            conn = co_await LoadConnection(lease, org_id, "saml");
        }
        co_await lease.Command("COMMIT");
    }
    if (!conn || !conn->enabled) {
        throw core::NotFound("no organisation with SAML sign-in at " + slug);
    }
    std::string relay = NewOpaqueToken();
    SamlSp sp = SpFor(base, slug);
    std::string md = conn->idp_metadata;
    auto build = [sp, md, relay] { return BuildAuthnRequest(sp, md, relay); };
    SamlAuthnRequest req = co_await OnCpu(build);
    auto lease = co_await pool_.Acquire();
    const Scope sys{TenantId(org_id), kSystemUser, "rep"};
    auto tx = co_await tenancy::Begin(lease, sys);
    co_await lease.Exec(sql::kPurgeStates, org_id);
    co_await lease.Exec(sql::kInsertState, org_id, "saml", TokenHash(relay), std::nullopt, std::nullopt, req.request_id,
                        return_to, settings_.state_ttl_seconds);
    co_await tx.Commit();
    co_return SsoRedirect{req.redirect_url};
}

asio::awaitable<SsoRedirect> SsoService::SamlAcs(std::string slug, std::string saml_response, std::string relay_state,
                                                 std::string base_url, ClientInfo client) {
    std::string base = Base(base_url);
    if (!ValidSlug(slug)) {
        throw core::NotFound("no organisation with SAML sign-in at " + slug);
    }
    if (saml_response.empty() || saml_response.size() > 500000) {
        throw core::Invalid("SAMLResponse", "is required");
    }
    if (relay_state.empty() || relay_state.size() > 200) {
        throw core::Invalid("RelayState", "is required (IdP-initiated sign-in is not supported)");
    }
    std::optional<SsoDenied> denied;
    std::string org_id, state_id, request_id, return_to;
    std::optional<Connection> conn;
    {
        auto lease = co_await pool_.Acquire();
        co_await lease.Command("BEGIN");
        std::string slug_org = co_await OrgBySlug(lease, slug);
        std::string hash = TokenHash(relay_state);
        co_await lease.Exec(sql::kSetTokenHash, hash);
        db::Result st = co_await lease.Exec(sql::kStateByHash, hash);
        if (st.Rows() == 0 || st.Get(0, 2) != "saml" || slug_org.empty() || st.Get(0, 1) != slug_org) {
            denied = SsoDenied{"invalid_request", "saml: unknown sign-in state (RelayState)"};
            org_id = slug_org;
        } else {
            state_id = st.Get(0, 0);
            org_id = st.Get(0, 1);
            request_id = st.GetOpt(0, 5).value_or("");
            return_to = st.GetOpt(0, 6).value_or("");
            const Scope sys{TenantId(org_id), kSystemUser, "rep"};
            co_await tenancy::EnterScope(lease, sys);
            if (st.GetBool(0, 8)) {
                denied = SsoDenied{"invalid_request", "saml: the sign-in state expired"};
            }
            conn = co_await LoadConnection(lease, org_id, "saml");
            if (!denied && (!conn || !conn->enabled)) {
                denied = SsoDenied{"access_denied", "saml: the connection is not configured or disabled"};
            }
        }
        co_await lease.Command("COMMIT");
    }
    std::optional<SamlAssertion> assertion;
    if (!denied) {
        std::string why;
        try {
            SamlSp sp = SpFor(base, slug);
            std::string md = conn->idp_metadata;
            int64_t now = clock_();
            int64_t leeway = settings_.leeway_seconds;
            auto consume = [sp, md, saml_response, request_id, now, leeway] {
                return ConsumeResponse(sp, md, saml_response, request_id, now, leeway);
            };
            assertion = co_await OnCpu(consume);
        } catch (const SamlRejected& e) {
            why = std::string("saml: ") + e.what();
        }
        if (!why.empty()) {
            denied = SsoDenied{"invalid_token", why};
        }
    }
    std::string location;
    if (!org_id.empty() && !state_id.empty()) {
        auto lease = co_await pool_.Acquire();
        const Scope sys{TenantId(org_id), kSystemUser, "rep"};
        auto tx = co_await tenancy::Begin(lease, sys);
        bool rollback = false;
        if (!denied) {
            co_await lease.Exec(sql::kPurgeAssertions, org_id);
            db::Result seen = co_await lease.Exec(sql::kSeeAssertion, org_id, assertion->assertion_id,
                                                  assertion->not_on_or_after + settings_.leeway_seconds);
            if (seen.Rows() == 0) {
                denied = SsoDenied{"invalid_token", "saml: assertion " + assertion->assertion_id + " replayed"};
            }
        }
        db::Result used = co_await lease.Exec(sql::kUseState, org_id, state_id);
        if (!denied && used.Rows() == 0) {
            denied = SsoDenied{"invalid_request", "saml: the sign-in state was already used (replay)"};
        }
        if (!denied) {
            Identity id;
            id.protocol = "saml";
            id.issuer = assertion->idp_entity_id;
            id.subject = assertion->name_id;
            id.email = assertion->email;
            id.name = assertion->display_name;
            try {
                location = co_await FinishSignIn(lease, org_id, *conn, id, base, return_to, client);
            } catch (const SsoDenied& d) {
                denied = d;
                rollback = true;
            }
        }
        if (rollback) {
            // The sign-in is refused, but the state stays spent and the assertion stays seen.
            co_await tx.Rollback();
            auto again = co_await tenancy::Begin(lease, sys);
            co_await lease.Exec(sql::kUseState, org_id, state_id);
            co_await lease.Exec(sql::kSeeAssertion, org_id, assertion->assertion_id,
                                assertion->not_on_or_after + settings_.leeway_seconds);
            co_await again.Commit();
        } else {
            co_await tx.Commit();
        }
    }
    if (denied) {
        co_return co_await Refuse(org_id, denied->category, denied->detail, base, client);
    }
    co_return SsoRedirect{location};
}

}  // namespace rounds::auth
