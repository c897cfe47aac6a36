#include "tenancy/tenancy.h"

#include "core/error.h"

namespace rounds::tenancy {

namespace asio = boost::asio;

bool IsUuid(std::string_view s) {
    if (s.size() != 36) {
        return false;
    }
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') {
                return false;
            }
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

TenantId::TenantId(std::string uuid) : id_(std::move(uuid)) {
    if (!IsUuid(id_)) {
        throw core::Error(core::ErrorKind::kInternal, "invalid organisation id", {}, "TenantId: not a UUID");
    }
}

namespace {

bool ValidRole(std::string_view role) {
    return role == "rep" || role == "manager" || role == "admin";
}

std::string SettingsSql(const Scope& scope) {
    if (!IsUuid(scope.user_id) || !ValidRole(scope.role)) {
        // Principals come from verified tokens or database rows; anything else is a programming error.
        throw core::Error(core::ErrorKind::kInternal, "invalid tenant scope", {}, "tenancy: bad user id or role");
    }
    return "SELECT set_config('rounds.org_id', '" + scope.org.Str() + "', true), set_config('rounds.user_id', '" +
           scope.user_id + "', true), set_config('rounds.role', '" + scope.role + "', true)";
}

}  // namespace

Scope ScopeOf(const http::Principal& p) {
    if (!IsUuid(p.org_id) || !IsUuid(p.user_id)) {
        throw core::Error(core::ErrorKind::kUnauthenticated, "authentication required");
    }
    return Scope{TenantId(p.org_id), p.user_id, p.role};
}

Scope ScopeOf(const http::Request& req) {
    if (!req.principal) {
        throw core::Error(core::ErrorKind::kUnauthenticated, "authentication required");
    }
    return ScopeOf(*req.principal);
}

std::string BeginSql(const Scope& scope) {
    return "BEGIN; " + SettingsSql(scope);
}

asio::awaitable<void> Transaction::Commit() {
    co_await lease_->Command("COMMIT");
}

asio::awaitable<void> Transaction::Rollback() {
    co_await lease_->Command("ROLLBACK");
}

asio::awaitable<Transaction> Begin(db::Lease& lease, Scope scope) {
    std::string sql = BeginSql(scope);
    co_await lease.Command(sql);
    co_return Transaction(lease, std::move(scope));
}

asio::awaitable<void> EnterScope(db::Lease& lease, const Scope& scope) {
    std::string sql = SettingsSql(scope);
    co_await lease.Command(sql);
}

}  // namespace rounds::tenancy
