#include "auth/service.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "auth/crypto.h"
#include "auth/sql.h"
#include "auth/totp.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/log.h"

namespace rounds::auth {

namespace asio = boost::asio;
namespace json = boost::json;
using core::Error;
using core::ErrorKind;
using tenancy::Scope;
using tenancy::TenantId;

namespace {

constexpr int kMaxMfaAttempts = 5;
constexpr int kRecoveryCodes = 10;

Error Unauthenticated(std::string detail) {
    return Error(ErrorKind::kUnauthenticated, std::move(detail));
}

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

std::string NormaliseEmail(std::string_view email) {
    return Lower(Trim(email));
}

void ValidateEmail(const std::string& email) {
    auto at = email.find('@');
    if (email.size() < 3 || email.size() > 254 || at == std::string::npos || at == 0 || at == email.size() - 1 ||
        email.find('@', at + 1) != std::string::npos || email.find_first_of(" \t\r\n,;<>\"'") != std::string::npos) {
        throw core::Invalid("email", "must be an e-mail address");
    }
}

bool ValidRole(std::string_view r) {
    return r == "rep" || r == "manager" || r == "admin";
}

std::optional<std::string> Opt(const db::Result& r, int row, int col) {
    auto v = r.GetOpt(row, col);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

UserView ViewFrom(const db::Result& r, int i) {
    UserView u;
    u.id = std::string(r.Get(i, 0));
    u.email = std::string(r.Get(i, 1));
    u.display_name = std::string(r.Get(i, 2));
    u.role = std::string(r.Get(i, 3));
    u.manager_id = Opt(r, i, 4);
    u.status = std::string(r.Get(i, 5));
    u.mfa_enabled = r.GetBool(i, 6);
    u.created_at = std::string(r.Get(i, 7));
    u.updated_at = std::string(r.Get(i, 8));
    u.version = r.GetInt(i, 9);
    u.client_id = Opt(r, i, 10).value_or("");
    u.last_login_at = Opt(r, i, 11).value_or("");
    u.sort_key = std::string(r.Get(i, 12));
    return u;
}

std::string AuditJson(const UserView& u) {
    json::object o{{"id", u.id},          {"email", u.email},   {"display_name", u.display_name},
                   {"role", u.role},      {"status", u.status}, {"mfa_enabled", u.mfa_enabled},
                   {"version", u.version}};
    o["manager_id"] = u.manager_id ? json::value(*u.manager_id) : json::value(nullptr);
    return json::serialize(o);
}

std::string EncodeCursor(const std::string& a, const std::string& b) {
    return Base64UrlEncode(a + "|" + b);
}

std::pair<std::string, std::string> DecodeCursor(const std::string& cursor) {
    auto raw = Base64UrlDecode(cursor);
    auto bar = raw ? raw->find('|') : std::string::npos;
    if (!raw || bar == std::string::npos || raw->size() > 200) {
        throw core::Invalid("cursor", "is not a cursor this API returned");
    }
    return {raw->substr(0, bar), raw->substr(bar + 1)};
}

int ClampLimit(int limit) {
    if (limit < 1 || limit > 200) {
        throw core::Invalid("limit", "must be from 1 to 200");
    }
    return limit;
}

std::string NormaliseRecoveryCode(std::string_view code) {
    std::string out;
    for (char c : code) {
        if (c != '-' && c != ' ') {
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    return out;
}

std::vector<std::string> NewRecoveryCodes() {
    std::vector<std::string> codes;
    for (int i = 0; i < kRecoveryCodes; ++i) {
        std::string raw = Lower(Base32Encode(RandomBytes(7)).substr(0, 10));  // 50 random bits
        codes.push_back(raw.substr(0, 5) + "-" + raw.substr(5));
    }
    return codes;
}

std::string KeysArray(const std::vector<std::string>& keys) {
    std::string out = "{";
    for (const auto& k : keys) {
        out += (out.size() > 1 ? ",\"" : "\"") + k + "\"";
    }
    return out + "}";
}

/// Decrements the queued-hash counter however the hashing coroutine ends.
struct QueueSlot {
    std::atomic<int>& counter;
    ~QueueSlot() { counter.fetch_sub(1); }
};

}  // namespace

/// The columns of sql::kUserById.
struct AuthService::UserRow {
    std::string id, org_id, email, display_name, role, status;
    std::optional<std::string> manager_id, mfa_secret, mfa_pending_secret, password_hash;
    std::optional<int64_t> mfa_last_step;
    bool mfa_enabled = false;

    static std::optional<UserRow> From(const db::Result& r) {
        if (r.Rows() == 0) {
            return std::nullopt;
        }
        UserRow u;
        u.id = std::string(r.Get(0, 0));
        u.org_id = std::string(r.Get(0, 1));
        u.email = std::string(r.Get(0, 2));
        u.display_name = std::string(r.Get(0, 3));
        u.role = std::string(r.Get(0, 4));
        u.manager_id = Opt(r, 0, 5);
        u.status = std::string(r.Get(0, 6));
        u.mfa_enabled = r.GetBool(0, 7);
        u.mfa_secret = Opt(r, 0, 12);
        u.mfa_pending_secret = Opt(r, 0, 13);
        if (!r.IsNull(0, 14)) {
            u.mfa_last_step = r.GetInt(0, 14);
        }
        u.password_hash = Opt(r, 0, 15);
        return u;
    }
};

AuthService::AuthService(db::Pool& pool, asio::thread_pool& cpu_pool, TokenSigner signer, AuthSettings settings,
                         Clock clock, std::optional<SecretBox> secrets)
    : pool_(pool),
      cpu_pool_(cpu_pool),
      signer_(std::move(signer)),
      settings_(std::move(settings)),
      clock_(clock ? std::move(clock) : Clock([] {
          return static_cast<int64_t>(
              std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count());
      })),
      secrets_(std::move(secrets)) {
    dummy_hash_ = HashPassword(NewOpaqueToken(), settings_.argon2);
}

std::string AuthService::SealTotp(const std::string& user_id, const std::string& base32) const {
    return secrets_ ? secrets_->Seal(base32, "totp:" + user_id) : base32;
}

std::optional<std::string> AuthService::OpenTotp(const std::string& user_id,
                                                 const std::optional<std::string>& stored) const {
    if (!stored) {
        return std::nullopt;
    }
    if (SecretBox::IsSealed(*stored)) {
        return secrets_ ? secrets_->Open(*stored, "totp:" + user_id) : std::nullopt;
    }
    return stored;  // legacy plaintext: sealed at the next MFA sign-in or by `rounds admin encrypt-secrets`
}

asio::awaitable<void> WriteAudit(db::Lease& lease, const AuditEvent& e) {
    co_await lease.Exec(sql::kInsertAudit, e.org_id, e.actor_id, e.actor_email, e.action, e.outcome, e.target_type,
                        e.target_id, e.before, e.after, e.detail, e.client.ip, e.client.user_agent,
                        e.client.request_id);
}

asio::awaitable<std::string> AuthService::HashOnCpu(std::string password) {
    if (queued_hashes_.fetch_add(1) >= settings_.max_queued_hashes) {
        queued_hashes_.fetch_sub(1);
        throw Error(ErrorKind::kUnavailable, "too many sign-ins in progress; retry shortly").WithRetryAfter(1);
    }
    QueueSlot slot{queued_hashes_};
    auto home = co_await asio::this_coro::executor;
    co_await asio::post(cpu_pool_, asio::use_awaitable);
    std::string out;
    std::exception_ptr failure;
    try {
        out = HashPassword(password, settings_.argon2);
    } catch (...) {
        failure = std::current_exception();
    }
    co_await asio::post(home, asio::use_awaitable);
    if (failure) {
        std::rethrow_exception(failure);
    }
    co_return out;
}

asio::awaitable<bool> AuthService::VerifyOnCpu(std::string password, std::string encoded) {
    if (queued_hashes_.fetch_add(1) >= settings_.max_queued_hashes) {
        queued_hashes_.fetch_sub(1);
        throw Error(ErrorKind::kUnavailable, "too many sign-ins in progress; retry shortly").WithRetryAfter(1);
    }
    QueueSlot slot{queued_hashes_};
    auto home = co_await asio::this_coro::executor;
    co_await asio::post(cpu_pool_, asio::use_awaitable);
    bool ok = VerifyPassword(password, encoded);
    co_await asio::post(home, asio::use_awaitable);
    co_return ok;
}

asio::awaitable<TokenPair> AuthService::IssueTokens(db::Lease& lease, const Scope& scope, std::string family_id,
                                                    const ClientInfo& client) {
    TokenPair t;
    t.refresh_token = NewOpaqueToken();
    t.refresh_expires_in = settings_.refresh_ttl_seconds;
    co_await lease.Exec(sql::kInsertRefresh, scope.org.Str(), scope.user_id, family_id, TokenHash(t.refresh_token),
                        settings_.refresh_ttl_seconds, client.ip, client.user_agent);
    AccessClaims c;
    c.user_id = scope.user_id;
    c.org_id = scope.org.Str();
    c.role = scope.role;
    c.session_id = family_id;
    c.token_id = NewUuid();
    c.issued_at = Now();
    c.not_before = c.issued_at;
    c.expires_at = c.issued_at + settings_.access_ttl_seconds;
    t.access_token = signer_.Sign(c);
    t.access_expires_in = settings_.access_ttl_seconds;
    t.user_id = scope.user_id;
    t.org_id = scope.org.Str();
    t.role = scope.role;
    co_return t;
}

asio::awaitable<void> AuthService::RecordFailure(db::Lease& lease, const std::string& email, const ClientInfo& client,
                                                 std::optional<Scope> scope, const std::string& detail) {
    if (scope) {
        co_await tenancy::Begin(lease, *scope);
    } else {
        co_await lease.Command("BEGIN");
    }
    std::string acct_key = "acct:" + core::Sha256Hex(email);
    std::string ip_key = "ip:" + client.ip;
    db::Result r = co_await lease.Exec(sql::kThrottleFail, acct_key, settings_.lockout_window_seconds);
    if (r.GetInt(0, 0) >= settings_.lockout_threshold) {
        co_await lease.Exec(sql::kThrottleLock, acct_key, settings_.lockout_seconds);
    }
    r = co_await lease.Exec(sql::kThrottleFail, ip_key, settings_.lockout_window_seconds);
    if (r.GetInt(0, 0) >= settings_.ip_lockout_threshold) {
        co_await lease.Exec(sql::kThrottleLock, ip_key, settings_.lockout_seconds);
    }
    AuditEvent e;
    if (scope) {
        e.org_id = scope->org.Str();
        e.target_type = "user";
        e.target_id = scope->user_id;
    }
    e.actor_email = email;
    e.action = "auth.login";
    e.outcome = "failure";
    e.detail = detail;
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await lease.Command("COMMIT");
}

asio::awaitable<LoginResult> AuthService::Login(std::string email_in, std::string password, ClientInfo client) {
    std::string email = NormaliseEmail(email_in);
    if (email.empty()) {
        throw core::Invalid("email", "is required");
    }
    if (email.size() > 254) {
        throw core::Invalid("email", "is too long");
    }
    if (password.empty()) {
        throw core::Invalid("password", "is required");
    }
    if (password.size() > 1024) {
        throw core::Invalid("password", "is too long");
    }
    std::string acct_key = "acct:" + core::Sha256Hex(email);
    std::string ip_key = "ip:" + client.ip;
    std::optional<UserRow> user;
    {
        auto lease = co_await pool_.Acquire();
        std::vector<std::string> keys{acct_key, ip_key};
        db::Result locked = co_await lease.Exec(sql::kThrottleLocked, KeysArray(keys));
        if (locked.Rows() > 0) {
            int retry = std::max<int>(1, static_cast<int>(locked.GetInt(0, 1)));
            AuditEvent e;
            e.actor_email = email;
            e.action = "auth.login";
            e.outcome = "failure";
            e.detail = std::string(locked.Get(0, 0).starts_with("ip:") ? "address" : "account") + " locked out";
            e.client = client;
            co_await WriteAudit(lease, e);
            throw Error(ErrorKind::kRateLimited, "too many failed sign-ins; try again later").WithRetryAfter(retry);
        }
        co_await lease.Command("BEGIN");
        co_await lease.Exec(sql::kSetLoginEmail, email);
        db::Result r = co_await lease.Exec(sql::kUserByEmail, email);
        co_await lease.Command("COMMIT");
        if (r.Rows() == 1) {
            UserRow u;
            u.id = std::string(r.Get(0, 0));
            u.org_id = std::string(r.Get(0, 1));
            u.role = std::string(r.Get(0, 2));
            u.status = std::string(r.Get(0, 3));
            u.password_hash = Opt(r, 0, 4);
            u.mfa_enabled = r.GetBool(0, 5);
            u.email = std::string(r.Get(0, 6));
            user = std::move(u);
        }
    }
    // The connection is back in the pool while Argon2 runs on the CPU pool.
    std::string encoded = user && user->password_hash ? *user->password_hash : dummy_hash_;
    bool ok = co_await VerifyOnCpu(password, encoded);
    bool active = user && user->status == "active" && user->password_hash.has_value();
    std::optional<std::string> rehash;
    if (ok && active && NeedsRehash(encoded, settings_.argon2)) {
        rehash = co_await HashOnCpu(password);
    }

    auto lease = co_await pool_.Acquire();
    if (!ok || !active) {
        std::optional<Scope> scope;
        if (user) {
            scope = Scope{TenantId(user->org_id), user->id, user->role};
        }
        std::string detail = !user ? "unknown account" : !ok ? "wrong password" : "account " + user->status;
        co_await RecordFailure(lease, email, client, scope, detail);
        throw Unauthenticated("invalid email or password");
    }
    co_await lease.Exec(sql::kThrottleClear, acct_key);
    Scope scope{TenantId(user->org_id), user->id, user->role};
    auto tx = co_await tenancy::Begin(lease, scope);
    if (rehash) {
        co_await lease.Exec(sql::kRehash, scope.org.Str(), scope.user_id, *rehash);
    }
    db::Result org = co_await lease.Exec(sql::kOrgMfaRequired, scope.org.Str());
    bool mfa_required = org.Rows() == 1 && org.GetBool(0, 0);
    LoginResult result;
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.actor_email = email;
    e.action = "auth.login";
    e.target_type = "user";
    e.target_id = scope.user_id;
    e.client = client;
    if (user->mfa_enabled || mfa_required) {
        result.challenge = NewOpaqueToken();
        result.enrolment_required = !user->mfa_enabled;
        co_await lease.Exec(sql::kInsertChallenge, scope.org.Str(), scope.user_id, TokenHash(result.challenge),
                            result.enrolment_required, settings_.mfa_challenge_ttl_seconds);
        e.detail = result.enrolment_required ? "password ok; MFA enrolment required" : "password ok; MFA challenge";
    } else {
        co_await lease.Exec(sql::kTouchLogin, scope.org.Str(), scope.user_id);
        result.tokens = co_await IssueTokens(lease, scope, NewUuid(), client);
        e.detail = "password";
    }
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    co_return result;
}

asio::awaitable<LoginResult> AuthService::CompleteMfa(std::string challenge, std::string code, ClientInfo client) {
    if (challenge.empty() || challenge.size() > 200) {
        throw core::Invalid("challenge", "is required");
    }
    if (code.empty() || code.size() > 40) {
        throw core::Invalid("code", "is required");
    }
    auto lease = co_await pool_.Acquire();
    co_await lease.Command("BEGIN");
    std::string hash = TokenHash(challenge);
    co_await lease.Exec(sql::kSetTokenHash, hash);
    db::Result c = co_await lease.Exec(sql::kChallengeByHash, hash);
    if (c.Rows() == 0 || c.GetBool(0, 5) || c.GetInt(0, 4) >= kMaxMfaAttempts) {
        co_await lease.Command("ROLLBACK");
        throw Unauthenticated("the sign-in challenge is invalid or expired; sign in again");
    }
    std::string challenge_id(c.Get(0, 0));
    std::string org_id(c.Get(0, 1));
    std::string user_id(c.Get(0, 2));
    bool enrol = c.GetBool(0, 3);
    // The role is not known yet; "rep" is the narrowest scope and enough to read the user row.
    // (named, not a temporary: GCC 12 destroys braced temporaries inside co_await expressions twice)
    const Scope lookup{TenantId(org_id), user_id, "rep"};
    co_await tenancy::EnterScope(lease, lookup);
    db::Result row = co_await lease.Exec(sql::kUserById, org_id, user_id);
    auto user = UserRow::From(row);
    if (!user || user->status != "active") {
        co_await lease.Command("ROLLBACK");
        throw Unauthenticated("the sign-in challenge is invalid or expired; sign in again");
    }
    Scope scope{TenantId(org_id), user_id, user->role};
    co_await tenancy::EnterScope(lease, scope);

    LoginResult result;
    bool ok = false;
    std::string method;
    std::optional<std::string> stored = enrol ? user->mfa_pending_secret : user->mfa_secret;
    std::optional<std::string> secret = OpenTotp(user_id, stored);
    std::optional<int64_t> step;
    if (secret) {
        auto key = Base32Decode(*secret);
        if (key) {
            step = VerifyTotp(*key, Trim(code), Now(), user->mfa_last_step);
        }
    }
    if (step) {
        if (enrol) {
            co_await lease.Exec(sql::kEnableMfa, org_id, user_id, *step);
            ok = true;
            method = "totp (enrolment)";
        } else {
            db::Result r = co_await lease.Exec(sql::kSetLastStep, org_id, user_id, *step);
            ok = r.Rows() == 1;
            method = "totp";
            if (ok && secrets_ && stored && !SecretBox::IsSealed(*stored)) {
                co_await lease.Exec(sql::kSealTotpSecret, org_id, user_id, SealTotp(user_id, *secret), *stored);
            }
        }
    } else if (!enrol) {
        db::Result r =
            co_await lease.Exec(sql::kUseRecoveryCode, org_id, user_id, TokenHash(NormaliseRecoveryCode(code)));
        ok = r.Rows() == 1;
        method = "recovery code";
    }
    AuditEvent e;
    e.org_id = org_id;
    e.actor_id = user_id;
    e.actor_email = user->email;
    e.target_type = "user";
    e.target_id = user_id;
    e.client = client;
    if (!ok) {
        co_await lease.Exec(sql::kChallengeAttempt, org_id, challenge_id);
        e.action = "auth.mfa";
        e.outcome = "failure";
        e.detail = secret ? "wrong code" : "no enrolment started";
        co_await WriteAudit(lease, e);
        co_await lease.Command("COMMIT");
        throw Unauthenticated(secret ? "the code is not valid"
                                     : "start MFA enrolment first (POST /api/v1/auth/mfa/enroll)");
    }
    if (enrol) {
        result.recovery_codes = NewRecoveryCodes();
        co_await lease.Exec(sql::kDeleteRecoveryCodes, org_id, user_id);
        for (const auto& rc : result.recovery_codes) {
            co_await lease.Exec(sql::kInsertRecoveryCode, org_id, user_id, TokenHash(NormaliseRecoveryCode(rc)));
        }
        AuditEvent m = e;
        m.action = "auth.mfa.enable";
        m.before = R"({"mfa_enabled":false})";
        m.after = R"({"mfa_enabled":true})";
        co_await WriteAudit(lease, m);
    }
    co_await lease.Exec(sql::kChallengeUsed, org_id, challenge_id);
    co_await lease.Exec(sql::kTouchLogin, org_id, user_id);
    result.tokens = co_await IssueTokens(lease, scope, NewUuid(), client);
    e.action = "auth.login";
    e.detail = "password + " + method;
    co_await WriteAudit(lease, e);
    co_await lease.Command("COMMIT");
    co_return result;
}

asio::awaitable<TokenPair> AuthService::Refresh(std::string refresh_token, ClientInfo client) {
    if (refresh_token.empty() || refresh_token.size() > 200) {
        throw Unauthenticated("a refresh token is required");
    }
    auto lease = co_await pool_.Acquire();
    co_await lease.Command("BEGIN");
    std::string hash = TokenHash(refresh_token);
    co_await lease.Exec(sql::kSetTokenHash, hash);
    db::Result t = co_await lease.Exec(sql::kRefreshByHash, hash);
    if (t.Rows() == 0) {
        co_await lease.Command("ROLLBACK");
        throw Unauthenticated("the refresh token is not valid");
    }
    std::string id(t.Get(0, 0)), org_id(t.Get(0, 1)), user_id(t.Get(0, 2)), family(t.Get(0, 3));
    bool used = t.GetBool(0, 4), revoked = t.GetBool(0, 5), expired = t.GetBool(0, 6);
    const Scope lookup{TenantId(org_id), user_id, "rep"};
    co_await tenancy::EnterScope(lease, lookup);
    db::Result row = co_await lease.Exec(sql::kUserById, org_id, user_id);
    auto user = UserRow::From(row);
    Scope scope{TenantId(org_id), user_id, user ? user->role : "rep"};
    co_await tenancy::EnterScope(lease, scope);
    std::optional<std::string> problem;
    if (revoked) {
        problem = "revoked";
    } else if (used) {
        problem = "reuse";
    } else if (expired) {
        problem = "expired";
    } else if (!user || user->status != "active") {
        problem = "account not active";
    } else {
        db::Result m = co_await lease.Exec(sql::kMarkRefreshUsed, org_id, id);
        if (m.Rows() == 0) {
            problem = "reuse";  // a concurrent refresh with the same token won
        }
    }
    if (problem) {
        if (!revoked) {
            co_await lease.Exec(sql::kRevokeFamily, org_id, family, *problem);
        }
        if (*problem == "reuse") {
            AuditEvent e;
            e.org_id = org_id;
            e.actor_id = user_id;
            e.actor_email = user ? std::optional<std::string>(user->email) : std::nullopt;
            e.action = "auth.refresh.reuse";
            e.outcome = "failure";
            e.target_type = "session";
            e.target_id = family;
            e.detail = "a rotated refresh token was presented again; the session family was revoked";
            e.client = client;
            co_await WriteAudit(lease, e);
        }
        co_await lease.Command("COMMIT");
        throw Unauthenticated("the refresh token is not valid");
    }
    TokenPair pair = co_await IssueTokens(lease, scope, family, client);
    co_await lease.Command("COMMIT");
    co_return pair;
}

asio::awaitable<void> AuthService::Logout(std::string refresh_token, std::optional<http::Principal> principal,
                                          ClientInfo client) {
    auto lease = co_await pool_.Acquire();
    std::optional<Scope> scope;
    std::string family;
    if (!refresh_token.empty() && refresh_token.size() <= 200) {
        co_await lease.Command("BEGIN");
        std::string hash = TokenHash(refresh_token);
        co_await lease.Exec(sql::kSetTokenHash, hash);
        db::Result t = co_await lease.Exec(sql::kRefreshByHash, hash);
        if (t.Rows() == 1) {
            scope = Scope{TenantId(std::string(t.Get(0, 1))), std::string(t.Get(0, 2)), "rep"};
            family = std::string(t.Get(0, 3));
            co_await tenancy::EnterScope(lease, *scope);
        }
    } else if (principal && tenancy::IsUuid(principal->session_id)) {
        scope = tenancy::ScopeOf(*principal);
        family = principal->session_id;
        co_await tenancy::Begin(lease, *scope);
    }
    if (!scope) {
        if (!refresh_token.empty() && refresh_token.size() <= 200) {
            co_await lease.Command("ROLLBACK");
        }
        co_return;  // nothing to revoke: logging out is idempotent
    }
    co_await lease.Exec(sql::kRevokeFamily, scope->org.Str(), family, "logout");
    AuditEvent e;
    e.org_id = scope->org.Str();
    e.actor_id = scope->user_id;
    e.action = "auth.logout";
    e.target_type = "session";
    e.target_id = family;
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await lease.Command("COMMIT");
}

asio::awaitable<void> AuthService::AcceptInvite(std::string token, std::string password, ClientInfo client) {
    if (token.empty() || token.size() > 200) {
        throw core::Invalid("token", "is required");
    }
    std::string hash = TokenHash(token);
    std::string org_id, user_id, role, email;
    {
        auto lease = co_await pool_.Acquire();
        co_await lease.Command("BEGIN");
        co_await lease.Exec(sql::kSetTokenHash, hash);
        db::Result r = co_await lease.Exec(sql::kUserByInvite, hash);
        co_await lease.Command("ROLLBACK");
        if (r.Rows() == 0 || r.GetBool(0, 4)) {
            throw core::Invalid("token",
                                "the invitation is invalid or has expired; ask an administrator for a new one");
        }
        user_id = r.Get(0, 0);
        org_id = r.Get(0, 1);
        role = r.Get(0, 2);
        email = r.Get(0, 3);
    }
    if (auto bad = CheckPasswordPolicy(password, email)) {
        throw core::Invalid("password", *bad);
    }
    std::string encoded = co_await HashOnCpu(password);
    auto lease = co_await pool_.Acquire();
    Scope scope{TenantId(org_id), user_id, role};
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kAcceptInvite, org_id, user_id, encoded);
    if (r.Affected() != 1) {
        co_await tx.Rollback();
        throw core::Invalid("token", "the invitation is invalid or has expired");
    }
    AuditEvent e;
    e.org_id = org_id;
    e.actor_id = user_id;
    e.actor_email = email;
    e.action = "auth.invite.accept";
    e.target_type = "user";
    e.target_id = user_id;
    e.before = R"({"status":"invited"})";
    e.after = R"({"status":"active"})";
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
}

asio::awaitable<TokenPair> AuthService::ExchangeSsoCode(std::string code, ClientInfo client) {
    if (code.empty() || code.size() > 200) {
        throw core::Invalid("code", "is required");
    }
    auto lease = co_await pool_.Acquire();
    co_await lease.Command("BEGIN");
    std::string hash = TokenHash(code);
    co_await lease.Exec(sql::kSetTokenHash, hash);
    db::Result h = co_await lease.Exec(sql::kHandoffByHash, hash);
    if (h.Rows() == 0) {
        co_await lease.Command("ROLLBACK");
        throw Unauthenticated("the sign-in code is invalid or expired; sign in again");
    }
    std::string id(h.Get(0, 0)), org_id(h.Get(0, 1)), user_id(h.Get(0, 2));
    bool spent = h.GetBool(0, 3);
    const Scope lookup{TenantId(org_id), user_id, "rep"};
    co_await tenancy::EnterScope(lease, lookup);
    db::Result used;
    if (!spent) {
        used = co_await lease.Exec(sql::kUseHandoff, org_id, id);
    }
    db::Result row = co_await lease.Exec(sql::kUserById, org_id, user_id);
    auto user = UserRow::From(row);
    if (used.Rows() == 0 || !user || user->status != "active") {
        AuditEvent e;
        e.org_id = org_id;
        e.actor_id = user_id;
        e.action = "auth.sso.exchange";
        e.outcome = "failure";
        e.target_type = "user";
        e.target_id = user_id;
        e.detail = used.Rows() == 0 ? "sign-in code used twice or expired" : "account not active";
        e.client = client;
        co_await WriteAudit(lease, e);
        co_await lease.Command("COMMIT");
        throw Unauthenticated("the sign-in code is invalid or expired; sign in again");
    }
    Scope scope{TenantId(org_id), user_id, user->role};
    co_await tenancy::EnterScope(lease, scope);
    TokenPair pair = co_await IssueTokens(lease, scope, NewUuid(), client);
    co_await lease.Command("COMMIT");
    co_return pair;
}

asio::awaitable<MfaEnrolment> AuthService::BeginEnrolment(std::optional<http::Principal> principal,
                                                          std::string challenge, ClientInfo client) {
    auto lease = co_await pool_.Acquire();
    std::optional<Scope> scope;
    if (principal) {
        scope = tenancy::ScopeOf(*principal);
        co_await tenancy::Begin(lease, *scope);
    } else {
        if (challenge.empty() || challenge.size() > 200) {
            throw Error(ErrorKind::kUnauthenticated, "sign in, or pass the enrolment challenge of your sign-in");
        }
        co_await lease.Command("BEGIN");
        std::string hash = TokenHash(challenge);
        co_await lease.Exec(sql::kSetTokenHash, hash);
        db::Result c = co_await lease.Exec(sql::kChallengeByHash, hash);
        if (c.Rows() == 0 || c.GetBool(0, 5) || !c.GetBool(0, 3)) {
            co_await lease.Command("ROLLBACK");
            throw Unauthenticated("the enrolment challenge is invalid or expired; sign in again");
        }
        scope = Scope{TenantId(std::string(c.Get(0, 1))), std::string(c.Get(0, 2)), "rep"};
        co_await tenancy::EnterScope(lease, *scope);
    }
    db::Result row = co_await lease.Exec(sql::kUserById, scope->org.Str(), scope->user_id);
    auto user = UserRow::From(row);
    if (!user) {
        co_await lease.Command("ROLLBACK");
        throw Unauthenticated("authentication required");
    }
    if (user->mfa_enabled) {
        co_await lease.Command("ROLLBACK");
        throw Error(ErrorKind::kConflict, "MFA is already enabled; disable it first to enrol a new device");
    }
    MfaEnrolment out;
    out.secret = Base32Encode(RandomBytes(20));  // 160 bits, RFC 4226's recommended key size
    co_await lease.Exec(sql::kSetPendingSecret, scope->org.Str(), scope->user_id, SealTotp(scope->user_id, out.secret));
    AuditEvent e;
    e.org_id = scope->org.Str();
    e.actor_id = scope->user_id;
    e.actor_email = user->email;
    e.action = "auth.mfa.enrol";
    e.target_type = "user";
    e.target_id = scope->user_id;
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await lease.Command("COMMIT");
    out.otpauth_uri = OtpauthUri(settings_.issuer_name, user->email, out.secret);
    out.qr_svg = QrSvg(out.otpauth_uri);
    co_return out;
}

asio::awaitable<std::vector<std::string>> AuthService::ConfirmEnrolment(const http::Principal& principal,
                                                                        std::string code, ClientInfo client) {
    Scope scope = tenancy::ScopeOf(principal);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result row = co_await lease.Exec(sql::kUserById, scope.org.Str(), scope.user_id);
    auto user = UserRow::From(row);
    if (!user || !user->mfa_pending_secret) {
        co_await tx.Rollback();
        throw Error(ErrorKind::kConflict, "no MFA enrolment in progress (POST /api/v1/auth/mfa/enroll first)");
    }
    auto pending = OpenTotp(scope.user_id, user->mfa_pending_secret);
    auto key = pending ? Base32Decode(*pending) : std::nullopt;
    auto step = key ? VerifyTotp(*key, Trim(code), Now(), std::nullopt) : std::nullopt;
    if (!step) {
        co_await tx.Rollback();
        throw core::Invalid("code", "does not match the authenticator; check the device clock and try again");
    }
    co_await lease.Exec(sql::kEnableMfa, scope.org.Str(), scope.user_id, *step);
    std::vector<std::string> codes = NewRecoveryCodes();
    co_await lease.Exec(sql::kDeleteRecoveryCodes, scope.org.Str(), scope.user_id);
    for (const auto& rc : codes) {
        co_await lease.Exec(sql::kInsertRecoveryCode, scope.org.Str(), scope.user_id,
                            TokenHash(NormaliseRecoveryCode(rc)));
    }
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.actor_email = user->email;
    e.action = "auth.mfa.enable";
    e.target_type = "user";
    e.target_id = scope.user_id;
    e.before = R"({"mfa_enabled":false})";
    e.after = R"({"mfa_enabled":true})";
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    co_return codes;
}

asio::awaitable<void> AuthService::DisableMfa(const http::Principal& principal, std::string code, ClientInfo client) {
    Scope scope = tenancy::ScopeOf(principal);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result org = co_await lease.Exec(sql::kOrgMfaRequired, scope.org.Str());
    if (org.Rows() == 1 && org.GetBool(0, 0)) {
        co_await tx.Rollback();
        throw Error(ErrorKind::kConflict, "your organisation requires MFA; it cannot be turned off");
    }
    db::Result row = co_await lease.Exec(sql::kUserById, scope.org.Str(), scope.user_id);
    auto user = UserRow::From(row);
    if (!user || !user->mfa_enabled || !user->mfa_secret) {
        co_await tx.Rollback();
        throw Error(ErrorKind::kConflict, "MFA is not enabled");
    }
    auto current = OpenTotp(scope.user_id, user->mfa_secret);
    auto key = current ? Base32Decode(*current) : std::nullopt;
    bool ok = key && VerifyTotp(*key, Trim(code), Now(), user->mfa_last_step).has_value();
    if (!ok) {
        db::Result r = co_await lease.Exec(sql::kUseRecoveryCode, scope.org.Str(), scope.user_id,
                                           TokenHash(NormaliseRecoveryCode(code)));
        ok = r.Rows() == 1;
    }
    if (!ok) {
        co_await tx.Rollback();
        throw core::Invalid("code", "is not a valid authenticator or recovery code");
    }
    co_await lease.Exec(sql::kDisableMfa, scope.org.Str(), scope.user_id);
    co_await lease.Exec(sql::kDeleteRecoveryCodes, scope.org.Str(), scope.user_id);
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.actor_email = user->email;
    e.action = "auth.mfa.disable";
    e.target_type = "user";
    e.target_id = scope.user_id;
    e.before = R"({"mfa_enabled":true})";
    e.after = R"({"mfa_enabled":false})";
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
}

asio::awaitable<UserView> AuthService::LoadUser(db::Lease& lease, const Scope& scope, const std::string& id) {
    if (!tenancy::IsUuid(id)) {
        throw core::NotFound("no user " + id);
    }
    db::Result r = co_await lease.Exec(sql::kGetUser, scope.org.Str(), id);
    if (r.Rows() == 0) {
        // Another organisation's user answers exactly like a missing one.
        throw core::NotFound("no user " + id);
    }
    co_return ViewFrom(r, 0);
}

asio::awaitable<UserView> AuthService::Me(const http::Principal& principal) {
    Scope scope = tenancy::ScopeOf(principal);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kGetUser, scope.org.Str(), scope.user_id);
    co_await tx.Commit();
    if (r.Rows() == 0) {
        throw Unauthenticated("the account no longer exists");
    }
    co_return ViewFrom(r, 0);
}

asio::awaitable<UserView> AuthService::UpdateMe(const http::Principal& principal, std::optional<std::string> name,
                                                std::optional<int64_t> if_match, ClientInfo client) {
    if (!name || Trim(*name).empty() || name->size() > 200) {
        throw core::Invalid("display_name", "must be 1 to 200 characters");
    }
    Scope scope = tenancy::ScopeOf(principal);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    UserView before = co_await LoadUser(lease, scope, scope.user_id);
    if (if_match && *if_match != before.version) {
        co_await tx.Rollback();
        throw Error(ErrorKind::kPreconditionFailed, "your profile changed since you read it");
    }
    // Role, status and manager are written back unchanged: only display_name is the caller's to set.
    co_await lease.Exec(sql::kUpdateUser, scope.org.Str(), scope.user_id, Trim(*name), before.role, before.manager_id,
                        before.status);
    UserView after = co_await LoadUser(lease, scope, scope.user_id);
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = "user.profile.update";
    e.target_type = "user";
    e.target_id = scope.user_id;
    e.before = AuditJson(before);
    e.after = AuditJson(after);
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    co_return after;
}

asio::awaitable<UserList> AuthService::Team(const http::Principal& principal) {
    Scope scope = tenancy::ScopeOf(principal);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kTeam, scope.org.Str());
    co_await tx.Commit();
    UserList out;
    for (int i = 0; i < r.Rows(); ++i) {
        out.items.push_back(ViewFrom(r, i));
    }
    co_return out;
}

asio::awaitable<UserList> AuthService::ListUsers(const http::Principal& admin, Page page,
                                                 std::optional<std::string> role, std::optional<std::string> status) {
    int limit = ClampLimit(page.limit);
    if (role && !ValidRole(*role)) {
        throw core::Invalid("role", "must be rep, manager or admin");
    }
    if (status && *status != "invited" && *status != "active" && *status != "disabled") {
        throw core::Invalid("status", "must be invited, active or disabled");
    }
    std::optional<std::string> after_at, after_id;
    if (page.cursor) {
        auto [a, b] = DecodeCursor(*page.cursor);
        if (!tenancy::IsUuid(b)) {
            throw core::Invalid("cursor", "is not a cursor this API returned");
        }
        after_at = a;
        after_id = b;
    }
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kListUsers, scope.org.Str(), after_at, after_id, limit + 1, role, status);
    co_await tx.Commit();
    UserList out;
    for (int i = 0; i < r.Rows() && i < limit; ++i) {
        out.items.push_back(ViewFrom(r, i));
    }
    if (r.Rows() > limit) {
        out.next_cursor = EncodeCursor(out.items.back().sort_key, out.items.back().id);
    }
    co_return out;
}

