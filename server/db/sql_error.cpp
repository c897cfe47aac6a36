#include "db/sql_error.h"

#include <string>

namespace rounds::db {

void CheckResult(PGconn* conn, PGresult* res) {
    ExecStatusType st = res == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN || st == PGRES_COPY_OUT ||
        st == PGRES_EMPTY_QUERY || st == PGRES_SINGLE_TUPLE) {
        return;
    }
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
        msg.pop_back();
    }
    throw SqlError(state != nullptr ? state : "08006", msg);
}

bool IsRetryable(std::string_view s) { return s == "40001" || s == "40P01"; }

core::Error MapSqlError(const SqlError& e) {
    using core::ErrorKind;
    const std::string& s = e.SqlState();
    if (s == "23505") {
        return core::Error(ErrorKind::kConflict, "the record already exists", {}, e.what());
    }
    if (s == "23503") {
        return core::Error(ErrorKind::kInvalid, "a referenced record does not exist", {}, e.what());
    }
    if (s == "23514" || s == "23502" || s.starts_with("22")) {
        return core::Error(ErrorKind::kInvalid, "a value is out of range or malformed", {}, e.what());
    }
    if (IsRetryable(s)) {
        return core::Error(ErrorKind::kUnavailable, "the request conflicted with another; retry", {}, e.what())
            .WithRetryAfter(1);
    }
    if (s == "57014") {
        return core::Error(ErrorKind::kUnavailable, "the database took too long to answer", {}, e.what())
            .WithRetryAfter(1);
    }
    if (s.starts_with("08") || s.starts_with("57P") || s == "53300" || s.starts_with("53")) {
        return core::Error(ErrorKind::kUnavailable, "the database is unavailable", {}, e.what()).WithRetryAfter(2);
    }
    if (s == "42501") {
        return core::Error(ErrorKind::kInternal, "permission denied", {}, e.what());
    }
    return core::Error(ErrorKind::kInternal, "database error", {}, e.what());
}

}  // namespace rounds::db
