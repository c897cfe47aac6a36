#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/jwt.h"
#include "auth/password.h"
#include "auth/secret_box.h"
#include "db/pool.h"
#include "http/request.h"
#include "tenancy/tenancy.h"

namespace boost::asio {
class thread_pool;
}

namespace rounds::auth {

/// Identity settings, filled by wiring from core::Config.
struct AuthSettings {
    Argon2Params argon2;
    int access_ttl_seconds = 600;
    int refresh_ttl_seconds = 30 * 24 * 3600;
    int mfa_challenge_ttl_seconds = 300;
    int invite_ttl_seconds = 7 * 24 * 3600;
    int lockout_threshold = 5;      // failed logins per account within the window
    int ip_lockout_threshold = 50;  // failed logins per client address within the window
    int lockout_window_seconds = 900;
    int lockout_seconds = 900;
    int max_queued_hashes = 64;          // Argon2 jobs waiting for the CPU pool; past it logins get 503
    std::string issuer_name = "Rounds";  // shown in authenticator apps
    bool cookie_secure = true;           // the refresh cookie's Secure flag (off only for plain-HTTP tests)
    int status_cache_seconds = 5;        // how long a user's status/role is trusted per instance (see StillValid)
};

/// Where a request came from, for the audit log and throttling.
struct ClientInfo {
    std::string ip;
    std::string user_agent;
    std::string request_id;
};

struct TokenPair {
    std::string access_token;
    int64_t access_expires_in = 0;
    std::string refresh_token;
    int64_t refresh_expires_in = 0;
    std::string user_id;
    std::string org_id;
    std::string role;
};

/// A login either yields tokens or an MFA challenge (then POST /auth/mfa finishes it).
struct LoginResult {
    std::optional<TokenPair> tokens;
    std::string challenge;
    bool enrolment_required = false;
    std::vector<std::string> recovery_codes;  // when this login completed an MFA enrolment
};

struct MfaEnrolment {
    std::string secret;  // base32
    std::string otpauth_uri;
    std::string qr_svg;
};

struct UserView {
    std::string id, email, display_name, role, status, created_at, updated_at, client_id, last_login_at;
    std::optional<std::string> manager_id;
    bool mfa_enabled = false;
    int64_t version = 0;
    std::string sort_key;  // created_at text, for cursors
};

struct Page {
    int limit = 50;
    std::optional<std::string> cursor;
};

struct UserList {
    std::vector<UserView> items;
    std::optional<std::string> next_cursor;
};

/// Fields an admin may set on a user. Absent optionals are left alone on update.
struct UserInput {
    std::optional<std::string> email, display_name, role, status, client_id;
    std::optional<std::optional<std::string>> manager_id;  // present-and-null clears the manager
};

struct CreatedUser {
    UserView user;
    std::optional<std::string> invite_token;  // shown once; absent when an idempotent retry found the user
    bool created = false;
};

struct OrgView {
    std::string id, name, slug;
    bool mfa_required = false;
    int64_t version = 0;
};

struct AuditFilter {
    std::optional<std::string> action, actor_id, outcome, since, until, target_id;
};

struct AuditEntry {
    std::string id, at, action, outcome;
    std::optional<std::string> actor_id, actor_email, target_type, target_id, before, after, detail, ip, user_agent,
        request_id;
};

struct AuditList {
    std::vector<AuditEntry> items;
    std::optional<std::string> next_cursor;
};

/// The identity service: login, MFA, tokens, users, org settings, audit. Holds no per-request state; every
/// database call goes through the pool and, for tenant data, a tenancy::Transaction.
class AuthService {
  public:
    using Clock = std::function<int64_t()>;  // unix seconds

    /// `secrets` seals TOTP secrets at rest (AES-256-GCM, bound to the user id); without it they are stored as
    /// before (unit tests). Legacy unsealed secrets are still read, and sealed at the user's next MFA sign-in.
    AuthService(db::Pool& pool, boost::asio::thread_pool& cpu_pool, TokenSigner signer, AuthSettings settings,
                Clock clock = nullptr, std::optional<SecretBox> secrets = std::nullopt);

    const TokenSigner& Signer() const { return signer_; }
    const AuthSettings& Settings() const { return settings_; }
    int64_t Now() const { return clock_(); }

    boost::asio::awaitable<LoginResult> Login(std::string email, std::string password, ClientInfo client);
    /// `code` is a 6-digit TOTP code or a recovery code.
    boost::asio::awaitable<LoginResult> CompleteMfa(std::string challenge, std::string code, ClientInfo client);
    boost::asio::awaitable<TokenPair> Refresh(std::string refresh_token, ClientInfo client);
    /// Revokes the refresh-token family of `refresh_token` (or of the principal's session when empty).
    boost::asio::awaitable<void> Logout(std::string refresh_token, std::optional<http::Principal> principal,
                                        ClientInfo client);
    boost::asio::awaitable<void> AcceptInvite(std::string token, std::string password, ClientInfo client);
    /// Trades the one-time code of a finished SSO sign-in (SsoService) for tokens, once, within its lifetime.
    boost::asio::awaitable<TokenPair> ExchangeSsoCode(std::string code, ClientInfo client);