asio::awaitable<UserView> AuthService::GetUser(const http::Principal& admin, std::string id) {
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    UserView u = co_await LoadUser(lease, scope, id);
    co_await tx.Commit();
    co_return u;
}

asio::awaitable<CreatedUser> AuthService::CreateUser(const http::Principal& admin, UserInput in, ClientInfo client) {
    if (!in.email) {
        throw core::Invalid("email", "is required");
    }
    std::string email = NormaliseEmail(*in.email);
    ValidateEmail(email);
    std::string name = Trim(in.display_name.value_or(""));
    if (name.empty() || name.size() > 200) {
        throw core::Invalid("display_name", "is required (1 to 200 characters)");
    }
    if (!in.role || !ValidRole(*in.role)) {
        throw core::Invalid("role", "must be rep, manager or admin");
    }
    if (in.status) {
        throw core::Invalid("status", "cannot be set when inviting; a user becomes active by accepting the invitation");
    }
    if (in.client_id && (in.client_id->empty() || in.client_id->size() > 100)) {
        throw core::Invalid("client_id", "must be 1 to 100 characters");
    }
    std::optional<std::string> manager = in.manager_id ? *in.manager_id : std::nullopt;
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    CreatedUser out;
    if (in.client_id) {
        db::Result existing = co_await lease.Exec(sql::kUserByClientId, scope.org.Str(), *in.client_id);
        if (existing.Rows() == 1) {
            out.user = co_await LoadUser(lease, scope, std::string(existing.Get(0, 0)));
            co_await tx.Commit();
            co_return out;
        }
    }
    if (manager) {
        db::Result m;
        if (tenancy::IsUuid(*manager)) {
            m = co_await lease.Exec(sql::kGetUser, scope.org.Str(), *manager);
        }
        if (m.Rows() == 0) {
            co_await tx.Rollback();
            throw core::Invalid("manager_id", "no such user in your organisation");
        }
        if (m.Get(0, 3) == "rep") {
            co_await tx.Rollback();
            throw core::Invalid("manager_id", "must be a manager or an admin");
        }
    }
    std::string invite = NewOpaqueToken();
    db::Result ins = co_await lease.Exec(sql::kInsertUser, scope.org.Str(), email, name, *in.role, manager,
                                         TokenHash(invite), settings_.invite_ttl_seconds, in.client_id, scope.user_id);
    if (ins.Rows() == 0) {
        // A concurrent retry with the same client_id created it first.
        db::Result existing = co_await lease.Exec(sql::kUserByClientId, scope.org.Str(), *in.client_id);
        out.user = co_await LoadUser(lease, scope, std::string(existing.Get(0, 0)));
        co_await tx.Commit();
        co_return out;
    }
    out.user = co_await LoadUser(lease, scope, std::string(ins.Get(0, 0)));
    out.invite_token = invite;
    out.created = true;
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = "admin.user.create";
    e.target_type = "user";
    e.target_id = out.user.id;
    e.after = AuditJson(out.user);
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    co_return out;
}

