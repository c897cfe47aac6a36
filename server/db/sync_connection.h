#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/result.h"

namespace rounds::db {

/// A blocking libpq connection for command-line work (migrate, ingest, admin). Never used on the HTTP
/// I/O threads: `rounds serve` goes through the asynchronous `db::Pool`.
class SyncConnection {
public:
    /// Connects or throws core::Error(kUnavailable) naming the reason libpq gave (password not logged).
    explicit SyncConnection(const std::string& url);
    ~SyncConnection();
    SyncConnection(const SyncConnection&) = delete;
    SyncConnection& operator=(const SyncConnection&) = delete;

    /// Runs one or more statements without parameters (migrations, DDL). Throws db::SqlError.
    void ExecScript(std::string_view sql);
    /// Runs one statement with bound text parameters (std::nullopt is SQL NULL). Throws db::SqlError.
    Result Exec(std::string_view sql, std::span<const Param> params = {});

    /// COPY ... FROM STDIN: call BeginCopy with the COPY statement, PutCopyData any number of times,
    /// then EndCopy (returns rows copied) or AbortCopy. Binary or text format is the caller's choice.
    void BeginCopy(std::string_view copy_sql);
    void PutCopyData(std::string_view bytes);
    int64_t EndCopy();
    void AbortCopy(std::string_view reason);

    PGconn* Raw() { return conn_; }

private:
    PGconn* conn_ = nullptr;
};

}  // namespace rounds::db
