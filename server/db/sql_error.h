#pragma once

#include <libpq-fe.h>

#include "core/error.h"
#include "db/result.h"

namespace rounds::db {

/// Throws SqlError when `res` is not a success; the SQLSTATE comes from the result (or "08006" when the
/// connection itself failed and there is no result).
void CheckResult(PGconn* conn, PGresult* res);

/// The one mapping from SQLSTATE to error kinds: unique/foreign-key/check violations → conflict or
/// invalid, serialization failure and deadlock → unavailable (retry), statement timeout and connection
/// loss → unavailable. Client text never includes the SQL.
core::Error MapSqlError(const SqlError& e);

/// Whether a SQLSTATE means "try the whole transaction again".
bool IsRetryable(std::string_view sqlstate);

}  // namespace rounds::db