asio::awaitable<UserView> AuthService::UpdateUser(const http::Principal& admin, std::string id, UserInput in,
                                                  std::optional<int64_t> if_match, ClientInfo client) {
    if (in.email) {
        throw core::Invalid("email", "cannot be changed; invite the new address instead");
    }
    if (in.client_id) {
        throw core::Invalid("client_id", "is set once, on create");
    }
    if (in.role && !ValidRole(*in.role)) {
        throw core::Invalid("role", "must be rep, manager or admin");
    }
    if (in.status && *in.status != "active" && *in.status != "disabled") {
        throw core::Invalid("status", "must be active or disabled");
    }
    if (in.display_name && (Trim(*in.display_name).empty() || in.display_name->size() > 200)) {
        throw core::Invalid("display_name", "must be 1 to 200 characters");
    }
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    UserView before = co_await LoadUser(lease, scope, id);
    if (if_match && *if_match != before.version) {
        co_await tx.Rollback();
        throw Error(ErrorKind::kPreconditionFailed,
                    "the user changed since you read it (version " + std::to_string(before.version) + ")");
    }
    std::string role = in.role.value_or(before.role);
    std::string status = in.status.value_or(before.status);
    std::string name = in.display_name ? Trim(*in.display_name) : before.display_name;
    std::optional<std::string> manager = in.manager_id ? *in.manager_id : before.manager_id;
    if (id == scope.user_id && (role != "admin" || status != "active")) {
        co_await tx.Rollback();
        throw Error(ErrorKind::kUnprocessable, "you cannot remove your own admin rights or disable yourself",
                    {core::FieldError{in.role ? "role" : "status", "cannot change for your own account"}});
    }
    if (before.status == "invited" && status == "active") {
        co_await tx.Rollback();
        throw core::Invalid("status", "an invited user becomes active by accepting the invitation");
    }
    if (in.manager_id && manager) {
        db::Result m;
        if (tenancy::IsUuid(*manager)) {
            m = co_await lease.Exec(sql::kGetUser, scope.org.Str(), *manager);
        }
        if (m.Rows() == 0 || *manager == id) {
            co_await tx.Rollback();
            throw core::Invalid("manager_id", "no such user in your organisation (or the user themselves)");
        }
        if (m.Get(0, 3) == "rep") {
            co_await tx.Rollback();
            throw core::Invalid("manager_id", "must be a manager or an admin");
        }
    }
    co_await lease.Exec(sql::kUpdateUser, scope.org.Str(), id, name, role, manager, status);
    if (status == "disabled" && before.status != "disabled") {
        co_await lease.Exec(sql::kRevokeUser, scope.org.Str(), id, "user disabled");
    }
    UserView after = co_await LoadUser(lease, scope, id);
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = before.role != after.role ? "admin.user.role" : "admin.user.update";
    e.target_type = "user";
    e.target_id = id;
    e.before = AuditJson(before);
    e.after = AuditJson(after);
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    ForgetStatus(id);
    co_return after;
}