    /// Starts (or restarts) TOTP enrolment for a signed-in user, or for the user of an enrolment challenge.
    boost::asio::awaitable<MfaEnrolment> BeginEnrolment(std::optional<http::Principal> principal, std::string challenge,
                                                        ClientInfo client);
    /// Confirms enrolment with a first code; returns the recovery codes (shown once).
    boost::asio::awaitable<std::vector<std::string>> ConfirmEnrolment(const http::Principal& principal,
                                                                      std::string code, ClientInfo client);
    boost::asio::awaitable<void> DisableMfa(const http::Principal& principal, std::string code, ClientInfo client);

    boost::asio::awaitable<UserView> Me(const http::Principal& principal);
    /// The caller's own profile: only display_name is theirs to change.
    boost::asio::awaitable<UserView> UpdateMe(const http::Principal& principal, std::optional<std::string> name,
                                              std::optional<int64_t> if_match, ClientInfo client);
    /// The caller and everyone below them in the team hierarchy (managers: transitively).
    boost::asio::awaitable<UserList> Team(const http::Principal& principal);

    boost::asio::awaitable<UserList> ListUsers(const http::Principal& admin, Page page, std::optional<std::string> role,
                                               std::optional<std::string> status);
    boost::asio::awaitable<UserView> GetUser(const http::Principal& admin, std::string id);
    boost::asio::awaitable<CreatedUser> CreateUser(const http::Principal& admin, UserInput input, ClientInfo client);
    boost::asio::awaitable<UserView> UpdateUser(const http::Principal& admin, std::string id, UserInput input,
                                                std::optional<int64_t> if_match, ClientInfo client);
    boost::asio::awaitable<UserView> DisableUser(const http::Principal& admin, std::string id, ClientInfo client);
    boost::asio::awaitable<UserView> ResetMfa(const http::Principal& admin, std::string id, ClientInfo client);

    boost::asio::awaitable<OrgView> GetOrg(const http::Principal& admin);
    boost::asio::awaitable<OrgView> UpdateOrg(const http::Principal& admin, std::optional<std::string> name,
                                              std::optional<bool> mfa_required, ClientInfo client);

    boost::asio::awaitable<AuditList> ListAudit(const http::Principal& admin, Page page, AuditFilter filter);

    /// Whether the bearer of a verified access token is still an active user with the token's role: a
    /// disabled (or demoted) user's access tokens stop working within `status_cache_seconds` on every
    /// instance, and at once on the instance that made the change. Looked up once per user per interval.
    boost::asio::awaitable<bool> StillValid(const http::Principal& principal);
    /// Drops a user's cached status (after an admin changed it).
    void ForgetStatus(const std::string& user_id);

  private:
    struct UserRow;
    boost::asio::awaitable<std::string> HashOnCpu(std::string password);
    boost::asio::awaitable<bool> VerifyOnCpu(std::string password, std::string encoded);
    boost::asio::awaitable<TokenPair> IssueTokens(db::Lease& lease, const tenancy::Scope& scope, std::string family_id,
                                                  const ClientInfo& client);
    boost::asio::awaitable<void> RecordFailure(db::Lease& lease, const std::string& email, const ClientInfo& client,
                                               std::optional<tenancy::Scope> scope, const std::string& detail);
    boost::asio::awaitable<UserView> LoadUser(db::Lease& lease, const tenancy::Scope& scope, const std::string& id);
    std::string SealTotp(const std::string& user_id, const std::string& base32) const;
    /// The base32 secret of a stored value (sealed or legacy plaintext); nullopt when absent or unopenable.
    std::optional<std::string> OpenTotp(const std::string& user_id, const std::optional<std::string>& stored) const;

    db::Pool& pool_;
    boost::asio::thread_pool& cpu_pool_;
    TokenSigner signer_;
    AuthSettings settings_;
    Clock clock_;
    std::optional<SecretBox> secrets_;
    std::atomic<int> queued_hashes_{0};
    std::string dummy_hash_;  // verified against when the account does not exist, so timing reveals nothing
    struct CachedStatus {
        std::string status, role;
        int64_t at = 0;
    };
    std::mutex status_mu_;
    std::unordered_map<std::string, CachedStatus> status_cache_;
};

/// An audit record; written in the caller's transaction so it commits or rolls back with the change.
struct AuditEvent {
    std::optional<std::string> org_id, actor_id, actor_email;
    std::string action;
    std::string outcome = "success";
    std::optional<std::string> target_type, target_id, before, after, detail;
    ClientInfo client;
};
boost::asio::awaitable<void> WriteAudit(db::Lease& lease, const AuditEvent& event);

}  // namespace rounds::auth
