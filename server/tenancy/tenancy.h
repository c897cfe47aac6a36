#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "db/pool.h"
#include "http/request.h"

namespace rounds::tenancy {

/// An organisation id. A strong type so a user id or a string from a request body cannot be passed where the
/// caller's organisation is meant: the only ways to get one are from a verified Principal or a row the
/// database already filtered.
class TenantId {
  public:
    /// Throws core::Error(kInvalid) unless `uuid` is a canonical lowercase UUID.
    explicit TenantId(std::string uuid);
    const std::string& Str() const { return id_; }
    bool operator==(const TenantId&) const = default;

  private:
    std::string id_;
};

/// The caller as row-level security sees it.
struct Scope {
    TenantId org;
    std::string user_id;  // canonical UUID
    std::string role;     // rep | manager | admin
};

/// Scope of an authenticated request. Throws core::Error(kUnauthenticated) when there is no principal.
Scope ScopeOf(const http::Request& req);
Scope ScopeOf(const http::Principal& principal);

/// True for a canonical lowercase UUID (8-4-4-4-12 hex digits).
bool IsUuid(std::string_view s);

/// The one round trip that opens a tenant transaction: BEGIN plus the transaction-local settings the
/// row-level-security policies read (rounds.org_id, rounds.user_id, rounds.role). The values are
/// validated (UUIDs, a fixed role set) before they are placed in the command text, so they cannot carry SQL.
std::string BeginSql(const Scope& scope);

/// A tenant-scoped transaction on a leased connection. Every statement until Commit/Rollback sees only the
/// scope's organisation, whether or not the statement filters by org_id. If neither is called (an
/// exception unwound past it) the connection is left inside a transaction and the pool discards it, so a
/// half-done transaction is never committed and never reused.
class Transaction {
  public:
    Transaction(db::Lease& lease, Scope scope) : lease_(&lease), scope_(std::move(scope)) {}
    const Scope& scope() const { return scope_; }
    db::Lease& lease() { return *lease_; }
    boost::asio::awaitable<void> Commit();
    boost::asio::awaitable<void> Rollback();

  private:
    db::Lease* lease_;
    Scope scope_;
};

/// Opens the tenant transaction: `auto tx = co_await tenancy::Begin(lease, tenancy::ScopeOf(req));`.
boost::asio::awaitable<Transaction> Begin(db::Lease& lease, Scope scope);

/// Switches a transaction that started unscoped (a pre-authentication lookup) to the organisation of the
/// row it found, e.g. login after finding the user by e-mail. Same validation as BeginSql.
boost::asio::awaitable<void> EnterScope(db::Lease& lease, const Scope& scope);

}  // namespace rounds::tenancy