asio::awaitable<bool> AuthService::StillValid(const http::Principal& p) {
    int64_t now = Now();
    {
        std::lock_guard lock(status_mu_);
        auto it = status_cache_.find(p.user_id);
        if (it != status_cache_.end() && now - it->second.at < settings_.status_cache_seconds) {
            co_return it->second.status == "active" && it->second.role == p.role;
        }
    }
    Scope scope = tenancy::ScopeOf(p);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kUserStatus, scope.org.Str(), scope.user_id);
    co_await tx.Commit();
    CachedStatus c;
    c.at = now;
    if (r.Rows() == 1) {
        c.status = r.Get(0, 0);
        c.role = r.Get(0, 1);
    }
    {
        std::lock_guard lock(status_mu_);
        if (status_cache_.size() > 100000) {
            status_cache_.clear();  // bounded memory; entries are cheap to refill
        }
        status_cache_[p.user_id] = c;
    }
    co_return c.status == "active" && c.role == p.role;
}

void AuthService::ForgetStatus(const std::string& user_id) {
    std::lock_guard lock(status_mu_);
    status_cache_.erase(user_id);
}

asio::awaitable<UserView> AuthService::DisableUser(const http::Principal& admin, std::string id, ClientInfo client) {
    UserInput in;
    in.status = "disabled";
    co_return co_await UpdateUser(admin, std::move(id), std::move(in), std::nullopt, std::move(client));
}

