#include "db/sync_connection.h"

#include "core/config.h"
#include "core/error.h"
#include "db/sql_error.h"

namespace rounds::db {

SyncConnection::SyncConnection(const std::string& url) {
    if (url.empty()) {
        throw core::Error(core::ErrorKind::kInvalid, "no database URL: set ROUNDS_DATABASE_URL or --database-url");
    }
    conn_ = PQconnectdb(url.c_str());
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        std::string msg = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
            msg.pop_back();
        }
        if (conn_ != nullptr) {
            PQfinish(conn_);
            conn_ = nullptr;
        }
        throw core::Error(core::ErrorKind::kUnavailable,
                          "cannot connect to the database at " + core::RedactUrl(url) + ": " + msg);
    }
    // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

SyncConnection::~SyncConnection() {
    if (conn_ != nullptr) {
        PQfinish(conn_);
    }
}

void SyncConnection::ExecScript(std::string_view sql) {
    std::string text(sql);
    Result r(PQexec(conn_, text.c_str()));
    CheckResult(conn_, r.Raw());
}

Result SyncConnection::Exec(std::string_view sql, std::span<const Param> params) {
    std::string text(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) {
        values.push_back(p ? p->c_str() : nullptr);
    }
    Result r(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 0));
    CheckResult(conn_, r.Raw());
    return r;
}

void SyncConnection::BeginCopy(std::string_view copy_sql) {
    std::string text(copy_sql);
    Result r(PQexec(conn_, text.c_str()));
    if (r.Raw() == nullptr || PQresultStatus(r.Raw()) != PGRES_COPY_IN) {
        CheckResult(conn_, r.Raw());
        throw SqlError("XX000", "COPY did not start: " + text);
    }
}

void SyncConnection::PutCopyData(std::string_view bytes) {
    if (PQputCopyData(conn_, bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw SqlError("08006", std::string("COPY data failed: ") + PQerrorMessage(conn_));
    }
}

int64_t SyncConnection::EndCopy() {
    if (PQputCopyEnd(conn_, nullptr) != 1) {
        throw SqlError("08006", std::string("COPY end failed: ") + PQerrorMessage(conn_));
    }
    int64_t rows = 0;
    std::optional<SqlError> error;
    while (PGresult* raw = PQgetResult(conn_)) {
        Result r(raw);
        if (PQresultStatus(raw) == PGRES_COMMAND_OK) {
            rows = r.Affected();
        } else if (!error) {
            try {
                CheckResult(conn_, raw);
            } catch (const SqlError& e) {
                error = e;
            }
        }
    }
    if (error) {
        throw *error;
    }
    return rows;
}

void SyncConnection::AbortCopy(std::string_view reason) {
    std::string text(reason);
    PQputCopyEnd(conn_, text.c_str());
    while (PGresult* raw = PQgetResult(conn_)) {
        PQclear(raw);
    }
}

}  // namespace rounds::db