asio::awaitable<UserView> AuthService::ResetMfa(const http::Principal& admin, std::string id, ClientInfo client) {
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    UserView before = co_await LoadUser(lease, scope, id);
    co_await lease.Exec(sql::kDisableMfa, scope.org.Str(), id);
    co_await lease.Exec(sql::kDeleteRecoveryCodes, scope.org.Str(), id);
    UserView after = co_await LoadUser(lease, scope, id);
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = "admin.user.mfa_reset";
    e.target_type = "user";
    e.target_id = id;
    e.before = AuditJson(before);
    e.after = AuditJson(after);
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    co_return after;
}

asio::awaitable<OrgView> AuthService::GetOrg(const http::Principal& admin) {
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kGetOrg, scope.org.Str());
    co_await tx.Commit();
    if (r.Rows() == 0) {
        throw core::NotFound("no organisation");
    }
    co_return OrgView{std::string(r.Get(0, 0)), std::string(r.Get(0, 1)), std::string(r.Get(0, 2)), r.GetBool(0, 3),
                      r.GetInt(0, 4)};
}

asio::awaitable<OrgView> AuthService::UpdateOrg(const http::Principal& admin, std::optional<std::string> name,
                                                std::optional<bool> mfa_required, ClientInfo client) {
    if (name && (Trim(*name).empty() || name->size() > 200)) {
        throw core::Invalid("name", "must be 1 to 200 characters");
    }
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kGetOrg, scope.org.Str());
    if (r.Rows() == 0) {
        co_await tx.Rollback();
        throw core::NotFound("no organisation");
    }
    OrgView before{std::string(r.Get(0, 0)), std::string(r.Get(0, 1)), std::string(r.Get(0, 2)), r.GetBool(0, 3),
                   r.GetInt(0, 4)};
    OrgView after = before;
    after.name = name ? Trim(*name) : before.name;
    after.mfa_required = mfa_required.value_or(before.mfa_required);
    db::Result u = co_await lease.Exec(sql::kUpdateOrg, scope.org.Str(), after.name, after.mfa_required);
    after.version = u.GetInt(0, 0);
    auto to_json = [](const OrgView& o) {
        return json::serialize(json::object{{"name", o.name}, {"mfa_required", o.mfa_required}});
    };
    AuditEvent e;
    e.org_id = scope.org.Str();
    e.actor_id = scope.user_id;
    e.action = "admin.org.update";
    e.target_type = "org";
    e.target_id = scope.org.Str();
    e.before = to_json(before);
    e.after = to_json(after);
    e.client = client;
    co_await WriteAudit(lease, e);
    co_await tx.Commit();
    co_return after;
}

asio::awaitable<AuditList> AuthService::ListAudit(const http::Principal& admin, Page page, AuditFilter f) {
    int limit = ClampLimit(page.limit);
    if (f.actor_id && !tenancy::IsUuid(*f.actor_id)) {
        throw core::Invalid("actor_id", "must be a user id");
    }
    if (f.outcome && *f.outcome != "success" && *f.outcome != "failure") {
        throw core::Invalid("outcome", "must be success or failure");
    }
    for (auto* t : {&f.since, &f.until}) {
        if (*t && (t->value().size() < 10 || t->value().size() > 40 || !std::isdigit(t->value()[0]))) {
            throw core::Invalid(t == &f.since ? "since" : "until", "must be an RFC 3339 time or a date");
        }
    }
    std::optional<std::string> after_at, after_id;
    if (page.cursor) {
        auto [a, b] = DecodeCursor(*page.cursor);
        if (b.empty() || b.find_first_not_of("0123456789") != std::string::npos) {
            throw core::Invalid("cursor", "is not a cursor this API returned");
        }
        after_at = a;
        after_id = b;
    }
    Scope scope = tenancy::ScopeOf(admin);
    auto lease = co_await pool_.Acquire();
    auto tx = co_await tenancy::Begin(lease, scope);
    db::Result r = co_await lease.Exec(sql::kListAudit, scope.org.Str(), after_at, after_id, limit + 1, f.action,
                                       f.actor_id, f.outcome, f.since, f.until, f.target_id);
    co_await tx.Commit();
    AuditList out;
    for (int i = 0; i < r.Rows() && i < limit; ++i) {
        AuditEntry a;
        a.id = std::string(r.Get(i, 0));
        a.at = std::string(r.Get(i, 1));
        a.actor_id = Opt(r, i, 2);
        a.actor_email = Opt(r, i, 3);
        a.action = std::string(r.Get(i, 4));
        a.outcome = std::string(r.Get(i, 5));
        a.target_type = Opt(r, i, 6);
        a.target_id = Opt(r, i, 7);
        a.before = Opt(r, i, 8);
        a.after = Opt(r, i, 9);
        a.detail = Opt(r, i, 10);
        a.ip = Opt(r, i, 11);
        a.user_agent = Opt(r, i, 12);
        a.request_id = Opt(r, i, 13);
        out.items.push_back(std::move(a));
        if (i == limit - 1 && r.Rows() > limit) {
            out.next_cursor = EncodeCursor(std::string(r.Get(i, 14)), out.items.back().id);
        }
    }
    co_return out;
}

}  // namespace rounds::auth
